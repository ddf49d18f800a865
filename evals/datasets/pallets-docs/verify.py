"""Check questions.jsonl against the documents in docs/ (no model, no network).

Answerable rows: the evidence, whitespace-normalised, occurs in every named
document (whitespace-normalised); every answer string occurs in the evidence
(case-insensitive); 1-3 answers of 1-6 words each.
Unanswerable rows: no answers, no documents, no evidence, and none of the key
terms listed below for the row occurs (case-insensitive) in the scoped documents.

Run: python evals/datasets/pallets-docs/verify.py
"""

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = {"id", "question", "answers", "answerable", "context_doc_ids", "evidence"}

# Kind of each answerable row, read from its id (``<project>-<kind>-<slug>``).
KINDS = {
    "howto": "how-to",
    "default": "default value",
    "recommended": "default value",
    "version": "since which version",
    "return": "returns / raises",
    "raise": "returns / raises",
    "trailing": "returns / raises",
    "param": "which parameter",
    "why": "why",
    "def": "definition",
    "table": "table row",
    "list": "list item",
    "code": "code-adjacent sentence",
    "heading": "under a heading that names the topic",
}

# For each unanswerable row: key terms that must be absent, and where
# (None = the whole docs/ folder, else a list of document ids).
ABSENT: dict[str, tuple[list[str], list[str] | None]] = {
    "un-fl-py38-dropped": (["3.8"], None),
    "un-fl-cors": (["cors", "cross-origin resource"], None),
    "un-fl-rate-limit": (["rate limit", "rate-limit", "ratelimit", "limiter"], None),
    "un-fl-waitress-threads": (["--threads", "threads="], None),
    "un-fl-debugger-pin-expiry": (
        ["expire", "expiry", "valid for"],
        ["flask__debugging", "flask__server", "flask__cli", "flask__quickstart"],
    ),
    "un-fl-http2": (["http/2", "http2"], None),
    "un-fl-pagination": (["paginat", "per_page"], None),
    "un-fl-jwt": (["jwt", "bearer"], None),
    "un-ck-zsh-version": (
        ["versionadded", "versionchanged", "added in", "new in"],
        ["click__shell-completion", "click__upgrading"],
    ),
    "un-ck-prompt-retries": (["retries", "retry", "how many times", "max_tries"], None),
    "un-fl-aws-lambda": (["aws", "amazon", "serverless", "lambda function"], None),
    "un-ck-choice-version": (
        ["choice was added", "choice type was added"],
        None,
    ),
    "un-fl-systemd": (["systemd", "unit file", "init system"], None),
    "un-fl-sqlalchemy-pool": (["pool_size", "pool size", "connection pool"], None),
    "un-fl-babel": (["babel", "i18n", "gettext"], None),
    "un-fl-gunicorn-timeout": (["timeout"], ["flask__deploying__gunicorn"]),
    "un-fl-flask-ext": (["flask.ext.", "flask.ext import", "flask.ext "], None),
    "un-fl-openapi": (["openapi", "swagger"], None),
    "un-ck-max-subcommands": (
        ["number of subcommands", "number of commands", "subcommand limit"],
        [d.stem for d in (HERE / "docs").glob("click__*.rst")],
    ),
    "un-fl-caddy": (["caddy"], None),
}


def norm_ws(text: str) -> str:
    return " ".join(text.split())


def kind_of(row_id: str) -> str:
    part = row_id.split("-")[1]
    return KINDS.get(part, "?")


def main() -> int:
    docs = {p.stem: p.read_text(encoding="utf-8") for p in sorted((HERE / "docs").glob("*.rst"))}
    norm_docs = {k: norm_ws(v) for k, v in docs.items()}
    lower_docs = {k: v.lower() for k, v in docs.items()}
    rows = [
        json.loads(line)
        for line in (HERE / "questions.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]

    errors: list[str] = []
    seen: set[str] = set()
    kinds: Counter = Counter()
    for row in rows:
        rid = row.get("id", "?")
        if set(row) != KEYS:
            errors.append(f"{rid}: keys {sorted(row)}")
        if rid in seen:
            errors.append(f"{rid}: duplicate id")
        seen.add(rid)
        if row["answerable"]:
            kinds[kind_of(rid)] += 1
            if kind_of(rid) == "?":
                errors.append(f"{rid}: no kind for id")
            ev = row["evidence"]
            if not isinstance(ev, str) or not ev.strip():
                errors.append(f"{rid}: no evidence")
                continue
            if not row["context_doc_ids"]:
                errors.append(f"{rid}: no context_doc_ids")
            for doc in row["context_doc_ids"]:
                if doc not in norm_docs:
                    errors.append(f"{rid}: unknown document {doc}")
                elif norm_ws(ev) not in norm_docs[doc]:
                    errors.append(f"{rid}: evidence not found in {doc}")
            if not 1 <= len(row["answers"]) <= 3:
                errors.append(f"{rid}: {len(row['answers'])} answers")
            for ans in row["answers"]:
                if ans.lower() not in ev.lower():
                    errors.append(f"{rid}: answer {ans!r} not in evidence")
                if not 1 <= len(ans.split()) <= 6:
                    errors.append(f"{rid}: answer {ans!r} is not 1-6 words")
        else:
            kinds["unanswerable"] += 1
            if row["answers"] or row["context_doc_ids"] or row["evidence"]:
                errors.append(f"{rid}: unanswerable row has answers, documents or evidence")
            if rid not in ABSENT:
                errors.append(f"{rid}: no absent-terms check listed")
                continue
            terms, scope = ABSENT[rid]
            for doc in scope or list(lower_docs):
                for term in terms:
                    if term.lower() in lower_docs[doc]:
                        errors.append(f"{rid}: key term {term!r} occurs in {doc}")

    n_ans = sum(r["answerable"] for r in rows)
    total = sum(len(v.encode("utf-8")) for v in docs.values())
    print(f"documents: {len(docs)} files, {total} bytes")
    print(f"questions: {len(rows)} ({n_ans} answerable, {len(rows) - n_ans} unanswerable)")
    for kind, count in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {kind}: {count}")
    for err in errors:
        print("FAIL", err)
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
