""" "Sedan förra veckan" in the weekly digest: everything logged between two digests is shown
in exactly one of them, across DST changes and when a digest is moved off a holiday.

The real scheduler with a controllable clock sends the digests at their own due times
(the sandbox's fast-forward replays them, as if the bot had been running all along).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import select

from models.tables import FollowUp, Measure, Meeting
from reminders.service import start_scheduler
from tests.reminders.support import Bound, RecordingNotifier, rows, utc
from tests.reminders.test_scheduler import wait_for


def _period(at: datetime) -> str:
    return "2025-T1" if at.month <= 4 else "2025-T3"


def _log(session_factory, bound: Bound, ref: str, at: datetime) -> None:  # type: ignore[no-untyped-def]
    """A follow-up on `ref` and an SSP meeting, both logged at `at`."""
    with session_factory.begin() as s:
        m = s.exec(select(Measure).where(Measure.ref == ref)).one()
        s.add(
            FollowUp(
                measure_id=m.id,  # type: ignore[arg-type]
                period=_period(at),
                verdict="delvis",
                text="Arbetet pågår.",
                created_at=at,
            )
        )
        s.add(Meeting(group_id=bound.ssp.id, held_on=at.date(), created_at=at))  # type: ignore[arg-type]


def _digests_with_news(
    runtime, notifier: RecordingNotifier, clock, start: datetime, end: datetime
) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Fast-forward from `start` to `end`; SSP's digests by title, with their news section."""
    clock.set(start)
    handle = start_scheduler(runtime, notifier, clock=clock, scan_interval=3600)
    try:
        assert wait_for(lambda: bool(rows(runtime.session_factory, "digest")))
        clock.set(end)
        handle.run_now()
    finally:
        handle.shutdown()
    return {
        s.reply.title or "": s.reply.sections[3].text
        for s in notifier.to("#CSSP")
        if "Veckobrev" in (s.reply.title or "")
    }


@pytest.mark.parametrize(
    ("start", "logged", "end", "shown_in"),
    [
        # Autumn: Monday 20 October 08.30 CEST, just after that day's 08.00 digest. The next
        # digest (27 October 08.00 CET) is 169 hours later: the last 168 left it out.
        (utc(2025, 10, 16, 12, 0), utc(2025, 10, 20, 6, 30), utc(2025, 10, 27, 7, 0), "v. 44"),
        # Spring: Monday 24 March 07.30 CET, before that day's 08.00 digest. The next digest
        # (31 March 08.00 CEST) is 167 hours later: the last 168 showed it a second time.
        (utc(2025, 3, 20, 12, 0), utc(2025, 3, 24, 6, 30), utc(2025, 3, 31, 6, 0), "v. 13"),
    ],
)
def test_news_between_digests_is_shown_once_across_dst(
    runtime,
    notifier: RecordingNotifier,
    clock,
    bound: Bound,
    start: datetime,
    logged: datetime,
    end: datetime,
    shown_in: str,
) -> None:  # type: ignore[no-untyped-def]
    _log(runtime.session_factory, bound, "1.2", logged)
    digests = _digests_with_news(runtime, notifier, clock, start, end)
    assert len(digests) == 2, list(digests)
    day = logged.date().isoformat()
    showing = [
        title
        for title, news in digests.items()
        if f"1.2 uppföljning {_period(logged)} (delvis), {day}" in news
    ]
    assert showing == [f"📊 Veckobrev {shown_in} – SSP"]
    meeting = [title for title, news in digests.items() if f"Möte loggat i SSP, {day}" in news]
    assert meeting == showing


def test_news_around_a_digest_moved_off_a_holiday_is_shown_once(
    runtime, notifier: RecordingNotifier, clock, bound: Bound
) -> None:
    """Annandag påsk moves SSP's digest of v. 17 to Tuesday 22 April: it covers from Monday
    14 April's digest, and v. 18's (Monday 28 April) covers from that Tuesday."""
    _log(runtime.session_factory, bound, "1.2", utc(2025, 4, 14, 10, 0))  # Monday, after v. 16's
    _log(runtime.session_factory, bound, "1.4", utc(2025, 4, 21, 10, 0))  # Annandag påsk
    digests = _digests_with_news(
        runtime, notifier, clock, utc(2025, 4, 10, 12, 0), utc(2025, 4, 28, 6, 0)
    )
    assert set(digests) == {
        "📊 Veckobrev v. 16 – SSP",
        "📊 Veckobrev v. 17 – SSP",
        "📊 Veckobrev v. 18 – SSP",
    }
    for ref, day, shown_in in (
        ("1.2", date(2025, 4, 14), "v. 17"),
        ("1.4", date(2025, 4, 21), "v. 17"),
    ):
        line = f"{ref} uppföljning 2025-T1 (delvis), {day.isoformat()}"
        assert [t for t, news in digests.items() if line in news] == [
            f"📊 Veckobrev {shown_in} – SSP"
        ]


