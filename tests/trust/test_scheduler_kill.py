"""The bot process is SIGKILLed again and again while its scheduler sends reminders.

Issue 6 ("Trust"), issue 4 item 6: no reminder lost, none sent twice. A real bot process (the
scheduler as `atgard serve` starts it: reminders.service.start_scheduler with SlackNotifier)
runs against a real database of its own (SQLite file or PostgreSQL by ATGARD_TEST_DB) and a
stand-in Slack Web API in this process that answers chat.postMessage slowly (100–300 ms after
it has stored the message), so most kills land in the crash window: Slack has the message,
the row still says `sending`. After the lease the next process finds the row abandoned, looks
for its key in conversations.history (message metadata) and marks it sent instead of sending
it again. Counted at the stand-in by metadata key: every due reminder exactly once.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from bot.db import SessionFactory, make_engine, make_session_factory, upgrade
from models.groups import bind_channel
from models.measures import get_measure
from models.tables import Assignment, AuditEvent, Reminder
from tests.conftest import (
    BACKEND,
    create_pg_database,
    drop_pg_database,
    import_example_plan,
    pg_url_for,
)
from tests.conftest import run_id as conftest_run_id

ROOT = Path(__file__).parents[2]
KILLS = 7
LEASE_SECONDS = 1.0
SCAN_INTERVAL = 0.2
BOT_TOKEN = "xoxb-kill-test"

# The bot process: what `atgard serve` does for the scheduler, with a short scan interval and
# lease (a kill must be recovered within the test, not after the default five minutes).
BOT = textwrap.dedent(
    """
    import sys, time
    from datetime import timedelta
    from slack_sdk import WebClient
    from bot.runtime import start
    from bot.slack.notifier import SlackNotifier
    from reminders.service import start_scheduler

    rt = start(migrate=False)
    token = rt.settings.slack_bot_token.get_secret_value()
    notifier = SlackNotifier(WebClient(token=token, base_url=rt.settings.slack_api_url))
    start_scheduler(
        rt, notifier, scan_interval=float(sys.argv[1]), lease=timedelta(seconds=float(sys.argv[2]))
    )
    print("started", flush=True)
    while True:
        time.sleep(3600)
    """
)


# --------------------------------------------------------------------------- stand-in Slack


class SlowSlack:
    """chat.postMessage (stored with its metadata, then answered after 100–300 ms),
    conversations.open and conversations.history, recorded."""

    def __init__(self, seed: int) -> None:
        self.lock = threading.Lock()
        self.rng = random.Random(seed)
        self.posts: list[tuple[str, str | None]] = []  # (channel, metadata key)
        self.history: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.in_flight = 0
        self.history_calls = 0
        self.seq = 0
        slack = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                slack.handle(self, raw)

            def do_GET(self) -> None:
                slack.handle(self, b"")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, h: BaseHTTPRequestHandler, raw: bytes) -> None:
        url = urlsplit(h.path)
        method = url.path.removeprefix("/api/")
        ctype = h.headers.get("Content-Type") or ""
        if "json" in ctype:
            body: dict[str, Any] = json.loads(raw or b"{}")
        else:
            body = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
        body.update({k: v[-1] for k, v in parse_qs(url.query).items()})
        answer: dict[str, Any] = {"ok": True}
        if method == "conversations.open":
            answer["channel"] = {"id": "D" + str(body.get("users"))[1:]}
        elif method == "chat.postMessage":
            channel = str(body["channel"])
            meta = body.get("metadata") or {}
            key = (meta.get("event_payload") or {}).get("key")
            with self.lock:
                self.seq += 1
                ts = f"{time.time():.0f}.{self.seq:06d}"
                message = {"type": "message", "ts": ts, "text": body.get("text"), "metadata": meta}
                self.history[channel].append(message)  # Slack has it from here on
                self.posts.append((channel, key))
                self.in_flight += 1
                delay = self.rng.uniform(0.1, 0.3)
            time.sleep(delay)  # a kill now lands between "Slack has it" and "the row says sent"
            with self.lock:
                self.in_flight -= 1
            answer.update(channel=channel, ts=ts)
        elif method == "conversations.history":
            oldest = float(body.get("oldest") or 0)
            with self.lock:
                self.history_calls += 1
                found = [m for m in self.history[str(body["channel"])] if float(m["ts"]) > oldest]
            with_meta = body.get("include_all_metadata") in ("1", "true")
            answer.update(
                messages=[
                    m if with_meta else {k: v for k, v in m.items() if k != "metadata"}
                    for m in reversed(found)
                ][: int(body.get("limit") or 100)],
                has_more=False,
            )
        data = json.dumps(answer).encode()
        try:
            h.send_response(200)
            h.send_header("Content-Type", "application/json; charset=utf-8")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
        except OSError:  # the bot was killed while waiting for the answer
            pass

    def post_count(self) -> int:
        with self.lock:
            return len(self.posts)


# --------------------------------------------------------------------------- database


@pytest.fixture
def bot_database(tmp_path: Path) -> Iterator[str]:
    if BACKEND == "postgresql":
        url = pg_url_for(f"kill_{conftest_run_id()}")
        create_pg_database(url)
        yield url
        drop_pg_database(url)
        return
    yield f"sqlite:///{tmp_path / 'kill.db'}"


def seed(sf: SessionFactory, now: datetime) -> list[str]:
    """A plan with three channel-bound groups and five assigned people; due digests to the
    channels and tertial reminders as direct messages. Returns the keys."""
    due, stale = now - timedelta(minutes=1), now + timedelta(days=1)
    # This year's plan: a finished plan's digests end in the January after it.
    year = now.year
    keys = []
    with sf.begin() as s:
        plan = import_example_plan(s, district="Kungsholmen", year=year, today=date(year, 4, 1))
        groups = [
            bind_channel(
                session=s, plan=plan, name=name, platform="slack", channel_id=channel, actor=None
            )[0]
            for name, channel in (("SSP", "CSSP"), ("EST", "CEST"), ("Trygghetsrådet", "CTR"))
        ]
        users = [f"UP{i}" for i in range(5)]
        for ref in ("1.1", "1.3", "2.2"):
            m = get_measure(session=s, plan_id=plan.id, ref=ref)  # type: ignore[arg-type]
            for u in users:
                s.add(Assignment(measure_id=m.id, user_id=u))  # type: ignore[arg-type]
        rows = [
            Reminder(
                key=f"digest|slack|#{g.channel_id}|{year}-W{week:02d}",
                kind="digest",
                channel_id=g.channel_id,
                group_id=g.id,
                occurrence=f"{year}-W{week:02d}",
                due_at=due,
                stale_at=stale,
            )
            for g in groups
            for week in range(1, 13)
        ]
        rows += [
            Reminder(
                key=f"tertial|slack|@{u}|{year}-T{t}",
                kind="tertial",
                user_id=u,
                occurrence=f"{year}-T{t}",
                due_at=due,
                stale_at=stale,
            )
            for u in users
            for t in (1, 2, 3)
        ]
        random.Random(7).shuffle(rows)  # kills land on channel posts and direct messages
        for i, r in enumerate(rows):
            r.due_at = due + timedelta(milliseconds=i)  # sent in this order
            s.add(r)
            keys.append(r.key)
    return keys


def settled(sf: SessionFactory, now: datetime) -> bool:
    with sf() as s:
        busy = s.exec(
            select(Reminder.id).where(
                (Reminder.status == "sending")
                | ((Reminder.status == "pending") & (Reminder.due_at <= now))  # type: ignore[operator]
            )
        ).first()
    return busy is None


# --------------------------------------------------------------------------- the test


def _after(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def check_each_reminder_sent_once(
    sf: SessionFactory, slack: SlowSlack, seeded: list[str], about: str, log_tail: str
) -> str:
    """Every seeded reminder posted exactly once and its row marked sent; returns the figures."""
    with sf() as s:
        rows = list(s.exec(select(Reminder)))
        recovered = s.exec(select(AuditEvent).where(AuditEvent.action == "paminnelse_aterhamtad"))
        recovered_keys = [_after(e.after)["key"] for e in recovered]
        requeued = s.exec(select(AuditEvent).where(AuditEvent.action == "paminnelse_aterupptagen"))
        requeued_n = len(list(requeued))
    per_key = Counter(key for _channel, key in slack.posts)
    by_status = Counter(r.status for r in rows)
    sent = {r.key for r in rows if r.status == "sent"}
    duplicates = {k: n for k, n in per_key.items() if n > 1}
    lost = [k for k in seeded if per_key[k] == 0]
    figures = (
        f"{about}, reminders seeded={len(seeded)},"
        f" rows={len(rows)} {dict(by_status)}, posts={len(slack.posts)},"
        f" duplicates={len(duplicates)}, lost={len(lost)}, recovered={len(recovered_keys)}"
        f" ({sum('|@' in k for k in recovered_keys)} of them DMs),"
        f" resent after a kill={requeued_n}, history lookups={slack.history_calls},"
        f" backend={BACKEND}"
    )
    assert None not in per_key, "a reminder was posted without its metadata key"
    assert not duplicates, f"sent twice: {duplicates}\n{figures}\n{log_tail}"
    assert not lost, f"never sent: {lost}\n{figures}\n{log_tail}"
    assert set(per_key) == sent, f"posted vs. rows marked sent differ\n{figures}"
    assert set(seeded) <= sent, figures
    # Nothing stuck, nothing failed; rows the bot planned itself may wait for a later time.
    assert by_status.keys() <= {"sent", "pending", "dropped"}, figures
    now = datetime.now(UTC)
    assert all(r.due_at > now for r in rows if r.status == "pending"), figures
    assert all(per_key[r.key] == 0 for r in rows if r.status == "dropped"), figures
    return figures


def test_sigkill_while_sending_loses_nothing_and_sends_nothing_twice(
    bot_database: str, tmp_path: Path
) -> None:
    engine = make_engine(bot_database)
    upgrade(engine)
    sf = make_session_factory(engine)
    started_at = datetime.now(UTC)
    seeded = seed(sf, started_at)
    slack = SlowSlack(seed=6)
    rng = random.Random(4)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        DATABASE_URL=bot_database,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=slack.api_url,
        SCHEDULER_ENABLED="true",
        ADMIN_USER_IDS="",
        LOG_LEVEL="INFO",
    )
    log_path = tmp_path / "bot.log"
    log_file = log_path.open("a")
    kills = mid_send = 0
    t0 = time.monotonic()

    def launch() -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", BOT, str(SCAN_INTERVAL), str(LEASE_SECONDS)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line == "started", f"the bot did not start: {log_path.read_text()[-3000:]}"
        return proc

    proc = None
    try:
        for _ in range(KILLS):
            proc = launch()
            before = slack.post_count()
            # Let it send something (or recover what the last one left), then kill it mid-way.
            deadline = time.monotonic() + 5
            while slack.post_count() == before and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.5))
            with slack.lock:
                mid_send += slack.in_flight > 0
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            kills += 1
        proc = launch()  # the last one runs to completion
        deadline = time.monotonic() + 40
        while not settled(sf, datetime.now(UTC)) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3 * SCAN_INTERVAL)
    finally:
        if proc is not None and proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
        slack.close()
        log_file.close()
    elapsed = time.monotonic() - t0

    figures = check_each_reminder_sent_once(
        sf,
        slack,
        seeded,
        f"kills={kills} (mid-send {mid_send}), {elapsed:.1f} s",
        log_path.read_text(errors="replace")[-4000:],
    )
    engine.dispose()
    print(f"\nSIGKILL test: {figures}")
    assert kills == KILLS and mid_send >= 1, figures
