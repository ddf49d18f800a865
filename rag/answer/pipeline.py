"""Answering as a pipeline of writers: route -> evidence -> gate -> the route's writers in
order -> verify -> choose, stopping at the first candidate that answers, else abstaining.

The writers (rag/answer/): for a whole document, ``summary`` (its representative
sentences) or ``people`` (who it names); for a fact, ``who-is`` ("Who is X?" answered
by the phrase set beside X's name) or ``section`` ("Which section covers X?" answered
by the heading above the sentence that does), then the model (``model``, or ``quotes``
without one), then, when the model's answer does not survive the verifier, the best
sentences quoted (``fallback-quotes``). Each returns a Candidate; ``Answer.writer`` says which
one's sentences are shown.
"""

import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import asdict, dataclass, field

from rag import prompts
from rag.answer import (
    answerable,
    choose,
    expect,
    gate,
    guard,
    section,
    summary,
    who_is,
    written,
)
from rag.answer.candidate import EXTRACTIVE, Candidate, Verified, quoted
from rag.answer.evidence import Embed, Evidence, gather
from rag.answer.route import route
from rag.index.retrieve import Passage, Retriever
from rag.models.llm import ChatLLM
from rag.settings import Settings
from rag.thresholds import RELATED
from rag.verify import cite
from rag.verify.cite import Citation, Sentence
from rag.verify.verifier import Verifier


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
    writer: str | None = None  # whose sentences are shown (see this module); None: abstained
    search_query: str = ""  # what was searched: the question, or its standalone rewrite
    related: list[dict] = field(default_factory=list)
    """When abstaining after retrieval: the closest sentences, which do not answer."""
    answerable: float | None = None  # the answerability judge's p(yes), when it was asked
    checked: list[dict] = field(default_factory=list)
    """Every sentence the model (or the quoting fallback) wrote, with the verifier's
    verdict (``supported``, ``score``, ``check``) and whether it is ``shown``."""
    screened: list[dict] = field(default_factory=list)
    """When the model's answer gave way to quotes: each sentence the judge was asked
    about on its own, with its p(it answers the question) (``text``, ``p``)."""
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


