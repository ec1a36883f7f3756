"""Follow-up columns of several years on one plan sheet: only the plan's year is read.

A plan kept from year to year grows a follow-up column per year ("Uppföljning 2025 |
Uppföljning 2026", "Status T1 2025 … Status T3 2025 | Status T1 2026"). Read as one
plan's columns, last year's text would become this year's follow-up (the rightmost filled
column wins) and last year's T2 and T3 this year's. The columns named by another year are
left out, with a warning naming them; columns with no year stay.
"""

from __future__ import annotations

from dataclasses import replace

from openpyxl.utils.cell import get_column_letter

from models.personal_data import mask
from reports.xlsx_layout import Header


def _named(header: Header, cols: list[int]) -> str:
    names = [f"”{header.year_names[c]}” ({get_column_letter(c)})" for c in cols]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]
    return f"kolumnen {listed}" if len(names) == 1 else f"kolumnerna {listed}"


def _year_end_columns(header: Header, year: int | None) -> Header:
    """The header with its columns dated early in a year ("Uppföljning per 2026-01-31",
    "Uppföljning januari 2026") read as the year before's year-end (T3) where that is the
    plan's year: the report on 2025 is written in January 2026. Without the plan's year,
    so unless another column names the date's own year (then it is that year's T1)."""
    if not header.year_end_of:
        return header
    if year is None:
        others = {y for c, y in header.years.items() if c not in header.year_end_of}
        moved = [c for c in header.year_end_of if header.years[c] not in others]
    else:
        moved = [c for c, y in header.year_end_of.items() if y == year]
    # The reading not taken, for an importer told another year than the reader took.
    other = {
        c: (header.years[c], header.tertials.get(c, 1)) if c in moved else (y, 3)
        for c, y in header.year_end_of.items()
    }
    return replace(
        header,
        years={**header.years, **{c: header.year_end_of[c] for c in moved}},
        tertials={**header.tertials, **dict.fromkeys(moved, 3)},
        year_end_of={},
        other_reading=other,
    )


def keep_plan_year(header: Header, year: int | None, sheet: str) -> tuple[Header, list[str]]:
    """The header without the follow-up and status columns of another year than `year`,
    and the Swedish warning that says so. `year` None (the file does not say): the latest
    year the columns name, when they name more than one. A column dated early in the year
    after the plan's is the plan's year-end report, not next year's."""
    header = _year_end_columns(header, year)
    years = {c: y for c, y in header.years.items() if any(c in v for v in header.multi.values())}
    inferred = year is None
    if year is None:
        named = set(years.values())
        if len(named) < 2:
            return header, []
        year = max(named)
    other = sorted(c for c, y in years.items() if y != year)
    if not other:
        return header, []
    dropped = set(other)
    kept = without_columns(header, dropped)
    what = _named(header, other)
    other_years = sorted({years[c] for c in other})
    if inferred:
        warning = (
            f"Flik ”{sheet}”: filen anger inte planens år, så uppföljningen lästes från "
            f"kolumnerna för det senaste året, {year}. {what[0].upper()}{what[1:]} lästes inte "
            "in. Ange planens år med --year om planen gäller ett annat år."
        )
    else:
        which = (
            f"{other_years[0]}, inte planens år ({year}),"
            if len(other_years) == 1
            else f"andra år än planens ({year})"
        )
        warning = (
            f"Flik ”{sheet}”: {what} gäller {which} och lästes inte in som uppföljning för "
            f"{year}. Bara kolumner för {year} och kolumner utan år läses in."
        )
    return kept, [mask(warning)]


def without_columns(header: Header, dropped: set[int]) -> Header:
    """The header with `dropped` columns read as nothing (ignored, like a column left out)."""
    return replace(
        header,
        multi={key: [c for c in cols if c not in dropped] for key, cols in header.multi.items()},
        tertials={c: t for c, t in header.tertials.items() if c not in dropped},
        checks={c: w for c, w in header.checks.items() if c not in dropped},
        ignored=header.ignored | dropped,
    )


def drop_hidden_repeats(
    header: Header, hidden: frozenset[int] | set[int], sheet: str
) -> tuple[Header, list[str]]:
    """The header without hidden follow-up and status columns of a period a visible column
    of the same kind also has: last year's "T1 | T2 | T3" hidden beside this year's, with
    no year to tell them apart. Read, last year's year-end would fill this year's empty T3.
    Hidden columns of a period no visible column has are read, as before."""
    dropped: set[int] = set()
    for cols in header.multi.values():
        shown = {header.tertials.get(c) for c in cols if c not in hidden}
        dropped |= {c for c in cols if c in hidden and header.tertials.get(c) in shown}
    if not dropped:
        return header, []
    kept = without_columns(header, dropped)
    cols = sorted(dropped)
    names = [f"”{header_name(header, c)}” ({get_column_letter(c)})" for c in cols]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]
    what = f"den dolda kolumnen {listed}" if len(names) == 1 else f"de dolda kolumnerna {listed}"
    warning = (
        f"Flik ”{sheet}”: {what} lästes inte in, eftersom synliga kolumner gäller samma "
        "period; dolda kolumner brukar vara ett tidigare års. Visa kolumnerna i Excel och "
        "läs in filen igen om de hör till planens uppföljning."
    )
    return kept, [mask(warning)]


def header_name(header: Header, col: int) -> str:
    """A column's header as the plan writes it, for a warning."""
    return header.year_names.get(col) or header.names.get(col) or get_column_letter(col)
