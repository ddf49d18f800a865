"""What a question asks about: one fact in a passage, or a whole document.

"Summarize the article" or "What is this document about?" has no single passage that
answers it, so retrieval plus a fact-answering prompt abstains. Such questions name
their kind in a few fixed ways, so a pattern routes them; a wrong guess costs an
answer, so the router is measured on labelled questions (evals/datasets/routes.jsonl).
"""

import re
from typing import Literal

Route = Literal["fact", "summary", "people"]

_DOC = r"(?:article|document|doc|text|story|piece|report|file|page|paper|essay|passage)"
_WORDS = r"(?:[\w()'’,-]+\s+){0,8}?"  # a few words naming which document ("part 1 of the ...")
_SUMMARY = re.compile(
    r"\bsummar(?:y|ies|i[sz]e)|\bsum\s+(?:it\s+)?up\b|\boverview\b|\bgist\b|\btl;?dr\b|"
    r"\b(?:main|central|key)\s+(?:idea|point|takeaway|argument|finding|theme)s?\b"
    rf"|\bwhat(?:\s+is|'s|\s+are)\s+{_WORDS}{_DOC}s?\s+about\b",
    re.IGNORECASE,
)
_PEOPLE = re.compile(
    r"\b(?:who|which\s+people|what\s+people|which\s+persons)\s+(?:is|are|gets?|were|was)\s+"
    r"(?:mentioned|named|quoted|cited|discussed)(?:\s+in\b|\s*[?.]?\s*$)"
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


_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
COUNT = re.compile(
    r"\b(\d+|" + "|".join(_COUNT_WORDS) + r")\s+(?:\w+\s+)?(?:sentences?|points?|"
    r"bullets?|lines?)\b",
    re.IGNORECASE,
)


def wanted_count(question: str, default: int) -> int:
    """How many sentences the question asks for ("in three sentences"), capped at 7."""
    match = COUNT.search(question)
    if not match:
        return default
    word = match.group(1).lower()
    return max(1, min(7, _COUNT_WORDS.get(word) or int(word)))
