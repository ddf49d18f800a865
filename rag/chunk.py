"""Token-aware, sentence-respecting chunks with exact character spans into the source.

Written by hand because llama-index's SentenceSplitter recovers offsets with
``str.find`` (wrong for repeated text) and counts only tiktoken tokens, while a
citation needs ``text[start:end] == chunk`` exactly and the embedding model has a
hard wordpiece limit of its own. Sentence boundaries still come from the punkt
tokenizer llama-index ships.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import tiktoken

BatchCounter = Callable[[list[str]], list[int]]
"""Units (e.g. wordpieces) in each text; one call per file keeps per-call costs down."""


@dataclass(frozen=True)
class Chunk:
    """``text == source_text[start:end]``; ``tokens`` counts cl100k_base tokens."""

    start: int
    end: int
    text: str
    tokens: int


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    tokens: int
    limit_units: int
    new_block: bool  # first unit after a line break: a natural place to end a chunk


@lru_cache(maxsize=1)
def _encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    """cl100k_base tokens, the unit of ``chunk_tokens``."""
    return len(_encoding().encode_ordinary(text))


@lru_cache(maxsize=1)
def _punkt():
    # The trained English punkt model (knows "Mr.", "U.S." ...) from the NLTK data that
    # llama-index ships; rag.offline points NLTK_DATA at it, so nothing is downloaded.
    from nltk.tokenize import PunktTokenizer

    return PunktTokenizer("english")


# A line that starts a block of its own (heading, list item, quote, table row, code
# fence) or ends one (heading, table row, fence), so no sentence runs across its break.
# Indentation is no sign: plain text indents whole paragraphs.
_MARK = r"(?:\d{1,3}[.)]|[-*+•–])"  # a list item's number or bullet
_BLOCK_START = re.compile(rf"\s*(?:{_MARK}\s|[#>|<]|```|~~~)")
_BLOCK_LINE = re.compile(r"\s*(?:[#|]|```|~~~)")
_CONTINUES = re.compile(r"\s*[a-z0-9(\[`'\"“‘]")  # how a sentence's next line may start
_LIST_MARK = re.compile(_MARK)
_WRAP = re.compile(r"[ \t]*\r?\n[ \t]*")
_WRAP_WIDTH = 60  # a line this long that a capital follows is a wrapped one, not a title
_FUNCTION_WORDS = frozenset(  # a line that ends with one of them goes on
    {"a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "at", "by", "for"}
    | {"with", "from", "as", "into", "than", "that", "which", "who", "whose", "if", "is"}
    | {"are", "was", "were", "be", "been", "their", "its", "his", "her", "our", "your", "my"}
    | {"this", "these", "those"}
)


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
    if stripped[-1:] in ",;-–—(" or last in _FUNCTION_WORDS:  # a sentence cannot end there
        return True
    return len(line.strip()) >= _WRAP_WIDTH and stripped[-1:] not in '.!?:"”'


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
        else:  # a block starts at its text, not at its indentation
            blocks.append(
                (line.start() + len(line.group()) - len(line.group().lstrip()), line.end())
            )
    return blocks


def flat(text: str) -> str:
    """A sentence as one line: the breaks that wrap it become spaces (for prompts and
    the terminal; the exact span stays what a citation quotes)."""
    return _WRAP.sub(" ", text)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a line break ends one unless it only wraps it."""
    spans: list[tuple[int, int]] = []
    for start, end in _blocks(text):
        for s, e in _punkt().span_tokenize(text[start:end]):
            if spans and _LIST_MARK.fullmatch(text[spans[-1][0] : spans[-1][1]]):
                spans[-1] = (spans[-1][0], start + e)  # punkt ends a sentence at "1."
            else:
                spans.append((start + s, start + e))
    return spans


class Chunker:
    """Packs sentences into chunks of at most ``max_tokens`` tiktoken tokens and at most
    ``limit_max`` units of ``limit`` (the embedding model's wordpieces)."""

    def __init__(
        self,
        max_tokens: int,
        overlap_tokens: int,
        limit: BatchCounter | None = None,
        limit_max: int = 0,
    ) -> None:
        self.max_tokens = max_tokens
        self.overlap_tokens = overlap_tokens
        self.limit = limit
        self.limit_max = limit_max

    def split(self, text: str) -> list[Chunk]:
        units = self._units(text)
        chunks: list[Chunk] = []
        current: list[_Unit] = []
        for unit in units:
            if current and (
                not self._fits(current, unit)
                or (unit.new_block and sum(u.tokens for u in current) >= self.max_tokens // 2)
            ):
                chunks.append(self._chunk(text, current))
                current = [] if unit.new_block else self._overlap(current, unit)
            current.append(unit)
        if current:
            chunks.append(self._chunk(text, current))
        return chunks

    def _fits(self, current: list[_Unit], unit: _Unit) -> bool:
        tokens = sum(u.tokens for u in current) + unit.tokens
        return self._within(tokens, sum(u.limit_units for u in current) + unit.limit_units)

    def _overlap(self, previous: list[_Unit], unit: _Unit) -> list[_Unit]:
        """Trailing sentences of the previous chunk, within the overlap budget."""
        kept: list[_Unit] = []
        for prior in reversed(previous[1:]):
            if sum(u.tokens for u in kept) + prior.tokens > self.overlap_tokens:
                break
            if not self._fits([prior, *kept], unit):
                break
            kept.insert(0, prior)
        return kept

    def _chunk(self, text: str, units: list[_Unit]) -> Chunk:
        start, end = units[0].start, units[-1].end
        return Chunk(start, end, text[start:end], count_tokens(text[start:end]))

    def _units(self, text: str) -> list[_Unit]:
        """Sentences (split further when too long), flagged where a new line/block begins."""
        spans = sentence_spans(text)
        pieces = [text[s:e] for s, e in spans]
        limits = self.limit(pieces) if self.limit else [0] * len(pieces)
        units: list[_Unit] = []
        line_end = -1
        for (s, e), piece, limit_units in zip(spans, pieces, limits, strict=True):
            first = "\n" in text[line_end:s] or line_end < 0
            line_end = e
            fitted = self._fit(text, s, e, count_tokens(piece), limit_units)
            for start, end, piece_tokens, piece_units in fitted:
                units.append(_Unit(start, end, piece_tokens, piece_units, first))
                first = False
        return units

    def _within(self, tokens: int, limit_units: int) -> bool:
        return tokens <= self.max_tokens and (not self.limit or limit_units <= self.limit_max)

    def _fit(
        self, text: str, start: int, end: int, tokens: int, limit_units: int
    ) -> list[tuple[int, int, int, int]]:
        """Split a sentence measured as ``tokens``/``limit_units`` at whitespace (or
        anywhere) until each piece fits.

        Returns (start, end, tokens, limit units) per piece, so each is measured once.
        """
        if self._within(tokens, limit_units):
            return [(start, end, tokens, limit_units)]
        middle = start + (end - start) // 2
        space = text.rfind(" ", start + 1, middle + 1)
        if space == -1:
            space = text.find(" ", middle, end - 1)
        cut = space if space > start else middle  # a 1-char piece always fits, so cut > start
        right_start = cut
        while right_start < end and text[right_start].isspace():
            right_start += 1
        halves = [(start, cut)] + ([(right_start, end)] if right_start < end else [])
        return [
            fitted for a, b in halves for fitted in self._fit(text, a, b, *self._measure(text[a:b]))
        ]

    def _measure(self, piece: str) -> tuple[int, int]:
        """(tiktoken tokens, limit units) of one piece."""
        return count_tokens(piece), self.limit([piece])[0] if self.limit else 0
