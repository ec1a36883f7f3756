"""Plan revisions: every change to a plan's contents bumps it, in the same transaction; reads
and other plans' changes do not. `lista`'s cache is only as right as this."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import event
from sqlmodel import select

from bot.db import SessionFactory, make_session_factory
from handlers import router
from handlers.reading_cache import LISTS
from models.tables import FollowUp, Measure, MeasureStatus, Plan


def revision(session_factory: SessionFactory, plan_id: int) -> int:
    with session_factory() as s:
        plan = s.get(Plan, plan_id)
        assert plan is not None
        return plan.revision


def test_writes_bump_the_plan_and_reads_do_not(session_factory, imported_plan, make_ctx) -> None:  # type: ignore[no-untyped-def]
    pid = imported_plan.id
    other = Plan(district="Norrmalm", year=2024, title="Norrmalm")  # older: not the default
    with session_factory.begin() as s:
        s.add(other)
    start, other_start = revision(session_factory, pid), revision(session_factory, other.id)
    ctx = make_ctx()
    router.execute(ctx, "lista")
    router.execute(ctx, "visa 1.3")
    assert revision(session_factory, pid) == start

    steps = [
        "uppfolj 1.3 Åtta möten hölls",  # follow-up
        "klar 2.3",  # occurrence
        "rytm 1.3 4/år",  # the measure itself
    ]
    seen = start
    for step in steps:
        reply = router.execute(make_ctx(user="UADMIN"), step)
        assert not reply.failed, reply.plain()
        now = revision(session_factory, pid)
        assert now > seen, step
        seen = now
    with session_factory.begin() as s:  # a deletion counts too
        fu = s.exec(select(FollowUp)).first()
        s.delete(fu)
    assert revision(session_factory, pid) > seen
    assert revision(session_factory, other.id) == other_start


def test_a_failed_write_leaves_the_revision(session_factory, imported_plan, make_ctx) -> None:  # type: ignore[no-untyped-def]
    start = revision(session_factory, imported_plan.id)
    reply = router.execute(make_ctx(), "klar 2.3 2030-01-01")  # refused: in the future
    assert reply.failed
    assert revision(session_factory, imported_plan.id) == start


def test_lista_shows_a_change_made_by_another_process(
    engine, session_factory, imported_plan, make_ctx
) -> None:  # type: ignore[no-untyped-def]
    """Another process (the CLI, another web worker) has its own sessions: the revision it
    bumps in the database is what makes this process's cached list stale."""
    LISTS.clear()
    ctx = make_ctx()
    before = router.execute(ctx, "lista 2").plain()
    assert router.execute(ctx, "lista 2").plain() == before
    hits = LISTS.hits
    assert hits >= 1  # the second answer came from the cache

    elsewhere = make_session_factory(engine)  # stands in for the other process's sessions
    with elsewhere.begin() as s:
        m = s.exec(
            select(Measure).where(Measure.plan_id == imported_plan.id, Measure.ref == "2.3")
        ).one()
        m.status = MeasureStatus.DONE
        m.done_on = date(2025, 4, 1)
    after = router.execute(ctx, "lista 2").plain()
    assert after != before
    assert LISTS.hits == hits  # recomputed, not served from the cache


def _statements(engine):  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    return seen, lambda: event.remove(engine, "before_cursor_execute", count)


def test_a_cached_lista_reads_one_row(engine, session_factory, imported_plan, make_ctx) -> None:  # type: ignore[no-untyped-def]
    """A bound channel's plan id and revision in one indexed query, then the cache: no ORM
    loading of the plan (an unbound channel asks for the newest plan too). On an SQLite file
    not even that while nothing has been committed since (the change counter,
    bot.db.change_counter, says so); any commit brings the query back."""
    LISTS.clear()
    assert not router.execute(make_ctx(user="UADMIN", channel="C-SSP"), "koppla SSP").failed
    bound, unbound = make_ctx(channel="C-SSP"), make_ctx(channel="C-NONE")
    first = {ctx.channel_id: router.execute(ctx, "lista").plain() for ctx in (bound, unbound)}
    seen, stop = _statements(engine)
    try:
        assert router.execute(bound, "lista").plain() == first["C-SSP"]
        unchanged = list(seen)
        with session_factory.begin() as s:  # a commit, even one no plan reading shows
            # Older plans of the same district: another district's plan would make an unbound
            # channel's plan depend on who asks (models.plans.default_plan), and not cached.
            s.add(Plan(district="Kungsholmen", year=2020, title="Kungsholmen 2020"))
        seen.clear()
        assert router.execute(bound, "lista").plain() == first["C-SSP"]
        after_commit = list(seen)
        with session_factory.begin() as s:
            s.add(Plan(district="Kungsholmen", year=2019, title="Kungsholmen 2019"))
        seen.clear()
        assert router.execute(unbound, "lista").plain() == first["C-NONE"]
    finally:
        stop()
    assert len(after_commit) == 1, after_commit
    assert "revision" in after_commit[0] and "collab_group" in after_commit[0]
    assert len(seen) == 2 and all("revision" in sql for sql in seen), seen
    if engine.dialect.name == "sqlite":
        assert unchanged == []
    else:
        assert unchanged == after_commit


CHANGE_ELSEWHERE = """
import sys
import subprocess
import sys
from datetime import date
from pathlib import Path
from sqlmodel import select
from bot.db import make_engine, make_session_factory
from models.tables import Measure, MeasureStatus
engine = make_engine(sys.argv[1])
with make_session_factory(engine).begin() as s:
    m = s.exec(select(Measure).where(Measure.plan_id == int(sys.argv[2]), Measure.ref == "2.3")).one()
    m.status = MeasureStatus.DONE
    m.done_on = date(2025, 4, 1)
"""


def test_lista_shows_a_change_committed_by_another_os_process(
    database_url, session_factory, imported_plan, make_ctx
) -> None:  # type: ignore[no-untyped-def]
    """The CLI or the other web worker: its own connections, its own SQLite page cache."""
    LISTS.clear()
    ctx = make_ctx()
    before = router.execute(ctx, "lista 2").plain()
    assert router.execute(ctx, "lista 2").plain() == before  # cached, and the head memoised
    subprocess.run(
        [sys.executable, "-c", CHANGE_ELSEWHERE, database_url, str(imported_plan.id)],
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert router.execute(ctx, "lista 2").plain() != before
