"""Follow-ups kept on a sheet of their own, read into the plan's measures.

Some plans keep the measures on one sheet and their follow-up on another ("Uppföljning",
"Uppföljning T1", a status report repeating the measures): a row per measure with its
number or name and the follow-up and status columns. Read as a plan sheet of its own,
every measure would be in the plan twice; left out, the follow-up would be lost. So each
of its rows is read into the plan's measure with the same number (or, without numbers,
the same name), where the plan itself has no follow-up for it; rows that match no
measure are named in a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.textsafety import counted
from reports.parsed import ParsedRow
from reports.xlsx_text import fold
from reports.xlsx_vocabulary import label_tertial, label_year


@dataclass
class Joined:
    """What one follow-up sheet gave: measures that got its follow-up, ones whose own
    follow-up in the plan was kept, and its rows that match no measure."""

    added: int = 0
    kept_own: int = 0
    unmatched: list[ParsedRow] = field(default_factory=list)


def _has_follow_up(row: ParsedRow) -> bool:
    return bool(row.follow_ups or row.follow_up)


def _unique(rows: list[ParsedRow], key: str) -> dict[str, ParsedRow]:
    """Rows by a folded key (number or measure text) that only one row has."""
    seen: dict[str, list[ParsedRow]] = {}
    for row in rows:
        value = getattr(row, key)
        if value and (folded := fold(value)):
            seen.setdefault(folded, []).append(row)
    return {k: v[0] for k, v in seen.items() if len(v) == 1}


def _target(
    row: ParsedRow,
    plan_rows: list[ParsedRow],
    by_ref: dict[str, ParsedRow],
    by_text: dict[str, ParsedRow],
) -> ParsedRow | None:
    """The plan's measure a follow-up sheet's row is about: same number, same name, or
    the only measure whose name holds the row's shortened one ("Belysning Linnéparken")
    or is held by it."""
    if row.ref and (found := by_ref.get(fold(row.ref))):
        return found
    if not row.measure:
        return None
    text = fold(row.measure)
    if found := by_text.get(text):
        return found
    words = set(text.split())
    close = [
        r
        for r in plan_rows
        if r.measure
        and (
            text in fold(r.measure)
            or fold(r.measure) in text
            or words <= set(fold(r.measure).split())
        )
    ]
    return close[0] if len(close) == 1 else None


def join_follow_up_sheet(
    sheet_title: str, rows: list[ParsedRow], plan_rows: list[ParsedRow]
) -> Joined:
    """Read the follow-ups of a follow-up sheet's `rows` into `plan_rows` (in place). A
    sheet named by a tertial or year ("Uppföljning T1 2025") gives its columns of no
    tertial that period."""
    tertial, year = label_tertial(sheet_title), label_year(sheet_title)
    by_ref, by_text = _unique(plan_rows, "ref"), _unique(plan_rows, "measure")
    joined = Joined()
    filled: set[int] = set()  # plan rows this sheet gave a follow-up: the first row wins
    for row in rows:
        if not _has_follow_up(row):
            continue
        target = _target(row, plan_rows, by_ref, by_text)
        if target is None:
            joined.unmatched.append(row)
            continue
        if id(target) in filled:
            continue
        if _has_follow_up(target):
            joined.kept_own += 1
            continue
        filled.add(id(target))
        target.follow_ups = [
            replace(
                f,
                tertial=f.tertial if f.tertial is not None else tertial,
                year=f.year if f.year is not None else year,
            )
            for f in row.follow_ups
        ]
        target.follow_up, target.verdict = row.follow_up, row.verdict
        joined.added += 1
    return joined


def _measure_name(row: ParsedRow) -> str:
    name = " ".join((row.measure or "").split())
    name = name if len(name) <= 60 else name[:57].rstrip() + "…"
    return f"{row.ref} ”{name}”" if row.ref else f"”{name}”"


def joined_warning(sheet: str, joined: Joined, *, repeats: str | None) -> str | None:
    """The Swedish warning for a follow-up sheet read into the plan, or None when nothing
    of it was read (the caller then says why the sheet was left out). `repeats`: the plan
    sheet it repeats the measures of, when it was recognised as a copy."""
    if not joined.added:
        return None
    measures = counted(joined.added, "åtgärd", "åtgärder")
    if repeats:
        text = (
            f"Fliken ”{sheet}” upprepar åtgärder från fliken ”{repeats}” och lästes inte in "
            f"som egna åtgärder, så att ingen åtgärd blir dubbel. Uppföljningen på den lästes "
            f"in till {measures} som saknade uppföljning i planen."
        )
    else:
        text = (
            f"Fliken ”{sheet}” lästes inte in som egna åtgärder: uppföljningen på den lästes "
            f"in till {measures} i planen med samma nummer eller namn."
        )
    if joined.kept_own:
        own = counted(joined.kept_own, "åtgärd", "åtgärder")
        text += f" För {own} gäller uppföljningen i planen, inte den på fliken."
    if joined.unmatched:
        rows = ", ".join(f"rad {r.row} ({_measure_name(r)})" for r in joined.unmatched[:5])
        more = len(joined.unmatched) - 5
        rest = f" och {counted(more, 'rad', 'rader')} till" if more > 0 else ""
        text += (
            f" Ingen åtgärd i planen har samma nummer eller namn som {rows}{rest}, så den "
            "uppföljningen lästes inte in. Rätta numret eller namnet och läs in filen igen."
        )
    return text
