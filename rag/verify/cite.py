"""Citation checks: every ``[n]`` shown must point at a given passage that states it.

The model's markers are treated as suggestions. Each answer sentence is checked
against the passages it cites by :class:`rag.verify.Verifier` (meaning, not shared
words); when they do not state it, the passage sharing most of its words is tried
once instead. Markers that point nowhere are dropped, a sentence no passage states
is marked unsupported, and sources are renumbered in order of first use. Quotes are
exact spans of the source: ``source_text[start:end]``.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from rag.index.retrieve import Passage
from rag.ingest.headings import document_name
from rag.text.lexicon import SOURCE_TALK
from rag.text.names import STEM
from rag.text.overlap import content_terms, support
from rag.text.sentences import sentence_spans
from rag.thresholds import CITED_ALONE, RECITED
from rag.verify.term import asked_terms
from rag.verify.verifier import Verdict, Verifier, numbers

_MARKER_NUMBERS = r"\d+(?:\s*[,;]\s*\d+)*"  # inside [1], [1, 2], [1;2]
_MARKERS = rf"(?:\[{_MARKER_NUMBERS}\])+"  # [1], [1][2]
# A run of markers, unless glued to a name or opening code: "heap[0]", "sys.argv[1]" and
# "`[0, 0, 0]`" (os.loadavg() on Windows) are code.
MARKER = re.compile(rf"(?:\s+|(?<![\w)\]`]))({_MARKERS})")
_ONE = re.compile(rf"\[({_MARKER_NUMBERS})\]")
# A run glued to a word and ending the sentence or clause: "element[1]." (perhaps a marker)
_GLUED = re.compile(rf"[\w)\]]+?({_MARKERS})(?=[.!?,;:]|\s*$)")
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
    section: str = ""  # the heading path the quote sits under


@dataclass(frozen=True)
class Sentence:
    """An answer sentence, the citations that state it, and the verifier's verdict."""

    text: str
    citations: list[int]
    supported: bool
    score: float | None = None  # the verifier's p(yes), 1.0 for a quote, 0.0 for numbers
    check: str | None = None  # which test decided: quote, numbers, judge or overlap


UNCHECKED = "unchecked"  # a sentence past those an answer may have: never shown


def markers(text: str) -> list[int]:
    """Every number inside ``[n]`` / ``[n, m]`` markers, in order."""
    return [
        n for run in MARKER.findall(text) for group in _ONE.findall(run) for n in _numbers(group)
    ]


def unglued(raw: str, source: str, passages: int) -> str:
    """``raw`` with markers a model glued to a word at the end of a sentence ("element[1].")
    set apart: those whose numbers are all passage numbers (1 to ``passages``) and that
    are not copied from ``source`` (code such as "heap[0]" or "sys.argv[1]" stays)."""

    def part(m: re.Match) -> str:
        word = m.group(0)[: m.start(1) - m.start()]
        groups = _ONE.findall(m.group(1))
        code = next(
            (
                k
                for k in range(len(groups), -1, -1)
                if (not k or word + _joined(groups[:k]) in source)
                and all(_passage_numbers(g, passages) for g in groups[k:])
            ),
            len(groups),  # no reading as markers: the model's own code
        )
        rest = _joined(groups[code:])
        return word + _joined(groups[:code]) + (f" {rest}" if rest else "")

    return _GLUED.sub(part, raw)


def _numbers(group: str) -> list[int]:
    """The numbers inside one marker: "1, 2" -> [1, 2]."""
    return [int(n) for n in re.split(r"[,;]", group)]


def _passage_numbers(group: str, passages: int) -> bool:
    return all(1 <= n <= passages for n in _numbers(group))


def _joined(groups: list[str]) -> str:
    return "".join(f"[{g}]" for g in groups)


def strip_markers(text: str) -> str:
    return MARKER.sub("", text).strip()


