"""Whose words: a sentence that repeats a quotation must say who said it.

"Putin wants to keep Trump as a resource for a possible transition to peace" is, word for
word, what the analyst Sergei Markov is quoted as saying; written as the answer to "What
does Putin want?" it states his opinion as fact. A judge asked "is this answer correct
according to the passage?" says yes, since the passage holds those words. So the
verifier (rag/verify/verifier.py) asks this cheap question first: does the sentence mostly repeat
a quotation whose speaker the passage names, while neither the sentence nor the
question names that speaker? And when the sentence has someone speak ("Witkoff said
..."), is that person among those the passage has speaking? And does the sentence state
as fact what the passage has an unnamed "she" or "they" say ("In this case, she said,
what Russia's leader wants is ...")? And when the question asks what someone says ("What
does Sergei Markov say about territory?"), is it that person who speaks in the passage?
"""

import re

from rag.text.lexicon import (
    ASKING,
    OPINION,
    PAST,
    PEOPLE,
    PREPOSITIONS,
    S_FORM,
    SAY,
    SPEECH,
    SUBJECT,
    TELL,
    THIRD_PERSON,
    TITLES,
    either,
)
from rag.text.names import TOKEN, names, starters
from rag.text.overlap import content_terms
from rag.text.sentences import sentence_spans
from rag.thresholds import (
    CLAIM_SPEAKER_WORDS,
    MIN_CLAIM_TERMS,
    MIN_QUOTE_TERMS,
    PASSAGE_SPEAKER_WORDS,
    PRONOUN_SPEAKER_WORDS,
    QUOTED_SHARE,
)

# A quotation: text between curly or straight double quotes, at least four words long
# (scare quotes such as the “annexed” regions name a word, not an opinion).
_QUOTE = re.compile(r"“([^”]{12,})”|\"([^\"]{12,})\"")
_QUOTE_MARK = re.compile(r"[“”\"]")  # a quotation begun or ended here


def quote_speakers(passage: str, start: int, end: int) -> list[str]:
    """Names in the quotation's own sentences outside the quotation itself: its speaker
    ("..., said Sergei Markov, a political analyst." / "Mr. Putin said: ...")."""
    spans = sentence_spans(passage)
    first = max((a for a, _ in spans if a <= start), default=0)
    last = min((b for a, b in spans if b > end), default=len(passage))
    around = f"{passage[first:start]} {passage[end:last]}"
    return [" ".join(run) for run in names(around)]


def unattributed(claim: str, question: str, passage: str) -> str | None:
    """The speaker whose quoted words the claim states as fact, if it does."""
    said = content_terms(claim)
    if len(said) < MIN_CLAIM_TERMS:
        return None
    named = content_terms(f"{claim} {question}")
    for match in _QUOTE.finditer(passage):
        words = content_terms(match.group(1) or match.group(2))
        if len(words) < MIN_QUOTE_TERMS or len(said & words) < QUOTED_SHARE * len(said):
            continue
        who = quote_speakers(passage, match.start(), match.end())
        if who and not any(content_terms(name) & named for name in who):
            return who[0]
    return None


# Every form of "say" ("they say"); the other speech verbs as they report ("tells", "told").
_VERBS = either([*SAY, *(verb[form] for verb in SPEECH for form in (S_FORM, PAST))])
_SPEECH = re.compile(rf"^(?:{_VERBS})$", re.IGNORECASE)
_SAYS = re.compile(rf"^(?:{either(SAY)})$", re.IGNORECASE)
_TELLS = re.compile(rf"^(?:{either(TELL)})$", re.IGNORECASE)  # the name after is the listener
_OPINION = either(form for verb in OPINION for form in verb)  # a view, not speech
# A pronoun that speaks ("she said", "we say"): a person's subject form.
_PRONOUN = re.compile(rf"^(?:{either(person[SUBJECT] for person in PEOPLE)})$", re.IGNORECASE)


def _speech_speakers(
    text: str, before: int, after: int, both: bool, verbs: re.Pattern = _SPEECH
) -> list[set[str]]:
    """For each speech verb ("said", "told"...): the capitalised words just ahead of it,
    lowered ("Ms. Stanovaya said"; up to ``before`` words), or when none are, just
    behind it ("..., said Sergei Markov"; up to ``after``): "Ushakov said Mr. Putin had"
    is Ushakov speaking of Putin. ``both`` takes both sides (a passage, read
    leniently: "“Putin wants peace,” said Markov"). An empty set when a pronoun speaks
    ("she said")."""
    tokens = TOKEN.findall(text)
    reach_ahead, reach_behind = PRONOUN_SPEAKER_WORDS
    found = []
    for i, word in enumerate(tokens):
        if not verbs.match(word):
            continue
        ahead, behind = tokens[max(0, i - before) : i], tokens[i + 1 : i + 1 + after]
        if any(_PRONOUN.match(w) for w in ahead[-reach_ahead:] + behind[:reach_behind]):
            found.append(set())
            continue
        named_ahead = {w.lower() for w in ahead if w[0].isupper() and w not in TITLES}
        named_behind = set() if _TELLS.match(word) else _named_behind(behind)
        found.append(named_ahead | named_behind if both else named_ahead or named_behind)
    return found


def _named_behind(words: list[str]) -> set[str]:
    """The names just after a speech verb ("said Sergei Markov, an analyst"), lowered;
    none after a preposition ("Mr. Putin said of Mr. Trump" is Putin speaking)."""
    if words and words[0].lower() in PREPOSITIONS:
        return set()
    return {w.lower() for w in words if w[0].isupper() and w not in TITLES}


