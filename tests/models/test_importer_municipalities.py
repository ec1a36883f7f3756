"""Other municipalities' templates through the whole chain: the file is read by
`read_plan`, stored by `apply_plan` in a real database, and the tertial report exported as
xlsx (the city's layout), html and md; each must say what the file said.

The workbooks are the ones of `tests.reports.municipal_workbooks`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from bot.db import SessionFactory
from models.importer import ImportResult, apply_plan
from models.tables import FollowUp, Measure, Plan, PriorityArea
from reports.export import export_plan
from reports.snapshot import STANDINGS, build_snapshot
from reports.xlsx_reader import read_plan
from tests.models.import_helpers import ACTOR, import_file
from tests.reports import municipal_workbooks as books
from tests.reports.test_export_agrees import from_html, from_markdown, from_xlsx

IMPORTED = date(2026, 4, 22)  # read in before tertial 1 ends: texts of no tertial are T1's
REPORTED = date(2026, 5, 12)  # tertialrapport 1 written after it


def _import(sf: SessionFactory, path: Path, district: str) -> ImportResult:
    return import_file(sf, path, district=district, year=2026, today=IMPORTED)


def _stored(sf: SessionFactory) -> list[tuple[int, str, str, str | None, str | None, str | None]]:
    """(area number, area name, ref, measure, När, Vem) in the plan's order."""
    with sf.begin() as s:
        rows = s.exec(select(Measure, PriorityArea).join(PriorityArea)).all()
        ordered = sorted(rows, key=lambda mp: (mp[1].number, mp[0].position))
        return [
            (a.number, a.name, m.ref, m.description, m.when_text, m.responsible_text)
            for m, a in ordered
        ]


def _verdicts(sf: SessionFactory) -> dict[str, list[tuple[str, str, str]]]:
    """ref -> (period, verdict, text) of its follow-ups, oldest first."""
    with sf.begin() as s:
        rows = s.exec(select(FollowUp, Measure).join(Measure).order_by(FollowUp.id)).all()
        out: dict[str, list[tuple[str, str, str]]] = {}
        for f, m in rows:
            out.setdefault(m.ref, []).append((f.period, f.verdict, f.text))
        return out


def _exports_agree(sf: SessionFactory, period: str) -> dict[str, tuple[int, ...]]:
    """The standings per area of the xlsx, html and md reports, checked to be the same and
    the snapshot's own; returned by area name, with "Totalt"."""
    with sf.begin() as s:
        plan = s.exec(select(Plan)).one()
        snap = build_snapshot(session=s, plan=plan, period=period, today=REPORTED)
        files = {
            fmt: export_plan(session=s, plan=plan, period=period, fmt=fmt, today=REPORTED)
            for fmt in ("xlsx", "html", "md")
        }
    expected = {a.name: tuple(a.standings[k] for k in STANDINGS) for a in snap.areas}
    expected["Totalt"] = tuple(snap.standings[k] for k in STANDINGS)
    xlsx_counts, _texts = from_xlsx(files["xlsx"].content)
    assert xlsx_counts == expected
    html = from_html(files["html"].content.decode("utf-8"))
    md = from_markdown(files["md"].content.decode("utf-8"))
    without_total = {k: v for k, v in expected.items() if k != "Totalt"}
    assert {k: v for k, v in html.items() if k != "Totalt"} == without_total
    assert {k: v for k, v in md.items() if k != "Totalt"} == without_total
    return expected


def _exported_follow_ups(sf: SessionFactory, period: str) -> dict[str, str | None]:
    """The Uppföljning cell of each measure in the exported workbook, by its Åtgärd."""
    with sf.begin() as s:
        plan = s.exec(select(Plan)).one()
        content = export_plan(
            session=s, plan=plan, period=period, fmt="xlsx", today=REPORTED
        ).content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return {
        str(r[2]): r[6]
        for ws in wb.worksheets[1:]
        for r in ws.iter_rows(min_row=3, values_only=True)
        if r[2]
    }


