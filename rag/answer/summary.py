"""Document-level answers: a summary, or the people a document mentions.

No one passage answers "Summarize the article", so the document is read whole: its
sentences are embedded and the most representative ones quoted verbatim, in document
order. Quotes are stated by their passage by construction, so a summary costs no
model call and cannot misreport; a small model's abstractive summary would need every
sentence verified and still drop or merge facts. "Who is mentioned?" lists the people
named, each cited to the sentence that first names them in full.
"""

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from rag import prompts
from rag.answer.candidate import Candidate, quoted
from rag.answer.evidence import Embed
from rag.answer.route import COUNT as _COUNT
from rag.answer.route import Route, wanted_count
from rag.index.retrieve import Passage, Retriever
from rag.index.store import StoredChunk
from rag.text.lexicon import (
    COUNT_UNITS,
    DEMONSTRATIVES,
    DOCUMENT_WORDS,
    HONORIFICS,
    KEY,
    MENTIONED,
    POINTS,
    POSSESSIVE,
    SUBJECT,
    THIRD_PERSON,
    TITLES,
    either,
)
from rag.text.names import starters
from rag.text.overlap import content_terms
from rag.text.sentences import is_code, sentence_spans
from rag.thresholds import (
    MAX_SENTENCES,
    PEOPLE_LISTED,
    PROSE_SYMBOLS,
    PROSE_WORDS,
    REDUNDANCY,
    SUMMARY_SENTENCES,
)

# Words that say what kind of answer is wanted, not what it is about.
_ASK_WORDS = content_terms(
    " ".join([*KEY, *POINTS, *DOCUMENT_WORDS, *COUNT_UNITS, *MENTIONED])
    + " summarize summarise summary sum up overview gist tldr about what give brief briefly"
    + " please write part people who"
)


@dataclass(frozen=True)
class Document:
    source: str
    title: str
    sentences: list[Passage]  # every sentence, in order, as exact spans of the source
    leads: frozenset[int]  # starts of the sentences that open a paragraph


def pick_document(question: str, retriever: Retriever, top_k: int) -> Document | None:
    """The document the question is about: the only one, the one whose title or file
    name it names, else the one holding the best passage for it."""
    titles = {s: r.title for s, r in retriever.store.manifest().items() if r.chunks}
    if not titles:
        return None
    source = next(iter(titles))
    if len(titles) > 1:
        terms = content_terms(_numbers_spelled(question)) - _ASK_WORDS
        ranked = [p.source for p in retriever.search(question, top_k)]
        naming = {
            s: len(terms & content_terms(_numbers_spelled(f"{title} {_file_words(s)}")))
            for s, title in titles.items()
        }
        best = max(naming.values())
        named = [s for s in ranked if naming.get(s) == best and best > 0]
        named += sorted(s for s in titles if naming[s] == best and best > 0)
        source = (named or ranked or [source])[0]
    return _document(source, retriever.store.chunks_of(source))


def _file_words(source: str) -> str:
    name = re.split(r"[\\/]", source)[-1].rsplit(".", 1)[0]
    return re.sub(r"[_\-.]+", " ", name)


def _numbers_spelled(text: str) -> str:
    """ "part01" and "part 1" alike: digits stand apart and lose leading zeros."""
    return re.sub(r"\d+", lambda m: f" {int(m.group())} ", text)


def _document(source: str, chunks: list[StoredChunk]) -> Document:
    chunks = sorted(chunks, key=lambda c: c.start)
    units: dict[int, Passage] = {}
    leads: set[int] = set()
    for i, c in enumerate(chunks):
        for a, b in sentence_spans(c.text):
            start = c.start + a
            if start in units:
                continue
            if len(units) >= MAX_SENTENCES:
                break
            end = c.start + b
            units[start] = Passage(
                0, 0.0, source, c.title, start, end, c.page, c.text[a:b], c.id, c.sections
            )
            # A chunk may start mid-paragraph: what precedes a chunk's first sentence is
            # in the chunk before it (chunks are exact spans of the source), if any.
            before = c.text[:a] if a else chunks[i - 1].text_before(c.start) if i else ""
            if not before.rstrip(" \t") or before.rstrip(" \t").endswith("\n"):
                leads.add(start)
        if len(units) >= MAX_SENTENCES:
            break
    return Document(source, chunks[0].title, [units[k] for k in sorted(units)], frozenset(leads))


def representative(question: str, document: Document, embed: Embed, n: int) -> list[Passage]:
    """The ``n`` sentences that best stand for the document, in document order.

    Centrality (cosine with the mean of the candidates) picks them, with maximal
    marginal relevance against repeats; the lead sentence, which news and reference
    writing alike use to say what the piece is about, is always taken. A question
    with a subject of its own ("Summarize what she says about territory") ranks by
    that subject as well.
    """
    prose = [s for s in document.sentences if _is_prose(s.text)]
    # Writers open a paragraph with what it is about: when there are enough paragraphs,
    # their opening sentences are the candidates.
    leads = [s for s in prose if s.start in document.leads]
    candidates = leads if len(leads) >= n else prose
    if len(candidates) <= n:
        return candidates
    focus = content_terms(_COUNT.sub(" ", question)) - _ASK_WORDS
    vectors = embed([question] + [s.text for s in candidates])
    q, sv = vectors[0], vectors[1:]
    centre = sv.mean(axis=0)
    centre /= np.linalg.norm(centre) or 1.0
    relevance = sv @ centre + (sv @ q if focus else 0.0)
    picked = [] if focus else [0]
    while len(picked) < n:
        best, best_score = -1, -np.inf
        for i in range(len(candidates)):
            if i in picked:
                continue
            repeat = max((float(sv[i] @ sv[j]) for j in picked), default=0.0)
            score = REDUNDANCY * relevance[i] - (1 - REDUNDANCY) * repeat
            if score > best_score:
                best, best_score = i, score
        picked.append(best)
    return [candidates[i] for i in sorted(picked)]


