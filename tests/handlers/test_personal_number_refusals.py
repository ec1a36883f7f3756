"""Every way a personal number reaches the command layer is refused, audited and never stored.

Commands, buttons and forms against a real database. The number is refused wherever it is
typed, not only in the fields meant for free text: a rhythm, a date, a group's name, a
select's value or the form's metadata come from the client just the same.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import func, select

from bot.db import SessionFactory
from handlers.parse import CommandText
from handlers.router import execute, press, submit
from models.replies import ActionId, ModalId, mention
from models.tables import AuditEvent, FollowUp, Measure, Meeting, PlannedMeeting

PNR = "811218-9876"  # valid date and Luhn check digit (a test number)
DIGITS = ("811218", "9876")


def _count(sf: SessionFactory, model: type) -> int:
    with sf.begin() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _refusals(sf: SessionFactory) -> list[dict[str, object]]:
    with sf.begin() as s:
        rows = s.exec(
            select(AuditEvent).where(
                AuditEvent.action == "nekad", AuditEvent.entity == "personal_data"
            )
        ).all()
        return [{"actor": e.actor_id, **json.loads(e.after or "{}")} for e in rows]


def _no_number_in_the_trail(sf: SessionFactory) -> None:
    with sf.begin() as s:
        for e in s.exec(select(AuditEvent)):
            for part in (e.before, e.after, e.entity_id):
                assert not any(d in (part or "") for d in DIGITS), (e.action, part)


@pytest.mark.parametrize(
    "line",
    [
        f"rytm 1.3 varje vecka {PNR}",  # was stored as a rhythm, the number silently dropped
        f"rytm 1.3 {PNR}",
        f"klar 1.3 {PNR}",  # the date: was answered "… är inget giltigt datum"
        f"ansvarig 1.3 {mention('U9')} {PNR}",  # was stored as an assignment
        f"mote planera 2025-05-14 {PNR}",
        f"mote {PNR}",
        f"koppla SSP {PNR}",
        f"visa {PNR}",
        f"lista {PNR}",
        "uppfolj 1.3 Eleven 811218–9876 har flyttat",  # en dash
    ],
)
def test_a_command_holding_a_number_is_refused_and_audited(
    make_ctx, imported_plan, session_factory, line: str
) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        rhythm_before = s.exec(select(Measure.rhythm_override).where(Measure.ref == "1.3")).one()
    reply = execute(make_ctx(), line)
    text = reply.plain()
    assert reply.failed and "personnummer" in text and "sparades inte" in text
    assert not any(d in text for d in DIGITS)
    refusals = _refusals(session_factory)
    assert refusals == [
        {
            "actor": "U1",
            "what": "kommando",
            "message": "personnummer eller samordningsnummer",
        }
    ]
    _no_number_in_the_trail(session_factory)
    with session_factory.begin() as s:
        rhythm_after = s.exec(select(Measure.rhythm_override).where(Measure.ref == "1.3")).one()
    assert rhythm_after == rhythm_before
    assert _count(session_factory, PlannedMeeting) == 0
    assert _count(session_factory, FollowUp) == 0
    with session_factory.begin() as s:  # nothing else was changed
        actions = set(s.exec(select(AuditEvent.action)))
    assert actions <= {"import", "nekad"}


def test_a_refused_follow_up_is_audited_by_field(make_ctx, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    form = submit(
        make_ctx(), ModalId.FOLLOW_UP, {"ref": "1.3"}, {"verdict": "delvis", "text": f"Se {PNR}"}
    )
    assert "personnummer" in form.errors["text"]
    # A control character inside the number (dropped by clean_text before storing) hides
    # nothing either.
    hidden = submit(
        make_ctx(),
        ModalId.FOLLOW_UP,
        {"ref": "1.3"},
        {"verdict": "delvis", "text": "Se 8112\x0018-9876"},
    )
    assert "personnummer" in hidden.errors["text"]
    assert _count(session_factory, FollowUp) == 0
    assert [r["field"] for r in _refusals(session_factory)] == ["text", "text"]
    _no_number_in_the_trail(session_factory)


@pytest.mark.parametrize("field", ["organisations", "notes", "decisions", "date", "measures"])
def test_a_meeting_form_refuses_a_number_in_any_field(
    make_ctx, imported_plan, session_factory, field: str
) -> None:  # type: ignore[no-untyped-def]
    execute(make_ctx(channel="C-SSP"), "koppla SSP")
    form = execute(make_ctx(channel="C-SSP"), "mote 2025-03-12").form
    assert form is not None
    values: dict[str, object] = {"date": "2025-03-12", "measures": ["1.3"], "notes": "Lägesbild"}
    values[field] = [PNR] if field == "measures" else f"19{PNR}"
    reply = submit(make_ctx(channel="C-SSP"), form.id, form.metadata, values)
    assert set(reply.errors) == {field} and "personnummer" in reply.errors[field]
    assert not any(d in reply.plain() for d in DIGITS)
    assert _count(session_factory, Meeting) == 0
    assert [(r["what"], r["field"]) for r in _refusals(session_factory)] == [
        (f"formulär {ModalId.MEETING}", field)
    ]
    _no_number_in_the_trail(session_factory)


def test_a_number_in_a_forms_metadata_is_refused(make_ctx, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    reply = submit(
        make_ctx(),
        ModalId.FOLLOW_UP,
        {"ref": "1.3", "channel_id": PNR},
        {"verdict": "delvis", "text": "Tre möten"},
    )
    assert reply.errors and not any(d in reply.plain() for d in DIGITS)
    assert _count(session_factory, FollowUp) == 0
    assert [r["field"] for r in _refusals(session_factory)] == [""]


def test_a_button_value_holding_a_number_is_refused(
    make_ctx, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    reply = press(make_ctx(), ActionId.MARK_DONE, PNR)
    assert reply.failed and not any(d in reply.plain() for d in DIGITS)
    assert [r["what"] for r in _refusals(session_factory)] == [f"knapp {ActionId.MARK_DONE}"]


def test_a_number_in_the_name_a_mention_was_shown_as_is_refused(
    make_ctx, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    """A mention's name ends up in a follow-up's text ("@name"): it is checked like the text."""
    for said in (f"uppfolj 1.3 Pratade med {mention('U9')}", f"koppla {mention('U9')}"):
        reply = execute(make_ctx(), CommandText(said, names={"U9": PNR}))
        assert reply.failed and "personnummer" in reply.plain()
        assert not any(d in reply.plain() for d in DIGITS)
    with session_factory.begin() as s:
        assert s.exec(select(FollowUp)).first() is None
    assert [r["what"] for r in _refusals(session_factory)] == ["kommando", "kommando"]
