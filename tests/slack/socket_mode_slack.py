"""Slack's side of Socket Mode, for tests: WebSocket URLs from apps.connections.open, and a
WebSocket server that greets the app, delivers envelopes and collects its acknowledgements.

Modelled on the Socket Mode tests of bolt-python and python-slack-sdk (a `/link` endpoint that
sends envelopes to the client), but scripted by the test instead of replaying a fixed list.

The Web API half is the FakeSlack stand-in (tests/slack/fake_slack.py), used as it is:
apps.connections.open is answered with scripted replies, each a URL with its own ticket, as
Slack's `wss://wss-primary.slack.com/link/?ticket=…&app_id=…` (here `ws://127.0.0.1:<port>/link/…`).
So every WebSocket connection tells which apps.connections.open call it came from.

Between the two, a TCP relay (`_Relay`) carries each connection's bytes; `drop(link)` makes it
swallow them from then on without closing anything, as an abrupt network drop does (a NAT or
load balancer forgetting the connection, a cable pulled): neither side is told, and only
missing pongs show it.

The WebSocket half is the `websockets` package's threaded server: a complete RFC 6455 peer
that answers the client's pings and fails a connection on a protocol error (an unmasked
client frame, a text frame that is not UTF-8), so the SDK's own WebSocket client is checked
by an independent implementation rather than by a few lines written to match it.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from tests.slack.fake_slack import FakeSlack, Scripted
from tests.slack.limits import check_payload

# apps.connections.open answers scripted ahead; a test opens far fewer connections than this.
TICKETS = 8


class _Relay:
    """A TCP relay to `target`, one pair of pump threads per connection, in accept order. A
    dropped connection's bytes are read and thrown away in both directions; its sockets stay
    open."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.dropped: set[int] = set()  # connection numbers, from 1
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._closing = False
        threading.Thread(target=self._accept, name="relay", daemon=True).start()

    def _accept(self) -> None:
        n = 0
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            n += 1
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(n, src, dst), daemon=True).start()

    def _pump(self, n: int, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                if n not in self.dropped:
                    dst.sendall(data)
        except OSError:
            pass
        if n not in self.dropped:  # a clean close is passed on; a dropped one is not
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._closing = True
        for sock in [self._listener, *self._sockets]:
            with contextlib.suppress(OSError):
                sock.close()


@dataclass
class Link:
    """One WebSocket connection the app opened."""

    number: int  # 1 for the app's first connection, …
    ticket: str  # from the apps.connections.open answer it connected with
    ws: ServerConnection
    received: list[dict[str, Any]] = field(default_factory=list)
    closed: threading.Event = field(default_factory=threading.Event)
    close_code: int | None = None


class SocketModeSlack:
    """Hands out connection URLs through `web`, accepts the app's connections, and records
    what the app sends back. `watch`, if set, is called while waiting (to fail fast when the
    app has died) and should raise then."""

    def __init__(self, web: FakeSlack, *, app_id: str = "A1") -> None:
        self.web = web
        self.app_id = app_id
        self.links: list[Link] = []
        self.problems: list[str] = []  # what a real Slack would reject, seen on any link
        self.watch: Callable[[], None] | None = None
        self._cond = threading.Condition()
        self._delivered: set[str] = set()
        self._server = serve(self._serve, "127.0.0.1", 0)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="socket-mode-slack", daemon=True
        )
        self._thread.start()
        self._relay = _Relay(("127.0.0.1", self._server.socket.getsockname()[1]))
        port = self._relay.port  # the app connects through the relay
        self.web.script(
            "apps.connections.open",
            *(
                Scripted(body={"ok": True, "url": self._url(port, n)})
                for n in range(1, TICKETS + 1)
            ),
        )

    def _url(self, port: int, ticket: int) -> str:
        return f"ws://127.0.0.1:{port}/link/?ticket=ticket-{ticket}&app_id={self.app_id}"

    # ------------------------------------------------------------------ the server
    def _serve(self, ws: ServerConnection) -> None:
        query = parse_qs(urlsplit(ws.request.path if ws.request else "").query)
        with self._cond:
            link = Link(len(self.links) + 1, query.get("ticket", [""])[0], ws)
            self.links.append(link)
            self._cond.notify_all()
        try:
            ws.send(
                json.dumps(
                    {
                        "type": "hello",
                        "num_connections": 1,
                        "debug_info": {
                            "host": f"applink-{link.number}",
                            "build_number": 1,
                            "approximate_connection_time": 18060,
                        },
                        "connection_info": {"app_id": self.app_id},
                    }
                )
            )
            for raw in ws:
                self._received(link, raw)
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                link.close_code = ws.close_code
                link.closed.set()
                self._cond.notify_all()

    def _received(self, link: Link, raw: str | bytes) -> None:
        with self._cond:
            try:
                if isinstance(raw, bytes):
                    raise ValueError("a binary frame")
                message = json.loads(raw)
                envelope_id = message["envelope_id"]
            except (ValueError, KeyError, TypeError) as e:
                self.problems.append(f"link {link.number}: not an acknowledgement ({e}): {raw!r}")
                return
            if envelope_id not in self._delivered:
                self.problems.append(f"link {link.number}: ack for unknown envelope {envelope_id}")
            if "payload" in message:
                # Slack shows an ack's payload to the user like a message sent to response_url.
                for problem in check_payload("response_url", message["payload"]):
                    self.problems.append(f"link {link.number}: ack payload: {problem}")
            link.received.append(message)
            self._cond.notify_all()

    # ------------------------------------------------------------------ the test's side
    def wait_for(self, what: str, found: Callable[[], Any], timeout: float = 20.0) -> Any:
        """Wait until `found()` returns something truthy (evaluated under the lock)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = found()
                if result:
                    return result
                if self.watch is not None:
                    self.watch()
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"waited {timeout:.0f} s for {what}")
                # Woken by every connection and message; the short wait only serves `watch`.
                self._cond.wait(min(left, 0.5))

    def link(self, number: int, timeout: float = 30.0) -> Link:
        """The app's `number`th connection, once it is open."""
        return self.wait_for(
            f"connection {number}",
            lambda: self.links[number - 1] if len(self.links) >= number else None,
            timeout,
        )

    def deliver(
        self,
        link: Link,
        payload: dict[str, Any],
        *,
        kind: str = "slash_commands",
        envelope_id: str | None = None,
    ) -> str:
        """Send an envelope on `link`, as Slack does; returns its envelope id."""
        envelope_id = envelope_id or str(uuid.uuid4())
        with self._cond:
            self._delivered.add(envelope_id)
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind in ("slash_commands", "interactive"),
        }
        link.ws.send(json.dumps(envelope))
        return envelope_id

    def ack(self, link: Link, envelope_id: str, timeout: float = 20.0) -> dict[str, Any]:
        """The app's acknowledgement of `envelope_id` on `link`."""
        return self.wait_for(
            f"the acknowledgement of {envelope_id} on connection {link.number}",
            lambda: next((m for m in link.received if m["envelope_id"] == envelope_id), None),
            timeout,
        )

    def refresh(self, link: Link) -> None:
        """Slack's periodic refresh: a `disconnect` message; the app should reconnect."""
        link.ws.send(
            json.dumps(
                {
                    "type": "disconnect",
                    "reason": "refresh_requested",
                    "debug_info": {"host": f"applink-{link.number}"},
                }
            )
        )

    def drop(self, link: Link) -> None:
        """From now on nothing gets through on `link`, either way, and nobody is told."""
        self._relay.dropped.add(link.number)

    def close(self) -> None:
        self._relay.close()
        self._server.shutdown()
        self._thread.join(timeout=10)
