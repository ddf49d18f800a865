"""A collection past SQLite's 32,766 bound variables is still read whole (issue 29)."""

import numpy as np
import pytest

from rag.index.keywords import KeywordIndex
from rag.index.store import FileRecord, Store
from rag.settings import Settings

CHUNKS = 33_000  # above 32,766, the most SQL variables one Chroma read may bind


@pytest.mark.slow
def test_whole_collection_reads_past_the_sql_variable_limit(tmp_path) -> None:
    store = Store(Settings(store=str(tmp_path / "store")), "test-vectors", 4)
    store.begin()
    rng = np.random.default_rng(0)
    batch = []
    for f in range(3):
        n = CHUNKS // 3
        chunks = [(i * 10, i * 10 + 9, None, f"file {f} chunk {i} word{i}", []) for i in range(n)]
        record = FileRecord(f"/docs/file{f}.txt", f"sha{f}", n, f"file{f}", n * 10)
        batch.append((record, chunks, rng.random((n, 4), dtype=np.float32)))
    store.replace_files(batch)
    store.finish()

    assert store.count() == CHUNKS
    stored = store.all_chunks()
    assert len(stored) == CHUNKS and len({c.id for c in stored}) == CHUNKS
    assert store.repair() == 0  # reads every chunk's metadata: nothing is an orphan
    assert store.count() == CHUNKS
    hits = KeywordIndex.build(store, stored).search("word10999", 5)
    assert sorted(h.text for h, _ in hits) == [f"file {f} chunk 10999 word10999" for f in range(3)]
