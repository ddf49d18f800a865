"""One settings object: defaults < RAG_* / OPENAI_* environment < explicit arguments.

Nothing else in the package reads the environment, so every other module can be
read and tested with plain arguments.
"""

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from rag.errors import RagError

# The settings' groups, in the order docs/configuration.md lists them.
GROUPS = {
    "store": "Store: where documents are kept, and how they are cut into chunks",
    "retrieval": "Retrieval: the embedding model and how passages are found",
    "answer": "Answering: when to abstain, what the model reads and writes",
    "verify": "Verification: who decides that a passage states a sentence",
    "models": "Models: which model writes, where models live",
}


def _setting(default: object, group: str, env: str | None, help: str, **more: Any) -> Any:
    """A settings field: its group (one of GROUPS), environment variable (None: set from
    Python only), what it trades, and where known its CLI ``flag`` and the data it was
    ``chosen_on``. ``shown=False`` keeps it out of the repr (a key)."""
    shown = more.pop("shown", True)
    metadata = {"group": group, "env": env, "help": help, **more}
    return field(default=default, repr=shown, metadata=metadata)


@dataclass(frozen=True)
class Settings:
    """Everything a user can tune, grouped (GROUPS); each field says its environment
    variable, CLI flag and what it trades (docs/configuration.md is made from them)."""

    # ---------------------------------------------------------------- store
    store: Path = _setting(
        Path(".rag"),
        "store",
        "RAG_STORE",
        "Embedded Chroma folder (ignored when ``chroma_url`` is set).",
        flag="--store",
    )
    chroma_url: str | None = _setting(
        None,
        "store",
        "RAG_CHROMA_URL",
        "A Chroma server, e.g. ``http://127.0.0.1:8000``, when one machine is not enough.",
    )
    collection: str = _setting(
        "rag",
        "store",
        "RAG_COLLECTION",
        "The Chroma collection of the chunks (``<collection>_files`` holds each file's record).",
    )
    chunk_tokens: int = _setting(
        128,
        "store",
        "RAG_CHUNK_TOKENS",
        "Largest chunk in tiktoken (cl100k_base) tokens; chunks also stay under 256 wordpieces.",
    )
    chunk_overlap: int = _setting(
        32,
        "store",
        "RAG_CHUNK_OVERLAP",
        "Tokens of trailing sentences repeated at the start of the next chunk.",
    )
    max_file_mb: float = _setting(
        10.0,
        "store",
        "RAG_MAX_FILE_MB",
        "Larger files are skipped with a reason (0: no limit); 10 MB of text embeds in ~15 min.",
    )
    ingest_batch: int = _setting(
        256,
        "store",
        "RAG_INGEST_BATCH",
        "Chunks embedded and written to Chroma together, across files.",
    )

    # ---------------------------------------------------------------- retrieval
    embed_model: str = _setting(
        "minilm",
        "retrieval",
        "RAG_EMBED_MODEL",
        "``minilm`` (bundled, offline, real int8), ``minilm-fp32`` (the shipped model as it is) or"
        " ``openai:<model>`` (e.g. text-embedding-3-small).",
    )
    embed_threads: int = _setting(
        0,
        "retrieval",
        "RAG_THREADS",
        "Parallel runs of the embedding model, one core each; 0 means every core.",
    )
    embed_batch: int = _setting(
        8,
        "retrieval",
        "RAG_EMBED_BATCH",
        "Texts per forward pass for ``minilm-fp32`` (the int8 model runs one text per run), per "
        "request for OpenAI, and per call from llama-index. Kept small because onnxruntime keeps "
        "buffers sized for its widest batch.",
    )
    top_k: int = _setting(
        5,
        "retrieval",
        "RAG_TOP_K",
        "Passages retrieved for a question (``rag search`` takes its own ``-k``).",
    )
    dense_weight: float = _setting(
        0.5,
        "retrieval",
        "RAG_DENSE_WEIGHT",
        "Share of the dense ranking in hybrid fusion; the rest goes to BM25.",
        chosen_on="squad2-open and HaluEval: the untuned midpoint, kept because the weights chosen"
        " by cross-validation stay within 0.5-0.7 (docs/results.md)",
    )

    # ---------------------------------------------------------------- answer
    gate: float = _setting(
        0.37,
        "answer",
        "RAG_GATE",
        "Below this cosine similarity of the best passage or sentence, abstain without calling the"
        " model.",
        chosen_on="squad2-open (outside data): the highest value that loses at most 1% of its "
        "answerable questions with the fp32 model (with the int8 build it loses 2 of 150); checked"
        " on the seed set (no answerable question below it, 7 of 15 unanswerable ones)",
    )
    context_passages: int = _setting(
        5,
        "answer",
        "RAG_CONTEXT_PASSAGES",
        "Retrieved passages whose sentences are candidates for the model's context.",
        chosen_on="leave-one-set-out with RAG_CONTEXT_TOKENS over six sets (3, 4 or 5): every "
        "fold picked 5 (docs/how-answers-work.md)",
    )
    context_tokens: int = _setting(
        175,
        "answer",
        "RAG_CONTEXT_TOKENS",
        "Tokens of best sentences given to the model (the best one always). Reading them is "
        "most of an answer's time on a CPU.",
        chosen_on="gold in context over six sets, 150 or 175 (with the best sentence's next "
        "one read after it): 175 holds it more often on five and as often on the sixth, for "
        "about 0.4 s more per answer; 200 had cost citation precision (docs/how-answers-work.md)",
    )
    answerable_threshold: float = _setting(
        0.45,
        "answer",
        "RAG_ANSWERABLE_THRESHOLD",
        "p(the passages answer the question) the judge must give before a model is asked; 0 turns "
        "the answerability judge off.",
        chosen_on="leave-one-set-out over seed, pallets-docs, python-docs, pdf-manual and "
        "licenses (STR-EM plus abstention F1, 0.1 to 0.8): 0.45 in three folds, 0.5 and 0.55 "
        'in the others (docs/how-answers-work.md, "Honest abstention")',
    )
    quote_threshold: float = _setting(
        0.6,
        "answer",
        "RAG_QUOTE_THRESHOLD",
        "p(this sentence answers the question) a sentence needs to be quoted when the model's "
        "answer did not survive; 0 quotes the best sentences unjudged.",
        chosen_on="squad2-open and the seed set: the highest value losing at most 2% of answerable"
        ' questions on both (docs/how-answers-work.md, "Honest abstention")',
    )
    max_answer_tokens: int = _setting(
        160,
        "answer",
        None,
        "Most tokens the model may write for one answer.",
    )
    extract_sentences: int = _setting(
        2,
        "answer",
        None,
        "Sentences quoted by the extractive mode.",
    )

    # ---------------------------------------------------------------- verify
    verifier: str = _setting(
        "qwen-1.5b",
        "verify",
        "RAG_VERIFIER",
        "Who decides that a passage states a sentence: ``qwen-1.5b`` (bundled judge), "
        "``qwen-0.5b`` (smaller, weaker) or ``overlap`` (shared words; fooled by rewording).",
    )
    verify_threshold: float = _setting(
        0.0,
        "verify",
        "RAG_VERIFY_THRESHOLD",
        "p(yes) the judge must reach; 0 means the tier's measured default (rag/thresholds.py).",
        chosen_on="the tiers' defaults: evals/datasets/claims, the highest p(yes) keeping recall "
        "at 0.85 or more (docs/how-answers-work.md); held out over five answer sets, 0.8 in "
        "three folds and 0.75 in two (docs/results.md)",
    )
    checked_sentences: int = _setting(
        2,
        "verify",
        "RAG_CHECKED_SENTENCES",
        "Sentences of a model's answer that are checked and may be shown; the model is asked "
        "for one or two, and each sentence after them is left out unchecked.",
        chosen_on="11 stored full runs over six sets (25 answers of three or more sentences): "
        "no right answer was only in a sentence after the second, and each such sentence cost "
        "about 1.5 s to check (docs/how-answers-work.md); 1, run in full on the six sets, "
        "brought p95 under 10 s on each (0.2-2.3 s less) and moved p50 by at most 0.3 s, for two "
        "fewer right answers in 389 (docs/results.md)",
    )
    support: float = _setting(
        0.3,
        "verify",
        "RAG_SUPPORT",
        "Share of a sentence's content words a passage must hold to be offered as its citation "
        "when the model cited none that states it (the verifier then decides).",
        chosen_on="stored pallets-docs and python-docs reports replayed at 0.2, 0.3 and 0.6: "
        "0.2 and 0.3 found the same 3 right answers, 0.6 none; no unanswerable question "
        "answered (docs/how-answers-work.md)",
    )

    # ---------------------------------------------------------------- models
    llm: str | None = _setting(
        None,
        "models",
        "RAG_LLM",
        "``local`` (bundled), ``openai``, ``compatible`` or ``extractive``; unset: ``compatible`` "
        "when a base URL is configured, else ``local``.",
        flag="--llm",
    )
    model: str | None = _setting(
        None,
        "models",
        "RAG_MODEL",
        "Model name for ``openai`` (default gpt-4o-mini) or ``compatible`` servers.",
    )
    llm_base_url: str | None = _setting(
        None,
        "models",
        "RAG_LLM_BASE_URL",
        "An OpenAI-compatible server (``compatible``; also used by ``openai:`` embeddings); unset:"
        " ``OPENAI_BASE_URL``.",
    )
    local_model: str | None = _setting(
        None,
        "models",
        "RAG_LOCAL_MODEL",
        "The local model (``--model``): a tier from `rag models` (default ``qwen-1.5b``), a .gguf "
        "file, or ``hf:owner/repo/file.gguf[@revision][#sha256=HEX]``.",
        flag="--model",
    )
    llm_timeout: float = _setting(
        60.0,
        "models",
        "RAG_LLM_TIMEOUT",
        "Seconds a request to the chat model may take.",
    )
    llm_retries: int = _setting(
        2,
        "models",
        "RAG_LLM_RETRIES",
        "Times a failed request to the chat model is tried again.",
    )
    openai_api_key: str | None = _setting(
        None,
        "models",
        "OPENAI_API_KEY",
        "The key for ``openai`` (and ``openai:`` embeddings, or a ``compatible`` server that wants"
        " one).",
        shown=False,
    )
    cache_dir: Path = _setting(
        Path.home() / ".cache" / "rag",
        "models",
        "RAG_CACHE_DIR",
        "Where the bundled model's parts are joined, and the int8 embedding model built, once; "
        "unset: ``$XDG_CACHE_HOME/rag`` when that is set.",
    )
    warm_idle: float = _setting(
        300.0,
        "models",
        "RAG_WARM_IDLE",
        "Seconds a warm engine (rag/warm.py) keeps the models loaded after a `rag ask` or `rag "
        "search`, for the next one; 0 answers every command in its own process.",
    )

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Build settings from the environment, then apply non-None ``overrides``."""
        env = os.environ
        values: dict[str, object] = {}
        mapping = {f.name: f.metadata["env"] for f in fields(cls) if f.metadata["env"]}
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


def markdown_table() -> str:
    """The configuration reference, docs/configuration.md: one table per group."""
    lines = [
        "# Configuration",
        "",
        "Generated by `python -m rag.settings > docs/configuration.md` from rag/settings.py.",
        "",
        "Defaults < environment < command-line flags (and the arguments of `Settings` and",
        "`Assistant` in Python, which take the same names). The tuned numbers that are not",
        "settings are in rag/thresholds.py, each with the data it was chosen on.",
    ]
    for group, title in GROUPS.items():
        lines += [
            "",
            f"## {title}",
            "",
            "| setting | environment variable | CLI flag | default | what it trades | chosen on |",
            "|---|---|---|---|---|---|",
        ]
        for f in fields(Settings):
            meta = f.metadata
            if meta["group"] != group:
                continue
            cells = [
                f"`{f.name}`",
                f"`{meta['env']}`" if meta["env"] else "none (Python only)",
                f"`{meta['flag']}`" if meta.get("flag") else "",
                _shown(f.default),
                meta["help"],
                meta.get("chosen_on", ""),
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _shown(default: object) -> str:
    """A default as the reference shows it: the home folder as ``~``, None as unset."""
    if default is None:
        return "unset"
    if isinstance(default, Path) and default.is_relative_to(Path.home()):
        return f"`~/{default.relative_to(Path.home()).as_posix()}`"
    return f"`{default}`"


def _cell(text: str) -> str:
    return text.replace("``", "`").replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    print(markdown_table(), end="")
