"""Whose words: a sentence that repeats a quotation must say who said it.

"Putin wants to keep Trump as a resource for a possible transition to peace" is, word for
word, what the analyst Sergei Markov is quoted as saying; written as the answer to "What
does Putin want?" it states his opinion as fact. A judge asked "is this answer correct
according to the passage?" says yes, since the passage holds those words. So the
verifier (rag/verify.py) asks this cheap question first: does the sentence mostly repeat
a quotation whose speaker the passage names, while neither the sentence nor the
question names that speaker?
"""

import re

from rag.chunk import sentence_spans
from rag.names import names
from rag.overlap import content_terms

# A quotation: text between curly or straight double quotes, at least four words long
# (scare quotes such as the “annexed” regions name a word, not an opinion).
_QUOTE = re.compile(r"“([^”]{12,})”|\"([^\"]{12,})\"")
MOSTLY = 0.7  # share of the sentence's content words that come from the quotation


def speakers(passage: str, start: int, end: int) -> list[str]:
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
    if len(said) < 3:
        return None
    named = content_terms(f"{claim} {question}")
    for match in _QUOTE.finditer(passage):
        words = content_terms(match.group(1) or match.group(2))
        if len(words) < 4 or len(said & words) < MOSTLY * len(said):
            continue
        who = speakers(passage, match.start(), match.end())
        if who and not any(content_terms(name) & named for name in who):
            return who[0]
    return None
