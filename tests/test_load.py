"""Loading each format into exact text; bad files are skipped with a reason."""

import pytest

from rag.ingest.load import SkipFile, find_files, load
from tests.samples import FACTS, FILLER, write_all


def test_txt_utf8_and_cp1252_fallback(tmp_path):
    (tmp_path / "a.txt").write_text("Café au lait.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Café crème.".encode("cp1252"))
    a, b = load(tmp_path / "a.txt"), load(tmp_path / "b.txt")
    assert (a.text, a.encoding) == ("Café au lait.", "utf-8")
    assert (b.text, b.encoding) == ("Café crème.", "cp1252")
    assert len(a.sha256) == 64 and a.size == len("Café au lait.".encode())


def test_markdown_title_from_heading(tmp_path):
    (tmp_path / "n.md").write_text("# Field notes\n\nThe heron nests in March.\n")
    doc = load(tmp_path / "n.md")
    assert doc.title == "Field notes" and "heron" in doc.text


def test_html_keeps_text_drops_markup_and_scripts(tmp_path):
    (tmp_path / "p.html").write_text(
        "<html><head><title>Birds &amp; Bees</title><style>p{color:red}</style></head>"
        "<body><h1>Heron</h1><p>The heron <b>nests</b> in March.</p>"
        "<script>alert('x')</script><p>Second&nbsp;paragraph.</p></body></html>"
    )
    doc = load(tmp_path / "p.html")
    assert doc.title == "Birds & Bees"
    assert "The heron nests in March." in doc.text
    assert "alert" not in doc.text and "<" not in doc.text and "color" not in doc.text


def test_html_reads_the_main_content_without_navigation(tmp_path):
    # the shape of a Sphinx page: breadcrumbs, a main region with a permalinked heading,
    # a sidebar with "Next topic" and a search box, a footer outside the main region
    (tmp_path / "heapq.html").write_text(
        "<html><head><title>heapq</title></head><body>"
        '<div class="related" role="navigation"><ul><li>Library &raquo;</li></ul></div>'
        '<div class="document"><div class="body" role="main">'
        '<h1>heapq<a class="headerlink" href="#heapq">¶</a></h1>'
        "<div><p>heap[0] is the smallest item.</p></div>"
        '<nav class="toc"><p>Contents</p></nav><p>It keeps the invariant.</p></div>'
        '<div class="sphinxsidebar" role="navigation"><h3>Next topic</h3><p>bisect</p>'
        '<div role="search"><p>Quick search</p></div></div></div>'
        '<div class="footer">Found a bug?</div></body></html>'
    )
    doc = load(tmp_path / "heapq.html")
    assert doc.text == "heapq\n\nheap[0] is the smallest item.\n\nIt keeps the invariant."
    assert doc.title == "heapq"
    # a page without a main region keeps all but its navigation
    (tmp_path / "plain.html").write_text(
        "<body><nav><a>Home</a></nav><p>One.</p><footer><p>By Ann.</p></footer></body>"
    )
    assert load(tmp_path / "plain.html").text == "One.\n\nBy Ann."


def test_pdf_text_with_pages(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "r.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(72, 700, "Page one talks about herons.")
    c.showPage()
    c.drawString(72, 700, "Page two talks about egrets.")
    c.save()
    doc = load(path)
    assert doc.page_at(doc.text.index("herons")) == 1
    assert doc.page_at(doc.text.index("egrets")) == 2


def test_a_pdf_paragraph_wrapped_into_lines_still_reads_as_whole_sentences(tmp_path):
    from rag.text.sentences import sentence_spans
    from rag_evals.pdfs import render

    sentence = (
        "Through a process called rehashing, the tool maintains shims in that directory "
        "to match every command across every installed version of the language, so that "
        "each one runs the version chosen for the folder it is run in."
    )
    (tmp_path / "doc.txt").write_text(f"A title\n{sentence} It is fast.\n", encoding="utf-8")
    assert render(tmp_path, tmp_path / "pdf") == 1
    text = load(tmp_path / "pdf" / "doc.pdf").text
    assert text.count("\n") >= 3  # the text layer wraps the paragraph into lines
    sentences = [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]
    assert sentences == ["A title", sentence, "It is fast."]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "no text"),
        ("blank.md", b"  \n\n ", "no text"),
        ("bin.txt", b"\x00\x01\x02binary", "binary"),
        ("bad.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
        ("bad.docx", b"PK\x03\x04 not really a zip", "malformed DOCX"),
        ("bad.odt", b"not a zip at all", "malformed ODT"),
        ("bad.epub", b"PK\x03\x04", "malformed EPUB"),
    ],
)
def test_bad_files_raise_skip_with_reason(tmp_path, name, content, reason):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(SkipFile, match=reason):
        load(tmp_path / name)


def test_find_files_walks_folders_skips_hidden_and_reports_unsupported(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("a")
    (tmp_path / ".hidden.txt").write_text("h")
    (tmp_path / "b.xlsx").write_text("x")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    files, skipped = find_files([tmp_path, tmp_path / "b.xlsx"])
    assert [f.name for f in files] == ["a.txt"]
    assert skipped == [(str(tmp_path / "b.xlsx"), "unsupported file type .xlsx")]


def test_office_ebook_and_rst_files_load_as_text_with_titles_and_headings(tmp_path):
    for path, (title, heading, fact) in write_all(tmp_path).items():
        doc = load(path)
        fact = fact.replace("**", "")
        assert doc.title == title, path.name
        blocks = doc.text.split("\n\n")
        assert heading in blocks and fact in blocks, (path.name, blocks)  # heading apart
        assert FILLER in doc.text and "<" not in doc.text and "**" not in doc.text
    assert "Keeper; Ian Campbell." in load(tmp_path / "harbour.docx").text  # a headerless row
    assert "Prune in February." in load(tmp_path / "orchard.odt").text  # list item
    assert "root:" not in load(tmp_path / "station.rst").text  # no file inclusion
    assert set(FACTS) == {p.name for p in find_files([tmp_path])[0]}
