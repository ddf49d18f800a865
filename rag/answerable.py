"""The answerability judge: do the retrieved sentences answer the question at all?

The retrieval gate only says that something close to the question was found; a
passage about the summit does not say where the summit will be held. Asked "do the
passages contain the answer?", the bundled 1.5B judge separates answerable from
unanswerable questions far better (AUC 0.95 on the seed set, 0.80 on squad2-open,
against 0.84 and 0.64 for the gate's cosine: README, "Honest abstention"). Below the
threshold the draft abstains before any model writes, and the closest sentences are
kept as ``related``, labelled as not answering.
"""

from rag import prompts
from rag.draft import Draft
from rag.verify import Judge


def check(draft: Draft, judge: Judge | None, threshold: float) -> bool:
    """True when a model should be asked; otherwise the draft abstains.

    Without a judge (the ``overlap`` verifier tier) or with threshold 0 every question
    that passed the gate is answered."""
    if judge is None or threshold <= 0:
        return True
    numbered = "\n".join(f"[{i}] {p.text}" for i, p in enumerate(draft.context, 1))
    draft.answerable = judge.p_yes(
        prompts.load("answerable_system"),
        prompts.render("answerable", passages=numbered, question=draft.question),
    )
    if draft.answerable >= threshold:
        return True
    draft.abstain(prompts.load("not_answered"))
    return False
