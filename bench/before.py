"""The code as it was before the performance fixes, to measure before/after side by side.

* models.measures.latest_follow_ups loaded every follow-up of the measures and kept the
  newest per measure in Python (13 rows per measure for five years of tertials);
* models.measures.rhythm_of parsed the "När" text again for every measure on every call.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import datetime
from unittest import mock

from sqlmodel import Session, col, select

from models.measures import parse_override, parse_when
from models.tables import FollowUp, Measure
from reminders.rhythm import Rhythm


def latest_follow_ups_before(
    *,
    session: Session,
    measure_ids: list[int],
    as_of: datetime | None = None,
    period: str | None = None,
    periods: Sequence[str] | None = None,
) -> dict[int, FollowUp]:
    if not measure_ids:
        return {}
    stmt = select(FollowUp).where(col(FollowUp.measure_id).in_(measure_ids))
    if as_of is not None:
        stmt = stmt.where(col(FollowUp.created_at) <= as_of)
    if period is not None:
        stmt = stmt.where(FollowUp.period == period)
    if periods is not None:  # the export's periods up to its own (same signature as now)
        stmt = stmt.where(col(FollowUp.period).in_(list(periods)))
    stmt = stmt.order_by(col(FollowUp.measure_id), col(FollowUp.created_at), col(FollowUp.id))
    latest: dict[int, FollowUp] = {}
    for fu in session.exec(stmt):
        latest[fu.measure_id] = fu
    return latest


def rhythm_of_before(measure: Measure, year: int) -> Rhythm:
    if measure.rhythm_override:
        return parse_override(measure.rhythm_override, year)
    return parse_when(measure.when_text, year)


@contextlib.contextmanager
def code_before() -> Iterator[None]:
    with (
        mock.patch("models.progress.latest_follow_ups", latest_follow_ups_before),
        mock.patch("reminders.digest.latest_follow_ups", latest_follow_ups_before),
        mock.patch("models.progress.rhythm_of", rhythm_of_before),
    ):
        yield
