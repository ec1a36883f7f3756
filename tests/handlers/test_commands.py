"""The neutral command layer against a real database: text in, Reply out, rows stored."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlmodel import func, select

from bot.db import SessionFactory
from handlers.parse import CommandText
from handlers.router import execute, press, submit
from models.replies import ActionId, ModalId, Visibility, mention
from models.tables import AuditEvent, FollowUp, Group, Measure, Meeting, Occurrence, PlannedMeeting

VALID_PNR = "811218-9876"  # valid date and Luhn check digit (a test number)


def _count(sf: SessionFactory, model: type) -> int:
    with sf.begin() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_help_and_unknown(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), "")
    assert "uppfolj" in reply.plain()
    reply = execute(make_ctx(), "flyga")
    assert "känner inte igen ”flyga”" in reply.plain()


def test_no_plan_yet_is_explained(make_ctx, session_factory) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), "lista")
    assert "ingen åtgärdsplan" in reply.plain()


def test_list_pages_and_filters(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), "lista")
    assert reply.context == "16 åtgärder · sida 1 av 2"
    page_button = reply.sections[-1].buttons[-1]
    assert page_button.action is ActionId.PAGE
    page2 = press(make_ctx(), page_button.action, page_button.value)
    assert page2.context == "16 åtgärder · sida 2 av 2"
    assert "5.2" in page2.plain()
    area = execute(make_ctx(), "lista 4")
    assert area.title == "Område 4. Särskilt utsatta och sårbara brottsoffer"
    assert area.context == "6 åtgärder"
    assert "inget område 9" in execute(make_ctx(), "lista 9").plain()
    assert "Hittade ingen grupp" in execute(make_ctx(), "lista Okänd").plain()
    mine = execute(make_ctx(), "lista mina")
    assert "inte ansvarig" in mine.plain()


def test_show_measure_and_not_found(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), "visa 1.3")
    text = reply.plain()
    assert "Åtgärd 1.3" in text and "8 ggr/år" in text and "Ingen uppföljning ännu." in text
    assert [b.action for b in reply.sections[-1].buttons] == [
        ActionId.FOLLOW_UP,
        ActionId.MARK_DONE,
        ActionId.SHOW_HISTORY,
    ]
    assert "Åtgärd 9.9 finns inte" in execute(make_ctx(), "visa 9.9").plain()


def test_follow_up_with_text_is_stored_and_audited(
    make_ctx, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), "uppfolj 1.3 delvis: Tre möten av åtta hölls.")
    assert reply.title == "Uppföljning sparad för 1.3"
    with session_factory.begin() as s:
        fu = s.exec(select(FollowUp)).one()
        assert (fu.period, fu.verdict, fu.text, fu.author_id) == (
            "2025-T1",
            "delvis",
            "Tre möten av åtta hölls.",
            "U1",
        )
        assert fu.created_at == datetime(2025, 4, 22, 8, 0, tzinfo=UTC)  # the context's clock
        ev = s.exec(select(AuditEvent).where(AuditEvent.action == "uppfoljning")).one()
        assert (
            ev.actor_id == "U1"
            and json.loads(ev.after or "{}")["text"] == "Tre möten av åtta hölls."
        )


def test_follow_up_without_text_opens_prefilled_form(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    execute(make_ctx(), "uppfolj 1.3 uppfyllt: Åtta möten.")
    reply = execute(make_ctx(), "uppfolj 1.3")
    assert reply.form is not None and reply.form.id is ModalId.FOLLOW_UP
    assert len(reply.form.title) <= 24
    inputs = {i.id: i for i in reply.form.inputs}
    assert inputs["text"].initial == "Åtta möten."
    assert inputs["verdict"].initial == "uppfyllt"
    done = submit(
        make_ctx(), reply.form.id, reply.form.metadata, {"verdict": "delvis", "text": "Sju möten."}
    )
    assert not done.errors and "sparad" in (done.title or "")


def test_personal_number_is_refused_not_stored_not_echoed(
    make_ctx, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), f"uppfolj 1.3 Eleven {VALID_PNR} har flyttat")
    assert VALID_PNR not in reply.plain() and "9876" not in reply.plain()
    assert "personnummer" in reply.plain().lower()
    assert _count(session_factory, FollowUp) == 0
    with session_factory.begin() as s:
        assert all(VALID_PNR not in (e.after or "") for e in s.exec(select(AuditEvent)))
    form = submit(
        make_ctx(),
        ModalId.FOLLOW_UP,
        {"ref": "1.3"},
        {"verdict": "delvis", "text": f"Se {VALID_PNR}"},
    )
    assert "text" in form.errors and VALID_PNR not in form.errors["text"]
    assert _count(session_factory, FollowUp) == 0


def test_overlong_and_empty_follow_up_refused(make_ctx, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    reply = submit(
        make_ctx(), ModalId.FOLLOW_UP, {"ref": "1.3"}, {"verdict": "delvis", "text": "x" * 4001}
    )
    assert "för lång" in reply.errors["text"]
    reply = submit(
        make_ctx(), ModalId.FOLLOW_UP, {"ref": "1.3"}, {"verdict": "delvis", "text": "  "}
    )
    assert "saknas" in reply.errors["text"]
    reply = submit(make_ctx(), ModalId.FOLLOW_UP, {"ref": "1.3"}, {"verdict": "bra", "text": "ok"})
    assert "verdict" in reply.errors
    assert _count(session_factory, FollowUp) == 0


def test_done_ticks_one_off_and_counts_recurring(make_ctx, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), "klar 1.1 Strukturen är på plats")
    assert reply.visibility is Visibility.CHANNEL and "1.1 genomförd 2025-04-22" in (
        reply.title or ""
    )
    reply = execute(make_ctx(), "klar 2.3 2025-03-12 vandring vid Fridhemsplan")
    assert reply.title == "✅ Åtgärd 2.3 genomförd 2025-03-12 (ett tillfälle registrerat)"
    assert "före planens år (2025)" in execute(make_ctx(), "klar 2.3 2024-12-30").plain()
    with session_factory.begin() as s:
        one_off = s.exec(select(Measure).where(Measure.ref == "1.1")).one()
        walk = s.exec(select(Measure).where(Measure.ref == "2.3")).one()
        assert (one_off.status, one_off.done_on) == ("klar", date(2025, 4, 22))
        assert walk.status == "aktiv"
        assert s.exec(
            select(Occurrence.occurred_on).where(Occurrence.measure_id == walk.id)
        ).all() == [date(2025, 3, 12)]
    assert "framtiden" in execute(make_ctx(), "klar 2.3 2025-12-24").plain()
    assert "giltigt datum" in execute(make_ctx(), "klar 2.3 2025-02-30").plain()
    shown = execute(make_ctx(), "visa 2.3").plain()
    assert "1 av 2 genomförda" in shown


def test_bind_links_measures_and_scopes_list(make_ctx, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(channel="C-SSP"), "koppla SSP")
    assert reply.visibility is Visibility.CHANNEL and "1.3" in reply.plain()
    execute(make_ctx(channel="C-EST"), "koppla est")
    execute(make_ctx(channel="C-TR"), "koppla Trygghetsrådet")
    with session_factory.begin() as s:
        groups = {g.name: (g.kind, g.channel_id) for g in s.exec(select(Group))}
    assert groups == {
        "SSP": ("SSP", "C-SSP"),
        "EST": ("EST", "C-EST"),
        "Trygghetsrådet": ("trygghetsrad", "C-TR"),
    }
    ssp_list = execute(make_ctx(channel="C-SSP"), "lista")
    assert ssp_list.title == "SSP:s åtgärder" and ssp_list.context == "1 åtgärd"
    assert execute(make_ctx(channel="C-SSP"), "lista alla").context == "16 åtgärder · sida 1 av 2"
    status = execute(make_ctx(channel="C-SSP"), "status").plain()
    assert "SSP" in status and "Hela planen" in status
    # Rebinding the channel moves it, it never ends up in two groups.
    execute(make_ctx(channel="C-SSP"), "koppla EST")
    with session_factory.begin() as s:
        assert s.exec(select(Group.name).where(Group.channel_id == "C-SSP")).all() == ["EST"]


def test_new_groups_take_the_deployments_defaults(
    make_ctx, imported_plan, session_factory, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.reminder_days_before, settings.digest_weekday, settings.digest_time = 5, 4, "14:30"
    execute(make_ctx(channel="C-SSP"), "koppla SSP")
    with session_factory.begin() as s:
        g = s.exec(select(Group)).one()
    assert (g.reminder_days_before, g.digest_weekday, g.digest_time) == (5, 4, "14:30")


def test_other_groups_measure_is_refused_and_audited(
    make_ctx, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    execute(make_ctx(channel="C-SSP"), "koppla SSP")
    execute(make_ctx(channel="C-EST"), "koppla EST")
    reply = execute(make_ctx(channel="C-EST"), "uppfolj 1.3 skriver i fel kanal")
    assert "hör till SSP, inte till EST. Skriv i SSP:s kanal" in reply.plain()
    assert _count(session_factory, FollowUp) == 0
    with session_factory.begin() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "nekad")).one().actor_id == "U1"
    ok = execute(make_ctx(channel="C-SSP"), "uppfolj 1.3 rätt kanal")
    assert "sparad" in (ok.title or "")


def test_after_the_plans_year_the_refusal_says_what_to_write(
    make_ctx, imported_plan, session_factory, clock
) -> None:  # type: ignore[no-untyped-def]
    """January: the channel still works in last year's plan. A tick-off without a day, or a
    meeting this year, is refused with what to do instead; nothing is stored."""
    execute(make_ctx(channel="C-SSP"), "koppla SSP")
    form = execute(make_ctx(channel="C-SSP"), "möte 2025-03-12").form
    assert form is not None
    clock.set(datetime(2026, 1, 12, 9, 0, tzinfo=UTC))
    undated = execute(make_ctx(), "klar 1.1").plain()
    assert "Planen gäller 2025" in undated and "`/atgard klar 1.1 2025-12-31`" in undated
    assert "planen för 2026" in undated
    dated = execute(make_ctx(), "klar 2.3 2026-01-10").plain()
    assert "2026-01-10 ligger efter planens år (2025)" in dated
    assert "`/atgard klar 2.3 2025-12-31`" in dated
    meeting = submit(
        make_ctx(channel="C-SSP"), form.id, form.metadata, {"date": "2026-01-10", "measures": []}
    )
    assert "loggas när en samordnare har läst in planen för 2026" in meeting.errors["date"]
    assert _count(session_factory, Occurrence) == 0 and _count(session_factory, Meeting) == 0
    late = execute(make_ctx(), "klar 1.1 2025-12-19 Klart före jul")
    assert late.title == "✅ Åtgärd 1.1 genomförd 2025-12-19"


def test_meeting_form_submit_and_plan(make_ctx, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    assert "inte kopplad" in execute(make_ctx(channel="C-X"), "mote").plain()
    execute(make_ctx(channel="C-SSP"), "koppla SSP")
    reply = execute(make_ctx(channel="C-SSP"), "möte 2025-03-12")
    form = reply.form
    assert form is not None and form.id is ModalId.MEETING
    inputs = {i.id: i for i in form.inputs}
    assert inputs["date"].initial == "2025-03-12" and inputs["measures"].initial == ("1.3",)
    bad = submit(
        make_ctx(channel="C-SSP"),
        form.id,
        form.metadata,
        {"date": "2025-05-30", "measures": ["1.3"]},
    )
    assert "date" in bad.errors
    posted = submit(
        make_ctx(channel="C-SSP"),
        form.id,
        form.metadata,
        {
            "date": "2025-03-12",
            "organisations": "skola, socialtjänst, polis",
            "measures": ["1.3"],
            "notes": "Lägesbild vt",
            "decisions": "Fler skolbesök",
        },
    )
    assert posted.visibility is Visibility.CHANNEL and "Möte i SSP 2025-03-12" in (
        posted.title or ""
    )
    with session_factory.begin() as s:
        meeting = s.exec(select(Meeting)).one()
        assert meeting.decisions == "Fler skolbesök"
    assert "1 av 8 genomförda" in execute(make_ctx(channel="C-SSP"), "visa 1.3").plain()
    planned = execute(make_ctx(channel="C-SSP"), "mote planera 2025-05-14 2025-06-11 08.30")
    assert "2025-05-14, 2025-06-11" in planned.plain() and "08.30" in planned.plain()
    assert "finns redan" in execute(make_ctx(channel="C-SSP"), "mote planera 2025-05-14").plain()
    auto = execute(make_ctx(channel="C-SSP"), "mote planera auto")
    assert "Planerade möten" in auto.plain()
    with session_factory.begin() as s:
        dates = s.exec(select(PlannedMeeting.planned_on)).all()
    assert all(d.weekday() < 5 for d in dates) and len(dates) >= 5
    # Asking for a spread that avoids school holidays replaces the earlier spread.
    execute(make_ctx(channel="C-SSP"), "mote planera auto skollov")
    with session_factory.begin() as s:
        auto_dates = s.exec(
            select(PlannedMeeting.planned_on).where(PlannedMeeting.source == "auto")
        ).all()
        assert s.exec(select(Group.avoid_school_holidays).where(Group.name == "SSP")).one() is True
    summer = [d for d in auto_dates if date(2025, 6, 15) <= d <= date(2025, 8, 15)]
    assert summer == [] and len(auto_dates) >= 4
    # Dates entered by hand replace the future dates spread from the rhythm.
    execute(make_ctx(channel="C-SSP"), "mote planera 2025-09-10")
    with session_factory.begin() as s:
        left = s.exec(select(PlannedMeeting.planned_on, PlannedMeeting.source)).all()
    assert {d for d, src in left if src == "auto" and d >= date(2025, 4, 22)} == set()
    assert date(2025, 9, 10) in {d for d, _ in left}


def test_assign_rhythm_history(make_ctx, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), CommandText(f"ansvarig 1.3 {mention('U9')}", {"U9": "sam"}))
    assert f"{mention('U9')} påminns" in reply.plain()
    assert "redan" in execute(make_ctx(), f"ansvarig 1.3 {mention('U9')}").plain()
    assert "kunde inte känna igen @sam" in execute(make_ctx(), "ansvarig 1.3 @sam").plain()
    mine = execute(make_ctx(user="U9"), "lista mina")
    assert mine.context == "1 åtgärd"
    assert "8 ggr/år" in execute(make_ctx(), "rytm 4.1 8/år").plain()
    bad = execute(make_ctx(), "rytm 4.1 ibland kanske")
    assert "8/år" in bad.plain()
    execute(make_ctx(), "uppfolj 4.1 Pågår enligt plan")
    history = execute(make_ctx(), "historik 4.1").plain()
    assert "rytm ändrad till 8 ggr/år" in history and "uppföljning 2025-T1" in history
    # A break in the rhythm: counted over the months it runs, shown as typed.
    paused = execute(make_ctx(), "rytm 4.1 2/mån utom juli").plain()
    assert "”2 ggr/månad utom juli”" in paused
    assert "av 22 genomförda" in execute(make_ctx(), "visa 4.1").plain()
    # What is stored is the label: a count per year keeps its count, it is not read back as
    # "1 gång/månad utom juli" (11).
    assert "”12 ggr/år utom juli”" in execute(make_ctx(), "rytm 4.1 12 ggr/år utom juli").plain()
    assert "av 12 genomförda" in execute(make_ctx(), "visa 4.1").plain()
    # The same word as everywhere else for reading a plan in: "läsa in", not "importera".
    assert any(line.endswith(" · inläst från Excel") for line in history.splitlines())


def test_coordinator_only_actions(make_ctx, imported_plan, settings) -> None:  # type: ignore[no-untyped-def]
    settings.admin_user_ids = ["UADMIN"]
    assert "Bara samordnare" in execute(make_ctx(user="U1", channel="C-SSP"), "koppla SSP").plain()
    assert "Bara ansvariga" in execute(make_ctx(user="U1"), "rytm 1.3 4/år").plain()
    assert (
        "Kanalen hör nu till SSP"
        in execute(make_ctx(user="UADMIN", channel="C-SSP"), "koppla SSP").plain()
    )


def test_database_down_gives_swedish_message(make_ctx, imported_plan, settings, clock) -> None:  # type: ignore[no-untyped-def]
    from bot.db import make_engine, make_session_factory
    from handlers.context import CommandContext
    from models.replies import Actor

    url = (
        "postgresql+psycopg://postgres@127.0.0.1:1/none"
        if not settings.is_sqlite
        else "sqlite:////nonexistent-dir/x.db"
    )
    ctx = CommandContext(
        make_session_factory(make_engine(url)), settings, Actor("U1"), "C1", clock=clock
    )
    started = datetime.now(UTC)
    reply = execute(ctx, "lista")
    assert reply.plain() == "Tjänsten är tillfälligt otillgänglig, försök igen om en stund."
    assert (datetime.now(UTC) - started).total_seconds() < 3


def test_group_measures_need_the_group_channel_in_dms_too(
    make_ctx, imported_plan, session_factory, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.admin_user_ids = ["UADMIN"]
    execute(make_ctx(user="UADMIN", channel="C-SSP"), "koppla SSP")
    execute(make_ctx(user="UADMIN", channel="C-EST"), "koppla EST")
    # A direct message or an unbound channel is no way around the group's channel.
    for channel in ("D0BOTDM", "C-UNBOUND", None):
        reply = execute(make_ctx(user="UMEMBER", channel=channel), "klar 2.2")
        assert reply.failed and "hör till EST" in reply.plain()
    assert "sparad" in (
        execute(make_ctx(user="UMEMBER", channel="C-EST"), "uppfolj 2.2 Två möten").title or ""
    )
    # Meetings of another group are for coordinators, from the form to its submission.
    assert (
        "Bara samordnare" in execute(make_ctx(user="UMEMBER", channel="C-SSP"), "mote EST").plain()
    )
    assert (
        "Bara samordnare"
        in execute(make_ctx(user="UMEMBER", channel="C-SSP"), "mote planera 2025-05-05 EST").plain()
    )
    form = execute(make_ctx(user="UADMIN", channel="C-SSP"), "mote EST").form
    assert form is not None
    sneaky = submit(
        make_ctx(user="UMEMBER", channel="C-SSP"),
        form.id,
        form.metadata,
        {"date": "2025-04-10", "measures": ["2.2"]},
    )
    assert sneaky.failed and "Bara samordnare" in sneaky.plain()
    # Not in a DM: a group's channel is never a direct message.
    assert (
        "inte i ett direktmeddelande"
        in execute(make_ctx(user="UADMIN", channel="D0BOTDM"), "koppla SSP").plain()
    )


def test_typed_personal_numbers_are_never_echoed(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    for line in (
        f"visa {VALID_PNR}",
        f"19{VALID_PNR.replace('-', '')}",
        f"lista {VALID_PNR}",
        f"mote {VALID_PNR}",
        f"ansvarig 1.3 @{VALID_PNR}",
        f"export {VALID_PNR}",
    ):
        text = execute(make_ctx(), line).plain()
        assert "9876" not in text, line


def test_odd_input_answers_clearly(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    for line in ("lista ²", "lista 99999999999999999999999"):
        reply = execute(make_ctx(), line)
        assert "Något gick fel" not in reply.plain(), line
    form = execute(make_ctx(), "uppfolj 1.3 uppfyllt").form
    assert form is not None and {i.id: i for i in form.inputs}["verdict"].initial == "uppfyllt"


def test_double_click_on_done_counts_once(make_ctx, imported_plan, session_factory, clock) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    assert "genomförd" in (press(make_ctx(), ActionId.MARK_DONE, "2.3").title or "")
    again = press(make_ctx(), ActionId.MARK_DONE, "2.3")
    assert again.failed and "räknas en gång" in again.plain()
    clock.set(clock.current + timedelta(minutes=5))
    assert "genomförd" in (press(make_ctx(), ActionId.MARK_DONE, "2.3").title or "")
    assert _count(session_factory, Occurrence) == 2


def test_assign_names_the_people_it_could_not_match(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), f"ansvarig 1.3 {mention('U9')} @bob")
    assert "kunde inte känna igen @bob" in reply.plain()


def test_every_change_is_audited_at_the_bots_clock(make_ctx, imported_plan, clock) -> None:  # type: ignore[no-untyped-def]
    """History reads the audit's times: a change made through a command is stamped with the
    context's clock like a follow-up is, not with the machine's (the sandbox's moved clock
    showed "rytm ändrad" a year after the follow-up written the same minute)."""
    sf = make_ctx().session_factory
    with sf.begin() as s:
        before = {e.id for e in s.exec(select(AuditEvent))}
    for line in (
        "koppla SSP",
        "rytm 1.3 8/år",
        f"ansvarig 1.3 {mention('U2')}",
        "mote planera 2025-05-14 08.30",
        "export T1 html",
        "uppfolj 1.3 Två möten hölls.",
    ):
        execute(make_ctx(), line)
    with sf.begin() as s:
        new = [e for e in s.exec(select(AuditEvent)) if e.id not in before]
    stamped = {e.action: e.at for e in new}
    assert set(stamped) >= {"koppla", "rytm", "ansvarig", "planera_mote", "export"}
    assert set(stamped.values()) == {clock()}


def test_status_counts_are_in_the_right_number(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    before = execute(make_ctx(), "status").plain()
    assert "✅ 0 klara · 🟢 1 i fas · 🔴 3 ligger efter · ⚪ 12 ej bedömda" in before
    execute(make_ctx(), "uppfolj 5.1 uppfyllt: Strukturen används i båda organisationerna.")
    area = execute(make_ctx(), "status").sections[-1]
    assert area.heading == "5. Kriminella miljöer och livsstilar"
    assert area.text.endswith("✅ 1 klar · ⚪ 1 ej bedömd")


def test_planning_a_meeting_with_a_bad_time_or_date_says_so(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    execute(make_ctx(channel="C-SSP"), "koppla SSP")
    bad_time = execute(make_ctx(channel="C-SSP"), "mote planera 2025-05-14 25.00")
    assert (
        bad_time.failed and "”25.00” är ingen giltig tid. Skriv tiden som 08.30" in bad_time.plain()
    )
    bad_date = execute(make_ctx(channel="C-SSP"), "mote planera 2025-5-14")
    assert bad_date.failed and "”2025-5-14” är inget giltigt datum" in bad_date.plain()


def test_tick_off_in_the_future_says_what_to_write(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), "klar 2.3 2025-05-02")
    assert reply.failed
    assert reply.plain() == (
        "2025-05-02 ligger i framtiden. Skriv dagen då åtgärden genomfördes, till exempel"
        " `/atgard klar 2.3 2025-04-22`, eller markera den när den är genomförd."
    )


def test_help_says_both_spellings_work(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), "hjälp")
    assert reply.context == (
        "Du kan också skriva kommandona med å, ä och ö: /atgard uppfölj, /atgard möte."
    )
    assert "`/atgard export [T1 | T2 | T3] [xlsx | html]`" in reply.plain()
    # What the note promises.
    assert execute(make_ctx(), "uppfölj 9.9").plain() == execute(make_ctx(), "uppfolj 9.9").plain()


def test_rhythm_without_a_rhythm_shows_whole_commands(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), "rytm 1.3")
    assert reply.plain() == (
        "Ange rytmen, till exempel `/atgard rytm 1.3 8/år` eller `/atgard rytm 1.3 linjearbete`."
    )


def test_planning_in_a_direct_message_shows_the_planning_command(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(channel="D1"), "mote planera 2025-05-14")
    assert reply.plain().endswith("Ange gruppen: `/atgard mote planera 2025-04-30 SSP`.")


def test_the_adapter_says_what_a_direct_message_is(make_ctx, imported_plan, settings) -> None:  # type: ignore[no-untyped-def]
    """Which conversation is one-to-one is each platform's to say (Slack: ids from D; Teams:
    "personal"): the command layer reads no platform's ids."""
    settings.admin_user_ids = ["UADMIN"]
    teams_dm = make_ctx(user="UADMIN", channel="a:1Xk9", platform="teams", direct_message=True)
    assert "inte i ett direktmeddelande" in execute(teams_dm, "koppla SSP").plain()
    # A channel whose id happens to start with D, on a platform that says it is no DM.
    channel = make_ctx(user="UADMIN", channel="D-SSP", platform="teams")
    assert "Kanalen hör nu till" in execute(channel, "koppla SSP").plain()
