"""Scan due reminder rows and deliver them through a Notifier.

Row life cycle (`Reminder.status`):

    pending --claim--> sending --post ok--> sent
                          |--permanent failure / attempts exhausted--> failed (+ audit, report)
                          |--transient failure--> pending, due_at = now + backoff
                          '--lease expired (the sender died)--> sent if delivered, else
                                                                pending again (see below)
    pending --stale_at passed--> dropped (+ audit);  nothing left to say --> dropped

Claiming is a conditional UPDATE (`WHERE id = ? AND status = 'pending'`) in its own short
transaction; only the process whose UPDATE hit the row sends it, so any number of scanners
(replicas, a CLI run next to the bot) never send a row twice while they are alive. On
PostgreSQL the candidate SELECT also uses FOR UPDATE SKIP LOCKED so scanners do not queue
behind each other. While a row is `sending`, `due_at` holds the lease expiry, so the same
index (status, due_at) finds both due and abandoned rows. Rows are still claimed and
recorded one at a time, in the same order as ever (claim, post, record `sent`, claim the
next), but the record of one row and the claim of the next share a transaction (one commit
per row), on one connection for the whole scan with statements built once: the row says
`sent` before the next message goes out, exactly as before. The digests due in a scan are
built together first (`_prepare_digests`); the claim also reads the row's group, so a
digest whose channel was unbound meanwhile is dropped, not sent.

Delivery semantics (the crash window). Between "Slack accepted the message" and "the row
says sent" a crash (SIGKILL, OOM, a lost host) leaves the row in `sending`, and chat.postMessage
has no idempotency key. So every message carries its reminder key (`Notifier.post(key=...)`;
on Slack as message metadata), and when a scan finds a row abandoned in `sending` past its
lease it first asks `Notifier.delivered(key, since=claim time)` (on Slack one
conversations.history call, plus conversations.open for a DM):

    True  -> the message went out before the crash: the row is marked sent, audited
             "paminnelse_aterhamtad" (recovered), nothing is sent again;
    False -> it never went out: back to pending and sent again (marked "(försenad)" if late,
             while it is still relevant);
    None  -> cannot tell (no history scope, an API error, too much history): sent again, i.e.
             AT-LEAST-ONCE is the fallback. A reminder is never silently lost.

Normal sends pay nothing extra: only abandoned rows are looked up, at most one per crashed
process in practice. With a Notifier that can read its history the result is exactly-once
across crashes; the remaining windows are a crash after the message but before its file
uploads (the message is recovered, the attachment is not re-uploaded), a sender still alive
but stuck for longer than the lease (the default is minutes; a resend can then overlap) and a
platform history that is not yet consistent. Every claim counts as an attempt, so a message
that crashes the process each time stops after MAX_ATTEMPTS and is reported instead of
looping (unless the lookup shows it was delivered after all).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.config import Settings
from bot.db import SessionFactory
from models import audit
from models.notify import DeliveryFailed, Notifier
from models.replies import Reply
from models.tables import Group, Plan, Reminder
from reminders.compose import compose, prepared_digest, still_bound
from reminders.digest import build_digests
from reminders.planner import Kind, Planned, insert_planned

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)
BATCH = 200  # rows per scan at most; the rest wait for the next scan
REASON_STALE = "inaktuell: för sent för att vara till nytta"
REASON_NOTHING = "inget att skicka längre"
REASON_REQUEUED = "avbröts under sändning; skickas igen"
# Look a little further back than the claim for the message (clock skew with the platform).
RECOVERY_MARGIN = timedelta(minutes=1)


@dataclass
class ScanResult:
    """What one scan did, by reminder key."""

    sent: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # abandoned, but found delivered

    def __bool__(self) -> bool:
        return any(
            (self.sent, self.retried, self.failed, self.dropped, self.requeued, self.recovered)
        )

    def merge(self, other: ScanResult) -> ScanResult:
        for name in ("sent", "retried", "failed", "dropped", "requeued", "recovered"):
            getattr(self, name).extend(getattr(other, name))
        return self


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most an hour."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def scan(
    *,
    session_factory: SessionFactory,
    notifier: Notifier,
    now: datetime,
    settings: Settings,
    batch: int = BATCH,
    should_continue: Callable[[], bool] = lambda: True,
    lease: timedelta | None = None,
) -> ScanResult:
    """Deliver every due pending row (up to `batch`); drop stale ones; recover or requeue
    abandoned sends. `lease` (default LEASE) is how long a claimed row is left to its sender."""
    lease = lease or LEASE
    result = ScanResult()
    _recover_abandoned(session_factory, notifier, now, settings, result, lease)
    _drop_stale(session_factory, now, result)
    prepared = _prepare_digests(session_factory, now, batch)
    _send_all(
        session_factory,
        notifier,
        now,
        settings,
        result,
        prepared,
        batch=batch,
        should_continue=should_continue,
        lease=lease,
    )
    return result


def _prepare_digests(
    session_factory: SessionFactory, now: datetime, batch: int
) -> dict[int, Reply]:
    """Build every digest due in this scan together (Monday 08.00 is the peak)."""
    try:
        with session_factory() as s:
            group_ids = set(
                s.exec(
                    select(Reminder.group_id)
                    .where(
                        Reminder.status == "pending",
                        Reminder.kind == Kind.DIGEST,
                        col(Reminder.due_at) <= now,
                        col(Reminder.group_id).is_not(None),
                    )
                    .limit(batch)
                )
            )
            if not group_ids:
                return {}
            pairs = list(
                s.exec(
                    select(Group, Plan)
                    .join(Plan, col(Plan.id) == Group.plan_id)
                    .where(col(Group.id).in_(group_ids))
                )
            )
            return build_digests(session=s, groups_with_plans=[(g, p) for g, p in pairs], now=now)
    except Exception:  # the per-row path still works; this is only a speed-up
        log.exception("could not prepare this scan's digests together")
        return {}


# --------------------------------------------------------------------------- housekeeping


def _recover_abandoned(
    session_factory: SessionFactory,
    notifier: Notifier,
    now: datetime,
    settings: Settings,
    result: ScanResult,
    lease: timedelta,
) -> None:
    """Rows left in `sending` past their lease: mark sent if the message is there, else requeue."""
    with session_factory() as s:
        rows = s.exec(
            select(
                Reminder.id,
                Reminder.key,
                Reminder.attempts,
                Reminder.due_at,
                Reminder.channel_id,
                Reminder.user_id,
            )
            .where(Reminder.status == "sending", col(Reminder.due_at) <= now)
            .order_by(col(Reminder.due_at), col(Reminder.id))
            .limit(BATCH)
        ).all()
    for rid, key, attempts, lease_end, channel_id, user_id in rows:
        claimed_at = lease_end - lease  # at or after it was due
        # Asked outside any transaction: it is a network call.
        seen = _was_delivered(
            notifier, key, channel_id, user_id, since=claimed_at - RECOVERY_MARGIN
        )
        exhausted = attempts >= MAX_ATTEMPTS
        with session_factory.begin() as s:
            if seen is True:
                values: dict[str, object] = {
                    "status": "sent",
                    "sent_at": claimed_at,  # it went out within the lease after the claim
                    "last_error": None,
                }
            else:
                values = {
                    "status": "failed" if exhausted else "pending",
                    # Back to when it was claimed, so a resend after a long outage is still
                    # marked "(försenad)".
                    "due_at": claimed_at,
                    "last_error": REASON_REQUEUED,
                }
            n = s.execute(
                update(Reminder)
                .where(
                    col(Reminder.id) == rid,
                    Reminder.status == "sending",
                    col(Reminder.due_at) <= now,  # nobody took it over meanwhile
                )
                .values(**values)
            ).rowcount  # type: ignore[attr-defined]
            if n != 1:
                continue
            if seen is True:
                log.warning("Reminder %s was abandoned mid-send but had been delivered", key)
                audit.record(
                    session=s,
                    actor=None,
                    action="paminnelse_aterhamtad",
                    entity="reminder",
                    entity_id=rid,
                    after={"key": key, "attempts": attempts, "recovered": True},
                )
                result.recovered.append(key)
            elif exhausted:
                _record_failure(s, rid, now, REASON_REQUEUED, settings.admin_user_ids)
                result.failed.append(key)
            else:
                log.warning(
                    "Reminder %s was abandoned mid-send and %s; sending it again",
                    key,
                    "was not delivered" if seen is False else "its delivery cannot be checked",
                )
                audit.record(
                    session=s,
                    actor=None,
                    action="paminnelse_aterupptagen",
                    entity="reminder",
                    entity_id=rid,
                    after={"key": key, "attempts": attempts, "delivered": seen},
                )
                result.requeued.append(key)


def _was_delivered(
    notifier: Notifier,
    key: str,
    channel_id: str | None,
    user_id: str | None,
    *,
    since: datetime,
) -> bool | None:
    """The notifier's answer; None (send again) when it cannot tell or has no way to look."""
    ask = getattr(notifier, "delivered", None)
    if ask is None:
        return None
    try:
        answer = ask(channel_id=channel_id, user_id=user_id, key=key, since=since)
    except Exception:  # the contract says never raise; be safe anyway: at-least-once
        log.exception("Could not check whether reminder %s was delivered", key)
        return None
    return answer if isinstance(answer, bool) else None


