"""Read an action plan (åtgärdsplan) from the city's Excel template.

Pure module: takes a path, returns plain dataclasses. It knows both the 2025 template
(problem column headed by the area name, *Operativa mål*) and the 2024 one (area name only
in the instruction row, no problem or goal column), tolerates shuffled and missing
optional columns, and turns every failure to open the file into one Swedish
`ImportFailed` line.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.errors import ImportFailed

log = logging.getLogger(__name__)

__all__ = ["ParsedArea", "ParsedPlan", "ParsedRow", "derive_verdict", "read_plan"]

VERDICTS = ("uppfyllt", "delvis", "ej_uppfyllt", "pagaende", "ej_bedomd")

# How far down a sheet the header row may sit (title rows above it are common).
HEADER_SCAN_ROWS = 15
HEADER_SCAN_COLS = 40
# Guard against sheets whose used range was stretched by formatting to a million rows.
MAX_DATA_ROWS = 5000
MAX_EMPTY_RUN = 200

# Swedish column names as shown to users (warnings, `missing`).
LABELS: dict[str, str] = {
    "problem": "Problemområde",
    "cause": "Orsak",
    "measure": "Åtgärd",
    "goal": "Operativa mål",
    "when": "När",
    "responsible": "Vem",
    "follow_up": "Uppföljning",
}
FIELDS = tuple(LABELS)

# Header synonyms, in folded form (see `_fold`). A header matches a synonym when it is
# equal to it or starts with it followed by a space ("uppfoljning status").
_HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "cause": ("orsak", "orsaker", "identifierad orsak", "identifierade orsaker"),
    "measure": ("atgard", "atgarder", "insats", "insatser", "aktivitet", "aktiviteter"),
    "goal": ("operativa mal", "operativt mal", "mal", "malsattning", "delmal", "smarta mal"),
    "when": ("nar", "tidsplan", "tid", "tidpunkt", "tidsram", "klart nar", "period"),
    "responsible": ("vem", "ansvarig", "ansvariga", "vem ansvarar", "ansvar", "vem gor vad"),
    "follow_up": ("uppfoljning", "status", "resultat"),
}
# Generic headers of the problem column (values are problems, the column is required).
_PROBLEM_HEADERS = ("problemomrade", "problem", "utmaning", "problem utmaning")
# The 2024 template's first column: it holds the area name, not problems.
_AREA_COLUMN_HEADERS = (
    "prioriterat samverkansomrade",
    "prioriterat samverkans",
    "prioriterade samverkansomraden",
    "samverkansomrade",
    "prioriterat omrade",
)
# Headers that are neither a known column nor an area name.
_IGNORED_HEADERS = ("nr", "nummer", "id", "lopnummer", "kommentar", "kommentarer", "ovrigt")

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
)

_SHEET_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.):\-]?\s+(.*)$", re.S)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

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
        "plan",
        "sdf",
        "sdo",
        "stadsdelsforvaltning",
        "uppfoljning",
        "final",
        "slutlig",
        "utkast",
        "kopia",
        "copy",
        "ny",
        "version",
        "xlsx",
    }
)

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class ParsedRow:
    """One measure row as it stands in the sheet (texts already cleaned)."""

    sheet: str
    row: int  # 1-based Excel row number
    problem: str | None
    cause: str | None
    measure: str | None
    goal: str | None
    when: str | None
    responsible: str | None
    follow_up: str | None
    verdict: str  # one of VERDICTS, derived from follow_up
    missing: list[str] = field(default_factory=list)  # Swedish names of empty required columns


@dataclass
class ParsedArea:
    """One priority area (one sheet). `rows` may be empty for an unused area."""

    number: int
    name: str
    sheet: str
    rows: list[ParsedRow]


@dataclass
class ParsedPlan:
    """A whole workbook; `title`, `year` and `district` are best effort."""

    title: str | None
    year: int | None
    district: str | None
    areas: list[ParsedArea]
    warnings: list[str]


# --------------------------------------------------------------------------- text helpers


def _fold(text: str) -> str:
    """Lower-case, drop diacritics and punctuation, collapse whitespace (for matching)."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _cell_text(value: Any) -> str | None:
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
    # Excel stores line breaks as \r\n or escaped as _x000D_; keep plain \n only.
    text = text.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text or None


