"""Parse `/atgard …` text into commands. Pure: no database, no chat platform."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from models.errors import ParseError, ValidationError
from models.replies import MENTION_CLOSE, MENTION_OPEN


class CommandName(StrEnum):
    HELP = "hjälp"
    LIST = "lista"
    SHOW = "visa"
    FOLLOW_UP = "uppfolj"
    DONE = "klar"
    MEETING = "mote"
    STATUS = "status"
    EXPORT = "export"
    BIND = "koppla"
    ASSIGN = "ansvarig"
    RHYTHM = "rytm"
    HISTORY = "historik"
    UNDO = "angra"


# Users type without å/ä/ö (and Slack clients sometimes autocorrect), so both spellings work.
ALIASES: dict[str, CommandName] = {
    "hjalp": CommandName.HELP,
    "hjälp": CommandName.HELP,
    "help": CommandName.HELP,
    "?": CommandName.HELP,
    "lista": CommandName.LIST,
    "visa": CommandName.SHOW,
    "uppfolj": CommandName.FOLLOW_UP,
    "uppfölj": CommandName.FOLLOW_UP,
    "uppfoljning": CommandName.FOLLOW_UP,
    "uppföljning": CommandName.FOLLOW_UP,
    "klar": CommandName.DONE,
    "genomförd": CommandName.DONE,
    "genomford": CommandName.DONE,
    "mote": CommandName.MEETING,
    "möte": CommandName.MEETING,
    "status": CommandName.STATUS,
    "export": CommandName.EXPORT,
    "exportera": CommandName.EXPORT,
    "koppla": CommandName.BIND,
    "ansvarig": CommandName.ASSIGN,
    "rytm": CommandName.RHYTHM,
    "historik": CommandName.HISTORY,
    "angra": CommandName.UNDO,
    "ångra": CommandName.UNDO,
}

REF_RE = re.compile(r"^\d{1,2}\.\d{1,3}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3])[.:]([0-5]\d)$")
# A word of digits and separators that DATE_RE or TIME_RE refused ("25.00", "2025-3-12",
# "12/3"): meant as a date or a time, so it must not be read as a group's name.
TIME_LIKE_RE = re.compile(r"^\d{1,2}[.:]\d{1,2}$")
DATE_LIKE_RE = re.compile(r"^\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?$")


def parse_iso_date(text: str) -> date:
    """A day written as 2025-03-12, or a Swedish line saying how to write it."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"”{text[:20]}” är inget giltigt datum. Skriv till exempel 2025-03-12.", field="date"
        ) from None


# Days people write instead of a date ("klar 1.3 igår", "mote idag"), as days back from today.
DAY_WORDS = {"idag": 0, "igår": 1, "igar": 1, "iförrgår": 2, "iforrgar": 2}
# A whole date written some other way than 2025-03-12 ("12.3.2025", "2025-3-12", "12/3/25"):
# explained rather than taken for a note or a group's name. Not "10-12" or "3/4" (a range, a
# share: "klar 2.2 3/4 skolor besökta") nor "1.1.1" (a three-level number).
OTHER_DATE_RE = re.compile(
    r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{2}|\d{4}))$"
)
# A day and month alone ("21/4"): a date only where nothing else could be meant.
DAY_MONTH_RE = re.compile(r"^(?:[12]?\d|3[01])/(?:0?[1-9]|1[0-2])$")
_TRAILING = ",.:;"


def join_day_words(tokens: list[str]) -> list[str]:
    """ "i går" and "i dag" as one word each, the way DAY_WORDS knows them ("i går," too)."""
    out: list[str] = []
    for token in tokens:
        if (
            out
            and out[-1].casefold() == "i"
            and f"i{token.rstrip(_TRAILING).casefold()}" in DAY_WORDS
        ):
            out[-1] += token
        else:
            out.append(token)
    return out


