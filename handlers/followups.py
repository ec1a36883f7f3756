"""uppfolj, klar, rytm, ansvarig: members recording what has been done."""

from __future__ import annotations

import contextlib
from datetime import date

from sqlmodel import Session

from bot.textsafety import format_count
from handlers.cards import short
from handlers.context import CommandContext
from handlers.forms import STALE_FORM, FollowUpFormMeta, parse_meta
from handlers.parse import day_of
from handlers.permissions import require_may_manage, require_may_track
from handlers.texts import VERDICT_LABELS, VERDICT_SYMBOLS, verdict_label
from handlers.undo import undo_button
from models import tracking
from models.errors import NotFound, ParseError, PersonalDataRefused, ValidationError
from models.groups import find_group
from models.importer import import_period
from models.measures import (
    GroupRef,
    MeasureRef,
    ScopeRef,
    change_target,
    get_measure,
    latest_follow_ups,
    measure_ref,
    scope_and_measure,
    scope_ref,
)
from models.plans import get_plan, resolve_scope
from models.replies import Form, Input, ModalId, Option, Reply, Section, Visibility, mention
from models.tables import Verdict
from models.undo import EntryKind
from reminders.calendar import digests_end, parse_period, period_label, tertial_start

FORM_VERDICTS = (
    Verdict.UPPFYLLT,
    Verdict.DELVIS,
    Verdict.PAGAENDE,
    Verdict.EJ_UPPFYLLT,
    Verdict.EJ_BEDOMD,
)


def _asked_year(asked: str | None) -> int | None:
    """The year a named period gives ("2025-T3"), or None ("T3", or none named)."""
    if not asked:
        return None
    try:
        year, _tertial = parse_period(asked, None)
    except ParseError:
        return None
    return year


def follow_up_target(
    session: Session, ctx: CommandContext, ref: str, asked: str | None
) -> tuple[ScopeRef, MeasureRef]:
    """The plan and measure a follow-up is for: the channel's plan, or, for a period of the
    year before ("uppfolj 1.3 2025-T3" in January, in a channel already bound to the 2026
    plan), the same district's plan of that year, acting as the channel's group there."""
    year = _asked_year(asked)
    if year is None:
        return change_target(
            session=session,
            platform=ctx.platform,
            channel_id=ctx.channel_id,
            ref=ref,
            user_id=ctx.actor.user_id,
        )
    scope = resolve_scope(
        session=session, platform=ctx.platform, channel_id=ctx.channel_id, user_id=ctx.actor.user_id
    )
    if year == scope.plan.year:
        return scope_ref(scope), measure_ref(
            get_measure(session=session, plan_id=scope.plan.id, ref=ref)
        )  # type: ignore[arg-type]
    earlier = None
    if year == scope.plan.year - 1:
        with contextlib.suppress(NotFound):
            earlier = get_plan(session=session, district=scope.plan.district, year=year)
        if earlier is None:
            where = f"{scope.plan.district} " if scope.plan.district else ""
            raise ValidationError(f"Hittade ingen åtgärdsplan för {where}{year}.")
    if earlier is None:
        raise ValidationError(
            f"Kanalen arbetar i planen för {scope.plan.year}. Uppföljningar går att skriva för"
            f" den och för förra årets plan (till exempel {period_label(scope.plan.year - 1, 3)})."
        )
    group = (
        find_group(session=session, plan_id=earlier.id, name=scope.group.name)  # type: ignore[arg-type]
        if scope.group is not None
        else None
    )
    return (
        ScopeRef(
            earlier.id, earlier.year, None if group is None else GroupRef(group.id, group.name)
        ),  # type: ignore[arg-type]
        measure_ref(get_measure(session=session, plan_id=earlier.id, ref=ref)),  # type: ignore[arg-type]
    )


def follow_up_period(plan_year: int, today: date, asked: str | None) -> str:
    """The period a follow-up is for: the tertial being reported now (models.importer.
    import_period), or the one asked for ("T1", "2025-T2") if it is of the plan's year and
    has begun. Raises ValidationError in Swedish."""
    if not asked:
        return import_period(plan_year, today)
    try:
        year, tertial = parse_period(asked, plan_year)
    except ParseError as e:
        raise ValidationError(e.message) from None
    period = period_label(year, tertial)
    if year != plan_year:
        raise ValidationError(
            f"Planen gäller {plan_year}, inte {year}. Skriv till exempel T{tertial}"
            f" för {period_label(plan_year, tertial)}."
        )
    default = import_period(plan_year, today)
    if period == default:
        # What a follow-up without a period records, named: next year's plan read in in
        # December takes its T1 (the form opened then says so), though T1 has not begun.
        return period
    start = tertial_start(year, tertial)
    if start > today:
        # In January "T3" most likely means last year's year-end report (the digest asks
        # for it): say how to write that rather than only pointing at this year's T1.
        last_year = (
            f" Årsuppföljningen för {plan_year - 1} skrivs med året:"
            f" {period_label(plan_year - 1, 3)}."
            if tertial == 3 and today <= digests_end(plan_year - 1)
            else ""
        )
        raise ValidationError(
            f"{period} börjar {start.isoformat()}. Skriv uppföljningen utan period, så gäller"
            f" den {default}.{last_year}"
        )
    return period


