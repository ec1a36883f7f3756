"""Cell text as the importer sees it: cleaned values, folded text for matching, guidance
and headings. Pure: no openpyxl objects.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any


def fold(text: str) -> str:
    """Lower-case, drop diacritics and punctuation, collapse whitespace (for matching)."""
    text = unicodedata.normalize("NFKD", text.casefold())
    # Combining marks (å -> a) and format characters: a soft hyphen or zero-width space
    # inside "Upp\xadföljning" is invisible in Excel and must not split the word.
    text = "".join(
        ch for ch in text if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf"
    )
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


# What a formula that failed leaves as its cached value: nothing a user typed.
_EXCEL_ERRORS = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!"}
)


def excel_error(value: Any) -> str | None:
    """ "#N/A" for a cell that shows a formula's error, else None."""
    if isinstance(value, str) and value.strip() in _EXCEL_ERRORS:
        return value.strip()
    return None


def cell_text(value: Any) -> str | None:
    """Turn any cell value into cleaned text, or None when empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        text = "Ja" if value else "Nej"
    elif isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            text = value.date().isoformat()
        else:
            # Swedish convention: 24-hour time with a dot ("08.30").
            text = f"{value.date().isoformat()} {value.hour:02d}.{value.minute:02d}"
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, dt.time):
        text = f"{value.hour:02d}.{value.minute:02d}"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else str(value).replace(".", ",")
    else:
        text = str(value)
        if excel_error(text):
            return None
    # Excel stores line breaks as \r\n or escaped as _x000D_; keep plain \n only.
    text = text.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\xa0", " ")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text or None


# Template guidance that starts a cell; folded, compared with startswith.
_INSTRUCTION_PREFIXES = (
    "ange",
    "beskriv",
    "koppla",
    "fyll i",
    "fylls i",
    "anges",
    "beskrivs",
    "skrivs",
    "har anger",
    "har anges",
    "har beskriver",
    "har beskrivs",
    "har fyller",
    "skriv",
    "denna kolumn",
    "exempel",
    "t ex",
    "till exempel",
    "valj",
)


def is_instruction_text(text: str) -> bool:
    """True for template guidance such as "Ange tid för …" or "Beskriv orsaken …"."""
    folded = fold(text)
    return any(folded == p or folded.startswith(p + " ") for p in _INSTRUCTION_PREFIXES)


# "Prioriterat område 2: Otrygga platser", "Fokusområde 1 – Unga", "Område: Trygghet".
# The kinds of område are named: "Stadsdelsområde Kungsholmen" is a district, no area.
_AREA_LABEL = re.compile(
    r"^\s*(?:prioriterat\s+|prioriterade\s+)?"
    r"(?:(?:samverkans|fokus|insats|utvecklings|problem|)område|tema|fokus)\s*"
    r"(?:(?P<num>\d{1,2})\s*[.:)\-–—]?\s*|[:\-–—]\s*)(?P<name>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_NUMBER_PREFIX = re.compile(r"^\s*(\d{1,2})\s*[.):\-–—]?\s+(\S.*)$", re.DOTALL)
# "Område 2", "Fokusområde 3", "2": a number that names no area ("Område 2" stays its name).
_BARE_NUMBER = re.compile(
    r"^\s*(?:(?:prioriterat\s+|prioriterade\s+)?"
    r"(?:(?:samverkans|fokus|insats|utvecklings|problem|)område|tema|flik)\s*)?(\d{1,2})\s*\.?\s*$",
    re.IGNORECASE,
)


# Apple Numbers exports each table to a worksheet named "<sheet> - <table>"; its default
# table names ("Tabell 1", "Table 1") say nothing about the area.
_NUMBERS_TABLE = re.compile(
    r"\s+[-–]\s+(?:tabell|table|tableau|tabelle|tabla)\s*\d*\s*$", re.IGNORECASE
)


def sheet_label(title: str) -> str:
    """The sheet's name without the table part Numbers adds ("Unga - Tabell 1" -> "Unga")."""
    return _NUMBERS_TABLE.sub("", title) or title


def bare_number(text: str) -> int | None:
    """2 for "Område 2", "Fokusområde 2" or "2": a sheet or cell numbered, not named."""
    m = _BARE_NUMBER.match(text)
    return int(m.group(1)) if m else None


def split_numbered(text: str) -> tuple[int | None, str]:
    """ "1. Unga" -> (1, "Unga"); "Område 2: Platser" -> (2, "Platser"); else (None, text)."""
    text = text.strip()
    m = _AREA_LABEL.match(text)
    if m:
        num = m.group("num")
        return (int(num) if num else None), m.group("name").strip()
    m = _NUMBER_PREFIX.match(text)
    if m:
        return int(m.group(1)), m.group(2).strip()
    return bare_number(text), text


def is_area_label(text: str) -> bool:
    """True for "Prioriterat område 2: …", "Fokusområde: …": an area named as such."""
    return _AREA_LABEL.match(text.strip()) is not None
