"""A rich_text_input's value (a `rich_text` block) as the plain text the neutral layer takes.

Slack sends what was typed in a rich_text_input as `rich_text_value`, not as `value`: sections,
lists, quotes and code, each a list of elements (text, links, mentions, emoji, dates). Read
as `value` it was None, so a follow-up written there counted as "nothing written".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_BROADCAST = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def _emoji(el: Mapping[str, Any]) -> str:
    """The character itself when Slack gives its code points ("1f604" or "1f44d-1f3fb")."""
    code = el.get("unicode")
    if isinstance(code, str) and code:
        try:
            return "".join(chr(int(part, 16)) for part in code.split("-"))
        except ValueError:
            pass
    return f":{el.get('name') or ''}:"


def _element(el: Any) -> str:
    if not isinstance(el, Mapping):
        return ""
    kind = el.get("type")
    if kind == "text":
        return str(el.get("text") or "")
    if kind == "link":
        url, label = str(el.get("url") or ""), str(el.get("text") or "")
        return f"{label} ({url})" if label and label != url else url
    if kind == "user":
        return f"@{el.get('user_id') or ''}"
    if kind == "usergroup":
        return f"@{el.get('usergroup_id') or ''}"
    if kind == "channel":
        return f"#{el.get('channel_id') or ''}"
    if kind == "broadcast":
        return _BROADCAST.get(str(el.get("range")), "@here")
    if kind == "emoji":
        return _emoji(el)
    if kind == "date":
        return str(el.get("fallback") or el.get("timestamp") or "")
    return str(el.get("text") or "")


def _inline(block: Mapping[str, Any]) -> str:
    return "".join(_element(el) for el in block.get("elements") or [])


def _block(block: Any) -> list[str]:
    """One rich_text element as lines of text."""
    if not isinstance(block, Mapping):
        return []
    kind = block.get("type")
    if kind == "rich_text_list":
        ordered = block.get("style") == "ordered"
        depth = block.get("indent") if isinstance(block.get("indent"), int) else 0
        lines = []
        for n, item in enumerate(block.get("elements") or [], start=1):
            mark = f"{n}." if ordered else "•"
            text = _inline(item) if isinstance(item, Mapping) else ""
            lines.append(f"{'  ' * depth}{mark} {text}")
        return lines
    if kind == "rich_text_quote":
        return [f"> {line}" for line in _inline(block).removesuffix("\n").split("\n")]
    # rich_text_section, rich_text_preformatted; a section before a list ends in a line break
    return _inline(block).removesuffix("\n").split("\n")


def plain_text(value: Any) -> str | None:
    """The typed text, lines kept; None when the value is not a rich_text block at all."""
    if not isinstance(value, Mapping):
        return None
    lines: list[str] = []
    for block in value.get("elements") or []:
        lines.extend(_block(block))
    return "\n".join(lines).strip("\n")