def test_a_checkbox_done_column_is_stored_and_reported_as_done(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    path = books.harnosand_checkbox_done_column(tmp_path / "harnosand.xlsx")
    result = _import(session_factory, path, "Härnösand")
    assert (result.created, result.follow_ups) == (3, 1)
    assert result.warnings == [
        "Flik ”Åtgärdsplan”, rad 9: raden är dold och lästes inte in. Visa raden i Excel och "
        "läs in filen igen om den hör till planen."
    ]
    assert [row[:3] for row in _stored(session_factory)] == [
        (1, "Otrygghet i centrum", "1.1"),
        (1, "Otrygghet i centrum", "1.2"),
        (2, "Unga i riskzon", "2.1"),
    ]
    assert _verdicts(session_factory) == {"1.1": [("2026-T1", "uppfyllt", "Klar")]}
    counts = _exports_agree(session_factory, "2026-T1")
    assert counts["Otrygghet i centrum"][STANDINGS.index("klar")] == 1
    assert _exported_follow_ups(session_factory, "2026-T1")["Ny belysning på Storgatan"] == ("Klar")
    again = _import(session_factory, path, "Härnösand")
    assert (again.created, again.updated, again.follow_ups) == (0, 0, 0)


def test_a_bilingual_macro_workbook_with_rag_status(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    path = books.sodertalje_bilingual_macro_workbook(tmp_path / "sodertalje.xlsm")
    result = _import(session_factory, path, "Södertälje")
    assert (result.created, result.follow_ups, result.warnings) == (3, 3, [])
    assert _stored(session_factory) == [
        (
            1,
            "Unga i riskzon",
            "1.1",
            "Mentorprogram på högstadiet",
            "2026-06-30",
            "Skolförvaltningen",
        ),
        (
            1,
            "Unga i riskzon",
            "1.2",
            "Sommarjobb för unga",
            "2026-08-31",
            "Arbetsmarknadsförvaltningen",
        ),
        (2, "Otrygga platser", "2.1", "Kameraövervakning vid stationen", "2026-12-31", "Polisen"),
    ]
    assert {ref: fus[-1][1] for ref, fus in _verdicts(session_factory).items()} == {
        "1.1": "uppfyllt",
        "1.2": "delvis",
        "2.1": "ej_uppfyllt",
    }
    counts = _exports_agree(session_factory, "2026-T1")
    assert counts["Totalt"] == (1, 1, 1, 0)  # klar, i fas, efter, ej bedömd


def test_a_status_report_sheet_does_not_double_the_measures(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    path = books.gavle_outline_with_status_report(tmp_path / "gavle.xlsx")
    result = _import(session_factory, path, "Gävle")
    assert result.created == 3
    assert [row[:2] for row in _stored(session_factory)] == [
        (1, "Trygga offentliga miljöer"),
        (1, "Trygga offentliga miljöer"),
        (2, "Barn och unga"),
    ]
    assert any("”Statusrapport”" in w for w in result.warnings)
    assert _exports_agree(session_factory, "2026-T1")["Totalt"][STANDINGS.index("klar")] == 1


@pytest.mark.parametrize(
    ("build", "district", "measures"),
    [
        (books.lerum_table_after_instructions, "Lerum", 4),
        (books.boras_sheet_per_area_below_a_logo, "Borås", 3),
        (books.kalix_questions_as_headers, "Kalix", 2),
        (books.katrineholm_table_with_unnamed_column, "Katrineholm", 3),
    ],
)
def test_each_template_imports_once_and_its_reports_agree(
    session_factory: SessionFactory,
    tmp_path: Path,
    build: Callable[[Path], Path],
    district: str,
    measures: int,
) -> None:
    path = build(tmp_path / f"{district}.xlsx")
    first = _import(session_factory, path, district)
    assert first.created == measures
    stored = _stored(session_factory)
    assert all(description and who for _, _, _, description, _, who in stored)
    with session_factory.begin() as s:
        verdicts = {m.ref: f.verdict for f, m in s.exec(select(FollowUp, Measure).join(Measure))}
    counts = _exports_agree(session_factory, "2026-T1")
    assert counts["Totalt"][STANDINGS.index("klar")] == sum(
        1 for v in verdicts.values() if v == "uppfyllt"
    )
    again = _import(session_factory, path, district)
    assert (again.created, again.updated, again.follow_ups) == (0, 0, 0)


def test_the_report_of_a_plan_without_problem_or_cause_reads_back_without_warnings(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    """The city's layout has Problemområde and Orsak; a plan that has neither leaves them
    empty on every row of its report, which is no partial row: re-importing the report
    (the follow-ups edited in Excel) warns of nothing and changes nothing."""
    _import(session_factory, books.sodertalje_bilingual_macro_workbook(tmp_path / "s.xlsm"), "S")
    with session_factory.begin() as s:
        plan = s.exec(select(Plan)).one()
        content = export_plan(
            session=s, plan=plan, period="2026-T1", fmt="xlsx", today=REPORTED
        ).content
    report = tmp_path / "rapport.xlsx"
    report.write_bytes(content)
    parsed = read_plan(report)
    assert parsed.warnings == []
    assert [r.missing for a in parsed.areas for r in a.rows] == [[], [], []]
    with session_factory.begin() as s:
        again = apply_plan(
            session=s, parsed=parsed, district="S", year=2026, actor=ACTOR, today=REPORTED
        )
    assert (again.created, again.updated, again.unchanged, again.follow_ups) == (0, 0, 3, 0)
    assert again.warnings == []
