"""Tests for reports.xlsx_reader: the real fixture, committed test workbooks, variants."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.errors import ImportFailed
from reports.xlsx_reader import VERDICTS, ParsedPlan, derive_verdict, read_plan
from tests.reports.make_workbooks import (
    DATA_DIR,
    HEADERS_2025,
    INSTRUCTIONS_2025,
    JARVA_2024,
    Sheet,
    area_sheet_2025,
    build_plan_2024_jarva,
    build_plan_2025_small,
    instruction_sheet,
    write_legacy_xls,
    write_workbook,
)

FIXTURE = Path("/work/shared/fixtures/atgardsplan-2025-kungsholmen.xlsx")

AREA_NAMES_2025 = [
    "Unga i riskzon för destruktivt beteende",
    "Otrygga och brottsutsatta platser",
    "Systemhotande brottslighet",
    "Särskilt utsatta och sårbara brottsoffer",
    "Kriminella miljöer och livsstilar",
    "[Eget prioriterat område]",
]


def _all_rows(plan: ParsedPlan) -> list[Any]:
    return [row for area in plan.areas for row in area.rows]


# --------------------------------------------------------------------------- real fixture


@pytest.mark.skipif(not FIXTURE.exists(), reason="shared fixture not available")
def test_fixture_kungsholmen_2025() -> None:
    plan = read_plan(FIXTURE)

    assert [a.number for a in plan.areas] == [1, 2, 3, 4, 5, 6]
    assert [a.name for a in plan.areas] == AREA_NAMES_2025
    # Counts come from the data, not the (wrong) Analys sheet: 6/4/0/7/2/0 there.
    assert [len(a.rows) for a in plan.areas] == [5, 3, 0, 6, 2, 0]
    assert len(_all_rows(plan)) == 16
    sheets = {a.sheet for a in plan.areas}
    assert "Analys" not in sheets and "Instruktion" not in sheets

    assert len(plan.warnings) == 1
    assert "”5. Kriminella miljöer och livss" in plan.warnings[0]
    assert "rad 4" in plan.warnings[0]

    partial = plan.areas[4].rows[1]
    assert partial.row == 4
    assert partial.when == "Linjearbete" and partial.responsible
    assert partial.missing == ["Problemområde", "Orsak", "Åtgärd"]
    assert all(not r.missing for r in _all_rows(plan) if r is not partial)

    first = plan.areas[0].rows[0]
    assert first.sheet == "1. Unga i riskzon för destrukti"
    assert first.row == 3
    assert first.problem == "Barn och unga"
    assert first.when == "Under 2025"
    assert first.goal and first.goal.startswith("Säkerställ")
    # No instruction text (italic rows, and the non-italic one on sheet 6) leaks in.
    texts = [v for r in _all_rows(plan) for v in (r.problem, r.cause, r.measure) if v]
    assert not any(t.startswith(("Ange", "Beskriv", "Koppla")) for t in texts)
    assert {r.verdict for r in _all_rows(plan)} == {"ej_bedomd"}

    assert plan.title == "Åtgärdsplan 2025"
    assert plan.year == 2025
    assert plan.district == "Kungsholmen"


# --------------------------------------------------------------------------- committed data


def test_small_2025_plan_covers_fixture_ground() -> None:
    plan = read_plan(DATA_DIR / "plan-2025-small.xlsx")

    assert [a.number for a in plan.areas] == [1, 2, 3, 6]
    assert [a.name for a in plan.areas] == [
        "Unga i riskzon för destruktivt beteende",
        "Otrygga och brottsutsatta platser",
        "Systemhotande brottslighet",
        "[Eget prioriterat område]",
    ]
    assert [len(a.rows) for a in plan.areas] == [4, 2, 0, 0]
    assert "Analys" not in {a.sheet for a in plan.areas}
    assert plan.title == "Åtgärdsplan 2025 Kungsholmen"
    assert (plan.year, plan.district) == (2025, "Kungsholmen")

    assert plan.warnings == [
        "Flik ”1. Unga i riskzon för destrukti”, rad 5: raden saknar Problemområde, Orsak "
        "och Åtgärd och lästes in så långt den räcker."
    ]
    unga = plan.areas[0].rows
    assert [r.row for r in unga] == [3, 4, 5, 7]  # row 6 is empty
    # Row 4's problem cell is merged with row 3's.
    assert unga[1].problem == "Barn och unga"
    assert unga[1].goal == "8"  # a number cell becomes text
    assert unga[2].missing == ["Problemområde", "Orsak", "Åtgärd"]
    assert unga[2].when == "Linjearbete"
    assert unga[3].when == "2025-06-30"  # a date cell becomes ISO text
    assert [r.verdict for r in unga] == ["uppfyllt", "ej_uppfyllt", "ej_bedomd", "pagaende"]

    otrygga = plan.areas[1].rows
    # Non-italic instruction row recognised by its text; \r\n normalised.
    assert otrygga[0].row == 3
    assert otrygga[0].responsible == "Trygghetssamordnaren\nplanerar och administrerar."
    assert [r.verdict for r in otrygga] == ["delvis", "ej_bedomd"]


def test_committed_workbooks_match_builders(tmp_path: Path) -> None:
    """tests/data must be what make_workbooks.py builds (regenerate if this fails)."""
    for name, build in [
        ("plan-2025-small.xlsx", build_plan_2025_small),
        ("plan-2024-jarva.xlsx", build_plan_2024_jarva),
    ]:
        fresh = read_plan(build(tmp_path / name))
        committed = read_plan(DATA_DIR / name)
        assert fresh == committed


JARVA_VERDICTS = [
    ["uppfyllt", "uppfyllt", "uppfyllt", "uppfyllt", "ej_uppfyllt", "uppfyllt"],
    ["pagaende", "ej_bedomd", "pagaende", "ej_bedomd"],
    ["uppfyllt", "uppfyllt", "uppfyllt"],
    ["uppfyllt"],
    ["uppfyllt", "uppfyllt", "ej_bedomd"],
]


def test_2024_jarva_plan() -> None:
    plan = read_plan(DATA_DIR / "plan-2024-jarva.xlsx")

    assert plan.warnings == []
    assert (plan.title, plan.year, plan.district) == ("Åtgärdsplan 2024", 2024, "Järva")
    # Sheet names carry no number: numbered by order. Names come from the instruction row.
    assert [a.number for a in plan.areas] == [1, 2, 3, 4, 5]
    assert [a.name for a in plan.areas] == [name for name, _, _ in JARVA_2024]
    assert plan.areas[2].name == "Systemhotade brottslighet"  # the plan's own spelling
    assert [len(a.rows) for a in plan.areas] == [6, 4, 3, 1, 3]
    assert [[r.verdict for r in a.rows] for a in plan.areas] == JARVA_VERDICTS

    rows = _all_rows(plan)
    # No problem and no goal column in the 2024 template; the merged area-name cell on
    # sheet 4 is not taken for a problem.
    assert all(r.problem is None and r.goal is None for r in rows)
    assert all(not r.missing for r in rows)
    assert {r.cause for r in plan.areas[0].rows} == {"Nyrekrytering"}
    assert all(r.when == "Under året" for r in rows)
    assert all(r.follow_up for r in rows)
    # The first sheet has a title row and a blank row above the header.
    assert plan.areas[0].rows[0].row == 5
    assert plan.areas[0].rows[0].measure == (
        "Fortsatt arbete med att få in de fristående skolorna i naven för effektivare samverkan"
    )


# --------------------------------------------------------------------------- layouts


def test_columns_in_any_order(tmp_path: Path) -> None:
    header = ["Uppföljning", "Vem", "När", "Operativa mål", "Åtgärd", "Orsak", "Trygga torg"]
    row = ["Målet är uppfyllt.", "Polisen", "4 ggr/år", "Färre larm", "Ronder", "Oro", "Torget"]
    path = write_workbook(tmp_path / "shuffled.xlsx", [Sheet("1. Trygga torg", [header, row])])
    plan = read_plan(path)
    (area,) = plan.areas
    assert area.name == "Trygga torg"
    (r,) = area.rows
    assert (r.problem, r.cause, r.measure, r.goal) == ("Torget", "Oro", "Ronder", "Färre larm")
    assert (r.when, r.responsible, r.follow_up) == ("4 ggr/år", "Polisen", "Målet är uppfyllt.")
    assert r.verdict == "uppfyllt"


@pytest.mark.parametrize(
    "headers",
    [
        ["Område X", "ORSAK", "Åtgärder", "Mål", "Tidsplan", "Ansvarig", "Uppföljning/status"],
        ["Område X", " Orsak: ", "Åtgärd", "Operativt mål", "När?", "Vem ansvarar?", "Status"],
        ["Område X", "Orsaker", "ÅTGÄRD", "Operativa mål", "När", "Vem", "Uppföljning"],
        ["Område X", "Orsak", "Åtgärd", "Mål", "Tid", "Ansvariga", "Uppföljning och status"],
    ],
)
def test_header_variants(tmp_path: Path, headers: list[str]) -> None:
    row = ["P", "C", "M", "G", "W", "R", "Målet är delvis uppfyllt."]
    path = write_workbook(tmp_path / "v.xlsx", [Sheet("Blad1", [headers, row])])
    (area,) = read_plan(path).areas
    assert area.name == "Område X"
    (r,) = area.rows
    assert [r.problem, r.cause, r.measure, r.goal, r.when, r.responsible] == list("PCMGWR")
    assert r.verdict == "delvis"


def test_optional_columns_missing(tmp_path: Path) -> None:
    # Only Åtgärd and Vem: enough to be an area sheet; nothing else is required.
    path = write_workbook(
        tmp_path / "min.xlsx",
        [Sheet("2. Platser", [["Åtgärd", "Vem"], ["Trygghetsvandring", "SDF"], ["EST", None]])],
    )
    plan = read_plan(path)
    (area,) = plan.areas
    assert (area.number, area.name) == (2, "Platser")  # from the sheet name
    assert [r.measure for r in area.rows] == ["Trygghetsvandring", "EST"]
    assert all(r.problem is r.cause is r.goal is r.follow_up is None for r in area.rows)
    assert all(r.missing == [] and r.verdict == "ej_bedomd" for r in area.rows)
    assert plan.warnings == []


def test_partial_row_without_cause_column_only_needs_measure(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "p.xlsx",
        [Sheet("Blad", [["Åtgärd", "När", "Vem"], [None, "Under 2025", "Polisen"]])],
    )
    plan = read_plan(path)
    assert plan.areas[0].rows[0].missing == ["Åtgärd"]
    assert plan.warnings == [
        "Flik ”Blad”, rad 2: raden saknar Åtgärd och lästes in så långt den räcker."
    ]


def test_generic_problem_header_uses_sheet_name(tmp_path: Path) -> None:
    header = ["Problemområde", "Orsak", "Åtgärd", "När", "Vem"]
    rows = [header, ["Barn", "Oro", "SSP", "8 ggr/år", "SDF"], [None, "Oro", "Fält", None, None]]
    path = write_workbook(tmp_path / "g.xlsx", [Sheet("4. Brottsoffer", rows)])
    plan = read_plan(path)
    (area,) = plan.areas
    assert (area.number, area.name) == (4, "Brottsoffer")
    assert area.rows[1].missing == ["Problemområde"]
    assert len(plan.warnings) == 1 and "rad 3" in plan.warnings[0]


def test_header_split_over_two_rows(tmp_path: Path) -> None:
    # As in the 2024 template's first sheet: merged header cells over two rows.
    rows = [
        ["Prioriterat samverkansområde", None, "Åtgärd", None, None, "Uppföljning"],
        [None, "Orsak", None, "När", "Vem", None],
        ["Unga i riskzon", "Beskriv orsaken.", "Koppla åtgärd.", "Ange tid.", "Ange vem.", None],
        [None, "Nyrekrytering", "Navsamverkan", "Under året", "IoF", "Målet är uppfyllt."],
    ]
    path = write_workbook(
        tmp_path / "two.xlsx", [Sheet("Unga", rows, merges=["A1:A2", "C1:C2", "F1:F2"])]
    )
    (area,) = read_plan(path).areas
    assert area.name == "Unga i riskzon"
    (r,) = area.rows
    assert (r.row, r.cause, r.measure, r.when, r.responsible) == (
        4,
        "Nyrekrytering",
        "Navsamverkan",
        "Under året",
        "IoF",
    )
    assert r.problem is None and r.verdict == "uppfyllt"


def test_title_row_directly_above_header(tmp_path: Path) -> None:
    base = area_sheet_2025("1. Unga", "Unga i riskzon", [["P", "C", "M"]])
    sheet = Sheet(base.title, [["Åtgärdsplan 2025 Kungsholmen"], *base.rows], italic_rows={3})
    plan = read_plan(write_workbook(tmp_path / "title.xlsx", [sheet]))
    (area,) = plan.areas
    assert area.name == "Unga i riskzon"
    assert [(r.row, r.problem, r.measure) for r in area.rows] == [(4, "P", "M")]
    assert plan.title == "Åtgärdsplan 2025 Kungsholmen"


def test_2024_area_name_on_its_own_row(tmp_path: Path) -> None:
    rows = [
        ["Prioriterat samverkansområde", "Orsak", "Åtgärd", "När", "Vem", "Uppföljning"],
        ["Kriminella miljöer och livsstilar"],
        [None, "Kriminella konflikter", "Anhörigstöd", "Under året", "IoF", None],
    ]
    path = write_workbook(tmp_path / "x.xlsx", [Sheet("Blad5", rows)])
    (area,) = read_plan(path).areas
    assert area.name == "Kriminella miljöer och livsstilar"
    assert [r.measure for r in area.rows] == ["Anhörigstöd"]


def test_merged_problem_cell_fills_rows_below(tmp_path: Path) -> None:
    data = [
        ["Barn och unga", "C1", "M1", None, None, None, None],
        [None, "C2", "M2", None, None, None, None],
        [None, "C3", "M3", None, None, None, None],
        [None, None, None, None, None, None, None],  # inside the merge but otherwise empty
        [None, "C5", "M5", None, None, None, None],
    ]
    sheet = area_sheet_2025("1. Unga", "Unga i riskzon", data, merges=["A3:A6"])
    plan = read_plan(write_workbook(tmp_path / "m.xlsx", [sheet]))
    rows = plan.areas[0].rows
    assert [r.row for r in rows] == [3, 4, 5, 7]
    assert [r.problem for r in rows] == ["Barn och unga"] * 3 + [None]
    assert rows[3].missing == ["Problemområde"]
    assert len(plan.warnings) == 1 and "rad 7" in plan.warnings[0]


def test_italic_row_after_data_is_skipped_with_warning(tmp_path: Path) -> None:
    data = [["P", "C", "M", "G", "W", "R", None], ["P2", "C2", "M2", None, None, None, None]]
    sheet = area_sheet_2025("1. Unga", "Unga", data)
    sheet.italic_rows.add(4)
    plan = read_plan(write_workbook(tmp_path / "i.xlsx", [sheet]))
    assert [r.measure for r in plan.areas[0].rows] == ["M"]
    assert len(plan.warnings) == 1
    assert "rad 4" in plan.warnings[0] and "kursiv" in plan.warnings[0]


def test_instruction_texts_detected_without_italics(tmp_path: Path) -> None:
    data = [
        ["Fyll i problemet", "Här anger ni orsaken", "Beskriv åtgärden", None, None, None, None],
        ["P", "C", "M", None, None, None, None],
    ]
    sheet = area_sheet_2025("1. Unga", "Unga", data, italic=False)
    plan = read_plan(write_workbook(tmp_path / "t.xlsx", [sheet]))
    assert [r.row for r in plan.areas[0].rows] == [4]
    assert plan.warnings == []


def test_cell_value_conversion(tmp_path: Path) -> None:
    data = [
        [
            "  Barn\r\n och unga  ",
            2.5,
            "Åtgärd\r\n\r\n\r\n\r\nrad två",
            True,
            dt.datetime(2025, 4, 30, 8, 30),
            dt.date(2025, 12, 31),
            "   ",
        ]
    ]
    sheet = area_sheet_2025("1. Unga", "Unga", data)
    (r,) = read_plan(write_workbook(tmp_path / "c.xlsx", [sheet])).areas[0].rows
    assert r.problem == "Barn\n och unga"
    assert r.cause == "2,5"
    assert r.measure == "Åtgärd\n\nrad två"
    assert r.goal == "Ja"
    assert r.when == "2025-04-30 08.30"
    assert r.responsible == "2025-12-31"
    assert r.follow_up is None


def test_area_numbers_from_prefix_or_order(tmp_path: Path) -> None:
    sheets = [
        area_sheet_2025("Första", "A", [["p", "c", "m"]]),
        area_sheet_2025("7) Sjunde", "B", [["p", "c", "m"]]),
        Sheet("Anteckningar", [["bara text"]]),
        area_sheet_2025("Tredje", "C", []),
    ]
    plan = read_plan(write_workbook(tmp_path / "n.xlsx", sheets))
    assert [(a.number, a.name, a.sheet) for a in plan.areas] == [
        (1, "A", "Första"),
        (7, "B", "7) Sjunde"),
        (3, "C", "Tredje"),
    ]


def test_year_and_district_from_file_name(tmp_path: Path) -> None:
    sheets = [Sheet("Instruktion", [["Åtgärdsplan"]]), area_sheet_2025("1. A", "A", [])]
    plan = read_plan(write_workbook(tmp_path / "atgardsplan-2025-kungsholmen.xlsx", sheets))
    assert (plan.title, plan.year, plan.district) == ("Åtgärdsplan", 2025, "Kungsholmen")

    plan = read_plan(write_workbook(tmp_path / "atgardsplan_2024_hagersten-alvsjo.xlsx", sheets))
    assert (plan.year, plan.district) == (2024, "Hägersten-Älvsjö")

    plan = read_plan(write_workbook(tmp_path / "Åtgärdsplan 2026 Södermalm.xlsx", sheets[1:]))
    assert (plan.title, plan.year, plan.district) == (None, 2026, "Södermalm")

    plan = read_plan(write_workbook(tmp_path / "plan-2025-upplands-vasby.xlsx", sheets[1:]))
    assert (plan.year, plan.district) == (2025, "Upplands-Vasby")

    # A temporary upload name says nothing.
    plan = read_plan(write_workbook(tmp_path / "tmpk3j2l1.xlsx", sheets[1:]))
    assert (plan.title, plan.year, plan.district) == (None, None, None)


def test_title_with_district_wins_over_file_name(tmp_path: Path) -> None:
    sheets = [instruction_sheet("Åtgärdsplan 2025 – Järva"), area_sheet_2025("1. A", "A", [])]
    plan = read_plan(write_workbook(tmp_path / "atgardsplan-2024-bromma.xlsx", sheets))
    assert (plan.year, plan.district) == (2025, "Järva")


def test_file_without_xlsx_extension_and_str_path(tmp_path: Path) -> None:
    target = tmp_path / "upload.bin"
    shutil.copy(DATA_DIR / "plan-2025-small.xlsx", target)
    plan = read_plan(str(target))
    assert [len(a.rows) for a in plan.areas] == [4, 2, 0, 0]


def test_sixty_row_plan_reads_in_full(tmp_path: Path) -> None:
    """(Its speed is bench/'s business: no stopwatch in the tests.)"""
    data = [
        [f"Problem {i}", f"Orsak {i}", f"Åtgärd {i}", "Mål", "Linjearbete", "SDF", "Pågår"]
        for i in range(60)
    ]
    sheets = [area_sheet_2025(f"{n}. Område {n}", f"Område {n}", data[:12]) for n in range(1, 6)]
    path = write_workbook(tmp_path / "big.xlsx", sheets)
    plan = read_plan(path)
    assert len(_all_rows(plan)) == 60
    assert [r.measure for r in _all_rows(plan)] == [
        f"Åtgärd {i}" for _ in range(5) for i in range(12)
    ]


# --------------------------------------------------------------------------- bad files


def _assert_one_line(exc: ImportFailed, *words: str) -> None:
    assert "\n" not in exc.message and exc.message.strip() == exc.message
    assert str(exc) == exc.message
    for word in words:
        assert word in exc.message
    # Library exceptions must not leak through the chain either.
    assert exc.__cause__ is None
    assert exc.__context__ is None or exc.__suppress_context__


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("corrupt.xlsx", ["corrupt.xlsx", "skadad"]),
        ("not-excel.xlsx", ["not-excel.xlsx", "inte en Excel-arbetsbok"]),
        ("encrypted.xlsx", ["encrypted.xlsx", "lösenordsskyddad"]),
    ],
)
def test_committed_bad_files(name: str, words: list[str]) -> None:
    with pytest.raises(ImportFailed) as info:
        read_plan(DATA_DIR / name)
    _assert_one_line(info.value, *words)


