""" "Which section covers X?" is answered with the heading above the sentence that does."""

import pytest

from rag import Assistant
from rag.answer.section import asks_for_part

LICENCE = """Example Public License
======================

TERMS AND CONDITIONS

  0. Definitions.

  "The Program" refers to any copyrightable work licensed under this License.

  8. Termination.

  You may not propagate or modify a covered work except as expressly provided under
this License. Any attempt otherwise to propagate or modify it is void.

  11. Patents.

  A "contributor" is a copyright holder who authorizes use under this License of the
Program. Each contributor grants you a non-exclusive, worldwide, royalty-free patent
license under the contributor's essential patent claims.

  12. No Surrender of Others' Freedom.

  If conditions are imposed on you that contradict the conditions of this License, they
do not excuse you from the conditions of this License.
"""


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Which numbered section of GPL-3 deals with patent licences?", True),
        ("Which MPL-2.0 section covers distributing a Larger Work?", True),
        ("In which chapter are plots explained?", True),
        ("What does section 3 say about patents?", False),
        ("Which part of Flask handles routing?", False),
        ("Which patent license does a contributor grant?", False),
    ],
)
def test_questions_that_ask_for_a_part_of_a_document(question, asks):
    assert asks_for_part(question) is asks


def test_a_section_is_named_without_a_full_stop_inside():
    from rag.answer.section import named_as as named

    assert named("11. Patents.") == 'section 11, "Patents"'
    assert named("3.3. Larger Work") == 'section 3.3, "Larger Work"'
    assert named("How to Apply These Terms.") == 'the section "How to Apply These Terms"'


def test_which_section_is_answered_by_the_heading_of_the_file_named_and_cited(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "EPL-1.txt").write_text(LICENCE, encoding="utf-8")
    (docs / "OPL-2.txt").write_text(  # another licence granting patents: not the one asked
        "Other Public License\n====================\n\n  3. Grant of Patent License.\n\n"
        "  Each Contributor hereby grants to You a perpetual, worldwide, royalty-free patent"
        " license to make, use and sell the Work.\n",
        encoding="utf-8",
    )
    assistant = Assistant(store=tmp_path / "store")
    assistant.ingest([docs])
    answer = assistant.ask("Which section of EPL-1 covers contributors' patent licenses?")
    assert answer.writer == "section", answer.answer
    assert answer.answer.startswith('It is covered in section 11, "Patents". [1]'), answer.answer
    assert answer.citations[0].section.endswith("11. Patents.")
    assert "contributor" in answer.citations[0].quote


def test_a_table_of_contents_entry_is_no_evidence_of_its_section():
    from rag.answer.section import write
    from rag.index.retrieve import Passage

    def unit(text: str, path: str) -> Passage:
        return Passage(1, 1.0, "/d/manual.html", "M", 0, len(text), None, text, "c", ((0, path),))

    entry = unit("The phony rule", "v1.11.1, Aug 2022")  # listed before the body
    body = unit("The phony rule names a target that is not a file.", "Writing build files")
    question = "Which section covers the phony rule?"
    answer = write(question, [entry, body], lambda: ["/d/manual.html"], None, 0.6, 2)
    assert (
        answer is not None
        and answer.raw == 'It is covered in the section "Writing build files" [1].'
    )
