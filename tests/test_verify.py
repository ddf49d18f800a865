"""The verifier's exact checks, its stage order, and the labelled claim sets it is measured on."""

import json
from pathlib import Path

import pytest

from rag.errors import RagError
from rag.ingest.load import load
from rag.verify.attribution import asks_someone_else, misattributed, reported_as_fact, unattributed
from rag.verify.roles import dropped_subject, role_swap, speaker_as_actor
from rag.verify.term import asked_terms
from rag.verify.verifier import (
    Verifier,
    is_quote,
    lookalike_swap,
    numbers,
    p_yes_from_top,
    polarity_clash,
    unknown_code,
    unknown_names,
    without_asked_conditions,
)
from rag_evals.claims import load_claims, overlap_check, run_claims, verifier_check

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = ROOT / "evals" / "datasets" / "claims" / "claims.jsonl"


def test_numbers_read_digits_and_words_alike():
    assert numbers("five regions, 70%, $2.2 billion, 1,000 people in 1973") == {
        5.0, 70.0, 2.2, 1000.0, 1973.0
    }  # fmt: skip
    assert numbers("four") != numbers("five")
    assert numbers("the one best placed; one possibility") == set()  # "one" counts nothing


def test_a_sentence_under_one_term_does_not_answer_a_question_about_another(tmp_path):
    """Debian's users-and-groups page: each group's sentence names only its term. The
    tape group's, quoted word for word, is no answer about the audio group; a function's
    sentence answers for its other spelling (json.load for loads); a capitalised title
    ("Methods") is a part of a page, not a term."""
    page = tmp_path / "groups.html"
    page.write_text(
        "<html><body><h2>Groups</h2><dl>"
        "<dt>tape</dt><dd><p>This group can be used to access a tape drive.</p></dd>"
        "<dt>audio</dt><dd><p>This group can be used to access an audio device.</p></dd>"
        "<dt>operator</dt><dd><p>It had uid 37.</p></dd>"
        "<dt>postgres</dt><dd><p>Its uid is dynamic.</p></dd>"
        "</dl><h2>Methods</h2><p>Path.mkdir() makes a directory.</p>"
        "<dl><dt>json.load(fp)</dt><dd><p>A JSONDecodeError is raised for bad data.</p></dd>"
        "<dt>json.loads(s)</dt><dd><p>Deserialize s.</p></dd></dl><h2>Lints</h2><dl>"
        "<dt>unescaped_backticks</dt><dd><p>This lint is allowed by default.</p></dd>"
        "<dt>redundant_explicit_links</dt><dd><p>This lint is warn-by-default.</p></dd>"
        "</dl></body></html>",
        encoding="utf-8",
    )
    doc = load(page)

    def check(question: str, claim: str, sentence: str):
        section = doc.sections.at(doc.text.index(sentence))
        asked = asked_terms(question, doc.sections.paths)
        return Verifier(None, 0.5).check(question, claim, sentence, section=section, asked=asked)

    tape = "This group can be used to access a tape drive."
    assert check("What is the audio group for?", tape, tape).check == "subject"
    audio = "This group can be used to access an audio device."
    assert check("What is the audio group for?", audio, audio).check == "quote"
    wrong = check(
        "What uid does the postgres user get?", "The postgres user has uid 37.", "It had uid 37."
    )
    assert (wrong.supported, wrong.check) == (False, "subject")
    raised = "A JSONDecodeError is raised for bad data."
    assert check("What does json.loads raise on bad data?", raised, raised).supported
    made = "Path.mkdir() makes a directory."
    assert check("What does the tape group's Path.mkdir() do?", made, made).supported
    assert check("Which group gives access to a tape drive?", tape, tape).supported  # asks none
    # a name that is code by its form is asked about wherever the question names it
    lint = "This lint is warn-by-default."
    asked = "Is the unescaped_backticks lint on by default?"
    assert check(asked, lint, lint).check == "subject"
    assert check("Is the redundant_explicit_links lint on by default?", lint, lint).supported


