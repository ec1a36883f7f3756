"""What the Excel reader hands the importer: plain dataclasses, texts already cleaned."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The plan's own number for a measure (ParsedRow.ref) as people write it: "1.3", "1:3", "1,3"
# (a number cell in Swedish), "1.3." or just "3" within its area.
# A word before it ("Åtgärd 3", "Insats 1.2", "Nr 4") says what it numbers.
_OWN_NUMBER = re.compile(
    r"^\s*(?:(?:åtgärd|åtg|insats|aktivitet|nr|nummer)\.?\s*)?"
    r"(?:(\d{1,2})\s*[.:,]\s*)?(\d{1,3})\s*[.)]?\s*$",
    re.IGNORECASE,
)


def own_number(label: str | None) -> tuple[int | None, int] | None:
    """(area, number) of a plan's own measure number ("2.1" -> (2, 1), "3" -> (None, 3)), or
    None for anything else ("A3"). The reader divides a sheet by the area part and the
    importer gives new measures these refs: both read them here, so they agree."""
    m = _OWN_NUMBER.match(label or "")
    if m is None:
        return None
    return (int(m.group(1)) if m.group(1) else None), int(m.group(2))


@dataclass
class ParsedFollowUp:
    """One follow-up cell of a row: per tertial where the plan has a column per tertial."""

    tertial: int | None  # 1-3 from the column's label ("T2", "Augusti"), None for one column
    text: str
    verdict: str  # from the status column of the same tertial, else from the text
    # The year the column's label names ("Uppföljning 2026"), None when it names none.
    year: int | None = None
    # A column dated early in a year ("per 2026-01-31") is 2026's T1 or 2025's year-end,
    # as the plan is 2026's or 2025's: (year, tertial) of the reading the reader did not
    # take, for the importer, which knows the plan's year.
    other_reading: tuple[int, int] | None = None


@dataclass
class ParsedRow:
    """One measure row as it stands in the sheet (texts already cleaned)."""

    sheet: str
    row: int  # 1-based Excel row number
    problem: str | None
    cause: str | None
    measure: str | None
    goal: str | None
    when: str | None
    responsible: str | None
    follow_up: str | None  # the latest filled follow-up (or status) column
    verdict: str  # one of VERDICTS, from the status column or else the follow-up text
    missing: list[str] = field(default_factory=list)  # Swedish names of empty required columns
    ref: str | None = None  # the plan's own number for the measure ("1.1", "A3"), as written
    follow_ups: list[ParsedFollowUp] = field(default_factory=list)  # oldest tertial first
    # The period the row reports on, in an export with a row per measure and period.
    period: str | None = None


@dataclass
class ParsedArea:
    """One priority area (a sheet, or a block of one). `rows` may be empty."""

    number: int
    name: str
    sheet: str
    rows: list[ParsedRow]


@dataclass
class ParsedPlan:
    """A whole workbook; `title`, `year` and `district` are best effort."""

    title: str | None
    year: int | None
    district: str | None
    areas: list[ParsedArea]
    warnings: list[str]
