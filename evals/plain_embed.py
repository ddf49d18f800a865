"""The benchmark's baseline embedder: one ONNX file run the plain llama-index way.

A plain llama-index pipeline offline has no ONNX embedding of its own that avoids
torch, so it wraps the model in a minimal ``BaseEmbedding``, as this one does:
llama-index's default batches of 10 texts in arrival order, each batch padded to
its longest text, one onnxruntime session with default options. Pooling and
truncation (256 wordpieces) are ours, so the vectors are the same model's.
"""

import time
from pathlib import Path

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from rag.index.embed import MINILM_MAX_WORDPIECES, MINILM_VOCAB, forward


class PlainOnnxEmbedding(BaseEmbedding):
    """MiniLM from ``model_file`` with llama-index's defaults and onnxruntime's."""

    forward_seconds: float = 0.0
    _session: object = PrivateAttr()
    _tokenizer: object = PrivateAttr()

    def __init__(self, model_file: Path) -> None:
        super().__init__(model_name=Path(model_file).name)
        import onnxruntime as ort
        from tokenizers import BertWordPieceTokenizer

        self._tokenizer = BertWordPieceTokenizer(str(MINILM_VOCAB), lowercase=True)
        self._tokenizer.enable_truncation(MINILM_MAX_WORDPIECES)
        self._tokenizer.enable_padding()
        self._session = ort.InferenceSession(str(model_file), providers=["CPUExecutionProvider"])

    @classmethod
    def class_name(cls) -> str:
        return "PlainOnnxEmbedding"

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        started = time.perf_counter()
        vectors = forward(self._session, ids, mask)
        self.forward_seconds += time.perf_counter() - started
        return vectors.tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._get_text_embedding(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
