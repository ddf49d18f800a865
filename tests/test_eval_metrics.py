"""The evaluation suite's rulers and datasets, checked by hand-computed cases."""

import json
from pathlib import Path

import pytest

from rag.errors import RagError
from rag.verify.cite import claims
from rag.verify.cite import is_abstention as says_no_answer
from rag_evals.data import Question, load_questions
from rag_evals.metrics import (
    ClaimedSentence,
    Grader,
    Outcome,
    abstention_scores,
    citation_scores,
    contains_answer,
    normalize,
    overlap_grader,
    score,
    split_claims,
    token_f1,
)

DATASETS = Path(__file__).resolve().parents[1] / "evals" / "datasets"


def outcome(answerable=True, answers=("Moscow",), **kw) -> Outcome:
    return Outcome("q", "?", answerable, list(answers), ["doc"], None, [], **kw)


def test_token_f1_and_str_em_follow_squad():
    assert token_f1("in Moscow, Russia", ["Moscow"]) == pytest.approx(0.5)  # P 1/3, R 1
    assert token_f1("The Moscow", ["moscow"]) == 1.0
    assert token_f1("", ["Moscow"]) == 0.0
    assert contains_answer("He met them in Moscow.", ["moscow"])
    assert not contains_answer("Moscowitz said so", ["Moscow"])  # whole words only
    assert normalize("Russia’s “root causes”") == "russias root causes"


def test_str_em_reads_code_as_words():
    """An identifier with its argument holds the identifier; a version holds no shorter one."""
    assert contains_answer(
        "Pass invoke_without_command=True to the group.", ["invoke_without_command"]
    )
    assert contains_answer("Use `clamp=True`.", ["clamp"])
    assert contains_answer('Call sink("record.lis").', ["sink"])
    assert not contains_answer('python-version = "3.11.0"', ["3.11"])
    assert not contains_answer("Pass invoke=True.", ["invoke_without_command"])
    assert contains_answer("long-term effects", ["long term"])
    assert contains_answer("It rose in the 1970's.", ["1970s"])  # SQuAD's joining still counts


def test_abstention_precision_recall_f1():
    outs = [
        outcome(answerable=False, abstained=True),
        outcome(answerable=False, abstained=False),
        outcome(answerable=True, abstained=True),
        outcome(answerable=True, abstained=False),
    ]
    got = abstention_scores(outs)
    assert got == {"abstention_precision": 0.5, "abstention_recall": 0.5, "abstention_f1": 0.5}


def test_citation_recall_and_precision_are_alce_style():
    good = "Steve Witkoff is the special envoy of Mr. Trump."
    off = "The cafeteria closes at noon."
    outs = [
        outcome(
            sentences=[
                ClaimedSentence("Witkoff is the special envoy.", [good, off]),  # off: not needed
                ClaimedSentence("Witkoff is the envoy.", []),  # cites nothing: unsupported
            ]
        )
    ]
    got = citation_scores(outs, overlap_grader(0.6))
    assert got == {"citation_recall": 0.5, "citation_precision": 0.5}


def test_citations_are_graded_by_the_named_grader_each_verdict_once():
    calls = []

    def check(question, sentence, cited, before, section):
        calls.append(sentence)
        return "envoy" in cited

    grader = Grader("scripted", check)
    outs = [outcome(sentences=[ClaimedSentence("Witkoff is Trump's envoy.", ["the envoy"])])]
    assert citation_scores(outs, grader) == {"citation_recall": 1.0, "citation_precision": 1.0}
    assert citation_scores(outs, grader)["citation_recall"] == 1.0
    assert calls == ["Witkoff is Trump's envoy."]  # the second pass reused the verdict
    refusing = Grader("no", lambda q, s, c, b, h: False)
    assert citation_scores(outs, refusing)["citation_recall"] == 0.0


def test_split_claims_counts_invalid_markers_and_keeps_trailing_ones():
    sentences, total, invalid = split_claims(
        "“Trump is needed,” he said. [1] It rained [7][2].", ["P1", "P2"]
    )
    assert total == 3 and invalid == 1
    assert [s.cited for s in sentences] == [["P1"], ["P2"]]
    assert claims("Done.” [2] Next.") == [("Done.”", [2]), ("Next.", [])]


def test_score_has_every_key_the_issue_names():
    keys = {
        "n", "hit_at_5", "mrr", "answer_hit_at_1", "answer_hit_at_3", "str_em", "token_f1",
        "citation_precision", "citation_recall", "invalid_citation_rate",
        "citation_precision_overlap", "citation_recall_overlap",
        "abstention_precision", "abstention_recall", "abstention_f1",
        "median_answer_words", "answer_latency_p50_ms", "answer_latency_p95_ms",
    }  # fmt: skip
    overlap = overlap_grader(0.6)
    got = score([outcome(answer="In Moscow [1].", latency_ms=5.0)], overlap, overlap)
    assert keys <= set(got) and got["str_em"] == 1.0 and got["median_answer_words"] == 2


def test_baseline_source_citations_are_read_as_markers():
    from rag_evals.systems import source_markers

    answer = source_markers("It takes 60 days [Source 3]. See [Source 1][Source 2].")
    sentences, markers, invalid = split_claims(answer, ["a", "b", "60 days"])
    assert answer == "It takes 60 days [3]. See [1][2]." and markers == 3 and invalid == 0
    assert sentences[0].cited == ["60 days"]


