"""Outbound messages go through a Notifier; each chat platform provides one."""

from __future__ import annotations

from datetime import datetime
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
        self,
        *,
        channel_id: str | None = None,
        user_id: str | None = None,
        reply: Reply,
        key: str | None = None,
    ) -> None:
        """Deliver or raise DeliveryFailed. Transient errors are retried inside, with backoff.

        `key` (a reminder's key) is attached to the message where the platform can store it,
        so that `delivered()` can find the message again after a crash.
        """
        ...

    def delivered(
        self,
        *,
        channel_id: str | None = None,
        user_id: str | None = None,
        key: str,
        since: datetime,
    ) -> bool | None:
        """Was a message posted with `key` to this target at or after `since`?

        True: it is there; False: it is not; None: cannot tell (no history access, an API
        error, too much history). Never raises. The dispatcher asks this only about a send
        that a crashed process left unfinished.
        """
        ...
