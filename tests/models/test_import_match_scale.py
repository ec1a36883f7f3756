"""Matching a re-imported plan's rows to the stored measures: the same outcome as before the
matcher was made near-linear, and work that grows with the plan, not with its square.

A large city's plan has a thousand measures and is re-imported before each tertial. The
matcher used to compare every row with every measure (and look for an area's highest ref
once per new row). bench/before_import.py keeps that algorithm (the benchmark's before);
these tests check, on randomized edits, that the bucketed one pairs every row with the same
measure and gives the same refs.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

import models.import_match as im
import models.importer as importer
from bench.before_import import match_before, new_refs_before
from bot.db import SessionFactory
from models.import_match import (
    new_refs,
)
from models.importer import _match, apply_plan
from models.tables import FollowUp, Measure, PriorityArea
from reports.parsed import ParsedArea, ParsedRow
from reports.xlsx_reader import read_plan
from tests.reports.make_workbooks import Sheet, write_workbook

# --------------------------------------------------------------------------- random plans


def _row(measure: str | None, cause: str | None, ref: str | None = None) -> ParsedRow:
    return ParsedRow(
        sheet="1. Unga",
        row=0,
        problem=None,
        cause=cause,
        measure=measure,
        goal=None,
        when=None,
        responsible=None,
        follow_up=None,
        verdict="ej_bedomd",
        ref=ref,
    )


def _variant(rnd: random.Random, text: str | None) -> str | None:
    """The same text as `identity` sees it, written otherwise now and then."""
    if text and rnd.random() < 0.1:
        return f"  {text.upper()} "
    return text


def _scenario(
    rnd: random.Random, *, areas: int, per_area: int, texts: int, causes: int, edits: float
) -> tuple[list[ParsedArea], list[PriorityArea], list[Measure]]:
    """Stored areas and measures, and a file of them edited: texts and causes reworded
    (or emptied), rows deleted, inserted, swapped, moved to another area, a new area. With
    few `texts` and `causes`, rows share them, as merged cause cells and repeated measures
    ("SSP-möten" in every area) do."""

    def text() -> str | None:
        return None if rnd.random() < 0.03 else f"Åtgärd {rnd.randrange(texts)}"

    def cause() -> str | None:
        return None if rnd.random() < 0.1 else f"Orsak {rnd.randrange(causes)}"

    stored_areas = [
        PriorityArea(id=a + 1, plan_id=1, number=a + 1, name=f"O{a}") for a in range(areas)
    ]
    measures: list[Measure] = []
    sheets: list[list[ParsedRow]] = []
    for area in stored_areas:
        count = rnd.randrange(per_area + 1)
        rows = []
        for pos in range(1, count + 1):
            m = Measure(
                id=len(measures) + 1,
                plan_id=1,
                area_id=area.id,  # type: ignore[arg-type]
                ref=f"{area.number}.{pos}",
                # Now and then two measures share a place (their ids then order them).
                position=pos if rnd.random() > 0.05 else max(1, pos - 1),
                description=text(),
                cause=cause(),
            )
            measures.append(m)
            rows.append(_row(_variant(rnd, m.description), _variant(rnd, m.cause), m.ref))
        rnd.shuffle(measures)  # the database's order is not the sheet's
        sheets.append(rows)
    for rows in sheets:
        for i, row in enumerate(rows):
            x = rnd.random() / edits
            if x < 0.2:
                rows[i] = _row(text(), row.cause, row.ref)
            elif x < 0.3:
                rows[i] = _row(row.measure, cause(), row.ref)
            elif x < 0.6:
                rows[i] = _row(text(), cause(), row.ref)
        for _ in range(int(len(rows) * edits / 4)):
            del rows[rnd.randrange(len(rows))]
        for _ in range(int(len(rows) * edits / 4) + rnd.randrange(2)):
            ref = rnd.choice([None, "A3", f"{rnd.randrange(1, areas + 2)}.{rnd.randrange(1, 9)}"])
            rows.insert(rnd.randrange(len(rows) + 1), _row(text(), cause(), ref))
        for _ in range(int(len(rows) * edits / 4)):
            i, j = rnd.randrange(len(rows)), rnd.randrange(len(rows))
            rows[i], rows[j] = rows[j], rows[i]
    for rows in sheets:
        for _ in range(int(len(rows) * edits / 3)):
            target = sheets[rnd.randrange(len(sheets))]
            target.insert(rnd.randrange(len(target) + 1), rows.pop(rnd.randrange(len(rows))))
    new_area = PriorityArea(id=areas + 1, plan_id=1, number=areas + 1, name="Ny")
    sheets.append([_row(text(), cause()) for _ in range(rnd.randrange(4))])
    pairs = list(zip([*stored_areas, new_area], sheets, strict=True))
    # An area the file no longer has: its measures can only be found as moved rows.
    if len(pairs) > 2 and rnd.random() < 0.5:
        del pairs[rnd.randrange(len(pairs) - 1)]
    parsed = [ParsedArea(area.number, area.name, area.name, rows) for area, rows in pairs]
    return parsed, [area for area, _ in pairs], measures


def _refs(
    refs: Callable[..., list[str]],
    parsed: list[ParsedArea],
    areas: list[PriorityArea],
    found: list[list[Measure | None]],
    measures: list[Measure],
    first: list[bool],
) -> tuple[list[list[str]], list[str]]:
    taken = {m.ref for m in measures}
    warnings: list[str] = []
    out = [
        refs(
            p.rows,
            rows,
            area_number=area.number,
            first_import=f,
            taken=taken,
            warnings=warnings,
        )
        for p, area, rows, f in zip(parsed, areas, found, first, strict=True)
    ]
    return out, warnings


def _ids(found: list[list[Measure | None]]) -> list[list[int | None]]:
    return [[m.id if m is not None else None for m in rows] for rows in found]


def _seeded(seed: int) -> tuple[random.Random, Any]:
    """The randomized plan and edits of `seed` (the same for every test that names it)."""
    rnd = random.Random(seed)
    return rnd, _scenario(
        rnd,
        areas=rnd.randrange(1, 6),
        per_area=rnd.choice([3, 12, 40]),
        texts=rnd.choice([4, 15, 200]),
        causes=rnd.choice([2, 6, 100]),
        edits=rnd.choice([0.05, 0.2, 0.5]),
    )


@pytest.mark.parametrize("seed", range(60))
def test_rows_find_the_same_measures_and_refs_as_before(seed: int) -> None:
    rnd, (parsed, areas, measures) = _seeded(seed)
    old, new = match_before(parsed, areas, measures), _match(parsed, areas, measures)
    assert _ids(new) == _ids(old)
    first = [rnd.random() < 0.3 for _ in areas]
    assert _refs(new_refs, parsed, areas, new, measures, first) == _refs(
        new_refs_before, parsed, areas, old, measures, first
    )


def test_the_scenarios_exercise_every_way_of_matching() -> None:
    """The randomized comparison above means something only if its plans reach each step:
    exact texts, moved rows, one text alone, place, and rows left new."""
    ways: Counter[str] = Counter()
    for seed in range(60):
        _rnd, (parsed, areas, measures) = _seeded(seed)
        found = _match(parsed, areas, measures)
        for p, area, rows in zip(parsed, areas, found, strict=True):
            for row, m in zip(p.rows, rows, strict=True):
                if m is None:
                    ways["new"] += 1
                elif m.area_id != area.id:
                    ways["moved"] += 1
                elif im.identity(m.description) == im.identity(row.measure):
                    same_cause = im.identity(m.cause) == im.identity(row.cause)
                    ways["same texts" if same_cause else "same measure text"] += 1
                elif im.identity(m.cause) == im.identity(row.cause):
                    ways["same cause"] += 1
                else:
                    ways["place"] += 1
    assert min(ways[w] for w in ("same texts", "new")) > 100, ways
    assert min(ways[w] for w in ("moved", "same measure text", "same cause", "place")) >= 10, ways


# --------------------------------------------------------------------------- growth


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Calls of the matcher's text comparison (`identity`) and of `ref_number`."""
    calls: Counter[str] = Counter()
    identity, number = im.identity, im.ref_number

    def counting_identity(text: str | None) -> str:
        calls["identity"] += 1
        return identity(text)

    def counting_number(ref: str) -> int:
        calls["ref_number"] += 1
        return number(ref)

    monkeypatch.setattr(im, "identity", counting_identity)
    monkeypatch.setattr(im, "ref_number", counting_number)
    yield calls


