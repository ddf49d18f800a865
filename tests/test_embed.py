"""The bundled embedding model: the real int8 build against the model it comes from."""

import numpy as np
import pytest

from rag.errors import RagError
from rag.index.embed import MINILM_INT8_NAME, MiniLMEmbedding
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def fp32() -> MiniLMEmbedding:
    return MiniLMEmbedding()


def _sentences() -> list[str]:
    text = next(SEEDS.glob("*")).read_text()
    return [s.strip() for s in text.split(". ") if len(s.split()) > 5][:40]


def test_int8_build_is_made_once_and_agrees_with_fp32(tmp_path, fp32):
    int8 = MiniLMEmbedding(int8_cache=tmp_path)
    built = list(tmp_path.glob("minilm-int8-*.onnx"))
    assert len(built) == 1 and built[0].with_suffix(".sha256").is_file()
    assert int8.model_name == MINILM_INT8_NAME
    texts = _sentences()
    cosines = (int8.embed(texts) * fp32.embed(texts)).sum(axis=1)
    assert cosines.min() >= 0.97 and cosines.mean() >= 0.99
    # Search keeps its order: each sentence's nearest neighbour under int8 is among its
    # three nearest under fp32.
    a, b = int8.embed(texts), fp32.embed(texts)
    sa, sb = a @ a.T, b @ b.T
    np.fill_diagonal(sa, -1)
    np.fill_diagonal(sb, -1)
    top3 = np.argsort(-sb, axis=1)[:, :3]
    assert np.mean([sa[i].argmax() in top3[i] for i in range(len(texts))]) >= 0.95
    mtime = built[0].stat().st_mtime_ns
    MiniLMEmbedding(int8_cache=tmp_path)
    assert built[0].stat().st_mtime_ns == mtime  # reused, not rebuilt


def test_damaged_int8_file_is_rebuilt(tmp_path, fp32):
    MiniLMEmbedding(int8_cache=tmp_path)
    (built,) = tmp_path.glob("minilm-int8-*.onnx")
    built.write_bytes(built.read_bytes()[:1000])
    int8 = MiniLMEmbedding(int8_cache=tmp_path)
    assert built.stat().st_size > 1_000_000
    text = ["The envoy met the president in Moscow."]
    assert float((int8.embed(text) @ fp32.embed(text).T)[0, 0]) > 0.97


def test_unwritable_cache_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(RagError, match="RAG_CACHE_DIR"):
        MiniLMEmbedding(int8_cache=blocker / "cache")


def test_int8_vector_does_not_depend_on_batch_mates(tmp_path):
    # Dynamic int8 quantizes activations with one scale per run: batched with other
    # texts, a text would get another vector, and re-ingesting would change the store.
    int8 = MiniLMEmbedding(int8_cache=tmp_path, embed_batch_size=32)
    texts = _sentences()
    alone = np.stack([int8.embed([t])[0] for t in texts[:8]])
    together = int8.embed(texts)[:8]
    assert np.allclose(alone, together, atol=1e-6)


def test_text_over_the_wordpiece_limit_is_counted_as_truncated(fp32):
    before = fp32.truncated
    fp32.embed(["short text", "word " * 300])
    assert fp32.truncated - before == 1


def test_parallel_runs_give_the_vectors_of_one_run_at_a_time(tmp_path):
    texts = _sentences()
    serial = MiniLMEmbedding(threads=1, int8_cache=tmp_path).embed(texts)
    parallel = MiniLMEmbedding(threads=3, int8_cache=tmp_path).embed(texts)
    assert np.array_equal(serial, parallel)


def test_benchmark_baseline_runs_the_same_model(fp32):
    """The bench's plain llama-index wrapper (padded batches of 10) gives our vectors."""
    from rag_evals.plain_embed import PlainOnnxEmbedding

    plain = PlainOnnxEmbedding(fp32.model_file)
    texts = _sentences()[:23]  # batches of 10, 10 and 3, each padded to its longest
    vectors = np.array(plain.get_text_embedding_batch(texts))
    assert (vectors * fp32.embed(texts)).sum(axis=1).min() >= 0.9999
    assert plain.forward_seconds > 0
