"""The evidence for a question: the retrieved passages, their sentences best first, and
the sentences a writer reads.

The model sees the best sentences, not whole chunks: a small model reads a short,
focused context better, its first token comes sooner, and quotes are exact. How many is
a token budget, not a count: a sentence of a manual is a third as long as one of a news
article, and four of them missed the answer on documentation that eight found
(docs/how-answers-work.md, "What the model reads").
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from rag.answer import expect
from rag.answer.guard import addresses_assistant
from rag.index.retrieve import Passage, Retriever
from rag.ingest.chunk import count_tokens
from rag.ingest.headings import SEPARATOR, document_name, names_document
from rag.text.overlap import content_terms
from rag.text.sentences import is_code, is_question, sentence_spans
from rag.thresholds import BEFORE_CHARS, CANDIDATES, FOLLOWED, WINDOW_SHARE

_WORD = re.compile(r"\w")
# Markup that states nothing: a tag ("<tr>", "</td>") or a code fence ("```js")
_MARKUP = re.compile(
    r"</?[A-Za-z][A-Za-z0-9]*(?:\s+[\w:-]+=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))*\s*/?>"
    r"|^\s*(?:```|~~~)[\w+-]*\s*$"
)
_NAME_BREAKS = re.compile(r"[_\-./]+")  # "systemd-CODING_STYLE" -> "systemd CODING STYLE"

Embed = Callable[[list[str]], np.ndarray]  # texts -> unit vectors (rows)


@dataclass(frozen=True)
class Evidence:
    question: str
    ranked: list[tuple[Passage, float]]
    """Sentences of the retrieved passages as Passages, best first, with their cosine."""
    chunks: dict[str, Passage]  # the retrieved passages, by chunk id
    preceding: dict[str, str]  # by chunk id, the source text just before the chunk
    confidence: float  # best cosine of a passage or sentence with the question
    context: list[Passage]  # the sentences a writer reads, numbered in its prompt

    def best(self, n: int) -> list[Passage]:
        """The ``n`` best sentences that state something, as the quoting writers quote
        them (a question in the documents answers nothing, nor does a line of code)."""
        return [unit for unit, _ in self.ranked if _states(unit.text)][:n]

    def typed(self, n: int) -> list[Passage]:
        """The ``n`` best context sentences that give the kind of answer the question
        asks for (a version, a number ...) and state something."""
        return [
            unit
            for unit in self.context
            if expect.gives_kind(self.question, unit.text, unit.section) and _states(unit.text)
        ][:n]

    def before(self, unit: Passage) -> str:
        """The source text before ``unit`` (who "he" is, the signature a function's
        description follows): its chunk's text before it, or when that is shorter than
        BEFORE_CHARS, that many characters reaching into the chunk before."""
        chunk = self.chunks.get(unit.chunk_id)
        if chunk is None or not chunk.start <= unit.start <= chunk.end:
            return ""
        within = chunk.text[: unit.start - chunk.start]
        if len(within) >= BEFORE_CHARS:
            return within
        return (self.preceding.get(unit.chunk_id, "") + within)[-BEFORE_CHARS:]


def _states(text: str) -> bool:
    return not is_question(text) and not is_code(text)


@dataclass(frozen=True)
class Refusal:
    """The answer abstains before any writer is asked; ``note`` says why, when known."""

    note: str | None = None


def gather(
    question: str,
    search_query: str,
    retriever: Retriever,
    embed: Embed,
    top_k: int,
    passages_read: int,
    context_tokens: int,
) -> Evidence:
    """The passages for ``search_query``, their sentences ranked against ``question``."""
    pool, best_passage = retriever.retrieve(search_query, max(top_k, CANDIDATES))
    passages = of_named_documents(search_query, pool, top_k)
    ranked = rank_sentences(question, passages[:passages_read], embed)
    # A short "Who is X?" matches X's passage better than any one long sentence about
    # X, and a sentence can stand out in a passage about other things: either counts.
    confidence = max([best_passage] + [cosine for _, cosine in ranked])
    chunks = {p.chunk_id: p for p in passages[:passages_read]}
    preceding = retriever.store.preceding({p.chunk_id: p.start for p in chunks.values()})
    order = followed(kind_first(question, ranked), chunks, FOLLOWED)
    context = within(order, context_tokens)
    return Evidence(question, ranked, chunks, preceding, confidence, context)


def of_named_documents(question: str, pool: list[Passage], k: int) -> list[Passage]:
    """The ``k`` best passages of ``pool`` (best first) of the documents the question
    names, when it names any, else the ``k`` best.

    A question names a document by its file name in full ("MPL-2.0": not MPL-1.1's
    clauses, which share every word with it), looked for in the whole pool, or by a word
    of its file name or title that no other of the ``k`` best passages holds ("How many
    spaces does systemd code indent with?": systemd's coding style, not zstd's, which
    also says how many spaces; "code" is in systemd's title, but zstd's passage speaks
    of code too, so it names nothing). A number never names a document on its own ("2"
    of "GPL-2").
    """
    named = {p.source for p in pool if names_document(question, document_name(p.source))}
    if not named:
        best = pool[:k]
        asked = {term for term in content_terms(question) if not term[0].isdigit()}
        words = {p.source: asked & _name_terms(p) for p in best}
        scope = {
            term
            for term in set().union(*words.values())
            if not any(term not in words[p.source] and term in content_terms(p.text) for p in best)
        }
        named = {p.source for p in best if words[p.source] & scope}
    if not named:
        return pool[:k]
    chosen = [p for p in pool if p.source in named][:k]
    return [replace(p, rank=i + 1) for i, p in enumerate(chosen)]


def _name_terms(passage: Passage) -> frozenset[str]:
    """The content words of a passage's file name and title ("library__asyncio-task")."""
    name = f"{document_name(passage.source)} {passage.title}"
    return content_terms(_NAME_BREAKS.sub(" ", name))


