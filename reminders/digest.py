"""The weekly digest for a bound channel: a neutral Reply of a handful of sections.

Readable on a phone and well inside Slack's 50-block limit: title, four sections (each
becomes one or two blocks; in January one or two more about a year-end report) and a
footer, whatever the plan's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple, cast

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from models.measures import latest_follow_ups
from models.meetings import planned_between
from models.plans import areas as plan_areas
from models.progress import (
    MeasureState,
    Standing,
    area_progress,
    end_of_day_utc,
    measure_states,
    progress_bar,
    standing_count,
    states_from,
)
from models.replies import Reply, Section, Visibility
from models.tables import (
    FollowUp,
    Group,
    Measure,
    Meeting,
    MeetingMeasure,
    Occurrence,
    Plan,
    PlannedMeeting,
    PriorityArea,
)
from reminders.calendar import (
    TZ,
    digests_end,
    format_date,
    format_time,
    iso_week_label,
    period_label,
    reporting_tertial,
)
from reminders.planner import digest_due, parse_hhmm
from reminders.year_end import year_end_gaps, year_end_section

# --------------------------------------------------------------------------- Swedish texts

TITLE = "📊 Veckobrev {week} – {group}"
H_PROGRESS = "Läget per område"
H_NEEDS = "Behöver uppföljning ({period})"
H_MEETINGS = "Veckans möten ({week})"
H_SINCE = "Sedan förra veckan"
WHOLE_PLAN = "Hela planen: {bar} {done} av {total} klara"
AREA_COUNTS = "{bar} {done} av {total} klara · {on_track} · {behind} · {na}"
AREA_EMPTY = "inga åtgärder"
NO_NEEDS = "Alla åtgärder har en uppföljning för {period} eller är klara. 👍"
MORE = "… och {n} till. Skriv /atgard lista för alla."
NO_MEETINGS = "Inga planerade möten den här veckan."
NO_NEWS = "Inga nya uppföljningar eller möten har loggats."
# With its tertial: in the week after a tertial ends, or for last year's plan in January, the
# same measure can get follow-ups for two periods the same day.
FOLLOW_UP_LINE = "{ref} uppföljning {period} ({verdict}), {day}"
MEETING_LOGGED = "Möte loggat i {group}, {day}"
TICK_OFF_LINE = "{ref} genomförd {day}"
FOOTER = "{plan} · Skriv /atgard status för detaljer."
H_YEAR_OVER = "Planen för {year} är avslutad"
YEAR_OVER = (
    "Skriv årsuppföljningen ({period}) för de åtgärder som saknar den. Veckobreven för planen"
    " slutar efter {end}. Läs in planen för {next} och koppla kanalen till den med"
    " /atgard koppla, så fortsätter de med den nya planen."
)
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


@dataclass
class DigestFacts:
    """What one group's digest shows, read from the database (per group or in bulk)."""

    states: list[MeasureState]
    areas: list[PriorityArea]
    period: str | None
    followed: set[int]  # measures with a follow-up for `period`
    planned: list[PlannedMeeting]  # the group's planned meetings this week
    new_follow_ups: list[NewFollowUp]  # logged since the last digest (news_since), oldest first
    new_meetings: list[date]  # held_on of the group's meetings logged since the last digest
    # Tick-offs registered since the last digest (news_since), oldest first.
    new_tick_offs: list[NewTickOff] = field(default_factory=list)
    # In January: last year's measures of the group without a year-end follow-up (year_end).
    year_end: list[str] = field(default_factory=list)


class NewFollowUp(NamedTuple):
    ref: str
    verdict: str
    created_at: datetime
    period: str


class NewTickOff(NamedTuple):
    ref: str
    occurred_on: date
    created_at: datetime


