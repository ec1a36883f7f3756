"""Plans the way municipalities really lay them out, built to break the reader.

Each test writes a real .xlsx with openpyxl (merged cells, hidden rows, filters, panes,
validation, odd headers) from the texts of the seeds (001 Kungsholmen 2025, 002 Järva 2024
with its year-end follow-up, 003 Nässjö) and reads it with `read_plan`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from reports.xlsx_reader import ParsedPlan, ParsedRow, read_plan
from tests.reports.make_workbooks import (
    HEADERS_2024,
    INSTRUCTIONS_2024,
    INSTRUCTIONS_2025,
    JARVA_2024,
    Sheet,
    write_workbook,
)


def _rows(plan: ParsedPlan) -> list[ParsedRow]:
    return [row for area in plan.areas for row in area.rows]


def _areas(plan: ParsedPlan) -> list[tuple[int, str, int]]:
    return [(a.number, a.name, len(a.rows)) for a in plan.areas]


# Seed 001, area 4 (Särskilt utsatta och sårbara brottsoffer), shortened a little.
VUXNA = "Vuxna"
BARN = "Barn"
ORSAK_BARN = (
    "Barn som lever i och som växer upp i familjer där det förekommer våld är en särskilt "
    "utsatt målgrupp som riskerar att fara illa och utvecklas negativt."
)
SAMSITTNING = "Socialsekreterare samsittning hos polis: "
HEADER_2025 = ["Särskilt utsatta och sårbara brottsoffer", "Orsak", "Åtgärd"]
HEADER_2025 += ["Operativa\nmål", "När", "Vem", "Uppföljning"]


def _brottsoffer_sheet(**kw: Any) -> Sheet:
    """The 2025 template's area 4, with the Problem, Orsak and När cells merged down."""
    rows = [
        HEADER_2025,
        INSTRUCTIONS_2025,
        [
            VUXNA,
            "Våld i nära relation är en vanlig anmälningsorsak till socialtjänsten.",
            SAMSITTNING + "2 socialsekreterare samsitter med utredningssektion 1.",
            "Effektivisera samverkan mellan socialtjänst och polis.",
            "Linjearbete",
            "Socialsekreterare och polis har ett gemensamt ansvar för daglig samverkan",
            None,
        ],
        [
            BARN,
            ORSAK_BARN,
            SAMSITTNING + "När vi träffar våldsutövare frågar vi om det finns barn i närheten.",
            "Att fånga upp fler barn som upplevt våld.",
            None,
            "Polis och socialtjänst har gemensamt ansvar",
            None,
        ],
        [
            None,
            None,
            "Islandsmodellen: Vid akut ingripande kontaktar polisen socialtjänsten.",
            "Effektivisera samverkan mellan socialtjänst och polis.",
            None,
            "Ingripande polis kontaktar socialtjänsten",
            None,
        ],
        [
            "Våldsutsatta vuxna",
            "Det är svårt att bryta sig loss från en våldsam relation.",
            "Bryt Upp: Våldsutsatta som vill lämna en våldsam relation får sammanhållet stöd.",
            "En lokal process för Bryt Upp med rutiner är beslutad.",
            "Under 2025",
            "VINR-samordnare ansvarar för att samordna implementeringen.",
            None,
        ],
    ]
    merges = ["A4:A5", "B4:B5", "E3:E5"]
    return Sheet("4. Särskilt utsatta och sårbara", rows, italic_rows={2}, merges=merges, **kw)


# --------------------------------------------------------------------------- merged cells


def test_problem_cause_and_when_merged_down_reach_every_row(tmp_path: Path) -> None:
    plan = read_plan(write_workbook(tmp_path / "brottsoffer.xlsx", [_brottsoffer_sheet()]))
    assert _areas(plan) == [(4, "Särskilt utsatta och sårbara brottsoffer", 4)]
    rows = _rows(plan)
    assert [r.problem for r in rows] == [VUXNA, BARN, BARN, "Våldsutsatta vuxna"]
    assert [r.cause for r in rows][1:3] == [ORSAK_BARN, ORSAK_BARN]
    assert [r.when for r in rows] == ["Linjearbete"] * 3 + ["Under 2025"]
    assert rows[0].goal == "Effektivisera samverkan mellan socialtjänst och polis."
    assert plan.warnings == [] and all(not r.missing for r in rows)


def test_merged_follow_up_and_status_cells_count_for_every_row(tmp_path: Path) -> None:
    rows = [
        ["Orsak", "Åtgärd", "När", "Vem", "Uppföljning", "Status"],
        ["Oro i centrum", "Trygghetsvandring", "2 ggr/år", "SDF", "Två vandringar hölls.", "Grön"],
        ["Mörker", "Belysning vid torget", "Under 2025", "TK", None, None],
        ["Klotter", "Sanering inom 24 timmar", "Linjearbete", "Fastighetsägare", "Pågår", None],
    ]
    sheet = Sheet("2. Otrygga platser", rows, merges=["E2:E3", "F2:F3"])
    got = [
        (r.follow_up, r.verdict)
        for r in _rows(read_plan(write_workbook(tmp_path / "m.xlsx", [sheet])))
    ]
    assert got == [
        ("Två vandringar hölls.", "uppfyllt"),
        ("Två vandringar hölls.", "uppfyllt"),
        ("Pågår", "pagaende"),
    ]