def _large_plan(n: int) -> tuple[list[ParsedArea], list[PriorityArea], list[Measure]]:
    """A plan of `n` measures in six areas, each text its own, re-imported with a tenth of
    its rows edited, deleted, added, reordered or moved."""
    rnd = random.Random(n)
    return _scenario(rnd, areas=6, per_area=n // 3, texts=10 * n, causes=n, edits=0.1)


def test_matching_compares_each_row_a_bounded_number_of_times(counted: Counter[str]) -> None:
    """Four times the rows, about four times the comparisons (it was sixteen: every row with
    every measure of its area). Counted, not timed: the test machine's load does not matter."""
    work = {}
    for n in (500, 2000):
        parsed, areas, measures = _large_plan(n)
        rows = sum(len(p.rows) for p in parsed)
        counted.clear()
        _match(parsed, areas, measures)
        work[n] = counted["identity"] / (rows + len(measures))
    assert work[2000] < 1.5 * work[500], work
    assert work[2000] < 20, work  # a handful per row and measure: one per key and pass


def test_new_refs_look_up_the_areas_highest_number_once(counted: Counter[str]) -> None:
    """A re-import that adds many rows to a large area: each new row takes the next number,
    without a scan of every ref given so far for each of them."""
    work = {}
    for n in (500, 2000):
        measures = [
            Measure(id=i, plan_id=1, area_id=1, ref=f"1.{i}", position=i) for i in range(1, n + 1)
        ]
        rows = [_row(f"Ny åtgärd {i}", None) for i in range(n)]
        taken = {m.ref for m in measures}
        counted.clear()
        refs = new_refs(
            rows, [None] * n, area_number=1, first_import=False, taken=taken, warnings=[]
        )
        assert refs == [f"1.{n + i}" for i in range(1, n + 1)]
        work[n] = counted["ref_number"] / n
    assert work[2000] < 1.5 * work[500], work


# --------------------------------------------------------------------------- the real import

HEADER = ["Nr", "Orsak", "Åtgärd", "När", "Vem"]


def _workbook(path: Path, parsed: list[ParsedArea]) -> Path:
    sheets = [
        Sheet(
            f"{p.number}. {p.name}",
            [HEADER, *[[r.ref, r.cause, r.measure, "Löpande", "Polis"] for r in p.rows]],
        )
        for p in parsed
    ]
    return write_workbook(path, sheets)


def _outcome(sf: SessionFactory, old: bool, path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """What re-importing `path` does, with the old or the new matcher, rolled back after."""
    with monkeypatch.context() as m:
        if old:
            m.setattr(importer, "_match", match_before)
            m.setattr(importer, "new_refs", new_refs_before)
        with sf() as s:
            result = apply_plan(
                session=s,
                parsed=read_plan(path),
                district="Farsta",
                year=2025,
                actor=None,
                today=date(2025, 4, 22),
            )
            rows = s.exec(
                select(
                    Measure.ref,
                    PriorityArea.number,
                    Measure.position,
                    Measure.description,
                    Measure.cause,
                )
                .join(PriorityArea)
                .order_by(Measure.ref)
            ).all()
            follow_ups = s.exec(
                select(Measure.ref, FollowUp.text).join(Measure).order_by(FollowUp.id)
            ).all()
            s.rollback()
    return (result.created, result.updated, result.unchanged, result.warnings, rows, follow_ups)


@pytest.mark.parametrize("seed", range(4))
def test_a_re_imported_file_comes_out_as_before(
    session_factory: SessionFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Real workbooks, the real reader and database: an edited plan re-imported over one
    with a follow-up on every measure gives the same measures, refs, follow-ups and
    warnings with the old matcher and the new one."""
    rnd = random.Random(seed)
    parsed, _, measures = _scenario(rnd, areas=4, per_area=25, texts=40, causes=8, edits=0.3)
    first: dict[int, list[ParsedRow]] = {}
    for m in sorted(measures, key=lambda m: (m.position, m.id or 0)):
        # Stored area n has id n (see _scenario).
        first.setdefault(m.area_id, []).append(_row(m.description, m.cause, m.ref))
    v1 = [ParsedArea(n, f"O{n - 1}", "", rows) for n, rows in sorted(first.items())]
    with session_factory.begin() as s:
        apply_plan(
            session=s,
            parsed=read_plan(_workbook(tmp_path / "a.xlsx", v1)),
            district="Farsta",
            year=2025,
            actor=None,
            today=date(2025, 4, 22),
        )
        for m in s.exec(select(Measure)):
            s.add(FollowUp(measure_id=m.id, period="2025-T1", text=f"Om {m.ref}"))  # type: ignore[arg-type]
    path = _workbook(tmp_path / "b.xlsx", parsed)
    old = _outcome(session_factory, True, path, monkeypatch)
    assert _outcome(session_factory, False, path, monkeypatch) == old
    assert old[1] or old[0], "the edited file changed nothing"