def is_day(token: str) -> bool:
    """A day as the commands take it: 2025-03-12, idag, igår ("igår," at a sentence's start
    too), or a whole date written otherwise (which day_of then explains how to write)."""
    token = token.rstrip(_TRAILING) if not DATE_RE.match(token) else token
    return bool(DATE_RE.match(token) or token.casefold() in DAY_WORDS or OTHER_DATE_RE.match(token))


def day_of(token: str, today: date) -> date:
    """The day a token names: 2025-03-12, or idag, igår, i förrgår counted from `today`."""
    token = token.rstrip(_TRAILING) if not DATE_RE.match(token) else token
    back = DAY_WORDS.get(token.casefold())
    if back is not None:
        return today - timedelta(days=back)
    return parse_iso_date(token)


# A tertial named in a follow-up: "T1", "t2", "2025-T3".
PERIOD_RE = re.compile(r"^(?:\d{4}-)?[Tt][123]$")
# "T4", "2025-T0": written as a tertial, but the year has three.
NOT_A_TERTIAL_RE = re.compile(r"^(?:\d{4}-)?[Tt]\d$")
# A person the chat platform resolved, written by its adapter as a neutral mention token
# (models.replies.mention): any id the platform uses (Slack's U…/W…, a Teams id with colons).
MENTION_TOKEN_RE = re.compile(
    re.escape(MENTION_OPEN) + r"([^\s\x1e\x1f]{1,200})" + re.escape(MENTION_CLOSE)
)
# A name typed after @ that no platform resolved (not an e-mail address).
PLAIN_MENTION_RE = re.compile(r"(?<![\w<])@([A-Za-z0-9._-]+)")
# While a line is parsed each token stands in as "\ue000<n>\ue001" (n: its place in the line).
# The token's own characters count as whitespace to str.split() and str.strip(), which would
# take it apart; private-use characters do not, and are not letters, digits or spaces.
_HELD_OPEN, _HELD_CLOSE = "\ue000", "\ue001"
_HELD_RE = re.compile(_HELD_OPEN + r"(\d+)" + _HELD_CLOSE)
_HELD_CHARS = re.compile(f"[{_HELD_OPEN}{_HELD_CLOSE}]")

VERDICT_WORDS: dict[str, str] = {
    "uppfyllt": "uppfyllt",
    "uppfylld": "uppfyllt",
    "delvis": "delvis",
    "ej_uppfyllt": "ej_uppfyllt",
    "ej uppfyllt": "ej_uppfyllt",
    "inte uppfyllt": "ej_uppfyllt",
    "pågående": "pagaende",
    "pagaende": "pagaende",
    "pågår": "pagaende",
    "ej_bedomd": "ej_bedomd",
    "ej bedömd": "ej_bedomd",
}

LIST_FILTERS = {"mina", "försenade", "forsenade", "alla"}


@dataclass(frozen=True)
class CommandText:
    """A `/atgard …` line as every chat adapter hands it to the handlers: the text as the
    user meant it (no platform markup, no escapes), each person the platform resolved written
    as a neutral mention token (models.replies.mention), and the names those people were
    shown as, where the platform said. A plain str is a line without resolved people (a
    console, a test).

    The adapter builds it (bot/slack/incoming.py reads Slack's `<@U…|name>`; Teams would read
    `<at>Name</at>` and its entities), so nothing here knows any platform's markup."""

    text: str
    names: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, line: CommandText | str) -> CommandText:
        return line if isinstance(line, CommandText) else cls(line)


@dataclass
class Command:
    name: CommandName
    ref: str | None = None
    text: str = ""
    args: list[str] = field(default_factory=list)
    unknown: str | None = None  # the word the user typed when it was not a command
    verdict: str | None = None
    users: list[str] = field(default_factory=list)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    # Slack turns "--" into en dashes in some clients; keep words apart on any whitespace.
    return text.replace("\u00a0", " ").strip()


