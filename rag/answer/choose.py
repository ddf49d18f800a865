"""Which verified sentences are shown: the policy after the verifier has ruled.

A sentence is shown when the verifier found it stated by its citation, it says more
than the question did, and it is not a repeat. When nothing of a model's answer
survives past the gate, the best sentences are quoted instead; when the answer lacks
the kind the question asks for (a number, a date, a share), it abstains.
"""

from collections.abc import Callable

from rag import prompts
from rag.answer import expect
from rag.answer.draft import Draft
from rag.answer.gate import kind_missing
from rag.verify import cite
from rag.verify.cite import Sentence


def select(draft: Draft, past_gate: bool, model_wrote: bool, requote: Callable[[], None]) -> None:
    """Keep the useful sentences of ``draft``; ``requote`` replaces them with quotes."""
    question, sentences = draft.question, draft.sentences
    seen: list[frozenset[str]] = []
    useful = [  # stated, saying more than the question, and not said before
        x.supported and not cite.restates(x.text, question) and not _repeat(x.text, seen)
        for x in sentences
    ]
    # (With a note already saying why, e.g. the model failed, the quotes stand as they are.)
    if not _answers(question, sentences, useful) and past_gate and model_wrote and not draft.note:
        # Past the gate, a small model that declines, echoes the question, says
        # nothing the passages state or gives no number/date where one is asked
        # for is wrong far more often than the passages are (measured in evals/):
        # quote the best sentences instead, and say so.
        draft.note = prompts.load("quoted_instead")
        requote()
        sentences = draft.sentences
        useful = [x.supported for x in sentences]
        if not any(useful):  # no quote passed the screen and the verifier: say so, once
            draft.note = prompts.load("not_answered")
    elif useful.count(False):
        draft.add_note(prompts.render("left_out", n=useful.count(False)))
    if any(useful) and not _answers(question, sentences, useful):
        useful, draft.note = [False] * len(useful), kind_missing(question)
    draft.sentences, draft.citations = cite.keep(sentences, draft.citations, useful)


def _answers(question: str, sentences: list[Sentence], useful: list[bool]) -> bool:
    """Some sentence is useful, and together they give the kind of answer asked for."""
    kept = " ".join(x.text for x, u in zip(sentences, useful, strict=True) if u)
    return bool(kept) and expect.gives_kind(question, kept)


def _repeat(text: str, seen: list[frozenset[str]]) -> bool:
    """True when the sentence adds little to one said before.

    Small models restate a sentence with a title or a name added ("Putin has long said
    X." then "President Vladimir V. Putin has long said X."): when 80% of its content
    words were in an earlier sentence, it is a repeat. A longer sentence that adds
    facts to a short earlier one is not.
    """
    terms = cite.content_terms(text)
    for earlier in seen:
        if len(terms & earlier) >= 0.8 * max(len(terms), 1):
            return True
    seen.append(terms)
    return False
