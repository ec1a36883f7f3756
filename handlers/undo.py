"""angra: take back one's own latest follow-up, tick-off or logged meeting (models.undo)."""

from __future__ import annotations

from handlers.cards import short
from handlers.context import CommandContext
from models.plans import resolve_scope
from models.replies import Reply, Section, Visibility, mention
from models.undo import UNDO_WINDOW, EntryKind, latest_own_entry, undo

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
        undo(session=s, entry=entry, plan_id=plan_id, actor=ctx.actor, now=ctx.now())  # type: ignore[arg-type]
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
