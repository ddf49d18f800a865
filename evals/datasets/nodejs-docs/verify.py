"""Check questions.jsonl against the Markdown documents in docs/ (no model, no network).

Answerable rows: the evidence, whitespace-normalised, occurs in the named document
(whitespace-normalised), and also in its reader-visible text: the same document with
HTML comments (the ``<!-- YAML ... -->`` version-history blocks) and fenced code
blocks removed, so no gold answer rests only on hidden history or on code. Every
answer string occurs in the evidence (case-insensitive); 1-3 answers of 1-6 words.
Unanswerable rows: no answers, no documents, no evidence, and none of the key terms
listed below for the row occurs (case-insensitive) in the scoped documents (the raw
files, comments and code included).
Counts: 45 rows, 30 answerable, 15 unanswerable.

Run: python evals/datasets/nodejs-docs/verify.py
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = {"id", "question", "answers", "answerable", "context_doc_ids", "evidence"}
EXPECTED = {"total": 45, "answerable": 30, "unanswerable": 15}

# Kind of each answerable row, read from its id (``node-<kind>-<slug>``).
KINDS = {
    "howto": "how-to",
    "default": "default value / number",
    "return": "returns / throws",
    "why": "why",
    "def": "definition",
    "list": "list item",
    "table": "table row",
    "code": "sentence next to a code block",
    "heading": "under a heading that names the topic",
}

# For each unanswerable row: key terms that must be absent, and where
# (None = the whole docs/ folder, else a list of document ids).
ABSENT: dict[str, tuple[list[str], list[str] | None]] = {
    "un-child-pty": (
        ["pseudo-terminal", "pseudo terminal", "pseudoterminal", "node-pty", "forkpty", "openpty"],
        None,
    ),
    "un-dns-doh": (["over-https", "over https", "doh", "dns over"], None),
    "un-os-cpu-temperature": (["temperature", "thermal", "sensor"], None),
    "un-os-disk-space": (["disk space", "free space", "statfs", "disk usage", "diskusage"], None),
    "un-path-tilde": (["~", "tilde", "homedir", "home directory"], ["path"]),
    "un-readline-mask": (
        ["asterisk", "mask", "muted", "hide input", "hidden input", "no echo"],
        ["readline"],
    ),
    "un-url-max-length": (
        ["max length", "maximum length", "length limit", "too long", "longest", "maximum url"],
        ["url"],
    ),
    "un-util-parseargs-subcommands": (["subcommand", "sub-command"], None),
    "un-cli-watch-debounce": (["debounce", "throttl", "quiet period"], ["cli"]),
    "un-timers-cron": (["cron"], None),
    "un-os-hardware-concurrency": (["hardwareconcurrency", "navigator"], None),
    "un-child-spawn-retries": (["retries", "retry", "retried", "re-try"], ["child_process"]),
    "un-dns-cares-version": (
        ["c-ares 1", "c-ares v", "c-ares version", "version of c-ares"],
        None,
    ),
    "un-events-wildcard": (["wildcard", "namespac", "'*'"], ["events"]),
    "un-cli-strip-types": (
        ["strip-types", "strip types", "transform-types", "type stripping", ".ts file", ".ts`"],
        None,
    ),
}

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FENCE = re.compile(r"^[ \t]*```.*?^[ \t]*```[^\n]*$", re.S | re.M)


def norm_ws(text: str) -> str:
    return " ".join(text.split())


def visible(text: str) -> str:
    """The document without HTML comments and fenced code blocks."""
    return _FENCE.sub(" ", _COMMENT.sub(" ", text))


def kind_of(row_id: str) -> str:
    parts = row_id.split("-")
    return KINDS.get(parts[1], "?") if len(parts) > 2 and parts[0] == "node" else "?"


def main() -> int:
    docs = {p.stem: p.read_text(encoding="utf-8") for p in sorted((HERE / "docs").glob("*.md"))}
    norm_docs = {k: norm_ws(v) for k, v in docs.items()}
    vis_docs = {k: norm_ws(visible(v)) for k, v in docs.items()}
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
            continue
        if rid in seen:
            errors.append(f"{rid}: duplicate id")
        seen.add(rid)
        if not isinstance(row["question"], str) or not row["question"].strip():
            errors.append(f"{rid}: no question")
        if row["answerable"] is True:
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
                elif norm_ws(ev) not in vis_docs[doc]:
                    errors.append(f"{rid}: evidence only in a comment or code block of {doc}")
            if not 1 <= len(row["answers"]) <= 3:
                errors.append(f"{rid}: {len(row['answers'])} answers")
            for ans in row["answers"]:
                if ans.lower() not in ev.lower():
                    errors.append(f"{rid}: answer {ans!r} not in evidence")
                if not 1 <= len(ans.split()) <= 6:
                    errors.append(f"{rid}: answer {ans!r} is not 1-6 words")
        elif row["answerable"] is False:
            kinds["unanswerable"] += 1
            if not rid.startswith("un-"):
                errors.append(f"{rid}: unanswerable id does not start with 'un-'")
            if row["answers"] != [] or row["context_doc_ids"] != [] or row["evidence"] is not None:
                errors.append(f"{rid}: unanswerable row has answers, documents or evidence")
            if rid not in ABSENT:
                errors.append(f"{rid}: no absent-terms check listed")
                continue
            terms, scope = ABSENT[rid]
            for doc in scope or list(lower_docs):
                if doc not in lower_docs:
                    errors.append(f"{rid}: unknown document {doc} in scope")
                    continue
                for term in terms:
                    if term.lower() in lower_docs[doc]:
                        errors.append(f"{rid}: key term {term!r} occurs in {doc}")
        else:
            errors.append(f"{rid}: answerable is not true or false")
    for rid in sorted(set(ABSENT) - seen):
        errors.append(f"{rid}: listed in ABSENT but not in questions.jsonl")

    n_ans = sum(r.get("answerable") is True for r in rows)
    counts = {"total": len(rows), "answerable": n_ans, "unanswerable": len(rows) - n_ans}
    for key, want in EXPECTED.items():
        if counts[key] != want:
            errors.append(f"count: {counts[key]} {key} rows, expected {want}")

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