def test_a_quote_must_be_whole_sentences_of_the_passage():
    passage = "It is not true that he left. He lives for today. Fine."
    assert is_quote("He lives for today.", passage)
    assert is_quote("He lives for today. Fine.", passage)
    assert not is_quote("he left.", passage)  # a fragment can drop its "not"
    assert not is_quote("He lives for tomorrow.", passage)


def test_unknown_names_catch_other_people_and_places_but_not_rewordings():
    passage = "Tatiana Stanovaya, a senior fellow at the Carnegie Russia Eurasia Center, spoke."
    assert unknown_names("Sergei Markov said so.", passage) == ["Sergei Markov"]
    assert unknown_names("She spoke in Helsinki.", passage) == ["Helsinki"]
    assert unknown_names("Ms. Stanovaya is a Russian analyst.", passage) == []
    assert unknown_names("The US envoy", "the United States envoy") == []  # initials
    assert unknown_names("Donald Davies coined it.", "Davies coined it.") == []


def test_a_camel_case_identifier_is_one_name():
    # Node.js docs: "To cancel a `setTimeout` ..., use an `AbortController`." had failed
    # as naming "Timeout", the capitalised half of an identifier the passage gives
    passage = "For the promisified setTimeout(), an AbortController may be used to cancel it."
    assert unknown_names("To cancel a setTimeout, use an AbortController.", passage) == []
    assert unknown_names("Use clearTimeout or an AbortSignal.", passage) == [
        "clearTimeout",
        "AbortSignal",
    ]


def test_a_hyphenated_name_is_known_only_when_each_of_its_parts_is():
    # An unanswerable Flask question: the model named the extension the question asked
    # about, and "Flask" in the passage had made the whole name known.
    passage = "You are free to use a different template engine, but Flask needs Jinja2."
    claim = "Flask-Babel allows you to translate your Flask templates."
    assert unknown_names(claim, passage) == ["Flask-Babel"]
    assert unknown_names("The Putin-Trump summit", "Putin will meet Trump.") == []
    assert unknown_names("COVID-19 spread.", "COVID spread in 2019.") == []


def test_polarity_clash_catches_flipped_negations_and_antonyms_only():
    assert polarity_clash("He does not want a summit.", "He wants a summit.") == "negation added"
    assert polarity_clash("Yes, he does keep a plan.", "He doesn't keep a plan.") == (
        "negation of 'keep' dropped"
    )
    assert polarity_clash("no", "Gin is not tequila.") is None  # a bare answer word
    assert polarity_clash("No experiment can tell.", "There is no experiment that can.") is None
    assert polarity_clash("They saw it as reasonable.", "They saw it as unreasonable.")
    assert polarity_clash("It is unclear.", "It is clear what they said.")
    assert polarity_clash("No, he has no plan.", "He doesn't keep a plan.") is None
    assert (
        polarity_clash("No, vast areas stayed Ukrainian.", "Vast areas stayed Ukrainian.") is None
    )
    assert polarity_clash("It was unreasonable.", "It was unreasonable.") is None


def test_a_look_alike_word_in_a_copied_sentence_is_caught_but_not_a_synonym_or_kin():
    passage = "The quantitative answer to this instance is of little use for other instances."
    swapped = "The qualitative answer to this instance is of little use for other instances."
    assert lookalike_swap(swapped, passage) == "qualitative / quantitative"
    assert Verifier(_Judge(0.99), threshold=0.5).check("?", swapped, passage).check == "wording"
    for claim, source in [
        ("Nixon asked Congress for aid.", "Nixon requested Congress for aid."),
        ("Russia claimed the four regions.", "The Russian claimed the four regions."),
        ("Moscow could be open to trading.", "Moscow would be open to trading."),
        ("He became tolerant of it.", "He became intolerant of it."),  # polarity's case
        (passage, passage),
    ]:
        assert lookalike_swap(claim, source) is None, claim


