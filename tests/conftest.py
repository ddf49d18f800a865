"""Shared fixtures: the real embedding model, real Chroma stores in temp folders."""

import os
import subprocess
from pathlib import Path

import pytest

import rag  # noqa: F401  (applies the offline guards first)
from rag import Assistant
from rag_evals.durability import free_port, start_chroma
from rag_evals.durability import rag_command as rag_exe

# Commands answer in their own process unless a test asks for a warm engine (test_warm.py):
# engines left behind by hundreds of test commands would each hold a model for minutes.
os.environ["RAG_WARM_IDLE"] = "0"

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


def run_rag(
    *args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run the installed `rag` command as a user would."""
    return subprocess.run(
        [rag_exe(), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A Chroma server for the whole session, stopped after it."""
    port = free_port()
    proc = start_chroma(tmp_path_factory.mktemp("chroma-server"), port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)
