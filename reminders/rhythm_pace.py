"""Pace: how a measure is doing against its rhythm on a given day."""

from __future__ import annotations

import bisect
import calendar as _calendar
import math
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from bot.textsafety import counted
from reminders.rhythm_breaks import _break_ranges
from reminders.rhythm_labels import _fmt_number
from reminders.rhythm_model import Rhythm, RhythmKind


def _pace_breaks(rhythm: Rhythm, year: int) -> list[tuple[date, date]]:
    """The rhythm's breaks without the time before its start: expected_by counts from the
    start on its own, over whatever the breaks leave."""
    return _break_ranges(rhythm.active, rhythm.holidays, rhythm.weeks, year)


def _year_fraction(on: date, year: int) -> float:
    if on.year < year:
        return 0.0
    if on.year > year:
        return 1.0
    days = 366 if _calendar.isleap(year) else 365
    return ((on - date(year, 1, 1)).days + 1) / days


@lru_cache(maxsize=256)
def _running_days(rhythm: Rhythm, year: int) -> tuple[int, ...]:
    """The days of `year` the rhythm runs, as ordinals in order. Kept: every listing, digest
    and scan asks each measure's pace, and a plan repeats the same few rhythms."""
    off = {
        (a + timedelta(days=i)).toordinal()
        for a, b in _pace_breaks(rhythm, year)
        for i in range((b - a).days + 1)
    }
    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    return tuple(d for d in range(first, last + 1) if d not in off)


def _active_fraction(on: date, year: int, rhythm: Rhythm) -> float:
    """The part of the time a rhythm runs in `year` that has passed by `on` (inclusive).

    Each month weighs what the rhythm runs of it; inside a month only the days outside the
    break count ("utom sommaren": 1-15 June and 17-31 August), so nothing more is expected
    on any day of the break."""
    if on.year != year:
        return 0.0 if on.year < year else 1.0
    if rhythm.holidays or rhythm.weeks:  # these fall anywhere in a month: count its days
        running = _running_days(rhythm, year)
        return bisect.bisect_right(running, on.toordinal()) / len(running) if running else 1.0
    active = rhythm.active
    passed = sum(active[: on.month - 1])
    share = active[on.month - 1]
    if share > 0:
        days = range(1, _calendar.monthrange(year, on.month)[1] + 1)
        off = [(a, b) for a, b in _pace_breaks(rhythm, year) if a.month <= on.month <= b.month]
        running = [d for d in days if not any(a <= date(year, on.month, d) <= b for a, b in off)]
        if running:
            passed += share * sum(1 for d in running if d <= on.day) / len(running)
    return passed / sum(active)


def _passed(rhythm: Rhythm, on: date, year: int) -> float:
    """The part of the time the rhythm runs in `year` that has passed by `on`, from 1 January."""
    return _active_fraction(on, year, rhythm) if rhythm.active else _year_fraction(on, year)


def _share_before_start(rhythm: Rhythm, year: int) -> float:
    """The part of the time the rhythm runs in `year` that lies before its start (0 without)."""
    if rhythm.start is None:
        return 0.0
    return _passed(rhythm, rhythm.start - timedelta(days=1), year)


def expected_by(rhythm: Rhythm, on: date, year: int) -> float:
    """Occurrences a RECURRING rhythm should have reached by `on` (inclusive); 0 otherwise.
    A rhythm with a break expects nothing more during it; one with a start ("från och med
    mars") expects nothing before it and spreads `per_year` over the time from it."""
    if rhythm.kind is not RhythmKind.RECURRING or not rhythm.per_year:
        return 0.0
    passed = _passed(rhythm, on, year)
    before = _share_before_start(rhythm, year)
    if rhythm.start is not None and on < rhythm.start:
        passed = 0.0
    elif before >= 1.0:
        passed = 1.0  # no running time left after the start: all of it is due from then
    elif before > 0.0:
        passed = (passed - before) / (1.0 - before)
    value = rhythm.per_year * passed
    return min(max(value, 0.0), rhythm.per_year)