def follow_up_form(
    ctx: CommandContext, ref: str, verdict: str | None = None, asked_period: str | None = None
) -> Reply:
    """Open the follow-up form, prefilled with the latest follow-up (and a verdict typed)."""
    with ctx.session_factory.begin() as s:
        scope, measure = follow_up_target(s, ctx, ref, asked_period)
        latest = latest_follow_ups(session=s, measure_ids=[measure.id]).get(measure.id)
        period = follow_up_period(scope.plan_year, ctx.today(), asked_period)
        plan_id = scope.plan_id
    form = Form(
        id=ModalId.FOLLOW_UP,
        title=f"Uppföljning {ref}"[:24],
        intro=f"{ref} {short(measure.description, 250)}\nPeriod: {period}",
        inputs=[
            Input(
                id="verdict",
                label="Bedömning",
                kind="select",
                options=tuple(
                    Option(v.value, f"{VERDICT_SYMBOLS[v]} {VERDICT_LABELS[v]}")
                    for v in FORM_VERDICTS
                ),
                initial=verdict or (latest.verdict if latest else Verdict.PAGAENDE.value),
            ),
            Input(
                id="text",
                label="Vad har gjorts? Hur har det gått?",
                kind="multiline",
                initial=latest.text if latest else None,
                max_length=tracking.MAX_FOLLOW_UP,
                hint=(
                    f"Högst {format_count(tracking.MAX_FOLLOW_UP)} tecken. Beskriv åtgärden, inte personer."
                    " Skriv aldrig personnummer."
                ),
            ),
        ],
        submit_label="Spara",
        metadata={
            "ref": ref,
            "plan_id": str(plan_id),
            "channel_id": ctx.channel_id or "",
            "period": period,
        },
    )
    return Reply(form=form)


def save_follow_up(
    ctx: CommandContext,
    ref: str,
    text: str,
    verdict: str | None,
    plan_id: int | None = None,
    *,
    period: str | None = None,
) -> Reply:
    with ctx.writing() as s:
        scope, measure = follow_up_target(s, ctx, ref, period)
        if plan_id is not None and plan_id != scope.plan_id:
            # A form names the plan it was opened for. Another plan than the channel works
            # in now (the channel was bound anew, a new year's plan was read in), or metadata
            # pointing elsewhere: the permission checks below only know this channel's plan.
            raise ValidationError(STALE_FORM, field="text")
        require_may_track(session=s, ctx=ctx, scope=scope, measure=measure)
        for_period = follow_up_period(scope.plan_year, ctx.today(), period)
        fu = tracking.add_follow_up(
            session=s,
            measure=measure,
            period=for_period,
            verdict=verdict,
            text=text,
            actor=ctx.actor,
            now=ctx.now(),
        )
    return Reply(
        title=f"Uppföljning sparad för {ref}",
        sections=[
            Section(
                heading=f"{VERDICT_SYMBOLS.get(fu.verdict, '')} {verdict_label(fu.verdict)} · {for_period}",
                text=fu.text,
                buttons=[undo_button(EntryKind.FOLLOW_UP, fu.id)],
            )
        ],
        context=f"{short(measure.description, 120)}",
    )


def submit_follow_up(
    ctx: CommandContext, metadata: dict[str, str], values: dict[str, str | None]
) -> Reply:
    """A submitted follow-up form. Validation problems come back as per-field errors."""
    verdict = values.get("verdict") or Verdict.PAGAENDE
    try:
        meta = parse_meta(FollowUpFormMeta, metadata, "text")
        return save_follow_up(
            ctx,
            meta.ref,
            str(values.get("text") or ""),
            str(verdict),
            meta.plan_id,
            period=meta.period,
        )
    except PersonalDataRefused:
        raise  # the router shows it beside the field and audits the refusal
    except ValidationError as e:
        return Reply(errors={e.field or "text": e.message})


