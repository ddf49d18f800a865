"""Heading paths: every offset of a document knows the section it sits in, in every
format that has headings, and search and citations carry it."""

from rag.answer.expect import gives_kind
from rag.ingest.headings import headed, locate, version_heading
from rag.ingest.load import load
from rag.verify.verifier import Verifier


def path_of(path, sentence: str) -> str:
    document = load(path)
    return document.sections.at(document.text.index(sentence))


def test_sphinx_sections_nest_and_leave_out_the_title(tmp_path):
    page = tmp_path / "advanced.rst"
    page.write_text(
        "Advanced Usage\n==============\n\nIntro.\n\nSessions\n--------\n\n"
        "Sessions keep cookies.\n\nTimeouts\n--------\n\nMost requests need one.\n\n"
        "Connect timeouts\n~~~~~~~~~~~~~~~~\n\nUse the timeout parameter.\n\n"
        ".. py:data:: CONNECT_TIMEOUT\n\n    The seconds to wait.\n\n    Default: ``3.05``\n\n"
        "More prose.\n",
        encoding="utf-8",
    )
    assert path_of(page, "Intro.") == ""
    assert path_of(page, "Sessions keep cookies.") == "Sessions"
    assert path_of(page, "Most requests need one.") == "Timeouts"
    assert path_of(page, "Use the timeout parameter.") == "Timeouts › Connect timeouts"
    # a described object's signature is the term heading its description (Sphinx's)
    term = "Timeouts › Connect timeouts › CONNECT_TIMEOUT"
    assert path_of(page, "Default: 3.05") == term
    assert path_of(page, "More prose.") == "Timeouts › Connect timeouts"


def test_markdown_atx_and_setext_headings(tmp_path):
    page = tmp_path / "guide.md"
    page.write_text(
        "# Guide\n\nFirst words.\n\n## Install ##\nRun pip.\n\nUsage\n-----\n\nCall it.\n\n"
        "```\n# not a heading\n```\n\nStill usage.\n",
        encoding="utf-8",
    )
    assert path_of(page, "First words.") == ""
    assert path_of(page, "Run pip.") == "Install"
    assert path_of(page, "Call it.") == "Usage"
    assert path_of(page, "Still usage.") == "Usage"  # a comment line in code is no heading


def test_plain_text_headings_by_layout(tmp_path):
    """Licences, RFCs and READMEs mark titles by layout; a numbered list item, a one-line
    paragraph, a copyright line, a byline and a "Key: value" line are not titles."""
    page = tmp_path / "LICENSE.txt"
    page.write_text(
        "Example Public License\n======================\n\nPreamble\n\nFree as in speech.\n"
        "The licenses for most software are designed to take away your freedom.\n\n"
        'TERMS AND CONDITIONS\n\n  0. Definitions.\n\n  "Work" means the program.\n\n'
        "   6. Trademarks. This License does not grant permission to use the names.\n\n"
        "   7. install the tool. Then run it.\n\nCopyright 2001 by Example Corp\n\n"
        "Thanks to everyone.\n\nWritten by Jane Doe\n\nDefault Timeout: 30 Seconds\n\n"
        "Nothing else is said in this file, which ends here with a long last line.\n",
        encoding="utf-8",
    )
    assert path_of(page, "Free as in speech.") == "Preamble"
    assert path_of(page, "means the program") == "TERMS AND CONDITIONS › 0. Definitions."
    assert path_of(page, "This License") == "TERMS AND CONDITIONS › 6. Trademarks."
    assert path_of(page, "install the tool") == "TERMS AND CONDITIONS › 6. Trademarks."
    assert path_of(page, "Thanks") == "TERMS AND CONDITIONS › 6. Trademarks."
    assert path_of(page, "Nothing else") == "TERMS AND CONDITIONS › 6. Trademarks."
    document = load(page)
    heading = document.text.index("6. Trademarks.")
    assert document.sections.at(heading) != document.sections.at(heading - 1)


def test_html_headings_lose_sphinx_permalinks_and_a_byline_is_no_heading(tmp_path):
    page = tmp_path / "logging.html"
    page.write_text(
        "<html><head><title>Logging</title></head><body><h1>Logging HOWTO<a>¶</a></h1>"
        '<h3 CLASS="AUTHOR">Joey Hess</h3>'  # DocBook's title page: a byline
        "<p>Intro.</p><h2>Basic tutorial<a>¶</a></h2><p>Call basicConfig.</p>"
        "<table><tr><th>level</th></tr><tr><td>DEBUG</td></tr></table>"
        "<h3>Levels</h3><p>DEBUG is lowest.</p><h2>Advanced</h2><p>Handlers.</p></body></html>",
        encoding="utf-8",
    )
    assert path_of(page, "Joey Hess") == "Logging HOWTO"  # kept as text
    assert path_of(page, "Intro.") == "Logging HOWTO"
    assert path_of(page, "Call basicConfig.") == "Logging HOWTO › Basic tutorial"
    assert path_of(page, "DEBUG is lowest.") == "Logging HOWTO › Basic tutorial › Levels"
    assert path_of(page, "Handlers.") == "Logging HOWTO › Advanced"


