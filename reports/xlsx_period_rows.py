"""A measure on one row per reporting period, read as one measure.

Exports from follow-up systems write a row per measure and period: the measure's number,
area, text and who repeated for each tertial, with a "Period" column ("2025-T1",
"T2 2025", "Tertial 3") and that period's follow-up and status. Read row by row, each
measure would be in the plan once per tertial. The rows of one measure (same number and
text) whose När cell is a period are joined into one measure with a follow-up per tertial.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.textsafety import counted
from reports.parsed import ParsedFollowUp, ParsedRow
from reports.xlsx_text import fold

# A tertial as a period cell writes it, folded: "2025 t1", "t2 2025", "tertial 3", "t1".
_PERIOD_CELL = re.compile(
    r"^(?:(?P<y1>(?:19|20)\d\d)\s)?(?:t|tertial)\s?(?P<t>[1-3])(?:\s(?P<y2>(?:19|20)\d\d))?$"
)
_FIELDS = ("problem", "cause", "goal", "responsible")


def _period(row: ParsedRow) -> tuple[int, int | None] | None:
    """(tertial, year) when the row's period cell ("Tertial", "Rapporteringsperiod"), or
    else its När cell ("Period"), is a reporting period; else None."""
    m = _PERIOD_CELL.match(fold(row.period or row.when or ""))
    if m is None:
        return None
    year = m.group("y1") or m.group("y2")
    return int(m.group("t")), int(year) if year else None


def _key(row: ParsedRow) -> tuple[str, str] | None:
    """A measure's number and text; a follow-up sheet may give only its number."""
    if not row.measure and not row.ref:
        return None
    return fold(row.ref or ""), fold(row.measure or "")


def _joined(rows: list[ParsedRow]) -> ParsedRow:
    """One measure of its rows per period, oldest first: a follow-up per tertial."""
    dated = sorted(((p, r) for r in rows if (p := _period(r)) is not None), key=lambda pr: pr[0])
    follow_ups = [
        ParsedFollowUp(tertial, r.follow_up, r.verdict, year)
        for (tertial, year), r in dated
        if r.follow_up
    ]
    first = rows[0]
    others = {f: next((v for r in rows if (v := getattr(r, f))), None) for f in _FIELDS}
    latest = follow_ups[-1] if follow_ups else None
    return replace(
        first,
        **others,
        # The period the row reported on is not when the measure is done.
        when=first.when if first.period else None,
        follow_ups=follow_ups,
        follow_up=latest.text if latest else None,
        verdict=latest.verdict if latest else first.verdict,
        missing=first.missing if first.period else [m for m in first.missing if m != "När"],
    )


def join_period_rows(rows: list[ParsedRow]) -> tuple[list[ParsedRow], int]:
    """`rows` with the rows of a measure reported per period joined into one, and how many
    measures were. Rows of one measure that name no period stay apart. Where every row
    names a period, a measure reported in one period only is read alike."""
    groups: dict[tuple[str, str], list[ParsedRow]] = {}
    for row in rows:
        if (key := _key(row)) is not None:
            groups.setdefault(key, []).append(row)
    repeated = {
        key: group
        for key, group in groups.items()
        if len(group) > 1
        and all(_period(r) is not None for r in group)
        and len({_period(r) for r in group}) == len(group)
    }
    if not repeated:
        return rows, 0
    every_row_a_period = all(_period(r) is not None for r in rows if _key(r))
    out: list[ParsedRow] = []
    for row in rows:
        key = _key(row)
        if key in repeated:
            if row is repeated[key][0]:
                out.append(_joined(repeated[key]))
        elif every_row_a_period and key is not None:
            out.append(_joined([row]))
        else:
            out.append(row)
    return out, len(repeated)


def period_rows_warning(sheet: str, joined: int) -> str:
    return (
        f"Flik ”{sheet}”: {counted(joined, 'åtgärd', 'åtgärder')} stod på en rad per period. "
        "Raderna lästes som en åtgärd var, med uppföljningen för varje period; perioden "
        "lästes inte som åtgärdens När."
    )