def test_role_swap_catches_who_did_what_to_whom_but_not_symmetric_relations():
    passage = "“Putin wants to keep Trump as a resource,” said Sergei Markov."
    assert role_swap("Markov says Trump wants to keep Putin as a resource.", passage)
    assert role_swap("Putin wants to keep Trump as a resource.", passage) is None
    talks = "Mr. Putin held talks in Moscow with the envoy, Steve Witkoff."
    assert role_swap("Witkoff held talks with Putin in Moscow.", talks) is None


def test_speaker_as_actor_catches_a_speaker_made_the_doer():
    passage = "The mayor's aide, Ana Ruiz, said Mr. Lopez had closed the bridge on Monday."
    assert speaker_as_actor("Ana Ruiz closed the bridge on Monday.", passage)
    assert speaker_as_actor("Lopez closed the bridge on Monday.", passage) is None
    assert speaker_as_actor("Ruiz said Lopez had closed the bridge.", passage) is None
    both = "Ana Ruiz closed the road, and Ana Ruiz said Mr. Lopez had closed the bridge."
    assert speaker_as_actor("Ana Ruiz closed the bridge.", both) is None  # she did close


def test_dropped_subject_catches_a_doer_lost_between_verb_and_infinitive():
    passage = "The mayor asked Ms. Diaz to close the bridge, and she urged them to leave early."
    assert dropped_subject("The mayor asked to close the bridge.", passage)
    assert dropped_subject("She urged to leave early.", passage)
    assert dropped_subject("The mayor asked Diaz to close the bridge.", passage) is None
    assert dropped_subject("The bridge was to close.", passage) is None  # no verb of wanting
    direct = "The council wants to close the bridge; it wants the mayor to act."
    assert dropped_subject("The council wants to close the bridge.", direct) is None
    # a name that is not the infinitive's subject does not count
    aside = "Oil ministers agreed to an embargo in October and to cut output."
    assert dropped_subject("The ministers agreed to cut output.", aside) is None


class _Judge:
    name = "scripted-judge"

    def __init__(self, p: float) -> None:
        self.p, self.calls = p, 0

    def p_yes(self, system: str, user: str) -> float:
        self.calls, self.last = self.calls + 1, user
        return self.p


def test_cheap_checks_decide_before_the_judge_and_the_judge_decides_the_rest():
    passage = "Mr. Putin met Mr. Trump's special envoy, Steve Witkoff, on Wednesday."
    yes = _Judge(0.99)
    verifier = Verifier(yes, threshold=0.5)
    assert verifier.check("?", passage, passage).check == "quote"
    assert verifier.check("?", "They met on 5 May.", passage).check == "numbers"
    assert verifier.check("?", "Putin met Markov.", passage).check == "names"
    assert verifier.check("?", "Putin never met Witkoff.", passage).check == "polarity"
    assert yes.calls == 0  # a judge that says yes to anything got no say in those
    said = verifier.check("Who is Witkoff?", "Witkoff is Trump's special envoy.", passage)
    assert said.supported and said.check == "judge" and yes.calls == 1
    markov = "Sergei Markov spoke."  # the sentence before, in the chunk, names him
    assert verifier.check("?", "Markov met Witkoff.", "He met Witkoff.", markov).check == "judge"
    assert "Sergei Markov spoke." not in yes.last  # the judge reads the passage as quoted
    assert verifier.check("Who met Markov?", "Markov met Witkoff.", "He met Witkoff.").check == (
        "names"  # a name only the question gives is not the passage's word
    )
    no = Verifier(_Judge(0.2), threshold=0.5)
    assert not no.check("Who is Witkoff?", "Witkoff is Trump's envoy.", passage).supported
    quoted = "“Putin wants to keep Trump as a resource,” said Sergei Markov, an analyst."
    opinion = "Putin wants to keep Trump as a resource."
    assert verifier.check("What does Putin want?", opinion, quoted).check == "attribution"
    assert verifier.check("What does Markov say?", opinion, quoted).check == "judge"


