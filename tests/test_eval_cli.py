"""`rag eval` as a user runs it: JSON keys, report files, clear errors."""

import json

from tests.conftest import ROOT, run_rag

SEED = ROOT / "evals" / "datasets" / "seed"


def test_eval_json_and_report_files(tmp_path):
    out = tmp_path / "report"
    result = run_rag(
        "eval", "--docs", str(SEED / "docs"), "--questions", str(SEED / "questions.jsonl"),
        "--llm", "extractive", "--limit", "6", "--out", str(out), "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert metrics["n"] == 6 and metrics["invalid_citation_rate"] == 0.0
    assert 0.0 <= metrics["str_em"] <= 1.0 and metrics["answer_latency_p95_ms"] > 0
    report = json.loads((out / "report.json").read_text())
    assert len(report["questions"]["ours"]) == 6
    assert (out / "report.md").read_text().startswith("# Evaluation report")
    assert (out / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_eval_mistakes_are_one_line_errors(tmp_path):
    missing = run_rag("eval", "--docs", str(tmp_path / "nope"), "--questions", "x.jsonl")
    assert missing.returncode == 1 and "is not a folder" in missing.stderr
    assert "Traceback" not in missing.stderr
    bad = tmp_path / "q.jsonl"
    bad.write_text("not json\n")
    result = run_rag("eval", "--docs", str(SEED / "docs"), "--questions", str(bad))
    assert result.returncode == 1 and "q.jsonl:1: bad question row" in result.stderr


def test_baseline_reads_what_ours_reads(tmp_path):
    """llama-index's reader skips "hidden" paths and reads HTML with its markup; the
    baseline must read the same text as ours, or it measures the reader."""
    import shutil

    from rag import Assistant
    from rag_evals.systems import LlamaIndexBaseline

    docs = tmp_path / ".cache" / "docs"
    shutil.copytree(SEED / "docs", docs)
    (docs / "page.html").write_text(
        "<html><body><p>The <b>kettle</b> boils in four minutes.</p></body></html>"
    )
    assistant = Assistant(
        store=tmp_path / "store", llm="compatible", llm_base_url="http://127.0.0.1:9/v1"
    )  # the model is not called while the baseline indexes
    baseline = LlamaIndexBaseline(assistant, docs)
    assert sorted(f.name for f in baseline.files) == sorted(p.name for p in docs.iterdir())
    stored = assistant.store.client.get_collection(f"{assistant.settings.collection}_baseline")
    texts = stored.get()["documents"]
    assert any("The kettle boils in four minutes." in t for t in texts)
    assert not any("<p>" in t or "<b>" in t for t in texts)
