"""The export per a tertial's last day: the plan, follow-ups and tick-offs as they stood then.

Real files: the example plan edited with openpyxl and read in again, exports read back
with openpyxl, on the test run's real database.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from sqlmodel import select

from bot.db import SessionFactory
from handlers.export import export_reply
from handlers.router import execute
from models.importer import apply_plan
from models.tables import Measure, Plan
from reports.export import export_plan
from reports.xlsx_reader import read_plan
from tests.conftest import Clock, plan_file
from tests.reports.export_helpers import ACTOR, IN_T1, add_follow_up, csv_rows
from tests.reports.make_workbooks import Sheet, write_workbook

NEW_MEASURE = "Nattvandring med föreningar kring Fridhemsplan"
AREA_2_SHEET = "2. Otrygga och brottsutsatta pl"


def plan_with_new_row(tmp_path: Path, follow_up: str | None = None) -> Path:
    """The example plan with one more row in area 2, as a coordinator adds one in Excel
    (with its Uppföljning text when given)."""
    wb = openpyxl.load_workbook(plan_file())
    ws = wb[AREA_2_SHEET]
    ws.append(
        [
            "Otrygghet kvällstid",
            "Få vuxna ute på kvällarna",
            NEW_MEASURE,
            "Fler vuxna ute fredagskvällar",
            "Under 2025",
            "Trygghetssamordnare",
            follow_up,
        ]
    )
    path = tmp_path / "plan-juni.xlsx"
    wb.save(path)
    return path


def import_file(sf: SessionFactory, path: Path, today: date) -> Plan:
    with sf.begin() as s:
        return apply_plan(
            session=s,
            parsed=read_plan(path),
            district="Kungsholmen",
            year=2025,
            actor=ACTOR,
            today=today,
        ).plan


def export_xlsx(sf: SessionFactory, plan: Plan, period: str, today: date) -> openpyxl.Workbook:
    with sf.begin() as s:
        result = export_plan(
            session=s, plan=s.get(Plan, plan.id), period=period, fmt="xlsx", today=today
        )
    return openpyxl.load_workbook(io.BytesIO(result.content))


def sheet_measures(wb: openpyxl.Workbook, title: str) -> list[str]:
    """The Åtgärd column of an area sheet, below the header and the instruction row."""
    return [row[2] for row in wb[title].iter_rows(min_row=3, values_only=True) if row[2]]


def total_measures(wb: openpyxl.Workbook) -> int:
    ws = wb["Sammanställning"]
    total = next(r for r in ws.iter_rows(min_row=6, values_only=True) if r[0] == "Totalt")
    return int(total[3])


def summary_notes(wb: openpyxl.Workbook) -> str:
    ws = wb["Sammanställning"]
    return "\n".join(str(ws.cell(row=r, column=1).value or "") for r in range(1, 5))


def test_a_measure_added_in_june_is_not_in_the_report_per_30_april(
    session_factory: SessionFactory, imported_plan: Plan, tmp_path: Path
) -> None:
    plan = import_file(session_factory, plan_with_new_row(tmp_path), date(2025, 6, 10))
    with session_factory.begin() as s:
        added = s.exec(select(Measure).where(Measure.description == NEW_MEASURE)).one()
        ref = added.ref
        assert added.added_on == date(2025, 6, 10)

    t1 = export_xlsx(session_factory, plan, "2025-T1", date(2025, 6, 15))
    assert NEW_MEASURE not in sheet_measures(t1, AREA_2_SHEET)
    assert len(sheet_measures(t1, AREA_2_SHEET)) == 3
    assert total_measures(t1) == 16
    note = f"Åtgärd {ref} lades till i planen efter 2025-04-30 och ingår därför inte."
    assert note in summary_notes(t1)
    with session_factory.begin() as s:
        for fmt in ("html", "md"):
            text = export_plan(
                session=s, plan=s.get(Plan, plan.id), period="T1", fmt=fmt, today=date(2025, 6, 15)
            ).content.decode("utf-8")
            assert note in text and NEW_MEASURE not in text, fmt

    # T2 is not over on 15 June: today's plan, the new measure with it.
    t2 = export_xlsx(session_factory, plan, "2025-T2", date(2025, 6, 15))
    assert NEW_MEASURE in sheet_measures(t2, AREA_2_SHEET)
    assert total_measures(t2) == 17
    assert "lades till i planen" not in summary_notes(t2)


def test_a_row_added_with_its_tertial_report_in_early_may_is_in_that_report(
    session_factory: SessionFactory, imported_plan: Plan, tmp_path: Path
) -> None:
    """Tertialrapport 1 is written in the first days of May: a row added then with its
    follow-up text files the text under T1 (models.importer.import_period), so the row was
    in the plan in T1 and the T1 report shows it with its text, like a row with text in a
    T1 column."""
    text = "Tre nattvandringar i april med föreningarna kring Fridhemsplan."
    plan = import_file(session_factory, plan_with_new_row(tmp_path, text), date(2025, 5, 5))
    t1 = export_xlsx(session_factory, plan, "2025-T1", date(2025, 5, 5))
    assert NEW_MEASURE in sheet_measures(t1, AREA_2_SHEET)
    assert total_measures(t1) == 17
    assert "lades till i planen" not in summary_notes(t1)
    row = next(r for r in t1[AREA_2_SHEET].iter_rows(values_only=True) if r[2] == NEW_MEASURE)
    assert any(text in str(cell) for cell in row if cell)


def test_a_plan_first_read_in_after_the_tertial_is_the_plan_of_that_tertial(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    """Plans are adopted in spring and often read into the bot later: the first import is
    the plan as adopted, so the T1 report made in May has every measure."""
    plan = import_file(session_factory, plan_file(), date(2025, 5, 12))
    t1 = export_xlsx(session_factory, plan, "2025-T1", date(2025, 5, 12))
    assert total_measures(t1) == 16
    assert "lades till i planen" not in summary_notes(t1)
    # Read in again unchanged: nothing counts as added.
    import_file(session_factory, plan_file(), date(2025, 6, 1))
    assert total_measures(export_xlsx(session_factory, plan, "2025-T1", date(2025, 6, 1))) == 16


def test_year_end_follow_ups_written_in_january_are_in_the_year_end_report(
    make_ctx: Any, clock: Clock, imported_plan: Plan
) -> None:
    """The verksamhetsberättelse is written in January: `uppfolj` then files the text under
    2025-T3 (it says so), and the 2025-T3 export must show it, as it shows T3 texts read in
    from a file then."""
    clock.set(datetime(2025, 12, 10, 9, 0, tzinfo=UTC))
    assert not execute(make_ctx(), "uppfolj 1.2 Arbetet pågår, rutinen är på remiss.").failed
    clock.set(datetime(2026, 1, 14, 9, 0, tzinfo=UTC))
    saved = execute(make_ctx(), "uppfolj 1.2 uppfyllt Rutinen för förhör antogs i december.")
    assert "2025-T3" in saved.plain()

    year_end = export_reply(make_ctx(), ["2025-T3", "csv"])
    row = csv_rows(year_end.attachments[0].content)["1.2"]
    assert (row["Bedömning"], row["Uppföljningens period"]) == ("Uppfyllt", "2025-T3")
    assert row["Uppföljning"] == "Rutinen för förhör antogs i december."
    assert row["Uppföljningen skriven"] == "2026-01-14"
    # T2 is unchanged by what was written for T3.
    t2 = csv_rows(export_reply(make_ctx(), ["2025-T2", "csv"]).attachments[0].content)
    assert t2["1.2"]["Uppföljning"] == ""


def test_a_text_read_in_for_a_later_tertial_is_not_in_an_earlier_report(
    session_factory: SessionFactory, imported_plan: Plan
) -> None:
    """A file with a T2 column read in during April gives a follow-up for 2025-T2 written in
    April: the T1 report per 30 April is not about it."""
    with session_factory.begin() as s:
        plan = s.get(Plan, imported_plan.id)
        add_follow_up(s, plan, "1.4", "pagaende", "Skrivet för T1.", IN_T1)
        add_follow_up(
            s, plan, "1.4", "delvis", "Planerat för T2.", IN_T1 + timedelta(hours=1), "2025-T2"
        )
    with session_factory.begin() as s:
        t1 = export_plan(
            session=s,
            plan=s.get(Plan, imported_plan.id),
            period="T1",
            fmt="csv",
            today=date(2025, 5, 5),
        )
    assert csv_rows(t1.content)["1.4"]["Uppföljning"] == "Skrivet för T1."


def test_a_one_off_ticked_off_again_later_stays_done_in_the_report_between(
    make_ctx: Any, clock: Clock, session_factory: SessionFactory, imported_plan: Plan
) -> None:
    """1.1 ("Under 2025") done in March and ticked off again in June by someone else: the
    report per 30 April shows it done, as it was then."""
    clock.set(datetime(2025, 3, 10, 9, 0, tzinfo=UTC))
    assert not execute(make_ctx(), "klar 1.1").failed
    clock.set(datetime(2025, 6, 2, 9, 0, tzinfo=UTC))
    assert not execute(make_ctx(user="U2", name="Alex"), "klar 1.1").failed
    t1 = csv_rows(export_reply(make_ctx(), ["2025-T1", "csv"]).attachments[0].content)
    assert (t1["1.1"]["Läge"], t1["1.1"]["Takt"]) == ("Klar", "Senast 2025-12-31, klar")


def test_a_preliminary_export_says_so_on_every_sheet_and_csv_row(
    session_factory: SessionFactory, imported_plan: Plan
) -> None:
    """T1 exported on 22 April: every printed area sheet and every CSV row says preliminär."""
    with session_factory.begin() as s:
        plan = s.get(Plan, imported_plan.id)
        early = [
            export_plan(session=s, plan=plan, period="T1", fmt=f, today=date(2025, 4, 22))
            for f in ("xlsx", "csv")
        ]
        final = export_plan(session=s, plan=plan, period="T1", fmt="csv", today=date(2025, 5, 2))
    wb = openpyxl.load_workbook(io.BytesIO(early[0].content))
    expected = "preliminär status per 2025-04-22 (perioden slutar 2025-04-30)"
    for ws in wb.worksheets:
        assert expected in (ws.oddHeader.center.text or ""), ws.title
    assert {r["Preliminär status"] for r in csv_rows(early[1].content).values()} == {"ja"}
    assert {r["Preliminär status"] for r in csv_rows(final.content).values()} == {"nej"}


def test_a_row_added_with_text_for_a_past_tertial_was_in_the_plan_then(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    """Read in again in June with two new rows: one has text in the T1 column (it was
    reported for T1, so it was in the plan then), the other none (added now)."""
    header = ["Orsak", "Åtgärd", "När", "Vem", "Uppföljning T1", "Uppföljning T2"]
    first = [["Mörker", "Belysning", "Under 2025", "TK", "Beställd.", None]]
    later = [
        ["Klotter", "Sanering", "Linjearbete", "SDF", "Startade i april.", None],
        ["Buskage", "Röjning", "Under 2025", "TK", None, None],
    ]
    v1 = write_workbook(tmp_path / "v1.xlsx", [Sheet("1. Platser", [header, *first])])
    v2 = write_workbook(tmp_path / "v2.xlsx", [Sheet("1. Platser", [header, *first, *later])])
    plan = import_file(session_factory, v1, date(2025, 4, 22))
    import_file(session_factory, v2, date(2025, 6, 10))
    t1 = export_xlsx(session_factory, plan, "2025-T1", date(2025, 6, 15))
    assert sheet_measures(t1, "1. Platser") == ["Belysning", "Sanering"]
    assert "Åtgärd 1.3 lades till i planen efter 2025-04-30" in summary_notes(t1)