def test_encrypted_file_is_a_cfb_container() -> None:
    data = (DATA_DIR / "encrypted.xlsx").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert "EncryptedPackage".encode("utf-16-le") in data


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as info:
        read_plan(tmp_path / "saknas.xlsx")
    _assert_one_line(info.value, "saknas.xlsx", "finns inte")


def test_empty_file_and_directory(tmp_path: Path) -> None:
    (tmp_path / "tom.xlsx").write_bytes(b"")
    with pytest.raises(ImportFailed) as info:
        read_plan(tmp_path / "tom.xlsx")
    _assert_one_line(info.value, "tom")
    with pytest.raises(ImportFailed):
        read_plan(tmp_path)


def test_legacy_xls(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as info:
        read_plan(write_legacy_xls(tmp_path / "gammal.xls"))
    _assert_one_line(info.value, ".xls", "Spara den som .xlsx")


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "dokument.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ImportFailed) as info:
        read_plan(path)
    _assert_one_line(info.value, "inte en Excel-arbetsbok")


def test_strict_open_xml_workbook(tmp_path: Path) -> None:
    """Excel's "Strict Open XML Spreadsheet (.xlsx)", a Save As choice: the same plan under
    other namespace names (openpyxl alone finds no sheets in it)."""
    good = build_plan_2025_small(tmp_path / "good.xlsx")
    strict = tmp_path / "strikt.xlsx"
    namespaces = {
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main": (
            "http://purl.oclc.org/ooxml/spreadsheetml/main"
        ),
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
            "http://purl.oclc.org/ooxml/officeDocument/relationships"
        ),
        "http://schemas.openxmlformats.org/drawingml/2006/main": (
            "http://purl.oclc.org/ooxml/drawingml/main"
        ),
        "<workbook ": '<workbook conformance="strict" ',
    }
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(strict, "w") as dst:
        for item in src.infolist():
            text = src.read(item.filename).decode("utf-8")
            for transitional, strict_ns in namespaces.items():
                text = text.replace(transitional, strict_ns)
            dst.writestr(item, text)
    assert "purl.oclc.org" in zipfile.ZipFile(strict).read("xl/workbook.xml").decode()
    read = read_plan(strict)
    assert read.areas == read_plan(good).areas
    assert (read.title, read.year, read.district, read.warnings) == (
        "Åtgärdsplan 2025 Kungsholmen",
        2025,
        "Kungsholmen",
        read_plan(good).warnings,
    )


