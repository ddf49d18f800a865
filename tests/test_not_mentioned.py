"""A question about a name that no document mentions abstains, saying which name."""

import pytest

from rag import Assistant
from rag.text.names import asked_names, folded, spelt_alike


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("How do I seed NumPy's random number generator?", ["NumPy"]),
        ("How do I translate templates with Flask-Babel?", ["Flask", "Babel"]),
        ("Which version added uuid.uuid7() for UUIDs?", ["uuid.uuid7()", "UUIDs"]),
        ("Which version added argparse's suggest_on_error option?", ["suggest_on_error"]),
        ("Will it make my CPU-heavy function run in parallel?", ["CPU"]),
        ("How can the reloader restart when a file such as a YAML config changes?", []),
        ("Since which version is tomllib in the standard library?", []),
        ("How much can the SP alter income tax in Scotland?", ["Scotland"]),
        ("Who is Steve Witkoff? Where did he meet Putin?", ["Steve", "Witkoff", "Putin"]),
    ],
)  # fmt: skip
def test_the_names_a_question_asks_about(question, names):
    assert asked_names(question) == names


def test_spelt_alike_inside_a_word_but_not_a_new_word():
    assert spelt_alike("kllbrandon", "kilbrandon") and spelt_alike("arpnet", "arpanet")
    assert spelt_alike("scottiish", "scottish") and spelt_alike("witkfof", "witkoff")
    assert spelt_alike("african", "africa") and not spelt_alike("pythons", "pyth")
    assert not spelt_alike("zstandard", "standard")  # a letter before it makes another name
    assert not spelt_alike("unlicense", "license") and not spelt_alike("cors", "core")
    assert folded("Alès Saarbrücken") == "ales saarbrucken"


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Assistant:
    folder = tmp_path_factory.mktemp("docs")
    (folder / "edicts.md").write_text(
        "# Edicts\n\nThe Edict of Alès was signed in 1629. It ended Protestant rule in "
        "Montpellier.\n\nLord Kilbrandon published his report in 1973.\n",
        encoding="utf-8",
    )
    (folder / "WTFPL-notes.txt").write_text("This file says nothing of warranties.\n")
    assistant = Assistant(store=folder / "store", llm="extractive")
    assistant.ingest([folder])
    return assistant


def test_a_name_no_document_mentions_abstains_and_says_so(docs):
    answer = docs.ask("When did Volodymyr Zelensky sign the Edict?")
    assert answer.abstained
    assert answer.note == (
        'The documents do not mention "Volodymyr Zelensky", which the question asks about.'
    )


@pytest.mark.parametrize(
    "question",
    [
        "When was the Edict of Ales signed?",  # accents aside
        "When did Lord Kllbrandon publish his report?",  # one letter off
        "Does the WTFPL say anything about warranties?",  # named by a file
    ],
)
def test_a_name_spelt_differently_or_named_by_a_file_is_mentioned(docs, question):
    assert "do not mention" not in (docs.ask(question).note or "")
