"""Generation: the model writes a marked answer from the numbered context sentences,
or, without a model (or when it fails), the best sentences are quoted verbatim."""

from collections.abc import Iterator

from rag import prompts
from rag.answer.draft import Draft
from rag.index.retrieve import Passage
from rag.models.llm import ChatLLM, LLMError
from rag.text.sentences import flat
from rag.verify import cite


def messages(question: str, passages: list[Passage], task: str = "answer") -> list[tuple[str, str]]:
    """The system message and the numbered passages, then the ``task`` prompt's request.

    The answerability judge (rag/answer/answerable.py) asks with ``task="answerable"``: the
    same system message, passages and question, so that when both run on one local
    server llama.cpp reuses the judge's read of that prefix and the answer only reads
    its last line (a 440-token prompt takes the 1.5B model 6.8 s to read on 2 cores)."""
    # Brackets inside documents become parentheses, so that a "[3]" a document
    # contains cannot be copied by the model as if it were a citation.
    numbered = "\n\n".join(
        f"[{i}] {cite.MARKER.sub(lambda m: f' ({m.group(1)})', flat(p.text))}"
        for i, p in enumerate(passages, 1)
    )
    return [
        ("system", prompts.load("system")),
        ("user", prompts.render(task, passages=numbered, question=question)),
    ]


def quote(draft: Draft, n: int) -> None:
    """The best ``n`` sentences verbatim, each marked, become the draft's text."""
    quote_units(draft, [unit for unit, _ in draft.ranked[:n]])


def quote_units(draft: Draft, units: list[Passage]) -> None:
    """These sentences verbatim, each marked, become the draft's text and context."""
    # A "[n]" written inside a document must not pass for a citation.
    quoted = (cite.strip_markers(flat(u.text)) for u in units)
    draft.raw = " ".join(f"{q} [{i}]" for i, q in enumerate(quoted, 1))
    draft.context = units


def generate(draft: Draft, llm: ChatLLM | None, max_tokens: int, n_quotes: int) -> Iterator[str]:
    """Yield the model's text as it comes; a failing model leaves quotes and a note."""
    if llm is None:
        quote(draft, n_quotes)
        return
    pieces: list[str] = []
    try:
        for piece in llm.stream(
            messages(draft.question, draft.context), max_tokens=max_tokens, usage=draft.usage
        ):
            pieces.append(piece)
            yield piece
        draft.raw = "".join(pieces)
    except LLMError as exc:
        draft.note = prompts.render("llm_failed", reason=str(exc))
        draft.llm = {"provider": "extractive", "model": None, "failed": str(exc)}
        quote(draft, n_quotes)