def test_a_condition_restated_from_the_question_is_the_askers_not_a_claim():
    asked = "Which port does python -m http.server listen on if I don't give one?"
    claim = "The default port it listens on if you don't give one is 8000."
    assert without_asked_conditions(claim, asked) == "The default port it listens on  is 8000."
    yes = Verifier(_Judge(0.99), threshold=0.5)
    passage = "The server listens to port 8000 by default."
    assert yes.check(asked, claim, passage).check == "judge"  # was a "negation added"
    yaml = "How can the reloader restart when a YAML config changes?"
    said = "It restarts when a YAML config changes, with the --extra-files option."
    assert yes.check(yaml, said, "Watch more files with the --extra-files option.").supported
    # Not the question's condition: the negation and the name are the claim's own.
    down = "Does it fail when the server is down?"
    assert without_asked_conditions("It fails if the server is not running.", down) == (
        "It fails if the server is not running."
    )
    redis = yes.check(down, "It fails when Redis is down.", "It fails when the server is down.")
    assert redis.check == "names"
    # a purpose restated from the question (Node.js docs); a name of the claim's own stays
    linux = "My code runs on Linux but has C:\\temp\\file.txt paths. How do I handle them?"
    win32 = "To handle C:\\temp\\file.txt paths on Linux, use the `path.win32` module."
    any_os = "For Windows file paths on any operating system, use `path.win32`."
    assert yes.check(linux, win32, any_os).check == "judge"
    mac = "To handle C:\\temp\\file.txt paths on macOS, use the `path.win32` module."
    assert yes.check(linux, mac, any_os).check == "names"
    # a time restated from the question (Node.js docs): its "Node" is the asker's
    delay = "What's the largest delay I can give setTimeout() before Node gives up on it?"
    largest = "The largest delay before Node gives up on it is 2147483647 milliseconds."
    limit = "When `delay` is larger than `2147483647`, the `delay` will be set to `1`."
    assert yes.check(delay, largest, limit).check == "judge"
    assert yes.check(delay, largest.replace("Node", "Deno"), limit).check == "names"
    # code in code quotes is the code check's, which reads the question: not a name
    ticked = largest.replace("delay before", "delay for `setTimeout()` before")
    assert yes.check(delay, ticked, limit).check == "judge"
    assert yes.check(delay, ticked.replace("setTimeout", "setInterval"), limit).check == "code"
    cache = without_asked_conditions(
        "It fails if the cache is not set.", "Fails if the cache is set?"
    )
    assert cache == "It fails  not set."  # the question's words up to the negation


def test_attribution_names_the_speaker_of_a_quotation_stated_as_fact():
    speech = "“One quality of Mr. Putin is that he doesn’t keep a pre-prepared plan,”"
    plan = f"{speech} Ms. Stanovaya said."
    claim = "Putin doesn't keep a pre-prepared plan."
    assert unattributed(claim, "Does Putin keep a plan?", plan) == "Stanovaya"
    assert unattributed(claim, "What does Stanovaya say about plans?", plan) is None
    assert unattributed(f"Stanovaya says {claim}", "Does Putin keep a plan?", plan) is None
    ended = plan.replace(",” Ms. Stanovaya said.", ".” Ms. Stanovaya said so.")
    assert unattributed(claim, "Does Putin keep a plan?", ended) == "Stanovaya"
    scare = "Moscow claims the four “annexed” regions, Mr. Peskov said."
    assert unattributed("Moscow claims the four annexed regions.", "What?", scare) is None
    unsaid = "“Putin doesn’t keep a pre-prepared plan.”"  # no speaker named: nothing to check
    assert unattributed(claim, "Does Putin keep a plan?", unsaid) is None


