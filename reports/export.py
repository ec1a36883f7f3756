"""Export a plan for a reporting period: xlsx, html, md, csv or json, one entry point."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlmodel import Session

from bot.textsafety import counted, format_count
from models.errors import ValidationError
from models.tables import Plan
from reminders.calendar import parse_period
from reports.export_texts import (
    STANDING_LABELS,
    VERDICT_LABELS,
    added_later_note,
    ascii_slug,
    snapshot_heading,
)
from reports.snapshot import STANDINGS, VERDICTS, PlanSnapshot, build_snapshot

__all__ = [
    "ExportFormat",
    "ExportResult",
    "export_plan",
    "export_snapshot",
    "parse_format",
    "split_period",
]


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    HTML = "html"
    MD = "md"
    CSV = "csv"
    JSON = "json"


MIME_TYPES: dict[ExportFormat, str] = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.HTML: "text/html; charset=utf-8",
    ExportFormat.MD: "text/markdown; charset=utf-8",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.JSON: "application/json",
}
_ALIASES = {"excel": ExportFormat.XLSX, "markdown": ExportFormat.MD, "htm": ExportFormat.HTML}
FORMAT_HELP = "Välj format: xlsx, html, md, csv eller json."


@dataclass(frozen=True)
class ExportResult:
    filename: str  # "atgardsplan-2025-T1-kungsholmen.xlsx"
    content: bytes
    mime: str
    summary: str  # short Swedish text for the chat message or the terminal
    title: str  # "Åtgärdsplan 2025, Kungsholmen – Tertialrapport 1 2025, status per 2025-04-30"
    chart_png: bytes | None = None  # html only: the progress chart it embeds
    chart_alt: str | None = None


def parse_format(text: str) -> ExportFormat:
    """ "xlsx", "HTML", ".md", "excel" -> ExportFormat; ValidationError (Swedish) otherwise."""
    key = text.strip().lower().lstrip(".")
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        return ExportFormat(key)
    except ValueError:
        raise ValidationError(
            f"Formatet {text.strip()} finns inte. {FORMAT_HELP}", field="format"
        ) from None


def split_period(text: str, default_year: int | None = None) -> tuple[int | None, int]:
    """ "2025-T1" -> (2025, 1); "T2" -> (default_year, 2), year None when neither gives one.

    Raises ParseError (Swedish) for anything that is not a tertial.
    """
    stated = re.search(r"\d{4}", text or "")
    fallback = default_year or (int(stated.group()) if stated else 2000)
    year, tertial = parse_period(text, fallback)
    return (year if stated or default_year else None), tertial


def export_filename(snap: PlanSnapshot, fmt: ExportFormat) -> str:
    return f"atgardsplan-{snap.period}-{ascii_slug(snap.district)}.{fmt.value}"


def summary_text(snap: PlanSnapshot) -> str:
    """Two Swedish lines: what the export is, and how the measures stand (a third names
    measures added to the plan since the status day)."""
    verdicts = ", ".join(
        f"{VERDICT_LABELS[v].lower()} {format_count(snap.verdicts[v])}"
        for v in VERDICTS
        if snap.verdicts[v]
    )
    standings = ", ".join(
        f"{STANDING_LABELS[s].lower()} {format_count(snap.standings[s])}" for s in STANDINGS
    )
    text = (
        f"{snap.title}: {snapshot_heading(snap)}.\n"
        f"{counted(snap.measure_count, 'åtgärd', 'åtgärder')}"
        f" i {counted(len(snap.areas), 'område', 'områden')}. "
        f"Bedömning: {verdicts or 'inga bedömningar'}. Läge: {standings}."
    )
    note = added_later_note(snap)
    return f"{text}\n{note}" if note else text


def export_snapshot(snap: PlanSnapshot, fmt: ExportFormat) -> ExportResult:
    """Render an already built snapshot (one snapshot can feed several formats)."""
    chart_png: bytes | None = None
    chart_alt: str | None = None
    if fmt is ExportFormat.XLSX:
        from reports.export_xlsx import write_xlsx

        content = write_xlsx(snap)
    elif fmt is ExportFormat.HTML:
        from reports.charts import chart_alt_text, progress_chart
        from reports.export_text import render_html

        chart_png, chart_alt = progress_chart(snap), chart_alt_text(snap)
        content = render_html(snap, chart_png=chart_png, chart_alt=chart_alt).encode("utf-8")
    elif fmt is ExportFormat.MD:
        from reports.export_text import render_markdown

        content = render_markdown(snap).encode("utf-8")
    elif fmt is ExportFormat.CSV:
        from reports.export_csv import write_csv

        content = write_csv(snap)
    else:
        from reports.export_csv import write_json

        content = write_json(snap)
    return ExportResult(
        filename=export_filename(snap, fmt),
        content=content,
        mime=MIME_TYPES[fmt],
        summary=summary_text(snap),
        title=f"{snap.title} – {snapshot_heading(snap)}",
        chart_png=chart_png,
        chart_alt=chart_alt,
    )


def export_plan(
    *,
    session: Session,
    plan: Plan,
    period: str,
    fmt: ExportFormat | str,
    today: date | None = None,
) -> ExportResult:
    """The plan as it stood at the end of `period` ("2025-T1"), in format `fmt`; a period
    still running on `today` (Stockholm; the real date when None) as it stands today."""
    fmt = fmt if isinstance(fmt, ExportFormat) else parse_format(fmt)
    snap = build_snapshot(session=session, plan=plan, period=period, today=today)
    return export_snapshot(snap, fmt)
