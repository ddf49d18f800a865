"""Direct answers to "Which section covers X?": the heading above the sentence that does.

A heading is never quoted as an answer (it names a topic, it states nothing), so a
question that asks which section, chapter or clause covers something could only be
answered by a model guessing a number the context does not show. The heading path of
each sentence is known (rag/ingest/headings.py): the best sentences are screened by the
judge as the fallback quotes are, and the first that answers the question under its
heading gives the answer, in the document's own words, citing that sentence.
"""

import re
from collections.abc import Callable, Iterable

from rag.answer.answerable import passes, scores
from rag.answer.candidate import Candidate
from rag.index.retrieve import Passage
from rag.ingest.headings import document_name, innermost, names_document
from rag.text.lexicon import PART_WORDS, either
from rag.thresholds import SECTION_SENTENCE_WORDS
from rag.verify.verifier import Judge

# "Which LGPL-3 section covers ...", "In what chapter ..."; not "What does section 3 say?"
_ASKS = re.compile(
    r"\b(?:which|what)\s+(?:(?!(?:is|are|was|were|do|does|did|can|should|will)\b)[\w.-]+\s+){0,3}?"
    rf"(?:{either(PART_WORDS)})s?\b",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(.+)$")  # "11. Patents", "3.3. Notices"


def asks_for_part(question: str) -> bool:
    """True when the question asks which part of a document says something."""
    return bool(_ASKS.search(question))


def write(
    question: str,
    ranked: list[Passage],
    files: Callable[[], Iterable[str]],
    judge: Judge | None,
    threshold: float,
    tries: int,
) -> Candidate | None:
    """'It is covered in section 11, "Patents". [1]' from the first of the ``tries`` best
    sentences under a heading that the judge finds to answer the question; None when the
    question is not of that kind or none does. When the question names one of the
    ``files`` ("Which GPL-3 section ..."), only that file's sentences are tried: the judge
    had passed Apache-2.0's "Grant of Patent License" for GPL-3."""
    if not asks_for_part(question):
        return None
    headed = [u for u in ranked if u.section and len(u.text.split()) >= SECTION_SENTENCE_WORDS]
    asked = {name for name in map(document_name, files()) if names_document(question, name)}
    if asked:
        headed = [unit for unit in headed if document_name(unit.source) in asked]
    for unit in headed[:tries]:
        if passes(scores(question, [unit], judge, threshold)[0], threshold):
            raw = f"It is covered in {named_as(innermost(unit.section))} [1]."
            return Candidate("section", raw, [unit], composed=True)
    return None


def named_as(heading: str) -> str:
    """How an answer names a section: 'section 11, "Patents"' for "11. Patents.", else
    'the section "Preamble"' (never "11. Patents", whose full stop would end a sentence,
    nor a capital "Section", which the names check would look for in the passage)."""
    numbered = _NUMBERED.match(heading.strip())
    if numbered:
        return f'section {numbered.group(1)}, "{numbered.group(2).rstrip(".: ")}"'
    return f'the section "{heading.strip().rstrip(".: ")}"'
