"""`rag chat` driven through a real pseudo-terminal, as a person would use it."""

import os

import pexpect

from tests.conftest import SEEDS, rag_exe, run_rag


def test_chat_question_follow_up_sources_and_clean_exit(tmp_path):
    store = str(tmp_path / "s")
    assert run_rag("ingest", str(SEEDS), "--store", store).returncode == 0
    child = pexpect.spawn(
        rag_exe(),
        ["chat", "--store", store],
        env={**os.environ, "TERM": "dumb"},
        encoding="utf-8",
        timeout=180,
        dimensions=(40, 120),
    )
    try:
        child.expect("you> ")
        # "Who is Tatiana Stanovaya?" sits at the gate (cosine 0.36 against 0.37): issue 14.
        child.sendline("Where does Tatiana Stanovaya work?")
        child.expect("you> ")
        first = child.before
        assert "Stanovaya" in first and "[1]" in first
        child.sendline("What does she say about territory?")
        child.expect("you> ")
        follow_up = child.before
        assert "territor" in follow_up.lower() or "land" in follow_up.lower()
        child.sendline("/sources")
        child.expect("you> ")
        assert "000_0a7539e4116245c4.txt" in child.before
        child.sendline("/help")
        child.expect("you> ")
        assert "/reset" in child.before
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
