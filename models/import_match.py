"""Which stored area and measure a re-imported file's area and row are, and new refs.

Identity on re-import: an area is its name first, so a renumbered file moves no measure to
another area, then the measures it holds (an area renamed), then its number where that
contradicts nothing (an empty area named); a measure is its texts, within its area and then
across areas (a row moved to another area), then its measure text or cause alone, then its
place between the measures found again. Where a row could be either of two measures, it is
a new one: a measure reported missing keeps its follow-ups, one taken for another hands them
over. A ref never changes once given: follow-ups, history and chat messages name it. New
measures take the plan's own number as their ref where it is free ("1.3" in a "Nr" column).
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable, Sequence

from sqlmodel import Session, select

from models.tables import Measure, Plan, PriorityArea
from reports.parsed import ParsedArea, ParsedRow, own_number


def identity(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def ref_number(ref: str) -> int:
    try:
        return int(ref.rsplit(".", 1)[1])
    except (IndexError, ValueError):
        return 0


def own_ref(label: str | None, area_number: int) -> str | None:
    """The plan's own number as a ref in this area, or None ("A3", "2.1" in area 1)."""
    found = own_number(label)
    if found is None:
        return None
    area, number = found
    if (area is not None and area != area_number) or number == 0:
        return None
    return f"{area_number}.{number}"


# --------------------------------------------------------------------------- areas


def _renumber(session: Session, moves: list[tuple[PriorityArea, int]]) -> None:
    """Give areas new numbers without tripping the unique (plan, number) constraint."""
    if not moves:
        return
    for area, _ in moves:
        area.number = -(area.id or 0)  # unique and never a real number
        session.add(area)
    session.flush()
    for area, number in moves:
        area.number = number
        session.add(area)
    session.flush()


def resolve_areas(
    *,
    session: Session,
    plan: Plan,
    parsed: list[ParsedArea],
    measures_by_area: dict[int, list[Measure]],
    warnings: list[str],
) -> list[PriorityArea]:
    """The stored area for each parsed one (created where new), numbered as in the file.

    An area is found by its name; else, renamed, by the measures it holds (the area whose
    measures most of its rows name); else by its number, if the area was empty before or
    is now. An area under the old number whose measures are none of the file's rows is
    another area: it gets a number of its own and keeps its measures and follow-ups."""
    stored = list(session.exec(select(PriorityArea).where(PriorityArea.plan_id == plan.id)))
    chosen: list[PriorityArea | None] = [None] * len(parsed)
    claimed: set[int | None] = set()
    by_name: dict[str, PriorityArea] = {}
    for area in sorted(stored, key=lambda a: a.number):
        by_name.setdefault(identity(area.name), area)
    by_number = {a.number: a for a in stored}
    texts = {
        area.id: {
            t for m in measures_by_area.get(area.id or 0, []) if (t := identity(m.description))
        }
        for area in stored
    }

    def by_measures(p: ParsedArea) -> PriorityArea | None:
        scores = [
            (shared, area.number == p.number, -area.number, area)
            for area in stored
            if area.id not in claimed
            and (shared := sum(1 for r in p.rows if identity(r.measure) in texts[area.id]))
        ]
        return max(scores, key=lambda s: s[:3])[3] if scores else None

    def by_place(p: ParsedArea) -> PriorityArea | None:
        area = by_number.get(p.number)
        return area if area is not None and not (p.rows and texts[area.id]) else None

    for pick in (lambda p: by_name.get(identity(p.name)), by_measures, by_place):
        for i, parsed_area in enumerate(parsed):
            area = pick(parsed_area) if chosen[i] is None else None
            if area is not None and area.id not in claimed:
                chosen[i] = area
                claimed.add(area.id)

    wanted = {p.number for p in parsed}
    moves: list[tuple[PriorityArea, int]] = []
    spare = max([a.number for a in stored] + list(wanted), default=0)
    for area in sorted(stored, key=lambda a: a.number):
        if area.id not in claimed and area.number in wanted:
            # An area the file no longer has, whose number the file gives another area.
            spare += 1
            warnings.append(
                f"Området ”{area.name}” finns inte längre i filen och har nu nummer {spare}, "
                f"eftersom filen använder nummer {area.number} för ett annat område. Det ligger "
                "kvar med sina åtgärder; be en samordnare ta bort det om det ska bort."
            )
            moves.append((area, spare))
    for parsed_area, area in zip(parsed, chosen, strict=True):
        if area is None or area.number == parsed_area.number:
            continue
        refs = [m.ref for m in measures_by_area.get(area.id or 0, [])]
        if refs:
            warnings.append(
                f"Området ”{parsed_area.name}” har nummer {parsed_area.number} i filen (förut "
                f"{area.number}). Dess åtgärder behåller sina referenser, till exempel "
                f"{min(refs, key=ref_number)}, så att uppföljningar och meddelanden om dem "
                "fortfarande stämmer."
            )
        moves.append((area, parsed_area.number))
    _renumber(session, moves)

    result: list[PriorityArea] = []
    for parsed_area, area in zip(parsed, chosen, strict=True):
        if area is None:
            area = PriorityArea(plan_id=plan.id, number=parsed_area.number, name=parsed_area.name)  # type: ignore[arg-type]
            session.add(area)
            session.flush()
        elif area.name != parsed_area.name:
            area.name = parsed_area.name
            session.add(area)
        result.append(area)
    return result


