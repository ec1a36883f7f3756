"""Scan due reminder rows and deliver them through a Notifier.

Row life cycle (`Reminder.status`):

    pending --claim--> sending --post ok--> sent
                          |--permanent failure / attempts exhausted--> failed (+ audit, report)
                          |--transient failure--> pending, due_at = now + backoff
                          |--never posted (scan stopped)--> pending, as before the claim
                          '--lease expired (the sender died)--> sent if delivered, else
                                                                pending again (see below)
    pending --stale_at passed--> dropped (+ audit);  nothing left to say --> dropped
    sending --the platform refuses the bot (AccessLost)--> pending, as before the claim,
                                                          and the platform is paused

Claiming takes a batch of up to CLAIM_ROWS due rows that are not stale (oldest first) in one
short transaction: each row becomes `sending`, its attempt is counted, and its `due_at` is set
to its lease expiry, so the same index (status, due_at) finds both due and abandoned rows. On
PostgreSQL this is ONE statement (UPDATE ... FROM a SELECT ... FOR UPDATE SKIP LOCKED ...
RETURNING), so concurrent scanners skip each other's rows instead of queueing; on SQLite the
candidates are read and one conditional UPDATE (`WHERE id IN (...) AND status = 'pending' AND
due_at <= now ...`) claims them, RETURNING the rows this process won (a conditional UPDATE per
row where SQLite is older than 3.35). Either way only the process whose claim hit a row sends
it, so any number of scanners (replicas, a CLI run next to the bot) never send a row twice
while they are alive. The claim returns the due time a row had (for "(försenad)") and reads
its group, so a digest whose channel was unbound before its batch was claimed is dropped, not
sent (a channel unbound while its batch is being posted still gets that digest).

A batch is then posted row by row, in id order, outside any transaction, and each row is
recorded as soon as it is posted (`sent`, `dropped` with nothing left to say, or backoff /
`failed`), all on one connection for the whole scan with statements built once. On
PostgreSQL a record's commit does not wait for the WAL flush (`synchronous_commit` off for
that transaction only; the claims are durable): a commit per row waiting for the disk was
most of the peak scan. A record whose commit a crash of the database server loses leaves its
row in `sending`, which recovery resolves as below. Every record and failed attempt checks
that the row still carries this scan's lease, and a lease runs from its batch's claim (the
scan's `now` plus the time the scan has taken so far), so a long scan never records over
another scanner that took a row over; and when posting a batch takes longer than half the
lease (a struggling platform), the rest of the batch is given back and claimed afresh, long
before another scanner may take it over. When `should_continue` says stop, the rows of the
batch not yet posted go back to `pending` at once (their due time and attempt count
restored); so do they if the scan is left by an exception, while the row in hand stays
`sending` for recovery. The digests due in a scan are built together first
(`_prepare_digests`).

Lost access (the app uninstalled, its token revoked): the platform is paused (models.access,
recorded by the adapter when the platform says so, or here when a send raises AccessLost).
The rows of a paused platform are neither claimed, recovered, dropped nor charged an attempt:
they stay as they are (the one whose send found out is put back as it was, `last_error` saying why) and are
sent once the pause is lifted. At the start of a scan a paused platform is asked whether access
is back (`Notifier.access_ok`, at most every access.PROBE_EVERY); when it is, the pause ends and
the waiting rows go out, late ones marked "(försenad)" and stale ones dropped with an audit
row, as after any outage. Nothing is given up or reported while the bot cannot speak.

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

A process that dies mid-batch leaves the row in hand and the rows not yet tried in `sending`
(the rows posted before it are recorded): the row in hand is looked up, and the untried rows
are found not delivered and sent after the lease. Normal sends pay nothing extra: only
abandoned rows are looked up, at most one batch (CLAIM_ROWS) per crashed process. With a
Notifier that can read its history the result is exactly-once across crashes; the remaining
windows are a crash after the message but before its file uploads (the message is recovered,
the attachment is not re-uploaded), a sender still alive but stuck for longer than the lease
(the default is minutes; a resend can then overlap) and a platform history that is not yet
consistent. Every claim counts as an attempt, so a message that crashes the process each time
stops after MAX_ATTEMPTS and is reported instead of looping (unless the lookup shows it was
delivered after all). Its batch mates are not charged for it: a batch is posted in id order,
so rows after the first one found undelivered were never tried, and recovery gives their
attempt back; they wait behind it until it is given up (when the notifier cannot tell, a row
may be charged for a crash it did not cause). Without a history to read (AT-LEAST-ONCE), a
crash repeats at most the one row in hand, as before batches.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, Update, bindparam, or_, text, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.config import Settings
from bot.db import SessionFactory
from models import access, audit
from models.groups import release_channel
from models.notify import AccessLost, DeliveryFailed, Notifier
from models.replies import Reply
from models.tables import Group, Plan, Reminder
from reminders.calendar import TZ, digests_end
from reminders.compose import compose, prepared_digest, still_bound
from reminders.digest import build_digests
from reminders.planner import Kind, Planned, insert_planned

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)
BATCH = 200  # rows per scan at most; the rest wait for the next scan
# Rows claimed per transaction. Each is recorded as soon as it is posted, so a process killed
# mid-batch leaves at most this many rows (the one in hand, the ones not yet posted) in
# `sending` for recovery.
CLAIM_ROWS = 20
REASON_STALE = "inaktuell: för sent för att vara till nytta"
REASON_NOTHING = "inget att skicka längre"
REASON_REQUEUED = "avbröts under sändning; skickas igen"
REASON_PAUSED = "väntar: boten har inte åtkomst till arbetsytan ({reason})"
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
    paused: list[str] = field(default_factory=list)  # put back: the bot lost access

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in _RESULT_LISTS)

    def merge(self, other: ScanResult) -> ScanResult:
        for name in _RESULT_LISTS:
            getattr(self, name).extend(getattr(other, name))
        return self


_RESULT_LISTS = ("sent", "retried", "failed", "dropped", "requeued", "recovered", "paused")


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
    _probe_paused(session_factory, notifier, now)
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
                        access.not_paused(Reminder.platform),
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
            today = now.astimezone(TZ).date()
            return build_digests(
                session=s,
                # A finished plan's rows are dropped by the per-row path (reminders.compose).
                groups_with_plans=[(g, p) for g, p in pairs if today <= digests_end(p.year)],
                now=now,
            )
    except Exception:  # the per-row path still works; this is only a speed-up
        log.exception("could not prepare this scan's digests together")
        return {}


# --------------------------------------------------------------------------- housekeeping


def _probe_paused(session_factory: SessionFactory, notifier: Notifier, now: datetime) -> None:
    """Ask whether a paused platform accepts the bot again; lift the pause if it does."""
    with session_factory() as s:
        due = [p.platform for p in access.paused(session=s) if access.due_for_probe(p, now)]
    for platform in due:
        answer = _access_ok(notifier)  # a network call, outside any transaction
        with session_factory.begin() as s:
            if answer is False:
                access.still_lost(session=s, platform=platform, now=now)
                continue
            why = "åtkomsten fungerar igen" if answer else "provar att skicka igen"
            if access.resume(session=s, platform=platform, why=why, now=now):
                log.warning("Sending to %s resumes: %s", platform, why)


def _access_ok(notifier: Notifier) -> bool | None:
    ask = getattr(notifier, "access_ok", None)
    if ask is None:
        return None  # no way to ask: the next send shows (AccessLost pauses again)
    try:
        answer = ask()
    except Exception:  # the contract says never raise; be safe: ask again later
        log.exception("Could not ask whether the bot has access again")
        return False
    return answer if isinstance(answer, bool) else None


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
            .where(
                Reminder.status == "sending",
                col(Reminder.due_at) <= now,
                # Its history cannot be read either: looked up once access is back.
                access.not_paused(Reminder.platform),
            )
            .order_by(col(Reminder.due_at), col(Reminder.id))
            .limit(BATCH)
        ).all()
    not_posted: set[datetime] = set()  # lease ends of batches with a row found undelivered
    for rid, key, attempts, lease_end, channel_id, user_id in rows:
        claimed_at = lease_end - lease  # at or after it was due
        # Asked outside any transaction: it is a network call.
        seen = _was_delivered(
            notifier, key, channel_id, user_id, since=claimed_at - RECOVERY_MARGIN
        )
        # A batch (one lease end) is posted in id order: after a row that was not delivered,
        # none was tried, so their claim gives the attempt back. The first undelivered row
        # was the one in hand when the sender died and keeps it (MAX_ATTEMPTS still stops a
        # row that kills the sender each time).
        if seen is not True and lease_end in not_posted:
            attempts -= 1
        if seen is False:
            not_posted.add(lease_end)
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
                    "attempts": attempts,
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
                # Left as they are while the platform is paused; dropped (audited) once the
                # pause is lifted, if they are still too late then.
                access.not_paused(Reminder.platform),
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
    due_at: datetime  # when it was due before the claim (for "(försenad)", and a release)
    attempts: int  # counting this claim
    kind: str = ""
    group_id: int | None = None
    platform: str = "slack"
    channel_id: str | None = None
    user_id: str | None = None
    # A digest's group, read with the claim: it exists and is bound to the row's channel.
    bound: bool = False
    lease_end: datetime | None = None  # the row's `due_at` while it is ours


@dataclass(frozen=True)
class _Outcome:
    """A claimed row that was posted (sent) or had nothing to say (dropped), written at once
    while this scan's lease on it (`lease_end`) still stands."""

    id: int
    status: str
    lease_end: datetime
    error: str | None = None
    sent_at: datetime | None = None


