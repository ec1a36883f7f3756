"""What each reminder says, decided when it is sent (so it reflects the data of that moment).

`compose` returns None when there is nothing (left) to say — the meeting was removed, the
gaps were filled, the measure caught up, the channel was unbound — and the dispatcher
then drops the row instead of sending.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, func, select

from bot.config import Settings
from bot.textsafety import counted
from models.measures import assignees, latest_follow_ups, list_measures
from models.progress import MeasureState, Standing, measure_states
from models.replies import ActionId, Button, Reply, Section, Visibility, mention
from models.tables import (
    Assignment,
    Group,
    Measure,
    MeasureStatus,
    Meeting,
    Plan,
    PlannedMeeting,
    Reminder,
)
from reminders.calendar import (
    digests_end,
    format_date,
    format_datetime,
    format_time,
    tertial_end,
)
from reminders.digest import build_digest, measure_label, short
from reminders.planner import Kind, occurrence_label, parse_hhmm
from reminders.rhythm import Pace, RhythmKind, expected_by

# --------------------------------------------------------------------------- Swedish texts

LATE = " (försenad)"
LATE_CONTEXT = "Skulle ha skickats {due}."
WEEKDAY_NAMES = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
MEETING_TITLE = "📅 Möte i {group} {weekday} {day}{at}"
MEETING_AT = " kl. {time}"
H_AGENDA = "Dagordning: åtgärder som förfallit eller ligger efter"
H_AGENDA_SINCE = "Dagordning: åtgärder som förfallit eller ligger efter sedan förra mötet ({day})"
NO_AGENDA = "Inga av gruppens åtgärder ligger efter eller har förfallit."
AGENDA_DUE = "förfaller {day}"
AFTER_MEETING = "Logga mötet efteråt med /atgard mote, så räknas det in i takten."
MEETING_DM_CONTEXT = "Du får det här för att du är ansvarig för {refs} i {group}."
TERTIAL_TITLE = "📝 Tertial {t} slutar {day}: uppföljning saknas"
TERTIAL_INTRO = "Du är ansvarig för åtgärder som ännu saknar uppföljning för {period}:"
TERTIAL_HOW = (
    "Skriv uppföljningen med /atgard uppfolj <nummer> {period}, till exempel"
    " /atgard uppfolj {ref} {period} följt av texten."
)
GAPS_TITLE = "📋 Uppföljning inför tertial {t} ({day})"
GAPS_INTRO = "Åtgärder i {group} som saknar uppföljning för {period}:"
GAPS_NOBODY = "ingen ansvarig kopplad"
BEHIND_TITLE = "⏰ {ref} ligger efter takten"
BEHIND_TEXT = "{pace_text}. Vid den här tiden borde {expected} ha genomförts."
BEHIND_HOW = (
    "Logga ett möte med /atgard mote eller skriv /atgard klar {ref} när ett tillfälle är gjort."
)
FAILURE_TITLE = "⚠️ En påminnelse kunde inte skickas"
FAILURE_TEXT = (
    "{what} till {target} kunde inte levereras efter {attempts} försök: {reason}. "
    "Kontrollera att kanalen finns kvar och att boten är med i den."
)
# The channel is gone for the bot and its group was let go (models.groups.release_channel).
FAILURE_RELEASED = (
    "{what} till {target} kunde inte levereras: {reason}. {group} är därför inte längre"
    " kopplad till kanalen och får inga fler veckobrev eller påminnelser där. Skriv"
    " `/atgard koppla {group}` i den kanal gruppen arbetar i nu."
)
KIND_NAMES = {
    Kind.MEETING: "Mötespåminnelsen",
    Kind.DIGEST: "Veckobrevet",
    Kind.TERTIAL: "Tertialpåminnelsen",
    Kind.TERTIAL_GAPS: "Listan över uppföljningar som saknas",
    Kind.RECURRING: "Påminnelsen om takten",
    Kind.FAILURE_REPORT: "Felrapporten",
}
FOLLOW_UP_BUTTON = "Skriv uppföljning"
MAX_LINES = 10
MAX_BUTTONS = 5

LATE_GRACE = timedelta(minutes=15)


def is_late(due_at: datetime, now: datetime) -> bool:
    """Sent more than LATE_GRACE after it was due (the bot was down or the platform refused)."""
    return now > due_at + LATE_GRACE


def target_label(r: Reminder) -> str:
    return f"#{r.channel_id}" if r.channel_id else f"@{r.user_id}"


def compose(
    *,
    session: Session,
    reminder: Reminder,
    now: datetime,
    settings: Settings,
    due_at: datetime,
    prepared_digests: Mapping[int, Reply] | None = None,
) -> Reply | None:
    """The message for `reminder` at `now`; None when there is nothing to send any more.

    `due_at` is when the row was due before it was claimed, to decide "(försenad)".
    `prepared_digests` are this scan's digests built together (reminders.digest.build_digests),
    by group id: the Monday peak then costs a fixed number of queries, not one set per group.
    """
    if reminder.kind == Kind.DIGEST and prepared_digests and reminder.group_id in prepared_digests:
        if _bound_group(session, reminder) is None:
            return None
        return prepared_digest(prepared_digests, reminder.group_id, due_at=due_at, now=now)
    builders = {
        Kind.MEETING: _meeting,
        Kind.DIGEST: _digest,
        Kind.TERTIAL: _tertial,
        Kind.TERTIAL_GAPS: _gaps,
        Kind.RECURRING: _behind,
        Kind.FAILURE_REPORT: _failure,
    }
    build = builders.get(reminder.kind)  # type: ignore[call-overload]  # unknown kind: dropped
    reply = build(session, reminder, now, settings) if build else None
    return _mark_late(reply, due_at, now) if reply is not None else None


def prepared_digest(
    prepared: Mapping[int, Reply], group_id: int, *, due_at: datetime, now: datetime
) -> Reply:
    """A copy of this scan's digest for the group, marked late if it is.

    The caller has checked that the row's group still exists and is bound to the row's
    channel (`still_bound`)."""
    return _mark_late(copy.deepcopy(prepared[group_id]), due_at, now)


def still_bound(
    *,
    platform: str,
    channel_id: str | None,
    group_platform: str | None,
    group_channel_id: str | None,
) -> bool:
    """A channel post still goes to its group's channel (a direct message has no channel)."""
    return not channel_id or (group_channel_id == channel_id and group_platform == platform)


