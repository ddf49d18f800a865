"""The engine behind both doors (CLI and Python): one object wiring settings to the flow."""

import contextlib
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path

from llama_index.core import Settings as LlamaSettings

from rag.answer.chat import ChatSession
from rag.answer.pipeline import Answer, Answerer, Checking
from rag.errors import RagError
from rag.index.embed import (
    MINILM_MAX_WORDPIECES,
    MiniLMEmbedding,
    embed_texts,
    embedder_identity,
    make_embedder,
)
from rag.index.lock import StoreLock
from rag.index.retrieve import Mode, Passage, Retriever
from rag.index.store import Store
from rag.ingest.chunk import Chunker
from rag.ingest.pipeline import IngestReport, Progress, ingest
from rag.models.judge import make_verifier
from rag.models.llm import make_llm
from rag.settings import Settings
from rag.verify.verifier import Verifier


class Assistant:
    """Answers questions about ingested documents; everything is created lazily.

    >>> a = Assistant(store=".rag")          # doctest: +SKIP
    >>> a.ingest(["seeds/"]); a.search("Who is Steve Witkoff?")  # doctest: +SKIP
    """

    def __init__(self, settings: Settings | None = None, **overrides: object) -> None:
        self.settings = settings or Settings.from_env(**overrides)
        self._opened: Store | None = None

    @cached_property
    def embedder(self):
        embedder = make_embedder(self.settings)
        # llama-index falls back to OpenAI when its globals are unset; pin them here.
        LlamaSettings.embed_model = embedder
        return embedder

    def _store(self, create: bool = False) -> Store:
        """The store, opened once; reading opens only an existing one (else a clear error)."""
        if self._opened is None:
            name, dim = embedder_identity(self.embedder)
            self._opened = Store(self.settings, name, dim, create=create)
        return self._opened

    @property
    def store(self) -> Store:
        """The store for writing: created on first use."""
        return self._store(create=True)

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(
            self._store(),
            self.embedder.get_query_embedding,
            dense_weight=self.settings.dense_weight,
        )

    def ingest(
        self, paths: Iterable[str | Path], prune: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Add new and changed files under ``paths``; ``prune`` drops vanished ones."""
        s, embedder = self.settings, self.embedder
        if isinstance(embedder, MiniLMEmbedding):
            # Pack by wordpieces without [CLS]/[SEP], which the model adds to each chunk.
            chunker = Chunker(
                s.chunk_tokens,
                s.chunk_overlap,
                limit=lambda texts: embedder.wordpieces(texts, special_tokens=False),
                limit_max=MINILM_MAX_WORDPIECES - 2,
            )
        else:
            chunker = Chunker(s.chunk_tokens, s.chunk_overlap)
        truncated_before = getattr(embedder, "truncated", 0)
        store = self.store
        # a second writer to a folder is refused, never interleaved; a server takes many
        with contextlib.nullcontext() if s.chroma_url else StoreLock(s):
            report = ingest(
                [Path(p) for p in paths],
                store,
                chunker,
                lambda texts: embed_texts(embedder, texts),
                prune=prune,
                progress=progress,
                max_file_mb=s.max_file_mb,
                batch_chunks=s.ingest_batch,
            )
        report.truncated = getattr(embedder, "truncated", 0) - truncated_before
        if "retriever" in self.__dict__:
            self.retriever.invalidate()
        return report

    @cached_property
    def llm(self):
        """The chat model (None in extractive mode); started on first use."""
        return make_llm(self.settings)

    @cached_property
    def verifier(self) -> Verifier:
        """The verifier; its judge model starts when a sentence first needs it."""
        return make_verifier(self.settings)

    @cached_property
    def answerer(self) -> Answerer:
        embedder = self.embedder
        return Answerer(
            self.settings,
            self.retriever,
            lambda t: embed_texts(embedder, t),
            self.llm,
            self.verifier,
        )

    def close(self) -> None:
        """Stop what this assistant started (its share of the local model servers); a
        later call starts them again. ``with Assistant(...) as a:`` calls it on leaving."""
        llm = self.__dict__.pop("llm", None)
        if llm is not None:
            llm.close()
        verifier = self.__dict__.pop("verifier", None)
        if verifier is not None:
            verifier.close()
        self.__dict__.pop("answerer", None)

    def __enter__(self) -> "Assistant":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ask(self, question: str) -> Answer:
        """A cited answer, or an abstention when the documents do not hold one."""
        return self.answerer.ask(_question(question))

    def stream(self, question: str) -> Iterator[str | Checking | Answer]:
        """Yield the answer's text pieces as they are written, a :class:`Checking`
        notice while its sentences are verified, then the final Answer.

        Stopping early (``break``, an exception, ``.close()``) is supported: the model's
        stream is closed at once and its llama.cpp slot freed for the next question."""
        return self.answerer.stream(_question(question))

    def chat(self) -> ChatSession:
        """A conversation whose follow-up questions can refer to earlier turns."""
        return ChatSession(self.answerer)

    def search(self, query: str, k: int | None = None, mode: Mode = "hybrid") -> list[Passage]:
        """The ``k`` best passages for ``query`` (hybrid dense + BM25 by default)."""
        return self.retriever.search(query, k or self.settings.top_k, mode=mode)

    def ensure_documents(self, seeds: Path | None) -> bool:
        """A new user gets an answer: an empty store takes ``seeds`` first (True when
        it did); with nothing to take, an empty store is a clear error."""
        try:
            empty = self.status()["chunks"] == 0
        except RagError:
            empty = True
        if not empty:
            return False
        if seeds is not None and seeds.is_dir() and any(seeds.iterdir()):
            self.ingest([seeds])
            return True
        raise RagError("the store is empty: add documents with `rag ingest PATH` first")

    def status(self) -> dict:
        """Documents, chunks, embedding model and store location."""
        store = self._store()
        manifest = store.manifest()
        return {
            "store": store.location,
            "embed_model": store.model,
            "embed_dim": store.dim,
            "documents": len(manifest),
            "chunks": store.count(),
        }


def _question(question: str) -> str:
    if not question or not question.strip():
        raise RagError("the question is empty")
    return question.strip()
