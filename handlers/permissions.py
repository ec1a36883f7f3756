"""Who may do what. Refusals raise NotAllowed and are audited by the router."""

from __future__ import annotations

from typing import Protocol

from sqlmodel import Session, select

from bot.textsafety import genitive
from handlers.context import CommandContext
from models.errors import NotAllowed
from models.tables import Assignment, Group, Measure


# What the checks read: ORM objects (Scope, Measure) and the light rows of a change
# (models.measures.ScopeRef, MeasureRef) both have it.
class _Named(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...


class _InGroup(Protocol):
    @property
    def group(self) -> _Named | None: ...


class _Owned(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def ref(self) -> str: ...
    @property
    def group_id(self) -> int | None: ...


def is_coordinator(ctx: CommandContext) -> bool:
    """Configured admins, or members of the coordinators' user group.

    With no admin configured at all every member is a coordinator: a fresh trial install
    must be usable before anyone has written an admin list.
    """
    s = ctx.settings
    if not s.admin_user_ids and not s.coordinator_usergroup:
        return True
    if ctx.actor.user_id in s.admin_user_ids:
        return True
    return bool(s.coordinator_usergroup and s.coordinator_usergroup in ctx.actor_groups)


def require_coordinator(ctx: CommandContext, what: str) -> None:
    if not is_coordinator(ctx):
        raise NotAllowed(f"Bara samordnare kan {what}. Be en samordnare om hjälp.")


def require_may_track(
    *, session: Session, ctx: CommandContext, scope: _InGroup, measure: _Owned
) -> None:
    """Members log follow-ups, tick-offs and meetings for their own group's measures only.

    A direct message or an unbound channel belongs to no group, so there only assigned people
    and coordinators may act on a group's measure.
    """
    if measure.group_id is None:
        return
    if scope.group is not None and scope.group.id == measure.group_id:
        return
    if coordinators_configured(ctx) and is_coordinator(ctx):
        return
    if _is_assigned(session, measure, ctx.actor.user_id):
        return
    owner = session.get(Group, measure.group_id)
    owner_name = owner.name if owner else "en annan grupp"
    where = f", inte till {scope.group.name}" if scope.group is not None else ""
    raise NotAllowed(
        f"Åtgärd {measure.ref} hör till {owner_name}{where}."
        f" Skriv i {genitive(owner_name)} kanal, eller be en samordnare."
    )


def coordinators_configured(ctx: CommandContext) -> bool:
    return bool(ctx.settings.admin_user_ids or ctx.settings.coordinator_usergroup)


def require_coordinator_for_other_group(ctx: CommandContext, scope: _InGroup, group: Group) -> None:
    """Logging or planning another group's meetings is for coordinators."""
    if scope.group is not None and scope.group.id == group.id:
        return
    require_coordinator(ctx, f"logga eller planera möten för {group.name} härifrån")


def require_may_manage(
    *, session: Session, ctx: CommandContext, measure: Measure, what: str
) -> None:
    """Assigned responsible people and coordinators change rhythms and assignments."""
    if is_coordinator(ctx) or _is_assigned(session, measure, ctx.actor.user_id):
        return
    raise NotAllowed(f"Bara ansvariga för åtgärd {measure.ref} och samordnare kan {what}.")


def _is_assigned(session: Session, measure: _Owned | Measure, user_id: str) -> bool:
    return (
        session.exec(
            select(Assignment.id).where(
                Assignment.measure_id == measure.id, Assignment.user_id == user_id
            )
        ).first()
        is not None
    )