def test_what_an_unnamed_she_or_they_said_is_not_stated_as_fact():
    wants = (
        "In this case, she said, what Russia’s leader wants is for Ukraine to stop being what"
        " he sees as an “anti-Russia project” and to return to Moscow’s sphere of influence."
    )
    claim = "Mr. Putin wants Ukraine to stop being an anti-Russia project."
    assert reported_as_fact(claim, "What does Putin want from Ukraine?", wants) == "she said"
    assert reported_as_fact(f"She said {claim}", "What does Putin want?", wants) is None
    assert reported_as_fact(claim, "What did the analyst say Putin wants?", wants) is None
    works = (
        "Ms. Stanovaya, a Carnegie fellow, noted the borders,"
        " which she said shows a flexible land policy."
    )
    assert reported_as_fact("Stanovaya is a Carnegie fellow.", "Who?", works) is None
    flexible = "The land policy is flexible."
    assert reported_as_fact(flexible, "Is Moscow flexible?", works) == "she said"
    verifier = Verifier(_Judge(0.99), threshold=0.5)
    before = "Tatiana Stanovaya has studied Mr. Putin for years."  # names them both
    assert verifier.check("What does Putin want?", claim, wants, before).check == "attribution"


def test_a_question_about_what_someone_says_is_not_answered_by_someone_else():
    said = "“One or the other,” Ms. Stanovaya said. "  # her quotation's paragraph goes on
    secondary = "Territory is very secondary."
    markov = "What does Sergei Markov say about territory?"
    assert asks_someone_else(markov, secondary, said) == "markov sergei"
    assert asks_someone_else(markov, secondary, said + "\n") is None  # a new paragraph
    assert asks_someone_else("What does Ms. Stanovaya say?", secondary, said) is None
    assert asks_someone_else("Who said territory is secondary?", secondary, said) is None
    analysts = "Analysts close to the Kremlin say territory matters less to him."
    assert asks_someone_else("According to Stanovaya, what matters?", analysts)
    assert asks_someone_else(markov, "In this case, she said, territory is secondary.") is None
    verifier = Verifier(_Judge(0.99), threshold=0.5)
    assert verifier.check(markov, secondary, secondary, said).check == "attribution"
    assert verifier.check("Is territory secondary?", secondary, secondary, said).check == "quote"


def test_misattributed_speech_is_caught_by_who_speaks_in_the_passage():
    aide = "The aide, Yuri Ushakov, said Mr. Putin had conveyed certain signals to Mr. Witkoff."
    assert misattributed("Steve Witkoff said Putin conveyed signals.", aide) == "steve witkoff"
    assert misattributed("Ushakov said Putin had conveyed signals.", aide) is None
    assert misattributed("Putin conveyed signals to Witkoff.", aide) is None  # nobody speaks
    markov = "“Putin wants peace,” said Sergei Markov, an analyst."
    assert misattributed("Markov said Putin wants peace.", markov) is None
    assert misattributed("Stanovaya said Putin wants peace.", markov) == "stanovaya"
    assert misattributed("According to Stanovaya, Putin wants peace.", markov) == "stanovaya"
    assert misattributed("According to Mr. Markov, Putin wants peace.", markov) is None
    assert misattributed("Stanovaya said Putin wants peace.", "“Peace,” she said.") is None


def test_a_speaker_the_passage_has_speak_only_of_someone_is_not_heard():
    january = "“It is probably better for us to meet,” Mr. Putin said of Mr. Trump in January."
    assert misattributed("Trump said it is probably better to meet.", january) == "trump"
    assert misattributed("Putin said it is probably better to meet.", january) is None
    told = "Mr. Putin told Mr. Witkoff that a summit was possible."
    assert misattributed("Witkoff said a summit was possible.", told) == "witkoff"


def test_no_one_said_what_a_passage_where_no_one_speaks_states():
    talks = "Mr. Putin agreed to a summit during talks with the envoy, Steve Witkoff."
    witkoff = "Steve Witkoff said Mr. Putin agreed to a summit."
    assert misattributed(witkoff, talks) == "steve witkoff"
    assert misattributed("Mr. Putin agreed to a summit, Witkoff said.", talks) == "witkoff"
    assert misattributed("Mr. Putin agreed to a summit.", talks) is None
    # Documentation "tells" and "explains" without anyone speaking.
    profile = "R_PROFILE gives the path of the site initialization file."
    assert misattributed("The R_PROFILE variable tells R where the file is.", profile) is None
    # The quotation goes on from the paragraph before, where its speaker is named.
    said = "“Either way,” Ms. Stanovaya said. “One or the other. "
    claim, passage = "Stanovaya says territory is secondary.", "Territory is secondary.”"
    assert misattributed(claim, passage, said) is None


