"""The database stopped and started under a running `atgard serve` (HTTP, gunicorn, PostgreSQL).

Slack's side is played by the stand-in Web API (tests/slack/fake_slack.py), which also takes
the response_url answers. While the database is down a signed `/atgard` request must still
be acknowledged with 200 within Slack's 3 s and the user must hear "Tjänsten är tillfälligt
otillgänglig …" (in the ack, or through response_url if the answer took longer than the
ack budget); nothing may be half-written. After the restart the bot
must store again without being restarted itself. The figures are printed (pytest -s).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlmodel import select

from bot.db import make_engine, make_session_factory, upgrade
from handlers.texts import UNAVAILABLE
from models.importer import apply_plan
from models.tables import FollowUp
from reports.xlsx_reader import read_plan
from tests.conftest import BACKEND, plan_file
from tests.slack.fake_slack import Call, FakeSlack
from tests.slack.helpers import slash_command_fields
from tests.trust.conftest import free_port

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="runs with the PostgreSQL pass")

ROOT = Path(__file__).parents[2]
SECRET = "outage-signing-secret"
CYCLES = 2  # database stopped and started this many times


@dataclass
class Bot:
    url: str
    fake: FakeSlack
    log_path: Path
    n: int = 0
    tried: int = 0
    answered_in_time: int = 0
    slowest: float = 0.0

    def command(self, text: str) -> tuple[int, float, str]:
        """A signed slash command as Slack sends it: (HTTP status, seconds, what the user saw)."""
        self.n += 1
        self.tried += 1
        name = f"out{self.n}"
        body = urlencode(
            slash_command_fields(
                text, response_url=self.fake.response_url(name), trigger_id=f"trigger-{name}"
            )
        )
        ts = str(int(time.time()))
        req = urllib.request.Request(
            self.url + "slack/events",
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
                    timestamp=ts, body=body
                ),
            },
        )
        t0 = time.monotonic()
        with urllib.request.urlopen(req, timeout=10) as resp:
            status = resp.status
            acked = resp.read()
        took = time.monotonic() - t0
        self.slowest = max(self.slowest, took)
        self.answered_in_time += status == 200 and took < 3.0
        if acked.strip():  # answered in the ack itself
            body = json.loads(acked)
            return status, took, _text(Call("ack", body, {}, ""))
        # A slower answer is POSTed to response_url after an empty ack.
        seen = self._answer(name, timeout=15)
        return status, took, seen

    def _answer(self, name: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = [c for c in self.fake.of("response_url") if c.path.endswith(f"/{name}")]
            if calls:
                return _text(calls[-1])
            time.sleep(0.05)
        raise AssertionError(f"no answer via response_url for {name}\n{self.log_tail()}")

    def log_tail(self) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-40:])


def _text(call: Call) -> str:
    body = call.body
    parts = [str(body.get("text") or "")]
    parts += [str(b) for b in body.get("blocks") or []]
    return "\n".join(parts)


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"atgard serve exited: {log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "healthz", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("atgard serve did not become healthy")


@pytest.fixture
def served(private_pg, tmp_path: Path) -> Iterator[tuple[Bot, str, object, object]]:  # type: ignore[no-untyped-def]
    url, start_db, stop_db = private_pg
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine).begin() as s:
        apply_plan(
            session=s,
            parsed=read_plan(plan_file()),
            district="Kungsholmen",
            year=2025,
            actor=None,
            today=date(2025, 4, 1),
        )
    engine.dispose()
    fake = FakeSlack()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        DATABASE_URL=url,
        SLACK_BOT_TOKEN="xoxb-outage",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        ADMIN_USER_IDS="",
        LOG_LEVEL="INFO",
    )
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    bot_url = f"http://127.0.0.1:{port}/"
    try:
        wait_healthy(bot_url, proc, log_path)
        yield Bot(bot_url, fake, log_path), url, start_db, stop_db
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        log.close()
        fake.close()


def test_database_outage_under_atgard_serve(served) -> None:  # type: ignore[no-untyped-def]
    bot, url, start_db, stop_db = served
    status, _took, seen = bot.command("lista")
    assert status == 200 and "16 åtgärder" in seen, seen

    faults = 0
    confirmed: list[str] = []  # follow-ups the user was told were saved
    refused: list[str] = []  # follow-ups the user was told to try again
    for cycle in range(1, CYCLES + 1):
        stop_db()
        faults += 1
        for text in ("lista", f"uppfolj 1.3 skrivs när databasen är nere ({cycle})"):
            status, took, seen = bot.command(text)
            assert status == 200 and took < 3.0, (status, took)
            assert UNAVAILABLE in seen, f"{seen}\n{bot.log_tail()}"
            if text.startswith("uppfolj"):
                refused.append(text.removeprefix("uppfolj 1.3 "))
        start_db()
        written = f"skrivs när databasen är tillbaka ({cycle})"
        status, _took, seen = bot.command(f"uppfolj 1.3 {written}")
        assert status == 200 and "sparad" in seen, f"{seen}\n{bot.log_tail()}"
        confirmed.append(written)

    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        stored = list(s.exec(select(FollowUp.text)))
    engine.dispose()
    lost = [t for t in confirmed if t not in stored]
    half_written = [t for t in refused if t in stored]
    print(
        f"\nDB outage under atgard serve: requests tried={bot.tried},"
        f" answered 200 within 3 s={bot.answered_in_time} (slowest {bot.slowest:.2f} s),"
        f" faults injected={faults} (database stopped and started),"
        f" follow-ups confirmed={len(confirmed)}, rows lost={len(lost)},"
        f" refused while down={len(refused)}, written anyway={len(half_written)}"
    )
    assert bot.answered_in_time == bot.tried
    assert lost == [] and half_written == []
    assert sorted(stored) == sorted(confirmed)
