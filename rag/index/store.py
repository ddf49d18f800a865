"""Chroma (embedded folder or server) holding chunks plus a manifest of ingested files.

Chunks live in one collection through llama-index's ChromaVectorStore; the manifest
(one record per file: hash, chunk count) lives in a second collection of the same
client, so an embedded store and a Chroma server behave alike. A file's manifest
record is written only after all its chunks are. Each ingest keeps a mark of its own in
the manifest while it writes, naming the files of the batch it is writing; an ingest that
dies leaves its mark, and the next one removes the half-written chunks, except those of
files another live ingest is writing (several writers share a Chroma server).
"""

import functools
import hashlib
import json
import os
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

import numpy as np
from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.core.vector_stores.types import VectorStoreQuery
from llama_index.vector_stores.chroma import ChromaVectorStore

from rag.errors import RagError
from rag.settings import Settings

_PENDING = "__ingest_pending__"  # an ingest's mark is this, ":" and its own id
# A mark not renewed for this long belongs to a dead writer even on another machine; a
# writer renews it at every batch, and on this machine a dead writer's pid tells sooner.
LEASE_SECONDS = 600.0
# Chroma's local store binds one SQL variable per record a read returns, and SQLite
# allows 32,766: every read of a whole collection goes in pages well below that.
PAGE = 5000
T = TypeVar("T")


