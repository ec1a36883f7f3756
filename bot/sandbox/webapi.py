"""The Slack Web API methods the bot uses, answered from the sandbox's store.

The bot's WebClient points here through SLACK_API_URL, so the bot runs its real Slack code path.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from bot.sandbox.store import (
    APP_ID,
    BOT_USER_ID,
    SANDBOX_USER_ID,
    SANDBOX_USER_NAME,
    TEAM_ID,
    Channel,
    Message,
    Store,
)

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
UPLOAD_PREFIX = "/api/_upload/"

Json = dict[str, Any]


def read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


def parse_params(environ: dict[str, Any], body: bytes) -> Json:
    """Slack accepts form fields or JSON; JSON-valued form fields (blocks, view) are decoded."""
    ctype = environ.get("CONTENT_TYPE", "")
    params: Json = {}
    if "application/json" in ctype and body:
        params = json.loads(body.decode("utf-8"))
    elif body:
        params = {
            k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()
        }
    query = environ.get("QUERY_STRING", "")
    if query:
        for k, v in parse_qs(query).items():
            params.setdefault(k, v[-1])
    for key in ("blocks", "view", "files", "attachments", "metadata"):
        if isinstance(params.get(key), str) and params[key][:1] in "[{":
            params[key] = json.loads(params[key])
    return params


def json_response(
    start_response: Callable[..., Any], data: Json, status: str = "200 OK"
) -> Iterable[bytes]:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    start_response(
        status,
        [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


class FakeWebApi:
    """A WSGI app for /api/<method>."""

    def __init__(self, store: Store, base_url: Callable[[], str]) -> None:
        self.store = store
        self.base_url = base_url
        self.calls: list[str] = []
        # Message metadata by (channel, ts): what Slack keeps with a message and returns from
        # conversations.history with include_all_metadata (the reminders' crash recovery).
        self.metadata: dict[tuple[str, str], Json] = {}
        self.methods: dict[str, Callable[[Json], Json]] = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.post_message,
            "chat.postEphemeral": self.post_ephemeral,
            "chat.update": self.update,
            "views.open": self.views_open,
            "views.push": self.views_open,
            "views.update": self.views_update,
            "views.publish": self.views_publish,
            "files.getUploadURLExternal": self.upload_url,
            "files.completeUploadExternal": self.complete_upload,
            "files.info": self.files_info,
            "users.info": self.users_info,
            "conversations.info": self.conversations_info,
            "conversations.open": self.conversations_open,
            "conversations.history": self.conversations_history,
            "usergroups.users.list": lambda p: {"ok": True, "users": []},
        }

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        body = read_body(environ)
        if path.startswith(UPLOAD_PREFIX):
            up = self.store.uploads.get(path[len(UPLOAD_PREFIX) :])
            if up is None:
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                return [b"unknown upload"]
            up.content = body
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"OK - " + str(len(body)).encode()]
        method = path[len(API_PREFIX) :]
        self.calls.append(method)
        handler = self.methods.get(method)
        if handler is None:
            return json_response(start_response, {"ok": False, "error": "unknown_method"})
        try:
            params = parse_params(environ, body)
        except (ValueError, UnicodeDecodeError):
            return json_response(start_response, {"ok": False, "error": "invalid_form_data"})
        return json_response(start_response, handler(params))

    # --- methods ------------------------------------------------------------------------------

    def auth_test(self, p: Json) -> Json:
        return {
            "ok": True,
            "url": "http://sandlada.local/",
            "team": "Sandlådan",
            "user": "atgardsbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": "BSANDBOX",
            "app_id": APP_ID,
            "is_enterprise_install": False,
        }

    def _channel(self, channel: str) -> str | None:
        if channel in self.store.channels:
            return channel
        if channel.startswith(("U", "W")):  # a DM addressed by user id
            return self._open_im(channel)
        return None

    def _open_im(self, user: str) -> str:
        im = f"D{user[1:]}"
        if im not in self.store.channels:
            name = "Appens meddelanden" if user != BOT_USER_ID else user
            self.store.channels[im] = Channel(id=im, name=name, is_im=True)
        return im

    def _post(self, p: Json, *, ephemeral: bool) -> tuple[str, Message] | None:
        """Store what chat.postMessage / chat.postEphemeral was given; None: no such channel."""
        channel = self._channel(str(p.get("channel", "")))
        if channel is None:
            return None
        msg = self.store.add_message(
            channel=channel,
            user=BOT_USER_ID,
            text=str(p.get("text") or ""),
            blocks=p.get("blocks") or [],
            ephemeral=ephemeral,
        )
        return channel, msg

    def post_message(self, p: Json) -> Json:
        posted = self._post(p, ephemeral=False)
        if posted is None:
            return {"ok": False, "error": "channel_not_found"}
        channel, msg = posted
        metadata = p.get("metadata")
        if isinstance(metadata, dict) and metadata.get("event_type"):
            self.metadata[(channel, msg.ts)] = metadata
        return {
            "ok": True,
            "channel": channel,
            "ts": msg.ts,
            "message": {"text": msg.text, "ts": msg.ts, "blocks": msg.blocks},
        }

    def post_ephemeral(self, p: Json) -> Json:
        posted = self._post(p, ephemeral=True)
        if posted is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "message_ts": posted[1].ts}

    def update(self, p: Json) -> Json:
        msg = self.store.update_message(
            str(p.get("channel")), str(p.get("ts")), str(p.get("text") or ""), p.get("blocks") or []
        )
        if msg is None:
            return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "channel": msg.channel, "ts": msg.ts, "text": msg.text}

    def views_open(self, p: Json) -> Json:
        view = p.get("view")
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        user = self.store.pending_triggers.get(str(p.get("trigger_id")), SANDBOX_USER_ID)
        v = self.store.open_view(user, view)
        return {"ok": True, "view": {**view, "id": v.id}}

    def views_update(self, p: Json) -> Json:
        view = p.get("view")
        v = self.store.update_view(
            str(p.get("view_id") or ""), view if isinstance(view, dict) else {}
        )
        if v is None:
            return {"ok": False, "error": "not_found"}
        return {"ok": True, "view": {**v.view, "id": v.id}}

    def views_publish(self, p: Json) -> Json:
        view = p.get("view")
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        self.store.publish_home(str(p.get("user_id")), view)
        return {"ok": True, "view": {**view, "id": "VHOME"}}

    def upload_url(self, p: Json) -> Json:
        up = self.store.add_upload(str(p.get("filename") or "fil"), None)
        return {
            "ok": True,
            "upload_url": self.base_url() + UPLOAD_PREFIX.lstrip("/") + up.id,
            "file_id": up.id,
        }

    def complete_upload(self, p: Json) -> Json:
        files = p.get("files") or []
        channel = self._channel(str(p.get("channel_id") or p.get("channel") or ""))
        shown = []
        for f in files:
            up = self.store.uploads.get(str(f.get("id")))
            if up is None:
                return {"ok": False, "error": "file_not_found"}
            up.title = f.get("title") or up.filename
            shown.append(
                {
                    "id": up.id,
                    "name": up.filename,
                    "title": up.title,
                    "url": f"/sandbox/file/{up.id}",
                }
            )
        if channel is not None:
            self.store.add_message(
                channel=channel,
                user=BOT_USER_ID,
                text=str(p.get("initial_comment") or ""),
                files=shown,
            )
        return {
            "ok": True,
            "files": [{"id": f["id"], "title": f["title"], "name": f["name"]} for f in shown],
        }

    def files_info(self, p: Json) -> Json:
        up = self.store.uploads.get(str(p.get("file")))
        if up is None:
            return {"ok": False, "error": "file_not_found"}
        return {
            "ok": True,
            "file": {"id": up.id, "name": up.filename, "title": up.title, "size": len(up.content)},
        }

    def users_info(self, p: Json) -> Json:
        user = str(p.get("user"))
        name = SANDBOX_USER_NAME if user.startswith("USANDBOX") else user
        return {
            "ok": True,
            "user": {
                "id": user,
                "name": name,
                "real_name": name,
                "tz": "Europe/Stockholm",
                "profile": {"display_name": name, "real_name": name},
            },
        }

    def conversations_info(self, p: Json) -> Json:
        c = self.store.channels.get(str(p.get("channel")))
        if c is None:
            return {"ok": False, "error": "channel_not_found"}
        return {
            "ok": True,
            "channel": {
                "id": c.id,
                "name": c.name,
                "is_channel": not c.is_im,
                "is_im": c.is_im,
                "is_member": True,
                "is_archived": False,
            },
        }

    def conversations_open(self, p: Json) -> Json:
        users = str(p.get("users") or "").split(",")
        if not users or not users[0]:
            return {"ok": False, "error": "users_list_not_supplied"}
        return {"ok": True, "channel": {"id": self._open_im(users[0])}}

    def conversations_history(self, p: Json) -> Json:
        """Newest first after `oldest`, `limit` per page (cursor = offset), metadata on request."""
        channel = str(p.get("channel") or "")
        if channel not in self.store.channels:
            return {"ok": False, "error": "channel_not_found"}
        try:
            oldest = float(p.get("oldest") or 0)
            limit = max(1, min(int(p.get("limit") or 100), 999))
            start = int(p.get("cursor") or 0)
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        with_metadata = str(p.get("include_all_metadata", "")).lower() in ("1", "true")
        found = [
            m
            for m in list(self.store.messages)
            if m.channel == channel and not m.ephemeral and float(m.ts) > oldest
        ]
        found.sort(key=lambda m: m.id, reverse=True)
        page = found[start : start + limit]
        more = start + limit < len(found)
        messages = []
        for m in page:
            out: Json = {"type": "message", "user": m.user, "text": m.text, "ts": m.ts}
            if m.blocks:
                out["blocks"] = m.blocks
            meta = self.metadata.get((channel, m.ts))
            if with_metadata and meta is not None:
                out["metadata"] = meta
            messages.append(out)
        return {
            "ok": True,
            "messages": messages,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }
