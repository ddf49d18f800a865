"""Ingestion: find files, skip unchanged ones by content hash, chunk, embed, store."""

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rag.errors import RagError
from rag.index.store import FileRecord, Store
from rag.ingest.chunk import Chunker
from rag.ingest.load import Document, SkipFile, find_files, load

Progress = Callable[[int, int, str], None]
"""Called as (files done, files total, current path)."""


@dataclass
class IngestReport:
    """What one ingest run did. ``chunks`` counts chunks embedded in this run."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks: int = 0
    truncated: int = 0
    """Chunks the embedding model had to cut (counted by the model)."""
    skipped: list[dict[str, str]] = field(default_factory=list)
    encodings: list[dict[str, str]] = field(default_factory=list)
    """Files that were not UTF-8, with the encoding they were read as."""

    def to_dict(self) -> dict:
        return asdict(self)


def ingest(
    paths: Iterable[Path],
    store: Store,
    chunker: Chunker,
    embed: Callable[[list[str]], object],
    prune: bool = False,
    progress: Progress | None = None,
    max_file_mb: float = 0,
    batch_chunks: int = 256,
) -> IngestReport:
    """Bring the store in line with ``paths``; a bad file is skipped, never fatal.

    Chunks of several files are embedded and written together, ``batch_chunks`` at a
    time: Chroma and the length-sorted embedder are both fastest with large batches.
    """
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise RagError(f"no such file or folder: {', '.join(missing)}")
    files, skipped = find_files(paths)
    if not files and not skipped:
        raise RagError(
            f"no supported files (.txt, .md, .html, .pdf) in {', '.join(map(str, paths))}"
        )
    report = IngestReport(skipped=[{"path": p, "reason": r} for p, r in skipped])
    store.begin()
    manifest = store.manifest()

    def prepare(path: Path, done: int) -> tuple[Document, list] | str:
        """Read and chunk one file (while the model embeds the previous batch)."""

        def note(status: str) -> None:  # progress inside the file: OCR, page by page
            if progress:
                progress(done, len(files), f"{path} ({status})")

        try:
            doc = load(path, max_file_mb, note)
        except SkipFile as why:
            return str(why)
        previous = manifest.get(doc.source)
        if previous and previous.sha256 == doc.sha256:
            return doc, []
        # A chunk that repeats an earlier one of the same file verbatim is stored once:
        # many identical vectors cut Chroma's HNSW recall (measured: a 0.97-cosine
        # match lost behind 128 copies of one line).
        seen: set[str] = set()
        chunks = [c for c in chunker.split(doc.text) if not (c.text in seen or seen.add(c.text))]
        return doc, chunks

    def embed_and_write(files: list[tuple[Document, list]], write: Future | None) -> Future:
        """Embed one batch of files' chunks, then hand it to the writer after ``write``
        (the previous batch's), so batches land in order and a failed write surfaces."""
        vectors = embed([c.text for _, chunks in files for c in chunks])
        batch, at = [], 0
        for doc, chunks in files:
            record = FileRecord(doc.source, doc.sha256, len(chunks), doc.title, doc.size)
            spans = [
                (c.start, c.end, doc.page_at(c.start), c.text, doc.sections.within(c.start, c.end))
                for c in chunks
            ]
            batch.append((record, spans, vectors[at : at + len(chunks)]))
            at += len(chunks)
        if write:
            write.result()
        return writer.submit(store.replace_files, batch)

    pending: list[tuple[Document, list]] = []
    embedding: Future | None = None  # the batch in the model; its result is its write

    def flush() -> None:
        """Start embedding the pending files once the model is done with the last batch."""
        nonlocal embedding
        if not pending:
            return
        write = embedding.result() if embedding else None
        embedding = embedder.submit(embed_and_write, list(pending), write)
        for doc, chunks in pending:
            report.chunks += len(chunks)
            if doc.source in manifest:
                report.updated += 1
            else:
                report.added += 1
        pending.clear()

    # Three stages overlap, one batch apart: this thread reads and chunks, one embeds,
    # one writes to the store. onnxruntime releases the GIL, so the model never waits
    # for the next file or for Chroma, and at most three batches are held in memory.
    with ThreadPoolExecutor(max_workers=1) as embedder, ThreadPoolExecutor(max_workers=1) as writer:
        for done, path in enumerate(files):
            if progress:
                progress(done, len(files), str(path))
            prepared = prepare(path, done)
            if isinstance(prepared, str):
                report.skipped.append({"path": str(path), "reason": prepared})
                continue
            doc, chunks = prepared
            if doc.encoding not in {"utf-8", "pdf"}:
                report.encodings.append({"path": str(path), "encoding": doc.encoding})
            if not chunks:
                report.unchanged += 1
                continue
            pending.append((doc, chunks))
            if sum(len(c) for _, c in pending) >= batch_chunks:  # pending stays short
                flush()
        flush()
        if embedding:
            embedding.result().result()
    if prune:
        report.removed = _prune(store, manifest, paths, {str(f) for f in files})
    if progress:
        progress(len(files), len(files), "")
    store.finish()
    return report


def _prune(store: Store, manifest: dict[str, FileRecord], roots: list[Path], seen: set[str]) -> int:
    """Remove files that vanished from disk or from the folders just ingested."""
    resolved = [r.resolve() for r in roots]
    removed = 0
    for source in manifest:
        path = Path(source)
        under_root = any(path == r or r in path.parents for r in resolved)
        if not path.exists() or (under_root and source not in seen):
            store.remove_file(source)
            removed += 1
    return removed
