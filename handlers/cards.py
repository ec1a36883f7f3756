"""Neutral building blocks for measure replies (adapters turn them into Block Kit etc.)."""

from __future__ import annotations

from handlers.texts import VERDICT_SYMBOLS, verdict_label
from models.progress import MeasureState, Standing
from models.replies import ActionId, Button, Field, Section, mention

STANDING_SYMBOL = {
    Standing.DONE: "✅",
    Standing.ON_TRACK: "🟢",
    Standing.BEHIND: "🔴",
    Standing.NOT_ASSESSED: "⚪",
}


def short(text: str | None, limit: int = 140) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


NO_TEXT = "(åtgärd saknar text)"


def measure_label(ref: str, description: str | None, limit: int) -> str:
    """ "5.2 (åtgärd saknar text)" rather than a bare "5.2": a plan row can lack its text."""
    return f"{ref} {short(description, limit) or NO_TEXT}"


def measure_title(state: MeasureState) -> str:
    return measure_label(state.measure.ref, state.measure.description, 90)


def measure_buttons(ref: str) -> list[Button]:
    return [
        Button("Skriv uppföljning", ActionId.FOLLOW_UP, ref, primary=True),
        Button("Markera genomförd", ActionId.MARK_DONE, ref),
        Button("Visa historik", ActionId.SHOW_HISTORY, ref),
    ]


def measure_line(state: MeasureState) -> Section:
    """One row of a list: symbol, ref, short text, rhythm and pace."""
    m = state.measure
    symbol = STANDING_SYMBOL[state.standing]
    verdict = VERDICT_SYMBOLS.get(state.verdict, "⚪")
    detail = (
        f"{state.rhythm.label()} · {state.pace_text} · {verdict} {verdict_label(state.verdict)}"
    )
    return Section(
        heading=f"{symbol} {measure_label(m.ref, m.description, 110)}",
        text=detail,
        buttons=[Button("Visa", ActionId.SHOW_MEASURE, m.ref)],
    )


def measure_card(
    state: MeasureState, assignees: list[str], group_name: str | None
) -> list[Section]:
    m = state.measure
    fields = [
        Field("Område", f"{state.area.number}. {state.area.name}"),
        Field("När", m.when_text or "–"),
        Field("Rytm", state.rhythm.label()),
        Field("Läge", f"{STANDING_SYMBOL[state.standing]} {state.pace_text}"),
        Field("Vem", short(m.responsible_text, 300) or "–"),
        Field("Grupp", group_name or "–"),
    ]
    if assignees:
        fields.append(Field("Påminns", ", ".join(mention(u) for u in assignees)))
    sections = [Section(heading=f"Åtgärd {m.ref}", text=m.description or "", fields=fields)]
    if m.problem or m.cause:
        sections.append(
            Section(heading="Problem och orsak", text="\n".join(filter(None, [m.problem, m.cause])))
        )
    if m.goal:
        sections.append(Section(heading="Operativt mål", text=m.goal))
    fu = state.latest
    if fu is not None:
        sections.append(
            Section(
                heading=f"Senaste uppföljning ({fu.period}): {VERDICT_SYMBOLS.get(fu.verdict, '')} {verdict_label(fu.verdict)}",
                text=fu.text,
            )
        )
    else:
        sections.append(Section(heading="Uppföljning", text="Ingen uppföljning ännu."))
    sections.append(Section(buttons=measure_buttons(m.ref)))
    return sections
