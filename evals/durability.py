"""`rag bench --kills N` and `rag bench --server N`: nothing lost, nothing twice.

``--kills``: an ingest of N chunks killed with SIGKILL at random points (a power cut as
the store sees it), resumed each time, must end with exactly the chunks, texts,
metadata, vectors and manifest of an ingest never interrupted.

``--server``: a Chroma server (``chroma run``, started here) takes three ``rag ingest``
processes writing different folders into one collection at once while three processes
ask questions about a document already stored; every file must then be present once,
with exactly the chunks a single writer makes, and no process may fail.

The text is the scale benchmark's (rag_evals.scale): paragraphs of Python's
documentation dealt into files.
"""

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.assistant import Assistant
from rag.errors import RagError
from rag.index.store import _get_all
from rag.ingest.chunk import Chunker
from rag.settings import Settings
from rag_evals.bench import _machine, corpus, machine_line
from rag_evals.data import load_questions
from rag_evals.report import saved
from rag_evals.scale import Collection, paragraphs

SEED = Path(__file__).parent / "datasets" / "seed"
ASKED = 4  # seed questions each asker repeats while the writers write


def rag_command() -> str:
    return shutil.which("rag") or str(Path(sys.executable).parent / "rag")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma(path: Path, port: int) -> subprocess.Popen:
    """A real Chroma server (`chroma run`) on 127.0.0.1:port, once it accepts connections."""
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RagError("the Chroma server did not start within 60 s")


def snapshot(assistant: Assistant) -> dict:
    """Everything a store holds, in id order: chunk ids, texts, metadata, vectors, and
    the manifest (file and hash)."""
    store = assistant.store
    got = _get_all(store._chunks, ["documents", "metadatas", "embeddings"])
    order = np.argsort(got["ids"])
    return {
        "ids": [got["ids"][i] for i in order],
        "docs": [(got["documents"][i], got["metadatas"][i]) for i in order],
        "vectors": np.asarray(got["embeddings"])[order],
        "manifest": {k: v.sha256 for k, v in store.manifest().items()},
    }


def compare(got: dict, want: dict) -> dict:
    """How a store's snapshot differs from a clean run's (all zero / True when equal)."""
    ids, want_ids = got["ids"], want["ids"]
    same_ids = ids == want_ids
    return {
        "chunks": len(ids),
        "clean_chunks": len(want_ids),
        "duplicates": len(ids) - len(set(ids)),
        "missing": len(set(want_ids) - set(ids)),
        "extra": len(set(ids) - set(want_ids)),
        "same_texts_and_metadata": same_ids and got["docs"] == want["docs"],
        "same_manifest": got["manifest"] == want["manifest"],
        "max_vector_difference": (
            float(np.abs(got["vectors"] - want["vectors"]).max()) if same_ids and ids else None
        ),
    }


def equal(diff: dict) -> bool:
    """The store holds exactly the clean run's chunk set (vectors within float noise)."""
    return (
        diff["duplicates"] == diff["missing"] == diff["extra"] == 0
        and diff["same_texts_and_metadata"]
        and diff["same_manifest"]
        and (diff["max_vector_difference"] or 0.0) < 1e-4
    )


def _collection(folder: Path, chunks: int, say) -> Collection:
    settings = Settings.from_env()
    pool = paragraphs(corpus(settings.cache_dir / "bench", say))
    collection = Collection(folder, pool, Chunker(settings.chunk_tokens, settings.chunk_overlap))
    collection.grow_to(chunks)
    return collection


def _ingested(folder: Path, env: dict[str, str], what: str) -> None:
    """Ingest ``folder`` to its end; a failure stops the benchmark, saying ``what`` failed."""
    run = _ingest(folder, env)
    if run.wait():
        raise RagError(f"{what} failed: {run.stderr.read().strip()}")


