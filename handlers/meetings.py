"""mote: log a meeting in a form, plan meeting dates."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bot.textsafety import MAX_NOTE
from handlers.cards import measure_label, short
from handlers.context import CommandContext
from handlers.forms import MeetingFormMeta, parse_meta
from handlers.parse import (
    DATE_LIKE_RE,
    DATE_RE,
    DAY_MONTH_RE,
    TIME_LIKE_RE,
    TIME_RE,
    as_ref,
    day_of,
    is_day,
    parse_iso_date,
)
from handlers.permissions import require_coordinator_for_other_group, require_may_track
from handlers.undo import undo_button
from models import audit
from models.errors import NotFound, PersonalDataRefused, ValidationError
from models.groups import find_group, groups_of_plan
from models.measures import list_measures
from models.meetings import log_meeting, plan_meetings
from models.plans import Scope, resolve_scope
from models.replies import Form, Input, ModalId, Option, Reply, Section, Visibility, mention
from models.tables import Group, GroupKind, Measure, Plan
from models.undo import EntryKind
from reminders.calendar import default_school_holidays, example_meeting_day, spread_meetings
from reminders.planner import meeting_breaks, meeting_rhythm, meetings_left
from reminders.rhythm import Rhythm

SCHOOL_HOLIDAY_WORDS = ("skollov", "utan-skollov", "ej-skollov")
MAX_OPTIONS = 100  # Slack's limit for a select menu
DEFAULT_PER_YEAR = {GroupKind.SSP: 8, GroupKind.EST: 24, GroupKind.TRYGGHETSRAD: 4}


def _group(
    s: Session,
    ctx: CommandContext,
    scope: Scope,
    name: str | None,
    example: str = "mote SSP",
    unclear: str | None = None,
) -> Group:
    """The named group, else the channel's; `example` is the command with a group named."""
    if name:
        group = find_group(session=s, plan_id=scope.plan.id, name=name)  # type: ignore[arg-type]
        if group is None:
            known = (
                ", ".join(g.name for g in groups_of_plan(session=s, plan_id=scope.plan.id))
                or "inga ännu"
            )  # type: ignore[arg-type]
            if "@" in name:
                # "mote @anna": a meeting belongs to a group; people are not stored.
                raise NotFound(
                    "Ett möte loggas för en grupp, inte för en person. Skriv gruppens namn,"
                    f" till exempel `/atgard {example}`. Grupper: {known}."
                )
            if any(c.isdigit() for c in name):
                # "mote 12 mars", "mote 1,3": no group's name; making one would not help.
                how = "Skriv gruppen, dagen och åtgärderna som behandlades," if unclear else "Skriv"
                raise NotFound(
                    f"Jag förstår inte ”{short(name, 40)}”. {how} till exempel"
                    f" `/atgard {unclear or example}`."
                    f" Grupper: {known}."
                )
            raise NotFound(
                f"Hittade ingen grupp ”{short(name, 40)}”. Grupper: {known}. Skapa en med `/atgard koppla {short(name, 20)}`."
            )
        return group
    if scope.group is None and ctx.in_direct_message:
        raise ValidationError(
            f"Ett direktmeddelande hör inte till någon grupp. Ange gruppen: `/atgard {example}`."
        )
    if scope.group is None:
        raise ValidationError(
            "Kanalen är inte kopplad till någon grupp. Skriv `/atgard koppla SSP` (eller EST,"
            f" Trygghetsrådet) först, eller ange gruppen: `/atgard {example}`."
        )
    return scope.group