@dataclass
class Outcome:
    """What the pipeline settled on: the verified candidate (None when it abstained
    before any writer), which of its sentences are shown, the note, and the context
    the answer is about (the closest passages when nothing is shown)."""

    verified: Verified | None
    keep: list[bool]
    note: str | None
    context: list[Passage]
    llm: dict
    checked: list[Sentence] = field(default_factory=list)  # the first candidate's verdicts
    screened: list[dict] = field(default_factory=list)  # the fallback's quotes, judged


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
        question, instructions = guard.question_only(question)  # "... Ignore the passages."
        clock = _Clock()
        usage: dict = {}
        outcome, p_answers = yield from self._settle(
            question, search_query or question, clock, usage
        )
        for text in instructions:
            left_out = prompts.render("instruction_left_out", text=text)
            outcome.note = choose.joined(outcome.note, left_out)
        clock.mark("verify")
        yield _answer(question, search_query or question, outcome, clock, usage, p_answers)

    def _settle(
        self, question: str, search_query: str, clock: "_Clock", usage: dict
    ) -> Generator[str | Checking, None, tuple[Outcome, float | None]]:
        """The outcome of the route's writers, and the answerability judge's p(yes)."""
        s = self.settings
        kind = route(question)
        if kind != "fact":  # about a whole document: no one passage answers it
            candidate = summary.write(question, kind, self.retriever, self.embed, s.top_k)
            clock.mark("retrieve")
            clock.mark("generate")
            if candidate is None:
                return Outcome(None, [], None, [], dict(EXTRACTIVE)), None
            return self._chosen(question, self._first(question, candidate, _nothing_before)), None
        evidence = gather(
            question,
            search_query,
            self.retriever,
            self.embed,
            s.top_k,
            s.context_passages,
            s.context_tokens,
        )
        clock.mark("retrieve")
        asked = written.asked(self.llm)
        refusal = gate.refusal(evidence, s.gate, self.retriever.unknown)
        if refusal is not None:
            clock.mark("generate")
            return Outcome(None, [], refusal.note, evidence.context, asked), None
        candidate = who_is.write(question, evidence.context) or section.write(  # their words
            question,
            evidence.best(len(evidence.ranked)),
            self.retriever.store.manifest,
            self.verifier.judge,
            s.quote_threshold,
            s.extract_sentences,
        )
        p_answers = None
        if candidate is None:
            judge = self.verifier.judge
            if judge is not None and s.answerable_threshold > 0:
                p_answers = answerable.p_answers(question, evidence.context, judge)
                if p_answers < s.answerable_threshold:
                    clock.mark("generate")
                    note = prompts.load("not_answered")
                    return Outcome(None, [], note, evidence.context, asked), p_answers
            candidate = yield from self._write(evidence, usage)
        clock.mark("generate")
        model_asked = candidate.writer in {"model", "quotes"} and self.llm is not None
        if model_asked and not cite.is_abstention(candidate.raw):
            yield Checking(min(len(cite.claims(candidate.raw)), s.checked_sentences))
        verified = self._first(question, candidate, evidence.before)
        if candidate.writer == "model":
            return self._chosen(question, verified, evidence), p_answers
        return self._chosen(question, verified), p_answers

    def _write(self, evidence: Evidence, usage: dict) -> Generator[str, None, Candidate]:
        """The model's candidate, or without a model the best sentences quoted."""
        s = self.settings
        best = evidence.best(s.extract_sentences)
        if self.llm is None:
            return quoted(best, "quotes")
        return (
            yield from written.write(
                evidence.question,
                evidence.context,
                best,
                self.llm,
                s.max_answer_tokens,
                usage,
                s.checked_sentences,
            )
        )

    def _first(
        self, question: str, candidate: Candidate, before: Callable[[Passage], str]
    ) -> Verified:
        """The first candidate verified; a model's "not in the documents" has no sentences."""
        if cite.is_abstention(candidate.raw):
            return Verified(candidate, [], [])
        return self._verify(question, candidate, before)

    def _verify(
        self, question: str, candidate: Candidate, before: Callable[[Passage], str]
    ) -> Verified:
        sentences, citations = cite.verify(
            candidate.raw,
            candidate.context,
            question,
            self.verifier,
            self.settings.support,
            before=before,
            composed=candidate.composed,
            most=self.settings.checked_sentences if candidate.writer == "model" else None,
        )
        return Verified(candidate, sentences, citations)

    def _chosen(
        self, question: str, verified: Verified, evidence: Evidence | None = None
    ) -> Outcome:
        """The sentences shown of ``verified``. With ``evidence`` (the model wrote it), an
        answer that does not survive is replaced by the best sentences, quoted."""
        first = verified
        note = verified.candidate.note
        keep = choose.useful(question, verified.sentences)
        screened: list[dict] = []
        if (
            evidence is not None
            and not note
            and not choose.answers(question, verified.sentences, keep)
        ):
            # Past the gate, a small model that declines, echoes the question, says
            # nothing the passages state or gives no number/date where one is asked
            # for is wrong far more often than the passages are (measured in evals/):
            # quote the best sentences instead, and say so.
            verified, keep, note, screened = self._fallback(
                question, evidence, verified.candidate.llm
            )
        else:
            note = choose.left_out(note, verified.sentences, keep)
        keep, note = choose.one_version(question, verified.sentences, keep, note)
        keep, note = choose.kind_given(question, verified.sentences, keep, note)
        return Outcome(
            verified,
            keep,
            note,
            # What the model read, even when its answer gave way to quotes: ``passages``
            # and the eval's gold_in_context are about the model's context.
            evidence.context if evidence is not None else verified.candidate.context,
            verified.candidate.llm,
            first.sentences,
            screened,
        )

    def _fallback(
        self, question: str, evidence: Evidence, llm: dict
    ) -> tuple[Verified, list[bool], str | None, list[dict]]:
        """The best sentences quoted, each screened on its own by the judge, verified;
        with each screened sentence's p(it answers the question).
        For a question that asks for a kind of answer (a version, a number ...), the best
        of the model's context sentences that give one: the others cannot be shown."""
        s = self.settings
        units = evidence.best(s.extract_sentences)
        if expect.expected_kind(question):
            units = evidence.typed(s.extract_sentences) or units
        p = answerable.scores(question, units, self.verifier.judge, s.quote_threshold)
        judged_units = list(zip(units, p, strict=True))
        screened = [{"text": u.text, "p": round(x, 4)} for u, x in judged_units if x is not None]
        kept = [u for u, x in judged_units if answerable.passes(x, s.quote_threshold)]
        not_answered = prompts.load("not_answered")
        if not kept:  # none answers: abstain, listing them as the closest passages
            unanswered = Verified(quoted(units, "fallback-quotes", llm=llm), [], [])
            return unanswered, [], not_answered, screened
        verified = self._verify(question, quoted(kept, "fallback-quotes", llm=llm), evidence.before)
        keep = [x.supported for x in verified.sentences]
        if not any(keep):
            return verified, keep, not_answered, screened
        # A quote the judge found to answer the question is the answer: no note says
        # otherwise. Unjudged quotes (no judge, or RAG_QUOTE_THRESHOLD 0) are flagged.
        return verified, keep, None if screened else prompts.load("quoted_instead"), screened


class _Clock:
    """When each stage ended, for ``timings_ms``."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.marks: dict[str, float] = {}

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


def _nothing_before(unit: Passage) -> str:
    return ""


def _answer(
    question: str,
    search_query: str,
    outcome: Outcome,
    clock: _Clock,
    usage: dict,
    p_answers: float | None,
) -> Answer:
    verified = outcome.verified
    sentences: list[Sentence] = []
    citations: list[Citation] = []
    if verified is not None:
        sentences, citations = cite.keep(verified.sentences, verified.citations, outcome.keep)
    shown = {x.text for x in sentences}
    abstained = not sentences
    return Answer(
        question=question,
        answer=prompts.load("not_in_documents") if abstained else cite.render(sentences),
        abstained=abstained,
        citations=citations,
        sentences=sentences,
        llm=outcome.llm,
        timings_ms=clock.timings_ms(),
        usage=usage,
        note=outcome.note,
        writer=None if abstained or verified is None else verified.candidate.writer,
        search_query=search_query,
        passages=outcome.context,
        answerable=p_answers,
        related=[
            {
                "source": p.source,
                "start": p.start,
                "end": p.end,
                "page": p.page,
                "section": p.section,
                "text": p.text,
            }
            for p in (outcome.context[:RELATED] if abstained else [])
        ],
        screened=outcome.screened,
        checked=[
            {
                "text": x.text,
                "supported": x.supported,
                "score": x.score,
                "check": x.check,
                "shown": x.text in shown,
            }
            for x in outcome.checked
        ],
    )