def _tick_offs(
    session: Session, plan_ids: list[int], since: datetime, now: datetime
) -> dict[int, list[NewTickOff]]:
    """The tick-offs registered in [since, now) in the plans, by plan, oldest first."""
    out: dict[int, list[NewTickOff]] = defaultdict(list)
    if not plan_ids:
        return out
    for plan_id, ref, occurred_on, created_at in session.exec(
        select(Measure.plan_id, Measure.ref, Occurrence.occurred_on, Occurrence.created_at)
        .join(Measure, col(Measure.id) == Occurrence.measure_id)
        .where(
            col(Measure.plan_id).in_(plan_ids),
            col(Occurrence.created_at) >= since,
            col(Occurrence.created_at) < now,
        )
        .order_by(col(Occurrence.created_at), col(Occurrence.id))
    ):
        out[plan_id].append(NewTickOff(ref, occurred_on, created_at))
    return out


def _dates(plan: Plan, now: datetime) -> tuple[date, str | None]:
    """The day the plan's states are taken on, and the tertial that needs follow-ups: the
    one `/atgard uppfolj` records (models.importer.import_period), so in the week after a
    tertial ends still that one, and after the plan's year T3, the year-end report written
    in January. Before the year (next year's plan read in in December) nothing needs a
    follow-up yet.
    """
    today = now.astimezone(TZ).date()
    period = (
        None
        if today.year < plan.year
        else period_label(plan.year, reporting_tertial(plan.year, today))
    )
    return min(today, date(plan.year, 12, 31)), period


def _monday(now: datetime) -> date:
    today = now.astimezone(TZ).date()
    return today - timedelta(days=today.weekday())


def news_since(group: Group, now: datetime) -> datetime:
    """Where "Sedan förra veckan" starts: when the group's digest of the week before was due.

    Not `now` minus seven days: across a DST change that is an hour off the last digest's
    08.00 (in autumn a follow-up logged just after it was never shown), and a digest moved
    off a holiday (Tuesday after Annandag påsk) would leave a day out or show one twice.
    """
    return digest_due(group, _monday(now) - timedelta(days=7), TZ)


def build_digest(*, session: Session, group: Group, plan: Plan, now: datetime) -> Reply:
    """The digest for `group`'s channel as things stand at `now`."""
    assert plan.id is not None and group.id is not None
    on, period = _dates(plan, now)
    states = measure_states(session=session, plan=plan, on=on)
    followed: set[int] = set()
    if period:
        ids = [s.measure.id for s in states if s.measure.id is not None]
        followed = set(latest_follow_ups(session=session, measure_ids=ids, period=period))
    monday = _monday(now)
    since = news_since(group, now)
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
    facts = DigestFacts(
        states=states,
        areas=plan_areas(session=session, plan_id=plan.id),
        period=period,
        followed=followed,
        planned=planned_between(
            session=session, group_ids=[group.id], start=monday, end=monday + timedelta(days=6)
        ),
        new_follow_ups=[NewFollowUp(m.ref, fu.verdict, fu.created_at, fu.period) for fu, m in fus],
        new_meetings=[mt.held_on for mt in meetings],
        year_end=year_end_gaps(session, [(group, plan)], now).get(group.id, []),
        new_tick_offs=_tick_offs(session, [plan.id], since, now).get(plan.id, []),
    )
    return render_digest(group=group, plan=plan, now=now, facts=facts)


