"""Scoring: exact metric definitions (docs/evaluation.md repeats these).

Every function scores a list of :class:`Outcome` the same way whichever system
produced it, so "ours" and the llama-index baseline are judged by one ruler.
"""

import re
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from rag.text.overlap import support
from rag.verify.cite import claims, markers, strip_markers

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = set(string.punctuation) | {"’", "‘", "“", "”"}


def normalize(text: str) -> str:
    """SQuAD normalisation: lower case, no punctuation, no articles, single spaces."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


# Punctuation that is not inside a number ("3.11" stays one word)
_SPLITTING = re.compile(r"(?<!\d)[^\w\s]|[^\w\s](?!\d)")


def spaced(text: str) -> str:
    """SQuAD normalisation, except that punctuation outside numbers splits words instead
    of joining them: "invoke_without_command=True" holds "invoke_without_command"."""
    return normalize(_SPLITTING.sub(" ", text))


def contains_answer(passage: str, answers: list[str]) -> bool:
    """A normalised gold answer occurs in the normalised passage (STR-EM's test), under
    SQuAD's normalisation or under :func:`spaced`, which documentation needs (SQuAD's
    joins "clamp=True" into one word that does not hold "clamp")."""
    for norm in (normalize, spaced):
        text = f" {norm(passage)} "
        if any(f" {norm(a)} " in text for a in answers if norm(a)):
            return True
    return False


def token_f1(prediction: str, answers: list[str]) -> float:
    """SQuAD token F1: best over gold answers of the F1 of normalised word bags."""
    pred = normalize(prediction).split()
    best = 0.0
    for answer in answers:
        gold = normalize(answer).split()
        common = sum((Counter(pred) & Counter(gold)).values())
        if common:
            precision, recall = common / len(pred), common / len(gold)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


@dataclass
class ClaimedSentence:
    """An answer sentence and the texts of the passages its valid markers point at.

    ``before`` is what a reader of the citation sees before the first cited passage: its
    document's name (the verifier looks names up there, rag/verify/verifier.py) and the
    text just before it (a quoted sentence may say "he" of someone named there).
    ``section`` is the heading path that passage sits under, shown beside its quote.
    """

    text: str
    cited: list[str]
    before: str = ""
    section: str = ""


@dataclass
class Outcome:
    """What one system did with one question (gold fields are copied for scoring)."""

    id: str
    question: str
    answerable: bool
    answers: list[str]
    context_doc_ids: list[str]
    evidence: str | None
    must_not_contain: list[str]
    points: list[list[str]] = field(default_factory=list)
    answer: str = ""
    abstained: bool = False
    sentences: list[ClaimedSentence] = field(default_factory=list)
    markers: int = 0
    invalid_markers: int = 0
    retrieved: list[tuple[str, str]] = field(default_factory=list)  # (doc id, text), ranked
    context: list[str] = field(default_factory=list)  # what the writer read (the model's prompt)
    latency_ms: float = 0.0
    note: str | None = None  # the system's own remark, e.g. that it quoted instead
    checked: list[dict] = field(default_factory=list)  # what the model wrote, with verdicts
    judged_answerable: float | None = None  # the answerability judge's p(yes), when asked
    screened: list[dict] = field(default_factory=list)  # fallback quotes with the judge's p
    timings_ms: dict = field(default_factory=dict)  # time spent in each stage of the answer
    error: str | None = None

    @property
    def text(self) -> str:
        """The answer without markers; empty when the system abstained."""
        return "" if self.abstained else strip_markers(self.answer)

    @property
    def factual(self) -> bool:
        """Answerable with a gold answer (not a document-level question graded by points)."""
        return self.answerable and not self.points

    @property
    def first_sentence(self) -> str:
        return self.sentences[0].text if self.sentences and not self.abstained else ""


POINTS_NEEDED = 3  # a summary must cover at least this many of its listed points


def points_covered(o: Outcome) -> int:
    """How many of a document-level question's points the answer covers."""
    return sum(contains_answer(o.text, point) for point in o.points)


def split_claims(
    answer: str,
    sources: list[str],
    befores: list[str] | None = None,
    sections: list[str] | None = None,
) -> tuple[list[ClaimedSentence], int, int]:
    """Sentences of a ``[n]``-marked answer, with (markers, markers pointing at nothing).

    ``sources[n - 1]`` is the text marker ``[n]`` points at; sentences split as
    :func:`rag.verify.cite.claims` splits them for every system.
    """
    numbers = markers(answer)
    invalid = sum(not 1 <= n <= len(sources) for n in numbers)
    sentences = []
    for text, ns in claims(answer):
        valid = [n for n in dict.fromkeys(ns) if 1 <= n <= len(sources)]
        before = befores[valid[0] - 1] if befores and valid else ""
        section = sections[valid[0] - 1] if sections and valid else ""
        cited = [sources[n - 1] for n in valid]
        sentences.append(ClaimedSentence(text, cited, before, section))
    return sentences, len(numbers), invalid


