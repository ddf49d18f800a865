"""Answering: retrieve -> confidence gate -> generate (or extract) -> verify citations."""

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace

from rag import cite, expect, prompts
from rag.chunk import sentence_spans
from rag.cite import Citation, Sentence
from rag.guard import addresses_assistant
from rag.llm import ChatLLM, LLMError
from rag.retrieve import Passage, Retriever
from rag.settings import Settings


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
    passages: list[Passage] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("passages")
        return data


def final(stream: Iterator[str | Answer]) -> Answer:
    """Run a stream of text pieces to its end and return the Answer it closes with."""
    *_, last = stream
    assert isinstance(last, Answer)
    return last


class Answerer:
    """Produces :class:`Answer` objects; safe to share between threads."""

    def __init__(self, settings: Settings, retriever: Retriever, embed, llm: ChatLLM | None):
        self.settings = settings
        self.retriever = retriever
        self.embed = embed  # texts -> unit vectors (numpy rows)
        self.llm = llm

    def ask(self, question: str, search_query: str | None = None) -> Answer:
        return final(self.stream(question, search_query))

    def stream(self, question: str, search_query: str | None = None) -> Iterator[str | Answer]:
        """Yield text pieces as the model writes them, then the verified Answer."""
        started = time.perf_counter()
        s = self.settings
        passages, best_passage = self.retriever.retrieve(search_query or question, s.top_k)
        ranked = self._sentences(question, passages[: s.context_passages])
        # A short "Who is X?" matches X's passage better than any one long sentence about
        # X, and a sentence can stand out in a passage about other things: either counts.
        confidence = max([best_passage] + [cosine for _, cosine in ranked])
        retrieved = time.perf_counter()
        info = {
            "provider": self.llm.provider if self.llm else "extractive",
            "model": self.llm.model if self.llm else None,
        }
        usage: dict = {}
        note = None
        # The model sees the best sentences, not whole chunks: a small model reads a short
        # focused context better, its first token comes sooner, and quotes are exact.
        context = [unit for unit, _ in ranked[: s.context_sentences]]
        if not ranked or confidence < s.gate:
            raw = cite.ABSTAIN_SENTINEL
        elif not any(expect.gives_kind(question, unit.text) for unit in context):
            # Asked for a number, date or share that no context sentence holds: no
            # model can answer from these passages, so do not ask one.
            raw, note = cite.ABSTAIN_SENTINEL, self._kind_missing(question)
        elif self.llm is None:
            raw, context = self._extract(ranked)
        else:
            pieces: list[str] = []
            try:
                for piece in self.llm.stream(
                    self._messages(question, context), max_tokens=s.max_answer_tokens, usage=usage
                ):
                    pieces.append(piece)
                    yield piece
                raw = "".join(pieces)
            except LLMError as exc:
                note = prompts.render("llm_failed", reason=str(exc))
                info = {"provider": "extractive", "model": None, "failed": str(exc)}
                raw, context = self._extract(ranked)
        sentences, citations = (
            ([], []) if cite.is_abstention(raw) else cite.verify(raw, context, s.support)
        )
        seen: list[frozenset[str]] = []
        useful = [  # supported, saying more than the question, and not said before
            x.supported and not cite.restates(x.text, question) and not _repeat(x.text, seen)
            for x in sentences
        ]
        past_gate = bool(ranked) and confidence >= s.gate
        if not _answers(question, sentences, useful) and past_gate and self.llm and not note:
            # Past the gate, a small model that declines, echoes the question, says
            # nothing the passages support or gives no number/date where one is asked
            # for is wrong far more often than the passages are (measured in evals/):
            # quote the best sentences instead, and say so.
            note = prompts.load("quoted_instead")
            raw, context = self._extract(ranked)
            sentences, citations = cite.verify(raw, context, s.support)
            useful = [x.supported for x in sentences]
        elif useful.count(False):
            left_out = prompts.render("left_out", n=useful.count(False))
            note = f"{note} {left_out}" if note else left_out
        if any(useful) and not _answers(question, sentences, useful):
            useful, note = [False] * len(useful), self._kind_missing(question)
        sentences, citations = cite.keep(sentences, citations, useful)
        generated = time.perf_counter()
        abstained = not sentences
        yield Answer(
            question=question,
            answer=prompts.load("not_in_documents") if abstained else cite.render(sentences),
            abstained=abstained,
            citations=citations,
            sentences=sentences,
            llm=info,
            timings_ms={
                "retrieve": round((retrieved - started) * 1000, 1),
                "generate": round((generated - retrieved) * 1000, 1),
                "total": round((time.perf_counter() - started) * 1000, 1),
            },
            usage=usage,
            note=note,
            search_query=search_query or question,
            passages=context,
        )

    def _messages(self, question: str, passages: list[Passage]) -> list[tuple[str, str]]:
        # Brackets inside documents become parentheses, so that a "[3]" a document
        # contains cannot be copied by the model as if it were a citation.
        numbered = "\n\n".join(
            f"[{i}] {cite.MARKER.sub(lambda m: f' ({m.group(1)})', p.text)}"
            for i, p in enumerate(passages, 1)
        )
        return [
            ("system", prompts.load("system")),
            ("user", prompts.render("answer", passages=numbered, question=question)),
        ]

    def _sentences(self, question: str, passages: list[Passage]) -> list[tuple[Passage, float]]:
        """Each sentence of the passages as its own Passage, best first, with its cosine.

        Sentences are ranked by cosine similarity with the question plus the share of the
        question's content words they contain (a definition names its subject in full).
        A sentence repeated by overlapping chunks counts once; one that addresses the
        assistant is left out (rag/guard.py).
        """
        units: dict[tuple[str, int], Passage] = {}
        for p in passages:
            for a, b in sentence_spans(p.text):
                key = (p.source, p.start + a)
                if key not in units and not addresses_assistant(p.text[a:b]):
                    units[key] = replace(p, start=p.start + a, end=p.start + b, text=p.text[a:b])
        if not units:
            return []
        candidates = list(units.values())
        vectors = self.embed([question] + [u.text for u in candidates])
        cosine = vectors[1:] @ vectors[0]
        terms = cite.content_terms(question)
        scores = [
            c + len(terms & cite.content_terms(u.text)) / max(len(terms), 1)
            for c, u in zip(cosine, candidates, strict=True)
        ]
        order = sorted(range(len(candidates)), key=lambda j: -scores[j])
        return [(candidates[j], float(cosine[j])) for j in order]

    @staticmethod
    def _kind_missing(question: str) -> str:
        return prompts.render("kind_missing", kind=expect.expected_kind(question))

    def _extract(self, ranked: list[tuple[Passage, float]]) -> tuple[str, list[Passage]]:
        """The best sentences verbatim, each marked, and the sentences they cite."""
        picked = [unit for unit, _ in ranked[: self.settings.extract_sentences]]
        # A "[n]" written inside a document must not pass for a citation.
        quoted = (cite.strip_markers(u.text) for u in picked)
        return " ".join(f"{q} [{i}]" for i, q in enumerate(quoted, 1)), picked


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
