"""Crashes, concurrency, failing services, hostile documents and secrets, for real."""

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rag import Assistant
from rag.errors import RagError
from rag.verify.cite import markers
from rag_evals.durability import compare, equal, holds_lock, snapshot
from tests.conftest import ROOT, SEEDS, free_port, rag_exe, run_rag, start_chroma

SQUAD_DOCS = ROOT.parent / "shared" / "datasets" / "squad2-open" / "docs"
ADVERSARIAL = ROOT / "evals" / "datasets" / "adversarial" / "docs"
RAG = rag_exe()
PLANTED = "sk-planted-0123456789abcdef"


def _corpus(tmp_path: Path) -> Path:
    """46 real documents (SQuAD 2.0 paragraphs, CC BY-SA 4.0) copied to a temp folder."""
    if not SQUAD_DOCS.is_dir():
        pytest.skip("needs ../shared/datasets/squad2-open beside the checkout (as in CI)")
    return Path(shutil.copytree(SQUAD_DOCS, tmp_path / "corpus"))


@pytest.mark.slow
def test_sigkill_during_ingest_then_rerun_equals_an_uninterrupted_run(tmp_path):
    corpus = _corpus(tmp_path)
    clean, victim = tmp_path / "clean", tmp_path / "victim"
    assert run_rag("ingest", str(corpus), "--store", str(clean)).returncode == 0
    kills = 0
    for delay in (0.5, 2.0, 4.0, 6.0):  # seconds after the lock is taken: several points
        proc = subprocess.Popen(
            [RAG, "ingest", str(corpus), "--store", str(victim)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "RAG_INGEST_BATCH": "16"},  # many writes to land between
        )
        assert holds_lock(victim, proc), "the ingest never took its lock"
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills >= 3, "the ingest finished before it could be killed; use a larger corpus"
    final = run_rag("ingest", str(corpus), "--store", str(victim))
    assert final.returncode == 0, final.stderr  # the dead holder's lock did not go stale
    diff = compare(snapshot(Assistant(store=victim)), snapshot(Assistant(store=clean)))
    assert equal(diff), diff  # no duplicates, no orphans, same texts, vectors and manifest


def test_second_ingest_on_the_same_store_is_refused_clearly(tmp_path):
    corpus = _corpus(tmp_path)
    store = tmp_path / "store"
    first = subprocess.Popen(
        [RAG, "ingest", str(corpus), "--store", str(store)], stderr=subprocess.PIPE, text=True
    )
    assert holds_lock(store, first), "the ingest never took its lock"
    second = run_rag("ingest", str(SEEDS), "--store", str(store))
    assert second.returncode == 1
    assert "another ingest is writing to this store (pid" in second.stderr
    assert first.wait(timeout=600) == 0, first.stderr.read()
    again = run_rag("ingest", str(corpus), "--store", str(store), "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["unchanged"] == 46


def test_ask_from_8_threads_x_20_questions_none_mixed_up(seeded):
    assistant = Assistant(store=seeded.settings.store, llm="extractive")
    questions = [
        "Tell me about Steve Witkoff.",
        "Who is Sergei Markov?",
        "Where does Tatiana Stanovaya work?",
        "What did Putin convey to Witkoff?",
        "How did U.S. negotiators view the demand for four regions?",
        "What is the population of Kyiv?",
        "What does Putin want Ukraine to stop being?",
        "When did the Kremlin confirm the meeting?",
    ]
    expected = {q: assistant.ask(q).to_dict() for q in questions}
    jobs = [questions[i % len(questions)] for i in range(160)]

    def ask(question):
        return question, assistant.ask(question).to_dict()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(ask, jobs))
    assert len(results) == 160
    for question, got in results:
        assert got["question"] == question
        assert (got["answer"], got["citations"]) == (
            expected[question]["answer"],
            expected[question]["citations"],
        )


class _Faulty(http.server.BaseHTTPRequestHandler):
    """An OpenAI-style server that fails in the way its ``mode`` says."""

    mode = "500"
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        mode = type(self).mode
        if mode in {"429", "500", "401"}:
            body = json.dumps({"error": {"message": f"failing, key {PLANTED}"}}).encode()
            self.send_response(int(mode))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if mode == "slow":
            time.sleep(4)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        chunk = {
            "id": "x",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "delta": {"content": "Steve Witkoff is"}}],
        }
        if mode in {"midstream", "slow"}:
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
            self.close_connection = True
            return  # the stream stops without [DONE]
        self.wfile.write(b"data: [DONE]\n\n")  # "empty": no content at all

    def log_message(self, *args):
        pass


