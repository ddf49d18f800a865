"""docs/configuration.md is generated from the settings' metadata, and stays so."""

from dataclasses import fields

from rag.settings import GROUPS, Settings, markdown_table
from tests.conftest import ROOT

# Settings that only Python sets (Settings(...), Assistant(...)): no variable reads them.
WITHOUT_VARIABLE = {"max_answer_tokens", "extract_sentences"}


def test_the_committed_configuration_reference_is_the_generated_one() -> None:
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == markdown_table(), "run: python -m rag.settings > docs/configuration.md"


def test_every_setting_has_a_group_a_variable_and_help() -> None:
    for f in fields(Settings):
        assert f.metadata["group"] in GROUPS, f.name
        assert f.metadata["help"].strip(), f.name
        env = f.metadata["env"]
        assert (env is None) == (f.name in WITHOUT_VARIABLE), f.name
        assert env is None or env.startswith(("RAG_", "OPENAI_")), f.name
    groups = [f.metadata["group"] for f in fields(Settings)]
    assert groups == sorted(groups, key=list(GROUPS).index)  # fields are ordered by group