def _ingest(folder: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [rag_command(), "ingest", str(folder), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def holds_lock(store: Path, proc: subprocess.Popen, timeout: float = 60) -> bool:
    """Wait until the ingest ``proc`` holds ``store``'s lock (its start-up is no point to
    kill); False if it ended or ``timeout`` passed first."""
    lock, deadline = store / "ingest.lock", time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        if lock.exists() and lock.read_text().startswith("pid"):
            return True
        time.sleep(0.05)
    return False


def _stored_chunks(store: Path) -> int:
    """Read by `rag status` in a process of its own: Chroma keeps one client per folder
    per process, and this one must not hold a view of the store from before a write."""
    status = subprocess.run(
        [rag_command(), "status", "--json", "--store", str(store)], capture_output=True, text=True
    )
    return json.loads(status.stdout)["chunks"] if status.returncode == 0 else 0


def run_kills(out: Path | None, chunks: int, kills: int = 5, say=print) -> dict:
    """Kill an ingest ``kills`` times at random points, resume, compare with a clean run."""
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory(prefix="rag-kills-") as tmp:
        work = Path(tmp)
        collection = _collection(work / "docs", chunks, say)
        say(f"{collection.chunks:,} chunks in {collection.files:,} files; clean ingest")
        clean, victim = work / "clean", work / "victim"
        started = time.perf_counter()
        _ingested(collection.folder, {"RAG_STORE": str(clean)}, "the clean ingest")
        clean_s = time.perf_counter() - started
        points = []
        while len(points) < kills:
            proc = _ingest(collection.folder, {"RAG_STORE": str(victim)})
            holds_lock(victim, proc)
            delay = float(rng.uniform(0.5, max(1.0, 0.8 * clean_s / kills)))
            time.sleep(delay)
            if proc.poll() is not None:  # it finished first: nothing left to kill
                break
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            stored = _stored_chunks(victim)
            points.append({"after_s": round(delay, 1), "chunks_stored": stored})
            say(f"kill {len(points)} after {delay:.1f} s: {stored:,} chunks stored")
        started = time.perf_counter()
        _ingested(collection.folder, {"RAG_STORE": str(victim)}, "the resumed ingest")
        resumed_s = time.perf_counter() - started
        diff = compare(
            snapshot(Assistant(store=victim, llm="extractive")),
            snapshot(Assistant(store=clean, llm="extractive")),
        )
    results = {
        "machine": _machine(),
        "target_chunks": chunks,
        "files": collection.files,
        "clean_ingest_s": clean_s,
        "kills": points,
        "last_resume_s": resumed_s,
        "difference": diff,
        "exactly_the_clean_chunk_set": equal(diff),
    }
    if out:
        saved(out, "kills", results, kills_markdown(results))
    return results


def kills_markdown(results: dict) -> str:
    d = results["difference"]
    points = ", ".join(f"{p['after_s']} s ({p['chunks_stored']:,})" for p in results["kills"])
    rows = [
        ("collection", f"{d['clean_chunks']:,} chunks in {results['files']:,} files"),
        ("clean ingest", f"{results['clean_ingest_s']:.0f} s"),
        ("SIGKILLs: seconds after each run took the lock (chunks stored then)", points),
        ("last resumed run", f"{results['last_resume_s']:.0f} s"),
        ("chunks after resuming / clean", f"{d['chunks']:,} / {d['clean_chunks']:,}"),
    ]
    verdict = ("exactly the clean run's chunk set", results["exactly_the_clean_chunk_set"])
    return _report("Killed ingests", results, rows, "", verdict)


def server_markdown(results: dict) -> str:
    d = results["difference"]
    rows = [
        ("collection", f"{d['chunks']:,} chunks in {results['files']:,} files and the seed"),
        (
            f"{results['writers']} writers at once, until the last finished",
            f"{results['writers_s']:.0f} s",
        ),
        (
            f"answers by {results['askers']} askers meanwhile (p50)",
            f"{results['answers']} ({results['answer_p50_s'] or 0:.1f} s)",
        ),
        ("answers unlike the answer given with nobody writing", results["answers_changed"]),
        ("errors", len(results["errors"])),
    ]
    verdict = ("exactly one writer's chunk set", results["exactly_the_single_writer_chunk_set"])
    return _report(
        "Several writers and askers on one Chroma server",
        results,
        rows,
        " against one writer",
        verdict,
    )


def _report(title: str, results: dict, rows: list, against: str, verdict: tuple) -> str:
    """A benchmark's Markdown: its own rows, then how its store differs from the
    reference run's, then the verdict."""
    d = results["difference"]
    rows = [
        *rows,
        (
            f"duplicates, missing, extra{against}",
            f"{d['duplicates']}, {d['missing']}, {d['extra']}",
        ),
        (
            "same texts and metadata, same manifest",
            f"{d['same_texts_and_metadata']}, {d['same_manifest']}",
        ),
        ("largest vector difference", d["max_vector_difference"]),
        (f"**{verdict[0]}**", f"**{verdict[1]}**"),
    ]
    return "\n".join(
        [
            f"# {title}",
            "",
            f"Machine: {machine_line(results['machine'])}.",
            "",
            "| figure | value |",
            "|---|---|",
            *(f"| {name} | {value} |" for name, value in rows),
            "",
        ]
    )


def _asker(url: str, collection: str, stop: str, log: str) -> None:
    """Ask the seed questions round after round until ``stop`` exists at the end of one;
    a JSON line per answer."""
    questions = [q.question for q in load_questions(SEED / "questions.jsonl") if q.answerable]
    assistant = Assistant(chroma_url=url, collection=collection, llm="local")
    with open(log, "a", encoding="utf-8") as lines:
        while True:
            for question in questions[:ASKED]:
                started = time.perf_counter()
                try:
                    answer, error = assistant.ask(question), ""
                    cited = [(c.source, c.start, c.end) for c in answer.citations]
                    text = f"{answer.answer} {cited}"
                except Exception as exc:  # noqa: BLE001  (counted, never hidden)
                    text, error = "", f"{type(exc).__name__}: {exc}"
                record = {"question": question, "answer": text, "error": error}
                record["seconds"] = time.perf_counter() - started
                lines.write(json.dumps(record) + "\n")
                lines.flush()
            if Path(stop).exists():
                return


def _asked(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def run_server(out: Path | None, chunks: int, writers: int = 3, askers: int = 3, say=print) -> dict:
    """Writers and askers at once against one Chroma server; then the collection is
    compared with the same folders written by one writer into another collection."""
    with tempfile.TemporaryDirectory(prefix="rag-server-") as tmp:
        work = Path(tmp)
        collection = _collection(work / "docs", chunks, say)
        files = sorted(collection.folder.rglob("*.txt"))
        folders = [work / f"writer{i}" for i in range(writers)]
        for i, path in enumerate(files):  # dealt out: every writer gets every kind of file
            target = folders[i % writers] / path.relative_to(collection.folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.rename(target)
        port = free_port()
        server = start_chroma(work / "chroma", port)
        url = f"http://127.0.0.1:{port}"
        env = {"RAG_CHROMA_URL": url, "RAG_COLLECTION": "shared", "RAG_WARM_IDLE": "0"}
        try:
            _ingested(SEED / "docs", env, "ingesting the seed")
            say("reference answers, nobody writing")
            stop = work / "stop"
            stop.touch()
            child = [sys.executable, "-m", "rag_evals.durability", "--ask", url, "shared"]
            subprocess.run([*child, str(stop), str(work / "reference.jsonl")], check=True)
            reference = {r["question"]: r["answer"] for r in _asked(work / "reference.jsonl")}
            stop.unlink()
            say(f"{writers} writers ({collection.chunks:,} chunks) and {askers} askers at once")
            started = time.perf_counter()
            asking = [
                subprocess.Popen(
                    [*child, str(stop), str(work / f"asker{i}.jsonl")],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for i in range(askers)
            ]
            writing = [_ingest(folder, env) for folder in folders]
            written = [(w.wait(), w.stdout.read(), w.stderr.read()) for w in writing]
            writers_s = time.perf_counter() - started
            stop.touch()
            asked_rc = [(a.wait(), a.stderr.read()) for a in asking]
            say("the same folders by one writer into another collection")
            alone = {**env, "RAG_COLLECTION": "alone"}
            for folder in [SEED / "docs", *folders]:
                _ingested(folder, alone, "the single writer")
            diff = compare(
                snapshot(Assistant(chroma_url=url, collection="shared", llm="extractive")),
                snapshot(Assistant(chroma_url=url, collection="alone", llm="extractive")),
            )
            answers = [r for i in range(askers) for r in _asked(work / f"asker{i}.jsonl")]
        finally:
            server.terminate()
            server.wait(timeout=60)
    errors = [e.strip() for rc, _, e in written if rc] + [e.strip() for rc, e in asked_rc if rc]
    errors += [r["error"] for r in answers if r["error"]]
    results = {
        "machine": _machine(),
        "target_chunks": chunks,
        "files": collection.files,
        "writers": writers,
        "askers": askers,
        "writers_s": writers_s,
        "writer_reports": [json.loads(o) if not rc else None for rc, o, _ in written],
        "answers": len(answers),
        "answers_changed": sum(
            1 for r in answers if not r["error"] and r["answer"] != reference.get(r["question"])
        ),
        "answer_p50_s": statistics.median(r["seconds"] for r in answers) if answers else None,
        "errors": errors,
        "difference": diff,
        "exactly_the_single_writer_chunk_set": equal(diff),
    }
    if out:
        saved(out, "server", results, server_markdown(results))
    return results


if __name__ == "__main__":
    if sys.argv[1] == "--ask":
        _asker(*sys.argv[2:6])
