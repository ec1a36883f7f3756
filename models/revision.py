"""Plan revisions: every transaction that changes a plan's contents bumps `plan.revision`
before it commits, so a cached reading of the plan (handlers.reading_cache) is valid exactly
while the revision it was made at is still the plan's.

Installed on the session factory (bot.db.make_session_factory): every ORM write passes here.
Core statements bypass it. Reminder, idempotency and audit rows are written that way and no
plan reading shows them; follow-ups are too (models.tracking.add_follow_up), and say so with
`note_plan_changed`. Any other Core write to a plan's contents must do the same.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, event, update
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


_TOUCHED = "atgard_touched"  # session.info: (plan ids, measure ids, group ids) not yet bumped


def note_changes(session: Session, _context: Any, _instances: Any) -> None:
    """before_flush: remember which plans this transaction changes."""
    plans, measures, groups = session.info.setdefault(_TOUCHED, (set(), set(), set()))
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


def note_plan_changed(session: Session, plan_id: int) -> None:
    """For a write made with a Core statement, which no flush sees: bump `plan_id` at commit."""
    plans, _measures, _groups = session.info.setdefault(_TOUCHED, (set(), set(), set()))
    plans.add(plan_id)


_PLAN = Plan.__table__  # type: ignore[attr-defined]
# Core, built once: an ORM statement in a commit hook would autoflush, and this runs on
# every write.
_BUMP = (
    update(_PLAN)
    .where(_PLAN.c.id.in_(bindparam("ids", expanding=True)))
    .values(revision=_PLAN.c.revision + 1)
)


def bump_revisions(session: Session) -> None:
    """before_commit: one UPDATE for the plans the transaction changed.

    Done last, right before COMMIT, because the UPDATE locks the plan's row on PostgreSQL:
    concurrent writers to one plan wait for each other only for this statement and the
    commit, not for the whole transaction.
    """
    session.flush()  # the last changes pass note_changes first
    touched = session.info.pop(_TOUCHED, None)
    if not touched or not any(touched):
        return
    plans, measures, groups = touched
    ids = set(plans)
    # The measures and groups a write touches are nearly always loaded already (the handler
    # read them): the identity map answers without SQL.
    for model, keys in ((Measure, measures), (Group, groups)):
        for key in keys:
            obj = session.get(model, key)
            if obj is not None:
                ids.add(obj.plan_id)
    if ids:
        session.connection().execute(_BUMP, {"ids": sorted(ids)})


def forget_changes(session: Session, *_args: Any) -> None:
    """after_soft_rollback: nothing of the rolled-back changes remains to be announced."""
    session.info.pop(_TOUCHED, None)


def track_revisions(factory: Any) -> None:
    """Install on a sessionmaker: every session it makes bumps the plans it changes."""
    event.listen(factory, "before_flush", note_changes)
    event.listen(factory, "before_commit", bump_revisions)
    event.listen(factory, "after_soft_rollback", forget_changes)
