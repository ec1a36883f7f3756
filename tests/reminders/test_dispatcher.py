"""The dispatcher: claim, send, record; late, stale, failures, crashes, concurrency, speed."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import event, insert, text
from sqlmodel import select

from bot.config import Settings
from bot.db import SessionFactory
from models.notify import DeliveryFailed
from models.replies import Reply
from models.tables import AuditEvent, PlannedMeeting, Reminder
from reminders.dispatcher import LEASE, MAX_ATTEMPTS, scan
from reminders.planner import plan_reminders
from tests.reminders.support import (
    Bound,
    RecordingNotifier,
    plan_meeting,
    rows,
    run_concurrently,
    utc,
)

# Meeting Wednesday 23 April 2025 09.30; reminder due Wednesday 16 April 08.00 CEST.
MEETING = date(2025, 4, 23)
DUE = utc(2025, 4, 16, 6, 0)


@pytest.fixture
def meeting_rows(session_factory: SessionFactory, settings: Settings, bound: Bound) -> None:
    plan_meeting(session_factory, bound.ssp, MEETING, "09:30")
    with session_factory.begin() as s:
        plan_reminders(session=s, now=utc(2025, 4, 10, 8, 0), settings=settings)
    # Keep these tests about meeting reminders only.
    with session_factory.begin() as s:
        for r in s.exec(select(Reminder).where(Reminder.kind != "meeting")):
            s.delete(r)


def _scan(sf: SessionFactory, notifier: RecordingNotifier, settings: Settings, now):  # type: ignore[no-untyped-def]
    return scan(session_factory=sf, notifier=notifier, now=now, settings=settings)


def test_due_reminder_is_sent_once_and_recorded(
    session_factory, settings, notifier, meeting_rows
) -> None:
    assert not _scan(session_factory, notifier, settings, DUE - timedelta(minutes=1))
    result = _scan(session_factory, notifier, settings, DUE)
    assert len(result.sent) == 2
    channel = notifier.to("#CSSP")[0].reply
    assert channel.title == "📅 Möte i SSP onsdag 2025-04-23 kl. 09.30"
    assert "(försenad)" not in channel.plain()
    assert "1.3" in channel.plain()  # SSP's measure is behind: on the agenda
    dm = notifier.to("@UANNA")[0].reply
    assert "ansvarig för 1.3 i SSP" in (dm.context or "")
    assert {r.status for r in rows(session_factory)} == {"sent"}
    assert {r.sent_at for r in rows(session_factory)} == {DUE}
    assert {r.attempts for r in rows(session_factory)} == {1}
    assert not _scan(session_factory, notifier, settings, DUE + timedelta(hours=1))
    assert len(notifier.sent) == 2


def test_reminder_missed_while_down_goes_out_marked_late(
    session_factory, settings, notifier, meeting_rows
) -> None:
    result = _scan(session_factory, notifier, settings, DUE + timedelta(days=2))
    assert len(result.sent) == 2
    for sent in notifier.sent:
        assert sent.reply.title and sent.reply.title.endswith("(försenad)")
        assert "Skulle ha skickats 2025-04-16 08.00" in (sent.reply.context or "")


def test_small_delay_is_not_marked_late(session_factory, settings, notifier, meeting_rows) -> None:
    _scan(session_factory, notifier, settings, DUE + timedelta(minutes=10))
    assert all("(försenad)" not in (s.reply.title or "") for s in notifier.sent)


def test_stale_reminder_is_dropped_and_audited(
    session_factory, settings, notifier, meeting_rows
) -> None:
    result = _scan(session_factory, notifier, settings, utc(2025, 4, 23, 8, 0))  # meeting started
    assert notifier.sent == []
    assert len(result.dropped) == 2
    assert {r.status for r in rows(session_factory)} == {"dropped"}
    with session_factory() as s:
        events = list(s.exec(select(AuditEvent).where(AuditEvent.action == "paminnelse_inaktuell")))
    assert len(events) == 2


def test_meeting_taken_off_the_calendar_is_not_sent(
    session_factory, settings, notifier, meeting_rows
) -> None:
    with session_factory.begin() as s:
        for pm in s.exec(select(PlannedMeeting)):
            s.delete(pm)
    result = _scan(session_factory, notifier, settings, DUE)
    assert notifier.sent == [] and len(result.dropped) == 2


def test_permanent_failure_is_not_retried_and_is_reported(
    session_factory, settings, notifier, meeting_rows
) -> None:
    settings = settings.model_copy(update={"admin_user_ids": ["UADMIN"]})
    notifier.fail["#CSSP"] = DeliveryFailed("is_archived", permanent=True)
    result = _scan(session_factory, notifier, settings, DUE)
    assert len(result.failed) == 1
    (failed,) = [r for r in rows(session_factory) if r.channel_id == "CSSP"]
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 1, "is_archived")
    report = notifier.to("@UADMIN")
    assert len(report) == 1
    assert "#CSSP" in report[0].reply.plain() and "is_archived" in report[0].reply.plain()
    with session_factory() as s:
        audit = list(s.exec(select(AuditEvent).where(AuditEvent.action == "paminnelse_misslyckad")))
    assert len(audit) == 1
    # Later scans never try it again.
    assert not _scan(session_factory, notifier, settings, DUE + timedelta(days=1))
    assert len(notifier.to("@UADMIN")) == 1


def test_failure_report_says_why_in_swedish(
    session_factory, settings, notifier, meeting_rows
) -> None:
    settings = settings.model_copy(update={"admin_user_ids": ["UADMIN"]})
    notifier.fail["#CSSP"] = DeliveryFailed(
        "is_archived", permanent=True, explanation="kanalen är arkiverad"
    )
    _scan(session_factory, notifier, settings, DUE)
    (report,) = notifier.to("@UADMIN")
    assert "kunde inte levereras efter 1 försök: kanalen är arkiverad (is_archived)." in (
        report.reply.plain()
    )


def test_a_bug_is_reported_without_its_exception_text(
    session_factory, settings, notifier, meeting_rows
) -> None:
    notifier.fail["#CSSP"] = ValueError("internal detail, in English")  # type: ignore[assignment]
    _scan(session_factory, notifier, settings, DUE)
    (row,) = [r for r in rows(session_factory) if r.channel_id == "CSSP"]
    assert row.last_error == "ett fel i boten (ValueError)"


def test_permanent_failure_without_admins_is_audited(
    session_factory, settings, notifier, meeting_rows
) -> None:
    notifier.fail["#CSSP"] = DeliveryFailed("channel_not_found", permanent=True)
    _scan(session_factory, notifier, settings, DUE)
    assert [r.kind for r in rows(session_factory)].count("failure_report") == 0
    with session_factory() as s:
        assert s.exec(
            select(AuditEvent).where(AuditEvent.action == "paminnelse_misslyckad")
        ).first()


def test_transient_failures_back_off_and_stop_after_max_attempts(
    session_factory, settings, notifier, meeting_rows
) -> None:
    settings = settings.model_copy(update={"admin_user_ids": ["UADMIN"]})
    notifier.fail["#CSSP"] = DeliveryFailed("ratelimited", permanent=False)
    now = DUE
    gaps = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        result = _scan(session_factory, notifier, settings, now)
        (row,) = [r for r in rows(session_factory) if r.channel_id == "CSSP"]
        assert row.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert row.status == "pending" and len(result.retried) == 1
            # Nothing happens before the backoff has passed.
            assert not _scan(session_factory, notifier, settings, row.due_at - timedelta(seconds=1))
            gaps.append(row.due_at - now)
            now = row.due_at
    assert gaps == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert row.status == "failed"
    assert len(notifier.to("@UADMIN")) == 1


class Crash(BaseException):
    """The process dies (not an error the dispatcher may catch)."""


class CrashAfterSend(RecordingNotifier):
    def __init__(self) -> None:
        super().__init__()
        self.crash = True

    def post(self, *, channel_id=None, user_id=None, reply: Reply, key=None) -> None:  # type: ignore[no-untyped-def]
        super().post(channel_id=channel_id, user_id=user_id, reply=reply, key=key)
        if self.crash:
            raise Crash  # delivered, but the row is never marked sent


def test_crash_between_send_and_record_is_recovered_not_resent(
    session_factory, settings, meeting_rows
) -> None:
    notifier = CrashAfterSend()
    with pytest.raises(Crash):
        _scan(session_factory, notifier, settings, DUE)
    (stuck,) = [r for r in rows(session_factory) if r.status == "sending"]
    assert stuck.attempts == 1
    assert len(notifier.sent) == 1 and notifier.sent[0].key == stuck.key
    notifier.crash = False
    # A restart within the lease sends the other row but leaves the claimed one alone.
    result = _scan(session_factory, notifier, settings, DUE + timedelta(minutes=1))
    assert stuck.key not in result.sent and len(result.sent) == 1
    assert notifier.asked == []  # normal sends never look at the history
    # After the lease the abandoned row is looked up: it was delivered, so it is not resent.
    result = _scan(session_factory, notifier, settings, DUE + LEASE + timedelta(seconds=1))
    assert result.recovered == [stuck.key] and not result.sent and not result.requeued
    assert notifier.asked == [stuck.key]
    again = next(r for r in rows(session_factory) if r.key == stuck.key)
    assert (again.status, again.attempts, again.sent_at) == ("sent", 1, DUE)
    assert len(notifier.sent) == 2  # exactly once each
    with session_factory() as s:
        (event,) = s.exec(select(AuditEvent).where(AuditEvent.action == "paminnelse_aterhamtad"))
    assert event.entity_id == str(stuck.id)
    assert not _scan(session_factory, notifier, settings, DUE + timedelta(hours=1))


def test_crash_when_delivery_cannot_be_checked_resends(
    session_factory, settings, meeting_rows
) -> None:
    notifier = CrashAfterSend()
    notifier.can_tell = False  # e.g. the history scope is missing: at-least-once fallback
    with pytest.raises(Crash):
        _scan(session_factory, notifier, settings, DUE)
    (stuck,) = [r for r in rows(session_factory) if r.status == "sending"]
    notifier.crash = False
    result = _scan(session_factory, notifier, settings, DUE + LEASE + timedelta(seconds=1))
    assert result.requeued == [stuck.key] and stuck.key in result.sent
    again = next(r for r in rows(session_factory) if r.key == stuck.key)
    assert (again.status, again.attempts) == ("sent", 2)
    assert len(notifier.sent) == 3  # one duplicate: the documented price of never losing one


def test_a_failing_delivery_check_counts_as_cannot_tell(
    session_factory, settings, meeting_rows
) -> None:
    class Broken(CrashAfterSend):
        def delivered(self, **kw) -> bool | None:  # type: ignore[no-untyped-def, override]
            raise RuntimeError("boom")

    notifier = Broken()
    with pytest.raises(Crash):
        _scan(session_factory, notifier, settings, DUE)
    notifier.crash = False
    result = _scan(session_factory, notifier, settings, DUE + LEASE + timedelta(seconds=1))
    assert len(result.requeued) == 1 and {r.status for r in rows(session_factory)} == {"sent"}


def test_a_shorter_lease_recovers_sooner(session_factory, settings, meeting_rows) -> None:
    notifier = CrashAfterSend()
    lease = timedelta(seconds=2)
    with pytest.raises(Crash):
        scan(
            session_factory=session_factory,
            notifier=notifier,
            now=DUE,
            settings=settings,
            lease=lease,
        )
    notifier.crash = False
    result = scan(
        session_factory=session_factory,
        notifier=notifier,
        now=DUE + timedelta(seconds=3),
        settings=settings,
        lease=lease,
    )
    assert len(result.recovered) == 1 and len(result.sent) == 1
    assert len(notifier.sent) == 2
    assert {r.status for r in rows(session_factory)} == {"sent"}


def test_resend_after_a_crash_and_long_outage_is_marked_late(
    session_factory, settings, meeting_rows
) -> None:
    with pytest.raises(Crash):
        _scan(session_factory, CrashAfterSend(), settings, DUE)
    notifier = RecordingNotifier()
    _scan(session_factory, notifier, settings, DUE + timedelta(hours=2))  # back two hours later
    assert len(notifier.sent) == 2
    assert all((x.reply.title or "").endswith("(försenad)") for x in notifier.sent)


def test_crash_before_send_loses_nothing(session_factory, settings, meeting_rows) -> None:
    class CrashBeforeSend(RecordingNotifier):
        def post(self, *, channel_id=None, user_id=None, reply: Reply, key=None) -> None:  # type: ignore[no-untyped-def]
            raise Crash

    with pytest.raises(Crash):
        _scan(session_factory, CrashBeforeSend(), settings, DUE)
    notifier = RecordingNotifier()
    _scan(session_factory, notifier, settings, DUE + LEASE + timedelta(seconds=1))
    assert len(notifier.asked) == 1  # looked up, not found: sent
    assert sorted(s.target for s in notifier.sent) == ["#CSSP", "@UANNA"]
    assert {r.status for r in rows(session_factory)} == {"sent"}


def test_a_row_that_keeps_crashing_the_sender_gives_up(
    session_factory, settings, meeting_rows
) -> None:
    with session_factory.begin() as s:
        for r in s.exec(select(Reminder).where(Reminder.user_id == "UANNA")):
            s.delete(r)
    now = DUE
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(Crash):
            _scan(session_factory, CrashAfterSend(), settings, now)
        now += LEASE + timedelta(seconds=1)
    result = _scan(session_factory, RecordingNotifier(), settings, now)
    assert len(result.failed) == 1 and not result.sent  # crashed 5 times: given up, reported
    assert [(r.status, r.attempts) for r in rows(session_factory)] == [("failed", MAX_ATTEMPTS)]


def test_concurrent_scanners_send_each_row_exactly_once(
    session_factory, settings, bound: Bound
) -> None:
    with session_factory.begin() as s:
        for i in range(40):
            s.add(
                Reminder(
                    key=f"tertial|slack|@U{i}|2025-T1",
                    kind="tertial",
                    user_id=f"U{i}",
                    occurrence="2025-T1",
                    due_at=DUE,
                    stale_at=DUE + timedelta(days=5),
                )
            )
    notifier = RecordingNotifier()

    class Slow(RecordingNotifier):
        def post(self, **kw) -> None:  # type: ignore[no-untyped-def]
            time.sleep(0.002)
            notifier.post(**kw)

    results = run_concurrently(lambda: _scan(session_factory, Slow(), settings, DUE), 3)
    handled = [k for r in results for k in r.sent + r.dropped]
    assert len(handled) == len(set(handled)) == 40
    # No assignments exist for these users, so nothing is said: every row dropped, none sent twice.
    assert notifier.sent == []


def test_concurrent_scanners_deliver_once(session_factory, settings, meeting_rows) -> None:
    notifier = RecordingNotifier()
    threads = [
        threading.Thread(target=_scan, args=(session_factory, notifier, settings, DUE))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(s.target for s in notifier.sent) == ["#CSSP", "@UANNA"]


def _plans_of(engine, statements) -> list[str]:  # type: ignore[no-untyped-def]
    """The database's query plan for each captured statement (not run again)."""
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    plans = []
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for statement, params in statements:
            cur.execute(explain + statement, params)
            plans.append("\n".join(" ".join(map(str, row)) for row in cur.fetchall()))
        raw.rollback()
    finally:
        raw.close()
    return plans