def _drop_stale(session_factory: SessionFactory, now: datetime, result: ScanResult) -> None:
    with session_factory.begin() as s:
        rows = s.exec(
            select(Reminder.id, Reminder.key, Reminder.stale_at)
            .where(
                Reminder.status == "pending",
                col(Reminder.due_at) <= now,
                col(Reminder.stale_at).is_not(None),
                col(Reminder.stale_at) <= now,
            )
            .limit(BATCH)
        ).all()
        for rid, key, stale_at in rows:
            n = s.execute(
                update(Reminder)
                .where(col(Reminder.id) == rid, Reminder.status == "pending")
                .values(status="dropped", last_error=REASON_STALE)
            ).rowcount  # type: ignore[attr-defined]
            if n == 1:
                audit.record(
                    session=s,
                    actor=None,
                    action="paminnelse_inaktuell",
                    entity="reminder",
                    entity_id=rid,
                    after={"key": key, "stale_at": stale_at},
                )
                result.dropped.append(key)


# --------------------------------------------------------------------------- claim and send


@dataclass
class _Claimed:
    id: int
    key: str
    due_at: datetime  # when it was due before the claim (for "(försenad)")
    attempts: int
    kind: str = ""
    group_id: int | None = None
    platform: str = "slack"
    channel_id: str | None = None
    user_id: str | None = None
    # A digest's group, read with the claim: it exists and is bound to the row's channel.
    bound: bool = False


