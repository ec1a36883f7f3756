from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
from sqlmodel import func, select

from bot.db import SessionFactory
from models.importer import ImportResult
from models.tables import AuditEvent, FollowUp, Measure, Plan, PriorityArea
from reports.xlsx_reader import read_plan
from tests.conftest import DATA, plan_file
from tests.models.import_helpers import import_file


def _import(
    sf: SessionFactory, path: Path, district: str = "Kungsholmen", year: int = 2025
) -> ImportResult:
    return import_file(sf, path, district=district, year=year, today=date(2025, 4, 22))


def _count(sf: SessionFactory, model: type) -> int:
    with sf.begin() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_fixture_imports_16_measures_with_partial_row_warned(
    session_factory: SessionFactory,
) -> None:
    result = _import(session_factory, plan_file())
    assert (result.created, result.updated, result.unchanged) == (16, 0, 0)
    assert len(result.warnings) == 1
    assert "rad 4" in result.warnings[0] and "5. Kriminella" in result.warnings[0]
    with session_factory.begin() as s:
        per_area = dict(
            s.exec(
                select(PriorityArea.number, func.count(Measure.id))
                .join(Measure, isouter=True)
                .group_by(PriorityArea.number)
            ).all()
        )
        assert per_area == {1: 5, 2: 3, 3: 0, 4: 6, 5: 2, 6: 0}
        m = s.exec(select(Measure).where(Measure.ref == "1.3")).one()
        assert m.description and m.description.startswith("SSP: Nätverksmöten")
        assert (
            m.when_text == "Möten 8 ggr/år (4 ggr/år mellan- och högstadiet och 4 ggr/år gymnasiet)"
        )
        assert m.kind == "aterkommande"
        partial = s.exec(select(Measure).where(Measure.ref == "5.2")).one()
        assert partial.description is None and partial.when_text == "Linjearbete"


def test_reimporting_the_same_file_changes_nothing(session_factory: SessionFactory) -> None:
    _import(session_factory, plan_file())
    audits = _count(session_factory, AuditEvent)
    again = _import(session_factory, plan_file())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 16)
    assert _count(session_factory, Measure) == 16
    assert _count(session_factory, Plan) == 1
    assert _count(session_factory, AuditEvent) == audits


def test_edited_file_updates_rows_and_keeps_follow_ups(
    session_factory: SessionFactory, tmp_path: Path, make_ctx
) -> None:  # type: ignore[no-untyped-def]
    from handlers.router import execute

    _import(session_factory, plan_file())
    reply = execute(make_ctx(), "uppfolj 2.1 Fyra möten hölls under våren.")
    assert "sparad" in (reply.title or "")
    edited = tmp_path / "edited.xlsx"
    shutil.copy(plan_file(), edited)
    wb = openpyxl.load_workbook(edited)
    ws = wb["2. Otrygga och brottsutsatta pl"]
    ws["E3"] = "6 ggr/år"
    wb.save(edited)
    result = _import(session_factory, edited)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 15)
    with session_factory.begin() as s:
        m = s.exec(select(Measure).where(Measure.ref == "2.1")).one()
        assert m.when_text == "6 ggr/år"
        fus = s.exec(select(FollowUp).where(FollowUp.measure_id == m.id)).all()
        assert [f.text for f in fus] == ["Fyra möten hölls under våren."]
        change = s.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "import", AuditEvent.entity_id == f"{m.plan_id}/2.1")
            .order_by(AuditEvent.id.desc())
        ).first()  # type: ignore[union-attr]
        assert (
            change is not None
            and "6 ggr/år" in (change.after or "")
            and "4 ggr/år" in (change.before or "")
        )