class Pace(StrEnum):
    """How a measure is doing against its rhythm."""

    AHEAD = "före"
    ON_TRACK = "i fas"
    BEHIND = "efter"
    DONE = "klar"
    OVERDUE = "försenad"
    NOT_DUE = "ej förfallen"
    ONGOING = "pågående"
    UNKNOWN = "okänd"


def pace(rhythm: Rhythm, done_count: int, on: date, year: int, done: bool = False) -> Pace:
    """Compare progress with the rhythm.

    `done=True` (the measure is marked finished) always gives DONE. RECURRING:
    DONE once `done_count` reaches `per_year`; BEHIND if `done_count < floor(expected)`
    (the occurrence that is only partly due is slack); AHEAD if
    `done_count > ceil(expected)`; else ON_TRACK. "Vid behov" measures are never BEHIND.
    ONE_OFF: OVERDUE after the deadline, else NOT_DUE.
    """
    if done:
        return Pace.DONE
    if rhythm.kind is RhythmKind.RECURRING and rhythm.per_year:
        if done_count >= rhythm.per_year:
            return Pace.DONE
        expected = expected_by(rhythm, on, year)
        # Tolerance so that 7.9999999 counts as 8.
        if done_count < math.floor(expected + 1e-9):
            return Pace.ON_TRACK if rhythm.as_needed else Pace.BEHIND
        if done_count > math.ceil(expected - 1e-9):
            return Pace.AHEAD
        return Pace.ON_TRACK
    if rhythm.kind is RhythmKind.ONE_OFF:
        if rhythm.deadline is not None and on > rhythm.deadline:
            return Pace.OVERDUE
        return Pace.NOT_DUE
    if rhythm.kind is RhythmKind.ONGOING:
        return Pace.ONGOING
    return Pace.UNKNOWN


# How a pace reads in a line: "3 av 8 genomförda, efter takten", not a bare "efter". Pace's
# values stay as they are: snapshots and the JSON export carry them as keys.
_PACE_WORDS: dict[Pace, str] = {Pace.AHEAD: "före takten", Pace.BEHIND: "efter takten"}


def _first_active_day(rhythm: Rhythm, year: int) -> date | None:
    """The day a recurring rhythm's year starts when it rests from 1 January for a month or
    more ("2/mån mars–juni", "under höstterminen", "utom januari"): before it, the work is
    not due yet."""
    if rhythm.kind is not RhythmKind.RECURRING:
        return None
    first = date(year, 1, 1)
    for begins, ends in rhythm.breaks(year):
        # A rest of weeks from New Year (jul/nyår, "uppehåll v. 52–2") is the work going on
        # over Christmas, not a start: only a month or more is.
        if begins <= first <= ends < date(year, 12, 31) and (ends - first).days >= 27:
            return ends + timedelta(days=1)
    return None


def pace_text(rhythm: Rhythm, done_count: int, on: date, year: int, done: bool = False) -> str:
    """One Swedish line, e.g. "3 av 8 genomförda, i fas" or "1 av 8 genomförda, efter takten"."""
    status = pace(rhythm, done_count, on, year, done)
    p = _PACE_WORDS.get(status, status.value)
    starts = rhythm.start or _first_active_day(rhythm, year)
    if starts is not None and on < starts and status is not Pace.DONE:
        # Before its start the work is not due, nor going on yet: say when it starts.
        if rhythm.kind is RhythmKind.ONGOING:
            what = "Vid behov" if rhythm.as_needed else "Linjearbete"
            return f"{what}, startar {starts.isoformat()}"
        if rhythm.kind is RhythmKind.RECURRING:
            p = f"startar {starts.isoformat()}"
    if rhythm.kind is RhythmKind.RECURRING and rhythm.per_year:
        text = f"{done_count} av {_fmt_number(rhythm.per_year)} genomförda, {p}"
        return text + " (vid behov)" if rhythm.as_needed else text
    if rhythm.kind is RhythmKind.ONE_OFF and rhythm.deadline is not None:
        return f"{rhythm.label()}, {p}"
    if rhythm.kind is RhythmKind.ONGOING:
        done_text = counted(done_count, "genomförd", "genomförda")
        return f"{rhythm.label()}, {p}" + (f", {done_text}" if done_count else "")
    return f"Okänd rytm, {p}: en samordnare behöver ange rytmen med /atgard rytm"