def test_p_yes_reads_yes_and_no_mass_from_the_first_token():
    import math

    top = [("Yes", math.log(0.6)), (" yes", math.log(0.1)), ("No", math.log(0.1)), ("?", -1.0)]
    assert p_yes_from_top(top) == pytest.approx(0.7 / 0.8)
    assert p_yes_from_top([("Maybe", -0.1)]) == 0.0


def test_the_claim_set_is_hand_labelled_balanced_and_quotes_real_text():
    rows = [json.loads(line) for line in CLAIMS.open(encoding="utf-8")]
    assert len(rows) >= 200 and len({r["id"] for r in rows}) == len(rows)
    supported = sum(r["label"] == "supported" for r in rows)
    assert 0.4 <= supported / len(rows) <= 0.6
    kinds = {r["kind"] for r in rows}
    assert {"negation", "number", "date", "subject", "attribution", "invented"} <= kinds
    assert {"not_stated", "paraphrase", "pronoun"} <= kinds
    seed = (ROOT / "seeds" / "000_0a7539e4116245c4.txt").read_text(encoding="utf-8")
    for r in rows:  # every passage is real text of its source, as a citation would quote it
        if r["source"].startswith("seed"):
            assert all(part in seed for part in _sentences(r["passage"])), r["id"]


def _sentences(passage: str) -> list[str]:
    from rag.text.sentences import sentence_spans

    return [passage[a:b] for a, b in sentence_spans(passage)]


def test_claims_eval_reads_all_three_formats_and_scores_side_by_side(tmp_path):
    halu = tmp_path / "halu.jsonl"
    halu.write_text(
        json.dumps(
            {
                "id": "h1",
                "knowledge": "The Oberoi Group is a hotel company with its head office in Delhi.",
                "question": "Where is the Oberoi Group's head office?",
                "right_answer": "Delhi",
                "hallucinated_answer": "Mumbai, the financial capital of India.",
            }
        )
        + "\n"
    )
    cases = load_claims(halu)
    assert [(c.id, c.supported) for c in cases] == [("h1+", True), ("h1-", False)]
    run = run_claims(
        halu,
        {"overlap": overlap_check(0.6), "names": verifier_check(Verifier(_Judge(0.9), 0.5))},
    )
    assert run.checkers["names"]["accuracy"] == 1.0  # "Mumbai" is nowhere in the passage
    assert run.checkers["names"]["decided_by"] == {"judge": 1, "names": 1}
    assert set(run.checkers) == {"overlap", "names"}
    squad = tmp_path / "squad.jsonl"
    paragraph = "The bridge opened in 1932. It was closed to trucks in 1990."
    squad.write_text(
        json.dumps({"id": "s1", "question": "When did the bridge open?", "answerable": True,
                    "answers": ["1932"], "evidence_sentence": "The bridge opened in 1932."})
        + "\n"
        + json.dumps({"id": "s2", "question": "When did the bridge close to cars?",
                      "answerable": False, "plausible_answers": ["1990"],
                      "source_paragraph": paragraph})
        + "\n"
        + json.dumps({"id": "s3", "question": "Why?", "answerable": False, "answers": []})
        + "\n"
    )  # fmt: skip
    assert [(c.claim, c.passage, c.supported, c.kind) for c in load_claims(squad)] == [
        ("1932", "The bridge opened in 1932.", True, "gold"),
        ("1990", "It was closed to trucks in 1990.", False, "plausible"),
    ]  # a row without a span gives no case
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "claim": "x"}\n')
    with pytest.raises(RagError, match="bad.jsonl:1: bad claim row"):
        load_claims(bad)


