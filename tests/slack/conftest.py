"""The real Bolt app, real request signing, the real database, and a stand-in for Slack's API."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.config import Settings
from bot.db import SessionFactory
from bot.slack.app import create_app
from bot.slack.server import EVENTS_PATH, make_wsgi_app
from tests.slack.fake_slack import Call, FakeSlack
from tests.slack.helpers import slash_command_fields

SIGNING_SECRET = "test-signing-secret"  # tests/conftest.py's settings use this secret
BOT_TOKEN = "xoxb-test-token"
BOT_USER, BOT_ID = "UBOT", "B1"  # what the stand-in's auth.test says the bot is

# What Slack adds to every interactivity payload from a workspace that is not on Enterprise Grid.
NOT_GRID: dict[str, Any] = {"enterprise": None, "is_enterprise_install": False}


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlack]:
    server = FakeSlack()
    yield server
    server.close()


@pytest.fixture
def fake_slack(fake_slack_server: FakeSlack) -> Iterator[FakeSlack]:
    fake_slack_server.reset()
    yield fake_slack_server
    # Every payload the bot sent during the test must respect Slack's limits.
    assert fake_slack_server.violations == []


def signed_headers(
    body: str, content_type: str, *, timestamp: int | None = None, secret: str = SIGNING_SECRET
) -> dict[str, list[str]]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {
        "content-type": [content_type],
        "x-slack-signature": [signature],
        "x-slack-request-timestamp": [ts],
    }


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, able to tell when all submitted work is done."""

    def __init__(self) -> None:
        super().__init__(max_workers=4, thread_name_prefix="bolt-test")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any]) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def drain(self, timeout: float = 10.0) -> None:
        with self._idle:
            if not self._idle.wait_for(lambda: self._pending == 0, timeout):
                raise AssertionError("listeners still running after 10 s")


@dataclass
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


