"""Further municipalities' templates, read as a user would check them: how many measures,
their numbers, texts, goals, "När", who, areas, status, and warnings in plain Swedish.

The workbooks are built in `tests.reports.municipal_workbooks` (real .xlsx/.xlsm files in
tmp_path) and read with `read_plan`. Besides them, small workbooks pin single rules: a
done-column of checkboxes, headers in two languages, headers asked as questions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from reports.xlsx_reader import ParsedPlan, ParsedRow, read_plan
from tests.reports import municipal_workbooks as books
from tests.reports.make_workbooks import Sheet, write_workbook


def _rows(plan: ParsedPlan) -> list[ParsedRow]:
    return [row for area in plan.areas for row in area.rows]


def _areas(plan: ParsedPlan) -> list[tuple[int, str, list[str | None]]]:
    return [(a.number, a.name, [r.measure for r in a.rows]) for a in plan.areas]


def _status(plan: ParsedPlan) -> list[tuple[str | None, str | None, str]]:
    return [(r.measure, r.follow_up, r.verdict) for r in _rows(plan)]


# --------------------------------------------------------------------------- whole plans


def test_lerum_an_excel_table_after_an_instruction_sheet(tmp_path: Path) -> None:
    plan = read_plan(books.lerum_table_after_instructions(tmp_path / "lerum.xlsx"))
    assert (plan.year, plan.district) == (2026, "Lerum")
    assert _areas(plan) == [
        (
            1,
            "Trygg offentlig miljö",
            ["Trygghetsvandring i Gråbo centrum", "Belysning i gångtunnlarna"],
        ),
        (2, "Unga i riskzon", ["Fältassistenter på helger", "Föräldravandringar"]),
    ]
    first, second, *_ = _rows(plan)
    assert (first.goal, first.when, first.responsible) == (
        "Fler boende känner sig trygga",
        "2 ggr/år",
        # Huvudansvarig first, the partners beside it after: both are the plan's Vem.
        "Trygghetssamordnare. Samverkan: Polisen, bostadsbolaget",
    )
    assert second.responsible == "Samhällsbyggnad"  # no partner: the responsible alone
    assert second.when == "2026-10-31"  # a real Excel date
    assert [v for *_, v in _status(plan)] == ["pagaende", "ej_uppfyllt", "uppfyllt", "uppfyllt"]
    # The comment right of the status says why: it is the follow-up's text.
    assert [r.follow_up for r in _rows(plan)] == [
        "Vårens vandring är gjord.",
        "Ej påbörjad",
        "Klar",
        "Genomförd",
    ]
    assert plan.warnings == []


def test_boras_a_sheet_per_area_with_the_header_below_a_logo(tmp_path: Path) -> None:
    plan = read_plan(books.boras_sheet_per_area_below_a_logo(tmp_path / "boras.xlsx"))
    assert (plan.title, plan.year, plan.district) == (
        "Brottsförebyggande åtgärdsplan 2026",
        2026,
        "Borås",
    )
    assert [(a.number, a.name, [r.ref for r in a.rows]) for a in plan.areas] == [
        (1, "Våld i nära relationer", ["A1", "A2"]),
        (2, "Narkotika", ["B1"]),
    ]
    a1, a2, b1 = _rows(plan)
    assert (a1.measure, a1.goal, a1.when, a1.responsible) == (
        "Utbildning i våldsprevention för personal",
        "All personal i förskolan utbildad",
        "Under 2026",
        "Utbildningsförvaltningen",
    )
    # Each tertial's text kept; the traffic light is the latest tertial's verdict.
    assert [(f.tertial, f.text, f.verdict) for f in a1.follow_ups] == [
        (1, "Utbildningen planerad.", "ej_bedomd"),
        (2, "Hälften utbildade.", "delvis"),
    ]
    assert (a2.verdict, b1.verdict) == ("uppfyllt", "ej_uppfyllt")
    assert plan.warnings == []


def test_harnosand_a_done_column_of_checkboxes(tmp_path: Path) -> None:
    plan = read_plan(books.harnosand_checkbox_done_column(tmp_path / "harnosand.xlsx"))
    assert (plan.year, plan.district) == (2026, "Härnösand")
    assert [(a.number, a.name, [r.ref for r in a.rows]) for a in plan.areas] == [
        (1, "Otrygghet i centrum", ["1.1", "1.2"]),
        (2, "Unga i riskzon", ["2.1"]),
    ]
    # A ticked box is the measure done; an unticked one says nothing yet.
    assert _status(plan) == [
        ("Ny belysning på Storgatan", "Klar", "uppfyllt"),
        ("Sanering inom 24 timmar", None, "ej_bedomd"),
        ("Närvaroteam på högstadiet", None, "ej_bedomd"),
    ]
    assert [r.problem for r in _rows(plan)] == ["Mörka stråk", "Klotter", "Skolfrånvaro"]
    # The hidden row is named; the template row with only an unticked box is no row at all.
    assert plan.warnings == [
        "Flik ”Åtgärdsplan”, rad 9: raden är dold och lästes inte in. Visa raden i Excel och "
        "läs in filen igen om den hör till planen."
    ]


def test_sodertalje_a_bilingual_macro_workbook(tmp_path: Path) -> None:
    plan = read_plan(books.sodertalje_bilingual_macro_workbook(tmp_path / "sodertalje.xlsm"))
    assert plan.year == 2026 and plan.district is None  # "Action plan" is no place
    assert _areas(plan) == [
        (1, "Unga i riskzon", ["Mentorprogram på högstadiet", "Sommarjobb för unga"]),
        (2, "Otrygga platser", ["Kameraövervakning vid stationen"]),
    ]
    assert [(r.goal, r.when, r.responsible) for r in _rows(plan)] == [
        ("20 mentorer", "2026-06-30", "Skolförvaltningen"),
        ("200 platser", "2026-08-31", "Arbetsmarknadsförvaltningen"),
        ("Färre rån", "2026-12-31", "Polisen"),
    ]
    assert [v for *_, v in _status(plan)] == ["uppfyllt", "delvis", "ej_uppfyllt"]
    assert plan.warnings == []


def test_kalix_headers_asked_as_questions(tmp_path: Path) -> None:
    plan = read_plan(books.kalix_questions_as_headers(tmp_path / "kalix.xlsx"))
    first, second = _rows(plan)
    assert (first.measure, first.cause, first.when, first.responsible) == (
        "Nattvandring",
        "Otrygghet på kvällarna",
        "Varje fredag",  # "Hur ofta?" is the rhythm, not how the measure is done
        "Föreningarna",
    )
    assert (first.follow_up, first.verdict) == ("Bra uppslutning.", "uppfyllt")
    assert (second.when, second.follow_up, second.verdict) == ("Varje vecka", None, "ej_bedomd")
    assert plan.warnings == []


def test_gavle_three_level_outline_and_a_status_report_sheet(tmp_path: Path) -> None:
    plan = read_plan(books.gavle_outline_with_status_report(tmp_path / "gavle.xlsx"))
    assert (plan.year, plan.district) == (2026, None)  # "Åtgärder 2026" names no place
    assert [(a.number, a.name, [(r.ref, r.problem) for r in a.rows]) for a in plan.areas] == [
        (1, "Trygga offentliga miljöer", [("1.1.1", "Centrum"), ("1.1.2", "Centrum")]),
        (2, "Barn och unga", [("2.1.1", "Skolan")]),
    ]
    assert [v for *_, v in _status(plan)] == ["pagaende", "uppfyllt", "pagaende"]
    assert plan.warnings == [
        "Fliken ”Statusrapport” upprepar åtgärder från fliken ”Åtgärder 2026” och lästes "
        "inte in, så att ingen åtgärd blir dubbel."
    ]


def test_katrineholm_a_table_with_an_unnamed_column_and_yes_no_boxes(tmp_path: Path) -> None:
    plan = read_plan(books.katrineholm_table_with_unnamed_column(tmp_path / "k.xlsx"))
    # "Kolumn1" is Excel's name for a header left empty, never the area's name.
    assert _areas(plan) == [
        (
            1,
            "Otrygga platser",
            ["Trygghetsvandring i centrum", "Röjning av buskage", "Väktare vid resecentrum"],
        )
    ]
    assert [r.problem for r in _rows(plan)] == [None, None, None]
    assert _status(plan) == [
        ("Trygghetsvandring i centrum", "Vandring 12 maj, 14 deltagare.", "uppfyllt"),
        ("Röjning av buskage", None, "ej_bedomd"),
        ("Väktare vid resecentrum", "Genomförd", "uppfyllt"),
    ]
    assert plan.warnings == []  # rows with only an unticked box are empty template rows


# --------------------------------------------------------------------------- single rules

BASE = ["Åtgärd", "När", "Vem"]
ROW = ["Trygghetsvandring", "2 ggr/år", "Trygghetssamordnare"]


@pytest.mark.parametrize(
    ("header", "ticked", "unticked", "word"),
    [
        ("Klar", True, False, "Klar"),
        ("Klar?", "x", None, "Klar"),
        ("Genomförd (ja/nej)", "Ja", "Nej", "Genomförd"),
        ("Klart (x)", "X", None, "Klart"),
        ("Avklarad", "✓", None, "Avklarad"),
        ("Status", True, False, "Klar"),
        ("Done", "Yes", "No", "Klar"),
    ],
)
def test_a_ticked_box_is_the_measure_done(
    tmp_path: Path, header: str, ticked: Any, unticked: Any, word: str
) -> None:
    rows = [[*BASE, header], [*ROW, ticked], ["Klottersanering", "Linjearbete", "TK", unticked]]
    plan = read_plan(write_workbook(tmp_path / "x.xlsx", [Sheet("1. Platser", rows)]))
    assert _status(plan) == [
        ("Trygghetsvandring", word, "uppfyllt"),
        ("Klottersanering", None, "ej_bedomd"),
    ]


def test_a_ticked_started_box_is_work_in_progress(tmp_path: Path) -> None:
    rows = [
        [*BASE, "Påbörjad (ja/nej)"],
        [*ROW, "Ja"],
        ["Klottersanering", "Linjearbete", "TK", "Nej"],
    ]
    plan = read_plan(write_workbook(tmp_path / "x.xlsx", [Sheet("1. Platser", rows)]))
    assert _status(plan) == [
        ("Trygghetsvandring", "Påbörjad", "pagaende"),
        ("Klottersanering", None, "ej_bedomd"),
    ]


def test_a_ticked_box_beside_a_follow_up_text_gives_the_text_its_verdict(tmp_path: Path) -> None:
    rows = [
        [*BASE, "Uppföljning", "Klar"],
        [*ROW, "Två vandringar gjorda.", True],
        ["Klottersanering", "Linjearbete", "TK", "Pågår.", False],
    ]
    plan = read_plan(write_workbook(tmp_path / "x.xlsx", [Sheet("1. Platser", rows)]))
    assert _status(plan) == [
        ("Trygghetsvandring", "Två vandringar gjorda.", "uppfyllt"),
        ("Klottersanering", "Pågår.", "pagaende"),
    ]


def test_a_klart_column_of_dates_is_still_the_deadline(tmp_path: Path) -> None:
    rows = [[*BASE[:2], "Klart", "Vem"], ["Belysning", None, dt.datetime(2026, 6, 30), "TK"]]
    (row,) = _rows(read_plan(write_workbook(tmp_path / "x.xlsx", [Sheet("1. Platser", rows)])))
    assert (row.when, row.follow_up) == ("2026-06-30", None)


@pytest.mark.parametrize(
    "header",
    [
        [
            "Focus area",
            "Problem",
            "Root cause",
            "Activity",
            "Expected outcome",
            "Timeline",
            "Responsible",
            "Follow-up",
        ],
        [
            "Område / Area",
            "Problem",
            "Orsak / Cause",
            "Åtgärd / Action",
            "Mål / Goal",
            "När / When",
            "Vem / Who",
            "Uppföljning / Follow-up",
        ],
        ["Priority area", "Issue", "Causes", "Actions", "Goals", "Due date", "Owner", "Progress"],
    ],
)
def test_headers_in_english_or_in_both_languages(tmp_path: Path, header: list[str]) -> None:
    rows = [
        header,
        [
            "Unga",
            "Rekrytering",
            "Skolfrånvaro",
            "Närvaroteam",
            "Ökad närvaro",
            "Q2 2026",
            "Skolan",
            "Teamet är på plats.",
        ],
    ]
    plan = read_plan(write_workbook(tmp_path / "en.xlsx", [Sheet("Plan", rows)]))
    (row,) = _rows(plan)
    assert [a.name for a in plan.areas] == ["Unga"]
    assert [row.problem, row.cause, row.measure, row.goal, row.when, row.responsible] == [
        "Rekrytering",
        "Skolfrånvaro",
        "Närvaroteam",
        "Ökad närvaro",
        "Q2 2026",
        "Skolan",
    ]
    assert row.follow_up == "Teamet är på plats." and plan.warnings == []


@pytest.mark.parametrize(
    ("word", "verdict"),
    [
        ("Green", "uppfyllt"),
        ("Amber", "delvis"),
        ("Red", "ej_uppfyllt"),
        ("On track", "pagaende"),
        ("Completed", "uppfyllt"),
        ("Not started", "ej_uppfyllt"),
        ("Avklarad", "uppfyllt"),
        ("Ej klar", "ej_uppfyllt"),
        ("Pausad", "ej_uppfyllt"),
        ("Genomförd delvis", "delvis"),
        ("Klar delvis", "delvis"),
        ("Löpande", "pagaende"),
        ("Genomförs", "pagaende"),
    ],
)
def test_status_words_of_other_plans(tmp_path: Path, word: str, verdict: str) -> None:
    rows = [[*BASE, "Status"], [*ROW, word]]
    (row,) = _rows(read_plan(write_workbook(tmp_path / "s.xlsx", [Sheet("1. Platser", rows)])))
    assert (row.follow_up, row.verdict) == (word, verdict)


def test_an_overview_sheet_of_the_same_columns_is_an_area_not_a_copy(tmp_path: Path) -> None:
    """Two area sheets of one template may name a measure alike: both are read."""
    rows = [["Orsak", *BASE], ["Mörker", *ROW], ["Klotter", "Klottersanering", "Linjearbete", "TK"]]
    plan = read_plan(
        write_workbook(tmp_path / "x.xlsx", [Sheet("1. Centrum", rows), Sheet("2. Gråbo", rows)])
    )
    assert [len(a.rows) for a in plan.areas] == [2, 2] and plan.warnings == []


def test_a_comment_beside_each_tertials_status_is_its_follow_up(tmp_path: Path) -> None:
    rows = [
        ["Kommun:", "Ale"],
        [],
        [*BASE, "Status T1", "Kommentar T1", "Status T2", "Kommentar T2", "Kommentar"],
        [*ROW, "Grön", "Bra start.", "Gul", "Några hoppade av.", "Ring Anna"],
    ]
    plan = read_plan(write_workbook(tmp_path / "x.xlsx", [Sheet("1. Unga", rows)]))
    (row,) = _rows(plan)
    assert [(f.tertial, f.text, f.verdict) for f in row.follow_ups] == [
        (1, "Bra start.", "uppfyllt"),
        (2, "Några hoppade av.", "delvis"),
    ]
    assert (row.follow_up, row.verdict) == ("Några hoppade av.", "delvis")
    assert plan.district == "Ale"


def test_a_comment_away_from_the_status_is_a_note(tmp_path: Path) -> None:
    rows = [[*BASE, "Kommentar", "Status"], [*ROW, "Ring Anna", "Pågår"]]
    (row,) = _rows(read_plan(write_workbook(tmp_path / "x.xlsx", [Sheet("1. Unga", rows)])))
    assert (row.follow_up, row.verdict) == ("Pågår", "pagaende")


def test_a_cause_column_the_plan_never_fills_is_no_partial_row(tmp_path: Path) -> None:
    rows = [["Orsak", *BASE], [None, *ROW], [None, "Klottersanering", "Linjearbete", "TK"]]
    other = [["Orsak", *BASE], [None, "SSP-möten", "8 ggr/år", "Prev"]]
    plan = read_plan(
        write_workbook(tmp_path / "x.xlsx", [Sheet("1. Platser", rows), Sheet("2. Unga", other)])
    )
    assert [r.missing for r in _rows(plan)] == [[], [], []] and plan.warnings == []


def test_an_empty_cause_among_filled_ones_is_still_reported(tmp_path: Path) -> None:
    rows = [["Orsak", *BASE], ["Mörker", *ROW], [None, "Klottersanering", "Linjearbete", "TK"]]
    plan = read_plan(write_workbook(tmp_path / "x.xlsx", [Sheet("1. Platser", rows)]))
    assert plan.warnings == [
        "Flik ”1. Platser”, rad 3: raden saknar Orsak och lästes in så långt den räcker."
    ]


def test_a_read_me_sheet_with_an_example_table_is_no_area(tmp_path: Path) -> None:
    readme = [
        ["Så fyller du i planen"],
        ["Exempel på en ifylld rad:"],
        BASE,
        ["Exempel: Trygghetsvandring i centrum", "2 ggr/år", "Trygghetssamordnare"],
    ]
    plan = read_plan(
        write_workbook(
            tmp_path / "x.xlsx",
            [Sheet("Läs mig först", readme), Sheet("Unga", [BASE, ROW])],
        )
    )
    assert _areas(plan) == [(1, "Unga", ["Trygghetsvandring"])] and plan.warnings == []


def test_each_partys_responsibility_in_a_column_of_its_own(tmp_path: Path) -> None:
    rows = [
        ["Åtgärd", "Kommunens åtagande", "Polisens åtagande", "När"],
        ["Trygghetsvandring", "Trygghetssamordnaren kallar", "Kommunpolisen deltar", "2 ggr/år"],
    ]
    (row,) = _rows(read_plan(write_workbook(tmp_path / "x.xlsx", [Sheet("1. Platser", rows)])))
    assert row.responsible == "Trygghetssamordnaren kallar\nKommunpolisen deltar"
    assert row.when == "2 ggr/år"


def test_status_columns_named_by_the_months_they_cover(tmp_path: Path) -> None:
    rows = [
        [*BASE, "Status jan–apr", "Status maj–aug", "Status sep–dec"],
        [*ROW, "Pågår", "Klar", None],
    ]
    (row,) = _rows(read_plan(write_workbook(tmp_path / "x.xlsx", [Sheet("1. Platser", rows)])))
    assert [(f.tertial, f.text, f.verdict) for f in row.follow_ups] == [
        (1, "Pågår", "pagaende"),
        (2, "Klar", "uppfyllt"),
    ]


def test_a_status_report_with_more_status_columns_than_the_plan_is_the_copy(
    tmp_path: Path,
) -> None:
    plan_rows = [
        ["Orsak", *BASE],
        ["Mörker", *ROW],
        ["Klotter", "Klottersanering", "Löpande", "TK"],
    ]
    report = [
        ["Åtgärd", "Status T1", "Kommentar T1", "Status T2", "Kommentar T2"],
        ["Trygghetsvandring", "Grön", "En vandring.", None, None],
        ["Klottersanering", "Gul", "Eftersläp.", None, None],
    ]
    plan = read_plan(
        write_workbook(
            tmp_path / "x.xlsx", [Sheet("Åtgärdsplan", plan_rows), Sheet("Rapport T1", report)]
        )
    )
    assert [(r.cause, r.measure, r.when) for r in _rows(plan)] == [
        ("Mörker", "Trygghetsvandring", "2 ggr/år"),
        ("Klotter", "Klottersanering", "Löpande"),
    ]
    (warning,) = plan.warnings
    assert warning.startswith("Fliken ”Rapport T1” upprepar åtgärder från fliken ”Åtgärdsplan”")


def test_an_unnamed_table_column_keeps_its_cells_but_names_no_area(tmp_path: Path) -> None:
    rows = [["Kolumn1", *BASE], ["Mörka stråk", *ROW], ["Klotter", "Sanering", "Löpande", "TK"]]
    plan = read_plan(write_workbook(tmp_path / "x.xlsx", [Sheet("Otrygga platser", rows)]))
    assert _areas(plan) == [(1, "Otrygga platser", ["Trygghetsvandring", "Sanering"])]
    assert [r.problem for r in _rows(plan)] == ["Mörka stråk", "Klotter"]
    assert plan.warnings == []


@pytest.mark.parametrize(
    "when_to_follow_up",
    ["Tidpunkt för uppföljning", "Uppföljningsdatum", "När ska åtgärden följas upp?"],
)
def test_when_a_measure_is_followed_up_is_neither_its_when_nor_a_follow_up(
    tmp_path: Path, when_to_follow_up: str
) -> None:
    rows = [[*BASE, when_to_follow_up], [*ROW, "2026-04-30"]]
    (row,) = _rows(read_plan(write_workbook(tmp_path / "x.xlsx", [Sheet("1. Platser", rows)])))
    assert (row.when, row.follow_up) == ("2 ggr/år", None)


def test_counts_by_status_below_the_measures_are_no_measures(tmp_path: Path) -> None:
    rows = [
        [*BASE, "Status"],
        [*ROW, "Klar"],
        ["Klottersanering", "Linjearbete", "TK", "Pågår"],
        [],
        ["Antal åtgärder:", 2],
        ["Varav klara:", 1],
        ["Andel genomförda", "50 %"],
        ["Antal klara", None, None, 1],
    ]
    plan = read_plan(write_workbook(tmp_path / "x.xlsx", [Sheet("1. Platser", rows)]))
    assert [r.measure for r in _rows(plan)] == ["Trygghetsvandring", "Klottersanering"]
    assert plan.warnings == []


def test_a_measure_that_begins_like_a_count_is_read(tmp_path: Path) -> None:
    rows = [[*BASE, "Status"], ["Andel unga med sommarjobb ska öka", "Under 2026", "AMF", None]]
    (row,) = _rows(read_plan(write_workbook(tmp_path / "x.xlsx", [Sheet("1. Unga", rows)])))
    assert row.measure == "Andel unga med sommarjobb ska öka"


@pytest.mark.parametrize("label", ["Prioriterat område:", "Fokusområde", "Område:"])
def test_the_area_labelled_in_two_cells_above_the_header(tmp_path: Path, label: str) -> None:
    def area_sheet(title: str, name: str, row: list[Any]) -> Sheet:
        return Sheet(title, [["Kommun:", "Ale"], [label, name], [], BASE, row])

    plan = read_plan(
        write_workbook(
            tmp_path / "x.xlsx",
            [
                area_sheet("Blad1", "Unga i riskzon", ROW),
                area_sheet("Blad2", "Trygghet i centrum", ["Belysning", "Q2", "TK"]),
            ],
        )
    )
    assert _areas(plan) == [
        (1, "Unga i riskzon", ["Trygghetsvandring"]),
        (2, "Trygghet i centrum", ["Belysning"]),
    ]
    assert plan.district == "Ale" and plan.warnings == []
