"""Which verified sentences are shown: the policy after the verifier has ruled.

A sentence is shown when the verifier found it stated by its citation, it says more
than the question did, and it is not a repeat. When the sentences kept do not give the
kind of answer the question asks for (a number, a date, a share), none is shown.
"""

from rag import prompts
from rag.answer import expect
from rag.answer.gate import kind_missing
from rag.text.lexicon import ARRIVAL_WORDS, CHANGE_NOTES, CHANGE_WORDS
from rag.thresholds import REPEAT_SHARE as REPEAT
from rag.verify import cite
from rag.verify.cite import Sentence


def useful(question: str, sentences: list[Sentence]) -> list[bool]:
    """Per sentence: stated, saying more than the question, and not said before."""
    seen: list[frozenset[str]] = []
    return [
        x.supported and not cite.restates(x.text, question) and not _repeat(x.text, seen)
        for x in sentences
    ]


def answers(question: str, sentences: list[Sentence], keep: list[bool]) -> bool:
    """Some sentence is kept, and together they give the kind of answer asked for."""
    kept = " ".join(x.text for x, k in zip(sentences, keep, strict=True) if k)
    return bool(kept) and expect.gives_kind(question, kept)


def kind_given(
    question: str, sentences: list[Sentence], keep: list[bool], note: str | None
) -> tuple[list[bool], str | None]:
    """``keep`` and ``note`` as they stand, or nothing kept with a note saying which kind
    of answer (a number, a date ...) no kept sentence gives."""
    if any(keep) and not answers(question, sentences, keep):
        return [False] * len(keep), kind_missing(question)
    return keep, note


def one_version(
    question: str, sentences: list[Sentence], keep: list[bool], note: str | None
) -> tuple[list[bool], str | None]:
    """Asked for a version, the first kept sentence that gives one answers, and a kept
    sentence after it giving only other versions is left out: "Since which version does
    Ninja have the console pool?" had shown "Available since Ninja 1.5." and, from the
    section above it, "Available since Ninja 1.1.", two answers to a question that has
    one. A note that something changed ("Changed in version 3.11: If a field name ...")
    gives the version of that change, and answers only a question about a change: "From
    which version can I pass slots=True?" had shown it and left out "New in version
    3.10."; "Which Click version first introduced the Choice type?", which the documents
    do not answer, had been answered with a note of a change to its values."""
    if expect.expected_kind(question) != "a version":
        return keep, note
    given = [expect.versions(x.text) if k else set() for x, k in zip(sentences, keep, strict=True)]
    answering = given
    if not _asks_about_change(question):
        changed = [_is_change_note(x.text) for x in sentences]
        answering = [set() if c else v for c, v in zip(changed, given, strict=True)]
    first = next((v for v in answering if v), set())
    other = [bool(v) and not v & first for v in given]
    if not any(other):
        return keep, note
    kept = [k and not o for k, o in zip(keep, other, strict=True)]
    return kept, joined(note, prompts.render("other_version", n=str(other.count(True))))


def _asks_about_change(question: str) -> bool:
    words = question.lower().split()
    return any(w.startswith(CHANGE_WORDS) for w in words)


def _is_change_note(text: str) -> bool:
    """A note that something changed, not that something was added."""
    words = text.lower().split()
    return text.lstrip().startswith(CHANGE_NOTES) and not any(
        w.strip(".,;:") in ARRIVAL_WORDS for w in words[3:]
    )


def left_out(note: str | None, sentences: list[Sentence], keep: list[bool]) -> str | None:
    """``note``, plus how many written sentences were left out, when any were: those the
    verifier ruled out, and apart from them those past the ones an answer may have."""
    unchecked = sum(x.check == cite.UNCHECKED for x in sentences)
    dropped = keep.count(False) - unchecked
    if dropped:
        note = joined(note, prompts.render("left_out", n=dropped))
    if unchecked:
        note = joined(note, prompts.render("unchecked", n=unchecked))
    return note


def joined(note: str | None, text: str) -> str:
    """A note with ``text`` added after what it already says."""
    return f"{note} {text}" if note else text


def _repeat(text: str, seen: list[frozenset[str]]) -> bool:
    """True when the sentence adds little to one said before.

    Small models restate a sentence with a title or a name added ("Putin has long said
    X." then "President Vladimir V. Putin has long said X."): when 80% of its content
    words were in an earlier sentence, it is a repeat. A longer sentence that adds
    facts to a short earlier one is not.
    """
    terms = cite.content_terms(text)
    for earlier in seen:
        if len(terms & earlier) >= REPEAT * max(len(terms), 1):
            return True
    seen.append(terms)
    return False
