"""Load generator, run as its own process: signed slash commands over keep-alive connections.

`python -m bench.load --url http://127.0.0.1:PORT/slack/events --secret S --text "lista"
 --concurrency 10 --requests 500 --seconds 20 [--receive] [--closed-loop]` prints JSON.

Every request is a Slack slash command with a valid signature. With --receive the process
also runs a small HTTP server and gives each request its own response_url
(http://127.0.0.1:R/r/<n>); the bot answers there (respond()), and the time from sending the
request until that answer arrives is the end-to-end latency the user sees.

* default (ack mode): a client waits only for the HTTP answer (the ack), as Slack does, then
  sends the next; replies are collected afterwards (their backlog drains before we exit).
* --closed-loop: a client also waits for its reply before sending the next (a user who reads
  the answer before typing again); this is the end-to-end latency at N concurrent users.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode, urlparse

from slack_sdk.signature import SignatureVerifier


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


# Trigger ids are unique in Slack and the bot treats a repeated one as a retried delivery
# (stored once, answered quietly): every run gets its own.
RUN_ID = f"{os.getpid()}{time.time_ns() % 10**9}"


def body_for(text: str, n: int, channel: str, response_url: str) -> str:
    return urlencode(
        {
            "token": "bench",
            "team_id": "TBENCH",
            "team_domain": "bench",
            "channel_id": channel,
            "channel_name": "bench",
            "user_id": f"UBENCH{n % 50:03d}",
            "user_name": "bench",
            "command": "/atgard",
            "text": text.replace("{n}", f"{n}.{RUN_ID}"),
            "api_app_id": "ABENCH",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{n}.{RUN_ID}",
        }
    )


class Receiver(ThreadingHTTPServer):
    """Collects the bot's response_url POSTs: the first arrival per request id."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ReceiverHandler)
        self.arrived: dict[int, float] = {}
        self.posts = 0
        self.in_ack = 0  # replies that came in the HTTP answer itself (no response_url POST)
        self.cond = threading.Condition()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def url_for(self, n: int) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/r/{n}"

    def record(self, n: int, at: float | None = None, *, in_ack: bool = False) -> None:
        now = at if at is not None else time.perf_counter()
        with self.cond:
            if in_ack:
                self.in_ack += 1
            else:
                self.posts += 1
            self.arrived.setdefault(n, now)
            self.cond.notify_all()

    def wait_for(self, n: int, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while n not in self.arrived:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)
            return self.arrived[n]

    def wait_all(self, ids: set[int], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while not ids <= self.arrived.keys():
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self.cond.wait(left)


class _ReceiverHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Receiver  # type: ignore[assignment]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with contextlib.suppress(ValueError):
            self.server.record(int(self.path.rsplit("/", 1)[-1]))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


def answers(body: bytes) -> bool:
    """Does an ack's body carry a message for the user (text or blocks)?"""
    if not body.strip():
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return True  # a plain-text ack is shown to the user as it is
    return isinstance(data, dict) and bool(data.get("text") or data.get("blocks"))


def stats(ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "mean_ms": statistics.fmean(ms) if ms else float("nan"),
        "max_ms": max(ms) if ms else float("nan"),
    }


def run(
    url: str,
    secret: str,
    text: str,
    concurrency: int,
    requests: int,
    seconds: float,
    channel: str,
    response_url: str,
    *,
    receive: bool = False,
    closed_loop: bool = False,
    reply_timeout: float = 30.0,
) -> dict[str, Any]:
    target = urlparse(url)
    signer = SignatureVerifier(secret)
    receiver = Receiver() if receive or closed_loop else None
    latencies: list[float] = []
    sent_at: dict[int, float] = {}
    acked: set[int] = set()
    errors = 0
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + seconds

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            body = body_for(text, n, channel, receiver.url_for(n) if receiver else response_url)
            ts = str(int(time.time()))
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": signer.generate_signature(timestamp=ts, body=body),
            }
            t0 = time.perf_counter()
            try:
                conn.request("POST", target.path, body=body.encode(), headers=headers)
                resp = conn.getresponse()
                answer = resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            elapsed = time.perf_counter() - t0
            if ok and receiver is not None and answers(answer):
                # Slack shows a reply in the ack at once: it arrived with the HTTP answer.
                receiver.record(n, t0 + elapsed, in_ack=True)
            with lock:
                sent_at[n] = t0
                if ok:
                    latencies.append(elapsed)
                    acked.add(n)
                else:
                    errors += 1
            if ok and closed_loop and receiver is not None:
                receiver.wait_for(n, reply_timeout)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ms = [x * 1000 for x in latencies]
    out: dict[str, Any] = {
        "requests": len(latencies),
        "errors": errors,
        "seconds": wall,
        "rps": len(latencies) / wall if wall else 0.0,
        **stats(ms),
    }
    if receiver is not None:
        receiver.wait_all(acked, reply_timeout)
        with receiver.cond:
            arrived = {n: t for n, t in receiver.arrived.items() if n in acked}
            posts = receiver.posts
            in_ack = receiver.in_ack
        e2e = [(arrived[n] - sent_at[n]) * 1000 for n in arrived]
        span = (max(arrived.values()) - started) if arrived else 0.0
        out["e2e"] = {
            "replies": len(arrived),
            "missing": len(acked) - len(arrived),
            "posts": posts,
            "in_ack": in_ack,
            "seconds": span,
            "rps": len(arrived) / span if span else 0.0,
            **stats(e2e),
        }
        receiver.shutdown()
        receiver.server_close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--text", default="lista")
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--channel", default="CBENCH")
    ap.add_argument("--response-url", default="http://127.0.0.1:9/response")
    ap.add_argument("--receive", action="store_true", help="collect replies at our response_url")
    ap.add_argument("--closed-loop", action="store_true", help="wait for each reply")
    ap.add_argument("--reply-timeout", type=float, default=30.0)
    a = ap.parse_args()
    print(
        json.dumps(
            run(
                a.url,
                a.secret,
                a.text,
                a.concurrency,
                a.requests,
                a.seconds,
                a.channel,
                a.response_url,
                receive=a.receive,
                closed_loop=a.closed_loop,
                reply_timeout=a.reply_timeout,
            )
        )
    )


if __name__ == "__main__":
    main()
