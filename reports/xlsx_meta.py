"""Best-effort plan metadata from a workbook: its title, year and district.

Looked for in a title cell near the top of a sheet ("Åtgärdsplan 2025 Kungsholmen",
"Handlingsplan för brottsförebyggande arbete 2025 – Nässjö kommun"), then in sheet names
("Kungsholmen 2025"), then in the file name ("atgardsplan-2025-kungsholmen.xlsx").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from reports.xlsx_text import cell_text as _cell_text
from reports.xlsx_text import fold as _fold

# A plausible plan year anywhere in a text ("2025", "2025–2027").
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

# Folded first words of a plan title or a sheet named after the plan.
PLAN_WORDS = ("atgardsplan", "handlingsplan", "aktivitetsplan", "trygghetsplan")
# Known district / municipality names, so "jarva" in a file name becomes "Järva".
_KNOWN_PLACES = (
    "Bromma",
    "Enskede-Årsta-Vantör",
    "Farsta",
    "Hägersten-Älvsjö",
    "Hägersten-Liljeholmen",
    "Hässelby-Vällingby",
    "Järva",
    "Kungsholmen",
    "Norrmalm",
    "Rinkeby-Kista",
    "Skarpnäck",
    "Skärholmen",
    "Spånga-Tensta",
    "Södermalm",
    "Älvsjö",
    "Östermalm",
    "Nässjö",
)
_FILENAME_STOPWORDS = frozenset(
    {
        "atgardsplan",
        "atgardsplaner",
        "atgard",
        "atgarder",
        "handlingsplan",
        "brottsforebyggande",
        "plan",
        "sdf",
        "sdo",
        "stadsdelsforvaltning",
        "kommun",
        "stad",
        "uppfoljning",
        "final",
        "slutlig",
        "utkast",
        "kopia",
        "copy",
        "ny",
        "version",
        "xlsx",
        "xlsm",
    }
)


def _place_name(raw: str) -> str | None:
    """Normalise a district name, restoring å/ä/ö for known places."""
    raw = raw.strip(" \t-–—,.:;_()")
    if not raw:
        return None
    folded = _fold(raw).replace(" ", "-")
    for place in _KNOWN_PLACES:
        if _fold(place).replace(" ", "-") == folded:
            return place
    if _fold(raw).replace(" ", "-") == raw.casefold().replace(" ", "-"):
        # Plain ASCII from a file name: title-case each part.
        return "-".join(part.capitalize() for part in re.split(r"[-\s]+", raw) if part)
    return raw


# "… i Nässjö kommun", "Upplands Väsby kommun", "Göteborgs stad".
_MUNICIPALITY = re.compile(
    r"(?:^|[\s,–—-])((?:[A-ZÅÄÖ][\w]*)(?:[ -][A-ZÅÄÖ][\w]*)*)\s+(?:kommun|stad)\b"
)
_TITLE_WORDS = re.compile(
    r"(?i)\b(?:åtgärdsplan(?:en)?|handlingsplan(?:en)?|aktivitetsplan(?:en)?|plan|för|i|och"
    r"|brottsförebyggande|trygghetsskapande|arbete(?:t)?|stadsdelsområde|stadsdelsförvaltning"
    r"|stadsdelsnämnd|sdf|sdo|kommun|stad)\b"
)


def _from_title(title: str) -> tuple[int | None, str | None]:
    year_match = YEAR.search(title)
    year = int(year_match.group(1)) if year_match else None
    folded = f" {_fold(title)} "
    for place in _KNOWN_PLACES:
        if f" {_fold(place)} " in folded:
            return year, place
    m = _MUNICIPALITY.search(title)
    if m:
        return year, _place_name(m.group(1))
    rest = YEAR.sub(" ", title)
    rest = re.sub(r"[–—]\s*(?:(?:19|20)\d{2})?", " ", rest)  # "2025–2027"
    rest = _TITLE_WORDS.sub(" ", rest)
    rest = re.sub(r"\s+", " ", rest).strip(" \t-–—,.:;")
    district = None
    if rest and len(rest) <= 40 and re.fullmatch(r"[\w\s\-–]+", rest):
        district = _place_name(rest)
    return year, district


def _from_filename(path: Path) -> tuple[int | None, str | None]:
    stem = path.stem
    year_match = YEAR.search(stem)
    year = int(year_match.group(1)) if year_match else None
    tokens = [t for t in re.split(r"[-_\s.]+", stem) if t]
    plan_word = any(_fold(t) in _FILENAME_STOPWORDS for t in tokens)
    if year is None and not plan_word:
        # "tmpab12cd.xlsx", "upload.xlsx": no reason to believe there is a place in it.
        return None, None
    words = [t for t in tokens if t.isalpha() and _fold(t) not in _FILENAME_STOPWORDS]
    district = _place_name("-".join(words)) if words else None
    return year, district


def _is_title_text(text: str) -> bool:
    folded = _fold(text)
    return len(text) <= 120 and (
        folded.startswith(PLAN_WORDS)
        or folded.startswith(("brottsforebyggande atgard", "plan for brottsforebyggande"))
    )


def _find_title(wb: Any) -> str | None:
    for ws in wb.worksheets:
        if not hasattr(ws, "iter_rows"):
            continue
        for row in ws.iter_rows(min_row=1, max_row=5, max_col=5, values_only=True):
            for value in row:
                text = _cell_text(value)
                if text and _is_title_text(text.split("\n")[0]):
                    return text.split("\n")[0].strip()
    return None


def _from_sheet_names(titles: list[str]) -> tuple[int | None, str | None]:
    """Year and district from a sheet named like "Kungsholmen 2025" or "Åtgärdsplan 2025"."""
    for title in titles:
        if YEAR.search(title) or _fold(title).startswith(PLAN_WORDS):
            return _from_title(title)
    return None, None


def plan_metadata(
    wb: Any, path: Path, sheet_titles: list[str]
) -> tuple[str | None, int | None, str | None]:
    """(title, year, district): the title cell first, then `sheet_titles`, then the file name."""
    title = _find_title(wb)
    year, district = _from_title(title) if title else (None, None)
    for source in (_from_sheet_names(sheet_titles), _from_filename(path)):
        year = year if year is not None else source[0]
        district = district if district is not None else source[1]
    return title, year, district
