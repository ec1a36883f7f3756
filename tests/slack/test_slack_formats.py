"""Slack's documented request formats, sent through the WSGI app `atgard serve` runs.

Bodies follow api.slack.com (slash commands, the Events API envelope with authorizations and
event_context, retries with X-Slack-Retry-Num / X-Slack-Retry-Reason, ssl_check, and
interactivity payloads as form-encoded `payload=` JSON) and bolt-python's own test bodies,
including the optional fields Slack adds. Each test asserts the answer Slack documents.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient

from bot.db import make_engine, make_session_factory
from bot.slack.app import create_app
from models.replies import ActionId
from models.tables import AuditEvent, FollowUp
from tests.slack.conftest import (
    BOT_ID,
    BOT_TOKEN,
    BOT_USER,
    NOT_GRID,
    HttpAnswer,
    SlackDriver,
    TrackingExecutor,
)
from tests.slack.helpers import (
    all_text,
    rows,
    show_button_press,
    slack_user,
    slash_command_fields,
)

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


# ------------------------------------------------------------------ shared readers
def stored_nothing(session_factory: Any) -> bool:
    return (
        rows(session_factory, FollowUp) == []
        and [e for e in rows(session_factory, AuditEvent) if e.action != "import"] == []
    )


def unhandled_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Warnings and errors about a request, e.g. Bolt's "Unhandled request" before its 404."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def command_form(slack: SlackDriver, text: str, **fields: str) -> str:
    """A slash command's body with every field Slack documents, in Slack's order."""
    slack.n += 1
    return urlencode(
        slash_command_fields(
            text,
            response_url=slack.fake.response_url(f"form{slack.n}"),
            trigger_id=f"13345224609.738474920.{slack.n}",
            **fields,
        )
    )


def interactivity(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def private_answer(resp: HttpAnswer) -> str:
    body = resp.json()
    assert body["response_type"] == "ephemeral"
    return all_text(body)


# ------------------------------------------------------------------ Events API
def test_url_verification_echoes_the_challenge(slack, session_factory) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps(
        {
            "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    resp = slack.http(body, JSON)
    assert resp.status == 200
    assert resp.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    assert slack.fake.methods() == []


@pytest.mark.parametrize("sign", [{"signed": False}, {"secret": "not-the-secret"}])
def test_url_verification_needs_a_valid_signature(slack, sign) -> None:  # type: ignore[no-untyped-def]
    """The signature is checked before the challenge is echoed (bot/slack/verification.py
    stands where Bolt's own check stood): a forged request learns nothing and gets 401."""
    body = json.dumps({"token": "x", "challenge": "forged-challenge", "type": "url_verification"})
    resp = slack.http(body, JSON, **sign)
    assert resp.status == 401
    assert "forged-challenge" not in resp.body


@pytest.mark.parametrize("signed", [True, False])
def test_ssl_check_is_answered_without_the_database(
    slack_settings, fake_slack, tmp_path, signed
) -> None:  # type: ignore[no-untyped-def]
    """Slack checks the certificate with `ssl_check=1` when a command URL is saved."""
    broken = make_session_factory(make_engine(f"sqlite:///{tmp_path}/saknas/ingen.db"))
    executor = TrackingExecutor()
    client = WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
    app = create_app(slack_settings, broken, client=client, listener_executor=executor)
    driver = SlackDriver(app, fake_slack, executor, broken)
    try:
        resp = driver.http("ssl_check=1&token=gIkuvaNzQIHg97ATvDxqgjtO", FORM, signed=signed)
    finally:
        executor.shutdown(wait=True)
    assert (resp.status, resp.body) == (200, "")
    assert fake_slack.methods() == []


def test_app_home_opened_in_the_documented_envelope(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    resp = slack.event(
        {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "view": None}
    )
    assert (resp.status, resp.body) == (200, "")
    publish = slack.last("views.publish")
    assert publish.body["user_id"] == "U1" and publish.body["view"]["type"] == "home"


def test_app_home_messages_tab_is_acked_without_publishing(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    resp = slack.event(
        {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "messages"}
    )
    assert (resp.status, resp.body) == (200, "")
    assert slack.fake.methods() == []


@pytest.mark.parametrize(
    "retry", [(1, "http_timeout"), (2, "http_error"), (3, "connection_failed")]
)
def test_retried_event_is_acked_and_stores_nothing(
    slack, imported_plan, session_factory, retry, caplog
) -> None:  # type: ignore[no-untyped-def]
    event = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}
    first = slack.event(event, event_id="Ev0RETRY1")
    again = slack.event(event, event_id="Ev0RETRY1", retry=retry)
    assert (first.status, again.status) == (200, 200)
    # The retry is acked and the tab is not built and published a second time.
    assert len(slack.fake.of("views.publish")) == 1
    assert stored_nothing(session_factory)
    assert unhandled_warnings(caplog) == []


def test_retry_of_an_event_that_never_arrived_is_acted_on(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    """`connection_failed`: the first delivery never reached the bot, so the retry is the
    only copy and the tab is published."""
    event = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}
    resp = slack.event(event, event_id="Ev0LOST1", retry=(1, "connection_failed"))
    assert (resp.status, resp.body) == (200, "")
    assert [c.body["user_id"] for c in slack.fake.wait_for("views.publish")] == ["U1"]
    # Opening the tab again later is a new event (a new id): published again.
    slack.event(event, event_id="Ev0LATER2")
    assert len(slack.fake.wait_for("views.publish", 2)) == 2


UNSUBSCRIBED_EVENTS: list[dict[str, Any]] = [
    {
        "type": "app_mention",
        "user": "U1",
        "text": f"<@{BOT_USER}> lista",
        "ts": "1515449522.000016",
        "channel": "C1",
        "client_msg_id": "7b1ee6a4-1b1c-4e2b-9f7f-1a8b4c2c3d4e",
        "team": "T1",
        "blocks": [],
    },
    {
        "type": "message",
        "channel": "C1",
        "channel_type": "channel",
        "user": "U1",
        "text": "Hej alla",
        "ts": "1355517523.000005",
        "team": "T1",
    },
    {
        "type": "message",
        "channel": "D1",
        "channel_type": "im",
        "user": "U1",
        "text": "hjälp",
        "ts": "1355517523.000006",
    },
    {
        "type": "message",
        "subtype": "channel_join",
        "channel": "C1",
        "channel_type": "channel",
        "user": "U2",
        "text": "<@U2> har gått med i kanalen",
        "ts": "1355517523.000007",
    },
    {
        "type": "member_joined_channel",
        "user": BOT_USER,
        "channel": "C1",
        "channel_type": "C",
        "team": "T1",
        "inviter": "U1",
    },
    # Users' tokens only (the bot's own is fine); app_uninstalled and a revoked bot token pause
    # sending: tests/slack/test_lost_access.py.
    {"type": "tokens_revoked", "tokens": {"oauth": ["U1"], "bot": []}},
    {"type": "reaction_added", "user": "U1", "reaction": "thumbsup", "item_user": "U2"},
]


def _event_id(event: dict[str, Any]) -> str:
    kind = event.get("subtype") or event["type"]
    return f"{kind}_{event['channel_type']}" if kind == "message" else kind


@pytest.mark.parametrize("event", UNSUBSCRIBED_EVENTS, ids=_event_id)
def test_events_the_bot_does_not_act_on_are_acked_quietly(
    slack, imported_plan, session_factory, event, caplog
) -> None:  # type: ignore[no-untyped-def]
    """Slack turns off an app's events after too many failed deliveries: a 404 counts."""
    caplog.set_level(logging.INFO)
    resp = slack.event(event)
    assert (resp.status, resp.body) == (200, "")
    assert slack.fake.methods() == []
    assert stored_nothing(session_factory)
    assert unhandled_warnings(caplog) == []


def test_app_rate_limited_notice_is_acked(slack, caplog) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps(
        {
            "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
            "type": "app_rate_limited",
            "team_id": "T1",
            "minute_rate_limited": 1518467820,
            "api_app_id": "A1",
        }
    )
    resp = slack.http(body, JSON)
    assert (resp.status, resp.body) == (200, "")
    assert not any("Unhandled" in m for m in unhandled_warnings(caplog))


@pytest.mark.parametrize(
    "event",
    [
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": BOT_ID,
            "text": "Åtgärd 1.3 är markerad som genomförd",
            "channel": "C1",
            "channel_type": "channel",
            "ts": "1.000001",
        },
        {
            "type": "message",
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "app_id": "A1",
            "text": "Påminnelse",
            "channel": "D1",
            "channel_type": "im",
            "ts": "1.000002",
            "bot_profile": {"id": BOT_ID, "app_id": "A1", "name": "Åtgärdsbot"},
        },
        {"type": "app_mention", "user": BOT_USER, "text": f"<@{BOT_USER}>", "channel": "C1"},
    ],
    ids=["bot_message", "own_im", "own_mention"],
)
def test_the_bots_own_messages_are_ignored(
    slack, imported_plan, session_factory, event, caplog
) -> None:  # type: ignore[no-untyped-def]
    resp = slack.event(event)
    assert (resp.status, resp.body) == (200, "")
    assert slack.fake.methods() == []
    assert stored_nothing(session_factory)
    assert unhandled_warnings(caplog) == []


# ------------------------------------------------------------------ slash commands
@pytest.mark.parametrize("text", ["", "hjälp", "  hjälp  "])
def test_command_help_in_the_documented_form(slack, imported_plan, text) -> None:  # type: ignore[no-untyped-def]
    resp = slack.http(command_form(slack, text), FORM)
    assert resp.status == 200
    assert resp.headers["content-type"].startswith("application/json")
    text_out = private_answer(resp)
    assert "Åtgärdsbot – så här gör du" in text_out and "/atgard uppfolj 1.3" in text_out


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("uppfolj 1.3 Vi gick igenom payload-listan", {}),
        ("uppfolj 1.3 Åtta möten hölls", {"channel_name": "payload"}),
    ],
    ids=["in_text", "in_channel_name"],
)
def test_command_containing_the_word_payload(
    slack, imported_plan, session_factory, text, fields
) -> None:  # type: ignore[no-untyped-def]
    """Bolt takes any form body with "payload" in it for an interactivity payload (server.py)."""
    resp = slack.http(command_form(slack, text, **fields), FORM)
    assert resp.status == 200
    assert [f.text for f in rows(session_factory, FollowUp)] == [text.split(" ", 2)[2]]


