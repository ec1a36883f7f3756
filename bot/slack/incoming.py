"""Text as Slack sends it in slash commands -> plain text for the neutral layer."""

from __future__ import annotations

import re

_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>")


def _link(m: re.Match[str]) -> str:
    """`<url|label>` -> "label (url)", or the url alone; an e-mail address without `mailto:`."""
    url, label = m.group(1), m.group(2)
    shown = url.removeprefix("mailto:")
    return f"{label} ({shown})" if label and label not in (url, shown) else shown


def unslack(text: str) -> str:
    """Undo Slack's escaping and link markup; user mentions `<@U…>` stay for the parser."""
    text = _LINK.sub(_link, text)
    # Slack leaves the name out of some channel mentions (`<#C123|>`): the id is all there is.
    text = _CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _SPECIAL.sub(lambda m: f"@{m.group(1)}", text)
    text = _SUBTEAM.sub(lambda m: m.group(1) or "@grupp", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
