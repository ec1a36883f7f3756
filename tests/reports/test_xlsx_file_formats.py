"""Workbooks as the tools that write them save them: used ranges stretched by formatting,
Excel's Strict Open XML, Apple Numbers' export, formulas without a computed value.

Each test builds a real .xlsx (openpyxl, then the zip's XML edited where a tool writes
something openpyxl does not) and reads it with `read_plan`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from openpyxl.formatting.rule import IconSetRule

from reports.xlsx_open import load_workbook
from reports.xlsx_reader import read_plan
from tests.reports.make_workbooks import (
    Sheet,
    add_cached_values,
    add_chart_and_comment,
    stretch_used_range,
    write_workbook,
)
from tests.reports.test_xlsx_reader import _all_rows

HEADER = ["Nr", "Prioriterat område", "Orsak", "Åtgärd", "När", "Vem", "Uppföljning"]
ROWS = [
    ["1.1", "Unga i riskzon", "Skolfrånvaro", "SSP-möten", "8 ggr/år", "Kommunpolis", "Klart."],
    ["1.2", "Unga i riskzon", "Ingen fritid", "Fritidsgård", "Under 2026", "Fritid", None],
    ["2.1", "Otrygga platser", "Mörker", "Belysning", "Q3", "Trafikkontoret", None],
]


def _plan_sheet(title: str = "Åtgärdsplan 2026") -> Sheet:
    return Sheet(title, [HEADER, *ROWS])


def _measures(path: Path) -> list[tuple[str | None, str | None]]:
    return [(r.ref, r.measure) for r in _all_rows(read_plan(path))]


EXPECTED = [("1.1", "SSP-möten"), ("1.2", "Fritidsgård"), ("2.1", "Belysning")]


# --------------------------------------------------------------------------- used range


def test_a_used_range_formatted_down_to_the_last_row_reads_fast(tmp_path: Path) -> None:
    """Borders drawn down to row 1 048 576: two million empty, styled cells below three
    measures. openpyxl alone builds an object for each (a minute and gigabytes)."""
    path = write_workbook(tmp_path / "lang.xlsx", [_plan_sheet()])
    stretch_used_range(path, rows=1_048_576)
    started = time.perf_counter()
    assert _measures(path) == EXPECTED
    assert time.perf_counter() - started < 10
    wb = load_workbook(path).wb
    assert wb.worksheets[0].max_row == len(ROWS) + 1


def test_a_formula_filled_down_the_whole_column_with_empty_results(tmp_path: Path) -> None:
    """=IF(D5="";"";…) copied down to the last row: its empty results hold nothing."""
    path = write_workbook(tmp_path / "formler.xlsx", [_plan_sheet()])
    stretch_used_range(path, rows=100_000, formula_in="H")
    assert _measures(path) == EXPECTED
    assert load_workbook(path).wb.worksheets[0].max_row == len(ROWS) + 1


def test_a_sheet_formatted_across_to_the_last_column(tmp_path: Path) -> None:
    """Every row styled out to column XFD (16 384): the empty cells are no columns."""
    path = write_workbook(tmp_path / "bred.xlsx", [_plan_sheet()])
    stretch_used_range(path, cols=16_384)
    assert _measures(path) == EXPECTED
    assert load_workbook(path).wb.worksheets[0].max_column <= 40


def test_formulas_that_failed_are_named(tmp_path: Path) -> None:
    """A lookup that failed (#N/A) or points at a deleted cell (#REF!) shows no text: the
    cells read as empty and the warning names them, not a total row's error."""
    rows = [
        HEADER,
        [*ROWS[0][:5], "=VLOOKUP(C2,Kontakter!A:B,2,FALSE)", ROWS[0][6]],
        [*ROWS[1][:3], "=#REF!", *ROWS[1][4:]],
        ROWS[2],
        ["Totalt", None, None, "=1/0"],
    ]
    path = write_workbook(tmp_path / "fel.xlsx", [Sheet("Åtgärdsplan 2026", rows)])
    add_cached_values(path, 1, {"F2": "#N/A", "D3": "#REF!", "D5": "#DIV/0!"})
    plan = read_plan(path)
    assert [(r.measure, r.responsible) for r in _all_rows(plan)] == [
        ("SSP-möten", None),
        (None, "Fritid"),
        ("Belysning", "Trafikkontoret"),
    ]
    assert plan.warnings[-1] == (
        "Flik ”Åtgärdsplan 2026”: F2 och D3 visar ett formelfel (#N/A, #REF!) och lästes som "
        "tomma celler. Rätta formlerna i Excel och läs in filen igen."
    )


# --------------------------------------------------------------------------- beside the plan


def test_a_chart_openpyxl_cannot_read_does_not_hide_the_plan(tmp_path: Path) -> None:
    """A chart, a comment and a link beside the plan are no part of it; a chart with a
    value openpyxl does not know (a newer Excel's) made the whole file "damaged"."""
    for direction in ("col", "sideways"):
        path = write_workbook(tmp_path / f"diagram-{direction}.xlsx", [_plan_sheet()])
        add_chart_and_comment(path, bar_direction=direction)
        plan = read_plan(path)
        assert [(r.ref, r.measure) for r in _all_rows(plan)] == EXPECTED
        assert plan.warnings == []


# --------------------------------------------------------------------------- Apple Numbers

_NUMBERS_SUMMARY = Sheet(
    "Export Summary",
    [
        [
            "Det här dokumentet exporterades från Numbers. Varje tabell konverterades till ett "
            "Excel-kalkylblad. Alla andra objekt på varje Numbers-blad placerades på separata "
            "kalkylblad. Tänk på att formelberäkningar kan skilja sig åt i Excel."
        ],
        [],
        ["Numbers-bladnamn", "Numbers-tabellnamn", "Excel-kalkylbladsnamn"],
        ["Unga i riskzon", "Tabell 1", "Unga i riskzon - Tabell 1"],
        ["Otrygga platser", "Tabell 1", "Otrygga platser - Tabell 1"],
    ],
)


def test_numbers_export_names_each_sheet_after_its_table(tmp_path: Path) -> None:
    """Numbers writes a summary sheet and names each table's sheet "<blad> - <tabell>"; the
    default table name is no part of the area's name. Warnings still quote the sheet."""
    header = [h for h in HEADER if h != "Prioriterat område"]
    unga = [[r[0], *r[2:]] for r in ROWS[:2]]
    platser = [[r[0], *r[2:5], None, r[6]] for r in ROWS[2:]]  # no Vem: a partial row
    sheets = [
        _NUMBERS_SUMMARY,
        Sheet("Unga i riskzon - Tabell 1", [header, *unga]),
        Sheet("Otrygga platser - Table 2", [header, *platser]),
    ]
    plan = read_plan(write_workbook(tmp_path / "Åtgärdsplan 2026 Ydre.xlsx", sheets))
    assert [(a.number, a.name, a.sheet) for a in plan.areas] == [
        (1, "Unga i riskzon", "Unga i riskzon - Tabell 1"),
        (2, "Otrygga platser", "Otrygga platser - Table 2"),
    ]
    assert [(r.ref, r.measure) for r in _all_rows(plan)] == EXPECTED
    assert (plan.year, plan.district) == (2026, "Ydre")


def test_numbers_export_of_one_table_named_after_the_plan(tmp_path: Path) -> None:
    """One table on a sheet named after the plan: year and municipality come from the
    sheet's name without the table's."""
    plan = read_plan(
        write_workbook(tmp_path / "export.xlsx", [_plan_sheet("Plan 2026 Ydre - Tabell 1")])
    )
    assert [(a.number, a.name) for a in plan.areas] == [
        (1, "Unga i riskzon"),
        (2, "Otrygga platser"),
    ]
    assert (plan.year, plan.district) == (2026, "Ydre")


# --------------------------------------------------------------------------- formulas


def test_formulas_saved_without_their_result_are_named(tmp_path: Path) -> None:
    """A program (not Excel) wrote formulas without their result: the cells read as empty,
    and the warning names the measure cells it lost, not a total row's count. A formula
    whose saved result is an empty text is no loss."""
    rows = [
        HEADER,
        ROWS[0],
        [*ROWS[1][:3], '=C3&" på fredagar"', *ROWS[1][4:5], '=CONCATENATE("Fritid","s")'],
        [*ROWS[2][:6], '=IF(E4="Q3","Klart","")'],
        [],
        ["Totalt", None, None, "=COUNTA(D2:D4)"],
    ]
    path = write_workbook(tmp_path / "genererad.xlsx", [Sheet("Åtgärdsplan 2026", rows)])
    plan = read_plan(path)
    assert [(r.measure, r.responsible, r.follow_up) for r in _all_rows(plan)] == [
        ("SSP-möten", "Kommunpolis", "Klart."),
        (None, None, None),
        ("Belysning", "Trafikkontoret", None),
    ]
    assert plan.warnings[-1] == (
        "Flik ”Åtgärdsplan 2026”: formlerna i D3, F3 och G4 är sparade utan sitt resultat och "
        "lästes som tomma celler (filen är inte sparad i Excel eller LibreOffice). Öppna filen "
        "i Excel eller LibreOffice, spara den och läs in den igen."
    )

    # Saved by Excel: every formula has its result, an empty text one too.
    add_cached_values(path, 1, {"D3": "Ingen fritid på fredagar", "F3": "Fritids", "G4": ""})
    plan = read_plan(path)
    assert [(r.measure, r.responsible) for r in _all_rows(plan)][1] == (
        "Ingen fritid på fredagar",
        "Fritids",
    )
    assert not any("formel" in w for w in plan.warnings)


# --------------------------------------------------------------------------- typed cells


def test_a_percentage_reads_as_it_is_shown(tmp_path: Path) -> None:
    """ "75%" typed in Excel is the number 0.75 shown as a percentage: read as "75 %", with
    the decimals the format shows; a "%" in quotes is text after a plain number."""

    def percentages(ws: Any) -> None:
        ws["D2"].number_format = "0%"
        ws["G2"].number_format = "0.0%"
        ws["D3"].number_format = '0"%"'

    rows = [
        ["Orsak", "Åtgärd", "När", "Operativa mål", "Vem", "Uppföljning", "Måluppfyllelse"],
        ["Skolfrånvaro", "SSP-möten", "8 ggr/år", 0.75, "Polis", "Hölls.", 0.815],
        ["Mörker", "Belysning", "Q3", 5, "TK", None, None],
    ]
    plan = read_plan(
        write_workbook(tmp_path / "procent.xlsx", [Sheet("1. Unga", rows, setup=percentages)])
    )
    assert [r.goal for r in _all_rows(plan)] == ["75 %", "5"]


# --------------------------------------------------------------------------- conditional formats


def test_traffic_lights_drawn_by_an_icon_set(tmp_path: Path) -> None:
    """A status column of numbers under conditional formatting's traffic lights (numbers
    hidden): the light is the status. Thresholds as percent of the range or as numbers,
    the order reversed ("1 = klar"); arrows are no traffic light."""

    def icons(ws: Any) -> None:
        lights = IconSetRule("3TrafficLights1", "percent", [0, 33, 67], showValue=False)
        ws.conditional_formatting.add("E2:E4", lights)
        reversed_lights = IconSetRule("3Symbols", "num", [1, 2, 3], reverse=True)
        ws.conditional_formatting.add("F2:F4", reversed_lights)
        ws.conditional_formatting.add("G2:G4", IconSetRule("3Arrows", "num", [1, 2, 3]))

    rows = [
        ["Orsak", "Åtgärd", "När", "Vem", "Status T1", "Status T2", "Status T3"],
        ["Skolfrånvaro", "SSP-möten", "8 ggr/år", "Polis", 100, 1, 3],
        ["Mörker", "Belysning", "Q3", "TK", 50, 2, 2],
        ["Nedskräpning", "Städning", "Q2", "TK", 0, 3, 1],
    ]
    path = write_workbook(tmp_path / "ljus.xlsx", [Sheet("1. Platser", rows, setup=icons)])
    plan = read_plan(path)
    assert [[f.text for f in r.follow_ups] for r in _all_rows(plan)] == [
        ["Grön", "Grön", "3"],
        ["Gul", "Gul", "2"],
        ["Röd", "Röd", "1"],
    ]
