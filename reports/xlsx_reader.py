"""Read an action plan (åtgärdsplan) from an Excel workbook.

Pure module: takes a path, returns plain dataclasses. Besides the city's 2025 template
(one sheet per priority area, problem column headed by the area name, *Operativa mål*) and
the 2024 one (area name only in the instruction row) it reads the layouts other
municipalities use: all areas on one sheet with an area column, section-heading rows or
repeated headers, numbered or two-row headers, the plan's own measure numbers, per-tertial
follow-up and status columns, intro and contact sheets around the plan.

The parts: `reports.xlsx_open` opens the file (or says what it is instead),
`reports.xlsx_sheet` takes what is needed out of openpyxl, `reports.xlsx_layout` finds the
header (words in `reports.xlsx_vocabulary`), `reports.xlsx_rows` reads the rows below it,
`reports.xlsx_years` keeps the plan's year's follow-up columns, `reports.xlsx_period_rows`
joins a measure's rows per period and `reports.xlsx_follow_sheet` reads a follow-up sheet
into the plan's measures.
Every failure to open or read the file becomes one Swedish `ImportFailed` line; doubtful
rows become Swedish warnings.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.errors import ImportFailed
from models.personal_data import contains_personal_number, mask
from reports.parsed import ParsedArea, ParsedFollowUp, ParsedPlan, ParsedRow, own_number
from reports.verdicts import VERDICTS, derive_verdict
from reports.xlsx_follow_sheet import join_follow_up_sheet, joined_warning
from reports.xlsx_layout import Header, SheetHints, find_header
from reports.xlsx_lost import lost_cell_warnings
from reports.xlsx_meta import PLAN_WORDS, YEAR, plan_metadata
from reports.xlsx_open import load_workbook
from reports.xlsx_period_rows import join_period_rows, period_rows_warning
from reports.xlsx_rows import SheetReader, SheetResult, partial_row_warnings, unused_fields
from reports.xlsx_sheet import SheetFacts, sheet_facts
from reports.xlsx_text import bare_number, fold, sheet_label, split_numbered
from reports.xlsx_vertical import vertical_headers_hint
from reports.xlsx_vocabulary import label_year
from reports.xlsx_years import drop_hidden_repeats, keep_plan_year

log = logging.getLogger(__name__)

__all__ = [
    "VERDICTS",
    "ParsedArea",
    "ParsedFollowUp",
    "ParsedPlan",
    "ParsedRow",
    "derive_verdict",
    "read_plan",
]

# PriorityArea.name holds 300 characters; a longer "name" is a sentence, not a heading.
MAX_AREA_NAME = 200
# Name of an area when nothing in the sheet names one ("Blad1", "Kungsholmen 2025").
FALLBACK_AREA_NAME = "Åtgärder"

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
    "summering",
    "sammandrag",
    "dashboard",
    "statusoversikt",
    "diagram",
    "statistik",
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
    # A read-me first: "Läs mig först", "Så fyller du i planen", "Hjälp".
    "las mig",
    "lasmig",
    "readme",
    "read me",
    "hjalp",
    "guide",
    "vagledning",
    "sa fyller du i",
    "sa har fyller du i",
    "om mallen",
)
_GENERIC_SHEET = re.compile(r"^(?:blad|sheet|ark|flik|tabell|plan)\s*\d*$")

PERSONAL_NUMBER_IN_NAME = (
    "Flik ”{sheet}”: områdets namn innehöll ett personnummer. Numret lästes inte in"
    " (boten sparar aldrig personnummer); ta bort det ur filen."
)


# --------------------------------------------------------------------------- sheet names


# First words of a follow-up sheet's name besides "Uppföljning …" ("Tertialuppföljning",
# "Årsuppföljning 2025", "Återrapportering T2").
_FOLLOW_UP_SHEET_WORDS = ("aterrapportering", "tertialrapport", "tertialrapportering")


def _is_follow_up_sheet(title: str) -> bool:
    words = fold(split_numbered(title)[1]).split()
    return bool(words) and ("uppfoljning" in words[0] or words[0] in _FOLLOW_UP_SHEET_WORDS)


def _is_side_sheet(title: str) -> bool:
    """Instruktioner, Lägesbild, Kontaktuppgifter …: sheets around the plan."""
    folded = fold(split_numbered(title)[1])
    if _is_follow_up_sheet(title):
        return True  # the plan's measures again, with their status: read them once
    if any(word in folded for word in ("atgard", "plan")):
        return False
    return any(folded == w or folded.startswith(w + " ") for w in _SIDE_SHEETS)


def _is_generic_sheet_name(title: str) -> bool:
    """ "Blad1", "Kungsholmen 2025", "Åtgärdsplan": names that say nothing about an area."""
    folded = fold(title)
    return bool(_GENERIC_SHEET.match(folded) or YEAR.search(title) or folded.startswith(PLAN_WORDS))


def _area_name(raw: str, sheet: str, warnings_out: list[str]) -> str:
    name = re.sub(r"\s+", " ", raw).strip()
    if contains_personal_number(name):
        name = mask(name)
        warnings_out.append(PERSONAL_NUMBER_IN_NAME.format(sheet=sheet))
    if len(name) > MAX_AREA_NAME:
        name = name[: MAX_AREA_NAME - 1].rsplit(" ", 1)[0] + "…"
    return name


# A measure numbered by its area's letter: "A1", "B2", "C.3".
_LETTER_REF = re.compile(r"^\s*([A-Ha-h])\s?[.:]?\s?\d{1,2}\s*$")


def _area_of_ref(ref: str | None) -> int | None:
    """The area part of a plan's own measure number ("2.3" -> 2, "B1" -> 2; "3" has
    none)."""
    found = own_number(ref)
    if found is None and ref and (m := _LETTER_REF.match(ref)):
        return ord(m.group(1).lower()) - ord("a") + 1
    return None if found is None else found[0]


def _area_label(rows: list[ParsedRow], number: int) -> str:
    """How the plan's numbers name an area: its letter where they are "A1", "B2"."""
    lettered = any(r.ref and _LETTER_REF.match(r.ref) for r in rows)
    return chr(ord("A") + number - 1) if lettered else str(number)


