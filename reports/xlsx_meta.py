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
        "lokal",
        "lokala",
        "lagesbild",
        "och",
        "for",
        "i",
        "arbete",
        "slutversion",
        "bra",
        "reviderad",
        "antagen",
        "beslutad",
        "forslag",
        "remiss",
        "bilaga",
    }
)


def _place_name(raw: str, *, from_filename: bool = False) -> str | None:
    """Normalise a district name, restoring å/ä/ö for known places; a file name's plain
    ASCII ("lilla-edet") is title-cased, a name typed in a cell is kept as written."""
    raw = raw.strip(" \t-–—,.:;_()")
    if not raw:
        return None
    folded = _fold(raw).replace(" ", "-")
    for place in _KNOWN_PLACES:
        if _fold(place).replace(" ", "-") == folded:
            return place
    if from_filename and _fold(raw).replace(" ", "-") == raw.casefold().replace(" ", "-"):
        # Plain ASCII from a file name: title-case each part.
        return "-".join(part.capitalize() for part in re.split(r"[-\s]+", raw) if part)
    return raw


# "… i Nässjö kommun", "Upplands Väsby kommun", "Göteborgs stad", "Region Gotland".
_MUNICIPALITY = re.compile(
    r"(?:^|[\s,–—:-])((?:[A-ZÅÄÖ][\w]*)(?:[ -][A-ZÅÄÖ][\w]*)*)\s+(?:[Kk]ommun|[Ss]tad)\b"
)
_REGION = re.compile(r"\bRegion\s+([A-ZÅÄÖ]\w+)")
_TITLE_WORDS = re.compile(
    r"(?i)\b(?:åtgärdsplan(?:en)?|handlingsplan(?:en)?|aktivitetsplan(?:en)?|trygghetsplan(?:en)?"
    # A sheet named after what it lists ("Åtgärder 2026", "Insatser 2026") names no place.
    r"|åtgärder(?:na)?|åtgärd|insatser(?:na)?|aktiviteter(?:na)?|action|actions|plan|för|i|och"
    r"|brottsförebyggande|trygghetsskapande|arbete(?:t)?|stadsdelsområde|stadsdelsförvaltning"
    r"|stadsdelsnämnd|sdf|sdo|kommun|stad"
    # A report on the plan ("Uppföljning av åtgärdsplanen 2025", "Statusrapport T1").
    r"|uppföljning(?:en|ar)?|av|redovisning(?:en)?|rapport|tertialrapport|statusrapport"
    r"|lägesrapport|status)\b"
)
# Words after the plan's name that are no place: its version and state ("Åtgärdsplan 2026
# Reviderad 2026-03-01", "… slutversion").
_NOT_PLACES = frozenset(
    {
        "version",
        "reviderad",
        "revidering",
        "utkast",
        "förslag",
        "slutversion",
        "antagen",
        "beslutad",
        "remiss",
        "bilaga",
        "lokal",
        "lokalt",
        "lägesbild",
    }
)
_ISO_DAY = re.compile(r"\b(?:19|20)\d\d-\d\d(?:-\d\d)?\b")


def _municipality_name(name: str) -> str | None:
    """ "Norrköpings" -> "Norrköping": the genitive s of "Norrköpings kommun", "Göteborgs
    Stad". Names ending in a vowel and s ("Västerås", "Borås") or in "fors" keep it."""
    last = name.rsplit(" ", 1)[-1].rsplit("-", 1)[-1]
    folded = _fold(last)
    if (
        len(folded) > 3
        and folded.endswith("s")
        and folded[-2] not in "aeiouy"
        and not folded.endswith(("fors", "grums"))
    ):
        name = name[:-1]
    return _place_name(name)


def _capitalised_tail(text: str) -> str | None:
    """The place in what is left of a title: from its first capitalised word on ("ett
    tryggare Uppsala" -> "Uppsala", "Södra innerstaden"), leaving out a version or state
    ("Reviderad") and acronyms ("BRÅ", "SSP"); None without one, or with a number in it."""
    words = [
        w
        for w in text.split()
        if w.casefold() not in _NOT_PLACES and not (len(w) > 1 and w.isupper())
    ]
    first = next((i for i, w in enumerate(words) if w[0].isupper()), None)
    if first is None or any(ch.isdigit() for w in words[first:] for ch in w):
        return None
    return " ".join(words[first:])


