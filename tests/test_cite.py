"""Citation plumbing with a scripted model over the real seed store."""

from pathlib import Path

import pytest

from rag.answer import Answerer
from rag.cite import markers, support
from rag.embed import embed_texts
from rag.llm import LLMError
from tests.fakes import ScriptedLLM


@pytest.fixture()
def answer_with(seeded):
    def make(*replies):
        llm = ScriptedLLM(*replies)
        answerer = Answerer(
            seeded.settings, seeded.retriever, lambda t: embed_texts(seeded.embedder, t), llm
        )
        return answerer, llm

    return make


def _check_quotes(answer):
    for c in answer.citations:
        assert Path(c.source).read_text(encoding="utf-8")[c.start : c.end] == c.quote


def test_out_of_range_markers_are_removed_and_sources_renumbered(answer_with):
    answerer, llm = answer_with(
        "Steve Witkoff is Mr. Trump's special envoy [9][4]. Yuri Ushakov is the Kremlin's "
        "top foreign policy aide [0][2]."
    )
    answer = answerer.ask("Who is Steve Witkoff?")
    assert not answer.abstained
    assert all(1 <= n <= len(answer.citations) for s in answer.sentences for n in s.citations)
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert "[9]" not in answer.answer and "[0]" not in answer.answer
    assert set(markers(answer.answer)) == {c.n for c in answer.citations}
    assert any("special envoy, Steve Witkoff" in c.quote for c in answer.citations)
    _check_quotes(answer)
    # the passages were numbered in the prompt and documents were given as data
    assert "[1]" in llm.prompts[0][1][1] and llm.prompts[0][0][0] == "system"


def test_missing_markers_are_added_when_a_passage_supports_the_sentence(answer_with):
    answerer, _ = answer_with("Steve Witkoff is Mr. Trump's special envoy.")
    answer = answerer.ask("Who is Steve Witkoff?")
    assert answer.sentences[0].supported and answer.sentences[0].citations == [1]
    assert "special envoy, Steve Witkoff" in answer.citations[0].quote
    _check_quotes(answer)


def test_unsupported_sentences_are_flagged_and_lose_their_markers(answer_with):
    answerer, _ = answer_with(
        "Steve Witkoff is Mr. Trump's special envoy [1]. He owns 47 golden submarines [1]."
    )
    answer = answerer.ask("Who is Steve Witkoff?")
    flags = [(s.supported, bool(s.citations)) for s in answer.sentences]
    assert flags == [(True, True), (False, False)]


def test_model_abstention_and_all_unsupported_answers_abstain(answer_with):
    answerer, _ = answer_with("NOT_IN_DOCUMENTS", "Kyiv has 2,952,301 residents [1].")
    for _ in range(2):
        answer = answerer.ask("What is the population of Kyiv?")
        assert answer.abstained and answer.citations == [] and answer.sentences == []
        assert "documents do not say" in answer.answer


def test_off_topic_question_is_gated_without_calling_the_model(answer_with):
    answerer, llm = answer_with()
    answer = answerer.ask("How do I bake sourdough bread?")
    assert answer.abstained and llm.prompts == []


def test_model_failure_falls_back_to_extractive_and_says_so(answer_with):
    answerer, _ = answer_with(LLMError("compatible: cannot connect to http://127.0.0.1:9"))
    answer = answerer.ask("Who is Steve Witkoff?")
    assert answer.llm["provider"] == "extractive" and "cannot connect" in answer.note
    assert not answer.abstained and answer.citations
    _check_quotes(answer)


def test_streaming_yields_pieces_then_the_answer(answer_with):
    answerer, _ = answer_with("Steve Witkoff is Mr. Trump's special envoy [1].")
    items = list(answerer.stream("Who is Steve Witkoff?"))
    assert all(isinstance(i, str) for i in items[:-1]) and len(items) > 2
    assert items[-1].answer.startswith("Steve Witkoff")


def test_support_requires_numbers_to_match():
    passage = "The summit was held in 2024 with 12 delegations."
    assert support("The summit was held with 12 delegations.", passage) == 1.0
    assert support("The summit was held with 13 delegations.", passage) == 0.0