def test_area_column_merged_over_its_measures_with_a_merged_title(tmp_path: Path) -> None:
    rows = [
        ["Åtgärdsplan 2025 – Kungsholmen", None, None, None, None, None],
        ["Prioriterat område", "Problem", "Orsak", "Åtgärd", "När", "Vem"],
        [
            "Otrygga och brottsutsatta platser",
            "Lägesbild",
            "Behov av strategi",
            "Trygghetsråd",
            "4 ggr/år",
            "SDF",
        ],
        [
            None,
            "Lägesbild",
            "Systematiskt arbetssätt",
            "EST",
            "2 ggr/månad",
            "Trygghetssamordnaren",
        ],
        [
            None,
            "Utemiljön",
            "Fysisk gatumiljö",
            "Trygghetsvandring",
            "2 ggr/år eller vid behov",
            "SDF",
        ],
        [
            "Kriminella miljöer och livsstilar",
            "Avhoppare",
            "Få vill lämna",
            "Avhopparverksamhet",
            "Linjearbete",
            "Polisen",
        ],
    ]
    sheet = Sheet("Kungsholmen 2025", rows, merges=["A1:F1", "A3:A5"], bold_rows={1})
    plan = read_plan(write_workbook(tmp_path / "k.xlsx", [sheet]))
    assert _areas(plan) == [
        (1, "Otrygga och brottsutsatta platser", 3),
        (2, "Kriminella miljöer och livsstilar", 1),
    ]
    assert (plan.title, plan.year, plan.district) == (
        "Åtgärdsplan 2025 – Kungsholmen",
        2025,
        "Kungsholmen",
    )


def test_header_cell_merged_across_two_columns(tmp_path: Path) -> None:
    # "Åtgärd" spread over C:D: the measure is written in C, D is left empty or holds "hur".
    rows = [
        ["Problem", "Orsak", "Åtgärd", None, "När", "Vem"],
        ["Barn och unga", "Info behövs", "SSP: Nätverksmöten", None, "8 ggr/år", "Prev"],
    ]
    sheet = Sheet("1. Unga", rows, merges=["C1:D1"])
    (r,) = _rows(read_plan(write_workbook(tmp_path / "h.xlsx", [sheet])))
    assert (r.measure, r.when, r.responsible) == ("SSP: Nätverksmöten", "8 ggr/år", "Prev")


# --------------------------------------------------------------------------- templates


def test_jarva_2024_with_cause_category_merged_and_year_end_follow_up(tmp_path: Path) -> None:
    area, _, data = JARVA_2024[0]
    body = [[None, *row] for row in data]
    rows = [["Åtgärdsplan 2024 – Järva"], [], HEADERS_2024, [area, *INSTRUCTIONS_2024], *body]
    for row in rows[5:]:
        row[1] = None  # "Nyrekrytering" written once, merged down over the area's rows
    first, last = 5, 4 + len(body)
    sheet = Sheet("Unga i riskzon", rows, merges=[f"B{first}:B{last}"], italic_rows={4})
    plan = read_plan(write_workbook(tmp_path / "jarva.xlsx", [sheet]))
    assert _areas(plan) == [(1, area, 6)]
    rows_read = _rows(plan)
    assert {r.cause for r in rows_read} == {"Nyrekrytering"}
    assert all(r.problem is None and r.goal is None and not r.missing for r in rows_read)
    assert [r.verdict for r in rows_read] == ["uppfyllt"] * 4 + ["ej_uppfyllt", "uppfyllt"]
    assert (plan.year, plan.district) == (2024, "Järva")


NASSJO_ROWS: list[list[Any]] = [
    ["Plan för brottsförebyggande arbete 2025 – Nässjö kommun"],
    ["Beslutad av kommunfullmäktige 2024-03-21, § 39"],
    [],
    [
        "Nr",
        "Fokusområde",
        "Aktivitet",
        "Mål",
        "Ansvar",
        "Tidsplan",
        "Medborgarlöfte",
        "Uppföljning",
        "Status",
    ],
    [
        "1.1",
        "Lägesbild och analys",
        "Gruppen för lägesbild/analys tar fram en lägesrapport.",
        "Lägesrapport till kommunstyrelsen varje tertial",
        "Säkerhetschef",
        "3 ggr/år",
        "Nej",
        "Två lägesrapporter är klara.",
        "Gul",
    ],
    [
        "1.2",
        None,
        "Utförlig lägesbild med orsaksanalys sammanställs.",
        "Underlag för åtgärdsplanen",
        "Grupp lägesbild",
        "Minst 1 gång/år",
        "Nej",
        None,
        None,
    ],
    [],
    [
        "2.1",
        "Medborgardialog",
        "Medborgardialoger enligt SKR:s modell om genomfört och planerat arbete.",
        "Kommuninvånarnas synpunkter tas till vara",
        "Kommunledningskontoret",
        "2 ggr/år",
        "Ja",
        "Målet är uppfyllt. Två dialoger hölls.",
        "Grön",
    ],
    [
        "2.2",
        None,
        "Medborgarlöftena följs upp av presidiet och lokalpolisområdet.",
        "Löftena förnyas vart annat år",
        "Kommunstyrelsens presidium, LPO Högländet",
        "2 ggr/år",
        "Ja",
        "Ej påbörjat",
        "Röd",
    ],
    ["Totalt", None, 4, None, None, None, None, None, None],
]


