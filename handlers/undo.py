"""angra: take back one's own latest follow-up, tick-off or logged meeting (models.undo)."""

from __future__ import annotations

from handlers.cards import short
from handlers.context import CommandContext
from models.errors import NotAllowed
from models.plans import resolve_scope
from models.replies import ActionId, Button, Reply, Section, Visibility, mention
from models.undo import UNDO_WINDOW, Entry, EntryKind, entry_by_id, latest_own_entry, undo

NOTHING = (
    "Du har inget att ångra från den senaste veckan. Det du själv har skrivit, bockat av eller"
    " loggat går att ångra i {days} dagar."
)
NOTHING_FOR = (
    "Du har ingen uppföljning eller avbockning av åtgärd {ref} från den senaste veckan att ångra."
)


def undo_reply(ctx: CommandContext, ref: str | None) -> Reply:
    with ctx.writing() as s:
        scope = resolve_scope(
            session=s, platform=ctx.platform, channel_id=ctx.channel_id, user_id=ctx.actor.user_id
        )
        plan_id = scope.plan.id
        entry = latest_own_entry(
            session=s,
            plan_id=plan_id,  # type: ignore[arg-type]
            user_id=ctx.actor.user_id,
            now=ctx.now(),
            ref=ref,
        )
        if entry is None:
            days = UNDO_WINDOW.days
            return Reply.text(NOTHING_FOR.format(ref=ref) if ref else NOTHING.format(days=days))
        if not undo(session=s, entry=entry, plan_id=plan_id, actor=ctx.actor, now=ctx.now()):  # type: ignore[arg-type]
            return Reply.text(GONE)
    return _undone(ctx, entry)


def undo_button(kind: str, entry_id: int) -> Button:
    """ "Ångra" on the reply to an entry: takes back that very entry, whatever came after."""
    return Button("Ångra", ActionId.UNDO, f"{kind}:{entry_id}")


GONE = "Det finns inget att ångra här längre: det är redan ångrat eller borttaget."


def undo_pressed(ctx: CommandContext, value: str) -> Reply:
    kind, _, raw_id = value.partition(":")
    if not raw_id.isdigit():
        return Reply.text(GONE)
    with ctx.writing() as s:
        found = entry_by_id(session=s, kind=kind, entry_id=int(raw_id))
        if found is None:
            return Reply.text(GONE)
        entry, author, plan_id = found
        if author != ctx.actor.user_id:
            raise NotAllowed("Bara den som skrev, bockade av eller loggade något kan ångra det.")
        if entry.created_at < ctx.now() - UNDO_WINDOW:
            return Reply.text(
                f"Det går bara att ångra det du gjort de senaste {UNDO_WINDOW.days} dagarna."
                " Skriv en ny uppföljning i stället, eller be en samordnare."
            )
        if not undo(session=s, entry=entry, plan_id=plan_id, actor=ctx.actor, now=ctx.now()):
            return Reply.text(GONE)
    return _undone(ctx, entry)


def _undone(ctx: CommandContext, entry: Entry) -> Reply:
    if entry.kind == EntryKind.FOLLOW_UP:
        # A follow-up was only ever shown to its writer: so is taking it back.
        quoted = f" (”{short(entry.text, 80)}”)" if entry.text else ""
        return Reply.text(
            f"↩️ Ångrat: din uppföljning av åtgärd {entry.ref} för {entry.period}{quoted}."
            " Texten finns kvar i historiken."
        )
    # A tick-off and a meeting were posted in the channel: the channel sees them taken back.
    if entry.kind == EntryKind.DONE:
        what = f"åtgärd {entry.ref} genomförd {entry.day.isoformat() if entry.day else ''}"
    else:
        what = f"mötet i {entry.group} {entry.day.isoformat() if entry.day else ''}"
    return Reply(
        title=f"↩️ Ångrat: {what.strip()}",
        sections=[Section(text="Det räknas inte längre i planens läge och rapporter.")],
        context=f"Ångrat av {mention(ctx.actor.user_id)}",
        visibility=Visibility.CHANNEL,
        ack_text=f"Ångrat: {what.strip()}.",
    )
