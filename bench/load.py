"""Load generator, run as its own process: signed slash commands over keep-alive connections.

`python -m bench.load --url http://127.0.0.1:PORT/slack/events --secret S --text "lista"
 --concurrency 10 --requests 500 --seconds 20` prints JSON with latencies and throughput.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlencode, urlparse

from slack_sdk.signature import SignatureVerifier


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


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
            "text": text.replace("{n}", str(n)),
            "api_app_id": "ABENCH",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{n}.bench",
        }
    )


def run(
    url: str,
    secret: str,
    text: str,
    concurrency: int,
    requests: int,
    seconds: float,
    channel: str,
    response_url: str,
) -> dict[str, float]:
    target = urlparse(url)
    signer = SignatureVerifier(secret)
    latencies: list[float] = []
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
            body = body_for(text, n, channel, response_url)
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
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            elapsed = time.perf_counter() - t0
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ms = [x * 1000 for x in latencies]
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": wall,
        "rps": len(latencies) / wall if wall else 0.0,
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "mean_ms": statistics.fmean(ms) if ms else float("nan"),
    }


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
            )
        )
    )


if __name__ == "__main__":
    main()
