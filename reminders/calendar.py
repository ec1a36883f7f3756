"""Swedish working days, tertials, date/time formatting and meeting spreading.

Non-working days: Saturdays, Sundays, Swedish public holidays (`holidays.Sweden`) and
the de facto days off Midsommarafton, julafton and nyårsafton. `holidays.Sweden` counts
every Sunday as a holiday unless told otherwise; we ask it not to and handle weekends
ourselves so that the holiday set stays small and readable.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.easter import easter

from bot.textsafety import counted
from models.errors import ParseError, ValidationError

__all__ = [
    "TZ",
    "SchoolHoliday",
    "default_school_holidays",
    "format_date",
    "format_datetime",
    "format_time",
    "is_working_day",
    "iso_week_label",
    "next_working_day",
    "parse_period",
    "period_end",
    "period_label",
    "previous_working_day",
    "spread_meetings",
    "tertial_end",
    "tertial_of",
    "working_day_on_or_after",
    "working_days_before",
]

TZ = ZoneInfo("Europe/Stockholm")


# --------------------------------------------------------------------------- working days


def _midsummer_eve(year: int) -> date:
    # Midsommarafton is the Friday between 19 and 25 June.
    d = date(year, 6, 19)
    return d + timedelta(days=(4 - d.weekday()) % 7)


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    public = holidays.Sweden(years=year, include_sundays=False)
    eves = {_midsummer_eve(year), date(year, 12, 24), date(year, 12, 31)}
    return frozenset(public.keys()) | eves


def is_working_day(d: date) -> bool:
    """Monday–Friday and neither a public holiday nor midsommar-, jul- or nyårsafton."""
    if isinstance(d, datetime):
        d = d.date()
    return d.weekday() < 5 and d not in _holidays(d.year)


def previous_working_day(d: date) -> date:
    """The last working day strictly before `d`."""
    d -= timedelta(days=1)
    while not is_working_day(d):
        d -= timedelta(days=1)
    return d


def next_working_day(d: date) -> date:
    """The first working day strictly after `d`."""
    d += timedelta(days=1)
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def working_day_on_or_after(d: date) -> date:
    """`d` itself if it is a working day, else the next one."""
    return d if is_working_day(d) else next_working_day(d)


def example_meeting_day(today: date) -> str:
    """A date for "for example" in a hint: a working Wednesday (else the next working day)
    a week or two ahead, so the example is a day the user could plan, never one gone by."""
    wednesday = today + timedelta(days=7 + (2 - today.weekday()) % 7)
    return working_day_on_or_after(wednesday).isoformat()


def working_days_before(d: date, n: int) -> date:
    """The date `n` working days before `d`; n=0 gives `d` or the previous working day."""
    if n < 0:
        raise ValueError("n must be >= 0")
    if n == 0:
        return d if is_working_day(d) else previous_working_day(d)
    for _ in range(n):
        d = previous_working_day(d)
    return d


# --------------------------------------------------------------------------- tertials


def tertial_of(d: date) -> int:
    """1 (Jan–Apr), 2 (May–Aug) or 3 (Sep–Dec)."""
    return (d.month - 1) // 4 + 1


def _check_tertial(tertial: int) -> None:
    if tertial not in (1, 2, 3):
        raise ValueError(f"tertial must be 1, 2 or 3, not {tertial!r}")


# A tertial is reported in the week after it ends (tertialrapport 1 in early May): until then
# a follow-up, the default export and the digest's "needs a follow-up" are about it.
REPORTING_WINDOW = timedelta(days=7)


def reporting_tertial(plan_year: int, today: date) -> int:
    """The tertial of the plan's year a follow-up written `today` is for: the current one, the
    one just ended during its REPORTING_WINDOW, T3 (the year-end) after the year, and T1
    before it (next year's plan read in in December)."""
    if today.year > plan_year:
        return 3
    if today.year < plan_year:
        return 1
    tertial = tertial_of(today)
    if tertial > 1 and today <= tertial_end(plan_year, tertial - 1) + REPORTING_WINDOW:
        return tertial - 1
    return tertial


def tertial_start(year: int, tertial: int) -> date:
    """First day of a tertial: 01-01, 05-01 or 09-01."""
    _check_tertial(tertial)
    return date(year, tertial * 4 - 3, 1)


def tertial_end(year: int, tertial: int) -> date:
    """Last day of a tertial: 04-30, 08-31 or 12-31."""
    _check_tertial(tertial)
    return {1: date(year, 4, 30), 2: date(year, 8, 31), 3: date(year, 12, 31)}[tertial]


def digests_end(plan_year: int) -> date:
    """The last day a plan's weekly digest is posted: 31 January after its year.

    January is when the year-end follow-up (T3, the verksamhetsberättelse) is written, and the
    digest keeps pointing at what still lacks one; after that a finished plan has nothing new
    to say every week, and a channel still bound to it would otherwise get it for ever.
    """
    return date(plan_year + 1, 1, 31)


def period_label(year: int, tertial: int) -> str:
    """ "2025-T1"."""
    _check_tertial(tertial)
    return f"{year}-T{tertial}"


_PERIOD_HELP = (
    "Jag förstod inte perioden. Skriv till exempel 2025-T1 eller T2 (tertial 1, 2 eller 3)."
)
_PERIOD_RES = (
    re.compile(r"^(?P<year>\d{4})\s*[-/ ]?\s*t(?:ertial)?\s*(?P<t>\d)$"),
    re.compile(r"^t(?:ertial)?\s*(?P<t>\d)(?:\s*[-/ ]?\s*(?P<year>\d{4}))?$"),
)


def parse_period(text: str, default_year: int | None) -> tuple[int, int]:
    """Parse "2025-T1", "T2", "t3", "2025T1", "tertial 2 2025" into (year, tertial)."""
    cleaned = re.sub(r"\s+", " ", (text or "").strip().lower())
    for pattern in _PERIOD_RES:
        m = pattern.match(cleaned)
        if not m:
            continue
        tertial = int(m.group("t"))
        year = int(m.group("year")) if m.group("year") else default_year
        if tertial not in (1, 2, 3):
            raise ParseError("Det finns bara tre tertial: T1, T2 och T3.")
        if year is None:
            raise ParseError("Ange år för perioden, till exempel 2025-T1.")
        if not 1900 <= year <= 2999:
            raise ParseError(_PERIOD_HELP)
        return year, tertial
    raise ParseError(_PERIOD_HELP)


def period_end(period: str, default_year: int | None = None) -> date:
    """Last day of a period such as "2025-T1"."""
    year, tertial = parse_period(period, default_year)
    return tertial_end(year, tertial)


# --------------------------------------------------------------------------- formatting


def _local(dt: datetime) -> datetime:
    # Naive datetimes are taken to be Stockholm local time already.
    return dt.astimezone(TZ) if dt.tzinfo is not None else dt


def iso_week_label(d: date) -> str:
    """ISO week as users write it: "v. 18"."""
    return f"v. {d.isocalendar().week}"


def format_date(d: date) -> str:
    """ "2025-04-30" (a datetime is shown as its Stockholm date)."""
    if isinstance(d, datetime):
        d = _local(d).date()
    return d.isoformat()


def format_time(t: time | datetime) -> str:
    """24-hour Stockholm time with a dot: "08.30"."""
    if isinstance(t, datetime):
        t = _local(t).time()
    return f"{t.hour:02d}.{t.minute:02d}"


def format_datetime(dt: datetime) -> str:
    """ "2025-04-30 08.30" in Stockholm time."""
    local = _local(dt)
    return f"{local.date().isoformat()} {format_time(local.time())}"


# --------------------------------------------------------------------------- school holidays


@dataclass(frozen=True)
class SchoolHoliday:
    """A school holiday, both ends inclusive."""

    start: date
    end: date
    name: str

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


def _iso_week(year: int, week: int, name: str) -> SchoolHoliday:
    return SchoolHoliday(
        date.fromisocalendar(year, week, 1), date.fromisocalendar(year, week, 7), name
    )


def default_school_holidays(year: int) -> list[SchoolHoliday]:
    """Typical Stockholm school holidays for `year`, as approximations a group can replace.

    sportlov v. 9, påsklov the week of Easter Monday, sommarlov 15 June–15 August,
    höstlov v. 44, jullov 21 December–6 January (both the end of last year's and the
    start of this year's jullov are included).
    """
    easter_monday = easter(year) + timedelta(days=1)
    return [
        SchoolHoliday(date(year, 1, 1), date(year, 1, 6), "jullov"),
        _iso_week(year, 9, "sportlov"),
        SchoolHoliday(easter_monday, easter_monday + timedelta(days=6), "påsklov"),
        SchoolHoliday(date(year, 6, 15), date(year, 8, 15), "sommarlov"),
        _iso_week(year, 44, "höstlov"),
        SchoolHoliday(date(year, 12, 21), date(year + 1, 1, 6), "jullov"),
    ]


# --------------------------------------------------------------------------- spreading


def spread_meetings(
    year: int,
    count: int,
    *,
    start: date | None = None,
    end: date | None = None,
    school_holidays: Sequence[SchoolHoliday] = (),
    weekday: int | None = None,
) -> list[date]:
    """`count` distinct working days spread evenly over [start or 1 Jan, end or 31 Dec].

    Each ideal date (the middle of one of `count` equal slices) moves to the nearest
    free working day outside the school holidays, forward on a tie. With `weekday`
    (0=Monday) only that weekday is used, unless the range has too few of them.
    Raises ValidationError (Swedish) when the range has fewer than `count` usable days.
    """
    first = start or date(year, 1, 1)
    last = end or date(year, 12, 31)
    if count < 0:
        raise ValueError("count must be >= 0")
    if weekday is not None and not 0 <= weekday <= 6:
        raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
    if last < first:
        raise ValidationError("Periodens slutdatum ligger före startdatumet.")
    if count == 0:
        return []

    span = (last - first).days + 1
    pool = [
        d
        for d in (first + timedelta(days=i) for i in range(span))
        if is_working_day(d) and not any(h.contains(d) for h in school_holidays)
    ]
    if weekday is not None:
        preferred = [d for d in pool if d.weekday() == weekday]
        if len(preferred) >= count:
            pool = preferred
    if len(pool) < count:
        days = counted(len(pool), "möjlig mötesdag", "möjliga mötesdagar")
        raise ValidationError(
            f"Det finns bara {days} mellan {first.isoformat()} och {last.isoformat()}, men"
            f" {counted(count, 'möte', 'möten')} behövs. Ange datumen själv i stället, till"
            f" exempel `/atgard mote planera {first.isoformat()}`."
        )

    taken: set[date] = set()
    chosen: list[date] = []
    for i in range(count):
        ideal = first + timedelta(days=int((i + 0.5) * span / count))
        chosen.append(_nearest_free(pool, ideal, taken))
        taken.add(chosen[-1])
    return sorted(chosen)


def _nearest_free(pool: list[date], ideal: date, taken: set[date]) -> date:
    """Closest untaken day in sorted `pool`; on a tie the later day (move forward)."""
    right = bisect.bisect_left(pool, ideal)
    while right < len(pool) and pool[right] in taken:
        right += 1
    left = bisect.bisect_left(pool, ideal) - 1
    while left >= 0 and pool[left] in taken:
        left -= 1
    after = pool[right] if right < len(pool) else None
    before = pool[left] if left >= 0 else None
    if after is not None and (before is None or after - ideal <= ideal - before):
        return after
    if before is not None:
        return before
    raise ValueError("no free day left")  # unreachable: callers check the pool size
