"""The bot lost access to the platform (uninstalled, token revoked): sending pauses, nothing
is given up, and the waiting reminders go out once access is back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert
from sqlmodel import select

from bot.config import Settings
from bot.db import SessionFactory
from models import access
from models.notify import AccessLost
from models.tables import AuditEvent, DeliveryPause, Reminder
from reminders.dispatcher import BATCH, MAX_ATTEMPTS, ScanResult, scan
from reminders.planner import Kind, plan_reminders
from reminders.service import start_scheduler
from tests.reminders.support import Bound, RecordingNotifier, plan_meeting, rows, utc

MEETING = date(2025, 4, 23)
DUE = utc(2025, 4, 16, 6, 0)  # the meeting reminders' due time (08.00 CEST)


class LockedOut(RecordingNotifier):
    """A platform that refuses the bot until `let_in`; it can say so when asked."""

    def __init__(self) -> None:
        super().__init__()
        self.locked = True
        self.probes = 0
        self.tried = 0

    def post(self, **kw):  # type: ignore[no-untyped-def]
        self.tried += 1
        if self.locked:
            raise AccessLost("token_revoked")
        super().post(**kw)

    def access_ok(self) -> bool:
        self.probes += 1
        return not self.locked


@pytest.fixture
def meeting_rows(session_factory: SessionFactory, settings: Settings, bound: Bound) -> None:
    """Two meeting reminders due at DUE: to #CSSP and to UANNA."""
    plan_meeting(session_factory, bound.ssp, MEETING, "09:30")
    with session_factory.begin() as s:
        plan_reminders(session=s, now=utc(2025, 4, 10, 8, 0), settings=settings)
        for r in s.exec(select(Reminder).where(Reminder.kind != Kind.MEETING)):
            s.delete(r)


def _scan(sf: SessionFactory, notifier: RecordingNotifier, settings: Settings, now) -> ScanResult:  # type: ignore[no-untyped-def]
    return scan(session_factory=sf, notifier=notifier, now=now, settings=settings)


def _audit(sf: SessionFactory, action: str) -> list[AuditEvent]:
    with sf() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_refused_send_pauses_and_the_reminders_wait_uncharged(
    session_factory, settings, meeting_rows
) -> None:  # type: ignore[no-untyped-def]
    notifier = LockedOut()
    result = _scan(session_factory, notifier, settings, DUE)
    # The first refusal paused sending: the other row was not even tried.
    assert notifier.tried == 1
    assert len(result.paused) == 1 and not (result.sent or result.failed or result.retried)
    waiting = rows(session_factory)
    assert [(r.status, r.attempts, r.due_at) for r in waiting] == [("pending", 0, DUE)] * 2
    assert "boten har inte åtkomst till arbetsytan (token_revoked)" in (
        waiting[0].last_error or ""
    ) + (waiting[1].last_error or "")
    with session_factory() as s:
        assert access.is_paused(session=s, platform="slack")
    assert len(_audit(session_factory, "utskick_pausade")) == 1
    # No failure, so no failure report to coordinators (it could not be delivered either).
    assert _audit(session_factory, "paminnelse_misslyckad") == []
    assert not [r for r in rows(session_factory) if r.kind == Kind.FAILURE_REPORT]

    # Scans go on while paused: nothing is tried, and Slack is not asked more than every
    # PROBE_EVERY.
    for minutes in range(1, 5):
        assert not _scan(session_factory, notifier, settings, DUE + timedelta(minutes=minutes))
    assert (notifier.tried, notifier.probes) == (1, 0)
    _scan(session_factory, notifier, settings, DUE + access.PROBE_EVERY)
    assert (notifier.tried, notifier.probes) == (1, 1)
    assert {r.status for r in rows(session_factory)} == {"pending"}

    # Access is back: found at the next probe, and both go out.
    notifier.locked = False
    back = DUE + 2 * access.PROBE_EVERY
    result = _scan(session_factory, notifier, settings, back)
    assert notifier.probes == 2
    assert len(result.sent) == 2
    assert {r.status for r in rows(session_factory)} == {"sent"}
    assert {r.attempts for r in rows(session_factory)} == {1}
    with session_factory() as s:
        assert not access.is_paused(session=s, platform="slack")
    [resumed] = _audit(session_factory, "utskick_aterupptagna")
    assert "fungerar igen" in (resumed.after or "")


def test_many_refusals_never_exhaust_a_reminder(session_factory, settings, meeting_rows) -> None:  # type: ignore[no-untyped-def]
    """Even when access comes and goes (the notifier cannot tell), no attempt is charged."""

    class CannotTell(LockedOut):
        access_ok = None  # type: ignore[assignment]  # a notifier without the optional probe

    notifier = CannotTell()
    at = DUE
    for _ in range(MAX_ATTEMPTS * 2):
        _scan(session_factory, notifier, settings, at)
        at += access.PROBE_EVERY  # without a probe the pause is lifted and a send tries
    assert notifier.tried == MAX_ATTEMPTS * 2
    assert [(r.status, r.attempts) for r in rows(session_factory)] == [("pending", 0)] * 2
    notifier.locked = False
    assert len(_scan(session_factory, notifier, settings, at).sent) == 2


