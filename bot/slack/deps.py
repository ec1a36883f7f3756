"""What listeners need from the process: settings, the session factory, the clock.

Put on Bolt's context by each listener's wrapper (`with_deps`). Bolt deep-copies the context for lazy
listeners; `Deps` returns itself from `__deepcopy__` so every thread shares one
connection pool instead of copying the engine.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.db import SessionFactory
from bot.slack.authorization import on_the_way_to_an_ack
from handlers.context import CommandContext, system_clock
from models.replies import Actor

log = logging.getLogger(__name__)

DEPS_KEY = "atgard_deps"
USERGROUP_TTL_SECONDS = 300.0
USERGROUP_RETRY_SECONDS = 10.0  # after a failed look-up


@dataclass
class _UsergroupCache:
    members: frozenset[str] = frozenset()
    fetched_at: float = -1e9
    retry_at: float = -1e9
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Deps:
    settings: Settings
    session_factory: SessionFactory
    clock: Callable[[], datetime] = system_clock
    # Runs what follows an ack (channel posts, forms, files): Bolt's listener executor.
    background: Executor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=10))
    _coordinators: _UsergroupCache = field(default_factory=_UsergroupCache)

    def __copy__(self) -> Deps:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Deps:
        return self

    def actor_groups(self, client: WebClient, user_id: str) -> frozenset[str]:
        """The coordinators' user group, if the user is in it (members cached for 5 minutes)."""
        group = self.settings.coordinator_usergroup
        if not group:
            return frozenset()
        cache = self._coordinators
        with cache.lock:
            now = time.monotonic()
            if now - cache.fetched_at > USERGROUP_TTL_SECONDS and now >= cache.retry_at:
                try:
                    # A submitted form waits for this in its answer, which Slack wants in 3 s.
                    asker = on_the_way_to_an_ack(client)
                    resp = asker.usergroups_users_list(usergroup=group)
                    cache.members = frozenset(resp.get("users") or [])
                    cache.fetched_at = time.monotonic()
                except Exception as e:  # any failure (an error, a 500, no network) alike
                    # An expired list is not kept: someone removed from the group since must
                    # not stay a coordinator while Slack cannot answer. Nobody is one until it
                    # can; asked again after a pause, not on every request meanwhile.
                    cache.members = frozenset()
                    cache.retry_at = now + USERGROUP_RETRY_SECONDS
                    reason = e.response.get("error") if isinstance(e, SlackApiError) else None
                    log.warning(
                        "could not read the coordinators' user group: %s",
                        reason or type(e).__name__,
                    )
            members = cache.members
        return frozenset({group}) if user_id in members else frozenset()

    def command_context(
        self,
        client: WebClient,
        *,
        user_id: str,
        user_name: str | None,
        channel_id: str | None,
        request_key: str | None = None,
        groups: bool = True,
    ) -> CommandContext:
        """`groups=False` leaves out the actor's user groups (which may call Slack)."""
        return CommandContext(
            self.session_factory,
            self.settings,
            Actor(user_id, user_name, "slack"),
            channel_id=channel_id or None,
            clock=self.clock,
            actor_groups=self.actor_groups(client, user_id) if groups else frozenset(),
            request_key=request_key,
            # Slack's one-to-one conversations (the bot's DM with the user) have ids from D.
            direct_message=bool(channel_id) and channel_id.startswith("D"),
        )


def deps_of(context: Any) -> Deps:
    return context[DEPS_KEY]


Listener = TypeVar("Listener", bound=Callable[..., Any])


def with_deps(deps: Deps, listener: Listener) -> Listener:
    """`listener`, with `deps` in its context (for deps_of) before it runs.

    Instead of a Bolt middleware, which Bolt runs on every request (~40 µs each, a tenth of a
    cached `lista`). Bolt reads the listener's argument names through `functools.wraps`'s
    __wrapped__ and calls it with keyword arguments; `listener` must take `context`.
    """

    @functools.wraps(listener)
    def run(**kwargs: Any) -> Any:
        kwargs["context"][DEPS_KEY] = deps
        return listener(**kwargs)

    return run  # type: ignore[return-value]
