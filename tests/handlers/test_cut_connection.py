"""A command meeting a pooled connection that a database restart cut (PostgreSQL).

Right after a fast restart the pool can hand out a connection whose server end is gone: one
used again within a second is not pinged (bot.db._ping_when_idle). The router runs such a
command once more on a fresh connection instead of telling the user to try again, and never
stores anything twice doing so.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

import bot.db
from bot.db import SessionFactory, make_engine, make_session_factory
from handlers.context import CommandContext
from handlers.router import execute
from handlers.texts import UNAVAILABLE
from models.replies import Actor
from models.tables import FollowUp
from tests.conftest import BACKEND, cut_pooled_connection

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL's pool")


@pytest.fixture
def unpinged(
    database_url: str, imported_plan, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Engine, SessionFactory]]:  # type: ignore[no-untyped-def]
    """A pool of one connection that is never pinged (as if always used again at once)."""
    monkeypatch.setattr(bot.db, "PING_AFTER_IDLE_S", 3600.0)
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        yield engine, make_session_factory(engine)
    finally:
        engine.dispose()


def _ctx(sf: SessionFactory, settings, clock, key: str | None) -> CommandContext:  # type: ignore[no-untyped-def]
    return CommandContext(
        sf, settings, Actor("U1", "Kim", "slack"), channel_id="C1", clock=clock, request_key=key
    )


def _follow_ups(sf: SessionFactory, text_: str) -> int:
    with sf() as s:
        return s.exec(select(func.count()).where(FollowUp.text == text_)).one()


def test_a_write_after_a_cut_is_stored_once_instead_of_refused(
    unpinged, database_url: str, settings, clock
) -> None:  # type: ignore[no-untyped-def]
    engine, sf = unpinged
    assert "sparad" in execute(_ctx(sf, settings, clock, "cmd:t1"), "uppfolj 1.3 före").plain()
    cut_pooled_connection(database_url, engine)
    reply = execute(_ctx(sf, settings, clock, "cmd:t2"), "uppfolj 1.3 efter omstarten")
    assert "sparad" in reply.plain() and not reply.failed, reply.plain()
    assert _follow_ups(sf, "efter omstarten") == 1


def test_a_read_after_a_cut_is_answered(unpinged, database_url: str, settings, clock) -> None:  # type: ignore[no-untyped-def]
    engine, sf = unpinged
    assert "Åtgärd 1.3" in execute(_ctx(sf, settings, clock, None), "visa 1.3").plain()
    cut_pooled_connection(database_url, engine)
    reply = execute(_ctx(sf, settings, clock, None), "visa 1.3")
    assert "Åtgärd 1.3" in reply.plain() and not reply.failed, reply.plain()


def test_a_write_without_a_request_key_is_not_run_twice(
    unpinged, database_url: str, settings, clock
) -> None:  # type: ignore[no-untyped-def]
    """Without a key a second run could store twice, had the cut hidden a COMMIT that went
    through: the user hears "försök igen" and exactly what was said stays stored."""
    engine, sf = unpinged
    execute(_ctx(sf, settings, clock, None), "uppfolj 1.3 före")
    cut_pooled_connection(database_url, engine)
    reply = execute(_ctx(sf, settings, clock, None), "uppfolj 1.3 utan nyckel")
    assert UNAVAILABLE in reply.plain() and reply.failed
    assert _follow_ups(sf, "utan nyckel") == 0
    # The pool started afresh: the user's next try goes through.
    assert "sparad" in execute(_ctx(sf, settings, clock, None), "uppfolj 1.3 igen").plain()
