"""Word overlap: how many of a sentence's content words a passage holds.

Overlap ranks sentences and offers a fallback citation; it never decides that a passage
*states* a sentence (rag/verify/verifier.py does), since a reworded falsehood shares every word.
"""

import re
from functools import lru_cache

import bm25s

from rag.text.names import STEM

_NUMBER = re.compile(r"\d[\d,.]*")


@lru_cache(maxsize=4096)
def content_terms(text: str) -> frozenset[str]:
    """Stemmed words without stop words, plus numbers as written (no stemming).

    Cached: each passage is compared with every sentence of an answer."""
    tokens = bm25s.tokenize(
        [text], stopwords="en", stemmer=STEM, show_progress=False, return_ids=False
    )
    return frozenset(tokens[0] if tokens else []) | {n.strip(",.") for n in _NUMBER.findall(text)}


def support(sentence: str, passage: str) -> float:
    """Share of the sentence's content terms found in the passage (1.0 when it has none).

    A number in the sentence that the passage lacks makes support 0: numbers are the
    facts a small model most often invents.
    """
    terms = content_terms(sentence)
    if not terms:
        return 1.0
    have = content_terms(passage)
    numbers = {n.strip(",.") for n in _NUMBER.findall(sentence)}
    if numbers - have:
        return 0.0
    return len(terms & have) / len(terms)
