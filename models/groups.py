"""Collaboration groups and their channel bindings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.textsafety import clean_text
from models import audit
from models.errors import ValidationError
from models.personal_data import check_text
from models.replies import Actor
from models.tables import Group, GroupKind, Measure, Plan, Reminder

# How a group's name maps to its kind; own groups are "annan".
_KIND_PATTERNS: list[tuple[re.Pattern[str], GroupKind]] = [
    (re.compile(r"\bsspf?\b", re.I), GroupKind.SSP),
    (re.compile(r"\best\b", re.I), GroupKind.EST),
    (
        re.compile(r"trygghets(-| och säkerhets)?råd|säkerhetsråd|trygghetsrad", re.I),
        GroupKind.TRYGGHETSRAD,
    ),
]

# Words in a measure's text that tie it to a group kind (used to link measures when binding).
_MEASURE_MARKERS: dict[GroupKind, re.Pattern[str]] = {
    GroupKind.SSP: re.compile(r"\bSSPF?\b"),
    GroupKind.EST: re.compile(r"\bEST\b"),
    GroupKind.TRYGGHETSRAD: re.compile(r"trygghets- och säkerhetsråd|trygghetsråd", re.I),
}

CANONICAL_NAMES = {
    GroupKind.SSP: "SSP",
    GroupKind.EST: "EST",
    GroupKind.TRYGGHETSRAD: "Trygghetsrådet",
}


@dataclass(frozen=True)
class GroupDefaults:
    """What a new group starts with (from the deployment's settings)."""

    reminder_days_before: int = 3
    digest_weekday: int = 0
    digest_time: str = "08:00"


def kind_of(name: str) -> GroupKind:
    for pattern, kind in _KIND_PATTERNS:
        if pattern.search(name):
            return kind
    return GroupKind.OTHER


def pick_group(groups: Sequence[Group], name: str) -> Group | None:
    """The group called `name` (ignoring case), else the one of its kind (SSP, EST and
    Trygghetsrådet spelled another way)."""
    for g in groups:
        if g.name.lower() == name.lower():
            return g
    kind = kind_of(name)
    if kind is not GroupKind.OTHER:
        for g in groups:
            if g.kind == kind:
                return g
    return None


def find_group(*, session: Session, plan_id: int, name: str) -> Group | None:
    return pick_group(list(session.exec(select(Group).where(Group.plan_id == plan_id))), name)


def groups_of_plan(*, session: Session, plan_id: int) -> list[Group]:
    return list(session.exec(select(Group).where(Group.plan_id == plan_id).order_by(col(Group.id))))


def bind_channel(
    *,
    session: Session,
    plan: Plan,
    name: str,
    platform: str,
    channel_id: str,
    actor: Actor | None,
    defaults: GroupDefaults | None = None,
    now: datetime | None = None,
) -> tuple[Group, list[str]]:
    """Bind the channel to the named group (created if new); returns the group and newly linked refs."""
    name = " ".join(clean_text(name).split())
    check_text(name, field="name")
    if not name or len(name) > 60:
        raise ValidationError("Gruppens namn ska vara 1–60 tecken, till exempel SSP eller EST.")
    kind = kind_of(name)
    name = CANONICAL_NAMES.get(kind, name) if kind is not GroupKind.OTHER else name
    group = find_group(session=session, plan_id=plan.id, name=name)  # type: ignore[arg-type]
    before = None
    # A channel belongs to one group: unbind it from any other first.
    for other in session.exec(
        select(Group).where(Group.platform == platform, Group.channel_id == channel_id)
    ):
        if group is None or other.id != group.id:
            other.channel_id = None
            other.platform = None
            session.add(other)
    session.flush()
    if group is None:
        d = defaults or GroupDefaults()
        group = Group(
            plan_id=plan.id,  # type: ignore[arg-type]
            name=name,
            kind=kind,
            reminder_days_before=d.reminder_days_before,
            digest_weekday=d.digest_weekday,
            digest_time=d.digest_time,
        )
    else:
        before = {"channel_id": group.channel_id, "platform": group.platform}
    group.platform = platform
    group.channel_id = channel_id
    session.add(group)
    session.flush()
    linked = link_measures(session=session, group=group)
    audit.record(
        session=session,
        actor=actor,
        action="koppla",
        entity="group",
        entity_id=group.name,
        before=before,
        after={"channel_id": channel_id, "platform": platform, "linked": linked},
        at=now,
    )
    return group, linked


def release_channel(
    *, session: Session, platform: str, channel_id: str, reason: str, now: datetime
) -> list[str]:
    """The channel is gone for the bot (archived, deleted, or a private channel it was removed
    from): the groups bound to it are unbound, so no digest or reminder is planned for it
    again, and the messages still waiting for it are dropped. Returns the groups' names.

    Nothing else changes: the groups keep their measures and meetings, and `koppla` in another
    channel binds them again."""
    names: list[str] = []
    for group in session.exec(
        select(Group).where(Group.platform == platform, Group.channel_id == channel_id)
    ):
        group.channel_id = None
        group.platform = None
        session.add(group)
        names.append(group.name)
        audit.record(
            session=session,
            actor=None,
            action="frikopplad",
            entity="group",
            entity_id=group.name,
            before={"channel_id": channel_id, "platform": platform},
            after={"reason": reason},
            at=now,
        )
    session.execute(
        update(Reminder)
        .where(
            col(Reminder.platform) == platform,
            col(Reminder.channel_id) == channel_id,
            col(Reminder.status) == "pending",
        )
        .values(status="dropped", last_error=f"kanalen nås inte: {reason}"[:2000])
    )
    session.flush()
    return names


def link_measures(*, session: Session, group: Group) -> list[str]:
    """Give the group the unowned measures whose text names it (SSP, EST, trygghetsråd)."""
    marker = _MEASURE_MARKERS.get(GroupKind(group.kind))
    if marker is None:
        return []
    linked: list[str] = []
    for m in session.exec(
        select(Measure).where(Measure.plan_id == group.plan_id, col(Measure.group_id).is_(None))
    ):
        if marker.search(m.description or ""):
            m.group_id = group.id
            session.add(m)
            linked.append(m.ref)
    return linked
