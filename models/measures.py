"""Reading measures and their follow-up facts in bulk (a fixed number of queries per call)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models.errors import NotFound
from models.plans import Scope, resolve_scope
from models.tables import (
    Assignment,
    FollowUp,
    Group,
    Measure,
    Meeting,
    MeetingMeasure,
    Occurrence,
    Plan,
    PriorityArea,
)
from reminders.rhythm import Rhythm, parse_override, parse_when


def rhythm_of(measure: Measure, year: int) -> Rhythm:
    """The coordinator's override wins over the plan's free-text "När"."""
    return _rhythm(measure.rhythm_override, measure.when_text, year)


@lru_cache(maxsize=8192)
def _rhythm(override: str | None, when_text: str | None, year: int) -> Rhythm:
    # Parsing is pure and Rhythm is frozen: plans repeat the same few texts, and every
    # listing, digest and scan parses all of a plan's measures (a parse error is not cached).
    if override:
        return parse_override(override, year)
    return parse_when(when_text, year)


_MEASURE_BY_REF = select(Measure).where(
    Measure.plan_id == bindparam("plan_id"), Measure.ref == bindparam("ref")
)  # built once: most commands name a measure


def _not_found(ref: str) -> str:
    return f"Åtgärd {ref} finns inte i planen. Skriv `/atgard lista` för att se alla."


def get_measure(*, session: Session, plan_id: int, ref: str) -> Measure:
    measure = session.exec(_MEASURE_BY_REF, params={"plan_id": plan_id, "ref": ref}).first()
    if measure is None:
        raise NotFound(_not_found(ref))
    return measure


def list_measures(
    *,
    session: Session,
    plan_id: int,
    area_number: int | None = None,
    group_id: int | None = None,
    ids: Iterable[int] | None = None,
) -> list[Measure]:
    stmt = (
        select(Measure)
        .join(PriorityArea, col(PriorityArea.id) == Measure.area_id)
        .where(Measure.plan_id == plan_id)
        .order_by(col(PriorityArea.number), col(Measure.position))
    )
    if area_number is not None:
        stmt = stmt.where(PriorityArea.number == area_number)
    if group_id is not None:
        stmt = stmt.where(Measure.group_id == group_id)
    if ids is not None:
        stmt = stmt.where(col(Measure.id).in_(list(ids)))
    return list(session.exec(stmt))


def area_map(*, session: Session, plan_id: int) -> dict[int, PriorityArea]:
    rows = session.exec(select(PriorityArea).where(PriorityArea.plan_id == plan_id))
    return {a.id: a for a in rows if a.id is not None}


def latest_follow_ups(
    *,
    session: Session,
    measure_ids: list[int],
    as_of: datetime | None = None,
    period: str | None = None,
    periods: Sequence[str] | None = None,
) -> dict[int, FollowUp]:
    """The newest follow-up per measure (optionally as it stood at `as_of`, for one period,
    or among `periods`)."""
    if not measure_ids:
        return {}
    # Only the newest row per measure leaves the database (a measure has a follow-up per
    # tertial for years; loading them all to keep the last one dominated `lista`/digests).
    newest_first = func.row_number().over(
        partition_by=FollowUp.measure_id,
        order_by=(col(FollowUp.created_at).desc(), col(FollowUp.id).desc()),
    )
    inner = select(FollowUp, newest_first.label("rn")).where(
        col(FollowUp.measure_id).in_(measure_ids)
    )
    if as_of is not None:
        inner = inner.where(col(FollowUp.created_at) <= as_of)
    if period is not None:
        inner = inner.where(FollowUp.period == period)
    if periods is not None:
        inner = inner.where(col(FollowUp.period).in_(list(periods)))
    sub = inner.subquery()
    newest = aliased(FollowUp, sub)
    rows = session.exec(select(newest).where(sub.c.rn == 1))
    return {fu.measure_id: fu for fu in rows}


def follow_up_history(*, session: Session, measure_id: int) -> list[FollowUp]:
    return list(
        session.exec(
            select(FollowUp)
            .where(FollowUp.measure_id == measure_id)
            .order_by(col(FollowUp.created_at).desc(), col(FollowUp.id).desc())
        )
    )


def done_counts(
    *, session: Session, measure_ids: list[int], start: date, end: date
) -> dict[int, int]:
    """Occurrences in [start, end]: ticks (`klar`) plus logged meetings that covered the measure."""
    counts: dict[int, int] = defaultdict(int)
    if not measure_ids:
        return counts
    occ = session.exec(
        select(Occurrence.measure_id, func.count())
        .where(
            col(Occurrence.measure_id).in_(measure_ids),
            col(Occurrence.occurred_on) >= start,
            col(Occurrence.occurred_on) <= end,
        )
        .group_by(Occurrence.measure_id)
    )
    for mid, n in occ:
        counts[mid] += n
    met = session.exec(
        select(MeetingMeasure.measure_id, func.count())
        .join(Meeting, col(Meeting.id) == MeetingMeasure.meeting_id)
        .where(
            col(MeetingMeasure.measure_id).in_(measure_ids),
            col(Meeting.held_on) >= start,
            col(Meeting.held_on) <= end,
        )
        .group_by(MeetingMeasure.measure_id)
    )
    for mid, n in met:
        counts[mid] += n
    return counts


def assignees(*, session: Session, measure_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if not measure_ids:
        return out
    for a in session.exec(
        select(Assignment)
        .where(col(Assignment.measure_id).in_(measure_ids))
        .order_by(col(Assignment.id))
    ):
        out[a.measure_id].append(a.user_id)
    return out


def measures_assigned_to(*, session: Session, plan_id: int, user_id: str) -> list[Measure]:
    return list(
        session.exec(
            select(Measure)
            .join(Assignment, col(Assignment.measure_id) == Measure.id)
            .where(Measure.plan_id == plan_id, Assignment.user_id == user_id)
            .order_by(col(Measure.area_id), col(Measure.position))
        )
    )


_SCOPE_AND_MEASURE = (
    select(Group, Plan, Measure)
    .join(Plan, col(Plan.id) == Group.plan_id)
    .outerjoin(Measure, and_(col(Measure.plan_id) == Plan.id, Measure.ref == bindparam("ref")))
    .where(Group.platform == bindparam("platform"), Group.channel_id == bindparam("channel_id"))
)  # built once: the first step of every change to a measure (uppfolj, klar, rytm, ansvar)


class GroupRef(NamedTuple):
    id: int
    name: str


class MeasureRef(NamedTuple):
    """What a change to a measure reads of it (the rest stays in the database)."""

    id: int
    plan_id: int
    ref: str
    group_id: int | None
    description: str | None


class ScopeRef(NamedTuple):
    """The channel's plan (by id and year) and bound group."""

    plan_id: int
    plan_year: int
    group: GroupRef | None