def test_a_follow_up_written_again_in_the_week_is_one_line_with_its_latest_verdict(
    session_factory, bound: Bound
) -> None:  # type: ignore[no-untyped-def]
    """Five saves of 1.3's T1 follow-up between two digests (a word mended, the verdict
    changed) are one piece of news; another measure's, or another period's, is its own."""
    from models.tables import Group, Plan
    from reminders.digest import build_digest

    with session_factory.begin() as s:
        m13 = s.exec(select(Measure).where(Measure.ref == "1.3")).one()
        m22 = s.exec(select(Measure).where(Measure.ref == "2.2")).one()
        saves = [
            (m13, "2025-T1", "delvis", utc(2025, 4, 22, 9, 0)),
            (m22, "2025-T1", "delvis", utc(2025, 4, 22, 9, 30)),
            (m13, "2025-T1", "delvis", utc(2025, 4, 22, 10, 0)),
            (m13, "2025-T1", "pagaende", utc(2025, 4, 23, 10, 0)),
            (m13, "2025-T1", "pagaende", utc(2025, 4, 24, 10, 0)),
            (m13, "2025-T1", "uppfyllt", utc(2025, 4, 25, 10, 0)),
        ]
        for measure, period, verdict, at in saves:
            s.add(
                FollowUp(
                    measure_id=measure.id,  # type: ignore[arg-type]
                    period=period,
                    verdict=verdict,
                    text="Arbetet pågår.",
                    created_at=at,
                )
            )
    with session_factory() as s:
        group = s.get(Group, bound.ssp.id)
        plan = s.get(Plan, bound.plan.id)
        assert group is not None and plan is not None
        reply = build_digest(session=s, group=group, plan=plan, now=utc(2025, 4, 28, 6, 0))
    news = next(sec.text for sec in reply.sections if sec.heading == "Sedan förra veckan")
    lines = [line for line in (news or "").splitlines() if "uppföljning" in line]
    assert len(lines) == 2, news
    assert lines[0].startswith("2.2 uppföljning 2025-T1") and "2025-04-22" in lines[0]
    assert lines[1].startswith("1.3 uppföljning 2025-T1") and "2025-04-25" in lines[1]
    assert "uppfyllt" in lines[1].lower()


def test_tick_offs_of_the_week_are_news_one_by_one_and_in_the_batch(
    session_factory, bound: Bound
) -> None:  # type: ignore[no-untyped-def]
    """A tick-off registered between two digests is news (the day it was done, which may be
    earlier), in the digest built alone and in the batch of all channels alike; one registered
    before the last digest is not."""
    from models.tables import Group, Occurrence, Plan
    from reminders.digest import build_digest, build_digests

    with session_factory.begin() as s:
        m23 = s.exec(select(Measure).where(Measure.ref == "2.3")).one()
        m21 = s.exec(select(Measure).where(Measure.ref == "2.1")).one()
        for measure, done, at in (
            (m21, date(2025, 4, 10), utc(2025, 4, 17, 9, 0)),  # shown in the week before
            (m23, date(2025, 4, 15), utc(2025, 4, 23, 9, 0)),
        ):
            s.add(Occurrence(measure_id=measure.id, occurred_on=done, created_at=at))  # type: ignore[arg-type]
    now = utc(2025, 4, 28, 6, 0)
    with session_factory() as s:
        group = s.get(Group, bound.ssp.id)
        plan = s.get(Plan, bound.plan.id)
        assert group is not None and plan is not None
        alone = build_digest(session=s, group=group, plan=plan, now=now)
        batch = build_digests(session=s, groups_with_plans=[(group, plan)], now=now)
    news = next(sec.text for sec in alone.sections if sec.heading == "Sedan förra veckan")
    assert "2.3 genomförd 2025-04-15" in news
    assert "2.1 genomförd" not in news
    assert batch[group.id] == alone  # type: ignore[index]
