"""The answerability judge: do the retrieved sentences answer the question at all?

The retrieval gate only says that something close to the question was found; a
passage about the summit does not say where the summit will be held. Asked "do the
passages contain the answer?", the bundled 1.5B judge separates answerable from
unanswerable questions far better than the gate's cosine (docs/how-answers-work.md,
"Honest abstention"). It is asked in the answer's own prompt (system message, passages,
question) with only the last line changed, so that llama.cpp reuses its read of that
prefix when the answer is written: that halves a model-written answer's time, for an
AUC of 0.92 instead of 0.95 on the seed set. Below the threshold the answer abstains
before any model writes, and the closest sentences are kept as ``related``, labelled
as not answering.

The same judge also screens the quoted fallback (:func:`quotes`): when the model's
answer did not survive, each best sentence is asked about on its own, "does the
passage answer the question?". A passage that shares the question's subject but not
its answer scores lower alone than among five others: on squad2-open's fallbacks this
per-sentence score separated answerable from unanswerable questions at AUC 0.81,
against 0.59 for the whole-context score that had let them through (docs/how-answers-work.md,
"Honest abstention").
"""

from rag import prompts
from rag.answer.written import messages
from rag.index.retrieve import Passage
from rag.ingest.headings import document_name, headed
from rag.text.sentences import flat
from rag.verify.verifier import Judge


def p_answers(question: str, context: list[Passage], judge: Judge) -> float:
    """The judge's p(the context answers the question), asked in the answer's own prompt."""
    (_, system), (_, user) = messages(question, context, task="answerable")
    return judge.p_yes(system, user)


def scores(
    question: str, units: list[Passage], judge: Judge | None, threshold: float
) -> list[float | None]:
    """The judge's p(this sentence on its own answers the question), per sentence; None
    for each when nothing is screened (no judge, or threshold 0)."""
    if judge is None or threshold <= 0:
        return [None] * len(units)
    system = prompts.load("verify_system")
    return [
        judge.p_yes(
            system,
            prompts.render(
                "answers_question",
                passage=headed(flat(unit.text), unit.section, document_name(unit.source)),
                question=question,
            ),
        )
        for unit in units
    ]


def passes(p: float | None, threshold: float) -> bool:
    """A sentence may be quoted: unscreened, or the judge's ``p`` reaches ``threshold``."""
    return p is None or p >= threshold
