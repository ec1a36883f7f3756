"""A `lista` already made at the plan's current revision is answered in the request's own
thread; anything else goes to the command workers (which can ack within Slack's budget)."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.slack.listeners import commands
from tests.slack.helpers import all_text, slash_command_fields


class CountingPool(ThreadPoolExecutor):
    """The real pool, counting what is handed to it."""

    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> Any:
    counting = CountingPool()
    monkeypatch.setattr(commands, "_WORK", counting)
    yield counting
    counting.shutdown()


def test_a_made_listing_is_answered_in_the_request_thread(slack, imported_plan, pool) -> None:  # type: ignore[no-untyped-def]
    first = slack.command("lista 1", channel="C-SSP")
    assert pool.submitted == 1  # made by a worker
    again = slack.command("lista 1", channel="C-SSP")
    assert pool.submitted == 1  # found, in this thread
    assert json.loads(again.body) == json.loads(first.body)
    assert "Område 1." in all_text(json.loads(again.body))

    # A change bumps the plan's revision: the next listing is made again and shows it.
    assert "🔴 1.3" in all_text(json.loads(first.body))
    slack.command("uppfolj 1.3 uppfyllt: Alla åtta möten hölls.", channel="C-SSP")
    assert pool.submitted == 2
    after = slack.command("lista 1", channel="C-SSP")
    assert pool.submitted == 3
    assert "🔴 1.3" not in all_text(json.loads(after.body))


def test_writes_and_other_questions_always_go_to_the_workers(slack, imported_plan, pool) -> None:  # type: ignore[no-untyped-def]
    for text in ("visa 1.3", "visa 1.3", "status", "uppfolj 1.3 Ett möte hölls.", "hjälp"):
        slack.command(text)
    assert pool.submitted == 5


def test_a_busy_pool_sends_lista_to_the_worker_within_slacks_deadline(
    slack, imported_plan, session_factory, pool
) -> None:  # type: ignore[no-untyped-def]
    """The request thread never queues for a connection: with none free, even a made listing
    goes to the worker, whose 2 s budget still answers Slack in time."""
    from bot.db import connection_at_hand, held_read
    from models.tables import Plan

    slack.command("lista")  # made and cached
    with session_factory.begin() as s:  # a commit: the plan's head must be read again
        s.add(Plan(district="Norrmalm", year=2020, title="Norrmalm"))
    engine = session_factory.kw["bind"]
    # The connection kept aside for such reads is busy too (another request in it) …
    inside, leave = threading.Event(), threading.Event()
    other = threading.Thread(
        target=held_read, args=(engine, lambda _conn: inside.set() or leave.wait(10))
    )
    other.start()
    assert inside.wait(5)
    held = []  # … and so is every pooled one
    while connection_at_hand(engine):
        held.append(engine.connect())
    try:
        started = time.monotonic()
        resp = slack.form(  # not slack.command(): it waits for the answer delivered later
            slash_command_fields(
                "lista", response_url=slack.fake.response_url("busy"), trigger_id="trigger-busy"
            )
        )
        waited = time.monotonic() - started
        assert resp.status == 200
        assert pool.submitted == 2  # not answered in the request thread
        assert waited < 3.0  # Slack's deadline for the ack
    finally:
        for conn in held:
            conn.close()
        leave.set()
        other.join(5)
    # The worker gets its connection once they are back, and answers via response_url.
    slack.settle()
    assert "Åtgärdsplan 2025" in all_text(slack.fake.wait_for(("response_url",), 1)[-1].body)


def test_a_direct_message_lista_in_a_workspace_of_two_districts_is_the_askers(
    slack, session_factory, imported_plan
) -> None:  # type: ignore[no-untyped-def]
    """Where the plan depends on who asks, no answer is shared between askers: each `lista`
    in a direct message shows the asker's own district's plan, every time."""
    from datetime import date

    from models.measures import get_measure
    from models.tables import Assignment
    from tests.conftest import import_example_plan

    with session_factory.begin() as s:
        other = import_example_plan(s, district="Spånga Tensta", year=2025, today=date(2025, 4, 22))
        for plan_id, user in ((imported_plan.id, "UKUNG"), (other.id, "USPANGA")):
            measure = get_measure(session=s, plan_id=plan_id, ref="1.3")
            s.add(Assignment(measure_id=measure.id, user_id=user))  # type: ignore[arg-type]
    for _ in range(2):  # the second time an answer is already made
        for user, district in (("UKUNG", "Kungsholmen"), ("USPANGA", "Spånga Tensta")):
            resp = slack.command("lista alla", user=user, channel=f"D{user}")
            text = all_text(json.loads(resp.body))
            assert f"Åtgärdsplan 2025, {district}" in text, (user, text)
    resp = slack.command("lista alla", user="UNEW", channel="DUNEW")
    assert "flera stadsdelar eller kommuner" in all_text(json.loads(resp.body))
