"""The verifier's model: a bundled GGUF asked for one yes/no token, read as p(yes).

Tiers are named by ``RAG_VERIFIER`` from the catalogue of local models (rag/models/catalogue.py);
each has its threshold (rag/thresholds.py), measured on the hand-labelled claims in
``evals/datasets/claims`` and checked on HaluEval (docs/how-answers-work.md, "Verified claims").
The judge never depends on the answering model: it is started on 127.0.0.1 on first use.
"""

from pathlib import Path

from rag.errors import RagError
from rag.models.bundled import BundledModel, bundled_path
from rag.models.catalogue import TIERS
from rag.models.llamacpp import LocalServer
from rag.settings import Settings
from rag.verify.verifier import Verifier, p_yes_from_top


class LocalJudge:
    """p(yes) from a llama.cpp server on loopback (OpenAI API, ``logprobs``)."""

    def __init__(self, path: Path, name: str, threads: int = 0, timeout: float = 60.0) -> None:
        import openai

        self.name = name
        self._server = LocalServer.get(path, threads=threads)
        self._client = openai.OpenAI(
            base_url=self._server.base_url, api_key="local", timeout=timeout, max_retries=1
        )

    def close(self) -> None:
        self._client.close()
        self._server.release()

    def p_yes(self, system: str, user: str) -> float:
        import openai

        try:
            reply = self._client.chat.completions.create(
                model=self.name,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                max_tokens=1,
                temperature=0.0,
                logprobs=True,
                top_logprobs=10,
            )
            first = reply.choices[0].logprobs.content[0].top_logprobs
        except (openai.OpenAIError, AttributeError, IndexError, TypeError) as exc:
            raise RagError(f"the verifier model failed ({type(exc).__name__})") from None
        return p_yes_from_top([(t.token, t.logprob) for t in first])


def make_verifier(settings: Settings) -> Verifier:
    """The verifier tier named by ``settings.verifier``; its model loads on first use."""
    tier = TIERS.get(settings.verifier)
    if tier is None:
        raise RagError(f"unknown verifier {settings.verifier!r}: use {', '.join(TIERS)}")
    threshold = settings.verify_threshold if settings.verify_threshold else tier.threshold
    return Verifier(tier.model and _Lazy(tier.model, settings), threshold)


class _Lazy:
    """Joins and loads the judge's model only when a sentence first needs it: quotes
    and answers that abstain never pay for it."""

    def __init__(self, model: BundledModel, settings: Settings) -> None:
        self.name = model.name
        self._model, self._settings, self._judge = model, settings, None

    def p_yes(self, system: str, user: str) -> float:
        if self._judge is None:
            s = self._settings
            path = bundled_path(self._model, s.cache_dir / "models")
            self._judge = LocalJudge(path, self.name, threads=s.embed_threads)
        return self._judge.p_yes(system, user)

    def close(self) -> None:
        if self._judge is not None:
            self._judge.close()
            self._judge = None
