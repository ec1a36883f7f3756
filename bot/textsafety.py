"""Make user text safe to store and to show in Slack.

`clean_text` runs on everything a user types before it is validated or stored;
`escape_mrkdwn` runs on everything user-supplied that goes into a Slack message.
"""

from __future__ import annotations

import unicodedata

from models.errors import ValidationError

__all__ = [
    "MAX_FOLLOW_UP",
    "MAX_NOTE",
    "MAX_SHORT",
    "check_length",
    "clean_text",
    "counted",
    "escape_mrkdwn",
    "format_count",
    "truncate",
]

# A follow-up is typed in Slack's plain_text_input or after the command; the form allows at
# most 3000 characters (Slack's max_length ceiling), so the command takes no more either: one
# limit for users to know, and a stored follow-up always fits the form that edits it.
MAX_FOLLOW_UP = 3000
MAX_NOTE = 3000  # a meeting's notes and decisions: typed in the same kind of form
MAX_SHORT = 200

_KEEP = frozenset("\n\t")
# Invisible format characters that can reorder or hide text (bidi overrides are a known
# spoofing trick) or that Excel/Word leave behind (BOM). Zero-width joiners stay: emoji
# sequences and some scripts need them.
_STRIP_FORMAT = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\ufeff"
)


def clean_text(text: str) -> str:
    """Normalise line breaks, drop control characters (keep \\n, \\t), NFC, strip."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Word and some phones paste Unicode line/paragraph separators; Slack wants \n.
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = "".join(
        ch
        for ch in text
        if ch in _KEEP or (unicodedata.category(ch) != "Cc" and ch not in _STRIP_FORMAT)
    )
    # NFC so "å" typed as a + ring compares and counts like the precomposed letter.
    return unicodedata.normalize("NFC", text).strip()


def format_count(n: int) -> str:
    """A whole number as Swedish writes it: "3 000" (a no-break space between thousands)."""
    return f"{n:,}".replace(",", "\u00a0")


def counted(n: int, singular: str, plural: str) -> str:
    """A count with its words in the right number: "1 åtgärd", "16 åtgärder", "0 åtgärder"
    (Swedish takes the plural for none), "1 ny" / "3 nya"."""
    return f"{format_count(n)} {singular if n == 1 else plural}"


def genitive(name: str) -> str:
    """A name in the genitive as Swedish writes it: "SSP:s" (an abbreviation, a letter or a
    number takes a colon), "Trygghetsrådets", "Ungdomsforum Ås" (after s, x or z nothing)."""
    words = name.split()
    last = words[-1] if words else ""
    if not last:
        return name
    if last[-1].isdigit() or (last.isupper() and last[-1].isalpha()):
        return f"{name}:s"
    if last[-1].lower() in "sxz":
        return name
    return f"{name}s"


def check_length(text: str, limit: int, *, field: str | None = None, label: str = "Texten") -> None:
    """Raise ValidationError in plain Swedish when `text` is longer than `limit`."""
    n = len(text)
    if n > limit:
        raise ValidationError(
            f"{label} är för lång ({format_count(n)} tecken, högst {format_count(limit)})."
            " Korta ner texten och försök igen.",
            field=field,
        )


def escape_mrkdwn(text: str) -> str:
    """Escape &, < and > as Slack requires.

    Without this a user could write <!channel> to ping everybody or <https://x|y> to
    forge a link in a message the bot posts.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int, suffix: str = "…") -> str:
    """Shorten `text` to at most `limit` characters, at a word boundary when possible."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    budget = limit - len(suffix)
    if budget <= 0:
        # No room for the suffix and any text: a hard cut is all that fits.
        return text[:limit]
    cut = text[:budget]
    if not text[budget].isspace():
        space = max(cut.rfind(" "), cut.rfind("\n"), cut.rfind("\t"))
        # Only back up to a word boundary if that keeps most of the text.
        if space >= budget // 2:
            cut = cut[:space]
    cut = cut.rstrip(" \t\n,;:")
    return (cut or text[:budget]) + suffix
