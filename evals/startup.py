"""`rag bench --fresh`: what a person typing commands gets, timed from process start.

Every figure runs the installed `rag` command as a new process, as a user would. The
first token of `rag ask` is the moment the first answer text reaches the terminal: the
command writes to a pseudo-terminal, as it does for a person, so its streaming display
is what is timed. `rag ask` runs cold (``RAG_WARM_IDLE=0``: imports and model loads in
the command itself) and with the warm engine (rag/warm.py), for each model tier.
"""

import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.models.catalogue import models, record
from rag.settings import Settings
from rag_evals.data import load_questions

SEED = Path(__file__).parent / "datasets" / "seed"
_ESCAPE = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|[\x00-\x20\x7f]")


def _rag() -> str:
    return shutil.which("rag") or str(Path(sys.executable).parent / "rag")


def _wall(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def _on_terminal(args: list[str], env: dict) -> tuple[float, float]:
    """Seconds from process start to its first visible character, and to its exit."""
    master, slave = os.openpty()
    started = time.perf_counter()
    child = subprocess.Popen(
        args, env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.DEVNULL
    )
    os.close(slave)
    first = None
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if not ready:
            if child.poll() is not None:
                break
            continue
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed: the command is done
            break
        if not data:
            break
        if first is None and _ESCAPE.sub(b"", data):
            first = time.perf_counter() - started
    child.wait()
    total = time.perf_counter() - started
    os.close(master)
    if child.returncode:
        raise RuntimeError(f"{' '.join(args)} exited with {child.returncode}")
    return first if first is not None else total, total


def _p50(values: list[float]) -> float:
    return float(np.percentile(values, 50))


WARMUP = "Who is Steve Witkoff?"  # the call that starts the engine; not among the timed


def run_fresh(questions: int = 12, say=print) -> dict:
    """The figures of ``rag bench --fresh``, each a p50 over fresh processes.

    The questions are spread evenly over the seed set's single questions (answerable or
    not, written by the model or composed), so they mix the kinds a person asks."""
    rag = _rag()
    single = [q.question for q in load_questions(SEED / "questions.jsonl") if not q.conversation]
    asked = single[:: max(1, len(single) // questions)][:questions]
    with tempfile.TemporaryDirectory(prefix="rag-fresh-") as tmp:
        base = {**os.environ, "RAG_STORE": str(Path(tmp) / "store"), "COLUMNS": "100"}
        base["XDG_RUNTIME_DIR"] = str(Path(tmp) / "run")  # this benchmark's engines only
        Path(base["XDG_RUNTIME_DIR"]).mkdir(mode=0o700)
        subprocess.run(
            [rag, "ingest", str(SEED / "docs")], env=base, check=True, capture_output=True
        )
        say("rag --help")
        results: dict = {
            "questions": len(asked),
            "help_s": _p50([_wall([rag, "--help"], base) for _ in range(5)]),
        }
        say("rag search, warm engine")
        _wall([rag, "search", WARMUP], base)  # starts the engine
        results["search_s"] = _p50([_wall([rag, "search", q], base) for q in asked])
        subprocess.run([rag, "stop"], env=base, capture_output=True)
        results["tiers"] = {}
        for tier in models():
            env = {**base, "RAG_LOCAL_MODEL": tier}
            say(f"rag ask with {tier}: cold, then with the warm engine")
            cold = [_on_terminal([rag, "ask", q], {**env, "RAG_WARM_IDLE": "0"}) for q in asked]
            starting = _on_terminal([rag, "ask", WARMUP], env)
            warm = [_on_terminal([rag, "ask", q], env) for q in asked]
            subprocess.run([rag, "stop"], env=env, capture_output=True)
            figures = results["tiers"][tier] = {
                "cold_first_s": _p50([f for f, _ in cold]),
                "cold_total_s": _p50([t for _, t in cold]),
                "starting_engine_first_s": starting[0],
                "warm_first_s": _p50([f for f, _ in warm]),
                "warm_total_s": _p50([t for _, t in warm]),
                "second_call_first_s": warm[0][0],
            }
            shown = {"first_s": figures["warm_first_s"], "total_s": figures["warm_total_s"]}
            record(Settings.from_env().cache_dir, tier, shown)  # for `rag models`
    return results


def fresh_lines(r: dict) -> list[str]:
    lines = [
        f"| `rag --help` | {r['help_s']:.2f} s |",
        f"| fresh `rag search`, warm engine, p50 | {r['search_s']:.2f} s |",
    ]
    for tier, t in r["tiers"].items():
        lines += [
            f"| fresh `rag ask`, {tier}, cold: first text / whole, p50 | "
            f"{t['cold_first_s']:.1f} s / {t['cold_total_s']:.1f} s |",
            f"| fresh `rag ask`, {tier}, call that starts the engine: first text | "
            f"{t['starting_engine_first_s']:.1f} s |",
            f"| fresh `rag ask`, {tier}, warm engine: first text / whole, p50 | "
            f"{t['warm_first_s']:.1f} s / {t['warm_total_s']:.1f} s |",
            f"| fresh `rag ask`, {tier}, second call: first text | "
            f"{t['second_call_first_s']:.1f} s |",
        ]
    return lines