@pytest.fixture()
def faulty():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Faulty)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.mark.parametrize("mode", ["429", "500", "401", "slow", "midstream", "empty"])
def test_llm_faults_give_a_clear_fallback_within_the_timeout(seeded, faulty, mode):
    _Faulty.mode = mode
    assistant = Assistant(
        store=seeded.settings.store,
        llm="compatible",
        llm_base_url=f"http://127.0.0.1:{faulty.server_port}/v1",
        openai_api_key=PLANTED,
        llm_timeout=2,
        llm_retries=1,
    )
    session = assistant.chat()
    started = time.time()
    answer = session.ask("Tell me about Steve Witkoff.")
    assert time.time() - started < 2 * (2 + 1) + 5  # timeout x attempts + backoff, no hang
    assert answer.llm["provider"] == "extractive" and "language model failed" in answer.note
    assert "special envoy" in answer.answer and answer.citations
    assert PLANTED not in json.dumps(answer.to_dict())
    _Faulty.mode = "500"
    assert session.ask("Who is Sergei Markov?").citations  # the session goes on


def test_chroma_server_down_is_a_clear_error_and_a_restart_recovers(tmp_path):
    port, data = free_port(), tmp_path / "chroma"
    url = f"http://127.0.0.1:{port}"
    server = start_chroma(data, port)
    try:
        assistant = Assistant(chroma_url=url, llm="extractive")
        assistant.ingest([SEEDS])
        assert assistant.ask("Tell me about Steve Witkoff.").citations
        server.terminate()
        server.wait(timeout=30)
        with pytest.raises(RagError, match="check that it is running"):
            assistant.search("Tell me about Steve Witkoff.")
        cli = run_rag("search", "Witkoff", env={"RAG_CHROMA_URL": url})
        assert cli.returncode == 1 and "Traceback" not in cli.stderr
        assert "cannot reach the Chroma server" in cli.stderr
        server = start_chroma(data, port)
        assert assistant.search("Tell me about Steve Witkoff.")[0].text  # same object, recovered
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_repair_after_a_dead_writer_leaves_a_live_writers_chunks(tmp_path):
    """Two writers share a store (as on a Chroma server): one died mid-batch, the other is
    writing. The next ingest removes the dead one's half-written chunks only."""
    store = tmp_path / "store"
    Assistant(store=store).ingest([SEEDS])
    live, later = Assistant(store=store).store, Assistant(store=store).store
    vector = [1.0] + [0.0] * (live.dim - 1)

    def half_written(source: str) -> None:  # chunks stored, the file's record not yet
        meta = {"source": source, "sha256": "x", "title": "", "start": 0, "end": 4}
        live._chunks.add(
            ids=[f"{source}:0"], embeddings=[vector], documents=["text"], metadatas=[meta]
        )

    live.begin()
    live._claim(["live.txt"])
    half_written("live.txt")
    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid on this machine that no longer runs
    dead = {
        "pending": True,
        "host": socket.gethostname(),
        "pid": gone.pid,
        "since": "",
        "expires": time.time() + 600,
        "sources": json.dumps(["dead.txt"]),
    }
    live._files.upsert(ids=["__ingest_pending__:dead"], embeddings=[[0.0]], metadatas=[dead])
    half_written("dead.txt")
    before = later.count()
    later.begin()  # finds the dead mark: repairs
    assert later.count() == before - 1
    assert set(later.chunks(["live.txt:0", "dead.txt:0"])) == {"live.txt:0"}
    assert later.pending()  # the live writer's mark (and the later one's) stay
    later.finish()
    live.finish()
    assert not live.pending()


