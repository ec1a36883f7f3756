"""export: the tertial report's material as a file for the channel.

`/atgard export [T1|T2|T3|2025-T1] [xlsx|html|md|csv|json]`. The chat adapter acks at once
and runs this in a lazy listener; it uploads `Reply.attachments` (and `images`) itself.
"""

from __future__ import annotations

import re
from datetime import date

from handlers.context import CommandContext
from handlers.permissions import require_coordinator
from models import audit
from models.errors import ParseError, ValidationError
from models.plans import get_plan, resolve_scope
from models.replies import Attachment, Image, Reply, Section, Visibility
from reminders.calendar import period_label, reporting_tertial
from reports.export import ExportFormat, export_plan, parse_format, split_period

EXPORT_HELP = (
    "Skriv till exempel `/atgard export T1 xlsx` eller `/atgard export 2025-T2 html`."
    " Format: xlsx, html, md, csv eller json."
)
_PERIOD_LIKE = re.compile(r"^(?:\d{4}\s*[-/]?\s*)?t(?:ertial)?\s*\d", re.I)


def default_tertial(plan_year: int, today: date) -> int:
    """The tertial being reported: the current one, the one just ended in the week after it
    (tertialrapport 1 is written in early May), the year-end report for a past year's plan."""
    return reporting_tertial(plan_year, today)


def _as_format(word: str) -> ExportFormat | None:
    try:
        return parse_format(word)
    except ValidationError:
        return None


def parse_export_args(args: list[str]) -> tuple[str | None, ExportFormat]:
    """(period text or None, format) from the words after `export`, in any order.

    The words that are not a format are read together as the period, since people write it
    in more than one word: "2025 T1", "T1 2025", "tertial 2".
    """
    fmt = ExportFormat.XLSX
    rest: list[str] = []
    for word in args:
        as_format = _as_format(word)
        if as_format is not None:
            fmt = as_format
        else:
            rest.append(word)
    if not rest:
        return None, fmt
    period = " ".join(rest)
    try:
        split_period(period)
    except ParseError as e:
        # "T1 pdf": a period followed by words that are neither: name those words.
        for cut in range(len(rest) - 1, 0, -1):
            try:
                split_period(" ".join(rest[:cut]))
            except ParseError:
                continue
            raise ParseError(f"Jag förstod inte ”{' '.join(rest[cut:])}”. {EXPORT_HELP}") from e
        if _PERIOD_LIKE.match(period):
            raise  # "Det finns bara tre tertial …" says more than a generic line
        raise ParseError(f"Jag förstod inte ”{period}”. {EXPORT_HELP}") from e
    return period, fmt


def export_reply(ctx: CommandContext, args: list[str]) -> Reply:
    require_coordinator(ctx, "exportera planen")
    period_text, fmt = parse_export_args(args)
    with ctx.session_factory.begin() as s:
        plan = resolve_scope(
            session=s, platform=ctx.platform, channel_id=ctx.channel_id, user_id=ctx.actor.user_id
        ).plan
        if period_text:
            year, tertial = split_period(period_text, plan.year)
            year = year or plan.year
        else:
            year, tertial = plan.year, default_tertial(plan.year, ctx.today())
        if year != plan.year:
            plan = get_plan(session=s, district=plan.district, year=year)
        result = export_plan(
            session=s, plan=plan, period=period_label(year, tertial), fmt=fmt, today=ctx.today()
        )
        audit.record(
            session=s,
            actor=ctx.actor,
            action="export",
            entity="plan",
            entity_id=plan.id,
            after={"period": period_label(year, tertial), "format": fmt.value},
            at=ctx.now(),
        )
    images = []
    if result.chart_png:
        images.append(
            Image(png=result.chart_png, alt=result.chart_alt or "", title="Läge per område")
        )
    return Reply(
        title=result.title,
        sections=[Section(text=result.summary)],
        visibility=Visibility.CHANNEL,
        images=images,
        attachments=[Attachment(result.filename, result.content, result.title)],
        ack_text=f"Exporten {result.filename} är klar och delas i kanalen nu.",
    )
