"""Hybrid retrieval: dense (Chroma) + BM25 (rag/index/keywords.py), fused into one ranked
passage list."""

import re
import threading
from dataclasses import asdict, dataclass
from pathlib import PurePath
from typing import Literal

import numpy as np

from rag.index.keywords import KeywordIndex
from rag.index.store import Store, StoredChunk
from rag.text.lexicon import PERMALINK
from rag.thresholds import CANDIDATES

_ATX_MARKS = re.compile(r"^#{1,6}\s+|\s+#+$")
Mode = Literal["hybrid", "dense", "bm25"]


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk: ``text == source_text[start:end]``; ``page`` is 1-based or None."""

    rank: int
    score: float
    source: str
    title: str
    start: int
    end: int
    page: int | None
    text: str
    chunk_id: str
    sections: tuple[tuple[int, str], ...] = ()  # its chunk's heading paths, by offset

    @property
    def section(self) -> str:
        """The heading path of most of this passage ("" before any heading): a chunk may
        run across a heading, a sentence does not."""
        if not self.sections:  # a document without headings, or a store from before them
            return ""
        bounds = [at for at, _ in self.sections[1:]] + [self.end]
        covered = [
            (min(end, self.end) - max(at, self.start), path)
            for (at, path), end in zip(self.sections, bounds, strict=True)
        ]
        return max(covered, key=lambda c: c[0], default=(0, ""))[1]

    @property
    def is_heading(self) -> bool:
        """True when this passage is a heading of its document (never an answer)."""
        words = " ".join(self.text.split()).removesuffix(PERMALINK).strip()
        words = _ATX_MARKS.sub("", words)  # "### Major changes ..." in a Markdown text
        return any(at == self.start and path.endswith(words) for at, path in self.sections)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("chunk_id")
        data.pop("sections")
        data["section"] = self.section
        return data


Ranking = list[tuple[StoredChunk, float]]


def fuse(
    dense: Ranking, keyword: Ranking, dense_share: float
) -> tuple[dict[str, float], dict[str, StoredChunk]]:
    """Fused score per chunk id: ``dense_share`` of the max-normalised dense score plus
    the rest of the max-normalised BM25 score (a chunk missing from one ranking gets 0
    there), and the chunks by id."""
    weights = {"dense": dense_share, "bm25": 1.0 - dense_share}
    fused: dict[str, float] = {}
    chunks: dict[str, StoredChunk] = {}
    for name, ranking in (("dense", dense), ("bm25", keyword)):
        if not ranking:
            continue
        scores = np.array([s for _, s in ranking], dtype=np.float64)
        top = scores.max()
        normalised = scores / top if top > 0 else np.zeros_like(scores)
        for (chunk, _), score in zip(ranking, normalised, strict=True):
            chunks[chunk.id] = chunk
            fused[chunk.id] = fused.get(chunk.id, 0.0) + weights[name] * float(score)
    return fused, chunks


def best_ids(fused: dict[str, float], k: int) -> list[str]:
    """The ``k`` best chunk ids, ties broken by id so that rankings are reproducible."""
    return sorted(fused, key=lambda cid: (-fused[cid], cid))[:k]


class Retriever:
    """Ranks passages for a query by fusing dense and keyword rankings.

    Fusion is a convex combination of per-query max-normalised scores: unlike plain
    reciprocal rank fusion it keeps how far ahead the best hit is in each ranking.
    """

    def __init__(
        self, store: Store, embed_query, dense_weight: float = 0.5, candidates: int = CANDIDATES
    ) -> None:
        self.store = store
        self.embed_query = embed_query
        self.dense_weight = dense_weight
        self.candidates = candidates
        self._keyword: KeywordIndex | None = None
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Forget the keyword index after the store changed."""
        with self._lock:
            self._keyword = None

    def keyword_index(self) -> KeywordIndex:
        with self._lock:
            if self._keyword is None:
                self._keyword = KeywordIndex.open(self.store)
            return self._keyword

    def unknown(self, words: list[str]) -> list[str]:
        """The ``words`` that no stored chunk holds, nor any file's name or title."""
        missing = self.keyword_index().unknown(words, [])
        if not missing:  # the usual case: the files need not be read
            return []
        files = self.store.manifest()
        names = [PurePath(id_).stem for id_ in files] + [f.title for f in files.values()]
        return self.keyword_index().unknown(missing, names)

    def search(self, query: str, k: int, mode: Mode = "hybrid") -> list[Passage]:
        """The ``k`` best passages, best first."""
        return self.retrieve(query, k, mode)[0]

    def retrieve(self, query: str, k: int, mode: Mode = "hybrid") -> tuple[list[Passage], float]:
        """The passages, plus the best dense cosine similarity (the answerer's gate)."""
        pool = max(self.candidates, k)
        dense_share = {"dense": 1.0, "bm25": 0.0}.get(mode, self.dense_weight)
        dense = self.store.query(self.embed_query(query), pool) if mode != "bm25" else []
        # at a dense weight of 1 the keyword index is never built (a Chroma server's
        # collection of millions: docs/scale.md)
        keyword = self.keyword_index().search(query, pool) if dense_share < 1 else []
        fused, chunks = fuse(dense, keyword, dense_share)
        best = best_ids(fused, k)
        passages = [
            Passage(
                rank=i + 1,
                score=round(fused[cid], 6),
                source=chunks[cid].source,
                title=chunks[cid].title,
                start=chunks[cid].start,
                end=chunks[cid].end,
                page=chunks[cid].page,
                text=chunks[cid].text,
                chunk_id=cid,
                sections=chunks[cid].sections,
            )
            for i, cid in enumerate(best)
        ]
        return passages, max((s for _, s in dense), default=0.0)
