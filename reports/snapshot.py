"""A plan as it stood at the end of a reporting period: the one input every export reads.

Period semantics (Stockholm's reporting calendar): T1 = January–April, T2 = January–August,
T3 = the whole year, each "per" the period's last day. A snapshot takes

* the latest follow-up per measure written *for* the period or an earlier tertial of the
  year (its `period`, which chat gives as the tertial it is written in, and the year-end
  report after 31 December), so exporting 2025-T1 again in June gives the same verdicts
  and texts as in early May, and the year-end texts written in January are in T3;
* meetings and tick-offs *held* from 1 January to the last day (a meeting held on 28 April
  but logged on 2 May belongs to T1: it happened then, and the pace counts it too);
* the measures in the plan on the status day: one a re-import added later is left out (a
  report per 30 April shows the plan of 30 April), and named in a note;
* the measures' current texts (the plan itself is not versioned).

A period that has not ended yet (`/atgard export T3` in April, or the current tertial) is
shown as it stands today: its status day is today, not the period's last day, since the
pace on 31 December would call every recurring measure behind in April. A one-off whose
deadline is the status day and that was not done by then is overdue: the report is as of
that day's end.

The number of SQL queries is fixed, whatever the plan's size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from models.errors import ValidationError
from models.measures import list_measures
from models.plans import areas as plan_areas
from models.progress import MeasureState, Standing, end_of_day_utc, measure_states, standing_of
from models.tables import Group, Meeting, MeetingMeasure, Plan, Verdict
from reminders.calendar import TZ, parse_period, period_label, tertial_end
from reminders.rhythm import Pace, RhythmKind, pace, pace_text

__all__ = [
    "STANDINGS",
    "VERDICTS",
    "AreaSnapshot",
    "FollowUpFact",
    "MeasureRow",
    "MeetingFact",
    "PlanSnapshot",
    "build_snapshot",
]

# Report order: best first, "not assessed" last.
VERDICTS: tuple[str, ...] = (
    Verdict.UPPFYLLT.value,
    Verdict.DELVIS.value,
    Verdict.EJ_UPPFYLLT.value,
    Verdict.PAGAENDE.value,
    Verdict.EJ_BEDOMD.value,
)
STANDINGS: tuple[str, ...] = tuple(s.value for s in Standing)


@dataclass(frozen=True)
class FollowUpFact:
    """The follow-up in force at the period's end (no author: exports become public records)."""

    verdict: str
    text: str
    period: str
    written_on: date  # Stockholm date


@dataclass(frozen=True)
class MeetingFact:
    held_on: date
    group: str
    organisations: str | None


@dataclass(frozen=True)
class MeasureRow:
    ref: str
    position: int
    problem: str | None
    cause: str | None
    description: str | None
    goal: str | None
    when_text: str | None
    responsible_text: str | None
    group: str | None
    rhythm_kind: str
    rhythm: str  # "8 ggr/år", "Linjearbete", "Senast 2025-12-31", "Okänd rytm"
    pace: str  # reminders.rhythm.Pace value
    pace_text: str  # "3 av 8 genomförda, i fas"
    done_count: int
    standing: str  # models.progress.Standing value
    verdict: str  # models.tables.Verdict value
    follow_up: FollowUpFact | None
    meetings: tuple[MeetingFact, ...]


@dataclass(frozen=True)
class AreaSnapshot:
    number: int
    name: str
    measures: tuple[MeasureRow, ...]
    problems: int  # distinct non-empty problem texts
    causes: int  # distinct non-empty causes
    verdicts: dict[str, int]  # every VERDICTS key, in that order
    standings: dict[str, int]  # every STANDINGS key, in that order

    @property
    def measure_count(self) -> int:
        return len(self.measures)


@dataclass(frozen=True)
class PlanSnapshot:
    plan_id: int
    title: str
    district: str
    year: int
    period: str  # "2025-T1"
    tertial: int
    start: date  # 1 January
    end: date  # the period's last day
    as_of: datetime  # status_on 23:59:59.999999 Stockholm, in UTC
    areas: tuple[AreaSnapshot, ...]
    meetings: tuple[MeetingFact, ...]  # every meeting of the plan's groups in [start, status_on]
    status_on: date  # the day the status is for: `end`, or today while the period runs
    complete: bool  # the period has ended (else the export is a preliminary status)
    added_later: tuple[str, ...] = ()  # refs of measures added to the plan after status_on

    def rows(self) -> Iterator[tuple[AreaSnapshot, MeasureRow]]:
        for area in self.areas:
            for row in area.measures:
                yield area, row

    @property
    def measure_count(self) -> int:
        return sum(a.measure_count for a in self.areas)

    @property
    def verdicts(self) -> dict[str, int]:
        return {v: sum(a.verdicts[v] for a in self.areas) for v in VERDICTS}

    @property
    def standings(self) -> dict[str, int]:
        return {s: sum(a.standings[s] for a in self.areas) for s in STANDINGS}


def _distinct(texts: list[str | None]) -> int:
    return len({t.strip() for t in texts if t and t.strip()})


def _at_days_end(state: MeasureState, on: date, year: int) -> MeasureState:
    """The state once the day `on` is over: a one-off due that day and not done is overdue.

    `pace` compares the deadline with the day itself ("Senast 2025-12-31" is not due during
    31 December); a report per a period's last day is read after that day has ended.
    """
    rhythm = state.rhythm
    if rhythm.kind is not RhythmKind.ONE_OFF or state.pace is not Pace.NOT_DUE:
        return state
    after = pace(rhythm, state.done_count, on + timedelta(days=1), year)
    if after is state.pace:
        return state
    return replace(state, pace=after, standing=standing_of(after, state.latest))


