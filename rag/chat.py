"""A conversation: keeps history and rewrites follow-ups into standalone questions."""

import re
from collections.abc import Iterator

from rag import prompts
from rag.answer import Answer, Answerer, Checking, final
from rag.llm import LLMError

_REFERS_BACK = re.compile(
    r"\b(?:he|she|it|they|him|her|his|hers|its|them|their|theirs|this|that|these|those|"
    r"there|then|the\s+same|the\s+latter|the\s+former|also|too|else|more)\b",
    re.IGNORECASE,
)


class ChatSession:
    """Ask questions in turn; each answer can lean on the ones before it."""

    def __init__(self, answerer: Answerer, max_turns: int = 4) -> None:
        self.answerer = answerer
        self.max_turns = max_turns
        self.history: list[tuple[str, str]] = []  # (question, answer)
        self.last: Answer | None = None

    def reset(self) -> None:
        self.history.clear()
        self.last = None

    def standalone(self, question: str) -> str:
        """The question with its context filled in; unchanged when there is no history.

        With a model, the model rewrites it (prompts/condense.txt); without one, or if
        the rewrite fails, the previous question is prepended for retrieval when this
        one refers back to it ("What does she say?"), and it stands alone otherwise.
        """
        if not self.history:
            return question
        refers_back = _REFERS_BACK.search(question)
        fallback = f"{self.history[-1][0]} {question}" if refers_back else question
        llm = self.answerer.llm
        if llm is None:
            return fallback
        turns = "\n".join(f"User: {q}\nAssistant: {a}" for q, a in self.history[-self.max_turns :])
        try:
            rewritten = (
                llm.complete(
                    [("user", prompts.render("condense", history=turns, question=question))],
                    max_tokens=60,
                )
                .strip()
                .splitlines()
            )
        except LLMError:
            return fallback
        return rewritten[0].strip() if rewritten and rewritten[0].strip() else fallback

    def stream(self, question: str) -> Iterator[str | Checking | Answer]:
        """Like :meth:`Answerer.stream`; the answer joins the history when it completes."""
        search = self.standalone(question)
        for item in self.answerer.stream(search):
            if isinstance(item, Answer):
                item.question = question
                self.last = item
                self.history.append((question, item.answer))
            yield item

    def ask(self, question: str) -> Answer:
        return final(self.stream(question))