def is_abstention(text: str) -> bool:
    return not text.strip() or bool(_ABSTAIN.search(text))


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
# What separated markers ("Stanovaya.[1], [2]." or "Kyiv [1],[2].") is left once they go:
# a sentence ends in at most one closing mark.
_LEFTOVER = re.compile(r"[\s,;]*([.!?]?)[\s.,;]*$")


def claims(raw: str) -> list[tuple[str, list[int]]]:
    """The sentences of a marked answer, each with its marker numbers, markers removed.
    A sentence said again word for word is one claim (a small model caught in a loop
    repeats one until its token limit: each repeat had cost a judge call)."""
    # "fact. [1]" belongs to "fact", not the next sentence: "fact [1]."
    raw = _TRAILING.sub(lambda m: f" {m.group(2).lstrip()}{m.group(1)}", raw.strip())
    out = []
    said = set()
    for start, end in sentence_spans(raw):
        chunk = raw[start:end]
        text = _LEFTOVER.sub(r"\1", strip_markers(chunk), count=1)
        key = " ".join(text.split())
        if (
            text
            and any(ch.isalnum() for ch in text)
            and not about_sources(text)
            and key not in said
        ):
            said.add(key)
            out.append((text, markers(chunk)))
    return out


_SOURCE_TALK = frozenset(STEM.stemWord(word) for word in SOURCE_TALK)
_PASSAGE_NUMBER = re.compile(r"\bpassages?\s+\d+", re.I)


def about_sources(sentence: str) -> bool:
    """True for a sentence that says only where the answer is ("The answer is in passage
    2."), which states nothing to verify or show. On the stored reports of every set, the
    only sentences it matches (6 of 2,190) are of this kind."""
    terms = content_terms(_PASSAGE_NUMBER.sub("passage", sentence))
    return bool(terms) and terms <= _SOURCE_TALK


def verify(
    raw: str,
    passages: list[Passage],
    question: str,
    verifier: Verifier,
    threshold: float,
    before: Callable[[Passage], str] = lambda p: "",
    composed: bool = False,
    most: int | None = None,
) -> tuple[list[Sentence], list[Citation]]:
    """Turn model text into verified sentences and renumbered citations.

    Per sentence: each passage it cites alone (the first two), then all it cites
    together, then (if none of that states it) the two other passages sharing most of
    its words, when they share at least ``threshold`` of them (or when nothing was cited,
    any at all): a small model often cites the sentence beside the one it used. Last,
    a passage tried alone that lacked a number, name or code the sentence gives, with
    the context sentence beside it (:func:`beside`), and for a missing number the
    context passages that give it (:func:`holding`). Only the passages of the
    first check that passes are cited. ``before`` gives the text before a
    passage in its chunk, which the verifier reads for who "he" is;
    ``composed`` text was built by the application from the passages' words.
    Past the first ``most`` sentences none is checked (``check`` "unchecked"): the model
    was asked for one or two, and what it adds after them costs a judge call each.
    """
    sentences: list[Sentence] = []
    citations: dict[int, Citation] = {}  # passage index -> citation
    asked = asked_terms(question, (path for p in passages for _, path in p.sections))
    for text, marked in claims(unglued(raw, " ".join(p.text for p in passages), len(passages))):
        if most is not None and len(sentences) >= most:
            sentences.append(Sentence(text, [], False, None, UNCHECKED))
            continue
        claimed = list(dict.fromkeys(n - 1 for n in marked if 1 <= n <= len(passages)))
        overlap = [support(text, p.text) for p in passages]
        # Each cited passage alone first (a citation that is not needed is not shown),
        # then the cited ones together, then the passage sharing most words.
        tries = [[i] for i in claimed[:CITED_ALONE]] + ([claimed] if len(claimed) > 1 else [])
        floor = threshold if claimed else 1e-9
        ranked = sorted(range(len(passages)), key=lambda i: -overlap[i])
        others = [i for i in ranked if i not in claimed and overlap[i] >= floor]
        tries += [[i] for i in others[:RECITED]]
        kept: list[int] = []
        verdict = Verdict(False, 0.0, "uncited")  # no passage to check it against
        tried: list[list[int]] = []
        while tries:
            indexes = tries.pop(0)
            tried.append(indexes)
            joined = " ".join(passages[i].text for i in indexes)
            first = passages[indexes[0]]
            verdict = verifier.check(
                question,
                text,
                joined,
                before(first),
                composed,
                section=first.section,
                document=document_name(first.source),
                asked=asked,
            )
            if verdict.supported:
                kept = indexes
                break
            if len(indexes) == 1 and verdict.check in _FACTS:
                more = beside(indexes[0], passages, before)
                if verdict.check == "numbers":
                    more += holding(numbers(text) - numbers(joined), passages, before)
                tries += [p for p in more if p not in tries + tried and set(p) != set(claimed)]
        cited = []
        for i in kept:
            if i not in citations:
                p = passages[i]
                q_start, q_end = best_quote(text, p)
                quote = p.text[q_start - p.start : q_end - p.start]
                citations[i] = Citation(
                    len(citations) + 1,
                    p.source,
                    p.title,
                    q_start,
                    q_end,
                    p.page,
                    quote,
                    replace(p, start=q_start, end=q_end).section,  # the quote's own
                )
            cited.append(citations[i].n)
        sentences.append(Sentence(text, cited, bool(cited), verdict.score, verdict.check))
    return sentences, sorted(citations.values(), key=lambda c: c.n)