# "What does Sergei Markov say ...", "What did Witkoff tell reporters?": who is asked about.
_TITLES = frozenset(t.lower() for t in TITLES)
_ASKED = re.compile(
    rf"((?:[A-Z][\w’'.-]*\s+){{1,4}})(?:{either(form for verb in ASKING for form in verb)})\b"
)
_ACCORDING = re.compile(r"\baccording\s+to\s+((?:[A-Z][\w’'.-]*\s*)+)", re.IGNORECASE)


def misattributed(claim: str, passage: str, before: str = "") -> str | None:
    """The speaker the claim gives ("Witkoff said ...", "according to Witkoff") when the
    passage has people speaking but never that one: "Yuri Ushakov said Mr. Putin had
    conveyed signals to Mr. Witkoff" is Ushakov's account, not Witkoff's. Or who the claim
    says "said" something when no one speaks or is quoted in the passage's paragraph:
    "talks in Moscow with ... Steve Witkoff" has him say nothing. (Only "say": in
    documentation a variable "tells" R where a file is and a section "explains".)"""
    paragraph = before[before.rfind("\n") + 1 :] + passage
    if not _QUOTE_MARK.search(paragraph) and not any(map(_SPEECH.match, TOKEN.findall(paragraph))):
        sayers = _speech_speakers(claim, *CLAIM_SPEAKER_WORDS, both=False, verbs=_SAYS)
        return next((" ".join(sorted(who)) for who in sayers if who - starters()), None)
    said = _speech_speakers(claim, *CLAIM_SPEAKER_WORDS, both=False) + _named(_ACCORDING, claim)
    return _unheard(said, passage)


def _unheard(said: list[set[str]], passage: str) -> str | None:
    """The first of the speakers ``said`` whom the passage never has speaking; None when
    nobody speaks in it or a pronoun does ("she said"): unknown."""
    said = [who for who in said if who]
    if not said:
        return None
    speaking = _speech_speakers(passage, *PASSAGE_SPEAKER_WORDS, both=True)
    if not speaking or any(not who for who in speaking):
        return None
    heard = set().union(*speaking)
    return next((" ".join(sorted(who)) for who in said if not who & heard), None)


def _named(pattern: re.Pattern, text: str) -> list[set[str]]:
    """For each match of ``pattern``, the words of its first group that name someone."""
    return [
        {w.strip(".,’'").lower() for w in m.group(1).split()} - _TITLES - starters()
        for m in pattern.finditer(text)
    ]


# "she said", "they say", "he explained": someone speaks whom the sentence does not name.
# The group is the punctuation right after the verb: ", she said," and "..., he said."
# frame the whole sentence as what was said; "she said that X" only X.
_SPEAKS = either(person[SUBJECT] for person in PEOPLE if person in THIRD_PERSON)  # he, she, they
_PRONOUN_SPEAKS = re.compile(
    rf"\b(?:{_SPEAKS})\s+(?:also\s+|has\s+|have\s+|had\s+)?(?:{_VERBS})\b(\s*[,.;:—–]|\s*$)?",
    re.IGNORECASE,
)
# Words by which a sentence (or the question it answers) says that it is someone's view.
_ATTRIBUTED = re.compile(
    rf"\b(?:{_VERBS}|{_OPINION}|according|suggests?|suggested|analysts?|experts?|opinion|"
    r"accounts?)\b",
    re.IGNORECASE,
)


def reported_as_fact(claim: str, question: str, passage: str) -> str | None:
    """The speech frame ("she said") of what the claim states as fact, if it does.

    "Mr. Putin wants Ukraine to stop being an anti-Russia project" is what the analyst
    Tatiana Stanovaya said, in a sentence that names her only as "she"; the judge reads
    the words and says yes. Measured before it was added, this fires on 3 of the 86
    sentences shown in the last seed run (each restating a "she said" or "they say" as
    fact) and on 3 of the 230 claims, all unsupported; on none of the 500 HaluEval cases
    or the 265 sentences shown in the last squad2-open run."""
    if _ATTRIBUTED.search(claim) or _ATTRIBUTED.search(question):
        return None
    said = content_terms(claim)
    if len(said) < MIN_CLAIM_TERMS:
        return None
    for match in _PRONOUN_SPEAKS.finditer(passage):
        part = passage if match.group(1) is not None else passage[match.end() :]
        if len(said & content_terms(part)) >= QUOTED_SHARE * len(said):
            return match.group(0).strip(" ,.;:—–")
    return None


def asks_someone_else(question: str, passage: str, before: str = "") -> str | None:
    """Whom the question asks about, when someone else speaks in the passage.

    "What does Sergei Markov say about territory?" is not answered by analysts saying
    something, nor by a quotation of Tatiana Stanovaya's, however true the sentence.
    The speaker of a quotation may be named earlier in its paragraph ("..., Ms.
    Stanovaya said. “Territory is very secondary.”"), so that part of ``before`` is read
    too. Unknown (None) when nobody in the passage speaks or a pronoun does. Measured
    before it was added, it fires on 3 of the 87 sentences shown in the last seed run
    (analysts' words shown for "according to Stanovaya", the aide Ushakov's for "What did
    Witkoff say?") and on 1 of the 230 claims (unsupported); on none of the HaluEval cases
    or the squad2-open sentences."""
    paragraph = before[before.rfind("\n") + 1 :] + passage
    return _unheard(_named(_ASKED, question) + _named(_ACCORDING, question), paragraph)