def meeting_command(ctx: CommandContext, args: list[str]) -> Reply:
    if args and args[0].lower() == "planera":
        return plan_command(ctx, args[1:])
    # `mote [grupp] [dag] [1.3 1.4 …]` in any order: the day, and the measures the meeting
    # took up (chosen in the form already), are told apart from the group's name.
    days = [a for a in args if is_day(a) or DAY_MONTH_RE.match(a)]
    refs = [ref for a in args if (ref := as_ref(a)) is not None]
    names = [a for a in args if a not in days and as_ref(a) is None]
    if len(days) > 1:
        raise ValidationError(
            f"Ange en dag för mötet, inte {len(days)}: till exempel `/atgard mote {days[0]}`."
        )
    held_on = day_of(days[0], ctx.today()) if days else ctx.today()
    with ctx.session_factory.begin() as s:
        scope = resolve_scope(
            session=s, platform=ctx.platform, channel_id=ctx.channel_id, user_id=ctx.actor.user_id
        )
        group = _group(s, ctx, scope, " ".join(names) or None, unclear="mote SSP igår 1.3")
        require_coordinator_for_other_group(ctx, scope, group)
        measures = list_measures(session=s, plan_id=scope.plan.id)  # type: ignore[arg-type]
        known = {m.ref for m in measures}
        missing = [r for r in dict.fromkeys(refs) if r not in known]
        if missing:
            raise NotFound(
                f"Åtgärd {', '.join(missing)} finns inte i planen. Skriv `/atgard lista` för att"
                " se alla."
            )
        if refs:
            initial = tuple(dict.fromkeys(refs))
        else:
            initial = tuple(m.ref for m in measures if m.group_id == group.id)
    options = tuple(
        Option(m.ref, measure_label(m.ref, m.description, 60))
        for m in _offered(measures, set(initial))
    )
    form = Form(
        id=ModalId.MEETING,
        title=f"Möte {group.name}"[:24],
        intro=f"Logga ett möte i {group.name}. Skriv om åtgärderna, inte om enskilda personer.",
        inputs=[
            Input(id="date", label="Datum", kind="date", initial=held_on.isoformat()),
            Input(
                id="organisations",
                label="Deltagande organisationer",
                placeholder="t.ex. skola, socialtjänst, polis",
                max_length=400,
                optional=True,
            ),
            Input(
                id="measures",
                label="Åtgärder som behandlades",
                kind="multiselect",
                options=options,
                initial=initial,
                optional=True,
            ),
            Input(
                id="notes",
                label="Anteckningar",
                kind="multiline",
                max_length=MAX_NOTE,
                optional=True,
            ),
            Input(
                id="decisions", label="Beslut", kind="multiline", max_length=MAX_NOTE, optional=True
            ),
        ],
        submit_label="Logga mötet",
        metadata={"group_id": str(group.id), "channel_id": ctx.channel_id or ""},
    )
    return Reply(form=form)


def _offered(measures: list[Measure], chosen: set[str]) -> list[Measure]:
    """The measures the form can offer (a menu holds at most MAX_OPTIONS), in the plan's order:
    every chosen one, since a preselected option the menu lacks makes Slack refuse the form."""
    room = MAX_OPTIONS - len(chosen)
    offered = []
    for m in measures:
        if m.ref in chosen:
            offered.append(m)
        elif room > 0:
            offered.append(m)
            room -= 1
    return offered[:MAX_OPTIONS]


def submit_meeting(
    ctx: CommandContext, metadata: dict[str, str], values: dict[str, object]
) -> Reply:
    errors: dict[str, str] = {}
    raw_date = str(values.get("date") or "")
    try:
        held_on = date.fromisoformat(raw_date)
    except ValueError:
        return Reply(errors={"date": "Välj ett datum."})
    if held_on > ctx.today():
        # Shown beside the date field, where Slack shows no markup: no backticks.
        return Reply(
            errors={
                "date": "Mötet kan inte loggas i förväg. Planera det med"
                f" /atgard mote planera {held_on.isoformat()}."
            }
        )
    refs = values.get("measures") or []
    if not isinstance(refs, list | tuple):
        refs = [str(refs)]
    try:
        meta = parse_meta(MeetingFormMeta, metadata, "date")
        with ctx.writing() as s:
            group = s.get(Group, meta.group_id)
            if group is None:
                raise NotFound("Gruppen finns inte längre. Öppna formuläret igen.")
            scope = resolve_scope(
                session=s,
                platform=ctx.platform,
                channel_id=ctx.channel_id,
                user_id=ctx.actor.user_id,
            )
            require_coordinator_for_other_group(ctx, scope, group)
            plan = s.get(Plan, group.plan_id)
            if plan is not None and held_on.year != plan.year:
                raise ValidationError(_outside_plan_year(held_on, plan.year), field="date")
            all_measures = {m.ref: m for m in list_measures(session=s, plan_id=group.plan_id)}
            chosen: list[Measure] = []
            for ref in refs:
                if str(ref) not in all_measures:
                    raise ValidationError(f"Åtgärd {ref} finns inte i planen.", field="measures")
                chosen.append(all_measures[str(ref)])
            for m in chosen:
                require_may_track(session=s, ctx=ctx, scope=scope, measure=m)
            meeting = log_meeting(
                session=s,
                group=group,
                held_on=held_on,
                organisations=_s(values.get("organisations")),
                notes=_s(values.get("notes")),
                decisions=_s(values.get("decisions")),
                measures=chosen,
                actor=ctx.actor,
                now=ctx.now(),
            )
            group_name = group.name
    except PersonalDataRefused:
        raise  # the router shows it beside the field and audits the refusal
    except ValidationError as e:
        errors[e.field or "notes"] = e.message
        return Reply(errors=errors)
    sections = [Section(heading="Deltagande", text=meeting.organisations or "–")]
    if chosen:
        sections.append(
            Section(
                heading="Åtgärder som behandlades",
                text="\n".join(measure_label(m.ref, m.description, 80) for m in chosen),
            )
        )
    if meeting.notes:
        sections.append(Section(heading="Anteckningar", text=meeting.notes))
    if meeting.decisions:
        sections.append(Section(heading="Beslut", text=meeting.decisions))
    sections[-1].buttons.append(undo_button(EntryKind.MEETING, meeting.id))  # type: ignore[arg-type]
    return Reply(
        title=f"📝 Möte i {group_name} {held_on.isoformat()}",
        sections=sections,
        context=f"Loggat av {mention(ctx.actor.user_id)}",
        visibility=Visibility.CHANNEL,
        ack_text="Mötet är loggat.",
    )