def _mark_late(reply: Reply, due_at: datetime, now: datetime) -> Reply:
    if is_late(due_at, now):
        reply.title = (reply.title or "") + LATE
        late = LATE_CONTEXT.format(due=format_datetime(due_at))
        reply.context = f"{reply.context} · {late}" if reply.context else late
    return reply


def _bound_group(session: Session, r: Reminder) -> tuple[Group, Plan] | None:
    """The row's group and plan, if the group still exists (and, for channel posts, is still
    bound to the same channel)."""
    group = session.get(Group, r.group_id) if r.group_id else None
    if group is None:
        return None
    if not still_bound(
        platform=r.platform,
        channel_id=r.channel_id,
        group_platform=group.platform,
        group_channel_id=group.channel_id,
    ):
        return None
    plan = session.get(Plan, group.plan_id)
    return (group, plan) if plan is not None else None


# --------------------------------------------------------------------------- meeting


def _meeting(session: Session, r: Reminder, now: datetime, settings: Settings) -> Reply | None:
    found = _bound_group(session, r)
    if found is None:
        return None
    group, plan = found
    day = date.fromisoformat(r.occurrence)
    pm = session.exec(
        select(PlannedMeeting).where(
            PlannedMeeting.group_id == group.id, PlannedMeeting.planned_on == day
        )
    ).first()
    if pm is None:
        return None  # taken off the calendar
    measures = list_measures(session=session, plan_id=plan.id, group_id=group.id)  # type: ignore[arg-type]
    if r.user_id:
        who = assignees(session=session, measure_ids=[m.id for m in measures if m.id is not None])
        mine = [m for m in measures if r.user_id in who.get(m.id, [])]  # type: ignore[arg-type]
        if not mine:
            return None  # no longer assigned to anything in the group
    last = session.exec(
        select(func.max(Meeting.held_on)).where(Meeting.group_id == group.id, Meeting.held_on < day)
    ).one()
    on = min(day, date(plan.year, 12, 31))
    states = (
        measure_states(session=session, plan=plan, on=on, measures=measures) if measures else []
    )
    lines = [_agenda_line(s, last, day) for s in states]
    agenda = [line for line in lines if line]
    at = MEETING_AT.format(time=format_time(parse_hhmm(pm.start_time))) if pm.start_time else ""
    title = MEETING_TITLE.format(
        group=group.name, weekday=WEEKDAY_NAMES[day.weekday()], day=format_date(day), at=at
    )
    heading = H_AGENDA_SINCE.format(day=format_date(last)) if last else H_AGENDA
    sections = [
        Section(heading=heading, text=_cap(agenda) or NO_AGENDA),
        Section(text=AFTER_MEETING),
    ]
    context = None
    if r.user_id:
        refs = ", ".join(m.ref for m in mine)
        context = MEETING_DM_CONTEXT.format(refs=refs, group=group.name)
    return Reply(title=title, sections=sections, context=context, visibility=Visibility.CHANNEL)