def test_2024_layout_imports_follow_ups_with_verdicts(session_factory: SessionFactory) -> None:
    result = _import(session_factory, DATA / "plan-2024-jarva.xlsx", district="Järva", year=2024)
    assert result.created == 17
    assert result.follow_ups >= 15
    with session_factory.begin() as s:
        verdicts = dict(
            s.exec(select(FollowUp.verdict, func.count()).group_by(FollowUp.verdict)).all()
        )
        assert verdicts.get("uppfyllt", 0) >= 10
        assert verdicts.get("ej_uppfyllt", 0) >= 1
        periods = set(s.exec(select(FollowUp.period)))
        assert periods == {"2024-T3"}  # a 2024 plan read in 2025 holds the year-end follow-up
        # ...written as of the year's last day, so a 2024-T3 export counts it.
        written = set(s.exec(select(FollowUp.created_at)))
        assert written == {datetime(2024, 12, 31, 22, 59, 59, 999999, tzinfo=UTC)}
        goals = s.exec(select(Measure.goal)).all()
        assert all(g is None for g in goals)  # the 2024 template has no goal column
    again = _import(session_factory, DATA / "plan-2024-jarva.xlsx", district="Järva", year=2024)
    assert again.follow_ups == 0 and again.unchanged == 17


def test_two_districts_keep_separate_refs(session_factory: SessionFactory) -> None:
    _import(session_factory, plan_file(), district="Kungsholmen")
    _import(session_factory, plan_file(), district="Norrmalm")
    assert _count(session_factory, Measure) == 32
    assert _count(session_factory, Plan) == 2


def test_personal_numbers_in_a_file_are_never_stored(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    edited = tmp_path / "pnr.xlsx"
    shutil.copy(plan_file(), edited)
    wb = openpyxl.load_workbook(edited)
    ws = wb["1. Unga i riskzon för destrukti"]
    ws["G5"] = "Målet är uppfyllt. Elev 811218-9876 har fått stöd."
    ws["B6"] = "Orsak som nämner 8112189876"
    wb.save(edited)
    result = _import(session_factory, edited)
    warnings = [w for w in result.warnings if "personnummer" in w]
    assert len(warnings) == 2 and all("9876" not in w for w in warnings)
    with session_factory.begin() as s:
        texts = [f.text for f in s.exec(select(FollowUp))] + [
            m.cause or "" for m in s.exec(select(Measure))
        ]
        audits = [e.after or "" for e in s.exec(select(AuditEvent))]
    assert not any("9876" in t for t in texts + audits)
    assert "Elev [personnummer] har fått stöd." in " ".join(texts)


def test_a_row_inserted_in_an_edited_file_keeps_refs_and_follow_ups(
    session_factory: SessionFactory, tmp_path: Path, make_ctx
) -> None:  # type: ignore[no-untyped-def]
    from handlers.router import execute

    _import(session_factory, plan_file())
    execute(make_ctx(), "uppfolj 1.3 SSP-mötena hölls")
    execute(make_ctx(), "uppfolj 1.4 Skolbesöken pågår")
    edited = tmp_path / "inserted.xlsx"
    shutil.copy(plan_file(), edited)
    wb = openpyxl.load_workbook(edited)
    ws = wb["1. Unga i riskzon för destrukti"]
    ws.insert_rows(4)  # a new measure between 1.1 and 1.2
    for col, value in zip(
        "ABCDEF",
        [
            "Barn och unga",
            "Ny orsak",
            "Ny åtgärd: föräldravandringar",
            "Fler vuxna ute",
            "4 ggr/år",
            "Fältassistenter",
        ],
        strict=True,
    ):
        ws[f"{col}4"] = value
    ws["D6"] = "Ett nytt operativt mål för SSP"  # 1.3 (now on row 6) edited in place
    wb.save(edited)
    result = _import(session_factory, edited)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 15)
    assert [w for w in result.warnings if "finns inte längre" in w] == []
    with session_factory.begin() as s:
        by_ref = {
            m.ref: m
            for m in s.exec(select(Measure).join(PriorityArea).where(PriorityArea.number == 1))
        }
        fu = {s.get(Measure, f.measure_id).ref: f.text for f in s.exec(select(FollowUp))}  # type: ignore[union-attr]
    assert (
        by_ref["1.6"].description == "Ny åtgärd: föräldravandringar" and by_ref["1.6"].position == 2
    )
    assert by_ref["1.3"].description.startswith("SSP: Nätverksmöten")  # type: ignore[union-attr]
    assert by_ref["1.3"].goal == "Ett nytt operativt mål för SSP" and by_ref["1.3"].position == 4
    assert fu == {"1.3": "SSP-mötena hölls", "1.4": "Skolbesöken pågår"}
    shown = execute(make_ctx(), "lista 1")
    assert [s.heading.split()[1] for s in shown.sections if s.heading] == [
        "1.1",
        "1.6",
        "1.2",
        "1.3",
        "1.4",
        "1.5",
    ]
    # The same edited file again changes nothing.
    again = _import(session_factory, edited)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 17)


