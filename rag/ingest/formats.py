"""Text out of each file format, as the exact string that chunks and citations index.

txt and md are read as they are (rag/ingest/load.py); every other format is turned into plain
text here, headings kept as paragraphs of their own and blank lines between blocks,
so that a citation's ``start:end`` slices what a reader of the file sees. Each reader
is the well-kept library for its format; a file it cannot read raises SkipFile with
the reason.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from rag.errors import SkipFile


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str = ""
    page_starts: tuple[int, ...] = ()  # PDF only: where each page starts in ``text``


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


class _HTMLText(HTMLParser):
    """Visible text of an HTML page; the stdlib parser is enough for text extraction."""

    _SKIP = {"script", "style", "noscript", "template", "head"}
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
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def html(markup: str) -> Extracted:
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return Extracted(text, unescape(parser.title).strip())


def rst(source: str) -> Extracted:
    """reStructuredText rendered by docutils, then read as HTML: markup gone, sections
    kept. File inclusion and raw passthrough are off: a document cannot pull in others."""
    from docutils.core import publish_parts

    overrides = {
        "report_level": 5,  # quiet: a markup slip is not the user's ingest problem
        "halt_level": 5,
        "file_insertion_enabled": False,
        "raw_enabled": False,
        "input_encoding": "unicode",
    }

    def read() -> Extracted:
        parts = publish_parts(source, writer="html5", settings_overrides=overrides)
        body = html(parts["html_title"] + parts["html_subtitle"] + parts["body"]).text
        return Extracted(body, unescape(re.sub(r"<[^>]+>", "", parts["title"])).strip())

    return _guard("reStructuredText", read)


def pdf(raw: bytes) -> Extracted:
    """Text layer of each page, joined by blank lines; page start offsets kept."""
    from pypdf import PdfReader

    def read() -> Extracted:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SkipFile("encrypted PDF (needs a password)")
        texts = [(page.extract_text() or "").strip() for page in reader.pages]
        meta = reader.metadata
        title = str(meta.title).strip() if meta and meta.title else ""
        if not any(texts):
            raise SkipFile("PDF has no text layer (scanned image?)")
        starts: list[int] = []
        text = ""
        for i, page_text in enumerate(texts):
            if i:
                text += "\n\n"
            starts.append(len(text))
            text += page_text
        return Extracted(text, title, tuple(starts))

    return _guard("PDF", read)


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
                for row in block.rows:
                    cells = [c.text.strip() for c in row.cells]
                    parts.append(" | ".join(dict.fromkeys(c for c in cells if c)))
                continue
            parts.append(block.text)
            style = block.style.name if block.style is not None else ""
            if style.startswith(("Title", "Heading")) and block.text.strip():
                headings.append(block.text.strip())
        title = document.core_properties.title or (headings[0] if headings else "")
        return Extracted(_blocks(parts), title.strip())

    return _guard("DOCX", read)


def odt(raw: bytes) -> Extracted:
    """OpenDocument headings and paragraphs (odfpy), lists and table cells included,
    in document order."""
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    def read() -> Extracted:
        document = load(io.BytesIO(raw))
        parts, headings = [], []

        def walk(node) -> None:
            for child in node.childNodes:
                if child.qname == (TEXTNS, "h"):
                    headings.append(teletype.extractText(child).strip())
                if child.qname in {(TEXTNS, "h"), (TEXTNS, "p")}:
                    parts.append(teletype.extractText(child))
                elif child.nodeType == child.ELEMENT_NODE:
                    walk(child)

        walk(document.text)
        meta = [str(t) for t in document.meta.childNodes if t.qname[1] == "title"]
        title = meta[0] if meta else next((h for h in headings if h), "")
        return Extracted(_blocks(parts), title.strip())

    return _guard("ODT", read)


def epub(raw: bytes) -> Extracted:
    """The book's chapters in reading (spine) order, each read as HTML (ebooklib)."""
    import ebooklib
    from ebooklib import epub as ebook

    def read() -> Extracted:
        book = ebook.read_epub(io.BytesIO(raw), options={"ignore_ncx": True})
        chapters = []
        for idref, _ in book.spine:
            item = book.get_item_with_id(idref)
            if item is not None and item.get_type() == ebooklib.ITEM_DOCUMENT:
                chapters.append(html(item.get_content().decode("utf-8", "replace")).text)
        titles = book.get_metadata("DC", "title")
        return Extracted(_blocks(chapters), titles[0][0].strip() if titles else "")

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
