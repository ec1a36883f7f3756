"""The bot starts and answers whatever Slack's Web API says about its token at that moment.

Bolt asks auth.test while the app is built; a refused token (the app uninstalled or its token
revoked before a restart) or an unreachable Slack made every gunicorn worker fail to boot, and
`atgard serve` stopped: no /healthz, no url_verification, no app_uninstalled.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from slack_sdk import WebClient

from bot.slack.app import NOT_INSTALLED, create_app
from bot.slack.authorization import BotAuthorization
from models import access
from tests.slack.conftest import (
    BOT_TOKEN,
    BOT_USER,
    SlackDriver,
    TrackingExecutor,
    signed_headers,
)
from tests.slack.fake_slack import Scripted
from tests.slack.helpers import all_text, slash_command_fields
from tests.slack.test_server import free_port, http, serving
from tests.slack.test_slack_formats import FORM, JSON, command_form, private_answer

REFUSED = Scripted(body={"ok": False, "error": "invalid_auth"})


def _post(base: str, body: str, content_type: str) -> tuple[int, str]:
    headers = {k: v[0] for k, v in signed_headers(body, content_type).items()}
    return http(base + "/slack/events", body.encode(), headers)


def test_serve_starts_and_answers_while_slack_refuses_the_token(
    database_url, session_factory, imported_plan, fake_slack, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    fake_slack.script("auth.test", *[REFUSED] * 50)
    with serving(database_url, fake_slack, tmp_path) as base:
        assert http(base + "/healthz") == (200, "ok")
        challenge = json.dumps({"token": "t", "challenge": "c-1", "type": "url_verification"})
        assert _post(base, challenge, JSON) == (200, '{"challenge": "c-1"}')
        command = urlencode(
            slash_command_fields(
                "lista", response_url=fake_slack.response_url("refused"), trigger_id="t-refused"
            )
        )
        status, body = _post(base, command, FORM)
        assert status == 200
        # Bolt's answer for a token Slack refuses, in Swedish, to the user who asked.
        seen = body or all_text(fake_slack.wait_for("response_url")[-1].body)
        assert NOT_INSTALLED in seen
        uninstalled = json.dumps(
            {
                "token": "t",
                "team_id": "T1",
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": "Ev0GONE",
                "event_time": int(time.time()),
                "event": {"type": "app_uninstalled", "event_ts": f"{time.time():.6f}"},
            }
        )
        assert _post(base, uninstalled, JSON) == (200, "")
    with session_factory() as s:
        assert access.is_paused(session=s, platform="slack")


def test_commands_are_answered_while_slacks_web_api_cannot_be_reached(
    slack_settings, session_factory, imported_plan, fake_slack
) -> None:  # type: ignore[no-untyped-def]
    """Nothing listens at the Web API's address: the answer in the ack needs none of it."""
    nowhere = WebClient(token=BOT_TOKEN, base_url=f"http://127.0.0.1:{free_port()}/api/")
    executor = TrackingExecutor()
    try:
        app = create_app(
            slack_settings, session_factory, client=nowhere, listener_executor=executor
        )
        driver = SlackDriver(app, fake_slack, executor, session_factory)
        resp = driver.http(command_form(driver, "visa 1.3"), FORM)
    finally:
        executor.shutdown(wait=True)
    assert resp.status == 200
    assert "Åtgärd 1.3" in private_answer(resp)


def test_a_token_slack_accepts_again_is_noticed_without_a_restart(fake_slack) -> None:  # type: ignore[no-untyped-def]
    """Reinstalled with the same token: the next request after the pause between asks sees it."""
    fake_slack.script("auth.test", REFUSED, REFUSED)
    auth = BotAuthorization(
        WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url), retry_after=0.0
    )
    ask = {"context": None, "enterprise_id": None, "team_id": "T1", "user_id": "U1"}
    auth.ask()
    assert auth(**ask) is None  # still refused: Bolt answers NOT_INSTALLED
    result = auth(**ask)
    assert result is not None and result.bot_user_id == BOT_USER
    calls = len(fake_slack.of("auth.test"))
    auth(**ask)
    assert len(fake_slack.of("auth.test")) == calls  # kept once Slack has said yes
