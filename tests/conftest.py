"""Shared fixtures: a real database per run (SQLite file or PostgreSQL), cleaned between tests.

ATGARD_TEST_DB=sqlite (default) or postgresql selects the backend; CI runs the suite on both.
With PostgreSQL the server must be reachable: the run fails rather than silently skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.db import SessionFactory, make_engine, make_session_factory, upgrade
from handlers.context import CommandContext
from models.replies import Actor

DATA = Path(__file__).parent / "data"
SHARED_FIXTURE = (
    Path(__file__).parents[1] / ".." / "shared" / "fixtures" / "atgardsplan-2025-kungsholmen.xlsx"
)
BACKEND = os.environ.get("ATGARD_TEST_DB", "sqlite")
PG_BASE = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/atgard_test"
)


def run_id() -> str:
    # Unique per run and worker: two runs on one machine must never drop each other's database.
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8] or str(os.getpid())
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{run}"


def pg_url_for(name_suffix: str) -> str:
    url = make_url(PG_BASE)
    return url.set(database=f"{url.database}_{name_suffix}").render_as_string(hide_password=False)


def create_pg_database(url: str) -> None:
    """Drop and create the database named in `url` (via the server's `postgres` database)."""
    target = make_url(url)
    admin = make_engine(
        target.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def drop_pg_database(url: str) -> None:
    target = make_url(url)
    admin = make_engine(
        target.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if BACKEND == "postgresql":
        url = pg_url_for(run_id())
        create_pg_database(url)
        yield url
        drop_pg_database(url)
        return
    yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'atgard.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


TABLES_IN_DELETE_ORDER = [
    "processed_request",
    "reminder",
    "audit_event",
    "assignment",
    "meeting_measure",
    "meeting",
    "planned_meeting",
    "occurrence",
    "follow_up",
    "measure",
    "collab_group",
    "priority_area",
    "plan",
]


def wipe(engine: Engine) -> None:
    from sqlmodel import SQLModel

    import models.tables  # noqa: F401

    names = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE")
            )
        else:
            for n in names:
                conn.execute(text(f'DELETE FROM "{n}"'))


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[SessionFactory]:
    from handlers.reading_cache import LISTS

    wipe(engine)
    # Ids start over after the wipe: an answer cached by an earlier test would match.
    LISTS.clear()
    yield make_session_factory(engine)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        slack_bot_token="xoxb-test-token",
        slack_signing_secret="test-signing-secret",
        admin_user_ids=[],
    )


class Clock:
    """A controllable clock for services and the scheduler."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def __call__(self) -> datetime:
        return self.current

    def set(self, now: datetime) -> None:
        self.current = now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 4, 22, 8, 0, tzinfo=UTC))


@pytest.fixture
def make_ctx(
    session_factory: SessionFactory, settings: Settings, clock: Clock
) -> Callable[..., CommandContext]:
    def make(
        user: str = "U1",
        channel: str | None = "C1",
        name: str = "Kim",
        platform: str = "slack",
        **kw: object,
    ) -> CommandContext:
        # As the Slack adapter (bot/slack/deps.py) says: a Slack DM's id starts with D.
        kw.setdefault("direct_message", platform == "slack" and (channel or "").startswith("D"))
        return CommandContext(
            session_factory,
            settings,
            Actor(user, name, platform),
            channel_id=channel,
            clock=clock,
            **kw,
        )  # type: ignore[arg-type]

    return make


def cut_pooled_connection(database_url: str, engine: Engine) -> None:
    """What a database restart does to a pool (PostgreSQL): the server end of the connection
    the pool hands out next is gone, while the pool still holds it."""
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = make_engine(database_url, pool_size=1)
    try:
        with admin.begin() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        admin.dispose()


# Debian's Chromium for the browser tests (Playwright's own download does not work here), with
# the flags that keep it off the closed network at start.
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]


def plan_file() -> Path:
    """The project's own copy of the shared fixture (2025 layout, 16 measures, one partial row)."""
    return DATA / "atgardsplan-2025-kungsholmen.xlsx"


def import_example_plan(session, *, district: str, year: int, today):  # type: ignore[no-untyped-def]
    """The example plan read in with `session` as another district or year; returns the Plan."""
    from models.importer import apply_plan
    from reports.xlsx_reader import read_plan

    return apply_plan(
        session=session,
        parsed=read_plan(plan_file()),
        district=district,
        year=year,
        actor=None,
        today=today,
    ).plan


@pytest.fixture
def imported_plan(session_factory: SessionFactory):  # type: ignore[no-untyped-def]
    """The 2025 Kungsholmen plan imported (16 measures)."""
    from datetime import date

    from models.importer import apply_plan
    from reports.xlsx_reader import read_plan

    parsed = read_plan(plan_file())
    with session_factory.begin() as s:
        result = apply_plan(
            session=s,
            parsed=parsed,
            district="Kungsholmen",
            year=2025,
            actor=None,
            today=date(2025, 4, 22),
        )
    return result.plan
