"""Unsigned, wrongly signed, tampered and stale requests are rejected with nothing stored or sent."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

import pytest
from slack_bolt import BoltRequest

from models.tables import AuditEvent, FollowUp
from tests.slack.conftest import signed_headers
from tests.slack.helpers import rows

COMMAND = {
    "team_id": "T1",
    "channel_id": "C1",
    "user_id": "U1",
    "user_name": "kim",
    "command": "/atgard",
    "text": "uppfolj 1.3 Ska inte sparas",
    "response_url": "http://127.0.0.1:9/x",
    "trigger_id": "t",
}


def assert_nothing_happened(slack, session_factory):  # type: ignore[no-untyped-def]
    slack.settle()
    assert slack.fake.methods() == []
    assert rows(session_factory, FollowUp) == []
    assert [e for e in rows(session_factory, AuditEvent) if e.action != "import"] == []


def test_unsigned_request_is_rejected(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    body = urlencode(COMMAND)
    resp = slack.app.dispatch(
        BoltRequest(body=body, headers={"content-type": ["application/x-www-form-urlencoded"]})
    )
    assert resp.status == 401
    assert_nothing_happened(slack, session_factory)


def test_wrong_secret_is_rejected(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    assert slack.form(COMMAND, secret="not-the-secret").status == 401
    assert_nothing_happened(slack, session_factory)


@pytest.mark.parametrize("age", [301, 3600, -400])
def test_stale_or_future_request_is_rejected(slack, imported_plan, session_factory, age):  # type: ignore[no-untyped-def]
    assert slack.form(COMMAND, timestamp=int(time.time()) - age).status == 401
    assert_nothing_happened(slack, session_factory)


def test_tampered_body_is_rejected(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    signed = urlencode(COMMAND)
    headers = signed_headers(signed, "application/x-www-form-urlencoded")
    tampered = signed.replace("Ska+inte+sparas", "Annan+text")
    assert slack.app.dispatch(BoltRequest(body=tampered, headers=headers)).status == 401
    assert_nothing_happened(slack, session_factory)


def test_a_fresh_signed_request_is_accepted(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    assert slack.form(COMMAND, timestamp=int(time.time()) - 200).status == 200
    slack.settle()
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Ska inte sparas"]


@pytest.mark.parametrize(
    "sign",
    [{"timestamp": int(time.time()) - 3600}, {"secret": "not-the-secret"}],
    ids=["server_clock_off", "wrong_secret"],
)
def test_a_refused_request_is_not_written_to_the_log(
    slack_factory, imported_plan, session_factory, caplog, sign
) -> None:  # type: ignore[no-untyped-def]
    """A real Slack request is refused too when the server's clock is off: its text (what
    someone wrote), the response_url (answers in the user's name) and the signature must not
    reach the log, at the default level or below it. The log says why it was refused."""
    caplog.set_level(logging.DEBUG)  # before the app is built: Bolt's loggers copy the level
    slack = slack_factory()
    fields = {**COMMAND, "text": "uppfolj 1.3 Hemlig uppföljning om skolan"}
    headers = signed_headers(urlencode(fields), "application/x-www-form-urlencoded", **sign)
    assert slack.form(fields, **sign).status == 401
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (
        "Hemlig",
        "Hemlig+uppf",
        fields["response_url"],
        headers["x-slack-signature"][0],
    ):
        assert secret not in logged
    assert "invalid signature" in logged
    assert_nothing_happened(slack, session_factory)


def test_what_people_write_is_not_logged_even_at_debug(
    slack_factory, imported_plan, session_factory, caplog
) -> None:  # type: ignore[no-untyped-def]
    """LOG_LEVEL=DEBUG: Slack's libraries log whole request and answer bodies at that level."""
    caplog.set_level(logging.DEBUG)  # before the app is built: Bolt's loggers copy the level
    slack = slack_factory()
    slack.command("uppfolj 1.3 Hemlig uppföljning om skolan")
    slack.command("klar 1.4 Hemlig anteckning")
    slack.command("visa 1.3")
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Hemlig uppföljning om skolan"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Hemlig" not in logged and "response/cmd" not in logged


def test_the_start_logs_no_english_notes_about_the_unused_token(slack_factory, caplog) -> None:  # type: ignore[no-untyped-def]
    """SLACK_BOT_TOKEN is set and a client and `authorize` are given, as always: Bolt's two
    notes that the token goes unused are dropped; its other warnings are not."""
    caplog.set_level(logging.DEBUG)
    slack_factory()
    logged = [r.getMessage() for r in caplog.records]
    assert not [m for m in logged if "`token`" in m], logged
    logging.getLogger("atgard.slack.bolt").warning("något annat")
    assert "något annat" in [r.getMessage() for r in caplog.records]