def test_verifier_tiers_by_name_and_a_clear_error_for_an_unknown_one(tmp_path):
    from rag.models.catalogue import TIERS
    from rag.models.judge import make_verifier
    from rag.settings import Settings

    settings = Settings(cache_dir=tmp_path)
    assert make_verifier(settings).name == TIERS["qwen-1.5b"].model.name  # the default
    assert make_verifier(settings).threshold == TIERS["qwen-1.5b"].threshold
    overlap = make_verifier(Settings(verifier="overlap"))
    assert overlap.judge is None and overlap.check("?", "x y z", "a b c").check == "overlap"
    tuned = make_verifier(Settings(verifier="qwen-0.5b", verify_threshold=0.33))
    assert tuned.threshold == 0.33
    with pytest.raises(RagError, match="unknown verifier 'big'.*qwen-1.5b"):
        make_verifier(Settings(verifier="big"))
    assert list(tmp_path.iterdir()) == []  # naming a tier loads nothing


def test_only_the_cited_passages_that_state_a_sentence_are_kept():
    from rag.index.retrieve import Passage
    from rag.verify.cite import verify

    texts = ["Witkoff is Mr. Trump's special envoy.", "Ushakov is a Kremlin aide."]
    passages = [Passage(i, 1.0, "s.txt", "s", 40 * i, 40 * i + len(t), None, t, f"c{i}")
                for i, t in enumerate(texts)]  # fmt: skip

    class EnvoyJudge:  # "yes" exactly when the passage it is shown mentions the envoy
        name = "envoy"

        def p_yes(self, system: str, user: str) -> float:
            return 1.0 if "envoy" in user.split("Question:")[0] else 0.0

    sentences, citations = verify(
        "Witkoff is Trump's envoy [2][1].",
        passages,
        "Who is Witkoff?",
        Verifier(EnvoyJudge(), 0.5),
        0.6,
    )
    assert sentences[0].supported and [c.quote for c in citations] == [texts[0]]


def test_a_negation_the_passage_states_with_a_word_such_as_dropped_is_no_clash():
    from rag.verify.verifier import polarity_clash

    passage = "Support for Python 2.7 was dropped in version 2.28.0."
    assert polarity_clash("Python 2.7 is no longer supported from version 2.28.0.", passage) is None
    assert polarity_clash("Markov is not an analyst.", "Markov is an analyst.") == "negation added"


def test_a_number_that_is_part_of_a_name_is_no_new_number():
    from rag.verify.verifier import numbers

    assert numbers("You have 30 days to become compliant with MPL-2.0.") == {30.0}
    assert numbers("Files are read as UTF-8 since version 2.28.0.") == {2.0, 28.0, 0.0}
    assert numbers("It costs two dollars, 1,500 in all.") == {2.0, 1500.0}


def test_an_option_or_function_the_passage_does_not_give_is_not_stated():
    question = "How do I make time report the maximum memory a command used?"
    synopsis = "time [option…] command [arg…]"  # the judge passed "-m" of it at 0.82
    assert unknown_code("You can use the `-m` option.", synopsis, question) == ["-m"]
    assert unknown_code("Use the -M option.", "The -m option does it.", "q") == ["-M"]
    verifier = Verifier(judge=None, threshold=0.0)  # what decides is the exact check
    verdict = verifier.check(question, "You can use the `-m` option.", synopsis)
    assert (verdict.supported, verdict.check) == (False, "code")
    # Named by the passage, by the question, or by its last part: stated as far as code goes
    assert not unknown_code("Use --extra-files.", "Watch files with --extra-files.", "q")
    assert not unknown_code("json.loads raises it.", "It is raised.", "What does json.loads raise?")
    assert not unknown_code("Path.mkdir() takes exist_ok.", "mkdir(exist_ok=False)", "q")
    assert not unknown_code("Pass `err=True`, e.g. in U.S. code.", "by passing err=True", "q")
