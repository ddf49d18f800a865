"""Scanned PDFs: pages without a text layer are read by OCR (the ``ocr`` extra), offline,
page numbers kept; without the extra the skipped line says how to get it."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rag.errors import SkipFile
from rag.ingest import ocr
from rag.ingest.load import load
from tests.test_offline import NETWORK_GUARD

PAGES = [
    "The lighthouse at Port Ellen was painted red in 1932. Its keeper, Ian Campbell, "
    "kept a log of every ship that passed the point between April and October.",
    "The quince trees in the north orchard flower in late April. They are pruned in "
    "February, when the wood is dormant and the cuts heal before the sap rises.",
]


def scanned_pdf(folder: Path) -> tuple[Path, Path]:
    """A text PDF of PAGES, and the same pages rendered at 200 dpi as an image-only PDF."""
    import pypdfium2
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    folder.mkdir(parents=True, exist_ok=True)
    text_pdf = folder / "text.pdf"
    style = getSampleStyleSheet()["BodyText"]
    flow = [Paragraph(PAGES[0], style), PageBreak(), Paragraph(PAGES[1], style)]
    SimpleDocTemplate(str(text_pdf), pagesize=A4).build(flow)
    document = pypdfium2.PdfDocument(str(text_pdf))
    images = [document[i].render(scale=200 / 72).to_pil().convert("L") for i in range(2)]
    document.close()
    scan = folder / "scan" / "scan.pdf"
    scan.parent.mkdir()
    images[0].save(scan, save_all=True, append_images=images[1:], resolution=200)
    return text_pdf, scan


def error_rate(reference: str, read: str) -> float:
    """Character error rate: edit distance over the reference's length, spaces folded."""
    reference, read = " ".join(reference.split()), " ".join(read.split())
    previous = list(range(len(read) + 1))
    for i, a in enumerate(reference, 1):
        current = [i] + [0] * len(read)
        for j, b in enumerate(read, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
        previous = current
    return previous[-1] / max(len(reference), 1)


needs_ocr = pytest.mark.skipif(not ocr.available(), reason='needs pip install "rag[ocr]"')


@needs_ocr
def test_a_scanned_pdf_is_read_offline_with_its_pages(tmp_path):
    text_pdf, scan = scanned_pdf(tmp_path)
    script = NETWORK_GUARD + textwrap.dedent(
        """
        from pathlib import Path
        from rag.ingest.load import load
        notes = []
        document = load(Path(sys.argv[1]), note=notes.append)
        pages = [document.page_at(document.text.index(w)) for w in ("Port Ellen", "quince")]
        print(json.dumps({"attempts": attempts, "text": document.text, "pages": pages,
                          "notes": notes}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(scan)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["attempts"] == []
    assert out["pages"] == [1, 2]
    assert out["notes"] == ["OCR page 1 (1 of 2)", "OCR page 2 (2 of 2)"]
    assert error_rate(load(text_pdf).text, out["text"]) < 0.03


def test_without_the_extra_a_scan_is_skipped_with_the_install_command(tmp_path, monkeypatch):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(path))
    page.rect(72, 600, 200, 100, fill=1)  # a picture, no text layer
    page.save()
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(SkipFile, match=r'no text layer.*pip install "rag\[ocr\]"'):
        load(path)


def test_boxes_become_lines_and_paragraphs():
    def box(left: int, top: int, text: str) -> list:
        return [[[left, top], [left + 90, top], [left + 90, top + 20], [left, top + 20]], text, 0.9]

    found = [box(110, 52, "world."), box(10, 50, "Hello"), box(10, 75, "Next line."),
             box(10, 140, "New paragraph.")]  # fmt: skip
    assert ocr.lines(found) == "Hello world.\nNext line.\n\nNew paragraph."
