"""Text of scanned PDF pages, read by OCR, when the ``ocr`` extra is installed.

RapidOCR (``rapidocr``) carries its detection and recognition models (PP-OCRv6 small)
inside its wheel and runs them on onnxruntime, which the install already has, so reading
a scan never reaches the network; pypdfium2 renders the page. Both come with
``pip install "rag[ocr]"``; without them a page with no text layer stays empty and a
PDF with none at all is skipped with that command in its reason. Costs and accuracy:
docs/documents.md.
"""

from collections.abc import Callable
from functools import lru_cache

from rag.thresholds import OCR_DPI, OCR_PARAGRAPH_GAP

Note = Callable[[str], None]  # a progress line, e.g. "OCR page 3 of 12"
INSTALL = 'pip install "rag[ocr]"'


def available() -> bool:
    try:
        import pypdfium2  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _engine():
    from rapidocr import RapidOCR

    # No per-line orientation classifier: on upright scans it turned a line in ten
    # upside down, which then read as noise (docs/documents.md).
    return RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False})


def read_pages(raw: bytes, pages: list[int], note: Note | None = None) -> dict[int, str]:
    """The OCR text of each 0-based page in ``pages`` of the PDF ``raw``."""
    import pypdfium2

    document = pypdfium2.PdfDocument(raw)
    try:
        out = {}
        for done, index in enumerate(pages):
            if note:
                note(f"OCR page {index + 1} ({done + 1} of {len(pages)})")
            image = document[index].render(scale=OCR_DPI / 72).to_pil()
            found = _engine()(image)
            boxes = found.boxes if found.boxes is not None else []
            out[index] = lines(list(zip(boxes, found.txts or (), found.scores or (), strict=True)))
        return out
    finally:
        document.close()


def lines(found: list) -> str:
    """RapidOCR's boxes ``[corners, text, score]`` as lines of text in reading order,
    boxes on one line joined by spaces, a blank line where the gap between two lines is
    wider than OCR_PARAGRAPH_GAP line heights (a new paragraph)."""
    boxes = []
    for corners, text, _ in found:
        ys = [y for _, y in corners]
        boxes.append((min(ys), max(ys), min(x for x, _ in corners), text.strip()))
    boxes.sort()
    rows: list[list[tuple[float, float, float, str]]] = []
    for box in boxes:
        if rows:
            top, bottom = rows[-1][0][0], rows[-1][0][1]
            middle = (box[0] + box[1]) / 2
            if top <= middle <= bottom:  # beside the line before, not under it
                rows[-1].append(box)
                continue
        rows.append([box])
    text, last_bottom = "", None
    for row in rows:
        height = max(b[1] for b in row) - min(b[0] for b in row)
        if last_bottom is not None:
            gap = min(b[0] for b in row) - last_bottom
            text += "\n\n" if gap > OCR_PARAGRAPH_GAP * height else "\n"
        text += " ".join(t for *_, t in sorted(row, key=lambda b: b[2]) if t)
        last_bottom = max(b[1] for b in row)
    return text
