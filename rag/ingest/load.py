"""Files -> documents: the text of each supported file, with content hashes and pages.

Each loader returns the exact text that chunks and citations index into, so a
citation's ``start:end`` always slices the same string that was embedded.
"""

import bisect
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rag.errors import SkipFile
from rag.ingest import formats, headings, markup, ocr
from rag.ingest.headings import Sections

SUPPORTED = {".txt", ".md", ".markdown", *formats.BINARY, *formats.MARKUP}


@dataclass(frozen=True)
class Document:
    """One source file as text. ``page_starts`` maps PDF pages to offsets in ``text``;
    ``sections`` gives the heading path at any offset."""

    source: str
    title: str
    text: str
    sha256: str
    size: int
    encoding: str = "utf-8"
    page_starts: tuple[int, ...] = ()
    sections: Sections = Sections()

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


def load(path: Path, max_mb: float = 0, note: ocr.Note | None = None) -> Document:
    """Read one file into a Document, or raise SkipFile with the reason.

    ``max_mb`` (0: no limit) keeps one huge file from holding an ingest for hours;
    ``note`` hears progress within a file (OCR, page by page).
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
    is_markdown = suffix in {".md", ".markdown"}
    if suffix == ".pdf":
        got, encoding = formats.pdf(raw, note), "pdf"
    elif suffix in formats.BINARY:
        got, encoding = formats.BINARY[suffix](raw), suffix[1:]
    else:
        text, encoding = _decode(raw)
        reader = formats.MARKUP.get(suffix)
        if reader:
            got = reader(text)
        else:
            title = ""
            if is_markdown:  # MkDocs / Material / GitHub Markdown
                text, title = markup.markdown(text, lambda block: formats.html(block).text)
            got = formats.Extracted(text, title or _first_heading(text))
    if not got.text.strip():
        raise SkipFile("no text")
    title = got.title or path.stem
    if is_markdown:
        sections = headings.markdown(got.text, title)
    elif suffix == ".txt":  # headings only by layout
        sections = headings.plain(got.text, title)
    else:
        sections = headings.locate(got.text, list(got.headings), title, got.ends)
    return Document(
        source=str(path),
        title=title,
        text=got.text,
        sha256=digest,
        size=len(raw),
        encoding=encoding,
        page_starts=got.page_starts,
        sections=sections,
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
