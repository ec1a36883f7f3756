"""Last year's year-end follow-ups, in January's digests of a channel already bound to the
new plan.

The new plan is read in and the channels bound to it in December, but the year-end report
(T3) for the old plan is written in January: its digests stopped reaching the channel with
the new binding, so the new plan's digest says what the old plan still lacks and how to write
it (`/atgard uppfolj 1.3 2025-T3 …`, handlers.followups.follow_up_target).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from bot.textsafety import counted
from models.groups import pick_group
from models.replies import Section
from models.tables import FollowUp, Group, Measure, MeasureStatus, Plan
from reminders.calendar import TZ, digests_end, period_label

H_YEAR_END = "Årsuppföljning för {year}"
YEAR_END = (
    "{count} i {group} saknar uppföljning för {period} i förra årets plan: {refs}."
    " Skriv till exempel /atgard uppfolj {first} {period} följt av texten."
)
MAX_REFS = 15


def year_end_gaps(
    session: Session, groups_with_plans: Sequence[tuple[Group, Plan]], now: datetime
) -> dict[int, list[str]]:
    """By group id (of the new plan), the refs of the same group's measures in the same
    district's plan of the year before that lack a year-end follow-up, in January only.
    Four queries in January, whatever the number of groups; none otherwise."""
    today = now.astimezone(TZ).date()
    wanted = [
        (g, p)
        for g, p in groups_with_plans
        if p.year == today.year and today <= digests_end(p.year - 1)
    ]
    if not wanted:
        return {}
    districts = {p.district for _, p in wanted}
    years = {p.year - 1 for _, p in wanted}
    earlier = {
        (p.district, p.year): p
        for p in session.exec(
            select(Plan).where(col(Plan.year).in_(years), col(Plan.district).in_(districts))
        )
    }
    if not earlier:
        return {}
    plan_ids = [p.id for p in earlier.values()]
    old_groups: dict[int, list[Group]] = defaultdict(list)
    for g in session.exec(select(Group).where(col(Group.plan_id).in_(plan_ids))):
        old_groups[g.plan_id].append(g)
    open_measures: dict[int, list[Measure]] = defaultdict(list)  # by group id
    for m in session.exec(
        select(Measure)
        .where(
            col(Measure.plan_id).in_(plan_ids),
            col(Measure.group_id).is_not(None),
            Measure.status != MeasureStatus.DONE,
        )
        .order_by(col(Measure.id))
    ):
        open_measures[m.group_id].append(m)  # type: ignore[index]
    ids = [m.id for ms in open_measures.values() for m in ms]
    periods = {period_label(y, 3) for y in years}
    followed = (
        set(
            session.exec(
                select(FollowUp.measure_id).where(
                    col(FollowUp.measure_id).in_(ids), col(FollowUp.period).in_(periods)
                )
            )
        )
        if ids
        else set()
    )
    out: dict[int, list[str]] = {}
    for group, plan in wanted:
        old = earlier.get((plan.district, plan.year - 1))
        if old is None or group.id is None:
            continue
        # The group of last year's plan that the channel's group continues.
        match = pick_group(old_groups[old.id], group.name)  # type: ignore[index]
        if match is None:
            continue
        refs = sorted(
            (m.ref for m in open_measures.get(match.id, []) if m.id not in followed),  # type: ignore[arg-type]
            key=_ref_key,
        )
        if refs:
            out[group.id] = refs
    return out


def _ref_key(ref: str) -> tuple[int, ...]:
    return tuple(int(part) for part in ref.split(".") if part.isdigit())


def year_end_section(group: Group, plan_year: int, refs: list[str]) -> Section:
    period = period_label(plan_year - 1, 3)
    shown = ", ".join(refs[:MAX_REFS]) + (" …" if len(refs) > MAX_REFS else "")
    return Section(
        heading=H_YEAR_END.format(year=plan_year - 1),
        text=YEAR_END.format(
            count=counted(len(refs), "åtgärd", "åtgärder"),
            group=group.name,
            period=period,
            refs=shown,
            first=refs[0],
        ),
    )
