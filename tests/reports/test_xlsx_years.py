"""A plan sheet kept from year to year: follow-up and status columns of several years.

Only the columns of the plan's year (asked for with --year, or given by the file's title)
and the columns of no year are the plan's follow-up; the others are left out with a
warning that names them. Partners beside the responsible party are kept in Vem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reports.xlsx_reader import ParsedPlan, ParsedRow, read_plan
from tests.reports.make_workbooks import Sheet, write_workbook

HEADER = ["Orsak", "Åtgärd", "Vem"]
TITLE = ["Åtgärdsplan 2026 – Nässjö kommun"]


def _rows(plan: ParsedPlan) -> list[ParsedRow]:
    return [row for area in plan.areas for row in area.rows]


def _follow_ups(row: ParsedRow) -> list[tuple[int | None, str]]:
    return [(f.tertial, f.text) for f in row.follow_ups]


def _years(row: ParsedRow) -> list[int | None]:
    return [f.year for f in row.follow_ups]


def test_last_years_follow_up_column_is_not_this_years(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        TITLE,
        [],
        [*HEADER, "Uppföljning 2025", "Uppföljning 2026"],
        ["Mörker", "Belysning", "TK", "Lamporna är uppsatta, målet är uppfyllt.", None],
        ["Klotter", "Sanering", "SDF", "Pågick hela året.", "Avtal klart i mars."],
    ]
    plan = read_plan(write_workbook(tmp_path / "plan.xlsx", [Sheet("1. Platser", rows)]))
    assert plan.year == 2026
    light, graffiti = _rows(plan)
    # Last year's text, not yet a word for 2026: no follow-up, not "uppfyllt".
    assert (light.follow_ups, light.follow_up, light.verdict) == ([], None, "ej_bedomd")
    assert _follow_ups(graffiti) == [(None, "Avtal klart i mars.")]
    assert _years(graffiti) == [2026]
    assert plan.warnings == [
        "Flik ”1. Platser”: kolumnen ”Uppföljning 2025” (D) gäller 2025, inte planens år"
        " (2026), och lästes inte in som uppföljning för 2026. Bara kolumner för 2026 och"
        " kolumner utan år läses in."
    ]


def test_status_columns_per_year_take_the_status_of_the_plans_year(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        [*HEADER, "Status 2025", "Status 2026", "Uppföljning 2025", "Uppföljning 2026"],
        ["Mörker", "Belysning", "TK", "Klar", None, "Klart.", None],
        ["Klotter", "Sanering", "SDF", "Pågår", "Ej påbörjad", "Pågår.", "Inte startad i år."],
    ]
    path = write_workbook(tmp_path / "status.xlsx", [Sheet("1. Platser", rows)])
    light, graffiti = _rows(read_plan(path, year=2026))  # `atgard import … --year 2026`
    assert (light.follow_ups, light.verdict) == ([], "ej_bedomd")
    assert (graffiti.follow_up, graffiti.verdict) == ("Inte startad i år.", "ej_uppfyllt")
    # Asked for 2025, the same file is read as 2025's: the plan's year, not the latest.
    plan_2025 = read_plan(path, year=2025)
    light, graffiti = _rows(plan_2025)
    assert (light.follow_up, light.verdict) == ("Klart.", "uppfyllt")
    assert (graffiti.follow_up, graffiti.verdict) == ("Pågår.", "pagaende")
    assert plan_2025.warnings == [
        "Flik ”1. Platser”: kolumnerna ”Status 2026” (E) och ”Uppföljning 2026” (G) gäller"
        " 2026, inte planens år (2025), och lästes inte in som uppföljning för 2025. Bara"
        " kolumner för 2025 och kolumner utan år läses in."
    ]


def test_tertial_columns_of_last_year_are_not_this_years_tertials(tmp_path: Path) -> None:
    labels = [f"Uppföljning T{t} 2025" for t in (1, 2, 3)] + ["Uppföljning T1 2026"]
    rows: list[list[Any]] = [
        TITLE,
        [*HEADER, *labels],
        ["Mörker", "Belysning", "TK", "Beställd.", "Uppsatt.", "Målet är uppfyllt.", "Lagad."],
        ["Klotter", "Sanering", "SDF", "Pågår.", "Pågår.", "Klart.", None],
    ]
    plan = read_plan(write_workbook(tmp_path / "t.xlsx", [Sheet("1. Platser", rows)]))
    light, graffiti = _rows(plan)
    # 2025's T2 and T3 must not become 2026's.
    assert _follow_ups(light) == [(1, "Lagad.")]
    assert _years(light) == [2026] and light.verdict == "ej_bedomd"
    assert graffiti.follow_ups == [] and graffiti.verdict == "ej_bedomd"
    (warning,) = plan.warnings
    assert warning.startswith(
        "Flik ”1. Platser”: kolumnerna ”Uppföljning T1 2025” (D), ”Uppföljning T2 2025” (E)"
        " och ”Uppföljning T3 2025” (F) gäller 2025, inte planens år (2026)"
    )


@pytest.mark.parametrize("header_above", [False, True])
def test_a_year_over_its_tertials_names_their_year(tmp_path: Path, header_above: bool) -> None:
    # The group headers on a row of their own, or on the header row (its cells merged down).
    top = HEADER if header_above else [None, None, None]
    rows: list[list[Any]] = [
        [*top, "Uppföljning 2025", None, None, "Uppföljning 2026", None, None],
        [*([None] * 3 if header_above else HEADER), "T1", "T2", "T3", "T1", "T2", "T3"],
        ["Mörker", "Belysning", "TK", "Beställd.", "Uppsatt.", "Klart.", "Lagad.", None, None],
    ]
    merges = ["D1:F1", "G1:I1", *(["A1:A2", "B1:B2", "C1:C2"] if header_above else [])]
    sheet = Sheet("1. Platser", rows, merges=merges)
    plan = read_plan(write_workbook(tmp_path / "g.xlsx", [sheet]), year=2026)
    (light,) = _rows(plan)
    assert _follow_ups(light) == [(1, "Lagad.")]
    assert _years(light) == [2026]
    (warning,) = plan.warnings
    assert "”Uppföljning 2025: T1” (D)" in warning and "(2026)" in warning


def test_without_the_plans_year_the_latest_years_columns_are_read(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        [*HEADER, "Uppföljning 2025", "Uppföljning 2026"],
        ["Mörker", "Belysning", "TK", "Målet är uppfyllt.", None],
        ["Klotter", "Sanering", "SDF", "Pågick.", "Avtal klart."],
    ]
    plan = read_plan(write_workbook(tmp_path / "p.xlsx", [Sheet("1. Platser", rows)]))
    assert plan.year is None
    light, graffiti = _rows(plan)
    assert (light.follow_ups, light.verdict) == ([], "ej_bedomd")
    assert _follow_ups(graffiti) == [(None, "Avtal klart.")]
    assert plan.warnings == [
        "Flik ”1. Platser”: filen anger inte planens år, så uppföljningen lästes från"
        " kolumnerna för det senaste året, 2026. Kolumnen ”Uppföljning 2025” (D) lästes inte"
        " in. Ange planens år med --year om planen gäller ett annat år."
    ]


def test_columns_of_the_plans_year_and_of_no_year_are_read(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        TITLE,
        [*HEADER, "Uppföljning T1 2026", "Uppföljning T2", "Status 2026"],
        ["Mörker", "Belysning", "TK", "Beställd.", "Uppsatt.", "Klar"],
    ]
    plan = read_plan(write_workbook(tmp_path / "same.xlsx", [Sheet("1. Platser", rows)]))
    (light,) = _rows(plan)
    assert _follow_ups(light) == [(1, "Beställd."), (2, "Uppsatt.")]
    # The year each text is for: the importer leaves out another year's.
    assert _years(light) == [2026, None]
    assert light.verdict == "uppfyllt" and plan.warnings == []


def test_partners_beside_the_responsible_party_are_kept_in_vem(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Orsak", "Åtgärd", "Huvudansvarig", "Samverkanspart", "Medverkande"],
        ["Skolk", "Närvaroteam", "Socialtjänsten.", "polisen, skolan", "Fältgruppen"],
        ["Mörker", "Belysning", "Tekniska kontoret", None, None],
        ["Oro", "Nattvandring", None, "Föreningarna", None],
        ["Klotter", "Sanering", "SDF", "SDF", None],
    ]
    plan = read_plan(write_workbook(tmp_path / "vem.xlsx", [Sheet("1. Unga", rows)]))
    assert [r.responsible for r in _rows(plan)] == [
        "Socialtjänsten. Samverkan: polisen, skolan, Fältgruppen",
        "Tekniska kontoret",
        "Samverkan: Föreningarna",
        "SDF",  # the partner is the responsible party itself: said once
    ]
    assert plan.warnings == []
    # Without a responsible column the partners' column is the Vem column, as before.
    rows = [["Orsak", "Åtgärd", "Samverkanspart"], ["Skolk", "Närvaroteam", "Polisen"]]
    (row,) = _rows(read_plan(write_workbook(tmp_path / "p.xlsx", [Sheet("1. Unga", rows)])))
    assert row.responsible == "Polisen"


YEAR_END_LABELS = [
    "Uppföljning per 2026-01-31",
    "Helårsuppföljning 2025 (jan 2026)",
    "Årsuppföljning januari 2026",
    "T3 2025 (rapporteras jan 2026)",
    "Uppföljning 2025 (per 2026-02-15)",
    "Uppföljning 31/1 2026",
    "Uppföljning T3 (jan 2026)",
]


@pytest.mark.parametrize("year_end", YEAR_END_LABELS)
@pytest.mark.parametrize("asked", [None, 2025])
def test_the_year_end_report_written_in_january_is_the_plans_t3(
    tmp_path: Path, year_end: str, asked: int | None
) -> None:
    rows: list[list[Any]] = [
        ["Åtgärdsplan 2025 – Nässjö kommun"],
        [*HEADER, "Uppföljning per 2025-04-30", "Uppföljning per 2025-08-31", year_end],
        ["Mörker", "Belysning", "TK", "Beställd.", "Uppsatt.", "Målet är uppfyllt."],
    ]
    plan = read_plan(write_workbook(tmp_path / "y.xlsx", [Sheet("1. Platser", rows)]), year=asked)
    (light,) = _rows(plan)
    # Written in January 2026, the report is on 2025: its year-end, not 2026's T1.
    assert _follow_ups(light) == [(1, "Beställd."), (2, "Uppsatt."), (3, "Målet är uppfyllt.")]
    assert _years(light) == [2025, 2025, 2025]
    assert (light.verdict, plan.warnings) == ("uppfyllt", [])


def test_a_date_within_the_year_is_the_tertial_it_reports_on(tmp_path: Path) -> None:
    labels = ["Uppföljning 2025-05-06", "Uppföljning 2025-09-03", "Uppföljning 2026-02-27"]
    rows: list[list[Any]] = [
        [*HEADER, *labels],
        ["Mörker", "Belysning", "TK", "Beställd.", "Uppsatt.", "Klart."],
    ]
    plan = read_plan(write_workbook(tmp_path / "d.xlsx", [Sheet("1. Platser", rows)]), year=2025)
    (light,) = _rows(plan)
    # Written in the days after a tertial ended: that tertial's report.
    assert _follow_ups(light) == [(1, "Beställd."), (2, "Uppsatt."), (3, "Klart.")]
    assert plan.warnings == []


def test_a_january_column_of_the_plans_own_year_is_its_first_tertial(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        [*HEADER, "Uppföljning per 2026-01-31", "Uppföljning per 2026-04-30"],
        ["Mörker", "Belysning", "TK", "Inte påbörjad.", "Beställd."],
    ]
    path = write_workbook(tmp_path / "j.xlsx", [Sheet("1. Platser", rows)])
    # In the plan for 2026 a January follow-up is 2026's own, not 2025's year-end.
    (light,) = _rows(read_plan(path, year=2026))
    assert [(f.tertial, f.year) for f in light.follow_ups] == [(1, 2026)]
    assert light.follow_up == "Beställd."
    # The file names no year, but its April column does: the January one is 2026's too.
    (light,) = _rows(read_plan(path))
    assert [(f.tertial, f.year) for f in light.follow_ups] == [(1, 2026)]
    # Asked for 2025, the January column is 2025's year-end and April's is 2026's.
    plan = read_plan(path, year=2025)
    (light,) = _rows(plan)
    assert _follow_ups(light) == [(3, "Inte påbörjad.")]
    assert "”Uppföljning per 2026-04-30” (E) gäller 2026" in plan.warnings[0]


@pytest.mark.parametrize(
    "labels",
    [
        ["Uppföljning april", "Uppföljning augusti", "Uppföljning januari"],
        ["April", "Augusti", "Januari"],
        ["Uppföljning per 30/4", "Uppföljning per 31/8", "Uppföljning per 31/1"],
        # The months the tertial reports are written in.
        ["Uppföljning maj", "Uppföljning september", "Uppföljning januari"],
        ["Status maj", "Status sept", "Status jan"],
    ],
)
def test_a_january_column_after_the_years_months_is_the_year_end(
    tmp_path: Path, labels: list[str]
) -> None:
    rows: list[list[Any]] = [
        [*HEADER, *labels],
        ["Mörker", "Belysning", "TK", "Beställd.", "Uppsatt.", "Klart."],
    ]
    plan = read_plan(write_workbook(tmp_path / "m.xlsx", [Sheet("1. Platser", rows)]))
    (light,) = _rows(plan)
    # January's text is the year-end's; April's T1 is kept, not overwritten by it.
    assert _follow_ups(light) == [(1, "Beställd."), (2, "Uppsatt."), (3, "Klart.")]


def test_month_columns_of_the_whole_year_keep_their_tertials(tmp_path: Path) -> None:
    labels = ["Januari", "Mars", "Maj", "September", "December"]
    rows: list[list[Any]] = [
        [*HEADER, *labels],
        ["Mörker", "Belysning", "TK", "Beställd.", None, "Uppsatt.", None, "Klart."],
    ]
    plan = read_plan(write_workbook(tmp_path / "y.xlsx", [Sheet("1. Platser", rows)]))
    (light,) = _rows(plan)
    assert _follow_ups(light) == [(1, "Beställd."), (2, "Uppsatt."), (3, "Klart.")]
