"""Documentation markup read as a reader of the rendered page sees it (issue 27): Sphinx's
roles and directives, MkDocs / Material Markdown, and tables as rows that keep their
header, each row one sentence that a citation can quote whole."""

import re

import pytest

from rag.ingest.load import load
from rag.ingest.markup import markdown, role_text
from rag.text.sentences import sentence_spans

LEFTOVER_ROLE = re.compile(r":[a-z:]+:`")
LEFTOVER_DIRECTIVE = re.compile(r"^\.\. [a-z-]+::", re.MULTILINE)

SPHINX_PAGE = """\
==============
Client library
==============

.. currentmodule:: mylib

A failed call raises :exc:`mylib.exceptions.BaseError`; build a
:class:`Client <mylib.Client>` and call :meth:`~mylib.Client.send`, or
:func:`!mylib.connect`. Set :envvar:`MYLIB_HOME` as :pep:`8` says; see
:ref:`the retry guide <retries>` and :doc:`/howto/setup`. A
:projectrole:`custom role` shows its text.

.. versionadded:: 2.3
   The ``timeout`` argument.

.. versionchanged:: 3.0 Retries are on by default.

.. deprecated:: 3.1

.. note::

   Keep the key secret.

.. warning:: Never log the key.

.. seealso:: :class:`mylib.Pool`

.. autofunction:: connect

.. py:function:: send(data, *, timeout=None)
   :noindex:

   Send data to the server.

.. code-block:: python
   :caption: example.py
   :emphasize-lines: 1

   client = Client()

.. literalinclude:: ../../src/mylib/client.py
   :caption: client.py

.. toctree::
   :maxdepth: 2

   intro
   api

.. index:: single: connect

Status codes
------------

+------+-------------+
| code | name        |
+======+=============+
| 307  | temporary   |
+------+-------------+
| 308  | permanent   |
+------+-------------+
"""

MKDOCS_PAGE = """\
---
title: First Steps
tags: [tutorial]
---

# First Steps

The simplest file looks like this: <!-- shorten this -->

{* ../../docs_src/first_steps/tutorial001.py *}

--8<-- "snippets/intro.md"

<!-- a note for
the editors -->

!!! note "Technical Details"
    `FastAPI` is a class that inherits directly from `Starlette`.

??? tip
    Run it with `--reload` while developing.

/// warning | Careful here

Do not run this in production.

///

| code | name |
|------|------|
| 307  | temporary |
| 308  | permanent |

```md
!!! note
    Inside a fence, as written.
```
"""

STATUS_ROWS = ["code: 307; name: temporary.", "code: 308; name: permanent."]


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def assert_rows_are_sentences(text: str, rows: list[str]) -> None:
    """Each row is one sentence of the text, quoted whole by its own span."""
    spans = {text[a:b]: (a, b) for a, b in sentence_spans(text)}
    for row in rows:
        assert row in spans, (row, sentences(text))
        a, b = spans[row]
        assert text[a:b] == row and text[b : b + 1] in {"", "\n"}


def test_a_sphinx_page_reads_as_sphinx_renders_it(tmp_path):
    path = tmp_path / "client.rst"
    path.write_text(SPHINX_PAGE, encoding="utf-8")
    doc = load(path)
    text = doc.text
    assert doc.title == "Client library"
    assert (
        "A failed call raises mylib.exceptions.BaseError; build a\n"
        "Client and call send(), or\n"
        "mylib.connect(). Set MYLIB_HOME as PEP 8 says; see\n"
        "the retry guide and /howto/setup. A\n"
        "custom role shows its text."
    ) in text
    blocks = text.split("\n\n")
    for block in [
        "New in version 2.3: The timeout argument.",
        "Changed in version 3.0: Retries are on by default.",
        "Deprecated since version 3.1.",
        "Note: Keep the key secret.",
        "Warning: Never log the key.",
        "See also: mylib.Pool",
        "mylib.connect",  # autofunction: its signature, the module from currentmodule
        "mylib.send(data, *, timeout=None)",
        "Send data to the server.",
        "example.py",  # a code block's caption, then its code
        "client = Client()",
        "client.py",  # literalinclude: the caption only, the file is not read
        *STATUS_ROWS,
    ]:
        assert block in blocks, (block, blocks)
    assert blocks.index("example.py") + 1 == blocks.index("client = Client()")
    for gone in ["intro", "api", "maxdepth", "single", "noindex", "emphasize"]:
        assert gone not in text
    assert not LEFTOVER_ROLE.search(text) and not LEFTOVER_DIRECTIVE.search(text)
    for written in [":class:", ":exc:", ".. versionadded", ".. note", "autofunction", "~"]:
        assert written not in text
    assert_rows_are_sentences(text, STATUS_ROWS)


