"""How an action-plan sheet is laid out: cell text, header vocabulary, header-row detection.

Split out of `reports.xlsx_reader` so the reader stays about rows and areas. Everything here
is pure: it works on a dict of cell values, never on openpyxl objects.

Municipalities word their columns differently ("Åtgärd", "3. Aktivitet", "Ansvarig aktör",
"Tidsplan/frekvens", "Uppföljning T2", "Orsak (varför?)"), number them, break them over two
lines or put a group header ("Uppföljning") above per-tertial columns. The vocabulary below
is matched on folded text (see `fold`); a header matches a phrase when it equals it or starts
with it followed by a space, and the longest matching phrase wins, so "Ansvarig för
uppföljning" is not read as the responsible column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# How far down a sheet the header row may sit (title rows and intro text above it).
HEADER_SCAN_ROWS = 30
HEADER_SCAN_COLS = 40

Grid = dict[tuple[int, int], Any]

# --------------------------------------------------------------------------- text


def fold(text: str) -> str:
    """Lower-case, drop diacritics and punctuation, collapse whitespace (for matching)."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


# What a formula that failed leaves as its cached value: nothing a user typed.
_EXCEL_ERRORS = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!"}
)


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
        if text.strip() in _EXCEL_ERRORS:
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


# --------------------------------------------------------------------------- vocabulary

# field -> phrases by rank; rank 0 is the usual name, a higher rank is only used when the
# sheet has no column of a lower rank for that field ("Förväntat resultat" is the goal only
# when there is no "Mål" column, "Aktivitet" the measure only without an "Åtgärd" column).
_VOCABULARY: dict[str, tuple[tuple[str, ...], ...]] = {
    "area": (
        (
            "prioriterat omrade",
            "prioriterade omraden",
            "prioriterat samverkansomrade",
            "prioriterat samverkans",
            "prioriterade samverkansomraden",
            "samverkansomrade",
            "fokusomrade",
            "fokusomraden",
            "prioriterat fokusomrade",
            "insatsomrade",
            "insatsomraden",
            "prioriterat insatsomrade",
            "utvecklingsomrade",
            "prioritering",
            "prioriteringar",
        ),
    ),
    "problem": (
        (
            "problemomrade",
            "problem",
            "utmaning",
            "utmaningar",
            "problem utmaning",
            "problembild",
            "problemformulering",
            "identifierat problem",
            "identifierade problem",
            "brottsproblem",
        ),
    ),
    "cause": (
        (
            "orsak",
            "orsaker",
            "identifierad orsak",
            "identifierade orsaker",
            "bakomliggande orsak",
            "bakomliggande orsaker",
            "orsaksanalys",
            "varfor",
        ),
    ),
    "measure": (
        (
            "atgard",
            "atgarder",
            "insats",
            "insatser",
            "brottsforebyggande atgard",
            "brottsforebyggande atgarder",
            "planerad atgard",
            "planerade atgarder",
            "beskrivning av atgard",
            "beskrivning av atgarden",
            "vad ska goras",
            "vad",
        ),
        ("aktivitet", "aktiviteter", "planerade aktiviteter"),
    ),
    "goal": (
        (
            "operativa mal",
            "operativt mal",
            "mal",
            "malsattning",
            "delmal",
            "smarta mal",
            "effektmal",
            "malbild",
        ),
        (
            "forvantat resultat",
            "forvantade resultat",
            "forvantad effekt",
            "forvantade effekter",
            "onskat resultat",
            "onskad effekt",
            "forvantat utfall",
        ),
        ("indikator", "indikatorer", "matetal", "nyckeltal", "resultatmatt", "matbart mal"),
    ),
    "when": (
        (
            "nar",
            "tidsplan",
            "tidplan",
            "tid",
            "tidpunkt",
            "tidsram",
            "tidsperiod",
            "klart nar",
            "klart senast",
            "period",
            "frekvens",
            "datum",
            "slutdatum",
            "deadline",
        ),
    ),
    "responsible": (
        (
            "vem",
            "ansvarig",
            "ansvariga",
            "vem ansvarar",
            "ansvar",
            "vem gor vad",
            "huvudansvarig",
            "huvudansvar",
            "utforare",
            "aktor",
            "aktorer",
        ),
        (
            "samverkanspart",
            "samverkansparter",
            "samverkanspartner",
            "involverade aktorer",
            "involverade parter",
            "medverkande",
        ),
    ),
    "follow_up": (
        (
            "uppfoljning",
            "resultat",
            "utfall",
            "aterrapportering",
            "redovisning",
            "genomfort",
            "kommentar uppfoljning",
            "lagesrapport",
        ),
    ),
    "status": (
        (
            "status",
            "statusbedomning",
            "bedomning",
            "maluppfyllelse",
            "maluppfyllnad",
            "trafikljus",
            "lage",
        ),
    ),
    # Columns we know and deliberately leave out; naming them here keeps them from being
    # taken for the 2025 template's area-name header.
    "ignore": (
        (
            "nr",
            "nummer",
            "id",
            "ref",
            "rad",
            "lopnummer",
            "kommentar",
            "kommentarer",
            "ovrigt",
            "anteckningar",
            "start",
            "startdatum",
            "kostnad",
            "budget",
            "finansiering",
            "resurser",
            "malgrupp",
            "malgrupper",
            "plats",
            "geografiskt omrade",
            "hur",
            "metod",
            "koppling",
            "kontaktperson",
            "ansvarig for uppfoljning",
            "uppfoljning ansvarig",
            "uppfoljning hur",
            "uppfoljning nar",
            "uppfoljning datum",
            "uppfoljningsmetod",
            "hur ska",
            "hur foljs",
            "hur mats",
            "datum for uppfoljning",
        ),
    ),
}
# Words too common to be matched as a prefix: "Område X" heads the 2025 template's
# problem column with the area's own name, only a bare "Område" is the area column.
_EXACT_ONLY: dict[str, str] = {"omrade": "area", "omraden": "area", "tema": "area"}