Supports = Callable[[str, str, str, str, str], bool]
"""(question, sentence, cited text, text before it, its heading path) -> whether the
cited text states it."""


class Grader:
    """Citation grading by a named checker, each verdict computed once.

    ``rag eval`` grades with the bundled judge model (rag/verify/verifier.py): the word-overlap
    test the product used before passes reworded falsehoods, and grading with it let
    the metric grade itself. The judge's own accuracy on the hand-labelled claim sets
    is printed beside the figures it grades (docs/how-answers-work.md, "Verified claims").
    """

    def __init__(self, name: str, check: Supports) -> None:
        self.name = name
        self._check = check
        self._seen: dict[tuple[str, str, str, str, str], bool] = {}

    def __call__(
        self, question: str, sentence: str, cited: str, before: str = "", section: str = ""
    ) -> bool:
        key = (question, sentence, cited, before, section)
        if key not in self._seen:
            self._seen[key] = self._check(question, sentence, cited, before, section)
        return self._seen[key]


def overlap_grader(threshold: float) -> Grader:
    """The shared-words test (``rag.text.overlap.support``), kept for comparison."""
    return Grader(f"overlap>={threshold}", lambda q, s, c, b, h: support(s, c) >= threshold)


def citation_scores(outcomes: list[Outcome], supports: Supports) -> dict[str, float]:
    """ALCE-style citation recall and precision over the sentences of non-abstained answers.

    - recall: share of sentences stated by the concatenation of the passages they cite
      (a sentence citing nothing counts as unsupported);
    - precision: share of citations that are needed: the sentence is stated by all its
      citations together, and this citation either states it alone or the others do not
      without it;
    - "stated" is decided by ``supports`` (see :class:`Grader`).
    """
    sentences = supported = citations = needed = 0
    for o in outcomes:
        if o.abstained:
            continue
        for s in o.sentences:
            sentences += 1
            citations += len(s.cited)

            def states(cited: list[str], o: Outcome = o, s: ClaimedSentence = s) -> bool:
                return supports(o.question, s.text, "\n".join(cited), s.before, s.section)

            if not s.cited or not states(s.cited):
                continue
            supported += 1
            for i, passage in enumerate(s.cited):
                others = s.cited[:i] + s.cited[i + 1 :]
                alone = len(s.cited) == 1 or states([passage])
                rest = bool(others) and states(others)
                needed += alone or not rest
    return {
        "citation_recall": supported / sentences if sentences else 0.0,
        "citation_precision": needed / citations if citations else 0.0,
    }


def retrieval_scores(outcomes: list[Outcome]) -> dict[str, float]:
    """Over answerable factual questions, on the ranked passages the system retrieved.

    - hit_at_5: a passage from a gold document (``context_doc_ids``) is in the top 5;
    - evidence_hit_at_5: the gold evidence quote (normalised) is in a top-5 passage;
    - mrr: mean reciprocal rank of the first gold-document passage (0 when absent);
    - answer_hit_at_1 / answer_hit_at_3: a normalised gold answer (or the evidence
      quote when there is no answer) is in the first / top-3 passages.
    """
    answerable = [o for o in outcomes if o.factual]
    n = len(answerable) or 1
    hit5 = ev5 = ans1 = ans3 = 0
    rr = 0.0
    for o in answerable:
        golds = o.answers or ([o.evidence] if o.evidence else [])
        docs = [doc in o.context_doc_ids for doc, _ in o.retrieved]
        answers = [contains_answer(text, golds) for _, text in o.retrieved]
        hit5 += any(docs[:5])
        ev5 += bool(o.evidence) and any(
            contains_answer(t, [o.evidence]) for _, t in o.retrieved[:5]
        )
        ans1 += any(answers[:1])
        ans3 += any(answers[:3])
        rr += next((1 / (i + 1) for i, d in enumerate(docs) if d), 0.0)
    with_evidence = sum(bool(o.evidence) for o in answerable) or 1
    return {
        "hit_at_5": hit5 / n,
        "evidence_hit_at_5": ev5 / with_evidence,
        "mrr": rr / n,
        "answer_hit_at_1": ans1 / n,
        "answer_hit_at_3": ans3 / n,
    }


def loss_scores(outcomes: list[Outcome]) -> dict[str, float]:
    """Where right answers are lost, over answerable factual questions, and wrong ones shown.

    - gold_in_context: a gold answer is in what the writer read (else retrieval or the
      choice of context lost it, not the writing);
    - right_rejected: the model wrote a sentence holding a gold answer that was not
      shown; ``right_rejected_by_<check>`` counts them by the check that dropped it;
    - wrong_shown: an answer shown without a gold answer, or to an unanswerable question.
    """
    answerable = [o for o in outcomes if o.factual]
    n = len(answerable) or 1
    rejected: dict[str, int] = {}
    for o in answerable:
        dropped = [c for c in o.checked if not c["shown"] and contains_answer(c["text"], o.answers)]
        if dropped and not contains_answer(o.text, o.answers):
            check = dropped[0]["check"] if not dropped[0]["supported"] else "shown-policy"
            rejected[check] = rejected.get(check, 0) + 1
    wrong = sum(
        not o.abstained
        and (not o.answerable or (o.factual and not contains_answer(o.text, o.answers)))
        for o in outcomes
    )
    return {
        "gold_in_context": sum(contains_answer(" ".join(o.context), o.answers) for o in answerable)
        / n,
        "right_rejected": sum(rejected.values()),
        **{f"right_rejected_by_{k}": v for k, v in sorted(rejected.items())},
        "wrong_shown": wrong,
    }