class SlackDriver:
    """Sends signed requests to the app the way Slack does and waits for their effects."""

    def __init__(
        self,
        app: App,
        fake: FakeSlack,
        executor: TrackingExecutor,
        session_factory: SessionFactory | None = None,
    ) -> None:
        self.app = app
        self.fake = fake
        self.executor = executor
        self.session_factory = session_factory
        self.n = 0

    # -------------------------------------------------------------- raw
    def dispatch(self, body: str, content_type: str, **sign: Any) -> BoltResponse:
        return self.app.dispatch(
            BoltRequest(body=body, headers=signed_headers(body, content_type, **sign))
        )

    def form(self, fields: dict[str, str], **sign: Any) -> BoltResponse:
        return self.dispatch(urlencode(fields), "application/x-www-form-urlencoded", **sign)

    def payload(self, payload: dict[str, Any], **sign: Any) -> BoltResponse:
        return self.form({"payload": json.dumps(payload)}, **sign)

    def http(
        self,
        body: str | bytes,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        signed: bool = True,
        path: str = EVENTS_PATH,
        **sign: Any,
    ) -> HttpAnswer:
        """POST through the WSGI app `atgard serve` runs (server.py in front of Bolt), in-process.

        `headers` are added after signing (retry headers, or a forged signature).
        """
        raw = body.encode() if isinstance(body, str) else body
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(raw)),
            "wsgi.input": io.BytesIO(raw),
        }
        setup_testing_defaults(environ)
        all_headers: dict[str, str] = {}
        if signed:
            text = raw.decode(errors="replace")
            all_headers.update(
                {k: v[0] for k, v in signed_headers(text, content_type, **sign).items()}
            )
        all_headers.update(headers or {})
        for name, value in all_headers.items():
            if name.lower() != "content-type":
                environ["HTTP_" + name.upper().replace("-", "_")] = value
        assert self.session_factory is not None
        wsgi = make_wsgi_app(self.app, self.session_factory)
        seen: list[tuple[str, list[tuple[str, str]]]] = []
        out = b"".join(wsgi(environ, lambda status, hs: seen.append((status, hs))))
        self.settle()
        status, hs = seen[0]
        return HttpAnswer(int(status.split()[0]), {k.lower(): v for k, v in hs}, out.decode())

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry: tuple[int, str] | None = None,
        **sign: Any,
    ) -> HttpAnswer:
        """An Events API event_callback in the envelope Slack documents, through the server.

        `retry`: (X-Slack-Retry-Num, X-Slack-Retry-Reason) for Slack's redelivery.
        """
        self.n += 1
        envelope = event_callback(event, event_id or f"Ev{self.n:08d}")
        headers = (
            {"X-Slack-Retry-Num": str(retry[0]), "X-Slack-Retry-Reason": retry[1]}
            if retry
            else None
        )
        return self.http(json.dumps(envelope), "application/json", headers=headers, **sign)

    def settle(self) -> None:
        """Wait until every listener and lazy listener started so far has finished."""
        self.executor.drain()

    # -------------------------------------------------------------- slack-shaped requests
    def command(
        self, text: str, *, user: str = "U1", name: str = "kim", channel: str = "C1", **sign: Any
    ) -> BoltResponse:
        self.n += 1
        resp = self.form(
            slash_command_fields(
                text,
                response_url=self.fake.response_url(f"cmd{self.n}"),
                trigger_id=f"trigger-{self.n}",
                channel_id=channel,
                user_id=user,
                user_name=name,
            ),
            **sign,
        )
        if resp.status == 200 and resp.body:
            # Slack shows a reply in the ack to the user, like one POSTed to response_url.
            self.fake.record("ack", json.loads(resp.body))
        self.settle()
        return resp

    def press(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "U1",
        channel: str | None = "C1",
        home: bool = False,
        **sign: Any,
    ) -> BoltResponse:
        self.n += 1
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "username": "kim", "name": "kim", "team_id": "T1"},
            "api_app_id": "A1",
            "token": "legacy",
            "trigger_id": f"trigger-{self.n}",
            "team": {"id": "T1", "domain": "test"},
            **NOT_GRID,
            "state": {"values": {}},
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "b1",
                    "value": value,
                    "type": "button",
                    "action_ts": "1",
                }
            ],
        }
        if home:
            payload["container"] = {"type": "view", "view_id": "VHOME"}
            payload["view"] = {"id": "VHOME", "type": "home", "blocks": []}
        else:
            payload["container"] = {
                "type": "message",
                "message_ts": "1.2",
                "channel_id": channel,
                "is_ephemeral": True,
            }
            payload["channel"] = {"id": channel, "name": "kanal"}
            payload["message"] = {"type": "message", "ts": "1.2", "text": "", "blocks": []}
            payload["response_url"] = self.fake.response_url(f"btn{self.n}")
        resp = self.payload(payload, **sign)
        self.settle()
        return resp

    def submit(
        self,
        view: dict[str, Any],
        values: dict[str, Any] | None = None,
        *,
        user: str = "U1",
        **sign: Any,
    ) -> BoltResponse:
        """Submit a modal the bot opened, with its initial values unless overridden.

        Each call is a new view unless `view` already carries an id (a double submit).
        """
        self.n += 1
        payload = view_submission(view, values, user=user, view_id=view.get("id") or f"V{self.n}")
        resp = self.payload(payload, **sign)
        self.settle()
        return resp

    def home_opened(self, user: str = "U1", tab: str = "home") -> BoltResponse:
        self.n += 1  # every opening is an event of its own (a retry would repeat the id)
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": "T1",
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": f"Ev{self.n}",
                "event_time": int(time.time()),
                "event": {
                    "type": "app_home_opened",
                    "user": user,
                    "channel": "D1",
                    "tab": tab,
                    "event_ts": "1.0",
                },
            }
        )
        resp = self.dispatch(body, "application/json")
        self.settle()
        return resp

    # -------------------------------------------------------------- reading what the bot did
    def opened_view(self) -> dict[str, Any]:
        return self.fake.wait_for("views.open")[-1].body["view"]

    def last(self, method: str) -> Call:
        return self.fake.wait_for(method)[-1]


