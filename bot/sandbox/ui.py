"""The sandbox page's own API: it plays the Slack client and sends signed requests to the bot."""

from __future__ import annotations

import json
import logging
import mimetypes
import re
import secrets
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from datetime import timedelta
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from slack_sdk.signature import SignatureVerifier

from bot.sandbox.clock import SandboxClock
from bot.sandbox.store import (
    APP_ID,
    BOT_USER_ID,
    SANDBOX_USER_HANDLE,
    SANDBOX_USER_ID,
    TEAM_ID,
    Store,
)
from bot.sandbox.webapi import json_response, read_body
from bot.textsafety import escape_mrkdwn

log = logging.getLogger(__name__)

STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
# The bot's exports, typed so the browser opens them with the right program; a machine's own
# MIME table (mimetypes) may lack .xlsx.
DOWNLOAD_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".html": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".png": "image/png",
}
MAX_FAST_FORWARD_DAYS = 120


# The one person in the sandbox's workspace, as the page shows them ("@du").
SANDBOX_MENTION = re.compile(r"(?<![\w<@])@du\b", re.IGNORECASE)


def escape_mentions(text: str) -> str:
    """What Slack's client sends for a command with should_escape (manifest.yml): a person
    picked after @ as <@U…|name>, the id `/atgard ansvarig 1.3 @du` needs, and every &, <
    and > the user typed as &amp;, &lt; and &gt; (so "<@U1>" typed is text, not a mention)."""
    pieces = SANDBOX_MENTION.split(text)
    # Slack escapes a command's text exactly as a message's mrkdwn is escaped.
    return f"<@{SANDBOX_USER_ID}|du>".join(escape_mrkdwn(p) for p in pieces)


def download_type(filename: str) -> str:
    ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return (
        DOWNLOAD_TYPES.get(ext) or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    )


def attachment_header(filename: str) -> str:
    """Content-Disposition for a download named like the bot named it ("Läge per område.png").

    HTTP headers are Latin-1: the name goes UTF-8 encoded in filename* (RFC 6266), which every
    browser reads, with an ASCII name beside it for the rest; a raw "–" would break the response.
    """
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r'["\\\x00-\x1f]', "", plain).strip() or "fil"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


