"""Re-importing an edited plan mid-year: follow-ups written in chat stay on their measure.

A municipality edits its plan in Excel and imports it again while the bot is in use. Each
test writes real .xlsx files with openpyxl, imports them with the real reader and importer
into the real database, writes follow-ups through the real chat commands in between, and
checks that every follow-up is still on the measure it was written for, under the same ref,
once and only once. Where a row cannot be told apart from a new one, a new measure (and a
warning that the old one is no longer in the file) is the safe outcome; handing the old
measure's follow-ups to another measure is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.db import SessionFactory
from handlers.router import execute
from models.errors import NotFound
from models.importer import ImportResult
from models.plans import get_plan
from models.tables import FollowUp, Measure, PriorityArea
from tests.conftest import import_example_plan
from tests.models.import_helpers import import_file
from tests.reports.make_workbooks import Sheet, write_workbook

HEADER = ["Orsak", "Åtgärd", "När", "Vem"]


def _import(
    sf: SessionFactory, path: Path, *, today: date = date(2025, 4, 22), district: str = "Farsta"
) -> ImportResult:
    return import_file(sf, path, district=district, year=2025, today=today)


def _plan(path: Path, areas: Sequence[tuple[int, str, Sequence[Sequence[Any]]]]) -> Path:
    """One sheet per area ("1. Unga"), header HEADER."""
    sheets = [Sheet(f"{n}. {name}"[:31], [HEADER, *rows]) for n, name, rows in areas]
    return write_workbook(path, sheets)


def _by_text(sf: SessionFactory) -> dict[str, tuple[str, str, list[str]]]:
    """measure text -> (ref, area name, follow-up texts oldest first)."""
    with sf.begin() as s:
        out: dict[str, tuple[str, str, list[str]]] = {}
        for m, a in s.exec(select(Measure, PriorityArea).join(PriorityArea)).all():
            texts = s.exec(
                select(FollowUp.text).where(FollowUp.measure_id == m.id).order_by(FollowUp.id)
            ).all()
            out[m.description or ""] = (m.ref, a.name, list(texts))
        return out


def _follow_up(make_ctx: Any, ref: str, text: str) -> None:
    reply = execute(make_ctx(), f"uppfolj {ref} {text}")
    assert not reply.failed, reply


# --------------------------------------------------------------------------- rows


def test_an_inserted_row_with_the_same_cause_does_not_take_an_edited_rows_follow_ups(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any
) -> None:
    """The cause is often the same for several measures (a cell merged down): a new row with
    that cause above an edited one must not be taken for it."""
    cause = "Behov att kontinuerligt utbyta information"
    v1 = [
        [cause, "SSP-möten", "8 ggr/år", "Prev"],
        [cause, "Skolbesök", "Linjearbete", "Polis"],
        [cause, "Föräldramöten", "2 ggr/år", "Rektor"],
    ]
    _import(session_factory, _plan(tmp_path / "a.xlsx", [(1, "Unga", v1)]))
    _follow_up(make_ctx, "1.2", "Tio skolor besöktes.")
    v2 = [
        [cause, "Nattvandring", "Fredagar", "Föreningar"],  # new, inserted at the top
        v1[0],
        [cause, "Skolbesök i alla högstadieskolor", "Linjearbete", "Polis"],  # edited
        v1[2],
    ]
    result = _import(session_factory, _plan(tmp_path / "b.xlsx", [(1, "Unga", v2)]))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 2)
    after = _by_text(session_factory)
    assert after["Skolbesök i alla högstadieskolor"] == ("1.2", "Unga", ["Tio skolor besöktes."])
    assert after["Nattvandring"][0] == "1.4" and after["Nattvandring"][2] == []
    assert after["SSP-möten"][0] == "1.1" and after["Föräldramöten"][0] == "1.3"


def test_a_deleted_row_does_not_hand_its_follow_ups_to_an_edited_row_below(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any
) -> None:
    v1 = [
        ["Mörker vid torget", "Belysning", "Under 2025", "TK"],
        ["Klotter", "Sanering inom 24 timmar", "Linjearbete", "SDF"],
        ["Oro i centrum", "Trygghetsvandring", "2 ggr/år", "SDF"],
    ]
    _import(session_factory, _plan(tmp_path / "a.xlsx", [(2, "Platser", v1)]))
    _follow_up(make_ctx, "2.2", "Saneringen fungerar.")
    _follow_up(make_ctx, "2.3", "En vandring hölls i mars.")
    # The Klotter row deleted; the walk rewritten (its cause and its text).
    v2 = [v1[0], ["Otrygghet kvällstid", "Trygghetsvandringar med boende", "2 ggr/år", "SDF"]]
    result = _import(session_factory, _plan(tmp_path / "b.xlsx", [(2, "Platser", v2)]))
    after = _by_text(session_factory)
    # Whatever the rewritten row became, it did not get the cleaning's follow-up.
    assert after["Sanering inom 24 timmar"] == ("2.2", "Platser", ["Saneringen fungerar."])
    assert "Saneringen fungerar." not in after["Trygghetsvandringar med boende"][2]
    assert any("2.2 finns inte längre" in w for w in result.warnings)


def test_a_rewritten_row_in_place_keeps_its_ref_and_follow_ups(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any
) -> None:
    """Neither text found again, but the row stands where the measure stood: an edit."""
    v1 = [
        ["Mörker vid torget", "Belysning", "Under 2025", "TK"],
        ["Klotter", "Sanering", "Linjearbete", "SDF"],
        ["Oro i centrum", "Trygghetsvandring", "2 ggr/år", "SDF"],
    ]
    _import(session_factory, _plan(tmp_path / "a.xlsx", [(1, "Platser", v1)]))
    _follow_up(make_ctx, "1.2", "Saneringen fungerar.")
    v2 = [
        ["Nattvandring", "Fler vuxna ute", "Fredagar", "Föreningar"],  # inserted at the top
        v1[0],
        ["Klotter och skadegörelse", "Sanering inom 24 timmar", "Linjearbete", "SDF"],
        v1[2],
    ]
    result = _import(session_factory, _plan(tmp_path / "b.xlsx", [(1, "Platser", v2)]))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 2)
    after = _by_text(session_factory)
    assert after["Sanering inom 24 timmar"] == ("1.2", "Platser", ["Saneringen fungerar."])
    assert after["Fler vuxna ute"][2] == []


def test_reordered_rows_keep_their_refs(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any
) -> None:
    v1 = [
        ["Info", "SSP-möten", "8 ggr/år", "Prev"],
        ["Skolmiljö", "Skolbesök", "Linjearbete", "Polis"],
        ["Föräldrar", "Föräldramöten", "2 ggr/år", "Rektor"],
    ]
    _import(session_factory, _plan(tmp_path / "a.xlsx", [(1, "Unga", v1)]))
    _follow_up(make_ctx, "1.1", "Fyra möten.")
    result = _import(session_factory, _plan(tmp_path / "b.xlsx", [(1, "Unga", v1[::-1])]))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    after = _by_text(session_factory)
    assert {text: ref for text, (ref, _, _) in after.items()} == {
        "SSP-möten": "1.1",
        "Skolbesök": "1.2",
        "Föräldramöten": "1.3",
    }
    assert after["SSP-möten"][2] == ["Fyra möten."]


# --------------------------------------------------------------------------- areas


def test_a_row_moved_to_another_area_is_found_before_a_measure_with_its_cause(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any
) -> None:
    """The 2024 template writes a cause category ("Nyrekrytering") shared by many rows."""
    v1 = [
        (1, "Unga", [["Nyrekrytering", "SSP-möten", "8 ggr/år", "Prev"]]),
        (
            2,
            "Kriminella miljöer",
            [
                ["Nyrekrytering", "Avhopparverksamhet", "Linjearbete", "Soc"],
                ["Våld", "Samtal med unga", "Linjearbete", "Polis"],
            ],
        ),
    ]
    _import(session_factory, _plan(tmp_path / "a.xlsx", v1))
    _follow_up(make_ctx, "1.1", "Åtta möten hölls.")
    _follow_up(make_ctx, "2.1", "Tre avhopp.")
    # SSP-möten moved to area 2, where the avhoppar row was deleted; a new row in area 1.
    v2 = [
        (1, "Unga", [["Skolk", "Närvaroteam", "Läsåret", "Rektor"]]),
        (
            2,
            "Kriminella miljöer",
            [["Nyrekrytering", "SSP-möten", "8 ggr/år", "Prev"], v1[1][2][1]],
        ),
    ]
    result = _import(session_factory, _plan(tmp_path / "b.xlsx", v2))
    after = _by_text(session_factory)
    assert after["SSP-möten"] == ("1.1", "Kriminella miljöer", ["Åtta möten hölls."])
    assert after["Avhopparverksamhet"] == ("2.1", "Kriminella miljöer", ["Tre avhopp."])
    assert after["Närvaroteam"][2] == []
    assert any("2.1 finns inte längre" in w for w in result.warnings)


def test_an_area_renamed_and_renumbered_keeps_its_measures(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any
) -> None:
    v1 = [
        (1, "Unga", [["Info", "SSP-möten", "8 ggr/år", "Prev"]]),
        (
            2,
            "Platser",
            [
                ["Mörker", "Belysning", "Under 2025", "TK"],
                ["Oro i centrum", "Trygghetsvandring", "2 ggr/år", "SDF"],
            ],
        ),
    ]
    _import(session_factory, _plan(tmp_path / "a.xlsx", v1))
    _follow_up(make_ctx, "2.2", "En vandring hölls.")
    # Areas swapped; Platser renamed; its walk reworded (the cause is still the same).
    v2 = [
        (
            1,
            "Otrygga platser i centrum",
            [
                ["Mörker", "Belysning", "Under 2025", "TK"],
                ["Oro i centrum", "Trygghetsvandringar med boende", "2 ggr/år", "SDF"],
            ],
        ),
        (2, "Unga", v1[0][2]),
    ]
    result = _import(session_factory, _plan(tmp_path / "b.xlsx", v2))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    after = _by_text(session_factory)
    area = "Otrygga platser i centrum"
    assert after["Trygghetsvandringar med boende"] == ("2.2", area, ["En vandring hölls."])
    with session_factory.begin() as s:
        areas = sorted(s.exec(select(PriorityArea.number, PriorityArea.name)).all())
    assert areas == [(1, area), (2, "Unga")]
    assert not any("finns inte längre" in w for w in result.warnings)


def test_a_new_area_in_the_place_of_a_removed_one_takes_none_of_its_follow_ups(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any
) -> None:
    v1 = [
        (
            1,
            "Unga",
            [["Info", "SSP-möten", "8 ggr/år", "Prev"], ["Skolk", "Skolbesök", "Linje", "Polis"]],
        ),
        (2, "Platser", [["Mörker", "Belysning", "Under 2025", "TK"]]),
    ]
    _import(session_factory, _plan(tmp_path / "a.xlsx", v1))
    _follow_up(make_ctx, "1.1", "Åtta möten hölls.")
    # Area 1 replaced by another area with other measures.
    v2 = [
        (
            1,
            "Våld i nära relation",
            [["Okunskap", "Utbildning", "Hösten", "Soc"], ["Isolering", "Stödgrupp", "Vår", "Soc"]],
        ),
        v1[1],
    ]
    result = _import(session_factory, _plan(tmp_path / "b.xlsx", v2))
    assert result.created == 2
    after = _by_text(session_factory)
    assert after["SSP-möten"] == ("1.1", "Unga", ["Åtta möten hölls."])
    assert after["Utbildning"][1:] == ("Våld i nära relation", [])
    assert any("Området ”Unga” finns inte längre" in w for w in result.warnings)
    assert any("1.1 finns inte längre" in w for w in result.warnings)


def test_an_empty_area_filled_in_and_renamed_in_place(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    """The 2025 template's sixth sheet, "[Eget prioriterat område]", named and filled in."""
    v1 = [(1, "Unga", [["Info", "SSP-möten", "8 ggr/år", "Prev"]]), (6, "Eget område", [])]
    _import(session_factory, _plan(tmp_path / "a.xlsx", v1))
    v2 = [v1[0], (6, "Våld i nära relation", [["Okunskap", "Utbildning", "Hösten", "Soc"]])]
    result = _import(session_factory, _plan(tmp_path / "b.xlsx", v2))
    assert result.warnings == []
    with session_factory.begin() as s:
        areas = sorted(s.exec(select(PriorityArea.number, PriorityArea.name)).all())
    assert areas == [(1, "Unga"), (6, "Våld i nära relation")]
    assert _by_text(session_factory)["Utbildning"][0] == "6.1"


