"""The gate before generation: abstain without asking a model when it cannot answer."""

from collections.abc import Callable

from rag import prompts
from rag.answer import expect
from rag.answer.evidence import Evidence, Refusal
from rag.text.names import asked_names, names
from rag.verify.verifier import unknown_names


def passes(evidence: Evidence, gate: float) -> bool:
    """Something was retrieved, and the best passage or sentence is close enough, or
    the context names everyone and everything the question names.

    A bare "Who is Tatiana Stanovaya?" embeds far from the sentence that introduces her
    (cosine 0.36 on the seed article), yet the name itself is found; the answerability
    judge (rag/answer/answerable.py) then decides whether the sentences answer it.
    """
    if not evidence.ranked:
        return False
    if evidence.confidence >= gate:
        return True
    context = " ".join(p.text for p in evidence.context)
    return bool(names(evidence.question)) and not unknown_names(evidence.question, context)


def kind_missing(question: str) -> str:
    return prompts.render("kind_missing", kind=expect.expected_kind(question))


def not_mentioned(question: str, unknown: Callable[[list[str]], list[str]]) -> str | None:
    """Why no document can answer ``question``: it asks about a name that none of them
    holds ("How do I seed NumPy's random generator?" of the Python docs); ``unknown``
    says which of the names the store never mentions. None when all are mentioned."""
    missing: list[str] = []
    for name in unknown(asked_names(question)):
        if missing and f"{missing[-1]} {name}" in question:  # "Volodymyr Zelensky"
            missing[-1] = f"{missing[-1]} {name}"
        else:
            missing.append(name)
    if not missing:
        return None
    missing = [f'"{name}"' for name in missing]
    listed = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} or {missing[-1]}"
    return prompts.render("not_mentioned", names=listed)


def refusal(
    evidence: Evidence, gate: float, unknown: Callable[[list[str]], list[str]]
) -> Refusal | None:
    """None when a writer should be asked; otherwise why the answer abstains.

    A question about a name no document mentions is not answered by a passage that
    shares its other words (a GPL clause for "Does the WTFPL disclaim warranty?").
    Below the retrieval gate nothing in the documents is close to the question. A
    question that asks for a number, date or share that no context sentence holds
    cannot be answered from these passages by any model, so none is asked.
    """
    note = not_mentioned(evidence.question, unknown)
    if note:
        return Refusal(note)
    if not passes(evidence, gate):
        return Refusal()
    if not any(
        expect.gives_kind(evidence.question, unit.text, unit.section) for unit in evidence.context
    ):
        return Refusal(kind_missing(evidence.question))
    return None
