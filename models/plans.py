"""Plans and the scope a chat channel works in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models.errors import NotFound
from models.tables import Group, Plan, PriorityArea


@dataclass
class Scope:
    """The plan (and group, when the channel is bound) a command acts on."""

    plan: Plan
    group: Group | None


class PlanHead(NamedTuple):
    """What a channel's commands act on, without loading it: the plan, its revision and the
    bound group (None for an unbound channel, which works in the newest plan)."""

    plan_id: int
    revision: int
    group_id: int | None


_PLAN_T = Plan.__table__  # type: ignore[attr-defined]
_GROUP_T = Group.__table__  # type: ignore[attr-defined]
# Core, built once: this runs on every `lista`, and building an ORM statement and loading two
# entities cost more than the query itself (bench/results.md). A bound channel (the usual case)
# is one indexed look-up; only an unbound one asks for the newest plan as well. (One statement
# for both, sorting every plan, cost the database a pass over all 290 plans at national scale.)
_HEAD_BOUND = sa_select(_PLAN_T.c.id, _PLAN_T.c.revision, _GROUP_T.c.id).where(
    _GROUP_T.c.plan_id == _PLAN_T.c.id,
    _GROUP_T.c.platform == bindparam("platform"),
    _GROUP_T.c.channel_id == bindparam("channel_id"),
)
_HEAD_NEWEST = (
    sa_select(_PLAN_T.c.id, _PLAN_T.c.revision)
    .order_by(_PLAN_T.c.year.desc(), _PLAN_T.c.id.desc())
    .limit(1)
)


def plan_head(*, connection: Connection, platform: str, channel_id: str | None) -> PlanHead | None:
    """The same choice as resolve_scope, as ids and the revision; None when there is no plan."""
    if channel_id:
        row = connection.execute(
            _HEAD_BOUND, {"platform": platform, "channel_id": channel_id}
        ).first()
        if row is not None:
            return PlanHead(row[0], row[1], row[2])
    newest = connection.execute(_HEAD_NEWEST).first()
    return None if newest is None else PlanHead(newest[0], newest[1], None)


NO_PLAN_YET = (
    "Det finns ingen åtgärdsplan inläst ännu. Be en samordnare läsa in planen"
    " (`atgard import plan.xlsx`)."
)


def latest_plan(*, session: Session) -> Plan | None:
    return session.exec(select(Plan).order_by(col(Plan.year).desc(), col(Plan.id).desc())).first()


def get_plan(*, session: Session, district: str | None = None, year: int | None = None) -> Plan:
    stmt = select(Plan).order_by(col(Plan.year).desc(), col(Plan.id).desc())
    if district:
        # Equal ignoring case; not ilike, where "_" and "%" in a name would be wildcards.
        stmt = stmt.where(func.lower(col(Plan.district)) == district.lower())
    if year:
        stmt = stmt.where(Plan.year == year)
    plan = session.exec(stmt).first()
    if plan is None:
        if not district and not year:
            raise NotFound(NO_PLAN_YET)
        # "Område" is a priority area everywhere else: name the district and the year.
        wanted = " ".join(str(part) for part in (district, year) if part)
        raise NotFound(
            f"Hittade ingen åtgärdsplan för {wanted}. Kontrollera namn och år, eller be en"
            " samordnare läsa in den planen (`atgard import plan.xlsx`)."
        )
    return plan


def group_for_channel(*, session: Session, platform: str, channel_id: str | None) -> Group | None:
    if not channel_id:
        return None
    return session.exec(
        select(Group).where(Group.platform == platform, Group.channel_id == channel_id)
    ).first()


# Built once (every command starts here): an ORM statement costs more to build than to run.
_SCOPE_BOUND = (
    select(Group, Plan)
    .join(Plan, col(Plan.id) == Group.plan_id)
    .where(Group.platform == bindparam("platform"), Group.channel_id == bindparam("channel_id"))
)


def resolve_scope(*, session: Session, platform: str, channel_id: str | None) -> Scope:
    """The bound group's plan, else the newest plan. One query for a bound channel: every
    command starts here."""
    if channel_id:
        row = session.exec(
            _SCOPE_BOUND, params={"platform": platform, "channel_id": channel_id}
        ).first()
        if row is not None:
            group, plan = row
            return Scope(plan=plan, group=group)
    return Scope(plan=get_plan(session=session), group=None)


def areas(*, session: Session, plan_id: int) -> list[PriorityArea]:
    return list(
        session.exec(
            select(PriorityArea)
            .where(PriorityArea.plan_id == plan_id)
            .order_by(col(PriorityArea.number))
        )
    )
