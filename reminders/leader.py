"""Which bot replica runs the scheduler.

PostgreSQL: a session-level advisory lock held on a dedicated connection (its own
NullPool engine, AUTOCOMMIT, so the lock never hides inside the shared pool and the
session is never left "idle in transaction"). When the holder's process dies, the server
ends its session and releases the lock; another replica's next `is_leader()` takes it.
SQLite: an exclusive flock on a file next to the database, held by one of the web server's
worker processes; the kernel releases it when that process dies, and another worker's next
`is_leader()` takes it. An in-memory database belongs to one process: always the leader.

Leadership keeps the work in one place; it is not what prevents double sends: rows are
claimed one by one with a conditional UPDATE (see dispatcher), so even two scanners that
both think they lead cannot send the same reminder twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

# "atgard-scheduler" as a 63-bit constant: the key of the advisory lock.
LOCK_KEY = 0x61746761_72640001


class Leadership(Protocol):
    def is_leader(self) -> bool:
        """True while this process may run the scheduler's jobs (tries to acquire if not)."""
        ...

    def release(self) -> None: ...


class AlwaysLeader:
    """SQLite: a single bot process."""

    def is_leader(self) -> bool:
        return True

    def release(self) -> None:
        return None


class FileLockLeader:
    """SQLite file: leadership is a non-blocking exclusive flock on `<database>.scheduler.lock`."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None
        self._lock = threading.Lock()
        self._released = False

    def is_leader(self) -> bool:
        with self._lock:
            if self._released:
                return False
            if self._fd is not None:
                return True
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
            self._fd = fd
            log.info("This process now runs the reminder scheduler")
            return True

    def release(self) -> None:
        with self._lock:
            self._released = True
            if self._fd is not None:
                os.close(self._fd)  # closing the descriptor drops the flock
                self._fd = None


class PgAdvisoryLeader:
    """Leadership through pg_try_advisory_lock on a connection kept open for the purpose."""

    def __init__(self, engine: Engine, key: int = LOCK_KEY) -> None:
        # Keepalives so a vanished host (not just a dead process) frees the lock in about a minute.
        self._engine = create_engine(
            engine.url,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={
                "connect_timeout": 2,
                "keepalives": 1,
                "keepalives_idle": 30,
                "keepalives_interval": 10,
                "keepalives_count": 3,
                "application_name": "atgard-scheduler-leader",
            },
        )
        self._key = key
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self._released = False

    def is_leader(self) -> bool:
        with self._lock:
            if self._released:
                return False  # shut down: never take the lock again
            if self._conn is not None:
                if self._still_held():
                    return True
                self._close()
                log.warning("Lost the scheduler lock (database connection ended)")
            return self._try_acquire()

    def _still_held(self) -> bool:
        assert self._conn is not None
        try:
            held = self._conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND pid = pg_backend_pid() AND objid = :lo AND classid = :hi"
                ),
                {"lo": self._key & 0xFFFFFFFF, "hi": self._key >> 32},
            ).scalar_one()
            return bool(held)
        except Exception:
            return False

    def _try_acquire(self) -> bool:
        try:
            conn = self._engine.connect()
        except Exception as e:
            log.warning("Cannot reach the database for the scheduler lock: %s", e)
            return False
        try:
            got = bool(
                conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}).scalar_one()
            )
        except Exception as e:
            log.warning("Could not ask for the scheduler lock: %s", e)
            conn.close()
            return False
        if not got:
            conn.close()
            return False
        self._conn = conn
        log.info("This process now runs the reminder scheduler")
        return True

    def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # the connection may already be gone
                self._conn.close()
            self._conn = None

    def release(self) -> None:
        """Give up leadership for good (closing the session releases the lock)."""
        with self._lock:
            self._released = True
            if self._conn is not None:
                with contextlib.suppress(Exception):
                    self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
            self._close()
        self._engine.dispose()

    @property
    def backend_pid(self) -> int | None:
        """The PostgreSQL backend holding the lock for us (tests terminate it to simulate death)."""
        with self._lock:
            if self._conn is None:
                return None
            return int(self._conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def leadership_for(engine: Engine) -> Leadership:
    if engine.dialect.name == "postgresql":
        return PgAdvisoryLeader(engine)
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file::memory:"):
        return FileLockLeader(
            Path(database).resolve().with_name(Path(database).name + ".scheduler.lock")
        )
    return AlwaysLeader()