def mark_done_reply(ctx: CommandContext, ref: str, text: str, on_text: str | None) -> Reply:
    on = day_of(on_text, ctx.today()) if on_text else ctx.today()
    if on > ctx.today():
        raise ValidationError(
            f"{on.isoformat()} ligger i framtiden. Skriv dagen då åtgärden genomfördes, till"
            f" exempel `/atgard klar {ref} {ctx.today().isoformat()}`, eller markera den när"
            " den är genomförd."
        )
    with ctx.writing() as s:
        scope = resolve_scope(
            session=s, platform=ctx.platform, channel_id=ctx.channel_id, user_id=ctx.actor.user_id
        )
        if on.year != scope.plan.year:
            raise ValidationError(outside_plan_year(ref, on, scope.plan.year, dated=bool(on_text)))
        measure = get_measure(session=s, plan_id=scope.plan.id, ref=ref)  # type: ignore[arg-type]
        require_may_track(session=s, ctx=ctx, scope=scope, measure=measure)
        occ = tracking.mark_done(
            session=s,
            measure=measure,
            on=on,
            note=text,
            actor=ctx.actor,
            year=scope.plan.year,
            now=ctx.now(),
        )
        once = measure.status == "klar"
    suffix = "" if once else " (ett tillfälle registrerat)"
    lines = [f"{short(measure.description, 200)}"]
    if occ.note:
        lines.append(f"”{occ.note}”")
    return Reply(
        title=f"✅ Åtgärd {ref} genomförd {on.isoformat()}{suffix}",
        sections=[
            Section(text="\n".join(lines), buttons=[undo_button(EntryKind.DONE, occ.id)])  # type: ignore[arg-type]
        ],
        context=f"Registrerad av {mention(ctx.actor.user_id)}",
        visibility=Visibility.CHANNEL,
        ack_text=f"Åtgärd {ref} är markerad som genomförd {on.isoformat()}.",
    )


def rhythm_reply(ctx: CommandContext, ref: str, text: str) -> Reply:
    with ctx.writing() as s:
        scope, measure = scope_and_measure(
            session=s,
            platform=ctx.platform,
            channel_id=ctx.channel_id,
            ref=ref,
            user_id=ctx.actor.user_id,
        )
        require_may_manage(session=s, ctx=ctx, measure=measure, what="ändra rytmen")
        label = tracking.set_rhythm(
            session=s,
            measure=measure,
            text=text,
            actor=ctx.actor,
            year=scope.plan.year,
            now=ctx.now(),
        )
    return Reply.text(f"Rytmen för åtgärd {ref} är nu ”{label}”. Påminnelser följer den.")


def assign_reply(ctx: CommandContext, ref: str, users: list[str]) -> Reply:
    unresolved = [u for u in users if u.startswith("@")]
    if unresolved:
        raise ValidationError(
            "Jag kunde inte känna igen "
            + ", ".join(unresolved)
            + ". Välj personen i listan när du skriver @."
        )
    with ctx.writing() as s:
        _scope, measure = scope_and_measure(
            session=s,
            platform=ctx.platform,
            channel_id=ctx.channel_id,
            ref=ref,
            user_id=ctx.actor.user_id,
        )
        require_may_manage(session=s, ctx=ctx, measure=measure, what="ändra vilka som är ansvariga")
        added = tracking.assign(
            session=s, measure=measure, user_ids=users, actor=ctx.actor, now=ctx.now()
        )
    if not added:
        return Reply.text(f"De är redan ansvariga för åtgärd {ref}.")
    who = ", ".join(mention(u) for u in added)
    return Reply.text(
        f"{who} påminns nu om åtgärd {ref}. Planens text om vem som ansvarar står kvar."
    )


def outside_plan_year(ref: str, on: date, year: int, *, dated: bool) -> str:
    """Why a tick-off's day is refused, and what to write instead. In January the channel
    still works in last year's plan: the day it was done, in that year, is what is missing."""
    if on.year < year:
        return f"{on.isoformat()} ligger före planens år ({year}). Ange ett datum under {year}."
    example = f"`/atgard klar {ref} {year}-12-31`"
    if dated:
        return (
            f"{on.isoformat()} ligger efter planens år ({year}). Genomfördes åtgärden under"
            f" {year}, ange den dagen, till exempel {example}."
        )
    return (
        f"Planen gäller {year}. Ange dagen under {year} då åtgärden genomfördes, till exempel"
        f" {example}. Hör den till planen för {on.year} behöver en samordnare först läsa in"
        " den planen."
    )
