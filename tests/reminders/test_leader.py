"""Leadership: exactly one replica runs the scheduler on PostgreSQL; another takes over."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db import make_engine, make_session_factory
from bot.runtime import Runtime
from reminders.leader import (
    AlwaysLeader,
    FileLockLeader,
    Leadership,
    PgAdvisoryLeader,
    leadership_for,
)
from reminders.service import start_scheduler
from tests.conftest import BACKEND
from tests.reminders.support import Bound, RecordingNotifier, plan_meeting, utc
from tests.reminders.test_scheduler import wait_for

pg_only = pytest.mark.skipif(BACKEND != "postgresql", reason="needs ATGARD_TEST_DB=postgresql")
ROOT = Path(__file__).parents[2]


def _key() -> int:
    # A key of our own per test, so parallel runs on the same server never meet.
    return random.randint(1, 2**62)


def test_in_memory_sqlite_is_always_leader() -> None:
    leader = leadership_for(make_engine("sqlite://"))
    assert isinstance(leader, AlwaysLeader) and leader.is_leader()


def test_sqlite_file_has_one_leader_among_workers(tmp_path: Path) -> None:
    """Several web workers share one SQLite file: one holds the lock, another takes over."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    a, b = leadership_for(make_engine(url)), leadership_for(make_engine(url))
    assert isinstance(a, FileLockLeader) and isinstance(b, FileLockLeader)
    try:
        assert a.is_leader() and a.is_leader()
        assert not b.is_leader()
        a.release()
        assert not a.is_leader()  # released for good
        assert b.is_leader()
    finally:
        a.release()
        b.release()


FILE_HOLDER = """
import sys, time
from bot.db import make_engine
from reminders.leader import leadership_for
leader = leadership_for(make_engine(sys.argv[1]))
print("leader" if leader.is_leader() else "follower", flush=True)
time.sleep(120)
"""


def takeover_after_sigkill(holder: str, args: list[str], me: Leadership) -> None:
    """Start `holder` in its own process (it takes the lead and says so), SIGKILL it, and
    check that `me` follows it and then takes over."""
    proc = subprocess.Popen(
        [sys.executable, "-c", holder, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "leader"
        assert not me.is_leader()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert wait_for(me.is_leader, timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        me.release()


def test_sqlite_takeover_when_the_holding_worker_dies(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    takeover_after_sigkill(FILE_HOLDER, [url], leadership_for(make_engine(url)))


@pg_only
def test_exactly_one_holder_and_takeover_on_release(database_url: str) -> None:
    key = _key()
    a = PgAdvisoryLeader(make_engine(database_url), key)
    b = PgAdvisoryLeader(make_engine(database_url), key)
    try:
        assert a.is_leader()
        assert not b.is_leader()
        assert a.is_leader()  # re-checks keep it
        assert not b.is_leader()
        a.release()
        assert b.is_leader()
        assert not a.is_leader() or pytest.fail("both lead")
    finally:
        a.release()
        b.release()


@pg_only
def test_takeover_when_the_holders_session_is_killed(database_url: str) -> None:
    key = _key()
    a = PgAdvisoryLeader(make_engine(database_url), key)
    b = PgAdvisoryLeader(make_engine(database_url), key)
    admin = make_engine(database_url)
    try:
        assert a.is_leader()
        pid = a.backend_pid
        assert not b.is_leader()
        with admin.begin() as conn:  # the server ends the holder's session (as if it crashed)
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert wait_for(b.is_leader, timeout=10)
        assert not a.is_leader()  # the old holder notices it lost the lock
    finally:
        a.release()
        b.release()
        admin.dispose()


HOLDER = """
import sys, time
from bot.db import make_engine
from reminders.leader import PgAdvisoryLeader
leader = PgAdvisoryLeader(make_engine(sys.argv[1]), int(sys.argv[2]))
print("leader" if leader.is_leader() else "follower", flush=True)
time.sleep(120)
"""


@pg_only
def test_takeover_when_the_holding_process_dies(database_url: str) -> None:
    key = _key()
    me = PgAdvisoryLeader(make_engine(database_url), key)
    takeover_after_sigkill(HOLDER, [database_url, str(key)], me)


@pg_only
def test_two_replicas_send_each_reminder_once(
    settings, engine, session_factory, clock, bound: Bound
) -> None:  # type: ignore[no-untyped-def]
    key = _key()
    plan_meeting(session_factory, bound.ssp, date(2025, 4, 23), "09:30")
    clock.set(utc(2025, 4, 15, 6, 0))
    replicas = []
    for _ in range(2):
        eng = make_engine(str(settings.database_url))
        rt = Runtime(settings=settings, engine=eng, session_factory=make_session_factory(eng))
        notifier = RecordingNotifier()
        handle = start_scheduler(
            rt, notifier, clock=clock, leader=PgAdvisoryLeader(eng, key), scan_interval=0.2
        )
        replicas.append((handle, notifier, eng))
    try:
        assert wait_for(lambda: sum(h.jobs.leader.is_leader() for h, _, _ in replicas) == 1)
        leaders = [i for i, (h, _, _) in enumerate(replicas) if h.jobs.leader.is_leader()]
        assert len(leaders) == 1
        lead, follow = replicas[leaders[0]], replicas[1 - leaders[0]]

        def meetings(n: RecordingNotifier) -> list[str]:
            return [s.target for s in n.sent if (s.reply.title or "").startswith("📅 Möte i SSP")]

        clock.set(utc(2025, 4, 16, 6, 0))  # the meeting reminder is due
        assert wait_for(lambda: len(meetings(lead[1])) == 2)
        time.sleep(0.6)
        assert sorted(meetings(lead[1])) == ["#CSSP", "@UANNA"]
        assert follow[1].sent == []  # the follower did no work
        keys = [
            k for h, _, _ in replicas for k in (h.jobs.last_scan.sent if h.jobs.last_scan else [])
        ]
        assert len(keys) == len(set(keys))

        lead[0].shutdown()  # the leader stops; the other replica takes over
        plan_meeting(session_factory, bound.ssp, date(2025, 5, 7), "09:30")
        clock.set(
            utc(2025, 5, 2, 6, 0)
        )  # 08.00 CEST, 3 working days before 7 May (1 May is a holiday)
        follow[0].run_now()  # plan at once instead of waiting 15 minutes for the plan job
        assert wait_for(lambda: len(meetings(follow[1])) == 2)
        ssp = [s for s in follow[1].sent if (s.reply.title or "").startswith("📅 Möte i SSP")]
        assert all("2025-05-07" in (s.reply.title or "") for s in ssp)
        assert len(meetings(lead[1])) == 2
    finally:
        for handle, _, eng in replicas:
            handle.shutdown()
            eng.dispose()
