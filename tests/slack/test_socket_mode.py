"""Socket Mode end to end: `atgard run` with SLACK_APP_TOKEN as a real process, against a
stand-in for Slack's side (tests/slack/socket_mode_slack.py): the Web API answers
apps.connections.open with a ws:// URL, and a WebSocket server delivers slash commands in
envelopes and reads the bot's acknowledgements, whose payload is the answer the user sees.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.db import SessionFactory
from models.replies import ActionId
from models.tables import FollowUp, ProcessedRequest
from tests.slack.conftest import BOT_TOKEN, event_callback, view_submission
from tests.slack.fake_slack import FakeSlack, Scripted
from tests.slack.helpers import all_text, rows, slash_command_fields
from tests.slack.socket_mode_slack import Link, SocketModeSlack
from tests.slack.test_server import free_port

ATGARD = Path(sys.executable).parent / "atgard"
APP_TOKEN = "xapp-1-A1-1-socketmodetest"


class RunningBot:
    """`atgard run` in Socket Mode, its output in a file (read when something fails)."""

    def __init__(self, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.proc = proc
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def assert_running(self) -> None:
        if self.proc.poll() is not None:
            raise AssertionError(
                f"atgard run exited with {self.proc.returncode}:\n{self.output()[-4000:]}"
            )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def bot_env(
    database_url: str, fake_slack: FakeSlack, *, scheduler: bool = False, **more_env: str
) -> dict[str, str]:
    """The environment the README's Socket Mode guide sets: bot and app token only."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": fake_slack.api_url,
        "SCHEDULER_ENABLED": "true" if scheduler else "false",
        "LOG_LEVEL": "INFO",
        **more_env,
    }


@pytest.fixture
def socket_mode(fake_slack: FakeSlack) -> Iterator[SocketModeSlack]:
    server = SocketModeSlack(fake_slack)
    yield server
    server.close()
    assert server.problems == []


