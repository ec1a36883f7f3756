"""More municipalities' plans, in layouts the other builders do not cover: a flat export
from a follow-up system, a plan whose follow-ups are on a sheet of their own keyed by the
measure's number, merged problem and cause cells over measures numbered "1a, 1b", old
years' follow-ups in hidden columns under bare-year group headers, and one row per
measure and period.

Each builder writes one plausible plan with openpyxl and returns its path; what its
layout has that the others have not is said in its docstring.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tests.reports.municipal_workbooks import _put, _rows

STATUSES = '"Ej påbörjad,Pågår,Klar,Stoppad"'


def _status_list(ws: Worksheet, ref: str) -> None:
    """A drop-down of the status words on `ref`, as the plan's template gives it."""
    dv = DataValidation(type="list", formula1=STATUSES, allow_blank=True)
    dv.add(ref)
    ws.add_data_validation(dv)


def ostersund_flat_export(path: Path) -> Path:
    """An export from the municipality's follow-up system: one row per measure with area,
    problem and cause repeated in every row, header in row 1, frozen panes and an
    autofilter; numbers "A1", "A2", "B1"; start and end as real Excel dates; a status
    drop-down (Ej påbörjad, Pågår, Klar, Stoppad) beside the latest comment; a column of
    when each row was last changed; and a line below saying when the file was exported."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Export"
    header = [
        "ID",
        "Fokusområde",
        "Problem",
        "Orsak",
        "Åtgärd",
        "Mål",
        "Startdatum",
        "Slutdatum",
        "Ansvarig",
        "Status",
        "Kommentar",
        "Senast ändrad",
    ]
    _put(ws, 1, header, bold=True)
    area_a, area_b = "Trygg stadskärna", "Unga i riskzon"
    problem_a, cause_a = "Otrygghet kvällstid i centrum", "Mörka stråk och öppen narkotikahandel"
    problem_b, cause_b = "Unga rekryteras till kriminalitet", "Bristande vuxennärvaro"
    changed = dt.datetime(2025, 12, 3, 14, 12)
    end = _rows(
        ws,
        2,
        [
            [
                "A1",
                area_a,
                problem_a,
                cause_a,
                "Ny belysning på Prästgatan",
                "Färre anmälda rån",
                dt.datetime(2025, 3, 1),
                dt.datetime(2025, 10, 31),
                "Tekniska förvaltningen",
                "Klar",
                "Alla armaturer är utbytta.",
                changed,
            ],
            [
                "A2",
                area_a,
                problem_a,
                cause_a,
                "Kameraövervakning på Stortorget",
                "Ökad trygghet enligt trygghetsmätningen",
                dt.datetime(2025, 1, 1),
                dt.datetime(2025, 12, 31),
                "Polisen",
                "Stoppad",
                "Tillståndet överklagat, arbetet vilar.",
                changed,
            ],
            [
                "A3",
                area_a,
                problem_a,
                "Få vuxna ute på kvällarna",
                "Nattvandring fredagar och lördagar",
                "Vuxna ute varje helg",
                dt.datetime(2025, 1, 1),
                dt.datetime(2025, 12, 31),
                "Föreningen Nattvandrarna",
                "Pågår",
                None,
                changed,
            ],
            [
                "B1",
                area_b,
                problem_b,
                cause_b,
                "Fältassistenter i skolorna",
                "Alla skolor besökta varje vecka",
                dt.datetime(2025, 8, 18),
                dt.datetime(2025, 12, 19),
                "Socialtjänsten",
                "Ej påbörjad",
                None,
                None,
            ],
            [
                "B2",
                area_b,
                problem_b,
                cause_b,
                "SSPF-möten varannan vecka",
                "Inga unga utan insats",
                dt.datetime(2025, 1, 1),
                dt.datetime(2025, 12, 31),
                "Socialtjänsten, polisen, skolan",
                "Pågår",
                "Tolv unga har fått en plan.",
                changed,
            ],
        ],
    )
    _put(ws, end + 1, ["Exporterad 2025-12-04 08.15 från Stratsys av Kim Andersson"])
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:L{end - 1}"
    _status_list(ws, f"J2:J{end - 1}")
    wb.save(path)
    return path


def vaxjo_follow_ups_on_their_own_sheet(path: Path) -> Path:
    """The plan on one sheet, header in row 1, measures numbered "1.1", "1.2", "2.1" under
    an area column; the follow-ups on a second sheet "Uppföljning", keyed by the measure's
    number, with a column per tertial and a status drop-down, in another order than the
    plan's and with the measure's name written a little differently."""
    wb = Workbook()
    plan = wb.active
    plan.title = "Åtgärdsplan 2025"
    _put(plan, 1, ["Nr", "Prioriterat område", "Orsak", "Åtgärd", "När", "Vem"], bold=True)
    _rows(
        plan,
        2,
        [
            [
                "1.1",
                "Trygghet i centrum",
                "Mörka gångstråk",
                "Belysning i Linnéparken",
                "Q2",
                "Tekniska förvaltningen",
            ],
            [
                "1.2",
                "Trygghet i centrum",
                "Langning av alkohol",
                "Tillsyn av krogar",
                "Varje månad",
                "Alkoholhandläggare, polisen",
            ],
            [
                "2.1",
                "Unga i riskzon",
                "Skolfrånvaro",
                "Närvaroteam i högstadiet",
                "Läsåret",
                "Utbildningsförvaltningen",
            ],
            [
                "2.2",
                "Unga i riskzon",
                "Få fritidsaktiviteter",
                "Öppen idrottshall fredagar",
                "Varje fredag",
                "Fritidsförvaltningen",
            ],
        ],
    )
    follow = wb.create_sheet("Uppföljning")
    _put(follow, 1, ["Uppföljning av åtgärdsplanen 2025"], bold=True)
    header = ["Nr", "Åtgärd", "Uppföljning T1", "Uppföljning T2", "Uppföljning T3", "Status"]
    _put(follow, 3, header, bold=True)
    _rows(
        follow,
        4,
        [
            [
                "2.1",
                "Närvaroteam (högstadiet)",
                "Teamet är anställt.",
                "Frånvaron har minskat.",
                None,
                "Pågår",
            ],
            [
                "1.1",
                "Belysning Linnéparken",
                "Upphandlad.",
                "Uppsatt i juni.",
                "Målet är uppfyllt.",
                "Klar",
            ],
            ["1.2", "Tillsyn av krogar", "Fyra tillsyner.", None, None, "Pågår"],
        ],
    )
    _status_list(follow, "F4:F20")
    wb.save(path)
    return path


def lulea_merged_causes_and_lettered_numbers(path: Path) -> Path:
    """A sheet per area; problem and cause cells merged down over the two or three
    measures they lead to; the measures numbered "1a", "1b", "2a" (the cause's number and
    a letter); a guidance row in italics below the header; and a "Klart senast" column of
    real Excel dates."""
    wb = Workbook()
    ws = wb.active
    ws.title = "1. Otrygga platser"
    header = ["Nr", "Problem", "Orsak", "Åtgärd", "Klart senast", "Ansvarig", "Uppföljning"]
    _put(ws, 1, header, bold=True)
    guide = [
        None,
        "Beskriv problemet",
        "Beskriv orsaken",
        "Beskriv åtgärden",
        "Ange datum",
        "Ange vem som ansvarar",
        "Fylls i vid uppföljning",
    ]
    _put(ws, 2, guide)
    for c in range(1, len(guide) + 1):
        ws.cell(row=2, column=c).font = Font(italic=True)
    _rows(
        ws,
        3,
        [
            [
                "1a",
                "Otrygghet vid resecentrum",
                "Skymd sikt och mörker",
                "Röj buskage vid gångtunneln",
                dt.datetime(2025, 5, 31),
                "Fastighetskontoret",
                "Klart i april.",
            ],
            [
                "1b",
                None,
                None,
                "Byt armaturer i tunneln",
                dt.datetime(2025, 9, 30),
                "Tekniska förvaltningen",
                None,
            ],
            [
                "1c",
                None,
                None,
                "Trygghetsvandring med boende",
                dt.datetime(2025, 10, 15),
                "Trygghetssamordnare",
                "Planerad till oktober.",
            ],
            [
                "2a",
                None,
                "Öppen droghandel",
                "Riktade insatser kvällstid",
                dt.datetime(2025, 12, 31),
                "Polisen",
                "Pågår.",
            ],
            [
                "2b",
                None,
                None,
                "Kameror på perrongerna",
                dt.datetime(2025, 12, 31),
                "Trafikverket",
                None,
            ],
        ],
    )
    for ref in ("B3:B7", "C3:C5", "C6:C7"):
        ws.merge_cells(ref)
    wb.save(path)
    return path


def kiruna_old_years_in_hidden_columns(path: Path) -> Path:
    """A plan kept from year to year: a group header naming only the year ("2024",
    "2025") over "T1 | T2 | T3", last year's three columns hidden; this year's T3 still
    empty, last year's filled."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Åtgärdsplan"
    _put(ws, 1, ["Orsak", "Åtgärd", "Vem", "Uppföljning", None, None, None, None, None], bold=True)
    _put(ws, 2, [None, None, None, "2024", None, None, "2025", None, None], bold=True)
    _put(ws, 3, [None, None, None, "T1", "T2", "T3", "T1", "T2", "T3"], bold=True)
    _rows(
        ws,
        4,
        [
            [
                "Skadegörelse på skolor",
                "Kameror vid skolgårdarna",
                "Fastighetsbolaget",
                "Beställt.",
                "Monterade.",
                "Målet är uppfyllt.",
                "Nya skolor inventerade.",
                "Två till monterade.",
                None,
            ],
            [
                "Mörker i centrum",
                "Belysning på torget",
                "Tekniska förvaltningen",
                "Pågår.",
                "Pågår.",
                "Klart.",
                "Inte påbörjad.",
                None,
                None,
            ],
        ],
    )
    for ref in ("A1:A3", "B1:B3", "C1:C3", "D1:I1", "D2:F2", "G2:I2"):
        ws.merge_cells(ref)
    for letter in "DEF":
        ws.column_dimensions[letter].hidden = True
    wb.save(path)
    return path