def test_nassjo_style_municipal_plan(tmp_path: Path) -> None:
    sheet = Sheet("Åtgärder 2025", NASSJO_ROWS, merges=["B5:B6", "B8:B9"], bold_rows={4})
    plan = read_plan(write_workbook(tmp_path / "nassjo.xlsx", [sheet]))
    assert _areas(plan) == [(1, "Lägesbild och analys", 2), (2, "Medborgardialog", 2)]
    rows = _rows(plan)
    assert [r.ref for r in rows] == ["1.1", "1.2", "2.1", "2.2"]
    assert [r.verdict for r in rows] == ["delvis", "ej_bedomd", "uppfyllt", "ej_uppfyllt"]
    assert rows[0].responsible == "Säkerhetschef" and rows[0].when == "3 ggr/år"
    # "Medborgarlöfte" is a column we do not know, not the area's name or the problem.
    assert all(r.problem is None for r in rows)
    assert plan.warnings == []
    assert (plan.year, plan.district) == (2025, "Nässjö")


def test_an_unknown_column_is_not_taken_for_the_area_name(tmp_path: Path) -> None:
    rows = [
        ["Aktivitet", "Ansvar", "Tidsplan", "Medborgarlöfte", "Uppföljning", "Status"],
        ["Medborgardialog", "Säkerhetschef", "2 ggr/år", "Ja", "Genomförd", "Grön"],
    ]
    plan = read_plan(write_workbook(tmp_path / "plan.xlsx", [Sheet("Plan", rows)]))
    assert _areas(plan) == [(1, "Åtgärder", 1)]
    assert _rows(plan)[0].problem is None


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    "goal_header",
    [
        "Operativa\nmål",
        "Operativa\xa0mål",
        "OPERATIVA MÅL:",
        "operativa mål :",
        "Opera\xadtiva mål",
    ],
)
def test_header_cells_with_breaks_spaces_colons_and_case(tmp_path: Path, goal_header: str) -> None:
    header = ["Problem\xa0", "Orsak:", "ÅTGÄRD", goal_header, " När? ", "Vem\n", "Uppföljning:"]
    row = ["Barn och unga", "Info", "SSP", "Ökad kunskap", "8 ggr/år", "Prev", "Pågår"]
    (r,) = _rows(read_plan(write_workbook(tmp_path / "h.xlsx", [Sheet("1. Unga", [header, row])])))
    assert (r.problem, r.cause, r.measure, r.goal) == (
        "Barn och unga",
        "Info",
        "SSP",
        "Ökad kunskap",
    )
    assert (r.when, r.responsible, r.follow_up) == ("8 ggr/år", "Prev", "Pågår")


@pytest.mark.parametrize("ref_header", ["Nr", "Nr.", "Ref", "#", "Åtgärd nr", "Id"])
def test_the_plans_own_measure_numbers_are_kept(tmp_path: Path, ref_header: str) -> None:
    rows = [
        [ref_header, "Orsak", "Åtgärd", "När", "Vem"],
        ["1.1", "Info", "SSP-möten", "8 ggr/år", "Prev"],
        [1.2, "Skolmiljö", "Skolbesök", "Linjearbete", "Polis"],  # typed as a number
        ["A3", "Ny lag", "Rektor lämnar uppgifter", "Linjearbete", "Skolor"],
    ]
    rows_read = _rows(read_plan(write_workbook(tmp_path / "nr.xlsx", [Sheet("1. Unga", rows)])))
    assert [r.ref for r in rows_read] == ["1.1", "1.2", "A3"]
    assert [r.measure for r in rows_read] == ["SSP-möten", "Skolbesök", "Rektor lämnar uppgifter"]


def test_numbered_empty_template_rows_are_skipped(tmp_path: Path) -> None:
    rows = [
        ["Nr", "Orsak", "Åtgärd", "När", "Vem"],
        ["1.1", "Info", "SSP-möten", "8 ggr/år", "Prev"],
        ["1.2"],
        ["1.3"],
        ["1.4", None, None, None, None],
    ]
    for title in ("1. Unga", "Blad1"):
        plan = read_plan(write_workbook(tmp_path / "t.xlsx", [Sheet(title, rows)]))
        assert [r.measure for r in _rows(plan)] == ["SSP-möten"]
        assert plan.warnings == []
        assert len(plan.areas) == 1


