"""Days as people write them in `klar` and `mote` ("igår", "i dag"), the measures a meeting
took up named in the command, and dates written another way explained rather than stored as
text or taken for a group's name. The clock stands at 2025-04-22 (tests/conftest.py)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from handlers.parse import parse_command
from handlers.router import execute
from models.tables import Group, Occurrence


@pytest.mark.parametrize(
    ("line", "day", "note"),
    [
        ("klar 2.1 igår Rådet möttes", "2025-04-21", "Rådet möttes"),
        ("klar 2.1 i går Rådet möttes", "2025-04-21", "Rådet möttes"),
        ("klar 2.1 I dag", "2025-04-22", ""),
        ("klar 2.1 i förrgår", "2025-04-20", ""),
        ("klar 2.1 i parken vid torget", "2025-04-22", "i parken vid torget"),
    ],
)
def test_klar_on_a_day_written_in_words(  # type: ignore[no-untyped-def]
    make_ctx, imported_plan, session_factory, line, day, note
) -> None:
    reply = execute(make_ctx(), line)
    assert not reply.failed, reply.plain()
    assert reply.title == f"✅ Åtgärd 2.1 genomförd {day} (ett tillfälle registrerat)"
    with session_factory() as s:
        occ = s.exec(select(Occurrence)).one()
    assert occ.occurred_on.isoformat() == day and (occ.note or "") == note


def test_klar_with_a_date_written_another_way_is_explained_and_stores_nothing(  # type: ignore[no-untyped-def]
    make_ctx, imported_plan, session_factory
) -> None:
    for line in ("klar 2.1 21/4", "klar 2.1 12.4.2025 Rådet möttes"):
        reply = execute(make_ctx(), line)
        assert reply.failed
        assert reply.plain().endswith("är inget giltigt datum. Skriv till exempel 2025-03-12.")
    with session_factory() as s:
        assert s.exec(select(Occurrence)).first() is None
    # A number that is no whole date stays part of the note: a count, a range, a share.
    for note in ("3.5 timmar", "10-12 deltagare kom", "3/4 skolor besökta", "21/4 och 22/4"):
        assert parse_command(f"klar 2.1 {note}").text == note


def test_a_day_word_with_punctuation_and_a_note_over_several_lines(  # type: ignore[no-untyped-def]
    make_ctx, imported_plan, session_factory
) -> None:
    for line, note in (
        ("klar 2.1 igår, vandring i parken", "vandring i parken"),
        ("klar 2.3 I går: Rådet\nmöttes i parken", "Rådet\nmöttes i parken"),
    ):
        assert not execute(make_ctx(), line).failed
        with session_factory() as s:
            occ = s.exec(select(Occurrence).order_by(Occurrence.id.desc())).first()  # type: ignore[union-attr]
        assert (occ.occurred_on.isoformat(), occ.note) == ("2025-04-21", note)


def test_a_group_whose_name_holds_a_range(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    assert not execute(make_ctx(user="UADMIN", channel="C-AK"), "koppla Åk 7-9").failed
    form = execute(make_ctx(user="UADMIN", channel="C-AK"), "mote Åk 7-9 igår, 1.3").form
    assert form is not None and form.title == "Möte Åk 7-9"
    inputs = {i.id: i for i in form.inputs}
    assert inputs["date"].initial == "2025-04-21" and inputs["measures"].initial == ("1.3",)


def test_mote_with_a_day_in_words_and_the_measures_taken_up(  # type: ignore[no-untyped-def]
    make_ctx, imported_plan
) -> None:
    execute(make_ctx(channel="C-SSP"), "koppla SSP")
    form = execute(make_ctx(channel="C-SSP"), "möte i går 1.3, 2.2").form
    assert form is not None
    inputs = {i.id: i for i in form.inputs}
    assert inputs["date"].initial == "2025-04-21"
    assert inputs["measures"].initial == ("1.3", "2.2")
    assert {"1.3", "2.2"} <= {o.value for o in inputs["measures"].options}
    # Any order, with the group named.
    execute(make_ctx(user="UADMIN", channel="C-EST"), "koppla EST")
    form = execute(make_ctx(user="UADMIN", channel="C-SSP"), "mote 2.1 EST idag").form
    assert form is not None and form.title == "Möte EST"
    inputs = {i.id: i for i in form.inputs}
    assert inputs["date"].initial == "2025-04-22" and inputs["measures"].initial == ("2.1",)


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("mote 9.9", "Åtgärd 9.9 finns inte i planen. Skriv `/atgard lista` för att se alla."),
        ("mote 21/4", "”21/4” är inget giltigt datum. Skriv till exempel 2025-03-12."),
        (
            "mote 21 april",
            "Jag förstår inte ”21 april”. Skriv gruppen, dagen och åtgärderna som behandlades,"
            " till exempel `/atgard mote SSP igår 1.3`. Grupper: SSP.",
        ),
        (
            "mote igår 2025-04-20",
            "Ange en dag för mötet, inte 2: till exempel `/atgard mote igår`.",
        ),
    ],
)
def test_mote_that_cannot_be_read_says_why_and_makes_no_group(  # type: ignore[no-untyped-def]
    make_ctx, imported_plan, session_factory, line, said
) -> None:
    execute(make_ctx(channel="C-SSP"), "koppla SSP")
    reply = execute(make_ctx(channel="C-SSP"), line)
    assert reply.failed and reply.form is None
    assert reply.plain() == said
    with session_factory() as s:
        assert [g.name for g in s.exec(select(Group))] == ["SSP"]


def test_mote_naming_a_person_says_meetings_belong_to_groups(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    execute(make_ctx(channel="C-SSP"), "koppla SSP")
    reply = execute(make_ctx(channel="C-SSP"), "mote @anna")
    assert reply.failed and reply.form is None
    assert reply.plain() == (
        "Ett möte loggas för en grupp, inte för en person. Skriv gruppens namn, till exempel"
        " `/atgard mote SSP`. Grupper: SSP."
    )