@dataclass(frozen=True)
class _Outcome:
    """A claimed row that was posted (sent) or had nothing to say (dropped). It is written in
    the same transaction as the next claim, which follows the post at once: one commit per
    row instead of two, and the row still says `sent` before the next message goes out."""

    id: int
    status: str
    error: str | None = None
    sent_at: datetime | None = None


def _claim_select(*, postgres: bool) -> Select[Any]:
    """The next due row, and its group's binding as it stands now (for a prepared digest).
    The join is outside the LIMIT, so only the chosen row is looked up."""
    due = (
        sa_select(
            Reminder.id,
            Reminder.key,
            Reminder.due_at,
            Reminder.attempts,
            Reminder.kind,
            Reminder.group_id,
            Reminder.platform,
            Reminder.channel_id,
            Reminder.user_id,
        )
        .where(Reminder.status == "pending", col(Reminder.due_at) <= bindparam("now"))
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(1)
    )
    if postgres:
        due = due.with_for_update(skip_locked=True)
    row = due.subquery("due")
    return (
        sa_select(row, Group.id, Group.platform, Group.channel_id)
        .select_from(row)
        .outerjoin(Group, col(Group.id) == row.c.group_id)
    )


# Built once: the scan runs them for every row (Core statements on one connection; building
# them and an ORM session per row cost more than the database did).
_CLAIM_SELECT = {False: _claim_select(postgres=False), True: _claim_select(postgres=True)}
_CLAIM_UPDATE = (
    update(Reminder)
    .where(col(Reminder.id) == bindparam("rid"), Reminder.status == "pending")
    .values(status="sending", attempts=Reminder.attempts + 1, due_at=bindparam("lease_end"))
)
_RECORD_UPDATE = (
    update(Reminder)
    .where(col(Reminder.id) == bindparam("rid"), Reminder.status == "sending")
    .values(
        status=bindparam("new_status"),
        last_error=bindparam("error"),
        sent_at=bindparam("sent"),
    )
)


