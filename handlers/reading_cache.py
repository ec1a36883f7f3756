"""Replies read from a plan, kept while the plan is unchanged.

`lista` is the most used command and reads the whole plan's state (seven queries, ~7 ms of
ORM work; bench/results.md). Its answer depends only on the plan's contents, the day and
what was asked, so it is kept under (plan, revision, day, question): any change to the plan
bumps its revision in the same transaction (models.revision), so a stale answer is never
served — not even across processes, since the revision is read from the database.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from models.replies import Reply

MAX_ENTRIES = 1024

T = TypeVar("T")


def _copy(reply: Reply) -> Reply:
    """A copy the caller may change (the router masks texts in place)."""
    return replace(
        reply,
        sections=[
            replace(s, fields=list(s.fields), buttons=list(s.buttons)) for s in reply.sections
        ],
        images=list(reply.images),
        attachments=list(reply.attachments),
        errors=dict(reply.errors),
    )


@dataclass
class _Entry:
    reply: Reply
    # The reply as an adapter sends it, by tag: made once, on the first hit that asks.
    renderings: dict[str, Any] = field(default_factory=dict)


class ReadingCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._making: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()
        self._max = max_entries
        self.hits = 0
        self.misses = 0

    def _hit(self, key: Hashable) -> _Entry | None:
        """The entry under `key`, counted as a hit and made the newest; the lock is held."""
        cached = self._entries.get(key)
        if cached is not None:
            self._entries.move_to_end(key)
            self.hits += 1
        return cached

    def rendering(self, key: Hashable, tag: str, render: Callable[[Reply], T]) -> T | None:
        """The cached reply as `render` turns it into what an adapter sends, or None when
        nothing is cached; never computes the reply.

        `render` runs once per entry and tag (it gets a copy it may change), and what it
        returns is handed to every later hit as it is: callers must not change it. A hit
        then costs a dictionary look-up instead of a copy, the router's masking and the
        adapter's rendering (together a third of a cached `lista`; bench/results.md).
        """
        with self._lock:
            cached = self._hit(key)
            if cached is None:
                return None
            if tag in cached.renderings:
                return cached.renderings[tag]  # type: ignore[no-any-return]
            reply = _copy(cached.reply)
        made = render(reply)  # outside the lock: other hits need not wait for it
        with self._lock:
            return cached.renderings.setdefault(tag, made)  # type: ignore[no-any-return]

    def get_or_make(self, key: Hashable, make: Callable[[], Reply]) -> Reply:
        """The cached reply, or `make()`'s. Requests that miss the same key together wait
        for the first one's answer instead of all computing it (a burst of `lista` right
        after a change to a thousand-measure plan)."""
        mine: threading.Event | None = None
        while mine is None:
            with self._lock:
                cached = self._hit(key)
                if cached is not None:
                    return _copy(cached.reply)
                underway = self._making.get(key)
                if underway is None:
                    mine = self._making[key] = threading.Event()
                    self.misses += 1
                    break
            if not underway.wait(timeout=5.0):
                break  # the first one is stuck: make it without taking its place
        try:
            reply = make()
            if not reply.failed:
                with self._lock:
                    self._entries[key] = _Entry(_copy(reply))
                    while len(self._entries) > self._max:
                        self._entries.popitem(last=False)
        finally:
            if mine is not None:
                with self._lock:
                    del self._making[key]
                mine.set()
        return reply

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# One per process. Callers put the database URL in the key besides the plan id: two databases
# in one process (the tests) can hold plans with the same id and revision.
LISTS = ReadingCache()


class Memo:
    """Small facts read from the database, each kept beside the change counter it was read
    at (bot.db.change_counter): valid while the counter still says the same."""

    def __init__(self, max_entries: int = 4096) -> None:
        self._entries: dict[Hashable, tuple[Hashable, Any]] = {}
        self._max = max_entries

    def get(self, key: Hashable) -> tuple[Hashable, Any] | None:
        return self._entries.get(key)

    def put(self, key: Hashable, value: tuple[Hashable, Any]) -> None:
        if len(self._entries) >= self._max and key not in self._entries:
            self._entries.clear()  # rare (one entry per channel); the next reads refill it
        self._entries[key] = value


# Each channel's plan head (models.plans.PlanHead) for `lista`, by (database, platform, channel).
HEADS = Memo()
