"""Heading paths: which section of its document each passage sits in.

A sentence under "Timeouts" in "Advanced Usage" rarely repeats either word, yet a
reader takes both from the page. Each format's reader reports its headings as
(level, title) in document order (rag/ingest/formats.py; Markdown's come from
markdown-it-py here); they are found again as blocks of the document's final text, so
that a path is known for every offset, the way citations index it.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from rag.text.lexicon import FUNCTION_WORDS, PERMALINK, RELEASE_WORDS, either
from rag.thresholds import HEADING_CHARS

SEPARATOR = " › "
# A heading not found where the next one is expected may be skipped over: the reader
# saw it in a part of the file that did not reach the text (a table, a skipped block).
_LOOKAHEAD = 4
_BLOCK = re.compile(r"[^\n]+(?:\n[^\n]+)*")  # a run of non-empty lines
_WORDY = re.compile(r"[A-Za-z]{3,}")  # "R-data", "api"; not "000_0a7539e4116245c4"
# Plain text: a title underlined with = or - (setext), and a section number ("6.", "1.2.")
_UNDERLINED = re.compile(r"^[ \t]*(\S[^\n]*?)[ \t]*\n[ \t]*(={3,}|-{3,})[ \t]*$", re.MULTILINE)
_NUMBER = re.compile(r"(?:\d+\.)+\d*")
# A numbered title opening its paragraph ("   6. Trademarks. This License does not ...")
_INLINE = re.compile(r"^[ \t]*((?:\d+\.)+[ \t]+[A-Z][^.\n]{0,60}\.)[ \t]+\S", re.MULTILINE)
_TITLE_WORDS = 10
_BODY_WORDS = 12  # a paragraph, not another title line
_PARAMETERS = re.compile(r"\s*\((?:[^()]|\([^()]*\))*\)")  # one level of nesting: "(*fun) (...)"
# A signature's name: "time.perf_counter() → float", "Function: void ffi_closure_free (...)"
_CALLED = re.compile(r"([A-Za-z_]\w*)\s*\(")
# A section number before a title ("4.2.2. Use of ...", "2.1 Installation"); not a
# version standing alone as a changelog's heading ("3.11.0").
_NUMBERED = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+(?=[A-Za-z])")
# A version a heading gives: "Git v2.38 Release Notes", "Upgrading to 3.2", "Version 8";
# not an engine ("V8"), an option ("--tls-max-v1.3") or a share ("0.1%"). It heads a
# release when the heading says so or is the version alone ("Version 3.0.0", "3.0.0
# (2023-09-30)"), not when it names a standard ("DB-API 2.0 interface", "Mozilla Public
# License Version 2.0") or a default ("sigma=1.0").
_VERSIONED = re.compile(
    r"(?<![\w.-])v?\d+(?:\.\d+)+(?![\w.%-])|\b(?:version|release)\s+\d+\b", re.IGNORECASE
)
_RELEASE = re.compile(rf"\b(?:{either(RELEASE_WORDS)})", re.IGNORECASE)
_ONLY_VERSION = re.compile(
    r"\s*(?:(?:version|release)\s+)?v?\d+(?:\.\d+)*\s*(?:\([^()]*\))?\s*", re.IGNORECASE
)
_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")  # "Copyright 2000 by ..." is a notice, not a title


@dataclass(frozen=True)
class Sections:
    """Where each section path starts in a document's text (offsets ascending)."""

    starts: tuple[int, ...] = ()
    paths: tuple[str, ...] = ()

    def at(self, offset: int) -> str:
        """The path of the section holding ``offset`` ("" before the first heading)."""
        i = bisect_right(self.starts, offset)
        return self.paths[i - 1] if i else ""

    def within(self, start: int, end: int) -> list[tuple[int, str]]:
        """(offset, path) for ``start`` and every section that begins before ``end``."""
        first = bisect_right(self.starts, start)
        out = [(start, self.at(start))]
        for i in range(first, len(self.starts)):
            if self.starts[i] >= end:
                break
            out.append((self.starts[i], self.paths[i]))
        return out


def innermost(path: str) -> str:
    """The last heading of a section path: the one a sentence sits right under."""
    return path.rpartition(SEPARATOR)[2]


def headed(text: str, section: str, document: str = "") -> str:
    """``text`` as the model and the judge read it: after the heading it sits under, in
    parentheses. "New in version 2.9." says what is new only under "Async Support"; the
    citation shows the same heading beside the quote.

    The quote screen, which asks whether one sentence alone answers the question, also
    gets its ``document``'s name ("(GFDL-1.3) A Back-Cover Text may be at most 25
    words."): the same sentence answers a question about version 1.3 only in the 1.3
    file."""
    heading = _short(innermost(section))
    version = version_heading(section)
    if version and version != innermost(section):  # "Git v2.38 Release Notes › UI ..."
        heading = f"{version}{SEPARATOR}{heading}"
    label = SEPARATOR.join(part for part in (document, heading) if part)
    return f"({label}) {text}" if label else text


