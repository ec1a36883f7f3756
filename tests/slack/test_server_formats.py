"""Slack's documented request shapes against the running server (`atgard serve`, gunicorn,
a real HTTP client): what tests/slack/test_slack_formats*.py covers in-process, posted over
HTTP to the process Slack would reach. Whatever the bot has no use for gets a quiet 200,
never a 404 (Slack retries, shows the user an error, and turns event delivery off for an app
that fails too many) or a 500.

The forms use static_select, multi_static_select, datepicker and multiline plain_text_input;
no form has a timepicker, users_select or checkboxes (their state shapes are read by
form_values, tests/slack/test_slack_formats_more.py::test_every_input_elements_state_shape).
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from models import access
from models.tables import Assignment, FollowUp, Meeting, MeetingMeasure
from tests.slack.conftest import BOT_ID, NOT_GRID, SIGNING_SECRET, signed_headers, view_submission
from tests.slack.helpers import all_text, rows, show_button_press, slack_user, slash_command_fields
from tests.slack.test_server import http, served  # noqa: F401 - the fixture

FORM, JSON = "application/x-www-form-urlencoded", "application/json"


class Poster:
    def __init__(self, base: str) -> None:
        self.base = base
        self.n = 0

    def post(
        self, body: str, content_type: str, *, signed: bool = True, **headers: str
    ) -> tuple[int, str]:
        sent = {"Content-Type": content_type}
        if signed:
            sent |= {k: v[0] for k, v in signed_headers(body, content_type).items()}
        return http(self.base + "/slack/events", body.encode(), sent | headers)

    def command(self, fake_slack: Any, text: str, **fields: str) -> tuple[int, str]:
        self.n += 1
        body = slash_command_fields(
            text,
            response_url=fake_slack.response_url(f"srv-cmd{self.n}"),
            trigger_id=f"13345224609.738474920.srv{self.n}",
            **fields,
        )
        return self.post(urlencode(body), FORM)

    def payload(self, payload: dict[str, Any]) -> tuple[int, str]:
        return self.post(urlencode({"payload": json.dumps(payload)}), FORM)

    def event(self, event: dict[str, Any], **headers: str) -> tuple[int, str]:
        self.n += 1
        now = int(time.time())
        body = {
            "token": "legacy",
            "team_id": "T1",
            "api_app_id": "A1",
            "event": {"event_ts": f"{now}.000100", **event},
            "type": "event_callback",
            "event_id": f"Ev0SRV{self.n}",
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": "T1",
                    "user_id": "UBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        return self.post(json.dumps(body), JSON, **headers)


def _press(n: int, **where: Any) -> dict[str, Any]:
    return show_button_press(f"1.2.srvpress{n}", **where)


def _view(view_type: str, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": view_id,
        "team_id": "T1",
        "type": view_type,
        "callback_id": "",
        "blocks": [],
        "private_metadata": "",
        "state": {"values": values},
        "hash": "1.b",
        "app_id": "A1",
        "root_view_id": view_id,
        "previous_view_id": None,
        "bot_id": BOT_ID,
    }


def test_commands_buttons_and_forms_over_http(  # type: ignore[no-untyped-def]
    served,  # noqa: F811
    fake_slack,
    imported_plan,
    session_factory,
) -> None:
    slack = Poster(served)
    # A slash command from an org-wide install on Enterprise Grid, with every field Slack sends.
    status, text = slack.command(
        fake_slack,
        "ansvarig 1.3 <@W0ANNA|anna>",
        enterprise_id="E0KSTHLM",
        enterprise_name="Stockholms stad",
        is_enterprise_install="true",
        user_id="W012A3CDE",
        api_app_id="A0ATGARD",
    )
    assert status == 200 and "<@W0ANNA> påminns nu om åtgärd 1.3" in all_text(json.loads(text))
    assert [a.user_id for a in rows(session_factory, Assignment)] == ["W0ANNA"]

    # block_actions from a message the bot posted (with the message's inputs' state).
    from_message = _press(
        1,
        container={"type": "message", "message_ts": "1.2", "channel_id": "C1"},
        channel={"id": "C1", "name": "trygghet"},
        message={"type": "message", "ts": "1.2", "text": "", "blocks": [], "bot_id": BOT_ID},
        state={"values": {}},
        response_url=fake_slack.response_url("srv-msg"),
    )
    assert slack.payload(from_message) == (200, "")
    answered = fake_slack.wait_for("response_url", timeout=10)
    assert "Åtgärd 1.3" in all_text(answered[-1].body)

    # From a modal (a view container, no channel, no response_url): the answer is a DM.
    typed = {"b1": {"a1": {"type": "plain_text_input", "value": "halvskrivet"}}}
    from_modal = _press(
        2,
        container={"type": "view", "view_id": "VMOD1"},
        view=_view("modal", "VMOD1", typed),
    )
    assert slack.payload(from_modal) == (200, "")
    dm = fake_slack.wait_for("chat.postMessage", timeout=10)[-1].body
    assert dm["channel"] == "U1"
    assert "Åtgärd 1.3" in all_text(dm)

    # From App Home (a home view, its state.values empty).
    from_home = _press(
        3, container={"type": "view", "view_id": "VHOME1"}, view=_view("home", "VHOME1", {})
    )
    assert slack.payload(from_home) == (200, "")
    assert len(fake_slack.wait_for("chat.postMessage", 2, timeout=10)) >= 2

    # A follow-up form: static_select and a multiline plain_text_input.
    assert slack.command(fake_slack, "uppfolj 1.3")[0] == 200
    view = fake_slack.wait_for("views.open", timeout=10)[-1].body["view"]
    typed_text = "Rad ett & <två>\nRad tre"
    submitted = view_submission(
        view, {"verdict": "delvis", "text": typed_text}, user="U1", view_id="VSRVFU"
    )
    assert slack.payload(submitted) == (200, "")
    assert [(f.verdict, f.text) for f in rows(session_factory, FollowUp)] == [
        ("delvis", typed_text)
    ]
    # Submitted twice (a double click): stored once, the modal closes.
    assert slack.payload(submitted) == (200, "")
    assert len(rows(session_factory, FollowUp)) == 1

    # A meeting form: datepicker, multi_static_select and multiline inputs.
    assert slack.command(fake_slack, "koppla SSP")[0] == 200
    assert slack.command(fake_slack, "mote 2025-04-10")[0] == 200
    view = fake_slack.wait_for("views.open", 2, timeout=10)[-1].body["view"]
    meeting = view_submission(
        view,
        {"measures": ["1.3", "1.4"], "notes": "Lägesbild\nskola & polis"},
        user="U1",
        view_id="VSRVMT",
    )
    assert slack.payload(meeting) == (200, "")
    [held] = rows(session_factory, Meeting)
    assert held.held_on.isoformat() == "2025-04-10"
    assert len(rows(session_factory, MeetingMeasure)) == 2
    # A date left empty: the error goes back beside the field, the modal stays open.
    empty = view_submission(view, {"date": None}, user="U1", view_id="VSRVMT2")
    status, text = slack.payload(empty)
    assert status == 200 and json.loads(text)["response_action"] == "errors"

    # view_closed (a modal with notify_on_close), a global and a message shortcut: quiet 200s.
    closed = {
        "type": "view_closed",
        "team": {"id": "T1", "domain": "kungsholmen"},
        "user": slack_user(),
        "api_app_id": "A1",
        "token": "legacy",
        **NOT_GRID,
        "view": _view("modal", "VSRVFU", {}),
        "is_cleared": False,
    }
    assert slack.payload(closed) == (200, "")
    shortcut = {
        "type": "shortcut",
        "token": "legacy",
        "action_ts": "1581106241.371594",
        "team": {"id": "T1", "domain": "kungsholmen"},
        "user": slack_user(),
        "callback_id": "ny_uppfoljning",
        "trigger_id": "944799105734.773906753841.srvshortcut",
        **NOT_GRID,
    }
    assert slack.payload(shortcut) == (200, "")
    message_action = {
        **shortcut,
        "type": "message_action",
        "callback_id": "spara_som_uppfoljning",
        "message_ts": "1.2",
        "response_url": fake_slack.response_url("srv-shortcut"),
        "channel": {"id": "C1", "name": "trygghet"},
        "message": {"type": "message", "user": "U2", "ts": "1.2", "text": "hej"},
    }
    assert slack.payload(message_action) == (200, "")


def test_events_over_http(  # type: ignore[no-untyped-def]
    served,  # noqa: F811
    fake_slack,
    imported_plan,
    session_factory,
) -> None:
    slack = Poster(served)
    # url_verification and ssl_check (signed by Slack; ssl_check is not).
    challenge = json.dumps({"token": "t", "challenge": "c-9", "type": "url_verification"})
    assert slack.post(challenge, JSON) == (200, '{"challenge": "c-9"}')
    assert slack.post("ssl_check=1&token=legacy", FORM, signed=False) == (200, "")
    # app_home_opened publishes the user's home tab.
    home = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}
    assert slack.event(home) == (200, "")
    assert fake_slack.wait_for("views.publish", timeout=10)[-1].body["user_id"] == "U1"
    # A retried delivery (Slack did not get the first answer in time) is answered the same.
    assert slack.event(home, **{"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "timeout"}) == (
        200,
        "",
    )
    # Events the bot does not act on (its manifest subscribes to none of them, but an
    # operator may): a quiet 200, nothing stored. A deleted or archived channel keeps its
    # binding; a reminder sent there fails as "kanalen finns inte" (bot/slack/notifier.py).
    for event in (
        {"type": "app_mention", "user": "U1", "text": "<@UBOT> lista", "channel": "C1"},
        {"type": "member_joined_channel", "user": "U2", "channel": "C1", "channel_type": "C"},
        {"type": "channel_archive", "channel": "C1", "user": "U1"},
        {"type": "channel_deleted", "channel": "C1"},
        {"type": "group_deleted", "channel": "G1"},
    ):
        assert slack.event(event) == (200, ""), event["type"]
    # tokens_revoked for users' tokens only: the bot's own token still works.
    users_only = {"type": "tokens_revoked", "tokens": {"oauth": ["U1"], "bot": []}}
    assert slack.event(users_only) == (200, "")
    with session_factory() as s:
        assert not access.is_paused(session=s, platform="slack")
    bot = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}}
    assert slack.event(bot) == (200, "")
    with session_factory() as s:
        assert access.is_paused(session=s, platform="slack")


def test_refused_requests_over_http(served, fake_slack, imported_plan) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    slack = Poster(served)
    body = urlencode(
        slash_command_fields(
            "lista", response_url=fake_slack.response_url("srv-r"), trigger_id="t-refused"
        )
    )
    good = {k: v[0] for k, v in signed_headers(body, FORM).items()}
    # No signature, a wrong one, one made with another secret, a stale or future timestamp.
    assert slack.post(body, FORM, signed=False)[0] == 401
    assert slack.post(body, FORM, signed=False, **{**good, "X-Slack-Signature": "v0=00"})[0] == 401
    other = signed_headers(body, FORM, secret="not-" + SIGNING_SECRET)
    assert slack.post(body, FORM, signed=False, **{k: v[0] for k, v in other.items()})[0] == 401
    for age in (6 * 60, -6 * 60):
        stale = signed_headers(body, FORM, timestamp=int(time.time()) - age)
        assert slack.post(body, FORM, signed=False, **{k: v[0] for k, v in stale.items()})[0] == 401
    # Content types Slack never sends, unsigned: 401, never a 500.
    for content_type, raw in (
        ("text/plain", "command=/atgard&text=lista"),
        ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data\r\n\r\n--x--"),
        ("application/xml", "<payload/>"),
        (JSON, "[1, 2]"),
        (FORM, "payload=%7Bnot+json"),
    ):
        assert slack.post(raw, content_type, signed=False)[0] == 401, content_type
    # Signed, but not what Slack sends: never a 500.
    for content_type, raw in (
        (JSON, "[1, 2]"),
        (JSON, "{not json"),
        (FORM, "payload=%7Bnot+json"),
        ("text/plain", "hej"),
    ):
        status = slack.post(raw, content_type)[0]
        assert status < 500, (content_type, raw, status)
    # The signed command itself still works after all that.
    status, text = slack.post(body, FORM)
    assert status == 200 and "åtgärder" in all_text(json.loads(text)).lower()
