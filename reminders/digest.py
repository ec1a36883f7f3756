"""The weekly digest for a bound channel: a neutral Reply of a handful of sections.

Readable on a phone and well inside Slack's 50-block limit: title, at most four
sections (each becomes one or two blocks) and a footer, whatever the plan's size.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from models.measures import latest_follow_ups
from models.meetings import planned_between
from models.plans import areas as plan_areas
from models.progress import MeasureState, Standing, area_progress, measure_states, progress_bar
from models.replies import Reply, Section, Visibility
from models.tables import FollowUp, Group, Measure, Meeting, Plan
from reminders.calendar import (
    TZ,
    format_date,
    format_time,
    iso_week_label,
    period_label,
    tertial_of,
)
from reminders.planner import parse_hhmm

# --------------------------------------------------------------------------- Swedish texts

TITLE = "📊 Veckobrev {week} – {group}"
H_PROGRESS = "Läget per område"
H_NEEDS = "Behöver uppföljning ({period})"
H_MEETINGS = "Veckans möten ({week})"
H_SINCE = "Sedan förra veckan"
WHOLE_PLAN = "Hela planen: {bar} {done} av {total} klara"
AREA_COUNTS = "{bar} {done} av {total} klara · {on_track} i fas · {behind} efter · {na} ej bedömda"
AREA_EMPTY = "inga åtgärder"
NO_NEEDS = "Alla åtgärder har en uppföljning för {period} eller är klara. 👍"
MORE = "… och {n} till. Skriv /atgard lista för alla."
NO_MEETINGS = "Inga planerade möten den här veckan."
NO_NEWS = "Inga nya uppföljningar eller möten har loggats."
FOLLOW_UP_LINE = "{ref} uppföljning ({verdict}), {day}"
MEETING_LOGGED = "Möte loggat i {group}, {day}"
FOOTER = "{plan} · Skriv /atgard status för detaljer."
WEEKDAYS = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
VERDICTS = {
    "uppfyllt": "uppfyllt",
    "delvis": "delvis",
    "ej_uppfyllt": "ej uppfyllt",
    "pagaende": "pågående",
    "ej_bedomd": "ej bedömd",
}
STANDING_SYMBOL = {
    Standing.DONE: "✅",
    Standing.ON_TRACK: "🟢",
    Standing.BEHIND: "🔴",
    Standing.NOT_ASSESSED: "⚪",
}

MAX_NEEDS = 8
MAX_NEWS = 6
AREA_NAME_LIMIT = 60


def short(text: str | None, limit: int) -> str:
    """Whitespace collapsed and cut at a word boundary with "…"."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def measure_label(m: Measure, limit: int = 60) -> str:
    return f"{m.ref} {short(m.description, limit)}".strip()


def weekday_date(d: date) -> str:
    """ "ons 2025-04-23"."""
    return f"{WEEKDAYS[d.weekday()]} {format_date(d)}"


def build_digest(*, session: Session, group: Group, plan: Plan, now: datetime) -> Reply:
    """The digest for `group`'s channel as things stand at `now`."""
    today = now.astimezone(TZ).date()
    monday = today - timedelta(days=today.weekday())
    week = iso_week_label(today)
    period = period_label(today.year, tertial_of(today)) if today.year == plan.year else None
    states = measure_states(session=session, plan=plan, on=min(today, date(plan.year, 12, 31)))
    sections = [
        _progress(session, plan, states),
        _needs(session, group, states, period),
        _meetings(session, group, monday, week),
        _since(session, group, plan, now),
    ]
    return Reply(
        title=TITLE.format(week=week, group=group.name),
        sections=sections,
        context=FOOTER.format(plan=plan.title),
        visibility=Visibility.CHANNEL,
    )