def version_heading(path: str) -> str:
    """The innermost heading of ``path`` that gives a version ("Git v2.38 Release Notes",
    "Version 3.0.0", "2.38.0"; not a section number, "4.2.2. Use of ..."), or "". What
    release notes say under "UI, Workflows & Features" is new in the version their title
    gives: the model and the judge read it there, and the checks take it as stated."""
    for heading in reversed(path.split(SEPARATOR)) if path else ():
        rest = _NUMBERED.sub("", heading)
        if _VERSIONED.search(rest) and (_RELEASE.search(rest) or _ONLY_VERSION.fullmatch(rest)):
            return heading
    return ""


def _short(heading: str) -> str:
    """A long heading without its parameter lists: a signature heading its description
    ("tempfile.NamedTemporaryFile(mode='w+b', ..., errors=None)") is read as its name,
    "tempfile.NamedTemporaryFile()"; every token read costs time (docs/benchmarks.md)."""
    if len(heading) <= HEADING_CHARS:
        return heading
    return _PARAMETERS.sub("()", heading)


def term(heading: str) -> str | None:
    """The one name a heading gives when it heads the definition of one thing: a
    signature's function ("perf_counter"), a single word or option ("plugdev",
    "--json-lines"); None for a title of several words ("Static ids")."""
    heading = heading.removesuffix(PERMALINK).strip().strip("`").rstrip(":").strip()
    if called := _CALLED.search(heading):
        return called.group(1)
    if heading and not any(ch.isspace() for ch in heading) and _WORDY.search(heading):
        return heading
    return None


def document_name(source: str) -> str:
    """The file's name without its suffix, as a reader would call the document
    ("GFDL-1.3", "asyncio-task"); "" for a name without a word in it (a hash)."""
    stem = PurePath(source).stem
    return stem if _WORDY.search(stem) else ""


def names_document(question: str, document: str) -> bool:
    """True when ``question`` names ``document`` in full ("GPL-3", not inside "LGPL-3")."""
    return bool(document) and bool(
        re.search(rf"(?<![\w.-]){re.escape(document)}(?![\w-]|\.\d)", question, re.IGNORECASE)
    )


def locate(
    text: str,
    headings: list[tuple[int, str]],
    title: str = "",
    ends: tuple[tuple[int, int], ...] = (),
) -> Sections:
    """The sections of ``text`` given its headings in order, each found as a block of
    its own (how every reader but Markdown's writes a heading). A table of contents lists
    every heading before the body does: matched from the start, all of them were found
    there (every passage of the Ninja manual sat under its last heading). So they are
    also matched from the end, and that matching is kept when its longest section is
    shorter (a word that repeats a heading further on can mislead it as well).
    ``ends`` (offset, level) close the sections of that level and below (a definition
    list's terms head their definitions only)."""
    wanted = [(level, _norm(heading)) for level, heading in headings if _norm(heading)]
    blocks = list(_BLOCK.finditer(text))
    forward = _match(blocks, wanted)
    backward = [*reversed(_match(blocks[::-1], wanted[::-1]))]
    found = backward if _longest(backward, text) < _longest(forward, text) else forward
    return _paths(found, title, text, ends)


