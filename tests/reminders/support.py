"""Helpers for the reminder tests: a recording Notifier and small database helpers."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import select

from bot.db import SessionFactory
from models.notify import DeliveryFailed
from models.replies import Reply
from models.tables import Group, Plan, Reminder


@dataclass
class Sent:
    channel_id: str | None
    user_id: str | None
    reply: Reply

    @property
    def target(self) -> str:
        return f"#{self.channel_id}" if self.channel_id else f"@{self.user_id}"


class RecordingNotifier:
    """Our Notifier boundary, recorded. `fail` maps a target to a DeliveryFailed to raise."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.fail: dict[str, DeliveryFailed] = {}
        self.lock = threading.Lock()

    def post(
        self, *, channel_id: str | None = None, user_id: str | None = None, reply: Reply
    ) -> None:
        target = f"#{channel_id}" if channel_id else f"@{user_id}"
        if target in self.fail:
            raise self.fail[target]
        with self.lock:
            self.sent.append(Sent(channel_id, user_id, reply))

    def to(self, target: str) -> list[Sent]:
        return [s for s in self.sent if s.target == target]


@dataclass
class Bound:
    plan: Plan
    ssp: Group
    est: Group


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def rows(session_factory: SessionFactory, kind: str | None = None) -> list[Reminder]:
    with session_factory() as s:
        stmt = select(Reminder).order_by(Reminder.due_at, Reminder.id)  # type: ignore[arg-type]
        if kind:
            stmt = stmt.where(Reminder.kind == kind)
        return list(s.exec(stmt))


def plan_meeting(
    session_factory: SessionFactory, group: Group, day: date, start: str | None = None
) -> None:
    from models.meetings import plan_meetings

    with session_factory.begin() as s:
        g = s.get(Group, group.id)
        plan_meetings(session=s, group=g, dates=[day], start_time=start, actor=None)  # type: ignore[arg-type]
