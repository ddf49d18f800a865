"""The kind of answer a question asks for (a number, a date, a share) and whether text has one.

Asked "How old is X?" about passages that name X but give no age, a small model
invents an age (which the citation checks drop) or quotes a sentence about X (which
they pass). Typing the expected answer, as classic QA systems do, turns both into
an abstention. Only question forms whose answer type is unambiguous are typed;
every other question passes unchecked.
"""

import re

from rag.ingest.headings import version_heading
from rag.text.lexicon import (
    CLAUSE_SUBJECTS,
    MAGNITUDES,
    MULTIPLES,
    NUMBER_WORDS,
    QUESTION_OPENERS,
    RULE_MODALS,
    VAGUE_COUNTS,
    either,
)

# The question word may follow a clause set off by a comma ("By default, how many ...",
# "If I leave out -w, how many ...").
_LEAD = (
    r"^\W*(?:[^,?]{1,80},\s+)?(?:(?:and|so|but|then|also)\s+)?"
    r"(?:(?:in|on|by|at|since|until|from|during)\s+)?"
)
# "when" opening a clause set off by a comma, before the question proper
_CLAUSE_THEN_QUESTION = rf"[^,?]{{1,80}},\s+(?:{either(QUESTION_OPENERS)})\b"
_PERIODS = r"year|date|day|month|century|decade"
_AGES = r"decades?|centuries|century"  # a number of years, and a time
_NUMBER_WORDS = "|".join(
    # Not "one": "one possibility is..." counts nothing (nor "zero", never read here).
    [either(word for word, n in NUMBER_WORDS.items() if n > 1)]
    + [f"{word}s?" for word in (*MULTIPLES, *MAGNITUDES)]
    + [either(VAGUE_COUNTS), _AGES]
)
_TIME_WORDS = (
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
    rf"tomorrow|tonight|ago|{_AGES}|spring|summer|autumn|winter|"
    r"(?:last|next|this|that|same|previous|following)\s+(?:year|week|month|day|morning|"
    r"evening|night)"
)

# A number that counts or measures: "5", "1_000", "2.5", "5-10"; not a part of an address,
# a version or a code ("127.0.0.1", "3.11.0", "223-456-919", "X.25")
_QUANTITY = r"(?<![\d.])(?<!\d-)\d+(?:[.,_]\d+)?(?:-\d+(?:[.,_]\d+)?)?(?!\d|[.-]\d)"

# (kind, question pattern, pattern an answer of that kind contains)
_KINDS = (
    (
        "a percentage or share",
        re.compile(_LEAD + r"what\s+(?:percentage|percent|proportion|fraction|share)\b"),
        re.compile(
            r"%|\bper\s*cent\b|\bpercent|\bhalf\b|\bthirds?\b|\bquarters?\b|\bmajority\b|"
            r"\bminority\b|\bfraction\b"
        ),
    ),
    (
        "a date or time",
        re.compile(
            rf"{_LEAD}(?:when\b(?!\s+(?:{either(CLAUSE_SUBJECTS)})\b|{_CLAUSE_THEN_QUESTION}"
            rf"|\s+(?:{either(RULE_MODALS)})\s+(?:i|you|we)\b)"
            rf"|(?:what|which)\s+(?:{_PERIODS})\b)"
        ),
        re.compile(rf"\d|\b(?:{_TIME_WORDS})\b"),
    ),
    (
        "a number",
        re.compile(
            _LEAD + r"(?:how\s+(?:many|old|long)\b|what\s+(?:is\s+the\s+)?"
            r"(?:number|amount|age|population)\b|what\s+(?:[\w-]+\s+){0,3}size\b)"
        ),
        re.compile(rf"{_QUANTITY}|\b(?:{_NUMBER_WORDS})\b"),
    ),
    (
        "a version",  # "Since which Click version ...?", "In what version was X added?"
        re.compile(
            _LEAD + r"(?:what|which)\s+(?:(?!(?:is|are|was|were|a|an)\b)[\w.-]+\s+){0,2}"
            r"(?:version|release)\b"
        ),
        # "3.11", "2.0.1", "v2", "version 8": not any digit, which a code line has
        re.compile(r"\d\.\d|\bv\d|\b(?:version|release)s?\s+\d"),
    ),
)


_VERSION_NUMBER = re.compile(
    r"\d+(?:\.\d+)+|\bv(\d+)(?![.\d])|\b(?:version|release)s?\s+(\d+)(?![.\d])"
)


def versions(text: str) -> set[str]:
    """The version numbers ``text`` gives ("3.11", "v2" and "version 8" as "2" and "8")."""
    return {m.group(1) or m.group(2) or m.group() for m in _VERSION_NUMBER.finditer(text)}


def _kind(question: str) -> tuple[str, re.Pattern, re.Pattern] | None:
    q = question.lower()
    return next((k for k in _KINDS if k[1].search(q)), None)


def expected_kind(question: str) -> str | None:
    """``"a number"``, ``"a date or time"``, ``"a percentage or share"``, ``"a version"``,
    or None."""
    kind = _kind(question)
    return kind[0] if kind else None


def gives_kind(question: str, text: str, section: str = "") -> bool:
    """True unless the question asks for a kind of answer that ``text`` does not contain;
    a version may also come from the heading above it in ``section`` (release notes)."""
    kind = _kind(question)
    if kind is None:
        return True
    if kind[0] == "a version":
        text = f"{version_heading(section)} {text}"
    return bool(kind[2].search(text.lower()))
