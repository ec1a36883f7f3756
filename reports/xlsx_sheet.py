"""What the reader needs from an openpyxl worksheet, taken out once: values, merges, looks,
and which rows and columns the user hid.

Hidden rows and columns (decided with the users' habits in mind):
- A row the user hid is left out, with a warning naming sheet and row: in a municipal plan
  a hidden row is an old measure, last year's row or the template's example. Rows hidden
  by an active filter or inside a collapsed group are a way of looking at the plan, not of
  removing from it, so they are read like any other.
- A hidden column is read: a column is a property of every measure, hidden to print
  narrower or because a tertial has passed, and its cells still describe visible measures.
  Internal notes live in columns whose headers the importer does not read anyway
  ("Kommentar", "Intern anteckning"); where a hidden and a visible column mean the same
  field, the visible one wins (`reports.xlsx_layout`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.utils.cell import range_boundaries

from reports.xlsx_icons import icon_lights
from reports.xlsx_layout import HEADER_SCAN_COLS, Grid

# Guard against sheets whose used range was stretched by formatting to a million rows.
MAX_DATA_ROWS = 5000

# Bracketed parts ([$-41D], [Red]) and quoted text of a number format say nothing about
# which parts of a date it shows.
_FORMAT_NOISE = re.compile(r'\[[^\]]*\]|"[^"]*"|\\.')


def _month_only(value: dt.datetime, number_format: str | None) -> str | None:
    """ "2025-09" for a date shown as a month ("sep-25", "september 2025"), else None."""
    fmt = _FORMAT_NOISE.sub("", (number_format or "").lower())
    if "y" in fmt and "m" in fmt and "d" not in fmt:
        return f"{value.year:04d}-{value.month:02d}"
    return None


def _percent(value: float, number_format: str | None) -> str | None:
    """ "75 %" for 0.75 shown as a percentage (typed "75%" in Excel), with the decimals the
    format shows; else None. A "%" in quotes is text, not a percentage."""
    fmt = _FORMAT_NOISE.sub("", number_format or "")
    if "%" not in fmt:
        return None
    decimals = len(m.group(1)) if (m := re.search(r"\.(0+)", fmt)) else 0
    return f"{value * 100:.{decimals}f}".replace(".", ",") + " %"


@dataclass
class Merges:
    fill: Grid  # cells below the top of a vertical merge -> its value (same column)
    spans: Grid  # cells right of the top-left of a horizontal merge -> its value
    wide: set[tuple[int, int]]  # top-left cells of ranges across two or more columns


def _merges(ws: Any) -> Merges:
    fill: Grid = {}
    spans: Grid = {}
    wide: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        value = ws.cell(row=rng.min_row, column=rng.min_col).value
        if rng.max_col > rng.min_col:
            wide.add((rng.min_row, rng.min_col))
            for c in range(rng.min_col + 1, rng.max_col + 1):
                spans[(rng.min_row, c)] = value
        if rng.max_row > rng.min_row and value is not None:
            for r in range(rng.min_row + 1, rng.max_row + 1):
                fill[(r, rng.min_col)] = value
    return Merges(fill=fill, spans=spans, wide=wide)


def _filtered_rows(ws: Any) -> set[int]:
    """Rows under an autofilter (of the sheet or of an Excel table) that filters something."""
    rows: set[int] = set()
    filters = [ws.auto_filter, *(t.autoFilter for t in ws.tables.values() if t.autoFilter)]
    for flt in filters:
        if flt is None or not flt.ref or not flt.filterColumn:
            continue
        _, min_row, _, max_row = range_boundaries(flt.ref)
        rows.update(range(min_row, max_row + 1))
    return rows


def _hidden_rows(ws: Any) -> set[int]:
    filtered = _filtered_rows(ws)
    return {
        r
        for r, dim in ws.row_dimensions.items()
        if dim.hidden and not dim.outlineLevel and r not in filtered
    }


def _hidden_cols(ws: Any) -> set[int]:
    cols: set[int] = set()
    for dim in ws.column_dimensions.values():
        if dim.hidden and dim.min:
            cols.update(range(dim.min, (dim.max or dim.min) + 1))
    return cols


@dataclass
class SheetFacts:
    """One worksheet's values and shapes, keyed by 1-based (row, column)."""

    ws: Any
    grid: Grid
    max_row: int
    max_col: int
    merges: Merges
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    # Cells whose traffic light a conditional format's icon set draws ("Grön").
    lights: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.ws.title)

    def is_italic(self, r: int, c: int) -> bool:
        font = getattr(self.ws.cell(row=r, column=c), "font", None)
        return bool(font is not None and font.i)

    def fill_rgb(self, r: int, c: int) -> str | None:
        """The cell's solid background as "RRGGBB" (an explicit or a palette colour), else
        None. Theme colours are left out: their shade depends on the workbook's theme."""
        fill = getattr(self.ws.cell(row=r, column=c), "fill", None)
        if fill is None or fill.fill_type != "solid":
            return None
        color = getattr(fill, "fgColor", None)
        kind = getattr(color, "type", None)
        if kind == "rgb" and isinstance(color.rgb, str):
            return color.rgb[-6:].upper()
        index = getattr(color, "indexed", None)
        if kind == "indexed" and isinstance(index, int) and 0 <= index < len(COLOR_INDEX):
            return COLOR_INDEX[index][-6:].upper()
        return None

    def is_emphasised(self, r: int, c: int) -> bool:
        """A heading's look: merged across columns, bold, or a coloured background."""
        if (r, c) in self.merges.wide:
            return True
        cell = self.ws.cell(row=r, column=c)
        font = getattr(cell, "font", None)
        if font is not None and font.b:
            return True
        fill = getattr(cell, "fill", None)
        if fill is None or fill.fill_type != "solid":
            return False
        # White "fills" hide the gridlines of whole sheets; they are no emphasis.
        color = getattr(fill, "fgColor", None)
        rgb = getattr(color, "rgb", None)
        theme = getattr(color, "theme", None)
        return not (isinstance(rgb, str) and rgb.upper().endswith("FFFFFF")) and theme != 0


def sheet_facts(ws: Any) -> SheetFacts:
    """Values of the sheet's top-left block; a date shown as a month becomes "2025-09", a
    percentage "75 %"."""
    max_row = min(ws.max_row or 0, MAX_DATA_ROWS)
    max_col = min(ws.max_column or 0, HEADER_SCAN_COLS)
    grid: Grid = {}
    for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
        for cell in row:
            value = cell.value
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                value = _month_only(value, cell.number_format) or value
            elif isinstance(value, int | float) and not isinstance(value, bool):
                value = _percent(value, cell.number_format) or value
            grid[(cell.row, cell.column)] = value
    return SheetFacts(
        ws=ws,
        grid=grid,
        max_row=max_row,
        max_col=max_col,
        merges=_merges(ws),
        hidden_rows=_hidden_rows(ws),
        hidden_cols=_hidden_cols(ws),
        lights=icon_lights(ws, grid),
    )