def test_an_rst_simple_table_without_a_header_joins_its_cells(tmp_path):
    path = tmp_path / "converters.rst"
    path.write_text(
        "Converters\n==========\n\n"
        "=========== ===============================================\n"
        "`string`    accepts any text without a slash (the default)\n"
        "`int`       accepts integers\n"
        "=========== ===============================================\n\n"
        "===== =====\nkey   value\n===== =====\nport  8080\n===== =====\n",
        encoding="utf-8",
    )
    text = load(path).text
    rows = [
        "string; accepts any text without a slash (the default).",
        "int; accepts integers.",
        "key: port; value: 8080.",
    ]
    assert_rows_are_sentences(text, rows)


@pytest.mark.parametrize(
    ("role", "text", "shown"),
    [
        ("class", "Client <mylib.Client>", "Client"),
        ("class", "~mylib.Client", "Client"),
        ("py:meth", "~mylib.Client.send", "send()"),
        ("func", "connect()", "connect()"),
        ("attr", "!mylib.Client.timeout", "mylib.Client.timeout"),
        ("exc", "mylib.exceptions.BaseError", "mylib.exceptions.BaseError"),
        ("ref", "retries", "retries"),
        ("pep", "8", "PEP 8"),
        ("rfc", "2616", "RFC 2616"),
        ("issue", "123", "#123"),
        ("file", "{name}.cfg", "name.cfg"),
        ("kbd", "Ctrl+C", "Ctrl+C"),
        ("abbr", "LIFO (last-in, first-out)", "LIFO (last-in, first-out)"),
        ("menuselection", "File --> Open", "File \N{TRIANGULAR BULLET} Open"),
        ("someproject:thing", "~a.b.c", "c"),
    ],
)
def test_each_role_shows_its_visible_text(role, text, shown):
    assert role_text(role, text) == shown


def test_a_mkdocs_page_keeps_what_a_reader_sees(tmp_path):
    path = tmp_path / "first-steps.md"
    path.write_text(MKDOCS_PAGE, encoding="utf-8")
    doc = load(path)
    assert doc.title == "First Steps"
    assert doc.text == (
        "# First Steps\n"
        "\n"
        "The simplest file looks like this:\n"
        "\n"
        "Note: Technical Details. `FastAPI` is a class that inherits directly from"
        " `Starlette`.\n"
        "\n"
        "Tip: Run it with `--reload` while developing.\n"
        "\n"
        "Warning: Careful here. Do not run this in production.\n"
        "\n"
        "code: 307; name: temporary.\n"
        "\n"
        "code: 308; name: permanent.\n"
        "\n"
        "```md\n"
        "!!! note\n"
        "    Inside a fence, as written.\n"
        "```\n"
    )
    outside_fence = doc.text.split("```")[0]
    for written in ["---", "tags:", "{*", "8<", "<!--", "!!!", "???", "///", "|"]:
        assert written not in outside_fence
    assert_rows_are_sentences(doc.text, STATUS_ROWS)