@pytest.mark.parametrize(
    "total",
    [
        ["Summa", None, 3, None, None],
        ["Totalt", None, "=COUNTA(C2:C4)", None, None],
        ["Antal åtgärder: 3"],
        ["Totalt antal åtgärder", 3],
        ["S:a", 3, 3, None, None],
    ],
)
def test_a_total_row_at_the_bottom_is_no_measure(tmp_path: Path, total: list[Any]) -> None:
    rows = [
        ["Orsak", "Åtgärd", "Operativa mål", "När", "Vem"],
        ["Info", "SSP-möten", "Kunskap", "8 ggr/år", "Prev"],
        ["Skolmiljö", "Skolbesök", "Tidig upptäckt", "Linjearbete", "Polis"],
        [],
        total,
    ]
    for title in ("1. Unga", "Blad1"):
        plan = read_plan(write_workbook(tmp_path / "s.xlsx", [Sheet(title, rows)]))
        assert [r.measure for r in _rows(plan)] == ["SSP-möten", "Skolbesök"]
        assert plan.warnings == [] and len(plan.areas) == 1


def test_a_repeated_header_starts_the_next_area(tmp_path: Path) -> None:
    """The 2025 template's sheets copied one below the other onto a single sheet."""
    header_2 = ["Otrygga och brottsutsatta platser", *HEADER_2025[1:]]
    rows = [
        HEADER_2025,
        INSTRUCTIONS_2025,
        [VUXNA, "Våld i nära relation", "Samsittning", "Samverkan", "Linjearbete", "Soc", None],
        [],
        header_2,
        INSTRUCTIONS_2025,
        ["Utemiljön", "Gatumiljön", "Trygghetsvandring", "Tryggare", "2 ggr/år", "SDF", None],
        [],
        list(HEADER_2025),  # the first area again
        ["Barn", ORSAK_BARN, "Islandsmodellen", "Samverkan", "Linjearbete", "Polis", None],
    ]
    sheet = Sheet("Kungsholmen", rows, italic_rows={2, 6}, bold_rows={1, 5, 9})
    plan = read_plan(write_workbook(tmp_path / "stacked.xlsx", [sheet]))
    assert _areas(plan) == [
        (1, "Särskilt utsatta och sårbara brottsoffer", 2),
        (2, "Otrygga och brottsutsatta platser", 1),
    ]
    assert plan.warnings == []


def test_a_repeated_plain_header_row_is_skipped(tmp_path: Path) -> None:
    header = ["Orsak", "Åtgärd", "När", "Vem"]
    rows = [
        header,
        ["Info", "SSP-möten", "8 ggr/år", "Prev"],
        header,  # the header again on the printed page 2
        ["Skolmiljö", "Skolbesök", "Linjearbete", "Polis"],
    ]
    plan = read_plan(write_workbook(tmp_path / "r.xlsx", [Sheet("1. Unga", rows)]))
    assert [r.measure for r in _rows(plan)] == ["SSP-möten", "Skolbesök"]
    assert plan.warnings == []


def test_the_area_named_above_the_header_of_a_generic_sheet(tmp_path: Path) -> None:
    rows = [
        ["Prioriterat område 2: Otrygga och brottsutsatta platser"],
        [],
        ["Problem", "Orsak", "Åtgärd", "När", "Vem"],
        ["Utemiljön", "Gatumiljön", "Trygghetsvandring", "2 ggr/år", "SDF"],
    ]
    sheets = [
        Sheet("Blad1", rows, merges=["A1:E1"], bold_rows={1}),
        Sheet("Blad2", [["Fokusområde 1 – Unga i riskzon"], *rows[2:]]),
        Sheet("Blad3", [["Område: Trygghet i centrum"], *rows[2:]]),
    ]
    plan = read_plan(write_workbook(tmp_path / "a.xlsx", sheets))
    assert [(a.number, a.name) for a in plan.areas] == [
        (2, "Otrygga och brottsutsatta platser"),
        (1, "Unga i riskzon"),
        (3, "Trygghet i centrum"),
    ]


def test_a_district_in_the_title_is_no_area(tmp_path: Path) -> None:
    rows = [
        ["Stadsdelsområde Kungsholmen"],
        ["Orsak", "Åtgärd", "När", "Vem"],
        ["Info", "SSP-möten", "8 ggr/år", "Prev"],
    ]
    plan = read_plan(write_workbook(tmp_path / "d.xlsx", [Sheet("Blad1", rows)]))
    assert _areas(plan) == [(1, "Åtgärder", 1)]


# --------------------------------------------------------------------------- cells


def test_when_holds_dates_months_and_numbers(tmp_path: Path) -> None:
    rows = [
        ["Orsak", "Åtgärd", "När", "Vem"],
        ["a", "Datum", dt.datetime(2025, 6, 30), "SDF"],
        ["b", "Dag", dt.date(2025, 3, 1), "SDF"],
        ["c", "Månad", dt.datetime(2025, 9, 1), "SDF"],
        ["d", "År", 2025, "SDF"],
        ["e", "Antal", 4.0, "SDF"],
        ["f", "Text", "v. 12", "SDF"],
    ]

    def month_format(ws: Any) -> None:
        ws["C4"].number_format = "mmm-yy"
        ws["C3"].number_format = "yyyy-mm-dd"

    sheet = Sheet("1. Tider", rows, setup=month_format)
    rows_read = _rows(read_plan(write_workbook(tmp_path / "n.xlsx", [sheet])))
    assert [r.when for r in rows_read] == [
        "2025-06-30",
        "2025-03-01",
        "2025-09",
        "2025",
        "4",
        "v. 12",
    ]


