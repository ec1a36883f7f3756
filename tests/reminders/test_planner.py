"""The planner: which rows exist, when they are due (DST, holidays), idempotency."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from bot.config import Settings
from bot.db import SessionFactory
from models.tables import Group, Measure, Occurrence, Plan, PlannedMeeting
from reminders.calendar import TZ, default_school_holidays, is_working_day
from reminders.planner import ensure_meeting_calendar, plan_reminders
from reminders.rhythm import parse_override
from tests.reminders.support import Bound, plan_meeting, rows, utc


def _plan(sf: SessionFactory, settings: Settings, now) -> int:  # type: ignore[no-untyped-def]
    with sf.begin() as s:
        return plan_reminders(session=s, now=now, settings=settings)


def test_digest_due_follows_dst_in_spring(session_factory, settings, bound: Bound) -> None:
    _plan(session_factory, settings, utc(2025, 3, 20, 12, 0))
    due = {
        r.occurrence: r.due_at for r in rows(session_factory, "digest") if r.channel_id == "CSSP"
    }
    # Monday 08.00 Stockholm: CET (UTC+1) before 30 March, CEST (UTC+2) after.
    assert due["2025-W13"] == utc(2025, 3, 24, 7, 0)
    assert due["2025-W14"] == utc(2025, 3, 31, 6, 0)


def test_digest_due_follows_dst_in_autumn(session_factory, settings, bound: Bound) -> None:
    _plan(session_factory, settings, utc(2025, 10, 16, 12, 0))
    due = {
        r.occurrence: r.due_at for r in rows(session_factory, "digest") if r.channel_id == "CEST"
    }
    assert due["2025-W43"] == utc(2025, 10, 20, 6, 0)
    assert due["2025-W44"] == utc(2025, 10, 27, 7, 0)
    for r in rows(session_factory, "digest"):
        assert r.stale_at == r.due_at + timedelta(days=2)


def test_digest_uses_group_weekday_and_time_and_skips_holiday_monday(
    session_factory, settings, bound: Bound
) -> None:
    with session_factory.begin() as s:
        g = s.get(Group, bound.est.id)
        assert g is not None
        g.digest_weekday, g.digest_time = 3, "13:30"  # Thursday
    _plan(session_factory, settings, utc(2025, 4, 14, 0, 0))
    est = {
        r.occurrence: r.due_at for r in rows(session_factory, "digest") if r.channel_id == "CEST"
    }
    ssp = {
        r.occurrence: r.due_at for r in rows(session_factory, "digest") if r.channel_id == "CSSP"
    }
    assert est["2025-W16"] == utc(2025, 4, 17, 11, 30)
    # Monday 21 April 2025 is Annandag påsk: SSP's digest goes out on Tuesday instead.
    assert ssp["2025-W17"] == utc(2025, 4, 22, 6, 0)


def test_digest_whose_time_passed_before_planning_is_not_created(
    session_factory, settings, bound: Bound
) -> None:
    # Bound on a Tuesday: this week's Monday digest is not sent late, next week's is planned.
    _plan(session_factory, settings, utc(2025, 3, 25, 12, 0))
    occurrences = {r.occurrence for r in rows(session_factory, "digest")}
    assert "2025-W13" not in occurrences
    assert "2025-W14" in occurrences


def test_meeting_reminder_skips_easter_holidays(session_factory, settings, bound: Bound) -> None:
    # Wednesday 23 April 2025; 3 working days back skips Annandag påsk (21st) and
    # Långfredag (18th): Tue 22, Thu 17, Wed 16.
    plan_meeting(session_factory, bound.ssp, date(2025, 4, 23), "09:30")
    _plan(session_factory, settings, utc(2025, 4, 10, 8, 0))
    meeting = rows(session_factory, "meeting")
    assert {(r.channel_id, r.user_id) for r in meeting} == {("CSSP", None), (None, "UANNA")}
    for r in meeting:
        assert r.due_at == utc(2025, 4, 16, 6, 0)  # 08.00 CEST
        assert r.stale_at == utc(2025, 4, 23, 7, 30)  # the meeting starts 09.30 CEST
        assert r.occurrence == "2025-04-23"
        assert r.group_id == bound.ssp.id


def test_meeting_reminder_days_before_is_per_group(session_factory, settings, bound: Bound) -> None:
    with session_factory.begin() as s:
        g = s.get(Group, bound.ssp.id)
        assert g is not None
        g.reminder_days_before = 1
    plan_meeting(session_factory, bound.ssp, date(2025, 4, 22))  # Tuesday after Easter
    _plan(session_factory, settings, utc(2025, 4, 10, 8, 0))
    (channel,) = [r for r in rows(session_factory, "meeting") if r.channel_id]
    assert channel.due_at == utc(2025, 4, 17, 6, 0)  # Thursday before Långfredag


def test_meeting_planned_at_short_notice_is_due_now_not_late(
    session_factory, settings, bound: Bound
) -> None:
    now = utc(2025, 5, 12, 10, 0)
    plan_meeting(session_factory, bound.ssp, date(2025, 5, 13))
    _plan(session_factory, settings, now)
    assert {r.due_at for r in rows(session_factory, "meeting")} == {now}


def test_planning_twice_creates_nothing_new(session_factory, settings, bound: Bound) -> None:
    plan_meeting(session_factory, bound.ssp, date(2025, 4, 23))
    now = utc(2025, 4, 14, 8, 0)
    first = _plan(session_factory, settings, now)
    assert first > 0
    assert _plan(session_factory, settings, now) == 0
    assert _plan(session_factory, settings, now + timedelta(hours=1)) == 0
    keys = [r.key for r in rows(session_factory)]
    assert len(keys) == len(set(keys)) == first


def test_tertial_nudges_and_gap_lists(session_factory, settings, bound: Bound) -> None:
    _plan(session_factory, settings, utc(2025, 4, 14, 8, 0))
    nudges = rows(session_factory, "tertial")
    gaps = rows(session_factory, "tertial_gaps")
    assert {r.user_id for r in nudges} == {"UANNA", "UBO"}
    assert {r.channel_id for r in gaps} == {"CSSP", "CEST"}
    # 5 working days before Wednesday 30 April: 29, 28, 25, 24, 23.
    for r in nudges + gaps:
        assert r.occurrence == "2025-T1"
        assert r.due_at == utc(2025, 4, 23, 6, 0)


def test_behind_pace_reminder_at_most_once_per_iso_week(
    session_factory, settings, bound: Bound
) -> None:
    # Tuesday 22 April 10.00 CEST: SSP (8/år) and EST (2/månad) have logged nothing.
    _plan(session_factory, settings, utc(2025, 4, 22, 8, 0))
    behind = rows(session_factory, "recurring")
    assert {(r.channel_id, r.occurrence) for r in behind} == {
        ("CSSP", "2025-W17"),
        ("CEST", "2025-W17"),
    }
    assert all(r.due_at == utc(2025, 4, 22, 8, 0) for r in behind)
    _plan(session_factory, settings, utc(2025, 4, 24, 8, 0))  # later the same week
    assert len(rows(session_factory, "recurring")) == 2
    _plan(session_factory, settings, utc(2025, 4, 28, 8, 0))
    assert {r.occurrence for r in rows(session_factory, "recurring")} == {"2025-W17", "2025-W18"}


def test_behind_pace_waits_for_working_hours(session_factory, settings, bound: Bound) -> None:
    # Friday evening: the note is for Monday 09.00 (next ISO week).
    _plan(session_factory, settings, utc(2025, 5, 9, 17, 0))
    assert {(r.due_at, r.occurrence) for r in rows(session_factory, "recurring")} == {
        (utc(2025, 5, 12, 7, 0), "2025-W20")
    }


def test_measure_in_pace_gets_no_behind_reminder(session_factory, settings, bound: Bound) -> None:
    with session_factory.begin() as s:
        m = s.exec(select(Measure).where(Measure.ref == "1.3")).one()
        for d in (date(2025, 2, 1), date(2025, 3, 15)):
            s.add(Occurrence(measure_id=m.id, occurred_on=d))  # type: ignore[arg-type]
    _plan(session_factory, settings, utc(2025, 4, 22, 8, 0))
    assert {r.channel_id for r in rows(session_factory, "recurring")} == {"CEST"}


def test_meeting_calendar_is_spread_on_working_days(
    session_factory, settings, bound: Bound
) -> None:
    with session_factory.begin() as s:
        g = s.get(Group, bound.ssp.id)
        assert g is not None
        g.avoid_school_holidays = True
    now = utc(2025, 1, 9, 8, 0)
    with session_factory.begin() as s:
        added = ensure_meeting_calendar(session=s, now=now, settings=settings)
    with session_factory.begin() as s:
        again = ensure_meeting_calendar(session=s, now=now, settings=settings)
        planned = list(s.exec(select(PlannedMeeting)))
    ssp = sorted(p.planned_on for p in planned if p.group_id == bound.ssp.id)
    est = [p.planned_on for p in planned if p.group_id == bound.est.id]
    assert again == 0
    assert added == len(ssp) + len(est)
    assert len(ssp) == 8  # "Möten 8 ggr/år"
    assert 22 <= len(est) <= 24  # "2 ggr/månad" from 10 January
    school = default_school_holidays(2025)
    for d in ssp + est:
        assert is_working_day(d) and d > date(2025, 1, 9)
    for d in ssp:
        assert not any(h.contains(d) for h in school)
    assert all(p.source == "auto" for p in planned)


def test_group_with_its_own_meetings_is_not_spread(session_factory, settings, bound: Bound) -> None:
    plan_meeting(session_factory, bound.ssp, date(2025, 9, 10))
    with session_factory.begin() as s:
        ensure_meeting_calendar(session=s, now=utc(2025, 1, 9, 8, 0), settings=settings)
        ssp = list(s.exec(select(PlannedMeeting).where(PlannedMeeting.group_id == bound.ssp.id)))
    assert [p.planned_on for p in ssp] == [date(2025, 9, 10)]


def test_local_times_are_stockholm(session_factory, settings, bound: Bound) -> None:
    _plan(session_factory, settings, utc(2025, 6, 2, 5, 0))
    for r in rows(session_factory, "digest"):
        assert r.due_at.astimezone(TZ).strftime("%H:%M") == "08:00"


def _digest_due(session_factory, settings, group_id: int, weekday: int, now) -> dict:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        g = s.get(Group, group_id)
        assert g is not None
        g.digest_weekday, g.digest_time = weekday, "08:30"
    _plan(session_factory, settings, now)
    return {
        r.occurrence: r.due_at.astimezone(TZ)
        for r in rows(session_factory, "digest")
        if r.group_id == group_id
    }


def test_digest_never_falls_on_a_holiday_at_the_end_of_the_week(
    session_factory, settings, bound: Bound
) -> None:
    # Friday's digest: Långfredagen (2025-04-18) and midsommarafton (2025-06-20) leave no
    # working day later that week, so it goes out on the Thursday before.
    easter = _digest_due(session_factory, settings, bound.est.id, 4, utc(2025, 4, 10, 12, 0))
    assert easter["2025-W16"].date() == date(2025, 4, 17)
    assert easter["2025-W16"].strftime("%H.%M") == "08.30"
    midsummer = _digest_due(session_factory, settings, bound.est.id, 4, utc(2025, 6, 12, 12, 0))
    assert midsummer["2025-W25"].date() == date(2025, 6, 19)
    # Wednesday's digest in Christmas week: julafton, juldagen and annandag jul follow it.
    christmas = _digest_due(session_factory, settings, bound.ssp.id, 2, utc(2025, 12, 12, 12, 0))
    assert christmas["2025-W52"].date() == date(2025, 12, 23)
    for due in [*easter.values(), *midsummer.values(), *christmas.values()]:
        assert is_working_day(due.date()), due
    # A weekend day is what the group asked for: kept, holiday week or not (2026's Easter, so
    # the plan is made 2026's: a 2025 plan's digests end in January 2026).
    with session_factory.begin() as s:
        plan = s.get(Plan, bound.plan.id)
        assert plan is not None
        plan.year = 2026
    sunday = _digest_due(session_factory, settings, bound.ssp.id, 6, utc(2026, 3, 26, 12, 0))
    assert sunday["2026-W14"].date() == date(2026, 4, 5)  # påskdagen


def _spread_for_est(session_factory, settings, bound: Bound, rhythm: str, now) -> list[date]:  # type: ignore[no-untyped-def]
    """EST's measure set to `rhythm`, its meetings spread at `now`: their days."""
    with session_factory.begin() as s:
        m = s.exec(select(Measure).where(Measure.group_id == bound.est.id)).first()
        assert m is not None
        m.rhythm_override = rhythm
    with session_factory.begin() as s:
        ensure_meeting_calendar(session=s, now=now, settings=settings)
        return [
            p.planned_on
            for p in s.exec(select(PlannedMeeting).where(PlannedMeeting.group_id == bound.est.id))
        ]