def test_baseline_style_refusals_count_as_abstentions():
    assert says_no_answer("None of the sources provide this information.")
    assert says_no_answer("The context does not mention the population of Kyiv.")
    assert not says_no_answer("Kyiv is the capital of Ukraine [1].")


def test_bad_questions_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": 1, "question": "x", "answerable": true}\n{"id": 2}\n')
    with pytest.raises(RagError, match=r"q.jsonl:2: bad question row"):
        load_questions(bad)


@pytest.mark.parametrize("name", ["seed", "adversarial"])
def test_gold_answers_and_evidence_are_in_the_documents(name):
    """The hand-written datasets are checked against the text they are about."""
    folder = DATASETS / name
    docs = {p.stem: p.read_text(encoding="utf-8") for p in (folder / "docs").iterdir()}
    questions = load_questions(folder / "questions.jsonl")
    assert len({q.id for q in questions}) == len(questions)
    for q in questions:
        if q.points:  # a document-level question: each point is in the document
            text = " ".join(docs[d] for d in q.context_doc_ids)
            assert all(contains_answer(text, point) for point in q.points), q.id
        elif q.answerable:
            text = " ".join(docs[d] for d in q.context_doc_ids)
            assert q.evidence and q.evidence in text, q.id
            assert contains_answer(text, q.answers), q.id
        else:
            assert not q.answers and not q.context_doc_ids, q.id


def test_seed_dataset_covers_what_the_issue_asks():
    questions = load_questions(DATASETS / "seed" / "questions.jsonl")
    rows = [json.loads(line) for line in (DATASETS / "seed" / "questions.jsonl").open()]
    assert len(questions) >= 40
    assert sum(not q.answerable for q in questions) >= 10
    assert sum(bool(q.conversation) for q in questions) >= 4
    assert sum(q.id.startswith("inj-") for q in questions) >= 3
    assert all(set(r) <= set(Question.__dataclass_fields__) for r in rows)  # no stray keys


def test_first_sentence_and_summary_points():
    from rag_evals.metrics import ClaimedSentence

    buried = outcome(answer="Putin met him. It was in Moscow [1].")
    buried.sentences = [ClaimedSentence("Putin met him.", []), ClaimedSentence("In Moscow.", [])]
    summary = outcome(answer="An embargo began. Prices rose to nearly $12 [1].", answers=[])
    summary.points = [["embargo"], ["nearly 12"], ["Kissinger"]]
    got = score([buried, summary], overlap_grader(0.6), overlap_grader(0.6))
    assert got["str_em"] == 1.0 and got["first_sentence_em"] == 0.0  # the summary is not factual
    assert got["summaries_covered"] == 0.0 and got["summary_points"] == 2 / 3
    summary.points.append(["rose"])
    assert score([summary], overlap_grader(0.6), overlap_grader(0.6))["summaries_covered"] == 1.0


def test_loss_scores_tell_context_losses_from_rejected_right_answers():
    from rag_evals.metrics import Outcome, loss_scores

    def outcome(answerable, answer, abstained, context=(), checked=()):
        o = Outcome("q", "q?", answerable, ["30 days"] if answerable else [], [], None, [])
        o.answer, o.abstained, o.context, o.checked = (
            answer,
            abstained,
            list(context),
            list(checked),
        )
        return o

    rejected = {
        "text": "You have 30 days.",
        "shown": False,
        "supported": False,
        "check": "polarity",
    }
    got = loss_scores(
        [
            outcome(True, "It takes 30 days [1].", False, ["within 30 days of notice"]),
            outcome(True, "", True, ["within 30 days"], [rejected]),  # right, but rejected
            outcome(True, "It takes a week [1].", False, ["a week"]),  # wrong, shown
            outcome(False, "Yes [1].", False),  # answered the unanswerable
            outcome(False, "", True),
        ]
    )
    assert got["gold_in_context"] == 2 / 3
    assert got["right_rejected"] == 1 and got["right_rejected_by_polarity"] == 1
    assert got["wrong_shown"] == 2


def test_a_fallback_quote_is_graded_against_its_own_text_and_its_document_name(tmp_path):
    # Quotes of the fallback may come from sentences the model did not read: they were
    # graded against an empty passage. The grader also sees the cited file's name, which
    # the verifier's names check reads ("MPL-2.0" of a sentence in MPL-2.0.txt).
    from rag.answer.pipeline import Answer
    from rag.verify.cite import Citation
    from rag_evals.systems import _claims

    doc = tmp_path / "MPL-2.0.txt"
    doc.write_text("Preamble.\n\nMozilla Foundation is the license steward.\n", encoding="utf-8")
    quote = "Mozilla Foundation is the license steward."
    start = doc.read_text(encoding="utf-8").index(quote)
    citation = Citation(1, str(doc), "MPL", start, start + len(quote), None, quote, "Steward")
    answer = Answer("Who?", f"{quote} [1]", False, [citation], [], {}, {})
    sentences, markers, invalid = _claims(answer)
    assert sentences[0].cited == [quote] and (markers, invalid) == (1, 0)
    assert sentences[0].before.startswith("MPL-2.0\n") and "Preamble." in sentences[0].before
    assert sentences[0].section == "Steward"  # graded under the heading shown beside it