def test_an_area_written_in_another_case_is_the_same_area(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any
) -> None:
    name = "Systemhotande brottslighet"
    rows = [["Info", "SSP-möten", "8 ggr/år", "Prev"]]
    _import(session_factory, _plan(tmp_path / "a.xlsx", [(1, name, rows)]))
    _follow_up(make_ctx, "1.1", "Åtta möten hölls.")
    result = _import(session_factory, _plan(tmp_path / "b.xlsx", [(1, name.upper(), rows)]))
    assert (result.created, result.unchanged, result.warnings) == (0, 1, [])
    assert _by_text(session_factory)["SSP-möten"] == ("1.1", name.upper(), ["Åtta möten hölls."])


# --------------------------------------------------------------------------- follow-ups


def test_the_same_file_twice_after_chat_follow_ups_adds_nothing(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any
) -> None:
    rows = [
        ["Orsak", "Åtgärd", "När", "Vem", "Uppföljning T1", "Uppföljning T2"],
        ["Mörker", "Belysning", "Under 2025", "TK", "Beställd.", None],
        ["Klotter", "Sanering", "Linjearbete", "SDF", None, None],
    ]
    path = write_workbook(tmp_path / "t.xlsx", [Sheet("1. Platser", rows)])
    _import(session_factory, path)
    _follow_up(make_ctx, "1.1", "Lamporna är levererade.")
    _follow_up(make_ctx, "1.2", "Saneringen fungerar.")
    before = _by_text(session_factory)
    for today in (date(2025, 4, 28), date(2025, 6, 2)):
        again = _import(session_factory, path, today=today)
        assert (again.created, again.updated, again.follow_ups) == (0, 0, 0)
    assert _by_text(session_factory) == before
    assert before["Belysning"][2] == ["Beställd.", "Lamporna är levererade."]


