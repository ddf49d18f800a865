"""The kind of answer a question asks for (a number, a date, a share) and whether text has one.

Asked "How old is X?" about passages that name X but give no age, a small model
invents an age (which the citation checks drop) or quotes a sentence about X (which
they pass). Typing the expected answer, as classic QA systems do, turns both into
an abstention. Only question forms whose answer type is unambiguous are typed;
every other question passes unchecked.
"""

import re

_LEAD = r"^\W*(?:(?:and|so|but|then|also)\s+)?(?:(?:in|on|by|at|since|until|from|during)\s+)?"
_PERIODS = r"year|date|day|month|century|decade"
_NUMBER_WORDS = (  # "one" is left out: "one possibility is..." counts nothing
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|"
    r"twice|several|a\s+few|a\s+couple|decades?|centuries|century"
)
_TIME_WORDS = (
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
    r"tomorrow|tonight|ago|century|centuries|decades?|spring|summer|autumn|winter|"
    r"(?:last|next|this|that|same|previous|following)\s+(?:year|week|month|day|morning|"
    r"evening|night)"
)

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
        re.compile(rf"{_LEAD}(?:when\b|(?:what|which)\s+(?:{_PERIODS})\b)"),
        re.compile(rf"\d|\b(?:{_TIME_WORDS})\b"),
    ),
    (
        "a number",
        re.compile(
            _LEAD + r"(?:how\s+(?:many|old|long)\b|what\s+(?:is\s+the\s+)?"
            r"(?:number|amount|age|population)\b)"
        ),
        re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b"),
    ),
)


def _kind(question: str) -> tuple[str, re.Pattern, re.Pattern] | None:
    q = question.lower()
    return next((k for k in _KINDS if k[1].search(q)), None)


def expected_kind(question: str) -> str | None:
    """``"a number"``, ``"a date or time"``, ``"a percentage or share"``, or None."""
    kind = _kind(question)
    return kind[0] if kind else None


def gives_kind(question: str, text: str) -> bool:
    """True unless the question asks for a kind of answer that ``text`` does not contain."""
    kind = _kind(question)
    return kind is None or bool(kind[2].search(text.lower()))