def test_empty_and_blank_rows_between_measures(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Orsak", "Åtgärd", "När", "Vem"], ["a", "Första", "Q1", "SDF"]]
    rows += [[], [None, "  ", None, "\xa0"], ["", "", "", ""]] * 20
    rows += [["b", "Andra", "Q2", "SDF"]]
    plan = read_plan(write_workbook(tmp_path / "e.xlsx", [Sheet("1. P", rows)]))
    assert [r.measure for r in _rows(plan)] == ["Första", "Andra"]
    assert plan.warnings == []


def test_very_long_cells_are_kept_whole(tmp_path: Path) -> None:
    long_text = ("Under året har arbetet fortsatt enligt plan. " * 700).strip()  # 31 000 chars
    rows = [
        ["Orsak", "Åtgärd", "När", "Vem", "Uppföljning"],
        ["Orsak " * 500, long_text, "Under året", "SDF", long_text],
    ]
    (r,) = _rows(read_plan(write_workbook(tmp_path / "l.xlsx", [Sheet("1. P", rows)])))
    assert r.measure == long_text and r.follow_up == long_text
    assert r.cause == ("Orsak " * 500).strip()


def test_filters_frozen_panes_and_drop_down_lists(tmp_path: Path) -> None:
    def dress(ws: Any) -> None:
        ws.freeze_panes = "C3"
        ws.auto_filter.ref = "A1:G6"
        dv = DataValidation(type="list", formula1='"Grön,Gul,Röd"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add("G3:G6")
        ws.print_title_rows = "1:2"

    sheet = _brottsoffer_sheet(setup=dress)
    plan = read_plan(write_workbook(tmp_path / "f.xlsx", [sheet]))
    assert len(_rows(plan)) == 4 and plan.warnings == []


# --------------------------------------------------------------------------- hidden rows, columns


def test_hidden_rows_are_left_out_with_a_warning(tmp_path: Path) -> None:
    rows = [
        ["Orsak", "Åtgärd", "När", "Vem"],
        ["Ange orsak", "Beskriv åtgärden", "Ange tid", "Ange vem"],  # hidden guidance: silent
        ["Info", "SSP-möten", "8 ggr/år", "Prev"],
        ["Exempel från 2023", "Trygghetsvandring i Hjulsta", "2023", "SDF"],  # hidden: old
        ["Skolmiljö", "Skolbesök", "Linjearbete", "Polis"],
    ]
    sheet = Sheet("1. Unga", rows, hidden_rows={2, 4})
    plan = read_plan(write_workbook(tmp_path / "h.xlsx", [sheet]))
    assert [r.measure for r in _rows(plan)] == ["SSP-möten", "Skolbesök"]
    assert plan.warnings == [
        "Flik ”1. Unga”, rad 4: raden är dold och lästes inte in. Visa raden i Excel och "
        "läs in filen igen om den hör till planen."
    ]


def test_rows_hidden_by_a_filter_or_a_collapsed_group_are_read(tmp_path: Path) -> None:
    rows = [
        ["Prioriterat område", "Orsak", "Åtgärd", "När", "Vem"],
        ["Unga i riskzon", "Info", "SSP-möten", "8 ggr/år", "Prev"],
        ["Otrygga platser", "Gatumiljön", "Trygghetsvandring", "2 ggr/år", "SDF"],
        ["Unga i riskzon", "Skolmiljö", "Skolbesök", "Linjearbete", "Polis"],
    ]

    def filtered(ws: Any) -> None:
        ws.auto_filter.ref = "A1:E4"
        ws.auto_filter.add_filter_column(0, ["Unga i riskzon"])
        ws.row_dimensions[3].hidden = True  # what Excel does for the filter

    def grouped(ws: Any) -> None:
        ws.row_dimensions.group(2, 4, outline_level=1, hidden=True)

    for setup in (filtered, grouped):
        plan = read_plan(write_workbook(tmp_path / "g.xlsx", [Sheet("Plan", rows, setup=setup)]))
        assert _areas(plan) == [(1, "Unga i riskzon", 2), (2, "Otrygga platser", 1)]
        assert plan.warnings == []


def test_hidden_columns_are_read_but_a_visible_one_wins(tmp_path: Path) -> None:
    rows = [
        ["Orsak", "Åtgärd", "Aktivitet", "Operativa mål", "När", "Vem", "Intern kommentar"],
        ["Info", "Gammal text", "SSP-möten", "Ökad kunskap", "8 ggr/år", "Prev", "Ring Kim"],
    ]
    sheet = Sheet("1. Unga", rows, hidden_cols={"B", "D", "G"})
    (r,) = _rows(read_plan(write_workbook(tmp_path / "c.xlsx", [sheet])))
    # The hidden old Åtgärd column gives way to the visible Aktivitet; the hidden goal
    # column is still the plan's goal (hidden to print narrower); notes are never read.
    assert (r.measure, r.goal) == ("SSP-möten", "Ökad kunskap")
    assert "Ring Kim" not in repr(r)


# --------------------------------------------------------------------------- lone first cells


def test_a_lone_first_cell_after_measures_is_a_partial_row(tmp_path: Path) -> None:
    rows = [
        ["Orsak", "Åtgärd", "När", "Vem"],
        ["Mörker", "Belysning vid torget", "Q2", "TK"],
        ["Klotter"],  # the cause written, the rest not yet
        ["Oro", "Trygghetsvandring", "2 ggr/år", "SDF"],
    ]
    plan = read_plan(write_workbook(tmp_path / "p.xlsx", [Sheet("Blad1", rows)]))
    assert _areas(plan) == [(1, "Åtgärder", 3)]
    assert _rows(plan)[1].cause == "Klotter" and _rows(plan)[1].missing == ["Åtgärd"]
    assert plan.warnings == [
        "Flik ”Blad1”, rad 3: raden saknar Åtgärd och lästes in så långt den räcker."
    ]


def test_plain_headings_that_structure_the_sheet_from_the_top(tmp_path: Path) -> None:
    rows = [
        ["Orsak", "Åtgärd", "När", "Vem"],
        ["Unga i riskzon"],
        ["Rekrytering", "Mentorprogram", "Löpande", "Fritid"],
        ["Trygghet i centrum"],
        ["Mörker", "Belysning", "Q2", "TK"],
    ]
    plan = read_plan(write_workbook(tmp_path / "h.xlsx", [Sheet("Blad1", rows)]))
    assert _areas(plan) == [(1, "Unga i riskzon", 1), (2, "Trygghet i centrum", 1)]


def test_bold_is_no_heading_where_the_whole_column_is_bold(tmp_path: Path) -> None:
    rows = [
        ["Problem", "Orsak", "Åtgärd", "När", "Vem"],
        ["Barn och unga", "Info", "SSP-möten", "8 ggr/år", "Prev"],
        ["Barn och unga", "Skolmiljö", "Skolbesök", "Linjearbete", "Polis"],
        ["Skadegörelse"],  # not filled in further yet
        ["Utemiljön", "Gatumiljön", "Trygghetsvandring", "2 ggr/år", "SDF"],
    ]

    def bold_first_column(ws: Any) -> None:
        for r in range(2, 6):
            ws.cell(row=r, column=1).font = Font(bold=True)

    sheet = Sheet("Blad1", rows, setup=bold_first_column)
    plan = read_plan(write_workbook(tmp_path / "b.xlsx", [sheet]))
    assert _areas(plan) == [(1, "Åtgärder", 4)]
    assert _rows(plan)[2].problem == "Skadegörelse"


def test_a_bold_heading_still_starts_an_area(tmp_path: Path) -> None:
    rows = [
        ["Problem", "Orsak", "Åtgärd", "När", "Vem"],
        ["Barn och unga", "Info", "SSP-möten", "8 ggr/år", "Prev"],
        ["Brottsoffer"],
        ["Vuxna", "Våld i nära relation", "Samsittning", "Linjearbete", "Soc"],
    ]
    plan = read_plan(write_workbook(tmp_path / "b.xlsx", [Sheet("Blad1", rows, bold_rows={3})]))
    assert _areas(plan) == [(1, "Åtgärder", 1), (2, "Brottsoffer", 1)]


# --------------------------------------------------------------------------- follow-ups per tertial


@pytest.mark.parametrize(
    ("labels", "group"),
    [
        (["Uppföljning T1", "Uppföljning T2", "Uppföljning T3"], False),
        (["T1", "T2", "T3"], True),
        (["April", "Augusti", "December"], True),
        (["Tertial 1", "Delårsbokslut", "Helår"], True),
        (["Tertialrapport 1", "Tertialrapport 2", "Årsrapport"], False),
    ],
)
def test_each_tertials_follow_up_is_kept(tmp_path: Path, labels: list[str], group: bool) -> None:
    top = [None, None, None, None, "Uppföljning", None, None]
    header = ["Orsak", "Åtgärd", "När", "Vem", *labels]
    rows = [
        *([top] if group else []),
        header,
        ["Mörker", "Belysning", "Q2", "TK", "Beställd.", "Målet är uppfyllt.", None],
        ["Klotter", "Sanering", "24 h", "SDF", None, "Pågår", None],
        ["Oro", "Vandring", "Vår", "SDF", None, None, None],
    ]
    merges = ["E1:G1"] if group else []
    plan = read_plan(write_workbook(tmp_path / "t.xlsx", [Sheet("1. P", rows, merges=merges)]))
    got = [[(f.tertial, f.text, f.verdict) for f in r.follow_ups] for r in _rows(plan)]
    assert got == [
        [(1, "Beställd.", "ej_bedomd"), (2, "Målet är uppfyllt.", "uppfyllt")],
        [(2, "Pågår", "pagaende")],
        [],
    ]
    # The row's own follow-up is still the latest one.
    assert [r.follow_up for r in _rows(plan)] == ["Målet är uppfyllt.", "Pågår", None]


def test_status_per_tertial_goes_with_its_follow_up(tmp_path: Path) -> None:
    header = [
        "Orsak",
        "Åtgärd",
        "Vem",
        "Uppföljning T1",
        "Status T1",
        "Uppföljning T2",
        "Status T2",
    ]
    rows = [header, ["Mörker", "Belysning", "TK", "Beställd.", "Gul", "Uppsatt.", "Grön"]]
    (r,) = _rows(read_plan(write_workbook(tmp_path / "s.xlsx", [Sheet("1. P", rows)])))
    assert [(f.tertial, f.text, f.verdict) for f in r.follow_ups] == [
        (1, "Beställd.", "delvis"),
        (2, "Uppsatt.", "uppfyllt"),
    ]


@pytest.mark.parametrize(
    ("top", "header", "merges"),
    [
        # "Kommentar" under the "Uppföljning" group header is the group's too.
        (
            [None, None, None, "Uppföljning", None, None, None],
            ["Orsak", "Åtgärd", "Vem", "T1", "T2", "T3", "Kommentar"],
            ["D1:G1"],
        ),
        (
            None,
            ["Orsak", "Åtgärd", "Vem", "Uppföljning T1", "Uppföljning T2", None, "Resultat"],
            [],
        ),
    ],
)
def test_an_undated_follow_up_column_beside_the_tertials_loses_none_of_them(
    tmp_path: Path, top: list[Any] | None, header: list[Any], merges: list[str]
) -> None:
    row = ["Mörker", "Belysning", "TK", "Beställd.", "Uppsatt.", None, "Elen drogs om."]
    rows = [*([top] if top else []), header, row]
    sheet = Sheet("1. P", rows, merges=merges)
    (r,) = _rows(read_plan(write_workbook(tmp_path / "u.xlsx", [sheet])))
    # The tertials' texts for their tertials; the column right of them as the latest word.
    assert [(f.tertial, f.text) for f in r.follow_ups] == [
        (1, "Beställd."),
        (2, "Uppsatt."),
        (None, "Elen drogs om."),
    ]
    assert r.follow_up == "Elen drogs om."


def test_an_undated_follow_up_column_left_of_the_tertials_is_an_old_one(tmp_path: Path) -> None:
    header = ["Orsak", "Åtgärd", "Vem", "Uppföljning 2024", "Uppföljning T1", "Uppföljning T2"]
    rows = [header, ["Mörker", "Belysning", "TK", "Målet är uppfyllt.", "Beställd.", None]]
    (r,) = _rows(read_plan(write_workbook(tmp_path / "o.xlsx", [Sheet("1. P", rows)])))
    assert [(f.tertial, f.text) for f in r.follow_ups] == [(1, "Beställd.")]


def test_one_follow_up_column_has_no_tertial(tmp_path: Path) -> None:
    rows = [["Orsak", "Åtgärd", "Vem", "Uppföljning"], ["Mörker", "Belysning", "TK", "Klart."]]
    (r,) = _rows(read_plan(write_workbook(tmp_path / "o.xlsx", [Sheet("1. P", rows)])))
    assert [(f.tertial, f.text) for f in r.follow_ups] == [(None, "Klart.")]


# --------------------------------------------------------------------------- personal data


def test_a_personal_number_in_a_heading_or_note_is_never_repeated(tmp_path: Path) -> None:
    rows = [
        ["Orsak", "Åtgärd", "När", "Vem"],
        ["Unga i riskzon, elev 811218-9876"],
        ["Info", "SSP-möten", "8 ggr/år", "Prev"],
        [],
        ["Kontakt: 8112189876"],  # a trailing note
    ]
    plan = read_plan(write_workbook(tmp_path / "p.xlsx", [Sheet("Blad1", rows, bold_rows={2})]))
    assert "9876" not in repr(plan)
    assert plan.areas[0].name == "Unga i riskzon, elev [personnummer]"
    assert any("personnummer" in w for w in plan.warnings)


# --------------------------------------------------------------------------- more wordings


def test_status_words_of_a_municipal_plan(tmp_path: Path) -> None:
    rows = [["Aktivitet", "Ansvar", "Status"]]
    words = ["Genomförd", "Påbörjad", "Ej startad", "Avslutad", "Delvis genomförd", "Planerad"]
    rows += [[f"Aktivitet {i}", "Säkerhetschef", w] for i, w in enumerate(words)]
    plan = read_plan(write_workbook(tmp_path / "s.xlsx", [Sheet("1. Trygghet", rows)]))
    assert [r.verdict for r in _rows(plan)] == [
        "uppfyllt",
        "pagaende",
        "ej_uppfyllt",
        "uppfyllt",
        "delvis",
        "ej_bedomd",
    ]


def test_a_repeated_header_worded_differently_and_guidance_in_plain_text(tmp_path: Path) -> None:
    rows = [
        ["Lägesbild", "Orsak", "Åtgärd", "Operativa mål", "När", "Vem", "Uppföljning"],
        [
            "Anges per rad",
            "Anges per rad",
            "Beskrivs kort",
            None,
            None,
            None,
            "Fylls i vid uppföljning",
        ],
        ["Centrum", "Mörker", "Belysning", "Ljusare torg", "Q2", "TK", None],
        ["Problem", "Orsaker", "Åtgärder", "Operativt mål", "Tidsplan", "Ansvarig", "Uppföljning"],
        ["Skolan", "Skolk", "Närvaroteam", "Högre närvaro", "Läsåret", "Rektor", None],
    ]
    plan = read_plan(write_workbook(tmp_path / "r.xlsx", [Sheet("1. Trygghet", rows)]))
    assert [(r.problem, r.measure) for r in _rows(plan)] == [
        ("Centrum", "Belysning"),
        ("Skolan", "Närvaroteam"),
    ]
    assert plan.areas[0].name == "Trygghet" and plan.warnings == []


def test_follow_up_columns_dated_by_their_reporting_day(tmp_path: Path) -> None:
    header = ["Orsak", "Åtgärd", "Vem", "Uppföljning per 2025-04-30", "Uppföljning per 31 augusti"]
    rows = [header, ["Mörker", "Belysning", "TK", "Beställd.", "Uppsatt, målet är uppfyllt."]]
    (r,) = _rows(read_plan(write_workbook(tmp_path / "d.xlsx", [Sheet("1. P", rows)])))
    assert [(f.tertial, f.verdict) for f in r.follow_ups] == [(1, "ej_bedomd"), (2, "uppfyllt")]


def test_an_excel_table_with_an_active_filter(tmp_path: Path) -> None:
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table

    rows = [
        ["Prioriterat område", "Orsak", "Åtgärd", "När", "Vem"],
        ["Unga i riskzon", "Info", "SSP-möten", "8 ggr/år", "Prev"],
        ["Otrygga platser", "Gatumiljön", "Trygghetsvandring", "2 ggr/år", "SDF"],
    ]

    def as_table(ws: Any) -> None:
        table = Table(displayName="Plan", ref="A1:E3", autoFilter=AutoFilter(ref="A1:E3"))
        table.autoFilter.add_filter_column(0, ["Unga i riskzon"])
        ws.add_table(table)
        ws.row_dimensions[3].hidden = True

    plan = read_plan(write_workbook(tmp_path / "t.xlsx", [Sheet("Plan", rows, setup=as_table)]))
    assert _areas(plan) == [(1, "Unga i riskzon", 1), (2, "Otrygga platser", 1)]


def test_status_and_comment_under_each_tertials_group_header(tmp_path: Path) -> None:
    rows = [
        ["Orsak", "Åtgärd", "Vem", "Uppföljning T1", None, "Uppföljning T2", None],
        [None, None, None, "Status", "Kommentar", "Status", "Kommentar"],
        ["Mörker", "Belysning", "TK", "Gul", "Beställd.", "Grön", "Uppsatt."],
    ]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:G1"]
    sheet = Sheet("1. P", rows, merges=merges)
    (r,) = _rows(read_plan(write_workbook(tmp_path / "g.xlsx", [sheet])))
    assert [(f.tertial, f.text, f.verdict) for f in r.follow_ups] == [
        (1, "Beställd.", "delvis"),
        (2, "Uppsatt.", "uppfyllt"),
    ]


def test_the_header_below_a_long_introduction(tmp_path: Path) -> None:
    intro = [["Plan för brottsförebyggande arbete – Nässjö kommun"]]
    intro += [
        [f"Stycke {i} om lägesbild, orsaksanalys och samverkan med polisen."] for i in range(40)
    ]
    rows = [
        *intro,
        [],
        ["Aktivitet", "Ansvar", "Tidsplan"],
        ["Lägesrapport", "Säkerhetschef", "3 ggr/år"],
    ]
    plan = read_plan(write_workbook(tmp_path / "l.xlsx", [Sheet("Plan", rows)]))
    assert [(r.row, r.measure) for r in _rows(plan)] == [(44, "Lägesrapport")]


def test_a_personal_number_in_a_sheet_name_is_neither_stored_nor_repeated(tmp_path: Path) -> None:
    rows = [["Orsak", "Åtgärd", "När", "Vem"], ["Mörker", "Belysning", "Under 2025", "TK"]]
    sheets = [
        Sheet("1. Elev 8112189876", rows),
        Sheet("Gammal 811218-9876", rows, hidden=True),
    ]
    plan = read_plan(write_workbook(tmp_path / "n.xlsx", sheets))
    assert "9876" not in repr(plan)
    assert _rows(plan)[0].sheet == plan.areas[0].sheet == "1. Elev [personnummer]"
    assert any("dold" in w and "[personnummer]" in w for w in plan.warnings)
