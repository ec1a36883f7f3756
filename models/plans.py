"""Plans and the scope a chat channel works in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.errors import NotFound
from models.tables import Group, Plan, PriorityArea


@dataclass
class Scope:
    """The plan (and group, when the channel is bound) a command acts on."""

    plan: Plan
    group: Group | None


def latest_plan(*, session: Session) -> Plan | None:
    return session.exec(select(Plan).order_by(col(Plan.year).desc(), col(Plan.id).desc())).first()


def get_plan(*, session: Session, district: str | None = None, year: int | None = None) -> Plan:
    stmt = select(Plan).order_by(col(Plan.year).desc(), col(Plan.id).desc())
    if district:
        stmt = stmt.where(col(Plan.district).ilike(district))
    if year:
        stmt = stmt.where(Plan.year == year)
    plan = session.exec(stmt).first()
    if plan is None:
        raise NotFound(
            "Det finns ingen åtgärdsplan inläst ännu. Be en samordnare importera planen"
            " (`atgard import plan.xlsx`)."
            if not district and not year
            else "Hittade ingen åtgärdsplan för det området och året."
        )
    return plan


def group_for_channel(*, session: Session, platform: str, channel_id: str | None) -> Group | None:
    if not channel_id:
        return None
    return session.exec(
        select(Group).where(Group.platform == platform, Group.channel_id == channel_id)
    ).first()


def resolve_scope(*, session: Session, platform: str, channel_id: str | None) -> Scope:
    """The bound group's plan, else the newest plan. One query for a bound channel: every
    command starts here."""
    if channel_id:
        row = session.exec(
            select(Group, Plan)
            .join(Plan, col(Plan.id) == Group.plan_id)
            .where(Group.platform == platform, Group.channel_id == channel_id)
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
