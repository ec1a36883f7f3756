"""lista, visa, historik, status: reading the plan."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection
from sqlmodel import Session

from bot.db import (
    BUSY,
    change_counter,
    connection_at_hand,
    database_key,
    held_read,
    read_only_connection,
)
from bot.textsafety import counted, genitive
from handlers.cards import STANDING_SYMBOL, measure_card, measure_line, short
from handlers.context import CommandContext
from handlers.reading_cache import HEADS, LISTS
from handlers.texts import AUDIT_ACTIONS, LIST_FILTER_HELP, NOT_RESPONSIBLE, verdict_label
from models import audit
from models.errors import NotFound, ValidationError
from models.groups import find_group, groups_of_plan
from models.measures import assignees, get_measure, list_measures, measures_assigned_to
from models.plans import PlanHead, Scope, areas, plan_head, resolve_scope
from models.progress import (
    Standing,
    area_progress,
    measure_states,
    progress_bar,
    standing_count,
)
from models.replies import ActionId, Button, Reply, Section, Visibility
from models.tables import Group, Measure, Plan
from reports.xlsx_text import fold

PAGE_SIZE = 10
AREA_WORD = re.compile(r"(?:område|omrade)\s+(\d{1,3})")
AREA_WORDS = ("område", "omrade", "områden", "omraden")

T = TypeVar("T")


class _NoConnectionAtHand(Exception):
    """The head must be read, and no pooled connection is free this instant."""


def _scope(session: Session, ctx: CommandContext) -> Scope:
    return resolve_scope(
        session=session, platform=ctx.platform, channel_id=ctx.channel_id, user_id=ctx.actor.user_id
    )


def _list_head(ctx: CommandContext, *, wait: bool = True) -> PlanHead | None:
    """Which plan and revision the channel's `lista` shows: a cached answer needs nothing more.

    One small query; on SQLite none at all while nothing has been committed since it was last
    read (bot.db.change_counter). `wait=False`: raise _NoConnectionAtHand rather than queue
    for a pooled connection.
    """
    engine = ctx.session_factory.kw["bind"]
    version = change_counter(engine)  # before the read it vouches for
    where = (database_key(engine), ctx.platform, ctx.channel_id)
    if version is not None:
        known = HEADS.get(where)
        if known is not None and known[0] == version:
            return known[1]

    def read(conn: Connection) -> PlanHead | None:
        return plan_head(connection=conn, platform=ctx.platform, channel_id=ctx.channel_id)

    head = held_read(engine, read)
    if head is BUSY:
        if not wait and not connection_at_hand(engine):
            raise _NoConnectionAtHand
        with read_only_connection(engine) as conn:
            head = read(conn)
    if version is not None:
        HEADS.put(where, (version, head))
    return head


def _areas_reply(s: Session, plan: Plan) -> Reply:
    counts: dict[int, int] = {}
    for m in list_measures(session=s, plan_id=plan.id):  # type: ignore[arg-type]
        counts[m.area_id] = counts.get(m.area_id, 0) + 1
    found = areas(session=s, plan_id=plan.id)  # type: ignore[arg-type]
    lines = [
        f"{a.number}. {a.name} ({counted(counts.get(a.id or 0, 0), 'åtgärd', 'åtgärder')})"
        for a in found
    ]
    example = found[0].number if found else 1
    return Reply(
        title=f"Områden i {plan.title}",
        sections=[Section(text="\n".join(lines) or "Planen har inga områden.")],
        context=f"Skriv områdets nummer för dess åtgärder, till exempel `/atgard lista {example}`.",
    )


def _mentioning(s: Session, plan_id: int, words: str) -> list[Measure]:
    """The plan's measures whose texts or area name hold every word, in any case and with or
    without å, ä and ö ("skolbesok" finds "Skolbesök")."""
    wanted = fold(words).split()
    names = {a.id: a.name for a in areas(session=s, plan_id=plan_id)}
    found = []
    for m in list_measures(session=s, plan_id=plan_id):
        texts = (
            m.description,
            m.problem,
            m.cause,
            m.goal,
            m.responsible_text,
            names.get(m.area_id),
        )
        haystack = fold(" ".join(t for t in texts if t))
        if all(w in haystack for w in wanted):
            found.append(m)
    return found


def _list_key(ctx: CommandContext, head: PlanHead, arg: str, page: int) -> tuple[object, ...]:
    lowered = arg.lower()
    return (
        database_key(ctx.session_factory.kw["bind"]),
        head.plan_id,
        head.revision,
        ctx.today(),
        head.group_id,
        lowered,
        page,
        # "mina" is the asker's own list.
        (ctx.platform, ctx.actor.user_id) if lowered == "mina" else None,
    )


def cached_list_rendering(
    ctx: CommandContext, arg: str, tag: str, render: Callable[[Reply], T]
) -> T | None:
    """`lista`'s answer, as `render` makes it, if the answer was already made at the plan's
    current revision, else None (see ReadingCache.rendering). At most one indexed query:
    cheap enough to answer in the request's own thread.

    Never waits for a connection (the caller has a deadline): with none free at once, None.
    """
    arg = (arg or "").strip()
    try:
        head = _list_head(ctx, wait=False)
    except _NoConnectionAtHand:
        return None
    return None if head is None else LISTS.rendering(_list_key(ctx, head, arg, 0), tag, render)


def list_measures_reply(ctx: CommandContext, arg: str = "", page: int = 0) -> Reply:
    arg = (arg or "").strip()
    head = _list_head(ctx)
    if head is None:
        # No plan at all (its "import a plan first" message), or an unbound channel whose plan
        # depends on who asks (several districts' plans: models.plans.default_plan).
        with ctx.session_factory() as s:
            scope = _scope(s, ctx)
            head = PlanHead(
                scope.plan.id,  # type: ignore[arg-type]
                scope.plan.revision,
                None if scope.group is None else scope.group.id,
            )
    key = _list_key(ctx, head, arg, page)
    return LISTS.get_or_make(key, lambda: _list_measures(ctx, head, arg, page))


def _list_measures(ctx: CommandContext, head: PlanHead, arg: str, page: int) -> Reply:
    # The plan and group the key names (by id, not the channel again): what is cached under a
    # key is always about that plan, at its revision or a newer one.
    with ctx.session_factory.begin() as s:
        plan_row = s.get(Plan, head.plan_id)
        if plan_row is None:  # deleted since the head was read; an error is never cached
            raise NotFound("Planen har just tagits bort. Skriv `/atgard lista` igen.")
        group = s.get(Group, head.group_id) if head.group_id is not None else None
        scope = Scope(plan=plan_row, group=group)
        plan = scope.plan
        assert plan.id is not None
        title = plan.title
        note = None
        lowered = arg.lower()
        # The help reads `lista [område | grupp | …]`, so "område 2" is typed as often as "2".
        said_area = AREA_WORD.fullmatch(lowered)
        if said_area:
            lowered = said_area.group(1)
        if lowered.isascii() and lowered.isdigit() and len(lowered) <= 3:
            measures = list_measures(session=s, plan_id=plan.id, area_number=int(lowered))
            area = next(
                (a for a in areas(session=s, plan_id=plan.id) if a.number == int(lowered)), None
            )
            if area is None:
                return Reply.text(f"Planen har inget område {lowered}. {LIST_FILTER_HELP}")
            title = f"Område {area.number}. {area.name}"
        elif lowered in AREA_WORDS:
            # "lista område" without a number: which areas there are, to pick one.
            return _areas_reply(s, plan)
        elif lowered == "mina":
            measures = measures_assigned_to(session=s, plan_id=plan.id, user_id=ctx.actor.user_id)
            title = "Mina åtgärder"
            if not measures:
                note = NOT_RESPONSIBLE
        elif lowered in ("försenade", "forsenade", "efter"):
            measures = list_measures(session=s, plan_id=plan.id)
            title = "Åtgärder som ligger efter"
        elif lowered in ("", "alla"):
            measures = list_measures(session=s, plan_id=plan.id)
            if lowered == "" and scope.group is not None:
                own = [m for m in measures if m.group_id == scope.group.id]
                if own:
                    measures, title = own, f"{genitive(scope.group.name)} åtgärder"
        else:
            group = find_group(session=s, plan_id=plan.id, name=arg)
            if group is not None:
                measures = list_measures(session=s, plan_id=plan.id, group_id=group.id)
                title = f"{genitive(group.name)} åtgärder"
            else:
                # Not a group: the words, wherever the plan has them ("lista skolbesök").
                measures = _mentioning(s, plan.id, arg)  # type: ignore[arg-type]
                if not measures:
                    return Reply.text(
                        f"Hittade ingen grupp som heter ”{short(arg, 40)}” och ingen åtgärd"
                        f" som nämner det. {LIST_FILTER_HELP}"
                    )
                title = f"Åtgärder som nämner ”{short(arg, 40)}”"
        if lowered in ("försenade", "forsenade", "efter"):
            states = measure_states(session=s, plan=plan, on=ctx.today(), measures=measures)
            states = [st for st in states if st.standing is Standing.BEHIND]
            if not states:
                note = "Inga åtgärder ligger efter. Bra jobbat!"
            total = len(states)
            pages = max(1, -(-total // PAGE_SIZE))
            page = min(max(page, 0), pages - 1)
            chunk = states[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        else:
            # Only the page's measures need their state (a large plan has a thousand).
            total = len(measures)
            pages = max(1, -(-total // PAGE_SIZE))
            page = min(max(page, 0), pages - 1)
            on_page = measures[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
            chunk = measure_states(session=s, plan=plan, on=ctx.today(), measures=on_page)
            states = chunk
    sections = [measure_line(st) for st in chunk]
    if note:
        sections.append(Section(text=note))
    elif not states:
        sections.append(Section(text="Inga åtgärder att visa."))
    nav: list[Button] = []
    if page > 0:
        nav.append(Button("← Föregående", ActionId.PAGE, json.dumps({"f": arg, "p": page - 1})))
    if page + 1 < pages:
        nav.append(Button("Nästa sida →", ActionId.PAGE, json.dumps({"f": arg, "p": page + 1})))
    if nav:
        sections.append(Section(buttons=nav))
    context = counted(total, "åtgärd", "åtgärder") + (
        f" · sida {page + 1} av {pages}" if pages > 1 else ""
    )
    return Reply(title=title, sections=sections, context=context)


def show_measure_reply(ctx: CommandContext, ref: str) -> Reply:
    with ctx.session_factory.begin() as s:
        scope = _scope(s, ctx)
        plan = scope.plan
        measure = get_measure(session=s, plan_id=plan.id, ref=ref)  # type: ignore[arg-type]
        [state] = measure_states(session=s, plan=plan, on=ctx.today(), measures=[measure])
        people = assignees(session=s, measure_ids=[measure.id]).get(measure.id, [])  # type: ignore[arg-type]
        group = s.get(Group, measure.group_id) if measure.group_id else None
        sections = measure_card(state, people, group.name if group else None)
    return Reply(title=None, sections=sections, context=plan.title)


def history_reply(ctx: CommandContext, ref: str) -> Reply:
    """Follow-ups and every change to the measure, newest first."""
    with ctx.session_factory.begin() as s:
        scope = _scope(s, ctx)
        measure = get_measure(session=s, plan_id=scope.plan.id, ref=ref)  # type: ignore[arg-type]
        evts = audit.events(
            session=s, entity="measure", entity_id=audit.measure_key(measure.plan_id, measure.ref)
        )
    tz = ctx.settings.tz
    lines = []
    for e in reversed(evts[-40:]):
        when = e.at.astimezone(tz).strftime("%Y-%m-%d %H.%M")
        who = e.actor_name or e.actor_id or "systemet"
        lines.append(f"{when} · {who} · {_describe(e.action, e.after, e.before)}")
    text = "\n".join(lines) if lines else "Ingen historik ännu."
    return Reply(title=f"Historik för åtgärd {measure.ref}", sections=[Section(text=text)])


def _describe(action: str, after: str | None, before: str | None = None) -> str:
    label = AUDIT_ACTIONS.get(action, action)
    if action == "angrad" and before:
        # What was taken back, as it read when it was written.
        try:
            data = json.loads(before)
        except ValueError:
            return label
        if isinstance(data, dict) and data.get("what") == "uppfoljning":
            return f"{label}: uppföljning {data.get('period', '')} – {short(data.get('text'), 200)}"
        if isinstance(data, dict) and data.get("what") == "genomford":
            return f"{label}: markerad genomförd {data.get('occurred_on', '')}"
        return label
    if not after:
        return label
    try:
        data = json.loads(after)
    except ValueError:
        return label
    if action == "uppfoljning" and isinstance(data, dict):
        return f"{label} {data.get('period', '')}: {verdict_label(data.get('verdict'))} – {short(data.get('text'), 200)}"
    if action == "genomford" and isinstance(data, dict):
        return f"{label} {data.get('occurred_on', '')}"
    if action == "rytm" and isinstance(data, dict):
        return f"{label} till {data.get('rhythm_override')}"
    return label


def status_reply(ctx: CommandContext, group_name: str = "") -> Reply:
    """The plan's progress, with the channel's group's own first; `status EST` shows that
    group's instead."""
    with ctx.session_factory.begin() as s:
        scope = _scope(s, ctx)
        plan = scope.plan
        assert plan.id is not None
        group = scope.group
        if group_name.strip():
            group = find_group(session=s, plan_id=plan.id, name=group_name.strip())
            if group is None:
                names = ", ".join(g.name for g in groups_of_plan(session=s, plan_id=plan.id))
                raise ValidationError(
                    f"Hittade ingen grupp som heter ”{short(group_name.strip(), 40)}” i"
                    f" {plan.title}."
                    + (f" Grupperna är {names}." if names else "")
                    + " `/atgard status` utan namn visar kanalens grupp och hela planen."
                )
        all_areas = areas(session=s, plan_id=plan.id)
        states = measure_states(session=s, plan=plan, on=ctx.today())
    sections: list[Section] = []
    own = [st for st in states if group is not None and st.measure.group_id == group.id]
    if group is not None and own:
        sections.append(_summary_section(f"{group.name}", own))
    for ap in area_progress(states, all_areas):
        if ap.total == 0:
            continue
        done = ap.counts[Standing.DONE]
        bits = " · ".join(
            f"{STANDING_SYMBOL[k]} {standing_count(k, v)}" for k, v in ap.counts.items() if v
        )
        sections.append(
            Section(
                heading=f"{ap.area.number}. {ap.area.name}",
                text=f"{progress_bar(done, ap.total)} {done}/{ap.total} klara\n{bits}",
            )
        )
    # The whole plan right after the group's own line (if it has measures), before the areas.
    sections.insert(1 if own else 0, _summary_section("Hela planen", states))
    return Reply(
        title=f"Läget i {plan.title}",
        sections=sections,
        context=f"Per {ctx.today().isoformat()}",
        visibility=Visibility.EPHEMERAL,
    )


def _summary_section(label: str, states: list) -> Section:  # type: ignore[type-arg]
    counts = dict.fromkeys(Standing, 0)
    for st in states:
        counts[st.standing] += 1
    total = len(states)
    bits = " · ".join(f"{STANDING_SYMBOL[k]} {standing_count(k, v)}" for k, v in counts.items())
    return Section(
        heading=label,
        text=f"{progress_bar(counts[Standing.DONE], total)} {counts[Standing.DONE]}/{total} klara\n{bits}",
    )
