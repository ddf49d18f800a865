"""The model writer: the model writes a marked answer from the numbered context
sentences; when it fails, the best sentences are quoted instead, with a note."""

import re
from collections.abc import Generator

from rag import prompts
from rag.answer.candidate import EXTRACTIVE, Candidate, quoted
from rag.index.retrieve import Passage
from rag.ingest.headings import headed
from rag.models.llm import ChatLLM, LLMError
from rag.text.sentences import flat
from rag.verify import cite


def messages(question: str, passages: list[Passage], task: str = "answer") -> list[tuple[str, str]]:
    """The system message and the numbered passages, then the ``task`` prompt's request.

    The answerability judge (rag/answer/answerable.py) asks with ``task="answerable"``: the
    same system message, passages and question, so that when both run on one local
    server llama.cpp reuses the judge's read of that prefix and the answer only reads
    its last line (a 440-token prompt takes the 1.5B model 6.8 s to read on 2 cores)."""
    # A "[3]" a document contains becomes "(3)", so that the model cannot copy it as if
    # it were a citation; code ("heap[0]") keeps its brackets. A heading is written once
    # for a run of sentences under it: every token read costs time (docs/benchmarks.md).
    lines, heading = [], None
    for i, p in enumerate(passages, 1):
        text = cite.MARKER.sub(_parenthesised, flat(p.text))
        lines.append(f"[{i}] {text if p.section == heading else headed(text, p.section)}")
        heading = p.section
    return [
        ("system", prompts.load("system")),
        ("user", prompts.render(task, passages="\n\n".join(lines), question=question)),
    ]


def _parenthesised(marker: re.Match) -> str:
    return marker.group(0).replace("[", "(").replace("]", ")")


def write(
    question: str,
    context: list[Passage],
    fallback: list[Passage],
    llm: ChatLLM,
    max_tokens: int,
    usage: dict,
    most: int,
) -> Generator[str, None, Candidate]:
    """Yield the model's text as it comes, then return it as a candidate. A failing model
    leaves the ``fallback`` sentences quoted, with a note that says why. Writing stops
    once a sentence past the first ``most`` has begun: no sentence after them is checked
    or shown, and a small model that goes on writes for seconds more."""
    pieces: list[str] = []
    held = ""  # text that may yet turn out to be the abstention marker, never shown
    try:
        for piece in llm.stream(messages(question, context), max_tokens=max_tokens, usage=usage):
            pieces.append(piece)
            shown, held = _past_marker(held + piece)
            if shown:
                yield shown
            if _begun(cite.claims("".join(pieces)), most):
                break
        if held.strip() and not cite.ABSTAIN_SENTINEL.startswith(held.strip()):
            yield held
    except LLMError as exc:
        failed = {"provider": "extractive", "model": None, "failed": str(exc)}
        note = prompts.render("llm_failed", reason=str(exc))
        return quoted(fallback, "quotes", llm=failed, note=note)
    return Candidate("model", "".join(pieces), context, llm=asked(llm))


def _begun(said: list[tuple[str, list[int]]], most: int) -> bool:
    """A sentence past the first ``most`` has begun: it has a letter, which the start of
    a marker ("[1") closing the sentence before it does not."""
    return len(said) > most and any(ch.isalpha() for ch in said[most][0])


def _past_marker(text: str) -> tuple[str, str]:
    """``text`` split into what can be shown and what is held back: the abstention
    marker is dropped wherever it stands, and an ending that could be its start waits
    for the next piece (the model's "NOT_IN_DOCUMENTS" had streamed to the terminal)."""
    text = text.replace(cite.ABSTAIN_SENTINEL, "")
    marker = cite.ABSTAIN_SENTINEL
    for cut in range(max(0, len(text) - len(marker) + 1), len(text)):
        if marker.startswith(text[cut:].lstrip()) and text[cut:].strip():
            return text[:cut], text[cut:]
    return text, ""


def asked(llm: ChatLLM | None) -> dict:
    """Which model was asked to write (``extractive``: none)."""
    return {"provider": llm.provider, "model": llm.model} if llm else dict(EXTRACTIVE)
