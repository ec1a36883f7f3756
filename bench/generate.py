"""National-scale data: 290 municipalities × 60 measures, five years of follow-ups and meetings,
900 bound channels. Bulk inserts through SQLAlchemy Core so generating takes seconds."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, insert

from models.tables import (
    Assignment,
    FollowUp,
    Group,
    Measure,
    Meeting,
    MeetingMeasure,
    Plan,
    PriorityArea,
)

AREAS = [
    "Unga i riskzon för destruktivt beteende",
    "Otrygga och brottsutsatta platser",
    "Systemhotande brottslighet",
    "Särskilt utsatta och sårbara brottsoffer",
    "Kriminella miljöer och livsstilar",
    "Eget prioriterat område",
]
WHENS = [
    "8 ggr/år",
    "4 ggr/år",
    "2 ggr/månad",
    "Linjearbete",
    "Under 2025",
    "2 ggr/år eller vid behov",
    "minst två per år",
    "Q2",
    "löpande",
]
KINDS = {
    "8 ggr/år": "aterkommande",
    "4 ggr/år": "aterkommande",
    "2 ggr/månad": "aterkommande",
    "2 ggr/år eller vid behov": "aterkommande",
    "minst två per år": "aterkommande",
    "Linjearbete": "linjearbete",
    "löpande": "linjearbete",
    "Under 2025": "punktinsats",
    "Q2": "punktinsats",
}
VERDICTS = ["uppfyllt", "delvis", "ej_uppfyllt", "pagaende", "ej_bedomd"]
GROUPS = [("SSP", "SSP"), ("EST", "EST"), ("Trygghetsrådet", "trygghetsrad")]


@dataclass
class Scale:
    municipalities: int = 290
    measures: int = 60
    years: int = 5
    channels: int = 900
    year: int = 2025
    # > 0: the first municipality's plan has this many measures instead (a large city).
    largest: int = 0


def generate(engine: Engine, scale: Scale | None = None, seed: int = 1) -> dict[str, int]:
    """Fill an empty, migrated database; returns row counts."""
    sc = scale or Scale()
    rnd = random.Random(seed)
    now = datetime(sc.year, 4, 20, 8, 0, tzinfo=UTC)
    counts = dict.fromkeys(["plan", "area", "measure", "group", "follow_up", "meeting"], 0)
    with engine.begin() as conn:
        plans = [
            {
                "id": i + 1,
                "district": f"Kommun {i + 1:03d}",
                "year": sc.year,
                "title": f"Åtgärdsplan {sc.year}, Kommun {i + 1:03d}",
                "created_at": now,
            }
            for i in range(sc.municipalities)
        ]
        conn.execute(insert(Plan), plans)
        areas, measures, groups = [], [], []
        area_id = measure_id = group_id = 0
        for p in plans:
            size = sc.largest if sc.largest and p["id"] == 1 else sc.measures
            per_area = size // len(AREAS)
            for n, name in enumerate(AREAS, start=1):
                area_id += 1
                areas.append({"id": area_id, "plan_id": p["id"], "number": n, "name": name})
                for pos in range(1, per_area + 1):
                    measure_id += 1
                    when = rnd.choice(WHENS)
                    measures.append(
                        {
                            "id": measure_id,
                            "plan_id": p["id"],
                            "area_id": area_id,
                            "group_id": None,
                            "ref": f"{n}.{pos}",
                            "position": pos,
                            "problem": "Barn och unga",
                            "cause": f"Orsak {pos} i område {n}",
                            "description": f"Åtgärd {n}.{pos}: samverkan mellan skola, socialtjänst och polis kring lägesbilden.",
                            "goal": "Öka tryggheten och kunskapen om lägesbilden.",
                            "when_text": when,
                            "responsible_text": "Trygghetssamordnare och kommunpolis",
                            "kind": KINDS[when],
                            "rhythm_override": None,
                            "status": "aktiv",
                            "done_on": None,
                            "source_sheet": f"{n}. {name[:28]}",
                            "source_row": pos + 2,
                            "updated_at": now,
                        }
                    )
        channels_left = sc.channels
        for p in plans:
            for name, kind in GROUPS:
                if channels_left <= 0:
                    break
                group_id += 1
                channels_left -= 1
                groups.append(
                    {
                        "id": group_id,
                        "plan_id": p["id"],
                        "name": name,
                        "kind": kind,
                        "platform": "slack",
                        "channel_id": f"C{group_id:08d}",
                        "reminder_days_before": 3,
                        "digest_weekday": 0,
                        "digest_time": "08:00",
                        "avoid_school_holidays": False,
                        "created_at": now,
                    }
                )
        # Channels beyond three per municipality: own groups, as larger cities have.
        extra = 0
        while channels_left > 0:
            group_id += 1
            extra += 1
            channels_left -= 1
            groups.append(
                {
                    "id": group_id,
                    "plan_id": plans[extra % len(plans)]["id"],
                    "name": f"Egen grupp {extra}",
                    "kind": "annan",
                    "platform": "slack",
                    "channel_id": f"C{group_id:08d}",
                    "reminder_days_before": 3,
                    "digest_weekday": 0,
                    "digest_time": "08:00",
                    "avoid_school_holidays": False,
                    "created_at": now,
                }
            )
        conn.execute(insert(PriorityArea), areas)
        conn.execute(insert(Group), groups)
        first_group = {}
        for g in groups:
            first_group.setdefault((g["plan_id"], g["kind"]), g["id"])
        for m in measures:
            kind = ("SSP", "EST", "trygghetsrad")[m["id"] % 3]
            m["group_id"] = first_group.get((m["plan_id"], kind))
        conn.execute(insert(Measure), measures)
        follow_ups = []
        for m in measures:
            for y in range(sc.year - sc.years + 1, sc.year + 1):
                for t in (1, 2, 3):
                    if y == sc.year and t > 1:
                        continue
                    follow_ups.append(
                        {
                            "measure_id": m["id"],
                            "period": f"{y}-T{t}",
                            "verdict": rnd.choice(VERDICTS),
                            "text": "Målet är delvis uppfyllt. Tre möten hölls och lägesbilden delades.",
                            "author_id": "U0BENCH",
                            "author_name": "bench",
                            "source": "chat",
                            "created_at": datetime(y, 4 * t, 20, 9, 0, tzinfo=UTC)
                            if t < 3
                            else datetime(y, 12, 20, 9, tzinfo=UTC),
                        }
                    )
        for i in range(0, len(follow_ups), 20_000):
            conn.execute(insert(FollowUp), follow_ups[i : i + 20_000])
        meetings, links = [], []
        meeting_id = 0
        by_group: dict[int, list[int]] = {}
        for m in measures:
            if m["group_id"]:
                by_group.setdefault(m["group_id"], []).append(m["id"])
        for g in groups:
            for y in range(sc.year - sc.years + 1, sc.year + 1):
                for k in range(8 if y < sc.year else 3):
                    meeting_id += 1
                    held = date(y, 1, 15) + timedelta(days=45 * k)
                    meetings.append(
                        {
                            "id": meeting_id,
                            "group_id": g["id"],
                            "held_on": held,
                            "organisations": "skola, socialtjänst, polis",
                            "notes": "Lägesbild och åtgärder.",
                            "decisions": None,
                            "author_id": "U0BENCH",
                            # Logged the day after it was held (not all "this week").
                            "created_at": datetime.combine(
                                held + timedelta(days=1), time(15, 0), tzinfo=UTC
                            ),
                        }
                    )
                    for mid in by_group.get(g["id"], [])[:3]:
                        links.append({"meeting_id": meeting_id, "measure_id": mid})
        for i in range(0, len(meetings), 20_000):
            conn.execute(insert(Meeting), meetings[i : i + 20_000])
        for i in range(0, len(links), 20_000):
            conn.execute(insert(MeetingMeasure), links[i : i + 20_000])
        conn.execute(
            insert(Assignment),
            [
                {
                    "measure_id": m["id"],
                    "platform": "slack",
                    "user_id": f"U{m['plan_id']:05d}{m['id'] % 4}",
                    "created_at": now,
                }
                for m in measures[::2]
            ],
        )
        if engine.dialect.name == "postgresql":
            for table in ("plan", "priority_area", "collab_group", "measure", "meeting"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
    # Planner statistics, as autovacuum/ANALYZE gives a live database (without them
    # PostgreSQL scans follow_up sequentially for a plan's latest follow-ups).
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    counts.update(
        plan=len(plans),
        area=len(areas),
        measure=len(measures),
        group=len(groups),
        follow_up=len(follow_ups),
        meeting=len(meetings),
    )
    return counts
