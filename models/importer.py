"""Apply a parsed action plan to the database: idempotent, keeps follow-ups logged since."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from models import audit
from models.personal_data import contains_personal_number, mask
from models.progress import end_of_day_utc
from models.replies import Actor
from models.tables import FollowUp, Measure, Plan, PriorityArea
from models.tracking import kind_for_rhythm
from models.types import utcnow
from reminders.calendar import period_end, period_label, tertial_of
from reminders.rhythm import parse_when
from reports.export_texts import normalise_cell_text, same_follow_up_texts
from reports.xlsx_reader import ParsedPlan, ParsedRow

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
            f"{self.plan.title}: {self.total} åtgärder ({self.created} nya, {self.updated} ändrade,"
            f" {self.unchanged} oförändrade), {self.follow_ups} uppföljningar inlästa."
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
    'Flik "{sheet}", rad {row}: en cell innehöll ett personnummer. Numret lästes inte in'
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
    return found


def _identity(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _ref_number(ref: str) -> int:
    try:
        return int(ref.rsplit(".", 1)[1])
    except (IndexError, ValueError):
        return 0


def match_rows(rows: list[ParsedRow], existing: list[Measure]) -> list[Measure | None]:
    """Pair an edited file's rows with the area's stored measures, so each keeps its ref and
    its follow-ups when rows are inserted, moved or edited: first the same measure and cause
    text, then the same measure text, then the same cause, then the same place in the sheet.
    Rows left over are new measures."""
    found: list[Measure | None] = [None] * len(rows)
    free = sorted(existing, key=lambda m: m.position)
    keys: list[Callable[[str | None, str | None], str]] = [
        lambda measure, cause: _identity(measure) + "|" + _identity(cause),
        lambda measure, cause: _identity(measure),
        lambda measure, cause: _identity(cause),
    ]
    for key in keys:
        for i, row in enumerate(rows):
            if found[i] is not None:
                continue
            k = key(row.measure, row.cause)
            if not k.strip("|"):
                continue  # a row without text is matched by place only
            candidates = [m for m in free if key(m.description, m.cause) == k]
            if len(candidates) == 1 or (candidates and key is keys[0]):
                found[i] = candidates[0]
                free.remove(candidates[0])
    by_place = {m.position: m for m in free}
    for i in range(len(rows)):
        if found[i] is None and (m := by_place.get(i + 1)) is not None and m in free:
            found[i] = m
            free.remove(m)
    return found


def import_period(year: int, today: date) -> str:
    """Follow-up text found in a file belongs to the tertial it was read in, or the year-end."""
    if today.year > year:
        return period_label(year, 3)
    if today.year < year:  # next year's plan, read in December
        return period_label(year, 1)
    return period_label(year, tertial_of(today))


def follow_up_time(period: str, today: date) -> datetime:
    """When imported follow-up text counts as written: now, or for a past period its last day,
    so an export "as of" that period (and its verdict counts) includes what the file said."""
    end = period_end(period)
    if today > end:
        return end_of_day_utc(end)
    return utcnow()


def apply_plan(
    *,
    session: Session,
    parsed: ParsedPlan,
    district: str,
    year: int,
    actor: Actor | None,
    today: date,
) -> ImportResult:
    plan = session.exec(select(Plan).where(Plan.district == district, Plan.year == year)).first()
    if plan is None:
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
    result = ImportResult(plan=plan, warnings=list(parsed.warnings))
    period = import_period(year, today)
    written_at = follow_up_time(period, today)
    areas = {
        a.number: a
        for a in session.exec(select(PriorityArea).where(PriorityArea.plan_id == plan.id))
    }
    all_measures = list(session.exec(select(Measure).where(Measure.plan_id == plan.id)))
    by_area: dict[int, list[Measure]] = defaultdict(list)
    for m in all_measures:
        by_area[m.area_id].append(m)
    # A follow-up is known as written and as an export writes it (verdict sentence first),
    # so re-importing an exported file adds no duplicates.
    imported_texts = {
        (fu.measure_id, text)
        for fu in session.exec(select(FollowUp).join(Measure).where(Measure.plan_id == plan.id))
        for text in same_follow_up_texts(fu.verdict, fu.text)
    }
    seen: set[str] = set()
    for parsed_area in parsed.areas:
        area = areas.get(parsed_area.number)
        if area is None:
            area = PriorityArea(plan_id=plan.id, number=parsed_area.number, name=parsed_area.name)  # type: ignore[arg-type]
            session.add(area)
            session.flush()
            areas[area.number] = area
        elif area.name != parsed_area.name:
            area.name = parsed_area.name
            session.add(area)
        for row in parsed_area.rows:
            if _strip_personal_numbers(row):
                result.warnings.append(PERSONAL_NUMBER_WARNING.format(sheet=row.sheet, row=row.row))
        existing = by_area.get(area.id, [])  # type: ignore[arg-type]
        matches = match_rows(parsed_area.rows, existing)
        next_number = max((_ref_number(m.ref) for m in existing), default=0)
        for position, (row, measure) in enumerate(
            zip(parsed_area.rows, matches, strict=True), start=1
        ):
            values = _values(row)
            kind = kind_for_rhythm(parse_when(row.when, year).kind)
            if measure is None:
                next_number = max(next_number, position) if not existing else next_number + 1
                ref = f"{parsed_area.number}.{next_number}"
                measure = Measure(
                    plan_id=plan.id,  # type: ignore[arg-type]
                    area_id=area.id,  # type: ignore[arg-type]
                    ref=ref,
                    position=position,
                    kind=kind,
                    source_sheet=row.sheet,
                    source_row=row.row,
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
                    after=values,
                )
            else:
                ref = measure.ref
                # The row's place in the sheet is its display order; the ref stays the same.
                if measure.position != position:
                    measure.position = position
                    session.add(measure)
                before = {k: getattr(measure, k) for k in _FIELDS}
                if before != values:
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
                        after=values,
                    )
                else:
                    result.unchanged += 1
            seen.add(ref)
            known = (measure.id, normalise_cell_text(row.follow_up or ""))
            if row.follow_up and known not in imported_texts:
                session.add(
                    FollowUp(
                        measure_id=measure.id,  # type: ignore[arg-type]
                        period=period,
                        verdict=row.verdict,
                        text=row.follow_up,
                        author_name="import",
                        source="import",
                        created_at=written_at,
                    )
                )
                imported_texts.add(known)
                result.follow_ups += 1
    for ref in sorted({m.ref for m in all_measures} - seen):
        result.warnings.append(
            f"Åtgärd {ref} finns inte längre i filen. Den ligger kvar med sin uppföljning;"
            " be en samordnare ta bort den om den ska bort."
        )
    session.flush()
    return result
