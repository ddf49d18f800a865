"""Claim verification: does the cited passage *state* the answer sentence?

Shared words are not support: "Putin wants to return to Moscow's sphere of influence"
reuses every word of a passage that says *Ukraine* should return. So each sentence
goes through these checks, cheapest first, and the answering model has no say in any:

1. **quote**: the sentence is, word for word, one or more whole sentences of the
   passage: supported by construction, no model needed (extractive answers, quotes),
   unless the question asks what someone says and someone else speaks in the passage
   (rag/verify/attribution.py), or asks about a term ("the audio group") and the
   passage sits under another one ("tape", rag/verify/term.py: **subject**);
2. **numbers**: a number in the sentence (digits or words: "five" is not "four") that
   the passage lacks: unsupported, no model needed;
3. **names**: a name in the sentence that the passage and the text around it do not
   mention (a quote given to someone else, an invented place): unsupported;
4. **polarity**: the sentence negates what the passage does not, affirms what it
   negates, uses the opposite of its word ("reasonable" for "unreasonable"), or swaps
   two people the passage links one way ("Trump wants to keep Putin" for "Putin wants
   to keep Trump", rag/verify/roles.py): unsupported;
5. **wording**: the sentence copies the passage's but puts a look-alike word in place
   of one of its words ("qualitative" for "quantitative"): unsupported;
6. **subject**: the sentence has X do what the passage has X want someone else to do
   ("Putin wants to return" of "Putin wants Ukraine to return"), or what X *says*
   someone else did ("Ushakov conveyed signals" of "Ushakov said Putin had conveyed
   signals", rag/verify/roles.py): unsupported;
7. **attribution**: the sentence repeats a quotation as fact without naming the
   speaker the passage gives it, states as fact what an unnamed "she" or "they" says
   in the passage, or has someone say what the passage has only others say
   (rag/verify/attribution.py): unsupported;
8. **judge**: a bundled model is asked for one token, yes or no, "according to the
   passage, is this answer to this question correct?"; p(yes) is read from the token
   probabilities and compared with the tier's threshold (measured on
   ``evals/datasets/claims``). Asked only "does the passage state this answer?", it
   scored bare right answers ("Delhi") low and separated worse on both claim sets;
   "is it correct?" forgives a dropped subject, which check 6 catches first.

The judge runs locally whatever model wrote the answer, so a remote model that plants
false claims, or one that would say "yes" to anything, cannot vouch for itself.
"""

import difflib
import math
import re
from dataclasses import dataclass
from typing import Protocol

from rag import prompts
from rag.ingest.headings import headed, version_heading
from rag.text.lexicon import (
    FILLER,
    MULTIPLES,
    NEGATING_WORDS,
    NUMBER_WORDS,
    WE,
    YOU,
    I,
    either,
)
from rag.text.names import CODE_NAME, STEM, names
from rag.text.overlap import support
from rag.text.sentences import flat, sentence_spans
from rag.thresholds import (
    ACRONYM_WORDS,
    ASKED_CONDITION_WORDS,
    KIN_STEM_LETTERS,
    LOOKALIKE_LETTERS,
    LOOKALIKE_RATIO,
    NEGATION_REACH,
    PREFIXED_LETTERS,
)
from rag.verify.attribution import asks_someone_else, misattributed, reported_as_fact, unattributed
from rag.verify.roles import dropped_subject, role_swap, speaker_as_actor
from rag.verify.term import other_term

# Not "one": "the one best placed", "one possibility" state no count.
_WORD_NUMBERS = {word: n for word, n in (NUMBER_WORDS | MULTIPLES).items() if n != 1}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*|\b(?:" + "|".join(_WORD_NUMBERS) + r")\b", re.IGNORECASE)
# A number glued to a word ("MPL-2.0", "UTF-8", "sha256") is part of a name, which the
# names check reads; a licence's version in the question had failed true answers here.
_GLUED = re.compile(r"\b[A-Za-z]+-?\d+(?:[.,]\d+)*")
_NORMAL = re.compile(r"[^\w]+")
_LETTERS = re.compile(r"[A-Za-z]+")
_WORD = re.compile(r"[\w’'.-]*\w")
# Capitalised words joined by hyphens name one thing ("Flask-Babel", "Putin-Trump").
_COMPOUND = re.compile(r"\b[A-Z][\w’']*(?:-[\w’']+)+")


