from __future__ import annotations

import pytest
from sqlmodel import select

from bot.db import SessionFactory
from models import audit
from models.replies import Actor
from models.tables import AuditEvent


def test_audit_rows_cannot_be_updated_or_deleted(session_factory: SessionFactory) -> None:
    with session_factory.begin() as s:
        audit.record(
            session=s,
            actor=Actor("U1", "Kim"),
            action="uppfoljning",
            entity="measure",
            entity_id="1/1.3",
            after={"text": "a"},
        )
    with pytest.raises(audit.AuditImmutable), session_factory.begin() as s:
        ev = s.exec(select(AuditEvent)).one()
        ev.action = "changed"
    with pytest.raises(audit.AuditImmutable), session_factory.begin() as s:
        s.delete(s.exec(select(AuditEvent)).one())
    with session_factory.begin() as s:
        assert s.exec(select(AuditEvent.action)).all() == ["uppfoljning"]


def test_audit_rolls_back_with_the_change(session_factory: SessionFactory) -> None:
    with pytest.raises(RuntimeError), session_factory.begin() as s:
        audit.record(session=s, actor=None, action="x", entity="y")
        raise RuntimeError("the change failed")
    with session_factory.begin() as s:
        assert s.exec(select(AuditEvent)).all() == []


def test_idempotency_keys_claim_once_and_are_pruned(session_factory: SessionFactory) -> None:
    from datetime import UTC, datetime, timedelta

    from models import idempotency
    from models.tables import ProcessedRequest

    with session_factory.begin() as s:
        idempotency.claim(s, "cmd:1")
    with pytest.raises(idempotency.DuplicateRequest), session_factory.begin() as s:
        idempotency.claim(s, "cmd:1")
    with pytest.raises(RuntimeError), session_factory.begin() as s:
        idempotency.claim(s, "cmd:2")
        raise RuntimeError("the change failed: the key must not stay claimed")
    with session_factory.begin() as s:
        idempotency.claim(s, "cmd:2")
        idempotency.claim(s, None)  # requests without a key are never deduplicated
    later = datetime.now(UTC) + timedelta(days=8)
    with session_factory.begin() as s:
        assert idempotency.prune(s, later) == 2
        assert s.exec(select(ProcessedRequest)).all() == []
