"""Outbound messages go through a Notifier; each chat platform provides one."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from models.replies import Reply


class DeliveryFailed(Exception):
    """A message could not be delivered. `permanent` means: do not retry (archived channel, bot removed)."""

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool,
        explanation: str | None = None,
        conversation_gone: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason  # the platform's code, for logic and logs ("channel_not_found")
        self.permanent = permanent
        self.explanation = explanation  # the same in Swedish, for people ("kanalen finns inte")
        # The conversation itself is gone for the bot (archived, deleted): a group bound to
        # it will never be reached there again (reminders.dispatcher unbinds it).
        self.conversation_gone = conversation_gone

    @property
    def described(self) -> str:
        """What people are told: the explanation with the code for support, or the code."""
        return f"{self.explanation} ({self.reason})" if self.explanation else self.reason


class AccessLost(DeliveryFailed):
    """The platform refuses the bot itself (the app was uninstalled, its token revoked or
    expired): nothing can be delivered until access is back, whatever the message. Not the
    message's fault, so it is not given up: the dispatcher pauses the platform
    (models.access) and the message waits. `permanent` is False for callers that only know
    DeliveryFailed: trying again later is right."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, permanent=False)


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
        """Deliver or raise DeliveryFailed (AccessLost when the platform refuses the bot
        itself). Transient errors are retried inside, with backoff.

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

    def access_ok(self) -> bool | None:
        """Does the platform accept the bot's credentials (again)? Asked only while sending is
        paused (models.access), at most every PROBE_EVERY. True: yes; False: still refused,
        or no answer (a network error): ask again later; None: cannot tell, the next send
        will show. Never raises. Optional: without it the answer is taken to be None."""
        ...
