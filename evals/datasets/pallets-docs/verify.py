"""Check questions.jsonl against the documents in docs/ (no model, no network).

The checks are evals/datasets/check.py's; listed here: the kind of question each
answerable row's id names, and the key terms each unanswerable row's documents lack.

Run: python evals/datasets/pallets-docs/verify.py
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # a script run by path: the shared checks beside it

from check import OutsideSet, check  # noqa: E402

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


def kind_of(row_id: str) -> str:
    part = row_id.split("-")[1]
    return KINDS.get(part, "?")


if __name__ == "__main__":
    sys.exit(check(OutsideSet(HERE, "*.rst", kind_of, ABSENT)))