def _from_title(title: str) -> tuple[int | None, str | None]:
    year_match = YEAR.search(title)
    year = int(year_match.group(1)) if year_match else None
    folded = f" {_fold(title)} "
    for place in _KNOWN_PLACES:
        if f" {_fold(place)} " in folded:
            return year, place
    m = _MUNICIPALITY.search(title)
    if m:
        return year, _municipality_name(m.group(1))
    if m := _REGION.search(title):
        return year, _place_name(m.group(1))
    rest = _ISO_DAY.sub(" ", title)
    rest = YEAR.sub(" ", rest)
    rest = re.sub(r"[–—]\s*(?:(?:19|20)\d{2})?", " ", rest)  # "2025–2027"
    rest = _TITLE_WORDS.sub(" ", rest)
    rest = re.sub(r"\s+", " ", rest).strip(" \t-–—,.:;")
    district = None
    if rest and len(rest) <= 40 and re.fullmatch(r"[\w\s\-–]+", rest):
        tail = _capitalised_tail(rest)
        district = _place_name(tail) if tail else None
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
    district = _place_name("-".join(words), from_filename=True) if words else None
    return year, district


def _is_title_text(text: str) -> bool:
    """ "Åtgärdsplan 2025 …", and a plan named within its first words ("Lokal lägesbild och
    åtgärdsplan 2026 – Malmö stad", "Brottsförebyggande åtgärdsplan 2026"); not a sentence."""
    folded = _fold(text)
    if len(text) > 120 or text.rstrip().endswith("."):
        return False
    if folded.startswith(PLAN_WORDS) or folded.startswith(
        ("brottsforebyggande atgard", "plan for brottsforebyggande")
    ):
        return True
    return any(word.startswith(PLAN_WORDS) for word in folded.split()[1:4])


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


# Label cells of a title block: "Kommun: Norrköping", "Stadsdel | Angered", "Gäller år | 2026".
_DISTRICT_LABELS = frozenset(
    {
        "kommun",
        "kommunens namn",
        "stadsdel",
        "stadsdelsomrade",
        "stadsomrade",
        "stadsdelsforvaltning",
        "kommun stadsdel",
        "kommun stadsdelsomrade",
    }
)
_YEAR_LABELS = frozenset(
    {"ar", "galler ar", "galler for ar", "planar", "planperiod", "verksamhetsar", "giltighetstid"}
)
_LONE_MUNICIPALITY = re.compile(
    r"^((?:[A-ZÅÄÖ]\w*)(?:[ -][A-ZÅÄÖ]\w*){0,3})\s+(?:[Kk]ommun|[Ss]tad)$|^Region\s+([A-ZÅÄÖ]\w+)$"
)
_PLACE_VALUE = re.compile(r"^[A-ZÅÄÖ][\w]*(?:[ -][\wÅÄÖåäö]+){0,3}$")


def _labelled(cells: list[str]) -> list[tuple[str, str]]:
    """(folded label, value) pairs of a title-block row: "Kommun: Ydre" in one cell, or
    "Kommun" and "Ydre" as the row's only two cells."""
    pairs = []
    for text in cells:
        label, sep, value = text.partition(":")
        if sep and value.strip() and "\n" not in text:
            pairs.append((_fold(label), value.strip()))
    if len(cells) == 2:
        pairs.append((_fold(cells[0]), cells[1].strip()))
    return pairs


def _from_title_block(wb: Any) -> tuple[int | None, str | None]:
    """Year and municipality from the rows above a plan's table: label cells ("Kommun:
    Norrköping", "Gäller år | 2026") or the municipality's name alone ("Eskilstuna
    kommun", "Region Gotland")."""
    year: int | None = None
    district: str | None = None
    for ws in wb.worksheets:
        if not hasattr(ws, "iter_rows"):
            continue
        for row in ws.iter_rows(min_row=1, max_row=8, max_col=6, values_only=True):
            cells = [t for v in row if (t := _cell_text(v))]
            for label, value in _labelled(cells):
                if district is None and label in _DISTRICT_LABELS and _PLACE_VALUE.match(value):
                    district = _municipality_name(value)
                if year is None and label in _YEAR_LABELS and (m := YEAR.search(value)):
                    year = int(m.group(1))
            if district is None and len(cells) == 1 and (m := _LONE_MUNICIPALITY.match(cells[0])):
                district = _municipality_name(m.group(1)) if m.group(1) else m.group(2)
    return year, district


def _from_sheet_names(titles: list[str]) -> tuple[int | None, str | None]:
    """Year and district from a sheet named like "Kungsholmen 2025" or "Åtgärdsplan 2025"."""
    for title in titles:
        if YEAR.search(title) or _fold(title).startswith(PLAN_WORDS):
            return _from_title(title)
    return None, None


def plan_metadata(
    wb: Any, path: Path, sheet_titles: list[str]
) -> tuple[str | None, int | None, str | None]:
    """(title, year, district): the title cell first, then the title block's other cells,
    then `sheet_titles`, then the file name."""
    title = _find_title(wb)
    year, district = _from_title(title) if title else (None, None)
    sources = (_from_title_block(wb), _from_sheet_names(sheet_titles), _from_filename(path))
    for source in sources:
        year = year if year is not None else source[0]
        district = district if district is not None else source[1]
    return title, year, district