def _area_of_refs(rows: list[ParsedRow]) -> int | None:
    """The area number the plan's own measure numbers agree on ("2.1", "2.2" -> 2)."""
    found = {area for r in rows if (area := _area_of_ref(r.ref)) is not None}
    return found.pop() if len(found) == 1 else None


def _areas_by_refs(rows: list[ParsedRow]) -> list[tuple[int, list[ParsedRow]]] | None:
    """Rows whose own numbers name two or more areas ("1.1", "1.2", "2.1") on a sheet that
    names none: one group per area number, in the order they first appear. A row without
    such a number stays with the row above it (the first group, at the top). None when the
    numbers name fewer than two areas: then the rows are one area, as before.

    The numbers are the plan's references, the ones people quote (`/atgard visa 2.1`); one
    area for all would renumber 2.1 as 1.3."""
    groups: dict[int, list[ParsedRow]] = {}
    current: int | None = None
    waiting: list[ParsedRow] = []  # rows above the first numbered one
    for row in rows:
        area = _area_of_ref(row.ref)
        if area is not None:
            current = area
        if current is None:
            waiting.append(row)
            continue
        groups.setdefault(current, []).extend([*waiting, row])
        waiting = []
    if len(groups) < 2:
        return None
    return list(groups.items())


def _split_warning(sheet: str, labels: list[str]) -> str:
    areas = ", ".join(f"Område {n}" for n in labels)
    # Numbers ("2.1") stay the refs; letters ("B1") name the area only.
    why = ", så att de behåller sina nummer" if labels[0].isdigit() else ""
    return (
        f"Fliken ”{sheet}” namnger inga prioriterade områden. Åtgärderna delades in efter sina "
        f"nummer i {areas}{why}. Lägg gärna till en kolumn Prioriterat område i filen och läs "
        "in den igen."
    )


