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
    """``minilm`` (bundled, offline, real int8), ``minilm-fp32`` (the shipped model as it
    is) or ``openai:<model>`` (e.g. text-embedding-3-small)."""
    embed_threads: int = 0
    """Parallel runs of the embedding model, one core each; 0 means every core."""
    embed_batch: int = 8
    """Texts per forward pass for ``minilm-fp32`` (the int8 model runs one text per run),
    per request for OpenAI, and per call from llama-index. Kept small because
    onnxruntime keeps buffers sized for its widest batch."""
    ingest_batch: int = 256
    """Chunks embedded and written to Chroma together, across files."""
    chunk_tokens: int = 128
    """Largest chunk in tiktoken (cl100k_base) tokens; chunks also stay under 256 wordpieces."""
    chunk_overlap: int = 32
    """Tokens of trailing sentences repeated at the start of the next chunk."""
    max_file_mb: float = 10.0
    """Larger files are skipped with a reason (0: no limit); 10 MB of text embeds in ~15 min."""
    top_k: int = 5
    dense_weight: float = 0.5
    """Share of the dense ranking in hybrid fusion; the rest goes to BM25."""
    llm: str | None = None
    """``local`` (bundled), ``openai``, ``compatible`` or ``extractive``; unset: ``compatible``
    when a base URL is configured, else ``local``."""
    model: str | None = None
    """Model name for ``openai`` (default gpt-4o-mini) or ``compatible`` servers."""
    llm_base_url: str | None = None
    local_model: str | None = None
    """The local model (``--model``): a tier from `rag models` (default ``qwen-1.5b``),
    a .gguf file, or ``hf:owner/repo/file.gguf[@revision][#sha256=HEX]``."""
    llm_timeout: float = 60.0
    llm_retries: int = 2
    cache_dir: Path = Path.home() / ".cache" / "rag"
    """Where the bundled model's parts are joined, and the int8 embedding model built, once."""
    gate: float = 0.37
    """Below this cosine similarity of the best passage or sentence, abstain without
    calling the model.

    Set from outside data: the highest value that loses at most 1% of answerable
    squad2-open questions with the fp32 model (with the int8 build it loses 2 of 150);
    checked on the seed set (no answerable question below it, 7 of 15 unanswerable ones)."""
    support: float = 0.6
    """Share of a sentence's content words a passage must hold to be offered as its
    citation when the model cited none that states it (the verifier then decides)."""
    verifier: str = "qwen-1.5b"
    """Who decides that a passage states a sentence: ``qwen-1.5b`` (bundled judge),
    ``qwen-0.5b`` (smaller, weaker) or ``overlap`` (shared words; fooled by rewording)."""
    verify_threshold: float = 0.0
    """p(yes) the judge must reach; 0 means the tier's measured default (rag/models/judge.py)."""
    answerable_threshold: float = 0.45
    """p(the passages answer the question) the judge must give before a model is asked;
    0 turns the answerability judge off. Chosen on the seed set and squad2-open together
    (docs/how-answers-work.md, "Honest abstention")."""
    quote_threshold: float = 0.6
    """p(this sentence answers the question) a sentence needs to be quoted when the
    model's answer did not survive; 0 quotes the best sentences unjudged. The highest
    value losing at most 2% of answerable questions on squad2-open and on the seed set
    (docs/how-answers-work.md, "Honest abstention")."""
    context_passages: int = 4
    """Retrieved passages whose sentences are candidates for the model's context."""
    context_sentences: int = 4
    """Best sentences given to the model. Reading them is most of an answer's time on a
    CPU: 4 instead of 6 cut the seed set's p50 by about 2 s and held the gold answer for
    all but 2 of 150 squad2-open questions that 6 held (README, "Why the citations can
    be trusted")."""
    max_answer_tokens: int = 160
    extract_sentences: int = 2
    """Sentences quoted by the extractive mode."""
    warm_idle: float = 300.0
    """Seconds a warm engine (rag/warm.py) keeps the models loaded after a `rag ask` or
    `rag search`, for the next one; 0 answers every command in its own process."""
    openai_api_key: str | None = field(default=None, repr=False)

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
            "llm": "RAG_LLM",
            "model": "RAG_MODEL",
            "llm_base_url": "RAG_LLM_BASE_URL",
            "local_model": "RAG_LOCAL_MODEL",
            "llm_timeout": "RAG_LLM_TIMEOUT",
            "llm_retries": "RAG_LLM_RETRIES",
            "cache_dir": "RAG_CACHE_DIR",
            "gate": "RAG_GATE",
            "support": "RAG_SUPPORT",
            "verifier": "RAG_VERIFIER",
            "verify_threshold": "RAG_VERIFY_THRESHOLD",
            "answerable_threshold": "RAG_ANSWERABLE_THRESHOLD",
            "quote_threshold": "RAG_QUOTE_THRESHOLD",
            "max_file_mb": "RAG_MAX_FILE_MB",
            "ingest_batch": "RAG_INGEST_BATCH",
            "context_passages": "RAG_CONTEXT_PASSAGES",
            "context_sentences": "RAG_CONTEXT_SENTENCES",
            "warm_idle": "RAG_WARM_IDLE",
            "openai_api_key": "OPENAI_API_KEY",
        }
        for name, var in mapping.items():
            if env.get(var):
                values[name] = env[var]
        if "llm_base_url" not in values and env.get("OPENAI_BASE_URL"):
            values["llm_base_url"] = env["OPENAI_BASE_URL"]
        if env.get("XDG_CACHE_HOME") and "cache_dir" not in values:
            values["cache_dir"] = Path(env["XDG_CACHE_HOME"]) / "rag"
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls()._with(values)

    def resolved_llm(self) -> str:
        """The provider in effect."""
        return self.llm or ("compatible" if self.llm_base_url else "local")

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
