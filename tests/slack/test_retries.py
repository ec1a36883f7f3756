"""Slack retries and double submits: a retried command or a modal sent twice stores once."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from slack_bolt.request import BoltRequest
from sqlmodel import select

from models.tables import AuditEvent, FollowUp
from tests.slack.conftest import signed_headers
from tests.slack.helpers import rows


def _command_body(text: str, trigger: str, response_url: str) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": "T1",
            "team_domain": "test",
            "channel_id": "C1",
            "channel_name": "kanal",
            "user_id": "U1",
            "user_name": "kim",
            "command": "/atgard",
            "text": text,
            "api_app_id": "A1",
            "response_url": response_url,
            "trigger_id": trigger,
        }
    )


def test_retried_slash_command_stores_once(slack, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    body = _command_body(
        "uppfolj 1.3 Åtta möten hölls", "trigger-retry-1", slack.fake.response_url("r1")
    )
    answered_in_ack = 0
    for retry in (None, "1", "2"):
        headers = signed_headers(body, "application/x-www-form-urlencoded")
        if retry:
            headers["x-slack-retry-num"] = [retry]
            headers["x-slack-retry-reason"] = ["http_timeout"]
        resp = slack.app.dispatch(BoltRequest(body=body, headers=headers))
        assert resp.status == 200
        answered_in_ack += bool(resp.body)
        slack.settle()
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Åtta möten hölls"]
    with session_factory() as s:
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "uppfoljning")).all()) == 1
    # The user heard about it once, not three times.
    replies = [c for c in slack.fake.calls if c.path.endswith("/r1")]
    assert answered_in_ack + len(replies) == 1


def test_double_submitted_modal_stores_once(slack, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    slack.command("uppfolj 1.3")
    view = {**slack.opened_view(), "id": "VDOUBLE"}
    first = slack.submit(view, {"text": "Sju möten"})
    second = slack.submit(view, {"text": "Sju möten"})
    assert first.status == 200 and second.status == 200
    assert second.body in ("", None) or json.loads(second.body).get("response_action") != "errors"
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Sju möten"]


def test_rejected_submit_can_be_corrected_in_the_same_modal(
    slack, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    slack.command("uppfolj 1.3")
    view = {**slack.opened_view(), "id": "VFIX"}
    refused = slack.submit(view, {"text": "Eleven 811218-9876 har flyttat"})
    assert json.loads(refused.body)["response_action"] == "errors"
    fixed = slack.submit(view, {"text": "En elev har flyttat från området"})
    assert fixed.status == 200 and not fixed.body
    assert [f.text for f in rows(session_factory, FollowUp)] == ["En elev har flyttat från området"]