@pytest.mark.parametrize("org_install", ["false", "true"])
def test_command_from_an_enterprise_grid_workspace(
    slack, imported_plan, session_factory, org_install
) -> None:  # type: ignore[no-untyped-def]
    body = command_form(
        slack,
        "uppfolj 1.3 Samverkan med polisen",
        enterprise_id="E0KSTHLM",
        enterprise_name="Stockholms stad",
        is_enterprise_install=org_install,
        user_id="W012A3CDE",  # Grid users have W ids
    )
    resp = slack.http(body, FORM)
    assert resp.status == 200
    assert "Uppföljning sparad för 1.3" in private_answer(resp)
    assert [(f.text, f.author_id) for f in rows(session_factory, FollowUp)] == [
        ("Samverkan med polisen", "W012A3CDE")
    ]


def test_command_in_a_direct_message(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    dm = {"channel_id": "D0123ABC", "channel_name": "directmessage"}
    listed = slack.http(command_form(slack, "lista", **dm), FORM)
    assert listed.status == 200 and "Åtgärdsplan 2025, Kungsholmen" in private_answer(listed)
    bind = slack.http(command_form(slack, "koppla SSP", **dm), FORM)
    assert bind.status == 200
    assert "Koppla grupper i en kanal, inte i ett direktmeddelande." in private_answer(bind)
    meeting = slack.http(command_form(slack, "mote", **dm), FORM)
    assert "Ett direktmeddelande hör inte till någon grupp" in private_answer(meeting)


def test_command_in_a_channel_bound_to_no_group(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    unbound = {"channel_id": "C0UNBOUND", "channel_name": "allmänt"}
    status = slack.http(command_form(slack, "status", **unbound), FORM)
    assert status.status == 200 and "Läget i Åtgärdsplan 2025" in private_answer(status)
    meeting = slack.http(command_form(slack, "mote", **unbound), FORM)
    assert meeting.status == 200
    assert "Kanalen är inte kopplad till någon grupp" in private_answer(meeting)


def test_command_before_any_plan_is_imported(slack) -> None:  # type: ignore[no-untyped-def]
    resp = slack.http(command_form(slack, "lista"), FORM)
    assert resp.status == 200
    assert "Det finns ingen åtgärdsplan inläst ännu" in private_answer(resp)


def test_retried_command_through_the_server_stores_once(
    slack, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    body = command_form(slack, "uppfolj 1.3 Nio möten hölls")
    answers = [
        slack.http(body, FORM, headers=retry)
        for retry in (
            {},
            {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
        )
    ]
    assert [a.status for a in answers] == [200, 200]
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Nio möten hölls"]


# ------------------------------------------------------------------ interactivity
def test_block_actions_in_the_documented_payload(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    payload = show_button_press(
        "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3",
        container={
            "type": "message",
            "message_ts": "1548261231.000200",
            "channel_id": "C1",
            "is_ephemeral": False,
        },
        channel={"id": "C1", "name": "trygghet"},
        message={
            "type": "message",
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "ts": "1548261231.000200",
            "text": "Åtgärdsplan 2025",
            "blocks": [],
        },
        state={"values": {}},
        response_url=slack.fake.response_url("blockact"),
    )
    resp = slack.http(interactivity(payload), FORM)
    assert (resp.status, resp.body) == (200, "")
    assert "Åtgärd 1.3" in all_text(slack.last("response_url").body)


def test_link_button_is_acked(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    """Slack sends block_actions for URL buttons too; the user sees an error unless acked."""
    payload = {
        "type": "block_actions",
        "user": slack_user(),
        "api_app_id": "A1",
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "container": {"type": "view", "view_id": "VHOME"},
        "trigger_id": "1.2.3",
        "team": {"id": "T1", "domain": "kungsholmen"},
        **NOT_GRID,
        "view": {"id": "VHOME", "type": "home", "blocks": [], "state": {"values": {}}},
        "actions": [
            {
                "action_id": "oppna_planen",
                "block_id": "links",
                "type": "button",
                "url": "https://example.se/plan.pdf",
                "action_ts": "1.0",
            }
        ],
    }
    resp = slack.http(interactivity(payload), FORM)
    assert (resp.status, resp.body) == (200, "")
    assert slack.fake.methods() == []


def test_view_submission_in_the_documented_payload(slack, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    from tests.slack.conftest import state_values

    slack.command("uppfolj 1.3")
    view = slack.opened_view()
    payload = {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "kungsholmen"},
        "user": slack_user(),
        "api_app_id": "A1",
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "trigger_id": "12466734323.1395872398.e1f8e7c8b",
        **NOT_GRID,
        "view": {
            **view,
            "id": "VMODAL1",
            "team_id": "T1",
            "state": {"values": state_values(view, {"text": "Fem möten i april"})},
            "hash": "156663117.cd33ad1f",
            "previous_view_id": None,
            "root_view_id": "VMODAL1",
            "app_id": "A1",
            "external_id": "",
            "app_installed_team_id": "T1",
            "bot_id": BOT_ID,
        },
        "response_urls": [],
    }
    resp = slack.http(interactivity(payload), FORM)
    assert (resp.status, resp.body) == (200, "")
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Fem möten i april"]


@pytest.mark.parametrize(
    "payload",
    [
        {
            "type": "view_closed",
            "team": {"id": "T1", "domain": "kungsholmen"},
            "user": slack_user(),
            "api_app_id": "A1",
            "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
            **NOT_GRID,
            "view": {
                "id": "V111",
                "team_id": "T1",
                "type": "modal",
                "callback_id": "atgard_modal_uppfoljning",
                "private_metadata": "",
                "state": {"values": {}},
                "hash": "1596530361.3wRYuk3R",
                "blocks": [],
                "root_view_id": "V111",
                "app_id": "A1",
                "bot_id": BOT_ID,
            },
            "is_cleared": False,
        },
        {
            "type": "shortcut",
            "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
            "action_ts": "1581106241.371594",
            "team": {"id": "T1", "domain": "kungsholmen"},
            "user": slack_user(),
            **NOT_GRID,
            "callback_id": "skriv_uppfoljning",
            "trigger_id": "944799105734.773906753841.38b5894552bdd4a780554ee59d1f3bbb",
        },
        {
            "type": "message_action",
            "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
            "action_ts": "1583637157.207593",
            "team": {"id": "T1", "domain": "kungsholmen"},
            "user": slack_user(),
            **NOT_GRID,
            "channel": {"id": "C1", "name": "trygghet"},
            "callback_id": "spara_som_uppfoljning",
            "trigger_id": "1.2.3",
            "message_ts": "1583636382.000300",
            "message": {"type": "message", "user": "U1", "ts": "1583636382.000300", "text": "x"},
            "response_url": "http://127.0.0.1:9/unused",
        },
    ],
    ids=lambda p: p["type"],
)
def test_interactions_the_bot_has_no_use_for_are_acked(
    slack, imported_plan, session_factory, payload, caplog
) -> None:  # type: ignore[no-untyped-def]
    resp = slack.http(interactivity(payload), FORM)
    assert (resp.status, resp.body) == (200, "")
    assert slack.fake.methods() == []
    assert stored_nothing(session_factory)
    assert unhandled_warnings(caplog) == []


def test_block_suggestion_gets_an_empty_list(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    payload = {
        "type": "block_suggestion",
        "user": slack_user(),
        "container": {"type": "view", "view_id": "V1"},
        "api_app_id": "A1",
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "action_id": "valj_atgard",
        "block_id": "atgard",
        "value": "1.",
        "team": {"id": "T1", "domain": "kungsholmen"},
        **NOT_GRID,
        "view": {"id": "V1", "type": "modal", "callback_id": "x", "state": {"values": {}}},
    }
    resp = slack.http(interactivity(payload), FORM)
    assert resp.status == 200 and resp.json() == {"options": []}


# ------------------------------------------------------------------ signatures
def _bodies(slack: SlackDriver) -> dict[str, tuple[str, str]]:
    event = {
        "token": "x",
        "team_id": "T1",
        "api_app_id": "A1",
        "type": "event_callback",
        "event_id": "Ev1",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"},
    }
    action = {
        "type": "block_actions",
        "user": slack_user(),
        "team": {"id": "T1"},
        "trigger_id": "t",
        "channel": {"id": "C1"},
        "response_url": slack.fake.response_url("x"),
        "actions": [{"action_id": ActionId.MARK_DONE.value, "value": "1.3", "type": "button"}],
    }
    return {
        "command": (command_form(slack, "uppfolj 1.3 Ska inte sparas"), FORM),
        "event": (json.dumps(event), JSON),
        "action": (interactivity(action), FORM),
    }


BAD_SIGNATURES: dict[str, dict[str, Any]] = {
    "missing": {"signed": False},
    "wrong_secret": {"secret": "inte-hemligheten"},
    # Ages, turned into timestamps when the test runs (not when the module is collected: a
    # long suite would bring a "future" one inside Slack's five minutes).
    "stale": {"age": 10 * 60},
    "from_the_future": {"age": -10 * 60},
    "not_v0": {"headers": {"X-Slack-Signature": "v1=" + "0" * 64}},
    "timestamp_not_a_number": {"headers": {"X-Slack-Request-Timestamp": "igår"}},
    "timestamp_missing": {"headers": {"X-Slack-Request-Timestamp": ""}},
}


@pytest.mark.parametrize("kind", ["command", "event", "action"])
@pytest.mark.parametrize("bad", list(BAD_SIGNATURES))
def test_bad_signatures_are_refused_with_401(
    slack, imported_plan, session_factory, kind, bad
) -> None:  # type: ignore[no-untyped-def]
    body, content_type = _bodies(slack)[kind]
    sign = dict(BAD_SIGNATURES[bad])
    if "age" in sign:
        sign["timestamp"] = int(time.time()) - sign.pop("age")
    resp = slack.http(body, content_type, **sign)
    assert resp.status == 401
    assert slack.fake.methods() == []
    assert stored_nothing(session_factory)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{inte json", JSON),
        ("payload=%7Binte", FORM),
        (b"\xff\xfe", FORM),
        # JSON, but not an object: Bolt failed reading it, a 500 before the signature check.
        ("[]", JSON),
        ("null", JSON),
        ('"text"', JSON),
        ("payload=%5B%5D", FORM),
        ("payload=1", FORM),
        ('{"type": "event_callback", "authorizations": [1]}', JSON),
    ],
    ids=[
        "json",
        "payload",
        "not_utf8",
        "array",
        "null",
        "string",
        "payload_array",
        "payload_number",
        "authorizations_not_objects",
    ],
)
def test_unreadable_unsigned_body_is_refused_with_401(slack, body, content_type) -> None:  # type: ignore[no-untyped-def]
    assert slack.http(body, content_type, signed=False).status == 401


# ------------------------------------------------------------------ language
ENGLISH = re.compile(
    r"\b(the|and|please|error|submit|cancel|close|sorry|try again|failed|not found|you|your"
    r"|something went wrong|install this app)\b",
    re.IGNORECASE,
)


def test_what_users_see_is_swedish(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    """Answers, buttons, forms and channel posts, including Slack-facing defaults (Bolt's are
    English), read as Swedish."""
    for text in ("", "lista", "visa 1.3", "status", "koppla SSP", "uppfolj 1.3", "mote", "flyga"):
        assert slack.command(text).status == 200
    slack.press(ActionId.MARK_DONE.value, "1.3")
    slack.home_opened()
    seen = [
        all_text(c.body)
        for c in slack.fake.calls
        if c.method in ("ack", "response_url", "views.open", "views.publish", "chat.postMessage")
    ]
    assert len(seen) >= 10
    english = sorted({m.group(0) for text in seen for m in ENGLISH.finditer(text)})
    assert english == []


# Elements for which Slack shows a placeholder of its own, in English, when the bot gives none.
PICKERS = {
    "static_select",
    "multi_static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
    "datepicker",
    "timepicker",
}


def test_every_menu_and_date_picker_has_a_swedish_placeholder(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    """A multi-select left empty shows "Select options" unless the bot names it."""
    slack.command("koppla SSP")
    for text in ("uppfolj 1.3", "mote"):
        slack.command(text)
    views = [c.body["view"] for c in slack.fake.wait_for("views.open", 2)]
    elements = [b["element"] for v in views for b in v["blocks"] if b["type"] == "input"]
    pickers = [el for el in elements if el["type"] in PICKERS]
    assert {el["type"] for el in pickers} >= {"static_select", "multi_static_select", "datepicker"}
    for el in pickers:
        placeholder = el.get("placeholder", {}).get("text", "")
        assert placeholder.startswith("Välj"), el["action_id"]
        assert not ENGLISH.search(placeholder)
