"""National scale: 290 plans, 900 bound channels. Weekly digests (per group vs batched, with
query counts) and tertial xlsx exports."""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

from sqlmodel import col, select

from bench.before import code_before
from bench.before_import import match_before, new_refs_before
from bench.common import QueryCounter, log
from bench.generate import Scale, generate
from bot.db import make_engine, make_session_factory, upgrade
from models.importer import apply_plan
from models.measures import _rhythm
from models.progress import measure_states
from models.tables import Plan
from reminders.digest import build_digest, build_digests
from reminders.planner import bound_groups
from reports.export import export_plan
from reports.xlsx_reader import read_plan

# Monday 21 April 2025, 08.00 in Stockholm: the digests' hour (week 17, tertial 1).
DIGEST_NOW = datetime(2025, 4, 21, 6, 0, tzinfo=UTC)
PERIOD = "2025-T1"


def setup(database_url: str, scale: Scale) -> tuple[Any, dict[str, Any]]:
    engine = make_engine(database_url)
    upgrade(engine)
    t0 = time.perf_counter()
    counts = generate(engine, scale)
    return engine, {"rows": counts, "generate_s": time.perf_counter() - t0}


def _per_group(sf: Any, qc: QueryCounter, pairs_n: int) -> tuple[dict[str, Any], dict[Any, Any]]:
    with sf() as s, qc.counting():
        pairs = bound_groups(session=s)[:pairs_n]
        t0 = time.perf_counter()
        replies = {g.id: build_digest(session=s, group=g, plan=p, now=DIGEST_NOW) for g, p in pairs}
        return {"s": time.perf_counter() - t0, "queries": qc.count, "groups": len(pairs)}, replies


def _reimport(sf: Any, plan: tuple[str, int], content: bytes, rounds: int = 3) -> dict[str, Any]:
    """`atgard import` of the largest plan's exported file into that plan again (what a
    coordinator does before each tertial), with the matcher before it was made near-linear
    (bench/before_import.py) and today's, interleaved; each run is rolled back."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "largest.xlsx"
        path.write_bytes(content)
        t0 = time.perf_counter()
        parsed = read_plan(path)
        read_s = time.perf_counter() - t0
    runs: dict[str, list[float]] = {"before": [], "after": []}
    outcome: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(rounds):
        for label in ("before", "after"):
            with contextlib.ExitStack() as stack:
                if label == "before":
                    stack.enter_context(mock.patch("models.importer._match", match_before))
                    stack.enter_context(mock.patch("models.importer.new_refs", new_refs_before))
                with sf() as s:
                    t0 = time.perf_counter()
                    result = apply_plan(
                        session=s,
                        parsed=parsed,
                        district=plan[0],
                        year=plan[1],
                        actor=None,
                        today=DIGEST_NOW.date(),
                    )
                    s.flush()
                    runs[label].append(time.perf_counter() - t0)
                    outcome[label] = (
                        result.created,
                        result.updated,
                        result.unchanged,
                        len(result.warnings),
                    )
                    s.rollback()
    return {
        "rows": sum(len(a.rows) for a in parsed.areas),
        "read_s": read_s,
        "before_s": statistics.median(runs["before"]),
        "after_s": statistics.median(runs["after"]),
        "outcome": list(outcome["after"]),
        "identical": outcome["before"] == outcome["after"],
    }


def run_national(
    engine: Any, *, per_group_sample: int = 150, sample_exports: int | None = None
) -> dict[str, Any]:
    sf = make_session_factory(engine)
    qc = QueryCounter(engine)
    out: dict[str, Any] = {}
    with sf() as s:
        pairs = bound_groups(session=s)
    out["groups"] = len(pairs)
    n = min(per_group_sample, len(pairs))

    log(f"digests: one by one, {n} groups, code before and after")
    _rhythm.cache_clear()
    with code_before():
        out["digest_per_group_before"], _ = _per_group(sf, qc, n)
    out["digest_per_group"], one_by_one = _per_group(sf, qc, n)

    log(f"digests: batched, all {len(pairs)} groups")
    _rhythm.cache_clear()  # cold: every "När" text parsed again
    for label in ("digest_batch_cold", "digest_batch"):
        with sf() as s:
            pairs = bound_groups(session=s)
            with qc.counting():
                t0 = time.perf_counter()
                batch = build_digests(session=s, groups_with_plans=pairs, now=DIGEST_NOW)
                out[label] = {"s": time.perf_counter() - t0, "queries": qc.count}
    out["digest_identical"] = all(batch[gid] == reply for gid, reply in one_by_one.items())

    # The batch's query count for a tenth of the groups: it must not grow with the groups.
    with sf() as s:
        pairs = bound_groups(session=s)
        with qc.counting():
            build_digests(
                session=s, groups_with_plans=pairs[: max(1, len(pairs) // 10)], now=DIGEST_NOW
            )
            out["digest_batch_tenth_queries"] = qc.count

    log("states of the largest plan (what lista computes), before and after")
    with sf() as s:
        largest = s.get(Plan, 1)
        assert largest is not None
        on = DIGEST_NOW.date()
        for label, ctx in (("states_largest_before", code_before), ("states_largest", None)):
            _rhythm.cache_clear()
            runs = []
            for _ in range(5):
                with ctx() if ctx else contextlib.nullcontext():
                    t0 = time.perf_counter()
                    states = measure_states(session=s, plan=largest, on=on)
                    runs.append(time.perf_counter() - t0)
            out[label] = {"s": sorted(runs)[len(runs) // 2], "measures": len(states)}

    log("exports")
    with sf() as s:
        plans = list(s.exec(select(Plan).order_by(col(Plan.id))))
        export_plan(session=s, plan=plans[-1], period=PERIOD, fmt="xlsx")  # imports warm
        timings = []
        for plan in plans[1:4]:  # ordinary 60-measure districts
            with qc.counting():
                t0 = time.perf_counter()
                res = export_plan(session=s, plan=plan, period=PERIOD, fmt="xlsx")
                timings.append(time.perf_counter() - t0)
        out["export_one"] = {
            "s": min(timings),
            "s_max": max(timings),
            "queries": qc.count,
            "bytes": len(res.content),
            "measures": None,
        }
        with qc.counting():
            t0 = time.perf_counter()
            res = export_plan(session=s, plan=plans[0], period=PERIOD, fmt="xlsx")
            out["export_largest"] = {"s": time.perf_counter() - t0, "queries": qc.count}
        largest_xlsx = res.content
        largest = (plans[0].district, plans[0].year)
    log("re-import of the largest plan's own export, matcher before and after")
    out["reimport_largest"] = _reimport(sf, largest, largest_xlsx)
    todo = plans if sample_exports is None else plans[:sample_exports]
    with qc.counting():
        t0 = time.perf_counter()
        for plan in todo:
            with sf() as s:
                export_plan(session=s, plan=plan, period=PERIOD, fmt="xlsx")
        out["export_all"] = {
            "s": time.perf_counter() - t0,
            "plans": len(todo),
            "queries": qc.count,
        }
    return out