def _read_side_sheets(
    side: list[_SideSheet], plan_rows: list[ParsedRow], year: int | None, warnings_out: list[str]
) -> None:
    """Read the follow-ups of the sheets left out as copies or follow-up sheets into the
    plan's measures (see `reports.xlsx_follow_sheet`); their warnings say so."""
    for sheet in side:
        header = sheet.cand.header
        if not any(header.multi.values()):
            continue  # no follow-up or status column: nothing of the plan's on it
        title = sheet_label(sheet.cand.ws.title)
        shown = mask(sheet.cand.ws.title)
        if year is not None and (named := label_year(title)) not in (None, year):
            warnings_out[sheet.warning] = (
                f"Fliken ”{shown}” gäller {named}, inte planens år ({year}), och lästes inte in."
            )
            continue
        header, _ = keep_plan_year(header, year, shown)
        result = SheetReader(sheet.cand.facts, header, sheet_is_area=True).read()
        rows = join_period_rows([row for block in result.blocks for row in block.rows])[0]
        joined = join_follow_up_sheet(title, rows, plan_rows)
        if (warning := joined_warning(shown, joined, repeats=sheet.repeats)) is not None:
            warnings_out[sheet.warning] = mask(warning)


# --------------------------------------------------------------------------- entry point


def read_plan(path: str | Path, *, year: int | None = None) -> ParsedPlan:
    """Parse an action-plan workbook; raise ImportFailed when it cannot be used.

    `year`: the plan wanted, where the workbook keeps several years' plans on sheets named
    by their year ("Åtgärdsplan 2024", "Åtgärdsplan 2025"); without it, the latest."""
    path = Path(path)
    wb, uncached = load_workbook(path)
    try:
        return _parse_workbook(wb, path, year, uncached)
    except ImportFailed:
        raise
    except Exception:
        # A workbook openpyxl could open but not walk (odd ranges, broken styles): the
        # user gets one line and nothing else on the terminal; the detail is for us, at
        # DEBUG, since the CLI shows warnings and errors of the log to the user.
        log.debug("could not parse workbook %s", path.name, exc_info=True)
        raise ImportFailed(
            f"Filen {path.name} kunde inte läsas som en åtgärdsplan. "
            "Kontrollera att den följer mallen och försök igen."
        ) from None
    finally:
        wb.close()


@dataclass
class _Candidate:
    facts: SheetFacts
    header: Header

    @property
    def ws(self) -> Any:
        return self.facts.ws


@dataclass
class _SideSheet:
    """A sheet left out as a plan sheet whose follow-ups may be the plan's: a follow-up
    sheet, or a status report repeating the measures of `repeats`. `warning`: the index of
    its warning in the plan's, which says more when its follow-ups are read."""

    cand: _Candidate
    warning: int
    repeats: str | None = None


def _plan_sheets(wb: Any, warnings_out: list[str], side: list[_SideSheet]) -> list[_Candidate]:
    """The sheets with a plan header: visible ones, and not instructions or contacts.
    Follow-up sheets beside the plan go to `side`."""
    found: list[_Candidate] = []
    for ws in wb.worksheets:
        if not hasattr(ws, "iter_rows"):  # chart sheets
            continue
        facts = sheet_facts(ws)
        if not facts.grid:
            continue
        hints = SheetHints(
            title=sheet_label(ws.title),
            hidden_cols=frozenset(facts.hidden_cols),
            follow_up_sheet=_is_follow_up_sheet(ws.title),
        )
        header = find_header(facts.grid, facts.merges.spans, facts.max_row, facts.max_col, hints)
        if header is None:
            continue  # Instruktion, Analys / Sammanställning, anything else
        found.append(_Candidate(facts, header))
    visible = [c for c in found if getattr(c.ws, "sheet_state", "visible") == "visible"]
    if visible:
        # Hidden sheets hold old versions and drop-down lists; say so, the user may disagree.
        for c in found:
            if c not in visible:
                warnings_out.append(
                    f"Fliken ”{mask(c.ws.title)}” är dold och lästes inte in. "
                    "Visa fliken i Excel och läs in filen igen om den hör till planen."
                )
        found = visible
    main = [c for c in found if not _is_side_sheet(c.ws.title)]
    for c in found:
        if main and _is_follow_up_sheet(c.ws.title):
            side.append(_SideSheet(c, len(warnings_out)))
            warnings_out.append(
                f"Fliken ”{mask(c.ws.title)}” lästes inte in: uppföljningen läses från planens egna "
                "flikar (kolumnen Uppföljning), annars blir åtgärderna dubbla. Skriv in den där "
                "eller med /atgard uppfolj."
            )
    # Without a plan sheet beside it, a follow-up sheet is the plan: it needs its measures.
    return main or [c for c in found if "measure" in c.header.columns]


