"""Taking back one's own latest entry: a follow-up, a tick-off or a logged meeting.

A wrong measure number or day is easy to type and was impossible to put right: the entry
stood in pace, digests and reports. Only the writer's own entries of the last week can be
taken back, the newest first; the audit trail keeps what was removed, so nothing is lost.
Never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, delete, select

from models import audit
from models.replies import Actor
from models.tables import (
    FollowUp,
    Group,
    Measure,
    MeasureStatus,
    Meeting,
    MeetingMeasure,
    Occurrence,
)

# Long enough for "I ticked off the wrong one on Friday"; short enough that an entry others
# have read in a digest or a report is not quietly taken back months later.
UNDO_WINDOW = timedelta(days=7)


class EntryKind:
    FOLLOW_UP = "uppfoljning"
    DONE = "genomford"
    MEETING = "mote"


@dataclass(frozen=True)
class Entry:
    """One of the user's own entries, as it will be named when taken back."""

    kind: str
    id: int
    created_at: datetime
    ref: str | None = None  # the measure's (follow-up, tick-off)
    period: str | None = None  # a follow-up's
    day: date | None = None  # a tick-off's or a meeting's
    text: str | None = None
    group: str | None = None  # a meeting's


def _follow_up(row: FollowUp, ref: str) -> Entry:
    return Entry(
        EntryKind.FOLLOW_UP,
        row.id,  # type: ignore[arg-type]
        row.created_at,
        ref=ref,
        period=row.period,
        text=row.text,
    )


def _tick_off(row: Occurrence, ref: str) -> Entry:
    return Entry(
        EntryKind.DONE,
        row.id,  # type: ignore[arg-type]
        row.created_at,
        ref=ref,
        day=row.occurred_on,
        text=row.note,
    )


def _meeting(row: Meeting, group: str) -> Entry:
    return Entry(EntryKind.MEETING, row.id, row.created_at, day=row.held_on, group=group)  # type: ignore[arg-type]


def _newest(session: Session, stmt: Any, model: Any) -> Any:
    """The newest row of `stmt` (a select of `model` and a label), or None."""
    return session.exec(
        stmt.order_by(col(model.created_at).desc(), col(model.id).desc()).limit(1)
    ).first()


def latest_own_entry(
    *, session: Session, plan_id: int, user_id: str, now: datetime, ref: str | None = None
) -> Entry | None:
    """The user's newest follow-up, tick-off or meeting in the plan within UNDO_WINDOW; with
    `ref`, the newest follow-up or tick-off of that measure."""
    since = now - UNDO_WINDOW
    in_plan = [Measure.plan_id == plan_id] + ([Measure.ref == ref] if ref else [])
    found = [
        _newest(
            session,
            select(FollowUp, Measure.ref)
            .join(Measure, col(Measure.id) == FollowUp.measure_id)
            .where(
                *in_plan,
                FollowUp.author_id == user_id,
                FollowUp.source == "chat",  # not text read in from the plan's file
                col(FollowUp.created_at) >= since,
            ),
            FollowUp,
        ),
        _newest(
            session,
            select(Occurrence, Measure.ref)
            .join(Measure, col(Measure.id) == Occurrence.measure_id)
            .where(*in_plan, Occurrence.author_id == user_id, col(Occurrence.created_at) >= since),
            Occurrence,
        ),
    ]
    if ref is None:
        found.append(
            _newest(
                session,
                select(Meeting, Group.name)
                .join(Group, col(Group.id) == Meeting.group_id)
                .where(
                    Group.plan_id == plan_id,
                    Meeting.author_id == user_id,
                    col(Meeting.created_at) >= since,
                ),
                Meeting,
            )
        )
    makers = (_follow_up, _tick_off, _meeting)
    candidates = [make(*row) for make, row in zip(makers, found, strict=False) if row is not None]
    return max(candidates, key=lambda e: (e.created_at, e.id), default=None)