def kind_first(question: str, ranked: list[tuple[Passage, float]]) -> list[tuple[Passage, float]]:
    """Asked for a version, a number or a date, the sentences that give one come first,
    each group in rank order: the model reads them (and quotes the first it reads) before
    the sentences that merely share the question's words. What is quoted without a model
    keeps the plain rank, whose best sentences lacking the kind are a reason to abstain."""
    return sorted(
        ranked, key=lambda unit: not expect.gives_kind(question, unit[0].text, unit[0].section)
    )


def followed(
    ranked: list[tuple[Passage, float]], chunks: dict[str, Passage], n: int
) -> list[tuple[Passage, float]]:
    """``ranked`` with the sentence that follows each of the ``n`` best in its paragraph
    read right after it. A manual names its topic in one sentence and answers in the
    next ("The question came up why Click does not auto correct parameters ..." then
    "The reason for this is that it's a liability for backwards compatibility."; "It is
    a simple namespace object ..." after the sentence that names flask.g), and a
    sentence that only continues one does not rank on its own."""
    out: list[tuple[Passage, float]] = []
    seen: set[tuple[str, int]] = set()
    for i, (unit, cosine) in enumerate(ranked):
        if (unit.source, unit.start) in seen:
            continue
        out.append((unit, cosine))
        seen.add((unit.source, unit.start))
        after = _next_sentence(unit, chunks.get(unit.chunk_id)) if i < n else None
        if after is not None and (after.source, after.start) not in seen:
            out.append((after, cosine))
            seen.add((after.source, after.start))
    return out


