"""What a question asks about: one fact in a passage, or a whole document.

"Summarize the article" or "What is this document about?" has no single passage that
answers it, so retrieval plus a fact-answering prompt abstains. Such questions name
their kind in a few fixed ways, so a pattern routes them; a wrong guess costs an
answer, so the router is measured on labelled questions (evals/datasets/routes.jsonl).
"""

import re
from typing import Literal

from rag.text.lexicon import (
    COUNT_UNITS,
    DOCUMENT_WORDS,
    KEY,
    MENTIONED,
    NUMBER_WORDS,
    POINTS,
    either,
)
from rag.thresholds import DOCUMENT_NAME_WORDS, MAX_ASKED_SENTENCES

Route = Literal["fact", "summary", "people"]

_DOC = rf"(?:{either(DOCUMENT_WORDS)})"
_WORDS = rf"(?:[\w()'’,-]+\s+){{0,{DOCUMENT_NAME_WORDS}}}?"  # which document ("part 1 of the ...")
_SUMMARY = re.compile(
    r"\bsummar(?:y|ies|i[sz]e)|\bsum\s+(?:it\s+)?up\b|\boverview\b|\bgist\b|\btl;?dr\b|"
    rf"\b(?:{either(KEY)})\s+(?:{either(POINTS)})s?\b"
    rf"|\bwhat(?:\s+is|'s|\s+are)\s+{_WORDS}{_DOC}s?\s+about\b",
    re.IGNORECASE,
)
# Asked as "cited" or "discussed" too (summary.py's ask words leave those two out).
_PEOPLE = re.compile(
    r"\b(?:who|which\s+people|what\s+people|which\s+persons)\s+(?:is|are|gets?|were|was)\s+"
    rf"(?:{either([*MENTIONED, 'cited', 'discussed'])})(?:\s+in\b|\s*[?.]?\s*$)"
    r"|\bwho\s+(?:appears|speaks)\s+in\b",
    re.IGNORECASE,
)


def route(question: str) -> Route:
    """``summary`` or ``people`` for document-level questions, else ``fact``."""
    if _PEOPLE.search(question):
        return "people"
    if _SUMMARY.search(question):
        return "summary"
    return "fact"


# The counts a question may ask for, in words ("in three sentences").
_COUNT_WORDS = {word: n for word, n in NUMBER_WORDS.items() if 1 <= n <= MAX_ASKED_SENTENCES}
COUNT = re.compile(
    r"\b(\d+|"
    + "|".join(_COUNT_WORDS)
    + r")\s+(?:\w+\s+)?(?:"
    + "|".join(f"{unit}s?" for unit in COUNT_UNITS)
    + r")\b",
    re.IGNORECASE,
)


def wanted_count(question: str, default: int) -> int:
    """How many sentences the question asks for ("in three sentences"), at most
    MAX_ASKED_SENTENCES."""
    match = COUNT.search(question)
    if not match:
        return default
    word = match.group(1).lower()
    return max(1, min(MAX_ASKED_SENTENCES, _COUNT_WORDS.get(word) or int(word)))
