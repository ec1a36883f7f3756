"""Reading a workbook into a real database the way `atgard import` does, for the importer tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.db import SessionFactory
from models.importer import ImportResult, apply_plan
from models.replies import Actor
from reports.xlsx_reader import read_plan

ACTOR = Actor("U1", "Kim")


def import_file(
    sf: SessionFactory, path: Path, *, district: str, year: int, today: date
) -> ImportResult:
    """`path` read and applied in one transaction, as by `ACTOR` on `today`."""
    with sf.begin() as s:
        return apply_plan(
            session=s,
            parsed=read_plan(path),
            district=district,
            year=year,
            actor=ACTOR,
            today=today,
        )
