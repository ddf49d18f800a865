"""Citation checks: every ``[n]`` shown must point at a given passage that supports it.

The model's markers are treated as suggestions. Each answer sentence is checked
against passages by lexical support (the share of its content words, numbers
included, that the passage contains); markers that point nowhere or at a passage
that does not support the sentence are dropped, an unsupported-but-cited sentence
gets the best supporting passage instead, and sources are renumbered in order of
first use. Quotes are exact spans of the source: ``source_text[start:end]``.
"""

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import bm25s
import Stemmer

from rag.chunk import sentence_spans
from rag.retrieve import Passage

_MARKER_NUMBERS = r"\d+(?:\s*[,;]\s*\d+)*"  # inside [1], [1, 2], [1;2]
MARKER = re.compile(rf"\s*\[({_MARKER_NUMBERS})\]")
_NUMBER = re.compile(r"\d[\d,.]*")
_STEMMER = Stemmer.Stemmer("english")
ABSTAIN_SENTINEL = "NOT_IN_DOCUMENTS"
# How models phrase "not in the passages" when they ignore the sentinel (also used to
# read the llama-index baseline's replies in evals/, which has no abstention flag).
_ABSTAIN = re.compile(
    r"NOT_IN_DOCUMENTS|\b(?:sources?|passages?|documents?|context|text)\s+(?:does|do)\s+not\s+"
    r"(?:say|mention|contain|provide|specify|state|answer|include|give)|\bnot\s+(?:mentioned|"
    r"provided|specified|stated|included|available)\s+in\b|\bno\s+(?:information|mention)\b|"
    r"\bnone\s+of\s+the\s+(?:sources|passages|documents)\b|\bcannot\s+(?:be\s+)?(?:determined|"
    r"answered|found|determine|answer|find)\b|\bI\s+(?:do\s+not|don't)\s+know\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Citation:
    """A numbered source: ``quote == source_text[start:end]``."""

    n: int
    source: str
    title: str
    start: int
    end: int
    page: int | None
    quote: str


@dataclass(frozen=True)
class Sentence:
    text: str
    citations: list[int]
    supported: bool


def markers(text: str) -> list[int]:
    """Every number inside ``[n]`` / ``[n, m]`` markers, in order."""
    return [int(n) for group in MARKER.findall(text) for n in re.split(r"[,;]", group)]


def strip_markers(text: str) -> str:
    return MARKER.sub("", text).strip()


def is_abstention(text: str) -> bool:
    return not text.strip() or bool(_ABSTAIN.search(text))


@lru_cache(maxsize=4096)
def content_terms(text: str) -> frozenset[str]:
    """Stemmed words without stop words, plus numbers as written (no stemming).

    Cached: each passage is compared with every sentence of an answer."""
    tokens = bm25s.tokenize(
        [text], stopwords="en", stemmer=_STEMMER, show_progress=False, return_ids=False
    )
    return frozenset(tokens[0] if tokens else []) | {n.strip(",.") for n in _NUMBER.findall(text)}


def support(sentence: str, passage: str) -> float:
    """Share of the sentence's content terms found in the passage (1.0 when it has none).

    A number in the sentence that the passage lacks makes support 0: numbers are the
    facts a small model most often invents.
    """
    terms = content_terms(sentence)
    if not terms:
        return 1.0
    have = content_terms(passage)
    numbers = {n.strip(",.") for n in _NUMBER.findall(sentence)}
    if numbers - have:
        return 0.0
    return len(terms & have) / len(terms)


def best_quote(sentence: str, passage: Passage) -> tuple[int, int]:
    """The passage sentence that best supports ``sentence``, as absolute source offsets."""
    spans = sentence_spans(passage.text) or [(0, len(passage.text))]
    start, end = max(spans, key=lambda se: support(sentence, passage.text[se[0] : se[1]]))
    return passage.start + start, passage.start + end


def restates(sentence: str, question: str) -> bool:
    """True when the sentence says nothing the question did not already say."""
    return content_terms(sentence) <= content_terms(question)


_CLOSERS = "'\"”’)"  # may follow a sentence's full stop
_TRAILING = re.compile(rf"([.!?][{_CLOSERS}]*)((?:\s*\[{_MARKER_NUMBERS}\])+)")


def claims(raw: str) -> list[tuple[str, list[int]]]:
    """The sentences of a marked answer, each with its marker numbers, markers removed."""
    raw = _TRAILING.sub(r"\2\1", raw.strip())  # "fact. [1]" belongs to "fact", not the next
    out = []
    for start, end in sentence_spans(raw):
        chunk = raw[start:end]
        text = strip_markers(chunk)
        if text and any(ch.isalnum() for ch in text):
            out.append((text, markers(chunk)))
    return out


def verify(
    raw: str, passages: list[Passage], threshold: float
) -> tuple[list[Sentence], list[Citation]]:
    """Turn model text into checked sentences and renumbered citations."""
    sentences: list[Sentence] = []
    citations: dict[int, Citation] = {}  # passage index -> citation
    for text, numbers in claims(raw):
        claimed = [n - 1 for n in numbers if 1 <= n <= len(passages)]
        scores = [support(text, p.text) for p in passages]
        kept = [i for i in dict.fromkeys(claimed) if scores[i] >= threshold]
        if not kept and passages:
            best = max(range(len(passages)), key=lambda i: scores[i])
            if scores[best] >= threshold:
                kept = [best]
        numbers = []
        for i in kept:
            if i not in citations:
                p = passages[i]
                q_start, q_end = best_quote(text, p)
                quote = p.text[q_start - p.start : q_end - p.start]
                citations[i] = Citation(
                    len(citations) + 1, p.source, p.title, q_start, q_end, p.page, quote
                )
            numbers.append(citations[i].n)
        sentences.append(Sentence(text, numbers, bool(numbers)))
    return sentences, sorted(citations.values(), key=lambda c: c.n)


def keep(
    sentences: list[Sentence], citations: list[Citation], wanted: list[bool]
) -> tuple[list[Sentence], list[Citation]]:
    """The wanted sentences only, with their citations renumbered by first use."""
    by_n = {c.n: c for c in citations}
    renumber: dict[int, int] = {}
    kept = []
    for sentence, want in zip(sentences, wanted, strict=True):
        if want:
            numbers = [renumber.setdefault(n, len(renumber) + 1) for n in sentence.citations]
            kept.append(Sentence(sentence.text, numbers, sentence.supported))
    return kept, [replace(by_n[old], n=new) for old, new in renumber.items()]


def render(sentences: list[Sentence]) -> str:
    """The answer text with markers after each sentence.

    A sentence the model left without a full stop gets one, so that the text splits
    back into the same sentences (and markers) for anyone who parses it.
    """
    parts = []
    for s in sentences:
        text = s.text if s.text.rstrip(_CLOSERS)[-1:] in {".", "!", "?", "…"} else f"{s.text}."
        marks = "".join(f"[{n}]" for n in s.citations)
        parts.append(f"{text} {marks}" if marks else text)
    return " ".join(parts)
