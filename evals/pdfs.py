"""A folder of text documents rendered as PDFs, to measure the PDF path on outside data.

``python -m rag_evals.pdfs SRC OUT`` (needs reportlab, a test extra): each ``.txt`` file
becomes a PDF of the same stem, its first line as the title and every other line a
paragraph that reportlab wraps to the page. Read back by pypdf, as `rag ingest` reads
any PDF, the text layer breaks every paragraph into lines of about 100 characters, so
`rag eval` on OUT with the source's questions shows what wrapped text does to answers
(docs/results.md: squad2-open as PDF).
"""

import sys
from pathlib import Path
from xml.sax.saxutils import escape


def render(src: Path, out: Path) -> int:
    """Write ``out/<stem>.pdf`` for each ``src/*.txt``; returns how many."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    out.mkdir(parents=True, exist_ok=True)
    files = sorted(src.glob("*.txt"))
    for path in files:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        flow = [
            Paragraph(escape(line), styles["Title" if i == 0 else "BodyText"])
            for i, line in enumerate(lines)
        ]
        SimpleDocTemplate(str(out / f"{path.stem}.pdf"), pagesize=A4).build(flow)
    return len(files)


if __name__ == "__main__":
    print(f"wrote {render(Path(sys.argv[1]), Path(sys.argv[2]))} PDFs to {sys.argv[2]}")