# A condition or a time, to the next comma or the sentence's end ("if you don't give
# one", "before Node gives up on it"), or the purpose a sentence opens with ("To handle
# Windows-style paths on Linux, ..."); a full stop inside a word ("C:\\temp\\file.txt")
# does not end it.
_CONDITION = re.compile(
    r"(?:\b(?:if|when|whenever|unless|before|after|until)\b|^\W*to\b)(?:[^,;.!?]|\.(?=\w))*",
    re.IGNORECASE,
)
_CONDITION_WORD = re.compile(r"[\w’'-]+")
# Words a restated condition may hold that the question need not: "if I don't give one"
# is answered "if you don't ..."; "to" opens a purpose.
_RESTATED_FREELY = frozenset((*I, *WE, *YOU, "to"))


def numbers(text: str) -> set[float]:
    """The numbers a text states, digits and words alike ("2,000" and "two thousand"
    are not merged: each word counts on its own, which is strict but never lenient)."""
    found: set[float] = set()
    for token in _NUMBER.findall(_GLUED.sub(" ", text)):
        word = _WORD_NUMBERS.get(token.lower())
        if word is not None:
            found.add(float(word))
            continue
        digits = token.replace(",", "")
        try:
            found.add(float(digits))
        except ValueError:  # "1.2.3": keep each part
            found.update(float(part) for part in digits.split(".") if part)
    return found


def without_asked_conditions(claim: str, question: str) -> str:
    """The claim without the conditions it restates from the question, for the names and
    polarity checks: in "The port is 8000 if you don't give one." (asked "... if I don't
    give one?") the "don't" is the asker's, not a negation the passage must hold, and
    so is "YAML" in "... when a YAML config changes", and "Linux" in "To handle Windows
    paths on Linux, use `path.win32`." (asked "My code runs on Linux ..."). What is left
    out is the longest start of a condition whose every word the question has (its "I"
    may be "you", and "to" opens a purpose), at least ``ASKED_CONDITION_WORDS`` of them;
    the judge still reads the whole claim."""
    asked = {STEM.stemWord(w) for w in _CONDITION_WORD.findall(question.lower())}

    def kept(condition: re.Match) -> str:
        end = 0
        for word in _CONDITION_WORD.finditer(condition.group().lower()):
            if word.group() not in _RESTATED_FREELY and STEM.stemWord(word.group()) not in asked:
                break
            end = word.end()
        restated = len(_CONDITION_WORD.findall(condition.group()[:end]))
        return condition.group()[end:] if restated >= ASKED_CONDITION_WORDS else condition.group()

    return _CONDITION.sub(kept, claim)


def unknown_names(claim: str, passage: str) -> list[str]:
    """Names in the claim that the passage (with its surroundings) does not mention.

    The question's names do not count: "What does Markov say?" answered with "Markov
    says X" of a sentence Stanovaya said is the attribution error this catches.

    A name is known when any of its words is ("Donald Davies" for "Davies"); words
    match by stem or when one stem starts the other ("Russia" / "Russian"); an
    acronym also matches the initials of capitalised words ("US" / "United States").
    A hyphenated name is one name, known only when each of its capitalised parts is:
    "Flask-Babel" is not the "Flask" a passage names."""
    words = _WORD.findall(re.sub(r"[-.]", " ", passage))
    stems = {STEM.stemWord(w.replace(".", "").lower()) for w in words}
    caps = [w for w in words if w[0].isupper()]
    initials = {
        "".join(w[0] for w in caps[i : i + n]) for n in ACRONYM_WORDS for i in range(len(caps))
    }

    def known(word: str) -> bool:
        stem = STEM.stemWord(word.lower())
        if stem in stems:
            return True
        related = (s for s in stems if min(len(s), len(stem)) >= KIN_STEM_LETTERS)
        if any(s.startswith(stem) or stem.startswith(s) for s in related):
            return True
        return word.isupper() and word in initials

    unknown = [" ".join(run) for run in names(claim) if not any(known(w) for w in run)]
    for compound in _COMPOUND.findall(claim):
        parts = [part for part in compound.split("-") if part[:1].isupper()]
        if len(parts) > 1 and not all(known(part) for part in parts):
            unknown.append(compound)
    return unknown