def _next_sentence(unit: Passage, chunk: Passage | None) -> Passage | None:
    """The sentence after ``unit`` in its chunk, when no blank line parts them and it is
    no heading, code or markup."""
    if chunk is None:
        return None
    spans = sentence_spans(chunk.text)
    at = unit.start - chunk.start
    following = [(a, b) for a, b in spans if a > at]
    if not following or "\n\n" in chunk.text[unit.end - chunk.start : following[0][0]]:
        return None
    a, b = following[0]
    after = replace(chunk, start=chunk.start + a, end=chunk.start + b, text=chunk.text[a:b])
    return after if _readable(after) and _states(after.text) else None


def _readable(unit: Passage) -> bool:
    """A sentence a writer may read: no heading, no line of markup without a word, and
    none that addresses the assistant (rag/answer/guard.py)."""
    return (
        not unit.is_heading
        and bool(_WORD.search(_MARKUP.sub("", unit.text)))
        and not addresses_assistant(unit.text)
    )


def within(ranked: list[tuple[Passage, float]], budget: int) -> list[Passage]:
    """The best sentences, in rank order, that fit in ``budget`` tokens together; one
    that does not fit is passed over for shorter ones after it. The best sentence is
    always read, however long."""
    out: list[Passage] = []
    used = 0
    for unit, _ in ranked:
        tokens = count_tokens(unit.text)
        if out and used + tokens > budget:
            continue
        out.append(unit)
        used += tokens
    return out


def rank_sentences(
    question: str, passages: list[Passage], embed: Embed
) -> list[tuple[Passage, float]]:
    """Each sentence of the passages as its own Passage, best first, with its cosine.

    A sentence is scored with its window (its section's heading path, itself and the
    sentences either side of it in its passage): the mean of the two cosine similarities
    with the question plus the mean share of the question's content words they hold. In
    a manual the sentence that answers ("Use the timeout parameter.") often names the
    topic less than the one before it, or than the headings above it. A sentence
    repeated by overlapping chunks counts once, and so does one that several documents
    hold word for word (licences share whole clauses): its best-ranked copy is kept, so
    the window names its document too ("GFDL-1.3 › ..."). A heading is read in its
    neighbours' windows but is not a candidate itself (it names a topic, it answers
    nothing), and so is a line of markup without a word ("```js", "<tr>", "-----"), and
    one that addresses the assistant is left out (rag/answer/guard.py).
    The cosine returned is the sentence's own, which the gate reads.
    """
    units: dict[tuple[str, int], tuple[Passage, str]] = {}
    for p in passages:
        spans = sentence_spans(p.text)
        document = document_name(p.source)
        for i, (a, b) in enumerate(spans):
            key = (p.source, p.start + a)
            if key not in units:
                window = p.text[spans[max(i - 1, 0)][0] : spans[min(i + 1, len(spans) - 1)][1]]
                unit = replace(p, start=p.start + a, end=p.start + b, text=p.text[a:b])
                if _readable(unit):
                    # its document's name and the headings above it name its topic
                    place = SEPARATOR.join(part for part in (document, unit.section) if part)
                    units[key] = (unit, f"{place}: {window}" if place else window)
    if not units:
        return []
    candidates = [unit for unit, _ in units.values()]
    windows = [window for _, window in units.values()]
    vectors = embed([question] + [u.text for u in candidates] + windows)
    n = len(candidates)
    cosine = vectors[1 : n + 1] @ vectors[0]
    window_cosine = vectors[n + 1 :] @ vectors[0]
    terms = content_terms(question)

    def share(text: str) -> float:
        return len(terms & content_terms(text)) / max(len(terms), 1)

    scores = [
        (1 - WINDOW_SHARE) * (cosine[j] + share(candidates[j].text))
        + WINDOW_SHARE * (window_cosine[j] + share(windows[j]))
        for j in range(n)
    ]
    order = sorted(range(n), key=lambda j: -scores[j])
    said: set[str] = set()
    out = []
    for j in order:
        words = " ".join(candidates[j].text.split())
        if words not in said:
            said.add(words)
            out.append((candidates[j], float(cosine[j])))
    return out