def _is_instruction_text(text: str) -> bool:
    """True for template guidance such as "Ange tid för …" or "Beskriv orsaken …"."""
    folded = _fold(text)
    return any(folded == p or folded.startswith(p + " ") for p in _INSTRUCTION_PREFIXES)


# --------------------------------------------------------------------------- verdicts

# Patterns run on folded text (no diacritics, lower case, no punctuation):
# "uppnått" is "uppnatt", "pågår" is "pagar".
_VERBS = (
    r"(?:uppfyllt|uppfylld|uppfyllda|uppfyllts|uppnatt|uppnadd|uppnadda|uppnatts|natt|natts"
    r"|genomfort|genomford|genomforda|genomforts|paborjat|paborjad|paborjats)"
)
_NEG = re.compile(
    rf"\b(?:ej|inte|icke)\s+(?:har\s+|blivit\s+)?{_VERBS}\b"
    r"|\b(?:uppfylldes|uppnaddes|naddes|genomfordes|paborjades)\s+(?:ej|inte)\b"
    r"|^(?:status\s+)?(?:rod|rott)\b"
)
_PARTIAL = re.compile(
    rf"\b(?:delvis|(?:inte|ej)\s+helt|till\s+viss\s+del|till\s+stor\s+del)\s+{_VERBS}\b"
    r"|\bmalet ar delvis\b"
    r"|^(?:status\s+)?(?:delvis|gul|gult)\b"
)
_POS = re.compile(
    r"\b(?:uppfyllt|uppfylld|uppfyllda|uppfyllts|uppnatt|uppnadd|uppnadda|uppnatts)\b"
    r"|\bmalet (?:ar |har )?(?:natt|natts)\b"
    r"|^(?:status\s+)?(?:gron|gront)\b"
    # "Klart." is a verdict, "Klart i höst" / "klart senast v. 40" is a plan.
    r"|^(?:status\s+)?(?:klar|klart)(?:$|\s+(?!i\b|till\b|under\b|senast\b|innan\b|efter\b"
    r"|v\b|vecka\b|nasta\b))"
)
_ONGOING = re.compile(
    r"\b(?:pagar|pagaende|fortsatter|fortgar|fortloper|paborjat|paborjats|under arbete"
    r"|under uppbyggnad)\b"
)
# Traffic-light emoji Brå's template suggests; checked on the raw text.
_EMOJI = {"🔴": "ej_uppfyllt", "🟡": "delvis", "🟠": "delvis", "🟢": "uppfyllt"}


def derive_verdict(text: str | None) -> str:
    """Classify a follow-up text: uppfyllt, delvis, ej_uppfyllt, pagaende or ej_bedomd.

    Negatives are checked first because "ej uppfyllt" contains "uppfyllt"; an explicit
    verdict beats words about ongoing work ("Målet är uppfyllt. Arbetet fortsätter.").
    """
    if not text or not text.strip():
        return "ej_bedomd"
    stripped = text.strip()
    if stripped[:1] in _EMOJI:
        return _EMOJI[stripped[:1]]
    folded = _fold(stripped)
    if _NEG.search(folded):
        return "ej_uppfyllt"
    if _PARTIAL.search(folded):
        return "delvis"
    if _POS.search(folded):
        return "uppfyllt"
    if _ONGOING.search(folded):
        return "pagaende"
    return "ej_bedomd"


# --------------------------------------------------------------------------- opening


def _fail_bad_file(name: str) -> ImportFailed:
    return ImportFailed(
        f"Filen {name} är inte en Excel-arbetsbok (.xlsx). Spara planen som .xlsx och försök igen."
    )


