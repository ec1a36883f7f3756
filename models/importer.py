"""Apply a parsed action plan to the database: idempotent, keeps follow-ups logged since.

How a re-imported file's areas and rows find their stored counterparts, and how new
measures get refs, is in `models.import_match`. Everything happens in the caller's one
transaction: a failure anywhere stores nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from bot.textsafety import counted
from models import audit
from models.import_match import (
    EXACT,
    LOOSE,
    match_by_place,
    match_by_text,
    match_moved,
    new_refs,
    resolve_areas,
)
from models.personal_data import contains_personal_number, mask
from models.progress import end_of_day_utc
from models.replies import Actor
from models.tables import FollowUp, Measure, Plan, PriorityArea
from models.tracking import kind_for_rhythm
from models.types import utcnow
from reminders.calendar import period_end, period_label, reporting_tertial
from reminders.rhythm import parse_when
from reports.export_texts import normalise_cell_text, same_follow_up_texts
from reports.parsed import ParsedArea, ParsedPlan, ParsedRow, own_number

_FIELDS = ("problem", "cause", "description", "goal", "when_text", "responsible_text")


@dataclass
class ImportResult:
    plan: Plan
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    follow_ups: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        return (
            f"{self.plan.title}: {counted(self.total, 'åtgärd', 'åtgärder')}"
            f" ({counted(self.created, 'ny', 'nya')}, {counted(self.updated, 'ändrad', 'ändrade')},"
            f" {counted(self.unchanged, 'oförändrad', 'oförändrade')}),"
            f" {counted(self.follow_ups, 'uppföljning inläst', 'uppföljningar inlästa')}."
        )


def _values(row: ParsedRow) -> dict[str, str | None]:
    return {
        "problem": row.problem,
        "cause": row.cause,
        "description": row.measure,
        "goal": row.goal,
        "when_text": row.when,
        "responsible_text": row.responsible,
    }


PERSONAL_NUMBER_WARNING = (
    "Flik ”{sheet}”, rad {row}: en cell innehöll ett personnummer. Numret lästes inte in"
    " (boten sparar aldrig personnummer); ta bort det ur filen."
)
_TEXT_FIELDS = ("problem", "cause", "measure", "goal", "when", "responsible", "follow_up")


def _strip_personal_numbers(row: ParsedRow) -> bool:
    """Mask identity numbers in the row's cells before anything is stored; True if any."""
    found = False
    for name in _TEXT_FIELDS:
        value = getattr(row, name)
        if value and contains_personal_number(value):
            setattr(row, name, mask(value))
            found = True
    for follow_up in row.follow_ups:
        if contains_personal_number(follow_up.text):
            follow_up.text = mask(follow_up.text)
            found = True
    return found


def import_period(year: int, today: date) -> str:
    """The period follow-up text written or read in `today` belongs to: the tertial being
    reported (reminders.calendar.reporting_tertial), so a text written for tertialrapport 1
    in the first days of May is T1's, and in January the year-end's."""
    return period_label(year, reporting_tertial(year, today))


def follow_up_time(period: str, today: date) -> datetime:
    """When imported follow-up text counts as written: now, or for a past period its last day,
    so an export "as of" that period (and its verdict counts) includes what the file said."""
    end = period_end(period)
    if today > end:
        return end_of_day_utc(end)
    return utcnow()


def _file_follow_ups(row: ParsedRow, year: int, today: date) -> list[tuple[str | None, str, str]]:
    """(period, verdict, text) of the row's follow-ups: one per tertial where the plan has a
    column per tertial (period from the column), and a text of no tertial (period None:
    the period it is read in)."""
    if row.follow_ups:
        return [
            (period_label(year, f.tertial) if f.tertial else None, f.verdict, f.text)
            for f in row.follow_ups
        ]
    if row.follow_up:
        return [(None, row.verdict, row.follow_up)]
    return []


