"""Sentences: where each one starts and ends in a document's text, exactly.

A citation quotes ``text[start:end]``, so sentences are spans, never re-joined strings.
Boundaries come from the punkt tokenizer that llama-index ships; line breaks that only
wrap a sentence (hard-wrapped text, Markdown, PDF) do not end it.
"""

import re
from functools import lru_cache

from rag.text.lexicon import FUNCTION_WORDS, NEVER_ENDS, NEWER_VERSION_NOTES, VERSION_NOTES
from rag.thresholds import WRAP_WIDTH


@lru_cache(maxsize=1)
def _punkt():
    # The trained English punkt model (knows "Mr.", "U.S." ...) from the NLTK data that
    # llama-index ships; rag.offline points NLTK_DATA at it, so nothing is downloaded.
    from nltk.tokenize import PunktTokenizer

    tokenizer = PunktTokenizer("english")
    tokenizer._params.abbrev_types.update(NEVER_ENDS)  # no public way to add abbreviations
    return tokenizer


# A line that starts a block of its own (heading, list item, quote, table row, code
# fence) or ends one (heading, table row, fence), so no sentence runs across its break.
# Indentation is no sign: plain text indents whole paragraphs.
_MARK = r"(?:\d{1,3}[.)]|[-*+•–])"  # a list item's number or bullet
_BLOCK_START = re.compile(rf"\s*(?:{_MARK}\s|[#>|<]|```|~~~)")
_BLOCK_LINE = re.compile(r"\s*(?:[#|]|```|~~~)")
_CONTINUES = re.compile(r"\s*[a-z0-9(\[`'\"“‘]")  # how a sentence's next line may start
_LIST_MARK = re.compile(_MARK)
# A bullet is markup, not the sentence's first word ("* 4 spaces for indentation"); a
# number is kept: "11. Patents" is how a licence names its section.
_BULLET = re.compile(r"\s*(?:[-*+•–]\s+(?=\S))?")
# A version note is one statement however many sentences it has: "Changed in version
# 3.7: Added the text parameter. Added the capture_output parameter." split in two
# leaves the second without the version it was added in.
_VERSION_NOTE = re.compile(  # "Changed in version 3.7: ...", or a bare "New in version 3.5."
    "(?:"
    + "|".join(re.escape(w) for w in (*VERSION_NOTES.values(), *NEWER_VERSION_NOTES))
    + r") v?\d[\w.]*?(?::|\.?$)",
    re.MULTILINE,
)
_NOTE_LINES = 3  # a note takes at most this many lines after its own
_WRAP = re.compile(r"[ \t]*\r?\n[ \t]*")


def _soft_break(line: str, following: str) -> bool:
    """Whether the line break between two lines only wraps a sentence.

    Hard-wrapped text (plain text, Markdown, PDF) breaks sentences at a width; treating
    every break as a sentence end would cite fragments ("pyenv maintains shims in that").
    """
    if not following.strip() or _BLOCK_START.match(following) or _BLOCK_LINE.match(line):
        return False
    if _CONTINUES.match(following):
        return True
    stripped = line.rstrip()
    last = stripped.rsplit(maxsplit=1)[-1].lower()
    if stripped[-1:] in ",;-–—(" or last in FUNCTION_WORDS:  # a sentence cannot end there
        return True
    return len(line.strip()) >= WRAP_WIDTH and stripped[-1:] not in '.!?:"”'


def _blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of lines joined by soft breaks."""
    blocks: list[tuple[int, int]] = []
    lines = [m for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    for i, line in enumerate(lines):
        joined = (
            i > 0
            and lines[i - 1].end() + 1 == line.start()  # no blank line between them
            and _soft_break(lines[i - 1].group(), line.group())
        )
        if joined:
            blocks[-1] = (blocks[-1][0], line.end())
        else:  # a block starts at its text, not at its indentation nor its bullet
            bullet = _BULLET.match(line.group())
            blocks.append((line.start() + bullet.end(), line.end()))
    return blocks


def is_question(text: str) -> bool:
    """True for a sentence that asks ("Why does Flask not do that for you?"): quoted, it
    answers nothing, however close to the question it is."""
    return text.rstrip(" \n\"')]”’").endswith("?")


# A line of code ends in a statement's ";" or a block's brace, or has a comment after
# one ("import { setTimeout } from 'node:timers/promises';", "} else {"), or is a C
# preprocessor directive ("#define CHUNK 16384"), an interactive prompt's input
# (">>> import json") or a comment line ("/// There is no code example!", also behind a
# compiler's line-number gutter: "3 | /// `add(a, b)`").
_DIRECTIVES = "define|include|if|ifdef|ifndef|elif|else|endif|undef|pragma"
_CODE_LINE = re.compile(
    rf"[;{{}}]\s*(?:$|//|#)|^\s*(?:#\s*(?:{_DIRECTIVES})\b|>>>\s|(?:\w{{1,4}}\s+\|\s+)?//)",
    re.MULTILINE,
)


def is_code(text: str) -> bool:
    """True for a "sentence" that is a line of code: quoted as an answer, it states
    nothing a reader can take in (a code block's lines are split like prose)."""
    return bool(_CODE_LINE.search(text))


def flat(text: str) -> str:
    """A sentence as one line: the breaks that wrap it become spaces (for prompts and
    the terminal; the exact span stays what a citation quotes)."""
    return _WRAP.sub(" ", text)


def _continues_note(text: str, note_end: int, start: int) -> bool:
    """The block at ``start`` follows a version note ending at ``note_end`` directly (no
    blank line between) after a full stop, and is no heading, list item or table."""
    line_end = text.find("\n", start)
    return (
        text[note_end:start].count("\n") == 1
        and not _BLOCK_START.match(text, start, line_end if line_end >= 0 else len(text))
        and text[note_end - 1 : note_end] in {".", ")"}
    )


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a line break ends one unless it only wraps it, and a
    version note is one sentence."""
    spans: list[tuple[int, int]] = []
    taken = -1  # lines a version note has taken after its own (-1: not in a note)
    for start, end in _blocks(text):
        note = _VERSION_NOTE.match(text, start)
        if note:
            spans.append((start, end))
            taken = 0
            continue
        if 0 <= taken < _NOTE_LINES and _continues_note(text, spans[-1][1], start):
            spans[-1] = (spans[-1][0], end)
            taken += 1
            continue
        taken = -1
        for s, e in _punkt().span_tokenize(text[start:end]):
            if spans and _LIST_MARK.fullmatch(text[spans[-1][0] : spans[-1][1]]):
                spans[-1] = (spans[-1][0], start + e)  # punkt ends a sentence at "1."
            else:
                spans.append((start + s, start + e))
    return spans