@dataclass
class _Mentions:
    """The people a line mentions, held aside while it is parsed."""

    ids: list[str]
    names: Mapping[str, str]

    @classmethod
    def hold(cls, line: CommandText) -> tuple[str, _Mentions]:
        held = cls([], line.names)

        def stand_in(m: re.Match[str]) -> str:
            held.ids.append(m.group(1))
            return f"{_HELD_OPEN}{len(held.ids) - 1}{_HELD_CLOSE}"

        # Stand-in characters the user typed are dropped: only a token becomes one.
        return MENTION_TOKEN_RE.sub(stand_in, _HELD_CHARS.sub("", line.text)), held

    def ids_in(self, text: str) -> list[str]:
        return [self.ids[int(n)] for n in _HELD_RE.findall(text)]

    def readable(self, text: str) -> str:
        """Mentions in text that is kept as written (a follow-up, a tick-off's note): `@name`
        as the user saw it, or `@id` when the platform gave no name. The bot stores measures,
        not people: such text keeps what was typed, never a live mention."""

        def shown(m: re.Match[str]) -> str:
            user_id = self.ids[int(m.group(1))]
            return "@" + (self.names.get(user_id) or user_id)

        return _HELD_RE.sub(shown, text)


def as_ref(token: str) -> str | None:
    """A measure number as typed: "1.3", and "1,3" (the Swedish decimal comma) or "1.3." and
    "1.3:" at the end of a sentence, as "1.3"; None for anything else."""
    token = token.rstrip(":,;.")
    token = _COMMA_REF_RE.sub(r"\1.\2", token)
    return token if REF_RE.match(token) else None


_COMMA_REF_RE = re.compile(r"^(\d{1,2}),(\d{1,3})$")


def _ref(token: str | None, command: str) -> str:
    if token is None:
        raise ParseError(f"Ange vilken åtgärd du menar, till exempel `/atgard {command} 1.3`.")
    ref = as_ref(token)
    if ref is None:
        raise ParseError(
            f"”{token.rstrip(':,;')[:20]}” är inget åtgärdsnummer. Skriv områdets och åtgärdens"
            f" nummer, till exempel `/atgard {command} 1.3`."
        )
    return ref


# The first word of a tick-off's note, or its first two when they are "i går" or "i dag".
_FIRST_TWO = re.compile(r"^(i\s+\S+)(?:\s+|$)", re.IGNORECASE)
_FIRST = re.compile(r"^(\S+)(?:\s+|$)")


def _leading_day(body: str) -> tuple[str | None, str]:
    """A tick-off's day at the start of its note ("igår, vandring …", "i går …",
    "2025-03-12 …"), and the note after it as typed (line breaks kept)."""
    for m in (_FIRST_TWO.match(body), _FIRST.match(body)):
        if m is None:
            continue
        word, rest = "".join(m.group(1).split()), body[m.end() :]
        if is_day(word) or (DAY_MONTH_RE.match(word) and not rest):
            return word, rest
    return None, body


def _split_verdict(text: str) -> tuple[str | None, str]:
    lowered = text.lower()
    for word in sorted(VERDICT_WORDS, key=len, reverse=True):
        if lowered.startswith(word) and (
            len(lowered) == len(word) or lowered[len(word)] in " :,.-–\n"
        ):
            rest = text[len(word) :].lstrip(" :,.-–\n")
            return VERDICT_WORDS[word], rest
    return None, text