def _read_year_ends(row: ParsedRow, year: int) -> None:
    """A follow-up from a column dated early in a year is read for the plan's year: in the
    plan for 2025 "Uppföljning per 2026-01-31" is its year-end (T3), written in January;
    in the plan for 2026 its T1. The reader reads it so itself when the file gives the
    plan's year; otherwise it keeps the other reading for this."""
    moved = False
    for f in row.follow_ups:
        if f.year != year and f.other_reading is not None and f.other_reading[0] == year:
            f.year, f.tertial = f.other_reading
            f.other_reading = None
            moved = True
    if moved:
        # Oldest tertial first, a text of no tertial (the latest word) last.
        row.follow_ups.sort(key=lambda f: (f.tertial is None, f.tertial or 0))


def _drop_other_years(parsed: ParsedPlan, year: int, warnings: list[str]) -> None:
    """Leave out follow-ups read from columns named by another year than the plan's
    ("Uppföljning 2025" in a plan imported for 2026): last year's text is not this year's
    follow-up. The reader leaves such columns out when it knows the year; this covers a
    plan imported for a year the file itself does not give."""
    dropped: dict[tuple[str, int], int] = defaultdict(int)  # (sheet, year) -> rows
    for area in parsed.areas:
        for row in area.rows:
            _read_year_ends(row, year)
            other = [f.year for f in row.follow_ups if f.year is not None and f.year != year]
            if not other:
                continue
            row.follow_ups = [f for f in row.follow_ups if f.year in (None, year)]
            if not row.follow_ups:
                row.follow_up = None  # its only text was another year's: none is kept
            for other_year in other:
                dropped[(row.sheet, other_year)] += 1
    for (sheet, other_year), count in sorted(dropped.items()):
        warnings.append(
            f"Flik ”{sheet}”: {counted(count, 'uppföljning', 'uppföljningar')} från kolumner "
            f"för {other_year} lästes inte in, eftersom planen läses in för {year}."
        )


def _get_or_create_plan(session: Session, district: str, year: int, actor: Actor | None) -> Plan:
    plan = session.exec(select(Plan).where(Plan.district == district, Plan.year == year)).first()
    if plan is not None:
        return plan
    plan = Plan(district=district, year=year, title=f"Åtgärdsplan {year}, {district}")
    session.add(plan)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="import",
        entity="plan",
        entity_id=plan.id,
        after={"district": district, "year": year},
    )
    return plan


def _match(
    parsed: list[ParsedArea], areas: list[PriorityArea], measures: list[Measure]
) -> list[list[Measure | None]]:
    """Stored measure (or None) for every row: by its texts in its area, by its texts in
    another area (a row moved), by its measure text or cause alone in its area, then by
    place in its area. An exact match anywhere goes before a loose one in the row's area."""
    by_area: dict[int, list[Measure]] = defaultdict(list)
    for m in sorted(measures, key=lambda m: (m.position, m.id or 0)):
        by_area[m.area_id].append(m)
    free = {area.id: list(by_area.get(area.id or 0, [])) for area in areas}
    found: list[list[Measure | None]] = [[None] * len(p.rows) for p in parsed]
    for p, area, rows in zip(parsed, areas, found, strict=True):
        match_by_text(p.rows, rows, free[area.id], EXACT)
    claimed = {m.id for rows in found for m in rows if m is not None}
    leftover = [m for m in measures if m.id not in claimed]
    match_moved([(p.rows, rows) for p, rows in zip(parsed, found, strict=True)], leftover)
    claimed = {m.id for rows in found for m in rows if m is not None}
    for p, area, rows in zip(parsed, areas, found, strict=True):
        free[area.id] = [m for m in free[area.id] if m.id not in claimed]
        match_by_text(p.rows, rows, free[area.id], LOOSE)
    claimed = {m.id for rows in found for m in rows if m is not None}
    for area, rows in zip(areas, found, strict=True):
        # Measures that moved to another area's rows are no neighbours here.
        here = {m.id for m in rows if m is not None}
        stored = [m for m in by_area.get(area.id or 0, []) if m.id in here or m.id not in claimed]
        match_by_place(rows, stored)
    return found


