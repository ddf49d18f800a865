"""The one draft answer that every stage of answering reads and amends, in order.

evidence -> gate -> answerable -> written -> verify (rag/verify/) -> choose -> Answer
(pipeline), each a module of rag/answer/. Document-level questions (route) are composed
by summary instead of evidence..written.
Each policy lives in its stage; the draft only carries what they decided.
"""

import time
from dataclasses import dataclass, field

from rag.index.retrieve import Passage
from rag.verify.cite import ABSTAIN_SENTINEL, Citation, Sentence


@dataclass
class Draft:
    question: str
    search_query: str
    started: float = field(default_factory=time.perf_counter)
    ranked: list[tuple[Passage, float]] = field(default_factory=list)
    """Sentences of the retrieved passages as Passages, best first, with their cosine."""
    chunks: dict[str, Passage] = field(default_factory=dict)  # retrieved, by chunk id
    confidence: float = 0.0  # best cosine of a passage or sentence with the question
    answerable: float | None = None  # the judge's p(the context answers), when asked
    context: list[Passage] = field(default_factory=list)  # what the model saw, numbered
    raw: str = ""  # the model's text (or the quotes), markers included
    llm: dict = field(default_factory=dict)  # provider and model that wrote ``raw``
    usage: dict = field(default_factory=dict)
    note: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    checked: list[Sentence] = field(default_factory=list)  # as written, with verdicts
    marks: dict[str, float] = field(default_factory=dict)  # stage -> when it ended

    def abstain(self, note: str | None = None) -> None:
        """The answer will say the documents do not answer: no sentence is kept, even
        one verified before (the quoted fallback abstains after the model's answer)."""
        self.raw, self.note = ABSTAIN_SENTINEL, note
        self.sentences, self.citations = [], []

    def add_note(self, text: str) -> None:
        self.note = f"{self.note} {text}" if self.note else text

    def mark(self, stage: str) -> None:
        self.marks[stage] = time.perf_counter()

    def timings_ms(self) -> dict[str, float]:
        """Milliseconds spent in each stage, in order, and in all."""
        out, last = {}, self.started
        for stage, at in self.marks.items():
            out[stage] = round((at - last) * 1000, 1)
            last = at
        out["total"] = round((last - self.started) * 1000, 1)
        return out
