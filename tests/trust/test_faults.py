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
from sqlalchemy import Engine, event
from sqlmodel import col, func, select

from bot.db import make_engine, make_session_factory, upgrade
from handlers.context import CommandContext
from handlers.router import execute
from handlers.texts import UNAVAILABLE
from models.replies import Actor, mention
from models.tables import Assignment, FollowUp, Group, Measure
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


WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.mark.parametrize(
    ("first", "second", "answers"),
    [
        (
            ("C1", "koppla SSP"),
            ("C1", "koppla EST"),
            ["Kanalen hör nu till", "Kanalen hör nu till"],
        ),
        (
            ("C1", "koppla Nattvandring"),
            ("C2", "koppla Nattvandring"),
            ["Kanalen hör nu till", "Kanalen hör nu till"],
        ),
        (
            ("C1", f"ansvarig 1.3 {mention('U5')}"),
            ("C2", f"ansvarig 1.3 {mention('U5')}"),
            ["påminns nu", "redan"],
        ),
    ],
    ids=["one_channel_two_groups", "one_new_group_two_channels", "one_person_twice"],
)
def test_two_writes_of_one_unique_row_at_once_both_get_an_answer(
    first: tuple[str, str],
    second: tuple[str, str],
    answers: list[str],
    database_url: str,
    settings,
    clock,
    imported_plan,
    session_factory,
) -> None:  # type: ignore[no-untyped-def]
    """Two web workers (an engine each) both read "not there yet", then both write the same
    unique row (a channel's binding, a new group's name, an assignment): the later write broke
    the constraint and its user was told "Något gick fel". Each worker waits before its first
    flush until both have read, so the race happens every time."""
    both_read = threading.Barrier(2, timeout=20)
    engines = [make_engine(database_url) for _ in range(2)]
    waited: set[int] = set()
    replies: dict[int, str] = {}

    def at_first_write(conn, _cur, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        n = next((i for i, e in enumerate(engines) if conn.engine is e), None)
        if n is not None and n not in waited and statement.lstrip()[:6].upper() in WRITES:
            waited.add(n)  # once: a second try must not wait for the other worker again
            both_read.wait()

    # On the Engine class: its listeners run before each engine's own, so before SQLite's
    # write lock is taken (bot.db), or the other worker would never get to the barrier.
    event.listen(Engine, "before_cursor_execute", at_first_write)

    def worker(n: int, channel: str, command: str) -> None:
        ctx = CommandContext(
            make_session_factory(engines[n]),
            settings,
            Actor(f"U{n}", "Kim", "slack"),
            channel_id=channel,
            clock=clock,
            request_key=f"cmd:race-{n}",
        )
        replies[n] = execute(ctx, command).plain()

    threads = [
        threading.Thread(target=worker, args=(n, *call)) for n, call in enumerate((first, second))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    event.remove(Engine, "before_cursor_execute", at_first_write)
    for engine in engines:
        engine.dispose()
    said = sorted(next((a for a in answers if a in replies[n]), replies[n]) for n in (0, 1))
    assert said == sorted(answers), replies
    with session_factory() as s:
        bound = s.exec(select(Group.channel_id).where(col(Group.channel_id).is_not(None))).all()
        assignments = s.exec(select(func.count()).select_from(Assignment)).one()
    assert len(bound) == len(set(bound))  # a channel belongs to one group
    assert assignments == (1 if "ansvarig" in first[1] else 0)