@pytest.mark.parametrize(
    "source",
    [
        "# Notes\n\nThe heron nests in March.\n\n- one\n- two\n",
        "Title\n\n---\n\nA rule above, not front matter.\n\n```\n!!! note\n| a |\n```\n",
        "Line one\r\nLine two <b>bold</b>\r\n\r\n> quoted\r\n",
    ],
)
def test_plain_markdown_comes_out_byte_for_byte(tmp_path, source):
    path = tmp_path / "plain.md"
    path.write_bytes(source.encode("utf-8"))
    assert load(path).text == source
    assert markdown(source) == (source, "")


def test_link_definitions_are_not_text_but_a_fenced_one_is():
    # OpenSSL's NEWS.md ends in 300 of them; one was the closest "passage" to a question
    text, _ = markdown(
        "Fix for [CVE-2014-0160].\n\n"
        "[CVE-2014-0160]: https://www.openssl.org/news/vulnerabilities.html\n"
        '[home]: https://openssl.org "Home"\n\n'
        "More.\n\n```\n[ref]: https://example.org\n```\n"
    )
    assert text == "Fix for [CVE-2014-0160].\n\nMore.\n\n```\n[ref]: https://example.org\n```\n"


def test_material_blocks_nest_and_code_first_bodies_get_their_own_label_line():
    text, _ = markdown(
        "Intro.\n"
        '!!! example "Run it"\n'
        "    ```bash\n"
        "    pip install mylib\n"
        "    ```\n"
        "\n"
        "/// details | Why\n"
        "    type: tip\n"
        "\n"
        "Because it is fast.\n"
        "///\n"
    )
    assert text == (
        "Intro.\n"
        "\n"
        "Example: Run it.\n"
        "\n"
        "```bash\n"
        "pip install mylib\n"
        "```\n"
        "\n"
        "Why: Because it is fast.\n"
    )


def test_an_html_table_keeps_its_header_in_each_row(tmp_path):
    path = tmp_path / "codes.html"
    path.write_text(
        "<html><head><title>Codes</title></head><body><h1>Codes</h1><p>Before.</p>"
        "<table><thead><tr><th>code</th><th>name</th></tr></thead><tbody>"
        "<tr><td>307</td><td><p>temporary</p></td></tr>"
        "<tr><td>308</td><td>permanent</td></tr></tbody></table>"
        "<table><tr><td>port</td><td>8080</td></tr></table>"
        "<p>After.</p></body></html>",
        encoding="utf-8",
    )
    text = load(path).text
    assert text == (
        "Codes\n\nBefore.\n\ncode: 307; name: temporary.\n\ncode: 308; name: permanent."
        "\n\nport; 8080.\n\nAfter."
    )
    assert_rows_are_sentences(text, [*STATUS_ROWS, "port; 8080."])


def test_html_in_markdown_reads_as_the_rendered_page(tmp_path):
    # Node.js's API docs keep their signal and error tables as HTML: a row had been
    # quoted with its tags ("<td>Sent to a process when ...</td>") and without the
    # signal's name, which sits in the cell before
    path = tmp_path / "codes.md"
    path.write_text(
        '# Codes\n\n<p align="center"><img src="logo.png" alt=""></p>\n\nBefore.\n\n'
        "<table>\n  <tr>\n    <th>code</th>\n    <th>name</th>\n  </tr>\n"
        "  <tr>\n    <td><code>307</code></td>\n    <td>temporary</td>\n  </tr>\n"
        "  <tr>\n    <td>308</td>\n    <td>permanent</td>\n  </tr>\n</table>\n\n"
        "After <b>this</b>.\n\n```html\n<table><tr><td>kept</td></tr></table>\n```\n",
        encoding="utf-8",
    )
    text = load(path).text
    assert text == (
        "# Codes\n\nBefore.\n\ncode: 307; name: temporary.\n\ncode: 308; name: permanent."
        "\n\nAfter <b>this</b>.\n\n```html\n<table><tr><td>kept</td></tr></table>\n```\n"
    )
    assert_rows_are_sentences(text, STATUS_ROWS)


