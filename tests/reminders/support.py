"""Helpers for the reminder tests: a recording Notifier and small database helpers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlmodel import select

from bot.db import SessionFactory
from models.notify import DeliveryFailed
from models.replies import Reply
from models.tables import Group, Plan, Reminder

T = TypeVar("T")


@dataclass
class Sent:
    channel_id: str | None
    user_id: str | None
    reply: Reply
    key: str | None = None

    @property
    def target(self) -> str:
        return f"#{self.channel_id}" if self.channel_id else f"@{self.user_id}"


class RecordingNotifier:
    """Our Notifier boundary, recorded. `fail` maps a target to a DeliveryFailed to raise.

    It remembers the keys it delivered, so `delivered()` answers like a platform whose history
    can be read; `can_tell = False` makes it answer None ("cannot tell") instead.
    """

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.fail: dict[str, DeliveryFailed] = {}
        self.lock = threading.Lock()
        self.can_tell = True
        self.asked: list[str] = []

    def post(
        self,
        *,
        channel_id: str | None = None,
        user_id: str | None = None,
        reply: Reply,
        key: str | None = None,
    ) -> None:
        target = f"#{channel_id}" if channel_id else f"@{user_id}"
        if target in self.fail:
            raise self.fail[target]
        with self.lock:
            self.sent.append(Sent(channel_id, user_id, reply, key))

    def delivered(
        self,
        *,
        channel_id: str | None = None,
        user_id: str | None = None,
        key: str,
        since: datetime,
    ) -> bool | None:
        with self.lock:
            self.asked.append(key)
            if not self.can_tell:
                return None
            return any(
                s.key == key and (s.channel_id, s.user_id) == (channel_id, user_id)
                for s in self.sent
            )

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


def run_concurrently(fn: Callable[[], T], n: int, timeout: float = 120) -> list[T]:
    """`fn` in `n` threads at once (scanners racing each other); raises what any of them did."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(fn())
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert not errors, errors
    return results
