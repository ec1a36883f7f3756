"""Idempotency keys: a retried or double-submitted chat request stores at most once.

The key is claimed inside the same transaction as the change it guards, so a request that
fails validation (and stores nothing) can be sent again, and two copies racing each other
are serialised by the primary key.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from models.tables import ProcessedRequest
from models.types import utcnow

KEEP_FOR = timedelta(days=7)  # Slack retries within minutes; a week is ample


class DuplicateRequest(Exception):
    """This request was already handled; the adapter answers quietly and stores nothing."""


def _claim_statement(insert: Any) -> Any:
    # ON CONFLICT rather than a savepoint: pysqlite would commit a bare SAVEPOINT on release.
    # Core on the table, built once: claiming is on every write's path.
    table = ProcessedRequest.__table__  # type: ignore[attr-defined]
    return (
        insert(table)
        .values(key=bindparam("key"), created_at=bindparam("at"))
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(table.c.key)
    )


_CLAIM = {"postgresql": _claim_statement(pg_insert), "sqlite": _claim_statement(sqlite_insert)}


def claim(session: Session, key: str | None) -> None:
    """Record `key` in the current transaction, or raise DuplicateRequest if it is taken."""
    if not key:
        return
    session.flush()  # the changes it guards first, as an ORM statement would have
    stmt = _CLAIM[session.get_bind().dialect.name]
    if session.connection().execute(stmt, {"key": key[:200], "at": utcnow()}).first() is None:
        raise DuplicateRequest(key)


def prune(session: Session, now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - KEEP_FOR
    result = session.execute(
        delete(ProcessedRequest).where(col(ProcessedRequest.created_at) < cutoff)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
