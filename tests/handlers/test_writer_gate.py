"""Chat writes on SQLite queue per process before they start (bot.db.writer_gate); PostgreSQL
takes concurrent writers and is not gated. A write that cannot get its turn in time answers
"försök igen" and stores nothing."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

import bot.db
from handlers import router
from handlers.texts import UNAVAILABLE
from models.tables import FollowUp
from tests.conftest import BACKEND


def _hold_a_write(make_ctx, inside: threading.Event, release: threading.Event) -> threading.Thread:  # type: ignore[no-untyped-def]
    def run() -> None:
        with make_ctx().writing():
            inside.set()
            release.wait(timeout=10)

    t = threading.Thread(target=run)
    t.start()
    assert inside.wait(timeout=10)
    return t


def test_a_second_write_waits_for_the_first_only_on_sqlite(session_factory, make_ctx) -> None:  # type: ignore[no-untyped-def]
    inside, release = threading.Event(), threading.Event()
    holder = _hold_a_write(make_ctx, inside, release)
    second_inside = threading.Event()

    def second() -> None:
        with make_ctx().writing():
            second_inside.set()

    t = threading.Thread(target=second)
    t.start()
    try:
        # The second writer is either in (PostgreSQL) or queued (SQLite) by the time the first
        # one lets go; which one is decided by the gate, not by timing.
        entered_alongside = second_inside.wait(timeout=0.5 if BACKEND == "sqlite" else 10)
        assert entered_alongside is (BACKEND != "sqlite")
    finally:
        release.set()
        holder.join(timeout=10)
        t.join(timeout=10)
    assert second_inside.is_set()


@pytest.mark.skipif(BACKEND != "sqlite", reason="the gate is SQLite's")
def test_a_write_that_cannot_get_its_turn_says_try_again(
    session_factory, imported_plan, make_ctx, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(bot.db, "SQLITE_BUSY_SECONDS", 0.2)
    inside, release = threading.Event(), threading.Event()
    holder = _hold_a_write(make_ctx, inside, release)
    try:
        reply = router.execute(make_ctx(), "uppfolj 1.3 Åtta möten hölls")
    finally:
        release.set()
        holder.join(timeout=10)
    assert reply.failed and reply.plain() == UNAVAILABLE
    with session_factory() as s:
        assert list(s.exec(select(FollowUp).where(FollowUp.text == "Åtta möten hölls"))) == []
    assert not router.execute(make_ctx(), "uppfolj 1.3 Åtta möten hölls").failed


def test_a_write_nested_in_another_does_not_wait_for_itself(session_factory, make_ctx) -> None:  # type: ignore[no-untyped-def]
    done = threading.Event()

    def nested() -> None:
        with make_ctx().writing(), make_ctx().writing():
            done.set()

    t = threading.Thread(target=nested)
    t.start()
    t.join(timeout=10)
    assert done.is_set()
