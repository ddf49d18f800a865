"""Files -> documents: plain text of txt, md, html and pdf, with content hashes and pages.

Each loader returns the exact text that chunks and citations index into, so a
citation's ``start:end`` always slices the same string that was embedded.
"""

import bisect
import hashlib
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}


class SkipFile(Exception):
    """This file cannot be ingested; the message is the one-line reason shown to the user."""


@dataclass(frozen=True)
class Document:
    """One source file as text. ``page_starts`` maps PDF pages to offsets in ``text``."""

    source: str
    title: str
    text: str
    sha256: str
    size: int
    encoding: str = "utf-8"
    page_starts: tuple[int, ...] = ()

    def page_at(self, offset: int) -> int | None:
        """The 1-based PDF page holding ``offset``, or None for non-paged formats."""
        if not self.page_starts:
            return None
        return max(bisect.bisect_right(self.page_starts, offset), 1)


def find_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and folders into supported files; also return (path, reason) skips.

    Folders are walked recursively, hidden entries are ignored and symlinked folders
    are not followed (which also rules out symlink loops).
    """
    found: dict[Path, None] = {}
    skipped: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(_walk(path, skipped)):
                if child.suffix.lower() in SUPPORTED:
                    found[child.resolve()] = None
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED:
                found[path.resolve()] = None
            else:
                skipped.append((str(path), f"unsupported file type {path.suffix or '(none)'}"))
        else:
            skipped.append((str(path), "no such file or folder"))
    return list(found), skipped


def _walk(folder: Path, skipped: list[tuple[str, str]]) -> Iterator[Path]:
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        skipped.append((str(folder), f"cannot list folder: {exc.strerror or exc}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if not entry.is_symlink():
                yield from _walk(entry, skipped)
        elif entry.is_file():
            yield entry


def load(path: Path, max_mb: float = 0) -> Document:
    """Read one file into a Document, or raise SkipFile with the reason.

    ``max_mb`` (0: no limit) keeps one huge file from holding an ingest for hours.
    """
    try:
        size = path.stat().st_size
        if max_mb and size > max_mb * 1e6:
            raise SkipFile(
                f"too large ({size / 1e6:.0f} MB > {max_mb:g} MB; raise RAG_MAX_FILE_MB to include)"
            )
        raw = path.read_bytes()
    except PermissionError:
        raise SkipFile("permission denied") from None
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    digest = hashlib.sha256(raw).hexdigest()
    if suffix == ".pdf":
        text, title, pages = _pdf(raw)
        encoding = "pdf"
    else:
        text, encoding = _decode(raw)
        pages = ()
        if suffix in {".html", ".htm"}:
            text, title = _html(text)
        else:
            title = _first_heading(text)
    if not text.strip():
        raise SkipFile("no text")
    return Document(
        source=str(path),
        title=title or path.stem,
        text=text,
        sha256=digest,
        size=len(raw),
        encoding=encoding,
        page_starts=pages,
    )


def _decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 when it is valid, else cp1252 (the common legacy case), which is said."""
    if b"\x00" in raw[:8192]:
        raise SkipFile("binary file (NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _first_heading(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return ""


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


def _html(markup: str) -> tuple[str, str]:
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text, html.unescape(parser.title).strip()


def _pdf(raw: bytes) -> tuple[str, str, tuple[int, ...]]:
    """Text layer of each page, joined by blank lines; page start offsets kept."""
    import io

    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SkipFile("encrypted PDF (needs a password)")
        texts = [(page.extract_text() or "").strip() for page in reader.pages]
        meta = reader.metadata
        title = str(meta.title).strip() if meta and meta.title else ""
    except SkipFile:
        raise
    except Exception as exc:  # pypdf raises many exception types on corrupt input
        raise SkipFile(f"malformed PDF ({type(exc).__name__})") from None
    if not any(texts):
        raise SkipFile("PDF has no text layer (scanned image?)")
    starts: list[int] = []
    text = ""
    for i, page_text in enumerate(texts):
        if i:
            text += "\n\n"
        starts.append(len(text))
        text += page_text
    return text, title, tuple(starts)