def _is_prose(text: str) -> bool:
    """A sentence that stands on its own in the writer's voice: enough words, ending as
    sentences do, not a quotation (a quote says what one person holds, not what the
    piece is about), not opening with a word that points back ("This contributed to
    the shock": to what?), and not mostly symbols (a line of code or a compiler's
    diagnostic: "LL | /// There is no code example!")."""
    words = text.split()
    symbols = sum(1 for word in words if not _ALPHANUMERIC.search(word))
    return (
        len(words) >= PROSE_WORDS
        and symbols <= PROSE_SYMBOLS * len(words)
        and not is_code(text)
        and text.rstrip("'\"”’)").endswith((".", "!", "?"))
        and not text.lstrip().startswith(("“", '"', "‘", "'"))
        and words[0].lower().strip(",") not in _POINTS_BACK
    )


_ALPHANUMERIC = re.compile(r"[^\W_]")
# What a sentence that points back opens with ("This contributed ..."): a demonstrative, or
# a third person's subject or possessive (no sentence opens with "him" or "theirs").
_POINTS_BACK = frozenset(
    [*DEMONSTRATIVES, *(p[case] for p in THIRD_PERSON for case in (SUBJECT, POSSESSIVE)), "thus"]
)


_TITLED = re.compile(
    rf"\b(?:{either(HONORIFICS)})\.?\s+((?:[A-Z](?:[\w’'-]+|\.)\s+)*[A-Z][\w’'-]+)"
)
_FULL_NAME = re.compile(
    r"\b([A-Z][a-z’'-]+(?:\s+(?:[A-Z]\.|[A-Z][a-z’'-]+)){0,2}\s+[A-Z][a-z’'-]+)\b"
)
_NOT_PEOPLE = content_terms(
    "center centre house university institute council party ministry department company "
    "corporation laboratory organization union bank group committee agency office court "
    "parliament republic kingdom states nations sea river street war army navy force "
    "administration church school college association foundation society press news "
    "times post journal system network project program programme accord treaty"
)


def people(document: Document, limit: int = PEOPLE_LISTED) -> list[tuple[str, Passage]]:
    """People the document names, most mentioned first (at most ``limit``), each with
    the first sentence that gives their full name.

    Without a named-entity model a person is a two- or three-word capitalised name
    ("Sergei Markov") that is not an organisation, or a name after a title
    ("Mr. Putin"); surnames alone count towards the full name's mentions.
    """
    full: dict[str, Passage] = {}  # surname -> first sentence naming them in full
    names: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for s in document.sentences:
        for match in _FULL_NAME.finditer(s.text):
            words = match.group(1).split()
            if match.start() == 0 and words[0].lower() in starters():
                continue
            while words and words[0].rstrip(".") in TITLES:
                words = words[1:]
            if len(words) < 2 or content_terms(" ".join(words)) & _NOT_PEOPLE:
                continue
            surname = _bare(words[-1])
            if names.get(surname, "").count(" ") < 1:  # a full name beats a surname
                names[surname], full[surname] = " ".join(words[:-1] + [surname]), s
        for match in _TITLED.finditer(s.text):
            surname = _bare(match.group(1).split()[-1])
            if surname not in names:
                names[surname], full[surname] = surname, s
    for s in document.sentences:
        for surname in names:
            counts[surname] += len(re.findall(rf"\b{re.escape(surname)}\b", s.text))
    top = [x for x, _ in counts.most_common() if counts[x]][:limit]
    return [(names[x], full[x]) for x in sorted(top, key=lambda x: full[x].start)]


def _bare(word: str) -> str:
    """ "Putin’s" -> "Putin"."""
    return re.sub(r"[’']s?$", "", word)


def write(
    question: str, kind: Route, retriever: Retriever, embed: Embed, top_k: int
) -> Candidate | None:
    """The candidate for a document-level question (``summary`` or ``people``); None
    with nothing stored, or no one named."""
    document = pick_document(question, retriever, top_k)
    if document is None:
        return None
    if kind == "people":
        named = people(document)
        if not named:
            return None
        context = list(dict.fromkeys(sentence for _, sentence in named))
        where = {s.start: i for i, s in enumerate(context, 1)}
        listed = [f"{name} [{where[s.start]}]" for name, s in named]
        raw = prompts.render("people", names=_series(listed))
        return Candidate("people", raw, context, composed=True)
    n = wanted_count(question, SUMMARY_SENTENCES)
    return quoted(representative(question, document, embed, n), "summary", composed=True)


def _series(items: list[str]) -> str:
    """ "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