def test_workbook_with_broken_xml(tmp_path: Path) -> None:
    good = build_plan_2025_small(tmp_path / "good.xlsx")
    bad = tmp_path / "trasig.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    with pytest.raises(ImportFailed) as info:
        read_plan(bad)
    _assert_one_line(info.value, "skadad")


def test_workbook_without_action_plan_sheet(tmp_path: Path) -> None:
    sheets = [
        instruction_sheet("Åtgärdsplan 2025"),
        # Only "Åtgärd" is not enough; a summary sheet is not an area either.
        Sheet("Lista", [["Åtgärd", "Kommentar"], ["x", "y"]]),
        Sheet("Analys", [["Prioriterat område", "Antal problem", "Antal åtgärder"], ["A", 1, 2]]),
    ]
    with pytest.raises(ImportFailed) as info:
        read_plan(write_workbook(tmp_path / "ingen-plan.xlsx", sheets))
    _assert_one_line(info.value, "ingen-plan.xlsx", "ingen flik")


def test_unexpected_error_while_parsing_becomes_import_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    import reports.xlsx_reader as reader

    def boom(*args: object) -> None:
        raise KeyError("internal")

    monkeypatch.setattr(reader, "find_header", boom)
    caplog.set_level(logging.DEBUG, logger="reports.xlsx_reader")
    with pytest.raises(ImportFailed) as info:
        read_plan(DATA_DIR / "plan-2025-small.xlsx")
    _assert_one_line(info.value, "plan-2025-small.xlsx", "kunde inte läsas")
    # The traceback is kept for us at DEBUG: a terminal shows warnings and errors only.
    (record,) = [r for r in caplog.records if r.name == "reports.xlsx_reader"]
    assert record.levelno == logging.DEBUG and record.exc_info is not None