def test_a_paused_platform_is_skipped_and_other_rows_still_go(
    session_factory, settings, meeting_rows
) -> None:  # type: ignore[no-untyped-def]
    notifier = RecordingNotifier()
    with session_factory.begin() as s:
        access.pause(session=s, platform="slack", cause="avinstallerad", now=DUE)
        other = s.exec(select(Reminder).where(Reminder.user_id == "UANNA")).one()
        other.platform = "teams"
    result = _scan(session_factory, notifier, settings, DUE)
    assert [s.target for s in notifier.sent] == ["@UANNA"]
    assert len(result.sent) == 1
    assert {(r.platform, r.status) for r in rows(session_factory)} == {
        ("slack", "pending"),
        ("teams", "sent"),
    }


def test_an_abandoned_send_waits_for_access_before_it_is_looked_up(
    session_factory, settings, meeting_rows
) -> None:  # type: ignore[no-untyped-def]
    """A row left in `sending` by a crash is not looked up in a history the bot cannot read
    (that would count as "cannot tell" and charge it): it waits in `sending`."""
    notifier = LockedOut()
    with session_factory.begin() as s:
        for r in s.exec(select(Reminder)):
            r.status, r.due_at, r.attempts = "sending", DUE, 1
        access.pause(session=s, platform="slack", cause="avinstallerad", now=DUE)
    _scan(session_factory, notifier, settings, DUE + timedelta(hours=1))
    assert notifier.asked == [] and notifier.sent == []
    assert {r.status for r in rows(session_factory)} == {"sending"}


def test_pausing_twice_records_one_pause(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        assert access.pause(session=s, platform="slack", cause="avinstallerad", now=DUE)
    with session_factory.begin() as s:
        assert not access.pause(session=s, platform="slack", cause="återkallad", now=DUE)
    with session_factory() as s:
        [p] = s.exec(select(DeliveryPause)).all()
    assert (p.platform, p.cause, p.paused_at) == ("slack", "avinstallerad", DUE)
    assert len(_audit(session_factory, "utskick_pausade")) == 1


def test_fast_forward_with_a_paused_platform_does_not_spin(runtime, clock, bound: Bound) -> None:  # type: ignore[no-untyped-def]
    """The sandbox's catch-up replays a scan per due row: rows that wait must not count."""
    notifier = LockedOut()
    clock.set(utc(2025, 3, 20, 12, 0))
    handle = start_scheduler(runtime, notifier, clock=clock, scan_interval=3600)
    try:
        handle.run_now()
        with runtime.session_factory.begin() as s:
            access.pause(session=s, platform="slack", cause="avinstallerad", now=clock())
        tried = notifier.tried
        clock.set(utc(2025, 4, 14, 6, 0))
        result = handle.run_now()
        assert result.sent == [] and notifier.tried == tried
        # Asked once per scan that was due to ask, not once per replayed row.
        assert 0 < notifier.probes < 100
        assert {r.status for r in rows(runtime.session_factory, "digest")} == {"pending"}
    finally:
        handle.shutdown()


def test_a_pause_noted_by_a_clock_ahead_is_probed_all_the_same(
    session_factory, settings, meeting_rows
) -> None:  # type: ignore[no-untyped-def]
    """The pause was noted at a time ahead of the scheduler's clock: `atgard remind --now` with
    a later time, a web worker on a host whose clock runs ahead, or real Slack before the
    sandbox (whose clock starts in the plan's year). Waiting until that time before asking
    kept sending paused for as long, months if need be."""
    notifier = LockedOut()
    with session_factory.begin() as s:
        access.pause(
            session=s, platform="slack", cause="avinstallerad", now=DUE + timedelta(days=90)
        )
    _scan(session_factory, notifier, settings, DUE)
    assert notifier.probes == 1  # asked at once; still refused
    # From then on, every PROBE_EVERY of this clock, as for any pause.
    _scan(session_factory, notifier, settings, DUE + timedelta(minutes=1))
    assert notifier.probes == 1
    notifier.locked = False
    result = _scan(session_factory, notifier, settings, DUE + access.PROBE_EVERY)
    assert notifier.probes == 2
    assert len(result.sent) == 2
    with session_factory() as s:
        assert not access.is_paused(session=s, platform="slack")


def test_a_backlog_of_stale_rows_is_dropped_not_sent_when_access_is_back(
    session_factory, settings, bound: Bound
) -> None:  # type: ignore[no-untyped-def]
    """A long pause leaves more stale rows than one scan drops (BATCH). The claim took the
    oldest due rows, which were the stale ones left over, and sent them "(försenad)": last
    month's digests in the channel, the moment access was back."""
    back = DUE + timedelta(days=30)
    stale = [
        {
            "key": f"digest|slack|#CSSP|w{i}",
            "kind": Kind.DIGEST,
            "platform": "slack",
            "channel_id": "CSSP",
            "group_id": bound.ssp.id,
            "occurrence": f"w{i}",
            "due_at": DUE + timedelta(minutes=i),
            "stale_at": DUE + timedelta(days=2),
            "status": "pending",
            "attempts": 0,
            "created_at": DUE,
        }
        for i in range(BATCH + 50)
    ]
    with session_factory.begin() as s:
        s.execute(insert(Reminder), stale)
        access.pause(session=s, platform="slack", cause="avinstallerad", now=DUE)
    notifier = LockedOut()
    notifier.locked = False  # reinstalled: the first probe says so
    at = back
    for _ in range(3):
        _scan(session_factory, notifier, settings, at)
        at += timedelta(minutes=1)
    assert notifier.probes == 1
    assert notifier.sent == []
    assert {r.status for r in rows(session_factory)} == {"dropped"}
    assert len(_audit(session_factory, "paminnelse_inaktuell")) == BATCH + 50
