"""A candidate answer: what one writer wrote, and what the verifier made of it.

Each way of answering (summary, people named, "who is X", the model, quotes) is a
writer that returns a Candidate or nothing; the pipeline verifies it and keeps it only
if it answers. A candidate's ``[n]`` markers point into its own ``context``, so no
later stage can make them point elsewhere.
"""

from dataclasses import dataclass, field

from rag.index.retrieve import Passage
from rag.text.sentences import flat
from rag.verify import cite
from rag.verify.cite import Citation, Sentence

EXTRACTIVE = {"provider": "extractive", "model": None}  # written without a model


@dataclass(frozen=True)
class Candidate:
    writer: str  # summary, people, who-is, section, model, quotes, fallback-quotes
    raw: str  # the text, with [n] markers into ``context``
    context: list[Passage]
    composed: bool = False  # built by the application from the documents' own words
    llm: dict = field(default_factory=lambda: dict(EXTRACTIVE))
    note: str | None = None


@dataclass(frozen=True)
class Verified:
    """A candidate with each of its sentences' verdicts and the citations that hold."""

    candidate: Candidate
    sentences: list[Sentence]
    citations: list[Citation]


def quoted(units: list[Passage], writer: str, **fields: object) -> Candidate:
    """These sentences verbatim, each marked: a candidate that any reader can check."""
    # A "[n]" written inside a document must not pass for a citation.
    quotes = (cite.strip_markers(flat(u.text)) for u in units)
    # Blank lines between them: a quote without a full stop ("Module logging.handlers",
    # a link line) had run into the next and been shown as one sentence with both marks.
    raw = "\n\n".join(f"{q} [{i}]" for i, q in enumerate(quotes, 1))
    return Candidate(writer, raw, list(units), **fields)