def _send_all(
    session_factory: SessionFactory,
    notifier: Notifier,
    now: datetime,
    settings: Settings,
    result: ScanResult,
    prepared: dict[int, Reply],
    *,
    batch: int,
    should_continue: Callable[[], bool],
    lease: timedelta,
) -> None:
    """Claim, send and record due rows one by one, on one connection for the whole scan."""
    with session_factory() as s:
        engine = s.get_bind()
    postgres = engine.dialect.name == "postgresql"
    outcome: _Outcome | None = None
    with engine.connect() as conn:
        try:
            for _ in range(batch):
                if not should_continue():
                    break
                claimed = _claim_next(conn, now, lease, postgres=postgres, record=outcome)
                outcome = None  # written with the claim
                if claimed is None:
                    break
                outcome = _deliver(
                    session_factory, notifier, claimed, now, settings, result, prepared
                )
        except BaseException:
            if outcome is not None:  # the claim that carried it failed: try on its own
                with contextlib.suppress(Exception):
                    _record(conn, outcome)
            raise
        if outcome is not None:
            _record(conn, outcome)


def _record(conn: Connection, outcome: _Outcome) -> None:
    with conn.begin():
        _write(conn, outcome)


def _write(conn: Connection, outcome: _Outcome) -> None:
    conn.execute(
        _RECORD_UPDATE,
        {
            "rid": outcome.id,
            "new_status": outcome.status,
            "error": outcome.error,
            "sent": outcome.sent_at,
        },
    )


def _claim_next(
    conn: Connection,
    now: datetime,
    lease: timedelta,
    *,
    postgres: bool,
    record: _Outcome | None = None,
) -> _Claimed | None:
    """Take one due row for this process, in its own transaction (rowcount 1 = ours).
    `record` (the previous row's outcome) is written first, in the same transaction."""
    stmt = _CLAIM_SELECT[postgres]
    while True:
        with conn.begin():
            if record is not None:
                _write(conn, record)
                record = None
            row = conn.execute(stmt, {"now": now}).first()
            if row is None:
                return None
            rid, key, due_at, attempts, kind, group_id, platform, channel_id, user_id = row[:9]
            group_found, group_platform, group_channel = row[9:]
            n = conn.execute(_CLAIM_UPDATE, {"rid": rid, "lease_end": now + lease}).rowcount
            if n == 1:
                return _Claimed(
                    rid,
                    key,
                    due_at,
                    attempts + 1,
                    kind=kind,
                    group_id=group_id,
                    platform=platform,
                    channel_id=channel_id,
                    user_id=user_id,
                    bound=group_found is not None
                    and still_bound(
                        platform=platform,
                        channel_id=channel_id,
                        group_platform=group_platform,
                        group_channel_id=group_channel,
                    ),
                )
        # Another scanner won the race for this row: look for the next one.


