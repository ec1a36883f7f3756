"""The sandbox answers Slack's Web API the way slack_sdk expects (the bot's real client)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.sandbox.conftest import SandboxServer


def _state(server: SandboxServer) -> dict:  # type: ignore[type-arg]
    with urllib.request.urlopen(server.url + "sandbox/state") as resp:
        return json.loads(resp.read())


def test_web_api_methods_through_slack_sdk(sandbox_server: SandboxServer) -> None:
    client = WebClient(token="xoxb-x", base_url=sandbox_server.url + "api/")
    assert client.auth_test()["user_id"] == "UBOTATGARD"
    posted = client.chat_postMessage(
        channel="CSSP00001",
        text="hej",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*hej*"}}],
    )
    client.chat_update(channel="CSSP00001", ts=posted["ts"], text="hej igen", blocks=[])
    client.chat_postEphemeral(channel="CEST00001", user="USANDBOX1", text="bara du")
    dm = client.conversations_open(users="USANDBOX1")["channel"]["id"]
    client.chat_postMessage(channel=dm, text="ett dm")
    assert client.users_info(user="USANDBOX1")["user"]["tz"] == "Europe/Stockholm"
    assert client.conversations_info(channel="CSSP00001")["channel"]["name"] == "ssp-kungsholmen"
    client.views_publish(user_id="USANDBOX1", view={"type": "home", "blocks": []})
    upload = client.files_upload_v2(
        channel="CTRYGG001", content=b"a;b\n1;2\n", filename="rapport.csv", title="Rapport"
    )
    assert upload["ok"]
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="CNOPE", text="x")
    assert err.value.response["error"] == "channel_not_found"
    state = _state(sandbox_server)
    texts = [(m["channel"], m["text"], m["ephemeral"]) for m in state["messages"]]
    assert ("CSSP00001", "hej igen", False) in texts
    assert ("CEST00001", "bara du", True) in texts
    assert (dm, "ett dm", False) in texts
    assert state["home"] == {"type": "home", "blocks": []}
    [file_msg] = [m for m in state["messages"] if m["files"]]
    with urllib.request.urlopen(
        sandbox_server.url + file_msg["files"][0]["url"].lstrip("/")
    ) as resp:
        assert resp.read() == b"a;b\n1;2\n"


def test_channels_start_bound_to_the_three_groups(sandbox_server: SandboxServer) -> None:
    from sqlmodel import select

    from models.tables import Group

    with sandbox_server.session_factory().begin() as s:
        bound = {g.channel_id: g.name for g in s.exec(select(Group))}
    assert bound == {"CSSP00001": "SSP", "CEST00001": "EST", "CTRYGG001": "Trygghetsrådet"}
    names = [c["name"] for c in _state(sandbox_server)["channels"]]
    assert names[:3] == ["ssp-kungsholmen", "est-kungsholmen", "trygghetsradet"]


def test_unsigned_request_to_the_bot_is_refused(sandbox_server: SandboxServer) -> None:
    req = urllib.request.Request(
        sandbox_server.url + "slack/events",
        data=b"command=/atgard&text=lista",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req)
    assert err.value.code == 401


def test_a_file_with_any_name_downloads(sandbox_server: SandboxServer) -> None:
    """HTTP headers are Latin-1: an en dash in the name once made the download a 500."""
    from urllib.parse import unquote

    client = WebClient(token="xoxb-x", base_url=sandbox_server.url + "api/")
    name = "Tertial 1 – rapport.csv"
    upload = client.files_upload_v2(channel="CEST00001", content=b"a;b\n", filename=name)
    file_id = upload["files"][0]["id"]
    with urllib.request.urlopen(sandbox_server.url + f"sandbox/file/{file_id}") as resp:
        disposition = resp.headers["Content-Disposition"]
        assert resp.headers["Content-Type"].startswith("text/csv")
        assert resp.read() == b"a;b\n"
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == name


def _post(server: SandboxServer, what: str, data: dict) -> dict:  # type: ignore[type-arg]
    req = urllib.request.Request(
        server.url + f"sandbox/{what}",
        data=json.dumps(data).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())


def test_the_sandbox_sends_a_command_as_slacks_client_does(sandbox_server: SandboxServer) -> None:
    """ "@du" is the person picked after @ (<@U…|du>); &, < and > go escaped, so "<@U9>"
    typed is text, and the follow-up keeps what was typed."""
    from sqlmodel import select

    from models.tables import Assignment, FollowUp, Measure

    said = "/atgard ansvarig 1.5 @du"
    assert _post(sandbox_server, "command", {"channel": "CSSP00001", "text": said})["ok"]
    typed = "/atgard uppfolj 1.5 Skola & polis <3 med @du, <@U9> och &lt;"
    assert _post(sandbox_server, "command", {"channel": "CSSP00001", "text": typed})["ok"]
    with sandbox_server.session_factory().begin() as s:
        who = s.exec(select(Assignment.user_id).join(Measure).where(Measure.ref == "1.5")).all()
        texts = s.exec(select(FollowUp.text).join(Measure).where(Measure.ref == "1.5")).all()
    assert who == ["USANDBOX1"]
    assert texts == ["Skola & polis <3 med @du, <@U9> och &lt;"]


def test_history_names_the_sandbox_user_the_same_after_a_command_and_a_click(
    sandbox_server: SandboxServer,
) -> None:
    """Slack sends the same handle as a command's user_name and a click's user.username."""
    import time

    from sqlmodel import select

    from models.replies import ActionId
    from models.tables import AuditEvent

    assert _post(
        sandbox_server, "command", {"channel": "CSSP00001", "text": "/atgard klar 2.3 2025-01-15"}
    )["ok"]
    assert _post(sandbox_server, "command", {"channel": "CSSP00001", "text": "/atgard visa 2.3"})[
        "ok"
    ]
    card = _wait_for_message(sandbox_server, "*Åtgärd 2.3*\n")
    clicked = {"message_id": card["id"], "action_id": ActionId.MARK_DONE.value, "value": "2.3"}
    assert _post(sandbox_server, "action", clicked)["ok"]
    names: list[str | None] = []
    deadline = time.monotonic() + 20
    while len(names) < 2 and time.monotonic() < deadline:  # the click is handled after its ack
        time.sleep(0.2)
        with sandbox_server.session_factory().begin() as s:
            names = list(
                s.exec(
                    select(AuditEvent.actor_name).where(AuditEvent.actor_id == "USANDBOX1")
                ).all()
            )
    assert len(names) >= 2 and set(names) == {"du"}


def _wait_for_message(server: SandboxServer, start: str) -> dict:  # type: ignore[type-arg]
    """The newest message with a block that starts so (the bot answers a moment later)."""
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [
            m
            for m in _state(server)["messages"]
            if any((b.get("text") or {}).get("text", "").startswith(start) for b in m["blocks"])
        ]
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no message starting {start!r}")
