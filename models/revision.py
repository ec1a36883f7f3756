"""Plan revisions: every flush that changes a plan's contents bumps `plan.revision` in the
same transaction, so a cached reading of the plan (handlers.reading_cache) is valid exactly
while the revision it was made at is still the plan's.

Installed on the session factory (bot.db.make_session_factory): every ORM write passes here.
Core statements bypass it; the only ones in the code base write reminder and idempotency
rows, which no plan reading shows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, update
from sqlmodel import Session

from models.tables import (
    Assignment,
    FollowUp,
    Group,
    Measure,
    Meeting,
    MeetingMeasure,
    Occurrence,
    Plan,
    PlannedMeeting,
    PriorityArea,
)

_BY_PLAN = (PriorityArea, Measure, Group)
_BY_MEASURE = (FollowUp, Occurrence, Assignment, MeetingMeasure)
_BY_GROUP = (Meeting, PlannedMeeting)


def bump_revisions(session: Session, _context: Any, _instances: Any) -> None:
    """before_flush: one UPDATE for the plans whose contents this flush changes."""
    plans: set[int] = set()
    measures: set[int] = set()
    groups: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Plan):
            if obj.id is not None and session.is_modified(obj):
                plans.add(obj.id)
        elif isinstance(obj, _BY_PLAN):
            if obj.plan_id is not None:
                plans.add(obj.plan_id)
        elif isinstance(obj, _BY_MEASURE):
            if obj.measure_id is not None:
                measures.add(obj.measure_id)
        elif isinstance(obj, _BY_GROUP) and obj.group_id is not None:
            groups.add(obj.group_id)
    if not (plans or measures or groups):
        return
    plan = Plan.__table__  # Core: an ORM statement here would autoflush inside the flush
    measure, group = Measure.__table__, Group.__table__  # type: ignore[attr-defined]
    stmt = (
        update(plan)  # type: ignore[arg-type]
        .where(
            or_(
                plan.c.id.in_(sorted(plans)),  # type: ignore[attr-defined]
                plan.c.id.in_(  # type: ignore[attr-defined]
                    select(measure.c.plan_id).where(measure.c.id.in_(sorted(measures)))
                ),
                plan.c.id.in_(  # type: ignore[attr-defined]
                    select(group.c.plan_id).where(group.c.id.in_(sorted(groups)))
                ),
            )
        )
        .values(revision=plan.c.revision + 1)  # type: ignore[attr-defined]
    )
    session.connection().execute(stmt)