# The "v" of a version a heading gives ("Git v2.38 Release Notes" gives 2.38).
_V_NUMBER = re.compile(r"\bv(?=\d)", re.IGNORECASE)
# Code a claim names besides rag/text/names.CODE_NAME: a `quoted` span's words and an
# option ("-m", "--extra-files").
_TICKED = re.compile(r"`([^`]+)`")
_OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")


def unknown_code(claim: str, passage: str, question: str) -> list[str]:
    """Options, functions and other code the claim names that neither the passage (with
    its surroundings) nor the question does: "use the `-m` option" of a passage that
    gives only "time [option…] command [arg…]" (the judge passed it at 0.82). Like a
    name or a number, an option is a fact a small model invents. An option must match
    exactly ("-m" is not "-M"); other code matches in any case, and a dotted name also
    by its last part ("Path.mkdir()" of a passage about "mkdir()")."""
    found = {w.strip(".,;:()[]{}\"'") for span in _TICKED.findall(claim) for w in span.split()}
    found |= {m.group() for m in CODE_NAME.finditer(claim)}
    options = set(_OPTION.findall(claim))
    lower = f"{passage} {question}".lower()

    def known(token: str) -> bool:
        if token in options:
            return token in passage or token in question
        core = token.removesuffix("()").lower()
        last = core.rpartition(".")[2]
        return core in lower or (len(last) >= 3 and last in lower)

    return sorted(t for t in found | options if len(t) > 1 and not known(t))


_NEGATION = re.compile(
    r"\b(?:not|never|no|none|nobody|nothing|neither|nor|cannot|without)\b|n[’']t\b", re.I
)
_CONTRAST = re.compile(r"\b(?:rather\s+than|instead\s+of)\b", re.I)  # negates, claim side
_NEGATING = re.compile(rf"\b(?:{either(NEGATING_WORDS)})\b", re.I)
_ANSWER_WORD = re.compile(
    r"^\W*(?:yes|no)(?:\s*[,.:;—–-]\s*|\W*$)", re.I
)  # "No, ..." answers a question
_LOWER_WORD = re.compile(r"[a-z’']+")
_NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non")


def polarity_clash(claim: str, passage: str) -> str | None:
    """Why the claim says the opposite of the passage, when a word shows it.

    - a negation ("not", "never", "no", "n't"...) in a claim whose passage negates
      nothing, not even with a word such as "dropped" or "removed" (a leading "Yes,"
      or "No," that answers the question does not count);
    - a passage that negates a word ("doesn't keep a plan") the claim affirms ("does
      keep a plan") with no negation of its own;
    - a word whose negated form the passage uses instead ("reasonable" for
      "unreasonable"), or the reverse.
    """
    body = _ANSWER_WORD.sub("", claim)
    said = _LOWER_WORD.findall(claim.lower())
    if _NEGATION.search(body) and not _NEGATION.search(passage) and not _NEGATING.search(passage):
        return "negation added"
    if not _NEGATION.search(body) and not _CONTRAST.search(body):
        stems = {STEM.stemWord(w) for w in said}
        for match in _NEGATION.finditer(passage):
            following = _LOWER_WORD.findall(passage[match.end() :].lower())[:NEGATION_REACH]
            word = next((w for w in following if w not in FILLER and not w.endswith("ly")), "")
            if word and STEM.stemWord(word) in stems:
                return f"negation of {word!r} dropped"
    source = set(_LOWER_WORD.findall(passage.lower()))
    for word in set(said):
        for prefix in _NEGATING_PREFIXES:
            if (
                len(word) >= PREFIXED_LETTERS
                and prefix + word in source
                and prefix + word not in said
            ):
                return f"{word} / {prefix}{word}"
            bare = word.removeprefix(prefix)
            if (
                bare != word
                and len(bare) >= PREFIXED_LETTERS
                and bare in source
                and word not in source
            ):
                return f"{word} / {bare}"
    return None


