"""Text out of each file format, as the exact string that chunks and citations index.

txt and md are read as they are (rag/ingest/load.py); every other format is turned into plain
text here, headings kept as paragraphs of their own and blank lines between blocks,
so that a citation's ``start:end`` slices what a reader of the file sees. Each reader
is the well-kept library for its format; a file it cannot read raises SkipFile with
the reason.
"""

import contextlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from rag.errors import SkipFile
from rag.ingest import ocr, pdf_tables
from rag.ingest.markup import grid, sphinx_parser, table_lines
from rag.text.lexicon import PERMALINK


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str = ""
    page_starts: tuple[int, ...] = ()  # PDF only: where each page starts in ``text``
    headings: tuple[tuple[int, str], ...] = ()  # (level, title) in order, each a block
    ends: tuple[tuple[int, int], ...] = ()  # (offset, level): sections that close there


def _blocks(parts: list[str]) -> str:
    """Blocks of text joined by blank lines, runs of spaces and empty blocks dropped."""
    cleaned = (re.sub(r"[ \t\r\f\v]+", " ", p).strip() for p in parts)
    return "\n\n".join(p for p in cleaned if p)


def _guard(kind: str, read: Callable[[], Extracted]) -> Extracted:
    """Readers raise many exception types on corrupt files: each becomes one reason."""
    try:
        return read()
    except SkipFile:
        raise
    except Exception as exc:
        raise SkipFile(f"malformed {kind} ({type(exc).__name__})") from None


_HEADINGS = {f"h{level}": level for level in range(1, 7)}
# A definition list's term (<dt>: a function's signature, an option, a glossary word)
# heads its definition (<dd>) one level below the deepest HTML heading, a list inside a
# definition one more; its section ends where the list does. "Free memory allocated
# using ffi_closure_alloc." says which function it describes only by the term above it.
_TERM_LEVEL = 6
# DocBook sets its title page's authors as headings (<h3 class="author">): a byline, not
# a section (the licence notice after them had been cited under "David Mandelberg").
_BYLINE = "author"
_END = "\ue000"  # where a definition list closed: taken out of the text, its offset kept
_ENDS = re.compile(rf"\s*{_END}(\d+)\s*")


# Page furniture a reader's eye skips: navigation (breadcrumbs, "Next topic", the
# sidebar's table of contents), search boxes, the site's banner and footer (ARIA roles),
# a heading's permalink, a footnote's mark.
_CHROME_ROLES = {"navigation", "search", "banner", "contentinfo"}
_FOOTNOTE_MARK = "reference"  # Wikipedia's "[4]" after a word, a link to a footnote
_PERMALINK = "headerlink"  # the "¶" link Sphinx and Python-Markdown put after headings
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}
# A sign that a page may mark its main content: only then is it read for one.
_MAIN = re.compile(r"<main[\s>]|\brole\s*=\s*[\"']?main\b", re.IGNORECASE)


