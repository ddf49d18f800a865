"""Who does what: checks that a sentence keeps the passage's roles.

Shared words hide a changed role: "Trump wants to keep Putin" uses every word of
"Putin wants to keep Trump", and "Putin wants to return" every word of "Putin wants
Ukraine to return". Both readings need only the words' order, so no model is asked.
"""

import re

from rag.text.lexicon import (
    AUXILIARIES,
    CONTROL_VERBS,
    LINKING,
    OBJECT,
    PAST,
    PEOPLE,
    REPORTING,
    S_FORM,
    SAY,
    TITLES,
)
from rag.text.names import STEM, TOKEN, names
from rag.thresholds import (
    ACTOR_REACH,
    INFINITIVE_REACH,
    REPORTER_REACH,
    ROLE_GAP,
    ROLE_SHARE,
    VERB_REACH,
)

_SYMMETRIC = frozenset(  # "A met B" is "B met A": order says nothing
    {"with", "and", "between", "both", "each", "other", "meet", "met", "meeting", "talk",
     "talks", "together"}
)  # fmt: skip


def role_swap(claim: str, passage: str) -> str | None:
    """Two names the passage links one way ("Putin wants to keep Trump") that the claim
    links the other way ("Trump wants to keep Putin"), by the same words between them."""
    known = []
    for run in names(claim):
        word = next((w for w in run if re.search(rf"\b{re.escape(w)}\b", passage)), None)
        if word and word not in known:
            known.append(word)
    if len(known) < 2:
        return None
    said = [(m.group(), STEM.stemWord(m.group().lower())) for m in TOKEN.finditer(claim)]
    source = [(m.group(), STEM.stemWord(m.group().lower())) for m in TOKEN.finditer(passage)]

    def at(tokens: list[tuple[str, str]], name: str) -> list[int]:
        return [i for i, (w, _) in enumerate(tokens) if w == name]

    def linked(x: str, y: str, middle: list[str]) -> bool:
        for i in at(source, x):
            for j in at(source, y):
                if i < j <= i + len(middle) + ROLE_GAP:
                    between = {s for _, s in source[i + 1 : j]}
                    if sum(m in between for m in middle) >= max(1, ROLE_SHARE * len(middle)):
                        return True
        return False

    for a_index, a in enumerate(known):
        for b in known[a_index + 1 :]:
            for i in at(said, a):
                for j in (j for j in at(said, b) if j > i):
                    words = said[i + 1 : j]
                    middle = [s for w, s in words if w.lower() not in LINKING]
                    if not middle or any(w.lower() in _SYMMETRIC for w, _ in words):
                        continue
                    if linked(b, a, middle) and not linked(a, b, middle):
                        return f"{a} / {b}"
    return None


# "X wants to go" is X going, "X wants Y to go" (or "what X wants is for Y to go") is Y going.
_CONTROL = frozenset(STEM.stemWord(w) for w in CONTROL_VERBS)
_OBJECTS = frozenset(person[OBJECT] for person in PEOPLE)  # "wants him to go"


def dropped_subject(claim: str, passage: str) -> str | None:
    """The claim has X do what the passage has X want *someone else* to do.

    "Putin wants to return to Moscow's sphere" of "what Russia's leader wants is for
    Ukraine to ... return to Moscow's sphere": the claim's "wants to return" is found
    in the passage only with another subject (a name or "him" right before a "to")
    between "wants" and "to return", never directly."""
    said = [m.group() for m in TOKEN.finditer(claim)]
    pairs = {
        (STEM.stemWord(said[i].lower()), STEM.stemWord(said[i + 2].lower()))
        for i in range(len(said) - 2)
        if said[i + 1].lower() == "to" and STEM.stemWord(said[i].lower()) in _CONTROL
    }
    if not pairs:
        return None
    source = [m.group() for m in TOKEN.finditer(passage)]
    stems = [STEM.stemWord(w.lower()) for w in source]
    for verb, action in pairs:
        direct = other = False
        for j in range(1, len(source) - 1):
            if source[j].lower() != "to" or stems[j + 1] != action:
                continue
            for k in range(j - 1, max(-1, j - 1 - INFINITIVE_REACH), -1):
                if stems[k] == verb:
                    middle = source[k + 1 : j + 1]  # up to and with the infinitive's "to"
                    if any(  # a name or "him" right before a "to": the infinitive's subject
                        (w[0].isupper() or w.lower() in _OBJECTS) and after.lower() == "to"
                        for w, after in zip(middle, middle[1:], strict=False)
                    ):
                        other = True
                    else:
                        direct = True
                    break
        if other and not direct:
            return f"{verb} ... to {action}: another subject"
    return None


# The reporting verbs' past forms, and "says": the other -s forms would add the stems of
# "tells" and "writes", which this check has never read as reporting.
_REPORTING = frozenset(STEM.stemWord(w) for w in (SAY[S_FORM], *(v[PAST] for v in REPORTING)))


def speaker_as_actor(claim: str, passage: str) -> str | None:
    """The claim has X do what the passage has X *say* someone else did.

    "Yuri Ushakov conveyed signals to Witkoff" of "Yuri Ushakov said Mr. Putin had
    conveyed signals to Witkoff": the passage has the claim's verb only after X's
    "said" and another name, never with X as its subject."""
    said = [m.group() for m in TOKEN.finditer(claim)]
    source = [m.group() for m in TOKEN.finditer(passage)]
    stems = [STEM.stemWord(w.lower()) for w in source]

    def reports_another(speaker: int, end: int, mine: set[str]) -> bool:
        """source[speaker] is X; before ``end`` come a reporting verb, then another name."""
        verbs = [n for n in range(speaker + 1, end) if stems[n] in _REPORTING]
        return bool(verbs) and any(
            source[n][0].isupper() and source[n] not in mine and source[n] not in TITLES
            for n in range(verbs[0] + 1, end)
        )

    for run in names(claim):
        for i in (i for i, w in enumerate(said) if w == run[-1]):
            rest = [w for w in said[i + 1 : i + 1 + VERB_REACH] if w.lower() not in AUXILIARIES]
            if not rest or not rest[0].islower() or rest[0].lower() in LINKING:
                continue
            verb = STEM.stemWord(rest[0].lower())
            if verb in _REPORTING:
                continue
            mine = set(run)
            direct = other = False
            for j in (j for j, stem in enumerate(stems) if stem == verb):
                if mine & set(source[max(0, j - ACTOR_REACH) : j]):
                    direct = True  # "Ushakov conveyed", "Ushakov had conveyed"
                    continue
                other = other or any(
                    reports_another(k, j, mine)
                    for k in range(max(0, j - REPORTER_REACH), j)
                    if source[k] in mine
                )
            if other and not direct:
                return f"{run[-1]} {rest[0]}: the passage has {run[-1]} say another did it"
    return None
