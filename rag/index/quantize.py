"""Real int8 inference for the bundled MiniLM: built once from the shipped model, cached.

The shipped ONNX stores int8 weights but casts them back to fp32 before every MatMul,
so it runs at fp32 speed. onnxruntime can run int8 MatMuls, but its dynamic
quantizer only quantizes float weights: constant folding (onnxruntime's own basic
graph optimisations) turns the Cast+Mul chains into fp32 weights first, then
``quantize_dynamic`` (per output channel: per-tensor scales moved vectors to a mean
cosine of 0.935, per-channel keeps 0.994) writes MatMulInteger weights.
Neither library offers this path as one call, hence this module.
"""

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from rag.errors import RagError
from rag.thresholds import MIN_PROBE_COSINE

# Sentences of differing kinds: the int8 model must point each the same way as the
# model it came from before it is used (a drifted build is refused, not cached).
PROBES = (
    "Who is the special envoy sent to Moscow?",
    "The committee approved the budget on 12 March 2024 after a long debate.",
    "def parse(path): return open(path).read().split()",
    "Photosynthesis converts light energy into chemical energy stored in glucose.",
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def int8_model(
    source: Path, source_sha256: str, cache_dir: Path, check: Callable[[Path], float]
) -> Path:
    """The int8 build of ``source`` in ``cache_dir``, made on first use.

    ``check(path)`` returns the lowest cosine between the candidate's and the source
    model's vectors of :data:`PROBES`. The build is keyed by the source hash and the
    onnxruntime version (the quantizer's output depends on both) and verified by a
    sidecar sha256 on every load, so a damaged or half-written file is rebuilt.
    """
    import onnxruntime as ort

    stem = f"minilm-int8-{source_sha256[:12]}-ort{ort.__version__}"
    target, sidecar = cache_dir / f"{stem}.onnx", cache_dir / f"{stem}.sha256"
    if target.is_file() and sidecar.is_file() and sidecar.read_text().strip() == _digest(target):
        return target
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
            built = _quantize(source, Path(tmp))
            agreement = check(built)
            if agreement < MIN_PROBE_COSINE:
                raise RagError(
                    f"the int8 embedding model drifted from the original (cosine "
                    f"{agreement:.3f}); set RAG_EMBED_MODEL=minilm-fp32"
                )
            digest = _digest(built)
            os.replace(built, target)  # atomic: a concurrent builder writes the same bytes
        sidecar.write_text(digest + "\n")
    except OSError as exc:
        raise RagError(
            f"cannot build the int8 embedding model in {cache_dir} ({exc.strerror or exc}); "
            "set RAG_CACHE_DIR to a writable folder or RAG_EMBED_MODEL=minilm-fp32"
        ) from None
    return target


def _quantize(source: Path, workdir: Path) -> Path:
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folded, quantized = workdir / "fp32.onnx", workdir / "int8.onnx"
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(folded)
    ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
    logging.disable(logging.WARNING)  # its advice to pre-process is for image models
    try:
        quantize_dynamic(folded, quantized, weight_type=QuantType.QInt8, per_channel=True)
    finally:
        logging.disable(logging.NOTSET)
    return quantized