def plan_command(ctx: CommandContext, args: list[str]) -> Reply:
    """`mote planera 2025-03-12 2025-04-09 [08.30] [grupp]` or `mote planera auto [skollov]`.

    `skollov` makes the group's spread dates avoid the school holidays from now on.
    """
    for a in args:
        if TIME_RE.match(a) or DATE_RE.match(a):
            continue
        if TIME_LIKE_RE.match(a):
            raise ValidationError(
                f"”{a}” är ingen giltig tid. Skriv tiden som 08.30, till exempel"
                f" `/atgard mote planera {example_meeting_day(ctx.today())} 08.30`."
            )
        if DATE_LIKE_RE.match(a):
            parse_iso_date(a)  # says how to write the date
    dates = [parse_iso_date(a) for a in args if DATE_RE.match(a)]
    times = [a for a in args if TIME_RE.match(a)]
    rest = [a for a in args if not DATE_RE.match(a) and not TIME_RE.match(a)]
    auto = any(a.lower() in ("auto", "automatiskt") for a in rest)
    avoid_holidays = any(a.lower() in SCHOOL_HOLIDAY_WORDS for a in rest)
    rest = [a for a in rest if a.lower() not in ("auto", "automatiskt", *SCHOOL_HOLIDAY_WORDS)]
    start_time = None
    if times:
        m = TIME_RE.match(times[0])
        assert m
        start_time = f"{int(m.group(1)):02d}:{m.group(2)}"
    if not dates and not auto:
        raise ValidationError(
            f"Ange datum, till exempel `/atgard mote planera {example_meeting_day(ctx.today())}"
            " 08.30`, eller `/atgard mote planera auto`."
        )
    with ctx.writing() as s:
        scope = resolve_scope(
            session=s, platform=ctx.platform, channel_id=ctx.channel_id, user_id=ctx.actor.user_id
        )
        group = _group(
            s,
            ctx,
            scope,
            " ".join(rest) or None,
            f"mote planera {example_meeting_day(ctx.today())} SSP",
        )
        require_coordinator_for_other_group(ctx, scope, group)
        year = scope.plan.year
        if avoid_holidays and not group.avoid_school_holidays:
            group.avoid_school_holidays = True
            s.add(group)
            audit.record(
                session=s,
                actor=ctx.actor,
                action="skollov",
                entity="group",
                entity_id=group.name,
                before={"avoid_school_holidays": False},
                after={"avoid_school_holidays": True},
                at=ctx.now(),
            )
        if auto:
            rhythm = meeting_rhythm(session=s, group=group, year=year)
            per_year = _meetings_per_year(rhythm, group)
            start = max(date(year, 1, 1), ctx.today())
            if start > date(year, 12, 31):
                raise ValidationError(
                    f"Planen för {year} är slut. Läs in nästa års plan och koppla kanalen igen."
                )
            holidays_ = default_school_holidays(year) if group.avoid_school_holidays else []
            holidays_ += meeting_breaks(rhythm, year)  # "2 ggr/månad utom juli": none in July
            count = meetings_left(rhythm, per_year, start, year)
            dates = spread_meetings(year, count, start=start, school_holidays=holidays_)
        added = plan_meetings(
            session=s,
            group=group,
            dates=dates,
            start_time=start_time,
            actor=ctx.actor,
            source="auto" if auto else "manual",
            today=ctx.today(),
            now=ctx.now(),
        )
        name = group.name
    if not added:
        return Reply.text("De datumen finns redan i kalendern.")
    when = ", ".join(d.isoformat() for d in added)
    at = f" kl. {start_time.replace(':', '.')}" if start_time else ""
    return Reply.text(
        f"Planerade möten för {name}{at}: {when}. Påminnelse kommer i kanalen före varje möte.",
        channel=True,
    )


def _meetings_per_year(rhythm: Rhythm | None, group: Group) -> float:
    if rhythm is not None and rhythm.per_year:
        return rhythm.per_year
    return DEFAULT_PER_YEAR.get(GroupKind(group.kind), 4)


def _s(value: object) -> str | None:
    return None if value is None else str(value)


def _outside_plan_year(held_on: date, year: int) -> str:
    if held_on.year < year:
        return f"Datumet ligger före planens år ({year})."
    return (
        f"Gruppen arbetar i planen för {year}. Möten under {held_on.year} loggas när en"
        f" samordnare har läst in planen för {held_on.year}."
    )
