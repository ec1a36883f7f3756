"""Cells of measure rows whose text the file does not hold: formulas saved without their
result (by a program, not by Excel or LibreOffice) and formulas that failed (#N/A, #REF!).
Both read as empty cells; the warnings name them so the user can mend the file.

Only cells a measure row takes its text from count: a total row's =COUNTA(…) or a broken
lookup in a column the importer leaves out loses nothing.
"""

from __future__ import annotations

from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter

from models.personal_data import mask
from reports.xlsx_layout import Header
from reports.xlsx_rows import Block
from reports.xlsx_sheet import SheetFacts
from reports.xlsx_text import excel_error


def _read_cells(header: Header, blocks: list[Block]) -> tuple[set[int], set[int]]:
    """The rows read as measures and the columns they take text from."""
    columns = {*header.columns.values()}
    for more in (*header.multi.values(), *header.extra.values()):
        columns.update(more)
    return {row.row for block in blocks for row in block.rows}, columns - header.ignored


def _listed(cells: list[str]) -> str:
    named = cells[:5] + ([f"{len(cells) - 5} celler till"] if len(cells) > 5 else [])
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " och " + named[-1]


def lost_cell_warnings(
    facts: SheetFacts, header: Header, blocks: list[Block], uncached: list[str]
) -> list[str]:
    """Swedish warnings naming the measure cells that read as empty because of a formula."""
    rows, columns = _read_cells(header, blocks)
    sheet = mask(facts.title)
    warnings: list[str] = []
    lost = []
    for ref in uncached:
        row, col = coordinate_to_tuple(ref)
        if row in rows and col in columns:
            lost.append(ref)
    if lost:
        what = (
            f"formeln i {_listed(lost)} är sparad utan sitt resultat och lästes som en tom cell"
            if len(lost) == 1
            else f"formlerna i {_listed(lost)} är sparade utan sitt resultat och lästes som "
            "tomma celler"
        )
        warnings.append(
            f"Flik ”{sheet}”: {what} (filen är inte sparad i Excel eller LibreOffice). "
            "Öppna filen i Excel eller LibreOffice, spara den och läs in den igen."
        )
    failed = sorted(
        (r, c, error)
        for (r, c), value in facts.grid.items()
        if r in rows and c in columns and (error := excel_error(value))
    )
    if failed:
        cells = [f"{get_column_letter(c)}{r}" for r, c, _ in failed]
        errors = ", ".join(dict.fromkeys(error for *_, error in failed))
        warnings.append(
            f"Flik ”{sheet}”: {_listed(cells)} visar ett formelfel ({errors}) och lästes som "
            f"{'en tom cell' if len(cells) == 1 else 'tomma celler'}. Rätta "
            f"{'formeln' if len(cells) == 1 else 'formlerna'} i Excel och läs in filen igen."
        )
    return warnings
