"""HTTP mode: `atgard serve` as a real process (gunicorn) with a real HTTP client; /healthz."""

from __future__ import annotations

import http.client as http_client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
from slack_sdk import WebClient

from bot.db import make_engine, make_session_factory
from bot.slack.app import create_app
from bot.slack.server import make_wsgi_app
from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET, signed_headers
from tests.slack.fake_slack import FakeSlack

ATGARD = Path(sys.executable).parent / "atgard"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(
    url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    req = urllib.request.Request(
        url, data=body, headers=headers or {}, method="POST" if body is not None else "GET"
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@contextmanager
def serving(database_url: str, fake_slack: FakeSlack, cwd: Path, **env: str) -> Iterator[str]:
    """`atgard serve` as a process with Slack's Web API played by `fake_slack`; yields its
    base URL once /healthz answers, and the server's output if it does not start."""
    port = free_port()
    full_env = {
        "PATH": os.environ.get("PATH", ""),
        # The code of this checkout, not whichever one the venv's `atgard` was installed from
        # (a git worktree shares the main checkout's venv).
        "PYTHONPATH": str(Path(__file__).parents[2]),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "SCHEDULER_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    proc = subprocess.Popen(
        [str(ATGARD), "serve", "--port", str(port), "--host", "127.0.0.1"],
        cwd=cwd,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if http(base + "/healthz")[0] == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(
                "atgard serve did not start:\n"
                + (proc.stdout.read().decode() if proc.stdout else "")
            )
        time.sleep(0.1)
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def served(database_url, session_factory, fake_slack, tmp_path):  # type: ignore[no-untyped-def]
    with serving(database_url, fake_slack, tmp_path) as base:
        yield base


def test_serve_handles_a_signed_slash_command(served, fake_slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    assert http(served + "/healthz") == (200, "ok")
    body = urlencode(
        {
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": "U1",
            "user_name": "kim",
            "command": "/atgard",
            "text": "visa 1.3",
            "response_url": fake_slack.response_url("srv"),
            "trigger_id": "t",
        }
    )
    headers = {
        k: v[0] for k, v in signed_headers(body, "application/x-www-form-urlencoded").items()
    }
    status, text = http(served + "/slack/events", body.encode(), headers)
    assert status == 200
    answer = json.loads(text)  # answered in the HTTP response itself
    assert answer["response_type"] == "ephemeral"
    assert "Åtgärd 1.3" in str(answer["blocks"])
    assert fake_slack.of("response_url") == []
    # Unsigned requests and unknown paths are refused.
    assert (
        http(
            served + "/slack/events",
            body.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )[0]
        == 401
    )
    assert http(served + "/annat")[0] == 404


def test_healthz_reports_a_broken_database(slack_settings, fake_slack, tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = make_session_factory(make_engine(f"sqlite:///{tmp_path}/saknas/ingen.db"))
    app = create_app(
        slack_settings, broken, client=WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
    )
    wsgi = make_wsgi_app(app, broken)
    environ: dict = {"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    seen: list[str] = []
    body = b"".join(wsgi(environ, lambda status, headers: seen.append(status)))
    assert seen == ["503 Service Unavailable"] and body == b"database unavailable"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/slack/events", "POST"),
        ("HEAD", "/slack/events", "POST"),
        ("PUT", "/slack/events", "POST"),
        ("POST", "/healthz", "GET, HEAD"),
    ],
)
def test_a_method_the_address_does_not_take_is_405(
    slack_settings, fake_slack, session_factory, method, path, allowed
) -> None:  # type: ignore[no-untyped-def]
    """Slack only POSTs to /slack/events (a browser or an uptime check GETs it): the address
    exists, so 405 with Allow, not Bolt's 404 "Not Found"."""
    app = create_app(
        slack_settings,
        session_factory,
        client=WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url),
    )
    environ: dict = {"PATH_INFO": path, "REQUEST_METHOD": method}
    setup_testing_defaults(environ)
    seen: list[tuple[str, list[tuple[str, str]]]] = []
    body = b"".join(make_wsgi_app(app, session_factory)(environ, lambda *a: seen.append(a)))
    [(status, headers)] = seen
    assert status == "405 Method Not Allowed"
    assert dict(headers)["Allow"] == allowed
    assert body == b""
    assert fake_slack.methods() == []


def test_run_without_slack_tokens_starts_the_sandbox(
    database_url, session_factory, imported_plan, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": database_url,
        "SCHEDULER_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "PORT": str(port),
    }
    proc = subprocess.Popen(
        [str(ATGARD), "run"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        page = ""
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as resp:
                    page = resp.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert "Sandlådan" in page and 'lang="sv"' in page
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert "startar sandlådan" in err


def test_console_still_runs_from_the_cli(
    database_url, session_factory, imported_plan, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    env = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    out = subprocess.run(
        [str(ATGARD), "console"],
        input="/atgard hjälp\nexit\n",
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "Åtgärdsbot – så här gör du" in out.stdout


def test_serve_refuses_to_start_without_signing_secret(database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
    }
    out = subprocess.run(
        [str(ATGARD), "serve", "--port", "1"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "SLACK_SIGNING_SECRET" in out.stderr


def test_manifest_matches_the_app() -> None:
    text = (Path(__file__).parents[2] / "manifest.yml").read_text()
    for needle in (
        "command: /atgard",
        "should_escape: true",
        "app_home_opened",
        "home_tab_enabled: true",
        "is_enabled: true",
        "socket_mode_enabled: true",
    ):
        assert needle in text
    assert (Path(__file__).parents[2] / "Procfile").read_text().splitlines() == [
        "web: atgard serve --port $PORT",
        "release: atgard db upgrade",
    ]


def manifest_list(text: str, key: str) -> list[str]:
    """The items of the YAML list under `key:` in manifest.yml (a block list of plain words)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}:")
    items = []
    for line in lines[start + 1 :]:
        item = line.split("#", 1)[0].strip()
        if not item:
            continue
        if not item.startswith("- "):
            break
        items.append(item.removeprefix("- ").strip())
    return items


def test_manifest_subscribes_to_every_event_the_app_acts_on() -> None:
    """Slack sends an Events API event only to an app subscribed to it (app_uninstalled and
    tokens_revoked too): a listener for an event the manifest leaves out never runs."""
    from bot.slack.listeners import EVENTS

    text = (Path(__file__).parents[2] / "manifest.yml").read_text()
    assert sorted(manifest_list(text, "bot_events")) == sorted(EVENTS)


def test_serve_answers_slacks_other_request_formats(served, fake_slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    """Over real HTTP, under gunicorn: what tests/slack/test_slack_formats.py covers in-process."""

    def post(body: str, content_type: str, signed: bool = True, **extra: str) -> tuple[int, str]:
        headers = {"Content-Type": content_type}
        if signed:
            headers |= {k: v[0] for k, v in signed_headers(body, content_type).items()}
        return http(served + "/slack/events", body.encode(), headers | extra)

    form, js = "application/x-www-form-urlencoded", "application/json"
    challenge = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"})
    assert post(challenge, js) == (200, '{"challenge": "c-123"}')
    assert post("ssl_check=1&token=t", form, signed=False) == (200, "")
    mention = json.dumps(
        {
            "token": "t",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": "Ev1",
            "event_time": int(time.time()),
            "event": {"type": "app_mention", "user": "U1", "text": "<@UBOT>", "channel": "C1"},
        }
    )
    assert (
        post(mention, js, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})[0]
        == 200
    )
    command = urlencode(
        {
            "team_id": "T1",
            "channel_id": "C1",
            "channel_name": "payload",
            "user_id": "U1",
            "command": "/atgard",
            "text": "",
            "response_url": fake_slack.response_url("srv2"),
            "trigger_id": "t2",
        }
    )
    status, text = post(command, form)
    assert status == 200 and "så här gör du" in json.loads(text)["text"]
    assert post(mention, js, signed=False, **{"X-Slack-Request-Timestamp": "igår"})[0] == 401


def test_serve_takes_charset_content_types_and_lost_access_events(
    served, fake_slack, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    """Over real HTTP: a command whose content type names its charset, and app_uninstalled,
    which pauses sending (the row is in the database every worker shares)."""
    from models import access

    def post(body: str, content_type: str) -> tuple[int, str]:
        headers = {k: v[0] for k, v in signed_headers(body, content_type).items()}
        return http(served + "/slack/events", body.encode(), headers)

    command = urlencode(
        {
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": "U1",
            "command": "/atgard",
            "text": "visa 1.3",
            "response_url": fake_slack.response_url("charset"),
            "trigger_id": "t-charset",
        }
    )
    status, text = post(command, "application/x-www-form-urlencoded; charset=utf-8")
    assert status == 200 and "Åtgärd 1.3" in json.loads(text)["text"]
    # The same body in chunks, without Content-Length (as a proxy in front may forward it):
    # it was read as empty, and the signature check refused it with 401.
    form = "application/x-www-form-urlencoded"
    conn = http_client.HTTPConnection(served.removeprefix("http://"), timeout=5)
    conn.request(
        "POST",
        "/slack/events",
        body=iter([command.encode()[:40], command.encode()[40:]]),
        headers={k: v[0] for k, v in signed_headers(command, form).items()},
        encode_chunked=True,
    )
    chunked = conn.getresponse()
    assert chunked.status == 200 and "Åtgärd 1.3" in json.loads(chunked.read())["text"]
    conn.close()
    event = json.dumps(
        {
            "token": "t",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": "Ev0UNINST",
            "event_time": int(time.time()),
            "event": {"type": "app_uninstalled", "event_ts": f"{time.time():.6f}"},
        }
    )
    assert post(event, "application/json; charset=utf-8") == (200, "")
    with session_factory() as s:
        assert access.is_paused(session=s, platform="slack")
