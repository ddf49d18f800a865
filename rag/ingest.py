"""Ingestion: find files, skip unchanged ones by content hash, chunk, embed, store."""

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rag.chunk import Chunker
from rag.errors import RagError
from rag.load import SkipFile, find_files, load
from rag.store import FileRecord, Store

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
    over_limit: Callable[[str], bool],
    prune: bool = False,
    progress: Progress | None = None,
    max_file_mb: float = 0,
) -> IngestReport:
    """Bring the store in line with ``paths``; a bad file is skipped, never fatal."""
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
    for done, path in enumerate(files):
        if progress:
            progress(done, len(files), str(path))
        try:
            doc = load(path, max_file_mb)
        except SkipFile as why:
            report.skipped.append({"path": str(path), "reason": str(why)})
            continue
        if doc.encoding not in {"utf-8", "pdf"}:
            report.encodings.append({"path": str(path), "encoding": doc.encoding})
        previous = manifest.get(doc.source)
        if previous and previous.sha256 == doc.sha256:
            report.unchanged += 1
            continue
        chunks = chunker.split(doc.text)
        vectors = embed([c.text for c in chunks])
        report.truncated += sum(over_limit(c.text) for c in chunks)
        record = FileRecord(doc.source, doc.sha256, len(chunks), doc.title, doc.size)
        store.replace_file(
            record, [(c.start, c.end, doc.page_at(c.start), c.text) for c in chunks], vectors
        )
        report.chunks += len(chunks)
        if previous:
            report.updated += 1
        else:
            report.added += 1
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
