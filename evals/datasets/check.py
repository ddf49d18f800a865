"""The checks an outside set's questions pass against its own documents (no model, no
network), shared by each set's ``verify.py``, which lists what is particular to it: its
kinds of question, and for each unanswerable row the key terms that must be absent.

Answerable rows: the evidence, whitespace-normalised, occurs in every named document
(whitespace-normalised) and, when the set says what a reader sees of a document, in
that too; every answer string occurs in the evidence (case-insensitive); 1-3 answers of
1-6 words each. Unanswerable rows (ids starting "un-"): no answers, no documents, no
evidence, and none of the row's key terms occurs (case-insensitive) in the documents
searched (the raw files).
"""

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

KEYS = {"id", "question", "answers", "answerable", "context_doc_ids", "evidence"}


@dataclass(frozen=True)
class OutsideSet:
    here: Path  # the set's folder: docs/ and questions.jsonl
    pattern: str  # the documents' file names in docs/ ("*.md")
    kind_of: Callable[[str], str]  # a row id's kind of question, "?" when it has none
    absent: dict[str, tuple[list[str], list[str] | None]]  # id: (terms, documents or all)
    visible: Callable[[str], str] | None = None  # what a reader sees of a document
    expected: dict[str, int] | None = None  # rows: total, answerable, unanswerable


def norm_ws(text: str) -> str:
    return " ".join(text.split())


def problems(s: OutsideSet, docs: dict[str, str], rows: list[dict]) -> tuple[list[str], Counter]:
    """Each row's problems, and how many rows there are of each kind."""
    norm_docs = {k: norm_ws(v) for k, v in docs.items()}
    seen_docs = {k: norm_ws(s.visible(v)) for k, v in docs.items()} if s.visible else norm_docs
    lower_docs = {k: v.lower() for k, v in docs.items()}
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
            kinds[s.kind_of(rid)] += 1
            if s.kind_of(rid) == "?":
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
                elif norm_ws(ev) not in seen_docs[doc]:
                    errors.append(f"{rid}: evidence only where a reader does not see it in {doc}")
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
            if row["answers"] or row["context_doc_ids"] or row["evidence"]:
                errors.append(f"{rid}: unanswerable row has answers, documents or evidence")
            if rid not in s.absent:
                errors.append(f"{rid}: no absent-terms check listed")
                continue
            terms, scope = s.absent[rid]
            for doc in scope or list(lower_docs):
                if doc not in lower_docs:
                    errors.append(f"{rid}: unknown document {doc} in scope")
                    continue
                for term in terms:
                    if term.lower() in lower_docs[doc]:
                        errors.append(f"{rid}: key term {term!r} occurs in {doc}")
        else:
            errors.append(f"{rid}: answerable is not true or false")
    for rid in sorted(set(s.absent) - seen):
        errors.append(f"{rid}: listed as absent but not in questions.jsonl")
    return errors, kinds


def check(s: OutsideSet) -> int:
    """Print the set's counts and problems; 1 when there are problems, else 0."""
    docs = {
        p.stem: p.read_text(encoding="utf-8") for p in sorted((s.here / "docs").glob(s.pattern))
    }
    rows = [
        json.loads(line)
        for line in (s.here / "questions.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    errors, kinds = problems(s, docs, rows)
    n_ans = sum(r.get("answerable") is True for r in rows)
    counts = {"total": len(rows), "answerable": n_ans, "unanswerable": len(rows) - n_ans}
    for key, want in (s.expected or {}).items():
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
