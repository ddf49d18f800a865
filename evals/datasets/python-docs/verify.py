"""Check questions.jsonl against the HTML pages in docs/ (stdlib only, no model).

Usage: python evals/datasets/python-docs/verify.py

Each page's visible text is what a browser shows: tags removed (script/style skipped),
entities decoded, whitespace collapsed to single spaces. Checks:
- every row has exactly the keys id, question, answers, answerable, context_doc_ids,
  evidence (answerable rows only); ids are unique;
- answerable: 1-3 answers of at most 6 words; every context doc exists; the evidence
  occurs in every named page's text; every answer occurs (case-insensitive) in the evidence;
- unanswerable: no answers, no context docs, no evidence; the key terms listed below
  (regular expressions, case-insensitive) occur in none of the pages they are searched in.
Exits non-zero if any row fails.
"""

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"
QUESTIONS = HERE / "questions.jsonl"

# Unanswerable rows: terms whose absence shows the pages do not answer the question.
# Each entry is (regex, page-id filter or None for all pages).
ABSENT = {
    "pathlib-walk-version": [(r"Path\.walk", None), (r"walk\(", "library__pathlib")],
    "asyncio-to-thread-workers": [
        (r"max_workers", None),
        (r"ThreadPoolExecutor", None),
        (r"worker", "library__asyncio-task"),
    ],
    "smtplib-attachment": [
        (r"attachment", None),
        (r"smtplib\.SMTP", None),
        (r"send_message", None),
    ],
    "csv-field-size-default": [(r"131072", None), (r"128 ?KiB", None)],
    "sqlite3-wal-mode": [(r"\bWAL\b", None), (r"journal", None)],
    "zipfile-zstandard": [(r"zstandard", None), (r"zstd", None)],
    "uuid7-version": [(r"uuid7", None)],
    "json-ensure-unicode": [(r"ensure_unicode", None)],
    "subprocess-run-async": [(r"run_async", None)],
    "tracemalloc-top-lines": [(r"tracemalloc", None)],
    "asyncio-queue-maxsize": [(r"asyncio\.Queue", None), (r"\bQueue\b", "library__asyncio-task")],
    "pathlib-copy-method": [
        (r"Path\.copy", None),
        (r"copy_into", None),
        (r"\bcopy\(", "library__pathlib"),
    ],
    "argparse-suggest-on-error": [(r"suggest_on_error", None)],
    "typeddict-optional-keys": [(r"TypedDict", None), (r"NotRequired", None)],
    "sqlite3-connection-pool": [(r"\bpool", "library__sqlite3")],
    "urlopen-retry": [(r"\bretries\b", None), (r"max_retries", None)],
    "rotating-handler-maxbytes": [(r"maxBytes", None), (r"backupCount", None)],
    "recursion-limit-default": [(r"recursionlimit", None), (r"recursion limit", None)],
    "numpy-random-seed": [(r"numpy", None)],
    "unittest-junit-xml": [(r"\bxml\b", "library__unittest"), (r"junitxml", None)],
    "walrus-operator-version": [(r"walrus", None), (r"assignment expression", None)],
    "click-cli": [(r"\bclick\b", None)],
    "xlsx-stdlib": [(r"xlsx", None), (r"openpyxl", None)],
    "sched-every-hour": [(r"sched\.scheduler", None), (r"enterabs", None), (r"every hour", None)],
}

KEYS_ANSWERABLE = {"id", "question", "answers", "answerable", "context_doc_ids", "evidence"}
KEYS_UNANSWERABLE = {"id", "question", "answers", "answerable", "context_doc_ids"}


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(path: Path) -> str:
    parser = _Visible()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


def main() -> int:
    pages = {p.stem: visible_text(p) for p in sorted(DOCS.glob("*.html"))}
    rows = [
        json.loads(line)
        for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    failures: list[str] = []
    seen: set[str] = set()
    for row in rows:
        rid = row.get("id")
        if rid in seen:
            failures.append(f"{rid}: duplicate id")
        seen.add(rid)
        if row.get("answerable"):
            if set(row) != KEYS_ANSWERABLE:
                failures.append(f"{rid}: keys {sorted(row)}")
                continue
            answers, ev = row["answers"], row["evidence"]
            if not 1 <= len(answers) <= 3:
                failures.append(f"{rid}: {len(answers)} answers")
            for a in answers:
                if len(a.split()) > 6:
                    failures.append(f"{rid}: answer too long: {a!r}")
                if a.lower() not in ev.lower():
                    failures.append(f"{rid}: answer {a!r} not in evidence")
            if not row["context_doc_ids"]:
                failures.append(f"{rid}: no context docs")
            for doc in row["context_doc_ids"]:
                if doc not in pages:
                    failures.append(f"{rid}: no page {doc}")
                elif ev not in pages[doc]:
                    failures.append(f"{rid}: evidence not in {doc}")
        else:
            if set(row) != KEYS_UNANSWERABLE:
                failures.append(f"{rid}: keys {sorted(row)}")
            if row.get("answers") or row.get("context_doc_ids"):
                failures.append(f"{rid}: unanswerable row has answers or context docs")
            terms = ABSENT.get(rid)
            if not terms:
                failures.append(f"{rid}: no absence terms listed in verify.py")
                continue
            for pattern, scope in terms:
                rx = re.compile(pattern, re.I)
                for doc, text in pages.items():
                    if scope and doc != scope:
                        continue
                    if rx.search(text):
                        failures.append(f"{rid}: term {pattern!r} found in {doc}")
    n_ans = sum(1 for r in rows if r.get("answerable"))
    size = sum(p.stat().st_size for p in DOCS.glob("*.html"))
    biggest = max(DOCS.glob("*.html"), key=lambda p: p.stat().st_size)
    print(
        f"pages: {len(pages)} files, {size:,} bytes "
        f"(largest {biggest.name}, {biggest.stat().st_size:,} bytes)"
    )
    print(f"questions: {len(rows)} ({n_ans} answerable, {len(rows) - n_ans} unanswerable)")
    failing = {f.split(":")[0] for f in failures}
    for f in failures:
        print("FAIL", f)
    print(f"{len(rows) - len(failing)} rows ok, {len(failing)} rows failing")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
