"""Small documents in the formats people keep, written with each format's own library."""

from pathlib import Path

FACTS = {  # file name: (title, a heading, the sentence a question should find)
    "harbour.docx": (
        "Harbour report",
        "The lighthouse",
        "The lighthouse at Port Ellen was painted red in 1932.",
    ),
    "orchard.odt": (
        "Orchard notes",
        "Flowering",
        "The quince trees in the north orchard flower in late April.",
    ),
    "glass.epub": (
        "The Glassblower",
        "Chapter one",
        "Marta blew her first glass bottle at the age of eleven.",
    ),
    "station.rst": (
        "Station log",
        "Winter storms",
        "The weather station on Skye recorded a gust of 98 knots.",
    ),
}
FILLER = "Other matters were discussed at length, and nothing else was decided that day."


def docx(path: Path, title: str, heading: str, fact: str) -> None:
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading(title, level=0)
    document.add_heading(heading, level=1)
    document.add_paragraph(fact)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Keeper", "Ian Campbell"
    document.add_paragraph(FILLER)
    document.save(path)


def odt(path: Path, title: str, heading: str, fact: str) -> None:
    from odf import dc
    from odf.opendocument import OpenDocumentText
    from odf.text import H, List, ListItem, P

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text=title))
    document.text.addElement(H(outlinelevel=1, text=heading))
    document.text.addElement(P(text=fact))
    items = List()
    item = ListItem()
    item.addElement(P(text="Prune in February."))
    items.addElement(item)
    document.text.addElement(items)
    document.text.addElement(P(text=FILLER))
    document.save(str(path))


def epub(path: Path, title: str, heading: str, fact: str) -> None:
    from ebooklib import epub as ebook

    book = ebook.EpubBook()
    book.set_identifier("sample-glass")
    book.set_title(title)
    book.set_language("en")
    chapter = ebook.EpubHtml(title=heading, file_name="one.xhtml", lang="en")
    chapter.content = f"<h1>{heading}</h1><p>{fact}</p><p>{FILLER}</p>"
    book.add_item(chapter)
    book.toc = [chapter]
    book.spine = [chapter]
    book.add_item(ebook.EpubNcx())
    book.add_item(ebook.EpubNav())
    ebook.write_epub(str(path), book)


def rst(path: Path, title: str, heading: str, fact: str) -> None:
    path.write_text(
        f"{'=' * len(title)}\n{title}\n{'=' * len(title)}\n\n{heading}\n{'-' * len(heading)}\n\n"
        f"{fact.replace('98 knots', '**98 knots**')}\n\n.. note:: {FILLER}\n\n"
        ".. include:: /etc/passwd\n",
        encoding="utf-8",
    )


WRITERS = {".docx": docx, ".odt": odt, ".epub": epub, ".rst": rst}


def write_all(folder: Path) -> dict[Path, tuple[str, str, str]]:
    """One file per format in ``folder``; returns each path with its facts."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for name, facts in FACTS.items():
        path = folder / name
        WRITERS[path.suffix](path, *facts)
        made[path] = facts
    return made