# --------------------------------------------------------------------------- measures

_Key = Callable[[str | None, str | None], str]
_KEYS: list[_Key] = [
    lambda measure, cause: identity(measure) + "|" + identity(cause),
    lambda measure, cause: identity(measure),
    lambda measure, cause: identity(cause),
]
# The same measure and cause text: the row is the measure, duplicates paired in order.
EXACT = _KEYS[:1]
# The same measure text, or the same cause: only where one row and one measure share it.
LOOSE = _KEYS[1:]


def _by_key(measures: list[Measure], key: _Key) -> dict[str, deque[Measure]]:
    """`measures` bucketed by `key`, each bucket in the order of `measures`: a row looks up
    its own texts instead of comparing them with every measure (a large city's plan has a
    thousand measures, and comparing each row with each measure took seconds)."""
    buckets: dict[str, deque[Measure]] = defaultdict(deque)
    for m in measures:
        buckets[key(m.description, m.cause)].append(m)
    return buckets


def _remove_taken(free: list[Measure], taken: set[int]) -> None:
    """Drop the measures (by object id) in `taken` from `free` in place, keeping its order."""
    if taken:
        free[:] = [m for m in free if id(m) not in taken]


def match_by_text(
    rows: list[ParsedRow], found: list[Measure | None], free: list[Measure], keys: list[_Key]
) -> None:
    """Rows still unmatched, paired with measures of the same texts by each of `keys` in
    turn. A loose key pairs only where one unmatched row and one measure share it: a cause
    is often written for several measures (a cell merged down, a cause category), and a new
    row with that cause is no more the measure than an edited row beside it. Matched
    measures are removed from `free`."""
    for key in keys:
        exact = key in EXACT
        counts = Counter(key(r.measure, r.cause) for i, r in enumerate(rows) if found[i] is None)
        # A bucket holds the free measures of its key in `free`'s order, the first one
        # first, as a pass over `free` would find them; a taken measure leaves its bucket.
        buckets = _by_key(free, key)
        taken: set[int] = set()
        for i, row in enumerate(rows):
            if found[i] is not None:
                continue
            k = key(row.measure, row.cause)
            if not k.strip("|"):
                continue  # a row without text is matched by place only
            candidates = buckets.get(k)
            if not candidates:
                continue
            if exact or (len(candidates) == 1 and counts[k] == 1):
                found[i] = measure = candidates.popleft()
                taken.add(id(measure))
        _remove_taken(free, taken)


