"""The Excel export: template layout, verdict fills, correct counts, round trip, stable bytes."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import func, select

from models.importer import apply_plan
from models.tables import FollowUp, Measure, Plan
from reports.export import ExportFormat, export_plan
from reports.export_texts import SUMMARY_HEADERS, TEMPLATE_HEADERS
from reports.export_xlsx import VERDICT_FILLS, area_sheet_title
from reports.xlsx_reader import derive_verdict, read_plan
from tests.reports.export_helpers import (
    AFTER_T1,
    IN_T1,
    T1_FOLLOW_UPS,
    add_follow_up,
    seed_period_data,
)

AREA_NAMES = [
    "Unga i riskzon för destruktivt beteende",
    "Otrygga och brottsutsatta platser",
    "Systemhotande brottslighet",
    "Särskilt utsatta och sårbara brottsoffer",
    "Kriminella miljöer och livsstilar",
    "[Eget prioriterat område]",
]


def _export(session_factory, plan: Plan, period: str = "2025-T1", fmt=ExportFormat.XLSX):  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        return export_plan(session=s, plan=s.get(Plan, plan.id), period=period, fmt=fmt)


def _workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


@pytest.fixture
def seeded(session_factory, imported_plan):  # type: ignore[no-untyped-def]
    seed_period_data(session_factory, imported_plan)
    return imported_plan


def test_filename_mime_and_sheets(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    result = _export(session_factory, seeded)
    assert result.filename == "atgardsplan-2025-T1-kungsholmen.xlsx"
    assert result.mime.startswith("application/vnd.openxmlformats")
    wb = _workbook(result.content)
    assert wb.sheetnames == [
        "Sammanställning",
        "1. Unga i riskzon för destrukti",
        "2. Otrygga och brottsutsatta pl",
        "3. Systemhotande brottslighet",
        "4. Särskilt utsatta och sårbara",
        "5. Kriminella miljöer och livss",
        "6. Eget prioriterat område",
    ]
    assert all(len(name) <= 31 for name in wb.sheetnames)


def test_area_sheet_layout_and_follow_up_cells(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    wb = _workbook(_export(session_factory, seeded).content)
    ws = wb["1. Unga i riskzon för destrukti"]
    assert [c.value for c in ws[1]] == [AREA_NAMES[0], *TEMPLATE_HEADERS]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert all(c.font.i for c in ws[2])  # the template's instruction row
    assert ws["A3"].value == "Barn och unga"
    assert ws["E3"].value == "Under 2025"
    assert ws["E5"].value.startswith("Möten 8 ggr/år")
    assert ws["C3"].alignment.wrap_text
    assert ws.column_dimensions["G"].width >= 50
    # Uppföljning: the verdict in words (readable back by the importer) and the text.
    g3 = ws["G3"].value
    assert g3 == "Målet är uppfyllt. " + T1_FOLLOW_UPS["1.1"][1]
    assert ws["G4"].value == "Målet är delvis uppfyllt. " + T1_FOLLOW_UPS["1.2"][1]
    assert ws["G5"].value == "Arbetet pågår. " + T1_FOLLOW_UPS["1.3"][1]
    assert ws["G6"].value is None and ws["G7"].value is None
    for cell, verdict in (("G3", "uppfyllt"), ("G4", "delvis"), ("G5", "pagaende")):
        assert derive_verdict(ws[cell].value) == verdict
        assert ws[cell].fill.fgColor.rgb.endswith(VERDICT_FILLS[verdict][0])
    assert ws["G6"].fill.fill_type is None  # not assessed: no traffic light
    ws4 = wb["4. Särskilt utsatta och sårbara"]
    assert ws4["G3"].value == T1_FOLLOW_UPS["4.1"][1]  # already starts with the verdict
    assert ws4["G3"].fill.fgColor.rgb.endswith("C6EFCE")
    assert ws4["G4"].value == T1_FOLLOW_UPS["4.2"][1]
    assert ws4["G4"].fill.fgColor.rgb.endswith("F2F2F2")
    red = wb["2. Otrygga och brottsutsatta pl"]["G3"]
    assert red.value.startswith("Målet är ej uppfyllt.")
    assert red.fill.fgColor.rgb.endswith("FFC7CE")
    # The partial row (only När and Vem) stays partial.
    ws5 = wb["5. Kriminella miljöer och livss"]
    assert ws5["A4"].value is None and ws5["E4"].value == "Linjearbete"


def test_summary_sheet_counts_come_from_the_data(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    ws = _workbook(_export(session_factory, seeded).content)["Sammanställning"]
    assert ws["A1"].value == "Åtgärdsplan 2025, Kungsholmen"
    assert "Tertialrapport 1" in ws["A2"].value and "2025-04-30" in ws["A2"].value
    assert tuple(c.value for c in ws[5]) == SUMMARY_HEADERS
    rows = [[c.value for c in ws[r]] for r in range(6, 13)]
    assert [r[0] for r in rows] == [*AREA_NAMES, "Totalt"]
    # Not the template's 6/4/0/7/2 (its formula counts the instruction row).
    assert [r[3] for r in rows] == [5, 3, 0, 6, 2, 0, 16]
    assert [r[1] for r in rows] == [1, 2, 0, 5, 1, 0, 9]
    assert [r[2] for r in rows] == [4, 3, 0, 6, 1, 0, 14]
    # Uppfyllt, Delvis, Ej uppfyllt, Pågående, Ej bedömd (the May follow-up is not in T1).
    assert rows[0][4:] == [1, 1, 0, 1, 2]
    assert rows[1][4:] == [0, 0, 1, 0, 2]
    assert rows[3][4:] == [1, 0, 0, 0, 5]
    assert rows[6][4:] == [2, 1, 1, 1, 11]
    for r in rows:
        assert all(isinstance(v, int) for v in r[1:])  # values, not formulas
        assert sum(r[4:]) == r[3]


def test_round_trip_reimports_with_nothing_changed(session_factory, seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "atgardsplan-2025-T1-kungsholmen.xlsx"
    path.write_bytes(_export(session_factory, seeded).content)
    parsed = read_plan(path)
    assert parsed.year == 2025 and parsed.district == "Kungsholmen"
    assert [a.name for a in parsed.areas] == AREA_NAMES
    assert [len(a.rows) for a in parsed.areas] == [5, 3, 0, 6, 2, 0]
    verdicts = {f"{a.number}.{i}": r.verdict for a in parsed.areas for i, r in enumerate(a.rows, 1)}
    for ref, (verdict, _) in T1_FOLLOW_UPS.items():
        assert verdicts[ref] == verdict, ref
    with session_factory.begin() as s:
        before = s.exec(select(func.count()).select_from(FollowUp)).one()
        snapshot = {
            m.ref: (m.problem, m.cause, m.description, m.goal, m.when_text, m.responsible_text)
            for m in s.exec(select(Measure))
        }
        result = apply_plan(
            session=s,
            parsed=parsed,
            district="Kungsholmen",
            year=2025,
            actor=None,
            today=date(2025, 5, 6),
        )
        assert (result.created, result.updated, result.unchanged) == (0, 0, 16)
        assert result.follow_ups == 0
        # Only the source plan's own partial row is reported, as on the first import.
        assert len(result.warnings) == 1 and "raden saknar" in result.warnings[0]
    with session_factory.begin() as s:
        assert s.exec(select(func.count()).select_from(FollowUp)).one() == before
        assert s.exec(select(func.count()).select_from(Plan)).one() == 1
        after = {
            m.ref: (m.problem, m.cause, m.description, m.goal, m.when_text, m.responsible_text)
            for m in s.exec(select(Measure))
        }
    assert after == snapshot


def test_round_trip_into_an_empty_database_keeps_verdicts(
    session_factory, seeded, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "export.xlsx"
    path.write_bytes(_export(session_factory, seeded).content)
    parsed = read_plan(path)
    with session_factory.begin() as s:
        result = apply_plan(
            session=s,
            parsed=parsed,
            district="Norrmalm",
            year=2025,
            actor=None,
            today=date(2025, 4, 29),
        )
        assert result.created == 16
        assert result.follow_ups == len(T1_FOLLOW_UPS)


def test_same_period_gives_the_same_bytes_even_after_newer_follow_ups(
    session_factory, seeded
) -> None:  # type: ignore[no-untyped-def]
    first = _export(session_factory, seeded).content
    with session_factory.begin() as s:
        plan = s.get(Plan, seeded.id)
        add_follow_up(s, plan, "2.2", "uppfyllt", "Skrivet i maj.", AFTER_T1, period="2025-T2")
    again = _export(session_factory, seeded).content
    assert again == first
    t2 = _workbook(_export(session_factory, seeded, "2025-T2").content)
    assert t2["2. Otrygga och brottsutsatta pl"]["G4"].value == "Målet är uppfyllt. Skrivet i maj."
    assert t2["1. Unga i riskzon för destrukti"]["G3"].value.startswith("Målet är ej uppfyllt.")


def test_formula_like_and_control_characters_are_plain_text(session_factory, imported_plan) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        plan = s.get(Plan, imported_plan.id)
        add_follow_up(s, plan, "1.1", "pagaende", '=HYPERLINK("http://x","klicka")\x07', IN_T1)
    ws = _workbook(_export(session_factory, imported_plan).content)[
        "1. Unga i riskzon för destrukti"
    ]
    assert ws["G3"].data_type == "s"
    assert ws["G3"].value == 'Arbetet pågår. =HYPERLINK("http://x","klicka")'


def test_sheet_titles_are_valid_for_excel() -> None:
    assert area_sheet_title(6, "[Eget prioriterat område]") == "6. Eget prioriterat område"
    assert area_sheet_title(2, "Platser: torg/parker?") == "2. Platser torgparker"
    assert len(area_sheet_title(12, "x" * 80)) == 31


@pytest.mark.parametrize(
    "name",
    [
        *(f"Otrygga platser kring {'x' * n} 'Torget' och parken" for n in range(0, 10)),
        "Trygghet i skolan 🏫 och på fritiden 🏀⚽",
        "Ungdomar 👩‍👩‍👧‍👦 och familjer i utsatta områden",
    ],
)
def test_sheet_titles_keep_excels_rules_after_cutting(name: str) -> None:
    """Excel refuses a sheet name that ends with an apostrophe or is longer than 31 UTF-16
    units (an emoji is two); openpyxl and LibreOffice let both through."""
    title = area_sheet_title(4, name)
    assert title.startswith("4. ") and not title.endswith(("'", " "))
    assert len(title.encode("utf-16-le")) // 2 <= 31


def test_export_reads_the_plan_in_a_few_queries(session_factory, seeded) -> None:  # type: ignore[no-untyped-def]
    """No query per measure: twice the measures, the same queries (bench/ times the export)."""
    from sqlalchemy import event
    from sqlmodel import select

    from models.tables import FollowUp, Measure

    engine = session_factory.kw["bind"]

    def queries_of_an_export() -> int:
        seen: list[str] = []

        def count(_conn, _cur, statement, *_args) -> None:  # type: ignore[no-untyped-def]
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert _workbook(_export(session_factory, seeded).content).sheetnames
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    before = queries_of_an_export()
    with session_factory.begin() as s:
        existing = list(s.exec(select(Measure).where(Measure.plan_id == seeded.id)))
        for i, m in enumerate(existing):
            copy = Measure(
                plan_id=m.plan_id,
                area_id=m.area_id,
                group_id=m.group_id,
                ref=f"{m.ref}.{i}",
                position=100 + i,
                description=f"Kopia av {m.ref}",
                when_text=m.when_text,
            )
            s.add(copy)
            s.flush()
            s.add(FollowUp(measure_id=copy.id, period="2025-T1", verdict="pagaende", text="Pågår"))
    assert before <= 12
    assert queries_of_an_export() == before