def apply_plan(
    *,
    session: Session,
    parsed: ParsedPlan,
    district: str,
    year: int,
    actor: Actor | None,
    today: date,
) -> ImportResult:
    plan = _get_or_create_plan(session, district, year, actor)
    result = ImportResult(plan=plan, warnings=list(parsed.warnings))
    _drop_other_years(parsed, year, result.warnings)
    for parsed_area in parsed.areas:
        for row in parsed_area.rows:
            if _strip_personal_numbers(row):
                result.warnings.append(PERSONAL_NUMBER_WARNING.format(sheet=row.sheet, row=row.row))
    measures = list(session.exec(select(Measure).where(Measure.plan_id == plan.id)))
    measures_by_area: dict[int, list[Measure]] = defaultdict(list)
    for m in measures:
        measures_by_area[m.area_id].append(m)
    areas = resolve_areas(
        session=session,
        plan=plan,
        parsed=parsed.areas,
        measures_by_area=measures_by_area,
        warnings=result.warnings,
    )
    matches = _match(parsed.areas, areas, measures)
    # A follow-up is known as written and as an export writes it (verdict sentence first),
    # so re-importing an exported file adds no duplicates; per tertial also by its period.
    known_texts: set[tuple[int | None, str]] = set()
    known_in_period: set[tuple[int | None, str, str]] = set()
    for fu in session.exec(select(FollowUp).join(Measure).where(Measure.plan_id == plan.id)):
        for text in same_follow_up_texts(fu.verdict, fu.text):
            known_texts.add((fu.measure_id, text))
            known_in_period.add((fu.measure_id, fu.period, text))
    taken = {m.ref for m in measures}
    seen: set[str] = set()
    # The file's own numbers that cannot be refs ("A1", "1a"): sheet -> (number, ref).
    unusable: dict[str, list[tuple[str, str]]] = defaultdict(list)
    # A plan's first import is the plan as adopted: its measures belong to the whole year,
    # whenever it is read in. A later import that adds a row adds it from that day on.
    added_on = today if measures else None
    for parsed_area, area, found in zip(parsed.areas, areas, matches, strict=True):
        refs = new_refs(
            parsed_area.rows,
            found,
            area_number=area.number,
            first_import=not measures_by_area.get(area.id or 0),
            taken=taken,
            warnings=result.warnings,
        )
        for position, (row, measure, ref) in enumerate(
            zip(parsed_area.rows, found, refs, strict=True), start=1
        ):
            if measure is None and row.ref and own_number(row.ref) is None:
                unusable[row.sheet].append((row.ref.strip(), ref))
            file_follow_ups = _file_follow_ups(row, year, today)
            # A new row that carries text for a tertial already over was in the plan then:
            # a column's tertial, or the one a text of no tertial is filed under (T1 in the
            # first days of May, when tertialrapport 1 is written; last year's T3 in January).
            reading = import_period(year, today)
            reported_before = any(period_end(p or reading) < today for p, _, _ in file_follow_ups)
            measure = _write_measure(
                session,
                result,
                plan,
                area,
                row,
                measure,
                ref,
                position,
                year,
                actor,
                None if reported_before else added_on,
            )
            seen.add(ref)
            for period, verdict, text in file_follow_ups:
                cell = normalise_cell_text(text)
                if period is None:
                    if (measure.id, cell) in known_texts:
                        continue
                    period = reading
                elif (measure.id, period, cell) in known_in_period:
                    continue
                session.add(
                    FollowUp(
                        measure_id=measure.id,  # type: ignore[arg-type]
                        period=period,
                        verdict=verdict,
                        text=text,
                        author_name="import",
                        source="import",
                        created_at=follow_up_time(period, today),
                    )
                )
                known_texts.add((measure.id, cell))
                known_in_period.add((measure.id, period, cell))
                result.follow_ups += 1
    result.warnings.extend(
        _unusable_numbers_warning(sheet, pairs) for sheet, pairs in unusable.items()
    )
    for ref in sorted({m.ref for m in measures} - seen):
        result.warnings.append(
            f"Åtgärd {ref} finns inte längre i filen. Den ligger kvar med sin uppföljning;"
            " be en samordnare ta bort den om den ska bort."
        )
    session.flush()
    return result


