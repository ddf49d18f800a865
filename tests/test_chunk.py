"""The chunker: exact spans, size limits, overlap, sentence boundaries."""

from hypothesis import given, settings
from hypothesis import strategies as st

from rag.index.embed import MINILM_MAX_WORDPIECES
from rag.ingest.chunk import Chunker, count_tokens
from rag.text.sentences import flat, is_code, sentence_spans
from tests.conftest import SEEDS


def test_spans_reproduce_text_and_cover_everything():
    text = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")
    chunks = Chunker(64, 16).split(text)
    assert len(chunks) > 3
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert c.tokens <= 64
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_sentences_are_not_cut_when_they_fit():
    text = "Alpha beta gamma. " * 20 + "\n\nDelta epsilon zeta. " * 20
    for c in Chunker(40, 10).split(text):
        assert c.text.endswith(".")
        assert c.text[0].isupper()


def test_overlap_repeats_trailing_sentences_within_a_paragraph():
    text = " ".join(f"Sentence number {i} is here." for i in range(30))
    chunks = Chunker(40, 16).split(text)
    assert len(chunks) > 2
    assert all(b.start < a.end for a, b in zip(chunks, chunks[1:], strict=False))


def test_paragraph_break_starts_a_new_chunk_without_overlap():
    para = " ".join(f"Fact {i} is stated plainly." for i in range(6))
    text = f"{para}\n\n{para}"
    chunks = Chunker(60, 20).split(text)
    assert chunks[0].end <= text.index("\n\n") < chunks[1].start


WRAPPED = """## Understanding shims

Through a process called rehashing, pyenv maintains shims in that
directory to match every Python command across every installed version
of Python. The Windows fork, written by Kiran Kotari and maintained by
volunteers since 2019, installs native versions.
To select a version, run one
of the following commands:

1. pyenv shell 3.12
2. pyenv local 3.12
    pyenv versions

   3. Grant of Patent License. Each Contributor grants to You a
      license for the
      Work.
"""


def test_a_wrapped_line_does_not_end_a_sentence_and_a_block_line_does():
    spans = [WRAPPED[a:b] for a, b in sentence_spans(WRAPPED)]
    assert spans == [
        "## Understanding shims",
        "Through a process called rehashing, pyenv maintains shims in that\ndirectory to "
        "match every Python command across every installed version\nof Python.",
        "The Windows fork, written by Kiran Kotari and maintained by\nvolunteers since 2019, "
        "installs native versions.",
        "To select a version, run one\nof the following commands:",
        "1. pyenv shell 3.12",  # punkt alone ends a sentence after "1."
        "2. pyenv local 3.12\n    pyenv versions",  # what an item's lines hold is the item
        "3. Grant of Patent License.",
        "Each Contributor grants to You a\n      license for the\n      Work.",  # indented text
    ]
    assert flat(spans[2]) == (
        "The Windows fork, written by Kiran Kotari and maintained by volunteers since 2019, "
        "installs native versions."
    )


def test_a_version_note_is_one_sentence_with_the_lines_right_after_it():
    # the Python docs' subprocess.run note: split, "Added the capture_output parameter."
    # was given to the model without the version that answers "since which version?"
    text = (
        "Run the command.\n\nChanged in version 3.7: Added the text parameter. It is an "
        "alias.\nAdded the capture_output parameter.\n\nNew in version 3.5.\nChanged in "
        "version 3.6: Added encoding.\n\nAdded in version 3.12: The walk() method.\n\nNext."
    )
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Run the command.",
        "Changed in version 3.7: Added the text parameter. It is an alias.\n"
        "Added the capture_output parameter.",
        "New in version 3.5.",
        "Changed in version 3.6: Added encoding.",
        "Added in version 3.12: The walk() method.",
        "Next.",
    ]


def test_e_g_and_i_e_do_not_end_a_sentence():
    # pathlib's docs: "(in native form, e.g." had been a sentence of its own
    text = (
        "The raw path is the native form (e.g. with backslashes under Windows), which you "
        "can pass on. Use a sequence, i.e. a list or a tuple. Cf. the tutorial. Next."
    )
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "The raw path is the native form (e.g. with backslashes under Windows), which you "
        "can pass on.",
        "Use a sequence, i.e. a list or a tuple.",
        "Cf. the tutorial.",
        "Next.",
    ]


def test_a_bullet_is_not_part_of_its_sentence_but_a_number_is():
    # systemd's style guide, quoted as "* 4 spaces ..." before; a licence's "11." stays
    text = "Layout:\n\n* 4 spaces for indentation.\n- No tabs.\n\n11. Patents.\n-1 is an error.\n"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Layout:",
        "4 spaces for indentation.",
        "No tabs.",
        "11. Patents.",
        "-1 is an error.",
    ]


def test_overlong_sentence_and_unbroken_text_are_split_to_fit():
    text = "word " * 500 + "x" * 3000
    chunks = Chunker(50, 0).split(text)
    assert all(c.tokens <= 50 for c in chunks)
    assert all(text[c.start : c.end] == c.text for c in chunks)


def test_wordpiece_limit_is_respected(seeded):
    embedder = seeded.embedder
    text = "Pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism. " * 80
    limit_max = MINILM_MAX_WORDPIECES - 2
    wordpieces = lambda texts: embedder.wordpieces(texts, special_tokens=False)  # noqa: E731
    chunks = Chunker(1000, 0, limit=wordpieces, limit_max=limit_max).split(text)
    assert len(chunks) > 1
    assert max(embedder.wordpieces([c.text for c in chunks])) <= MINILM_MAX_WORDPIECES
    assert max(count_tokens(c.text) for c in chunks) > 100  # the wordpiece cap, not tokens, bound


def test_a_joined_text_read_as_more_tokens_than_its_parts_still_fits():
    text = "?漢a?b?b?  漢?漢?"  # found by the property below: 17 tokens joined
    assert all(count_tokens(c.text) <= 16 for c in Chunker(16, 0).split(text))


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("abcde fgh.\n\n!?é漢")), max_size=2000),
    st.integers(16, 80),
    st.integers(0, 15),
)
def test_property_spans_exact_nothing_lost_nothing_too_big(text, size, overlap):
    chunks = Chunker(size, overlap).split(text)
    covered = set()
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert count_tokens(c.text) <= size
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_a_line_of_code_is_told_from_a_sentence():
    # Node.js docs: code lines had been quoted as the answer to "How can I cancel it?"
    for code in [
        "import { setTimeout as setTimeoutPromise } from 'node:timers/promises';",
        "const myURL = new URL('https://example.org');\nmyURL.pathname = '/a/b/c';",
        "path.resolve('a', 'b'); // returns '/home/a/b'",
        "if (depth < 0) {",
        "}",
        # zlib's usage example: "#define CHUNK 16384" had been quoted for "Why 16384?"
        "#define CHUNK 16384",
        "  #  include <stdio.h>",
        ">>> import json",
        # rustdoc's lints: comment lines had been quoted and summarised as sentences
        "/// There is no code example!",
        "3 | /// `add(a, b) is the same as `add(b, a)`.",
    ]:
        assert is_code(code), code
    for prose in [
        "On Windows, the return value is always `[0, 0, 0]`.",
        "Use a `{}` placeholder; it is filled in order.",
        "Constant: SIGWINCH; Description: Sent to a process when the terminal is resized.",
        "See #include guards for details.",
        "Use >>> to mark a session.",
        "| Option | Meaning |",
        "See https://example.org/a // b for the rest.",
    ]:
        assert not is_code(prose), prose