def test_an_edited_tertial_text_is_added_to_its_period_and_chat_stays_latest(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any, clock: Any
) -> None:
    from datetime import UTC, datetime

    from models.measures import latest_follow_ups

    def plan(t1: str) -> list[list[Any]]:
        return [
            ["Orsak", "Åtgärd", "När", "Vem", "Uppföljning T1", "Uppföljning T2"],
            ["Mörker", "Belysning", "Under 2025", "TK", t1, None],
        ]

    first = write_workbook(tmp_path / "a.xlsx", [Sheet("1. P", plan("Beställd."))])
    _import(session_factory, first, today=date(2025, 5, 2))
    clock.set(datetime(2025, 6, 2, 8, 0, tzinfo=UTC))
    _follow_up(make_ctx, "1.1", "Lamporna sitter uppe.")
    edited = write_workbook(tmp_path / "b.xlsx", [Sheet("1. P", plan("Beställd i mars."))])
    result = _import(session_factory, edited, today=date(2025, 6, 3))
    assert result.follow_ups == 1
    with session_factory.begin() as s:
        got = s.exec(select(FollowUp.period, FollowUp.text).order_by(FollowUp.id)).all()
        measure = s.exec(select(Measure)).one()
        latest = latest_follow_ups(session=s, measure_ids=[measure.id])  # type: ignore[list-item]
        t1 = latest_follow_ups(session=s, measure_ids=[measure.id], period="2025-T1")  # type: ignore[list-item]
    assert got == [
        ("2025-T1", "Beställd."),
        ("2025-T2", "Lamporna sitter uppe."),
        ("2025-T1", "Beställd i mars."),
    ]
    assert latest[measure.id].text == "Lamporna sitter uppe."  # type: ignore[index]
    assert t1[measure.id].text == "Beställd i mars."  # type: ignore[index]


