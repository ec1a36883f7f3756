"""Action plans of municipalities outside Stockholm, each in the layout its template uses,
written as real .xlsx files with openpyxl (the tests read them through the real importer).

Each builder writes one plausible plan and returns its path; the texts follow the seeds
(003 Nässjö, 002 Järva) and Brå's guidance. What each layout has that the city's template
has not is said in its docstring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from tests.reports.make_workbooks import as_macro_workbook

BOLD = Font(bold=True)


def _put(ws: Worksheet, row: int, values: Sequence[Any], *, bold: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        if value is None:
            continue
        cell = ws.cell(row=row, column=col, value=value)
        if bold:
            cell.font = BOLD


def _rows(ws: Worksheet, first: int, rows: Sequence[Sequence[Any]]) -> int:
    for offset, values in enumerate(rows):
        _put(ws, first + offset, values)
    return first + len(rows)


def _table(ws: Worksheet, name: str, ref: str) -> None:
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)


def lerum_table_after_instructions(path: Path) -> Path:
    """An instruction sheet first; the plan an Excel table (ListObject) below a title block,
    all areas on one sheet in an "Område" column; "Insats", "Målsättning", "Tidsplan" with a
    real Excel date, "Huvudansvarig" beside "Samverkanspart", and a status drop-down
    (Pågår / Ej påbörjad / Klar / Genomförd) with a comment column."""
    wb = Workbook()
    guide = wb.active
    guide.title = "Läs mig först"
    _put(guide, 1, ["Så här fyller du i trygghetsplanen"], bold=True)
    _put(guide, 3, ["1. Skriv varje insats på en egen rad i fliken Trygghetsplan 2026."])
    _put(guide, 4, ["2. Välj status i listan: Ej påbörjad, Pågår, Klar."])
    ws = wb.create_sheet("Trygghetsplan 2026")
    _put(ws, 1, ["Trygghetsplan 2026 – Lerums kommun"], bold=True)
    _put(ws, 2, ["Beslutad av kommunstyrelsen 2026-02-10"])
    header = [
        "Område",
        "Insats",
        "Målsättning",
        "Tidsplan",
        "Huvudansvarig",
        "Samverkanspart",
        "Status",
        "Kommentar",
    ]
    _put(ws, 4, header, bold=True)
    end = _rows(
        ws,
        5,
        [
            [
                "Trygg offentlig miljö",
                "Trygghetsvandring i Gråbo centrum",
                "Fler boende känner sig trygga",
                "2 ggr/år",
                "Trygghetssamordnare",
                "Polisen, bostadsbolaget",
                "Pågår",
                "Vårens vandring är gjord.",
            ],
            [
                "Trygg offentlig miljö",
                "Belysning i gångtunnlarna",
                "Alla tunnlar belysta",
                dt.datetime(2026, 10, 31),
                "Samhällsbyggnad",
                None,
                "Ej påbörjad",
                None,
            ],
            [
                "Unga i riskzon",
                "Fältassistenter på helger",
                "Minskad skadegörelse",
                "Varje helg",
                "Socialtjänsten",
                "Polisen",
                "Klar",
                None,
            ],
            [
                "Unga i riskzon",
                "Föräldravandringar",
                "Vuxennärvaro i centrum",
                "Fredagar",
                "Fritidsförvaltningen",
                "Föräldraföreningar",
                "Genomförd",
                None,
            ],
        ],
    )
    _table(ws, "Trygghetsplan2026", f"A4:H{end - 1}")
    wb.save(path)
    return path


def boras_sheet_per_area_below_a_logo(path: Path) -> Path:
    """A sheet per area; a logo cell, the city, the plan's name and version above the header
    on row 8; numbers "A1", "B1"; "Åtgärd/aktivitet", "Förväntat resultat", "Tidpunkt",
    "Ansvarig förvaltning"; "Uppföljning" merged over T1 | T2 | T3, and a traffic-light
    Status (Grön / Gul / Röd) for the latest tertial."""
    wb = Workbook()
    wb.remove(wb.active)
    areas: dict[str, list[list[Any]]] = {
        "Våld i nära relationer": [
            [
                "A1",
                "Utbildning i våldsprevention för personal",
                "All personal i förskolan utbildad",
                "Under 2026",
                "Utbildningsförvaltningen",
                "Utbildningen planerad.",
                "Hälften utbildade.",
                None,
                "Gul",
            ],
            [
                "A2",
                "Kampanj mot hedersrelaterat våld",
                "Ökad kännedom om stöd",
                "v. 10",
                "Socialförvaltningen",
                "Kampanjen genomförd.",
                None,
                None,
                "Grön",
            ],
        ],
        "Narkotika": [
            [
                "B1",
                "Riktade kontroller vid skolorna",
                "Minskad langning",
                "Löpande",
                "Polisen",
                "Inga kontroller ännu.",
                None,
                None,
                "Röd",
            ],
        ],
    }
    for name, rows in areas.items():
        ws = wb.create_sheet(name)
        _put(ws, 1, ["[Logotyp]"])
        _put(ws, 2, ["Borås Stad"], bold=True)
        _put(ws, 3, ["Brottsförebyggande åtgärdsplan 2026"], bold=True)
        _put(ws, 4, [f"Prioriterat område: {name}"], bold=True)
        _put(ws, 5, ["Version 1.2, senast ändrad 2026-01-15"])
        _put(ws, 7, [None, None, None, None, None, "Uppföljning"], bold=True)
        ws.merge_cells("F7:H7")
        header = [
            "Nr",
            "Åtgärd/aktivitet",
            "Förväntat resultat",
            "Tidpunkt",
            "Ansvarig förvaltning",
            "T1",
            "T2",
            "T3",
            "Status",
        ]
        _put(ws, 8, header, bold=True)
        _rows(ws, 9, rows)
    wb.save(path)
    return path


def harnosand_checkbox_done_column(path: Path) -> Path:
    """All areas on one sheet as merged, numbered heading rows ("1 | Otrygghet i centrum"
    above "1.1", "1.2"); no cause column; a "Klar" column of checkboxes (TRUE/FALSE); a
    hidden column of internal notes, a hidden row (last year's measure) and a summary
    sheet whose counts are the template's formulas."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Åtgärdsplan"
    _put(ws, 1, ["Åtgärdsplan mot brott 2026, Härnösands kommun"], bold=True)
    header = ["Nr", "Problem", "Aktivitet", "Mål", "När", "Vem", "Klar", "Intern anteckning"]
    _put(ws, 3, header, bold=True)
    _put(ws, 4, ["1", "Otrygghet i centrum"], bold=True)
    ws.merge_cells("B4:H4")
    _rows(
        ws,
        5,
        [
            [
                "1.1",
                "Mörka stråk",
                "Ny belysning på Storgatan",
                "Belysningen klar",
                "Under 2026",
                "Tekniska förvaltningen",
                True,
                "Kolla offert",
            ],
            [
                "1.2",
                "Klotter",
                "Sanering inom 24 timmar",
                "Inget klotter kvar",
                "Linjearbete",
                "Tekniska förvaltningen",
                False,
                None,
            ],
        ],
    )
    _put(ws, 7, ["2", "Unga i riskzon"], bold=True)
    ws.merge_cells("B7:H7")
    _rows(
        ws,
        8,
        [
            [
                "2.1",
                "Skolfrånvaro",
                "Närvaroteam på högstadiet",
                "Ökad närvaro",
                "Läsåret 2026",
                "Skolförvaltningen",
                False,
                None,
            ],
            ["2.2", "Skolfrånvaro", "Mentorer 2025", "-", "2025", "-", True, None],
            [None, None, None, None, None, None, False, None],  # a template row: box only
        ],
    )
    ws.row_dimensions[9].hidden = True
    ws.column_dimensions["H"].hidden = True
    summary = wb.create_sheet("Sammanställning")
    _put(summary, 1, ["Område", "Antal åtgärder", "Klara"], bold=True)
    _put(summary, 2, ["Otrygghet i centrum", 3, 1])  # the template's formula counts wrong
    _put(summary, 3, ["Unga i riskzon", 2, 0])
    wb.save(path)
    return path


def sodertalje_bilingual_macro_workbook(path: Path) -> Path:
    """A macro-enabled workbook (.xlsm) written for both languages: "Action / Åtgärd",
    "Goal / Mål", "Deadline" with real Excel dates, "Owner / Ansvarig", and a RAG status
    (Green / Amber / Red); no problem or cause column, no numbers."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Action plan 2026"
    header = [
        "Area / Område",
        "Action / Åtgärd",
        "Goal / Mål",
        "Deadline",
        "Owner / Ansvarig",
        "Status (RAG)",
        "Comment",
    ]
    _put(ws, 1, header, bold=True)
    _rows(
        ws,
        2,
        [
            [
                "Unga i riskzon",
                "Mentorprogram på högstadiet",
                "20 mentorer",
                dt.datetime(2026, 6, 30),
                "Skolförvaltningen",
                "Green",
                "On track",
            ],
            [
                "Unga i riskzon",
                "Sommarjobb för unga",
                "200 platser",
                dt.datetime(2026, 8, 31),
                "Arbetsmarknadsförvaltningen",
                "Amber",
                None,
            ],
            [
                "Otrygga platser",
                "Kameraövervakning vid stationen",
                "Färre rån",
                dt.datetime(2026, 12, 31),
                "Polisen",
                "Red",
                None,
            ],
        ],
    )
    wb.save(path)
    return as_macro_workbook(path)


def kalix_questions_as_headers(path: Path) -> Path:
    """Headers written as the questions of a simple template: "Vad ska göras?", "Varför?",
    "Hur ofta?", "Vem ansvarar?", "Klart (x)", "Hur gick det?"; one sheet, no areas."""
    wb = Workbook()
    wb.active.title = "Dashboard"
    _put(wb.active, 1, ["Status per område"], bold=True)
    _put(wb.active, 2, ["Område", "Antal", "Grön", "Gul", "Röd"], bold=True)
    _put(wb.active, 3, ["Unga", 2, 1, 0, 0])
    ws = wb.create_sheet("Handlingsplan")
    header = [
        "Vad ska göras?",
        "Varför?",
        "Hur ofta?",
        "Vem ansvarar?",
        "Klart (x)",
        "Hur gick det?",
    ]
    _put(ws, 1, header, bold=True)
    _rows(
        ws,
        2,
        [
            [
                "Nattvandring",
                "Otrygghet på kvällarna",
                "Varje fredag",
                "Föreningarna",
                "x",
                "Bra uppslutning.",
            ],
            ["Läxhjälp", "Skolmisslyckanden", "Varje vecka", "Biblioteket", None, None],
        ],
    )
    wb.save(path)
    return path


def gavle_outline_with_status_report(path: Path) -> Path:
    """Three-level numbering ("1" area, "1.1" problem, "1.1.1" measure) in bold heading
    rows, "Beskrivning" as the measure's only column, and a "Statusrapport" sheet that
    repeats the measures with their status (fewer columns), as a status overview does."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Åtgärder 2026"
    header = ["Nr", "Beskrivning", "Målsättning", "Tidsplan", "Ansvarig", "Status"]
    _put(ws, 1, header, bold=True)
    rows: list[list[Any]] = [
        ["1", "Trygga offentliga miljöer"],
        ["1.1", "Centrum"],
        [
            "1.1.1",
            "Trygghetsvandring i centrum",
            "En åtgärdslista",
            "2 ggr/år",
            "Trygghetssamordnare",
            "Pågår",
        ],
        [
            "1.1.2",
            "Väktare vid torget",
            "Färre ordningsstörningar",
            "Fredag–lördag",
            "Näringslivsenheten",
            "Klar",
        ],
        ["2", "Barn och unga"],
        ["2.1", "Skolan"],
        ["2.1.1", "SSP-möten", "Tidig upptäckt", "8 ggr/år", "Preventionssamordnare", "Pågår"],
    ]
    for offset, values in enumerate(rows):
        _put(ws, 2 + offset, values, bold=len(values) == 2)
    report = wb.create_sheet("Statusrapport")
    _put(report, 1, ["Nr", "Åtgärd", "Status"], bold=True)
    _rows(
        report,
        2,
        [
            ["1.1.1", "Trygghetsvandring i centrum", "Pågår"],
            ["1.1.2", "Väktare vid torget", "Klar"],
            ["2.1.1", "SSP-möten", "Pågår"],
        ],
    )
    wb.save(path)
    return path


def katrineholm_table_with_unnamed_column(path: Path) -> Path:
    """A sheet per area holding an Excel table whose first header cell was left empty (Excel
    names it "Kolumn1"); "Förväntad effekt", "Tidsram", and a done-column asked as
    "Genomförd (ja/nej)" answered "Ja"/"Nej", with empty rows whose box is unticked."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Otrygga platser"
    header = [
        "Kolumn1",
        "Insats",
        "Förväntad effekt",
        "Tidsram",
        "Ansvarig",
        "Genomförd (ja/nej)",
        "Uppföljning",
    ]
    _put(ws, 1, header, bold=True)
    end = _rows(
        ws,
        2,
        [
            [
                None,
                "Trygghetsvandring i centrum",
                "En åtgärdslista",
                "Maj 2026",
                "Kommunpolisen",
                "Ja",
                "Vandring 12 maj, 14 deltagare.",
            ],
            [
                None,
                "Röjning av buskage",
                "Bättre sikt",
                "Hösten 2026",
                "Parkenheten",
                "Nej",
                None,
            ],
            [
                None,
                "Väktare vid resecentrum",
                "Färre ordningsstörningar",
                "Helger",
                "Näringslivsenheten",
                True,
                None,
            ],
            [None, None, None, None, None, "Nej", None],
            [None, None, None, None, None, False, None],
        ],
    )
    _table(ws, "Insatser", f"A1:G{end - 1}")
    wb.save(path)
    return path
