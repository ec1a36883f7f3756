"""Period semantics of the export snapshot, and a bounded number of queries."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from models.errors import ParseError, ValidationError
from models.tables import Plan
from models.tracking import mark_done
from reports.export import summary_text
from reports.snapshot import build_snapshot
from tests.reports.export_helpers import ACTOR, add_follow_up, measure, seed_period_data


@pytest.fixture
def seeded(session_factory, imported_plan):  # type: ignore[no-untyped-def]
    seed_period_data(session_factory, imported_plan)
    return imported_plan


def _snap(session_factory, plan: Plan, period: str):  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        return build_snapshot(session=s, plan=s.get(Plan, plan.id), period=period)


def _row(snap, ref: str):  # type: ignore[no-untyped-def]
    return next(r for _, r in snap.rows() if r.ref == ref)


def test_t1_is_january_to_april_as_written_by_30_april(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    snap = _snap(session_factory, seeded, "2025-T1")
    assert (snap.start, snap.end, snap.tertial, snap.period) == (
        date(2025, 1, 1),
        date(2025, 4, 30),
        1,
        "2025-T1",
    )
    # 23:59:59 Stockholm (summer time) is 21:59:59 UTC.
    assert snap.as_of.astimezone(UTC).replace(microsecond=0) == datetime(
        2025, 4, 30, 21, 59, 59, tzinfo=UTC
    )
    first = _row(snap, "1.1")
    assert first.verdict == "uppfyllt"  # the May follow-up is not part of T1
    assert first.follow_up is not None and first.follow_up.written_on == date(2025, 4, 10)
    ssp = _row(snap, "1.3")
    assert [m.held_on for m in ssp.meetings] == [
        date(2025, 2, 10),
        date(2025, 3, 17),
        date(2025, 4, 28),
    ]
    assert ssp.pace_text == "3 av 8 genomförda, i fas"
    assert ssp.group == "SSP" and ssp.rhythm == "8 ggr/år"
    assert len(snap.meetings) == 4  # three SSP and one EST meeting


def test_t2_is_january_to_august(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    snap = _snap(session_factory, seeded, "2025-T2")
    assert snap.end == date(2025, 8, 31)
    assert _row(snap, "1.1").verdict == "ej_uppfyllt"
    assert len(_row(snap, "1.3").meetings) == 4  # June meeting included
    assert _row(snap, "1.3").pace_text.startswith("4 av 8 genomförda")
    assert [m.held_on for m in _row(snap, "2.2").meetings] == [date(2025, 3, 5)]


def test_t3_is_the_whole_year(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    snap = _snap(session_factory, seeded, "2025-T3")
    assert snap.end == date(2025, 12, 31)
    assert [m.held_on for m in _row(snap, "2.2").meetings] == [date(2025, 3, 5), date(2025, 9, 3)]


def test_follow_up_written_late_on_the_last_day_counts(session_factory, imported_plan) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        plan = s.get(Plan, imported_plan.id)
        # 23:30 Stockholm on 30 April = 21:30 UTC: in; 00:10 on 1 May = 22:10 UTC: out, filed
        # under 2025-T2 as `uppfolj` files it then (test_export_commands writes both in chat).
        add_follow_up(
            s, plan, "1.4", "delvis", "Sent på kvällen.", datetime(2025, 4, 30, 21, 30, tzinfo=UTC)
        )
        add_follow_up(
            s,
            plan,
            "1.5",
            "delvis",
            "Efter midnatt.",
            datetime(2025, 4, 30, 22, 10, tzinfo=UTC),
            period="2025-T2",
        )
    snap = _snap(session_factory, imported_plan, "2025-T1")
    assert _row(snap, "1.4").verdict == "delvis"
    assert _row(snap, "1.5").follow_up is None


def test_counts_per_area(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    snap = _snap(session_factory, seeded, "T1")
    assert [a.measure_count for a in snap.areas] == [5, 3, 0, 6, 2, 0]
    assert [a.problems for a in snap.areas] == [1, 2, 0, 5, 1, 0]
    assert [a.causes for a in snap.areas] == [4, 3, 0, 6, 1, 0]
    assert snap.verdicts == {
        "uppfyllt": 2,
        "delvis": 1,
        "ej_uppfyllt": 1,
        "pagaende": 1,
        "ej_bedomd": 11,
    }
    assert sum(snap.standings.values()) == 16


def test_period_must_belong_to_the_plan(session_factory, imported_plan) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="hör inte till planen"):
        _snap(session_factory, imported_plan, "2024-T3")
    with pytest.raises(ParseError):
        _snap(session_factory, imported_plan, "2025-T4")


def test_number_of_queries_does_not_grow_with_the_plan(
    session_factory, engine, imported_plan
) -> None:  # type: ignore[no-untyped-def]
    def count(plan: Plan) -> int:
        statements: list[str] = []

        def listener(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", listener)
        try:
            _snap(session_factory, plan, "2025-T1")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    bare = count(imported_plan)
    seed_period_data(session_factory, imported_plan)
    assert count(imported_plan) <= bare + 2  # meetings and their links, once each
    assert count(imported_plan) <= 12


def test_a_tick_off_after_the_period_is_not_in_its_report(session_factory, imported_plan) -> None:  # type: ignore[no-untyped-def]
    """1.1 ("Under 2025", a one-off) ticked off in September: done in T3, not in T1 or T2."""
    with session_factory.begin() as s:
        plan = s.get(Plan, imported_plan.id)
        mark_done(
            session=s,
            measure=measure(s, plan, "1.1"),
            on=date(2025, 9, 10),
            note=None,
            actor=ACTOR,
            year=2025,
            now=datetime(2025, 9, 10, 8, 0, tzinfo=UTC),
        )
    for period in ("2025-T1", "2025-T2"):
        snap = _snap(session_factory, imported_plan, period)
        row = _row(snap, "1.1")
        assert (row.pace, row.standing) == ("ej förfallen", "ej bedömd"), period
        assert snap.standings["klar"] == 0, period
    year_end = _row(_snap(session_factory, imported_plan, "2025-T3"), "1.1")
    assert (year_end.pace, year_end.standing) == ("klar", "klar")


def test_a_one_off_not_done_by_the_last_day_is_overdue_in_the_report(
    session_factory, imported_plan
) -> None:  # type: ignore[no-untyped-def]
    """1.1 "Under 2025" was never ticked off: the year-end report (per the end of 31 December)
    calls it overdue, not "not due"; while 31 December runs it is still due that day."""
    row = _row(_snap(session_factory, imported_plan, "2025-T3"), "1.1")
    assert (row.pace, row.standing) == ("försenad", "efter")
    assert row.pace_text == "Senast 2025-12-31, försenad"
    with session_factory.begin() as s:
        on_the_day = build_snapshot(
            session=s, plan=s.get(Plan, imported_plan.id), period="T3", today=date(2025, 12, 31)
        )
    assert not on_the_day.complete
    assert _row(on_the_day, "1.1").pace == "ej förfallen"
    assert _row(_snap(session_factory, imported_plan, "2025-T2"), "1.1").pace == "ej förfallen"


def test_a_period_still_running_is_shown_as_of_today(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    """T3 exported on 22 April: today's status, not 31 December's pace with April's meetings."""
    with session_factory.begin() as s:
        snap = build_snapshot(
            session=s, plan=s.get(Plan, seeded.id), period="2025-T3", today=date(2025, 4, 22)
        )
    assert (snap.end, snap.status_on, snap.complete) == (
        date(2025, 12, 31),
        date(2025, 4, 22),
        False,
    )
    ssp = _row(snap, "1.3")
    # Held 10 February and 17 March; 28 April has not come yet.
    assert [m.held_on for m in ssp.meetings] == [date(2025, 2, 10), date(2025, 3, 17)]
    assert ssp.pace_text == "2 av 8 genomförda, i fas"
    assert _row(snap, "1.1").verdict == "uppfyllt"  # written 10 April, the May one not yet
    assert len(snap.meetings) == 3


def test_the_summary_writes_large_counts_the_swedish_way(session_factory, imported_plan) -> None:  # type: ignore[no-untyped-def]
    """National scale: "ej bedömd 1 450", as "1 450 åtgärder" beside it (a thousands space)."""
    snap = _snap(session_factory, imported_plan, "2025-T1")
    area = dataclasses.replace(
        snap.areas[0],
        measures=snap.areas[0].measures[:1] * 1450,
        standings={s: 1450 if s == "ej bedömd" else 0 for s in snap.areas[0].standings},
    )
    big = dataclasses.replace(snap, areas=(area,))
    text = summary_text(big)
    assert "1\u00a0450 åtgärder" in text and "ej bedömd 1\u00a0450" in text
