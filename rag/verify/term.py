"""The subject check for definitions: a sentence under one term does not answer a
question about another.

A reference page defines its terms one after the other, and their sentences rarely name
them: under "tape", "This group can be used locally to give a set of users access to a
tape drive."; under "operator", "It had uid 37." Asked about the audio group, the tape
group's sentence reads as a true answer to the judge, and a verbatim quote passes by
construction. The heading says what the sentence is about (rag/ingest/headings.py), so
when the question asks about a term that heads a passage of the context ("the audio
group", "json.dumps", "--json-lines"), a sentence cited under another term that names
none of the asked ones answers something else. Measured in docs/how-answers-work.md.
"""

import re
from collections.abc import Iterable

from rag.ingest.headings import innermost, term
from rag.text.lexicon import FUNCTION_WORDS, QUESTION_OPENERS, TERM_KINDS
from rag.text.names import STEM

_KINDS = "|".join(TERM_KINDS)
_CODE_FORM = re.compile(r"\w_\w|^-|[a-z][A-Z]")  # "missing_docs", "--verbose", "setTimeout"


def asked_terms(question: str, paths: Iterable[str]) -> frozenset[str]:
    """The terms heading the given section paths (their innermost headings) that
    ``question`` asks about."""
    terms = {name for path in paths if (name := term(innermost(path)))}
    return frozenset(name for name in terms if _asks(question, name))


def other_term(passage: str, section: str, asked: frozenset[str]) -> bool:
    """True when ``passage`` sits under a term (its ``section``'s innermost heading)
    other than the ``asked`` ones and names none of them. Spellings of one name
    ("load" and "loads") are the same term: a page documents one beside the other
    ("the same meaning as in load()")."""
    heading = innermost(section)
    under = term(heading)
    if not asked or under is None or (under.isalpha() and under[0].isupper()):
        return False  # a capitalised word ("Methods") titles a part of a page, not a term
    return not any(
        _names(heading, name) or _names(passage, name) or _stem(name) == _stem(under)
        for name in asked
    )


def _asks(question: str, name: str) -> bool:
    """The question names ``name`` as code (`` `x` ``, "json.x", "x(", "--x"; a name
    that is code by its form, "missing_docs", anywhere) or as a thing of a kind ("the x
    group"); "which function" asks for one, it names none."""
    if name.lower() in FUNCTION_WORDS or name.lower() in QUESTION_OPENERS:
        return False
    if _CODE_FORM.search(name) and _names(question, name):
        return True
    n = re.escape(name)
    return bool(
        re.search(
            rf"`[^`]*(?<!\w){n}(?!\w)[^`]*`|\w\.{n}(?!\w)|(?<![\w.]){n}\s*\(|(?<!\w)-{{1,2}}{n}(?!\w)"
            rf"|(?<![\w-]){n}\s+(?:{_KINDS})s?\b",
            question,
            re.IGNORECASE,
        )
    )


def _names(text: str, name: str) -> bool:
    return bool(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE))


def _stem(name: str) -> str:
    return STEM.stemWord(name.lower())