class _HTMLText(HTMLParser):
    """Visible text of an HTML page as a reader sees it: on a page that marks its main
    content (``<main>``, ``role="main"``) that content alone, and never navigation,
    search boxes, banners or footers. The stdlib parser is enough for text extraction."""

    _SKIP = {"script", "style", "noscript", "template", "head", "svg"}
    _BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "blockquote",
        "pre",
        "table",
        "ul",
        "ol",
        "hr",
        "header",
        "footer",
        "dl",
        "dt",
        "dd",
    }

    def __init__(self, main_only: bool, hide_chrome: bool) -> None:
        super().__init__(convert_charrefs=True)
        self._main_only, self._hide_chrome = main_only, hide_chrome
        self._open: list[str] = []  # the elements open, outermost first
        self._main_at: int | None = None  # the main element's depth, while inside it
        self._chrome_at: int | None = None  # a navigation region's depth, while inside it
        self.main_seen = False
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False
        self._tables: list[_Table] = []  # the tables being read, innermost last
        self.headings: list[tuple[int, str]] = []
        self._heading: list[str] | None = None  # the text of the heading being read
        self._level = 0  # and its level
        self._lists = 0  # definition lists open

    def _follow(self, tag: str, attrs: list) -> None:
        """Note the element ``tag`` opens, and the region it starts, if any."""
        if tag in _VOID:
            return
        depth = len(self._open)
        self._open.append(tag)
        if self._chrome_at is not None:
            return
        given = dict(attrs)
        role = (given.get("role") or "").lower()
        classes = (given.get("class") or "").split()
        furniture = _PERMALINK in classes or (tag == "sup" and _FOOTNOTE_MARK in classes)
        if self._hide_chrome and (tag == "nav" or role in _CHROME_ROLES or furniture):
            self._chrome_at = depth
        elif self._main_only and not self.main_seen and (tag == "main" or role == "main"):
            self._main_at, self.main_seen = depth, True

    def _unfollow(self, tag: str) -> None:
        """Close ``tag`` and any element left open inside it, and the regions they began
        (a region whose end tag is missing ends with its parent)."""
        if tag not in self._open:
            return  # a stray end tag
        del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]
        if self._chrome_at is not None and len(self._open) <= self._chrome_at:
            self._chrome_at = None
        if self._main_at is not None and len(self._open) <= self._main_at:
            self._main_at = None  # one main region: nothing after it is read

    @property
    def _reading(self) -> bool:
        if self._chrome_at is not None:
            return False
        return not self._main_only or self._main_at is not None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "title" and not self.title:  # the page's, not an SVG image's in its body
            self._in_title = True
        was = self._reading
        self._follow(tag, attrs)
        if not (was and self._reading) or tag == "title":
            return
        if tag in self._SKIP:
            self._skip += 1
        elif self._skip:
            pass  # a skipped part's tables are not read either
        elif tag == "table":
            self._tables.append(_Table())
        elif self._tables and self._tables[-1].start(tag, dict(attrs)):
            return
        elif tag in _HEADINGS and not self._tables and not _is_byline(attrs):
            self._heading, self._level = [], _HEADINGS[tag]
        elif tag == "dl" and not self._tables:
            self._lists += 1
        elif tag == "dt" and self._lists and not self._tables:
            self._heading, self._level = [], _TERM_LEVEL + self._lists
        if tag in self._BLOCK:
            self._add("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        was = self._reading
        self._unfollow(tag)
        if not (was and self._reading) or tag == "title":
            return
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif self._skip:
            pass
        elif tag == "table" and self._tables:
            table = self._tables.pop()
            self._add("\n\n" + table.text() + "\n\n")
            if self._tables and table.rows:  # a table in a cell: no grid of its own
                self._tables[-1].layout = True
        elif self._tables and self._tables[-1].end(tag):
            return
        elif (tag in _HEADINGS or tag == "dt") and self._heading is not None:
            self.headings.append((self._level, "".join(self._heading)))
            self._heading = None
        elif tag == "dl" and self._lists and not self._tables:
            self._add(f"\n\n{_END}{_TERM_LEVEL + self._lists}\n\n")
            self._lists -= 1
        if tag in self._BLOCK:
            self._add("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip and self._reading:
            data = data.replace(_END, "")  # the mark is ours alone
            self._add(data)
            if self._heading is not None:
                self._heading.append(data)

    def _add(self, text: str) -> None:
        if self._tables:
            self._tables[-1].add(text)
        else:
            self.parts.append(text)


class _Table:
    """One HTML table as rows that keep their header ("head: cell; ..."); a table laid out
    in one column, or holding code or another table, is read as text, cell by cell."""

    _SECTIONS = {"thead", "tbody", "tfoot"}

    def __init__(self) -> None:
        self.rows: list[tuple[list[tuple[str, int, int]], bool]] = []  # cells, a header row
        self.flat: list[str] = []  # the table's text cell by cell, for a layout table
        self.caption: list[str] = []
        self.cell: list[str] | None = None
        self.spans = (1, 1)
        self.in_row = self.in_head = self.in_caption = self.layout = False
        self.all_th = False

    def add(self, text: str) -> None:
        self.flat.append(text)
        if self.cell is not None:
            self.cell.append(text)
        elif self.in_caption:
            self.caption.append(text)

    def start(self, tag: str, attrs: dict) -> bool:
        """Read an opening ``tag``; True when it was the table's own (no block break)."""
        if tag in {"td", "th"}:
            self._close_cell()
            if not self.in_row:
                self._open_row()
            self.cell = []
            self.spans = (_span(attrs.get("colspan")), _span(attrs.get("rowspan")))
            self.all_th = self.all_th and tag == "th"
            self.flat.append("\n\n")
            return True
        if tag == "tr" or tag in self._SECTIONS:
            self._close_row()
            if tag == "tr":
                self._open_row()
            else:
                self.in_head = tag == "thead"
            return True
        if tag == "caption":
            self.in_caption = True
            return True
        self.layout = self.layout or (tag == "pre" and self.cell is not None)
        return False

    def end(self, tag: str) -> bool:
        if tag in {"td", "th"}:
            self._close_cell()
            self.flat.append("\n\n")
            return True
        if tag == "tr" or tag in self._SECTIONS:
            self._close_row()
            self.in_head = self.in_head and tag == "tr"
            return True
        if tag == "caption":
            self.in_caption = False
            self.flat.append("\n\n")
            return True
        return False

    def _open_row(self) -> None:
        self.rows.append(([], self.in_head))
        self.in_row, self.all_th = True, True

    def _close_cell(self) -> None:
        if self.cell is not None:
            self.rows[-1][0].append((" ".join("".join(self.cell).split()), *self.spans))
            self.cell = None

    def _close_row(self) -> None:
        self._close_cell()
        if self.in_row:
            cells, head = self.rows[-1]
            if not cells:
                self.rows.pop()
            elif self.all_th:  # a row of <th> only is a header row
                self.rows[-1] = (cells, True)
        self.in_row = False

    def text(self) -> str:
        self._close_row()
        rows = [cells for cells, _ in self.rows]
        if self.layout or max((sum(c[1] for c in r) for r in rows), default=0) < 2:
            return "".join(self.flat)
        header = 0
        while header < len(self.rows) and self.rows[header][1]:
            header += 1
        lines = table_lines(grid(rows), header)
        caption = " ".join("".join(self.caption).split())
        return "\n\n".join([caption, *lines] if caption else lines)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def html(markup: str) -> Extracted:
    """The page's main region if it marks one, else the page, without its navigation; a
    page that gives no text so read (a region never closed) is read whole."""
    ways = [(False, True), (False, False)]
    for main_only, hide_chrome in ([(True, True)] if _MAIN.search(markup) else []) + ways:
        parser = _HTMLText(main_only, hide_chrome)
        parser.feed(markup)
        parser.close()
        text = "".join(parser.parts)
        text = re.sub(r"[ \t\r\f\v]+", " ", text)
        text = re.sub(r" *\n *", "\n", text)
        text, ends = _cut_ends(re.sub(r"\n{3,}", "\n\n", text).strip())
        if text and (parser.main_seen or not main_only):
            break
    title = unescape(parser.title).strip()
    return Extracted(text, title, headings=tuple(parser.headings), ends=ends)


def _is_byline(attrs: list) -> bool:
    return _BYLINE in (dict(attrs).get("class") or "").lower().split()


def _cut_ends(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """``text`` without the marks of where definition lists end, and (offset, level) of
    each: the start of the block after it."""
    pieces = _ENDS.split(text)
    out, ends, waiting = pieces[0], [], []
    for level, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        waiting.append(int(level))
        if piece:
            out += "\n\n" if out else ""
            ends += [(len(out), closed) for closed in waiting]
            waiting = []
            out += piece
    return out, tuple(ends)


def rst(source: str) -> Extracted:
    """reStructuredText rendered by docutils, then read as HTML: markup gone, sections
    kept. Sphinx's roles and directives read as Sphinx shows them (rag/ingest/markup.py).
    File inclusion and raw passthrough are off: a document cannot pull in others."""
    from docutils.core import publish_parts

    overrides = {
        "report_level": 5,  # quiet: a markup slip is not the user's ingest problem
        "halt_level": 5,
        "file_insertion_enabled": False,
        "raw_enabled": False,
        "input_encoding": "unicode",
        # As Sphinx reads a page: its first title stays a section heading, and a lone
        # second-level title is not promoted to a subtitle.
        "doctitle_xform": False,
    }

    def read() -> Extracted:
        parts = publish_parts(
            source, parser=sphinx_parser(), writer="html5", settings_overrides=overrides
        )
        body = html(parts["body"])
        title = body.headings[0][1].removesuffix(PERMALINK).strip() if body.headings else ""
        return Extracted(body.text, title, headings=body.headings, ends=body.ends)

    return _guard("reStructuredText", read)


def pdf(raw: bytes, note: ocr.Note | None = None) -> Extracted:
    """Text layer of each page, joined by blank lines; page start offsets kept. Pages
    without a text layer are read by OCR when the ``ocr`` extra is installed."""
    from pypdf import PdfReader

    def read() -> Extracted:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SkipFile("encrypted PDF (needs a password)")
        texts = [_page_text(page) for page in reader.pages]
        meta = reader.metadata
        title = str(meta.title).strip() if meta and meta.title else ""
        scanned = [i for i, page_text in enumerate(texts) if not page_text]
        readable = ocr.available()
        if scanned and readable:
            for i, page_text in ocr.read_pages(raw, scanned, note).items():
                texts[i] = page_text.strip()
        if not any(texts):
            if scanned and not readable:
                raise SkipFile(f"PDF has no text layer (scanned?); {ocr.INSTALL} reads it by OCR")
            raise SkipFile("PDF has no text layer, and OCR found no text")
        starts: list[int] = []
        text = ""
        for i, page_text in enumerate(texts):
            if i:
                text += "\n\n"
            starts.append(len(text))
            text += page_text
        return Extracted(text, title, tuple(starts))

    return _guard("PDF", read)


def _page_text(page) -> str:
    """A page's text layer in content order, its tables as rows (rag/ingest/pdf_tables.py)."""
    text = (page.extract_text() or "").strip()
    if pdf_tables.might_hold_table(text):
        # a page pypdf cannot print in layout mode keeps its plain text
        with contextlib.suppress(Exception):
            text = pdf_tables.with_rows(text, page.extract_text(extraction_mode="layout"))
    return text


def docx(raw: bytes) -> Extracted:
    """Word paragraphs and table rows in document order (python-docx); the title is the
    document's own, else its first Title or Heading paragraph."""
    import docx as python_docx
    from docx.table import Table

    def read() -> Extracted:
        document = python_docx.Document(io.BytesIO(raw))
        parts, headings = [], []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                parts.extend(_docx_table(block))
                continue
            parts.append(block.text)
            level = _docx_level(block.style.name if block.style is not None else "")
            if level is not None and block.text.strip():
                headings.append((level, block.text.strip()))
        title = document.core_properties.title or (headings[0][1] if headings else "")
        return Extracted(_blocks(parts), title.strip(), headings=tuple(headings))

    return _guard("DOCX", read)


def _docx_level(style: str) -> int | None:
    """A Word paragraph style's heading level: Title 0, Heading N N, others None."""
    if style.startswith("Title"):
        return 0
    level = style.removeprefix("Heading").strip()
    return int(level) if style.startswith("Heading") and level.isdigit() else None


def _docx_table(table) -> list[str]:
    """A Word table's rows, "head: cell; ...": the rows marked to repeat as header are
    the header, else the first row when there are more and the table's style does not
    say it has none (Word's own default)."""
    from docx.oxml.ns import qn

    rows, marked = [], 0
    for row in table.rows:
        cells: list[tuple[str, int, int]] = []
        last = None
        for cell in row.cells:  # a merged cell comes once per grid column it spans
            if cell._tc is last:
                cells[-1] = (cells[-1][0], cells[-1][1] + 1, 1)
            else:
                cells.append((cell.text, 1, 1))
            last = cell._tc
        rows.append(cells)
        properties = row._tr.trPr
        if marked == len(rows) - 1 and properties is not None:
            marked += properties.find(qn("w:tblHeader")) is not None
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    first_row = look is None or (
        look.get(qn("w:firstRow")) not in {"0", "false"}
        if look.get(qn("w:firstRow")) is not None
        else bool(int(look.get(qn("w:val"), "20"), 16) & 0x20)
    )
    header = marked or int(len(rows) > 1 and first_row)
    return table_lines(grid(rows), header)


def odt(raw: bytes) -> Extracted:
    """OpenDocument headings and paragraphs (odfpy), lists included and tables as rows
    that keep their header, in document order."""
    from odf import teletype
    from odf.namespaces import TABLENS, TEXTNS
    from odf.opendocument import load

    def read() -> Extracted:
        document = load(io.BytesIO(raw))
        parts, headings = [], []

        def walk(node) -> None:
            for child in node.childNodes:
                if child.qname == (TEXTNS, "h"):
                    level = _span(child.getAttrNS(TEXTNS, "outline-level"))
                    headings.append((level, teletype.extractText(child).strip()))
                if child.qname in {(TEXTNS, "h"), (TEXTNS, "p")}:
                    parts.append(teletype.extractText(child))
                elif child.qname == (TABLENS, "table"):
                    parts.extend(_odt_table(child))
                elif child.nodeType == child.ELEMENT_NODE:
                    walk(child)

        walk(document.text)
        meta = [str(t) for t in document.meta.childNodes if t.qname[1] == "title"]
        title = meta[0] if meta else next((h for _, h in headings if h), "")
        return Extracted(_blocks(parts), title.strip(), headings=tuple(headings))

    return _guard("ODT", read)


def _odt_table(table) -> list[str]:
    """An OpenDocument table's rows, "head: cell; ...": its header rows are the ones the
    file declares (``table:table-header-rows``); without them, cells joined by "; "."""
    from odf import teletype
    from odf.namespaces import TABLENS, TEXTNS

    rows: list[list[tuple[str, int, int]]] = []
    header = 0

    def number(node, name: str) -> int:
        return _span(node.getAttrNS(TABLENS, name))

    def paragraphs(node) -> list[str]:
        found = []
        for child in node.childNodes:
            if child.qname in {(TEXTNS, "h"), (TEXTNS, "p")}:
                found.append(teletype.extractText(child))
            elif child.nodeType == child.ELEMENT_NODE:
                found.extend(paragraphs(child))
        return found

    def walk(node, in_header: bool) -> None:
        nonlocal header
        for child in node.childNodes:
            if child.qname == (TABLENS, "table-row"):
                cells = []
                for cell in child.childNodes:
                    if cell.qname != (TABLENS, "table-cell"):
                        continue  # a covered cell: the cell spanning it stands for it
                    text = " ".join(paragraphs(cell))
                    spans = (number(cell, "number-columns-spanned"),
                             number(cell, "number-rows-spanned"))  # fmt: skip
                    cells.extend([(text, *spans)] * number(cell, "number-columns-repeated"))
                for _ in range(number(child, "number-rows-repeated")):
                    rows.append(cells)
                    if in_header and len(rows) == header + 1:  # leading header rows only
                        header += 1
            elif child.qname == (TABLENS, "table-header-rows"):
                walk(child, True)
            elif child.qname in {(TABLENS, "table-rows"), (TABLENS, "table-row-group")}:
                walk(child, in_header)

    walk(table, False)
    return table_lines(grid(rows), header)


def epub(raw: bytes) -> Extracted:
    """The book's chapters in reading (spine) order, each read as HTML (ebooklib)."""
    import ebooklib
    from ebooklib import epub as ebook

    def read() -> Extracted:
        book = ebook.read_epub(io.BytesIO(raw), options={"ignore_ncx": True})
        chapters, headings, ends, at = [], [], [], 0
        for idref, _ in book.spine:
            item = book.get_item_with_id(idref)
            if item is not None and item.get_type() == ebooklib.ITEM_DOCUMENT:
                chapter = html(item.get_content().decode("utf-8", "replace"))
                if chapter.text:  # chapters are joined by a blank line (_blocks)
                    chapters.append(chapter.text)
                    headings += chapter.headings
                    ends += [(at + offset, level) for offset, level in chapter.ends]
                    at += len(chapter.text) + 2
        titles = book.get_metadata("DC", "title")
        title = titles[0][0].strip() if titles else ""
        return Extracted(_blocks(chapters), title, headings=tuple(headings), ends=tuple(ends))

    return _guard("EPUB", read)


BINARY: dict[str, Callable[[bytes], Extracted]] = {
    ".pdf": pdf,
    ".docx": docx,
    ".odt": odt,
    ".epub": epub,
}
MARKUP: dict[str, Callable[[str], Extracted]] = {
    ".html": html,
    ".htm": html,
    ".rst": rst,
}
