"""Re-import matching as it was before it was made near-linear (models/import_match.py at
6e0f41d): every row compared with every free measure, an area's highest ref looked up once
per new row. For bench/national.py's before/after and tests/models/test_import_match_scale.py,
which checks on randomized edits that today's matcher gives the same outcome.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import models.import_match as im
from models.import_match import _KEYS, EXACT, LOOSE, match_by_place, own_ref, ref_number
from models.tables import Measure, PriorityArea
from reports.parsed import ParsedArea, ParsedRow


def _match_by_text(
    rows: list[ParsedRow], found: list[Measure | None], free: list[Measure], keys: list[Any]
) -> None:
    for key in keys:
        exact = key in EXACT
        counts = Counter(key(r.measure, r.cause) for i, r in enumerate(rows) if found[i] is None)
        for i, row in enumerate(rows):
            if found[i] is not None:
                continue
            k = key(row.measure, row.cause)
            if not k.strip("|"):
                continue
            candidates = [m for m in free if key(m.description, m.cause) == k]
            if (exact and candidates) or (len(candidates) == 1 and counts[k] == 1):
                found[i] = candidates[0]
                free.remove(candidates[0])


def _match_moved(rows: list[ParsedRow], found: list[Measure | None], free: list[Measure]) -> None:
    for i, row in enumerate(rows):
        if found[i] is not None or not im.identity(row.measure):
            continue
        k = _KEYS[0](row.measure, row.cause)
        candidates = [m for m in free if _KEYS[0](m.description, m.cause) == k]
        if len(candidates) == 1:
            found[i] = candidates[0]
            free.remove(candidates[0])


def match_before(
    parsed: list[ParsedArea], areas: list[PriorityArea], measures: list[Measure]
) -> list[list[Measure | None]]:
    by_area: dict[int, list[Measure]] = {}
    for m in sorted(measures, key=lambda m: (m.position, m.id or 0)):
        by_area.setdefault(m.area_id, []).append(m)
    free = {area.id: list(by_area.get(area.id or 0, [])) for area in areas}
    found: list[list[Measure | None]] = [[None] * len(p.rows) for p in parsed]
    for p, area, rows in zip(parsed, areas, found, strict=True):
        _match_by_text(p.rows, rows, free[area.id], EXACT)
    claimed = {m.id for rows in found for m in rows if m is not None}
    leftover = [m for m in measures if m.id not in claimed]
    for p, rows in zip(parsed, found, strict=True):
        _match_moved(p.rows, rows, leftover)
    claimed = {m.id for rows in found for m in rows if m is not None}
    for p, area, rows in zip(parsed, areas, found, strict=True):
        free[area.id] = [m for m in free[area.id] if m.id not in claimed]
        _match_by_text(p.rows, rows, free[area.id], LOOSE)
    claimed = {m.id for rows in found for m in rows if m is not None}
    for area, rows in zip(areas, found, strict=True):
        here = {m.id for m in rows if m is not None}
        stored = [m for m in by_area.get(area.id or 0, []) if m.id in here or m.id not in claimed]
        match_by_place(rows, stored)
    return found


def new_refs_before(
    rows: list[ParsedRow],
    found: list[Measure | None],
    *,
    area_number: int,
    first_import: bool,
    taken: set[str],
    warnings: list[str],
) -> list[str]:
    refs: list[str | None] = [m.ref if m is not None else None for m in found]
    for i, row in enumerate(rows):
        wanted = own_ref(row.ref, area_number) if refs[i] is None else None
        if wanted is not None and wanted not in taken:
            refs[i] = wanted
            taken.add(wanted)
    prefix = f"{area_number}."
    for i, row in enumerate(rows):
        if refs[i] is not None:
            continue
        ref = f"{prefix}{i + 1}" if first_import else None
        if ref is None or ref in taken:
            highest = max((ref_number(r) for r in taken if r.startswith(prefix)), default=0)
            ref = f"{prefix}{highest + 1}"
        refs[i] = ref
        taken.add(ref)
        if own_ref(row.ref, area_number) is not None:
            warnings.append(
                f"Flik ”{row.sheet}”, rad {row.row}: numret {row.ref} har redan en annan åtgärd, "
                f"så den nya åtgärden fick referensen {ref}."
            )
    return [r for r in refs if r is not None]
