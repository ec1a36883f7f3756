"""Meetings held and planned."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session, col, select

from bot.textsafety import MAX_NOTE, MAX_SHORT
from models import audit
from models.errors import ValidationError
from models.replies import Actor
from models.tables import Group, Measure, Meeting, MeetingMeasure, PlannedMeeting
from models.tracking import checked_text
from models.types import utcnow


def log_meeting(
    *,
    session: Session,
    group: Group,
    held_on: date,
    organisations: str | None,
    notes: str | None,
    decisions: str | None,
    measures: Sequence[Measure],
    actor: Actor,
    now: datetime | None = None,
) -> Meeting:
    now = now or utcnow()
    orgs = checked_text(
        organisations,
        limit=MAX_SHORT * 2,
        field="organisations",
        label="Organisationerna",
        required=False,
    )
    body = checked_text(
        notes, limit=MAX_NOTE, field="notes", label="Anteckningarna", required=False
    )
    dec = checked_text(
        decisions, limit=MAX_NOTE, field="decisions", label="Besluten", required=False
    )
    if any(m.plan_id != group.plan_id for m in measures):
        raise ValidationError("En av åtgärderna hör till en annan plan.", field="measures")
    meeting = Meeting(
        group_id=group.id,  # type: ignore[arg-type]
        held_on=held_on,
        organisations=orgs or None,
        notes=body or None,
        decisions=dec or None,
        author_id=actor.user_id,
        created_at=now,
    )
    session.add(meeting)
    session.flush()
    for m in measures:
        session.add(MeetingMeasure(meeting_id=meeting.id, measure_id=m.id))  # type: ignore[arg-type]
    audit.record(
        session=session,
        actor=actor,
        action="mote",
        entity="group",
        entity_id=group.name,
        after={
            "meeting_id": meeting.id,
            "held_on": held_on,
            "organisations": orgs,
            "notes": body,
            "decisions": dec,
            "measures": [m.ref for m in measures],
        },
        at=now,
    )
    return meeting


def plan_meetings(
    *,
    session: Session,
    group: Group,
    dates: Sequence[date],
    start_time: str | None,
    actor: Actor | None,
    source: str = "manual",
    today: date | None = None,
    now: datetime | None = None,
) -> list[date]:
    """Put dates on the group's calendar; dates already there are left as they are.

    Dates a coordinator enters (or a new spread) replace the future dates the bot spread from
    the rhythm, so the group is not reminded of meetings that will not happen.
    """
    removed: list[date] = []
    if today is not None:
        for pm in session.exec(
            select(PlannedMeeting).where(
                PlannedMeeting.group_id == group.id,
                PlannedMeeting.source == "auto",
                col(PlannedMeeting.planned_on) >= today,
            )
        ):
            removed.append(pm.planned_on)
            session.delete(pm)
        session.flush()
    existing = set(
        session.exec(select(PlannedMeeting.planned_on).where(PlannedMeeting.group_id == group.id))
    )
    added = [d for d in sorted(set(dates)) if d not in existing]
    for d in added:
        session.add(
            PlannedMeeting(group_id=group.id, planned_on=d, start_time=start_time, source=source)  # type: ignore[arg-type]
        )
    if added:
        audit.record(
            session=session,
            actor=actor,
            action="planera_mote",
            entity="group",
            entity_id=group.name,
            after={"dates": added, "start_time": start_time, "replaced_auto": removed},
            at=now,
        )
    return added


def planned_between(
    *, session: Session, group_ids: Sequence[int], start: date, end: date
) -> list[PlannedMeeting]:
    if not group_ids:
        return []
    return list(
        session.exec(
            select(PlannedMeeting)
            .where(
                col(PlannedMeeting.group_id).in_(list(group_ids)),
                col(PlannedMeeting.planned_on) >= start,
                col(PlannedMeeting.planned_on) <= end,
            )
            .order_by(col(PlannedMeeting.planned_on))
        )
    )


def meetings_between(
    *, session: Session, group_ids: Sequence[int] | None, start: date, end: date
) -> list[Meeting]:
    stmt = (
        select(Meeting)
        .where(col(Meeting.held_on) >= start, col(Meeting.held_on) <= end)
        .order_by(col(Meeting.held_on))
    )
    if group_ids is not None:
        stmt = stmt.where(col(Meeting.group_id).in_(list(group_ids)))
    return list(session.exec(stmt))
