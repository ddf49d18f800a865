"""Names in a sentence: runs of capitalised words ("Isaac Newton", "Mr. Putin").

The exact checks (rag/verify/), the retrieval gate and the people a document mentions
(rag/answer/summary.py) all need the same reading of a name, of a word (TOKEN) and
of a word's stem (STEM, which rag/text/overlap.py shares); the gate also needs the
names a question asks about (:func:`asked_names`) and when two spellings are one name
(:func:`folded`, :func:`spelt_alike`).
"""

import re
import unicodedata
from functools import cache

import Stemmer

from rag.text.lexicon import EXAMPLE_MARKERS, OPENERS, TITLES
from rag.text.sentences import sentence_spans

TOKEN = re.compile(r"[A-Za-z][\w’'-]*")  # a word, apostrophes and hyphens kept
STEM = Stemmer.Stemmer("english")
# A run starts a word: a camelCase identifier ("setTimeout") is one name, not "Timeout".
_RUN = re.compile(r"(?<![\w’'])[a-z]*[A-Z][\w’'.-]*\w(?:\s+[A-Z][\w’'.-]*\w)*")


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


_WORD = re.compile(r"[A-Za-z][\w.’'-]*\w(?:\(\))?|[A-Za-z]")
# Code a text names: a dotted name ("json.loads", "uuid.uuid7()", not "e.g."), a
# snake_case name, a call ("open()"). The gate looks the question's up; the verifier's
# code check wants the claim's in its passage.
CODE_NAME = re.compile(r"\b[A-Za-z_]\w+(?:\.[A-Za-z_]\w+)+(?:\(\))?|\b[A-Za-z]*_\w*|\b\w+\(\)")
_EXAMPLE = re.compile(
    r"\b(?:" + "|".join(map(re.escape, EXAMPLE_MARKERS)) + r")\s+(?:(?:an?|the)\s+)?$",
    re.IGNORECASE,
)


def asked_names(question: str) -> list[str]:
    """The proper names, acronyms and code names a question asks about ("NumPy",
    "WTFPL", "Flask-Babel", "suggest_on_error", "uuid.uuid7()"), each once.

    A name is a capitalised word past the first of its sentence, a word with a capital
    inside, or an identifier (an underscore, a dot between letters, a call). Left out: a
    word of two letters or fewer ("SP", "CI" may stand for anything), the lowercase part
    of a compound ("heavy" of "CPU-heavy"), and a name given as an example ("a file such
    as a YAML config"), which the question is not about."""
    found: list[str] = []
    for start, end in sentence_spans(question):
        sentence = question[start:end]
        for i, match in enumerate(_WORD.finditer(sentence)):
            word = re.sub(r"['’]s$", "", match.group()).rstrip(".")
            if _EXAMPLE.search(sentence[: match.start()]):
                continue
            if CODE_NAME.fullmatch(word):
                parts = [word]
            elif i == 0 and not any(c.isupper() for c in word[1:]):
                continue  # any sentence starts with a capital
            else:
                parts = [p for p in word.split("-") if p[:1].isupper()]
            found += [p for p in parts if len(p) > 2 and p not in found]
    return found


def folded(text: str) -> str:
    """``text`` lowercased without accents: "Alès" and "Ales" are one name."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def spelt_alike(a: str, b: str) -> bool:
    """``a`` and ``b`` are one name spelt two ways: one letter inside the word added,
    dropped, changed or swapped with its neighbour ("kllbrandon" / "kilbrandon",
    "arpnet" / "arpanet"), or a word of five letters or more with one or two more at its
    end ("africa" / "african"). Not a letter before it: "zstandard" is not a misspelt
    "standard". Written here because the standard library measures similarity, not
    these edits."""
    short, long_ = sorted((a, b), key=len)
    if a == b or len(short) < 4 or len(long_) - len(short) > 2:
        return False
    if len(short) >= 5 and long_.startswith(short):
        return True
    if len(long_) - len(short) > 1 or a[0] != b[0] or a[-1] != b[-1]:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        return len(diff) == 1 or (swapped and a[diff[1]] == b[diff[0]])
    i = next((i for i in range(len(short)) if short[i] != long_[i]), len(short))
    return short[i:] == long_[i + 1 :]