def lookalike_swap(claim: str, passage: str) -> str | None:
    """A word of the passage that the claim, copying the sentence around it, replaces
    with a word spelled much like it ("qualitative" for "quantitative").

    The judge passed that sentence at 0.84: it reads the two as one. A look-alike is
    rarely a synonym ("asked" for "requested", "move" for "transition" are not alike),
    and a question that misremembers a word is how it gets into an answer."""
    said = [w.lower() for w in _LETTERS.findall(claim)]
    source = {w.lower() for w in _LETTERS.findall(passage)}
    for a, b in sentence_spans(passage):
        words = [w.lower() for w in _LETTERS.findall(passage[a:b])]
        match = difflib.SequenceMatcher(None, words, said, autojunk=False)
        for tag, i1, i2, j1, j2 in match.get_opcodes():
            if tag == "replace" and i2 - i1 == 1 and j2 - j1 == 1:
                old, new = words[i1], said[j1]
                if new not in source and _alike(old, new):
                    return f"{new} / {old}"
    return None


def _alike(old: str, new: str) -> bool:
    """Two different words spelled alike, neither a form of the other ("Russia" and
    "Russian" are kin; a negating prefix is the polarity check's; short words such as
    "could" and "would" are left to the judge)."""
    if min(len(old), len(new)) < LOOKALIKE_LETTERS or STEM.stemWord(old) == STEM.stemWord(new):
        return False
    if old.startswith(new) or new.startswith(old) or old.endswith(new) or new.endswith(old):
        return False
    return difflib.SequenceMatcher(None, old, new).ratio() >= LOOKALIKE_RATIO


def _normal(text: str) -> str:
    return _NORMAL.sub(" ", text.lower()).strip()


def is_quote(claim: str, passage: str) -> bool:
    """The claim is one or more consecutive whole sentences of the passage, verbatim.

    Whole sentences only: a fragment can drop the "It is not true that" before it.
    """
    target = _normal(claim)
    if not target:
        return False
    pieces = [_normal(passage[a:b]) for a, b in sentence_spans(passage)] or [_normal(passage)]
    for i in range(len(pieces)):
        joined = ""
        for piece in pieces[i:]:
            joined = f"{joined} {piece}".strip()
            if joined == target:
                return True
            if len(joined) >= len(target):
                break
    return False


@dataclass(frozen=True)
class Verdict:
    """Whether a passage states a claim; ``check`` says which test decided."""

    supported: bool
    score: float
    check: str  # quote, numbers, names, polarity, subject, attribution, composed, judge, ...


class Judge(Protocol):
    """Something that returns p(yes) for a (system, user) prompt pair."""

    name: str

    def p_yes(self, system: str, user: str) -> float: ...


