"""CSV for Swedish Excel (UTF-8 with BOM, `;`) and JSON (the fields of `atgard list --json`
plus the period's data)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from reports.export_texts import STANDING_LABELS, VERDICT_LABELS
from reports.snapshot import AreaSnapshot, MeasureRow, PlanSnapshot

__all__ = ["CSV_COLUMNS", "PERIOD_KEYS", "measure_dict", "write_csv", "write_json"]

# Added to every `list --json` row.
PERIOD_KEYS = (
    "area_number",
    "group",
    "period",
    "period_end",
    "status_date",
    "preliminary",
    "rhythm",
    "pace",
    "pace_text",
    "done_count",
    "standing",
    "follow_up_period",
    "follow_up_date",
    "meetings",
)
# (key, Swedish header) in column order.
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("period", "Period"),
    ("status_date", "Status per"),
    ("preliminary", "Preliminär status"),
    ("ref", "Nr"),
    ("area_number", "Områdesnummer"),
    ("area", "Prioriterat område"),
    ("problem", "Problemområde"),
    ("cause", "Orsak"),
    ("measure", "Åtgärd"),
    ("goal", "Operativa mål"),
    ("when", "När"),
    ("responsible", "Vem"),
    ("group", "Grupp"),
    ("rhythm", "Rytm"),
    ("pace_text", "Takt"),
    ("done_count", "Genomförda"),
    ("standing", "Läge"),
    ("verdict", "Bedömning"),
    ("follow_up", "Uppföljning"),
    ("follow_up_period", "Uppföljningens period"),
    ("follow_up_date", "Uppföljningen skriven"),
    ("meetings", "Möten under perioden"),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def measure_dict(snap: PlanSnapshot, area: AreaSnapshot, row: MeasureRow) -> dict[str, Any]:
    """One measure: the `list --json` keys first, then the period's data."""
    fu = row.follow_up
    listed: dict[str, Any] = {
        "ref": row.ref,
        "area": area.name,
        "problem": row.problem,
        "cause": row.cause,
        "measure": row.description,
        "goal": row.goal,
        "when": row.when_text,
        "responsible": row.responsible_text,
        "verdict": row.verdict,
        "follow_up": fu.text if fu else None,
    }
    extra: dict[str, Any] = {
        "area_number": area.number,
        "group": row.group,
        "period": snap.period,
        "period_end": snap.end.isoformat(),
        "status_date": snap.status_on.isoformat(),
        "preliminary": not snap.complete,  # each row says it: a CSV is filtered and copied
        "rhythm": row.rhythm,
        "pace": row.pace,
        "pace_text": row.pace_text,
        "done_count": row.done_count,
        "standing": row.standing,
        "follow_up_period": fu.period if fu else None,
        "follow_up_date": fu.written_on.isoformat() if fu else None,
        "meetings": [{"held_on": m.held_on.isoformat(), "group": m.group} for m in row.meetings],
    }
    return {**listed, **extra}


def write_json(snap: PlanSnapshot) -> bytes:
    doc = {
        "plan": {"title": snap.title, "district": snap.district, "year": snap.year},
        "period": snap.period,
        "period_start": snap.start.isoformat(),
        "period_end": snap.end.isoformat(),
        "status_date": snap.status_on.isoformat(),
        "preliminary": not snap.complete,
        "areas": [
            {
                "number": a.number,
                "name": a.name,
                "problems": a.problems,
                "causes": a.causes,
                "measures": a.measure_count,
                "verdicts": a.verdicts,
                "standings": a.standings,
            }
            for a in snap.areas
        ],
        "measures": [measure_dict(snap, a, r) for a, r in snap.rows()],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csv_value(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if key == "verdict":
        return VERDICT_LABELS.get(value, value)
    if key == "standing":
        return STANDING_LABELS.get(value, value)
    if key == "meetings":
        return ", ".join(f"{m['held_on']} {m['group']}".strip() for m in value)
    text = str(value)
    # Excel runs cells that start like a formula; plan texts come from chat and files.
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(snap: PlanSnapshot) -> bytes:
    """UTF-8 with BOM and `;` as Swedish Excel opens it with a double-click; CRLF rows."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([header for _, header in CSV_COLUMNS])
    for area, row in snap.rows():
        data = measure_dict(snap, area, row)
        writer.writerow([_csv_value(key, data[key]) for key, _ in CSV_COLUMNS])
    return buf.getvalue().encode("utf-8-sig")
