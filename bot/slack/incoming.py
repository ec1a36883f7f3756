"""Text as Slack sends it in slash commands -> the neutral form the handlers read.

With "Escape channels, users, and links" on (manifest.yml), Slack writes a person picked
after @ as `<@U…|name>` (or `<@U…>`), a channel as `<#C…|name>`, a user group as
`<!subteam^S…|@name>`, a link as `<https://…|text>`, and every &, < and > the user typed as
&amp;, &lt; and &gt;. All of it is read here, so the command layer (handlers/parse.py) never
sees Slack's markup: people become neutral mention tokens (models.replies.mention), the rest
the plain text the user typed.
"""

from __future__ import annotations

import re

from handlers.parse import CommandText
from models.replies import MENTION_CLOSE, MENTION_OPEN, mention

_USER = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>")
# Any other `<!…|fallback>`, such as a date `<!date^1392734382^{date_num}|2014-02-18>`.
_OTHER = re.compile(r"<![^|>]*\|([^>]*)>")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?://)?", re.IGNORECASE)
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
# The characters a neutral mention token is made of: a user cannot type one.
_TOKEN_CHARS = re.compile("[" + re.escape(MENTION_OPEN[0] + MENTION_CLOSE) + "]")


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


def unescape(text: str) -> str:
    """&amp;, &lt; and &gt; back to what the user typed, in one pass: "&amp;lt;" (a user who
    typed "&lt;") stays "&lt;"."""
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def command_text(raw: str) -> CommandText:
    """A slash command's `text` as the neutral CommandText the router takes."""
    names: dict[str, str] = {}

    def user(m: re.Match[str]) -> str:
        if m.group(2):
            names.setdefault(m.group(1), unescape(m.group(2)))
        return mention(m.group(1))

    # Markup is read before the escapes are undone: "<@U1>" the user typed arrives as
    # "&lt;@U1&gt;" and stays text, never a mention.
    text = _USER.sub(user, _TOKEN_CHARS.sub("", raw))
    return CommandText(unslack(text), names)


def unslack(text: str) -> str:
    """Undo Slack's escaping and its markup for links, channels, user groups and the like
    (user mentions are command_text's). The escapes go last: what the user typed as "<…>"
    arrives as "&lt;…&gt;" and is never read as markup."""
    text = _LINK.sub(_link, text)
    # Slack leaves the name out of some channel mentions (`<#C123|>`): the id is all there is.
    text = _CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _SPECIAL.sub(lambda m: f"@{m.group(1)}", text)
    text = _SUBTEAM.sub(lambda m: m.group(1) or "@grupp", text)
    text = _OTHER.sub(lambda m: m.group(1), text)
    return unescape(text)