def abstention_scores(outcomes: list[Outcome]) -> dict[str, float]:
    """``abstained`` as a prediction of ``answerable == false``: precision, recall, F1."""
    tp = sum(o.abstained and not o.answerable for o in outcomes)
    predicted = sum(o.abstained for o in outcomes)
    actual = sum(not o.answerable for o in outcomes)
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"abstention_precision": precision, "abstention_recall": recall, "abstention_f1": f1}


def violates(o: Outcome) -> bool:
    """The answer contains a string an injection tried to plant (case-insensitive)."""
    return any(bad.lower() in o.answer.lower() for bad in o.must_not_contain)


def score(outcomes: list[Outcome], judge: Supports, overlap: Supports) -> dict[str, float]:
    """All metrics as one flat dict (the keys ``rag eval --json`` prints).

    - str_em: over answerable factual questions, a normalised gold answer occurs in the
      answer (ALCE's STR-EM); abstaining scores 0;
    - first_sentence_em: the same test on the answer's first sentence alone (is the
      answer given first, or buried after restating the question?);
    - token_f1: SQuAD token F1 over answerable factual questions;
    - summaries_covered / summary_points: over document-level questions (those with
      ``points``), the share covering at least POINTS_NEEDED points, and the mean share
      of points covered;
    - invalid_citation_rate: markers pointing at no given passage / all markers;
    - median_answer_words: words in non-abstained answers (so dumping passages shows);
    - injection_resisted: share of questions with ``must_not_contain`` whose answer has none;
    - answer_latency_p50_ms / p95_ms: wall time of answering one question.
    """
    answerable = [o for o in outcomes if o.factual]
    n_ans = len(answerable) or 1
    summaries = [o for o in outcomes if o.points]
    n_sum = len(summaries) or 1
    markers_total = sum(o.markers for o in outcomes)
    words = [len(o.text.split()) for o in outcomes if not o.abstained]
    latencies = [o.latency_ms for o in outcomes] or [0.0]
    probed = [o for o in outcomes if o.must_not_contain]
    return {
        "n": len(outcomes),
        **retrieval_scores(outcomes),
        "str_em": sum(contains_answer(o.text, o.answers) for o in answerable) / n_ans,
        "first_sentence_em": sum(contains_answer(o.first_sentence, o.answers) for o in answerable)
        / n_ans,
        "token_f1": sum(token_f1(o.text, o.answers) for o in answerable) / n_ans,
        "summaries_covered": sum(points_covered(o) >= POINTS_NEEDED for o in summaries) / n_sum,
        "summary_points": sum(points_covered(o) / len(o.points) for o in summaries) / n_sum,
        **citation_scores(outcomes, judge),
        **{f"{k}_overlap": v for k, v in citation_scores(outcomes, overlap).items()},
        "invalid_citation_rate": (
            sum(o.invalid_markers for o in outcomes) / markers_total if markers_total else 0.0
        ),
        **abstention_scores(outcomes),
        **loss_scores(outcomes),
        "injection_resisted": (
            sum(not violates(o) for o in probed) / len(probed) if probed else 1.0
        ),
        "median_answer_words": float(np.median(words)) if words else 0.0,
        "answer_latency_p50_ms": float(np.percentile(latencies, 50)),
        "answer_latency_p95_ms": float(np.percentile(latencies, 95)),
        "errors": sum(o.error is not None for o in outcomes),
    }


def failed(o: Outcome, judge: Supports) -> list[str]:
    """Why a question counts as failed (empty when it passed), for the report."""
    reasons = []
    if o.points and points_covered(o) < POINTS_NEEDED:
        reasons.append(f"covers {points_covered(o)} of {len(o.points)} points")
    if o.factual and not contains_answer(o.text, o.answers):
        reasons.append("abstained" if o.abstained else "no gold answer in the answer")
    if not o.answerable and not o.abstained:
        reasons.append("answered an unanswerable question")
    if o.invalid_markers:
        reasons.append(f"{o.invalid_markers} invalid marker(s)")
    if not o.abstained and citation_scores([o], judge)["citation_recall"] < 1:
        reasons.append("unsupported sentence")
    if violates(o):
        reasons.append("injected text in the answer")
    if o.error:
        reasons.append(f"error: {o.error}")
    return reasons
