"""Faults: concurrent writers, a process killed mid-transaction, the database stopped and started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from bot.db import make_engine, make_session_factory, upgrade
from handlers.context import CommandContext
from handlers.router import execute
from handlers.texts import UNAVAILABLE
from models.replies import Actor
from models.tables import FollowUp, Measure
from tests.conftest import BACKEND, plan_file

ROOT = Path(__file__).parents[2]


def test_two_users_follow_up_the_same_measure_at_once(
    make_ctx, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(2)
    replies = {}

    def write(user: str) -> None:
        barrier.wait()
        replies[user] = execute(make_ctx(user=user), f"uppfolj 1.3 Uppföljning från {user}")

    threads = [threading.Thread(target=write, args=(u,)) for u in ("UA", "UB")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all("sparad" in (r.title or "") for r in replies.values()), [
        r.plain() for r in replies.values()
    ]
    with session_factory.begin() as s:
        rows = s.exec(select(FollowUp).order_by(col(FollowUp.created_at), col(FollowUp.id))).all()
    assert sorted(r.author_id for r in rows) == ["UA", "UB"]
    assert rows[0].created_at <= rows[1].created_at and rows[0].id < rows[1].id  # type: ignore[operator]


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from bot.db import make_engine, make_session_factory, upgrade
    from models.importer import apply_plan
    from reports.xlsx_reader import read_plan
    engine = make_engine(sys.argv[1])
    upgrade(engine)
    sf = make_session_factory(engine)
    with sf.begin() as s:
        apply_plan(session=s, parsed=read_plan(sys.argv[2]), district="Kill", year=2025, actor=None, today=date(2025, 4, 1))
        s.flush()
        print("flushed", flush=True)
        time.sleep(60)
    """
)


def test_process_killed_mid_transaction_leaves_nothing(database_url: str, session_factory) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, database_url, str(plan_file())],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "flushed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    with session_factory.begin() as s:
        assert s.exec(select(func.count()).select_from(Measure)).one() == 0


# --- the database stopped and started under a running bot -------------------------------------


# `private_pg` (a PostgreSQL server of our own to stop and start) is in tests/trust/conftest.py.


@pytest.mark.skipif(BACKEND != "postgresql", reason="runs with the PostgreSQL pass")
def test_database_stopped_and_started_under_a_running_bot(private_pg, settings, clock) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from models.importer import apply_plan
    from reports.xlsx_reader import read_plan

    url, start, stop = private_pg
    engine = make_engine(url)
    upgrade(engine)
    sf = make_session_factory(engine)
    with sf.begin() as s:
        apply_plan(
            session=s,
            parsed=read_plan(plan_file()),
            district="K",
            year=2025,
            actor=None,
            today=date(2025, 4, 1),
        )
    ctx = CommandContext(sf, settings, Actor("U1", "Kim"), "C1", clock=clock)
    assert execute(ctx, "lista").context == "16 åtgärder · sida 1 av 2"

    stop()
    for command in ("lista", "uppfolj 1.3 skrivs när databasen är nere", "klar 1.1", "visa 1.3"):
        t0 = time.monotonic()
        reply = execute(ctx, command)
        assert reply.plain() == UNAVAILABLE
        assert time.monotonic() - t0 < 3.0

    start()
    reply = execute(ctx, "uppfolj 1.3 skrivs när databasen är tillbaka")
    assert "sparad" in (reply.title or ""), reply.plain()
    with sf.begin() as s:
        texts = s.exec(select(FollowUp.text)).all()
    assert texts == ["skrivs när databasen är tillbaka"]  # nothing half-written while it was down
    engine.dispose()