def _one_sheet_plan(path: Path, *, t2: str | None = "Målet är uppfyllt.") -> Path:
    """A plan in another municipality's layout: every area on one sheet, an area column,
    per-tertial follow-up columns, an intro and a contacts sheet around it."""
    from tests.reports.make_workbooks import Sheet, write_workbook

    header = ["Fokusområde", "Orsak", "Aktivitet", "Tidsplan", "Ansvarig aktör", "T1", "T2"]
    rows = [
        [None, None, None, None, None, "Uppföljning", None],
        header,
        ["1. Unga i riskzon", "Rekrytering", "Mentorer", "Löpande", "Fritid", "Pågår", t2],
        [None, "Skolk", "Närvaroteam", "4 ggr/år", "Skola", None, None],
        ["2. Trygga platser", "Mörker", "Belysning", "Q2", "TK", "Ej påbörjad", None],
    ]
    sheets = [
        Sheet("Inledning", [["Handlingsplan 2025 – Nässjö kommun"]]),
        Sheet("Plan", rows, merges=["F1:G1"]),
        Sheet("Kontaktuppgifter", [["Namn", "Ansvar"], ["Kim", "EST"]]),
    ]
    return write_workbook(path, sheets)


def test_one_sheet_layout_imports_areas_refs_and_each_tertials_follow_up(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    path = _one_sheet_plan(tmp_path / "nassjo.xlsx")
    parsed = read_plan(path)
    assert (parsed.year, parsed.district) == (2025, "Nässjö")
    result = _import(session_factory, path, district="Nässjö")
    assert (result.created, result.follow_ups, result.warnings) == (3, 3, [])
    with session_factory.begin() as s:
        areas = s.exec(select(PriorityArea.number, PriorityArea.name).order_by("number")).all()
        assert [tuple(a) for a in areas] == [(1, "Unga i riskzon"), (2, "Trygga platser")]
        measures = {m.ref: m for m in s.exec(select(Measure))}
        assert sorted(measures) == ["1.1", "1.2", "2.1"]
        assert measures["1.2"].description == "Närvaroteam"
        assert measures["1.2"].when_text == "4 ggr/år" and measures["1.2"].kind == "aterkommande"
        fus = [
            (s.get(Measure, f.measure_id).ref, f.period, f.verdict, f.text)  # type: ignore[union-attr]
            for f in s.exec(select(FollowUp).order_by(FollowUp.id))
        ]
    # T1 and T2 each keep their own text, for their own period.
    assert fus == [
        ("1.1", "2025-T1", "pagaende", "Pågår"),
        ("1.1", "2025-T2", "uppfyllt", "Målet är uppfyllt."),
        ("2.1", "2025-T1", "ej_uppfyllt", "Ej påbörjad"),
    ]
    again = _import(session_factory, path, district="Nässjö")
    assert (again.created, again.updated, again.unchanged, again.follow_ups) == (0, 0, 3, 0)


def test_an_import_that_fails_half_way_stores_nothing(
    session_factory: SessionFactory, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from models import audit

    path = _one_sheet_plan(tmp_path / "plan.xlsx")
    real = audit.record
    calls = {"n": 0}

    def failing_record(**kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:  # the plan and one measure are flushed by now
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    try:
        _import(session_factory, path, district="Nässjö")
    except RuntimeError:
        pass
    else:
        raise AssertionError("the import should have failed")
    assert calls["n"] == 3
    for model in (Plan, PriorityArea, Measure, FollowUp, AuditEvent):
        assert _count(session_factory, model) == 0
