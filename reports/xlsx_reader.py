"""Read an action plan (åtgärdsplan) from an Excel workbook.

Pure module: takes a path, returns plain dataclasses. Besides the city's 2025 template
(one sheet per priority area, problem column headed by the area name, *Operativa mål*) and
the 2024 one (area name only in the instruction row) it reads the layouts other
municipalities use: all areas on one sheet with an area column or with section-heading
rows, numbered or two-row headers, per-tertial follow-up and status columns, intro and
contact sheets around the plan. Header vocabulary and header detection live in
`reports.xlsx_layout`. Every failure to open or read the file becomes one Swedish
`ImportFailed` line; doubtful rows become Swedish warnings.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.errors import ImportFailed
from reports.xlsx_layout import HEADER_SCAN_COLS, Grid, Header, split_numbered
from reports.xlsx_layout import cell_text as _cell_text
from reports.xlsx_layout import find_header as _find_header
from reports.xlsx_layout import fold as _fold
from reports.xlsx_layout import is_instruction_text as _is_instruction_text
from reports.xlsx_meta import PLAN_WORDS, YEAR, plan_metadata

log = logging.getLogger(__name__)

__all__ = ["ParsedArea", "ParsedPlan", "ParsedRow", "derive_verdict", "read_plan"]

VERDICTS = ("uppfyllt", "delvis", "ej_uppfyllt", "pagaende", "ej_bedomd")

# Guard against sheets whose used range was stretched by formatting to a million rows.
MAX_DATA_ROWS = 5000
MAX_EMPTY_RUN = 200
# PriorityArea.name holds 300 characters; a longer "name" is a sentence, not a heading.
MAX_AREA_NAME = 200
# Name of an area when nothing in the sheet names one ("Blad1", "Kungsholmen 2025").
FALLBACK_AREA_NAME = "Åtgärder"

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

# Sheets around the plan that are never part of it (when another sheet holds the plan);
# folded, matched against the sheet name without its number.
_SIDE_SHEETS = (
    "instruktion",
    "instruktioner",
    "anvisning",
    "anvisningar",
    "lasanvisning",
    "information",
    "inledning",
    "bakgrund",
    "lagesbild",
    "kontakt",
    "kontakter",
    "kontaktuppgifter",
    "kontaktlista",
    "sammanstallning",
    "sammanfattning",
    "analys",
    "oversikt",
    "ordlista",
    "begrepp",
    "lista",
    "listor",
    "val",
    "data",
    "exempel",
    "mall",
)
# The city's own area names: a lone cell with one of them is an area heading.
_KNOWN_AREAS = (
    "unga i riskzon",
    "otrygga och brottsutsatta platser",
    "systemhotande brottslighet",
    "sarskilt utsatta och sarbara brottsoffer",
    "kriminella miljoer och livsstilar",
)
_GENERIC_SHEET = re.compile(r"^(?:blad|sheet|ark|flik|tabell|plan)\s*\d*$")


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
    follow_up: str | None  # the latest filled follow-up (or status) column
    verdict: str  # one of VERDICTS, from the status column or else the follow-up text
    missing: list[str] = field(default_factory=list)  # Swedish names of empty required columns


@dataclass
class ParsedArea:
    """One priority area (a sheet, or a block of one). `rows` may be empty."""

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


def _fail_damaged(name: str) -> ImportFailed:
    return ImportFailed(
        f"Filen {name} är skadad och kan inte öppnas. "
        "Öppna den i Excel, spara en ny kopia och försök igen."
    )


def _load_workbook(path: Path) -> Any:
    """Open the workbook (.xlsx or .xlsm) or raise ImportFailed with one Swedish line."""
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
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError, KeyError):
        raise _fail_damaged(name) from None
    if b"opendocument" in mimetype:
        raise ImportFailed(
            f"Filen {name} är ett OpenDocument-kalkylark (.ods). "
            "Spara den som Excel-arbetsbok (.xlsx) och försök igen."
        )
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        raise _fail_bad_file(name)
    try:
        # A file object, not the path: openpyxl rejects names without .xlsx, and uploads
        # are often stored under temporary names. Its warnings (unsupported extensions,
        # data validation) say nothing the user can act on.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many unrelated types on broken XML
        raise _fail_damaged(name) from None


# --------------------------------------------------------------------------- sheets


def _sheet_grid(ws: Any) -> tuple[Grid, int, int]:
    """Values of the sheet's top-left block, keyed by (row, col)."""
    max_row = min(ws.max_row or 0, MAX_DATA_ROWS)
    max_col = min(ws.max_column or 0, HEADER_SCAN_COLS)
    grid: Grid = {}
    for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
        for cell in row:
            if cell.value is not None:
                grid[(cell.row, cell.column)] = cell.value
    return grid, max_row, max_col


