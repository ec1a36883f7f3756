"""Slack's Block Kit limits, checked on every payload the stand-in server receives."""

from __future__ import annotations

from typing import Any

from bot.slack.render import (
    MAX_BUTTON_TEXT,
    MAX_FIELD_TEXT,
    MAX_FIELDS,
    MAX_HEADER,
    MAX_INPUT_LENGTH,
    MAX_MESSAGE_BLOCKS,
    MAX_MODAL_TITLE,
    MAX_OPTION_TEXT,
    MAX_OPTIONS,
    MAX_PRIVATE_METADATA,
    MAX_SECTION_TEXT,
    MAX_VIEW_BLOCKS,
)


def check_blocks(blocks: list[dict[str, Any]], max_blocks: int) -> list[str]:
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"{len(blocks)} blocks > {max_blocks}")
    for b in blocks:
        t = b.get("type")
        if t == "section":
            if "text" not in b and "fields" not in b:
                problems.append("section without text or fields")
            if len(b.get("text", {}).get("text", "")) > MAX_SECTION_TEXT:
                problems.append("section text > 3000")
            if not b.get("text", {"text": "x"}).get("text"):
                problems.append("empty section text")
            fields = b.get("fields", [])
            if len(fields) > MAX_FIELDS:
                problems.append("more than 10 fields")
            problems += ["field > 2000" for f in fields if len(f["text"]) > MAX_FIELD_TEXT]
            if "accessory" in b:
                problems += _button(b["accessory"])
        elif t == "header":
            if len(b["text"]["text"]) > MAX_HEADER:
                problems.append("header > 150")
        elif t == "actions":
            ids = [e["action_id"] for e in b["elements"]]
            if len(ids) != len(set(ids)):
                problems.append(f"duplicate action ids in one block: {ids}")
            if len(ids) > 25:
                problems.append("more than 25 elements")
            for e in b["elements"]:
                problems += _button(e)
        elif t == "context":
            problems += [
                "context text > 2000" for e in b["elements"] if len(e.get("text", "")) > 2000
            ]
        elif t == "input":
            el = b["element"]
            if el.get("action_id") != b.get("block_id"):
                problems.append("input action id != block id")
            opts = el.get("options", [])
            if len(opts) > MAX_OPTIONS:
                problems.append("more than 100 options")
            problems += [
                "option text > 75" for o in opts if len(o["text"]["text"]) > MAX_OPTION_TEXT
            ]
            if el.get("max_length", 0) > MAX_INPUT_LENGTH:
                problems.append("max_length > 3000")
            # Counted as Slack's clients count (UTF-16 units), the stricter of the two counts.
            initial = el.get("initial_value", "")
            if len(initial.encode("utf-16-le")) // 2 > el.get("max_length", MAX_INPUT_LENGTH):
                problems.append("initial_value longer than max_length")
            values = {o["value"] for o in opts}
            if "initial_option" in el and el["initial_option"]["value"] not in values:
                problems.append("initial option not among options")
        elif t not in ("divider", "image"):
            problems.append(f"unexpected block type {t}")
    return problems


def _button(e: dict[str, Any]) -> list[str]:
    out = []
    if len(e["text"]["text"]) > MAX_BUTTON_TEXT:
        out.append("button text > 75")
    if len(e.get("value", "")) > 2000:
        out.append("button value > 2000")
    return out


def check_payload(method: str, body: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if method in ("chat.postMessage", "chat.postEphemeral", "response_url", "chat.update"):
        blocks = body.get("blocks")
        if blocks is not None:
            problems += check_blocks(blocks, MAX_MESSAGE_BLOCKS)
        if not body.get("text"):
            problems.append("no fallback text")
    view = body.get("view")
    if method.startswith("views.") and isinstance(view, dict):
        problems += check_blocks(view.get("blocks", []), MAX_VIEW_BLOCKS)
        if view.get("type") == "modal":
            if len(view["title"]["text"]) > MAX_MODAL_TITLE:
                problems.append("modal title > 24")
            if len(view.get("private_metadata", "")) > MAX_PRIVATE_METADATA:
                problems.append("private_metadata > 3000")
    return problems
