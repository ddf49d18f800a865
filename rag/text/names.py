"""Names in a sentence: runs of capitalised words ("Isaac Newton", "Mr. Putin").

The exact checks (rag/verify/), the retrieval gate and the people a document mentions
(rag/answer/summary.py) all need the same reading of a name, of a word (TOKEN) and
of a word's stem (STEM, which rag/text/overlap.py shares).
"""

import re
from functools import cache

import Stemmer

from rag.text.lexicon import OPENERS, TITLES

TOKEN = re.compile(r"[A-Za-z][\w’'-]*")  # a word, apostrophes and hyphens kept
STEM = Stemmer.Stemmer("english")
_RUN = re.compile(r"[A-Z][\w’'.-]*\w(?:\s+[A-Z][\w’'.-]*\w)*")


def names(text: str) -> list[list[str]]:
    """Runs of capitalised words that name someone or something ("Isaac Newton").

    A lone word that starts the sentence counts unless it is a common word that any
    sentence may start with ("The", "She", "Yes", "According to ...")."""
    runs = []
    for match in _RUN.finditer(text):
        run = match.group().replace(".", "").replace("-", " ")
        words = [w for w in run.split() if w not in TITLES]
        first = not text[: match.start()].strip(" \"“‘'(")
        if first and len(words) == 1 and words[0].lower() in starters():
            continue
        if words:
            runs.append(words)
    return runs


@cache
def starters() -> frozenset[str]:
    """English stop words (NLTK's list, which llama-index ships) and a few openers."""
    from nltk.corpus import stopwords

    return frozenset(stopwords.words("english")) | set(OPENERS)