def build_digests(
    *, session: Session, groups_with_plans: Sequence[tuple[Group, Plan]], now: datetime
) -> dict[int, Reply]:
    """Every group's digest, by group id, in a fixed number of queries per distinct plan year
    (seven for the usual single year) whatever the number of groups and plans.

    Each reply is exactly what build_digest gives for that group.
    """
    by_year: dict[int, dict[int, Plan]] = defaultdict(dict)
    since: dict[int, datetime] = {}  # each group's "Sedan förra veckan" starts at its own time
    for group, plan in groups_with_plans:
        assert plan.id is not None and group.id is not None
        by_year[plan.year][plan.id] = plan
        since[group.id] = news_since(group, now)
    # The queries read from the earliest start; each group keeps what is new to it.
    earliest = min(since.values(), default=now)
    facts_by_plan: dict[int, _PlanFacts] = {}
    for year, plans in by_year.items():
        facts_by_plan.update(_plan_facts(session, year, plans, now, earliest))
    monday = _monday(now)
    group_ids = [g.id for g, _ in groups_with_plans if g.id is not None]
    planned: dict[int, list[PlannedMeeting]] = defaultdict(list)
    for pm in planned_between(
        session=session, group_ids=group_ids, start=monday, end=monday + timedelta(days=6)
    ):
        planned[pm.group_id].append(pm)
    meetings: dict[int, list[date]] = defaultdict(list)
    if group_ids:
        for group_id, held_on, created_at in session.exec(
            select(Meeting.group_id, Meeting.held_on, Meeting.created_at)
            .where(
                col(Meeting.group_id).in_(group_ids),
                col(Meeting.created_at) >= earliest,
                col(Meeting.created_at) < now,
            )
            .order_by(col(Meeting.held_on), col(Meeting.id))
        ):
            if created_at >= since[group_id]:
                meetings[group_id].append(held_on)
    year_end = year_end_gaps(session, groups_with_plans, now)
    tick_offs = _tick_offs(
        session, [pid for plans in by_year.values() for pid in plans], earliest, now
    )
    out: dict[int, Reply] = {}
    for group, plan in groups_with_plans:
        assert plan.id is not None and group.id is not None
        pf = facts_by_plan[plan.id]
        facts = DigestFacts(
            states=pf.states,
            areas=pf.areas,
            period=pf.period,
            followed=pf.followed,
            planned=planned.get(group.id, []),
            new_follow_ups=[fu for fu in pf.new_follow_ups if fu.created_at >= since[group.id]],
            new_meetings=meetings.get(group.id, []),
            year_end=year_end.get(group.id, []),
            new_tick_offs=[
                t for t in tick_offs.get(plan.id, []) if t.created_at >= since[group.id]
            ],
        )
        out[group.id] = render_digest(group=group, plan=plan, now=now, facts=facts)
    return out


@dataclass
class _PlanFacts:
    states: list[MeasureState]
    areas: list[PriorityArea]
    period: str | None
    followed: set[int]
    new_follow_ups: list[NewFollowUp]


def _plan_facts(
    session: Session, year: int, plans: dict[int, Plan], now: datetime, since: datetime
) -> dict[int, _PlanFacts]:
    """Five queries for all the plans of one year (they share the day and the period)."""
    plan_ids = list(plans)
    on, period = _dates(next(iter(plans.values())), now)
    measures: dict[int, list[Measure]] = defaultdict(list)
    for m in session.exec(
        select(Measure)
        .join(PriorityArea, col(PriorityArea.id) == Measure.area_id)
        .where(col(Measure.plan_id).in_(plan_ids))
        .order_by(col(Measure.plan_id), col(PriorityArea.number), col(Measure.position))
    ):
        measures[m.plan_id].append(m)
    areas: dict[int, list[PriorityArea]] = defaultdict(list)
    for a in session.exec(
        select(PriorityArea)
        .where(col(PriorityArea.plan_id).in_(plan_ids))
        .order_by(col(PriorityArea.plan_id), col(PriorityArea.number))
    ):
        areas[a.plan_id].append(a)
    in_plans = col(Measure.plan_id).in_(plan_ids)
    latest, followed, new_fus = _follow_up_facts(session, in_plans, on, period, now, since)
    counts: dict[int, int] = defaultdict(int)
    start = date(year, 1, 1)
    for mid, n in session.exec(
        select(Occurrence.measure_id, func.count())
        .join(Measure, col(Measure.id) == Occurrence.measure_id)
        .where(in_plans, col(Occurrence.occurred_on) >= start, col(Occurrence.occurred_on) <= on)
        .group_by(Occurrence.measure_id)
    ):
        counts[mid] += n
    for mid, n in session.exec(
        select(MeetingMeasure.measure_id, func.count())
        .join(Meeting, col(Meeting.id) == MeetingMeasure.meeting_id)
        .join(Measure, col(Measure.id) == MeetingMeasure.measure_id)
        .where(in_plans, col(Meeting.held_on) >= start, col(Meeting.held_on) <= on)
        .group_by(MeetingMeasure.measure_id)
    ):
        counts[mid] += n
    out: dict[int, _PlanFacts] = {}
    for plan_id, plan in plans.items():
        plan_areas_ = areas.get(plan_id, [])
        states = states_from(
            plan=plan,
            on=on,
            measures=measures.get(plan_id, []),
            areas={a.id: a for a in plan_areas_ if a.id is not None},
            latest=latest,
            counts=counts,
        )
        out[plan_id] = _PlanFacts(
            states=states,
            areas=plan_areas_,
            period=period,
            followed=followed.get(plan_id, set()),
            new_follow_ups=new_fus.get(plan_id, []),
        )
    return out


