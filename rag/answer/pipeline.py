"""Answering: one :class:`Draft` through retrieve -> gate -> generate -> verify -> select.

A question about a whole document ("Summarize the article", rag/answer/route.py) skips
retrieval, the gate and the model: its representative sentences are quoted
(rag/answer/summary.py). "Who is X?" answered by a phrase set beside X's name is written
from it (rag/answer/who_is.py). Both are then verified and selected like any answer.

Each stage is a module of its own (see rag/answer/draft.py); this one runs them in order and
turns the finished draft into the :class:`Answer` that `rag ask` and Python callers see.
"""

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from rag import prompts
from rag.answer import answerable, gate, guard, summary, who_is
from rag.answer.choose import select
from rag.answer.draft import Draft
from rag.answer.evidence import Embed, rank_sentences
from rag.answer.route import route
from rag.answer.written import generate, quote
from rag.index.retrieve import Passage, Retriever
from rag.models.llm import ChatLLM
from rag.settings import Settings
from rag.verify import cite
from rag.verify.cite import Citation, Sentence
from rag.verify.verifier import Verifier

RELATED = 2  # closest sentences listed (as not answering) when the answer abstains


@dataclass
class Answer:
    """A checked answer. ``passages`` (what the model saw) is kept out of ``to_dict``."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    sentences: list[Sentence]
    llm: dict
    timings_ms: dict
    usage: dict = field(default_factory=dict)
    note: str | None = None
    search_query: str = ""  # what was searched: the question, or its standalone rewrite
    related: list[dict] = field(default_factory=list)
    """When abstaining after retrieval: the closest sentences, which do not answer."""
    answerable: float | None = None  # the answerability judge's p(yes), when it was asked
    checked: list[dict] = field(default_factory=list)
    """Every sentence the model (or the quoting fallback) wrote, with the verifier's
    verdict (``supported``, ``score``, ``check``) and whether it is ``shown``."""
    passages: list[Passage] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("passages")
        return data


@dataclass(frozen=True)
class Checking:
    """Yielded by :meth:`Answerer.stream` once the model is done and its ``claims``
    sentences are being verified, so that a terminal can say so instead of going quiet."""

    claims: int


def final(stream: Iterator[str | Checking | Answer]) -> Answer:
    """Run a stream of text pieces to its end and return the Answer it closes with."""
    *_, last = stream
    assert isinstance(last, Answer)
    return last


class Answerer:
    """Produces :class:`Answer` objects; safe to share between threads."""

    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        embed: Embed,
        llm: ChatLLM | None,
        verifier: Verifier,
    ):
        self.settings = settings
        self.retriever = retriever
        self.embed = embed
        self.llm = llm
        self.verifier = verifier  # independent of ``llm``: the answering model has no say

    def ask(self, question: str, search_query: str | None = None) -> Answer:
        return final(self.stream(question, search_query))

    def stream(
        self, question: str, search_query: str | None = None
    ) -> Iterator[str | Checking | Answer]:
        """Yield text pieces as the model writes them, a Checking notice, then the Answer."""
        s = self.settings
        question, instructions = guard.question_only(question)  # "... Ignore the passages."
        draft = Draft(question, search_query or question)
        kind = route(question)
        draft.llm = {
            "provider": self.llm.provider if self.llm else "extractive",
            "model": self.llm.model if self.llm else None,
        }
        composed = kind != "fact"  # written by the application from the documents' words
        if composed:  # about a whole document: no one passage answers it
            summary.compose(draft, kind, self.retriever, self.embed, s.top_k)
            draft.mark("retrieve")
        else:
            self._retrieve(draft)
            if gate.check(draft, s.gate):
                composed = who_is.compose(draft)  # "Who is X?" in the documents' words
                if not composed and answerable.check(
                    draft, self.verifier.judge, s.answerable_threshold
                ):
                    yield from generate(draft, self.llm, s.max_answer_tokens, s.extract_sentences)
        if composed:
            draft.llm = {"provider": "extractive", "model": None}
        model_writes = self.llm is not None and not composed
        draft.mark("generate")
        if not cite.is_abstention(draft.raw):
            if model_writes:
                yield Checking(len(cite.claims(draft.raw)))
            self._verify(draft, composed=composed)
            draft.checked = list(draft.sentences)

        def requote() -> None:
            quote(draft, s.extract_sentences)
            if answerable.quotes(draft, self.verifier.judge, s.quote_threshold):
                self._verify(draft)

        select(draft, model_writes and gate.passes(draft, s.gate), model_writes, requote)
        for text in instructions:
            draft.add_note(prompts.render("instruction_left_out", text=text))
        draft.mark("verify")
        yield self._answer(draft)

    def _retrieve(self, draft: Draft) -> None:
        """The passages for the question, their sentences ranked, the model's context."""
        s = self.settings
        passages, best_passage = self.retriever.retrieve(draft.search_query, s.top_k)
        draft.chunks = {p.chunk_id: p for p in passages}
        draft.ranked = rank_sentences(draft.question, passages[: s.context_passages], self.embed)
        # A short "Who is X?" matches X's passage better than any one long sentence about
        # X, and a sentence can stand out in a passage about other things: either counts.
        draft.confidence = max([best_passage] + [cosine for _, cosine in draft.ranked])
        draft.context = [unit for unit, _ in draft.ranked[: s.context_sentences]]
        draft.mark("retrieve")

    def _verify(self, draft: Draft, composed: bool = False) -> None:
        draft.sentences, draft.citations = cite.verify(
            draft.raw,
            draft.context,
            draft.question,
            self.verifier,
            self.settings.support,
            before=lambda unit: _before(unit, draft.chunks.get(unit.chunk_id)),
            composed=composed,
        )

    @staticmethod
    def _answer(draft: Draft) -> Answer:
        shown = {x.text for x in draft.sentences}
        abstained = not draft.sentences
        return Answer(
            question=draft.question,
            answer=prompts.load("not_in_documents") if abstained else cite.render(draft.sentences),
            abstained=abstained,
            citations=draft.citations,
            sentences=draft.sentences,
            llm=draft.llm,
            timings_ms=draft.timings_ms(),
            usage=draft.usage,
            note=draft.note,
            search_query=draft.search_query,
            passages=draft.context,
            answerable=draft.answerable,
            related=[
                {"source": p.source, "start": p.start, "end": p.end, "page": p.page, "text": p.text}
                for p in (draft.context[:RELATED] if abstained else [])
            ],
            checked=[
                {
                    "text": x.text,
                    "supported": x.supported,
                    "score": x.score,
                    "check": x.check,
                    "shown": x.text in shown,
                }
                for x in draft.checked
            ],
        )


def _before(unit: Passage, chunk: Passage | None) -> str:
    """The text of ``chunk`` before the sentence ``unit`` taken from it."""
    if chunk is None or not chunk.start <= unit.start <= chunk.end:
        return ""
    return chunk.text[: unit.start - chunk.start]
