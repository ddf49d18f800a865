"""`rag models`, `rag models pull`, `--model`, and a GGUF from a loopback stand-in for the Hub."""

import dataclasses
import hashlib
import http.server
import json
import os
import re
import threading
import tomllib
from pathlib import Path

import pytest

from rag.errors import RagError
from rag.models.bundled import QWEN_05B, bundled_path
from rag.models.catalogue import models
from tests.conftest import ROOT, free_port, run_rag

MODELS = Path.home() / ".cache" / "rag" / "models"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def test_models_lists_tiers_installed_with_sizes():
    done = run_rag("models", "--json")
    assert done.returncode == 0, done.stderr
    rows = {r["name"]: r for r in json.loads(done.stdout)}
    assert rows.keys() == models().keys()
    assert rows["qwen-1.5b"]["selected"] and rows["qwen-1.5b"]["installed"]
    assert rows["qwen-0.5b"]["download_mb"] == 491
    text = run_rag("models", env={"RAG_LOCAL_MODEL": "qwen-0.5b"}).stdout
    assert re.search(r"\*\s+qwen-0\.5b", text) and "1,117 MB" in text


def test_pull_pins_match_the_project_and_a_pull_joins_the_parts():
    pins = {
        line.split("==")[0]: line.split("==")[1].split()[0]
        for tier in models().values()
        for line in tier.model.requirements.read_text().splitlines()
    }
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["small"]
    parts = {d.split("==")[0]: d.split("==")[1] for d in declared if "part" in d}
    assert pins == parts  # what `pull` installs is what `pip install` would
    done = run_rag("models", "pull", "qwen-0.5b")
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.split("ready: ")[1].strip())
    assert path.stat().st_size == QWEN_05B.size


def test_a_disk_too_small_for_the_join_is_named_and_nothing_is_left(tmp_path):
    huge = dataclasses.replace(QWEN_05B, size=1 << 60)  # more than any disk holds
    with pytest.raises(RagError, match="needs .* GB free"):
        bundled_path(huge, tmp_path)
    # A disk that fills mid-join: the partial file is /dev/full, which refuses every write.
    (tmp_path / f"{QWEN_05B.joined(tmp_path).stem}.{os.getpid()}.partial").symlink_to("/dev/full")
    with pytest.raises(RagError, match="could not join"):
        bundled_path(QWEN_05B, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_unknown_model_names_the_ones_that_exist(tmp_path):
    for args in (("models", "pull", "qwen-9b"), ("ask", "--model", "qwen-9b", "Who?")):
        done = run_rag(*args, "--store", str(tmp_path)) if args[0] == "ask" else run_rag(*args)
        assert done.returncode == 1
        assert "qwen-1.5b" in done.stderr and "Traceback" not in done.stderr
    bad = run_rag("models", "pull", "hf:only-a-repo")
    assert bad.returncode == 1 and "hf:owner/repo/file.gguf" in bad.stderr


class _Hub(http.server.BaseHTTPRequestHandler):
    """Serves one file the way the Hub's resolve endpoint does (HEAD, then GET)."""

    file: Path
    route = "/test-org/tiny-qwen/resolve/main/tiny.gguf"
    gets: list[str] = []

    def _headers(self) -> bool:
        if self.path != self.route:
            self.send_error(404)
            return False
        self.send_response(200)
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("ETag", '"' + "e" * 64 + '"')
        self.send_header("Content-Length", str(self.file.stat().st_size))
        self.end_headers()
        return True

    def do_HEAD(self):
        self._headers()

    def do_GET(self):
        if self._headers():
            self.gets.append(self.path)
            with self.file.open("rb") as f:
                while block := f.read(1 << 20):
                    self.wfile.write(block)

    def log_message(self, *args):
        pass


@pytest.fixture()
def hub(tmp_path):
    _Hub.file = bundled_path(QWEN_05B, MODELS)  # a real (small) GGUF
    _Hub.gets = []
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Hub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, {"HF_ENDPOINT": f"http://127.0.0.1:{port}", "HF_HOME": str(tmp_path / "hf")}
    server.shutdown()


def test_hub_model_is_pulled_then_answers_offline_from_its_cache(hub, seeded):
    server, env = hub
    ref = "hf:test-org/tiny-qwen/tiny.gguf@main"
    pulled = run_rag("models", "pull", ref, env=env)
    assert pulled.returncode == 0, pulled.stderr
    assert _Hub.gets == [_Hub.route]
    server.shutdown()  # from now on the "Hub" is gone: the cache must do
    store = str(seeded.settings.store)
    done = run_rag(
        "ask", "--model", ref, "--json", "Tell me about Steve Witkoff.", "--store", store, env=env
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["llm"] == {"provider": "local", "model": "tiny"}
    assert not answer["abstained"] and "envoy" in answer["answer"].lower()


def test_hub_model_with_wrong_sha256_is_refused(hub):
    _, env = hub
    digest = hashlib.sha256(b"something else").hexdigest()
    done = run_rag(
        "models", "pull", f"hf:test-org/tiny-qwen/tiny.gguf@main#sha256={digest}", env=env
    )
    assert done.returncode == 1 and "sha256" in done.stderr and "Traceback" not in done.stderr
