"""`ångra`: a member takes back their own latest follow-up, tick-off or logged meeting of the
last week; what was removed stays in the audit trail, and everything computed from it (lists,
pace, a one-off measure's done state) reads as before the entry. The clock stands at
2025-04-22 08.00 UTC (tests/conftest.py)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import func, select

from handlers.router import execute, press, submit
from models.measures import get_measure
from models.replies import ActionId, Visibility
from models.tables import AuditEvent, FollowUp, Measure, Meeting, MeetingMeasure, Occurrence


def _count(session_factory, model) -> int:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _measure(session_factory, imported_plan, ref: str) -> Measure:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return get_measure(session=s, plan_id=imported_plan.id, ref=ref)


def test_a_follow_up_is_taken_back_and_the_one_before_counts_again(  # type: ignore[no-untyped-def]
    make_ctx, imported_plan, session_factory, clock
) -> None:
    assert not execute(make_ctx(), "uppfolj 1.3 uppfyllt Alla möten hölls").failed
    clock.set(clock() + timedelta(hours=1))
    assert not execute(make_ctx(), "uppfolj 1.3 ej uppfyllt Fel åtgärd").failed
    assert "🔴 Målet är ej uppfyllt" in execute(make_ctx(), "visa 1.3").plain()

    reply = execute(make_ctx(), "ångra")
    assert reply.visibility is Visibility.EPHEMERAL
    assert reply.plain() == (
        "↩️ Ångrat: din uppföljning av åtgärd 1.3 för 2025-T1 (”Fel åtgärd”)."
        " Texten finns kvar i historiken."
    )
    with session_factory() as s:
        assert [f.text for f in s.exec(select(FollowUp))] == ["Alla möten hölls"]
        [event] = s.exec(select(AuditEvent).where(AuditEvent.action == "angrad")).all()
        assert event.entity_id == f"{imported_plan.id}/1.3"
        assert json.loads(event.before or "{}")["text"] == "Fel åtgärd"
    # The measure and its list line read as before the wrong entry (no stale cached answer).
    assert "🟢 Målet är uppfyllt" in execute(make_ctx(), "visa 1.3").plain()
    assert "🟢 Målet är uppfyllt" in execute(make_ctx(), "lista 1").plain()
    history = execute(make_ctx(), "historik 1.3").plain()
    assert "Kim · ångrad: uppföljning 2025-T1 – Fel åtgärd" in history


def test_a_tick_off_is_taken_back_in_the_channel(  # type: ignore[no-untyped-def]
    make_ctx, imported_plan, session_factory, clock
) -> None:
    assert not execute(make_ctx(), "klar 1.1 2025-04-10").failed
    clock.set(clock() + timedelta(minutes=5))
    assert not execute(make_ctx(), "klar 1.1 2025-04-15").failed
    assert _measure(session_factory, imported_plan, "1.1").done_on.isoformat() == "2025-04-10"
    assert "✅ 1.1 BOB" in execute(make_ctx(), "lista 1").plain()

    reply = execute(make_ctx(), "ångra")
    assert reply.visibility is Visibility.CHANNEL
    assert reply.title == "↩️ Ångrat: åtgärd 1.1 genomförd 2025-04-15"
    assert reply.ack_text == "Ångrat: åtgärd 1.1 genomförd 2025-04-15."
    measure = _measure(session_factory, imported_plan, "1.1")
    assert (measure.status, measure.done_on.isoformat()) == ("klar", "2025-04-10")

    assert execute(make_ctx(), "ångra 1.1").title == "↩️ Ångrat: åtgärd 1.1 genomförd 2025-04-10"
    measure = _measure(session_factory, imported_plan, "1.1")
    assert (measure.status, measure.done_on) == ("aktiv", None)
    assert _count(session_factory, Occurrence) == 0
    listed = execute(make_ctx(), "lista 1").plain()
    assert "⚪ 1.1 BOB" in listed and "Senast 2025-12-31 · ej förfallen" in listed


def test_a_logged_meeting_is_taken_back(make_ctx, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    execute(make_ctx(channel="C-SSP"), "koppla SSP")
    form = execute(make_ctx(channel="C-SSP"), "mote igår 1.3").form
    assert form is not None
    logged = submit(
        make_ctx(channel="C-SSP"),
        form.id,
        form.metadata,
        {"date": "2025-04-21", "measures": ["1.3"]},
    )
    assert not logged.errors and _count(session_factory, Meeting) == 1
    reply = execute(make_ctx(channel="C-SSP"), "ångra")
    assert reply.title == "↩️ Ångrat: mötet i SSP 2025-04-21"
    assert _count(session_factory, Meeting) == 0 and _count(session_factory, MeetingMeasure) == 0


def test_only_ones_own_entries_of_the_last_week(  # type: ignore[no-untyped-def]
    make_ctx, imported_plan, session_factory, clock
) -> None:
    execute(make_ctx(user="UANNA", name="Anna"), "uppfolj 2.2 Lägesbild klar")
    nothing = execute(make_ctx(user="UKIM"), "ångra")
    assert nothing.plain() == (
        "Du har inget att ångra från den senaste veckan. Det du själv har skrivit, bockat av"
        " eller loggat går att ångra i 7 dagar."
    )
    assert _count(session_factory, FollowUp) == 1
    # Anna's own, but eight days on: it has been read in digests and reports since.
    clock.set(clock() + timedelta(days=8))
    assert "inget att ångra" in execute(make_ctx(user="UANNA"), "ångra").plain()
    assert _count(session_factory, FollowUp) == 1


def test_naming_a_measure_takes_back_that_measures_latest(  # type: ignore[no-untyped-def]
    make_ctx, imported_plan, session_factory, clock
) -> None:
    execute(make_ctx(), "uppfolj 2.2 Om EST")
    clock.set(clock() + timedelta(minutes=5))
    execute(make_ctx(), "uppfolj 1.3 Om SSP")
    assert (
        execute(make_ctx(), "angra 2,2")
        .plain()
        .startswith("↩️ Ångrat: din uppföljning av åtgärd 2.2")
    )
    with session_factory() as s:
        assert [f.text for f in s.exec(select(FollowUp))] == ["Om SSP"]
    assert execute(make_ctx(), "ångra 2.2").plain() == (
        "Du har ingen uppföljning eller avbockning av åtgärd 2.2 från den senaste veckan att ångra."
    )


def test_the_button_on_an_entry_older_than_a_week_explains(  # type: ignore[no-untyped-def]
    make_ctx, imported_plan, session_factory, clock
) -> None:
    saved = execute(make_ctx(), "uppfolj 1.3 Två möten")
    [button] = saved.sections[0].buttons
    assert (button.label, button.action) == ("Ångra", ActionId.UNDO)
    clock.set(clock() + timedelta(days=8))
    reply = press(make_ctx(), button.action, button.value)
    assert reply.plain().startswith("Det går bara att ångra det du gjort de senaste 7 dagarna.")
    assert _count(session_factory, FollowUp) == 1
    assert (
        press(make_ctx(), ActionId.UNDO, "uppfoljning:x")
        .plain()
        .startswith("Det finns inget att ångra här längre")
    )


def test_two_presses_at_once_take_back_once(make_ctx, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    import threading

    saved = execute(make_ctx(), "uppfolj 1.3 Två möten")
    [button] = saved.sections[0].buttons
    start = threading.Barrier(2)
    answers: list[str] = []

    def press_once() -> None:
        start.wait()
        answers.append(press(make_ctx(), button.action, button.value).plain())

    threads = [threading.Thread(target=press_once) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a[:20] for a in answers) == sorted(
        ["↩️ Ångrat: din uppfö", "Det finns inget att "]
    ), answers
    assert _count(session_factory, FollowUp) == 0
    with session_factory() as s:
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "angrad")).all()) == 1
