"""The gate before generation: abstain without asking a model when it cannot answer."""

from rag import prompts
from rag.answer import expect
from rag.answer.evidence import Evidence, Refusal
from rag.text.names import names
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


def refusal(evidence: Evidence, gate: float) -> Refusal | None:
    """None when a writer should be asked; otherwise why the answer abstains.

    Below the retrieval gate nothing in the documents is close to the question. A
    question that asks for a number, date or share that no context sentence holds
    cannot be answered from these passages by any model, so none is asked.
    """
    if not passes(evidence, gate):
        return Refusal()
    if not any(expect.gives_kind(evidence.question, unit.text) for unit in evidence.context):
        return Refusal(kind_missing(evidence.question))
    return None
