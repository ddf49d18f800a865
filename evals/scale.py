"""`rag bench --scale 10000,30000,100000`: how ingest, memory, search and answers grow
with the collection.

The collection is made of real text: the paragraphs of Python's documentation (the
corpus of `rag bench`), dealt into plain-text files of twelve paragraphs each by a fixed
random draw until the chunker says the folder holds N chunks. Each size adds files to
the folder of the size before and ingests it into the same store, so an ingest figure is
of the chunks added (an unchanged re-ingest is set against the ingest of all of them).
Every step runs in its own process, whose own high-water mark is its peak memory:
ingest, an unchanged re-ingest, the first open (which builds the keyword index), a warm
open, `rag status`, search latency per mode, and verified answers with the default
model over the answerable questions of the python-docs set.
"""

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.assistant import Assistant
from rag.errors import SkipFile
from rag.ingest.chunk import Chunker
from rag.ingest.load import find_files, load
from rag.models.catalogue import DEFAULT
from rag.settings import Settings
from rag_evals.bench import _machine, _measured, corpus, machine_line
from rag_evals.data import load_questions
from rag_evals.report import saved

PARAGRAPHS_PER_FILE = 12
QUERIES = 60  # search latency: the opening words of this many paragraphs
ANSWERS = 6  # verified answers timed at each size
PYTHON_DOCS = Path(__file__).parent / "datasets" / "python-docs" / "questions.jsonl"


def paragraphs(source: Path) -> list[str]:
    """Every paragraph of 80 characters or more of the corpus, in file order."""
    found: list[str] = []
    for path in sorted(find_files([source])[0]):
        try:
            text = load(path).text
        except SkipFile:
            continue
        found += [p.strip() for p in text.split("\n\n") if len(p.strip()) >= 80]
    return found


class Collection:
    """A folder of generated files that grows to a number of chunks."""

    def __init__(self, folder: Path, pool: list[str], chunker: Chunker) -> None:
        self.folder, self.pool, self.chunker = folder, pool, chunker
        self.files = self.chunks = 0
        self.rng = np.random.default_rng(0)
        folder.mkdir(parents=True, exist_ok=True)

    def grow_to(self, chunks: int) -> None:
        while self.chunks < chunks:
            picked = self.rng.choice(len(self.pool), PARAGRAPHS_PER_FILE, replace=False)
            text = "\n\n".join(self.pool[i] for i in picked) + "\n"
            name = self.folder / f"{self.files // 1000:03d}" / f"doc{self.files:06d}.txt"
            name.parent.mkdir(exist_ok=True)
            name.write_text(text, encoding="utf-8")
            self.files += 1
            self.chunks += len(self.chunker.split(text))


def _child(step: str, *args: str) -> tuple[dict, float]:
    """Run one step in its own process: its JSON result and its peak RSS in MB."""
    out, peak = _measured([sys.executable, "-m", "rag_evals.scale", step, *args])
    return json.loads(out.strip().splitlines()[-1]), peak  # its last line is the result


def _ingest(folder: str, store: str) -> dict:
    assistant = Assistant(store=store, llm="extractive")
    embedder = assistant.embedder
    started = time.perf_counter()
    report = assistant.ingest([Path(folder)])
    return {
        "seconds": time.perf_counter() - started,
        "new_chunks": report.chunks,
        "forward_seconds": embedder.forward_seconds,
        "chunks": assistant.status()["chunks"],
    }


def _open(store: str) -> dict:
    """A new process's first search: the engine started and the keyword index ready."""
    started = time.perf_counter()
    Assistant(store=store, llm="extractive").search("How do I open a file?")
    return {"seconds": time.perf_counter() - started}


def _search(store: str, queries_file: str) -> dict:
    queries = json.loads(Path(queries_file).read_text())
    assistant = Assistant(store=store, llm="extractive")
    assistant.search(queries[0])  # the engine and the index, as a session has them
    out = {}
    for mode in ("dense", "bm25", "hybrid"):
        times = []
        for q in queries:
            started = time.perf_counter()
            assistant.search(q, mode=mode)
            times.append((time.perf_counter() - started) * 1000)
        out[mode] = {
            "p50_ms": float(np.percentile(times, 50)),
            "p95_ms": float(np.percentile(times, 95)),
        }
    return out


def _answer(store: str, model: str) -> dict:
    questions = [q.question for q in load_questions(PYTHON_DOCS) if q.answerable][:ANSWERS]
    assistant = Assistant(store=store, llm="local", local_model=model or None)
    assistant.ask(questions[0])  # loads the models; not counted
    times = []
    for q in questions:
        started = time.perf_counter()
        assistant.ask(q)
        times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": float(np.percentile(times, 50)), "questions": len(times)}


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def _status_seconds(store: Path) -> float:
    rag = str(Path(sys.executable).parent / "rag")
    started = time.perf_counter()
    subprocess.run([rag, "status", "--store", str(store)], capture_output=True, check=True)
    return time.perf_counter() - started