def event_callback(event: dict[str, Any], event_id: str) -> dict[str, Any]:
    """An Events API event_callback in the envelope Slack documents (the HTTP body, or the
    payload of a Socket Mode `events_api` envelope)."""
    now = int(time.time())
    return {
        "token": "legacy",
        "team_id": "T1",
        "context_team_id": "T1",
        "context_enterprise_id": None,
        "api_app_id": "A1",
        "event": {"event_ts": f"{now}.000100", **event},
        "type": "event_callback",
        "event_id": event_id,
        "event_time": now,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": "T1",
                "user_id": BOT_USER,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-eyJldCI6ImFwcF9ob21lX29wZW5lZCIsInRpZCI6IlQxIn0",
    }


def view_submission(
    view: dict[str, Any], values: dict[str, Any] | None, *, user: str, view_id: str
) -> dict[str, Any]:
    """The `view_submission` payload for a modal the bot opened, with its initial values
    unless overridden in `values`."""
    return {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "test"},
        "user": {"id": user, "username": "kim", "name": "kim", "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": "trigger-submit",
        **NOT_GRID,
        "view": {
            "type": "modal",
            "private_metadata": "",
            "notify_on_close": False,
            "clear_on_close": False,
            **view,
            "id": view_id,
            "team_id": "T1",
            "state": {"values": state_values(view, values or {})},
            "hash": "h",
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": "A1",
            "external_id": "",
            "app_installed_team_id": "T1",
            "bot_id": BOT_ID,
        },
        "response_urls": [],
    }


def state_values(view: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """view.state.values as Slack builds it from the inputs (initial values, or overrides)."""
    out: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        el = block["element"]
        key = block["block_id"]
        kind = el["type"]
        given = overrides.get(key, ...)
        if kind == "static_select":
            opt = el.get("initial_option")
            if given is not ...:
                opt = (
                    next((o for o in el["options"] if o["value"] == given), None) if given else None
                )
            out[key] = {el["action_id"]: {"type": kind, "selected_option": opt}}
        elif kind == "multi_static_select":
            opts = el.get("initial_options", [])
            if given is not ...:
                opts = [o for o in el["options"] if o["value"] in given]
            out[key] = {el["action_id"]: {"type": kind, "selected_options": opts}}
        elif kind == "datepicker":
            out[key] = {
                el["action_id"]: {
                    "type": kind,
                    "selected_date": el.get("initial_date") if given is ... else given,
                }
            }
        else:
            out[key] = {
                el["action_id"]: {
                    "type": kind,
                    "value": el.get("initial_value") if given is ... else given,
                }
            }
    return out


@pytest.fixture
def slack_settings(settings: Settings, fake_slack: FakeSlack) -> Settings:
    return settings.model_copy(update={"slack_api_url": fake_slack.api_url})


@pytest.fixture
def slack_factory(
    slack_settings: Settings, session_factory: SessionFactory, clock: Any, fake_slack: FakeSlack
) -> Iterator[Callable[..., SlackDriver]]:
    """Build the app (optionally with changed settings); drained and closed after the test."""
    executors: list[TrackingExecutor] = []

    def make(**changes: Any) -> SlackDriver:
        executor = TrackingExecutor()
        executors.append(executor)
        client = WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
        settings = slack_settings.model_copy(update=changes) if changes else slack_settings
        app = create_app(
            settings, session_factory, client=client, clock=clock, listener_executor=executor
        )
        return SlackDriver(app, fake_slack, executor, session_factory)

    yield make
    for executor in executors:
        executor.shutdown(wait=True)


@pytest.fixture
def slack(slack_factory: Callable[..., SlackDriver]) -> SlackDriver:
    return slack_factory()
