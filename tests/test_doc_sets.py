"""The real documentation in the evaluation sets (Click's and Flask's reStructuredText,
the Python standard library's HTML) reads as a reader sees it: no Sphinx role, directive
or MkDocs block marker reaches the text that is indexed, and every version note comes
out as a sentence."""

import re
from pathlib import Path

import pytest

from rag.ingest.load import load

SETS = Path(__file__).resolve().parents[1] / "evals" / "datasets"
FILES = sorted(
    path
    for name in ("pallets-docs", "python-docs")
    for path in (SETS / name / "docs").iterdir()
    if path.suffix in {".rst", ".md", ".html"}
)
MARKUP = re.compile(
    r":[a-z:]+:`"  # a role
    r"|^\s*\.\. [a-z:-]+::"  # a directive
    r"|\b(?:versionadded|versionchanged|toctree|auto(?:class|module|function))::"
    r"|^(?:///|!!!|\?\?\?)|\{\* \S",  # MkDocs / Material blocks, an include line
    re.MULTILINE,
)
NOTE_IN_RST = re.compile(r"^\s*\.\. (?:versionadded|versionchanged|deprecated)::", re.MULTILINE)
NOTE_IN_HTML = re.compile(r'class="(?:versionadded|versionchanged|deprecated)"')
NOTE_OUT = re.compile(r"New in version|Changed in version|Deprecated since version")


def test_the_sets_hold_both_kinds_of_source():
    assert (
        sum(p.suffix == ".rst" for p in FILES) > 50 and sum(p.suffix == ".html" for p in FILES) > 30
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_markup_reaches_the_index_and_every_version_note_is_a_sentence(path):
    text = load(path).text
    assert not MARKUP.findall(text)
    source = path.read_text(encoding="utf-8")
    notes = NOTE_IN_RST if path.suffix == ".rst" else NOTE_IN_HTML
    assert len(NOTE_OUT.findall(text)) >= len(notes.findall(source))
