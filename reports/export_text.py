"""The readable report: HTML (accessible, prints to PDF) and Markdown, through Jinja2.

One cached Environment with StrictUndefined; HTML templates autoescape, the Markdown
template escapes through the `md` filter instead (HTML escaping would show `&amp;`).
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.textsafety import counted
from reports.export_texts import (
    STANDING_LABELS,
    VERDICT_LABELS,
    VERDICT_LIGHTS,
    added_later_note,
    report_name,
    scope_note,
    snapshot_heading,
)
from reports.snapshot import STANDINGS, VERDICTS, PlanSnapshot

__all__ = ["VERDICT_COLOURS", "environment", "render_html", "render_markdown"]

TEMPLATES = Path(__file__).parent / "templates"

# (background, text) per verdict: Excel's Good / Neutral / Bad pairs, all above 4.5:1.
VERDICT_COLOURS: dict[str, tuple[str, str]] = {
    "uppfyllt": ("#C6EFCE", "#005000"),
    "delvis": ("#FFEB9C", "#7A4400"),
    "pagaende": ("#FFEB9C", "#7A4400"),
    "ej_uppfyllt": ("#FFC7CE", "#8A0005"),
    "ej_bedomd": ("#F2F2F2", "#1A1A1A"),
}

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")  # "&amp;" only where a reader would see an entity
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.M)


def _md(text: Any, indent: int = 0) -> str:
    """Escape Markdown (and HTML) in a text; keep its line breaks as hard breaks."""
    if text is None:
        return ""
    out = _MD_ENTITY.sub("&amp;", _MD_SPECIAL.sub(r"\\\1", str(text)))
    out = _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), out)
    lines = [line.strip() for line in out.split("\n")]
    return ("  \n" + " " * indent).join(line for line in lines if line) if lines else ""


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(
            enabled_extensions=("html", "html.j2"),
            disabled_extensions=("md.j2",),
            default_for_string=True,
            default=True,
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _md
    env.filters["counted"] = counted  # {{ n | counted("åtgärd", "åtgärder") }}
    env.filters["verdict_label"] = lambda v: VERDICT_LABELS.get(v, v)
    env.filters["light"] = lambda v: VERDICT_LIGHTS.get(v, "")
    env.filters["standing_label"] = lambda s: STANDING_LABELS.get(s, s)
    return env


def _context(snap: PlanSnapshot) -> dict[str, Any]:
    return {
        "snap": snap,
        "heading": snapshot_heading(snap),
        "added_later": added_later_note(snap),
        "scope_note": scope_note(snap),
        "report_name": report_name(snap.tertial),
        "verdicts": VERDICTS,
        "standings": STANDINGS,
        "verdict_labels": VERDICT_LABELS,
        "standing_labels": STANDING_LABELS,
        "verdict_colours": VERDICT_COLOURS,
        "area_count": len(snap.areas),
        "used_area_count": sum(1 for a in snap.areas if a.measure_count),
    }


def render_html(snap: PlanSnapshot, *, chart_png: bytes | None, chart_alt: str) -> str:
    """The report as one self-contained HTML page (the chart inlined as a data: URI)."""
    chart = (
        "data:image/png;base64," + base64.b64encode(chart_png).decode("ascii")
        if chart_png
        else None
    )
    template = environment().get_template("report.html.j2")
    return template.render(**_context(snap), chart_uri=chart, chart_alt=chart_alt)


def render_markdown(snap: PlanSnapshot) -> str:
    return environment().get_template("report.md.j2").render(**_context(snap))
