"""The sweep's plans (`tests.reports.sweep_workbooks`) through the whole chain: read by
`read_plan`, stored by `apply_plan` in a real database, with the refs, texts and
follow-ups per period a coordinator expects to see, and nothing stored twice when the
same file is read in again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import select

from bot.db import SessionFactory
from models.importer import ImportResult
from models.tables import FollowUp, Measure, PriorityArea
from tests.models.import_helpers import import_file
from tests.reports import sweep_workbooks as books
from tests.reports.make_workbooks import Sheet, write_workbook

TODAY = date(2026, 1, 20)  # the year-end report is written


def _import(sf: SessionFactory, path: Path, district: str) -> ImportResult:
    return import_file(sf, path, district=district, year=2025, today=TODAY)


def _stored(sf: SessionFactory) -> list[tuple[int, str, str, str | None, str | None]]:
    """(area number, area name, ref, measure, Vem) in the plan's order."""
    with sf.begin() as s:
        rows = s.exec(select(Measure, PriorityArea).join(PriorityArea)).all()
        ordered = sorted(rows, key=lambda mp: (mp[1].number, mp[0].position))
        return [(a.number, a.name, m.ref, m.description, m.responsible_text) for m, a in ordered]


def _follow_ups(sf: SessionFactory) -> dict[str, list[tuple[str, str, str]]]:
    """ref -> (period, verdict, text) of its follow-ups, oldest first."""
    with sf.begin() as s:
        rows = s.exec(select(FollowUp, Measure).join(Measure).order_by(FollowUp.id)).all()
        out: dict[str, list[tuple[str, str, str]]] = {}
        for f, m in rows:
            out.setdefault(m.ref, []).append((f.period, f.verdict, f.text))
        return out


def test_a_flat_export_keeps_its_areas_and_says_what_its_numbers_became(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    path = books.ostersund_flat_export(tmp_path / "ostersund.xlsx")
    result = _import(session_factory, path, "Östersund")
    assert (result.created, result.follow_ups) == (5, 5)
    assert [row[:3] for row in _stored(session_factory)] == [
        (1, "Trygg stadskärna", "1.1"),
        (1, "Trygg stadskärna", "1.2"),
        (1, "Trygg stadskärna", "1.3"),
        (2, "Unga i riskzon", "2.1"),
        (2, "Unga i riskzon", "2.2"),
    ]
    # "A2" is no ref the bot can take ("/atgard visa 1.2"): the user is told which is which.
    assert result.warnings == [
        "Flik ”Export”: numren i filen har inte formen område.nummer (som 2.1) och kan inte"
        " bli åtgärdernas referenser. Åtgärderna fick i stället: A1 = 1.1, A2 = 1.2, A3 = 1.3,"
        " B1 = 2.1 och B2 = 2.2."
    ]
    # Read in January: the status is the year-end's.
    assert _follow_ups(session_factory)["1.2"] == [
        ("2025-T3", "ej_uppfyllt", "Tillståndet överklagat, arbetet vilar.")
    ]
    again = _import(session_factory, path, "Östersund")
    assert (again.created, again.updated, again.follow_ups, again.warnings) == (0, 0, 0, [])


def test_follow_ups_on_their_own_sheet_are_stored_per_tertial(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    path = books.vaxjo_follow_ups_on_their_own_sheet(tmp_path / "vaxjo.xlsx")
    result = _import(session_factory, path, "Växjö")
    assert (result.created, result.follow_ups) == (4, 6)  # no measure twice
    assert _follow_ups(session_factory) == {
        "1.1": [
            ("2025-T1", "ej_bedomd", "Upphandlad."),
            ("2025-T2", "ej_bedomd", "Uppsatt i juni."),
            ("2025-T3", "uppfyllt", "Målet är uppfyllt."),
        ],
        "1.2": [("2025-T1", "pagaende", "Fyra tillsyner.")],
        "2.1": [
            ("2025-T1", "ej_bedomd", "Teamet är anställt."),
            ("2025-T2", "pagaende", "Frånvaron har minskat."),
        ],
    }
    again = _import(session_factory, path, "Växjö")
    assert (again.created, again.updated, again.follow_ups) == (0, 0, 0)


def test_lettered_numbers_and_merged_causes(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    path = books.lulea_merged_causes_and_lettered_numbers(tmp_path / "lulea.xlsx")
    result = _import(session_factory, path, "Luleå")
    with session_factory.begin() as s:
        stored = [(m.ref, m.cause, m.when_text) for m in s.exec(select(Measure))]
    assert sorted(stored) == [
        ("1.1", "Skymd sikt och mörker", "2025-05-31"),
        ("1.2", "Skymd sikt och mörker", "2025-09-30"),
        ("1.3", "Skymd sikt och mörker", "2025-10-15"),
        ("1.4", "Öppen droghandel", "2025-12-31"),
        ("1.5", "Öppen droghandel", "2025-12-31"),
    ]
    (warning,) = result.warnings
    assert warning.endswith("1a = 1.1, 1b = 1.2, 1c = 1.3, 2a = 1.4 och 2b = 1.5.")


def test_last_years_hidden_tertials_are_not_stored(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    path = books.kiruna_old_years_in_hidden_columns(tmp_path / "kiruna.xlsx")
    result = _import(session_factory, path, "Kiruna")
    assert result.created == 2
    assert _follow_ups(session_factory) == {
        "1.1": [
            ("2025-T1", "ej_bedomd", "Nya skolor inventerade."),
            ("2025-T2", "ej_bedomd", "Två till monterade."),
        ],
        "1.2": [("2025-T1", "ej_uppfyllt", "Inte påbörjad.")],
    }


def test_one_row_per_period_is_one_measure_with_a_follow_up_per_tertial(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    path = books.pitea_one_row_per_period(tmp_path / "pitea.xlsx")
    result = _import(session_factory, path, "Piteå")
    assert [row[2:4] for row in _stored(session_factory)] == [
        ("1.1", "Belysning i parken"),
        ("1.2", "Trygghetsvandring"),
        ("2.1", "Fältgrupp kvällstid"),
    ]
    assert _follow_ups(session_factory)["1.1"] == [
        ("2025-T1", "pagaende", "Upphandlad."),
        ("2025-T2", "uppfyllt", "Uppsatt."),
    ]
    assert result.follow_ups == 5
    with session_factory.begin() as s:
        assert {m.when_text for m in s.exec(select(Measure))} == {None}
    again = _import(session_factory, path, "Piteå")
    assert (again.created, again.updated, again.follow_ups) == (0, 0, 0)


def test_measures_numbered_by_their_areas_letter_keep_the_number_in_it(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    rows = [
        ["Nr", "Orsak", "Åtgärd", "Vem"],
        ["A1", "Mörker", "Belysning", "TK"],
        ["A2", "Klotter", "Sanering", "SDF"],
        ["B1", "Skolk", "Skolvärdar", "Skola"],
    ]
    path = write_workbook(tmp_path / "ab.xlsx", [Sheet("Åtgärder", rows)])
    result = _import(session_factory, path, "Boden")
    assert [row[:4] for row in _stored(session_factory)] == [
        (1, "Område A", "1.1", "Belysning"),
        (1, "Område A", "1.2", "Sanering"),
        (2, "Område B", "2.1", "Skolvärdar"),
    ]
    assert result.warnings[-1].endswith("A1 = 1.1, A2 = 1.2 och B1 = 2.1.")
