"""More of Slack's documented request shapes through the WSGI app `atgard serve` runs: a slash
command's escaped text, the kinds of conversation a command comes from, button presses from
ephemeral messages, modals and Enterprise Grid, every input element's state.values shape,
and content types with a charset."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.slack.render import form_values
from models.replies import ActionId
from models.tables import Assignment, FollowUp, Group
from tests.slack.conftest import BOT_ID, NOT_GRID, state_values
from tests.slack.helpers import all_text, rows, show_button_press, slack_user
from tests.slack.test_slack_formats import FORM, command_form, interactivity, private_answer


# ------------------------------------------------------------------ slash command text
def test_command_text_in_slacks_escaping_is_stored_as_typed(
    slack, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    """With "Escape channels, users, and links" on (manifest.yml), Slack sends mentions and
    links as markup and &, <, > as entities."""
    typed = (
        "SSP &amp; polisen &lt;3 skolan, se <#C0123ABC|trygghet> och <#C0999XYZ|>,"
        " frågor till <mailto:ssp@stad.se|ssp@stad.se>, <!subteam^S0SSP|@ssp-gruppen>"
        " och <https://stad.se/plan|planen>"
    )
    resp = slack.http(command_form(slack, f"uppfolj 1.3 {typed}"), FORM)
    assert resp.status == 200 and "Uppföljning sparad för 1.3" in private_answer(resp)
    [fu] = rows(session_factory, FollowUp)
    assert fu.text == (
        "SSP & polisen <3 skolan, se #trygghet och #C0999XYZ, frågor till ssp@stad.se,"
        " @ssp-gruppen och planen (https://stad.se/plan)"
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # Users: "@name" as they saw it, or "@id" when Slack sends no name.
        ("Pratade med <@U0ANNA|anna> och <@W0GRID9>", "Pratade med @anna och @W0GRID9"),
        # An address Slack turned into a link: what the user typed, once.
        (
            "Se <http://www.stad.se|www.stad.se> och <http://stad.se/|stad.se/>",
            "Se www.stad.se och stad.se/",
        ),
        # A date token: its fallback text.
        ("Möte <!date^1745971200^{date_num}|2025-04-30> hölls", "Möte 2025-04-30 hölls"),
    ],
    ids=["user_mentions", "autolinked_addresses", "date_token"],
)
def test_free_text_is_stored_and_shown_as_the_user_wrote_it(
    slack, imported_plan, session_factory, typed, stored
) -> None:  # type: ignore[no-untyped-def]
    """Slack's markup in a follow-up's text was stored as markup and shown escaped
    (`&lt;@U0ANNA|anna&gt;`)."""
    resp = slack.http(command_form(slack, f"uppfolj 1.3 {typed}"), FORM)
    assert resp.status == 200
    answer = private_answer(resp)
    assert stored in answer and "&lt;" not in answer
    assert [f.text for f in rows(session_factory, FollowUp)] == [stored]


@pytest.mark.parametrize("gap", ["\n", "\t", "\u202f"], ids=["line_break", "tab", "narrow_nbsp"])
def test_any_whitespace_ends_the_command_word(slack, imported_plan, session_factory, gap) -> None:  # type: ignore[no-untyped-def]
    """Shift+Enter right after the command word sends a line break where a space was expected."""
    resp = slack.http(command_form(slack, f"uppfolj{gap}1.3 Två rader\noch en till"), FORM)
    assert resp.status == 200 and "Uppföljning sparad för 1.3" in private_answer(resp)
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Två rader\noch en till"]


def test_user_mentions_with_names_and_grid_ids(slack, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    body = command_form(slack, "ansvarig 1.3 <@U0ANNA|anna> <@W0GRID9|kim.grid> <@U0BO>")
    resp = slack.http(body, FORM)
    assert resp.status == 200
    assert sorted(a.user_id for a in rows(session_factory, Assignment)) == [
        "U0ANNA",
        "U0BO",
        "W0GRID9",
    ]


@pytest.mark.parametrize(
    ("channel_id", "channel_name"),
    [
        ("G0PRIVATE1", "privategroup"),
        ("C0PRIVATE2", "ssp-intern"),
        ("G0MPIM01", "mpdm-kim--anna--bo-1"),
    ],
    ids=["private_legacy", "private", "mpim"],
)
def test_commands_from_private_channels_and_group_dms(
    slack, imported_plan, session_factory, channel_id, channel_name
) -> None:  # type: ignore[no-untyped-def]
    where = {"channel_id": channel_id, "channel_name": channel_name}
    bound = slack.http(command_form(slack, "koppla SSP", **where), FORM)
    assert bound.status == 200
    assert [g.channel_id for g in rows(session_factory, Group) if g.name == "SSP"] == [channel_id]
    listed = slack.http(command_form(slack, "lista", **where), FORM)
    assert listed.status == 200 and "SSP:s åtgärder" in private_answer(listed)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded; charset=utf-8",
        "application/x-www-form-urlencoded; charset=UTF-8",
    ],
)
def test_command_with_a_charset_in_its_content_type(
    slack, imported_plan, session_factory, content_type
) -> None:  # type: ignore[no-untyped-def]
    resp = slack.http(command_form(slack, "uppfolj 1.3 Åtta möten"), content_type)
    assert resp.status == 200 and "Uppföljning sparad" in private_answer(resp)
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Åtta möten"]


def test_event_with_a_charset_in_its_content_type(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    challenge = json.dumps({"token": "t", "challenge": "abc", "type": "url_verification"})
    resp = slack.http(challenge, "application/json; charset=utf-8")
    assert (resp.status, resp.json()) == (200, {"challenge": "abc"})
    action = {
        "type": "block_actions",
        "user": slack_user(),
        "team": {"id": "T1", "domain": "kungsholmen"},
        **NOT_GRID,
        "trigger_id": "1.2.charset",
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "C1"},
        "channel": {"id": "C1", "name": "trygghet"},
        "response_url": slack.fake.response_url("charset"),
        "actions": [{"action_id": ActionId.SHOW_MEASURE.value, "value": "1.3", "type": "button"}],
    }
    resp = slack.http(interactivity(action), "application/x-www-form-urlencoded; charset=utf-8")
    assert resp.status == 200
    assert "Åtgärd 1.3" in all_text(slack.last("response_url").body)


def test_app_home_opened_by_a_returning_user_carries_the_view(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    view = {
        "id": "VHOME1",
        "team_id": "T1",
        "type": "home",
        "blocks": [],
        "private_metadata": "",
        "callback_id": "",
        "state": {"values": {}},
        "hash": "1.a",
        "app_id": "A1",
        "root_view_id": "VHOME1",
        "bot_id": BOT_ID,
    }
    resp = slack.event(
        {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "view": view}
    )
    assert (resp.status, resp.body) == (200, "")
    assert slack.last("views.publish").body["user_id"] == "U1"


# ------------------------------------------------------------------ block_actions
def _press(slack, **where: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    slack.n += 1
    return show_button_press(f"1.2.press{slack.n}", **where)


def test_button_on_an_ephemeral_message(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    """Slack sends no `message` for an ephemeral one: the container and response_url are all."""
    payload = _press(
        slack,
        container={
            "type": "message",
            "message_ts": "1.3",
            "channel_id": "C1",
            "is_ephemeral": True,
        },
        channel={"id": "C1", "name": "trygghet"},
        state={"values": {}},
        response_url=slack.fake.response_url("ephemeral"),
    )
    assert "message" not in payload
    resp = slack.http(interactivity(payload), FORM)
    assert (resp.status, resp.body) == (200, "")
    answer = slack.last("response_url")
    assert answer.path == "/response/ephemeral" and "Åtgärd 1.3" in all_text(answer.body)


def test_button_in_a_modal(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    """From a modal: a view container, no channel and no response_url; the answer goes to the
    user's DM."""
    view = {
        "id": "VMOD1",
        "team_id": "T1",
        "type": "modal",
        "callback_id": "x",
        "blocks": [],
        "private_metadata": "",
        "state": {"values": {}},
        "hash": "1.b",
        "app_id": "A1",
        "root_view_id": "VMOD1",
        "previous_view_id": None,
        "bot_id": BOT_ID,
    }
    payload = _press(slack, container={"type": "view", "view_id": "VMOD1"}, view=view)
    resp = slack.http(interactivity(payload), FORM)
    assert (resp.status, resp.body) == (200, "")
    posted = slack.last("chat.postMessage")
    assert posted.body["channel"] == "U1" and "Åtgärd 1.3" in all_text(posted.body)