_M = Measure.__table__  # type: ignore[attr-defined]
_P = Plan.__table__  # type: ignore[attr-defined]
_G = Group.__table__  # type: ignore[attr-defined]
_TARGET = (
    sa_select(_P.c.id, _P.c.year, _G.c.id, _G.c.name, _M.c.id, _M.c.group_id, _M.c.description)
    .select_from(
        _G.join(_P, _P.c.id == _G.c.plan_id).outerjoin(
            _M, and_(_M.c.plan_id == _P.c.id, _M.c.ref == bindparam("ref"))
        )
    )
    .where(_G.c.platform == bindparam("platform"), _G.c.channel_id == bindparam("channel_id"))
)  # Core, built once: loading three ORM entities cost the most frequent write a fifth of it


def change_target(
    *, session: Session, platform: str, channel_id: str | None, ref: str, user_id: str | None = None
) -> tuple[ScopeRef, MeasureRef]:
    """scope_and_measure for a change that needs only ids and names (a follow-up): one Core
    query for a bound channel, no ORM objects."""
    if channel_id:
        row = (
            session.connection()
            .execute(_TARGET, {"platform": platform, "channel_id": channel_id, "ref": ref})
            .first()
        )
        if row is not None:
            plan_id, year, group_id, group_name, measure_id, measure_group, description = row
            if measure_id is None:
                raise NotFound(_not_found(ref))
            return (
                ScopeRef(plan_id, year, GroupRef(group_id, group_name)),
                MeasureRef(measure_id, plan_id, ref, measure_group, description),
            )
    scope, measure = scope_and_measure(
        session=session, platform=platform, channel_id=channel_id, ref=ref, user_id=user_id
    )
    return scope_ref(scope), measure_ref(measure)


def scope_ref(scope: Scope) -> ScopeRef:
    group = None if scope.group is None else GroupRef(scope.group.id, scope.group.name)  # type: ignore[arg-type]
    return ScopeRef(scope.plan.id, scope.plan.year, group)  # type: ignore[arg-type]


def measure_ref(m: Measure) -> MeasureRef:
    return MeasureRef(m.id, m.plan_id, m.ref, m.group_id, m.description)  # type: ignore[arg-type]


def scope_and_measure(
    *, session: Session, platform: str, channel_id: str | None, ref: str, user_id: str | None = None
) -> tuple[Scope, Measure]:
    """resolve_scope and get_measure in one query for a bound channel (the usual case);
    `user_id` is the asker, for an unbound channel (models.plans.default_plan)."""
    if channel_id:
        row = session.exec(
            _SCOPE_AND_MEASURE, params={"platform": platform, "channel_id": channel_id, "ref": ref}
        ).first()
        if row is not None:
            group, plan, measure = row
            if measure is None:
                raise NotFound(_not_found(ref))
            return Scope(plan=plan, group=group), measure
    scope = resolve_scope(
        session=session, platform=platform, channel_id=channel_id, user_id=user_id
    )
    return scope, get_measure(session=session, plan_id=scope.plan.id, ref=ref)  # type: ignore[arg-type]
