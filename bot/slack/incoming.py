"""Text as Slack sends it in slash commands -> plain text for the neutral layer."""

from __future__ import annotations

import re

_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>")
# Any other `<!…|fallback>`, such as a date `<!date^1392734382^{date_num}|2014-02-18>`.
_OTHER = re.compile(r"<![^|>]*\|([^>]*)>")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?://)?", re.IGNORECASE)


def _link(m: re.Match[str]) -> str:
    """`<url|label>` -> "label (url)", or the url alone; an e-mail address without `mailto:`."""
    url, label = m.group(1), m.group(2)
    shown = url.removeprefix("mailto:")
    if not label or label in (url, shown):
        return shown
    # Slack links what looks like an address: "stad.se" arrives as <http://stad.se|stad.se>.
    # The user typed the label, so the label is what they wrote.
    if label.rstrip("/") == _SCHEME.sub("", url).rstrip("/"):
        return label
    return f"{label} ({shown})"


def unslack(text: str) -> str:
    """Undo Slack's escaping and link markup; user mentions `<@U…>` stay for the parser."""
    text = _LINK.sub(_link, text)
    # Slack leaves the name out of some channel mentions (`<#C123|>`): the id is all there is.
    text = _CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _SPECIAL.sub(lambda m: f"@{m.group(1)}", text)
    text = _SUBTEAM.sub(lambda m: m.group(1) or "@grupp", text)
    text = _OTHER.sub(lambda m: m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
