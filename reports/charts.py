"""Progress chart: one horizontal stacked bar per priority area (klar / i fas / efter / ej bedömd).

Built with matplotlib's object API on the Agg canvas (no pyplot state, safe in worker
threads). Colours are from the Okabe–Ito colour-blind-safe palette, each at least 3:1
against the white background, with counts written in the bars in a colour that keeps
4.5:1; the numbers also stand in the report's tables, so colour never carries meaning alone.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.textsafety import counted
from models.progress import Standing, standing_count
from reports.export_texts import STANDING_LABELS
from reports.snapshot import STANDINGS, AreaSnapshot, PlanSnapshot

__all__ = ["STANDING_COLOURS", "chart_alt_text", "progress_chart"]

# (bar colour, text colour inside the bar)
STANDING_COLOURS: dict[str, tuple[str, str]] = {
    "klar": ("#009E73", "#000000"),
    "i fas": ("#0072B2", "#FFFFFF"),
    "efter": ("#D55E00", "#000000"),
    "ej bedömd": ("#8C8C8C", "#000000"),
}


def chart_title(snap: PlanSnapshot) -> str:
    """The chart's title, also the first sentence of its alt text: one wording for both."""
    return f"Läge per område, status per {snap.status_on.isoformat()}"


def chart_alt_text(snap: PlanSnapshot) -> str:
    """The chart in words, for alt text and screen readers."""
    parts = []
    for area in snap.areas:
        if not area.measure_count:
            parts.append(f"{area.name}: inga åtgärder")
            continue
        counts = ", ".join(standing_count(Standing(s), area.standings[s]) for s in STANDINGS)
        parts.append(f"{area.name}: {counted(area.measure_count, 'åtgärd', 'åtgärder')}, {counts}")
    return f"{chart_title(snap)}. " + ". ".join(parts) + "."


def _label(area: AreaSnapshot) -> str:
    return textwrap.fill(f"{area.number}. {area.name}", width=34)


def progress_chart(snap: PlanSnapshot, areas: Sequence[AreaSnapshot] | None = None) -> bytes:
    """PNG bytes of the stacked bars (deterministic for the same snapshot)."""
    shown = list(areas if areas is not None else snap.areas)
    height = 1.6 + 0.62 * max(len(shown), 1)
    fig = Figure(figsize=(8.5, height), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    y = list(range(len(shown)))[::-1]  # first area on top
    most = max((a.measure_count for a in shown), default=0)
    left = [0] * len(shown)
    for standing in STANDINGS:
        colour, ink = STANDING_COLOURS[standing]
        widths = [a.standings[standing] for a in shown]
        bars = ax.barh(
            y,
            widths,
            left=left,
            color=colour,
            edgecolor="white",
            linewidth=1.5,
            height=0.62,
            label=STANDING_LABELS[standing],
        )
        labels = [str(w) if w else "" for w in widths]
        ax.bar_label(bars, labels=labels, label_type="center", color=ink, fontsize=10)
        left = [lft + w for lft, w in zip(left, widths, strict=True)]
    for yy, area in zip(y, shown, strict=True):
        if not area.measure_count:
            ax.text(0.1, yy, "inga åtgärder", va="center", fontsize=9, color="#404040")
    ax.set_yticks(y, [_label(a) for a in shown], fontsize=9, color="#1A1A1A")
    ax.set_xlim(0, max(most, 1) * 1.02)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("Antal åtgärder", color="#1A1A1A")
    ax.tick_params(colors="#1A1A1A")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(chart_title(snap), color="#1A1A1A", loc="left")
    fig.legend(loc="outside lower center", ncol=len(STANDINGS), frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor="white", metadata={"Software": None})
    return buf.getvalue()