def test_a_scan_over_100000_pending_rows_reads_through_the_index(
    session_factory, settings, notifier, meeting_rows
) -> None:
    """Scale without a stopwatch (bench/ times it): with 100,000 rows not yet due, a scan makes
    the same few statements as with none, and none of them reads the reminder table in full."""
    future = utc(2026, 1, 1)
    batch = [
        {
            "key": f"digest|slack|#C{i}|2026-W01",
            "kind": "digest",
            "platform": "slack",
            "channel_id": f"C{i}",
            "occurrence": "2026-W01",
            "due_at": future + timedelta(seconds=i),
            "stale_at": future + timedelta(days=2),
            "status": "pending",
            "attempts": 0,
            "created_at": DUE,
        }
        for i in range(100_000)
    ]
    with session_factory.begin() as s:
        s.execute(insert(Reminder.__table__), batch)  # type: ignore[attr-defined]
    engine = session_factory.kw["bind"]
    with engine.begin() as conn:  # fresh statistics, as autovacuum would have by Monday
        conn.execute(text("ANALYZE"))
    seen: list[tuple[str, object]] = []

    def capture(_conn, _cur, statement, params, _context, many) -> None:  # type: ignore[no-untyped-def]
        if "reminder" in statement and not statement.lstrip().upper().startswith("INSERT"):
            seen.append((statement, params[0] if many else params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        result = _scan(session_factory, notifier, settings, DUE)
        assert len(result.sent) == 2
        sending = len(seen)
        assert not _scan(session_factory, notifier, settings, DUE + timedelta(minutes=1))
        idle = len(seen) - sending
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert sending <= 12 and idle <= 6, [st for st, _ in seen]
    for (statement, _), plan in zip(seen, _plans_of(engine, seen), strict=True):
        full = "SCAN reminder" if engine.dialect.name == "sqlite" else "Seq Scan on reminder"
        assert full not in plan, f"{statement}\n{plan}"