class SandboxUi:
    """WSGI app for the page (/, /static/*) and its JSON API (/sandbox/*)."""

    def __init__(
        self,
        store: Store,
        *,
        bot_url: Callable[[], str],
        signing_secret: str,
        clock: SandboxClock,
        on_time_travel: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.bot_url = bot_url
        self.signer = SignatureVerifier(signing_secret)
        self.clock = clock
        self.on_time_travel = on_time_travel

    # --- plumbing -----------------------------------------------------------------------------

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "GET" and path in ("/", "/index.html"):
            return self._static("index.html", start_response)
        if method == "GET" and path.startswith("/static/"):
            return self._static(path[len("/static/") :], start_response)
        if method == "GET" and path == "/sandbox/state":
            return self._state(environ, start_response)
        if method == "GET" and path.startswith("/sandbox/file/"):
            return self._file(path.rsplit("/", 1)[-1], start_response)
        if method == "POST" and path.startswith("/sandbox/response/"):
            return self._response_url(path.rsplit("/", 1)[-1], read_body(environ), start_response)
        if method == "POST" and path.startswith("/sandbox/"):
            try:
                data = json.loads(read_body(environ) or b"{}")
            except ValueError:
                return json_response(
                    start_response, {"ok": False, "error": "Ogiltig JSON."}, "400 Bad Request"
                )
            action = path[len("/sandbox/") :]
            handler = {
                "command": self.command,
                "action": self.action,
                "submit": self.submit,
                "close": self.close,
                "home": self.home,
                "clock": self.fast_forward,
            }.get(action)
            if handler is not None:
                return json_response(start_response, handler(data))
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"Finns inte."]

    def _static(self, name: str, start_response: Callable[..., Any]) -> Iterable[bytes]:
        if "/" in name or name.startswith("."):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b""]
        res = resources.files("bot.sandbox").joinpath("static", name)
        if not res.is_file():
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b""]
        body = res.read_bytes()
        ext = "." + name.rsplit(".", 1)[-1]
        start_response(
            "200 OK",
            [
                ("Content-Type", STATIC_TYPES.get(ext, "application/octet-stream")),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]

    def _state(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        since = int(query.get("since", ["-1"])[0] or -1)
        wait = min(float(query.get("wait", ["0"])[0] or 0), 25.0)
        run = query.get("run", [""])[0]
        if wait > 0 and run in ("", self.store.run_id):
            self.store.wait_for_change(since, wait)
        snap = self.store.snapshot(SANDBOX_USER_ID)
        snap["now"] = self.clock().isoformat()
        return json_response(start_response, snap)

    def _file(self, file_id: str, start_response: Callable[..., Any]) -> Iterable[bytes]:
        up = self.store.uploads.get(file_id)
        if up is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b""]
        start_response(
            "200 OK",
            [
                ("Content-Type", download_type(up.filename)),
                ("Content-Disposition", attachment_header(up.filename)),
                ("Content-Length", str(len(up.content))),
            ],
        )
        return [up.content]

    def _response_url(
        self, token: str, body: bytes, start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Bolt's respond() posts here, as Slack's response_url would accept it."""
        target = self.store.response_urls.get(token)
        if target is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"expired_url"]
        channel, message_id = target
        data = json.loads(body or b"{}")
        text, blocks = str(data.get("text") or ""), data.get("blocks") or []
        # Slack changes the message the button was on in place (the list's "Nästa sida").
        if message_id is not None and data.get("delete_original"):
            self.store.delete_message(message_id)
        elif message_id is not None and data.get("replace_original") is True:
            self.store.replace_message(message_id, text, blocks)
        elif not data.get("delete_original"):
            in_channel = data.get("response_type") == "in_channel"
            self.store.add_message(
                channel=channel,
                user=BOT_USER_ID,
                text=text,
                blocks=blocks,
                ephemeral=not in_channel,
            )
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    # --- sending to the bot, signed like Slack ------------------------------------------------

    def _post_to_bot(self, body: str, content_type: str) -> tuple[int, bytes]:
        ts = str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self.signer.generate_signature(timestamp=ts, body=body),
        }
        req = urllib.request.Request(
            self.bot_url(), data=body.encode("utf-8"), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()
        except OSError as e:
            log.warning("sandbox could not reach the bot: %s", type(e).__name__)
            return 599, b""

    def _new_trigger(self) -> str:
        trigger = f"{int(time.time())}.{secrets.token_hex(6)}"
        self.store.pending_triggers[trigger] = SANDBOX_USER_ID
        return trigger

    def _new_response_url(self, channel: str, message_id: int | None = None) -> str:
        token = secrets.token_urlsafe(12)
        self.store.response_urls[token] = (channel, message_id)
        base = self.bot_url().rsplit("/slack/events", 1)[0]
        return f"{base}/sandbox/response/{token}"

    def _user(self) -> dict[str, str]:
        return {
            "id": SANDBOX_USER_ID,
            "username": SANDBOX_USER_HANDLE,
            "name": SANDBOX_USER_HANDLE,
            "team_id": TEAM_ID,
        }

    # --- what the page can do -----------------------------------------------------------------

    def command(self, data: dict[str, Any]) -> dict[str, Any]:
        channel = str(data.get("channel") or "")
        text = str(data.get("text") or "").strip()
        if channel not in self.store.channels:
            return {"ok": False, "error": "Välj en kanal."}
        if text.startswith("/atgard"):
            text = text[len("/atgard") :].strip()
        elif text.startswith("/"):
            return {"ok": False, "error": "Sandlådan känner bara till /atgard."}
        self.store.add_message(
            channel=channel,
            user=SANDBOX_USER_ID,
            text="",
            command=f"/atgard {text}".strip(),
            ephemeral=True,
        )
        form = {
            "token": "sandbox",
            "team_id": TEAM_ID,
            "team_domain": "sandlada",
            "channel_id": channel,
            "channel_name": self.store.channels[channel].name,
            "user_id": SANDBOX_USER_ID,
            "user_name": SANDBOX_USER_HANDLE,
            "command": "/atgard",
            "text": escape_mentions(text),
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": self._new_response_url(channel),
            "trigger_id": self._new_trigger(),
        }
        status, body = self._post_to_bot(urlencode(form), "application/x-www-form-urlencoded")
        self._show_ack(channel, status, body)
        return {"ok": status == 200, "status": status}

    def _show_ack(self, channel: str, status: int, body: bytes) -> None:
        if status != 200:
            self.store.add_message(
                channel=channel,
                user=BOT_USER_ID,
                text=f"Boten svarade inte (HTTP {status}).",
                ephemeral=True,
            )
            return
        if body.strip():
            try:
                data = json.loads(body)
            except ValueError:
                data = {"text": body.decode("utf-8", "replace")}
            if isinstance(data, dict) and (data.get("text") or data.get("blocks")):
                self.store.add_message(
                    channel=channel,
                    user=BOT_USER_ID,
                    text=str(data.get("text") or ""),
                    blocks=data.get("blocks") or [],
                    ephemeral=data.get("response_type") != "in_channel",
                )

    def action(self, data: dict[str, Any]) -> dict[str, Any]:
        """A button click, on a message or in App Home."""
        act = {
            "action_id": str(data.get("action_id") or ""),
            "block_id": str(data.get("block_id") or ""),
            "value": str(data.get("value") or ""),
            "type": "button",
            "text": {"type": "plain_text", "text": str(data.get("text") or "")},
            "action_ts": f"{time.time():.6f}",
        }
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(),
            "api_app_id": APP_ID,
            "token": "sandbox",
            "trigger_id": self._new_trigger(),
            "team": {"id": TEAM_ID, "domain": "sandlada"},
            "enterprise": None,
            "is_enterprise_install": False,
            "actions": [act],
            "state": {"values": {}},
        }
        msg = (
            self.store.find_message(int(data["message_id"]))
            if str(data.get("message_id") or "").isdigit()
            else None
        )
        if msg is not None:
            payload["container"] = {
                "type": "message",
                "message_ts": msg.ts,
                "channel_id": msg.channel,
                "is_ephemeral": msg.ephemeral,
            }
            payload["channel"] = {"id": msg.channel, "name": self.store.channels[msg.channel].name}
            payload["message"] = {
                "type": "message",
                "ts": msg.ts,
                "text": msg.text,
                "blocks": msg.blocks,
                "user": msg.user,
            }
            payload["response_url"] = self._new_response_url(msg.channel, msg.id)
        else:
            payload["container"] = {"type": "view", "view_id": "VHOME"}
            payload["view"] = {
                "id": "VHOME",
                "type": "home",
                "blocks": (self.store.home.get(SANDBOX_USER_ID) or {}).get("blocks", []),
                "private_metadata": "",
                "callback_id": "",
                "state": {"values": {}},
            }
        status, _ = self._post_to_bot(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )
        return {"ok": status == 200, "status": status}

    def submit(self, data: dict[str, Any]) -> dict[str, Any]:
        view_id = str(data.get("view_id") or "")
        v = self.store.views.get(view_id)
        if v is None:
            return {"ok": False, "error": "Formuläret är redan stängt."}
        view = {
            **v.view,
            "id": view_id,
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": "BSANDBOX",
            "state": {"values": data.get("values") or {}},
            "hash": "sandbox",
            "root_view_id": view_id,
        }
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "sandlada"},
            "user": self._user(),
            "api_app_id": APP_ID,
            "token": "sandbox",
            "trigger_id": self._new_trigger(),
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
        }
        status, body = self._post_to_bot(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )
        result: dict[str, Any] = {}
        if body.strip():
            try:
                result = json.loads(body)
            except ValueError:
                result = {}
        if status == 200 and result.get("response_action") == "errors":
            self.store.set_view_errors(view_id, result.get("errors") or {})
            return {"ok": False, "errors": result.get("errors") or {}}
        if status == 200 and result.get("response_action") == "update":
            self.store.update_view(view_id, result.get("view") or {})
            return {"ok": True}
        if status == 200:
            self.store.close_view(view_id)
            return {"ok": True}
        return {"ok": False, "error": f"Boten svarade inte (HTTP {status})."}

    def close(self, data: dict[str, Any]) -> dict[str, Any]:
        self.store.close_view(str(data.get("view_id") or ""))
        return {"ok": True}

    def home(self, data: dict[str, Any]) -> dict[str, Any]:
        """Open the App Home tab: Slack sends app_home_opened."""
        body = {
            "token": "sandbox",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": {
                "type": "app_home_opened",
                "user": SANDBOX_USER_ID,
                "channel": f"D{SANDBOX_USER_ID[1:]}",
                "tab": "home",
                "event_ts": f"{time.time():.6f}",
            },
            "type": "event_callback",
            "event_id": f"Ev{secrets.token_hex(5).upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        status, _ = self._post_to_bot(json.dumps(body), "application/json")
        return {"ok": status == 200}

    def fast_forward(self, data: dict[str, Any]) -> dict[str, Any]:
        """Spola fram tiden: the bot's clock moves; due reminders and digests go out now."""
        try:
            days = float(data.get("days", 0))
            hours = float(data.get("hours", 0))
        except (TypeError, ValueError):
            return {"ok": False, "error": "Ange antal dagar."}
        if not 0 <= days <= MAX_FAST_FORWARD_DAYS or not 0 <= hours <= 24 * MAX_FAST_FORWARD_DAYS:
            return {"ok": False, "error": f"Spola mellan 0 och {MAX_FAST_FORWARD_DAYS} dagar."}
        now = self.clock.advance(timedelta(days=days, hours=hours))
        if self.on_time_travel is not None:
            self.on_time_travel()
        return {"ok": True, "now": now.isoformat()}
