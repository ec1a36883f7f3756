"""Socket Mode: the SDK's built-in client with a short ping interval and a clean close.

The built-in client notices a dead connection only by missing pongs: it pings every
`ping_interval` seconds and gives the connection up after four intervals without a pong
(slack_sdk.socket_mode.builtin.connection.check_state). Bolt's handler defaults to 10 s, so
after an abrupt TCP drop (a NAT or load balancer forgetting the connection, no FIN) the bot was
deaf for 40–50 s, up to a minute (bolt-python#675). At 3 s it reconnects within about 15 s;
a ping is a few bytes.

`close()` of the SDK just shuts the TCP socket. A stop (SIGTERM from the platform) should say
goodbye: `close_cleanly` sends a WebSocket close frame (1000) first, so Slack stops sending
envelopes to this connection at once instead of after its own timeout.
"""

from __future__ import annotations

import logging
import os
import struct
import time

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

log = logging.getLogger(__name__)

PING_INTERVAL_S = 3.0
CLOSE_WAIT_S = 2.0  # how long to wait for Slack's answering close frame
NORMAL_CLOSURE = 1000


def make_handler(app: App, app_token: str) -> SocketModeHandler:
    return SocketModeHandler(app, app_token, ping_interval=PING_INTERVAL_S)


def close_frame(code: int = NORMAL_CLOSURE, reason: str = "") -> bytes:
    """A masked WebSocket close frame (RFC 6455 5.5.1; a client's frames are masked)."""
    payload = struct.pack("!H", code) + reason.encode()[:123]
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x88, 0x80 | len(payload)]) + mask + masked


def close_cleanly(handler: SocketModeHandler) -> None:
    """No reconnecting; a close frame on the open connection; then the SDK's close."""
    client = handler.client
    client.auto_reconnect_enabled = False
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