class Verifier:
    """Decides whether passages state a sentence (read as an answer to a question)."""

    def __init__(self, judge: Judge | None, threshold: float) -> None:
        self.judge = judge  # None: word overlap only (the weak, model-free tier)
        self.threshold = threshold  # the judge's p(yes), or the share of words without one

    @property
    def name(self) -> str:
        return self.judge.name if self.judge else "overlap"

    def close(self) -> None:
        """Let the judge's model go (see :meth:`rag.assistant.Assistant.close`)."""
        close = getattr(self.judge, "close", None)
        if close is not None:
            close()

    def check(
        self,
        question: str,
        claim: str,
        passage: str,
        before: str = "",
        composed: bool = False,
        section: str = "",
        document: str = "",
        asked: frozenset[str] = frozenset(),
    ) -> Verdict:
        """Whether ``passage`` states ``claim`` read as an answer to ``question``.

        ``composed`` marks text the application built from the passages' own words (the
        people a document names, "X is <the phrase beside X's name>"): no model wrote
        it, so the exact checks decide, reading the passage after its ``section``'s heading
        path (which "The section "11. Patents" covers it." names).

        ``before`` is the text that precedes the passage in its chunk: a sentence may say
        "he" of someone its neighbour names, so names are looked up there too. The judge
        reads the passage alone, as the citation quotes it (the sentence before made it
        pass "Putin wants to return to Moscow's sphere" of a passage about Ukraine), after
        the heading of its ``section``, which the citation shows beside the quote. Names
        are also looked up in its ``document``'s name ("Mozilla Foundation is the license
        steward of MPL-2.0" of a sentence in MPL-2.0.txt), which the judge is not given:
        with it, it passed sentences that add to their passage (citation precision on
        pallets-docs 0.98 to 0.91, graded without it). ``asked`` are the terms heading
        the context's passages that the question asks about: a passage under another
        term does not answer it (rag/verify/term.py), quote or not.
        """
        if composed and section:  # built from the passage and the heading it sits under
            passage = f"{section}: {passage}"
        if asks_someone_else(question, passage, before):  # true, but not whose words were asked
            return Verdict(False, 0.0, "attribution")
        if other_term(passage, section, asked):
            return Verdict(False, 0.0, "subject")
        if is_quote(claim, passage):
            return Verdict(True, 1.0, "quote")
        # the version that heads release notes is theirs ("Git v2.38 Release Notes": 2.38)
        release = _V_NUMBER.sub("", version_heading(section))
        if numbers(claim) - numbers(passage) - numbers(release):
            return Verdict(False, 0.0, "numbers")
        stated = without_asked_conditions(claim, question)
        # What a claim puts in code quotes is code, for the code check, which reads the
        # question: "`setTimeout()`" had failed here as a name the passage lacks.
        if unknown_names(_TICKED.sub("code", stated), f"{document} {before} {passage}"):
            return Verdict(False, 0.0, "names")
        if unknown_code(claim, f"{document} {section} {before} {passage}", question):
            return Verdict(False, 0.0, "code")
        if polarity_clash(stated, passage) or role_swap(claim, passage):
            return Verdict(False, 0.0, "polarity")
        if lookalike_swap(claim, passage):
            return Verdict(False, 0.0, "wording")
        if dropped_subject(claim, passage) or speaker_as_actor(claim, passage):
            return Verdict(False, 0.0, "subject")
        if (
            unattributed(claim, question, passage)
            or reported_as_fact(claim, question, passage)
            or misattributed(claim, passage, before)
        ):
            return Verdict(False, 0.0, "attribution")
        if composed:
            return Verdict(True, 1.0, "composed")
        if self.judge is None:
            score = support(claim, passage)
            return Verdict(score >= self.threshold, score, "overlap")
        p = self.judge.p_yes(
            prompts.load("verify_system"),
            prompts.render(
                "verify",
                passage=headed(flat(passage), section),
                question=question,
                claim=claim,
            ),
        )
        return Verdict(p >= self.threshold, round(p, 4), "judge")


def p_yes_from_top(top: list[tuple[str, float]]) -> float:
    """p(yes) / (p(yes) + p(no)) from a first token's (token, logprob) alternatives."""
    mass = {"yes": 0.0, "no": 0.0}
    for token, logprob in top:
        word = token.strip().lower()
        if word in mass:
            mass[word] += math.exp(logprob)
    total = mass["yes"] + mass["no"]
    return mass["yes"] / total if total else 0.0