def _claimable() -> tuple[Any, ...]:
    """Still pending, due and not stale (`now` bound at execution): what a claim may take. A
    stale row is never sent: _drop_stale drops it, BATCH a scan, however many are left over
    (a long outage or pause leaves more)."""
    now = bindparam("now")
    return (
        Reminder.status == "pending",
        col(Reminder.due_at) <= now,
        or_(col(Reminder.stale_at).is_(None), col(Reminder.stale_at) > now),
    )


def _ours(rid: Any, lease_end: Any) -> tuple[Any, ...]:
    """The row is still `sending` under this scan's lease: another scanner that took it over
    after the lease gave it a new one, and then it is not ours to record or give back."""
    return (
        col(Reminder.id) == rid,
        Reminder.status == "sending",
        col(Reminder.due_at) == lease_end,
    )


_TO_SENDING = {
    "status": "sending",
    "attempts": Reminder.attempts + 1,
    "due_at": bindparam("lease_end"),
}


def _claim_postgres() -> Update:
    """One statement claims up to `k` due rows: the oldest pending rows not locked by another
    scanner (SKIP LOCKED), each set to `sending` with its lease, returned with the due time it
    had before the claim and its group's binding as it stands now (for a prepared digest)."""
    due = (
        sa_select(Reminder.id, Reminder.due_at, Reminder.group_id)
        .where(*_claimable(), access.not_paused(Reminder.platform))
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(bindparam("k"))
        .with_for_update(skip_locked=True)
        .cte("due")
    )
    claimed = (
        sa_select(
            due.c.id,
            due.c.due_at,
            col(Group.id).label("group_found"),
            col(Group.platform).label("group_platform"),
            col(Group.channel_id).label("group_channel"),
        )
        .select_from(due)
        .outerjoin(Group, col(Group.id) == due.c.group_id)
        .cte("claimed")
    )
    return (
        update(Reminder)
        .where(col(Reminder.id) == claimed.c.id)
        .values(**_TO_SENDING)
        .returning(
            *_row_columns(claimed.c.due_at),
            claimed.c.group_found,
            claimed.c.group_platform,
            claimed.c.group_channel,
        )
    )