class _Verdict(NamedTuple):
    """The part of a measure's newest follow-up that a digest uses (its standing)."""

    verdict: str


def _follow_up_facts(
    session: Session,
    in_plans: ColumnElement[bool],
    on: date,
    period: str | None,
    now: datetime,
    since: datetime,
) -> tuple[dict[int, FollowUp], dict[int, set[int]], dict[int, list[NewFollowUp]]]:
    """One pass over the plans' follow-ups (one query) for the three things a digest needs:
    each measure's newest follow-up as it stood at the end of `on` (as measure_states), the
    measures with a follow-up for `period`, and the follow-ups logged from `since` until
    `now` (oldest first). Only rows that serve one of them leave the database, as
    columns: building thousands of FollowUp objects cost more than the query."""
    as_of = end_of_day_utc(on)
    by_then = col(FollowUp.created_at) <= as_of
    # Numbered newest first among the rows created by `as_of` (and, apart, among the later ones).
    newest_first = func.row_number().over(
        partition_by=(FollowUp.measure_id, by_then),
        order_by=(col(FollowUp.created_at).desc(), col(FollowUp.id).desc()),
    )
    inner = (
        select(
            FollowUp.id,
            FollowUp.measure_id,
            FollowUp.verdict,
            FollowUp.period,
            FollowUp.created_at,
            Measure.plan_id,
            Measure.ref,
            newest_first.label("rn"),
        )
        .join(Measure, col(Measure.id) == FollowUp.measure_id)
        .where(in_plans)
        .subquery()
    )
    c = inner.c
    newest = (c.created_at <= as_of) & (c.rn == 1)
    recent = (c.created_at >= since) & (c.created_at < now)
    wanted = or_(newest, recent, c.period == period) if period else or_(newest, recent)
    latest: dict[int, FollowUp] = {}
    followed: dict[int, set[int]] = defaultdict(set)
    new_fus: dict[int, list[NewFollowUp]] = defaultdict(list)
    rows = session.execute(
        select(c.measure_id, c.verdict, c.period, c.created_at, c.plan_id, c.ref, c.rn)
        .where(wanted)
        .order_by(c.created_at, c.id)
    ).tuples()
    for measure_id, verdict, fu_period, created_at, plan_id, ref, rn in rows:
        if rn == 1 and created_at <= as_of:
            # states_from reads only the verdict of it (standing_of); see _Verdict.
            latest[measure_id] = cast(FollowUp, _Verdict(verdict))
        if period and fu_period == period:
            followed[plan_id].add(measure_id)
        if since <= created_at < now:
            new_fus[plan_id].append(NewFollowUp(ref, verdict, created_at, fu_period))
    return latest, followed, new_fus


