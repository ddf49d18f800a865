"""rag: answers questions about a folder of documents, only from them, with citations.

Importing the package first applies the offline guards (see :mod:`rag.offline`); the
engine behind the names below is imported on first use, so the `rag` command's help
and argument errors do not wait seconds for llama-index and Chroma.
"""

from importlib import import_module

from rag import offline as _offline  # noqa: F401  (must run before heavy imports)
from rag.errors import RagError
from rag.settings import Settings

_LAZY = {
    "Assistant": "rag.assistant",
    "IngestReport": "rag.ingest.pipeline",
    "Passage": "rag.index.retrieve",
}
__all__ = ["Assistant", "IngestReport", "Passage", "RagError", "Settings"]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
