"""The plan as an Excel workbook in the city's template layout, with the period's follow-up.

One sheet per priority area (header row headed by the area's name, the template's italic
instruction row, one row per measure, Uppföljning filled in and coloured by verdict), and a
"Sammanställning" sheet with counts computed from the data. The file re-imports through
reports.xlsx_reader into the same plan with nothing changed. Output is byte-identical for
the same snapshot (fixed document dates and zip timestamps).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.export_texts import (
    STANDING_HEADERS,
    SUMMARY_HEADERS,
    SUMMARY_SHEET,
    TEMPLATE_HEADERS,
    TEMPLATE_INSTRUCTIONS,
    TOTAL_LABEL,
    added_later_note,
    follow_up_cell,
    scope_note,
    snapshot_heading,
)
from reports.snapshot import STANDINGS, VERDICTS, AreaSnapshot, MeasureRow, PlanSnapshot

__all__ = ["VERDICT_FILLS", "area_sheet_title", "write_xlsx"]

# Excel's own Good / Neutral / Bad cell styles (fill, dark text of the same hue): the
# pairs have a contrast of at least 4.5:1, and the verdict is also written in the text.
VERDICT_FILLS: dict[str, tuple[str, str]] = {
    "uppfyllt": ("C6EFCE", "006100"),
    "delvis": ("FFEB9C", "9C5700"),
    "pagaende": ("FFEB9C", "9C5700"),
    "ej_uppfyllt": ("FFC7CE", "9C0006"),
    "ej_bedomd": ("F2F2F2", "000000"),
}
_WIDTHS = (32, 42, 50, 42, 20, 34, 60)  # A..G
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_BOLD = Font(bold=True)
_ITALIC = Font(italic=True, color="595959")
_HEADER_STYLE = "Åtgärdsplan rubrik"
_INSTRUCTION_STYLE = "Åtgärdsplan instruktion"
_TEXT_STYLE = "Åtgärdsplan text"
_LINE_HEIGHT = 15.0  # points per text line at the default 11 pt font
_MAX_ROW_HEIGHT = 409.0  # Excel's limit
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_MAX_SHEET_TITLE = 31


def area_sheet_title(number: int, name: str) -> str:
    """ "1. Unga i riskzon för destrukti" (Excel: no []:*?/\\, no apostrophe at either end,
    at most 31 characters counted as UTF-16 units, so an emoji takes two)."""
    clean = re.sub(r"\s+", " ", _BAD_SHEET_CHARS.sub("", name)).strip().strip("'")
    title = f"{number}. {clean}"
    while len(title.encode("utf-16-le")) > 2 * _MAX_SHEET_TITLE:
        title = title[:-1]
    # Cutting can leave an apostrophe (or a space before one) last, which Excel refuses.
    return title.rstrip("' ")


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _put(ws: Worksheet, row: int, column: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _text(value)
        # openpyxl turns "=…" into a formula; plan texts are never formulas.
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _row_height(texts: list[str | None]) -> float:
    lines = 1
    for text, width in zip(texts, _WIDTHS, strict=False):
        if not text:
            continue
        per_line = max(int(width * 1.1), 10)
        n = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
        lines = max(lines, n)
    return min(_MAX_ROW_HEIGHT, lines * _LINE_HEIGHT)


def _measure_values(row: MeasureRow) -> list[str | None]:
    fu = row.follow_up
    return [
        row.problem,
        row.cause,
        row.description,
        row.goal,
        row.when_text,
        row.responsible_text,
        follow_up_cell(fu.verdict, fu.text) if fu else None,
    ]


def _add_styles(wb: Workbook) -> None:
    """Named cell styles: set once, then assigned by name (much faster than per-cell styling)."""

    def style(name: str, font: Font, fill: PatternFill | None = None) -> None:
        ns = NamedStyle(name=name, font=font, alignment=_WRAP_TOP, border=_BORDER)
        if fill is not None:
            ns.fill = fill
        wb.add_named_style(ns)

    style(_HEADER_STYLE, _BOLD, _HEADER_FILL)
    style(_INSTRUCTION_STYLE, _ITALIC)
    style(_TEXT_STYLE, Font())
    for verdict, (fill, ink) in VERDICT_FILLS.items():
        style(_verdict_style(verdict), Font(color=ink), PatternFill("solid", fgColor=fill))


def _verdict_style(verdict: str) -> str:
    return f"Uppföljning {verdict}"


def _print_header(ws: Worksheet, snap: PlanSnapshot) -> None:
    """Title and status day on every printed page: an area sheet printed or saved as PDF
    alone still says what it is, and a preliminary one that it is preliminary. The
    template's rows stay as they are (the file re-imports)."""
    ws.oddHeader.center.text = f"{snap.title} – {snapshot_heading(snap)}".replace("&", "&&")
    ws.oddHeader.center.size = 10
    ws.evenHeader.center.text = ws.oddHeader.center.text


