"""The `rag` command as a user runs it: JSON shapes, exit codes, one-line errors."""

import json

from tests.conftest import SEEDS, run_rag


def test_ingest_search_status_json(tmp_path):
    store = str(tmp_path / "store")
    first = run_rag("ingest", str(SEEDS), "--store", store, "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["added"] == 1 and report["chunks"] > 0 and report["skipped"] == []
    again = json.loads(run_rag("ingest", str(SEEDS), "--store", store, "--json").stdout)
    assert (again["added"], again["updated"], again["chunks"]) == (0, 0, 0)

    found = run_rag("search", "Who is Steve Witkoff?", "--store", store, "--json", "-k", "3")
    data = json.loads(found.stdout)
    assert data["query"] == "Who is Steve Witkoff?"
    top = data["results"][0]
    assert set(top) == {
        "rank", "score", "source", "title", "start", "end", "page", "section", "text"
    }  # fmt: skip
    assert top["section"] == ""  # plain text has no headings
    assert top["rank"] == 1 and "special envoy, Steve Witkoff" in top["text"]

    status = json.loads(run_rag("status", "--store", store, "--json").stdout)
    assert status["documents"] == 1 and status["embed_model"] == "all-MiniLM-L6-v2-int8"


def test_partial_ingest_reports_skips_and_exits_3(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.md").write_text("# Ok\n\nHerons nest in March.")
    (docs / "broken.pdf").write_bytes(b"garbage")
    result = run_rag("ingest", str(docs), "--store", str(tmp_path / "s"), "--json")
    assert result.returncode == 3
    report = json.loads(result.stdout)
    assert report["added"] == 1
    assert report["skipped"][0]["path"].endswith("broken.pdf")


def test_user_mistakes_are_one_line_errors(tmp_path):
    cases = [
        ("ingest", str(tmp_path / "missing"), "--store", str(tmp_path / "s")),
        ("search", "anything", "--store", str(tmp_path / "never-made")),
        ("status", "--store", str(tmp_path / "never-made")),
    ]
    for args in cases:
        result = run_rag(*args)
        assert result.returncode == 1, args
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().startswith("error:")
        assert len(result.stderr.strip().splitlines()) == 1


def test_store_of_another_model_is_refused(tmp_path):
    store = str(tmp_path / "s")
    run_rag("ingest", str(SEEDS), "--store", store)
    result = run_rag(
        "search",
        "x",
        "--store",
        store,
        env={
            "RAG_EMBED_MODEL": "openai:text-embedding-3-small",
            "OPENAI_API_KEY": "sk-test-not-used",
        },
    )
    assert result.returncode == 1
    assert "built with embedding model all-MiniLM-L6-v2" in result.stderr
    assert "Traceback" not in result.stderr


def test_quotes_in_citations_are_not_doubled():
    from rag.cli import _quoted

    assert _quoted("Territory is very secondary.”") == "“Territory is very secondary.”"
    assert _quoted("“Whole.”") == "“Whole.”"
    assert _quoted("Plain.") == "“Plain.”"