@dataclass
class _Merges:
    fill: Grid  # cells below the top of a vertical merge -> its value (same column)
    spans: Grid  # cells right of the top-left of a horizontal merge -> its value
    wide: set[tuple[int, int]]  # top-left cells of ranges across two or more columns


def _merges(ws: Any) -> _Merges:
    fill: Grid = {}
    spans: Grid = {}
    wide: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        value = ws.cell(row=rng.min_row, column=rng.min_col).value
        if rng.max_col > rng.min_col:
            wide.add((rng.min_row, rng.min_col))
            for c in range(rng.min_col + 1, rng.max_col + 1):
                spans[(rng.min_row, c)] = value
        if rng.max_row > rng.min_row and value is not None:
            for r in range(rng.min_row + 1, rng.max_row + 1):
                fill[(r, rng.min_col)] = value
    return _Merges(fill=fill, spans=spans, wide=wide)


def _is_italic(cell: Any) -> bool:
    font = getattr(cell, "font", None)
    return bool(font is not None and font.i)


def _is_emphasised(ws: Any, r: int, c: int, merges: _Merges) -> bool:
    """A heading's look: merged across columns, bold, or a coloured background."""
    if (r, c) in merges.wide:
        return True
    cell = ws.cell(row=r, column=c)
    font = getattr(cell, "font", None)
    if font is not None and font.b:
        return True
    fill = getattr(cell, "fill", None)
    if fill is None or fill.fill_type != "solid":
        return False
    # White "fills" hide the gridlines of whole sheets; they are no emphasis.
    color = getattr(fill, "fgColor", None)
    rgb = getattr(color, "rgb", None)
    theme = getattr(color, "theme", None)
    return not (isinstance(rgb, str) and rgb.upper().endswith("FFFFFF")) and theme != 0


