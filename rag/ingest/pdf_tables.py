"""Tables on a PDF page as rows that keep their header, like every other format's.

A PDF's text layer, read in content order, gives a table cell by cell ("code", "name",
"307", "temp"): no sentence says that 307 is "temp". pypdf's layout mode prints the page
as it looks, columns aligned by spaces, which shows the grid; a run of lines whose cells
start at the same columns is a table. Its cells are then looked for, in order and
separated only by white space, in the content-order text, and that span is replaced by
one line per row ("code: 307; name: temp."; the first row names the columns when it
holds no digit and the others do). Where they are not found in that order
(a page laid out in two columns of prose, a table drawn cell by cell out of order), or
where the text already has a row per line, it is left as it was: a table is only
rewritten when it is certain what it replaces and that its rows were lost.
"""

import re

from rag.ingest.markup import table_lines
from rag.thresholds import PDF_TABLE_ALIGN

_SHORT_LINES = re.compile(r"(?:^[^\n]{1,30}\n){6}", re.MULTILINE)  # a cell per line


def might_hold_table(text: str) -> bool:
    """Cheap test on the content-order text: six short lines in a row, as a table's cells
    come out. Only such pages are printed again in layout mode (which takes longer)."""
    return bool(_SHORT_LINES.search(text))


def with_rows(text: str, layout: str) -> str:
    """``text`` (content order) with each table found in ``layout`` as one line per row."""
    for rows in _tables(layout):
        cells = [cell for row in rows for cell in row]
        found = re.search(r"(\s+)".join(re.escape(cell) for cell in cells), text)
        if found and _cell_by_cell(found, rows):
            header = 1 if _is_header(rows) else 0
            lines = "\n".join(table_lines(rows, header))
            text = f"{text[: found.start()]}{lines}{text[found.end() :]}"
    return text


def _is_header(rows: list[list[str]]) -> bool:
    """The first row names the columns: it holds no digit where the rows under it do (a
    list of options or names, digits nowhere, reads as cells, not as "-v: -q")."""

    def digits(row: list[str]) -> bool:
        return any(ch.isdigit() for ch in "".join(row))

    return not digits(rows[0]) and any(digits(row) for row in rows[1:])


def _cell_by_cell(found: re.Match, rows: list[list[str]]) -> bool:
    """True when most cells of a row are on lines of their own in the content-order text,
    which is when the row is lost. A text layer that already has a row per line (as
    LaTeX's does) keeps it: a console listing or a list looks like a grid too."""
    gaps = list(found.groups())
    inside, i = [], 0
    for row in rows:
        inside += gaps[i : i + len(row) - 1]
        i += len(row)
    return sum("\n" in gap for gap in inside) * 2 > len(inside)


def _tables(layout: str) -> list[list[list[str]]]:
    """Runs of at least two consecutive lines with the same number (two or more) of
    cells, in the same columns."""
    tables: list[list[list[str]]] = []
    run: list[list[tuple[int, int, str]]] = []
    for line in [*layout.splitlines(), ""]:
        cells = _cells(line)
        if run and cells and _aligned(run[0], cells):
            run.append(cells)
            continue
        if len(run) >= 2:
            tables.append([[text for _, _, text in row] for row in run])
        run = [cells] if cells else []
    return tables


def _cells(line: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each cell of a layout line; none unless two or more."""
    cells = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", line)]
    return cells if len(cells) >= 2 else []


def _aligned(first: list[tuple[int, int, str]], cells: list[tuple[int, int, str]]) -> bool:
    """Same number of cells, each starting or ending where the first row's does."""
    return len(first) == len(cells) and all(
        abs(a[0] - b[0]) <= PDF_TABLE_ALIGN or abs(a[1] - b[1]) <= PDF_TABLE_ALIGN
        for a, b in zip(first, cells, strict=True)
    )
