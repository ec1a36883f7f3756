"""What every neutral command handler gets: who, where, when, and how to reach the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlmodel import Session

from bot.config import Settings
from bot.db import SessionFactory, writer_gate
from models.idempotency import claim
from models.replies import Actor


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class CommandContext:
    session_factory: SessionFactory
    settings: Settings
    actor: Actor
    channel_id: str | None = None
    clock: Callable[[], datetime] = field(default=system_clock)
    # Ids of chat user groups the actor belongs to, when the adapter knows them.
    actor_groups: frozenset[str] = frozenset()
    # Identifies this request across retries (Slack's trigger id, a modal's view id).
    request_key: str | None = None
    # The adapter says the channel is a one-to-one conversation with the bot (each platform
    # tells it its own way: Slack's DM ids start with D, Teams says "personal").
    direct_message: bool = False
    # How many write transactions this request has begun: tells the router whether a
    # command that failed could have stored something (see router.guarded).
    writes_begun: int = field(default=0, init=False)

    @property
    def platform(self) -> str:
        return self.actor.platform

    @property
    def in_direct_message(self) -> bool:
        """No channel, or a one-to-one conversation."""
        return not self.channel_id or self.direct_message

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone(self.settings.tz).date()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A transaction for a change; claims the request key so a retry cannot store twice."""
        self.writes_begun += 1
        with writer_gate(self.session_factory.kw["bind"]), self.session_factory.begin() as s:
            yield s
            # Claimed last, still inside the transaction: a duplicate rolls everything back,
            # and SQLite's single write lock is held only for the final flush and commit.
            claim(s, self.request_key)