def _unusable_numbers_warning(sheet: str, pairs: list[tuple[str, str]]) -> str:
    """The Swedish warning for the plan's own numbers that are no ref ("A1", "1a"): the
    ref each measure got instead, so the numbers people quote can be found."""
    if len(pairs) == 1:
        ((number, ref),) = pairs
        return (
            f"Flik ”{sheet}”: numret {number} i filen har inte formen område.nummer (som 2.1) "
            f"och kan inte bli åtgärdens referens. Åtgärden fick referensen {ref}."
        )
    shown = [f"{number} = {ref}" for number, ref in pairs[:_NUMBERS_SHOWN]]
    rest = len(pairs) - len(shown)
    listed = (
        ", ".join(shown) + f" och {rest} till"
        if rest
        else (shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " och " + shown[-1])
    )
    return (
        f"Flik ”{sheet}”: numren i filen har inte formen område.nummer (som 2.1) och kan inte "
        f"bli åtgärdernas referenser. Åtgärderna fick i stället: {listed}."
    )


_NUMBERS_SHOWN = 8


def _write_measure(
    session: Session,
    result: ImportResult,
    plan: Plan,
    area: PriorityArea,
    row: ParsedRow,
    measure: Measure | None,
    ref: str,
    position: int,
    year: int,
    actor: Actor | None,
    added_on: date | None,
) -> Measure:
    """Create the row's measure, or update the matched one where the file changed it."""
    values = _values(row)
    kind = kind_for_rhythm(parse_when(row.when, year).kind)
    if measure is None:
        measure = Measure(
            plan_id=plan.id,  # type: ignore[arg-type]
            area_id=area.id,  # type: ignore[arg-type]
            ref=ref,
            position=position,
            kind=kind,
            source_sheet=row.sheet,
            source_row=row.row,
            added_on=added_on,
            **values,
        )
        session.add(measure)
        session.flush()
        result.created += 1
        audit.record(
            session=session,
            actor=actor,
            action="import",
            entity="measure",
            entity_id=audit.measure_key(plan.id, ref),
            after={**values, "added_on": added_on} if added_on else values,
        )
        return measure
    # The row's place in the sheet is its display order; the ref stays the same.
    if measure.position != position:
        measure.position = position
        session.add(measure)
    before: dict[str, object] = {k: getattr(measure, k) for k in _FIELDS}
    after: dict[str, object] = dict(values)
    if measure.area_id != area.id:
        # A row moved to another area in the file: the measure goes with it, ref and all.
        before["area"], after["area"] = _area_number(session, measure.area_id), area.number
        measure.area_id = area.id  # type: ignore[assignment]
    if before == after:
        result.unchanged += 1
        return measure
    for k, v in values.items():
        setattr(measure, k, v)
    if not measure.rhythm_override:
        measure.kind = kind
    measure.source_sheet, measure.source_row = row.sheet, row.row
    measure.updated_at = utcnow()
    session.add(measure)
    result.updated += 1
    audit.record(
        session=session,
        actor=actor,
        action="import",
        entity="measure",
        entity_id=audit.measure_key(plan.id, ref),
        before=before,
        after=after,
    )
    return measure


def _area_number(session: Session, area_id: int) -> int | None:
    area = session.get(PriorityArea, area_id)
    return area.number if area is not None else None
