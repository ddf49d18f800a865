"""The keyword (BM25) index over every stored chunk, kept on disk beside a local store.

Built from the whole collection, BM25 costs a read and a tokenisation of every chunk:
seconds at ten thousand chunks, minutes and a gigabyte at a hundred thousand, in every
new process. So the index built for one state of the store is saved in the store's
folder (bm25s's own format: a sparse score matrix, its vocabulary, and the chunk ids in
index order), in a folder named for that state (every file's hash and the chunk count),
and a later process whose store is in the same state maps it from disk instead. Only chunk ids
are held; the chunks a search finds are read from the store by id. A store on a Chroma
server has no folder here: each process builds its own index in memory.
"""

import contextlib
import hashlib
import json
import os
import shutil
from itertools import chain
from pathlib import Path

import bm25s
import Stemmer

from rag.index.store import Store, StoredChunk
from rag.text.names import folded, spelt_alike

_IDS = "ids.json"
# What the saved index is made of: a change here (what is indexed, how it is tokenised)
# makes every saved index stale.
_RECIPE = "bm25s, English stop words and stemmer, heading paths then text, v1"


def _tokens(texts: list[str], stemmer, ids: bool = True):
    return bm25s.tokenize(
        texts, stopwords="en", stemmer=stemmer, show_progress=False, return_ids=ids
    )


class KeywordIndex:
    """BM25 over every chunk of ``store`` at one state of it."""

    def __init__(self, store: Store, ids: list[str], bm25: bm25s.BM25 | None) -> None:
        self.store, self.ids, self._bm25 = store, ids, bm25
        self._stemmer = Stemmer.Stemmer("english")
        self._vocabulary: frozenset[str] | None = None

    @classmethod
    def build(cls, store: Store, chunks: list[StoredChunk]) -> "KeywordIndex":
        """The index of ``chunks`` (all of ``store``'s), in memory."""
        if not chunks:
            return cls(store, [], None)
        index = cls(store, [c.id for c in chunks], bm25s.BM25())
        texts = [f"{c.headings} {c.text}" for c in chunks]
        index._bm25.index(_tokens(texts, index._stemmer), show_progress=False)
        return index

    @classmethod
    def open(cls, store: Store) -> "KeywordIndex":
        """The saved index when it is of the store as it is now, else one built (and saved
        when no ingest is under way and the store did not change while it was read)."""
        stamp = store.stamp()
        root = store.folder / "keywords" if store.folder else None
        folder = (
            root / hashlib.sha256(f"{_RECIPE}\0{stamp}".encode()).hexdigest()[:32] if root else None
        )
        if folder is not None and (folder / _IDS).is_file():
            with contextlib.suppress(Exception):  # broken or half-removed: build again
                ids = json.loads((folder / _IDS).read_text())
                bm25 = bm25s.BM25.load(folder, mmap=True, show_progress=False) if ids else None
                return cls(store, ids, bm25)
        index = cls.build(store, store.all_chunks())
        if folder is not None and not store.pending() and store.stamp() == stamp:
            with contextlib.suppress(OSError):  # a read-only store still answers
                index._save(folder)
        return index

    def _save(self, folder: Path) -> None:
        """Write the index in a folder of its own, named for the store state it is of; a
        reader never sees half of one. Older states' folders go."""
        fresh = folder.with_name(f".{folder.name}.{os.getpid()}.new")
        try:
            shutil.rmtree(fresh, ignore_errors=True)
            fresh.mkdir(parents=True)
            if self._bm25 is not None:
                self._bm25.save(fresh, show_progress=False)
            (fresh / _IDS).write_text(json.dumps(self.ids))  # last: it marks a whole index
            with contextlib.suppress(OSError):  # another process saved the same state first
                fresh.rename(folder)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
        for old in folder.parent.iterdir():
            if old.name != folder.name and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)

    def search(self, query: str, k: int) -> list[tuple[StoredChunk, float]]:
        """The ``k`` best chunks for ``query`` with their BM25 scores, best first."""
        if self._bm25 is None:
            return []
        tokens = _tokens([query], self._stemmer, ids=False)
        if not tokens or not tokens[0]:
            return []
        found, scores = self._bm25.retrieve(
            [tokens[0]], k=min(k, len(self.ids)), show_progress=False, n_threads=1
        )
        hits = [(self.ids[int(i)], float(s)) for i, s in zip(found[0], scores[0], strict=True)]
        hits = [(id_, s) for id_, s in hits if s > 0]
        chunks = self.store.chunks([id_ for id_, _ in hits])
        return [(chunks[id_], s) for id_, s in hits if id_ in chunks]

    def unknown(self, words: list[str], also: list[str]) -> list[str]:
        """The ``words`` that no chunk holds, nor the names in ``also`` (the files'). A
        word is held when each of its tokens is in the index's vocabulary, accents aside
        ("Ales" for "Alès"), or one letter inside it away from a token there (a misspelt
        "Kllbrandon" is still the "Kilbrandon" of the documents)."""
        if self._bm25 is None or not words:
            return []
        if self._vocabulary is None:  # read once: at 100,000 chunks, a second or so
            self._vocabulary = frozenset(map(folded, self._bm25.vocab_dict))
        vocabulary = self._vocabulary
        tokenized = _tokens(also, self._stemmer, ids=False) if also else []
        named = {folded(token) for tokens in tokenized for token in tokens}

        def known(token: str) -> bool:
            if token in vocabulary or token in named:
                return True
            return any(spelt_alike(token, other) for other in chain(vocabulary, named))

        return [
            word
            for word in words
            if not all(known(folded(t)) for t in _tokens([word], self._stemmer, ids=False)[0])
        ]