def _area_sheet(wb: Workbook, snap: PlanSnapshot, area: AreaSnapshot) -> None:
    ws = wb.create_sheet(area_sheet_title(area.number, area.name))
    _print_header(ws, snap)
    for c, value in enumerate((area.name, *TEMPLATE_HEADERS), start=1):
        _put(ws, 1, c, value).style = _HEADER_STYLE
    for c, value in enumerate(TEMPLATE_INSTRUCTIONS, start=1):
        _put(ws, 2, c, value).style = _INSTRUCTION_STYLE
    ws.row_dimensions[2].height = _row_height(list(TEMPLATE_INSTRUCTIONS))
    for r, measure in enumerate(area.measures, start=3):
        values = _measure_values(measure)
        for c, value in enumerate(values, start=1):
            _put(ws, r, c, value).style = _TEXT_STYLE
        if measure.follow_up is not None:
            verdict = measure.verdict if measure.verdict in VERDICT_FILLS else "ej_bedomd"
            ws.cell(row=r, column=7).style = _verdict_style(verdict)
        ws.row_dimensions[r].height = _row_height(values)
    for c, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _table(ws: Worksheet, top: int, headers: tuple[str, ...], rows: list[list[Any]]) -> int:
    for c, value in enumerate(headers, start=1):
        _put(ws, top, c, value).style = _HEADER_STYLE
    for r, values in enumerate(rows, start=top + 1):
        last = r == top + len(rows)
        for c, value in enumerate(values, start=1):
            cell = _put(ws, r, c, value)
            cell.style = _TEXT_STYLE
            if last:
                cell.font = _BOLD
    return top + len(rows) + 1


def _summary_sheet(wb: Workbook, snap: PlanSnapshot) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = SUMMARY_SHEET
    _print_header(ws, snap)
    # The importer reads title, year and district from a cell starting "Åtgärdsplan".
    _put(ws, 1, 1, snap.title).font = Font(bold=True, size=14)
    _put(ws, 2, 1, snapshot_heading(snap)).font = _BOLD
    _put(
        ws,
        3,
        1,
        f"{scope_note(snap)} Antalen räknas från planens rader.",
    ).font = _ITALIC
    note = added_later_note(snap)
    if note:
        _put(ws, 4, 1, note).font = _ITALIC
    counts: list[list[Any]] = [
        [a.name, a.problems, a.causes, a.measure_count, *(a.verdicts[v] for v in VERDICTS)]
        for a in snap.areas
    ]
    counts.append(
        [
            TOTAL_LABEL,
            sum(a.problems for a in snap.areas),
            sum(a.causes for a in snap.areas),
            snap.measure_count,
            *(snap.verdicts[v] for v in VERDICTS),
        ]
    )
    below = _table(ws, 5, SUMMARY_HEADERS, counts)
    standing: list[list[Any]] = [[a.name, *(a.standings[s] for s in STANDINGS)] for a in snap.areas]
    standing.append([TOTAL_LABEL, *(snap.standings[s] for s in STANDINGS)])
    _put(ws, below + 1, 1, "Läge per område (rytm, takt och bedömning)").font = _BOLD
    _table(ws, below + 2, STANDING_HEADERS, standing)
    ws.column_dimensions["A"].width = 44
    for c in range(2, len(SUMMARY_HEADERS) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 14
    ws.freeze_panes = "A6"
    ws.page_setup.orientation = "landscape"


def _deterministic(data: bytes, stamp: datetime) -> bytes:
    """Same snapshot, same bytes: fixed document dates and zip entry times."""
    iso = stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATES.sub(lambda m: m.group(1) + iso + m.group(3), body)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, body)
    return out.getvalue()


def write_xlsx(snap: PlanSnapshot) -> bytes:
    """The snapshot as .xlsx bytes."""
    wb = Workbook()
    wb.properties.title = f"{snap.title} – {snapshot_heading(snap)}"
    wb.properties.creator = "Åtgärdsbot"
    wb.properties.language = "sv-SE"
    _add_styles(wb)
    _summary_sheet(wb, snap)
    for area in snap.areas:
        _area_sheet(wb, snap, area)
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic(buf.getvalue(), snap.as_of)
