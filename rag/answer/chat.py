"""A conversation: keeps history and rewrites follow-ups into standalone questions."""

import re
from collections.abc import Iterator
from contextlib import closing

from rag import prompts
from rag.answer.pipeline import Answer, Answerer, Checking, final
from rag.answer.route import route
from rag.ingest.headings import innermost, term
from rag.models.llm import LLMError
from rag.text.lexicon import DEMONSTRATIVES, THIRD_PERSON, either
from rag.text.names import names
from rag.thresholds import CHAT_TURNS, REWRITE_TOKENS, SHORT_QUESTION_WORDS

# Words that point back to the question before: any third-person form, any demonstrative.
_POINTERS = either([*(form for person in THIRD_PERSON for form in person), *DEMONSTRATIVES])
_REFERS_BACK = re.compile(
    rf"\b(?:{_POINTERS}|"
    r"there|then|the\s+same|the\s+latter|the\s+former|also|too|else|more)\b",
    re.IGNORECASE,
)
# "And Steve Witkoff?", "What about Markov?", "Why not?": a question that leans on the
# one before without a pronoun.
_ELLIPTICAL = re.compile(r"^\W*(?:and|but|or|so|what\s+about|how\s+about)\b", re.IGNORECASE)
# "And what about X?": X, to be asked what the question before asked of its subject.
_ABOUT = re.compile(
    r"^\W*(?:(?:and|but|so)\s+)?(?:(?:what|how)\s+about\s+)?(?P<x>.+?)\W*$", re.IGNORECASE
)


def needs_context(question: str) -> bool:
    """True when the question cannot be read without the conversation before it.

    A short question does ("Since when?", "Why?"), unless it asks about a whole
    document: "Summarize the article." as a third turn had been rewritten as a
    follow-up of the question before and answered with one side sentence."""
    if _REFERS_BACK.search(question) or _ELLIPTICAL.search(question):
        return True
    return len(question.split()) <= SHORT_QUESTION_WORDS and route(question) == "fact"


class ChatSession:
    """Ask questions in turn; each answer can lean on the ones before it."""

    def __init__(self, answerer: Answerer, max_turns: int = CHAT_TURNS) -> None:
        self.answerer = answerer
        self.max_turns = max_turns
        self.history: list[tuple[str, str]] = []  # (question, answer)
        self.last: Answer | None = None

    def reset(self) -> None:
        self.history.clear()
        self.last = None

    def standalone(self, question: str) -> str:
        """The question with its context filled in; unchanged when it needs none.

        A question that refers back ("What does she say?", "And Markov?") is rewritten
        by the model (prompts/condense.txt). Without a model, or when the rewrite fails
        or is not a question, the previous question is prepended instead. A question
        that stands alone is never rewritten: after a few turns the small model
        "rewrote" "What does Sergei Markov say about territory?" as "Sergei Markov says
        territory is very secondary." (another analyst's words), which was then
        answered as if it were the question.
        """
        if not self.history or not needs_context(question):
            return question
        previous = self.history[-1][0]
        swapped = _ask_of(previous, question)
        if swapped:
            return swapped
        fallback = f"{previous} {question}"
        llm = self.answerer.llm
        if llm is None:
            return fallback
        turns = "\n".join(f"User: {q}\nAssistant: {a}" for q, a in self.history[-self.max_turns :])
        try:
            rewritten = (
                llm.complete(
                    [("user", prompts.render("condense", history=turns, question=question))],
                    max_tokens=REWRITE_TOKENS,
                )
                .strip()
                .splitlines()
            )
        except LLMError:
            return fallback
        first = rewritten[0].strip() if rewritten else ""
        return first if first.rstrip("\"'”’ ").endswith("?") else fallback

    def stream(self, question: str) -> Iterator[str | Checking | Answer]:
        """Like :meth:`Answerer.stream`; the answer joins the history when it completes."""
        search = self.standalone(question)
        with closing(self.answerer.stream(search)) as items:  # closed when this one is
            for item in items:
                if isinstance(item, Answer):
                    item.question = question
                    self.last = item
                    self.history.append((search, _as_read(item)))
                yield item

    def ask(self, question: str) -> Answer:
        return final(self.stream(question))


def _as_read(answer: Answer) -> str:
    """The answer as the rewrite reads it, naming the terms its citations sit under: a
    reference page's sentence seldom names its own ("This lint is allowed by default."
    under "unescaped_backticks"), and "Is it on by default?" had been rewritten as "Is
    the lint that detects unescaped backticks on by default?", which no check could
    hold to that lint."""
    named = (term(innermost(c.section)) for c in answer.citations)
    terms = [name for name in dict.fromkeys(named) if name]
    return f"{answer.answer} (about {', '.join(terms)})" if terms else answer.answer


def _ask_of(previous: str, question: str) -> str | None:
    """The question before asked of X: "What does X say about territory?" for "And X?".

    Done by hand because the bundled model, asked to rewrite "And what about Markov?",
    answers it instead ("Markov is a senior fellow at ..."). Only when X is a name and
    the question before names someone to put X in place of."""
    if not _ELLIPTICAL.search(question):
        return None
    x = _ABOUT.match(question)
    runs = names(previous)
    if not x or not runs or [w for run in names(x["x"]) for w in run] != x["x"].split():
        return None
    subject = " ".join(runs[0])
    return previous.replace(subject, x["x"], 1) if subject in previous else None
