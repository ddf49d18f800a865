"""Evaluation datasets: a folder of documents plus a JSONL file of questions."""

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Question:
    """One question; gold fields are for scoring only, never shown to the system."""

    id: str
    question: str
    answers: list[str]
    answerable: bool
    context_doc_ids: list[str]
    evidence: str | None = None
    conversation: list[dict] = field(default_factory=list)


def load_questions(path: Path) -> list[Question]:
    questions = []
    for line_no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(
                Question(
                    id=str(row["id"]),
                    question=row["question"],
                    answers=list(row.get("answers") or []),
                    answerable=bool(row["answerable"]),
                    context_doc_ids=list(row.get("context_doc_ids") or []),
                    evidence=row.get("evidence") or row.get("evidence_sentence"),
                    conversation=list(row.get("conversation") or []),
                )
            )
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{path}:{line_no}: bad question row ({exc})") from None
    return questions
