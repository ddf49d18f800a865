"""`rag eval`: ingest a dataset into a store, ask every question, score every system."""

import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from rag.assistant import Assistant
from rag.errors import RagError
from rag.models.judge import make_verifier
from rag.settings import Settings
from rag.thresholds import OVERLAP_SHARE
from rag_evals.data import load_questions
from rag_evals.metrics import Grader, Outcome, failed, overlap_grader, score
from rag_evals.systems import LlamaIndexBaseline, Ours, System

Step = Callable[[str, int, int], None]  # (system name, done, total)


@dataclass
class EvalRun:
    """Scores per system (``ours`` first), and every outcome, for the report."""

    dataset: dict
    config: dict
    metrics: dict[str, dict[str, float]]
    outcomes: dict[str, list[Outcome]]
    grader: Grader
    ingest: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """``--json``: ours alone as a flat object, or ``{"ours": ..., "baseline": ...}``."""
        if len(self.metrics) == 1:
            return self.metrics["ours"]
        return {"ours": self.metrics["ours"], "baseline": self.metrics["llama-index"]}

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "config": self.config,
            "ingest": self.ingest,
            "metrics": self.metrics,
            "questions": {
                name: [{**asdict(o), "failed": failed(o, self.grader)} for o in outcomes]
                for name, outcomes in self.outcomes.items()
            },
        }


JUDGE = "qwen-1.5b"  # the verifier tier that grades citations in every eval run


def citation_grader(settings: Settings) -> Grader:
    """The judge that grades citations: the bundled 1.5B model, whatever answered."""
    verifier = make_verifier(replace(settings, verifier=JUDGE, verify_threshold=0.0))
    return Grader(
        f"{JUDGE} judge", lambda q, s, c, b, h: verifier.check(q, s, c, b, section=h).supported
    )


def run_eval(
    docs: Path,
    questions_file: Path,
    *,
    store: Path | None = None,
    limit: int | None = None,
    baseline: bool = False,
    step: Step | None = None,
    **overrides: object,
) -> EvalRun:
    """Evaluate on ``docs`` + ``questions_file``; ``overrides`` are Settings fields."""
    if not Path(docs).is_dir():
        raise RagError(f"--docs {docs} is not a folder")
    questions = load_questions(questions_file)[:limit]
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
        assistant = Assistant(store=store or Path(tmp) / "store", **overrides)
        report = assistant.ingest([docs])
        systems: list[System] = [Ours(assistant)]
        if baseline:
            systems.append(LlamaIndexBaseline(assistant, Path(docs)))
        outcomes: dict[str, list[Outcome]] = {}
        for system in systems:
            results = outcomes[system.name] = []
            for i, question in enumerate(questions):
                results.append(system.run(question))
                if step:
                    step(system.name, i + 1, len(questions))
        s = assistant.settings
        llm = assistant.llm
        grader = citation_grader(s)
        overlap = overlap_grader(OVERLAP_SHARE)
        metrics = {name: score(results, grader, overlap) for name, results in outcomes.items()}
    return EvalRun(
        dataset={"docs": str(docs), "questions": str(questions_file), "n": len(questions)},
        config={
            "llm": llm.provider if llm else "extractive",
            "model": llm.model if llm else None,
            "embed_model": s.embed_model,
            "chunk_tokens": s.chunk_tokens,
            "top_k": s.top_k,
            "gate": s.gate,
            "verifier": s.verifier,
            "citation_judge": grader.name,
        },
        metrics=metrics,
        outcomes=outcomes,
        grader=grader,
        ingest=report.to_dict(),
    )
