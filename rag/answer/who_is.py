"""Direct answers to "Who is X?": the phrase the documents set beside X's name.

Writers introduce a person by apposition ("Sergei Markov, a pro-Kremlin political
analyst in Moscow" or "Mr. Trump's special envoy, Steve Witkoff"), and that phrase is
the direct answer. Copying it is faithful by construction and needs no model: asked
the same question the bundled 0.5B model wrote "Steve Witkoff is the special envoy,
Steve Witkoff." When no sentence introduces X this way, the model answers as usual.
"""

import re

from rag.answer.candidate import Candidate
from rag.index.retrieve import Passage
from rag.text.lexicon import ARTICLES, HONORIFICS, PHRASE_BREAKS, either
from rag.thresholds import APPOSITIVE_WORDS, NAME_WORDS

_QUESTION = re.compile(
    r"^\s*(?:who\s+(?P<verb>is|was|are|were)\s+(?P<name>.+?)"
    r"|what\s+(?P<verb2>is|was)\s+(?P<name2>.+?)[’']s?\s+(?:role|job|position|title|"
    r"occupation|profession)"
    r"|what\s+(?:does|did)\s+(?P<name3>.+?)\s+do(?:\s+for\s+a\s+living)?)\s*\??\s*$",
    re.IGNORECASE,
)
_TITLE = re.compile(rf"^(?:(?:{either(HONORIFICS)})\.?\s+)+")
_ARTICLE = either(ARTICLES)
_CAPITAL_ARTICLES = {article.capitalize() for article in ARTICLES}


def question_name(question: str) -> tuple[str, str] | None:
    """(name, verb) for a question that asks who someone is, else None."""
    m = _QUESTION.match(question)
    if not m:
        return None
    name = m.group("name") or m.group("name2") or m.group("name3")
    verb = (m.group("verb") or m.group("verb2") or "is").lower()
    name = _TITLE.sub("", name.strip())
    if not name or not name[0].isupper() or len(name.split()) > NAME_WORDS:
        return None  # "Who is the president of Ukraine?" is not about a named person
    return name, verb


def appositive(name: str, sentence: str) -> str | None:
    """The phrase set beside ``name`` in ``sentence`` by a comma, if any."""
    after = re.search(rf"\b{re.escape(name)},\s+((?:{_ARTICLE})\s+[^,;.—–()“”\"]+)", sentence)
    if after:
        return after.group(1).strip()
    before = re.search(rf"([^,;:—–()“”\"]+),\s+{re.escape(name)}\b", sentence)
    if not before:
        return None
    words = before.group(1).split()
    phrase: list[str] = []
    for word in reversed(words):
        if word.lower() in PHRASE_BREAKS or len(phrase) == APPOSITIVE_WORDS:
            break
        phrase.insert(0, word)
    if not phrase or not any(w[0].islower() for w in phrase):
        return None  # "Moscow, Steve Witkoff" lists names; it does not describe
    if phrase[0] in _CAPITAL_ARTICLES:
        phrase[0] = phrase[0].lower()
    elif phrase[0][0].islower() and phrase[0] not in ARTICLES:
        return None  # a bare noun ("envoy, X") reads badly without its article
    return " ".join(phrase)


def write(question: str, context: list[Passage]) -> Candidate | None:
    """ "X is <phrase> [1]." from the first context sentence that introduces X; None when
    the question is not of that kind or no sentence does."""
    asked = question_name(question)
    if asked is None:
        return None
    name, verb = asked
    for unit in context:
        phrase = appositive(name, unit.text)
        if phrase:
            return Candidate("who-is", f"{name} {verb} {phrase} [1].", [unit], composed=True)
    return None
