"""Which tertial a follow-up is for: the one being reported (the week after a tertial ends is
when its report is written), or the one named in the command; the form keeps what it said."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bot.db import SessionFactory
from handlers.parse import parse_command
from handlers.router import execute, press, submit
from models.measures import get_measure
from models.tables import Assignment, FollowUp, Measure, Reminder
from reminders.calendar import reporting_tertial
from reminders.compose import compose
from reminders.planner import Kind
from tests.conftest import Clock, import_example_plan


def _periods(sf: SessionFactory) -> list[tuple[str, str]]:
    with sf.begin() as s:
        return [(f.period, f.text) for f in s.exec(select(FollowUp).order_by(FollowUp.id))]


@pytest.mark.parametrize(
    ("today", "tertial"),
    [
        (date(2025, 4, 30), 1),
        (date(2025, 5, 1), 1),  # tertialrapport 1 is written in early May
        (date(2025, 5, 7), 1),
        (date(2025, 5, 8), 2),
        (date(2025, 9, 7), 2),
        (date(2025, 9, 8), 3),
        (date(2026, 1, 20), 3),  # the year-end report of last year's plan
        (date(2024, 12, 15), 1),  # next year's plan, read in in December
    ],
)
def test_the_tertial_being_reported(today: date, tertial: int) -> None:
    assert reporting_tertial(2025, today) == tertial


def test_a_follow_up_in_the_week_after_a_tertial_is_for_that_tertial(
    make_ctx, clock: Clock, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2025, 5, 5, 9, 0, tzinfo=UTC))
    reply = execute(make_ctx(), "uppfolj 1.3 delvis Fyra möten till 30 april.")
    assert "2025-T1" in reply.plain()
    clock.set(datetime(2025, 5, 12, 9, 0, tzinfo=UTC))
    assert "2025-T2" in execute(make_ctx(), "uppfolj 1.3 Ett möte i maj.").plain()
    assert _periods(session_factory) == [
        ("2025-T1", "Fyra möten till 30 april."),
        ("2025-T2", "Ett möte i maj."),
    ]


def test_a_follow_up_can_name_its_tertial(
    make_ctx, clock: Clock, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2025, 5, 5, 9, 0, tzinfo=UTC))
    reply = execute(make_ctx(), "uppfolj 1.3 T2 uppfyllt Första mötet i maj hölls.")
    assert "Målet är uppfyllt · 2025-T2" in reply.plain()
    clock.set(datetime(2025, 6, 2, 9, 0, tzinfo=UTC))
    assert "2025-T1" in execute(make_ctx(), "uppfolj 1.3 2025-t1 Kompletterat i juni.").plain()
    assert _periods(session_factory) == [
        ("2025-T2", "Första mötet i maj hölls."),
        ("2025-T1", "Kompletterat i juni."),
    ]
    # A tertial that has not begun, or another year's: a Swedish answer, nothing stored.
    future = execute(make_ctx(), "uppfolj 1.3 T3 Planerat.")
    assert "2025-T3 börjar 2025-09-01" in future.plain() and "2025-T2" in future.plain()
    other = execute(make_ctx(), "uppfolj 1.3 2024-T3 Fel år.")
    assert "Hittade ingen åtgärdsplan för Kungsholmen 2024" in other.plain()
    other = execute(make_ctx(), "uppfolj 1.3 2023-T3 Fel år.")
    assert "Kanalen arbetar i planen för 2025" in other.plain() and "2024-T3" in other.plain()
    assert len(_periods(session_factory)) == 2


def test_the_form_keeps_the_tertial_it_showed(
    make_ctx, clock: Clock, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    """Opened on 30 April 23.50, sent after the reporting week: T1, as the form said."""
    clock.set(datetime(2025, 4, 30, 21, 50, tzinfo=UTC))
    form = execute(make_ctx(), "uppfolj 1.3").form
    assert form is not None and "Period: 2025-T1" in form.intro
    clock.set(datetime(2025, 5, 9, 9, 0, tzinfo=UTC))
    done = submit(make_ctx(), form.id, form.metadata, {"verdict": "delvis", "text": "Sent."})
    assert not done.errors and "2025-T1" in done.plain()
    # Asked for T2 in the command: the form says so and keeps it.
    form2 = execute(make_ctx(), "uppfolj 1.3 T2").form
    assert form2 is not None and "Period: 2025-T2" in form2.intro
    submit(make_ctx(), form2.id, form2.metadata, {"verdict": "delvis", "text": "Maj."})
    # Metadata that names a tertial not begun is refused beside the field, not stored.
    bad = submit(make_ctx(), form.id, {**form.metadata, "period": "2025-T3"}, {"text": "x"})
    assert "2025-T3 börjar" in bad.errors["text"]
    assert _periods(session_factory) == [("2025-T1", "Sent."), ("2025-T2", "Maj.")]


def test_parse_reads_a_tertial_after_the_measure() -> None:
    cmd = parse_command("uppfolj 1.3 t1 uppfyllt Klart.")
    assert (cmd.args, cmd.verdict, cmd.text) == (["T1"], "uppfyllt", "Klart.")
    # A word that only starts like one is text.
    cmd = parse_command("uppfolj 1.3 T1-rapporten är skickad.")
    assert (cmd.args, cmd.text) == ([], "T1-rapporten är skickad.")


def test_last_years_year_end_follow_up_from_a_channel_bound_to_the_new_plan(
    make_ctx, clock: Clock, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    """In December the 2026 plan is read in and the channel bound to it; in January the 2025
    year-end report is still written there: `uppfolj 1.3 2025-T3 …` records it on 2025's
    measure 1.3, as the channel's group in that plan."""
    clock.set(datetime(2025, 12, 10, 9, 0, tzinfo=UTC))
    assert not execute(make_ctx(channel="C-SSP"), "koppla SSP").failed
    with session_factory.begin() as s:
        new = import_example_plan(s, district="Kungsholmen", year=2026, today=date(2025, 12, 15))
        new_id = new.id
    assert "2026" in execute(make_ctx(channel="C-SSP"), "koppla SSP").plain()
    clock.set(datetime(2026, 1, 14, 9, 0, tzinfo=UTC))
    reply = execute(make_ctx(channel="C-SSP"), "uppfolj 1.3 2025-T3 uppfyllt Åtta möten 2025.")
    assert "Målet är uppfyllt · 2025-T3" in reply.plain()
    assert "2026-T1" in execute(make_ctx(channel="C-SSP"), "uppfolj 1.3 Första mötet.").plain()
    # The form, opened for last year's plan, is sent to it.
    form = execute(make_ctx(channel="C-SSP"), "uppfolj 1.4 2025-T3").form
    assert form is not None and "Period: 2025-T3" in form.intro
    done = submit(make_ctx(channel="C-SSP"), form.id, form.metadata, {"text": "Pågår."})
    assert not done.errors, done.errors
    with session_factory.begin() as s:
        rows = s.exec(
            select(FollowUp.period, Measure.plan_id, Measure.ref, FollowUp.text)
            .join(Measure, Measure.id == FollowUp.measure_id)
            .order_by(FollowUp.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("2025-T3", imported_plan.id, "1.3", "Åtta möten 2025."),
        ("2026-T1", new_id, "1.3", "Första mötet."),
        ("2025-T3", imported_plan.id, "1.4", "Pågår."),
    ]


def test_the_form_for_next_years_plan_opened_in_december_can_be_sent(
    make_ctx, clock: Clock, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    """The 2026 plan is read in and the channel bound to it in December: the form says
    2026-T1 (what `uppfolj` records before the year, models.importer.import_period), and
    sending it stores that, as the same text typed after the command does."""
    clock.set(datetime(2025, 12, 10, 9, 0, tzinfo=UTC))
    with session_factory.begin() as s:
        import_example_plan(s, district="Kungsholmen", year=2026, today=date(2025, 12, 10))
    assert "2026" in execute(make_ctx(channel="C-SSP"), "koppla SSP").plain()
    form = execute(make_ctx(channel="C-SSP"), "uppfolj 1.3").form
    assert form is not None and "Period: 2026-T1" in form.intro
    done = submit(make_ctx(channel="C-SSP"), form.id, form.metadata, {"text": "Planerat."})
    assert not done.errors, done.errors
    assert "2026-T1" in done.plain()
    typed = execute(make_ctx(channel="C-SSP"), "uppfolj 1.4 Inbjudan skickad.")
    assert "2026-T1" in typed.plain()
    assert _periods(session_factory) == [
        ("2026-T1", "Planerat."),
        ("2026-T1", "Inbjudan skickad."),
    ]


def test_t3_named_in_january_points_at_last_years_year_end(
    make_ctx, clock: Clock, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    """In January a channel bound to the new plan is asked for last year's year-end report:
    "uppfolj 1.3 T3 …" without the year stores nothing and says how to write it."""
    with session_factory.begin() as s:
        import_example_plan(s, district="Kungsholmen", year=2026, today=date(2025, 12, 10))
    clock.set(datetime(2025, 12, 10, 9, 0, tzinfo=UTC))
    assert "2026" in execute(make_ctx(channel="C-SSP"), "koppla SSP").plain()
    clock.set(datetime(2026, 1, 14, 9, 0, tzinfo=UTC))
    reply = execute(make_ctx(channel="C-SSP"), "uppfolj 1.3 T3 Åtta möten 2025.")
    assert "2026-T3 börjar 2026-09-01" in reply.plain()
    assert "Årsuppföljningen för 2025 skrivs med året: 2025-T3." in reply.plain()
    clock.set(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    later = execute(make_ctx(channel="C-SSP"), "uppfolj 1.3 T3 Planerat.")
    assert "2026-T3 börjar" in later.plain() and "2025-T3" not in later.plain()
    assert _periods(session_factory) == []


def test_the_tertial_nudges_button_opens_the_form_for_its_tertial_and_plan(
    make_ctx, clock: Clock, imported_plan, session_factory, settings
) -> None:  # type: ignore[no-untyped-def]
    """The T3 nudge reaches an assigned person in a direct message in late December, when
    the 2026 plan is already read in (the newest plan, which a DM works in): its "Skriv
    uppföljning 1.3" opens 2025's measure 1.3 for 2025-T3, as the nudge says, not 2026's
    measure 1.3 for 2026-T1."""
    with session_factory.begin() as s:
        import_example_plan(s, district="Kungsholmen", year=2026, today=date(2025, 12, 10))
        old = get_measure(session=s, plan_id=imported_plan.id, ref="1.3")
        s.add(Assignment(measure_id=old.id, user_id="UANNA"))  # type: ignore[arg-type]
    now = datetime(2025, 12, 22, 7, 0, tzinfo=UTC)
    clock.set(now)
    with session_factory.begin() as s:
        nudge = Reminder(
            key="tertial:@UANNA:2025-T3",
            kind=Kind.TERTIAL,
            user_id="UANNA",
            occurrence="2025-T3",
            due_at=now,
        )
        reply = compose(session=s, reminder=nudge, now=now, settings=settings, due_at=now)
    assert reply is not None
    button = reply.sections[0].buttons[0]
    assert button.label == "Skriv uppföljning 1.3"
    form = press(make_ctx(user="UANNA", channel="D1"), button.action, button.value).form
    assert form is not None and "Period: 2025-T3" in form.intro
    assert form.metadata["plan_id"] == str(imported_plan.id)
    done = submit(make_ctx(user="UANNA", channel="D1"), form.id, form.metadata, {"text": "Klart."})
    assert not done.errors, done.errors
    with session_factory.begin() as s:
        rows = s.exec(
            select(FollowUp.period, Measure.plan_id).join(
                Measure, Measure.id == FollowUp.measure_id
            )
        ).all()
    assert [tuple(r) for r in rows] == [("2025-T3", imported_plan.id)]