def entry_by_id(
    *, session: Session, kind: str, entry_id: int
) -> tuple[Entry, str | None, int] | None:
    """An entry a button names ("uppfoljning:12"): the entry, its author and its plan's id."""
    if kind == EntryKind.FOLLOW_UP:
        fu = session.get(FollowUp, entry_id)
        measure = session.get(Measure, fu.measure_id) if fu is not None else None
        if fu is None or measure is None or fu.source != "chat":
            return None
        return _follow_up(fu, measure.ref), fu.author_id, measure.plan_id
    if kind == EntryKind.DONE:
        occ = session.get(Occurrence, entry_id)
        measure = session.get(Measure, occ.measure_id) if occ is not None else None
        if occ is None or measure is None:
            return None
        return _tick_off(occ, measure.ref), occ.author_id, measure.plan_id
    if kind == EntryKind.MEETING:
        meeting = session.get(Meeting, entry_id)
        group = session.get(Group, meeting.group_id) if meeting is not None else None
        if meeting is None or group is None:
            return None
        return _meeting(meeting, group.name), meeting.author_id, group.plan_id
    return None


# Read again with a row lock: of two presses of one "Ångra" button at once, the second waits
# for the first and then finds the row gone (PostgreSQL; SQLite writes one at a time anyway).
_LOCKED: dict[str, Any] = {"with_for_update": True, "populate_existing": True}


def undo(*, session: Session, entry: Entry, plan_id: int, actor: Actor, now: datetime) -> bool:
    """Remove the entry and what hangs on it; the audit trail records what it was. False if
    it was gone already (taken back at the same moment)."""
    before: dict[str, Any] = {"what": entry.kind}
    if entry.kind == EntryKind.FOLLOW_UP:
        row = session.get(FollowUp, entry.id, **_LOCKED)
        if row is None:
            return False
        before.update(period=row.period, verdict=row.verdict, text=row.text, follow_up_id=row.id)
        session.delete(row)
        entity, entity_id = "measure", audit.measure_key(plan_id, entry.ref or "")
    elif entry.kind == EntryKind.DONE:
        occ = session.get(Occurrence, entry.id, **_LOCKED)
        if occ is None:
            return False
        measure = session.get(Measure, occ.measure_id)
        before.update(occurred_on=occ.occurred_on, note=occ.note)
        session.delete(occ)
        session.flush()
        if measure is not None and measure.status == MeasureStatus.DONE:
            _restate_done(session, measure, now)
        entity, entity_id = "measure", audit.measure_key(plan_id, entry.ref or "")
    else:
        meeting = session.get(Meeting, entry.id, **_LOCKED)
        if meeting is None:
            return False
        refs = session.exec(
            select(Measure.ref)
            .join(MeetingMeasure, col(MeetingMeasure.measure_id) == Measure.id)
            .where(MeetingMeasure.meeting_id == meeting.id)
        ).all()
        before.update(
            held_on=meeting.held_on,
            organisations=meeting.organisations,
            notes=meeting.notes,
            decisions=meeting.decisions,
            measures=sorted(refs),
            meeting_id=meeting.id,
        )
        session.exec(delete(MeetingMeasure).where(col(MeetingMeasure.meeting_id) == meeting.id))  # type: ignore[call-overload]
        session.delete(meeting)
        entity, entity_id = "group", entry.group
    audit.record(
        session=session,
        actor=actor,
        action="angrad",
        entity=entity,
        entity_id=entity_id,
        before=before,
        at=now,
    )
    return True


def _restate_done(session: Session, measure: Measure, now: datetime) -> None:
    """A one-off measure stands as done from its first remaining tick-off, or not at all."""
    first = session.exec(
        select(Occurrence.occurred_on)
        .where(Occurrence.measure_id == measure.id)
        .order_by(col(Occurrence.occurred_on))
        .limit(1)
    ).first()
    measure.status = MeasureStatus.DONE if first is not None else MeasureStatus.ACTIVE
    measure.done_on = first
    measure.updated_at = now
    session.add(measure)