def test_empty_workbook(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed):
        read_plan(write_workbook(tmp_path / "tom-bok.xlsx", [Sheet("Blad1", [])]))


# --------------------------------------------------------------------------- verdicts


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # Wordings from seed 002 (Järva 2024 follow-ups).
        ("Målet är uppfyllt Fyra fristående skolor har deltagit i navsamverkan", "uppfyllt"),
        ("Målet är uppfyllt. Arbetet med att förbättra samverkan har genomförts", "uppfyllt"),
        ("Målet är ej uppfyllt Under året har diskussion förts hur för- och", "ej_uppfyllt"),
        ("Målet är uppfyllt. Målet om att utbilda 80 ANDTS-coacher har uppnåtts.", "uppfyllt"),
        ("Målet är uppfyllt. … Arbetet kommer fortsätta gällande utveckling", "uppfyllt"),
        ("Målet är uppfyllt. … Till dess försätter samverkan i befintlig form.", "uppfyllt"),
        ("TK har ännu inte jobbat fram ett bra sätt, men det är under arbete.", "pagaende"),
        ("Det har under året utförts totalt 11 trygghetsvandringar.", "ej_bedomd"),
        ("Man har även påbörjat ett arbete för tydligare samverkan.", "pagaende"),
        ("Samordnare rekryterades under början av 2024 och påbörjade sin tjänst.", "ej_bedomd"),
        ("Under året har all personal på LPO Järva genomgått en fördjupning.", "ej_bedomd"),
        # Other common wordings.
        ("målet uppfyllt", "uppfyllt"),
        ("Uppfyllt", "uppfyllt"),
        ("Målet är nått.", "uppfyllt"),
        ("Målet har uppnåtts", "uppfyllt"),
        ("Målet är inte uppfyllt", "ej_uppfyllt"),
        ("Målet har inte uppnåtts.", "ej_uppfyllt"),
        ("ej uppnått", "ej_uppfyllt"),
        ("Ej uppfyllt – mötena ställdes in.", "ej_uppfyllt"),
        ("Målet uppfylldes inte.", "ej_uppfyllt"),
        ("Åtgärden har inte genomförts.", "ej_uppfyllt"),
        ("Ännu inte påbörjad", "ej_uppfyllt"),
        ("MÅLET ÄR EJ UPPFYLLT", "ej_uppfyllt"),
        ("Malet ar ej uppfyllt", "ej_uppfyllt"),
        ("Målet är delvis uppfyllt.", "delvis"),
        ("Delvis uppfyllt", "delvis"),
        ("Målet är inte helt uppfyllt.", "delvis"),
        ("Målet är till viss del uppnått.", "delvis"),
        ("Delvis: två av tre möten hölls.", "delvis"),
        ("Pågår", "pagaende"),
        ("Pågående, klart i höst", "pagaende"),
        ("Arbetet fortsätter under 2025.", "pagaende"),
        ("pagar", "pagaende"),
        ("Grön", "uppfyllt"),
        ("Gul – försenat", "delvis"),
        ("Röd", "ej_uppfyllt"),
        ("🟢 Klart", "uppfyllt"),
        ("Klart.", "uppfyllt"),
        ("Klart, alla åtta möten hölls.", "uppfyllt"),
        ("Klart i höst", "ej_bedomd"),
        ("🔴", "ej_uppfyllt"),
        ("Status: gul", "delvis"),
        ("Röda korset deltog vid mötena.", "ej_bedomd"),
        # A drop-down's numbered choices.
        ("3 - Klar", "uppfyllt"),
        ("3. Klar", "uppfyllt"),
        ("1 - Ej påbörjad", "ej_uppfyllt"),
        ("Vilande", "ej_uppfyllt"),
        ("3 vandringar hölls.", "ej_bedomd"),
        ("", "ej_bedomd"),
        ("   \n ", "ej_bedomd"),
        (None, "ej_bedomd"),
    ],
)
def test_derive_verdict(text: str | None, verdict: str) -> None:
    assert derive_verdict(text) == verdict


@given(st.text(max_size=300))
def test_derive_verdict_is_total(text: str) -> None:
    assert derive_verdict(text) in VERDICTS


def test_instruction_headers_constant_matches_template() -> None:
    # Guard for the builders: the 2025 header has seven columns incl. the area name.
    assert len(INSTRUCTIONS_2025) == len(HEADERS_2025) + 1
