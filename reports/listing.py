"""`atgard list --json`: every measure with its latest follow-up, for scripts and integrations."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from models.measures import latest_follow_ups
from models.tables import Measure, Plan, PriorityArea, Verdict

LIST_KEYS = (
    "ref",
    "area",
    "problem",
    "cause",
    "measure",
    "goal",
    "when",
    "responsible",
    "verdict",
    "follow_up",
)


def measures_json(*, session: Session, plan_id: int | None = None) -> list[dict[str, Any]]:
    stmt = (
        select(Measure, PriorityArea)
        .join(PriorityArea, col(PriorityArea.id) == Measure.area_id)
        .join(Plan, col(Plan.id) == Measure.plan_id)
        .order_by(
            col(Plan.year), col(Plan.district), col(PriorityArea.number), col(Measure.position)
        )
    )
    if plan_id is not None:
        stmt = stmt.where(Measure.plan_id == plan_id)
    rows = list(session.exec(stmt))
    latest = latest_follow_ups(
        session=session, measure_ids=[m.id for m, _ in rows if m.id is not None]
    )
    out = []
    for m, area in rows:
        fu = latest.get(m.id)  # type: ignore[arg-type]
        out.append(
            {
                "ref": m.ref,
                "area": area.name,
                "problem": m.problem,
                "cause": m.cause,
                "measure": m.description,
                "goal": m.goal,
                "when": m.when_text,
                "responsible": m.responsible_text,
                "verdict": fu.verdict if fu else Verdict.EJ_BEDOMD.value,
                "follow_up": fu.text if fu else None,
            }
        )
    return out