def _row(
    state: MeasureState,
    on: date,
    year: int,
    groups: dict[int, str],
    meetings: dict[int, list[MeetingFact]],
) -> MeasureRow:
    m = state.measure
    assert m.id is not None
    fu = state.latest
    rhythm = state.rhythm
    if rhythm.kind is RhythmKind.RECURRING:
        text = state.pace_text
    elif state.pace is Pace.OVERDUE:
        text = f"{rhythm.label()}, {state.pace}"
    else:
        text = pace_text(rhythm, state.done_count, on, year, done=state.pace is Pace.DONE)
    return MeasureRow(
        ref=m.ref,
        position=m.position,
        problem=m.problem,
        cause=m.cause,
        description=m.description,
        goal=m.goal,
        when_text=m.when_text,
        responsible_text=m.responsible_text,
        group=groups.get(m.group_id) if m.group_id is not None else None,
        rhythm_kind=rhythm.kind.value,
        rhythm=rhythm.label(),
        pace=state.pace.value,
        pace_text=text,
        done_count=state.done_count,
        standing=state.standing.value,
        verdict=state.verdict,
        follow_up=FollowUpFact(
            verdict=fu.verdict,
            text=fu.text,
            period=fu.period,
            written_on=fu.created_at.astimezone(TZ).date(),
        )
        if fu is not None
        else None,
        meetings=tuple(meetings.get(m.id, ())),
    )


def build_snapshot(
    *, session: Session, plan: Plan, period: str, today: date | None = None
) -> PlanSnapshot:
    """Everything the exports need, as the plan stood at the end of `period` ("2025-T1").

    `today` (Stockholm; the real date when None) decides whether the period has ended:
    until the day after its last day the status is today's, marked preliminary.
    """
    assert plan.id is not None
    year, tertial = parse_period(period, plan.year)
    if year != plan.year:
        raise ValidationError(
            f"Perioden {period_label(year, tertial)} hör inte till planen för {plan.year}."
            f" Välj en period under {plan.year}, till exempel {plan.year}-T1.",
            field="period",
        )
    start, end = date(year, 1, 1), tertial_end(year, tertial)
    today = today or datetime.now(TZ).date()
    complete = today > end
    on = end if complete else today
    as_of = end_of_day_utc(on, TZ.key)
    measures = list_measures(session=session, plan_id=plan.id)
    in_plan = [m for m in measures if m.added_on is None or m.added_on <= on]
    added_later = tuple(m.ref for m in measures if m.added_on is not None and m.added_on > on)
    # What users were told when they wrote a follow-up ("Period: 2025-T3") decides where it
    # counts; while the period runs, only what is written by the end of today.
    periods = [period_label(year, t) for t in range(1, tertial + 1)]
    states = measure_states(
        session=session,
        plan=plan,
        on=on,
        as_of=None if complete else as_of,
        periods=periods,
        measures=in_plan,
    )
    if complete:
        states = [_at_days_end(st, on, year) for st in states]
    areas = plan_areas(session=session, plan_id=plan.id)
    groups = {
        g.id: g.name
        for g in session.exec(select(Group).where(Group.plan_id == plan.id))
        if g.id is not None
    }
    held = []
    if groups:
        held = list(
            session.exec(
                select(Meeting)
                .where(
                    col(Meeting.group_id).in_(list(groups)),
                    col(Meeting.held_on) >= start,
                    col(Meeting.held_on) <= on,
                )
                .order_by(col(Meeting.held_on), col(Meeting.id))
            )
        )
    facts = {
        mt.id: MeetingFact(
            held_on=mt.held_on, group=groups.get(mt.group_id, ""), organisations=mt.organisations
        )
        for mt in held
    }
    by_measure: dict[int, list[MeetingFact]] = defaultdict(list)
    if facts:
        links = session.exec(
            select(MeetingMeasure.meeting_id, MeetingMeasure.measure_id)
            .join(Meeting, col(Meeting.id) == MeetingMeasure.meeting_id)
            .where(
                col(Meeting.group_id).in_(list(groups)),
                col(Meeting.held_on) >= start,
                col(Meeting.held_on) <= on,
            )
        )
        for meeting_id, measure_id in links:
            by_measure[measure_id].append(facts[meeting_id])
        for lst in by_measure.values():
            lst.sort(key=lambda f: f.held_on)

    per_area: dict[int, list[MeasureState]] = defaultdict(list)
    for s in states:
        per_area[s.measure.area_id].append(s)
    out: list[AreaSnapshot] = []
    for area in areas:
        assert area.id is not None
        area_states = per_area.get(area.id, [])
        rows = tuple(_row(s, on, year, groups, by_measure) for s in area_states)
        verdicts = Counter(r.verdict for r in rows)
        standings = Counter(r.standing for r in rows)
        out.append(
            AreaSnapshot(
                number=area.number,
                name=area.name,
                measures=rows,
                problems=_distinct([r.problem for r in rows]),
                causes=_distinct([r.cause for r in rows]),
                verdicts={v: verdicts.get(v, 0) for v in VERDICTS},
                standings={s: standings.get(s, 0) for s in STANDINGS},
            )
        )
    return PlanSnapshot(
        plan_id=plan.id,
        title=plan.title,
        district=plan.district,
        year=year,
        period=period_label(year, tertial),
        tertial=tertial,
        start=start,
        end=end,
        as_of=as_of,
        areas=tuple(out),
        meetings=tuple(facts.values()),
        status_on=on,
        complete=complete,
        added_later=added_later,
    )