@pytest.fixture
def start_bot(
    database_url: str,
    session_factory: SessionFactory,
    imported_plan: Any,
    fake_slack: FakeSlack,
    socket_mode: SocketModeSlack,
    tmp_path: Path,
) -> Iterator[Callable[..., RunningBot]]:
    """The real CLI, as the README's Socket Mode guide starts it: bot and app token only."""
    started: list[RunningBot] = []

    def start(*, scheduler: bool = False, **more_env: str) -> RunningBot:
        env = bot_env(database_url, fake_slack, scheduler=scheduler, **more_env)
        log = tmp_path / "atgard-run.log"
        with log.open("wb") as out:
            # cwd: an empty directory, so no .env file is read.
            proc = subprocess.Popen(
                [str(ATGARD), "run"], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        running = RunningBot(proc, log)
        started.append(running)
        socket_mode.watch = running.assert_running
        return running

    try:
        yield start
    finally:
        for running in started:
            running.stop()


@pytest.fixture
def bot(start_bot: Callable[..., RunningBot]) -> RunningBot:
    return start_bot()


def slash_command(fake: FakeSlack, text: str, trigger_id: str) -> dict[str, Any]:
    """A slash command's payload as Slack sends it in a `slash_commands` envelope."""
    return slash_command_fields(
        text, response_url=fake.response_url(trigger_id), trigger_id=trigger_id
    )


def button_press(fake: FakeSlack, button: dict[str, Any], trigger_id: str) -> dict[str, Any]:
    """A `block_actions` payload (an `interactive` envelope): a button on an ephemeral message."""
    return {
        "type": "block_actions",
        "user": {"id": "U1", "username": "kim", "name": "kim", "team_id": "T1"},
        "api_app_id": "A1",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "container": {
            "type": "message",
            "message_ts": "1732252800.000100",
            "channel_id": "C1",
            "is_ephemeral": True,
        },
        "trigger_id": trigger_id,
        "team": {"id": "T1", "domain": "kungsholmen"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": "C1", "name": "ssp"},
        "state": {"values": {}},
        "response_url": fake.response_url(trigger_id),
        "actions": [
            {
                "action_id": button["action_id"],
                "block_id": "b1",
                "text": button["text"],
                "value": button["value"],
                "type": "button",
                "action_ts": "1732252801.000200",
            }
        ],
    }


def buttons_in(message: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for block in message.get("blocks", []):
        found += block.get("elements", []) if block["type"] == "actions" else []
        found += [block["accessory"]] if "accessory" in block else []
    return found


def answered(socket_mode: SocketModeSlack, link: Link, envelope_id: str) -> dict[str, Any]:
    """The acknowledgement's payload: what the user sees, answered in the ack itself."""
    ack = socket_mode.ack(link, envelope_id)
    assert set(ack) == {"envelope_id", "payload"}, ack
    payload = ack["payload"]
    assert payload["response_type"] == "ephemeral"
    return payload


def test_socket_mode_answers_stores_once_and_reconnects(
    bot: RunningBot,
    socket_mode: SocketModeSlack,
    fake_slack: FakeSlack,
    session_factory: SessionFactory,
) -> None:
    first = socket_mode.link(1)
    # The URL came from apps.connections.open, called with the app-level token.
    [opened] = fake_slack.of("apps.connections.open")
    assert opened.headers["authorization"] == f"Bearer {APP_TOKEN}"
    assert first.ticket == "ticket-1"

    # 1. The list, answered in the acknowledgement of its envelope.
    envelope = socket_mode.deliver(first, slash_command(fake_slack, "lista", "111.222.lista"))
    listing = answered(socket_mode, first, envelope)
    assert "sida 1 av 2" in all_text(listing)
    assert "1.3" in all_text(listing)

    # Its "next page" button, pressed: an `interactive` envelope, acknowledged at once and
    # empty; the second page replaces the list through response_url.
    [next_page] = [b for b in buttons_in(listing) if b["action_id"].startswith(ActionId.PAGE)]
    press = socket_mode.deliver(
        first, button_press(fake_slack, next_page, "111.222.page"), kind="interactive"
    )
    assert socket_mode.ack(first, press) == {"envelope_id": press}
    [page_2] = fake_slack.wait_for("response_url", timeout=20)
    assert page_2.path == "/response/111.222.page"
    assert page_2.body["replace_original"] is True
    assert "sida 2 av 2" in all_text(page_2.body)

    # 2. A follow-up: stored, and confirmed in the acknowledgement.
    follow_up = slash_command(fake_slack, "uppfolj 1.3 Åtta möten hölls i våras", "111.222.fu")
    envelope = socket_mode.deliver(first, follow_up)
    assert "Uppföljning sparad för 1.3" in all_text(answered(socket_mode, first, envelope))
    [stored] = rows(session_factory, FollowUp)
    assert (stored.text, stored.author_id, stored.author_name) == (
        "Åtta möten hölls i våras",
        "U1",
        "kim",
    )

    # 3. The same command delivered again, as a retry would be (same trigger id, a new
    # envelope): acknowledged, empty (the user already has the answer), not stored again.
    retry = socket_mode.deliver(first, follow_up)
    assert socket_mode.ack(first, retry) == {"envelope_id": retry}
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Åtta möten hölls i våras"]
    assert [r.key for r in rows(session_factory, ProcessedRequest)] == ["cmd:111.222.fu"]

    # 4. Slack refreshes the connection: `disconnect` (refresh_requested), then it closes the
    # old socket. The bot asks apps.connections.open for a new URL and connects with it.
    socket_mode.refresh(first)
    second = socket_mode.link(2)
    assert second.ticket == "ticket-2"
    assert len(fake_slack.of("apps.connections.open")) == 2
    first.ws.close(1001, "refresh")
    assert first.closed.wait(20)

    # The new connection answers, and sees what was stored before the refresh.
    envelope = socket_mode.deliver(second, slash_command(fake_slack, "visa 1.3", "111.222.visa"))
    shown = all_text(answered(socket_mode, second, envelope))
    assert "Åtgärd 1.3" in shown
    assert "Åtta möten hölls i våras" in shown

    # Every envelope was acknowledged exactly once; the commands' answers all went in the acks
    # (the only response_url message is the button's second page).
    assert [len(link.received) for link in socket_mode.links] == [4, 1]
    assert fake_slack.of("response_url") == [page_2]


def test_socket_mode_reconnects_when_slack_closes_the_connection(
    bot: RunningBot, socket_mode: SocketModeSlack, fake_slack: FakeSlack
) -> None:
    """Closed by Slack without a `disconnect` first (a link host going away): the SDK notices
    the closed session on its next connection check (every ping interval) and connects anew."""
    first = socket_mode.link(1)
    first.ws.close(1001, "going away")
    assert first.closed.wait(20)
    second = socket_mode.link(2, timeout=45)
    assert second.ticket == "ticket-2"
    assert len(fake_slack.of("apps.connections.open")) == 2
    envelope = socket_mode.deliver(second, slash_command(fake_slack, "visa 1.3", "111.222.visa"))
    assert "Åtgärd 1.3" in all_text(answered(socket_mode, second, envelope))


def test_an_abrupt_network_drop_is_noticed_within_seconds(
    bot: RunningBot, socket_mode: SocketModeSlack, fake_slack: FakeSlack
) -> None:
    """Nothing gets through any more and nobody closes anything (bolt-python#675): only the
    missing pongs tell. With Bolt's default ping interval the bot was deaf for up to a minute."""
    first = socket_mode.link(1)
    envelope = socket_mode.deliver(first, slash_command(fake_slack, "visa 1.3", "111.222.före"))
    assert "Åtgärd 1.3" in all_text(answered(socket_mode, first, envelope))
    socket_mode.drop(first)
    dropped_at = time.monotonic()
    second = socket_mode.link(2, timeout=40)
    assert time.monotonic() - dropped_at < 25
    assert second.ticket == "ticket-2"
    envelope = socket_mode.deliver(second, slash_command(fake_slack, "visa 1.3", "111.222.efter"))
    assert "Åtgärd 1.3" in all_text(answered(socket_mode, second, envelope))


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_closes_the_connection_and_stops_the_scheduler(
    stop_signal: signal.Signals,
    start_bot: Callable[..., RunningBot],
    socket_mode: SocketModeSlack,
    fake_slack: FakeSlack,
) -> None:
    """A platform stopping the bot (a redeploy) sends SIGTERM, a person at the terminal
    presses Ctrl+C (SIGINT): the bot says goodbye to Slack with a close frame, stops the
    reminder scheduler it started and exits 0, without reconnecting."""
    running = start_bot(scheduler=True)
    link = socket_mode.link(1)
    envelope = socket_mode.deliver(link, slash_command(fake_slack, "visa 1.3", "111.222.stop"))
    answered(socket_mode, link, envelope)  # connected and answering
    socket_mode.watch = None  # it is meant to exit now
    running.proc.send_signal(stop_signal)
    assert running.proc.wait(timeout=20) == 0, running.output()[-3000:]
    assert link.closed.wait(10)
    assert link.close_code == 1000  # a normal closure, not a dropped connection (1006)
    output = running.output()
    assert f"{stop_signal.name} received" in output
    assert "Scheduler started" in output and "Traceback" not in output
    assert "Reminder scheduler stopped" in output and "Åtgärdsbot stopped" in output
    assert len(fake_slack.of("apps.connections.open")) == 1 and len(socket_mode.links) == 1


def test_sigterm_lets_a_command_in_flight_answer_before_closing(
    start_bot: Callable[..., RunningBot],
    socket_mode: SocketModeSlack,
    fake_slack: FakeSlack,
    session_factory: SessionFactory,
) -> None:
    """SIGTERM while a command is being worked on (here: the coordinators' user group is being
    read from Slack). Closing the connection first lost its ack: the user saw the command fail
    although the follow-up was stored, and typing it again stored it twice."""
    fake_slack.usergroup_members = ["U1"]
    fake_slack.script(
        "usergroups.users.list", Scripted(body={"ok": True, "users": ["U1"]}, delay=1.0)
    )
    running = start_bot(COORDINATOR_USERGROUP="S1")
    link = socket_mode.link(1)
    follow_up = slash_command(fake_slack, "uppfolj 1.3 Åtta möten hölls i våras", "111.222.stop")
    envelope = socket_mode.deliver(link, follow_up)
    fake_slack.wait_for("usergroups.users.list", timeout=20)  # the command is in flight
    socket_mode.watch = None  # it is meant to exit now
    running.proc.send_signal(signal.SIGTERM)
    ack = socket_mode.ack(link, envelope)
    assert running.proc.wait(timeout=20) == 0, running.output()[-3000:]
    # The answer went in the ack, or (had the work outlasted the ack's budget) by response_url.
    shown = all_text(ack.get("payload") or {}) + "".join(
        all_text(c.body) for c in fake_slack.of("response_url")
    )
    assert "Uppföljning sparad för 1.3" in shown
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Åtta möten hölls i våras"]
    assert link.closed.wait(10) and link.close_code == 1000


def test_socket_mode_forms_submissions_and_the_home_tab(
    bot: RunningBot,
    socket_mode: SocketModeSlack,
    fake_slack: FakeSlack,
    session_factory: SessionFactory,
) -> None:
    """The other envelopes: a command that opens a form (views.open with the command's
    trigger id), the form's `view_submission` (an `interactive` envelope), and `events_api`
    (app_home_opened), each acknowledged with its own envelope id and acted on once."""
    link = socket_mode.link(1)
    command = slash_command(fake_slack, "uppfolj 1.3", "111.222.form")
    envelope = socket_mode.deliver(link, command)
    assert socket_mode.ack(link, envelope) == {"envelope_id": envelope}
    [opened] = fake_slack.wait_for("views.open", timeout=20)
    assert opened.body["trigger_id"] == "111.222.form"
    view = opened.body["view"]

    submission = view_submission(
        view, {"verdict": "delvis", "text": "Fyra av åtta möten hölls."}, user="U1", view_id="V7"
    )
    envelope = socket_mode.deliver(link, submission, kind="interactive")
    assert socket_mode.ack(link, envelope) == {"envelope_id": envelope}  # the modal closes
    [confirmed] = fake_slack.wait_for("response_url", timeout=20)
    assert confirmed.path == "/response/111.222.form"  # the command's, kept in the modal
    assert "Uppföljning sparad för 1.3" in all_text(confirmed.body)
    # Submitted again (a double click: the same view in a new envelope): stored once.
    again = socket_mode.deliver(link, submission, kind="interactive")
    assert socket_mode.ack(link, again) == {"envelope_id": again}
    [stored] = rows(session_factory, FollowUp)
    assert (stored.verdict, stored.text) == ("delvis", "Fyra av åtta möten hölls.")

    home = event_callback({"type": "app_home_opened", "user": "U1", "tab": "home"}, "Ev1")
    envelope = socket_mode.deliver(link, home, kind="events_api")
    assert socket_mode.ack(link, envelope) == {"envelope_id": envelope}
    [published] = fake_slack.wait_for("views.publish", timeout=20)
    assert published.body["user_id"] == "U1"
    assert "Mina åtgärder" in all_text(published.body)
    # Slack's redelivery of the same event (another envelope, the same event id): acked,
    # not published again.
    again = socket_mode.deliver(link, home, kind="events_api")
    assert socket_mode.ack(link, again) == {"envelope_id": again}
    assert [len(link.received) for link in socket_mode.links] == [5]
    assert len(fake_slack.of("views.publish")) == 1
    assert fake_slack.of("response_url") == [confirmed]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("invalid_auth", "Fel: Slack godtar inte SLACK_APP_TOKEN (invalid_auth)."),
        ("not_allowed_token_type", "Fel: SLACK_APP_TOKEN är ingen app-nivåtoken"),
        ("unreachable", "Fel: Slack går inte att nå."),
    ],
    ids=["invalid_auth", "bot_token", "unreachable"],
)
def test_a_refused_start_is_one_swedish_line_and_a_failure(
    error: str,
    expected: str,
    database_url: str,
    session_factory: SessionFactory,
    fake_slack: FakeSlack,
    tmp_path: Path,
) -> None:
    """A wrong app token (or a bot token in its place) and Slack out of reach stop the start
    with one line saying what to do, exit code 2 and no traceback, and leave no thread behind
    (the scheduler is on) that would keep the process alive."""
    env = bot_env(database_url, fake_slack, scheduler=True, ADMIN_USER_IDS="U1")
    if error == "unreachable":
        env["SLACK_API_URL"] = f"http://127.0.0.1:{free_port()}/api/"
    else:
        fake_slack.script("apps.connections.open", Scripted(body={"ok": False, "error": error}))
    done = subprocess.run(
        [str(ATGARD), "run"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr[-3000:]
    [said] = [line for line in done.stderr.splitlines() if line.startswith("Fel:")]
    assert said.startswith(expected)
    assert "Traceback" not in done.stderr and "│" not in done.stderr  # nor Rich's
    assert APP_TOKEN not in done.stderr + done.stdout
    assert "Scheduler started" not in done.stderr  # APScheduler's line: it never started