_FACTS = frozenset({"numbers", "names", "code"})  # checks that find a fact missing


def holding(
    missing: set[float], passages: list[Passage], before: Callable[[Passage], str]
) -> list[list[int]]:
    """Each context passage that gives one of the ``missing`` numbers, alone and then
    with the sentence beside it (:func:`beside`). A small model cites the sentence next
    to the one with the number: "... larger than 4093 bytes." cited to "Set to 0 to
    disable the warning." beside "Warn if cookie headers are larger than this many
    bytes." and "Defaults to 4093."."""
    found = []
    for j, passage in enumerate(passages):
        if numbers(passage.text) & missing:
            found += [[j], *beside(j, passages, before)]
    return found


def beside(i: int, passages: list[Passage], before: Callable[[Passage], str]) -> list[list[int]]:
    """Passage ``i`` paired with each context sentence right beside it in its paragraph
    (only white space between them, no blank line), in document order. A manual splits
    one definition into short sentences ("Warn if cookie headers are larger than this
    many bytes." then "Defaults to 4093."); a model that read both writes them as one
    sentence and cites one of them."""
    pairs = []
    for j, other in enumerate(passages):
        if j == i or other.source != passages[i].source:
            continue
        first, second = sorted((i, j), key=lambda k: passages[k].start)
        gap = passages[second].start - passages[first].end
        if not 0 <= gap <= 2:
            continue
        text = before(passages[second])
        between = text[len(text) - gap :]
        if (
            not between.strip()
            and "\n\n" not in between
            and text[: len(text) - gap].endswith(passages[first].text)
        ):
            pairs.append([first, second])
    return pairs


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
            kept.append(replace(sentence, citations=numbers))
    return kept, [replace(by_n[old], n=new) for old, new in renumber.items()]


def render(sentences: list[Sentence]) -> str:
    """The answer text with markers after each sentence.

    A sentence the model left without a full stop gets one, so that the text splits
    back into the same sentences (and markers) for anyone who parses it.
    """
    parts = []
    for s in sentences:
        marks = "".join(f"[{n}]" for n in s.citations)
        parts.append(f"{closed(s.text)} {marks}" if marks else closed(s.text))
    return " ".join(parts)


def closed(text: str) -> str:
    """The sentence with a full stop when the model left it without one, or ended it
    with a colon (the list it announced is not part of it)."""
    if text.rstrip(_CLOSERS)[-1:] in {".", "!", "?", "…"}:
        return text
    return f"{text.rstrip().removesuffix(':').rstrip()}."
