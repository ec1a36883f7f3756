"""A local stand-in for Slack's Web API (and response_url / file upload URLs) that records calls.

Modelled on bolt-python's tests/mock_web_api_server, but small and ours: a ThreadingHTTPServer
on a free port. Every block payload it receives is checked against Slack's limits.

Messages posted with chat.postMessage are kept per conversation (with their message metadata)
so that conversations.history can answer, newest first, metadata only with
include_all_metadata, like Slack.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.slack.limits import check_payload


@dataclass
class Call:
    method: str  # "chat.postMessage", …, "response_url", "upload"
    body: dict[str, Any]
    headers: dict[str, str]
    path: str
    raw: bytes = b""  # the body as sent (file uploads)


@dataclass
class Scripted:
    status: int = 200
    body: dict[str, Any] | str = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (the call is recorded at once)


def _parse(content_type: str, raw: bytes) -> dict[str, Any]:
    if "application/json" in content_type:
        return json.loads(raw or b"{}")
    if "application/x-www-form-urlencoded" in content_type and raw.isascii():
        out: dict[str, Any] = {
            k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()
        }
        for key in ("blocks", "view", "attachments"):
            if isinstance(out.get(key), str) and out[key][:1] in "[{":
                out[key] = json.loads(out[key])
        return out
    return {"_bytes": len(raw)}


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self._scripts: dict[str, deque[Scripted]] = defaultdict(deque)
        self._lock = threading.Condition()
        self.usergroup_members: list[str] = []
        self.history: dict[str, list[dict[str, Any]]] = defaultdict(list)  # channel -> messages
        self._seq = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake._handle(self, raw)

            def do_GET(self) -> None:  # slack_sdk sends conversations.history as GET
                fake._handle(self, b"")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    # ------------------------------------------------------------------ addresses
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    def response_url(self, name: str = "1") -> str:
        return self.url + f"response/{name}"

    # ------------------------------------------------------------------ control
    def script(self, method: str, *responses: Scripted) -> None:
        """Answer the next calls of `method` with these, then fall back to the defaults."""
        with self._lock:
            self._scripts[method].extend(responses)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.violations.clear()
            self._scripts.clear()
            self.usergroup_members = []
            self.history.clear()

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def methods(self) -> list[str]:
        with self._lock:
            return [c.method for c in self.calls if c.method != "auth.test"]

    def record(self, method: str, body: dict[str, Any]) -> None:
        """Note something the app sent without calling us: "ack" is a reply in the HTTP answer."""
        with self._lock:
            self.calls.append(Call(method=method, body=body, headers={}, path=""))
            self._lock.notify_all()

    def wait_for(
        self, method: str | tuple[str, ...], count: int = 1, timeout: float = 5.0
    ) -> list[Call]:
        methods = (method,) if isinstance(method, str) else method
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if c.method in methods]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(
                        f"expected {count}× {method}, got {len(found)}; calls: {seen}"
                    )
                self._lock.wait(left)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------------ serving
    def _handle(self, h: BaseHTTPRequestHandler, raw: bytes) -> None:
        path = h.path.split("?")[0]
        if path.startswith("/api/"):
            method = path[len("/api/") :]
        elif path.startswith("/response/"):
            method = "response_url"
        elif path.startswith("/upload/"):
            method = "upload"
        else:
            method = path
        body = _parse(h.headers.get("Content-Type") or "", raw)
        query = urlsplit(h.path).query
        for k, v in parse_qs(query, keep_blank_values=True).items():
            body.setdefault(k, v[-1])
        call = Call(method, body, {k.lower(): v for k, v in h.headers.items()}, path, raw)
        for problem in check_payload(method, body):
            self.violations.append(f"{method}: {problem}")
        with self._lock:
            self.calls.append(call)
            scripted = self._scripts[method].popleft() if self._scripts[method] else None
            self._lock.notify_all()
        answer = scripted or Scripted(body=self._default(call))
        if answer.delay:
            time.sleep(answer.delay)
        payload = answer.body if isinstance(answer.body, str) else json.dumps(answer.body)
        data = payload.encode()
        h.send_response(answer.status)
        is_json = not isinstance(answer.body, str)
        h.send_header(
            "Content-Type", "application/json; charset=utf-8" if is_json else "text/plain"
        )
        h.send_header("Content-Length", str(len(data)))
        for k, v in answer.headers.items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    def _default(self, call: Call) -> dict[str, Any] | str:
        b = call.body
        match call.method:
            case "auth.test":
                return {
                    "ok": True,
                    "url": "https://test.slack.com/",
                    "team": "Test",
                    "user": "atgard",
                    "team_id": "T1",
                    "user_id": "UBOT",
                    "bot_id": "B1",
                }
            case "chat.postMessage":
                channel = str(b.get("channel", ""))
                channel = "D" + channel[1:] if channel.startswith("U") else channel
                ts = f"{int(time.time())}.{next(self._seq):06d}"
                message = {"type": "message", "ts": ts, "text": b.get("text", "")}
                metadata = b.get("metadata")
                if isinstance(metadata, str):
                    metadata = json.loads(metadata)
                if metadata:
                    message["metadata"] = metadata
                with self._lock:
                    self.history[channel].append(message)
                return {"ok": True, "channel": channel, "ts": ts, "message": message}
            case "conversations.history":
                return self._history(b)
            case "chat.postEphemeral":
                return {"ok": True, "message_ts": "1700000000.000200"}
            case "views.open" | "views.update" | "views.publish" | "views.push":
                return {"ok": True, "view": {"id": "V1", **(b.get("view") or {})}}
            case "users.info":
                return {
                    "ok": True,
                    "user": {"id": b.get("user"), "name": "kim", "real_name": "Kim"},
                }
            case "conversations.open":
                return {"ok": True, "channel": {"id": "D" + str(b.get("users", "X"))[1:]}}
            case "files.getUploadURLExternal":
                n = len(self.of("files.getUploadURLExternal"))
                return {"ok": True, "upload_url": self.url + f"upload/F{n}", "file_id": f"F{n}"}
            case "files.completeUploadExternal":
                files = b.get("files")
                files = json.loads(files) if isinstance(files, str) else files or []
                return {
                    "ok": True,
                    "files": [{"id": f.get("id"), "title": f.get("title")} for f in files],
                }
            case "usergroups.users.list":
                return {"ok": True, "users": list(self.usergroup_members)}
            case "response_url" | "upload":
                return "ok"
        return {"ok": True}

    def _history(self, b: dict[str, Any]) -> dict[str, Any]:
        """Newest first, after `oldest`, `limit` at a time; metadata only when asked for."""
        oldest = float(b.get("oldest") or 0)
        limit = int(b.get("limit") or 100)
        start = int(b.get("cursor") or 0)
        with_metadata = str(b.get("include_all_metadata", "")).lower() in ("1", "true")
        with self._lock:
            found = [
                m for m in self.history.get(str(b.get("channel")), []) if float(m["ts"]) > oldest
            ]
        found.reverse()
        page = found[start : start + limit]
        more = start + limit < len(found)
        messages = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page
        ]
        return {
            "ok": True,
            "messages": messages,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }
