"""Outbound messages go through a Notifier; each chat platform provides one."""

from __future__ import annotations

from typing import Protocol

from models.replies import Reply


class DeliveryFailed(Exception):
    """A message could not be delivered. `permanent` means: do not retry (archived channel, bot removed)."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Notifier(Protocol):
    """Sends a neutral Reply to a channel or, by direct message, to a user."""

    def post(
        self, *, channel_id: str | None = None, user_id: str | None = None, reply: Reply
    ) -> None:
        """Deliver or raise DeliveryFailed. Transient errors are retried inside, with backoff."""
        ...
