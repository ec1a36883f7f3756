"""Test data for the export tests: follow-ups with chosen write times, groups and meetings."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from models.meetings import log_meeting
from models.replies import Actor
from models.tables import FollowUp, Group, GroupKind, Measure, Plan

ACTOR = Actor("U_TEST", "Testare", "slack")
IN_T1 = datetime(2025, 4, 10, 9, 0, tzinfo=UTC)
AFTER_T1 = datetime(2025, 5, 5, 9, 0, tzinfo=UTC)

# ref -> (verdict, text), all written in T1.
T1_FOLLOW_UPS: dict[str, tuple[str, str]] = {
    "1.1": ("uppfyllt", "BOB-gruppen har träffats varje månad och strukturen är på plats."),
    "1.2": ("delvis", "Samverkan har utvecklats men rutinen för förhör är inte klar."),
    "1.3": ("pagaende", "SSP-möten hålls enligt plan för mellan- och högstadiet."),
    "2.1": ("ej_uppfyllt", "Rådet har inte sammanträtt under perioden."),
    "4.1": ("uppfyllt", "Målet är uppfyllt. Samsittning sker varje vecka."),
    "4.2": ("ej_bedomd", "Inväntar statistik från polisen."),
}


def csv_rows(content: bytes) -> dict[str, dict[str, str]]:
    """An exported CSV's rows by measure ref ("Nr"), each as header -> cell."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    nr = rows[0].index("Nr")
    return {r[nr]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def measure(s: Session, plan: Plan, ref: str) -> Measure:
    m = s.exec(select(Measure).where(Measure.plan_id == plan.id, Measure.ref == ref)).one()
    return m


def add_follow_up(
    s: Session, plan: Plan, ref: str, verdict: str, text: str, at: datetime, period: str = "2025-T1"
) -> FollowUp:
    fu = FollowUp(
        measure_id=measure(s, plan, ref).id,  # type: ignore[arg-type]
        period=period,
        verdict=verdict,
        text=text,
        author_id=ACTOR.user_id,
        author_name=ACTOR.name,
        source="chat",
        created_at=at,
    )
    s.add(fu)
    s.flush()
    return fu


def add_group(s: Session, plan: Plan, name: str, kind: str, refs: list[str]) -> Group:
    group = Group(plan_id=plan.id, name=name, kind=kind)  # type: ignore[arg-type]
    s.add(group)
    s.flush()
    for ref in refs:
        m = measure(s, plan, ref)
        m.group_id = group.id
        s.add(m)
    s.flush()
    return group


def seed_period_data(session_factory, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    """T1 follow-ups, one newer follow-up written in May, SSP and EST meetings in T1 and T2."""
    with session_factory.begin() as s:
        plan = s.get(Plan, plan.id)
        for ref, (verdict, text) in T1_FOLLOW_UPS.items():
            add_follow_up(s, plan, ref, verdict, text, IN_T1)
        add_follow_up(
            s,
            plan,
            "1.1",
            "ej_uppfyllt",
            "Ny bedömning i maj: strukturen har brustit.",
            AFTER_T1,
            period="2025-T2",
        )
        ssp = add_group(s, plan, "SSP", GroupKind.SSP, ["1.3"])
        est = add_group(s, plan, "EST", GroupKind.EST, ["2.2"])
        m13, m22 = measure(s, plan, "1.3"), measure(s, plan, "2.2")
        for day in (date(2025, 2, 10), date(2025, 3, 17), date(2025, 4, 28), date(2025, 6, 2)):
            log_meeting(
                session=s,
                group=ssp,
                held_on=day,
                organisations="Skola, socialtjänst, polis",
                notes=None,
                decisions=None,
                measures=[m13],
                actor=ACTOR,
            )
        log_meeting(
            session=s,
            group=est,
            held_on=date(2025, 3, 5),
            organisations=None,
            notes=None,
            decisions=None,
            measures=[m22],
            actor=ACTOR,
        )
        # Held in September: only the year-end report counts it.
        log_meeting(
            session=s,
            group=est,
            held_on=date(2025, 9, 3),
            organisations=None,
            notes=None,
            decisions=None,
            measures=[m22],
            actor=ACTOR,
        )
