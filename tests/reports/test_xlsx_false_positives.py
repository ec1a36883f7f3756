"""Measure rows that look like what the reader leaves out: guidance, totals, repeated headers.

The reader skips the template's guidance row, a total row at the bottom and copies of the
header. A real measure that merely resembles one of them must still be read, or at the very
least be reported with its sheet and row: a measure silently left out is lost at the next
tertial report. Each test writes a real .xlsx with openpyxl and reads it with `read_plan`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reports.xlsx_reader import ParsedPlan, read_plan
from tests.reports.make_workbooks import HEADERS_2025, INSTRUCTIONS_2025, Sheet, write_workbook

HEADER = ["Orsak", "Åtgärd", "När", "Vem"]


def _measures(plan: ParsedPlan) -> list[tuple[int, str | None]]:
    return [(row.row, row.measure) for area in plan.areas for row in area.rows]


def _read(tmp_path: Path, rows: list[list[Any]], **kw: Any) -> ParsedPlan:
    return read_plan(write_workbook(tmp_path / "p.xlsx", [Sheet("1. Unga", rows, **kw)]))


# --------------------------------------------------------------------------- guidance


def test_italic_measure_rows_below_the_italic_guidance_row_are_reported(tmp_path: Path) -> None:
    """Excel gives a row inserted below the template's italic guidance row its format. An
    italic row is taken for guidance, but one not worded like it is reported wherever it
    stands, with what to do."""
    rows = [
        ["Unga i riskzon för destruktivt beteende", *HEADERS_2025],
        INSTRUCTIONS_2025,
        ["Barn och unga", "Info", "SSP-möten", "Kunskap", "8 ggr/år", "Prev", None],
        ["Barn och unga", "Skolmiljö", "Skolbesök", "Närvaro", "Linjearbete", "Polis", None],
    ]
    plan = _read(tmp_path, rows, italic_rows={2, 3, 4})
    assert _measures(plan) == []
    assert [w.split(":")[0] for w in plan.warnings] == [
        "Flik ”1. Unga”, rad 3",
        "Flik ”1. Unga”, rad 4",
    ]
    assert all("kursiv" in w and "ta bort kursiveringen" in w for w in plan.warnings)
    plan = _read(tmp_path, rows, italic_rows={2})
    assert _measures(plan) == [(3, "SSP-möten"), (4, "Skolbesök")] and plan.warnings == []


def test_measures_that_begin_like_guidance_are_read(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ["Ange", "Beskriv", "Ange", "Ange"],  # not quite the template's, but guidance
        ["Otrygghet", "Anges i samverkansöverenskommelsen: nattvandring", "Fredagar", "Förening"],
        ["Beskrivs i lägesbilden", "Trygghetsvandring", "2 ggr/år", "SDF"],
        ["Skolk", "Välj ut tre skolor för närvaroteam", "Läsåret", "Rektor"],
    ]
    plan = _read(tmp_path, rows)
    assert [m for _, m in _measures(plan)] == [
        "Anges i samverkansöverenskommelsen: nattvandring",
        "Trygghetsvandring",
        "Välj ut tre skolor för närvaroteam",
    ]
    assert plan.warnings == []


def test_a_row_like_guidance_among_the_measures_is_reported(tmp_path: Path) -> None:
    """Guidance stands right below the header; below measures such a row is a partial
    measure as likely, and leaving it out is said with its sheet and row."""
    rows = [
        HEADER,
        ["Info", "SSP-möten", "8 ggr/år", "Prev"],
        ["Beskrivs i lägesbilden", "Beskrivs närmare i bilaga 2", "Under 2025"],
        [None, "Välj ut tre platser för trygghetsvandringar"],
    ]
    plan = _read(tmp_path, rows)
    assert _measures(plan) == [(2, "SSP-möten")]
    assert len(plan.warnings) == 2
    assert plan.warnings[0].startswith("Flik ”1. Unga”, rad 3: ")
    assert plan.warnings[1].startswith("Flik ”1. Unga”, rad 4: ")
    assert all("instruktion" in w and "lästes inte in" in w for w in plan.warnings)
    assert "Välj ut tre platser" in plan.warnings[1]


def test_guidance_again_below_a_repeated_header_is_left_out_silently(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ["Ange orsaken", "Beskriv åtgärden", "Ange tid", "Ange vem"],
        ["Info", "SSP-möten", "8 ggr/år", "Prev"],
        HEADER,
        ["Ange orsaken", "Beskriv åtgärden", "Ange tid", "Ange vem"],
        ["Skolmiljö", "Skolbesök", "Linjearbete", "Polis"],
    ]
    plan = _read(tmp_path, rows, italic_rows={2, 5})
    assert _measures(plan) == [(3, "SSP-möten"), (6, "Skolbesök")]
    assert plan.warnings == []


# --------------------------------------------------------------------------- totals


@pytest.mark.parametrize(
    "row",
    [
        ["Antal rån i centrum ökar", None, "2025", None],  # a cause, and När
        [None, "Totalt 4 trygghetsvandringar", None, None],  # a measure, nothing else yet
        ["Summa brott per år ökar", None, None, None],
    ],
)
def test_a_partial_row_that_begins_like_a_total_is_read(tmp_path: Path, row: list[Any]) -> None:
    rows = [HEADER, ["Info", "SSP-möten", "8 ggr/år", "Prev"], row]
    plan = _read(tmp_path, rows)
    assert len(_measures(plan)) == 2
    (warning,) = plan.warnings
    assert warning.startswith("Flik ”1. Unga”, rad 3: raden saknar ")


# --------------------------------------------------------------------------- repeated headers


@pytest.mark.parametrize(
    "row",
    [
        [None, "Insatser i skolan", None, "Ansvarig rektor"],
        ["Orsaker till skolk", "Åtgärder mot skolk", None, None],
        [None, "Insats: nattvandring", "Tid: fredagar", "Ansvar: föreningen"],
    ],
)
def test_a_measure_worded_like_header_cells_is_read(tmp_path: Path, row: list[Any]) -> None:
    rows = [HEADER, ["Info", "SSP-möten", "8 ggr/år", "Prev"], row]
    plan = _read(tmp_path, rows)
    assert [m for _, m in _measures(plan)] == ["SSP-möten", row[1]]