def test_a_docx_table_keeps_its_header_in_each_row(tmp_path):
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading("Codes", level=1)
    table = document.add_table(rows=3, cols=2)
    for r, cells in enumerate([("code", "name"), ("307", "temporary"), ("308", "permanent")]):
        for c, value in enumerate(cells):
            table.rows[r].cells[c].text = value
    single = document.add_table(rows=1, cols=2)
    single.rows[0].cells[0].text, single.rows[0].cells[1].text = "port", "8080"
    document.add_paragraph("After.")
    document.save(tmp_path / "codes.docx")
    text = load(tmp_path / "codes.docx").text
    assert text == "Codes\n\n" + "\n\n".join([*STATUS_ROWS, "port; 8080.", "After."])
    assert_rows_are_sentences(text, [*STATUS_ROWS, "port; 8080."])


def test_an_odt_table_keeps_its_declared_header_in_each_row(tmp_path):
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
    from odf.text import H, P

    def row(*values: str) -> TableRow:
        made = TableRow()
        for value in values:
            cell = TableCell()
            cell.addElement(P(text=value))
            made.addElement(cell)
        return made

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Codes"))
    table = Table(name="Codes")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    header = TableHeaderRows()
    header.addElement(row("code", "name"))
    table.addElement(header)
    table.addElement(row("307", "temporary"))
    table.addElement(row("308", "permanent"))
    document.text.addElement(table)
    plain = Table(name="Plain")
    plain.addElement(TableColumn(numbercolumnsrepeated=2))
    plain.addElement(row("port", "8080"))
    document.text.addElement(plain)
    document.text.addElement(P(text="After."))
    document.save(str(tmp_path / "codes.odt"))
    text = load(tmp_path / "codes.odt").text
    assert text == "Codes\n\n" + "\n\n".join([*STATUS_ROWS, "port; 8080.", "After."])
    assert_rows_are_sentences(text, [*STATUS_ROWS, "port; 8080."])


def _pdf_with_table(path, rows: list[tuple[str, ...]], before: str) -> None:
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    style = getSampleStyleSheet()["Normal"]
    SimpleDocTemplate(str(path)).build(
        [Paragraph(before, style), Spacer(1, 12), Table(rows), Spacer(1, 12)]
        + [Paragraph("After.", style)]
    )


def test_a_pdf_table_keeps_its_header_in_each_row(tmp_path):
    # reportlab's text layer gives the cells one per line; the layout shows the grid
    rows = [("code", "name"), ("307", "temporary"), ("308", "permanent")]
    _pdf_with_table(tmp_path / "codes.pdf", rows, "Before.")
    text = load(tmp_path / "codes.pdf").text
    assert text == "Before.\n" + "\n".join([*STATUS_ROWS, "After."])
    assert_rows_are_sentences(text, STATUS_ROWS)


def test_search_for_a_cell_value_ranks_its_row_first(assistant, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    rows = [("code", "name", "meaning"), ("307", "temp", "Temporary Redirect")]
    rows += [
        ("308", "perm", "Permanent Redirect"),
        ("451", "legal", "Unavailable For Legal Reasons"),
    ]
    _pdf_with_table(docs / "codes.pdf", rows, "Status codes a server sends.")
    (docs / "ports.html").write_text(
        "<table><tr><th>service</th><th>port</th></tr><tr><td>ssh</td><td>22</td></tr>"
        "<tr><td>smtp</td><td>25</td></tr></table>",
        encoding="utf-8",
    )
    (docs / "notes.md").write_text("# Notes\n\nA redirect asks the client to look elsewhere.\n")
    assistant.ingest([docs])
    assert "code: 451; name: legal; meaning: Unavailable For Legal Reasons." in (
        assistant.search("legal reasons")[0].text
    )
    assert "service: smtp; port: 25." in assistant.search("smtp")[0].text