@dataclass(frozen=True)
class FileRecord:
    """What the manifest knows of one ingested file."""

    source: str
    sha256: str
    chunks: int
    title: str
    size: int


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as stored: its text, where it came from, and the heading path at its
    start and at each heading inside it (absolute offsets)."""

    id: str
    text: str
    source: str
    title: str
    start: int
    end: int
    page: int | None
    sections: tuple[tuple[int, str], ...] = ()

    @property
    def headings(self) -> str:
        """The words of its heading paths, for keyword search."""
        return " ".join(path for _, path in self.sections)

    def text_before(self, start: int) -> str:
        """The source text from this chunk's start to ``start``, which follows it. Past
        its end, all of it and a line break: the chunker leaves out only whitespace
        between chunks, mostly the line break that ends a block."""
        if self.end >= start:
            return self.text[: max(0, start - self.start)]
        return f"{self.text}\n"


Span = tuple[int, int, int | None, str, list[tuple[int, str]]]
"""A chunk to store: start, end, page, text, and its heading paths."""


def _reported(method: Callable[..., T]) -> Callable[..., T]:
    """Chroma failures (a server gone, a broken folder) become one-line RagErrors."""

    @functools.wraps(method)
    def wrapper(self: "Store", *args: object, **kwargs: object) -> T:
        try:
            return method(self, *args, **kwargs)
        except RagError:
            raise
        except Exception as exc:
            raise RagError(
                f"the store at {self.location} failed ({type(exc).__name__}: {exc}); "
                "if it is a Chroma server, check that it is running"
            ) from None

    return wrapper


def chroma_client(settings: Settings, create: bool):
    """A Chroma client for the configured server or folder, with telemetry off."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in {"http", "https"} or not url.hostname:
            raise RagError(
                f"RAG_CHROMA_URL must look like http://host:port, got {settings.chroma_url!r}"
            )
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:
            raise RagError(
                f"cannot reach the Chroma server at {settings.chroma_url}: {exc}"
            ) from None
    path = Path(settings.store)
    if not create and not path.exists():
        raise RagError(f"no store at {path}: run `rag ingest PATH` first")
    if path.exists() and not path.is_dir():
        raise RagError(f"store path {path} is a file, not a folder")
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class Store:
    """The chunk collection and its manifest, bound to one embedding model."""

    def __init__(self, settings: Settings, model: str, dim: int, create: bool = True) -> None:
        self.location = settings.chroma_url or str(Path(settings.store).resolve())
        # the store's own folder (for what is kept beside it); a Chroma server has none
        self.folder = None if settings.chroma_url else Path(settings.store).resolve()
        self.model, self.dim = model, dim
        self._mark = f"{_PENDING}:{uuid.uuid4().hex}"  # this process's, while it ingests
        self.client = client = chroma_client(settings, create)
        try:
            chunks = client.get_or_create_collection(
                settings.collection,
                embedding_function=None,
                metadata={"hnsw:space": "cosine", "embed_model": model, "embed_dim": dim},
            )
            self._files = client.get_or_create_collection(
                f"{settings.collection}_files", embedding_function=None
            )
        except RagError:
            raise
        except Exception as exc:
            raise RagError(f"cannot open the store at {self.location}: {exc}") from None
        meta = chunks.metadata or {}
        if (meta.get("embed_model"), meta.get("embed_dim")) != (model, dim):
            raise RagError(
                f"the store at {self.location} was built with embedding model "
                f"{meta.get('embed_model')} ({meta.get('embed_dim')} dims), "
                f"not {model} ({dim} dims); set RAG_EMBED_MODEL to the model it was built with "
                "(all-MiniLM-L6-v2 is minilm-fp32, all-MiniLM-L6-v2-int8 is minilm) "
                "or use another --store"
            )
        self._chunks = chunks
        self.vectors = ChromaVectorStore(chroma_collection=chunks)

    # -- manifest -------------------------------------------------------------------------
    @_reported
    def manifest(self) -> dict[str, FileRecord]:
        got = _get_all(self._files, ["metadatas"])
        return {
            id_: FileRecord(id_, m["sha256"], int(m["chunks"]), m.get("title", ""), int(m["size"]))
            for id_, m in zip(got["ids"], got["metadatas"], strict=True)
            if not id_.startswith(_PENDING)
        }

    @_reported
    def begin(self) -> None:
        """Mark an ingest in progress, after repairing what dead ingests left."""
        self._claim([])
        dead = [id_ for id_, meta in self._marks().items() if not _alive(meta)]
        if dead:
            self.repair()
            self._files.delete(ids=dead)

    @_reported
    def finish(self) -> None:
        self._files.delete(ids=[self._mark])

    @_reported
    def pending(self) -> bool:
        """True while an ingest is under way (or died and awaits :meth:`repair`)."""
        return bool(self._marks())

    def _claim(self, sources: list[str]) -> None:
        """Renew this ingest's mark, naming the files it is about to write."""
        meta = {
            "pending": True,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": _started(os.getpid()),
            "expires": time.time() + LEASE_SECONDS,
            "sources": json.dumps(sources),
        }
        self._files.upsert(ids=[self._mark], embeddings=[[0.0]], metadatas=[meta])

    def _marks(self) -> dict[str, dict]:
        got = self._files.get(where={"pending": True}, include=["metadatas"])
        return dict(zip(got["ids"], got["metadatas"], strict=True))

    @_reported
    def repair(self) -> int:
        """Make chunks and manifest agree after an interrupted ingest; return chunks removed.

        Chunks that no manifest record accounts for are deleted; a record whose chunks
        are not all there is dropped, so that its file is ingested again. Files that a
        live ingest is writing are left to it: the marks are read after the chunks, and
        a writer names its files before it writes them.
        """
        manifest = self.manifest()
        got = _get_all(self._chunks, ["metadatas"])
        writing = {
            source
            for meta in self._marks().values()
            if _alive(meta)
            for source in json.loads(meta.get("sources", "[]"))
        }
        orphans, present = [], Counter()
        for id_, m in zip(got["ids"], got["metadatas"], strict=True):
            source = m.get("source", "")
            rec = manifest.get(source)
            if source in writing:
                continue
            if rec is None or rec.sha256 != m.get("sha256"):
                orphans.append(id_)
            else:
                present[rec.source] += 1
        for i in range(0, len(orphans), PAGE):
            self._chunks.delete(ids=orphans[i : i + PAGE])
        incomplete = [
            s for s, rec in manifest.items() if s not in writing and present[s] != rec.chunks
        ]
        for source in incomplete:
            self.remove_file(source)
        return len(orphans)

    # -- writes ---------------------------------------------------------------------------
    @_reported
    def replace_files(self, batch: list[tuple[FileRecord, list[Span], np.ndarray]]) -> None:
        """Swap files' chunks for new ones, then record them.

        One add and one manifest write per batch (deletes stay per file): Chroma is
        fastest with large writes. Records come last, so a run killed midway leaves only chunks that
        :meth:`repair` removes.
        """
        self._claim([record.source for record, _, _ in batch])
        nodes = []
        for record, chunks, vectors in batch:
            self.vectors.delete(record.source)
            prefix = hashlib.sha256(f"{record.source}\0{record.sha256}".encode()).hexdigest()[:24]
            nodes += [
                TextNode(
                    id_=f"{prefix}:{i}",
                    text=text,
                    embedding=vector.tolist(),
                    metadata={
                        "source": record.source,
                        "title": record.title,
                        "sha256": record.sha256,
                        "start": start,
                        "end": end,
                        "page": page if page is not None else 0,
                        "sections": json.dumps(sections, ensure_ascii=False),
                    },
                    relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=record.source)},
                )
                for i, ((start, end, page, text, sections), vector) in enumerate(
                    zip(chunks, vectors, strict=True)
                )
            ]
        for i in range(0, len(nodes), PAGE):
            self.vectors.add(nodes[i : i + PAGE])
        if batch:
            self._files.upsert(
                ids=[record.source for record, _, _ in batch],
                embeddings=[[0.0]] * len(batch),
                metadatas=[
                    {
                        "sha256": r.sha256,
                        "chunks": r.chunks,
                        "title": r.title,
                        "size": r.size,
                    }
                    for r, _, _ in batch
                ],
            )

    @_reported
    def remove_file(self, source: str) -> None:
        self.vectors.delete(source)
        self._files.delete(ids=[source])

    # -- reads ----------------------------------------------------------------------------
    @_reported
    def count(self) -> int:
        return self._chunks.count()

    def stamp(self) -> str:
        """What changes whenever the chunks do: every file's hash and chunk count, and
        the number of chunks stored."""
        records = sorted((r.source, r.sha256, r.chunks) for r in self.manifest().values())
        digest = hashlib.sha256(json.dumps([records, self.count()]).encode()).hexdigest()
        return f"{self.model}:{digest}"

    @_reported
    def chunks(self, ids: list[str]) -> dict[str, StoredChunk]:
        """The chunks with these ids that are stored, by id."""
        if not ids:
            return {}
        got = self._chunks.get(ids=ids, include=["documents", "metadatas"])
        return {
            id_: _stored(id_, text, meta)
            for id_, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }

    @_reported
    def preceding(self, starts: dict[str, int]) -> dict[str, str]:
        """Per chunk id (with where that chunk starts), the source text just before the
        chunk, as the chunk before it holds it (no entry for a file's first chunk)."""
        previous = {}
        for id_ in starts:
            prefix, _, i = id_.rpartition(":")
            if i.isdigit() and int(i) > 0:
                previous[id_] = f"{prefix}:{int(i) - 1}"
        got = self.chunks(sorted(set(previous.values())))
        return {id_: got[p].text_before(starts[id_]) for id_, p in previous.items() if p in got}

    @_reported
    def chunks_of(self, source: str) -> list[StoredChunk]:
        """Every chunk of one file, in the order of the text."""
        got = _get_all(self._chunks, ["documents", "metadatas"], where={"source": source})
        chunks = [
            _stored(id_, text, meta)
            for id_, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        return sorted(chunks, key=lambda c: c.start)

    @_reported
    def all_chunks(self) -> list[StoredChunk]:
        """Every chunk with its text, for the keyword index."""
        got = _get_all(self._chunks, ["documents", "metadatas"])
        return [
            _stored(id_, text, meta)
            for id_, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    @_reported
    def query(self, vector: list[float], k: int) -> list[tuple[StoredChunk, float]]:
        """Nearest chunks with cosine similarity, best first."""
        total = self.count()
        if k <= 0 or total == 0:
            return []
        result = self.vectors.query(
            VectorStoreQuery(query_embedding=vector, similarity_top_k=min(k, total))
        )
        # ChromaVectorStore reports exp(-distance); with cosine space distance = 1 - cos.
        return [
            (_stored(node.node_id, node.get_content(), node.metadata), 1.0 + float(np.log(sim)))
            for node, sim in zip(result.nodes, result.similarities or [], strict=True)
        ]


def _started(pid: int) -> str:
    """When process ``pid`` started (so a reused pid is not taken for it); "" if unknown."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def _alive(mark: dict) -> bool:
    """Whether the ingest that wrote ``mark`` may still be writing."""
    if float(mark.get("expires", 0)) < time.time():
        return False  # not renewed in time, or a mark from before marks had leases
    if mark.get("host") != socket.gethostname():
        return True
    pid = int(mark.get("pid", 0))
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's live process
    return _started(pid) == mark.get("since", "")


def _get_all(collection, include: list[str], where: dict | None = None) -> dict[str, list]:
    """Every record of ``collection`` (those matching ``where``), read ``PAGE`` at a time
    (ids plus ``include``)."""
    got: dict[str, list] = {key: [] for key in ["ids", *include]}
    offset = 0
    while True:
        page = collection.get(include=include, where=where, limit=PAGE, offset=offset)
        for key in got:
            got[key] += list(page[key])
        if len(page["ids"]) < PAGE:
            return got
        offset += PAGE


def _stored(id_: str, text: str, meta: dict) -> StoredChunk:
    page = int(meta.get("page") or 0)
    return StoredChunk(
        id=id_,
        text=text,
        source=str(meta["source"]),
        title=str(meta.get("title", "")),
        start=int(meta["start"]),
        end=int(meta["end"]),
        page=page or None,
        sections=tuple((int(at), str(path)) for at, path in json.loads(meta.get("sections", "[]"))),
    )