def _measure_texts(cand: _Candidate) -> list[str]:
    """The folded measure texts of a sheet's rows, read on their own."""
    result = SheetReader(cand.facts, cand.header, sheet_is_area=True).read()
    return [fold(row.measure) for block in result.blocks for row in block.rows if row.measure]


def _drop_repeated_sheets(
    found: list[_Candidate], warnings_out: list[str], side: list[_SideSheet]
) -> list[_Candidate]:
    """Leave out a sheet that only repeats another sheet's measures: a status overview or a
    summary ("Statusrapport", "Rapport T1") listing the plan's measures again with fewer of
    the plan's columns, often by formulas. Read as well, every measure would be in the plan
    twice. Sheets of the same columns are areas, even where two name a measure alike."""
    if len(found) < 2:
        return found
    texts = [set(_measure_texts(c)) for c in found]
    dropped: set[int] = set()
    for i, cand in enumerate(found):
        mine = texts[i]
        if len(mine) < 2:
            continue
        for j, other in enumerate(found):
            if j == i or j in dropped or not mine <= texts[j]:
                continue
            # The plan's own columns (Orsak, När, Vem …), not the status columns a report
            # may have more of.
            if len(other.header.columns) > len(cand.header.columns):
                dropped.add(i)
                side.append(_SideSheet(cand, len(warnings_out), mask(other.ws.title)))
                warnings_out.append(
                    f"Fliken ”{mask(cand.ws.title)}” upprepar åtgärder från fliken "
                    f"”{mask(other.ws.title)}” och lästes inte in, så att ingen åtgärd blir "
                    "dubbel."
                )
                break
    return [c for i, c in enumerate(found) if i not in dropped]


def _sheet_year(title: str) -> int | None:
    m = YEAR.search(title)
    return int(m.group(1)) if m else None


def _one_years_sheets(
    found: list[_Candidate], wanted: int | None, warnings_out: list[str]
) -> tuple[list[_Candidate], int | None]:
    """The sheets of one year's plan where sheets named by year hold several ("Åtgärdsplan
    2024" kept beside "Åtgärdsplan 2025"): last year's measures and year-end verdicts must
    not become this year's. Returns the sheets and that year (None: one plan only)."""
    years = {y for c in found if (y := _sheet_year(c.ws.title)) is not None}
    if len(years) < 2:
        return found, None
    chosen = wanted if wanted in years else max(years)
    kept: list[_Candidate] = []
    for c in found:
        y = _sheet_year(c.ws.title)
        if y is None or y == chosen:
            kept.append(c)
            continue
        warnings_out.append(
            f"Fliken ”{mask(c.ws.title)}” är planen för {y} och lästes inte in, eftersom "
            f"filen också har planen för {chosen}. Ange --year {y} för att läsa in den i "
            "stället."
        )
    return kept, chosen


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
                    f"Flik ”{sheet}”: området ”{name}” har samma nummer ({hint}) som ett "
                    f"tidigare område och fick nummer {number}."
                )
        used.add(number)
        areas.append(ParsedArea(number=number, name=name, sheet=sheet, rows=rows))
    return areas


def _join_same_areas(
    entries: list[tuple[int | None, str, str, list[ParsedRow]]],
) -> list[tuple[int | None, str, str, list[ParsedRow]]]:
    """One area for each name: a plan with a sheet per group (SSP, EST, Trygghetsråd) and
    an area column names the same area on several sheets; its rows are one area's, in the
    order of the sheets. Sheets that name no area ("Åtgärder") stay apart."""
    joined: list[tuple[int | None, str, str, list[ParsedRow]]] = []
    index: dict[str, int] = {}
    for hint, name, sheet, rows in entries:
        key = fold(name)
        if name != FALLBACK_AREA_NAME and key in index:
            first_hint, first_name, first_sheet, first_rows = joined[index[key]]
            hint = first_hint if first_hint is not None else hint
            joined[index[key]] = (hint, first_name, first_sheet, [*first_rows, *rows])
            continue
        index[key] = len(joined)
        joined.append((hint, name, sheet, rows))
    return joined


