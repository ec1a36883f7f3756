"""The dispatcher's batch claim: concurrent scanners, stopping mid-batch, a process killed
mid-batch, and the number of statements and commits of a scan (counted, not timed)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select

from bench.generate import Scale, generate
from bot.db import SessionFactory
from models.replies import Reply
from models.tables import Group, Reminder
from reminders import dispatcher
from reminders.dispatcher import LEASE, scan
from tests.reminders.support import RecordingNotifier, rows, run_concurrently, utc

DUE = utc(2025, 4, 16, 6, 0)
NOW = DUE + timedelta(seconds=2)  # every row of _add_rows is due
ROOT = Path(__file__).parents[2]


def _said(*, reminder: Reminder, **_kw: Any) -> Reply:
    """Stands in for compose: every row has something to say (its key)."""
    return Reply(title=reminder.key)


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dispatcher, "compose", _said)


def _add_rows(session_factory: SessionFactory, n: int, *, due=DUE) -> list[str]:  # type: ignore[no-untyped-def]
    keys = [f"tertial|slack|@U{i:04d}|2025-T1" for i in range(n)]
    with session_factory.begin() as s:
        s.execute(
            insert(Reminder),
            [
                {
                    "key": key,
                    "kind": "tertial",
                    "platform": "slack",
                    "user_id": f"U{i:04d}",
                    "occurrence": "2025-T1",
                    "due_at": due + timedelta(seconds=i % 3),  # a few due times, ties by id
                    "stale_at": due + timedelta(days=5),
                    "status": "pending",
                    "attempts": 0,
                    "created_at": due - timedelta(days=1),
                }
                for i, key in enumerate(keys)
            ],
        )
    return keys


def _scan(session_factory: SessionFactory, notifier: Any, settings: Any, now=NOW, **kw: Any):  # type: ignore[no-untyped-def]
    return scan(
        session_factory=session_factory, notifier=notifier, now=now, settings=settings, **kw
    )


@pytest.fixture(params=["returning", "row_by_row"])
def claim_kind(request: pytest.FixtureRequest, engine: Engine) -> Iterator[str]:
    """SQLite claims a batch with RETURNING, or (older than 3.35) row by row."""
    if request.param == "row_by_row":
        if engine.dialect.name != "sqlite":
            pytest.skip("the row-by-row claim is SQLite's fallback")
        saved = engine.dialect.update_returning
        engine.dialect.update_returning = False
        yield request.param
        engine.dialect.update_returning = saved
        return
    yield request.param


def test_concurrent_batch_claims_never_send_a_row_twice(
    session_factory, settings, said, claim_kind, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatcher, "CLAIM_ROWS", 3)  # many small batches, many races
    keys = _add_rows(session_factory, 90)
    notifier = RecordingNotifier()

    class Slow(RecordingNotifier):
        def post(self, **kw: Any) -> None:
            time.sleep(0.001)
            notifier.post(**kw)

    results = run_concurrently(lambda: _scan(session_factory, Slow(), settings), 4)
    posted = [x.key for x in notifier.sent]
    assert sorted(posted) == sorted(keys)  # every row once, none twice
    assert sorted(k for r in results for k in r.sent) == sorted(keys)
    assert {(r.status, r.attempts, r.sent_at) for r in rows(session_factory)} == {("sent", 1, NOW)}


def test_a_batch_is_claimed_oldest_first_and_posted_in_id_order(
    session_factory, settings, said, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatcher, "CLAIM_ROWS", 4)
    keys = _add_rows(session_factory, 9)
    notifier = RecordingNotifier()
    _scan(session_factory, notifier, settings)
    by_key = {r.key: r for r in rows(session_factory)}
    # Due times repeat every third row: the oldest four first, each batch in id order.
    oldest = sorted(keys, key=lambda k: (keys.index(k) % 3, keys.index(k)))
    batches = [oldest[i : i + 4] for i in range(0, 9, 4)]
    assert [x.key for x in notifier.sent] == [
        k for b in batches for k in sorted(b, key=lambda k: by_key[k].id)
    ]


def test_stopping_mid_batch_puts_unsent_rows_back_at_once(session_factory, settings, said) -> None:
    keys = _add_rows(session_factory, 12)
    assert len(keys) < dispatcher.CLAIM_ROWS  # all in the first batch
    notifier = RecordingNotifier()
    late = DUE + timedelta(hours=3)

    def until_three() -> bool:
        return len(notifier.sent) < 3

    result = _scan(session_factory, notifier, settings, now=late, should_continue=until_three)
    assert len(result.sent) == 3 and len(notifier.sent) == 3
    after = {r.key: r for r in rows(session_factory)}
    sent = {x.key for x in notifier.sent}
    assert {after[k].status for k in sent} == {"sent"}
    # The rest are pending again, in the same scan, as they were before the claim: not
    # waiting for a lease, not charged an attempt, still due when they were due.
    rest = [after[k] for k in keys if k not in sent]
    assert {(r.status, r.attempts) for r in rest} == {("pending", 0)}
    assert {r.due_at for r in rest} <= {DUE + timedelta(seconds=i) for i in range(3)}
    # The next scan, even at the same moment, sends them, marked late from their due time.
    result = _scan(session_factory, notifier, settings, now=late)
    assert sorted(result.sent) == sorted(r.key for r in rest)
    assert sorted(x.key for x in notifier.sent) == sorted(keys)
    assert {(r.status, r.attempts) for r in rows(session_factory)} == {("sent", 1)}


def test_told_to_stop_before_a_claim_claims_nothing(session_factory, settings, said) -> None:
    _add_rows(session_factory, 5)
    notifier = RecordingNotifier()
    assert not _scan(session_factory, notifier, settings, should_continue=lambda: False)
    assert {(r.status, r.attempts) for r in rows(session_factory)} == {("pending", 0)}


def test_late_marking_uses_the_due_time_from_before_the_claim(
    session_factory, settings, notifier
) -> None:
    """compose gets each row's due time from before the claim (while the row's own due_at
    holds its lease), so a late reminder is marked "(försenad)"."""
    seen: list[Any] = []

    def spy(*, reminder: Reminder, due_at, **_kw: Any) -> Reply:  # type: ignore[no-untyped-def]
        seen.append((reminder.key, due_at, reminder.status))
        return Reply(title=reminder.key)

    keys = _add_rows(session_factory, 3)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dispatcher, "compose", spy)
        _scan(session_factory, notifier, settings, now=DUE + timedelta(days=1))
    assert [k for k, _, _ in seen] == keys
    assert [d for _, d, _ in seen] == [DUE + timedelta(seconds=i) for i in range(3)]
    assert {st for _, _, st in seen} == {"sending"}


# --------------------------------------------------------------------------- a slow platform


def test_slow_posts_give_the_batch_back_before_another_scanner_may_take_it(
    session_factory, settings, said, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each post takes 200 s (the lease is 300 s) and another scanner comes by after every
    post, with the wall clock as its `now`: it must never find one of our rows abandoned and
    send it while we still mean to."""
    keys = _add_rows(session_factory, 6)
    clock = [0.0]
    monkeypatch.setattr(dispatcher, "_clock", lambda: clock[0])
    platform = RecordingNotifier()
    others: list[Any] = []

    class Slow:
        def post(self, **kw: Any) -> None:
            platform.post(**kw)
            clock[0] += 200
            others.append(
                _scan(session_factory, platform, settings, now=NOW + timedelta(seconds=clock[0]))
            )

    ours = _scan(session_factory, Slow(), settings)
    sent = [x.key for x in platform.sent]
    assert sorted(sent) == sorted(keys) and len(set(sent)) == len(sent)  # each once
    assert sorted(ours.sent) == sorted(keys)
    assert not any(others)  # the others found nothing of ours to take over
    assert {(r.status, r.attempts) for r in rows(session_factory)} == {("sent", 1)}


