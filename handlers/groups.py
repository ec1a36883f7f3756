"""koppla: bind the channel to a collaboration group."""

from __future__ import annotations

from handlers.context import CommandContext
from handlers.permissions import require_coordinator
from models.errors import ValidationError
from models.groups import GroupDefaults, bind_channel
from models.plans import resolve_scope
from models.replies import Reply


def bind_reply(ctx: CommandContext, name: str) -> Reply:
    if ctx.in_direct_message:  # a group's channel is never a DM
        raise ValidationError("Koppla grupper i en kanal, inte i ett direktmeddelande.")
    require_coordinator(ctx, "koppla kanaler till grupper")
    with ctx.writing() as s:
        scope = resolve_scope(session=s, platform=ctx.platform, channel_id=None)
        group, linked = bind_channel(
            session=s,
            plan=scope.plan,
            name=name,
            platform=ctx.platform,
            channel_id=ctx.channel_id,
            actor=ctx.actor,
            defaults=GroupDefaults(
                reminder_days_before=ctx.settings.reminder_days_before,
                digest_weekday=ctx.settings.digest_weekday,
                digest_time=ctx.settings.digest_time,
            ),
            now=ctx.now(),
        )
        gname, title = group.name, scope.plan.title
    text = f"Kanalen hör nu till {gname} i {title}. `/atgard lista` och `/atgard status` visar gruppens åtgärder."
    if linked:
        text += f"\nÅtgärder som nämner {gname} hör nu till gruppen: {', '.join(linked)}."
    return Reply.text(text, channel=True)
