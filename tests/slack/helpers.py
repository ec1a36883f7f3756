"""Small readers for what the bot sent and what it stored."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from bot.db import SessionFactory
from models.replies import ActionId
from tests.slack.fake_slack import Call


def slash_command_fields(
    text: str, *, response_url: str, trigger_id: str, **overrides: str
) -> dict[str, str]:
    """A slash command's fields as Slack documents them, in Slack's order (`overrides` last)."""
    fields = {
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "team_id": "T1",
        "team_domain": "kungsholmen",
        "channel_id": "C1",
        "channel_name": "trygghet",
        "user_id": "U1",
        "user_name": "kim",
        "command": "/atgard",
        "text": text,
        "api_app_id": "A1",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    fields.update(overrides)
    return fields


def all_text(body: dict[str, Any]) -> str:
    """Every string in a message or view payload, joined (for `in` assertions)."""
    out: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(body.get("blocks") if body.get("blocks") is not None else body)
    walk(body.get("view", {}))
    out.append(str(body.get("text", "")))
    return "\n".join(out)


def buttons(call: Call) -> list[dict[str, Any]]:
    out = []
    for b in call.body.get("blocks", []):
        if b["type"] == "actions":
            out.extend(b["elements"])
        if "accessory" in b:
            out.append(b["accessory"])
    return out


def rows(session_factory: SessionFactory, table: Any) -> list[Any]:
    with session_factory() as s:
        return list(s.exec(select(table)))


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    return json.loads(view["private_metadata"])


def slack_user(user_id: str = "U1") -> dict[str, Any]:
    """The `user` of an interactivity payload, as Slack sends it."""
    return {"id": user_id, "username": "kim", "name": "kim", "team_id": "T1"}


# The "Visa" button of a measure card in a block_actions payload (Slack's documented shape).
SHOW_BUTTON_ACTION: dict[str, Any] = {
    "action_id": ActionId.SHOW_MEASURE.value,
    "block_id": "m1.3",
    "text": {"type": "plain_text", "text": "Visa", "emoji": True},
    "value": "1.3",
    "type": "button",
    "action_ts": "1548426417.840180",
}


def show_button_press(trigger_id: str, **where: Any) -> dict[str, Any]:
    """A press on a measure card's "Visa" button; `where` adds the surface it came from
    (container, channel, message, view, state, response_url)."""
    return {
        "type": "block_actions",
        "user": slack_user(),
        "api_app_id": "A1",
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "trigger_id": trigger_id,
        "team": {"id": "T1", "domain": "kungsholmen"},
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [dict(SHOW_BUTTON_ACTION)],
        **where,
    }
