"""Swedish words of the exports, and how a follow-up is written into the Uppföljning cell.

Pure module (no openpyxl): the importer uses `same_follow_up_texts` so that a re-imported
export does not add the follow-ups it was made from a second time.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import TYPE_CHECKING

from reports.verdicts import derive_verdict

if TYPE_CHECKING:
    from reports.snapshot import PlanSnapshot

VERDICT_LABELS: dict[str, str] = {
    "uppfyllt": "Uppfyllt",
    "delvis": "Delvis",
    "ej_uppfyllt": "Ej uppfyllt",
    "pagaende": "Pågående",
    "ej_bedomd": "Ej bedömd",
}
# Brå's traffic lights, as words (colour is never the only carrier of meaning).
VERDICT_LIGHTS: dict[str, str] = {
    "uppfyllt": "grön",
    "delvis": "gul",
    "ej_uppfyllt": "röd",
    "pagaende": "gul",
    "ej_bedomd": "ingen",
}
STANDING_LABELS: dict[str, str] = {
    "klar": "Klar",
    "i fas": "I fas",
    "efter": "Ligger efter",
    "ej bedömd": "Ej bedömd",
}
# Opening sentence that makes reports.verdicts.derive_verdict read the verdict back.
VERDICT_PHRASES: dict[str, str] = {
    "uppfyllt": "Målet är uppfyllt.",
    "delvis": "Målet är delvis uppfyllt.",
    "ej_uppfyllt": "Målet är ej uppfyllt.",
    "pagaende": "Arbetet pågår.",
}

# Column headers of the city's template (the first column is headed by the area's name).
TEMPLATE_HEADERS = ("Orsak", "Åtgärd", "Operativa mål", "När", "Vem", "Uppföljning")
TEMPLATE_INSTRUCTIONS = (
    "Ange identifierat problemområde eller utmaning här",
    "Beskriv orsaken till problemet, kan vara flera, gör då flera separata åtgärder.",
    "Koppla åtgärd mot respektive orsak. Beskriv tydligt vad som ska göras och hur det ska"
    " utföras.",
    "Koppla operativa mål till varje åtgärd.",
    "Ange tid för när åtgärden ska vara genomförd (alt linjearbete).",
    "Ange vem som ansvarar för åtgärden.",
    "Beskriv vad som har genomförts. Hur har parterna uppfyllt sina åtaganden. Denna kolumn"
    " fylls i i samband med uppföljning.",
)
SUMMARY_SHEET = "Sammanställning"
SUMMARY_HEADERS = (
    "Prioriterat område",
    "Antal problem",
    "Antal identifierade orsaker",
    "Antal åtgärder",
    "Uppfyllt",
    "Delvis",
    "Ej uppfyllt",
    "Pågående",
    "Ej bedömd",
)
STANDING_HEADERS = ("Prioriterat område", "Klar", "I fas", "Ligger efter", "Ej bedömd")
TOTAL_LABEL = "Totalt"


def report_name(tertial: int) -> str:
    """ "Tertialrapport 1", "Tertialrapport 2" or "Årsrapport"."""
    return "Årsrapport" if tertial == 3 else f"Tertialrapport {tertial}"


def period_heading(tertial: int, year: int, end: date, status_on: date | None = None) -> str:
    """ "Tertialrapport 1 2025, status per 2025-04-30"; while the period runs (`status_on`
    given) "Tertialrapport 1 2025, preliminär status per 2025-04-22 (perioden slutar
    2025-04-30)", so a file made early never passes for the final report."""
    if status_on is None:
        return f"{report_name(tertial)} {year}, status per {end.isoformat()}"
    return (
        f"{report_name(tertial)} {year}, preliminär status per {status_on.isoformat()}"
        f" (perioden slutar {end.isoformat()})"
    )


def snapshot_heading(snap: PlanSnapshot) -> str:
    return period_heading(
        snap.tertial, snap.year, snap.end, None if snap.complete else snap.status_on
    )


def scope_note(snap: PlanSnapshot) -> str:
    """What the report counts: which follow-ups, and the window of meetings and tick-offs."""
    tertials = "tertial 1" if snap.tertial == 1 else f"tertial 1–{snap.tertial}"
    written = "" if snap.complete else f", skrivna till och med {snap.status_on.isoformat()}"
    return (
        f"Bedömningarna är de senaste uppföljningarna för {tertials} {snap.year}{written}."
        f" Möten och genomförda tillfällen räknas för {period_window(snap.start, snap.status_on)}."
    )


def added_later_note(snap: PlanSnapshot) -> str | None:
    """Why measures of today's plan are missing from a report per an earlier day."""
    refs = snap.added_later
    if not refs:
        return None
    day = snap.status_on.isoformat()
    if len(refs) == 1:
        return f"Åtgärd {refs[0]} lades till i planen efter {day} och ingår därför inte."
    listed = ", ".join(refs[:-1]) + f" och {refs[-1]}"
    return f"Åtgärderna {listed} lades till i planen efter {day} och ingår därför inte."


def period_window(start: date, end: date) -> str:
    return f"{start.isoformat()}–{end.isoformat()}"


def normalise_cell_text(text: str) -> str:
    """The text as it comes back out of a cell through the importer's reader."""
    text = text.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return unicodedata.normalize("NFC", re.sub(r"\n{3,}", "\n\n", text).strip())


def follow_up_cell(verdict: str, text: str) -> str:
    """The Uppföljning cell: the stored text, led by a verdict sentence unless it reads as one.

    "Målet är uppfyllt. Under året har …" comes back as `uppfyllt` through derive_verdict.
    """
    phrase = VERDICT_PHRASES.get(verdict)
    if phrase is None or derive_verdict(text) == verdict:
        return text
    return f"{phrase} {text}"


def same_follow_up_texts(verdict: str, text: str) -> set[str]:
    """Cell texts that stand for this stored follow-up (as written, and as exported)."""
    return {normalise_cell_text(text), normalise_cell_text(follow_up_cell(verdict, text))}


def ascii_slug(text: str) -> str:
    """ "Hägersten-Älvsjö" -> "hagersten-alvsjo"."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "plan"