def _read_sheet(cand: _Candidate, sheets: int) -> SheetResult:
    """The areas and rows of one of the plan's `sheets` sheets."""
    title = sheet_label(cand.ws.title)
    sheet_number = split_numbered(title)[0]
    sheet_is_area = sheets > 1 or cand.header.area_name is not None or sheet_number is not None
    # One of several sheets named "Blad2" or "Område 2": a heading above its table names
    # the area. (Above the only sheet's table, a heading names the plan as often.)
    untitled = bare_number(title) is not None or (sheets > 1 and _is_generic_sheet_name(title))
    reader = SheetReader(cand.facts, cand.header, sheet_is_area=sheet_is_area, untitled=untitled)
    return reader.read()


def _parse_workbook(
    wb: Any, path: Path, wanted_year: int | None, uncached: dict[str, list[str]]
) -> ParsedPlan:
    warnings_out: list[str] = []
    side: list[_SideSheet] = []
    candidates, sheets_year = _one_years_sheets(
        _plan_sheets(wb, warnings_out, side), wanted_year, warnings_out
    )
    candidates = _drop_repeated_sheets(candidates, warnings_out, side)
    if not candidates:
        raise ImportFailed(
            f"Filen {path.name} innehåller ingen flik med en åtgärdsplan "
            "(ingen rubrikrad med Åtgärd och Orsak, När eller Vem hittades)."
            + vertical_headers_hint(wb)
        )

    # The year whose follow-up columns are the plan's: the one asked for, the sheets', or
    # the one the title, the title block or the file's name gives.
    columns_year = wanted_year or sheets_year
    if columns_year is None:
        columns_year = plan_metadata(wb, path, [sheet_label(ws.title) for ws in wb.worksheets])[1]
    for cand in candidates:
        cand.header, dropped = keep_plan_year(cand.header, columns_year, mask(cand.ws.title))
        warnings_out.extend(dropped)
        cand.header, hidden = drop_hidden_repeats(
            cand.header, cand.facts.hidden_cols, mask(cand.ws.title)
        )
        warnings_out.extend(hidden)

    entries: list[tuple[int | None, str, str, list[ParsedRow]]] = []
    sheets_naming_areas: set[str] = set()
    results = [_read_sheet(cand, len(candidates)) for cand in candidates]
    unused = unused_fields(results)
    for cand, result in zip(candidates, results, strict=True):
        title = sheet_label(cand.ws.title)
        sheet_number, stripped_title = split_numbered(title)
        warnings_out.extend(partial_row_warnings(result, unused))
        warnings_out.extend(
            lost_cell_warnings(
                cand.facts, cand.header, result.blocks, uncached.get(cand.ws.title, [])
            )
        )
        periods = 0
        for block in result.blocks:
            block.rows, joined = join_period_rows(block.rows)
            periods += joined
        if periods:
            warnings_out.append(period_rows_warning(mask(cand.ws.title), periods))
        for block in result.blocks:
            hint = block.number
            if hint is None and block.from_sheet:
                hint = sheet_number
            if hint is None:
                hint = _area_of_refs(block.rows)
            name = block.name
            shown = mask(cand.ws.title)  # what is stored and quoted of the sheet's name
            if name is None:
                generic = _is_generic_sheet_name(title) and sheet_number is None
                # The only plan sheet, unnumbered: its title names the plan ("Åtgärder"),
                # and measure numbers of several areas say how it is divided.
                split = (
                    _areas_by_refs(block.rows)
                    if len(candidates) == 1 and sheet_number is None
                    else None
                )
                if split is not None:
                    labels = [_area_label(block.rows, n) for n, _ in split]
                    entries.extend(
                        (n, f"Område {label}", shown, rows)
                        for (n, rows), label in zip(split, labels, strict=True)
                    )
                    warnings_out.append(_split_warning(shown, labels))
                    continue
                name = FALLBACK_AREA_NAME if generic or not stripped_title else stripped_title
                if not generic:
                    sheets_naming_areas.add(cand.ws.title)
            entries.append((hint, _area_name(name, shown, warnings_out), shown, block.rows))

    _read_side_sheets(
        side, [row for *_, rows in entries for row in rows], columns_year, warnings_out
    )
    areas = _number_areas(_join_same_areas(entries), warnings_out)
    other_titles = [
        sheet_label(ws.title) for ws in wb.worksheets if ws.title not in sheets_naming_areas
    ]
    title, year, district = plan_metadata(wb, path, other_titles)
    if sheets_year is not None:
        year = sheets_year  # a title cell on last year's sheet names last year
    return ParsedPlan(title=title, year=year, district=district, areas=areas, warnings=warnings_out)
