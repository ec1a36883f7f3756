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