def test_a_file_with_one_follow_up_column_imported_again_later_adds_nothing(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any
) -> None:
    rows = [
        ["Orsak", "Åtgärd", "När", "Vem", "Uppföljning"],
        ["Mörker", "Belysning", "Under 2025", "TK", "Beställd."],
    ]
    path = write_workbook(tmp_path / "u.xlsx", [Sheet("1. Platser", rows)])
    _import(session_factory, path)
    _follow_up(make_ctx, "1.1", "Lamporna är levererade.")
    for today in (date(2025, 4, 28), date(2025, 9, 2), date(2026, 1, 15)):
        again = _import(session_factory, path, today=today)
        assert (again.created, again.updated, again.follow_ups) == (0, 0, 0)
    assert _by_text(session_factory)["Belysning"][2] == ["Beställd.", "Lamporna är levererade."]


# --------------------------------------------------------------------------- hidden rows


def test_a_measure_hidden_by_the_users_filter_is_still_in_the_plan(
    session_factory: SessionFactory, tmp_path: Path, make_ctx: Any
) -> None:
    rows = [
        ["Prioriterat område", *HEADER],
        ["Unga i riskzon", "Info", "SSP-möten", "8 ggr/år", "Prev"],
        ["Otrygga platser", "Gatumiljön", "Trygghetsvandring", "2 ggr/år", "SDF"],
        ["Unga i riskzon", "Skolmiljö", "Skolbesök", "Linjearbete", "Polis"],
    ]
    _import(session_factory, write_workbook(tmp_path / "a.xlsx", [Sheet("Plan", rows)]))
    _follow_up(make_ctx, "2.1", "En vandring hölls.")
    before = _by_text(session_factory)

    def filtered(ws: Any) -> None:  # what Excel saves with a filter on "Unga i riskzon"
        ws.auto_filter.ref = "A1:E4"
        ws.auto_filter.add_filter_column(0, ["Unga i riskzon"])
        ws.row_dimensions[3].hidden = True

    path = write_workbook(tmp_path / "b.xlsx", [Sheet("Plan", rows, setup=filtered)])
    result = _import(session_factory, path)
    assert (result.created, result.updated, result.unchanged, result.warnings) == (0, 0, 3, [])
    assert _by_text(session_factory) == before


