"""Changes members make: follow-ups, tick-offs, rhythms and assignments. Never commits."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import insert
from sqlmodel import Session, col, select

from bot.textsafety import MAX_FOLLOW_UP, check_length, clean_text
from models import audit
from models.errors import ValidationError
from models.measures import MeasureRef
from models.personal_data import check_text
from models.replies import Actor
from models.revision import note_plan_changed
from models.tables import (
    Assignment,
    FollowUp,
    Measure,
    MeasureKind,
    MeasureStatus,
    Occurrence,
    Verdict,
)
from models.types import utcnow
from reminders.rhythm import RhythmKind, parse_override

VERDICTS = {v.value for v in Verdict}


def checked_text(text: str | None, *, limit: int, field: str, label: str, required: bool) -> str:
    """Clean, length-check and personal-data-check a user's text before anything is stored."""
    cleaned = clean_text(text or "")
    if required and not cleaned:
        raise ValidationError(
            f"{label} saknas. Skriv några ord om vad som har gjorts.", field=field
        )
    check_length(cleaned, limit, field=field, label=label)
    check_text(cleaned, field=field)
    return cleaned


class SavedFollowUp(NamedTuple):
    id: int
    period: str
    verdict: str
    text: str


_FOLLOW_UP = FollowUp.__table__  # type: ignore[attr-defined]
# Core, built once: `uppfolj` is the write members make most, and the ORM object with its
# flush cost several times the INSERT itself (bench/results.md). The plan's revision is
# noted by hand, since no ORM flush sees this row.
_INSERT_FOLLOW_UP = insert(_FOLLOW_UP).returning(_FOLLOW_UP.c.id)


def add_follow_up(
    *,
    session: Session,
    measure: Measure | MeasureRef,
    period: str,
    verdict: str | None,
    text: str,
    actor: Actor,
    now: datetime | None = None,
) -> SavedFollowUp:
    now = now or utcnow()
    verdict = verdict or Verdict.PAGAENDE
    if verdict not in VERDICTS:
        raise ValidationError("Välj en bedömning i listan.", field="verdict")
    body = checked_text(
        text, limit=MAX_FOLLOW_UP, field="text", label="Uppföljningen", required=True
    )
    fu_id = (
        session.connection()
        .execute(
            _INSERT_FOLLOW_UP,
            {
                "measure_id": measure.id,
                "period": period,
                "verdict": verdict,
                "text": body,
                "author_id": actor.user_id,
                "author_name": actor.name,
                "source": "chat",
                "created_at": now,
            },
        )
        .scalar_one()
    )
    note_plan_changed(session, measure.plan_id)
    audit.record(
        session=session,
        actor=actor,
        action="uppfoljning",
        entity="measure",
        entity_id=audit.measure_key(measure.plan_id, measure.ref),
        after={"period": period, "verdict": verdict, "text": body, "follow_up_id": fu_id},
        at=now,
    )
    return SavedFollowUp(fu_id, period, str(verdict), body)


def mark_done(
    *,
    session: Session,
    measure: Measure,
    on: date,
    note: str | None,
    actor: Actor,
    year: int,
    now: datetime | None = None,
) -> Occurrence:
    """Tick off a one-off measure, or record one occurrence of a recurring one."""
    now = now or utcnow()
    _refuse_double_click(session, measure, on, actor, now or utcnow())
    body = checked_text(
        note, limit=MAX_FOLLOW_UP, field="text", label="Kommentaren", required=False
    )
    before = {"status": measure.status, "done_on": measure.done_on}
    occ = Occurrence(
        measure_id=measure.id,  # type: ignore[arg-type]
        occurred_on=on,
        note=body or None,
        author_id=actor.user_id,
        created_at=now,
    )
    session.add(occ)
    if measure.kind in (MeasureKind.PUNKTINSATS,):
        # The first day it was done: ticked off again later (or by someone else), the
        # measure still stood as done in a report per a day in between.
        first = measure.done_on if measure.status == MeasureStatus.DONE else None
        measure.status = MeasureStatus.DONE
        measure.done_on = on if first is None else min(first, on)
        measure.updated_at = now
        session.add(measure)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="genomford",
        entity="measure",
        entity_id=audit.measure_key(measure.plan_id, measure.ref),
        before=before,
        after={
            "status": measure.status,
            "done_on": measure.done_on,
            "occurred_on": on,
            "note": body,
        },
        at=now,
    )
    return occ


DOUBLE_CLICK = timedelta(minutes=2)


def _refuse_double_click(
    session: Session, measure: Measure, on: date, actor: Actor, now: datetime
) -> None:
    """Two presses of "Markera genomförd" are two requests; only the first one counts."""
    recent = session.exec(
        select(Occurrence.id).where(
            Occurrence.measure_id == measure.id,
            Occurrence.occurred_on == on,
            Occurrence.author_id == actor.user_id,
            col(Occurrence.created_at) > now - DOUBLE_CLICK,
        )
    ).first()
    if recent is not None:
        raise ValidationError(
            f"Du registrerade nyss åtgärd {measure.ref} som genomförd {on.isoformat()}."
            " Den räknas en gång."
        )


def set_rhythm(
    *,
    session: Session,
    measure: Measure,
    text: str,
    actor: Actor,
    year: int,
    now: datetime | None = None,
) -> str:
    now = now or utcnow()
    rhythm = parse_override(text.strip(), year)
    before = {"rhythm_override": measure.rhythm_override, "kind": measure.kind}
    measure.rhythm_override = rhythm.label()
    measure.kind = _kind_for(rhythm.kind)
    measure.updated_at = now
    session.add(measure)
    audit.record(
        session=session,
        actor=actor,
        action="rytm",
        entity="measure",
        entity_id=audit.measure_key(measure.plan_id, measure.ref),
        before=before,
        after={"rhythm_override": measure.rhythm_override, "kind": measure.kind},
        at=now,
    )
    return measure.rhythm_override


def _kind_for(kind: RhythmKind) -> str:
    return {
        RhythmKind.ONE_OFF: MeasureKind.PUNKTINSATS,
        RhythmKind.ONGOING: MeasureKind.LINJEARBETE,
        RhythmKind.RECURRING: MeasureKind.ATERKOMMANDE,
    }.get(kind, MeasureKind.OKAND)


kind_for_rhythm = _kind_for


def assign(
    *,
    session: Session,
    measure: Measure,
    user_ids: list[str],
    actor: Actor,
    now: datetime | None = None,
) -> list[str]:
    """Add chat accounts to a measure; returns those newly added."""
    existing = set(
        session.exec(select(Assignment.user_id).where(Assignment.measure_id == measure.id))
    )
    added = [u for u in dict.fromkeys(user_ids) if u not in existing]
    for user_id in added:
        session.add(Assignment(measure_id=measure.id, platform=actor.platform, user_id=user_id))  # type: ignore[arg-type]
    if added:
        audit.record(
            session=session,
            actor=actor,
            action="ansvarig",
            entity="measure",
            entity_id=audit.measure_key(measure.plan_id, measure.ref),
            before=sorted(existing),
            after=sorted(existing | set(added)),
            at=now,
        )
    return added
