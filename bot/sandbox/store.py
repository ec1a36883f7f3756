"""What the sandbox's Slack "workspace" holds: channels, messages, open modals, App Home views.

In memory on purpose: it is a place to try the bot, and the bot's own database is the truth.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

BOT_USER_ID = "UBOTATGARD"
SANDBOX_USER_ID = "USANDBOX1"
SANDBOX_USER_NAME = "Du (sandlådan)"
# The handle Slack sends as user_name with a command and as user.username with a click: the same
# in both, or the history names one person two ways.
SANDBOX_USER_HANDLE = "du"
TEAM_ID = "TSANDBOX"
APP_ID = "ASANDBOX"


@dataclass
class Channel:
    id: str
    name: str
    group: str | None = None  # the collaboration group bound at start
    is_im: bool = False


@dataclass
class Message:
    id: int
    ts: str
    channel: str
    user: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    ephemeral: bool = False
    files: list[dict[str, str]] = field(default_factory=list)
    command: str | None = None  # what the sandbox user typed, shown greyed

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ts": self.ts,
            "channel": self.channel,
            "user": self.user,
            "text": self.text,
            "blocks": self.blocks,
            "ephemeral": self.ephemeral,
            "files": self.files,
            "command": self.command,
        }


@dataclass
class View:
    id: str
    user: str
    view: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Upload:
    id: str
    filename: str
    title: str | None = None
    content: bytes = b""


class Store:
    """Thread-safe: the bot's Web API calls and the page's polls arrive on different threads."""

    def __init__(self, channels: list[Channel]) -> None:
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self.channels: dict[str, Channel] = {c.id: c for c in channels}
        self.messages: list[Message] = []
        self.views: dict[str, View] = {}  # open modals by view id
        self.home: dict[str, dict[str, Any]] = {}  # App Home view by user
        self.uploads: dict[str, Upload] = {}
        self.pending_triggers: dict[str, str] = {}  # trigger_id -> user, for views.open
        # response_url token -> (channel, the message a button was pressed on, if any)
        self.response_urls: dict[str, tuple[str, int | None]] = {}
        self.version = 0
        # Versions count from 0 in every run: a page open across a restart names the store it
        # saw, so an equal number from a new run is not taken for "nothing changed".
        self.run_id = secrets.token_hex(6)
        self.closed = False
        self._changed = threading.Condition(self._lock)
        _STORES.add(self)

    def _bump(self) -> None:
        self.version += 1
        self._changed.notify_all()

    def next_id(self) -> int:
        return next(self._seq)

    def new_ts(self) -> str:
        # Slack's ts is "seconds.micro" and unique per channel; the sequence keeps it unique.
        return f"{time.time():.0f}.{self.next_id():06d}"

    def add_message(self, **kwargs: Any) -> Message:
        with self._lock:
            msg = Message(id=self.next_id(), ts=self.new_ts(), **kwargs)
            self.messages.append(msg)
            self._bump()
            return msg

    def update_message(
        self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]
    ) -> Message | None:
        with self._lock:
            for msg in self.messages:
                if msg.channel == channel and msg.ts == ts:
                    msg.text, msg.blocks = text, blocks
                    self._bump()
                    return msg
        return None

    def replace_message(self, message_id: int, text: str, blocks: list[dict[str, Any]]) -> bool:
        """What replace_original does: the message keeps its place, its content is new."""
        with self._lock:
            for msg in self.messages:
                if msg.id == message_id:
                    msg.text, msg.blocks, msg.files = text, blocks, []
                    self._bump()
                    return True
        return False

    def delete_message(self, message_id: int) -> None:
        with self._lock:
            self.messages = [m for m in self.messages if m.id != message_id]
            self._bump()

    def find_message(self, message_id: int) -> Message | None:
        with self._lock:
            return next((m for m in self.messages if m.id == message_id), None)

    def open_view(self, user: str, view: dict[str, Any]) -> View:
        with self._lock:
            v = View(id=f"V{self.next_id():08d}", user=user, view=view)
            self.views[v.id] = v
            self._bump()
            return v

    def update_view(self, view_id: str, view: dict[str, Any]) -> View | None:
        with self._lock:
            v = self.views.get(view_id)
            if v is not None:
                v.view, v.errors = view, {}
                self._bump()
            return v

    def close_view(self, view_id: str) -> None:
        with self._lock:
            self.views.pop(view_id, None)
            self._bump()

    def set_view_errors(self, view_id: str, errors: dict[str, str]) -> None:
        with self._lock:
            v = self.views.get(view_id)
            if v is not None:
                v.errors = errors
                self._bump()

    def publish_home(self, user: str, view: dict[str, Any]) -> None:
        with self._lock:
            self.home[user] = view
            self._bump()

    def add_upload(self, filename: str, title: str | None) -> Upload:
        with self._lock:
            up = Upload(id=f"F{self.next_id():08d}", filename=filename, title=title)
            self.uploads[up.id] = up
            return up

    def wait_for_change(self, since: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.version != since or self.closed, timeout=timeout)
            return self.version

    def close(self) -> None:
        """The server stops: answer the page's waiting polls now, so the worker can exit."""
        with self._lock:
            self.closed = True
            self._changed.notify_all()

    def snapshot(self, user: str) -> dict[str, Any]:
        with self._lock:
            return {
                "version": self.version,
                "run": self.run_id,
                "channels": [
                    {"id": c.id, "name": c.name, "group": c.group, "is_im": c.is_im}
                    for c in self.channels.values()
                ],
                # One person uses a sandbox, so every ephemeral message is theirs to see.
                "messages": [m.as_json() for m in self.messages],
                "views": [
                    {"id": v.id, "view": v.view, "errors": v.errors}
                    for v in self.views.values()
                    if v.user == user
                ],
                "home": self.home.get(user),
            }


# Every store of this process, for close_all_stores (a weak set: tests build many sandboxes).
_STORES: weakref.WeakSet[Store] = weakref.WeakSet()


def close_all_stores() -> None:
    """On Ctrl+C: a page's long poll would hold the worker until gunicorn kills it (10 s and
    "Worker was sent SIGKILL! Perhaps out of memory?" in the terminal)."""
    for store in list(_STORES):
        store.close()