def test_button_from_an_enterprise_grid_workspace(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    payload = _press(
        slack,
        enterprise={"id": "E0KSTHLM", "name": "Stockholms stad"},
        is_enterprise_install=True,
        user=slack_user("W012A3CDE"),
        container={
            "type": "message",
            "message_ts": "1.4",
            "channel_id": "C1",
            "is_ephemeral": False,
        },
        channel={"id": "C1", "name": "trygghet"},
        message={"type": "message", "ts": "1.4", "text": "x", "blocks": [], "bot_id": BOT_ID},
        state={"values": {}},
        response_url=slack.fake.response_url("grid"),
    )
    resp = slack.http(interactivity(payload), FORM)
    assert resp.status == 200 and "Åtgärd 1.3" in all_text(slack.last("response_url").body)


# ------------------------------------------------------------------ view_submission state
def test_follow_up_with_nothing_chosen_and_nothing_typed(
    slack, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    """Slack sends `selected_option: null` and `value: null` for untouched inputs."""
    slack.command("uppfolj 1.3")
    view = slack.opened_view()
    state = state_values(view, {})
    state["verdict"]["verdict"]["selected_option"] = None
    state["text"]["text"]["value"] = None
    payload = {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "kungsholmen"},
        "user": slack_user(),
        "api_app_id": "A1",
        "trigger_id": "1.2.null",
        **NOT_GRID,
        "view": {
            **view,
            "id": "VNULL",
            "team_id": "T1",
            "state": {"values": state},
            "hash": "h",
            "root_view_id": "VNULL",
            "app_id": "A1",
            "bot_id": BOT_ID,
        },
        "response_urls": [],
    }
    resp = slack.http(interactivity(payload), FORM)
    assert resp.status == 200
    body = resp.json()
    assert body["response_action"] == "errors" and "saknas" in body["errors"]["text"]
    assert rows(session_factory, FollowUp) == []


# What a rich_text_input sends (its `rich_text_value`): sections, a list, a quote, code.
RICH_TEXT: dict[str, Any] = {
    "type": "rich_text",
    "elements": [
        {
            "type": "rich_text_section",
            "elements": [
                {"type": "text", "text": "Fyra möten med "},
                {"type": "user", "user_id": "U0ANNA"},
                {"type": "text", "text": " och "},
                {"type": "usergroup", "usergroup_id": "S0SSP"},
                {"type": "text", "text": " i "},
                {"type": "channel", "channel_id": "C0SSP"},
                {"type": "text", "text": " ", "style": {"bold": True}},
                {"type": "emoji", "name": "thumbsup", "unicode": "1f44d"},
                {"type": "text", "text": ", se "},
                {"type": "link", "url": "https://stad.se/plan", "text": "planen"},
                {"type": "text", "text": " och "},
                {"type": "date", "timestamp": 1745971200, "format": "{date_num}",
                 "fallback": "2025-04-30"},
                {"type": "text", "text": ":\n"},
            ],
        },
        {
            "type": "rich_text_list",
            "style": "ordered",
            "indent": 0,
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": "skola"}]},
                {"type": "rich_text_section", "elements": [{"type": "text", "text": "polis"}]},
            ],
        },
        {"type": "rich_text_quote", "elements": [{"type": "text", "text": "Bra samverkan"}]},
        {"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "8/år"}]},
    ],
}  # fmt: skip
RICH_TEXT_PLAIN = (
    "Fyra möten med @U0ANNA och @S0SSP i #C0SSP 👍, se planen (https://stad.se/plan) och"
    " 2025-04-30:\n1. skola\n2. polis\n> Bra samverkan\n8/år"
)


def test_a_follow_up_written_in_a_rich_text_input_is_stored(
    slack, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    """A rich_text_input sends no `value`: it was read as nothing written."""
    slack.command("uppfolj 1.3")
    view = slack.opened_view()
    state = state_values(view, {})
    state["text"] = {"text": {"type": "rich_text_input", "rich_text_value": RICH_TEXT}}
    payload = {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "kungsholmen"},
        "user": slack_user(),
        "api_app_id": "A1",
        "trigger_id": "1.2.rich",
        **NOT_GRID,
        "view": {**view, "id": "VRICH", "team_id": "T1", "state": {"values": state},
                 "hash": "h", "root_view_id": "VRICH", "app_id": "A1", "bot_id": BOT_ID},
        "response_urls": [],
    }  # fmt: skip
    resp = slack.http(interactivity(payload), FORM)
    assert (resp.status, resp.body) == (200, "")
    assert [f.text for f in rows(session_factory, FollowUp)] == [RICH_TEXT_PLAIN]


def test_every_input_elements_state_shape() -> None:
    """view.state.values as Slack documents it for each input element."""
    state = {
        "a": {"a": {"type": "static_select", "selected_option": {"text": {}, "value": "delvis"}}},
        "b": {"b": {"type": "static_select", "selected_option": None}},
        "c": {"c": {"type": "external_select", "selected_option": {"value": "x"}}},
        "d": {"d": {"type": "radio_buttons", "selected_option": None}},
        "e": {"e": {"type": "multi_static_select", "selected_options": [{"value": "1.3"}]}},
        "f": {"f": {"type": "checkboxes", "selected_options": []}},
        "g": {"g": {"type": "datepicker", "selected_date": "2025-04-01"}},
        "h": {"h": {"type": "datepicker", "selected_date": None}},
        "i": {"i": {"type": "timepicker", "selected_time": "08:30"}},
        "j": {"j": {"type": "datetimepicker", "selected_date_time": 1745913600}},
        "k": {"k": {"type": "users_select", "selected_user": "U0ANNA"}},
        "l": {"l": {"type": "multi_users_select", "selected_users": ["U1", "W2"]}},
        "m": {"m": {"type": "conversations_select", "selected_conversation": "C1"}},
        "n": {"n": {"type": "multi_conversations_select", "selected_conversations": []}},
        "o": {"o": {"type": "channels_select", "selected_channel": None}},
        "p": {"p": {"type": "multi_channels_select", "selected_channels": ["C1"]}},
        "q": {"q": {"type": "plain_text_input", "value": None}},
        "r": {"r": {"type": "number_input", "value": "8"}},
        "s": {"s": {"type": "email_text_input", "value": "ssp@stad.se"}},
        "t": {"t": {"type": "url_text_input", "value": "https://stad.se"}},
        "u": {"u": {"type": "rich_text_input", "rich_text_value": RICH_TEXT}},
        "v": {
            "v": {
                "type": "rich_text_input",
                "rich_text_value": {"type": "rich_text", "elements": []},
            }
        },
    }
    assert form_values(state) == {
        "a": "delvis", "b": None, "c": "x", "d": None, "e": ["1.3"], "f": [],
        "g": "2025-04-01", "h": None, "i": "08:30", "j": 1745913600, "k": "U0ANNA",
        "l": ["U1", "W2"], "m": "C1", "n": [], "o": None, "p": ["C1"], "q": None, "r": "8",
        "s": "ssp@stad.se", "t": "https://stad.se", "u": RICH_TEXT_PLAIN, "v": "",
    }  # fmt: skip


def test_an_unknown_content_type_is_not_mistaken_for_a_command(slack) -> None:  # type: ignore[no-untyped-def]
    body = urlencode({"command": "/atgard", "text": "lista", "user_id": "U1"})
    assert slack.http(body, FORM, signed=False).status == 401


@pytest.mark.parametrize("command", ["/atgard-kungsholmen", "/åtgärd", "/plan"])
def test_a_command_under_the_name_the_workspace_gave_it(slack, imported_plan, command) -> None:  # type: ignore[no-untyped-def]
    """A workspace may call the command what it likes in the app's settings (a name already
    taken, a copy per plan): Slack sends the app only its own commands. Under any name but
    /atgard… the bot answered 404, and the user saw Slack's error instead of an answer."""
    resp = slack.http(command_form(slack, "visa 1.3", command=command), FORM)
    assert resp.status == 200 and "Åtgärd 1.3" in private_answer(resp)


def test_a_commands_percent_encoded_body_as_slack_sends_it(
    slack, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    """Slack's own encoding: UTF-8 percent escapes, '+' for a space, %2B for a plus sign."""
    body = command_form(slack, "").replace(
        "text=&", "text=uppf%C3%B6lj+1.3+Tr%C3%A4ff+med+skolan+%26+polisen%2C+1%2B1&"
    )
    resp = slack.http(body, FORM)
    assert resp.status == 200 and "Uppföljning sparad" in private_answer(resp)
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Träff med skolan & polisen, 1+1"]


@pytest.mark.parametrize("kind", ["static_select", "overflow", "radio_buttons"])
def test_a_choice_from_a_menu_reaches_the_action_like_a_button_value(
    slack, imported_plan, kind
) -> None:  # type: ignore[no-untyped-def]
    """Menus send the chosen option (`selected_option`), not a `value`: the action ran with an
    empty one ("Åtgärd  finns inte i planen")."""
    payload = _press(
        slack,
        container={"type": "message", "message_ts": "1.5", "channel_id": "C1"},
        channel={"id": "C1", "name": "trygghet"},
        state={"values": {}},
        response_url=slack.fake.response_url(kind),
    )
    option = {"text": {"type": "plain_text", "text": "1.3 SSP", "emoji": True}, "value": "1.3"}
    payload["actions"] = [
        {
            "type": kind,
            "action_id": ActionId.SHOW_MEASURE.value,
            "block_id": "m",
            "selected_option": option,
            "action_ts": "1548426417.840180",
        }
    ]
    resp = slack.http(interactivity(payload), FORM)
    assert (resp.status, resp.body) == (200, "")
    assert "Åtgärd 1.3" in all_text(slack.last("response_url").body)