def test_a_definition_term_heads_its_definition_until_the_list_ends(tmp_path):
    """A function's description names it only in the term above it (texinfo's and
    Sphinx's HTML); prose after the list, and a term's nested list, are placed right."""
    page = tmp_path / "closures.html"
    page.write_text(
        "<html><body><h2>The Closure API</h2><p>Closures need special memory.</p>"
        "<dl><dt>Function: void ffi_closure_free (void *writable)</dt>"
        "<dd><p>Free memory allocated using ffi_closure_alloc.</p>"
        "<dl><dt>writable</dt><dd><p>The address that was returned.</p></dd></dl>"
        "<p>It returns nothing.</p></dd></dl>"
        "<p>Once you have the memory, prepare the closure.</p>"
        "<table><tr><td><dl><dt>cell</dt><dd>In a table.</dd></dl></td></tr></table>"
        "</body></html>",
        encoding="utf-8",
    )
    term = "The Closure API › Function: void ffi_closure_free (void *writable)"
    assert path_of(page, "Closures need special") == "The Closure API"
    assert path_of(page, "Free memory allocated") == term
    assert path_of(page, "The address that was returned.") == f"{term} › writable"
    assert path_of(page, "It returns nothing.") == term
    assert path_of(page, "Once you have the memory") == "The Closure API"
    assert path_of(page, "In a table.") == "The Closure API"
    text = load(page).text
    assert "\ue000" not in text and "void *writable)\n\nFree memory" in text


def test_a_long_signature_is_read_by_its_name_a_short_one_whole():
    long = "tempfile.NamedTemporaryFile(mode='w+b', buffering=-1, delete=True, *, errors=None)"
    c = "Function: ffi_status ffi_prep_closure_loc (ffi_closure *closure, void (*fun) (int x))"
    assert headed("Deleted.", f"tempfile › {long}") == "(tempfile.NamedTemporaryFile()) Deleted."
    assert headed("Go.", c) == "(Function: ffi_status ffi_prep_closure_loc()) Go."
    assert headed("A clock.", "Functions › time.perf_counter() → float") == (
        "(time.perf_counter() → float) A clock."
    )