def _match(blocks: list[re.Match], wanted: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """(offset, level, heading) of each heading found as one of ``blocks``, both taken
    in the order given, allowing a few headings to be missing."""
    found: list[tuple[int, int, str]] = []
    j = 0
    for block in blocks:
        if j >= len(wanted):
            break
        norm = _norm(block.group())
        ahead = [k for k in range(j, min(j + _LOOKAHEAD, len(wanted))) if wanted[k][1] == norm]
        if ahead:
            level, heading = wanted[ahead[0]]
            found.append((block.start(), level, heading))
            j = ahead[0] + 1
    return found


def _longest(found: list[tuple[int, int, str]], text: str) -> int:
    """The length of the longest section: all of the text when nothing was found."""
    bounds = [0, *(start for start, _, _ in found), len(text)]
    return max(b - a for a, b in zip(bounds, bounds[1:], strict=False))


def plain(text: str, title: str = "") -> Sections:
    """The sections of a plain-text file, which marks its headings by layout only: a
    title underlined with = or -; a line alone between blank lines, in capitals ("TERMS
    AND CONDITIONS"), numbered ("0. Definitions.") or in title case before a paragraph
    ("How to Apply These Terms"); a numbered title opening its paragraph ("6. Trademarks.
    This License ..."). A section's name is never an answer to quote (licences, RFCs,
    READMEs), so a line that may be one ("Written by Jane Doe", "Default: 30") is not."""
    found: dict[int, tuple[int, str]] = {}
    for m in _UNDERLINED.finditer(text):
        if _is_title(m.group(1)):
            found[m.start(1)] = (1 if m.group(2)[0] == "=" else 2, m.group(1))
    blocks = list(_BLOCK.finditer(text))
    for block, after in zip(blocks, [*blocks[1:], None], strict=True):
        line = block.group().strip()
        if "\n" in line or ":" in line or not _is_title(line):
            continue  # "Default: 30 Seconds" is a value, which may answer a question
        if not (_NUMBER.match(line) or _capitals(_words(line))) and not _heads(line, after):
            continue
        start = block.start() + len(block.group()) - len(block.group().lstrip())
        found.setdefault(start, (_level(line), line))
    for m in _INLINE.finditer(text):
        if _NUMBER.match(m.group(1)) and _is_title(m.group(1)):
            found.setdefault(m.start(1), (_level(m.group(1)), m.group(1)))
    ordered = [(at, level, _norm(name)) for at, (level, name) in sorted(found.items())]
    return _paths(ordered, title, text)


def _words(line: str) -> list[str]:
    """The words of a title after its section number, if any, with letters in them."""
    number = _NUMBER.match(line)
    words = line[number.end() if number else 0 :].strip().rstrip(".").split()
    return [w.strip("\"'()") for w in words if any(c.isalpha() for c in w)]


def _is_title(line: str) -> bool:
    """A short line in capitals, or in title case after an optional section number (a
    version is neither: "Git v2.38 Release Notes"); not a notice with a year, and,
    unnumbered, not a sentence ending in a full stop."""
    words = _words(line)
    if not words or len(line.split()) > _TITLE_WORDS or line.rstrip()[-1] in ",;:":
        return False
    if _YEAR.search(line) or (not _NUMBER.match(line) and line.rstrip().endswith(".")):
        return False
    return _capitals(words) or (
        words[0][:1].isupper()
        and all(
            w[:1].isupper() or w.lower() in FUNCTION_WORDS or any(c.isdigit() for c in w)
            for w in words
        )
    )


def _capitals(words: list[str]) -> bool:
    return bool(words) and all(w.isupper() for w in words) and len("".join(words)) > 2


def _heads(line: str, after: re.Match | None) -> bool:
    """A title-case line heads a paragraph of its own; a byline, which may answer a
    question, is no title."""
    if " by " in f" {line.lower()} " or after is None:
        return False
    body = after.group()
    return "\n" in body.strip() or len(body.split()) >= _BODY_WORDS


def _level(line: str) -> int:
    """Capitals head a part (2); a numbered title sits below by its depth ("1.2." 4)."""
    number = _NUMBER.match(line)
    return 2 + number.group().rstrip(".").count(".") + 1 if number else 2


def markdown(text: str, title: str = "") -> Sections:
    """The sections of a Markdown text: its ATX and setext headings as markdown-it-py
    parses them, each starting at its first line."""
    tokens = _markdown().parse(text)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    found = [
        (line_starts[token.map[0]], int(token.tag[1]), _norm(tokens[i + 1].content))
        for i, token in enumerate(tokens)
        if token.type == "heading_open" and token.map and i + 1 < len(tokens)
    ]
    return _paths(found, title, text)


def _paths(
    found: list[tuple[int, int, str]], title: str, text: str, ends: tuple[tuple[int, int], ...] = ()
) -> Sections:
    """Each heading's path (the enclosing headings, by level), and at each of ``ends`` the
    path of what is left open. A first heading that repeats the document's ``title``,
    which citations show already, is left out of the paths below it, unless it gives a
    version (:func:`version_heading`); its own line keeps it as its path, so it is still
    known as a heading ("Git v2.37 Release Notes" is never the answer to "in which
    version")."""
    starts: list[int] = []
    paths: list[str] = []
    stack: list[tuple[int, str]] = []
    closes = [(at, level, None) for at, level in ends]  # before a heading at the same offset
    for start, level, heading in sorted([*closes, *found], key=lambda e: (e[0], e[2] is not None)):
        while stack and stack[-1][0] >= level:
            stack.pop()
        if heading is not None:
            stack.append((level, heading.removesuffix(PERMALINK).strip()))
        names = [name for _, name in stack]
        if (
            names
            and names[0] == _norm(title).removesuffix(PERMALINK).strip()
            and not version_heading(names[0])  # "Git v2.38 Release Notes" heads what is new
        ):
            if len(names) == 1 and heading is not None:
                starts.append(start)
                paths.append(names[0])
                line_end = text.find("\n", start)
                start = line_end if line_end >= 0 else len(text)
            names = names[1:]
        starts.append(start)
        paths.append(SEPARATOR.join(names))
    return Sections(tuple(starts), tuple(paths))


def _norm(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")
