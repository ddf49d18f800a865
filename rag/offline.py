"""Process-wide guards that keep the stack offline; imported before any heavy library.

tiktoken downloads its encodings, onnxruntime and Chroma send telemetry, and NLTK
downloads data unless told where the local copies are. Every setting here uses
``setdefault`` so a user can still point them elsewhere on purpose.
"""

import importlib.util
import os
from pathlib import Path


def _llama_index_static() -> Path | None:
    """The data folder llama-index-core ships (tiktoken encodings, NLTK punkt/stopwords)."""
    spec = importlib.util.find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "_static"


def apply() -> None:
    """Set the environment before tiktoken, onnxruntime, chromadb or nltk are imported."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    static = _llama_index_static()
    if static is not None:
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(static / "tiktoken_cache"))
        os.environ.setdefault("NLTK_DATA", str(static / "nltk_cache"))


apply()
