"""Append-only audit trail, written in the caller's transaction."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import event, insert
from sqlmodel import Session, col, select

from models.replies import Actor
from models.tables import AuditEvent
from models.types import utcnow


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


_AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]
# Core, built once: every change writes one, and an ORM object costs several times the INSERT
# (construction, validation, a unit of work at flush).
_INSERT = insert(_AUDIT)


def record(
    *,
    session: Session,
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    before: Any = None,
    after: Any = None,
    at: datetime | None = None,
) -> None:
    """Add an audit row; it commits or rolls back together with the change it describes."""
    session.connection().execute(
        _INSERT,
        {
            "actor_id": actor.user_id if actor else None,
            "actor_name": actor.name if actor else None,
            "action": action,
            "entity": entity,
            "entity_id": None if entity_id is None else str(entity_id),
            "before": _dump(before),
            "after": _dump(after),
            "at": at or utcnow(),
        },
    )


def events(
    *,
    session: Session,
    since: datetime | None = None,
    entity: str | None = None,
    entity_id: str | None = None,
    limit: int | None = None,
) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(col(AuditEvent.at), col(AuditEvent.id))
    if since is not None:
        stmt = stmt.where(col(AuditEvent.at) >= since)
    if entity is not None:
        stmt = stmt.where(AuditEvent.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.exec(stmt))


def measure_key(plan_id: int | None, ref: str) -> str:
    """Audit entity id of a measure: refs repeat across plans, so the plan id goes first."""
    return f"{plan_id}/{ref}"


class AuditImmutable(RuntimeError):
    """Raised when code tries to change or delete an audit row."""


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, _ctx: object, _instances: object) -> None:
    # The trail is only worth something if the app itself can never rewrite it.
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditImmutable("audit rows are append-only")
