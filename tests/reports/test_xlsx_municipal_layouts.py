"""Layouts other municipalities' plans use that the city's templates do not: interim reports
("Delår 1", "Helår"), follow-ups headed by the month alone, abbreviated and compound
headers, a sheet per collaboration group, traffic lights as cell colours, and more.

Each test builds a real .xlsx with openpyxl from the seeds' texts (003 Nässjö, 002 Järva)
and reads it with `read_plan`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reports.xlsx_reader import ParsedPlan, ParsedRow, read_plan
from tests.reports.make_workbooks import Sheet, write_workbook


def _rows(plan: ParsedPlan) -> list[ParsedRow]:
    return [row for area in plan.areas for row in area.rows]


def _follow_ups(row: ParsedRow) -> list[tuple[int | None, str]]:
    return [(f.tertial, f.text) for f in row.follow_ups]


# --------------------------------------------------------------------------- reporting periods

MORKER = ["Mörker", "Belysning i Stadsparken", "Under 2025", "Tekniska kontoret"]
KLOTTER = ["Klotter", "Klottersanering inom 24 timmar", "Linjearbete", "Tekniska kontoret"]


@pytest.mark.parametrize(
    ("top", "labels"),
    [
        # The interim reports' own names as headers, no group header above.
        (False, ["Delår 1", "Delår 2", "Helår"]),
        (False, ["Uppföljning delår 1", "Uppföljning delår 2", "Uppföljning helår"]),
        (False, ["Delårsrapport 1", "Delårsrapport 2", "Årsrapport"]),
        # "Uppföljning" written once above them, not merged.
        (True, ["Delår 1", "Delår 2", "Helår"]),
        (True, ["Delår 1 2025", "Delår 2 2025", "Helår 2025"]),
        # The reporting months alone.
        (False, ["April", "Augusti", "December"]),
        (False, ["T1", "T2", "T3"]),
    ],
)
def test_each_interim_reports_follow_up_is_kept_for_its_tertial(
    tmp_path: Path, top: bool, labels: list[str]
) -> None:
    rows: list[list[Any]] = [
        *([[None, None, None, None, "Uppföljning"]] if top else []),
        ["Orsak", "Åtgärd", "När", "Vem", *labels],
        [*MORKER, "Beställt.", "Lamporna är uppsatta.", "Målet är uppfyllt."],
        [*KLOTTER, "Pågår", None, None],
    ]
    plan = read_plan(write_workbook(tmp_path / "delar.xlsx", [Sheet("Otrygga platser", rows)]))
    first, second = _rows(plan)
    assert _follow_ups(first) == [
        (1, "Beställt."),
        (2, "Lamporna är uppsatta."),
        (3, "Målet är uppfyllt."),
    ]
    assert first.verdict == "uppfyllt"
    assert _follow_ups(second) == [(1, "Pågår")]


def test_month_columns_ticked_off_are_a_schedule_not_follow_ups(tmp_path: Path) -> None:
    months = ["Januari", "Februari", "Mars", "April"]
    rows: list[list[Any]] = [
        ["Orsak", "Åtgärd", "Vem", *months, "Uppföljning"],
        ["Mörker", "Trygghetsvandring", "Trygghetssamordnare", "x", None, None, "x", "Pågår"],
        ["Klotter", "Klottersanering", "Tekniska kontoret", None, "x", None, None, None],
    ]
    plan = read_plan(write_workbook(tmp_path / "gantt.xlsx", [Sheet("1. Platser", rows)]))
    first, second = _rows(plan)
    assert _follow_ups(first) == [(None, "Pågår")]
    assert second.follow_ups == [] and second.follow_up is None


def test_month_columns_with_dashes_for_not_yet_are_follow_ups(tmp_path: Path) -> None:
    """A dash is how a plan says "nothing yet" in a follow-up column, not a tick in a
    schedule: the months' texts are still each tertial's follow-up."""
    rows: list[list[Any]] = [
        ["Orsak", "Åtgärd", "Vem", "April", "Augusti", "December"],
        ["Mörker", "Trygghetsvandring", "Trygghetssamordnare", "-", "–", "-"],
        ["Klotter", "Klottersanering", "Tekniska kontoret", "Sanerat inom 24 h", "-", None],
    ]
    plan = read_plan(write_workbook(tmp_path / "months.xlsx", [Sheet("1. Platser", rows)]))
    _first, second = _rows(plan)
    assert _follow_ups(second) == [(1, "Sanerat inom 24 h")]


# --------------------------------------------------------------------------- header words

NASSJO_ROW = [
    "Otrygghet i centrum",
    "Dålig belysning i gångtunneln",
    "Trygghetsvandring med polis och fastighetsägare",
    "Säkerhetschef",
    "2 ggr/år",
    "Genomförd i april.",
]


@pytest.mark.parametrize(
    "header",
    [
        # Abbreviated to fit a printed page.
        ["Probl.", "Orsak", "Åtg.", "Ansv.", "Tidpl.", "Uppf."],
        # Swedish compounds instead of the template's words.
        [
            "Problemområden",
            "Orsaksbeskrivning",
            "Åtgärdsbeskrivning",
            "Ansvarig enhet",
            "Tidsplanering",
            "Uppföljningsresultat",
        ],
        ["Problem", "Orsak", "Aktivitetsbeskrivning", "Ansvar", "Tidsangivelse", "Uppföljningar"],
    ],
)
def test_abbreviated_and_compound_headers(tmp_path: Path, header: list[str]) -> None:
    rows = [["Åtgärdsplan 2025 – Nässjö kommun"], [], ["Nr", *header], ["1.1", *NASSJO_ROW]]
    plan = read_plan(write_workbook(tmp_path / "nassjo.xlsx", [Sheet("Åtgärdsplan", rows)]))
    (r,) = _rows(plan)
    assert [r.problem, r.cause, r.measure, r.responsible, r.when, r.follow_up] == NASSJO_ROW
    assert r.ref == "1.1" and plan.warnings == []


def test_start_and_end_dates_give_the_measure_its_window(tmp_path: Path) -> None:
    import datetime as dt

    rows: list[list[Any]] = [
        ["Orsak", "Åtgärd", "Start", "Slut", "Ansvarig"],
        ["Mörker", "Belysning i Stadsparken", dt.date(2025, 2, 1), dt.date(2025, 6, 30), "TK"],
        ["Klotter", "Klottersanering", dt.date(2025, 1, 1), "Linjearbete", "TK"],
        ["Oro", "Trygghetsvandring", None, dt.date(2025, 10, 15), "SDF"],
        ["Skadegörelse", "Kameraövervakning", "2025-03", "2025-08", "TK"],
    ]
    plan = read_plan(write_workbook(tmp_path / "datum.xlsx", [Sheet("1. Platser", rows)]))
    assert [r.when for r in _rows(plan)] == [
        "2025-02-01 – 2025-06-30",
        "Linjearbete",
        "2025-10-15",
        "2025-03 – 2025-08",
    ]
    from reminders.rhythm import parse_when

    window = parse_when(_rows(plan)[3].when, 2025)
    assert (window.start, window.deadline) == (dt.date(2025, 3, 1), dt.date(2025, 8, 31))


# --------------------------------------------------------------------------- two columns, one field


def test_a_second_when_column_adds_the_rhythm(tmp_path: Path) -> None:
    from reminders.rhythm import RhythmKind, parse_when

    rows = [
        ["Åtgärd", "Ansvarig", "Tidsplan", "Frekvens"],
        ["Medborgardialog enligt SKR:s modell", "Säkerhetschef", "Under 2025", "2 ggr/år"],
        ["Lägesrapport till strategiska rådet", "Säkerhetsenheten", "Linjearbete", "3 ggr/år"],
        ["Utförlig lägesbild med orsaksanalys", "Säkerhetsenheten", "Under 2025", None],
    ]
    plan = read_plan(write_workbook(tmp_path / "frekvens.xlsx", [Sheet("1. Dialog", rows)]))
    whens = [r.when for r in _rows(plan)]
    assert whens == ["Under 2025\n2 ggr/år", "Linjearbete\n3 ggr/år", "Under 2025"]
    rhythms = [parse_when(w, 2025) for w in whens]
    assert [(r.kind, r.per_year) for r in rhythms] == [
        (RhythmKind.RECURRING, 2.0),
        (RhythmKind.RECURRING, 3.0),
        (RhythmKind.ONE_OFF, None),
    ]


def test_an_activitys_description_column_is_part_of_the_measure(tmp_path: Path) -> None:
    rows = [
        ["Aktivitet", "Beskrivning", "Ansvarig", "Tidsplan"],
        [
            "Trygghetsvandring",
            "Boende, polis och kommun går runt i centrum och noterar brister.",
            "Trygghetssamordnare",
            "2 ggr/år",
        ],
        ["Platssamverkan", None, "Samordnare", "4 ggr/år"],
    ]
    plan = read_plan(write_workbook(tmp_path / "aktivitet.xlsx", [Sheet("2. Platser", rows)]))
    assert [r.measure for r in _rows(plan)] == [
        "Trygghetsvandring: Boende, polis och kommun går runt i centrum och noterar brister.",
        "Platssamverkan",
    ]


def test_a_group_header_over_each_partys_responsibility(tmp_path: Path) -> None:
    rows = [
        ["Orsak", "Åtgärd", "Ansvar", None, "När"],
        [None, None, "Kommun", "Polisen", None],
        ["Mörker", "Trygghetsvandring", "Trygghetssamordnare", "Kommunpolis", "2 ggr/år"],
    ]
    merges = ["A1:A2", "B1:B2", "C1:D1", "E1:E2"]
    plan = read_plan(write_workbook(tmp_path / "ansvar.xlsx", [Sheet("1. P", rows, merges=merges)]))
    (r,) = _rows(plan)  # the sub-header row is no measure
    assert (r.row, r.cause, r.measure, r.when) == (3, "Mörker", "Trygghetsvandring", "2 ggr/år")
    assert r.responsible == "Trygghetssamordnare\nKommunpolis"


# --------------------------------------------------------------------------- a sheet per group

UNGA = "Unga i riskzon för destruktivt beteende"
PLATSER = "Otrygga och brottsutsatta platser"


def test_a_sheet_per_group_with_an_area_column_gives_each_area_once(tmp_path: Path) -> None:
    header = ["Prioriterat område", "Orsak", "Åtgärd", "När", "Vem"]
    sheets = [
        Sheet(
            "SSP",
            [
                header,
                [UNGA, "Informationsutbyte", "SSP: nätverksmöten", "8 ggr/år", "Prev"],
                [PLATSER, "Skolgårdar", "SSP: skolgårdsvärdar", "Linjearbete", "Rektor"],
            ],
        ),
        Sheet(
            "EST",
            [
                header,
                [PLATSER, "Vandalism", "EST: rapportörer", "2 ggr/månad", "Trygghetssamordnare"],
                [UNGA.upper(), "Unga samlas", "EST: analys av unga", "Per tertial", "Polisen"],
            ],
        ),
        Sheet(
            "Trygghetsråd",
            [header, [PLATSER, "Otrygga platser", "Rådet beslutar", "4 ggr/år", "Direktör"]],
        ),
    ]
    plan = read_plan(write_workbook(tmp_path / "grupper.xlsx", sheets))
    got = [(a.number, a.name, [r.measure for r in a.rows]) for a in plan.areas]
    assert got == [
        (1, UNGA, ["SSP: nätverksmöten", "EST: analys av unga"]),
        (2, PLATSER, ["SSP: skolgårdsvärdar", "EST: rapportörer", "Rådet beslutar"]),
    ]
    assert [r.sheet for r in plan.areas[1].rows] == ["SSP", "EST", "Trygghetsråd"]


# --------------------------------------------------------------------------- traffic lights


def test_a_status_shown_only_by_the_cells_colour(tmp_path: Path) -> None:
    from openpyxl.styles import Color, PatternFill

    def colour(ws: Any) -> None:
        fills = {
            "E2": "FF00B050",  # green
            "E3": "FFFFEB9C",  # Excel's "Neutral" style, pale yellow
            "E6": "FFD9E1F2",  # pale blue: decoration, no status
        }
        for ref, rgb in fills.items():
            ws[ref].fill = PatternFill("solid", fgColor=rgb)
        ws["E4"].fill = PatternFill("solid", fgColor=Color(indexed=10))  # the palette's red
        ws["E5"].fill = PatternFill("solid", fgColor="0000FF00")
        ws["B5"].fill = PatternFill("solid", fgColor="0000FF00")  # the whole row is marked

    rows = [
        ["Orsak", "Åtgärd", "När", "Vem", "Status"],
        ["Informationsutbyte", "SSP-möten", "8 ggr/år", "Preventionssamordnare", None],
        ["Skolmiljö", "Skolbesök", "Linjearbete", "Polis och fältassistenter", None],
        ["Ny lag", "Rektor lämnar uppgifter", "Under 2025", "Skolor", None],
        ["Otrygghet", "Trygghetsvandring", "2 ggr/år", "Trygghetssamordnare", None],
        ["Klotter", "Sanering", "Linjearbete", "Tekniska kontoret", None],
        ["Mörker", "Belysning", "Under 2025", "Tekniska kontoret", "Pågår"],
    ]
    plan = read_plan(write_workbook(tmp_path / "ljus.xlsx", [Sheet("1. Unga", rows, setup=colour)]))
    got = [(r.follow_up, r.verdict) for r in _rows(plan)]
    assert got == [
        ("Grön", "uppfyllt"),
        ("Gul", "delvis"),
        ("Röd", "ej_uppfyllt"),
        (None, "ej_bedomd"),
        (None, "ej_bedomd"),
        ("Pågår", "pagaende"),
    ]


# --------------------------------------------------------------------------- outline numbers


def test_headings_numbered_in_the_plans_outline(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Åtgärdsplan 2025 Nässjö kommun"],
        ["Nr", "Beskrivning", "Ansvarig", "Tidplan"],
        ["1", "Otrygghet i centrum"],
        ["1.1", "Mörka gångstråk"],
        ["1.1.1", "Belysning i Stadsparken", "Tekniska kontoret", "Under 2025"],
        ["1.1.2", "Trygghetsvandring", "Säkerhetschef", "2 ggr/år"],
        [2, "Unga i riskzon"],  # typed as a number
        [2.1, "SSP-möten", "Preventionssamordnare", "8 ggr/år"],
        ["2.2", "Föräldravandringar"],  # a measure with only its name written so far
    ]
    plan = read_plan(write_workbook(tmp_path / "nassjo.xlsx", [Sheet("Åtgärdsplan", rows)]))
    got = [(a.number, a.name, [(r.ref, r.problem, r.measure) for r in a.rows]) for a in plan.areas]
    assert got == [
        (
            1,
            "Otrygghet i centrum",
            [
                ("1.1.1", "Mörka gångstråk", "Belysning i Stadsparken"),
                ("1.1.2", "Mörka gångstråk", "Trygghetsvandring"),
            ],
        ),
        (
            2,
            "Unga i riskzon",
            [("2.1", None, "SSP-möten"), ("2.2", None, "Föräldravandringar")],
        ),
    ]
    assert plan.warnings == []


def test_a_measure_numbered_like_a_heading_is_still_a_measure(tmp_path: Path) -> None:
    rows = [
        ["Nr", "Åtgärd", "Ansvarig", "När"],
        ["1", "Medborgardialog"],
        ["2", "Lägesrapport till rådet", "Säkerhetsenheten", "3 ggr/år"],
    ]
    plan = read_plan(write_workbook(tmp_path / "plan.xlsx", [Sheet("Åtgärdsplan", rows)]))
    assert [(r.ref, r.measure) for r in _rows(plan)] == [
        ("1", "Medborgardialog"),
        ("2", "Lägesrapport till rådet"),
    ]


# --------------------------------------------------------------------------- several years


def two_years_plan(path: Path) -> Path:
    """Last year's plan kept on its own sheet beside this year's (seed 002, Järva 2024)."""
    header = ["Prioriterat område", "Orsak", "Åtgärd", "När", "Vem", "Uppföljning"]
    sheets = [
        Sheet(
            "Åtgärdsplan 2024",
            [
                ["Åtgärdsplan 2024 Järva"],
                header,
                [
                    UNGA,
                    "Nyrekrytering",
                    "Pilotprojekt med ANDTS-coach",
                    "Under året",
                    "IoF",
                    "Målet är uppfyllt.",
                ],
            ],
        ),
        Sheet(
            "Åtgärdsplan 2025",
            [
                header,
                [UNGA, "Nyrekrytering", "Utvärderingsmodell för MVP", "Under 2025", "IoF", None],
                [PLATSER, "Mörker", "Trygghetsvandringar", "2 ggr/år", "Samordnare", None],
            ],
        ),
    ]
    return write_workbook(path, sheets)


def test_last_years_plan_on_its_own_sheet_is_left_out(tmp_path: Path) -> None:
    path = two_years_plan(tmp_path / "atgardsplan-jarva.xlsx")
    plan = read_plan(path)
    assert plan.year == 2025
    assert [r.measure for r in _rows(plan)] == ["Utvärderingsmodell för MVP", "Trygghetsvandringar"]
    (warning,) = plan.warnings
    assert warning.startswith("Fliken ”Åtgärdsplan 2024” är planen för 2024 och lästes inte in")

    older = read_plan(path, year=2024)
    assert older.year == 2024
    assert [(r.measure, r.verdict) for r in _rows(older)] == [
        ("Pilotprojekt med ANDTS-coach", "uppfyllt")
    ]


def test_what_and_how_in_two_columns_are_one_measure(tmp_path: Path) -> None:
    rows = [
        ["Varför?", "Vad?", "Hur?", "Vem?", "När?", "Hur ska det följas upp?"],
        [
            "Tidig debut i kriminalitet",
            "SSP-möten",
            "Skola, socialtjänst och polis beslutar om åtgärder utifrån lägesbilden.",
            "Preventionssamordnare",
            "8 ggr/år",
            "Antal möten räknas.",
        ],
    ]
    (r,) = _rows(read_plan(write_workbook(tmp_path / "vad.xlsx", [Sheet("1. Unga", rows)])))
    assert r.measure == (
        "SSP-möten: Skola, socialtjänst och polis beslutar om åtgärder utifrån lägesbilden."
    )
    assert (r.cause, r.responsible, r.when) == (
        "Tidig debut i kriminalitet",
        "Preventionssamordnare",
        "8 ggr/år",
    )
    assert r.follow_up is None  # how it is to be followed up is no follow-up


@pytest.mark.parametrize(
    ("word", "verdict"),
    [
        ("Försenad", "delvis"),
        ("Enligt plan", "pagaende"),
        ("På gång", "pagaende"),
        ("Avbruten", "ej_uppfyllt"),
        ("Inställd", "ej_uppfyllt"),
        ("Genomförd enligt plan", "uppfyllt"),
        ("Ej aktuell", "ej_bedomd"),
    ],
)
def test_a_status_drop_downs_words(tmp_path: Path, word: str, verdict: str) -> None:
    rows = [
        ["Åtgärd", "Ansvarig", "Deadline", "Status"],
        ["Trygghetsvandring", "Trygghetssamordnare", "2025-05-31", word],
    ]
    (r,) = _rows(read_plan(write_workbook(tmp_path / "s.xlsx", [Sheet("1. Platser", rows)])))
    assert (r.follow_up, r.verdict) == (word, verdict)


# --------------------------------------------------------------------------- numbers as areas

NUMBERED = [
    ["Nr", "Problem", "Orsak", "Åtgärd", "Ansvarig", "När"],
    ["1.1", "Otrygghet i centrum", "Mörker", "Belysning i parken", "TK", "Under 2025"],
    ["1.2", "Otrygghet i centrum", "Klotter", "Klottersanering", "TK", "Linjearbete"],
    [
        "2.1",
        "Ungdomar i riskzon",
        "Sysslolöshet",
        "Fältassistenter kvällstid",
        "SOC",
        "2 ggr/vecka",
    ],
    [None, "Ungdomar i riskzon", "Droger", "Föräldravandringar", "SOC", "4 ggr/år"],
]


def test_numbers_of_several_areas_on_the_only_sheet_divide_it(tmp_path: Path) -> None:
    """No area column, no headings, one sheet: "2.1" says the measure is in area 2. One area
    for all would have renumbered it 1.3, and `/atgard visa 2.1` would find nothing."""
    plan = read_plan(write_workbook(tmp_path / "nr.xlsx", [Sheet("Åtgärder", NUMBERED)]))
    assert [(a.number, a.name, [r.measure for r in a.rows]) for a in plan.areas] == [
        (1, "Område 1", ["Belysning i parken", "Klottersanering"]),
        (2, "Område 2", ["Fältassistenter kvällstid", "Föräldravandringar"]),
    ]
    assert len(plan.warnings) == 1 and "efter sina nummer" in plan.warnings[0]


def test_numbers_of_one_area_leave_the_sheet_whole(tmp_path: Path) -> None:
    rows = [NUMBERED[0], *[[f"3.{i}", *row[1:]] for i, row in enumerate(NUMBERED[1:], 1)]]
    plan = read_plan(write_workbook(tmp_path / "nr3.xlsx", [Sheet("Åtgärder", rows)]))
    assert [(a.number, len(a.rows)) for a in plan.areas] == [(3, 4)]
    assert plan.warnings == []
