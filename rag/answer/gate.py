"""The gate before generation: abstain without asking a model when it cannot answer."""

from rag import prompts
from rag.answer import expect
from rag.answer.draft import Draft
from rag.text.names import names
from rag.verify.verifier import unknown_names


def passes(draft: Draft, gate: float) -> bool:
    """Something was retrieved, and the best passage or sentence is close enough, or
    the context names everyone and everything the question names.

    A bare "Who is Tatiana Stanovaya?" embeds far from the sentence that introduces her
    (cosine 0.36 on the seed article), yet the name itself is found; the answerability
    judge (rag/answer/answerable.py) then decides whether the sentences answer it.
    """
    if not draft.ranked:
        return False
    if draft.confidence >= gate:
        return True
    context = " ".join(p.text for p in draft.context)
    return bool(names(draft.question)) and not unknown_names(draft.question, context)


def kind_missing(question: str) -> str:
    return prompts.render("kind_missing", kind=expect.expected_kind(question))


def check(draft: Draft, gate: float) -> bool:
    """True when a model should be asked; otherwise the draft abstains.

    Below the retrieval gate nothing in the documents is close to the question. A
    question that asks for a number, date or share that no context sentence holds
    cannot be answered from these passages by any model, so none is asked.
    """
    if not passes(draft, gate):
        draft.abstain()
        return False
    if not any(expect.gives_kind(draft.question, unit.text) for unit in draft.context):
        draft.abstain(kind_missing(draft.question))
        return False
    return True
