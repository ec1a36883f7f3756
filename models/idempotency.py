"""Idempotency keys: a retried or double-submitted chat request stores at most once.

The key is claimed inside the same transaction as the change it guards, so a request that
fails validation (and stores nothing) can be sent again, and two copies racing each other
are serialised by the primary key.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, text
from sqlmodel import Session, col

from models.tables import ProcessedRequest
from models.types import utcnow

KEEP_FOR = timedelta(days=7)  # Slack retries within minutes; a week is ample


class DuplicateRequest(Exception):
    """This request was already handled; the adapter answers quietly and stores nothing."""


# Text, not the dialects' insert(): their ON CONFLICT clause has no cache key, so that
# statement was compiled afresh on every write (about 0.2 ms). The SQL is the same on SQLite
# and PostgreSQL. ON CONFLICT rather than a savepoint: pysqlite would commit a bare SAVEPOINT
# on release.
_CLAIM = text(
    'INSERT INTO processed_request ("key", created_at) VALUES (:key, :at)'
    ' ON CONFLICT ("key") DO NOTHING RETURNING "key"'
).bindparams(  # the column's type, so the time is stored exactly as the ORM stores it
    bindparam("at", type_=ProcessedRequest.__table__.c.created_at.type)  # type: ignore[attr-defined]
)


def claim(session: Session, key: str | None) -> None:
    """Record `key` in the current transaction, or raise DuplicateRequest if it is taken."""
    if not key:
        return
    session.flush()  # the changes it guards first, as an ORM statement would have
    if session.connection().execute(_CLAIM, {"key": key[:200], "at": utcnow()}).first() is None:
        raise DuplicateRequest(key)


def prune(session: Session, now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - KEEP_FOR
    result = session.execute(
        delete(ProcessedRequest).where(col(ProcessedRequest.created_at) < cutoff)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
