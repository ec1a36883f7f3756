"""The Rhythm type: what a measure's "När" text says about its timing (reminders.rhythm reads it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from reminders.rhythm_breaks import _break_ranges
from reminders.rhythm_labels import _break_frequency_label, _frequency_label


class RhythmKind(StrEnum):
    """What kind of timing a measure has."""

    ONE_OFF = "punktinsats"  # deadline
    ONGOING = "linjearbete"  # continuous work, nothing to count
    RECURRING = "aterkommande"  # N times per period
    UNKNOWN = "okand"  # could not parse: kept as text, a person sets it


@dataclass(frozen=True)
class Rhythm:
    """A parsed "När" value. `raw` is always the text exactly as given."""

    kind: RhythmKind
    per_year: float | None = None
    deadline: date | None = None
    # RECURRING and ONGOING: the day the work starts ("från och med mars"); nothing is due
    # before it and a count per month or week counts from it (per_year; `rate` as written).
    # ONE_OFF: where its window opens ("under våren": 1 January).
    start: date | None = None
    as_needed: bool = False
    minimum: bool = False
    note: str | None = None
    parts: tuple[tuple[float, str], ...] = ()
    raw: str = ""
    # A recurring rhythm with a break ("2 ggr/månad utom juli") or a window of months
    # ("2 ggr/mån mars–juni", "under vårterminen"): how much of each month, January first, it
    # runs (empty: the whole year), and the break or window as the label says it. A count per
    # month or week is counted only over the months it runs (22 a year and 8 here).
    active: tuple[float, ...] = ()
    pause: str = ""
    # School holidays the rhythm also pauses for, besides `active`'s months ("utom skollov",
    # "under terminstid", "ej jullov"): their days as reminders.calendar places them each year.
    holidays: tuple[str, ...] = ()
    # With a break, a count per month or week as written (24 for "2 ggr/månad utom juli"),
    # where per_year counts only the months it runs, in whole occurrences (22).
    rate: float | None = None
    # ISO weeks the rhythm pauses for besides, as runs (first, last) that recur every year
    # ("uppehåll v. 27–31"; (51, 2) runs over the new year). Weeks the text says it runs in
    # ("varje vecka v. 34–50", "2 ggr/år, v. 10 och v. 40") are kept as the weeks outside.
    weeks: tuple[tuple[int, ...], ...] = ()

    def label(self) -> str:
        """Short Swedish label; for RECURRING and ONE_OFF it is accepted by `parse_override`."""
        # A start reads back through reminders.rhythm_start ("från 2025-03-01").
        since = f" från {self.start.isoformat()}" if self.start is not None else ""
        if self.kind is RhythmKind.RECURRING and self.per_year:
            if self.pause or self.rate is not None:
                # Read back, the label must count the same: a count per month or week is
                # lowered by the break, a count per year is not ("12 ggr/år utom juli").
                text = _break_frequency_label(self.rate or self.per_year, self.rate is not None)
            else:
                text = _frequency_label(self.per_year)
            if self.minimum:
                text = "minst " + text
            if self.pause:
                text += " " + self.pause
            text += since
            if self.as_needed:
                text += " eller vid behov"
            return text[0].upper() + text[1:]
        if self.kind is RhythmKind.ONE_OFF and self.deadline is not None:
            return f"Senast {self.deadline.isoformat()}"
        if self.kind is RhythmKind.ONGOING:
            return ("Vid behov" if self.as_needed else "Linjearbete") + since
        return "Okänd rytm"

    def breaks(self, year: int) -> list[tuple[date, date]]:
        """The rhythm's breaks in `year` as date ranges, both ends inclusive: a month it runs
        half of starts or ends the break at its middle ("utom sommaren": 16 June–16 August).
        A recurring rhythm that starts during `year` rests until then: no meeting before it."""
        ranges = _break_ranges(self.active, self.holidays, self.weeks, year)
        first = date(year, 1, 1)
        starts = self.start
        if self.kind is RhythmKind.RECURRING and starts and starts.year == year and starts > first:
            ranges = sorted([*ranges, (first, self.start - timedelta(days=1))])
        return ranges