def _load_workbook(path: Path) -> Any:
    """Open the workbook or raise ImportFailed with one Swedish line."""
    import openpyxl  # local: keeps `derive_verdict` importable without openpyxl

    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"Filen {name} finns inte.") from None
    except IsADirectoryError:
        raise ImportFailed(f"{name} är en mapp, inte en Excel-fil.") from None
    except OSError:
        raise ImportFailed(f"Filen {name} kunde inte läsas.") from None

    if not data:
        raise ImportFailed(f"Filen {name} är tom.")
    if data.startswith(_CFB_MAGIC):
        # Excel wraps password-protected .xlsx files in an OLE/CFB container with an
        # EncryptionInfo stream; a CFB file with a Workbook stream is the old .xls format.
        encrypted = "EncryptionInfo".encode("utf-16-le") in data
        legacy = not encrypted and (
            "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data
        )
        if legacy:
            raise ImportFailed(
                f"Filen {name} är i det gamla Excel-formatet (.xls). "
                "Spara den som .xlsx och försök igen."
            )
        raise ImportFailed(
            f"Filen {name} är lösenordsskyddad. Ta bort lösenordet i Excel och försök igen."
        )
    if not data.startswith(b"PK"):
        raise _fail_bad_file(name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise ImportFailed(
            f"Filen {name} är skadad och kan inte öppnas. "
            "Öppna den i Excel, spara en ny kopia och försök igen."
        ) from None
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        raise _fail_bad_file(name)
    try:
        # A file object, not the path: openpyxl rejects names without .xlsx, and uploads
        # are often stored under temporary names.
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many unrelated types on broken XML
        raise ImportFailed(
            f"Filen {name} är skadad och kan inte öppnas. "
            "Öppna den i Excel, spara en ny kopia och försök igen."
        ) from None


# --------------------------------------------------------------------------- header


@dataclass
class _Header:
    row: int  # last header row (data starts below it)
    columns: dict[str, int]  # field -> 1-based column
    problem_kind: str | None  # "area_name" | "problem" | "area_column" | None
    area_name: str | None  # from the header cell when problem_kind == "area_name"


def _match_header(text: str) -> str | None:
    """Return the field a header cell names, "problem"/"area_column", or None."""
    folded = _fold(text)
    if not folded:
        return None
    # "När?" and "Vem ansvarar?" fold to "nar", "vem ansvarar"; "Uppföljning/status" to
    # "uppfoljning status".
    for key, synonyms in _HEADER_SYNONYMS.items():
        for syn in synonyms:
            if folded == syn or folded.startswith(syn + " "):
                return key
    if any(folded == h or folded.startswith(h + " ") for h in _AREA_COLUMN_HEADERS):
        return "area_column"
    if any(folded == h or folded.startswith(h + " ") for h in _PROBLEM_HEADERS):
        return "problem"
    return None


def _header_from_cells(cells: list[tuple[int, str]], row: int) -> _Header | None:
    columns: dict[str, int] = {}
    problem_kind: str | None = None
    area_name: str | None = None
    unknown: list[tuple[int, str]] = []
    for col, text in cells:
        key = _match_header(text)
        if key in ("problem", "area_column"):
            if "problem" not in columns:
                columns["problem"] = col
                problem_kind = key
        elif key is not None:
            columns.setdefault(key, col)
        elif _fold(text) not in _IGNORED_HEADERS:
            unknown.append((col, text))
    if "measure" not in columns or not ({"cause", "when", "responsible"} & columns.keys()):
        return None
    if "problem" not in columns and unknown:
        # 2025 template: the problem column is headed by the area's own name.
        col, text = unknown[0]
        columns["problem"] = col
        problem_kind = "area_name"
        area_name = text
    return _Header(row=row, columns=columns, problem_kind=problem_kind, area_name=area_name)


def _find_header(grid: dict[tuple[int, int], Any], max_row: int, max_col: int) -> _Header | None:
    """Scan the top of a sheet for the header row (also a header split over two rows)."""

    def row_cells(r: int) -> dict[int, str]:
        out: dict[int, str] = {}
        for c in range(1, max_col + 1):
            text = _cell_text(grid.get((r, c)))
            if text:
                out[c] = text.replace("\n", " ")
        return out

    last = min(max_row, HEADER_SCAN_ROWS)
    for r in range(1, last + 1):
        cells = row_cells(r)
        if not cells:
            continue
        header = _header_from_cells(sorted(cells.items()), r)
        if header:
            return header
        if r >= max_row:
            break
        below = row_cells(r + 1)
        if _header_from_cells(sorted(below.items()), r + 1):
            continue  # row r is a title above a complete header; take that header next
        # Some templates split the header over two rows (merged cells above).
        header = _header_from_cells(sorted({**below, **cells}.items()), r + 1)
        if header:
            return header
    return None


# --------------------------------------------------------------------------- sheets


def _is_italic(cell: Any) -> bool:
    font = getattr(cell, "font", None)
    return bool(font is not None and font.i)


def _sheet_grid(ws: Any) -> tuple[dict[tuple[int, int], Any], int, int]:
    """Values of the sheet's top-left block, keyed by (row, col)."""
    max_row = min(ws.max_row or 0, MAX_DATA_ROWS)
    max_col = min(ws.max_column or 0, HEADER_SCAN_COLS)
    grid: dict[tuple[int, int], Any] = {}
    for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
        for cell in row:
            if cell.value is not None:
                grid[(cell.row, cell.column)] = cell.value
    return grid, max_row, max_col


def _merge_fill(ws: Any) -> dict[tuple[int, int], Any]:
    """Top-left values for cells hidden below a vertically merged range (same column)."""
    fill: dict[tuple[int, int], Any] = {}
    for rng in ws.merged_cells.ranges:
        if rng.max_row == rng.min_row:
            continue
        value = ws.cell(row=rng.min_row, column=rng.min_col).value
        if value is None:
            continue
        for r in range(rng.min_row + 1, rng.max_row + 1):
            fill[(r, rng.min_col)] = value
    return fill


def _strip_number(sheet_title: str) -> tuple[int | None, str]:
    m = _SHEET_NUMBER.match(sheet_title)
    if m:
        return int(m.group(1)), m.group(2).strip()
    return None, sheet_title.strip()


def _join_sv(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " och " + words[-1]


@dataclass
class _SheetResult:
    sheet: str
    name: str
    number_hint: int | None
    rows: list[ParsedRow]
    warnings: list[str]


def _read_area_sheet(
    ws: Any, grid: dict[tuple[int, int], Any], header: _Header, max_row: int
) -> _SheetResult:
    """Turn the rows below the header into ParsedRows, skipping guidance and blanks."""
    cols = header.columns
    fill = _merge_fill(ws)
    title = ws.title
    number_hint, stripped_title = _strip_number(title)
    name = header.area_name
    kind = header.problem_kind
    required = ["measure"]
    if "cause" in cols:
        required.insert(0, "cause")
    if kind in ("area_name", "problem"):
        required.insert(0, "problem")

    rows: list[ParsedRow] = []
    warnings: list[str] = []
    empty_run = 0
    for r in range(header.row + 1, max_row + 1):
        own: dict[str, str] = {}
        italic: dict[str, bool] = {}
        for key, c in cols.items():
            text = _cell_text(grid.get((r, c)))
            if text:
                own[key] = text
                italic[key] = _is_italic(ws.cell(row=r, column=c))
        if not own:
            # Cells filled only by a merged range above do not make a row.
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                break
            continue
        empty_run = 0

        by_text = {k: _is_instruction_text(v) for k, v in own.items()}
        flagged = sum(1 for k in own if by_text[k] or italic[k])
        if flagged * 2 > len(own) or (len(own) == 1 and flagged == 1):
            # Template guidance row. In the 2024 template its first cell is the area name.
            area_cell = own.get("problem")
            if kind == "area_column" and area_cell and not by_text["problem"] and name is None:
                name = area_cell
            elif rows and not any(by_text.values()):
                warnings.append(
                    f'Flik "{title}", rad {r}: raden är kursiv och tolkades som '
                    "instruktionstext, så den importerades inte."
                )
            continue
        if kind == "area_column" and set(own) == {"problem"} and not rows and name is None:
            # 2024 template with the area name on a row of its own.
            name = own["problem"]
            continue

        values: dict[str, str | None] = {}
        for key in FIELDS:
            c = cols.get(key)
            text = own.get(key)
            if text is None and c is not None and (r, c) in fill:
                text = _cell_text(fill[(r, c)])
            values[key] = text
        problem = values["problem"]
        if kind == "area_column" and problem and name and _fold(problem) == _fold(name):
            # The 2024 first column repeats the area name (often merged); it is no problem.
            values["problem"] = None
        missing = [LABELS[k] for k in required if not values[k]]
        if missing:
            warnings.append(
                f'Flik "{title}", rad {r}: raden saknar {_join_sv(missing)} '
                "och importerades så långt den räcker."
            )
        rows.append(
            ParsedRow(
                sheet=title,
                row=r,
                problem=values["problem"],
                cause=values["cause"],
                measure=values["measure"],
                goal=values["goal"],
                when=values["when"],
                responsible=values["responsible"],
                follow_up=values["follow_up"],
                verdict=derive_verdict(values["follow_up"]),
                missing=missing,
            )
        )
    return _SheetResult(
        sheet=title,
        name=name or stripped_title or title,
        number_hint=number_hint,
        rows=rows,
        warnings=warnings,
    )


# --------------------------------------------------------------------------- title, year, district


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


def _from_title(title: str) -> tuple[int | None, str | None]:
    year_match = _YEAR.search(title)
    year = int(year_match.group(1)) if year_match else None
    rest = re.sub(r"(?i)^\s*åtgärdsplan(?:en)?\b", "", title)
    rest = _YEAR.sub(" ", rest)
    rest = re.sub(r"(?i)\b(?:för|stadsdelsområde|stadsdelsförvaltning|sdf|sdo)\b", " ", rest)
    rest = re.sub(r"\s+", " ", rest).strip(" \t-–—,.:;")
    district = None
    if rest and len(rest) <= 40 and re.fullmatch(r"[\w\s\-–]+", rest):
        district = _place_name(rest)
    return year, district


def _from_filename(path: Path) -> tuple[int | None, str | None]:
    stem = path.stem
    year_match = _YEAR.search(stem)
    year = int(year_match.group(1)) if year_match else None
    tokens = [t for t in re.split(r"[-_\s.]+", stem) if t]
    plan_word = any(_fold(t) in _FILENAME_STOPWORDS for t in tokens)
    if year is None and not plan_word:
        # "tmpab12cd.xlsx", "upload.xlsx": no reason to believe there is a place in it.
        return None, None
    words = [t for t in tokens if t.isalpha() and _fold(t) not in _FILENAME_STOPWORDS]
    district = _place_name("-".join(words)) if words else None
    return year, district


def _find_title(wb: Any) -> str | None:
    for ws in wb.worksheets:
        if not hasattr(ws, "iter_rows"):
            continue
        for row in ws.iter_rows(min_row=1, max_row=5, max_col=5, values_only=True):
            for value in row:
                text = _cell_text(value)
                if text and _fold(text).startswith("atgardsplan") and len(text) <= 120:
                    return text.split("\n")[0].strip()
    return None


# --------------------------------------------------------------------------- entry point


def read_plan(path: str | Path) -> ParsedPlan:
    """Parse an action-plan workbook; raise ImportFailed when it cannot be used."""
    path = Path(path)
    wb = _load_workbook(path)
    try:
        return _parse_workbook(wb, path)
    except ImportFailed:
        raise
    except Exception:
        # A workbook openpyxl could open but not walk (odd ranges, broken styles): the
        # user still gets one line; the traceback goes to the log for us.
        log.exception("could not parse workbook %s", path.name)
        raise ImportFailed(
            f"Filen {path.name} kunde inte läsas som en åtgärdsplan. "
            "Kontrollera att den följer mallen och försök igen."
        ) from None
    finally:
        wb.close()


def _parse_workbook(wb: Any, path: Path) -> ParsedPlan:
    results: list[_SheetResult] = []
    for ws in wb.worksheets:
        if not hasattr(ws, "iter_rows"):  # chart sheets
            continue
        grid, max_row, max_col = _sheet_grid(ws)
        if not grid:
            continue
        header = _find_header(grid, max_row, max_col)
        if header is None:
            continue  # Instruktion, Analys / Sammanställning, anything else
        results.append(_read_area_sheet(ws, grid, header, max_row))

    if not results:
        raise ImportFailed(
            f"Filen {path.name} innehåller ingen flik med en åtgärdsplan "
            "(ingen rubrikrad med Orsak, Åtgärd, När och Vem hittades)."
        )

    areas: list[ParsedArea] = []
    warnings: list[str] = []
    for position, res in enumerate(results, start=1):
        number = res.number_hint if res.number_hint is not None else position
        areas.append(ParsedArea(number=number, name=res.name, sheet=res.sheet, rows=res.rows))
        warnings.extend(res.warnings)

    title = _find_title(wb)
    year, district = _from_title(title) if title else (None, None)
    file_year, file_district = _from_filename(path)
    return ParsedPlan(
        title=title,
        year=year if year is not None else file_year,
        district=district if district is not None else file_district,
        areas=areas,
        warnings=warnings,
    )