def run_scale(
    out: Path | None, sizes: tuple[int, ...], model: str | None = None, say=print
) -> dict:
    """Every size in turn (ascending); returns the figures and writes the report."""
    settings = Settings.from_env()
    source = corpus(settings.cache_dir / "bench", say)
    pool = paragraphs(source)
    say(f"corpus: {len(pool)} paragraphs of {source}")
    results: dict = {
        "machine": _machine(),
        "corpus": str(source),
        "model": model or DEFAULT,
        "points": [],
    }
    with tempfile.TemporaryDirectory(prefix="rag-scale-") as tmp:
        work = Path(tmp)
        store = work / "store"
        collection = Collection(
            work / "docs", pool, Chunker(settings.chunk_tokens, settings.chunk_overlap)
        )
        rng = np.random.default_rng(1)
        queries = [" ".join(pool[i].split()[:8]) for i in rng.choice(len(pool), QUERIES)]
        (work / "queries.json").write_text(json.dumps(queries))
        cold = 0.0  # the ingest of every chunk so far, one size's added chunks at a time
        for n in sorted(sizes):
            collection.grow_to(n)
            say(f"{n:,} chunks: {collection.files:,} files; ingesting")
            ingest, ingest_rss = _child("--ingest", str(collection.folder), str(store))
            say(f"{n:,}: re-ingest unchanged, first and warm open, status, search, answers")
            again, _ = _child("--ingest", str(collection.folder), str(store))
            first, _ = _child("--open", str(store))
            warm, _ = _child("--open", str(store))
            search, _ = _child("--search", str(store), str(work / "queries.json"))
            answer, answer_rss = _child("--answer", str(store), model or "")
            cold += ingest["seconds"]
            results["points"].append(
                {
                    "target": n,
                    "chunks": ingest["chunks"],
                    "files": collection.files,
                    "ingest_chunks_per_s": ingest["new_chunks"] / ingest["seconds"],
                    "ingest_forward_share": ingest["forward_seconds"] / ingest["seconds"],
                    "ingest_rss_mb": ingest_rss,
                    "unchanged_reingest_s": again["seconds"],
                    "unchanged_share": again["seconds"] / cold,
                    "store_mb": _size_mb(store),
                    "first_open_s": first["seconds"],
                    "warm_open_s": warm["seconds"],
                    "status_s": _status_seconds(store),
                    "search": search,
                    "answer_p50_ms": answer["p50_ms"],
                    "answer_rss_mb": answer_rss,
                }
            )
        shutil.rmtree(work / "docs", ignore_errors=True)
    if out:
        write(results, out)
    return results


def markdown(results: dict) -> str:
    lines = [
        "# Scale benchmark",
        "",
        f"Machine: {machine_line(results['machine'])}. Text: paragraphs of {results['corpus']} "
        f"(each drawn many times at the larger sizes). Answers: {results['model']}.",
        "",
        "| chunks | files | ingest chunks/s | forward share | ingest RSS MB | "
        "unchanged re-ingest | store MB | first open s | warm open s | status s | "
        "search p50/p95 ms dense, bm25, hybrid | answer p50 s | answering RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in results["points"]:
        s = p["search"]
        searches = ", ".join(
            f"{s[m]['p50_ms']:.0f}/{s[m]['p95_ms']:.0f}" for m in ("dense", "bm25", "hybrid")
        )
        lines.append(
            f"| {p['chunks']:,} | {p['files']:,} | {p['ingest_chunks_per_s']:.0f} | "
            f"{p['ingest_forward_share']:.2f} | {p['ingest_rss_mb']:.0f} | "
            f"{p['unchanged_reingest_s']:.1f} s ({100 * p['unchanged_share']:.1f}%) | "
            f"{p['store_mb']:.0f} | {p['first_open_s']:.1f} | {p['warm_open_s']:.1f} | "
            f"{p['status_s']:.1f} | {searches} | {p['answer_p50_ms'] / 1000:.1f} | "
            f"{p['answer_rss_mb']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def write(results: dict, out: Path) -> None:
    """scale.json, scale.md and, with matplotlib, scale.png (each figure against N)."""
    plt = saved(out, "scale", results, markdown(results))
    if plt is None:
        return
    points = results["points"]
    n = [p["chunks"] for p in points]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    axes[0].plot(n, [p["search"]["hybrid"]["p95_ms"] for p in points], "o-", label="hybrid p95")
    axes[0].plot(n, [p["search"]["bm25"]["p95_ms"] for p in points], "o--", label="BM25 p95")
    axes[0].plot(n, [p["search"]["dense"]["p95_ms"] for p in points], "o:", label="dense p95")
    axes[0].set_ylabel("search ms")
    axes[1].plot(n, [p["ingest_rss_mb"] for p in points], "s-", label="ingest")
    axes[1].plot(n, [p["answer_rss_mb"] for p in points], "s--", label="answering")
    axes[1].set_ylabel("peak RSS MB")
    axes[2].plot(n, [p["warm_open_s"] for p in points], "^-", label="warm open")
    axes[2].plot(n, [p["answer_p50_ms"] / 1000 for p in points], "^--", label="answer p50")
    axes[2].set_ylabel("seconds")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("chunks")
        ax.legend()
    fig.tight_layout()
    fig.savefig(out / "scale.png", dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    steps = {"--ingest": _ingest, "--open": _open, "--search": _search, "--answer": _answer}
    print(json.dumps(steps[sys.argv[1]](*sys.argv[2:])))
