"""The warm engine (rag/warm.py): reused between commands, never needed, never stale."""

import http.server
import json
import os
import re
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from tests.conftest import SEEDS, rag_exe, run_rag
from tests.fakes import write_chat_stream

QUESTION = "Tell me about Steve Witkoff."


class _SlowModel(http.server.BaseHTTPRequestHandler):
    """An OpenAI-compatible model on 127.0.0.1 that writes one true sentence slowly."""

    protocol_version = "HTTP/1.1"
    asked = threading.Semaphore(0)

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        prompt = body["messages"][-1]["content"]
        numbered = re.findall(r"^\[(\d+)\] (.*)$", prompt, re.MULTILINE)
        n = next((k for k, text in numbered if "special envoy" in text), "1")
        text = f"Steve Witkoff is Mr. Trump's special envoy [{n}]."
        self.asked.release()
        write_chat_stream(self, text, step=6, delay=0.25)

    def log_message(self, *args):
        pass


@pytest.fixture()
def env(tmp_path, monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowModel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        "RAG_STORE": str(tmp_path / "store"),
        "RAG_LLM_BASE_URL": f"http://127.0.0.1:{server.server_port}/v1",
        "RAG_ANSWERABLE_THRESHOLD": "0",  # no local model: the engine starts in seconds
        "RAG_VERIFIER": "overlap",
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),  # this test's engines only
    }
    (tmp_path / "run").mkdir(mode=0o700)
    # Commands run beside a rag/ folder that is not the installed package (a checkout):
    # the engine must import the installed one, as the command does.
    decoy = tmp_path / "rag"
    decoy.mkdir()
    (decoy / "__init__.py").write_text("raise SystemExit('the wrong rag was imported')\n")
    monkeypatch.chdir(tmp_path)
    assert run_rag("ingest", str(SEEDS), env=env).returncode == 0
    yield {**env, "RAG_WARM_IDLE": "120"}
    run_rag("stop", env=env)
    server.shutdown()


def _engines(env) -> list[int]:
    run = Path(env["XDG_RUNTIME_DIR"]) / "rag"
    return [int(p.read_text()) for p in run.glob("*.lock") if p.read_text().strip()]


def _ask(env) -> dict:
    done = run_rag("ask", "--json", QUESTION, env=env)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert not answer["abstained"] and "special envoy" in answer["answer"]
    return {"answer": answer, "stderr": done.stderr}


def test_second_command_reuses_the_engine_and_a_killed_one_is_replaced(env):
    first = _ask(env)
    assert "starting the warm engine" in first["stderr"]
    (pid,) = _engines(env)
    again = _ask(env)
    assert "starting" not in again["stderr"] and _engines(env) == [pid]
    assert again["answer"]["answer"] == first["answer"]["answer"]

    # kill -9 the engine while it is answering: the command answers on its own, and says so
    child = subprocess.Popen(
        [rag_exe(), "ask", "--json", QUESTION],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(3):  # drain the two earlier requests' marks, then wait for this one
        _SlowModel.asked.acquire(timeout=60)
    os.kill(pid, signal.SIGKILL)
    stdout, stderr = child.communicate(timeout=120)
    assert child.returncode == 0, stderr
    assert "stopped mid-answer; answering in this process" in stderr
    assert "special envoy" in json.loads(stdout)["answer"]

    # its socket is left behind, dead: the next command starts a fresh engine
    after = _ask(env)
    assert "starting the warm engine" in after["stderr"]
    assert _engines(env) and _engines(env) != [pid]


def test_an_ingest_is_seen_and_each_store_has_its_own_engine(env, tmp_path):
    note = tmp_path / "notes" / "heron.txt"
    note.parent.mkdir()
    note.write_text("The grey heron of Loch Fyne nests in March, in tall pines.\n")
    found = run_rag("search", "--json", "Where does the grey heron nest?", env=env)
    assert found.returncode == 0, found.stderr
    sources = {r["source"] for r in json.loads(found.stdout)["results"]}
    assert str(note.resolve()) not in sources  # not ingested yet; the engine is now warm
    assert run_rag("ingest", str(note.parent), env=env).returncode == 0
    found = run_rag("search", "--json", "Where does the grey heron nest?", env=env)
    assert json.loads(found.stdout)["results"][0]["source"] == str(note.resolve())

    other = {**env, "RAG_STORE": str(tmp_path / "other")}
    assert run_rag("ingest", str(note.parent), env=other).returncode == 0
    assert run_rag("search", "--json", "heron", env=other).returncode == 0
    assert len(_engines(env)) == 2
    stopped = run_rag("stop", env=env)
    assert "stopped 2" in stopped.stdout
    assert not list((Path(env["XDG_RUNTIME_DIR"]) / "rag").glob("*.sock"))
