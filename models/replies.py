"""Platform-neutral replies. Services and command handlers return these; adapters render them.

Slack turns a Reply into Block Kit, the console into plain text, Teams (next) into
Adaptive Cards. Nothing here knows any chat platform's format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ActionId(StrEnum):
    """Ids of buttons; the value carries the measure ref or page token."""

    FOLLOW_UP = "atgard_skriv_uppfoljning"
    MARK_DONE = "atgard_markera_genomford"
    SHOW_HISTORY = "atgard_visa_historik"
    SHOW_MEASURE = "atgard_visa_atgard"
    PAGE = "atgard_bladdra"
    UNDO = "atgard_angra"  # value "<kind>:<id>" (models.undo.EntryKind)


class ModalId(StrEnum):
    """Callback ids of forms (Slack modals)."""

    FOLLOW_UP = "atgard_modal_uppfoljning"
    MEETING = "atgard_modal_mote"


class Visibility(StrEnum):
    EPHEMERAL = "ephemeral"  # only the person who asked
    CHANNEL = "channel"  # the whole group sees it


@dataclass(frozen=True)
class Button:
    label: str
    action: ActionId
    value: str
    primary: bool = False


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass
class Section:
    """A block of text (Slack mrkdwn-free plain text: adapters escape it), with optional fields/buttons."""

    text: str = ""
    fields: list[Field] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    heading: str | None = None  # bold lead line
    more_action: Button | None = None  # shown when text had to be cut for the platform


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Input:
    """One form field."""

    id: str
    label: str
    kind: str = "text"  # text | multiline | select | multiselect | date
    options: tuple[Option, ...] = ()
    initial: str | tuple[str, ...] | None = None
    optional: bool = False
    max_length: int | None = None
    placeholder: str | None = None
    hint: str | None = None


@dataclass
class Form:
    """A dialog the user fills in (a Slack modal)."""

    id: ModalId
    title: str  # at most 24 characters (Slack's limit)
    inputs: list[Input]
    submit_label: str = "Spara"
    metadata: dict[str, str] = field(default_factory=dict)
    intro: str | None = None


@dataclass
class Image:
    png: bytes
    alt: str
    title: str


@dataclass
class Attachment:
    filename: str
    content: bytes
    title: str


@dataclass
class Reply:
    """What the bot says back. `visibility` decides who sees it."""

    title: str | None = None
    sections: list[Section] = field(default_factory=list)
    context: str | None = None  # small grey footer
    visibility: Visibility = Visibility.EPHEMERAL
    form: Form | None = None  # open this dialog instead of (or as well as) posting text
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    # For a channel post that is also confirmed to the sender privately.
    ack_text: str | None = None
    # Form validation errors by input id; adapters show them beside the field.
    errors: dict[str, str] = field(default_factory=dict)
    # The request was refused or could not be done (nothing stored): the message explains why.
    failed: bool = False
    # The request was a retry or a second submit of something already stored: say nothing.
    duplicate: bool = False

    @classmethod
    def text(cls, text: str, *, title: str | None = None, channel: bool = False) -> Reply:
        return cls(
            title=title,
            sections=[Section(text=text)],
            visibility=Visibility.CHANNEL if channel else Visibility.EPHEMERAL,
        )

    def plain(self) -> str:
        """The reply as plain text (console, logs of dry runs, notifications' fallback text)."""
        out: list[str] = []
        if self.title:
            out.append(self.title)
        for s in self.sections:
            if s.heading:
                out.append(s.heading)
            if s.text:
                out.append(s.text)
            out.extend(f"{f.label}: {f.value}" for f in s.fields)
            if s.buttons:
                out.append("  ".join(f"[{b.label}]" for b in s.buttons))
        if self.context:
            out.append(self.context)
        if self.form:
            out.append(f"(formulär: {self.form.title})")
        for key, err in self.errors.items():
            out.append(f"{key}: {err}")
        return "\n".join(out)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a chat account, never a person's identity beyond the account id."""

    user_id: str
    name: str | None = None
    platform: str = "slack"


# Control characters: clean_text() strips them from everything users type and XML cannot
# carry them, so user text can never forge a mention token.
MENTION_OPEN, MENTION_CLOSE = "\x1e@", "\x1f"


def mention(user_id: str) -> str:
    """A neutral user mention; the Slack renderer turns it into <@U…> after escaping text."""
    return f"{MENTION_OPEN}{user_id}{MENTION_CLOSE}"
