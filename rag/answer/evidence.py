"""The evidence for a question: the retrieved passages, their sentences best first, and
the few sentences a writer reads.

The model sees the best sentences, not whole chunks: a small model reads a short,
focused context better, its first token comes sooner, and quotes are exact.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from rag.answer.guard import addresses_assistant
from rag.index.retrieve import Passage, Retriever
from rag.text.overlap import content_terms
from rag.text.sentences import sentence_spans

Embed = Callable[[list[str]], np.ndarray]  # texts -> unit vectors (rows)


@dataclass(frozen=True)
class Evidence:
    question: str
    ranked: list[tuple[Passage, float]]
    """Sentences of the retrieved passages as Passages, best first, with their cosine."""
    chunks: dict[str, Passage]  # the retrieved passages, by chunk id
    confidence: float  # best cosine of a passage or sentence with the question
    context: list[Passage]  # the sentences a writer reads, numbered in its prompt

    def best(self, n: int) -> list[Passage]:
        """The ``n`` best sentences, as the quoting writers quote them."""
        return [unit for unit, _ in self.ranked[:n]]

    def before(self, unit: Passage) -> str:
        """The text of the chunk ``unit`` was taken from, before it (who "he" is)."""
        chunk = self.chunks.get(unit.chunk_id)
        if chunk is None or not chunk.start <= unit.start <= chunk.end:
            return ""
        return chunk.text[: unit.start - chunk.start]


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
    sentences_read: int,
    neighbours: int = 0,
) -> Evidence:
    """The passages for ``search_query``, their sentences ranked against ``question``."""
    passages, best_passage = retriever.retrieve(search_query, top_k)
    ranked = rank_sentences(question, passages[:passages_read], embed)
    # A short "Who is X?" matches X's passage better than any one long sentence about
    # X, and a sentence can stand out in a passage about other things: either counts.
    confidence = max([best_passage] + [cosine for _, cosine in ranked])
    chunks = {p.chunk_id: p for p in passages}
    context = [unit for unit, _ in ranked[:sentences_read]]
    if neighbours:
        context = with_neighbours(context, chunks, neighbours)
    return Evidence(question, ranked, chunks, confidence, context)


def with_neighbours(units: list[Passage], chunks: dict[str, Passage], n: int) -> list[Passage]:
    """Each sentence with the ``n`` sentences that follow it in its chunk, as one span.

    In technical text the answer often sits in the sentence after the one that matches
    the question ("Set a timeout. Use the timeout parameter: ..."), which ranks lower
    on its own. Spans that overlap an earlier one are left out."""
    out: list[Passage] = []
    for unit in units:
        chunk = chunks.get(unit.chunk_id)
        if chunk is not None:
            spans = [(chunk.start + a, chunk.start + b) for a, b in sentence_spans(chunk.text)]
            after = [e for s, e in spans if s >= unit.end][:n]
            if after:
                end = after[-1]
                text = chunk.text[unit.start - chunk.start : end - chunk.start]
                unit = replace(unit, end=end, text=text)
        if not any(
            u.source == unit.source and u.start < unit.end and unit.start < u.end for u in out
        ):
            out.append(unit)
    return out


def rank_sentences(
    question: str, passages: list[Passage], embed: Embed
) -> list[tuple[Passage, float]]:
    """Each sentence of the passages as its own Passage, best first, with its cosine.

    Sentences are ranked by cosine similarity with the question plus the share of the
    question's content words they contain (a definition names its subject in full).
    A sentence repeated by overlapping chunks counts once; one that addresses the
    assistant is left out (rag/answer/guard.py).
    """
    units: dict[tuple[str, int], Passage] = {}
    for p in passages:
        for a, b in sentence_spans(p.text):
            key = (p.source, p.start + a)
            if key not in units and not addresses_assistant(p.text[a:b]):
                units[key] = replace(p, start=p.start + a, end=p.start + b, text=p.text[a:b])
    if not units:
        return []
    candidates = list(units.values())
    vectors = embed([question] + [u.text for u in candidates])
    cosine = vectors[1:] @ vectors[0]
    terms = content_terms(question)
    scores = [
        c + len(terms & content_terms(u.text)) / max(len(terms), 1)
        for c, u in zip(cosine, candidates, strict=True)
    ]
    order = sorted(range(len(candidates)), key=lambda j: -scores[j])
    return [(candidates[j], float(cosine[j])) for j in order]
