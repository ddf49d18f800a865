"""Hybrid retrieval over the seed article with the real model and a real Chroma."""

from pathlib import Path


def test_witkoff_passage_ranks_first(seeded):
    passages = seeded.search("Who is Steve Witkoff?", 5)
    assert "special envoy, Steve Witkoff" in passages[0].text


def test_passages_carry_exact_spans_and_scores(seeded):
    passages = seeded.search("What does Putin want from a meeting with Trump?", 4)
    assert [p.rank for p in passages] == [1, 2, 3, 4]
    assert passages == sorted(passages, key=lambda p: -p.score)
    for p in passages:
        source = Path(p.source).read_text(encoding="utf-8")
        assert source[p.start : p.end] == p.text
        assert p.page is None


def test_modes_differ_and_hybrid_fuses_both(seeded):
    q = "Yuri Ushakov signals"
    dense = {p.chunk_id for p in seeded.search(q, 3, mode="dense")}
    bm25 = {p.chunk_id for p in seeded.search(q, 3, mode="bm25")}
    hybrid = seeded.search(q, 3)
    assert "Ushakov" in hybrid[0].text
    assert {p.chunk_id for p in hybrid} <= dense | bm25 | {p.chunk_id for p in hybrid}
    assert all(0 < p.score <= 1.0 + 1e-9 for p in hybrid)


def test_query_of_only_stopwords_still_returns_dense_results(seeded):
    assert seeded.search("the of and", 2)


def test_chroma_server_backend(chroma_server, tmp_path):
    from rag import Assistant
    from tests.conftest import SEEDS

    a = Assistant(chroma_url=chroma_server, collection="servertest")
    first = a.ingest([SEEDS])
    assert first.added == 1
    assert a.ingest([SEEDS]).unchanged == 1
    assert "special envoy, Steve Witkoff" in a.search("Who is Steve Witkoff?", 3)[0].text
    assert a.status()["store"] == chroma_server


def test_the_keyword_index_is_kept_beside_the_store_until_the_store_changes(tmp_path):
    from rag import Assistant
    from rag.index.store import Store
    from tests.conftest import SEEDS

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "seed.txt").write_text((next(SEEDS.glob("*.txt"))).read_text(encoding="utf-8"))
    first = Assistant(store=tmp_path / "store")
    first.ingest([docs])
    before = [(p.chunk_id, p.score) for p in first.search("Ushakov signals", 3, mode="bm25")]
    saved = list((tmp_path / "store" / "keywords").glob("*/ids.json"))
    assert len(saved) == 1

    def no_full_read(self):
        raise AssertionError("the saved index was not used")

    # a new process (a new Assistant) maps the saved index instead of reading every chunk
    original, Store.all_chunks = Store.all_chunks, no_full_read
    try:
        again = Assistant(store=tmp_path / "store")
        assert [
            (p.chunk_id, p.score) for p in again.search("Ushakov signals", 3, mode="bm25")
        ] == before
    finally:
        Store.all_chunks = original
    # a file added by another process changes the store: the next one builds it again
    (docs / "heron.txt").write_text("The grey heron nests in tall trees by the lake.\n")
    Assistant(store=tmp_path / "store").ingest([docs])
    hits = Assistant(store=tmp_path / "store").search("heron nests", 2, mode="bm25")
    assert hits and hits[0].source.endswith("heron.txt")
    # one folder per store state; the older state's is gone, no half-written one is left
    now = list((tmp_path / "store" / "keywords").iterdir())
    assert len(now) == 1 and now[0] != saved[0].parent


def test_dense_weight_one_never_builds_the_keyword_index(seeded, monkeypatch):
    from rag.index.retrieve import Retriever

    retriever = Retriever(seeded.store, seeded.retriever.embed_query, dense_weight=1.0)

    def refuse(self):
        raise AssertionError("the keyword index was built")

    monkeypatch.setattr(Retriever, "keyword_index", refuse)
    passages, cosine = retriever.retrieve("Who is Steve Witkoff?", 3)
    assert "special envoy, Steve Witkoff" in passages[0].text and cosine > 0.3
