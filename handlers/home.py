"""The personal start page (Slack's App Home tab): my measures, upcoming meetings, what lags behind."""

from __future__ import annotations

from datetime import timedelta

from handlers.cards import STANDING_SYMBOL, measure_label
from handlers.context import CommandContext
from handlers.texts import NOT_RESPONSIBLE, verdict_label
from models.errors import NotFound, ValidationError
from models.groups import groups_of_plan
from models.measures import measures_assigned_to
from models.meetings import planned_between
from models.plans import default_plan
from models.progress import MeasureState, Standing, measure_states
from models.replies import ActionId, Button, Reply, Section
from reminders.calendar import example_meeting_day, iso_week_label

HOME_TITLE = "Åtgärdsbot"
UPCOMING_DAYS = 30
MAX_LINES = 10  # per part; the start page is an overview, `/atgard lista` has the rest


def _line(state: MeasureState) -> Section:
    m = state.measure
    return Section(
        heading=f"{STANDING_SYMBOL[state.standing]} {measure_label(m.ref, m.description, 110)}",
        text=f"{state.rhythm.label()} · {state.pace_text} · {verdict_label(state.verdict)}",
        buttons=[Button("Visa", ActionId.SHOW_MEASURE, m.ref)],
    )


def home_reply(ctx: CommandContext) -> Reply:
    """The start page for `ctx.actor` in the newest plan (of their district, where the
    workspace holds several: models.plans.default_plan)."""
    today = ctx.today()
    with ctx.session_factory.begin() as s:
        try:
            plan = default_plan(session=s, platform=ctx.platform, user_id=ctx.actor.user_id)
        except (NotFound, ValidationError) as e:  # no plan yet, or several to choose from
            return Reply(title=HOME_TITLE, sections=[Section(text=e.message)])
        assert plan.id is not None
        mine = measures_assigned_to(session=s, plan_id=plan.id, user_id=ctx.actor.user_id)
        states = measure_states(session=s, plan=plan, on=today)
        group_ids = sorted({m.group_id for m in mine if m.group_id is not None})
        planned = planned_between(
            session=s, group_ids=group_ids, start=today, end=today + timedelta(days=UPCOMING_DAYS)
        )
        group_names = {g.id: g.name for g in groups_of_plan(session=s, plan_id=plan.id)}
        title = plan.title

    mine_ids = {m.id for m in mine}
    my_states = [st for st in states if st.measure.id in mine_ids]
    behind = [st for st in states if st.standing is Standing.BEHIND]

    sections: list[Section] = [Section(heading="Mina åtgärder")]
    if my_states:
        sections.extend(_line(st) for st in my_states[:MAX_LINES])
        if len(my_states) > MAX_LINES:
            sections.append(
                Section(text=f"… och {len(my_states) - MAX_LINES} till: `/atgard lista mina`.")
            )
    else:
        sections.append(Section(text=NOT_RESPONSIBLE))

    sections.append(Section(heading=f"Möten de närmaste {UPCOMING_DAYS} dagarna"))
    if planned:
        lines = []
        for pm in planned[:MAX_LINES]:
            at = f" kl. {pm.start_time.replace(':', '.')}" if pm.start_time else ""
            name = group_names.get(pm.group_id, "")
            lines.append(
                f"{pm.planned_on.isoformat()} ({iso_week_label(pm.planned_on)}){at} · {name}"
            )
        sections.append(Section(text="\n".join(lines)))
    elif group_ids:
        sections.append(
            Section(
                text="Inga planerade möten. Lägg in datum med"
                f" `/atgard mote planera {example_meeting_day(today)}`."
            )
        )
    else:
        sections.append(Section(text="Inga möten: dina åtgärder hör inte till någon grupp ännu."))

    sections.append(Section(heading="Ligger efter"))
    if behind:
        sections.extend(_line(st) for st in behind[:MAX_LINES])
        if len(behind) > MAX_LINES:
            sections.append(
                Section(text=f"… och {len(behind) - MAX_LINES} till: `/atgard lista försenade`.")
            )
    else:
        sections.append(Section(text="Inga åtgärder ligger efter."))

    return Reply(title=HOME_TITLE, sections=sections, context=f"{title} · per {today.isoformat()}")
