"""Check questions.jsonl against the Markdown documents in docs/ (no model, no network).

The checks are evals/datasets/check.py's; listed here: the kind of question each
answerable row's id names, and the key terms each unanswerable row's documents lack.
Also: the evidence is in the reader-visible text, the document without HTML
comments (the ``<!-- YAML ... -->`` version-history blocks) and fenced code blocks,
so no gold answer rests only on hidden history or on code; 45 rows, 30 answerable.

Run: python evals/datasets/nodejs-docs/verify.py
"""

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # a script run by path: the shared checks beside it

from check import OutsideSet, check  # noqa: E402

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


def visible(text: str) -> str:
    """The document without HTML comments and fenced code blocks."""
    return _FENCE.sub(" ", _COMMENT.sub(" ", text))


def kind_of(row_id: str) -> str:
    parts = row_id.split("-")
    return KINDS.get(parts[1], "?") if len(parts) > 2 and parts[0] == "node" else "?"


if __name__ == "__main__":
    sys.exit(check(OutsideSet(HERE, "*.md", kind_of, ABSENT, visible, EXPECTED)))