FIELDS_SINGLE = ("area", "problem", "cause", "measure", "goal", "when", "responsible")
# Columns that can repeat (one per tertial); the rightmost filled one is the latest.
FIELDS_MULTI = ("follow_up", "status")

_LEADING_NUMBER = re.compile(r"^(?:\d{1,2}|[a-h])(?:\s+|$)")
# Sub-headers that name a period under an "Uppföljning" group header.
_PERIOD_LABEL = re.compile(
    r"^(?:t\s?[1-3]|tertial\s?[1-3]|[1-3]\s?tertial|q\s?[1-4]|kvartal\s?[1-4]|delar\w*|helar\w*"
    r"|arsbokslut|bokslut|verksamhetsberattelse|januari|februari|mars|april|maj|juni|juli"
    r"|augusti|september|oktober|november|december|vt|ht|var|host|(?:19|20)\d\d(?:\s\d+)*)$"
)


def match_header(text: str) -> tuple[str, int] | None:
    """Return (field, rank) for a header cell's text, or None when it is unknown.

    "1. Problem", "Orsak (varför?)", "ÅTGÄRD:" and "Åtgärd\\n(vad ska göras?)" all match.
    """
    folded = fold(text)
    # "1. Problem" folds to "1 problem"; "a) Orsak" to "a orsak".
    stripped = _LEADING_NUMBER.sub("", folded, count=1) if " " in folded else folded
    if not stripped:
        return None
    if stripped in _EXACT_ONLY:
        return _EXACT_ONLY[stripped], 0
    best: tuple[int, str, int] | None = None  # (phrase length, field, rank)
    for key, ranks in _VOCABULARY.items():
        for rank, phrases in enumerate(ranks):
            for phrase in phrases:
                matches = stripped == phrase or stripped.startswith(phrase + " ")
                if matches and (best is None or len(phrase) > best[0]):
                    best = (len(phrase), key, rank)
    if best is None:
        return None
    return best[1], best[2]


def is_period_label(text: str) -> bool:
    return bool(_PERIOD_LABEL.match(fold(text)))


# --------------------------------------------------------------------------- header


@dataclass
class Header:
    row: int  # last header row (data starts below it)
    columns: dict[str, int]  # single-valued field -> 1-based column
    multi: dict[str, list[int]] = field(default_factory=dict)  # follow_up/status, left first
    area_name: str | None = None  # 2025 template: the area's name heads the problem column
    first_col: int = 1  # leftmost header column

    @property
    def score(self) -> int:
        return len(self.columns) + sum(len(v) for v in self.multi.values())


def _label(grid: Grid, r: int, c: int) -> str | None:
    text = cell_text(grid.get((r, c)))
    return text.replace("\n", " ") if text else None


def _header_from_cells(
    cells: list[tuple[int, str, tuple[str, int] | None]], row: int
) -> Header | None:
    """Build a header from (column, text, match) triples; None unless it looks like a plan."""
    best: dict[str, tuple[int, int]] = {}  # field -> (rank, column) for single fields
    multi: dict[str, list[tuple[int, int]]] = {}
    unknown: list[tuple[int, str]] = []
    for col, text, match in cells:
        if match is None:
            unknown.append((col, text))
            continue
        key, rank = match
        if key == "ignore":
            continue
        if key in FIELDS_MULTI:
            multi.setdefault(key, []).append((rank, col))
        elif key not in best or rank < best[key][0]:
            best[key] = (rank, col)
    columns = {key: col for key, (_, col) in best.items()}
    multi_cols = {
        key: [c for rank, c in found if rank == min(r for r, _ in found)]
        for key, found in multi.items()
    }
    others = {"cause", "when", "responsible", "goal", "problem"} & columns.keys()
    if "measure" not in columns or not (others or multi_cols):
        return None
    area_name = None
    known = [c for c in columns.values()] + [c for v in multi_cols.values() for c in v]
    if "problem" not in columns and "area" not in columns and unknown:
        # 2025 template: the problem column is headed by the area's own name: the only
        # unknown header, or else the leftmost one when it stands left of every known column.
        col, text = unknown[0]
        if (len(unknown) == 1 or col < min(known)) and len(text) <= 200:
            columns["problem"] = col
            area_name = text
    first = min([*known, *(c for c, _ in unknown)], default=1)
    if area_name is not None:
        first = min(first, columns["problem"])
    return Header(row=row, columns=columns, multi=multi_cols, area_name=area_name, first_col=first)


