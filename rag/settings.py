"""One settings object: defaults < RAG_* / OPENAI_* environment < explicit arguments.

Nothing else in the package reads the environment, so every other module can be
read and tested with plain arguments.
"""

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from rag.errors import RagError


@dataclass(frozen=True)
class Settings:
    """Everything a user can tune. Field docs say what each knob trades."""

    store: Path = Path(".rag")
    """Embedded Chroma folder (ignored when ``chroma_url`` is set)."""
    chroma_url: str | None = None
    """A Chroma server, e.g. ``http://127.0.0.1:8000``, when one machine is not enough."""
    collection: str = "rag"
    embed_model: str = "minilm"
    """``minilm`` (bundled, offline) or ``openai:<model>`` (e.g. text-embedding-3-small)."""
    embed_threads: int = 0
    """onnxruntime intra-op threads; 0 lets onnxruntime use every core."""
    embed_batch: int = 32
    chunk_tokens: int = 128
    """Largest chunk in tiktoken (cl100k_base) tokens; chunks also stay under 256 wordpieces."""
    chunk_overlap: int = 32
    """Tokens of trailing sentences repeated at the start of the next chunk."""
    top_k: int = 5
    dense_weight: float = 0.5
    """Share of the dense ranking in hybrid fusion; the rest goes to BM25."""
    openai_api_key: str | None = field(default=None, repr=False)
    openai_base_url: str | None = None

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Build settings from the environment, then apply non-None ``overrides``."""
        env = os.environ
        values: dict[str, object] = {}
        mapping = {
            "store": "RAG_STORE",
            "chroma_url": "RAG_CHROMA_URL",
            "collection": "RAG_COLLECTION",
            "embed_model": "RAG_EMBED_MODEL",
            "embed_threads": "RAG_THREADS",
            "embed_batch": "RAG_EMBED_BATCH",
            "chunk_tokens": "RAG_CHUNK_TOKENS",
            "chunk_overlap": "RAG_CHUNK_OVERLAP",
            "top_k": "RAG_TOP_K",
            "dense_weight": "RAG_DENSE_WEIGHT",
            "openai_api_key": "OPENAI_API_KEY",
            "openai_base_url": "OPENAI_BASE_URL",
        }
        for name, var in mapping.items():
            if env.get(var):
                values[name] = env[var]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls()._with(values)

    def _with(self, values: dict[str, object]) -> "Settings":
        """Coerce strings from the environment or CLI to each field's type."""
        types = {f.name: f.type for f in fields(self)}
        coerced: dict[str, object] = {}
        for name, value in values.items():
            if name not in types:
                raise RagError(f"unknown setting {name!r}")
            kind = types[name]
            try:
                if kind is int:
                    coerced[name] = int(value)  # type: ignore[arg-type]
                elif kind is float:
                    coerced[name] = float(value)  # type: ignore[arg-type]
                elif kind is Path:
                    coerced[name] = Path(str(value)).expanduser()
                else:
                    coerced[name] = value
            except ValueError:
                raise RagError(f"setting {name} must be a {kind.__name__}, got {value!r}") from None
        settings = replace(self, **coerced)
        if settings.chunk_tokens < 16:
            raise RagError("chunk size must be at least 16 tokens")
        if not 0 <= settings.chunk_overlap < settings.chunk_tokens:
            raise RagError("chunk overlap must be at least 0 and smaller than the chunk size")
        if not 0.0 <= settings.dense_weight <= 1.0:
            raise RagError("dense weight must be between 0 and 1")
        if settings.top_k < 1:
            raise RagError("top-k must be at least 1")
        return settings
