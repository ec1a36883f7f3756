"""Shared helpers for the benchmarks: databases, query counting, processes, RSS."""

from __future__ import annotations

import contextlib
import os
import platform
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

from bot.db import make_engine

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PG_DB = "atgard_bench"
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"


def log(msg: str) -> None:
    print(f"[bench {datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- databases


def sqlite_url(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def pg_url(name: str = PG_DB) -> str:
    return make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


def pg_available() -> bool:
    try:
        eng = make_engine(PG_ADMIN)
        with eng.connect() as conn:
            conn.execute(text("SELECT 1"))
        eng.dispose()
        return True
    except Exception:
        return False


def pg_recreate(name: str = PG_DB) -> str:
    admin = make_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return pg_url(name)


def pg_drop(name: str = PG_DB) -> None:
    admin = make_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fresh_database(backend: str, tmp: Path, name: str) -> str:
    """An empty database URL: a new SQLite file under `tmp`, or the recreated PG database."""
    if backend == "sqlite":
        return sqlite_url(tmp / f"{name}.db")
    return pg_recreate()


@dataclass
class QueryCounter:
    """Counts statements sent to the database while active."""

    engine: Engine
    count: int = 0

    def _on(self, *_args: Any) -> None:
        self.count += 1

    @contextlib.contextmanager
    def counting(self) -> Iterator[QueryCounter]:
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._on)
        try:
            yield self
        finally:
            event.remove(self.engine, "before_cursor_execute", self._on)


# --------------------------------------------------------------------------- machine


def machine_info(pg: bool) -> dict[str, str]:
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": "not available",
    }
    if pg:
        eng = make_engine(PG_ADMIN)
        with eng.connect() as conn:
            info["postgresql"] = str(conn.execute(text("SHOW server_version")).scalar())
        eng.dispose()
    return info


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server we started (gunicorn's master ends its worker on SIGTERM)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def children(pid: int) -> list[int]:
    out: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(x) for x in f.read().split()]
    return out


def rss_mb(pid: int) -> float:
    """Resident set size now (VmRSS), in MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def env_for(database_url: str, api_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
        SCHEDULER_ENABLED="false",
        # The bot's default, for the bare app too: the same server setup on both sides.
        WEB_CONCURRENCY=os.environ.get("WEB_CONCURRENCY", "2"),
        PYTHONPATH=str(ROOT),
    )
    env.pop("SLACK_APP_TOKEN", None)
    return env
