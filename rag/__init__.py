"""rag: answers questions about a folder of documents, only from them, with citations.

Importing the package first applies the offline guards (see :mod:`rag.offline`).
"""

from rag import offline as _offline  # noqa: F401  (must run before heavy imports)
from rag.assistant import Assistant
from rag.errors import RagError
from rag.ingest import IngestReport
from rag.retrieve import Passage
from rag.settings import Settings

__all__ = ["Assistant", "IngestReport", "Passage", "RagError", "Settings"]