def _row_columns(due_at: Any) -> tuple[Any, ...]:
    """A claimed row's columns in the order _Claimed is built from; `due_at` from where it is known."""
    return (
        Reminder.id,
        Reminder.key,
        due_at,
        Reminder.attempts,
        Reminder.kind,
        Reminder.group_id,
        Reminder.platform,
        Reminder.channel_id,
        Reminder.user_id,
    )


def _candidates() -> Select[Any]:
    """SQLite: up to `k` due rows and their group's binding. The join is outside the LIMIT,
    so only the chosen rows are looked up."""
    due = (
        sa_select(*_row_columns(Reminder.due_at))
        .where(*_claimable(), access.not_paused(Reminder.platform))
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(bindparam("k"))
        .subquery("due")
    )
    return (
        sa_select(due, Group.id, Group.platform, Group.channel_id)
        .select_from(due)
        .outerjoin(Group, col(Group.id) == due.c.group_id)
    )


# Built once: the scan runs them for every batch (Core statements on one connection).
_CLAIM_POSTGRES = _claim_postgres()
_CANDIDATES = _candidates()
# SQLite: the candidates are read first, so the claim is conditional; RETURNING names the
# rows this process won (another scanner may have claimed some since the read).
_CLAIM_IDS = (
    update(Reminder)
    .where(col(Reminder.id).in_(bindparam("ids", expanding=True)), *_claimable())
    .values(**_TO_SENDING)
    .returning(Reminder.id, Reminder.attempts)
)
# The same, one row at a time, for an SQLite older than 3.35 (no RETURNING): rowcount 1 = ours.
_CLAIM_ONE = (
    update(Reminder)
    .where(col(Reminder.id) == bindparam("rid"), *_claimable())
    .values(**_TO_SENDING)
)
_RECORD_UPDATE = (
    update(Reminder)
    .where(*_ours(bindparam("rid"), bindparam("lease_end")))
    .values(
        status=bindparam("new_status"),
        last_error=bindparam("error"),
        sent_at=bindparam("sent"),
    )
)
# A claimed row that was never posted (the scan was told to stop) goes back as it was.
_RELEASE_UPDATE = (
    update(Reminder)
    .where(*_ours(bindparam("rid"), bindparam("lease_end")))
    .values(status="pending", attempts=Reminder.attempts - 1, due_at=bindparam("was_due"))
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
    """Claim due rows CLAIM_ROWS at a time and send them one by one, each recorded as soon as
    it is posted, on one connection for the whole scan."""
    with session_factory() as s:
        engine = s.get_bind()
    unsent: list[_Claimed] = []  # claimed, not yet handed to the notifier
    left = batch
    started = _clock()
    with engine.connect() as conn:
        claim = _claimer(conn.dialect.name, returning=conn.dialect.update_returning)
        try:
            while left > 0 and should_continue():
                # The lease runs from the claim, not from the scan's start: a long scan must
                # not leave its later batches open to another scanner's recovery. Whole
                # seconds: recovery reads the claim time back as lease_end - lease.
                claimed_at = _clock()
                lease_end = now + lease + timedelta(seconds=int(claimed_at - started))
                claimed = claim(conn, now, lease_end, min(CLAIM_ROWS, left))
                if not claimed:
                    break
                unsent = claimed
                while unsent and should_continue():
                    if _clock() - claimed_at > lease.total_seconds() / 2:
                        # Slow posts (a struggling platform): give the rest of the batch back
                        # and claim afresh, long before another scanner may take them over.
                        break
                    c = unsent.pop(0)  # from here on it may have been posted
                    left -= 1
                    outcome = _deliver(
                        session_factory, notifier, c, now, settings, result, prepared
                    )
                    if outcome is _PAUSED:
                        # Every other row for that platform would be refused too: back they
                        # go, untried (later claims skip the paused platform).
                        _release(conn, [u for u in unsent if u.platform == c.platform])
                        unsent = [u for u in unsent if u.platform != c.platform]
                    elif outcome is not None:
                        _record(conn, outcome)
                if unsent and not should_continue():  # told to stop
                    break
                _release(conn, unsent)
                unsent = []
        except BaseException:
            # Not a crash that kills the process (that leaves the batch to recovery): give
            # back what was never posted; the row being posted when it happened stays
            # `sending`, for recovery to look up.
            with contextlib.suppress(Exception):
                _release(conn, unsent)
            raise
        _release(conn, unsent)
        if unsent:
            log.info("Scan stopped: %s claimed reminders put back", len(unsent))


# Monotonic seconds; the lease's clock, replaceable in tests.
_clock = time.monotonic


def _record(conn: Connection, outcome: _Outcome) -> None:
    """Mark one posted (or dropped) row at once, so a crash right after leaves at most the row
    in hand unrecorded. On PostgreSQL the commit does not wait for the WAL flush (a commit per
    row did, and that was most of the peak scan): should the database server itself crash and
    lose the last few records, those rows are back in `sending` and recovery asks the
    platform's history, as after a crash of ours."""
    with conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(_ASYNC_COMMIT)
        _write(conn, [outcome])


_ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")


def _release(conn: Connection, unsent: list[_Claimed]) -> None:
    """Rows claimed but never posted go back as they were (due time and attempt count)."""
    if not unsent:
        return
    with conn.begin():
        conn.execute(
            _RELEASE_UPDATE,
            [{"rid": c.id, "lease_end": c.lease_end, "was_due": c.due_at} for c in unsent],
        )


def _write(conn: Connection, outcomes: list[_Outcome]) -> None:
    if outcomes:
        conn.execute(
            _RECORD_UPDATE,
            [
                {
                    "rid": o.id,
                    "new_status": o.status,
                    "error": o.error,
                    "sent": o.sent_at,
                    "lease_end": o.lease_end,
                }
                for o in outcomes
            ],
        )


_Claim = Callable[[Connection, datetime, datetime, int], list[_Claimed]]


def _claimer(dialect: str, *, returning: bool) -> _Claim:
    if dialect == "postgresql":
        return _claim_postgres_batch
    return _claim_sqlite if returning else functools.partial(_claim_sqlite, returning=False)


def _claimed(row: Sequence[Any], attempts: int, lease_end: datetime) -> _Claimed:
    """A claimed row from (reminder columns..., group id, group platform, group channel)."""
    rid, key, due_at, _, kind, group_id, platform, channel_id, user_id = row[:9]
    group_found, group_platform, group_channel = row[9:12]
    return _Claimed(
        rid,
        key,
        due_at,
        attempts,
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
        lease_end=lease_end,
    )


def _claim_postgres_batch(
    conn: Connection, now: datetime, lease_end: datetime, k: int
) -> list[_Claimed]:
    """Claim the next batch: one statement, one short transaction."""
    with conn.begin():
        rows = conn.execute(_CLAIM_POSTGRES, {"now": now, "k": k, "lease_end": lease_end}).all()
    claimed = [_claimed(row, row[3], lease_end) for row in rows]  # attempts as updated
    return sorted(claimed, key=lambda c: c.id)  # posted in id order (see _recover_abandoned)


def _claim_sqlite(
    conn: Connection,
    now: datetime,
    lease_end: datetime,
    k: int,
    *,
    returning: bool = True,
) -> list[_Claimed]:
    """Read up to `k` candidates and claim those still pending: one transaction. One UPDATE ... RETURNING says which this process won; an SQLite
    without RETURNING (older than 3.35) claims with a conditional UPDATE per row. If another
    scanner took every candidate meanwhile, look again."""
    while True:
        with conn.begin():
            rows = conn.execute(_CANDIDATES, {"now": now, "k": k}).all()
            if not rows:
                return []
            if returning:
                ids = [r[0] for r in rows]
                params = {"ids": ids, "now": now, "lease_end": lease_end}
                won = dict(conn.execute(_CLAIM_IDS, params).all())  # id -> attempts
            else:
                won = {
                    r[0]: r[3] + 1
                    for r in rows
                    if conn.execute(
                        _CLAIM_ONE, {"rid": r[0], "now": now, "lease_end": lease_end}
                    ).rowcount
                    == 1
                }
        if won:
            return sorted(
                (_claimed(r, won[r[0]], lease_end) for r in rows if r[0] in won),
                key=lambda c: c.id,
            )


# `_deliver`'s answer when the platform refused the bot itself: the row was put back.
_PAUSED = _Outcome(0, "pending", datetime.min)


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
    attempt is recorded here (None); _PAUSED when the platform refuses the bot (the row is
    back in pending and the platform paused)."""
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
            return _Outcome(c.id, "dropped", c.lease_end, error=REASON_NOTHING)
        notifier.post(reply=reply, key=c.key, **target)
    except AccessLost as e:
        _paused_attempt(session_factory, c, now, e.reason, result)
        return _PAUSED
    except DeliveryFailed as e:
        _failed_attempt(
            session_factory,
            c,
            now,
            e.described,
            permanent=e.permanent,
            result=result,
            settings=settings,
            channel_gone=e.conversation_gone and c.channel_id is not None,
        )
        return None
    except Exception as e:  # a bug or an outage must not stop the other reminders
        log.exception("Reminder %s could not be composed or sent", c.key)
        _failed_attempt(
            session_factory,
            c,
            now,
            # Shown in the failure report in the channel: no exception text there (the log
            # has the traceback), the name is enough for support.
            f"ett fel i boten ({type(e).__name__})",
            permanent=False,
            result=result,
            settings=settings,
        )
        return None
    result.sent.append(c.key)
    return _Outcome(c.id, "sent", c.lease_end, sent_at=now)


def _paused_attempt(
    session_factory: SessionFactory, c: _Claimed, now: datetime, reason: str, result: ScanResult
) -> None:
    """The platform refused the bot: the row goes back as it was claimed (due time, attempt
    not charged) with the reason noted, and the platform is paused, in one transaction."""
    with session_factory.begin() as s:
        n = s.execute(
            update(Reminder)
            .where(*_ours(c.id, c.lease_end))
            .values(
                status="pending",
                attempts=Reminder.attempts - 1,
                due_at=c.due_at,
                last_error=REASON_PAUSED.format(reason=reason)[:2000],
            )
        ).rowcount  # type: ignore[attr-defined]
        if access.pause(session=s, platform=c.platform, cause=f"avvisad: {reason}", now=now):
            log.error(
                "The bot has lost access to %s (%s): sending is paused until it is back",
                c.platform,
                reason,
            )
    if n == 1:
        result.paused.append(c.key)


def _failed_attempt(
    session_factory: SessionFactory,
    c: _Claimed,
    now: datetime,
    reason: str,
    *,
    permanent: bool,
    result: ScanResult,
    settings: Settings,
    channel_gone: bool = False,
) -> None:
    give_up = permanent or c.attempts >= MAX_ATTEMPTS
    with session_factory.begin() as s:
        n = s.execute(
            update(Reminder)
            .where(*_ours(c.id, c.lease_end))
            .values(
                status="failed" if give_up else "pending",
                last_error=reason[:2000],
                due_at=now if give_up else now + backoff(c.attempts),
            )
        ).rowcount  # type: ignore[attr-defined]
        if n != 1:
            return
        if give_up:
            if channel_gone:
                # Every later digest and reminder there would fail the same way, and report
                # it to the coordinators each time: the channel's groups let it go at once
                # (the failure report says so, and how to bind a new channel).
                release_channel(
                    session=s,
                    platform=c.platform,
                    channel_id=c.channel_id,  # type: ignore[arg-type]
                    reason=reason,
                    now=now,
                )
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
