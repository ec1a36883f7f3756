"""Process wiring shared by the CLI entry points."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine

from bot.config import Settings
from bot.db import SessionFactory, make_engine, make_session_factory, upgrade


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: SessionFactory


def start(settings: Settings | None = None, *, migrate: bool = True) -> Runtime:
    """Settings from the environment, engine, schema upgraded (the app upgrades on start)."""
    settings = settings or Settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Migration chatter is noise for users of the CLI; failures still surface as errors.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    return Runtime(settings=settings, engine=engine, session_factory=make_session_factory(engine))
