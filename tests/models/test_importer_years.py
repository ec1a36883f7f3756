"""A plan with follow-up columns of several years, read and stored in a real database:
only the plan's year's follow-ups are stored, under that year's periods; partners beside
the responsible party are stored in the measure's Vem text."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import select

from bot.db import SessionFactory
from models.importer import ImportResult, apply_plan
from models.replies import Actor
from models.tables import FollowUp, Measure
from reports.xlsx_reader import read_plan
from tests.reports.make_workbooks import Sheet, write_workbook

ACTOR = Actor("U1", "Kim")
HEADER = ["Orsak", "Åtgärd", "När", "Huvudansvarig", "Samverkanspart"]


def _import(
    sf: SessionFactory, path: Path, *, year: int, read_year: int | None, today: date
) -> ImportResult:
    """`read_year`: what `atgard import --year` hands the reader (None: not given)."""
    with sf.begin() as s:
        return apply_plan(
            session=s,
            parsed=read_plan(path, year=read_year),
            district="Nässjö",
            year=year,
            actor=ACTOR,
            today=today,
        )


def _stored(sf: SessionFactory) -> list[tuple[str, str, str, str]]:
    with sf.begin() as s:
        rows = s.exec(select(FollowUp, Measure).join(Measure).order_by(FollowUp.id)).all()
        return [(m.ref, f.period, f.verdict, f.text) for f, m in rows]


def _plan(path: Path) -> Path:
    labels = [f"Uppföljning T{t} 2025" for t in (1, 2, 3)] + ["Uppföljning T1 2026"]
    rows: list[list[Any]] = [
        [*HEADER, *labels],
        [
            "Mörker",
            "Belysning",
            "Under året",
            "Tekniska kontoret",
            "Bostadsbolaget",
            "Beställd.",
            "Uppsatt.",
            "Målet är uppfyllt.",
            "Två lampor trasiga, lagas i maj.",
        ],
        [
            "Skolk",
            "Närvaroteam",
            "Läsåret",
            "Socialtjänsten",
            "polisen, skolan",
            "Pågår.",
            "Pågår.",
            "Avslutat, målet är uppfyllt.",
            None,
        ],
    ]
    return write_workbook(path, [Sheet("1. Trygghet", rows)])


def test_only_the_plans_years_tertials_are_stored(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    path = _plan(tmp_path / "plan.xlsx")
    result = _import(session_factory, path, year=2026, read_year=2026, today=date(2026, 9, 15))
    # Last year's T2 and T3 texts are not stored as 2026-T2 and 2026-T3.
    assert _stored(session_factory) == [
        ("1.1", "2026-T1", "ej_bedomd", "Två lampor trasiga, lagas i maj."),
    ]
    assert result.follow_ups == 1
    assert any("”Uppföljning T3 2025” (H)" in w for w in result.warnings)
    with session_factory.begin() as s:
        vem = [m.responsible_text for m in s.exec(select(Measure).order_by(Measure.ref))]
    assert vem == [
        "Tekniska kontoret. Samverkan: Bostadsbolaget",
        "Socialtjänsten. Samverkan: polisen, skolan",
    ]
    again = _import(session_factory, path, year=2026, read_year=2026, today=date(2026, 9, 15))
    assert (again.created, again.updated, again.unchanged, again.follow_ups) == (0, 0, 2, 0)


def test_a_plan_imported_for_another_year_than_its_columns_stores_none_of_them(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    rows: list[list[Any]] = [
        [*HEADER, "Uppföljning 2025"],
        ["Mörker", "Belysning", "Under året", "TK", None, "Målet är uppfyllt."],
    ]
    path = write_workbook(tmp_path / "plan.xlsx", [Sheet("1. Trygghet", rows)])
    # The file names no year of its own; the plan is stored as 2026's without --year.
    result = _import(session_factory, path, year=2026, read_year=None, today=date(2026, 3, 2))
    assert _stored(session_factory) == []
    assert result.follow_ups == 0
    assert result.warnings == [
        "Flik ”1. Trygghet”: 1 uppföljning från kolumner för 2025 lästes inte in, eftersom"
        " planen läses in för 2026."
    ]


def test_the_year_end_column_dated_january_is_stored_as_the_plans_t3(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    labels = ["Uppföljning per 2025-04-30", "Uppföljning per 2025-08-31"]
    rows: list[list[Any]] = [
        [*HEADER, *labels, "Uppföljning per 2026-01-31"],
        ["Mörker", "Belysning", "Under året", "TK", None, "Beställd.", "Uppsatt.", "Klart."],
    ]
    path = write_workbook(tmp_path / "plan.xlsx", [Sheet("1. Trygghet", rows)])
    result = _import(session_factory, path, year=2025, read_year=2025, today=date(2026, 2, 3))
    assert [(period, text) for _, period, _, text in _stored(session_factory)] == [
        ("2025-T1", "Beställd."),
        ("2025-T2", "Uppsatt."),
        ("2025-T3", "Klart."),
    ]
    assert result.warnings == []


def test_a_january_column_the_reader_took_for_next_years_is_the_plans_year_end(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    # The file gives no year and its columns name 2026 only: the reader cannot tell; the
    # plan is imported as 2025's, whose year-end report was written in January 2026.
    labels = ["Uppföljning per 2026-01-31", "Uppföljning per 2026-04-30"]
    rows: list[list[Any]] = [
        [*HEADER, *labels],
        ["Mörker", "Belysning", "Under året", "TK", None, "Målet är uppfyllt.", None],
    ]
    path = write_workbook(tmp_path / "plan.xlsx", [Sheet("1. Trygghet", rows)])
    result = _import(session_factory, path, year=2025, read_year=None, today=date(2026, 2, 3))
    assert _stored(session_factory) == [("1.1", "2025-T3", "uppfyllt", "Målet är uppfyllt.")]
    assert result.warnings == []


def test_a_february_column_the_reader_took_for_last_years_year_end_is_the_plans_t1(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    # Nothing in the file names a year but the column: the reader takes February's text
    # for 2025's year-end; the plan is 2026's, so it is 2026's first follow-up.
    rows: list[list[Any]] = [
        [*HEADER, "Uppföljning per 2026-02-27"],
        ["Mörker", "Belysning", "Under året", "TK", None, "Upphandlingen är klar."],
    ]
    path = write_workbook(tmp_path / "plan.xlsx", [Sheet("1. Trygghet", rows)])
    ((follow_up,),) = [r.follow_ups for a in read_plan(path).areas for r in a.rows]
    assert (follow_up.year, follow_up.tertial) == (2025, 3)
    result = _import(session_factory, path, year=2026, read_year=None, today=date(2026, 3, 2))
    assert _stored(session_factory) == [("1.1", "2026-T1", "ej_bedomd", "Upphandlingen är klar.")]
    assert result.warnings == []
