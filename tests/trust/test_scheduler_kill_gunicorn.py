"""The gunicorn worker that runs the reminder scheduler is SIGKILLed in the middle of a scan.

`atgard serve` starts the scheduler in each of its workers and leadership (reminders.leader:
a file lock on SQLite, an advisory lock on PostgreSQL) lets one of them run it. Here the
server runs as `atgard serve` builds it (bot.slack.server.serve, two gthread workers), with a
short scan interval and lease, and the leader announces itself on stdout. The leader is killed
while a post to the stand-in Slack is in flight, three times over: the other worker (or the
one gunicorn starts in its place) must lead within a bounded time, and every due reminder is
posted exactly once (tests/trust/test_scheduler_kill.py's stand-in and checks).
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.db import make_engine, make_session_factory, upgrade
from tests.trust.conftest import free_port
from tests.trust.test_scheduler_kill import (
    BOT_TOKEN,
    LEASE_SECONDS,
    ROOT,
    SCAN_INTERVAL,
    SlowSlack,
    bot_database,  # noqa: F401 (a fixture)
    check_each_reminder_sent_once,
    seed,
    settled,
)

KILLS = 3
# A SIGKILLed holder's lock is free at once (the kernel closes its file, the server its
# session); the other worker takes it at its next scan.
TAKEOVER_S = 10 * SCAN_INTERVAL + 1.0

SERVER = textwrap.dedent(
    """
    import os, sys
    from datetime import timedelta
    from bot.config import Settings
    from bot.runtime import start
    from bot.slack.server import serve
    from reminders.leader import leadership_for

    settings = Settings()
    start(settings, migrate=True).engine.dispose()


    class Announced:
        def __init__(self, inner):
            self.inner, self.held = inner, False

        def is_leader(self):
            got = self.inner.is_leader()
            if got and not self.held:
                os.write(1, f"leader {os.getpid()}\\n".encode())  # one write: whole lines
            self.held = got
            return got

        def release(self):
            self.inner.release()


    def load():
        from bot.slack.app import create_app
        from bot.slack.notifier import SlackNotifier
        from bot.slack.server import make_wsgi_app
        from reminders.service import start_scheduler

        rt = start(settings, migrate=False)
        bolt = create_app(rt.settings, rt.session_factory)
        start_scheduler(
            rt,
            SlackNotifier(bolt.client),
            leader=Announced(leadership_for(rt.engine)),
            scan_interval=float(sys.argv[1]),
            lease=timedelta(seconds=float(sys.argv[2])),
        )
        os.write(1, f"worker {os.getpid()}\\n".encode())
        return make_wsgi_app(bolt, rt.session_factory)


    serve(load, host="127.0.0.1", port=int(sys.argv[3]), workers=2)
    """
)


def test_killing_the_leading_worker_hands_over_and_loses_nothing(
    bot_database: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    engine = make_engine(bot_database)
    upgrade(engine)
    sf = make_session_factory(engine)
    seeded = seed(sf, datetime.now(UTC))
    slack = SlowSlack(seed=11)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        DATABASE_URL=bot_database,
        PYTHONPATH=str(ROOT),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET="kill-test-secret",
        SLACK_API_URL=slack.api_url,
        SCHEDULER_ENABLED="true",
        ADMIN_USER_IDS="",
        LOG_LEVEL="INFO",
    )
    log_path = tmp_path / "server.log"
    lines: queue.Queue[str] = queue.Queue()
    with log_path.open("a") as log_file:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                SERVER,
                str(SCAN_INTERVAL),
                str(LEASE_SECONDS),
                str(free_port()),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
            start_new_session=True,  # gunicorn's master and workers: one group to end
        )
    assert proc.stdout is not None
    threading.Thread(
        target=lambda: [lines.put(line.strip()) for line in proc.stdout],  # type: ignore[union-attr]
        daemon=True,
    ).start()

    def next_leader(not_pid: int | None, within: float) -> int:
        deadline = time.monotonic() + within
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = lines.get(timeout=left)
            except queue.Empty:
                break
            if line.startswith("leader ") and int(line.split()[1]) != not_pid:
                return int(line.split()[1])
        raise AssertionError(f"no worker took over the scheduler: {log_path.read_text()[-3000:]}")

    takeovers: list[float] = []
    mid_send = 0
    try:
        leader = next_leader(None, 30)
        for _ in range(KILLS):
            deadline = time.monotonic() + 5
            while slack.in_flight == 0 and time.monotonic() < deadline:
                time.sleep(0.005)
            with slack.lock:
                mid_send += slack.in_flight > 0
            os.kill(leader, signal.SIGKILL)
            killed_at = time.monotonic()
            leader = next_leader(leader, TAKEOVER_S)
            takeovers.append(time.monotonic() - killed_at)
        deadline = time.monotonic() + 40
        while not settled(sf, datetime.now(UTC)) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3 * SCAN_INTERVAL)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
        slack.close()

    figures = check_each_reminder_sent_once(
        sf,
        slack,
        seeded,
        f"kills={KILLS} (mid-send {mid_send}), takeovers {[round(t, 2) for t in takeovers]} s",
        log_path.read_text(errors="replace")[-4000:],
    )
    engine.dispose()
    print(f"\ngunicorn SIGKILL test: {figures}")
    assert mid_send == KILLS, figures