def parse_command(raw: CommandText | str) -> Command:
    """Turn the text after `/atgard` into a Command. Raises ParseError with a Swedish message."""
    held_text, mentions = _Mentions.hold(CommandText.of(raw))
    text = normalise(held_text)
    if not text:
        return Command(CommandName.HELP)
    # Any whitespace ends the command word: a line break typed with Shift+Enter, or a tab.
    head, *tail = text.split(maxsplit=1)
    rest = tail[0].strip() if tail else ""
    name = ALIASES.get(head.lower())
    if name is None:
        return Command(CommandName.HELP, unknown=mentions.readable(head)[:40])
    # Everything reads the mentions as typed ("@anna"); `ansvarig` reads their ids as well.
    held_rest, rest = rest, mentions.readable(rest)
    tokens = rest.split()

    if name is CommandName.HELP:
        return Command(name, args=tokens[:1])
    if name is CommandName.STATUS:  # a group's name may be several words
        return Command(name, args=[" ".join(tokens)] if tokens else [])
    if name is CommandName.LIST:
        return Command(name, args=[" ".join(tokens)] if tokens else [])
    if name in (CommandName.SHOW, CommandName.HISTORY):
        return Command(name, ref=_ref(tokens[0] if tokens else None, name.value))
    if name is CommandName.FOLLOW_UP:
        period: list[str] = []
        if len(tokens) > 1 and PERIOD_RE.match(tokens[0]) and as_ref(tokens[1]):
            # "uppfolj T1 1.3 …": the tertial first.
            period = [tokens[0].upper()]
            rest = rest[len(tokens[0]) :].strip()
            tokens = tokens[1:]
        ref = _ref(tokens[0] if tokens else None, "uppfolj")
        body = rest[len(tokens[0]) :].strip()
        # "uppfolj 1.3 T1 …": the tertial it is for, when not the one being reported now.
        first = body.split(maxsplit=1)
        if first and not period and PERIOD_RE.match(first[0]):
            period = [first[0].upper()]
            body = first[1] if len(first) > 1 else ""
        elif first and not period and NOT_A_TERTIAL_RE.match(first[0]):
            raise ParseError(
                f"”{first[0]}” är inget tertial: året har T1 (januari–april), T2 (maj–augusti)"
                f" och T3 (september–december). Skriv till exempel `/atgard uppfolj {ref} T2 …`."
            )
        verdict, body = _split_verdict(body)
        return Command(name, ref=ref, text=body, verdict=verdict, args=period)
    if name is CommandName.DONE:
        ref = _ref(tokens[0] if tokens else None, "klar")
        day, body = _leading_day(rest[len(tokens[0]) :].strip())
        return Command(name, ref=ref, text=body, args=[day] if day else [])
    if name is CommandName.MEETING:
        return Command(name, args=join_day_words(tokens))
    if name is CommandName.UNDO:  # "ångra", or "ångra 1.3" for that measure's latest
        return Command(name, ref=_ref(tokens[0], "ångra") if tokens else None)
    if name is CommandName.EXPORT:
        return Command(name, args=[t.lower() for t in tokens])
    if name is CommandName.BIND:
        if not tokens:
            raise ParseError(
                "Ange vilken grupp kanalen hör till, till exempel `/atgard koppla SSP`,"
                " `/atgard koppla EST` eller `/atgard koppla Trygghetsrådet`."
            )
        return Command(name, text=rest, args=tokens)
    if name is CommandName.ASSIGN:
        ref = _ref(tokens[0] if tokens else None, "ansvarig")
        body = held_rest[len(held_rest.split()[0]) :]  # the first word is the reference
        # Typed names that the platform did not turn into ids are kept, so the reply can
        # name them.
        users = mentions.ids_in(body)
        users += [f"@{u}" for u in PLAIN_MENTION_RE.findall(_HELD_RE.sub(" ", body))]
        if not users:
            raise ParseError(
                "Nämn den eller de som ska påminnas, till exempel `/atgard ansvarig 1.3 @Kim`."
            )
        return Command(name, ref=ref, users=users, args=tokens[1:])
    if name is CommandName.RHYTHM:
        ref = _ref(tokens[0] if tokens else None, "rytm")
        body = rest[len(tokens[0]) :].strip()
        if not body:
            raise ParseError(
                "Ange rytmen, till exempel `/atgard rytm 1.3 8/år` eller"
                " `/atgard rytm 1.3 linjearbete`."
            )
        return Command(name, ref=ref, text=body)
    raise ParseError("Okänt kommando.")  # pragma: no cover - every alias is handled above