def pitea_one_row_per_period(path: Path) -> Path:
    """An export with one row per measure and reporting period: the measure's number,
    area, text and who repeated for each tertial it was followed up in, with that
    period's follow-up and status."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Uppföljningsrapport"
    header = ["Åtgärd nr", "Område", "Åtgärd", "Ansvarig", "Period", "Uppföljning", "Status"]
    _put(ws, 1, header, bold=True)
    _rows(
        ws,
        2,
        [
            [
                "1.1",
                "Trygg miljö",
                "Belysning i parken",
                "Tekniska",
                "2025-T1",
                "Upphandlad.",
                "Pågår",
            ],
            ["1.1", "Trygg miljö", "Belysning i parken", "Tekniska", "2025-T2", "Uppsatt.", "Klar"],
            [
                "1.2",
                "Trygg miljö",
                "Trygghetsvandring",
                "Polisen",
                "2025-T1",
                "Genomförd i mars.",
                "Klar",
            ],
            [
                "2.1",
                "Unga",
                "Fältgrupp kvällstid",
                "Socialtjänsten",
                "2025-T1",
                "Rekrytering pågår.",
                "Pågår",
            ],
            [
                "2.1",
                "Unga",
                "Fältgrupp kvällstid",
                "Socialtjänsten",
                "2025-T2",
                "Gruppen är ute tre kvällar i veckan.",
                "Pågår",
            ],
        ],
    )
    wb.save(path)
    return path
