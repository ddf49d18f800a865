"""Token-aware, sentence-respecting chunks with exact character spans into the source.

Written by hand because llama-index's SentenceSplitter recovers offsets with
``str.find`` (wrong for repeated text) and counts only tiktoken tokens, while a
citation needs ``text[start:end] == chunk`` exactly and the embedding model has a
hard wordpiece limit of its own. Sentence boundaries still come from the punkt
tokenizer llama-index ships.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import tiktoken

from rag.text.sentences import sentence_spans

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
                not self._fits(text, current, unit)
                or (unit.new_block and sum(u.tokens for u in current) >= self.max_tokens // 2)
            ):
                chunks.append(self._chunk(text, current))
                current = [] if unit.new_block else self._overlap(text, current, unit)
            current.append(unit)
        if current:
            chunks.append(self._chunk(text, current))
        return chunks

    def _fits(self, text: str, current: list[_Unit], unit: _Unit) -> bool:
        """The units' measures add up within the limits, and so does the text they span
        (tiktoken can read a joined text as more tokens than its parts: "?漢" and "a?b")."""
        tokens = sum(u.tokens for u in current) + unit.tokens
        if not self._within(tokens, sum(u.limit_units for u in current) + unit.limit_units):
            return False
        return count_tokens(text[current[0].start : unit.end]) <= self.max_tokens

    def _overlap(self, text: str, previous: list[_Unit], unit: _Unit) -> list[_Unit]:
        """Trailing sentences of the previous chunk, within the overlap budget."""
        kept: list[_Unit] = []
        for prior in reversed(previous[1:]):
            if sum(u.tokens for u in kept) + prior.tokens > self.overlap_tokens:
                break
            if not self._fits(text, [prior, *kept], unit):
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
