"""`rag bench`: ingestion, retrieval and answer speed on a real corpus, beside llama-index.

The corpus is the Python 3.11 documentation from Debian's ``python3.11-doc`` package
(HTML, PSF license): used from /usr/share/doc/python3.11/html when installed, otherwise
fetched once with ``apt-get download`` and unpacked into the cache folder. A fixed
subset (files in name order up to ``mb`` megabytes of text) keeps runs comparable.
Every figure is a median over ``repeats`` runs with its min and max.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.answer.pipeline import Answer
from rag.assistant import Assistant
from rag.errors import RagError
from rag.ingest.load import SkipFile, find_files, load
from rag.models.catalogue import DEFAULT
from rag_evals.data import load_questions
from rag_evals.report import saved

INSTALLED = Path("/usr/share/doc/python3.11/html")
SEED_QUESTIONS = Path(__file__).parent / "datasets" / "seed" / "questions.jsonl"


def corpus(cache: Path, say=print) -> Path:
    """The documentation folder, installed or unpacked from the Debian package."""
    if INSTALLED.is_dir():
        say(f"corpus: installed python3.11-doc at {INSTALLED}")
        return INSTALLED
    target = cache / "python3.11-doc" / "usr" / "share" / "doc" / "python3.11" / "html"
    if not target.is_dir():
        work = cache / "python3.11-doc"
        work.mkdir(parents=True, exist_ok=True)
        say("corpus: fetching Debian's python3.11-doc with apt-get download")
        try:
            subprocess.run(["apt-get", "download", "python3.11-doc"], cwd=work, check=True)
            deb = next(work.glob("python3.11-doc_*.deb"))
            subprocess.run(["dpkg", "-x", str(deb), str(work)], check=True)
        except (OSError, subprocess.CalledProcessError, StopIteration) as exc:
            raise RagError(f"cannot get python3.11-doc (apt-get download): {exc}") from None
    say(f"corpus: python3.11-doc unpacked at {target}")
    return target


def subset(source: Path, mb: float, into: Path) -> tuple[list[Path], float]:
    """Copy files in name order until ``mb`` MB of text; return them and the text MB."""
    files, _ = find_files([source])
    picked, text_mb = [], 0.0
    for f in sorted(files):
        try:
            size = len(load(f).text) / 1e6
        except SkipFile:
            continue
        dest = into / f.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, dest)
        picked.append(dest)
        text_mb += size
        if text_mb >= mb:
            break
    return picked, text_mb


def spread(values: list[float]) -> dict[str, float]:
    return {"median": float(np.median(values)), "min": min(values), "max": max(values)}


def _ours_cold(folder: Path, store: Path) -> dict:
    assistant = Assistant(store=store, llm="extractive")
    embedder = assistant.embedder
    started = time.perf_counter()
    report = assistant.ingest([folder])
    wall = time.perf_counter() - started
    return {"seconds": wall, "chunks": report.chunks, "forward": embedder.forward_seconds}


# The plain llama-index pipeline, three ways. "plain" wraps one ONNX file the way a
# plain pipeline would (evals/plain_embed.py); "our embedder" hands llama-index the very
# object ours uses, so that only chunking and storing differ.
BASELINES = {
    "plain_shipped": "llama-index, plain, shipped fp32 model",
    "plain_int8": "llama-index, plain, our int8 build",
    "our_embedder": "llama-index, our embedder object",
}


def _baseline_embedder(kind: str):
    from rag.index.embed import make_embedder
    from rag.settings import Settings
    from rag_evals.plain_embed import PlainOnnxEmbedding

    if kind == "our_embedder":
        return make_embedder(Settings.from_env())
    setting = "minilm-fp32" if kind == "plain_shipped" else "minilm"
    return PlainOnnxEmbedding(make_embedder(Settings.from_env(embed_model=setting)).model_file)


def _llama_index_cold(
    files: list[Path], store: Path, chunk_tokens: int, overlap: int, kind: str
) -> dict:
    """Plain llama-index: documents -> SentenceSplitter -> the ``kind`` embedder -> Chroma."""
    import chromadb
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.vector_stores.chroma import ChromaVectorStore

    embedder = _baseline_embedder(kind)
    client = chromadb.PersistentClient(
        path=str(store), settings=chromadb.config.Settings(anonymized_telemetry=False)
    )
    collection = client.get_or_create_collection("baseline")
    started = time.perf_counter()
    # Same text as ours (HTML without markup), so that only chunk/embed/store differ.
    documents = [Document(text=load(f).text, metadata={"file_name": f.name}) for f in files]
    index = VectorStoreIndex.from_documents(
        documents,
        storage_context=StorageContext.from_defaults(
            vector_store=ChromaVectorStore(chroma_collection=collection)
        ),
        embed_model=embedder,
        transformations=[SentenceSplitter(chunk_size=chunk_tokens, chunk_overlap=overlap)],
    )
    wall = time.perf_counter() - started
    del index
    return {"seconds": wall, "chunks": collection.count(), "forward": embedder.forward_seconds}


def _model_speed(store: Path, repeats: int) -> dict:
    """Forward-pass speed of the int8 build against the shipped fp32 model, same chunks."""
    from rag.index.embed import make_embedder
    from rag.settings import Settings

    chunks = [c.text for c in Assistant(store=store, llm="extractive").store.all_chunks()[:512]]
    speeds = {}
    for name, setting in (("fp32", "minilm-fp32"), ("int8", "minilm")):
        model = make_embedder(Settings.from_env(embed_model=setting))  # as ingest runs it
        runs = []
        for _ in range(repeats):
            model.forward_seconds = 0.0
            model.embed(chunks)
            runs.append(len(chunks) / model.forward_seconds)
        speeds[f"{name}_chunks_per_s"] = spread(runs)
    speeds["int8_speedup"] = (
        speeds["int8_chunks_per_s"]["median"] / speeds["fp32_chunks_per_s"]["median"]
    )
    return speeds


def _touch(files: list[Path], share: float) -> int:
    """Change ``share`` of the files (every n-th one) by appending a sentence."""
    step = max(int(round(1 / share)), 1)
    changed = files[::step]
    for f in changed:
        with f.open("a", encoding="utf-8") as out:
            out.write("\n<p>Changed for the re-ingestion benchmark.</p>\n")
    return len(changed)


def _retrieval(store: Path, queries: list[str], repeats: int) -> dict:
    assistant = Assistant(store=store, llm="extractive")
    assistant.search(queries[0])  # builds the keyword index once, as a session would
    times = []
    for _ in range(repeats):
        for q in queries:
            started = time.perf_counter()
            assistant.search(q)
            times.append((time.perf_counter() - started) * 1000)
    return {
        "chunks": assistant.status()["chunks"],
        "p50_ms": float(np.percentile(times, 50)),
        "p95_ms": float(np.percentile(times, 95)),
        "queries": len(times),
    }


def _answers(store: Path, questions: list[str], model: str | None = None) -> dict:
    """Time to first token, to the verified answer, and in the verifier, with the embedded
    LLM and the default verifier, over the seed questions (one process, models loaded)."""
    assistant = Assistant(store=store, llm="local", local_model=model)
    assistant.ask("Who is Steve Witkoff?")  # loads the generator and the judge; not counted
    first, total, verify, judged = [], [], [], 0
    for q in questions:
        started = time.perf_counter()
        got_first = None
        for item in assistant.stream(q):
            if got_first is None and isinstance(item, str):
                got_first = time.perf_counter() - started
            if isinstance(item, Answer):
                verify.append(item.timings_ms["verify"])
                judged += sum(c["check"] == "judge" for c in item.checked)
        total.append((time.perf_counter() - started) * 1000)
        if got_first is not None:
            first.append(got_first * 1000)
    return {
        "model": model or DEFAULT,
        "questions": len(questions),
        "generated": len(first),
        "verifier": assistant.settings.verifier,
        "judge_calls": judged,
        "ttft_p50_ms": float(np.percentile(first, 50)) if first else None,
        "ttft_p95_ms": float(np.percentile(first, 95)) if first else None,
        "total_p50_ms": float(np.percentile(total, 50)),
        "total_p95_ms": float(np.percentile(total, 95)),
        "verify_p50_ms": float(np.percentile(verify, 50)),
        "verify_p95_ms": float(np.percentile(verify, 95)),
    }


def answers_only(say=print, model: str | None = None) -> dict:
    """``rag bench --answers``: only the answer latency on the seed article."""
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        store = Path(tmp) / "seed"
        Assistant(store=store).ingest([SEED_QUESTIONS.parent / "docs"])
        say(f"answer latency with the local model {model or DEFAULT} and the default verifier")
        questions = [q.question for q in load_questions(SEED_QUESTIONS) if not q.conversation]
        return {"machine": _machine(), "answers": _answers(store, questions, model)}


def answer_lines(a: dict) -> list[str]:
    return [
        f"| {a['model']}, time to first token | p50 {a['ttft_p50_ms']:.0f} ms, "
        f"p95 {a['ttft_p95_ms']:.0f} ms |",
        f"| verified answer ({a['verifier']} verifier), whole | p50 {a['total_p50_ms']:.0f} ms, "
        f"p95 {a['total_p95_ms']:.0f} ms |",
        f"| of which verifying | p50 {a['verify_p50_ms']:.0f} ms, p95 {a['verify_p95_ms']:.0f} ms "
        f"({a['judge_calls']} judge calls over {a['questions']} questions) |",
    ]


def _measured(args: list[str]) -> tuple[str, float]:
    """Run a child to its end; return its stdout and peak resident memory in MB.

    The peak is the child's own /proc VmHWM, not wait4's ru_maxrss: on Linux a forked
    child starts with its parent's high-water mark, so that would report the
    benchmark's own memory. (A pipe-filling stdout is not expected: children print one
    JSON line at most.)
    """
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak_kb, status = 0, Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            hwm = [ln for ln in status.read_text().splitlines() if ln.startswith("VmHWM:")]
            peak_kb = max([peak_kb] + [int(ln.split()[1]) for ln in hwm])
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    if proc.returncode:
        raise RagError(f"benchmark step failed: {' '.join(args)}")
    return proc.stdout.read(), peak_kb / 1024


def _store_curve_point(n: int) -> dict:
    """Run in a child: n synthetic unit vectors in Chroma; query latency and RSS."""
    import chromadb

    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        client = chromadb.PersistentClient(
            path=tmp, settings=chromadb.config.Settings(anonymized_telemetry=False)
        )
        col = client.create_collection("curve", metadata={"hnsw:space": "cosine"})
        started = time.perf_counter()
        for i in range(0, n, 5000):
            m = min(5000, n - i)
            vecs = rng.standard_normal((m, 384)).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            col.add(ids=[str(j) for j in range(i, i + m)], embeddings=vecs)
        load_s = time.perf_counter() - started
        times = []
        for _ in range(200):
            q = rng.standard_normal(384).astype(np.float32)
            started = time.perf_counter()
            col.query(query_embeddings=[q / np.linalg.norm(q)], n_results=10)
            times.append((time.perf_counter() - started) * 1000)
    return {
        "n": n,
        "load_seconds": load_s,
        "p50_ms": float(np.percentile(times, 50)),
        "p95_ms": float(np.percentile(times, 95)),
    }


def run_bench(
    out: Path | None,
    mb: float = 2.0,
    repeats: int = 3,
    curve: tuple[int, ...] = (10_000, 100_000, 1_000_000),
    say=print,
) -> dict:
    """Every stage in order; returns the JSON figures (and writes the report to ``out``)."""
    from rag.settings import Settings

    settings = Settings.from_env()
    source = corpus(settings.cache_dir / "bench", say)
    results: dict = {"machine": _machine(), "corpus": {"source": str(source)}}
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        work = Path(tmp)
        files, text_mb = subset(source, mb, work / "docs")
        results["corpus"].update(files=len(files), text_mb=round(text_mb, 2))
        say(f"subset: {len(files)} files, {text_mb:.2f} MB of text")
        ours: list[dict] = []
        theirs: dict[str, list[dict]] = {kind: [] for kind in BASELINES}
        for r in range(repeats):
            say(f"cold ingest {r + 1}/{repeats}: ours, then llama-index three ways")
            ours.append(_ours_cold(work / "docs", work / f"ours{r}"))
            for kind, runs in theirs.items():
                runs.append(
                    _llama_index_cold(
                        files,
                        work / f"{kind}{r}",
                        settings.chunk_tokens,
                        settings.chunk_overlap,
                        kind,
                    )
                )
        store = work / "ours0"
        results["ingest"] = {
            "ours_seconds": spread([x["seconds"] for x in ours]),
            "ours_chunks": ours[0]["chunks"],
            "ours_chunks_per_s": spread([x["chunks"] / x["seconds"] for x in ours]),
            "ours_mb_per_s": spread([text_mb / x["seconds"] for x in ours]),
            "ours_forward_share": spread([x["forward"] / x["seconds"] for x in ours]),
            "llama_index": {
                kind: {
                    "label": BASELINES[kind],
                    "seconds": spread([x["seconds"] for x in runs]),
                    "chunks": runs[0]["chunks"],
                    "forward_share": spread([x["forward"] / x["seconds"] for x in runs]),
                    # Same corpus, so the ratio of wall times is the ratio of MB/s.
                    "throughput_ratio": spread(
                        [t["seconds"] / o["seconds"] for o, t in zip(ours, runs, strict=True)]
                    ),
                }
                for kind, runs in theirs.items()
            },
        }
        say("re-ingest: unchanged, then 1% of files changed")
        unchanged = []
        for _ in range(repeats):
            started = time.perf_counter()
            Assistant(store=store, llm="extractive").ingest([work / "docs"])
            unchanged.append(time.perf_counter() - started)
        changed = _touch(files, 0.01)
        started = time.perf_counter()
        Assistant(store=store, llm="extractive").ingest([work / "docs"])
        one_percent = time.perf_counter() - started
        cold = results["ingest"]["ours_seconds"]["median"]
        results["reingest"] = {
            "unchanged_seconds": spread(unchanged),
            "unchanged_share_of_cold": float(np.median(unchanged)) / cold,
            "changed_files": changed,
            "one_percent_seconds": one_percent,
            "one_percent_share_of_cold": one_percent / cold,
        }
        questions = [q.question for q in load_questions(SEED_QUESTIONS) if not q.conversation]
        say("embedding model: int8 build against the shipped fp32 model")
        results["model"] = _model_speed(store, repeats)
        say("retrieval latency")
        results["retrieval"] = _retrieval(store, _doc_queries(files), repeats)
        seed_store = work / "seed"
        Assistant(store=seed_store).ingest([SEED_QUESTIONS.parent / "docs"])
        say("answer latency with the embedded LLM")
        results["answers"] = _answers(seed_store, questions)
        say("peak memory: ingestion and a chat session, each in its own process")
        rag = str(Path(sys.executable).parent / "rag")
        results["memory_mb"] = {
            "ingest": _measured([rag, "ingest", str(work / "docs"), "--store", str(work / "m")])[1],
            "chat": _measured([sys.executable, "-m", "rag_evals.bench", "--chat", str(seed_store)])[
                1
            ],
        }
        say("store curve (synthetic unit vectors, each size in its own process)")
        results["store_curve"] = [_curve_child(n) for n in curve]
    if out:
        write(results, out)
    return results


def _curve_child(n: int) -> dict:
    stdout, peak = _measured([sys.executable, "-m", "rag_evals.bench", "--curve-point", str(n)])
    return {**json.loads(stdout), "rss_mb": peak, "synthetic": True}


def _doc_queries(files: list[Path]) -> list[str]:
    """Real queries: the title of every tenth document (deterministic)."""
    titles = []
    for f in files[::10]:
        try:
            titles.append(load(f).title)
        except SkipFile:
            continue
    return titles or ["How do I open a file?"]


def _machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": sys.platform,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def machine_line(machine: dict) -> str:
    """The machine a report was measured on, in words."""
    return (
        f"{machine['cpus']} cores, {machine['memory_gb']} GB of memory, "
        f"Python {machine['python']} on {machine['platform']}"
    )


def markdown(results: dict) -> str:
    """The figures as a Markdown table (printed by `rag bench`, saved as bench.md)."""
    i, r, a = results["ingest"], results["reingest"], results["answers"]
    q, m = results["retrieval"], results["model"]
    med = {k: v["median"] for k, v in i.items() if isinstance(v, dict) and "median" in v}
    lines = [
        "# Benchmark",
        "",
        f"Machine: {machine_line(results['machine'])}. Corpus: {results['corpus']}.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| cold ingest, ours | {med['ours_seconds']:.1f} s ({i['ours_chunks']} chunks), "
        f"{med['ours_chunks_per_s']:.1f} chunks/s, {med['ours_mb_per_s']:.3f} MB/s |",
        f"| share of ingest wall time in the forward pass | {med['ours_forward_share']:.2f} |",
    ]
    for b in i["llama_index"].values():
        ratio = b["throughput_ratio"]
        lines.append(
            f"| cold ingest, {b['label']} | {b['seconds']['median']:.1f} s ({b['chunks']} "
            f"chunks), forward share {b['forward_share']['median']:.2f}; ours is "
            f"**{ratio['median']:.2f}x** ({ratio['min']:.2f}-{ratio['max']:.2f}) |"
        )
    lines += [
        f"| re-ingest unchanged | {r['unchanged_seconds']['median']:.2f} s "
        f"({100 * r['unchanged_share_of_cold']:.1f}% of cold) |",
        f"| re-ingest with 1% changed | {r['one_percent_seconds']:.1f} s "
        f"({100 * r['one_percent_share_of_cold']:.1f}% of cold) |",
        f"| MiniLM forward pass, fp32 / int8 | {m['fp32_chunks_per_s']['median']:.1f} / "
        f"{m['int8_chunks_per_s']['median']:.1f} chunks/s ({m['int8_speedup']:.2f}x) |",
        f"| retrieval at {q['chunks']} chunks | p50 {q['p50_ms']:.1f} ms, "
        f"p95 {q['p95_ms']:.1f} ms |",
        *answer_lines(a),
        f"| peak RSS | ingest {results['memory_mb']['ingest']:.0f} MB, "
        f"chat {results['memory_mb']['chat']:.0f} MB |",
    ]
    lines += ["", "Store curve (synthetic unit vectors, Chroma HNSW, top-10 query):", ""]
    lines += ["| vectors | load s | p50 ms | p95 ms | RSS MB |", "|---|---|---|---|---|"]
    for p in results["store_curve"]:
        lines.append(
            f"| {p['n']:,} | {p['load_seconds']:.0f} | {p['p50_ms']:.2f} | "
            f"{p['p95_ms']:.2f} | {p['rss_mb']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def write(results: dict, out: Path) -> None:
    """bench.json, bench.md and, with the ``rag[eval]`` extra, bench.png (latency and
    memory against store size)."""
    plt = saved(out, "bench", results, markdown(results))
    if plt is None:
        return
    curve = results["store_curve"]
    fig, left = plt.subplots(figsize=(7, 4))
    sizes = [p["n"] for p in curve]
    left.plot(sizes, [p["p95_ms"] for p in curve], "o-", label="query p95 (ms)")
    left.plot(sizes, [p["p50_ms"] for p in curve], "o--", label="query p50 (ms)")
    left.set_xscale("log")
    left.set_xlabel("vectors in the store (synthetic)")
    left.set_ylabel("latency (ms)")
    right = left.twinx()
    right.plot(sizes, [p["rss_mb"] for p in curve], "s-", color="tab:red", label="RSS (MB)")
    right.set_ylabel("peak RSS (MB)")
    fig.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(out / "bench.png", dpi=110)
    plt.close(fig)


def _chat_session(store: str) -> None:
    """Child process for the chat-memory figure: a short conversation, then exit."""
    session = Assistant(store=store, llm="local").chat()
    for q in ["Who is Tatiana Stanovaya?", "What does she say about territory?"]:
        session.ask(q)


if __name__ == "__main__":
    if sys.argv[1] == "--curve-point":
        print(json.dumps(_store_curve_point(int(sys.argv[2]))))
    elif sys.argv[1] == "--chat":
        _chat_session(sys.argv[2])
