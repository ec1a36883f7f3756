"""A plan written with its headers down a column instead of along a row.

Some plans are one card per measure ("Åtgärd:", "Ansvarig:", "När:" down column A and
the texts beside them) or a table turned on its side (a column per measure). The reader
takes a row per measure below a header row; such a workbook has no header row, and the
user is told what the file looks like and what the bot needs, rather than only that no
plan was found.
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils.cell import get_column_letter

from models.personal_data import mask
from reports.xlsx_text import cell_text
from reports.xlsx_vocabulary import match_header

_SCAN_ROWS = 40
_SCAN_COLS = 10
# Fields whose headers down one column make it a plan's, with the measure's.
_FIELDS = frozenset({"area", "problem", "cause", "goal", "when", "responsible", "follow_up"})


def vertical_headers(wb: Any) -> tuple[str, str, list[str]] | None:
    """(sheet, column letter, the headers as written) of the first sheet whose headers
    run down a column: the measure's and at least two other fields'; None without."""
    for ws in wb.worksheets:
        if not hasattr(ws, "iter_rows"):
            continue
        found: dict[int, list[tuple[str, str]]] = {}
        rows = ws.iter_rows(max_row=_SCAN_ROWS, max_col=_SCAN_COLS, values_only=True)
        for row in rows:
            for c, value in enumerate(row, start=1):
                text = cell_text(value)
                if text and len(text) <= 40 and (match := match_header(text, exact=True)):
                    found.setdefault(c, []).append((match[0], text.strip().rstrip(":")))
        for c, cells in sorted(found.items()):
            fields = {f for f, _ in cells}
            if "measure" in fields and len(fields & _FIELDS) >= 2:
                return ws.title, get_column_letter(c), [t for _, t in cells]
    return None


def vertical_headers_hint(wb: Any) -> str:
    """The sentence to add to "no plan found" when the headers run down a column."""
    found = vertical_headers(wb)
    if found is None:
        return ""
    sheet, column, names = found
    listed = ", ".join(names[:4])
    return mask(
        f" På fliken ”{sheet}” står rubrikerna under varandra i kolumn {column} ({listed}). "
        "Planen behöver en rad per åtgärd, med rubrikerna på en rad överst (Åtgärd, Orsak, "
        "När, Vem …), som i mallen."
    )
