"""The real APScheduler BackgroundScheduler with a controllable clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from apscheduler.jobstores.memory import MemoryJobStore

from reminders.scheduler import PLAN_JOB_ID, SCAN_JOB_ID, build_scheduler
from reminders.service import start_scheduler
from tests.reminders.support import Bound, RecordingNotifier, plan_meeting, rows, utc


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_scheduler_sends_due_reminder_on_its_own(
    runtime, notifier: RecordingNotifier, clock, bound: Bound
) -> None:
    plan_meeting(runtime.session_factory, bound.ssp, date(2025, 4, 23), "09:30")
    clock.set(utc(2025, 4, 15, 6, 0))  # the day before the reminder is due
    handle = start_scheduler(runtime, notifier, clock=clock, scan_interval=0.2)
    try:
        assert handle.running
        assert wait_for(lambda: any(r.kind == "meeting" for r in rows(runtime.session_factory)))
        time.sleep(0.5)

        def meeting_posts(target: str) -> list[str]:
            return [t for s in notifier.to(target) if (t := s.reply.title or "").startswith("📅")]

        assert not meeting_posts("#CSSP")
        clock.set(utc(2025, 4, 16, 6, 0))  # 08.00 CEST: due
        assert wait_for(lambda: bool(meeting_posts("#CSSP")))
        assert meeting_posts("#CSSP") == ["📅 Möte i SSP onsdag 2025-04-23 kl. 09.30"]
        assert wait_for(lambda: bool(meeting_posts("@UANNA")))
        time.sleep(0.6)  # several more scans: nothing is sent twice
        assert len(meeting_posts("#CSSP")) == 1 and len(meeting_posts("@UANNA")) == 1
    finally:
        handle.shutdown()
    assert not handle.running


def test_run_now_fast_forwards_as_if_the_bot_had_been_running(
    runtime, notifier: RecordingNotifier, clock, bound: Bound
) -> None:
    clock.set(utc(2025, 3, 20, 12, 0))
    handle = start_scheduler(runtime, notifier, clock=clock, scan_interval=3600)
    try:
        assert wait_for(lambda: bool(rows(runtime.session_factory, "digest")))
        clock.set(utc(2025, 3, 31, 6, 0))  # "spola fram": eleven days, over the DST change
        result = handle.run_now()
        digests = sorted(k for k in result.sent if k.startswith("digest|"))
        assert digests == [
            "digest|slack|#CEST|2025-W13",
            "digest|slack|#CEST|2025-W14",
            "digest|slack|#CSSP|2025-W13",
            "digest|slack|#CSSP|2025-W14",
        ]
        # Each went out at its own 08.00 local time, not late.
        sent_at = {
            r.occurrence: r.sent_at
            for r in rows(runtime.session_factory, "digest")
            if r.status == "sent"
        }
        assert sent_at == {"2025-W13": utc(2025, 3, 24, 7, 0), "2025-W14": utc(2025, 3, 31, 6, 0)}
        assert not any("(försenad)" in (s.reply.title or "") for s in notifier.sent)
        assert not [k for k in handle.run_now().sent if k.startswith("digest|")]
    finally:
        handle.shutdown()


def test_downtime_is_not_replayed(
    runtime, notifier: RecordingNotifier, clock, bound: Bound
) -> None:
    """With catch-up off (the real clock's behaviour), a gap is an outage."""
    clock.set(utc(2025, 3, 20, 12, 0))
    handle = start_scheduler(runtime, notifier, clock=clock, scan_interval=3600, catch_up=False)
    try:
        assert wait_for(lambda: bool(rows(runtime.session_factory, "digest")))
        clock.set(utc(2025, 3, 24, 10, 0))  # the bot was down from 08.00 to 11.00
        handle.run_now()
        (digest,) = [s for s in notifier.to("#CSSP") if "Veckobrev" in (s.reply.title or "")]
        assert digest.reply.title == "📊 Veckobrev v. 13 – SSP (försenad)"
        clock.set(utc(2025, 4, 3, 6, 0))  # down again, past W14's stale time
        result = handle.run_now()
        assert "digest|slack|#CSSP|2025-W14" in result.dropped
    finally:
        handle.shutdown()


def test_scheduler_configuration(runtime, notifier: RecordingNotifier, clock) -> None:
    scheduler = build_scheduler(runtime, notifier, clock)
    assert scheduler.timezone == ZoneInfo("Europe/Stockholm")
    assert isinstance(scheduler._jobstores["default"], MemoryJobStore)  # rows are the truth
    scheduler.start(paused=True)
    try:
        jobs = {j.id: j for j in scheduler.get_jobs()}
        assert set(jobs) == {PLAN_JOB_ID, SCAN_JOB_ID}
        scan = jobs[SCAN_JOB_ID]
        assert scan.trigger.interval == timedelta(seconds=runtime.settings.scan_interval_seconds)
        assert scan.coalesce and scan.max_instances == 1 and scan.misfire_grace_time
        assert jobs[PLAN_JOB_ID].trigger.interval == timedelta(minutes=15)
    finally:
        scheduler.shutdown(wait=False)


def test_disabled_scheduler_does_not_start(runtime, notifier: RecordingNotifier, clock) -> None:
    runtime.settings = runtime.settings.model_copy(update={"scheduler_enabled": False})
    handle = start_scheduler(runtime, notifier, clock=clock)
    assert not handle.running
    handle.shutdown()


def test_an_outage_is_one_warning_line_and_a_bug_keeps_its_traceback(tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    """A database that cannot be reached fails every run until it is back: one line each, as
    the command layer logs it. Anything else is a bug and is logged with its traceback."""
    import logging

    from sqlalchemy import text

    from bot.db import make_engine
    from reminders.scheduler import _guarded

    unreachable = make_engine(f"sqlite:///{tmp_path}/no-such-folder/atgard.db")

    def outage() -> None:
        with unreachable.connect() as conn:
            conn.execute(text("SELECT 1"))

    def bug() -> None:
        raise ValueError("a bug")

    caplog.set_level(logging.WARNING, logger="reminders.scheduler")
    _guarded("scan", outage)()
    _guarded("plan", bug)()
    unreachable.dispose()
    down, failed = caplog.records
    assert down.levelno == logging.WARNING and down.exc_info is None
    assert down.getMessage() == "Reminder job scan: database unavailable (OperationalError)"
    assert failed.levelno == logging.ERROR and failed.exc_info is not None


def test_same_day_meeting_reminder_goes_out(
    runtime, notifier: RecordingNotifier, clock, bound: Bound
) -> None:
    """REMINDER_DAYS_BEFORE=0: on the meeting day at 08.00, unless the meeting starts by then
    (or has no time, assumed 08.00): then the working day before. It used to be due at the
    very moment it went stale, and was dropped unsent."""
    from models.tables import Group

    with runtime.session_factory.begin() as s:
        for gid in (bound.ssp.id, bound.est.id):
            g = s.get(Group, gid)
            assert g is not None
            g.reminder_days_before = 0
    plan_meeting(runtime.session_factory, bound.ssp, date(2025, 5, 14))  # Wednesday, no time
    plan_meeting(runtime.session_factory, bound.est, date(2025, 5, 14), "13:00")
    clock.set(utc(2025, 5, 12, 12, 0))
    handle = start_scheduler(runtime, notifier, clock=clock, scan_interval=3600)
    try:
        assert wait_for(lambda: bool(rows(runtime.session_factory, "meeting")))
        clock.set(utc(2025, 5, 14, 12, 0))  # fast-forward past both meetings' reminders
        handle.run_now()
    finally:
        handle.shutdown()
    sent = {
        (r.channel_id, r.sent_at.astimezone(ZoneInfo("Europe/Stockholm")).isoformat())
        for r in rows(runtime.session_factory, "meeting")
        if r.channel_id and r.status == "sent" and r.sent_at
    }
    assert sent == {
        ("CSSP", "2025-05-13T08:00:00+02:00"),  # the working day before
        ("CEST", "2025-05-14T08:00:00+02:00"),  # the same morning, before 13.00
    }
    titles = [s.reply.title for s in notifier.to("#CSSP") if (s.reply.title or "").startswith("📅")]
    assert titles == ["📅 Möte i SSP onsdag 2025-05-14"]