# --------------------------------------------------------------------------- a killed process

# Runs one scan in a fresh process whose notifier writes each posted key to a file and kills
# the process (os._exit: no except, no finally) when it is about to post the fourth message.
KILLED_MID_BATCH = """
import os, sys
from datetime import datetime
from bot.config import Settings
from bot.db import make_engine, make_session_factory
from models.replies import Reply
from reminders import dispatcher

url, out, now = sys.argv[1], sys.argv[2], datetime.fromisoformat(sys.argv[3])
dispatcher.compose = lambda *, reminder, **kw: Reply(title=reminder.key)

class DiesAtTheFourth:
    def __init__(self):
        self.n = 0

    def post(self, *, reply, key=None, **target):
        if self.n == 3:
            os._exit(9)
        with open(out, "a") as f:
            f.write(key + "\\n")
        self.n += 1

engine = make_engine(url)
settings = Settings(_env_file=None, database_url=url, admin_user_ids=[])
dispatcher.scan(
    session_factory=make_session_factory(engine), notifier=DiesAtTheFourth(), now=now,
    settings=settings,
)
"""


def _killed_mid_batch(database_url: str, tmp_path: Path) -> list[str]:
    """Run KILLED_MID_BATCH; the keys it posted before it died."""
    posted_file = tmp_path / "posted.txt"
    done = subprocess.run(
        [sys.executable, "-c", KILLED_MID_BATCH, database_url, str(posted_file), NOW.isoformat()],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 9, done.stderr
    return posted_file.read_text().split()


def test_a_process_killed_mid_batch_leaves_rows_that_recovery_handles(
    session_factory, settings, said, database_url: str, tmp_path: Path
) -> None:
    keys = _add_rows(session_factory, 8)
    posted = _killed_mid_batch(database_url, tmp_path)
    assert len(posted) == 3
    # The three posted rows are recorded; the row in hand and the untried ones are left
    # `sending`, each charged one attempt by the claim.
    by_id = sorted(rows(session_factory), key=lambda r: r.id)
    assert posted == [r.key for r in by_id[:3]]  # posted in id order
    assert {(r.status, r.attempts) for r in by_id[:3]} == {("sent", 1)}
    assert {(r.status, r.attempts) for r in by_id[3:]} == {("sending", 1)}
    in_hand, untried = by_id[3], by_id[4:]

    notifier = RecordingNotifier()  # plays the platform: it has the three messages
    for key in posted:
        notifier.post(user_id=key.split("|")[2][1:], reply=Reply(title=key), key=key)
    # Within the lease a new scan leaves the batch alone.
    assert not _scan(session_factory, notifier, settings, now=NOW + timedelta(minutes=1))
    result = _scan(session_factory, notifier, settings, now=NOW + LEASE + timedelta(seconds=1))
    assert not result.recovered  # nothing posted was left unrecorded
    assert sorted(result.requeued) == sorted(k for k in keys if k not in posted)
    assert sorted(result.sent) == sorted(result.requeued)
    assert sorted(x.key for x in notifier.sent) == sorted(keys)  # exactly once each
    after = {r.key: r for r in rows(session_factory)}
    assert {after[k].status for k in keys} == {"sent"}
    assert [after[k].attempts for k in posted] == [1, 1, 1]
    # The row in hand keeps the attempt its crash cost; the rows never tried get theirs back.
    assert after[in_hand.key].attempts == 2
    assert {after[r.key].attempts for r in untried} == {1}


def test_a_crash_without_history_repeats_at_most_the_row_in_hand(
    session_factory, settings, said, database_url: str, tmp_path: Path
) -> None:
    """No history to read (at-least-once): the posted rows were recorded one by one, so only
    the message being posted when the process died can go out twice."""
    keys = _add_rows(session_factory, 8)
    posted = _killed_mid_batch(database_url, tmp_path)
    notifier = RecordingNotifier()
    notifier.can_tell = False
    for key in posted:
        notifier.post(user_id=key.split("|")[2][1:], reply=Reply(title=key), key=key)
    _scan(session_factory, notifier, settings, now=NOW + LEASE + timedelta(seconds=1))
    sent = [x.key for x in notifier.sent]
    assert sorted(set(sent)) == sorted(keys)
    assert len(sent) - len(set(sent)) == 0  # the row in hand had not gone out either


# --------------------------------------------------------------------------- counted


def test_a_peak_scan_makes_a_few_statements_and_commits_per_batch(
    session_factory, settings, notifier
) -> None:
    """Monday 08.00: many digests due at once. Statements and commits grow with the number
    of batches (CLAIM_ROWS rows each), not with the number of rows."""
    engine: Engine = session_factory.kw["bind"]
    generate(engine, Scale(municipalities=5, measures=8, years=1, channels=50))
    with session_factory() as s:
        groups = list(s.execute(select(Group.id, Group.channel_id).order_by(Group.id)))
    now = utc(2025, 4, 21, 6, 5)
    with session_factory.begin() as s:
        s.execute(
            insert(Reminder),
            [
                {
                    "key": f"digest|slack|#{channel}|2025-W17",
                    "kind": "digest",
                    "platform": "slack",
                    "channel_id": channel,
                    "group_id": gid,
                    "occurrence": "2025-W17",
                    "due_at": now - timedelta(minutes=5),
                    "stale_at": now + timedelta(days=2),
                    "status": "pending",
                    "attempts": 0,
                    "created_at": now - timedelta(days=7),
                }
                for gid, channel in groups
            ],
        )
    n = len(groups)
    assert n == 50
    counts = {"statements": 0, "commits": 0}

    def statement(*_a: object) -> None:
        counts["statements"] += 1

    def commit(*_a: object) -> None:
        counts["commits"] += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        result = _scan(session_factory, notifier, settings, now=now)
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
    assert len(result.sent) == n == len(notifier.sent)
    batches = math.ceil(n / dispatcher.CLAIM_ROWS)  # 3
    # A claim per batch, a record per row (cheap: on PostgreSQL it does not wait for the WAL),
    # one for the stale-row sweep.
    assert counts["commits"] <= batches + n + 2, counts
    # Per batch the candidates and the claim (PostgreSQL: one claim statement); per row the
    # record (and on PostgreSQL its SET LOCAL); plus a fixed number to sweep, recover and
    # build every digest at once. Nothing per row beyond that: no N+1.
    assert counts["statements"] <= 2 * batches + 2 * n + 15, counts
    assert {(r.status, r.attempts) for r in rows(session_factory, "digest")} == {("sent", 1)}