def match_moved(
    areas: Sequence[tuple[list[ParsedRow], list[Measure | None]]], free: list[Measure]
) -> None:
    """Rows still unmatched, area by area, paired with a measure of another area with
    exactly their texts: where one measure left in `free` (all areas') has them. Matched
    measures are removed from `free`."""
    buckets = _by_key(free, _KEYS[0])
    taken: set[int] = set()
    for rows, found in areas:
        for i, row in enumerate(rows):
            if found[i] is not None or not identity(row.measure):
                continue
            candidates = buckets.get(_KEYS[0](row.measure, row.cause))
            if candidates is not None and len(candidates) == 1:
                found[i] = measure = candidates.popleft()
                taken.add(id(measure))
    _remove_taken(free, taken)


_Gap = tuple[int | None, int | None]  # the ids of the measures found again on either side


def _gaps(items: list[tuple[int | None, bool]]) -> dict[_Gap, list[int]]:
    """Indexes of the candidates in `items` ((anchor id, is candidate) in order) by the
    anchors around them; items that are neither are passed over."""
    gaps: dict[_Gap, list[int]] = {}
    pending: list[int] = []
    previous: int | None = None
    for index, (anchor, candidate) in enumerate(items):
        if anchor is not None:
            if pending:
                gaps[(previous, anchor)] = pending
            pending, previous = [], anchor
        elif candidate:
            pending.append(index)
    if pending:
        gaps[(previous, None)] = pending
    return gaps


def match_by_place(found: list[Measure | None], stored: list[Measure]) -> None:
    """Rows still unmatched, paired with the area's unmatched measures that stood in their
    place: between the same two measures found again (or an end of the sheet), one for one
    in order where as many rows as measures stand there. Where the numbers differ a row was
    inserted or deleted there too, and the rows are new measures: the old ones are reported
    as no longer in the file, and keep their follow-ups. `stored`: the area's measures in
    their order of the last import."""
    claimed = {m.id for m in found if m is not None}
    anchors = {m.id for m in stored} & claimed
    by_rows = _gaps(
        [(m.id if m is not None and m.id in anchors else None, m is None) for m in found]
    )
    by_stored = _gaps([(m.id if m.id in anchors else None, m.id not in claimed) for m in stored])
    for gap, rows in by_rows.items():
        measures = by_stored.get(gap, [])
        if len(measures) == len(rows):
            for i, j in zip(rows, measures, strict=True):
                found[i] = stored[j]


def new_refs(
    rows: list[ParsedRow],
    found: list[Measure | None],
    *,
    area_number: int,
    first_import: bool,
    taken: set[str],
    warnings: list[str],
) -> list[str]:
    """Refs for the area's rows: a matched measure keeps its own; a new one takes the plan's
    number if free, else its place on the area's first import, else the next number."""
    refs: list[str | None] = [m.ref if m is not None else None for m in found]
    for i, row in enumerate(rows):
        wanted = own_ref(row.ref, area_number) if refs[i] is None else None
        if wanted is not None and wanted not in taken:
            refs[i] = wanted
            taken.add(wanted)
    prefix = f"{area_number}."
    # The area's highest number so far, looked up in `taken` once and then kept up to date
    # (every ref given below is the area's): a scan of `taken` for each new row made a
    # re-import that adds many rows quadratic.
    highest: int | None = None
    for i, row in enumerate(rows):
        if refs[i] is not None:
            continue
        ref = f"{prefix}{i + 1}" if first_import else None
        if ref is None or ref in taken:
            if highest is None:
                highest = max((ref_number(r) for r in taken if r.startswith(prefix)), default=0)
            ref = f"{prefix}{highest + 1}"
        refs[i] = ref
        taken.add(ref)
        if highest is not None:
            highest = max(highest, ref_number(ref))
        if own_ref(row.ref, area_number) is not None:
            warnings.append(
                f"Flik ”{row.sheet}”, rad {row.row}: numret {row.ref} har redan en annan åtgärd, "
                f"så den nya åtgärden fick referensen {ref}."
            )
    return [r for r in refs if r is not None]
