"""Scoring helpers shared by the evaluation scripts (definitions in the docstrings)."""

import re
import string

_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize(text: str) -> str:
    """SQuAD normalisation: lower case, no punctuation, no articles, single spaces."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation) | {"’", "‘", "“", "”"})
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def contains_answer(passage: str, answers: list[str]) -> bool:
    """A normalised gold answer occurs in the normalised passage (STR-EM's test)."""
    norm = f" {normalize(passage)} "
    return any(f" {normalize(a)} " in norm for a in answers if normalize(a))
