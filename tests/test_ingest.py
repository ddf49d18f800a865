"""Ingestion into a real Chroma with the real model: incremental, prune, crash-safe."""

from pathlib import Path

import pytest

from rag import Assistant, RagError
from rag.ingest.load import load
from rag.ingest.pipeline import ingest
from tests.samples import FACTS, write_all


def _docs(tmp_path, n=3):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(n):
        (folder / f"d{i}.txt").write_text(
            f"Document {i} is about topic {i}. " * 5 + f"\n\nIts secret number is {i * 7}.\n"
        )
    return folder


def _chunk_ids(assistant):
    return sorted(c.id for c in assistant.store.all_chunks())


def test_reingest_unchanged_embeds_nothing(assistant, tmp_path, monkeypatch):
    folder = _docs(tmp_path)
    first = assistant.ingest([folder])
    assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
    assert first.chunks > 0 and first.truncated == 0
    calls = []
    real = type(assistant.embedder).embed
    monkeypatch.setattr(
        type(assistant.embedder),
        "embed",
        lambda self, texts: calls.append(texts) or real(self, texts),
    )
    again = assistant.ingest([folder])
    assert (again.added, again.updated, again.unchanged, again.chunks) == (0, 0, 3, 0)
    assert calls == []


def test_changed_file_replaces_its_chunks(assistant, tmp_path):
    folder = _docs(tmp_path)
    assistant.ingest([folder])
    before = _chunk_ids(assistant)
    (folder / "d1.txt").write_text("Completely new content about volcanoes in Iceland.")
    report = assistant.ingest([folder])
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    texts = [c.text for c in assistant.store.all_chunks() if c.source.endswith("d1.txt")]
    assert texts == ["Completely new content about volcanoes in Iceland."]
    after = _chunk_ids(assistant)
    assert len(set(before) - set(after)) == len(set(after) - set(before)) == 1
    assert assistant.search("volcanoes Iceland", 1)[0].source.endswith("d1.txt")


def test_prune_removes_vanished_files(assistant, tmp_path):
    folder = _docs(tmp_path)
    assistant.ingest([folder])
    (folder / "d2.txt").unlink()
    kept = assistant.ingest([folder])
    assert kept.removed == 0 and assistant.status()["documents"] == 3
    pruned = assistant.ingest([folder], prune=True)
    assert pruned.removed == 1
    assert assistant.status()["documents"] == 2
    assert not any(c.source.endswith("d2.txt") for c in assistant.store.all_chunks())


def test_run_that_dies_midway_is_completed_without_duplicates(assistant, tmp_path):
    folder = _docs(tmp_path, n=4)
    clean = Assistant(store=tmp_path / "clean")
    clean.ingest([folder])
    expected = _chunk_ids(clean)

    embedder = assistant.embedder
    calls = {"n": 0}

    def dying_embed(texts):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # as if killed while embedding the third file
        return embedder.embed(texts)

    from rag.ingest.chunk import Chunker

    with pytest.raises(KeyboardInterrupt):
        ingest(
            [folder],
            assistant.store,
            Chunker(128, 32),
            dying_embed,
            batch_chunks=1,
        )
    report = assistant.ingest([folder])
    assert report.added == 2 and report.unchanged == 2
    assert _chunk_ids(assistant) == expected
    assert assistant.status()["chunks"] == len(expected)


def test_failed_store_write_stops_ingest_and_a_rerun_completes(assistant, tmp_path, monkeypatch):
    folder = _docs(tmp_path, n=4)
    store = assistant.store
    real = type(store).replace_files
    calls = {"n": 0}

    def failing_write(self, batch):
        calls["n"] += 1
        if calls["n"] == 2:  # written in the background while the next file embeds
            raise RagError("disk full")
        return real(self, batch)

    monkeypatch.setattr(type(store), "replace_files", failing_write)
    from rag.ingest.chunk import Chunker

    with pytest.raises(RagError, match="disk full"):
        ingest([folder], store, Chunker(128, 32), assistant.embedder.embed, batch_chunks=1)
    monkeypatch.setattr(type(store), "replace_files", real)
    report = assistant.ingest([folder])
    assert report.unchanged >= 1 and report.added + report.unchanged == 4
    assert assistant.status()["chunks"] == len(_chunk_ids(assistant))


def test_one_bad_file_is_skipped_rest_ingested(assistant, tmp_path):
    folder = _docs(tmp_path, n=2)
    (folder / "bad.pdf").write_bytes(b"not a pdf")
    report = assistant.ingest([folder])
    assert report.added == 2
    assert [s["path"].endswith("bad.pdf") for s in report.skipped] == [True]


def test_store_built_with_another_model_is_a_clear_error(tmp_path):
    from rag.index.store import Store

    a = Assistant(store=tmp_path / "s")
    a.ingest([_docs(tmp_path)])
    with pytest.raises(RagError, match="built with embedding model all-MiniLM-L6-v2"):
        Store(a.settings, "openai:text-embedding-3-small", 1536)


def test_missing_path_and_empty_folder_are_errors(assistant, tmp_path):
    with pytest.raises(RagError, match="no such file"):
        assistant.ingest([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(RagError, match="no supported files"):
        assistant.ingest([tmp_path / "empty"])


@pytest.mark.parametrize("name", sorted(FACTS))
def test_each_format_answers_with_exact_quotes(formats_assistant, name):
    """docx, odt, epub and rst: a question about each file is answered by quoting it."""
    assistant, folder = formats_assistant
    question = {
        "harbour.docx": "When was the lighthouse at Port Ellen painted red?",
        "orchard.odt": "When do the quince trees flower?",
        "glass.epub": "How old was Marta when she blew her first bottle?",
        "station.rst": "What gust did the weather station on Skye record?",
    }[name]
    answer = assistant.ask(question)
    assert not answer.abstained
    first = answer.citations[0]
    assert first.source == str((folder / name).resolve())
    assert load(Path(first.source)).text[first.start : first.end] == first.quote
    assert FACTS[name][2].replace("**", "") in first.quote
    assert first.section == FACTS[name][1]  # the heading it sits under, not the title


@pytest.fixture(scope="module")
def formats_assistant(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    write_all(root / "docs")
    assistant = Assistant(store=root / "store", llm="extractive", answerable_threshold=0)
    report = assistant.ingest([root / "docs"])
    assert report.added == len(FACTS) and not report.skipped
    return assistant, root / "docs"
