"""The systems under evaluation: this project, and plain llama-index as the baseline.

Both turn a :class:`Question` into an :class:`Outcome`; scoring never looks inside them.
"""

import re
import time
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from rag.answer.pipeline import Answer
from rag.assistant import Assistant
from rag.errors import RagError, SkipFile
from rag.index.retrieve import Passage
from rag.ingest.headings import document_name
from rag.ingest.load import find_files, load
from rag.thresholds import BEFORE_CHARS
from rag.verify.cite import is_abstention
from rag_evals.data import Question
from rag_evals.metrics import ClaimedSentence, Outcome, split_claims

RETRIEVED_K = 10  # passages kept per question for hit@k and MRR
_SOURCE_LABEL = re.compile(r"^Source \d+:\n")
# CitationQueryEngine labels its sources "Source 1:", and the model often cites them so
_SOURCE_CITATION = re.compile(r"\[Source (\d+)\]")


def source_markers(answer: str) -> str:
    """The baseline's "[Source 2]" citations as the "[2]" markers the scoring reads: left
    as they were, its cited sentences counted as uncited."""
    return _SOURCE_CITATION.sub(r"[\1]", answer)


class System(Protocol):
    name: str

    def run(self, question: Question) -> Outcome: ...


def blank(q: Question) -> Outcome:
    return Outcome(
        q.id,
        q.question,
        q.answerable,
        q.answers,
        q.context_doc_ids,
        q.evidence,
        q.must_not_contain,
        q.points,
    )


class Ours:
    """This project, exactly as `rag ask` / `rag chat` run it."""

    name = "ours"

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def run(self, q: Question) -> Outcome:
        outcome = blank(q)
        try:
            ask = self._conversation(q.conversation) if q.conversation else self.assistant.ask
            started = time.perf_counter()
            answer = ask(q.question)
            outcome.latency_ms = (time.perf_counter() - started) * 1000
        except RagError as exc:
            outcome.error, outcome.abstained = str(exc), True
            return outcome
        outcome.answer, outcome.abstained, outcome.note = (
            answer.answer,
            answer.abstained,
            answer.note,
        )
        outcome.checked, outcome.judged_answerable = answer.checked, answer.answerable
        outcome.screened, outcome.timings_ms = answer.screened, answer.timings_ms
        outcome.context = [p.text for p in answer.passages]
        outcome.sentences, outcome.markers, outcome.invalid_markers = _claims(answer)
        passages = self.assistant.search(answer.search_query or q.question, k=RETRIEVED_K)
        outcome.retrieved = [(Path(p.source).stem, p.text) for p in passages]
        return outcome

    def _conversation(self, turns: list[dict]):
        """A chat session that has had ``turns``; user turns without a reply are asked."""
        session = self.assistant.chat()
        for i, turn in enumerate(turns):
            if turn.get("role") != "user":
                continue
            reply = turns[i + 1] if i + 1 < len(turns) else {}
            if reply.get("role") == "assistant":
                session.history.append((turn["content"], reply["content"]))
            else:
                session.ask(turn["content"])
        return session.ask


def _passage_of(source: str, start: int, passages: list[Passage]) -> str:
    return next((p.text for p in passages if p.source == source and p.start <= start < p.end), "")


@lru_cache(maxsize=64)
def _source_text(source: str) -> str:
    """The text citations index into (PDF and HTML are extracted as at ingest)."""
    return load(Path(source)).text


def _claims(answer: Answer) -> tuple[list[ClaimedSentence], int, int]:
    """Sentences with the passages their citations quote, from the shown answer text. A
    quote of the fallback may come from a sentence the model did not read: its own
    quoted text stands for it then (it had been graded against nothing). Each sentence
    is graded under the heading its first citation shows beside the quote, as the
    product's judge reads it ("It is covered in section 11" had been graded without)."""
    cited = {
        c.n: _passage_of(c.source, c.start, answer.passages) or c.quote for c in answer.citations
    }
    sources = [cited.get(n, "") for n in range(1, max(cited, default=0) + 1)]
    before = {
        c.n: f"{document_name(c.source)}\n"
        + _source_text(c.source)[max(0, c.start - BEFORE_CHARS) : c.start]
        for c in answer.citations
    }
    befores = [before.get(n, "") for n in range(1, len(sources) + 1)]
    section = {c.n: c.section for c in answer.citations}
    sections = [section.get(n, "") for n in range(1, len(sources) + 1)]
    shown = answer.answer if not answer.abstained else ""
    return split_claims(shown, sources, befores, sections)


class LlamaIndexBaseline:
    """Plain llama-index: VectorStoreIndex over Chroma + CitationQueryEngine, defaults.

    Same documents, same embedding model, same Chroma, same LLM and the same answer
    length cap; everything else (splitter, top-k, prompts) is llama-index's default.
    """

    name = "llama-index"

    def __init__(self, assistant: Assistant, docs: Path) -> None:
        from llama_index.core import Document, StorageContext, VectorStoreIndex
        from llama_index.core.query_engine import CitationQueryEngine
        from llama_index.vector_stores.chroma import ChromaVectorStore

        llm = assistant.llm
        if llm is None:
            raise RagError("--baseline needs a language model; the extractive mode has none")
        collection = assistant.store.client.get_or_create_collection(
            f"{assistant.settings.collection}_baseline", embedding_function=None
        )
        # The same text ours reads: llama-index's SimpleDirectoryReader, without the
        # llama-index-readers-file extra, reads a PDF's bytes as text and HTML with its
        # markup, which would measure the reader, not the answering.
        documents, self.files = [], []
        for path in find_files([docs])[0]:
            try:
                documents.append(Document(text=load(path).text, metadata={"file_name": path.name}))
            except SkipFile:
                continue  # ours skips it too
            self.files.append(path)
        if not documents:
            raise RagError(f"--baseline: no readable documents under {docs}")
        index = VectorStoreIndex.from_documents(
            documents,
            storage_context=StorageContext.from_defaults(
                vector_store=ChromaVectorStore(chroma_collection=collection)
            ),
            embed_model=assistant.embedder,
        )
        self.engine = CitationQueryEngine.from_args(
            index, llm=llm.llama(max_tokens=assistant.settings.max_answer_tokens)
        )

    def run(self, q: Question) -> Outcome:
        outcome = blank(q)
        query = " ".join(
            [t["content"] for t in q.conversation if t.get("role") == "user"] + [q.question]
        )  # the engine has no chat memory: earlier user turns go into the query
        started = time.perf_counter()
        try:
            response = self.engine.query(query)
        except Exception as exc:  # the baseline's own failures are data, not crashes
            outcome.error, outcome.abstained = f"{type(exc).__name__}: {exc}", True
            return outcome
        outcome.latency_ms = (time.perf_counter() - started) * 1000
        nodes = response.source_nodes
        sources = [_SOURCE_LABEL.sub("", n.node.get_content()) for n in nodes]
        outcome.answer = source_markers(str(response.response or ""))
        outcome.abstained = is_abstention(outcome.answer)
        if not outcome.abstained:
            names = [document_name(n.node.metadata.get("file_name", "")) for n in nodes]
            outcome.sentences, outcome.markers, outcome.invalid_markers = split_claims(
                outcome.answer, sources, names
            )
        outcome.retrieved = [
            (Path(n.node.metadata.get("file_name", "")).stem, text)
            for n, text in zip(nodes, sources, strict=True)
        ]
        outcome.context = sources  # what CitationQueryEngine put in the prompt
        return outcome
