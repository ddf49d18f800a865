"""The answerability judge: do the retrieved sentences answer the question at all?

The retrieval gate only says that something close to the question was found; a
passage about the summit does not say where the summit will be held. Asked "do the
passages contain the answer?", the bundled 1.5B judge separates answerable from
unanswerable questions far better than the gate's cosine (README, "Honest
abstention"). It is asked in the answer's own prompt (system message, passages,
question) with only the last line changed, so that llama.cpp reuses its read of that
prefix when the answer is written: that halves a model-written answer's time, for an
AUC of 0.92 instead of 0.95 on the seed set. Below the threshold the draft abstains
before any model writes, and the closest sentences are kept as ``related``, labelled
as not answering.

The same judge also screens the quoted fallback (:func:`quotes`): when the model's
answer did not survive, each best sentence is asked about on its own, "does the
passage answer the question?". A passage that shares the question's subject but not
its answer scores lower alone than among five others: on squad2-open's fallbacks this
per-sentence score separated answerable from unanswerable questions at AUC 0.81,
against 0.59 for the whole-context score that had let them through (README, "Honest
abstention").
"""

from rag import prompts
from rag.answer.draft import Draft
from rag.answer.written import messages, quote_units
from rag.text.sentences import flat
from rag.verify.verifier import Judge


def check(draft: Draft, judge: Judge | None, threshold: float) -> bool:
    """True when a model should be asked; otherwise the draft abstains.

    Without a judge (the ``overlap`` verifier tier) or with threshold 0 every question
    that passed the gate is answered."""
    if judge is None or threshold <= 0:
        return True
    (_, system), (_, user) = messages(draft.question, draft.context, task="answerable")
    draft.answerable = judge.p_yes(system, user)
    if draft.answerable >= threshold:
        return True
    draft.abstain(prompts.load("not_answered"))
    return False


def quotes(draft: Draft, judge: Judge | None, threshold: float) -> bool:
    """Keep the quoted sentences that on their own answer the question; True if any.

    With none left the draft abstains, and its context (the quoted sentences) becomes
    the ``related`` list, labelled as not answering."""
    if judge is None or threshold <= 0:
        return True
    system = prompts.load("verify_system")
    kept = [
        unit
        for unit in draft.context
        if judge.p_yes(
            system,
            prompts.render("answers_question", passage=flat(unit.text), question=draft.question),
        )
        >= threshold
    ]
    if not kept:
        draft.abstain(prompts.load("not_answered"))
        return False
    if len(kept) < len(draft.context):
        quote_units(draft, kept)
    return True