def test_three_writers_and_three_askers_on_one_chroma_server(tmp_path, chroma_server):
    """`rag ingest` of three folders at once into one collection while `rag search`
    runs: every file once, exactly the chunks one writer makes, no process fails."""
    corpus = _corpus(tmp_path)
    folders = [tmp_path / f"writer{i}" for i in range(3)]
    for i, path in enumerate(sorted(corpus.iterdir())):
        (folders[i % 3]).mkdir(exist_ok=True)
        shutil.copy(path, folders[i % 3])
    shared = {"RAG_CHROMA_URL": chroma_server, "RAG_COLLECTION": "writers3"}
    assert run_rag("ingest", str(SEEDS), env=shared).returncode == 0
    asked = [run_rag("search", "Steve Witkoff", "--json", env=shared)]
    before = json.loads(asked[0].stdout)["results"][0]["start"]
    writers = [
        subprocess.Popen(
            [RAG, "ingest", str(f)],
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **shared, "RAG_INGEST_BATCH": "16"},
        )
        for f in folders
    ]
    with ThreadPoolExecutor(3) as pool:
        while any(w.poll() is None for w in writers):
            asked += pool.map(
                lambda _: run_rag("search", "Steve Witkoff", "--json", env=shared), range(3)
            )
    assert [w.wait() for w in writers] == [0, 0, 0], [w.stderr.read() for w in writers]
    assert len(asked) > 3 and all(a.returncode == 0 for a in asked), asked[-1].stderr
    assert all(json.loads(a.stdout)["results"][0]["start"] == before for a in asked)
    alone = {"RAG_CHROMA_URL": chroma_server, "RAG_COLLECTION": "writer1"}
    for folder in [SEEDS, *folders]:
        assert run_rag("ingest", str(folder), env=alone).returncode == 0
    together = snapshot(Assistant(chroma_url=chroma_server, collection="writers3"))
    assert len(together["manifest"]) == 47  # the 46 files and the seed article
    diff = compare(together, snapshot(Assistant(chroma_url=chroma_server, collection="writer1")))
    assert equal(diff), diff


def test_hostile_documents_cannot_reach_the_terminal_or_forge_citations(tmp_path):
    store = str(tmp_path / "store")
    assert run_rag("ingest", str(ADVERSARIAL), "--store", store).returncode == 0
    shown = run_rag("search", "SYSTEM ALERT assistant HACKED", "--store", store)
    assert "HACKED" in shown.stdout and "\x1b" not in shown.stdout + shown.stderr
    asked = run_rag(
        "ask", "What does the facilities memo say about the cafeteria?", "--store", store,
        "--llm", "extractive", "--json",
    )  # fmt: skip
    answer = json.loads(asked.stdout)
    source = (ADVERSARIAL / "facilities_memo.md").read_text(encoding="utf-8")
    numbers = {c["n"] for c in answer["citations"]}
    assert all(n in numbers for s in answer["sentences"] for n in s["citations"])
    for c in answer["citations"]:  # "[3]" in the memo never becomes a citation of its own
        text = (ADVERSARIAL / Path(c["source"]).name).read_text(encoding="utf-8")
        assert text[c["start"] : c["end"]] == c["quote"]
    assert set(markers(answer["answer"])) <= numbers  # every [n] shown is a real citation
    assert "[3]" in source and answer["citations"]


def test_planted_api_key_never_leaks(tmp_path, faulty):
    _Faulty.mode = "401"
    env = {
        "OPENAI_API_KEY": PLANTED,
        "RAG_LLM_BASE_URL": f"http://127.0.0.1:{faulty.server_port}/v1",
        "RAG_LLM_TIMEOUT": "3",
        "RAG_LLM_RETRIES": "0",
    }
    store = tmp_path / "store"
    outputs = [run_rag("ingest", str(SEEDS), "--store", str(store), env=env)]
    outputs.append(run_rag("ask", "Tell me about Steve Witkoff.", "--store", str(store), env=env))
    outputs.append(
        run_rag("ask", "Tell me about Steve Witkoff.", "--store", str(store), "--json", env=env)
    )
    seed_set = ROOT / "evals" / "datasets" / "seed"
    outputs.append(
        run_rag(
            "eval",
            "--docs",
            str(seed_set / "docs"),
            "--questions",
            str(seed_set / "questions.jsonl"),
            "--limit",
            "3",
            "--out",
            str(tmp_path / "rep"),
            "--json",
            env=env,
        )  # fmt: skip
    )
    assert all(o.returncode == 0 for o in outputs), [o.stderr for o in outputs]
    assert "API key was rejected" in outputs[1].stderr  # the failure is reported...
    for o in outputs:  # ...but the key itself is nowhere
        assert PLANTED not in o.stdout + o.stderr
    for path in [*store.rglob("*"), *(tmp_path / "rep").rglob("*")]:
        if path.is_file():
            assert PLANTED.encode() not in path.read_bytes(), path