def _build(grid: Grid, spans: Grid, r: int, max_col: int, *, with_top: bool) -> Header | None:
    """The header if row `r` is its last row; with_top also reads row r-1 as its upper half.

    The upper half contributes in two ways: a cell merged down over an empty cell of row r
    (the 2024 template), and a group header spread over several columns ("Uppföljning" over
    "T1 | T2 | T3"), whose field a sub-header takes when it names none of its own.
    """
    cells: list[tuple[int, str, tuple[str, int] | None]] = []
    group: str | None = None  # the last upper cell seen to the left, for period labels
    labels = {c: text for c in range(1, max_col + 1) if (text := _label(grid, r, c))}
    first = min(labels, default=0)
    for c in range(1, max_col + 1):
        bottom = labels.get(c)
        top = _label(grid, r - 1, c) if with_top and r > 1 else None
        if top:
            group = top
        if not bottom:
            if top:
                cells.append((c, top, match_header(top)))
            continue
        match = match_header(bottom)
        # The table's first column is never under a group: a title merged across the top
        # ("Uppföljning av planen 2025") must not turn the area-name header into a field.
        if with_top and c > first and (match is None or match[0] == "ignore"):
            spread = _label(spans, r - 1, c)
            over = spread or (top if _spans_right(spans, r - 1, c) else None)
            above = match_header(over) if over and len(bottom) <= 30 else None
            if above and above[0] != "ignore":
                match = above  # "Uppföljning" over "T1", "Kommentar" or "Polisen"
            elif group and is_period_label(bottom):
                above = match_header(group)
                if above and above[0] in FIELDS_MULTI:
                    match = above  # "Uppföljning" written once above "Tertial 1 | Tertial 2"
        cells.append((c, bottom, match))
    return _header_from_cells(cells, r)


def _spans_right(spans: Grid, r: int, c: int) -> bool:
    """True when the cell at (r, c) is the top-left of a range merged across columns."""
    return (r, c + 1) in spans and (r, c) not in spans


def _short_labels_only(grid: Grid, r: int, max_col: int) -> bool:
    """True when row r holds only short labels (a sub-header row, not data or guidance).

    At least two: a single cell below the header is a section heading ("Prioriterat
    område 1: Unga"), not the lower half of the header.
    """
    texts = [_label(grid, r, c) for c in range(1, max_col + 1)]
    texts = [t for t in texts if t]
    return len(texts) >= 2 and all(len(t) <= 40 and not is_instruction_text(t) for t in texts)


def find_header(grid: Grid, spans: Grid, max_row: int, max_col: int) -> Header | None:
    """Scan the top of a sheet for the header row (one row, or two with merged cells)."""
    last = min(max_row, HEADER_SCAN_ROWS)
    for r in range(1, last + 1):
        if not any((r, c) in grid for c in range(1, max_col + 1)):
            continue
        single = _build(grid, spans, r, max_col, with_top=False)
        double = _build(grid, spans, r, max_col, with_top=True) if r > 1 else None
        header = single
        if double and (single is None or double.score > single.score):
            header = double
        if header is None:
            continue
        # A sub-header row below ("T1 | T2 | T3" under a merged "Uppföljning").
        if r < max_row and _short_labels_only(grid, r + 1, max_col):
            below = _build(grid, spans, r + 1, max_col, with_top=True)
            if below and below.score > header.score:
                header = below
        return header
    return None


# --------------------------------------------------------------------------- headings

# "Prioriterat område 2: Otrygga platser", "Fokusområde 1 – Unga", "Område: Trygghet".
_AREA_LABEL = re.compile(
    r"^\s*(?:prioriterat\s+|prioriterade\s+)?(?:\w*område|tema|fokus)\s*"
    r"(?:(?P<num>\d{1,2})\s*[.:)\-–—]?\s*|[:\-–—]\s*)(?P<name>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_NUMBER_PREFIX = re.compile(r"^\s*(\d{1,2})\s*[.):\-–—]?\s+(\S.*)$", re.DOTALL)


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
    return None, text
