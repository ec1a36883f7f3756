"""A stand-in for Slack's Web API on loopback: every method answers ok at once.

The bot calls auth.test at start and chat.postMessage for channel replies (uppfolj); the
benchmark does not measure Slack, so the stand-in does as little as possible.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeSlack  # type: ignore[assignment]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        method = self.path.rsplit("/", 1)[-1].split("?")[0]
        body: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            body.update(
                url="https://bench.slack.com/",
                team="Bench",
                user="atgard",
                team_id="TBENCH",
                user_id="UBOT",
                bot_id="BBOT",
            )
        elif method == "chat.postMessage":
            body.update(channel="CBENCH", ts=f"{time.time():.6f}", message={})
        self.server.count(method)
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST

    def log_message(self, *args: Any) -> None:
        pass


class FakeSlack(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def count(self, method: str) -> None:
        with self._lock:
            self.calls[method] = self.calls.get(method, 0) + 1

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/"

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
