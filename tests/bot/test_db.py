"""Schema and storage: Alembic owns the schema, timestamps are aware UTC on both backends."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import SQLModel, select

import models.tables  # noqa: F401
from bot.config import Settings
from bot.db import SessionFactory, make_engine, make_session_factory, upgrade
from models.tables import AuditEvent
from tests.conftest import BACKEND, cut_pooled_connection


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_timestamps_round_trip_as_aware_utc(session_factory: SessionFactory) -> None:
    cet = timezone(timedelta(hours=2))
    with session_factory.begin() as s:
        s.add(AuditEvent(action="x", entity="y", at=datetime(2025, 3, 30, 3, 30, tzinfo=cet)))
    with session_factory.begin() as s:
        ev = s.exec(select(AuditEvent)).one()
    assert ev.at == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    assert ev.at.tzinfo is not None


def test_naive_timestamps_are_refused(session_factory: SessionFactory) -> None:
    with pytest.raises(Exception, match="naive"), session_factory.begin() as s:
        s.add(AuditEvent(action="x", entity="y", at=datetime(2025, 1, 1)))
        s.flush()


def test_sqlite_runs_in_wal_mode(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_settings_defaults_and_secret_hygiene(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("ADMIN_USER_IDS", "U1, U2")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.database_url == "sqlite:///./atgard.db"
    assert s.admin_user_ids == ["U1", "U2"]
    assert "xoxb-very-secret" not in repr(s) and "xoxb-very-secret" not in str(s.model_dump())
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert Settings(_env_file=None).database_url == "postgresql+psycopg://u@h/db"  # type: ignore[call-arg]


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's single writer")
def test_sqlite_writers_queue_instead_of_polling(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Threads in two 'processes' (two engines: own locks, own pools) write at once: every
    write lands, none fails with "database is locked", and a rolled-back writer frees the lock."""
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engines = [make_engine(url) for _ in range(2)]
    upgrade(engines[0])
    factories = [make_session_factory(e) for e in engines]
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            for n in range(20):
                with factories[i % 2].begin() as s:
                    s.add(AuditEvent(action="x", entity=f"{i}-{n}"))
        except BaseException as e:  # collected: a thread's failure must fail the test
            errors.append(e)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert (tmp_path / "w.db.write.lock").exists()

    with pytest.raises(RuntimeError), factories[0].begin() as s:
        s.add(AuditEvent(action="x", entity="rolled back"))
        s.flush()  # holds the write lock now
        raise RuntimeError
    started = time.monotonic()
    with factories[1].begin() as s:  # the other 'process' is not kept waiting
        s.add(AuditEvent(action="x", entity="after"))
    assert time.monotonic() - started < 5
    with factories[0]() as s:
        entities = [e.entity for e in s.exec(select(AuditEvent))]
    assert len(entities) == 161 and "rolled back" not in entities
    for e in engines:
        e.dispose()


@pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL's pool")
@pytest.mark.parametrize("idle_pinged", [True, False])
def test_a_pooled_connection_is_pinged_after_sitting_idle(
    database_url: str, monkeypatch: pytest.MonkeyPatch, idle_pinged: bool
) -> None:
    """Idle long enough, a cut connection is found by the ping and replaced unseen; used again
    at once, it is not pinged: that one request fails and the next one works again."""
    from sqlalchemy import exc, text

    import bot.db

    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        cut_pooled_connection(database_url, engine)
        monkeypatch.setattr(bot.db, "PING_AFTER_IDLE_S", 0.0 if idle_pinged else 3600.0)
        if idle_pinged:
            with engine.connect() as conn:
                assert conn.execute(text("SELECT 1")).scalar_one() == 1
        else:
            with pytest.raises(exc.OperationalError), engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            with engine.connect() as conn:  # the pool has started afresh
                assert conn.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()


def test_connection_at_hand_is_false_only_when_taking_one_would_wait(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.db import connection_at_hand, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'pool.db'}", pool_size=1, max_overflow=1)
    try:
        assert connection_at_hand(engine)  # none open yet: the pool may open one
        first = engine.connect()
        assert connection_at_hand(engine)  # one more may overflow
        second = engine.connect()
        assert not connection_at_hand(engine)  # both out, at the limit: a third would wait
        second.close()
        assert connection_at_hand(engine)
        first.close()
    finally:
        engine.dispose()