def _progress(session: Session, plan: Plan, states: list[MeasureState]) -> Section:
    assert plan.id is not None
    rows = area_progress(states, plan_areas(session=session, plan_id=plan.id))
    done = sum(1 for s in states if s.standing is Standing.DONE)
    lines = [WHOLE_PLAN.format(bar=progress_bar(done, len(states)), done=done, total=len(states))]
    for row in rows:
        lines.append(f"{row.area.number}. {short(row.area.name, AREA_NAME_LIMIT)}")
        if not row.total:
            lines.append(AREA_EMPTY)
            continue
        c = row.counts
        lines.append(
            AREA_COUNTS.format(
                bar=progress_bar(c[Standing.DONE], row.total),
                done=c[Standing.DONE],
                total=row.total,
                on_track=c[Standing.ON_TRACK],
                behind=c[Standing.BEHIND],
                na=c[Standing.NOT_ASSESSED],
            )
        )
    return Section(heading=H_PROGRESS, text="\n".join(lines))


def _needs(
    session: Session, group: Group, states: list[MeasureState], period: str | None
) -> Section:
    """Behind measures, then those without a follow-up this tertial; the group's own first."""
    followed: set[int] = set()
    if period:
        ids = [s.measure.id for s in states if s.measure.id is not None]
        followed = set(latest_follow_ups(session=session, measure_ids=ids, period=period))
    needing = [
        s
        for s in states
        if s.standing is not Standing.DONE
        and (s.standing is Standing.BEHIND or (period and s.measure.id not in followed))
    ]
    needing.sort(key=lambda s: (s.measure.group_id != group.id, s.standing is not Standing.BEHIND))
    label = period or "året"
    if not needing:
        return Section(heading=H_NEEDS.format(period=label), text=NO_NEEDS.format(period=label))
    lines = [
        f"{STANDING_SYMBOL[s.standing]} {measure_label(s.measure, 50)} – {s.pace_text}"
        for s in needing[:MAX_NEEDS]
    ]
    if len(needing) > MAX_NEEDS:
        lines.append(MORE.format(n=len(needing) - MAX_NEEDS))
    return Section(heading=H_NEEDS.format(period=label), text="\n".join(lines))


def _meetings(session: Session, group: Group, monday: date, week: str) -> Section:
    assert group.id is not None
    planned = planned_between(
        session=session, group_ids=[group.id], start=monday, end=monday + timedelta(days=6)
    )
    lines = []
    for pm in planned:
        at = f" kl. {format_time(parse_hhmm(pm.start_time))}" if pm.start_time else ""
        title = f" – {short(pm.title, 60)}" if pm.title else ""
        lines.append(f"{weekday_date(pm.planned_on)}{at}{title}")
    return Section(heading=H_MEETINGS.format(week=week), text="\n".join(lines) or NO_MEETINGS)


def _since(session: Session, group: Group, plan: Plan, now: datetime) -> Section:
    since = now - timedelta(days=7)
    fus = session.exec(
        select(FollowUp, Measure)
        .join(Measure, col(Measure.id) == FollowUp.measure_id)
        .where(
            Measure.plan_id == plan.id,
            col(FollowUp.created_at) >= since,
            col(FollowUp.created_at) < now,
        )
        .order_by(col(FollowUp.created_at), col(FollowUp.id))
    ).all()
    meetings = session.exec(
        select(Meeting)
        .where(
            Meeting.group_id == group.id,
            col(Meeting.created_at) >= since,
            col(Meeting.created_at) < now,
        )
        .order_by(col(Meeting.held_on))
    ).all()
    lines = [
        FOLLOW_UP_LINE.format(
            ref=m.ref, verdict=VERDICTS.get(fu.verdict, fu.verdict), day=format_date(fu.created_at)
        )
        for fu, m in fus
    ]
    lines += [
        MEETING_LOGGED.format(group=group.name, day=format_date(mt.held_on)) for mt in meetings
    ]
    if not lines:
        return Section(heading=H_SINCE, text=NO_NEWS)
    extra = len(lines) - MAX_NEWS
    lines = lines[:MAX_NEWS] + ([MORE.format(n=extra)] if extra > 0 else [])
    return Section(heading=H_SINCE, text="\n".join(lines))