def render_digest(*, group: Group, plan: Plan, now: datetime, facts: DigestFacts) -> Reply:
    """The digest from facts already read (no database access)."""
    today = now.astimezone(TZ).date()
    week = iso_week_label(today)
    sections = [
        _progress(facts.states, facts.areas),
        _needs(group, facts.states, facts.period, facts.followed),
        _meetings(facts.planned, week),
        _since(group, facts.new_follow_ups, facts.new_meetings, facts.new_tick_offs),
    ]
    if facts.year_end:  # January: last year's plan still lacks year-end follow-ups
        sections.append(year_end_section(group, plan.year, facts.year_end))
    if today.year > plan.year:  # January after the year: the last digests of this plan
        sections.append(
            Section(
                heading=H_YEAR_OVER.format(year=plan.year),
                text=YEAR_OVER.format(
                    period=period_label(plan.year, 3),
                    end=format_date(digests_end(plan.year)),
                    next=plan.year + 1,
                ),
            )
        )
    return Reply(
        title=TITLE.format(week=week, group=group.name),
        sections=sections,
        context=FOOTER.format(plan=plan.title),
        visibility=Visibility.CHANNEL,
    )


def _progress(states: list[MeasureState], areas: list[PriorityArea]) -> Section:
    rows = area_progress(states, areas)
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
                on_track=standing_count(Standing.ON_TRACK, c[Standing.ON_TRACK]),
                behind=standing_count(Standing.BEHIND, c[Standing.BEHIND]),
                na=standing_count(Standing.NOT_ASSESSED, c[Standing.NOT_ASSESSED]),
            )
        )
    return Section(heading=H_PROGRESS, text="\n".join(lines))


def _needs(
    group: Group, states: list[MeasureState], period: str | None, followed: set[int]
) -> Section:
    """Behind measures, then those without a follow-up this tertial; the group's own first."""
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


def _meetings(planned: list[PlannedMeeting], week: str) -> Section:
    lines = []
    for pm in planned:
        at = f" kl. {format_time(parse_hhmm(pm.start_time))}" if pm.start_time else ""
        title = f" – {short(pm.title, 60)}" if pm.title else ""
        lines.append(f"{weekday_date(pm.planned_on)}{at}{title}")
    return Section(heading=H_MEETINGS.format(week=week), text="\n".join(lines) or NO_MEETINGS)


def _latest_each(follow_ups: list[NewFollowUp]) -> list[NewFollowUp]:
    """A measure's follow-up for a period written again during the week (a word mended, the
    verdict changed) is one piece of news: its latest version, in that version's place."""
    latest: dict[tuple[str, str], NewFollowUp] = {}
    for fu in follow_ups:  # oldest first
        latest.pop((fu.ref, fu.period), None)
        latest[(fu.ref, fu.period)] = fu
    return list(latest.values())


def _since(
    group: Group,
    new_follow_ups: list[NewFollowUp],
    new_meetings: list[date],
    new_tick_offs: Sequence[NewTickOff] = (),
) -> Section:
    new_follow_ups = _latest_each(new_follow_ups)
    # Only the first MAX_NEWS lines are shown: format those, count the rest.
    total = len(new_follow_ups) + len(new_tick_offs) + len(new_meetings)
    lines = [
        FOLLOW_UP_LINE.format(
            ref=fu.ref,
            period=fu.period,
            verdict=VERDICTS.get(fu.verdict, fu.verdict),
            day=format_date(fu.created_at),
        )
        for fu in new_follow_ups[:MAX_NEWS]
    ]
    lines += [
        TICK_OFF_LINE.format(ref=t.ref, day=format_date(t.occurred_on))
        for t in new_tick_offs[: max(MAX_NEWS - len(lines), 0)]
    ]
    lines += [
        MEETING_LOGGED.format(group=group.name, day=format_date(held_on))
        for held_on in new_meetings[: max(MAX_NEWS - len(lines), 0)]
    ]
    if not lines:
        return Section(heading=H_SINCE, text=NO_NEWS)
    extra = total - MAX_NEWS
    lines = lines[:MAX_NEWS] + ([MORE.format(n=extra)] if extra > 0 else [])
    return Section(heading=H_SINCE, text="\n".join(lines))
