"""Answering: retrieve -> confidence gate -> generate (or extract) -> verify citations."""

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from rag import cite, prompts
from rag.chunk import sentence_spans
from rag.cite import Citation, Sentence
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
        passages, confidence = self.retriever.retrieve(search_query or question, s.top_k)
        passages = passages[: s.context_passages]
        retrieved = time.perf_counter()
        info = {
            "provider": self.llm.provider if self.llm else "extractive",
            "model": self.llm.model if self.llm else None,
        }
        usage: dict = {}
        note = None
        if not passages or confidence < s.gate:
            raw = cite.ABSTAIN_SENTINEL
        elif self.llm is None:
            raw = self._extract(question, passages)
        else:
            pieces: list[str] = []
            try:
                for piece in self.llm.stream(
                    self._messages(question, passages), max_tokens=s.max_answer_tokens, usage=usage
                ):
                    pieces.append(piece)
                    yield piece
                raw = "".join(pieces)
            except LLMError as exc:
                note = prompts.render("llm_failed", reason=str(exc))
                info = {"provider": "extractive", "model": None, "failed": str(exc)}
                raw = self._extract(question, passages)
        sentences, citations = (
            ([], []) if cite.is_abstention(raw) else cite.verify(raw, passages, s.support)
        )
        if sentences and all(cite.restates(sentence.text, question) for sentence in sentences):
            # A weak model echoed the question ("X is X"): quote the documents instead.
            note = prompts.load("echoed_question")
            sentences, citations = cite.verify(
                self._extract(question, passages), passages, s.support
            )
        generated = time.perf_counter()
        abstained = not any(sentence.supported for sentence in sentences)
        if abstained:
            sentences, citations = [], []
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
            passages=passages,
        )

    def _messages(self, question: str, passages: list[Passage]) -> list[tuple[str, str]]:
        numbered = "\n\n".join(f"[{i}] {p.text}" for i, p in enumerate(passages, 1))
        return [
            ("system", prompts.load("system")),
            ("user", prompts.render("answer", passages=numbered, question=question)),
        ]

    def _extract(self, question: str, passages: list[Passage]) -> str:
        """The best sentences of the passages, verbatim, each marked with its passage.

        Sentences are ranked by cosine similarity with the question plus the share of the
        question's content words they contain (a definition names its subject in full);
        none is taken below the gate, so an off-topic question still abstains.
        """
        candidates = [
            (i, passage.text[a:b])
            for i, passage in enumerate(passages)
            for a, b in sentence_spans(passage.text)
        ]
        if not candidates:
            return cite.ABSTAIN_SENTINEL
        vectors = self.embed([question] + [text for _, text in candidates])
        cosine = vectors[1:] @ vectors[0]
        terms = cite.content_terms(question)
        scores = [
            c + len(terms & cite.content_terms(text)) / max(len(terms), 1)
            for c, (_, text) in zip(cosine, candidates, strict=True)
        ]
        order = sorted(range(len(candidates)), key=lambda j: -scores[j])
        top = order[: self.settings.extract_sentences]
        picked = [j for j in top if cosine[j] >= self.settings.gate]
        if not picked:
            return cite.ABSTAIN_SENTINEL
        return " ".join(f"{candidates[j][1].strip()} [{candidates[j][0] + 1}]" for j in picked)
