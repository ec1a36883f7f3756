"""Layouts other municipalities use for their action plans (reports.xlsx_reader).

The city's two templates are covered in test_xlsx_reader.py; these are the shapes a plan
takes elsewhere: all areas on one sheet, section headings, numbered or two-row headers,
per-tertial follow-up columns, intro and contact sheets around the plan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.errors import ImportFailed
from reports.xlsx_reader import VERDICTS, ParsedPlan, read_plan
from tests.reports.make_workbooks import (
    Sheet,
    add_cached_values,
    as_macro_workbook,
    write_ods_lookalike,
    write_workbook,
)


def _rows(plan: ParsedPlan) -> list[Any]:
    return [row for area in plan.areas for row in area.rows]


def _areas(plan: ParsedPlan) -> list[tuple[int, str, int]]:
    return [(a.number, a.name, len(a.rows)) for a in plan.areas]


INTRO = Sheet(
    "Inledning",
    [
        ["Handlingsplan för brottsförebyggande arbete 2025 – Nässjö kommun"],
        ["Planen bygger på lägesbilden och orsaksanalysen från hösten 2024."],
    ],
)
CONTACTS = Sheet(
    "Kontaktuppgifter",
    [["Namn", "Roll", "Ansvar", "Telefon"], ["Kim Berg", "Samordnare", "EST", "010-123 45 67"]],
)
LAGESBILD = Sheet(
    "Lägesbild",
    [["Brottstyp", "Antal 2023", "Antal 2024"], ["Skadegörelse", 120, 98]],
)


# --------------------------------------------------------------------------- one sheet


@pytest.mark.parametrize(
    "area_header", ["Prioriterat område", "Fokusområde", "Område", "Insatsområde"]
)
def test_one_sheet_with_an_area_column(tmp_path: Path, area_header: str) -> None:
    header = [area_header, "Problem", "Orsak", "Åtgärd", "Mål", "Ansvarig", "Tidsplan"]
    rows = [
        header,
        ["Unga i riskzon", "Skolk", "Otrygg skolväg", "Skolvärdar", "Färre skolk", "Skola", 2025],
        [None, "Rekrytering", "Kriminella förebilder", "Mentorer", None, "Fritid", "Löpande"],
        ["Otrygga platser", "Centrum", "Mörker", "Belysning", "Ljusare", "Kommunen", "Q2"],
        ["Otrygga platser", "Centrum", "Skadegörelse", "EST", "Mindre klotter", "Polisen", None],
        [],
        ["Våld i nära relation", "Ovanligt", "Okunskap", "Utbildning", None, "Soc", "Hösten"],
    ]
    path = write_workbook(tmp_path / "en-flik.xlsx", [INTRO, Sheet("Åtgärder", rows)])
    plan = read_plan(path)
    assert _areas(plan) == [
        (1, "Unga i riskzon", 2),
        (2, "Otrygga platser", 2),
        (3, "Våld i nära relation", 1),
    ]
    first, second = plan.areas[0].rows
    assert (first.problem, first.cause, first.measure, first.goal) == (
        "Skolk",
        "Otrygg skolväg",
        "Skolvärdar",
        "Färre skolk",
    )
    assert (first.when, first.responsible) == ("2025", "Skola")  # a number cell for När
    assert second.problem == "Rekrytering"  # the area, not the problem, is carried down
    assert plan.warnings == []
    assert (plan.year, plan.district) == (2025, "Nässjö")


def test_area_column_merged_and_numbered(tmp_path: Path) -> None:
    header = ["Fokusområde", "Orsak", "Åtgärd", "När", "Vem", "Uppföljning"]
    rows = [
        header,
        ["1. Trygg skola", "Droger", "Föräldramöten", "v. 12", "Rektor", "Genomfört, uppfyllt"],
        [None, "Mobbning", "Rastvakter", "Löpande", "Rektor", None],
        ["3. Trygga torg", "Klotter", "Sanering", "Inom 24 h", "Fastighetsägare", "Pågår"],
        ["1. Trygg skola", "Skolk", "Närvarocoach", "Under året", "Skola", None],
    ]
    path = write_workbook(tmp_path / "f.xlsx", [Sheet("Plan 2025", rows, merges=["A2:A3"])])
    plan = read_plan(path)
    # The area comes back on the last row: its rows join the first block.
    assert _areas(plan) == [(1, "Trygg skola", 3), (3, "Trygga torg", 1)]
    assert [r.verdict for r in _rows(plan)] == ["uppfyllt", "ej_bedomd", "ej_bedomd", "pagaende"]
    assert plan.year == 2025


def test_section_heading_rows_on_one_sheet(tmp_path: Path) -> None:
    header = ["Problem", "Orsak", "Åtgärd", "Operativt mål", "När", "Vem", "Uppföljning"]
    rows = [
        ["Åtgärdsplan 2025 Kungsholmen"],
        [],
        header,
        ["Prioriterat område 1: Unga i riskzon"],  # merged across, bold
        ["Barn och unga", "Info saknas", "SSP-möten", "Ökad kunskap", "8 ggr/år", "Polisen", None],
        ["Barn och unga", "Skolk", "Närvaroteam", None, "Löpande", "Skolan", "Målet är uppfyllt"],
        [],
        [],
        ["Otrygga och brottsutsatta platser"],  # bold only
        ["Centrum", "Mörker", "Belysning", "Ljusare", "Q3", "Trafikkontoret", None],
        ["3. Systemhotande brottslighet"],  # plain, numbered, no measures yet
        ["4. Våld i nära relationer"],  # filled background
        ["Vuxna", "Okunskap", "Utbildning", None, "Hösten", "Soc", "Pågår"],
    ]
    sheet = Sheet(
        "Kungsholmen 2025",
        rows,
        merges=["A4:G4"],
        bold_rows={3, 4, 9},
        filled_rows={12},
    )
    plan = read_plan(write_workbook(tmp_path / "rubriker.xlsx", [sheet]))
    assert _areas(plan) == [
        (1, "Unga i riskzon", 2),
        (2, "Otrygga och brottsutsatta platser", 1),
        (3, "Systemhotande brottslighet", 0),
        (4, "Våld i nära relationer", 1),
    ]
    assert plan.warnings == []
    assert [r.row for r in _rows(plan)] == [5, 6, 10, 13]
    assert (plan.title, plan.year, plan.district) == (
        "Åtgärdsplan 2025 Kungsholmen",
        2025,
        "Kungsholmen",
    )


def test_heading_right_below_the_header_is_no_sub_header(tmp_path: Path) -> None:
    header = [
        "Nr",
        "Problem",
        "Orsak (varför?)",
        "Åtgärd",
        "Förväntat resultat",
        "Ansvarig aktör",
        "Tidsplan/frekvens",
        "Uppföljning T1",
        "Uppföljning T2",
        "Status",
    ]
    rows = [
        ["Brottsförebyggande åtgärdsplan 2025"],
        [],
        header,
        ["Prioriterat område 1: Unga i riskzon"],
        [
            "1.1",
            "Skolk",
            "Otrygg väg",
            "Skolvärdar",
            "Färre",
            "Skolan",
            "Läsår",
            "Startat",
            None,
            "Gul",
        ],
        ["1.2", "Rekrytering", "Förebilder", "Mentorer", "Fler", "Fritid", "2 ggr/månad"],
        [],
        ["Prioriterat område 2: Trygga platser"],
        ["2.1", "Centrum", "Mörker", "Belysning", "Ljus", "TK", "Q2", "Beställt", "Klart.", "Grön"],
    ]
    sheet = Sheet("Farsta 2025", rows, merges=["A4:J4", "A8:J8"], bold_rows={3})
    plan = read_plan(write_workbook(tmp_path / "farsta.xlsx", [sheet]))
    assert _areas(plan) == [(1, "Unga i riskzon", 2), (2, "Trygga platser", 1)]
    assert [(r.follow_up, r.verdict) for r in _rows(plan)] == [
        ("Startat", "delvis"),
        (None, "ej_bedomd"),
        ("Klart.", "uppfyllt"),
    ]
    assert (plan.title, plan.year, plan.district) == (
        "Brottsförebyggande åtgärdsplan 2025",
        2025,
        "Farsta",
    )


def test_plain_section_headings_and_a_trailing_note(tmp_path: Path) -> None:
    rows = [
        ["Orsak", "Åtgärd", "Ansvarig aktör", "Tidsplan/frekvens"],
        ["Unga i riskzon"],
        ["Rekrytering", "Mentorprogram", "Fritid", "Löpande"],
        ["Trygghet i centrum"],
        ["Mörker", "Belysning", "Kommunen", "2025-06-30"],
        ["Klotter", "Sanering", "Fastighet", "Inom 24 h"],
        [],
        ["Beslutad i styrgruppen 2025-02-20"],
    ]
    plan = read_plan(write_workbook(tmp_path / "p.xlsx", [Sheet("Blad1", rows)]))
    assert _areas(plan) == [(1, "Unga i riskzon", 1), (2, "Trygghet i centrum", 2)]
    assert len(plan.warnings) == 1
    assert "rad 8" in plan.warnings[0] and "Beslutad i styrgruppen" in plan.warnings[0]


def test_one_sheet_without_any_area(tmp_path: Path) -> None:
    rows = [["Orsak", "Åtgärd", "När", "Vem"], ["Mörker", "Belysning", "Q2", "Kommunen"]]
    plan = read_plan(write_workbook(tmp_path / "tmpx1.xlsx", [Sheet("Åtgärdsplan 2026", rows)]))
    assert _areas(plan) == [(1, "Åtgärder", 1)]
    assert (plan.year, plan.district) == (2026, None)


# --------------------------------------------------------------------------- headers


def test_numbered_and_decorated_headers(tmp_path: Path) -> None:
    header = [
        "1. Problem",
        "2. Orsak (varför?)",
        "3. Åtgärd\n(vad ska göras?)",
        "  OPERATIVT MÅL:  ",
        "När?\n",
        "Ansvarig\naktör",
        "Uppföljning:",
    ]
    row = ["P", "C", "M", "G", "W", "R", "Delvis uppfyllt"]
    plan = read_plan(
        write_workbook(tmp_path / "n.xlsx", [Sheet("2. Otrygga platser", [header, row])])
    )
    (area,) = plan.areas
    assert (area.number, area.name) == (2, "Otrygga platser")
    (r,) = area.rows
    assert [r.problem, r.cause, r.measure, r.goal, r.when, r.responsible] == list("PCMGWR")
    assert r.verdict == "delvis"


def test_activity_expected_result_and_indicator(tmp_path: Path) -> None:
    header = [
        "Nr",
        "Aktivitet",
        "Förväntat resultat",
        "Indikator",
        "Ansvarig aktör",
        "Samverkansparter",
        "Tidsplan",
        "Budget",
    ]
    rows = [
        header,
        ["1.1", "Nattvandring", "Färre bråk", "Antal larm", "Fritid", "Polisen", "Fredagar", 0],
    ]
    plan = read_plan(write_workbook(tmp_path / "a.xlsx", [Sheet("1. Unga", rows)]))
    (area,) = plan.areas
    assert area.name == "Unga"  # no header is taken for the area's name
    (r,) = area.rows
    assert (r.measure, r.goal, r.responsible, r.when) == (
        "Nattvandring",
        "Färre bråk",
        "Fritid. Samverkan: Polisen",
        "Fredagar",
    )
    assert r.problem is None and r.missing == []


def test_measure_column_wins_over_activity_column(tmp_path: Path) -> None:
    header = ["Aktivitet", "Åtgärd", "Mål", "Förväntat resultat", "Vem"]
    rows = [header, ["Steg 1", "Trygghetsvandring", "Två per år", "Tryggare", "SDF"]]
    (r,) = read_plan(write_workbook(tmp_path / "w.xlsx", [Sheet("1. A", rows)])).areas[0].rows
    assert (r.measure, r.goal) == ("Trygghetsvandring", "Två per år")


def test_header_in_column_b_below_an_intro(tmp_path: Path) -> None:
    rows: list[list[Any]] = [[None, "Åtgärdsplan för Bromma 2025"], [None, "Beslutad av nämnden."]]
    rows += [[] for _ in range(12)]
    rows += [
        [None, "Problem", "Orsak", "Åtgärd", "När", "Vem"],
        [None, "Inbrott", "Otillräckligt skydd", "Grannsamverkan", "Löpande", "Polisen"],
    ]
    plan = read_plan(write_workbook(tmp_path / "b.xlsx", [Sheet("3. Brott i bostaden", rows)]))
    (area,) = plan.areas
    assert (area.number, area.name) == (3, "Brott i bostaden")
    (r,) = area.rows
    assert (r.row, r.problem, r.measure) == (16, "Inbrott", "Grannsamverkan")
    assert (plan.title, plan.year, plan.district) == ("Åtgärdsplan för Bromma 2025", 2025, "Bromma")


def test_group_header_above_per_tertial_follow_up(tmp_path: Path) -> None:
    rows = [
        ["Planering", None, None, None, None, "Uppföljning", None, None],
        ["Orsak", "Åtgärd", "Mål", "När", "Vem", "T1", "T2", "T3"],
        ["Mörker", "Belysning", "Ljusare", "Q2", "TK", "Pågår", "Målet är uppfyllt", None],
        ["Klotter", "Sanering", None, "24 h", "SDF", "Ej påbörjad", None, None],
        ["Oro", "Vandring", None, "Vår", "SDF", None, None, None],
    ]
    sheet = Sheet("1. Platser", rows, merges=["A1:E1", "F1:H1"])
    plan = read_plan(write_workbook(tmp_path / "g.xlsx", [sheet]))
    rows_read = plan.areas[0].rows
    assert [r.row for r in rows_read] == [3, 4, 5]
    assert [r.follow_up for r in rows_read] == ["Målet är uppfyllt", "Ej påbörjad", None]
    assert [r.verdict for r in rows_read] == ["uppfyllt", "ej_uppfyllt", "ej_bedomd"]


def test_group_header_not_merged_over_period_columns(tmp_path: Path) -> None:
    rows = [
        [None, None, None, None, "Uppföljning"],
        ["Orsak", "Åtgärd", "När", "Vem", "Tertial 1", "Tertial 2"],
        ["Mörker", "Belysning", "Q2", "TK", "Pågår", "Klart."],
    ]
    (r,) = read_plan(write_workbook(tmp_path / "u.xlsx", [Sheet("1. P", rows)])).areas[0].rows
    assert (r.follow_up, r.verdict) == ("Klart.", "uppfyllt")


def test_sub_header_row_below_the_header(tmp_path: Path) -> None:
    rows = [
        ["Orsak", "Åtgärd", "När", "Vem", "Uppföljning", None, None],
        [None, None, None, None, "April", "Augusti", "December"],
        ["Mörker", "Belysning", "Q2", "TK", "Beställt", "Pågår", None],
    ]
    sheet = Sheet("1. P", rows, merges=["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:G1"])
    (r,) = read_plan(write_workbook(tmp_path / "s.xlsx", [sheet])).areas[0].rows
    assert (r.row, r.follow_up, r.verdict) == (3, "Pågår", "pagaende")


def test_per_tertial_columns_and_a_status_column(tmp_path: Path) -> None:
    header = ["Orsak", "Åtgärd", "När", "Vem", "Uppföljning T1", "Uppföljning T2", "Status"]
    rows = [
        header,
        ["Mörker", "Belysning", "Q2", "TK", "Beställt", "Lamporna är uppsatta.", "Grön"],
        ["Klotter", "Sanering", "24 h", "SDF", "Startat", None, None],
        ["Oro", "Vandring", "Vår", "SDF", None, None, "Röd"],
    ]
    plan = read_plan(write_workbook(tmp_path / "t.xlsx", [Sheet("1. P", rows)]))
    got = [(r.follow_up, r.verdict) for r in _rows(plan)]
    assert got == [
        ("Lamporna är uppsatta.", "uppfyllt"),  # the text of T2, the verdict of Status
        ("Startat", "pagaende"),
        ("Röd", "ej_uppfyllt"),  # only a status: it is the follow-up
    ]


def test_group_of_status_and_comment_under_follow_up(tmp_path: Path) -> None:
    rows = [
        ["Unga i riskzon", "Orsak", "Åtgärd", "När", "Vem", "Uppföljning", None],
        [None, None, None, None, None, "Status", "Kommentar"],
        ["Skolk", "Otrygghet", "Skolvärdar", "Löpande", "Skola", "Gul", "Hälften av skolorna."],
    ]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:G1"]
    plan = read_plan(write_workbook(tmp_path / "k.xlsx", [Sheet("1. Unga", rows, merges=merges)]))
    (area,) = plan.areas
    assert area.name == "Unga i riskzon"
    (r,) = area.rows
    assert (r.problem, r.follow_up, r.verdict) == ("Skolk", "Hälften av skolorna.", "delvis")


def test_title_merged_across_the_top_is_not_a_group_header(tmp_path: Path) -> None:
    rows = [
        ["Uppföljning av åtgärdsplanen 2025", None, None, None, None],
        ["Trygga torg", "Orsak", "Åtgärd", "När", "Vem"],
        ["Torget", "Oro", "Ronder", "Fredagar", "Polisen"],
    ]
    sheet = Sheet("Torg", rows, merges=["A1:E1"])
    (area,) = read_plan(write_workbook(tmp_path / "t.xlsx", [sheet])).areas
    assert area.name == "Trygga torg"
    assert [(r.problem, r.measure) for r in area.rows] == [("Torget", "Ronder")]


def test_area_column_with_a_pick_list_prompt(tmp_path: Path) -> None:
    rows = [
        ["Prioriterat område", "Orsak", "Åtgärd", "När", "Vem"],
        ["Välj område i listan", "Ange orsak", "Beskriv åtgärden", None, None],
        ["Trygghet", "Mörker", "Belysning", "Q2", "TK"],
    ]
    plan = read_plan(write_workbook(tmp_path / "v.xlsx", [Sheet("Plan", rows)]))
    assert _areas(plan) == [(1, "Trygghet", 1)]


# --------------------------------------------------------------------------- sheets


def test_side_sheets_and_hidden_sheets_are_ignored(tmp_path: Path) -> None:
    header = ["Problem", "Orsak", "Åtgärd", "När", "Vem"]
    area = Sheet("1. Unga", [header, ["Skolk", "Otrygghet", "Skolvärdar", "Löpande", "Skola"]])
    old = Sheet("Gammal plan", [header, ["X", "Y", "Z", "2023", "Någon"]], hidden=True)
    lists = Sheet("Listor", [["Åtgärd", "Ansvarig"], ["SSP", "Polisen"]], hidden=True)
    instructions = Sheet(
        "Instruktioner",
        [["Problem", "Orsak", "Åtgärd", "När", "Vem"], ["Ange problemet", "Ange orsak", None]],
    )
    example = Sheet("Exempel", [header, ["Exempelproblem", "Orsak", "Exempelåtgärd", "Q1", "SDF"]])
    sheets = [INTRO, instructions, LAGESBILD, area, old, CONTACTS, example, lists]
    plan = read_plan(write_workbook(tmp_path / "flikar.xlsx", sheets))
    assert [(a.sheet, len(a.rows)) for a in plan.areas] == [("1. Unga", 1)]
    assert plan.warnings == [
        "Fliken ”Gammal plan” är dold och lästes inte in. "
        "Visa fliken i Excel och läs in filen igen om den hör till planen.",
        "Fliken ”Listor” är dold och lästes inte in. "
        "Visa fliken i Excel och läs in filen igen om den hör till planen.",
    ]


def test_separate_follow_up_sheet_is_not_read_twice(tmp_path: Path) -> None:
    header = ["Orsak", "Åtgärd", "När", "Vem"]
    sheets = [
        Sheet("1. Unga", [header, ["Skolk", "Skolvärdar", "Löpande", "Skola"]]),
        Sheet(
            "Uppföljning T1", [["Åtgärd", "Ansvarig", "Status"], ["Skolvärdar", "Skola", "Grön"]]
        ),
    ]
    plan = read_plan(write_workbook(tmp_path / "u.xlsx", sheets))
    assert _areas(plan) == [(1, "Unga", 1)]
    assert len(plan.warnings) == 1 and "Fliken ”Uppföljning T1” lästes inte in" in plan.warnings[0]


def test_only_hidden_plan_sheets_are_still_read(tmp_path: Path) -> None:
    rows = [["Orsak", "Åtgärd", "När", "Vem"], ["Mörker", "Belysning", "Q2", "TK"]]
    sheets = [INTRO, Sheet("1. P", rows, hidden=True)]
    plan = read_plan(write_workbook(tmp_path / "h.xlsx", sheets))
    assert _areas(plan) == [(1, "P", 1)] and plan.warnings == []


def test_duplicate_sheet_numbers_get_distinct_area_numbers(tmp_path: Path) -> None:
    header = ["Orsak", "Åtgärd", "När", "Vem"]
    sheets = [
        Sheet("1. Unga", [header, ["a", "b", "c", "d"]]),
        Sheet("1. Platser", [header, ["a", "b", "c", "d"]]),
        Sheet("Brottsoffer", [header]),
    ]
    plan = read_plan(write_workbook(tmp_path / "d.xlsx", sheets))
    assert [(a.number, a.name) for a in plan.areas] == [
        (1, "Unga"),
        (2, "Platser"),
        (3, "Brottsoffer"),
    ]
    assert plan.warnings == [
        "Flik ”1. Platser”: området ”Platser” har samma nummer (1) som ett tidigare område "
        "och fick nummer 2."
    ]


def test_a_very_long_heading_is_shortened(tmp_path: Path) -> None:
    long = "Unga i riskzon " + "och mycket annat " * 30
    rows = [["Orsak", "Åtgärd", "När", "Vem"], [long], ["a", "b", "c", "d"]]
    plan = read_plan(write_workbook(tmp_path / "l.xlsx", [Sheet("Blad1", rows)]))
    (area,) = plan.areas
    assert len(area.name) <= 200 and area.name.endswith("…")


# --------------------------------------------------------------------------- cells and files


def test_dates_numbers_and_formulas(tmp_path: Path) -> None:
    header = ["Problem", "Orsak", "Åtgärd", "När", "Vem", "Uppföljning"]
    rows = [
        header,
        ["Inbrott", "Skydd", "Grannsamverkan", dt.datetime(2025, 9, 30), "Polisen", None],
        ["Inbrott", "Skydd", "Märkning", 4, "Polisen", None],
        ["=A3", "Skydd", "Lås", dt.date(2025, 3, 1), "=E3", '=IF(1,"Uppfyllt","")'],
        ["=#REF!", "Skydd", "Info", "Q4", "Polisen", None],
    ]
    path = write_workbook(tmp_path / "formler.xlsx", [Sheet("1. Brott", rows)])
    add_cached_values(path, 1, {"A4": "Inbrott", "E4": "Polisen", "F4": "Uppfyllt", "A5": "#REF!"})
    rows_read = read_plan(path).areas[0].rows
    assert [r.when for r in rows_read] == ["2025-09-30", "4", "2025-03-01", "Q4"]
    assert (rows_read[2].problem, rows_read[2].responsible) == ("Inbrott", "Polisen")
    assert (rows_read[2].follow_up, rows_read[2].verdict) == ("Uppfyllt", "uppfyllt")
    assert rows_read[3].problem is None  # a broken formula is no text
    assert rows_read[3].missing == ["Problemområde"]


def test_macro_enabled_workbook(tmp_path: Path) -> None:
    rows = [["Orsak", "Åtgärd", "När", "Vem"], ["Mörker", "Belysning", "Q2", "TK"]]
    path = as_macro_workbook(write_workbook(tmp_path / "plan.xlsm", [Sheet("1. Platser", rows)]))
    plan = read_plan(path)
    assert _areas(plan) == [(1, "Platser", 1)]


def test_opendocument_spreadsheet_gets_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as info:
        read_plan(write_ods_lookalike(tmp_path / "plan.ods"))
    message = info.value.message
    assert "plan.ods" in message and ".ods" in message and "xlsx" in message
    assert "\n" not in message and info.value.__cause__ is None


def test_sheet_with_only_an_area_column_and_text_is_no_plan(tmp_path: Path) -> None:
    sheets = [
        Sheet("Sammanställning", [["Prioriterat område", "Antal åtgärder"], ["Unga", 3]]),
        CONTACTS,
        LAGESBILD,
    ]
    with pytest.raises(ImportFailed) as info:
        read_plan(write_workbook(tmp_path / "ingen.xlsx", sheets))
    assert "ingen flik med en åtgärdsplan" in info.value.message


# --------------------------------------------------------------------------- any layout

_WORDS = [
    "Prioriterat område",
    "Område",
    "Problem",
    "1. Orsak",
    "Åtgärd",
    "Aktivitet",
    "Mål",
    "Förväntat resultat",
    "När",
    "Tidsplan",
    "Vem",
    "Ansvarig aktör",
    "Uppföljning",
    "T1",
    "Status",
    "Kommentar",
    "Nr",
    "Unga i riskzon",
    "2. Otrygga platser",
    "Område 3: Brottsoffer",
    "Ange orsak",
    "Målet är uppfyllt",
    "Pågår",
    "Grön",
    "",
]
_CELLS = st.one_of(
    st.none(),
    st.sampled_from(_WORDS),
    st.integers(-5, 3000),
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), max_size=12),
)
_SHEETS = st.lists(
    st.tuples(
        st.sampled_from(["Blad1", "1. Unga", "1. Platser", "Instruktioner", "Plan 2025", "X"]),
        st.lists(st.lists(_CELLS, max_size=7), max_size=9),
        st.booleans(),
        st.sets(st.integers(1, 9), max_size=3),
        st.lists(st.tuples(st.integers(1, 9), st.integers(1, 6), st.integers(0, 2)), max_size=2),
    ),
    min_size=1,
    max_size=3,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=_SHEETS)
def test_any_workbook_reads_or_fails_in_one_swedish_line(tmp_path: Path, specs: list[Any]) -> None:
    """Whatever the layout: a plan with distinct area numbers, or one ImportFailed line,
    never the catch-all for an error inside the reader."""
    sheets = []
    for i, (title, rows, hidden, bold, merges) in enumerate(specs):
        ranges = [
            f"{'ABCDEFGHI'[c - 1]}{r}:{'ABCDEFGHI'[c - 1 + w]}{r + (w == 0)}" for r, c, w in merges
        ]
        sheets.append(
            Sheet(f"{title} {i}", rows, hidden=hidden and i > 0, bold_rows=bold, merges=ranges[:1])
        )
    path = write_workbook(tmp_path / "any.xlsx", sheets)
    try:
        plan = read_plan(path)
    except ImportFailed as e:
        assert "\n" not in e.message and "kunde inte läsas som en åtgärdsplan" not in e.message
        return
    numbers = [a.number for a in plan.areas]
    assert len(numbers) == len(set(numbers)) and all(n >= 1 for n in numbers)
    assert all(a.name and len(a.name) <= 200 for a in plan.areas)
    assert all(r.verdict in VERDICTS for r in _rows(plan))
