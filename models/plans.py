"""Plans and the scope a chat channel works in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models.errors import NotFound, ValidationError
from models.tables import Assignment, Group, Measure, Plan, PriorityArea


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
    sa_select(
        _PLAN_T.c.id,
        _PLAN_T.c.revision,
        # Whether the newest plan is the only choice (see default_plan), in the same round trip.
        sa_select(func.count(func.distinct(func.lower(_PLAN_T.c.district))))
        .select_from(_PLAN_T)
        .scalar_subquery(),
    )
    .order_by(_PLAN_T.c.year.desc(), _PLAN_T.c.id.desc())
    .limit(1)
)


def plan_head(*, connection: Connection, platform: str, channel_id: str | None) -> PlanHead | None:
    """The same choice as resolve_scope, as ids and the revision; None when there is no plan,
    or when an unbound channel's plan depends on who asks (several districts' plans: see
    default_plan)."""
    if channel_id:
        row = connection.execute(
            _HEAD_BOUND, {"platform": platform, "channel_id": channel_id}
        ).first()
        if row is not None:
            return PlanHead(row[0], row[1], row[2])
    newest = connection.execute(_HEAD_NEWEST).first()
    if newest is None or newest[2] > 1:
        return None
    return PlanHead(newest[0], newest[1], None)


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


def resolve_scope(
    *, session: Session, platform: str, channel_id: str | None, user_id: str | None = None
) -> Scope:
    """The bound group's plan, else default_plan for `user_id`. One query for a bound channel:
    every command starts here."""
    if channel_id:
        row = session.exec(
            _SCOPE_BOUND, params={"platform": platform, "channel_id": channel_id}
        ).first()
        if row is not None:
            group, plan = row
            return Scope(plan=plan, group=group)
    return Scope(plan=default_plan(session=session, platform=platform, user_id=user_id), group=None)


def plan_districts(*, session: Session, year: int | None = None) -> list[str]:
    """The districts (or municipalities) that have a plan (of `year`), each once, sorted."""
    stmt = sa_select(_PLAN_T.c.district).distinct()
    if year is not None:
        stmt = stmt.where(_PLAN_T.c.year == year)
    names: dict[str, str] = {}
    for (district,) in session.exec(stmt).all():
        names.setdefault(district.casefold(), district)
    return sorted(names.values(), key=str.casefold)


def districts_of_user(*, session: Session, platform: str, user_id: str) -> set[str]:
    """The districts whose plans have measures assigned to `user_id` (any year)."""
    rows = session.exec(
        sa_select(_PLAN_T.c.district)
        .distinct()
        .select_from(Assignment)
        .join(Measure, col(Measure.id) == Assignment.measure_id)
        .join(Plan, col(Plan.id) == Measure.plan_id)
        .where(Assignment.platform == platform, Assignment.user_id == user_id)
    ).all()
    return {district for (district,) in rows}


def several_districts(districts: list[str]) -> str:
    example = districts[0]
    return (
        f"Här finns åtgärdsplaner för flera stadsdelar eller kommuner: {', '.join(districts)}."
        " Skriv kommandot i gruppens kanal, eller koppla den här kanalen till en grupp i en av"
        f" planerna, till exempel `/atgard koppla SSP {example}`."
    )


def default_plan(*, session: Session, platform: str, user_id: str | None = None) -> Plan:
    """The plan of a channel bound to no group, or of a direct message: the newest plan.

    Where plans of more than one district (or municipality) share the workspace: the newest
    plan of the asker's own district, the one the measures assigned to them are in; else the
    newest plan if no other district has one of that year; else the asker is told to choose.
    Taking the newest plan of any district would file a follow-up for "1.3" under another
    district's measure 1.3.
    """
    districts = plan_districts(session=session)
    if len(districts) <= 1:
        return get_plan(session=session)
    if user_id:
        mine = {
            d.casefold()
            for d in districts_of_user(session=session, platform=platform, user_id=user_id)
        }
        if len(mine) == 1:
            return get_plan(session=session, district=mine.pop())
    newest = get_plan(session=session)
    if len(plan_districts(session=session, year=newest.year)) == 1:
        return newest
    raise ValidationError(several_districts(districts))


def areas(*, session: Session, plan_id: int) -> list[PriorityArea]:
    return list(
        session.exec(
            select(PriorityArea)
            .where(PriorityArea.plan_id == plan_id)
            .order_by(col(PriorityArea.number))
        )
    )
