"""Small readers for what the bot sent and what it stored."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from bot.db import SessionFactory
from tests.slack.fake_slack import Call


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