def _agenda_line(s: MeasureState, last: date | None, meeting_day: date) -> str | None:
    if s.standing is Standing.DONE:
        return None
    deadline = s.rhythm.deadline if s.rhythm.kind is RhythmKind.ONE_OFF else None
    due_since_last = deadline is not None and (last is None or deadline > last)
    due_since_last = due_since_last and deadline is not None and deadline <= meeting_day
    if s.pace in (Pace.BEHIND, Pace.OVERDUE) or s.standing is Standing.BEHIND:
        return f"🔴 {measure_label(s.measure)} – {s.pace_text}"
    if due_since_last:
        assert deadline is not None
        return f"🟡 {measure_label(s.measure)} – {AGENDA_DUE.format(day=format_date(deadline))}"
    return None


def _cap(lines: list[str]) -> str:
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], f"… och {len(lines) - MAX_LINES} till."]
    return "\n".join(lines)


# --------------------------------------------------------------------------- digest


def _digest(session: Session, r: Reminder, now: datetime, settings: Settings) -> Reply | None:
    found = _bound_group(session, r)
    if found is None:
        return None
    group, plan = found
    if now.astimezone(settings.tz).date() > digests_end(plan.year):
        return None  # planned before the plan's digests ended (reminders.calendar.digests_end)
    return build_digest(session=session, group=group, plan=plan, now=now)


# --------------------------------------------------------------------------- tertials


def _period(r: Reminder) -> tuple[int, int]:
    year, t = r.occurrence.split("-T")
    return int(year), int(t)


def _gap_measures(session: Session, measures: list[Measure], period: str) -> list[Measure]:
    open_ = [m for m in measures if m.status != MeasureStatus.DONE and m.id is not None]
    followed = latest_follow_ups(
        session=session,
        measure_ids=[m.id for m in open_],
        period=period,  # type: ignore[misc]
    )
    return [m for m in open_ if m.id not in followed]


def _tertial(session: Session, r: Reminder, now: datetime, settings: Settings) -> Reply | None:
    year, t = _period(r)
    measures = list(
        session.exec(
            select(Measure)
            .join(Assignment, col(Assignment.measure_id) == Measure.id)
            .join(Plan, col(Plan.id) == Measure.plan_id)
            .where(
                Assignment.user_id == r.user_id,
                Assignment.platform == r.platform,
                Plan.year == year,
            )
            .order_by(col(Measure.plan_id), col(Measure.area_id), col(Measure.position))
        )
    )
    gaps = _gap_measures(session, measures, r.occurrence)
    if not gaps:
        return None
    end = format_date(tertial_end(year, t))
    lines = [f"• {measure_label(m)}" for m in gaps]
    return Reply(
        title=TERTIAL_TITLE.format(t=t, day=end),
        sections=[
            Section(
                heading=TERTIAL_INTRO.format(period=r.occurrence),
                text=_cap(lines),
                buttons=[
                    # The nudge's tertial goes with the ref: a direct message works in the
                    # newest plan, and in late December that is already next year's.
                    Button(
                        f"{FOLLOW_UP_BUTTON} {m.ref}",
                        ActionId.FOLLOW_UP,
                        f"{m.ref} {r.occurrence}",
                    )
                    for m in gaps[:MAX_BUTTONS]
                ],
            ),
            # With the period: typed in a direct message in late December, a follow-up without
            # one would go to the newest plan (next year's) and its tertial.
            Section(text=TERTIAL_HOW.format(ref=gaps[0].ref, period=r.occurrence)),
        ],
        visibility=Visibility.CHANNEL,
    )


