"""Socket Mode: the SDK's built-in client with a short ping interval and a clean close.

The built-in client notices a dead connection only by missing pongs: it pings every
`ping_interval` seconds and gives the connection up after four intervals without a pong
(slack_sdk.socket_mode.builtin.connection.check_state). Bolt's handler defaults to 10 s, so
after an abrupt TCP drop (a NAT or load balancer forgetting the connection, no FIN) the bot was
deaf for 40–50 s, up to a minute (bolt-python#675). At 3 s it reconnects within about 15 s;
a ping is a few bytes.

`close()` of the SDK just shuts the TCP socket. A stop (SIGTERM from the platform) should say
goodbye: `close_cleanly` sends a WebSocket close frame (1000) first, so Slack stops sending
envelopes to this connection at once instead of after its own timeout. Before that it lets the
envelopes being answered finish (at most DRAIN_S): an envelope's ack goes back on this
connection, and a command whose ack is lost looks failed to the user although its work was done.
"""

from __future__ import annotations

import logging
import os
import struct
import threading
import time
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

log = logging.getLogger(__name__)

PING_INTERVAL_S = 3.0
CLOSE_WAIT_S = 2.0  # how long to wait for Slack's answering close frame
DRAIN_S = 3.0  # Slack waits 3 s for an ack: an envelope in hand is answered by then or never
NORMAL_CLOSURE = 1000


class DrainingHandler(SocketModeHandler):
    """Bolt's handler, counting the envelopes it is answering so that a stop can wait for them
    (`handle` is the handler's documented entry point for each envelope)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._busy = 0
        self._idle = threading.Condition()

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:
        with self._idle:
            self._busy += 1
        try:
            super().handle(client, req)
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """True once no envelope is being answered; False if some still are after `timeout`."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)


def make_handler(app: App, app_token: str) -> DrainingHandler:
    return DrainingHandler(app, app_token, ping_interval=PING_INTERVAL_S)


class ConnectionRefused(Exception):
    """apps.connections.open said no at start (`error`: Slack's code, such as invalid_auth)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def open_first_connection(handler: SocketModeHandler) -> None:
    """Connect, asking apps.connections.open for the first URL here rather than in the SDK.

    A token Slack refuses is a setup mistake to report and stop on (ConnectionRefused), not a
    traceback; the SDK would also log Slack's whole answer in English first. Slack being out
    of reach raises the URL client's OSError. Later reconnections are the SDK's, as before.
    """
    client = handler.client
    try:
        # The SDK connects to `wss_uri` when it is set, and asks for a new one when it is not.
        client.wss_uri = client.web_client.apps_connections_open(app_token=client.app_token)["url"]
    except SlackApiError as e:
        error = str(e.response.get("error") or "unknown")
        if error != "ratelimited":  # the SDK waits for Retry-After and asks again itself
            raise ConnectionRefused(error) from None
    handler.connect()


def close_frame(code: int = NORMAL_CLOSURE, reason: str = "") -> bytes:
    """A masked WebSocket close frame (RFC 6455 5.5.1; a client's frames are masked)."""
    payload = struct.pack("!H", code) + reason.encode()[:123]
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x88, 0x80 | len(payload)]) + mask + masked


def close_cleanly(handler: SocketModeHandler) -> None:
    """No reconnecting; the envelopes in hand answered; a close frame on the open connection;
    then the SDK's close."""
    client = handler.client
    client.auto_reconnect_enabled = False
    if isinstance(handler, DrainingHandler) and not handler.wait_idle(DRAIN_S):
        log.warning("Socket Mode: closing with envelopes still being answered")
    conn = client.current_session
    sock = getattr(conn, "sock", None)
    if conn is not None and sock is not None:
        try:
            with conn.sock_send_lock:
                sock.sendall(close_frame(reason="stopping"))
            # The receiving thread reads Slack's close frame and drops the socket.
            deadline = time.monotonic() + CLOSE_WAIT_S
            while conn.is_active() and time.monotonic() < deadline:
                time.sleep(0.05)
        except OSError as e:  # already gone: nothing to say goodbye to
            log.info("Socket Mode connection already closed (%s)", type(e).__name__)
    client.close()