def test_held_read_is_one_threads_at_a_time_and_recovers_from_a_cut(database_url: str) -> None:
    """The connection kept aside for hot reads: another thread meanwhile hears BUSY (and uses
    the pool); a connection the database cut is dropped unseen and opened afresh."""
    from sqlalchemy import text

    from bot.db import BUSY, held_read

    engine = make_engine(database_url)
    try:

        def pid(conn):  # type: ignore[no-untyped-def]
            if engine.dialect.name == "sqlite":
                return conn.execute(text("SELECT 1")).scalar_one()
            return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()

        first = held_read(engine, pid)
        assert first is not BUSY
        assert held_read(engine, pid) == first  # the same connection, kept
        inside, leave = threading.Event(), threading.Event()
        other = threading.Thread(
            target=held_read, args=(engine, lambda _c: inside.set() or leave.wait(10))
        )
        other.start()
        assert inside.wait(5)
        assert held_read(engine, pid) is BUSY
        leave.set()
        other.join(5)
        assert held_read(engine, pid) == first
        if engine.dialect.name == "postgresql":
            admin = make_engine(database_url, pool_size=1)
            with admin.connect() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
                conn.commit()
            admin.dispose()
            assert held_read(engine, pid) is BUSY  # cut: dropped, the caller uses the pool
            again = held_read(engine, pid)
            assert again is not BUSY and again != first
    finally:
        engine.dispose()


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's data_version")
def test_the_change_counter_moves_with_every_commit_anywhere(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    from bot.db import _known, change_counter

    url = f"sqlite:///{tmp_path / 'c.db'}"
    engine, other = make_engine(url), make_engine(url)
    try:
        upgrade(engine)
        start = change_counter(engine)
        assert start is not None and change_counter(engine) == start  # reads move nothing
        with make_session_factory(engine).begin() as s:  # this engine's own pool
            s.add(AuditEvent(action="x", entity="same engine"))
        after_own = change_counter(engine)
        assert after_own != start
        with make_session_factory(other).begin() as s:  # another engine in this process
            s.add(AuditEvent(action="x", entity="other engine"))
        after_other = change_counter(engine)
        assert after_other != after_own
        subprocess.run(  # another process, as the CLI or the other web worker
            [
                sys.executable,
                "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]);"
                " c.execute(\"INSERT INTO processed_request VALUES ('k', '2025-01-01')\"); c.commit()",
                str(tmp_path / "c.db"),
            ],
            check=True,
        )
        assert change_counter(engine) != after_other
        with pytest.raises(RuntimeError), make_session_factory(other).begin() as s:
            s.add(AuditEvent(action="x", entity="rolled back"))
            s.flush()
            raise RuntimeError
        unchanged = change_counter(engine)
        assert change_counter(engine) == unchanged
        # Its connection lost (a failed read drops it) and opened afresh: a fresh connection
        # counts on its own and starts where the last fresh one did, with nothing committed in
        # between; its values must still never equal the old ones.
        counter = _known(engine).counter
        counter._conn = None  # type: ignore[union-attr]
        first_fresh = change_counter(engine)
        counter._conn = None  # type: ignore[union-attr]
        assert change_counter(engine) not in (first_fresh, unchanged)
    finally:
        engine.dispose()
        other.dispose()
    assert change_counter(make_engine("sqlite://")) is None  # in memory: nothing to share


def test_two_engines_of_one_file_never_give_the_same_count_across_a_commit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Callers key what the counter vouches for by the database, not the engine (the `lista`
    head memo, handlers.measures._list_head): an engine disposed and another made for the same
    file must not hand out a value the first gave before a commit."""
    from bot.db import change_counter

    url = f"sqlite:///{tmp_path / 'twice.db'}"
    first = make_engine(url)
    upgrade(first)
    before = change_counter(first)
    first.dispose()
    second = make_engine(url)
    try:
        with make_session_factory(second).begin() as s:
            s.add(AuditEvent(action="x", entity="after the first engine"))
        assert before is not None and change_counter(second) != before
    finally:
        second.dispose()


def test_an_engine_is_not_kept_alive_by_what_the_process_knows_of_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The cache key, change counter and kept connection live in a table keyed weakly by the
    engine: a disposed, dropped engine (the tests make many) goes, and so does its entry."""
    import gc
    import weakref

    from bot.db import _KNOWN, change_counter, database_key, held_read

    engine = make_engine(f"sqlite:///{tmp_path / 'gone.db'}")
    upgrade(engine)
    database_key(engine), change_counter(engine), held_read(engine, lambda c: 1)
    assert engine in _KNOWN
    gone = weakref.ref(engine)
    engine.dispose()
    del engine
    gc.collect()
    assert gone() is None