def test_meetings_are_not_spread_into_the_rhythms_break(
    session_factory, settings, bound: Bound
) -> None:
    """EST meets "2 ggr/månad utom juli": 22 a year, none in July."""
    est = _spread_for_est(
        session_factory, settings, bound, "2 ggr/månad utom juli", utc(2025, 1, 1, 8, 0)
    )
    assert 21 <= len(est) <= 22
    assert not [d for d in est if d.month == 7]
    assert len({d.month for d in est}) == 11


def test_meetings_spread_from_mid_year_leave_out_the_break(
    session_factory, settings, bound: Bound
) -> None:
    """Bound on 30 June, EST "2 ggr/månad utom juli" has August to December left: ten
    meetings, not the eleven a share of the days left (184 of 365) gives."""
    est = _spread_for_est(
        session_factory, settings, bound, "2 ggr/månad utom juli", utc(2025, 6, 30, 8, 0)
    )
    assert len(est) == 10
    assert min(est) >= date(2025, 8, 1)


def test_meetings_are_not_spread_into_school_holidays_of_a_term_time_rhythm(
    session_factory, settings, bound: Bound
) -> None:
    est = _spread_for_est(
        session_factory, settings, bound, "1 gång/vecka under terminstid", utc(2025, 1, 1, 8, 0)
    )
    assert 36 <= len(est) <= 38
    for d in est:
        assert not any(h.contains(d) for h in default_school_holidays(2025)), d


def test_behind_reminders_fall_only_inside_a_rhythms_window(
    session_factory, settings, bound: Bound
) -> None:
    """EST meets twice a month from March to June and never meets. It is reminded in those
    months only: before them nothing is due and after them nothing can be caught up (it was
    24 a year, behind from January)."""
    rhythm = parse_override("2 ggr/mån från mars till juni", 2025)
    with session_factory.begin() as s:
        for m in s.exec(select(Measure).where(Measure.group_id == bound.est.id)):
            m.rhythm_override = rhythm.label()
    monday = date(2025, 1, 6)
    while monday.year == 2025:
        _plan(session_factory, settings, utc(monday.year, monday.month, monday.day, 9, 0))
        monday += timedelta(weeks=1)

    behind = [r for r in rows(session_factory, "recurring") if r.channel_id == "CEST"]
    days = sorted(r.due_at.astimezone(TZ).date() for r in behind)
    assert days, "behind in the window, so reminded there"
    assert date(2025, 3, 1) <= days[0] and days[-1] <= date(2025, 6, 30), days
    assert {r.occurrence for r in behind} >= {"2025-W12", "2025-W26"}
