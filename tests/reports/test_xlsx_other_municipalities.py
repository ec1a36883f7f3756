"""Plans of municipalities outside Stockholm, in the layouts they write them in: Brå's
words for the columns ("Insatsens namn", "Riskfaktorer", "Åtgärdsägare"), footnote marks
on headers, a title block naming the municipality and the year, a sheet per area named only
by its number with the area's name in a title cell, and the plan's own measure numbers as
people type them.

Each test builds a real .xlsx with openpyxl and reads it with `read_plan`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reports.xlsx_reader import ParsedPlan, ParsedRow, read_plan
from tests.reports.make_workbooks import Sheet, write_workbook

ROW = [
    "Skadegörelse i centrum",
    "Unga saknar meningsfull fritid",
    "Fritidsgården öppen fredagskvällar",
    "Färre anmälda skadegörelsebrott",
    "Varje fredag",
    "Kultur- och fritidsförvaltningen",
    "Öppnat i februari.",
]


def _rows(plan: ParsedPlan) -> list[ParsedRow]:
    return [row for area in plan.areas for row in area.rows]


def _fields(row: ParsedRow) -> list[str | None]:
    return [
        row.problem,
        row.cause,
        row.measure,
        row.goal,
        row.when,
        row.responsible,
        row.follow_up,
    ]


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    "header",
    [
        # Footnote marks explained below the table.
        ["Problem¹", "Orsak²", "Åtgärd³", "Mål⁴", "När⁵", "Ansvarig⁶", "Uppföljning⁷"],
        # Brå's words: risk factors, the measure's name, its owner, reporting back.
        [
            "Brottstyp",
            "Riskfaktorer",
            "Insatsens namn",
            "Effektmål",
            "Tidpunkt",
            "Åtgärdsägare",
            "Återkoppling",
        ],
        [
            "Delområde",
            "Bakomliggande orsaker",
            "Åtgärdens namn",
            "Förväntat resultat",
            "Frekvens",
            "Ägare",
            "Avrapportering",
        ],
        [
            "PROBLEMBILD:",
            "Orsak/riskfaktor",
            "Aktivitetens namn",
            "Målsättning",
            "Tidsplan",
            "Ansvarig aktör",
            "Utvärdering",
        ],
    ],
)
def test_other_municipalities_words_for_the_columns(tmp_path: Path, header: list[str]) -> None:
    rows: list[list[Any]] = [["Åtgärdsplan 2026"], [], header, ROW]
    plan = read_plan(write_workbook(tmp_path / "plan.xlsx", [Sheet("Åtgärdsplan", rows)]))
    (row,) = _rows(plan)
    assert _fields(row) == ROW
    assert [a.name for a in plan.areas] == ["Åtgärder"] and plan.warnings == []
