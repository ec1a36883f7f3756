"""koppla: bind the channel to a collaboration group."""

from __future__ import annotations

import difflib
import re

from sqlmodel import Session

from handlers.context import CommandContext
from handlers.permissions import require_coordinator
from models.errors import ValidationError
from models.groups import GroupDefaults, bind_channel
from models.plans import get_plan, group_for_channel, plan_districts
from models.replies import Reply
from models.tables import Plan

YEAR_RE = re.compile(r"20\d\d")


def bind_target(session: Session, ctx: CommandContext, text: str) -> tuple[str, Plan]:
    """The group's name and the plan `koppla` binds it in.

    `koppla SSP`, `koppla SSP Kungsholmen`, `koppla SSP Kungsholmen 2026`, `koppla SSP 2026`:
    a district (or municipality) and a year may follow the group's name. Without a district:
    the district the channel already works in, else the only one there is; where several
    districts' plans share the workspace, the user is asked which (a guess could bind the
    channel to another district's plan). Without a year: that district's newest plan.
    """
    words = text.split()
    year = None
    if len(words) > 1 and YEAR_RE.fullmatch(words[-1]):
        year = int(words.pop())
    districts = plan_districts(session=session)
    district = None
    # The longest district name that ends the text ("Hässelby-Vällingby", "Spånga Tensta"),
    # leaving at least one word for the group.
    for start in range(1, len(words)):
        candidate = " ".join(words[start:]).casefold()
        match = next((d for d in districts if d.casefold() == candidate), None)
        if match is not None:
            district, words = match, words[:start]
            break
    if district is None:
        _refuse_misspelt_district(words, districts, year)
    name = " ".join(words)
    if district is None and len(districts) > 1:
        current = group_for_channel(
            session=session, platform=ctx.platform, channel_id=ctx.channel_id
        )
        if current is None:
            raise ValidationError(
                f"Här finns åtgärdsplaner för flera stadsdelar eller kommuner:"
                f" {', '.join(districts)}. Skriv vilken plan kanalen ska arbeta i efter"
                f" gruppens namn, till exempel `/atgard koppla {name} {districts[0]}`."
            )
        district = session.get(Plan, current.plan_id).district  # type: ignore[union-attr]
    return name, get_plan(session=session, district=district, year=year)


# How alike a group name's last words and a district must be to be taken for a typo of it
# ("Norrmalmm", "Kungsholmn"): a group called "SSP Norr" is not one of "Norrmalm".
TYPO_LIKENESS = 0.85
WORD_ENDINGS = ("s", "s:")  # the genitive


def _refuse_misspelt_district(words: list[str], districts: list[str], year: int | None) -> None:
    """`koppla SSP Kungsholmn` would make a group called "SSP Kungsholmn": a misspelt district
    is asked about instead, with the command as it was likely meant."""
    folded = {d.casefold(): d for d in districts}
    for start in range(1, len(words)):
        tail = " ".join(words[start:]).casefold()
        close = difflib.get_close_matches(tail, folded, n=1, cutoff=TYPO_LIKENESS)
        # "SSP Södermalms", "EST Lunds": the district's genitive, part of the group's own
        # name, not a typo of the district.
        if close and tail in (close[0] + ending for ending in WORD_ENDINGS):
            continue
        if close:
            district = folded[close[0]]
            meant = " ".join([*words[:start], district, *([str(year)] if year else [])])
            raise ValidationError(
                f"Det finns ingen plan för ”{' '.join(words[start:])}”. Menade du {district}?"
                f" Skriv i så fall `/atgard koppla {meant}`."
            )


def bind_reply(ctx: CommandContext, text: str) -> Reply:
    if ctx.in_direct_message:  # a group's channel is never a DM
        raise ValidationError("Koppla grupper i en kanal, inte i ett direktmeddelande.")
    require_coordinator(ctx, "koppla kanaler till grupper")
    with ctx.writing() as s:
        name, plan = bind_target(s, ctx, text)
        group, linked = bind_channel(
            session=s,
            plan=plan,
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
        gname, title = group.name, plan.title
    text = f"Kanalen hör nu till {gname} i {title}. `/atgard lista` och `/atgard status` visar gruppens åtgärder."
    if linked:
        text += f"\nÅtgärder som nämner {gname} hör nu till gruppen: {', '.join(linked)}."
    return Reply.text(text, channel=True)