def test_a_table_of_contents_does_not_take_the_headings(tmp_path):
    page = tmp_path / "manual.html"
    page.write_text(
        "<html><body><h1>Manual</h1><ul><li><p>Install</p></li><li><p>Rules</p></li></ul>"
        "<h2>Install</h2><p>Run make.</p><h2>Rules</h2><p>A phony rule names no file.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    assert path_of(page, "Run make.") == "Manual › Install"
    assert path_of(page, "A phony rule") == "Manual › Rules"


def test_docx_odt_and_epub_headings(tmp_path):
    from tests.samples import write_all

    for path, (_, heading, fact) in write_all(tmp_path).items():
        assert path_of(path, fact.replace("**", "")) == heading, path.name


def test_a_heading_missing_from_the_text_does_not_lose_the_ones_after_it():
    text = "Alpha\n\nOne.\n\nGamma\n\nThree."
    sections = locate(text, [(1, "Alpha"), (2, "Beta"), (2, "Gamma")])
    assert sections.at(text.index("Three.")) == "Alpha › Gamma"
    assert sections.within(0, len(text)) == [(0, "Alpha"), (text.index("Gamma"), "Alpha › Gamma")]


def test_search_finds_a_passage_by_its_heading_and_citations_show_it(tmp_path):
    from rag import Assistant

    assistant = Assistant(store=tmp_path / "store", llm="extractive", answerable_threshold=0)
    docs = tmp_path / "docs"
    docs.mkdir()
    filler = " ".join(f"Sentence {i} says nothing in particular about anything." for i in range(40))
    (docs / "manual.rst").write_text(
        f"Manual\n======\n\nRetries\n-------\n\n{filler}\n\nProxies\n-------\n\n"
        "Set HTTPS_PROXY to the proxy's address before you start the client.\n",
        encoding="utf-8",
    )
    assistant.ingest([docs])
    top = assistant.search("proxies", 3, mode="bm25")[0]  # the word is only in the heading
    assert "HTTPS_PROXY" in top.text
    assert top.to_dict()["section"] == "Retries"  # most of the chunk is the filler
    cited = assistant.ask("What do I set to use a proxy before starting the client?").citations[0]
    assert cited.quote.startswith("Set HTTPS_PROXY") and cited.section == "Proxies"


def test_a_passage_without_headings_has_no_section():
    from rag.index.retrieve import Passage

    plain = Passage(1, 1.0, "a.txt", "A", 0, 5, None, "Text.", "c1")  # or from an older store
    assert plain.section == "" and not plain.is_heading and plain.to_dict()["section"] == ""


def test_a_title_heading_is_a_heading_and_a_first_sentence_is_not(tmp_path):
    """A first heading that repeats the title is left out of the paths below it, but its
    own line is still a heading, never quoted as an answer; a file without headings,
    whose first line is its title, has no heading."""
    from rag.index.retrieve import Passage

    def first_line(path) -> Passage:
        document = load(path)
        end = document.text.index("\n")
        sections = tuple(document.sections.within(0, end))
        text = document.text[:end]
        return Passage(1, 1.0, str(path), document.title, 0, end, None, text, "c", sections)

    notes = tmp_path / "2.23.0.txt"
    notes.write_text(
        "Git 2.23 Release Notes\n======================\n\n"
        "Two new commands git switch and git restore are introduced.\n",
        encoding="utf-8",
    )
    assert first_line(notes).is_heading and first_line(notes).section == "Git 2.23 Release Notes"
    # a title that gives a version heads what is new in it (below)
    assert path_of(notes, "Two new commands") == "Git 2.23 Release Notes"
    # a version written with its "v" is no lower-case word that makes a title a sentence
    # (Git's own release notes: "Git v2.38 Release Notes" had been quoted as an answer)
    notes.write_text(
        "Git v2.38 Release Notes\n=======================\n\n"
        '"git rebase -i" learns to update branches with "--update-refs" option.\n',
        encoding="utf-8",
    )
    assert first_line(notes).is_heading and first_line(notes).section == "Git v2.38 Release Notes"
    lead = tmp_path / "news.txt"
    lead.write_text("Putin wants a summit.\nHe said so on Monday.\n", encoding="utf-8")
    assert not first_line(lead).is_heading and first_line(lead).section == ""


def test_a_markdown_heading_is_a_heading_with_its_hashes(tmp_path):
    """OpenSSL's NEWS.md: "### Major changes between ... 1.0.1g and 1.0.1h" had been
    quoted as the answer to which release fixed a CVE (the heading after the right one)."""
    from rag.index.retrieve import Passage

    news = tmp_path / "NEWS.md"
    news.write_text(
        "# NEWS\n\n## OpenSSL 1.0.1\n\n### Major changes between 1.0.1f and 1.0.1g ###\n\n"
        "* Fix for CVE-2014-0160\n",
        encoding="utf-8",
    )
    document = load(news)
    start = document.text.index("###")
    end = document.text.index("\n", start)
    sections = tuple(document.sections.within(start, end))
    heading = Passage(
        1, 1.0, str(news), "NEWS", start, end, None, document.text[start:end], "c", sections
    )
    assert heading.is_heading
    assert path_of(news, "Fix for") == "OpenSSL 1.0.1 › Major changes between 1.0.1f and 1.0.1g"


def test_a_release_title_heads_what_is_new_in_it(tmp_path):
    """Release notes say what is new under "UI, Workflows & Features"; the version is in
    their title. The title stays in the paths below it, the model and the judge read it
    beside the sentence, a version question finds a version there, and the numbers check
    takes its version as stated: "Since which Git version ...?" had abstained, "the
    closest passages do not give a version"."""
    notes = tmp_path / "2.38.0.txt"
    notes.write_text(
        "Git v2.38 Release Notes\n=======================\n\nUI, Workflows & Features\n\n"
        ' * "git rebase -i" learns to update branches whose tip appear in the\n'
        '   rebased range with "--update-refs" option.\n\n'
        ' * "git remote show" now pays attention to negative pathspec.\n',
        encoding="utf-8",
    )
    section = path_of(notes, "learns to update")
    assert section == "Git v2.38 Release Notes › UI, Workflows & Features"
    assert headed("x", section) == "(Git v2.38 Release Notes › UI, Workflows & Features) x"
    question = "Since which Git version can git rebase -i update branches in the rebased range?"
    sentence = '"git rebase -i" learns to update branches whose tip appear in the rebased range.'
    assert gives_kind(question, sentence, section)
    assert not gives_kind(question, sentence, "UI, Workflows & Features")
    claim = "Since Git 2.38, git rebase -i can update branches in the rebased range."
    checks = Verifier(None, 0.3)
    assert checks.check(question, claim, sentence, section=section).check != "numbers"
    assert checks.check(question, claim, sentence, section="UI, Workflows").check == "numbers"
    # a standard's version, a default, an engine and a section number head no release
    for path in (
        "sqlite3 — DB-API 2.0 interface for SQLite databases › Reference",
        "random › random.gauss(mu=0.0, sigma=1.0)",
        "Useful V8 options › `--stack-trace-limit=limit`",
        "4.2.2. Use of uninitialised values",
        "Mozilla Public License Version 2.0 › 3. Responsibilities",
    ):
        assert version_heading(path) == ""
    assert version_heading("Changes › 3.0.0 (2023-09-30) › Fixes") == "3.0.0 (2023-09-30)"
    assert version_heading("Changes › Version 8.1 › Fixes") == "Version 8.1"
    assert version_heading("What's New In Python 3.11 › New Features") == (
        "What's New In Python 3.11"
    )