def _gaps(session: Session, r: Reminder, now: datetime, settings: Settings) -> Reply | None:
    found = _bound_group(session, r)
    if found is None:
        return None
    group, plan = found
    year, t = _period(r)
    measures = list_measures(session=session, plan_id=plan.id, group_id=group.id)  # type: ignore[arg-type]
    gaps = _gap_measures(session, measures, r.occurrence)
    if not gaps:
        return None
    who = assignees(session=session, measure_ids=[m.id for m in gaps])  # type: ignore[misc]
    lines = []
    for m in gaps:
        people = ", ".join(mention(u) for u in who.get(m.id, [])) or GAPS_NOBODY  # type: ignore[arg-type]
        lines.append(f"• {measure_label(m, 50)} – {people}")
    return Reply(
        title=GAPS_TITLE.format(t=t, day=format_date(tertial_end(year, t))),
        sections=[
            Section(
                heading=GAPS_INTRO.format(group=group.name, period=r.occurrence), text=_cap(lines)
            ),
            Section(text=TERTIAL_HOW.format(ref=gaps[0].ref, period=r.occurrence)),
        ],
        visibility=Visibility.CHANNEL,
    )


# --------------------------------------------------------------------------- behind pace


def _behind(session: Session, r: Reminder, now: datetime, settings: Settings) -> Reply | None:
    found = _bound_group(session, r)
    measure = session.get(Measure, r.measure_id) if r.measure_id else None
    if found is None or measure is None or measure.group_id != r.group_id:
        return None
    _group, plan = found
    today = now.astimezone(settings.tz).date()
    if today.year != plan.year:
        return None
    states = measure_states(session=session, plan=plan, on=today, measures=[measure])
    state = states[0]
    if state.rhythm.kind is not RhythmKind.RECURRING or state.pace is not Pace.BEHIND:
        return None  # caught up since the row was planned
    expected = int(expected_by(state.rhythm, today, plan.year) + 1e-9)
    return Reply(
        title=BEHIND_TITLE.format(ref=measure.ref),
        sections=[
            Section(
                heading=short(measure.description, 120) or measure.ref,
                text=BEHIND_TEXT.format(
                    pace_text=state.pace_text.capitalize(),
                    expected=counted(expected, "tillfälle", "tillfällen"),
                ),
                buttons=[Button(FOLLOW_UP_BUTTON, ActionId.FOLLOW_UP, measure.ref)],
            ),
            Section(text=BEHIND_HOW.format(ref=measure.ref)),
        ],
        visibility=Visibility.CHANNEL,
    )


# --------------------------------------------------------------------------- failure report


def _failure(session: Session, r: Reminder, now: datetime, settings: Settings) -> Reply | None:
    failed_id = int(r.occurrence.removeprefix("r"))
    failed = session.get(Reminder, failed_id)
    if failed is None:
        return None
    what = KIND_NAMES.get(failed.kind, failed.kind)  # type: ignore[call-overload]
    extra = f" ({occurrence_label(failed.occurrence)})" if failed.occurrence else ""
    fields = {
        "what": what + extra,
        "target": f"#{failed.channel_id}" if failed.channel_id else mention(failed.user_id or "?"),
        "reason": short(failed.last_error, 120) or "okänt fel",
        "attempts": failed.attempts,
    }
    group = session.get(Group, failed.group_id) if failed.group_id and failed.channel_id else None
    text = (
        FAILURE_RELEASED.format(group=group.name, **fields)
        if group is not None and group.channel_id is None
        else FAILURE_TEXT.format(**fields)
    )
    return Reply(title=FAILURE_TITLE, sections=[Section(text=text)], visibility=Visibility.CHANNEL)
