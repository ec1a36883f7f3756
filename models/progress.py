"""Where each measure stands on a date: rhythm, pace, latest verdict, and per-area roll-ups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlmodel import Session

from bot.textsafety import counted
from models.measures import area_map, done_counts, latest_follow_ups, list_measures, rhythm_of
from models.tables import FollowUp, Measure, MeasureStatus, Plan, PriorityArea, Verdict
from reminders.rhythm import Pace, Rhythm, RhythmKind, pace, pace_text


class Standing(StrEnum):
    """The four buckets the digest and status show."""

    DONE = "klar"
    ON_TRACK = "i fas"
    BEHIND = "efter"
    NOT_ASSESSED = "ej bedömd"


# Each bucket's words after a count, singular and plural: "1 klar", "3 klara", "2 ej bedömda",
# "3 ligger efter" (a bare "3 efter" reads oddly). The values above stay the keys that
# snapshots, exports and charts use.
STANDING_WORDS: dict[Standing, tuple[str, str]] = {
    Standing.DONE: ("klar", "klara"),
    Standing.ON_TRACK: ("i fas", "i fas"),
    Standing.BEHIND: ("ligger efter", "ligger efter"),
    Standing.NOT_ASSESSED: ("ej bedömd", "ej bedömda"),
}


def standing_count(standing: Standing, n: int) -> str:
    """A bucket's count in the right number: "1 klar", "0 klara", "3 ligger efter"."""
    singular, plural = STANDING_WORDS[standing]
    return counted(n, singular, plural)


@dataclass
class MeasureState:
    measure: Measure
    area: PriorityArea
    rhythm: Rhythm
    pace: Pace
    done_count: int
    latest: FollowUp | None
    standing: Standing
    pace_text: str

    @property
    def verdict(self) -> str:
        return self.latest.verdict if self.latest else Verdict.EJ_BEDOMD


@dataclass
class AreaProgress:
    area: PriorityArea
    counts: dict[Standing, int] = field(default_factory=lambda: dict.fromkeys(Standing, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def end_of_day_utc(day: date, tz_name: str = "Europe/Stockholm") -> datetime:
    from zoneinfo import ZoneInfo

    local = datetime.combine(day + timedelta(days=1), time.min, tzinfo=ZoneInfo(tz_name))
    return local.astimezone(UTC) - timedelta(microseconds=1)


def standing_of(p: Pace, latest: FollowUp | None) -> Standing:
    """The bucket from the pace on the day and the verdict in force then.

    A tick-off counts through the pace alone (`states_from` gives DONE only for a measure
    done by that day): the measure's status says what it is today, so a one-off ticked off
    in September must not stand as done in the T1 report.
    """
    verdict = latest.verdict if latest else Verdict.EJ_BEDOMD
    if p is Pace.DONE or verdict == Verdict.UPPFYLLT:
        return Standing.DONE
    if p in (Pace.BEHIND, Pace.OVERDUE) or verdict == Verdict.EJ_UPPFYLLT:
        return Standing.BEHIND
    if p in (Pace.ON_TRACK, Pace.AHEAD) or verdict in (Verdict.DELVIS, Verdict.PAGAENDE):
        return Standing.ON_TRACK
    return Standing.NOT_ASSESSED


def measure_states(
    *,
    session: Session,
    plan: Plan,
    on: date,
    measures: Sequence[Measure] | None = None,
    as_of: datetime | None = None,
    periods: Sequence[str] | None = None,
) -> list[MeasureState]:
    """States for the plan's measures as they stood on `on` (three queries, whatever the size).

    The verdict is the newest follow-up written by `as_of` (default: the end of `on`); with
    `periods`, the newest one written for those periods, and by `as_of` only if given.
    """
    assert plan.id is not None
    if measures is None:
        measures = list_measures(session=session, plan_id=plan.id)
    ids = [m.id for m in measures if m.id is not None]
    areas = area_map(session=session, plan_id=plan.id)
    if periods is None:
        as_of = as_of or end_of_day_utc(on)
    latest = latest_follow_ups(session=session, measure_ids=ids, as_of=as_of, periods=periods)
    counts = done_counts(session=session, measure_ids=ids, start=date(plan.year, 1, 1), end=on)
    return states_from(
        plan=plan, on=on, measures=measures, areas=areas, latest=latest, counts=counts
    )


def states_from(
    *,
    plan: Plan,
    on: date,
    measures: Sequence[Measure],
    areas: Mapping[int, PriorityArea],
    latest: Mapping[int, FollowUp],
    counts: Mapping[int, int],
) -> list[MeasureState]:
    """The states from facts already read (measure_states reads them; batch callers read
    them for many plans at once)."""
    states: list[MeasureState] = []
    for m in measures:
        assert m.id is not None
        rhythm = rhythm_of(m, plan.year)
        done = m.status == MeasureStatus.DONE and (m.done_on is None or m.done_on <= on)
        n = counts.get(m.id, 0)
        p = pace(rhythm, n, on, plan.year, done=done)
        fu = latest.get(m.id)
        states.append(
            MeasureState(
                measure=m,
                area=areas[m.area_id],
                rhythm=rhythm,
                pace=p,
                done_count=n,
                latest=fu,
                standing=standing_of(p, fu),
                pace_text=pace_text(rhythm, n, on, plan.year)
                if rhythm.kind is RhythmKind.RECURRING
                else p.value,
            )
        )
    return states


def area_progress(
    states: Sequence[MeasureState], all_areas: Sequence[PriorityArea]
) -> list[AreaProgress]:
    by_id = {a.id: AreaProgress(area=a) for a in all_areas}
    for s in states:
        by_id[s.area.id].counts[s.standing] += 1
    return list(by_id.values())


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """A text bar that reads on a phone: ▰▰▰▱▱▱▱▱▱▱."""
    if total <= 0:
        return "▱" * width
    filled = round(width * done / total)
    return "▰" * filled + "▱" * (width - filled)
