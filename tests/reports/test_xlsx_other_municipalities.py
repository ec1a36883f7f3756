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

from reports.xlsx_reader import ParsedRow, read_plan
from tests.reports.make_workbooks import Sheet, write_workbook
from tests.reports.test_xlsx_reader import _all_rows

ROW = [
    "Skadegörelse i centrum",
    "Unga saknar meningsfull fritid",
    "Fritidsgården öppen fredagskvällar",
    "Färre anmälda skadegörelsebrott",
    "Varje fredag",
    "Kultur- och fritidsförvaltningen",
    "Öppnat i februari.",
]


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
    (row,) = _all_rows(plan)
    assert _fields(row) == ROW
    assert [a.name for a in plan.areas] == ["Åtgärder"] and plan.warnings == []


# --------------------------------------------------------------------------- year and place


@pytest.mark.parametrize(
    ("title_block", "year", "district"),
    [
        # The municipality in the genitive, as it names itself.
        ([["Åtgärdsplan 2026 Norrköpings kommun"]], 2026, "Norrköping"),
        ([["Åtgärdsplan brottsförebyggande arbete Göteborgs Stad 2026"]], 2026, "Göteborg"),
        ([["Åtgärdsplan 2026 – Sundsvalls kommun"]], 2026, "Sundsvall"),
        # Names that end in s themselves keep it.
        ([["Åtgärdsplan 2026 Västerås stad"]], 2026, "Västerås"),
        ([["Åtgärdsplan 2026 Hofors kommun"]], 2026, "Hofors"),
        # Written as typed, with its spaces.
        ([["Åtgärdsplan 2026 Lilla Edets kommun"]], 2026, "Lilla Edet"),
        # The plan named after its first word; a place after a phrase.
        ([["Lokal lägesbild och åtgärdsplan 2026 – Malmö stad"]], 2026, "Malmö"),
        ([["Handlingsplan för ett tryggare Uppsala 2026"]], 2026, "Uppsala"),
        # A title with the plan's version or date is no place.
        ([["Åtgärdsplan 2026 version 2"]], 2026, None),
        ([["Åtgärdsplan 2026 Reviderad 2026-03-01"]], 2026, None),
        # The municipality on a row of its own above the title, or labelled.
        ([["Malmö stad"], ["Åtgärdsplan för brottsförebyggande arbete 2026"]], 2026, "Malmö"),
        ([["Kommun: Norrköping"], ["Åtgärdsplan"], ["År: 2026"]], 2026, "Norrköping"),
        (
            [
                ["Eskilstuna kommun"],
                ["Åtgärdsplan – brottsförebyggande arbete"],
                ["Gäller år", 2026],
            ],
            2026,
            "Eskilstuna",
        ),
        ([["Region Gotland"], ["Åtgärdsplan 2026"]], 2026, "Gotland"),
    ],
)
def test_the_year_and_municipality_from_the_title_block(
    tmp_path: Path, title_block: list[list[Any]], year: int, district: str | None
) -> None:
    rows: list[list[Any]] = [*title_block, [], ["Problem", "Orsak", "Åtgärd", "När", "Vem"]]
    rows.append([ROW[0], ROW[1], ROW[2], ROW[4], ROW[5]])
    plan = read_plan(write_workbook(tmp_path / "plan.xlsx", [Sheet("Åtgärdsplan", rows)]))
    assert (plan.year, plan.district) == (year, district)
    assert len(_all_rows(plan)) == 1


@pytest.mark.parametrize(
    ("filename", "year", "district"),
    [
        ("Lokal lägesbild och åtgärdsplan 2026 Sundsvall.xlsx", 2026, "Sundsvall"),
        ("Åtgärdsplan BRÅ 2026 slutversion.xlsx", 2026, None),
        ("atgardsplan-2026-lilla-edet.xlsx", 2026, "Lilla-Edet"),
    ],
)
def test_the_year_and_municipality_from_the_file_name(
    tmp_path: Path, filename: str, year: int, district: str | None
) -> None:
    rows = [["Problem", "Orsak", "Åtgärd", "När", "Vem"], [ROW[0], ROW[1], ROW[2], ROW[4], ROW[5]]]
    plan = read_plan(write_workbook(tmp_path / filename, [Sheet("Blad1", rows)]))
    assert (plan.year, plan.district) == (year, district)


# --------------------------------------------------------------------------- sheets per area

HEADER = ["Orsak", "Åtgärd", "När", "Ansvarig", "Uppföljning"]
VALD = ["Okunskap om stöd", "Utbildning för personal", "VT 2026", "Socialtjänsten", None]
NARKOTIKA = ["Tillgång på narkotika", "Riktade kontroller", "Löpande", "Polisen", None]


@pytest.mark.parametrize("names", [("Område 1", "Område 2"), ("1", "2"), ("Blad1", "Blad2")])
def test_a_sheet_named_by_number_takes_its_areas_name_from_the_title_above(
    tmp_path: Path, names: tuple[str, str]
) -> None:
    def area_sheet(name: str, title: str, row: list[Any]) -> Sheet:
        rows = [["Eskilstuna kommun"], [title], [], HEADER, row]
        return Sheet(name, rows, bold_rows={1, 2})

    path = write_workbook(
        tmp_path / "plan.xlsx",
        [
            area_sheet(names[0], "Våld i nära relationer", VALD),
            area_sheet(names[1], "Narkotika bland unga", NARKOTIKA),
        ],
    )
    plan = read_plan(path)
    assert [(a.number, a.name) for a in plan.areas] == [
        (1, "Våld i nära relationer"),
        (2, "Narkotika bland unga"),
    ]
    assert [r.measure for r in _all_rows(plan)] == ["Utbildning för personal", "Riktade kontroller"]
    assert plan.district == "Eskilstuna"


def test_a_sheet_named_by_number_without_a_title_keeps_its_name(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "plan.xlsx",
        [Sheet("Område 2", [HEADER, VALD]), Sheet("Område 3", [HEADER, NARKOTIKA])],
    )
    plan = read_plan(path)
    assert [(a.number, a.name) for a in plan.areas] == [(2, "Område 2"), (3, "Område 3")]
