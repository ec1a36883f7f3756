"""Plans in layouts the other municipalities' tests do not cover, read as a coordinator
would check them: every measure and nothing else, the areas, number, goal, När and Vem in
their fields, the follow-ups and statuses in their periods, and a Swedish warning for
what is left out.

The workbooks are built in `tests.reports.sweep_workbooks` (real .xlsx files in tmp_path)
and read with `read_plan`; small workbooks pin the single rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from models.errors import ImportFailed
from reports.xlsx_reader import ParsedPlan, ParsedRow, read_plan
from tests.reports import sweep_workbooks as books
from tests.reports.make_workbooks import Sheet, write_workbook


def _rows(plan: ParsedPlan) -> list[ParsedRow]:
    return [row for area in plan.areas for row in area.rows]


def _areas(plan: ParsedPlan) -> list[tuple[int, str, list[str | None]]]:
    return [(a.number, a.name, [r.ref for r in a.rows]) for a in plan.areas]


def _follow_ups(row: ParsedRow) -> list[tuple[int | None, str, str]]:
    return [(f.tertial, f.text, f.verdict) for f in row.follow_ups]


# --------------------------------------------------------------------------- whole plans


def test_ostersund_a_flat_export_with_everything_on_every_row(tmp_path: Path) -> None:
    plan = read_plan(books.ostersund_flat_export(tmp_path / "ostersund.xlsx"))
    assert _areas(plan) == [
        (1, "Trygg stadskärna", ["A1", "A2", "A3"]),
        (2, "Unga i riskzon", ["B1", "B2"]),
    ]
    rows = _rows(plan)
    first = rows[0]
    assert (first.problem, first.cause, first.measure, first.goal) == (
        "Otrygghet kvällstid i centrum",
        "Mörka stråk och öppen narkotikahandel",
        "Ny belysning på Prästgatan",
        "Färre anmälda rån",
    )
    # Start and end as real dates: the measure's window; who in Vem, not the last change.
    assert (first.when, first.responsible) == ("2025-03-01 – 2025-10-31", "Tekniska förvaltningen")
    assert rows[2].cause == "Få vuxna ute på kvällarna"
    # The drop-down's words: Klar, Stoppad, Pågår, Ej påbörjad; a comment says why.
    assert [(r.follow_up, r.verdict) for r in rows] == [
        ("Alla armaturer är utbytta.", "uppfyllt"),
        ("Tillståndet överklagat, arbetet vilar.", "ej_uppfyllt"),
        ("Pågår", "pagaende"),
        ("Ej påbörjad", "ej_uppfyllt"),
        ("Tolv unga har fått en plan.", "pagaende"),
    ]
    # The line saying when the file was exported is no measure, and no partial row.
    assert plan.warnings == []


def test_vaxjo_follow_ups_on_a_sheet_of_their_own(tmp_path: Path) -> None:
    plan = read_plan(books.vaxjo_follow_ups_on_their_own_sheet(tmp_path / "vaxjo.xlsx"))
    # The follow-up sheet's title names the plan's year, not a place.
    assert (plan.year, plan.district) == (2025, None)
    assert _areas(plan) == [
        (1, "Trygghet i centrum", ["1.1", "1.2"]),
        (2, "Unga i riskzon", ["2.1", "2.2"]),
    ]
    light, licences, school, hall = _rows(plan)
    # Each measure's follow-up, by its number, in the tertial of its column; the status
    # column is the latest tertial's.
    assert _follow_ups(light) == [
        (1, "Upphandlad.", "ej_bedomd"),
        (2, "Uppsatt i juni.", "ej_bedomd"),
        (3, "Målet är uppfyllt.", "uppfyllt"),
    ]
    assert _follow_ups(licences) == [(1, "Fyra tillsyner.", "pagaende")]
    assert _follow_ups(school) == [
        (1, "Teamet är anställt.", "ej_bedomd"),
        (2, "Frånvaron har minskat.", "pagaende"),
    ]
    assert (hall.follow_ups, hall.verdict) == ([], "ej_bedomd")
    # The plan's own texts are kept: the follow-up sheet's shortened names are not.
    assert school.measure == "Närvaroteam i högstadiet"
    assert plan.warnings == [
        "Fliken ”Uppföljning” lästes inte in som egna åtgärder: uppföljningen på den lästes in"
        " till 3 åtgärder i planen med samma nummer eller namn."
    ]


def test_lulea_causes_merged_over_measures_numbered_with_letters(tmp_path: Path) -> None:
    plan = read_plan(books.lulea_merged_causes_and_lettered_numbers(tmp_path / "lulea.xlsx"))
    assert _areas(plan) == [(1, "Otrygga platser", ["1a", "1b", "1c", "2a", "2b"])]
    rows = _rows(plan)
    assert [(r.problem, r.cause) for r in rows] == [
        ("Otrygghet vid resecentrum", "Skymd sikt och mörker"),
        ("Otrygghet vid resecentrum", "Skymd sikt och mörker"),
        ("Otrygghet vid resecentrum", "Skymd sikt och mörker"),
        ("Otrygghet vid resecentrum", "Öppen droghandel"),
        ("Otrygghet vid resecentrum", "Öppen droghandel"),
    ]
    assert [r.when for r in rows] == [
        "2025-05-31",
        "2025-09-30",
        "2025-10-15",
        "2025-12-31",
        "2025-12-31",
    ]
    assert rows[3].responsible == "Polisen"
    assert [r.follow_up for r in rows] == [
        "Klart i april.",
        None,
        "Planerad till oktober.",
        "Pågår.",
        None,
    ]
    assert plan.warnings == []  # the italic guidance row is the template's, left out


def test_kiruna_last_years_tertials_hidden_under_a_year_of_their_own(tmp_path: Path) -> None:
    """ "Uppföljning" over "2024 | 2025" over "T1 | T2 | T3": a header of three rows."""
    path = books.kiruna_old_years_in_hidden_columns(tmp_path / "kiruna.xlsx")
    plan = read_plan(path, year=2025)
    cameras, light = _rows(plan)
    # The header's rows are no measure; the cause and Vem merged down over them are read.
    assert [(r.cause, r.measure, r.responsible) for r in (cameras, light)] == [
        ("Skadegörelse på skolor", "Kameror vid skolgårdarna", "Fastighetsbolaget"),
        ("Mörker i centrum", "Belysning på torget", "Tekniska förvaltningen"),
    ]
    # 2025's T1 and T2 only: last year's "Målet är uppfyllt." is no 2025 year-end.
    assert _follow_ups(cameras) == [
        (1, "Nya skolor inventerade.", "ej_bedomd"),
        (2, "Två till monterade.", "ej_bedomd"),
    ]
    assert _follow_ups(light) == [(1, "Inte påbörjad.", "ej_uppfyllt")]
    assert plan.warnings == [
        "Flik ”Åtgärdsplan”: kolumnerna ”Uppföljning 2024: T1” (D), ”Uppföljning 2024: T2”"
        " (E) och ”Uppföljning 2024: T3” (F) gäller 2024, inte planens år (2025), och"
        " lästes inte in som uppföljning för 2025. Bara kolumner för 2025 och kolumner utan"
        " år läses in."
    ]


def test_pitea_one_row_per_measure_and_period(tmp_path: Path) -> None:
    plan = read_plan(books.pitea_one_row_per_period(tmp_path / "pitea.xlsx"))
    assert _areas(plan) == [(1, "Trygg miljö", ["1.1", "1.2"]), (2, "Unga", ["2.1"])]
    light, walk, field_group = _rows(plan)
    assert _follow_ups(light) == [(1, "Upphandlad.", "pagaende"), (2, "Uppsatt.", "uppfyllt")]
    assert [f.year for f in light.follow_ups] == [2025, 2025]
    assert (light.follow_up, light.verdict, light.when) == ("Uppsatt.", "uppfyllt", None)
    assert _follow_ups(walk) == [(1, "Genomförd i mars.", "uppfyllt")]
    assert walk.when is None  # its one period is no När either
    assert [f.tertial for f in field_group.follow_ups] == [1, 2]
    assert field_group.responsible == "Socialtjänsten"
    assert plan.warnings == [
        "Flik ”Uppföljningsrapport”: 2 åtgärder stod på en rad per period. Raderna lästes"
        " som en åtgärd var, med uppföljningen för varje period; perioden lästes inte som"
        " åtgärdens När."
    ]


# --------------------------------------------------------------------------- single rules

HEADER = ["Orsak", "Åtgärd", "Vem"]


def test_hidden_tertial_columns_beside_visible_ones_are_last_years(tmp_path: Path) -> None:
    labels = [f"Uppföljning T{t}" for t in (1, 2, 3)] * 2
    rows: list[list[Any]] = [
        [*HEADER, *labels],
        ["Klotter", "Sanering", "SDF", "Beställt.", "Pågår.", "Målet är uppfyllt.", "Avtal."],
        ["Mörker", "Belysning", "TK", "Pågår.", "Pågår.", "Klart.", None, None, None],
    ]
    sheet = Sheet("Åtgärdsplan 2025", rows, hidden_cols={"D", "E", "F"})
    plan = read_plan(write_workbook(tmp_path / "h.xlsx", [sheet]))
    graffiti, light = _rows(plan)
    assert _follow_ups(graffiti) == [(1, "Avtal.", "ej_bedomd")]
    # Last year's "Klart." in a hidden T3 is not this year's verdict.
    assert (light.follow_ups, light.verdict) == ([], "ej_bedomd")
    assert plan.warnings == [
        "Flik ”Åtgärdsplan 2025”: de dolda kolumnerna ”Uppföljning T1” (D), ”Uppföljning T2”"
        " (E) och ”Uppföljning T3” (F) lästes inte in, eftersom synliga kolumner gäller samma"
        " period; dolda kolumner brukar vara ett tidigare års. Visa kolumnerna i Excel och"
        " läs in filen igen om de hör till planens uppföljning."
    ]


def test_a_hidden_column_of_a_period_no_visible_column_has_is_read(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        [*HEADER, "Uppföljning T1", "Uppföljning T2", "Uppföljning T3"],
        ["Klotter", "Sanering", "SDF", "Beställt.", "Pågår.", None],
    ]
    sheet = Sheet("Åtgärdsplan 2025", rows, hidden_cols={"F"})  # T3 kept out of sight
    plan = read_plan(write_workbook(tmp_path / "t3.xlsx", [sheet]))
    (graffiti,) = _rows(plan)
    assert [f.tertial for f in graffiti.follow_ups] == [1, 2] and plan.warnings == []


def test_a_follow_up_sheet_named_by_its_tertial_matched_by_name(tmp_path: Path) -> None:
    plan_rows = [
        ["Orsak", "Åtgärd", "När", "Vem"],
        ["Skolk", "Skolvärdar i högstadiet", "Löpande", "Skola"],
        ["Mörker", "Belysning i parken", "Q2", "TK"],
    ]
    report = [
        ["Åtgärd", "Status", "Kommentar"],
        ["Skolvärdar högstadiet", "Pågår", "Två värdar anställda."],
        ["Nattvandring", "Klar", "Tio vandringar."],
    ]
    sheets = [Sheet("1. Unga", plan_rows), Sheet("Uppföljning T2", report)]
    plan = read_plan(write_workbook(tmp_path / "u.xlsx", sheets))
    school, light = _rows(plan)
    # The sheet's name gives the tertial; the shortened name the measure.
    assert _follow_ups(school) == [(2, "Två värdar anställda.", "pagaende")]
    assert light.follow_ups == []
    assert plan.warnings == [
        "Fliken ”Uppföljning T2” lästes inte in som egna åtgärder: uppföljningen på den lästes"
        " in till 1 åtgärd i planen med samma nummer eller namn. Ingen åtgärd i planen har"
        " samma nummer eller namn som rad 3 (”Nattvandring”), så den uppföljningen lästes"
        " inte in. Rätta numret eller namnet och läs in filen igen."
    ]


def test_the_plans_own_follow_up_wins_over_the_follow_up_sheets(tmp_path: Path) -> None:
    plan_rows = [
        ["Nr", "Orsak", "Åtgärd", "Vem", "Uppföljning"],
        ["1", "Skolk", "Skolvärdar", "Skola", "Anställda i mars."],
        ["2", "Mörker", "Belysning", "TK", None],
    ]
    report = [
        ["Nr", "Åtgärd", "Uppföljning"],
        ["1", "Skolvärdar", "Gammal text."],
        ["2", "Belysning", "Uppsatt."],
    ]
    sheets = [Sheet("1. Unga", plan_rows), Sheet("Uppföljning", report)]
    plan = read_plan(write_workbook(tmp_path / "w.xlsx", sheets))
    school, light = _rows(plan)
    assert (school.follow_up, light.follow_up) == ("Anställda i mars.", "Uppsatt.")
    (warning,) = plan.warnings
    assert warning.endswith("För 1 åtgärd gäller uppföljningen i planen, inte den på fliken.")


def test_a_status_report_copy_gives_the_status_the_plan_lacks(tmp_path: Path) -> None:
    plan_rows = [
        ["Orsak", "Åtgärd", "När", "Vem"],
        ["Mörker", "Trygghetsvandring", "2 ggr/år", "TK"],
        ["Klotter", "Klottersanering", "Löpande", "TK"],
    ]
    report = [
        ["Åtgärd", "Status T1", "Kommentar T1"],
        ["Trygghetsvandring", "Grön", "En vandring."],
        ["Klottersanering", "Gul", "Eftersläp."],
    ]
    sheets = [Sheet("Åtgärdsplan", plan_rows), Sheet("Rapport T1", report)]
    plan = read_plan(write_workbook(tmp_path / "r.xlsx", sheets))
    assert [_follow_ups(r) for r in _rows(plan)] == [
        [(1, "En vandring.", "uppfyllt")],
        [(1, "Eftersläp.", "delvis")],
    ]
    assert plan.warnings == [
        "Fliken ”Rapport T1” upprepar åtgärder från fliken ”Åtgärdsplan” och lästes inte in"
        " som egna åtgärder, så att ingen åtgärd blir dubbel. Uppföljningen på den lästes in"
        " till 2 åtgärder som saknade uppföljning i planen."
    ]


def test_a_repeated_measure_without_periods_is_not_joined(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Nr", "Åtgärd", "När", "Vem"],
        ["1", "Trygghetsvandring", "Våren", "TK"],
        ["2", "Trygghetsvandring", "Hösten", "TK"],
    ]
    plan = read_plan(write_workbook(tmp_path / "twice.xlsx", [Sheet("Åtgärder", rows)]))
    assert [(r.ref, r.when) for r in _rows(plan)] == [("1", "Våren"), ("2", "Hösten")]
    assert plan.warnings == []


def test_letters_of_the_numbers_divide_the_only_sheet_into_areas(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Nr", "Orsak", "Åtgärd", "Vem"],
        ["A1", "Mörker", "Belysning", "TK"],
        ["A2", "Klotter", "Sanering", "SDF"],
        ["B1", "Skolk", "Skolvärdar", "Skola"],
        ["B2", "Oro", "Fältgrupp", "Socialtjänsten"],
    ]
    plan = read_plan(write_workbook(tmp_path / "ab.xlsx", [Sheet("Åtgärder", rows)]))
    assert _areas(plan) == [(1, "Område A", ["A1", "A2"]), (2, "Område B", ["B1", "B2"])]
    assert plan.warnings == [
        "Fliken ”Åtgärder” namnger inga prioriterade områden. Åtgärderna delades in efter sina"
        " nummer i Område A, Område B. Lägg gärna till en kolumn Prioriterat område i filen"
        " och läs in den igen."
    ]


def test_a_tertial_column_beside_när_joins_a_measures_rows_per_period(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Nr", "Åtgärd", "När", "Ansvarig", "Tertial", "Uppföljning", "Status"],
        ["1.1", "Belysning i parken", "Hela året", "TK", "T1", "Upphandlad.", "Pågår"],
        ["1.1", "Belysning i parken", "Hela året", "TK", "T2", None, "Klar"],
        ["1.2", "Trygghetsvandring", "Våren", "Polisen", "T1", "Två vandringar.", "Klar"],
    ]
    plan = read_plan(write_workbook(tmp_path / "t.xlsx", [Sheet("Uppföljning 2025", rows)]))
    light, walk = _rows(plan)
    # The plan's När is kept; the tertial is the follow-up's period.
    assert (light.when, _follow_ups(light)) == (
        "Hela året",
        [(1, "Upphandlad.", "pagaende"), (2, "Klar", "uppfyllt")],
    )
    assert (walk.when, _follow_ups(walk)) == ("Våren", [(1, "Två vandringar.", "uppfyllt")])
    assert len(plan.warnings) == 1 and "1 åtgärd stod på en rad per period" in plan.warnings[0]


def _card(measure: str, who: str) -> list[list[Any]]:
    return [
        ["Åtgärdskort"],
        ["Prioriterat område:", "Trygghet i centrum"],
        ["Orsak:", "Mörka stråk"],
        ["Åtgärd:", measure],
        ["Ansvarig:", who],
        ["Uppföljning T1:", "Pågår."],
    ]


@pytest.mark.parametrize(
    ("sheets", "said"),
    [
        (
            [
                Sheet("Åtgärd 1", _card("Belysning", "TK")),
                Sheet("Åtgärd 2", _card("Sanering", "SDF")),
            ],
            "På fliken ”Åtgärd 1” står rubrikerna under varandra i kolumn A (Prioriterat område,"
            " Orsak, Åtgärd, Ansvarig).",
        ),
        (
            [
                Sheet(
                    "Plan",
                    [
                        [None, "Åtgärd 1", "Åtgärd 2"],
                        ["Orsak", "Mörker", "Klotter"],
                        ["Åtgärd", "Belysning", "Sanering"],
                        ["Ansvarig", "TK", "SDF"],
                    ],
                )
            ],
            "På fliken ”Plan” står rubrikerna under varandra i kolumn A (Orsak, Åtgärd, Ansvarig).",
        ),
    ],
    ids=["a-card-per-measure", "a-column-per-measure"],
)
def test_headers_down_a_column_get_a_message_that_says_so(
    tmp_path: Path, sheets: list[Sheet], said: str
) -> None:
    with pytest.raises(ImportFailed) as failed:
        read_plan(write_workbook(tmp_path / "kort.xlsx", sheets))
    assert failed.value.message == (
        "Filen kort.xlsx innehåller ingen flik med en åtgärdsplan (ingen rubrikrad med Åtgärd"
        f" och Orsak, När eller Vem hittades). {said} Planen behöver en rad per åtgärd, med"
        " rubrikerna på en rad överst (Åtgärd, Orsak, När, Vem …), som i mallen."
    )


def test_last_years_measures_in_hidden_rows_are_one_warning(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Nr", "Orsak", "Åtgärd", "Vem", "Uppföljning"]]
    rows += [[f"1.{i}", "Mörker", f"Åtgärd {i} för 2025", "TK", None] for i in (1, 2)]
    rows += [[f"1.{i}", "Mörker", f"Åtgärd {i} för 2024", "TK", "Klart."] for i in (1, 2, 3)]
    rows += [["1.3", "Klotter", "Sanering", "SDF", None]]
    sheet = Sheet("Åtgärdsplan 2025", rows, hidden_rows={4, 5, 6})
    plan = read_plan(write_workbook(tmp_path / "hr.xlsx", [sheet]))
    assert [r.ref for r in _rows(plan)] == ["1.1", "1.2", "1.3"]
    assert plan.warnings == [
        "Flik ”Åtgärdsplan 2025”, rad 4–6: 3 dolda rader lästes inte in. Visa raderna i Excel"
        " och läs in filen igen om de hör till planen."
    ]


PLAN_ROWS: list[list[Any]] = [
    ["Nr", "Orsak", "Åtgärd", "När", "Vem"],
    ["1", "Mörker", "Belysning", "Q2", "TK"],
    ["2", "Klotter", "Sanering", "Löpande", "SDF"],
]


@pytest.mark.parametrize(
    "follow_up_sheet",
    [
        [
            ["Nr", "Åtgärd", "Period", "Uppföljning", "Status"],
            ["1", "Belysning", "2025-T1", "Beställd.", "Pågår"],
            ["1", "Belysning", "2025-T2", "Uppsatt.", "Klar"],
        ],
        # The measure by its number only, its comment left of the status.
        [
            ["Nr", "Tertial", "Kommentar", "Status"],
            ["1", "T1", "Beställd.", "Pågår"],
            ["1", "T2", "Uppsatt.", "Klar"],
        ],
    ],
    ids=["with-the-measures-name", "by-number-only"],
)
def test_a_follow_up_sheet_with_a_row_per_period(
    tmp_path: Path, follow_up_sheet: list[list[Any]]
) -> None:
    sheets = [Sheet("Åtgärdsplan 2025", PLAN_ROWS), Sheet("Uppföljning", follow_up_sheet)]
    plan = read_plan(write_workbook(tmp_path / "f.xlsx", sheets))
    light, graffiti = _rows(plan)
    assert _follow_ups(light) == [(1, "Beställd.", "pagaende"), (2, "Uppsatt.", "uppfyllt")]
    assert graffiti.follow_ups == []
    assert plan.warnings == [
        "Fliken ”Uppföljning” lästes inte in som egna åtgärder: uppföljningen på den lästes in"
        " till 1 åtgärd i planen med samma nummer eller namn."
    ]


def test_a_follow_up_sheet_alone_without_measures_is_no_plan(tmp_path: Path) -> None:
    rows = [["Nr", "Tertial", "Kommentar", "Status"], ["1", "T1", "Beställd.", "Pågår"]]
    with pytest.raises(ImportFailed):
        read_plan(write_workbook(tmp_path / "u.xlsx", [Sheet("Uppföljning", rows)]))


@pytest.mark.parametrize(
    ("title", "period"),
    [("Tertialuppföljning T2", (2, None)), ("Årsuppföljning 2025", (3, 2025))],
)
def test_a_follow_up_sheet_by_another_name_gives_its_period(
    tmp_path: Path, title: str, period: tuple[int, int | None]
) -> None:
    follow = [["Nr", "Kommentar", "Status"], ["1", "Uppsatt.", "Klar"]]
    sheets = [Sheet("Åtgärdsplan 2025", PLAN_ROWS), Sheet(title, follow)]
    plan = read_plan(write_workbook(tmp_path / "f.xlsx", sheets))
    light, _ = _rows(plan)
    assert [(f.tertial, f.year, f.text) for f in light.follow_ups] == [(*period, "Uppsatt.")]
    assert plan.warnings[0].startswith(f"Fliken ”{title}” lästes inte in som egna åtgärder")


def test_last_years_follow_up_sheet_is_left_out_saying_why(tmp_path: Path) -> None:
    follow = [["Nr", "Kommentar", "Status"], ["1", "Uppsatt.", "Klar"]]
    sheets = [Sheet("Åtgärdsplan 2025", PLAN_ROWS), Sheet("Uppföljning 2024", follow)]
    plan = read_plan(write_workbook(tmp_path / "f.xlsx", sheets))
    assert [r.follow_ups for r in _rows(plan)] == [[], []]
    assert plan.warnings == [
        "Fliken ”Uppföljning 2024” gäller 2024, inte planens år (2025), och lästes inte in."
    ]