def _join_sv(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " och " + words[-1]


def _is_known_area(name: str) -> bool:
    folded = _fold(name)
    return any(folded.startswith(a) for a in _KNOWN_AREAS)


@dataclass
class _Block:
    """Consecutive rows of one area within a sheet."""

    name: str | None
    number: int | None
    rows: list[ParsedRow] = field(default_factory=list)
    heading_row: int | None = None  # the heading row that started it, if any
    keep_empty: bool = True  # an area even without rows (sheet, numbered or known heading)
    from_sheet: bool = False  # the sheet's own block: may take the sheet's name and number


@dataclass
class _SheetResult:
    sheet: str
    blocks: list[_Block]
    warnings: list[str]


class _SheetReader:
    """Turns the rows below a header into blocks of ParsedRows.

    `sheet_is_area`: the sheet is already one area (one sheet per area, or the area's name
    heads the problem column), so a lone emphasised cell is a problem heading for the rows
    below it, not a new area.
    """

    def __init__(
        self, ws: Any, grid: Grid, header: Header, merges: _Merges, *, sheet_is_area: bool
    ) -> None:
        self.ws, self.grid, self.header, self.merges = ws, grid, header, merges
        self.sheet_is_area = sheet_is_area
        self.title = ws.title
        self.blocks = [_Block(header.area_name, None, from_sheet=True)]
        self.current = 0  # index of the block rows go to
        self.warnings: list[str] = []
        self.problem_heading: str | None = None
        cols = header.columns
        self.required = ["measure"]
        if "cause" in cols:
            self.required.insert(0, "cause")
        if "problem" in cols:
            self.required.insert(0, "problem")

    @property
    def block(self) -> _Block:
        return self.blocks[self.current]

    # ---- areas

    def _start_area(self, text: str, *, heading_row: int | None) -> None:
        number, name = split_numbered(text)
        self.problem_heading = None
        current = self.block
        if current.name is None and not current.rows and current.heading_row is None:
            # The sheet's first block gets its name (2024 template: from the guidance row);
            # it keeps the sheet's number unless the text brings its own.
            current.name, current.heading_row = name, heading_row
            current.number = number if number is not None else current.number
            return
        for index, block in enumerate(self.blocks):
            if block.name is not None and _fold(block.name) == _fold(name):
                # An area column that comes back to an area: its rows join the first block.
                self.current = index
                return
        keep = number is not None or _is_known_area(name) or heading_row is None
        self.blocks.append(_Block(name, number, heading_row=heading_row, keep_empty=keep))
        self.current = len(self.blocks) - 1

    def _lone_cell(self, r: int, c: int, text: str) -> bool:
        """Handle a row with a single filled cell as a heading; False if it is no heading."""
        header = self.header
        if c > header.first_col or c == header.columns.get("area") or _is_instruction_text(text):
            return False
        emphasised = c < header.first_col or _is_emphasised(self.ws, r, c, self.merges)
        if self.sheet_is_area or "area" in header.columns:
            if not emphasised:
                return False  # a partial row with only its problem filled in
            self.problem_heading = text
            return True
        self._start_area(text, heading_row=r)
        return True

    # ---- rows

    def _latest(self, key: str, r: int) -> tuple[str | None, int | None]:
        """The rightmost filled column of a repeated field (the latest tertial)."""
        for c in reversed(self.header.multi.get(key, [])):
            text = _cell_text(self.grid.get((r, c)))
            if text:
                return text, c
        return None, None

    def read(self, max_row: int, max_col: int) -> _SheetResult:
        empty_run = 0
        for r in range(self.header.row + 1, max_row + 1):
            filled = [
                (c, text)
                for c in range(1, max_col + 1)
                if (r, c) in self.grid and (text := _cell_text(self.grid[(r, c)]))
            ]
            if not filled:
                # Cells filled only by a merged range above do not make a row.
                empty_run += 1
                if empty_run >= MAX_EMPTY_RUN:
                    break
                continue
            empty_run = 0
            if len(filled) == 1 and self._lone_cell(r, *filled[0]):
                continue
            self._read_row(r)
        return self._finish()

    def _read_row(self, r: int) -> None:
        cols = self.header.columns
        own: dict[str, str] = {}
        where: dict[str, int] = {}
        for key, c in cols.items():
            text = _cell_text(self.grid.get((r, c)))
            if text:
                own[key], where[key] = text, c
        for key in ("follow_up", "status"):
            text, c = self._latest(key, r)
            if text and c is not None:
                own[key], where[key] = text, c
        if not own:
            return  # text only in columns the plan does not use

        by_text = {k: _is_instruction_text(v) for k, v in own.items()}
        italic = {k: _is_italic(self.ws.cell(row=r, column=where[k])) for k in own}
        flagged = sum(1 for k in own if by_text[k] or italic[k])
        if flagged * 2 > len(own) or (len(own) == 1 and flagged == 1):
            # Template guidance row. In the 2024 template its first cell is the area name.
            area_cell = own.get("area")
            if area_cell and not by_text["area"]:
                self._start_area(area_cell, heading_row=None)
            elif self.block.rows and not any(by_text.values()):
                self.warnings.append(
                    f'Flik "{self.title}", rad {r}: raden är kursiv och tolkades som '
                    "instruktionstext, så den importerades inte."
                )
            return
        area = own.pop("area", None)
        if area and not _is_instruction_text(area):
            current = self.block.name
            if current is None or _fold(split_numbered(area)[1]) != _fold(current):
                self._start_area(area, heading_row=None)
        if not own:
            return  # the area's name on a row of its own

        values: dict[str, str | None] = {}
        for key in FIELDS:
            text = own.get(key)
            c = cols.get(key)
            if text is None and c is not None and (r, c) in self.merges.fill:
                text = _cell_text(self.merges.fill[(r, c)])
            values[key] = text
        if values["problem"] is None and self.problem_heading:
            values["problem"] = self.problem_heading
        status = own.get("status")
        verdict = derive_verdict(status)
        if verdict == "ej_bedomd":
            verdict = derive_verdict(values["follow_up"])
        if values["follow_up"] is None:
            values["follow_up"] = status
        missing = [LABELS[k] for k in self.required if not values[k]]
        if missing:
            self.warnings.append(
                f'Flik "{self.title}", rad {r}: raden saknar {_join_sv(missing)} '
                "och importerades så långt den räcker."
            )
        self.block.rows.append(
            ParsedRow(
                sheet=self.title,
                row=r,
                problem=values["problem"],
                cause=values["cause"],
                measure=values["measure"],
                goal=values["goal"],
                when=values["when"],
                responsible=values["responsible"],
                follow_up=values["follow_up"],
                verdict=verdict,
                missing=missing,
            )
        )

    def _finish(self) -> _SheetResult:
        blocks = list(self.blocks)
        if len(blocks) > 1 and not blocks[0].rows and blocks[0].name is None:
            blocks = blocks[1:]  # nothing above the first heading
        kept: list[_Block] = []
        for block in blocks:
            if block.rows or block.keep_empty or len(blocks) == 1:
                kept.append(block)
            else:
                # A lone line with no measures below (a note, a date): not an area.
                self.warnings.append(
                    f'Flik "{self.title}", rad {block.heading_row}: "{block.name}" stod ensam '
                    "på raden utan åtgärder under och lästes inte in."
                )
        return _SheetResult(sheet=self.title, blocks=kept, warnings=self.warnings)


# --------------------------------------------------------------------------- sheet names


def _is_follow_up_sheet(title: str) -> bool:
    return _fold(split_numbered(title)[1]).startswith("uppfoljning")


def _is_side_sheet(title: str) -> bool:
    """Instruktioner, Lägesbild, Kontaktuppgifter …: sheets around the plan."""
    folded = _fold(split_numbered(title)[1])
    if _is_follow_up_sheet(title):
        return True  # the plan's measures again, with their status: read them once
    if any(word in folded for word in ("atgard", "plan")):
        return False
    return any(folded == w or folded.startswith(w + " ") for w in _SIDE_SHEETS)


def _is_generic_sheet_name(title: str) -> bool:
    """ "Blad1", "Kungsholmen 2025", "Åtgärdsplan": names that say nothing about an area."""
    folded = _fold(title)
    return bool(_GENERIC_SHEET.match(folded) or YEAR.search(title) or folded.startswith(PLAN_WORDS))


def _area_name(raw: str) -> str:
    name = re.sub(r"\s+", " ", raw).strip()
    if len(name) > MAX_AREA_NAME:
        name = name[: MAX_AREA_NAME - 1].rsplit(" ", 1)[0] + "…"
    return name


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


@dataclass
class _Candidate:
    ws: Any
    grid: Grid
    max_row: int
    max_col: int
    merges: _Merges
    header: Header


def _plan_sheets(wb: Any, warnings_out: list[str]) -> list[_Candidate]:
    """The sheets with a plan header: visible ones, and not instructions or contacts."""
    found: list[_Candidate] = []
    for ws in wb.worksheets:
        if not hasattr(ws, "iter_rows"):  # chart sheets
            continue
        grid, max_row, max_col = _sheet_grid(ws)
        if not grid:
            continue
        merges = _merges(ws)
        header = _find_header(grid, merges.spans, max_row, max_col)
        if header is None:
            continue  # Instruktion, Analys / Sammanställning, anything else
        found.append(_Candidate(ws, grid, max_row, max_col, merges, header))
    visible = [c for c in found if getattr(c.ws, "sheet_state", "visible") == "visible"]
    if visible:
        # Hidden sheets hold old versions and drop-down lists; say so, the user may disagree.
        for c in found:
            if c not in visible:
                warnings_out.append(
                    f'Fliken "{c.ws.title}" är dold och lästes inte in. '
                    "Visa fliken i Excel och läs in filen igen om den hör till planen."
                )
        found = visible
    main = [c for c in found if not _is_side_sheet(c.ws.title)]
    for c in found:
        if main and _is_follow_up_sheet(c.ws.title):
            warnings_out.append(
                f'Fliken "{c.ws.title}" lästes inte in: uppföljningen läses från planens egna '
                "flikar (kolumnen Uppföljning), annars blir åtgärderna dubbla. Skriv in den där "
                "eller med /atgard uppfolj."
            )
    return main or found


def _number_areas(
    entries: list[tuple[int | None, str, str, list[ParsedRow]]], warnings_out: list[str]
) -> list[ParsedArea]:
    """Numbers from the sheets and headings where given, else by position; never twice."""
    reserved = {hint for hint, *_ in entries if hint is not None}
    used: set[int] = set()
    areas: list[ParsedArea] = []
    for position, (hint, name, sheet, rows) in enumerate(entries, start=1):
        number = hint
        if number is not None and number in used:
            number = None
        if number is None:
            number = position
            while number in used or (number in reserved and number != hint):
                number += 1
            if hint is not None:
                warnings_out.append(
                    f'Flik "{sheet}": området "{name}" har samma nummer ({hint}) som ett '
                    f"tidigare område och fick nummer {number}."
                )
        used.add(number)
        areas.append(ParsedArea(number=number, name=name, sheet=sheet, rows=rows))
    return areas


def _parse_workbook(wb: Any, path: Path) -> ParsedPlan:
    warnings_out: list[str] = []
    candidates = _plan_sheets(wb, warnings_out)
    if not candidates:
        raise ImportFailed(
            f"Filen {path.name} innehåller ingen flik med en åtgärdsplan "
            "(ingen rubrikrad med Åtgärd och Orsak, När eller Vem hittades)."
        )

    entries: list[tuple[int | None, str, str, list[ParsedRow]]] = []
    sheets_naming_areas: set[str] = set()
    for cand in candidates:
        title = cand.ws.title
        sheet_number, stripped_title = split_numbered(title)
        sheet_is_area = (
            len(candidates) > 1 or cand.header.area_name is not None or sheet_number is not None
        )
        reader = _SheetReader(
            cand.ws, cand.grid, cand.header, cand.merges, sheet_is_area=sheet_is_area
        )
        result = reader.read(cand.max_row, cand.max_col)
        warnings_out.extend(result.warnings)
        for block in result.blocks:
            hint = block.number
            if hint is None and block.from_sheet:
                hint = sheet_number
            name = block.name
            if name is None:
                generic = _is_generic_sheet_name(title) and sheet_number is None
                name = FALLBACK_AREA_NAME if generic or not stripped_title else stripped_title
                if not generic:
                    sheets_naming_areas.add(title)
            entries.append((hint, _area_name(name), title, block.rows))

    areas = _number_areas(entries, warnings_out)
    other_titles = [ws.title for ws in wb.worksheets if ws.title not in sheets_naming_areas]
    title, year, district = plan_metadata(wb, path, other_titles)
    return ParsedPlan(title=title, year=year, district=district, areas=areas, warnings=warnings_out)
