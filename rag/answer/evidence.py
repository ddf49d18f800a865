"""The model's context: the sentences of the retrieved passages, best first.

The model sees the best sentences, not whole chunks: a small model reads a short,
focused context better, its first token comes sooner, and quotes are exact.
"""

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from rag.answer.guard import addresses_assistant
from rag.index.retrieve import Passage
from rag.text.overlap import content_terms
from rag.text.sentences import sentence_spans

Embed = Callable[[list[str]], np.ndarray]  # texts -> unit vectors (rows)


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