def _deliver(
    session_factory: SessionFactory,
    notifier: Notifier,
    c: _Claimed,
    now: datetime,
    settings: Settings,
    result: ScanResult,
    prepared: dict[int, Reply] | None = None,
) -> _Outcome | None:
    """Compose and post one claimed row. Returns what to record (sent or dropped); a failed
    attempt is recorded here (None)."""
    try:
        reply: Reply | None
        if c.kind == Kind.DIGEST and prepared and c.group_id in prepared:
            # This scan's digest, built with the others; its binding was read with the claim.
            assert c.group_id is not None
            reply = (
                prepared_digest(prepared, c.group_id, due_at=c.due_at, now=now) if c.bound else None
            )
            target = {"channel_id": c.channel_id, "user_id": c.user_id}
        else:
            with session_factory.begin() as s:
                row = s.get(Reminder, c.id)
                assert row is not None
                reply = compose(
                    session=s,
                    reminder=row,
                    now=now,
                    settings=settings,
                    due_at=c.due_at,
                    prepared_digests=prepared,
                )
                target = {"channel_id": row.channel_id, "user_id": row.user_id}
        if reply is None:
            result.dropped.append(c.key)
            return _Outcome(c.id, "dropped", error=REASON_NOTHING)
        notifier.post(reply=reply, key=c.key, **target)
    except DeliveryFailed as e:
        _failed_attempt(
            session_factory,
            c,
            now,
            e.reason,
            permanent=e.permanent,
            result=result,
            settings=settings,
        )
        return None
    except Exception as e:  # a bug or an outage must not stop the other reminders
        log.exception("Reminder %s could not be composed or sent", c.key)
        _failed_attempt(
            session_factory,
            c,
            now,
            f"{type(e).__name__}: {e}",
            permanent=False,
            result=result,
            settings=settings,
        )
        return None
    result.sent.append(c.key)
    return _Outcome(c.id, "sent", sent_at=now)


def _failed_attempt(
    session_factory: SessionFactory,
    c: _Claimed,
    now: datetime,
    reason: str,
    *,
    permanent: bool,
    result: ScanResult,
    settings: Settings,
) -> None:
    give_up = permanent or c.attempts >= MAX_ATTEMPTS
    with session_factory.begin() as s:
        n = s.execute(
            update(Reminder)
            .where(col(Reminder.id) == c.id, Reminder.status == "sending")
            .values(
                status="failed" if give_up else "pending",
                last_error=reason[:2000],
                due_at=now if give_up else now + backoff(c.attempts),
            )
        ).rowcount  # type: ignore[attr-defined]
        if n != 1:
            return
        if give_up:
            _record_failure(s, c.id, now, reason, settings.admin_user_ids)
            result.failed.append(c.key)
        else:
            log.warning("Reminder %s failed (attempt %s), retrying: %s", c.key, c.attempts, reason)
            result.retried.append(c.key)


def _record_failure(s: Session, rid: int, now: datetime, reason: str, admins: list[str]) -> None:
    """Audit a given-up reminder and queue a report to each coordinator (never about a report)."""
    row = s.get(Reminder, rid)
    assert row is not None
    log.error("Reminder %s failed for good: %s", row.key, reason)
    audit.record(
        session=s,
        actor=None,
        action="paminnelse_misslyckad",
        entity="reminder",
        entity_id=rid,
        after={"key": row.key, "reason": reason, "attempts": row.attempts},
    )
    if row.kind == Kind.FAILURE_REPORT:
        return
    insert_planned(
        session=s,
        planned=[
            Planned(
                Kind.FAILURE_REPORT,
                row.platform,
                user_id=admin,
                occurrence=f"r{rid}",
                due_at=now,
                stale_at=now + timedelta(days=2),
            )
            for admin in admins
        ],
        now=now,
    )
