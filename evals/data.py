"""Evaluation datasets: a folder of documents plus a JSONL file of questions."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import RagError


@dataclass(frozen=True)
class Question:
    """One question; gold fields are for scoring only, never shown to the system.

    ``conversation`` holds earlier turns ({"role": "user"|"assistant", "content": ...})
    for follow-up questions; ``must_not_contain`` lists strings an injection tries to
    plant in the answer.
    """

    id: str
    question: str
    answers: list[str]
    answerable: bool
    context_doc_ids: list[str]
    evidence: str | None = None
    conversation: list[dict] = field(default_factory=list)
    must_not_contain: list[str] = field(default_factory=list)
    points: list[list[str]] = field(default_factory=list)
    """For a document-level question ("Summarize ..."): the points a good answer covers,
    each a list of phrases any one of which (normalised) shows it is covered."""


def load_questions(path: Path) -> list[Question]:
    """Parse a questions file; a bad line is a RagError naming the file and line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RagError(f"cannot read the questions file {path}: {exc}") from None
    questions = []
    for line_no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(
                Question(
                    id=str(row["id"]),
                    question=str(row["question"]),
                    answers=list(row.get("answers") or []),
                    answerable=bool(row["answerable"]),
                    context_doc_ids=list(row.get("context_doc_ids") or []),
                    evidence=row.get("evidence") or row.get("evidence_sentence"),
                    conversation=list(row.get("conversation") or []),
                    must_not_contain=list(row.get("must_not_contain") or []),
                    points=[list(p) for p in row.get("points") or []],
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise RagError(f"{path}:{line_no}: bad question row ({exc!r})") from None
    if not questions:
        raise RagError(f"{path} holds no questions")
    return questions
