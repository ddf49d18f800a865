"""Shared fixtures: the real embedding model, real Chroma stores in temp folders."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import rag  # noqa: F401  (applies the offline guards first)
from rag import Assistant

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeded(tmp_path_factory) -> Assistant:
    """One store with the seed article, shared by read-only tests."""
    assistant = Assistant(store=tmp_path_factory.mktemp("seeded") / "store")
    assistant.ingest([SEEDS])
    return assistant


@pytest.fixture()
def assistant(tmp_path) -> Assistant:
    return Assistant(store=tmp_path / "store")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_rag(
    *args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run the installed `rag` command as a user would."""
    exe = shutil.which("rag") or str(Path(sys.executable).parent / "rag")
    return subprocess.run(
        [exe, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real Chroma server on 127.0.0.1 (`chroma run`), stopped after the session."""
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)
