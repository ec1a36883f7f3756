"""Engine and session factory. Alembic owns the schema; see bot/migrations."""

from __future__ import annotations

import atexit
import contextlib
import enum
import fcntl
import itertools
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, event, exc
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

SessionFactory = sessionmaker[Session]
T = TypeVar("T")


class InvalidDatabaseUrl(ValueError):
    """DATABASE_URL cannot be read as a database address (or names a driver not installed).

    Raised without the address or the parser's message: the address may hold a password.
    """


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    """Create the engine; SQLite gets WAL and a busy timeout so the bot and CLI can share a file."""
    try:
        return _make_engine(database_url, **kwargs)
    except (exc.ArgumentError, exc.NoSuchModuleError, ImportError, ValueError) as e:
        # `from None`: SQLAlchemy's and the driver's messages may quote the address.
        raise InvalidDatabaseUrl(type(e).__name__) from None


def _make_engine(database_url: str, **kwargs: Any) -> Engine:
    if database_url.startswith("sqlite"):
        engine = create_engine(
            database_url,
            connect_args={"check_same_thread": False, "timeout": 15},
            # Parameters are users' texts: never put them in exception messages or logs.
            hide_parameters=True,
            **kwargs,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=15000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        _serialize_sqlite_writes(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    # A stopped database must fail fast so the user hears "försök igen" within Slack's 3 s.
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("connect_timeout", 2)
    engine = create_engine(database_url, connect_args=connect_args, hide_parameters=True, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


# A pooled connection handed back less than this long ago is not pinged when taken again.
PING_AFTER_IDLE_S = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """pool_pre_ping, but only for a connection that sat idle in the pool.

    The ping finds connections a database restart has cut; it costs a round trip on every
    checkout, as much as the one query a cached `lista` makes. A connection back in the pool
    for under a second is used again unpinged: if the database restarted in that second (a
    local restart takes about 0.1 s), the statement fails, SQLAlchemy invalidates the pool,
    and the command layer runs the command once more on a fresh connection
    (handlers.router._run_with_retries).
    """

    def stamp(_dbapi: Any, record: Any, *_args: Any) -> None:
        record.info["atgard_idle_since"] = time.monotonic()

    def ping(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("atgard_idle_since")
        if since is not None and time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as e:
            # The pool drops this connection and checks out another (SQLAlchemy's recipe).
            raise exc.DisconnectionError("the pooled connection is gone") from e

    event.listen(engine, "connect", stamp)
    event.listen(engine, "checkin", stamp)
    event.listen(engine, "checkout", ping)


SQLITE_BUSY_SECONDS = 15.0
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")


class _WriteLock:
    """A process-wide lock plus, for a database file, an flock on `<file>.write.lock` shared
    with the other processes (web workers, the CLI)."""

    def __init__(self, path: str | None) -> None:
        self._local = threading.Lock()
        self._path = path
        self._fd: int | None = None

    def _file(self) -> int | None:
        """Opened at the first write (the database's folder may not exist before that)."""
        if self._fd is None and self._path is not None:
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                # No lock file (read-only or missing folder): SQLite's own busy wait remains.
                self._path = None
        return self._fd

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self._local.acquire(timeout=timeout):
            return False
        fd = self._file()
        if fd is None:
            return True
        pause = 0.0001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self._local.release()
                    return False
                # Short pauses: the holder commits within a millisecond or two, and the lock
                # stays free while we sleep. Capping at 2 ms instead cost `uppfolj` a fifth of
                # its throughput with two workers and doubled its p99 (bench/results.md).
                time.sleep(pause)
                pause = min(pause * 2, 0.0003)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._local.release()


_GATES: dict[int, threading.RLock] = {}
_GATES_LOCK = threading.Lock()


@contextmanager
def writer_gate(engine: Engine) -> Iterator[None]:
    """On SQLite, one of this process's chat writes at a time, from its first read to its
    commit; elsewhere (PostgreSQL takes concurrent writers) nothing.

    SQLite writes one transaction at a time anyway (the write lock below), but a writer that
    holds it gives the GIL back at every statement and waits to get it again while the other
    writers of the process are busy reading and building their rows: with ten clients the
    lock was held three times as long as with one, and `uppfolj` throughput was bounded by
    it. Writers that queue here first stay out of the holder's way (+25-30 % `uppfolj`
    throughput with two workers, p99 down by a third; bench/results.md). Readers are not gated.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    with _GATES_LOCK:
        # Re-entrant: a write nested in another (same thread) must not wait for itself.
        gate = _GATES.setdefault(id(engine), threading.RLock())
    if not gate.acquire(timeout=SQLITE_BUSY_SECONDS):
        raise exc.OperationalError(
            "writer gate", None, sqlite3.OperationalError("database is locked")
        )
    try:
        yield
    finally:
        gate.release()


def _serialize_sqlite_writes(engine: Engine) -> None:
    """One writing transaction at a time, queued on our own lock instead of SQLite's.

    SQLite allows one writer per file; a writer that finds it taken polls in sleeps of up to
    100 ms (busy_timeout), so ten concurrent `uppfolj` waited up to a second at p99
    (bench/results.md). The lock is taken at a transaction's first write statement — the
    moment SQLite takes its own write lock — and given back at commit or rollback.
    """
    database = engine.url.database
    lock = _WriteLock(
        None if _in_memory(database) else str(Path(database).resolve()) + ".write.lock"
    )  # type: ignore[arg-type]

    @event.listens_for(engine, "before_cursor_execute")
    def _take(conn: Any, _cur: Any, statement: str, *_args: Any) -> None:
        if conn.info.get("sqlite_writer") or statement.lstrip()[:6].upper() not in _WRITES:
            return
        if not lock.acquire(timeout=SQLITE_BUSY_SECONDS):
            raise sqlite3.OperationalError("database is locked")
        conn.info["sqlite_writer"] = True

    def _give_back(info: dict[str, Any]) -> None:
        if info.pop("sqlite_writer", False):
            lock.release()

    event.listen(engine, "commit", lambda conn: _give_back(conn.info))
    event.listen(engine, "rollback", lambda conn: _give_back(conn.info))
    # A connection returned without commit or rollback (invalidated after an error).
    event.listen(engine, "checkin", lambda _dbapi, record: _give_back(record.info))


def connection_at_hand(engine: Engine) -> bool:
    """Can a connection be taken right now without waiting for another thread to give one back?

    For work with a deadline that must not queue behind a busy pool (it could wait up to the
    pool's 30 s timeout). True when one sits idle in the pool or the pool may still open a new
    one. Two threads may both see the last one; the loser waits its turn, which is rare.
    """
    pool = engine.pool
    if not isinstance(pool, QueuePool) or pool.checkedin() > 0:
        return True
    # QueuePool has no public accessor for its limit; without it, assume none is left (the
    # caller then takes its slower path, never a wait).
    limit = getattr(pool, "_max_overflow", 0)
    return bool(limit == -1 or pool.overflow() < limit)


_GENERATIONS = itertools.count(1)  # see _ChangeCounter._generation


class _ChangeCounter:
    """A connection of its own that only ever asks SQLite's `PRAGMA data_version`.

    SQLite moves that number for a connection whenever *another* connection, in this process
    or any other, commits to the file; this connection never writes, so every commit anywhere
    moves it. Asking costs a few microseconds and no pool, where the smallest query through
    the pool cost a cached `lista` over half its time (bench/results.md).
    """

    def __init__(self, database: str) -> None:
        self._database = database
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        # data_version is one connection's own count: a connection opened afresh may start at
        # a number an earlier one already gave. Each one is a generation of its own, unique
        # in the process: callers key what a value vouches for by the database, not the
        # engine, and a new engine for the same file has a counter of its own.
        self._generation = 0

    def read(self) -> tuple[int, int] | None:
        # Never wait: a thread that finds it busy does the ordinary query instead.
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if self._conn is None or self._pid != os.getpid():  # not across a fork
                self._conn = sqlite3.connect(
                    self._database, check_same_thread=False, isolation_level=None, timeout=0
                )
                self._pid = os.getpid()
                self._generation = next(_GENERATIONS)
            version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
            return (self._generation, version)
        except sqlite3.Error:
            # Busy (a checkpoint) or broken: no shortcut this time; the next call opens afresh.
            conn, self._conn = self._conn, None
            if conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            return None
        finally:
            self._lock.release()


class _HeldConnection:
    """One connection this process keeps for small reads on the hottest path.

    Taking a connection from the pool and giving it back (events, isolation level, reset)
    cost as much CPU as the one-row query a cached `lista` makes on PostgreSQL; a connection
    kept aside halves it (bench/results.md). One thread at a time; the others use the pool.
    """

    def __init__(self, engine: Engine) -> None:
        # Weakly: this lives in a table keyed weakly by the engine, which it must not keep.
        self._engine = weakref.ref(engine)
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._pid = 0

    def run(self, read: Callable[[Connection], T]) -> T | Busy:
        engine = self._engine()
        if engine is None or not self._lock.acquire(blocking=False):
            return BUSY
        try:
            if self._conn is None or self._pid != os.getpid():
                self._conn = read_only_connection(engine)
                self._pid = os.getpid()
            try:
                return read(self._conn)
            finally:
                # Ends the transaction SQLAlchemy begins by itself (no SQL: pysqlite opens
                # none for a SELECT, and PostgreSQL's side is autocommit).
                self._conn.rollback()
        except exc.DBAPIError:
            # Cut by a restart, or the database is away: the caller's ordinary way (the
            # pool, which pings) meets the error if it lasts; this one is opened afresh.
            self._drop()
            return BUSY
        finally:
            self._lock.release()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.invalidate()

    def close(self) -> None:
        """Give the connection back (the engine is disposed, or the process ends): left to
        the garbage collector at exit, its reset would fail noisily in a half-torn-down
        interpreter."""
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None and self._pid == os.getpid():
            with contextlib.suppress(Exception):
                conn.close()


class Busy(enum.Enum):
    """held_read's answer when the kept connection is in use (or failed): use the pool."""

    BUSY = "busy"


BUSY = Busy.BUSY


@dataclass(frozen=True)
class _Known:
    """What this process keeps about an engine: cache key, change counter, kept connection."""

    key: str  # the database's URL, rendered once (rendering it cost a cached `lista` 4 %)
    counter: _ChangeCounter | None
    held: _HeldConnection


_KNOWN: weakref.WeakKeyDictionary[Engine, _Known] = weakref.WeakKeyDictionary()
_KNOWN_LOCK = threading.Lock()


def _known(engine: Engine) -> _Known:
    try:
        return _KNOWN[engine]
    except KeyError:
        with _KNOWN_LOCK:
            database = engine.url.database
            counter = None
            if engine.dialect.name == "sqlite" and _plain_file(database):
                counter = _ChangeCounter(str(Path(database).resolve()))  # type: ignore[arg-type]
            held = _HeldConnection(engine)
            event.listen(engine, "engine_disposed", lambda _engine: held.close())
            known = _KNOWN[engine] = _Known(str(engine.url), counter, held)
            return known


@atexit.register
def _close_held_connections() -> None:
    for known in list(_KNOWN.values()):
        known.held.close()


def database_key(engine: Engine) -> str:
    """Names the database in cache keys: two databases in one process (the tests) can hold
    plans with the same id and revision. Passwords are hidden."""
    return _known(engine).key


def change_counter(engine: Engine) -> tuple[int, int] | None:
    """A value that is the same on two calls only if nothing was committed to the database
    in between, by anyone; None when the database cannot tell cheaply (PostgreSQL, an
    in-memory SQLite, a busy or failed counter): then callers must read what they need.

    Read it *before* what it vouches for: a commit between the two then shows as a new number
    next time, never as an old number beside new data.
    """
    counter = _known(engine).counter
    return None if counter is None else counter.read()


def held_read(engine: Engine, read: Callable[[Connection], T]) -> T | Busy:
    """`read(connection)` on the connection this process keeps aside for small, hot reads
    (autocommit on PostgreSQL), or BUSY when another thread has it or it failed: then read
    through the pool as usual."""
    return _known(engine).held.run(read)


def _in_memory(database: str | None) -> bool:
    """An SQLite database that lives in one connection's memory (no file to share)."""
    return not database or database == ":memory:" or database.startswith("file::memory:")


def _plain_file(database: str | None) -> bool:
    """A database named by its path (not an SQLite URI, whose options a plain connect would
    read as part of a file name)."""
    return not _in_memory(database) and not database.startswith("file:")  # type: ignore[union-attr]


def read_only_connection(engine: Engine) -> Connection:
    """A connection for a single read statement, without a transaction where one costs.

    PostgreSQL: autocommit, which saves the BEGIN and ROLLBACK round trips. SQLite: as it
    is; pysqlite opens no transaction for a SELECT, while SQLAlchemy's autocommit setting would
    send a PRAGMA at checkout and another at checkin.
    """
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        return conn.execution_options(isolation_level="AUTOCOMMIT")
    return conn


def make_session_factory(engine: Engine) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit (replies are rendered afterwards)
    and bump a plan's revision whenever they change its contents (models.revision)."""
    from models.revision import track_revisions

    factory = sessionmaker(bind=engine, class_=Session, expire_on_commit=False)
    track_revisions(factory)
    return factory


def alembic_config(engine: Engine | None = None, database_url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if database_url:
        cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (the app calls this on start)."""
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