def test_each_tertials_text_is_kept_beside_a_comment_column(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    rows = [
        [None, None, None, None, "Uppföljning", None, None, None],
        [*HEADER, "T1", "T2", "T3", "Kommentar"],
        ["Mörker", "Belysning", "Under 2025", "TK", "Beställd.", "Uppsatt.", None, "Ellevio."],
    ]
    sheet = Sheet("1. P", rows, merges=["E1:H1"])
    path = write_workbook(tmp_path / "k.xlsx", [sheet])
    result = _import(session_factory, path, today=date(2025, 9, 15))
    assert result.follow_ups == 3
    with session_factory.begin() as s:
        got = s.exec(select(FollowUp.period, FollowUp.text).order_by(FollowUp.id)).all()
    assert got == [("2025-T1", "Beställd."), ("2025-T2", "Uppsatt."), ("2025-T3", "Ellevio.")]
    again = _import(session_factory, path, today=date(2025, 10, 1))
    assert again.follow_ups == 0


def test_a_plan_is_found_by_its_district_exactly_not_as_a_pattern(session_factory) -> None:  # type: ignore[no-untyped-def]
    """Case does not matter; "_" and "%" are letters, not wildcards."""
    with session_factory.begin() as s:
        import_example_plan(s, district="Norrmalm", year=2025, today=date(2025, 4, 1))
    with session_factory.begin() as s:
        assert get_plan(session=s, district="NORRMALM", year=2025).district == "Norrmalm"
        for pattern in ("N%", "Norrmal_"):
            with pytest.raises(NotFound):
                get_plan(session=s, district=pattern, year=2025)
