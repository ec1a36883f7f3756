"""`make bench` / `python -m bench [--quick] [--backends sqlite,postgresql]`: every benchmark,
side by side in one run, then bench/results.md (and the raw figures in bench/results.json)."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import (
    ROOT,
    fresh_database,
    log,
    machine_info,
    pg_available,
    pg_drop,
    pg_recreate,
)
from bench.fakeslack import FakeSlack
from bench.generate import Scale

HERE = Path(__file__).parent
# The commit this round of work started from: `make bench` runs it beside today's code for
# before/after in one run (the round before compared with 3d69789, before the HTTP fixes).
BEFORE = "f826dee"
PG_BEFORE = "atgard_bench_before"


@dataclass(frozen=True)
class Config:
    scale: Scale
    levels: tuple[int, ...]
    requests: int
    seconds: float
    paired: tuple[int, int, int]  # rounds, clients, requests: the throughput ratio's rounds
    national_levels: tuple[int, ...]
    national_requests: int
    per_group_sample: int
    reminder_rows: int
    due_few: int
    due_peak: int


FULL = Config(
    scale=Scale(largest=1002),
    levels=(1, 10, 50),
    requests=300,
    seconds=20.0,
    paired=(5, 10, 1000),
    national_levels=(1, 10),
    national_requests=300,
    per_group_sample=150,
    reminder_rows=100_000,
    due_few=20,
    due_peak=200,
)
QUICK = Config(
    scale=Scale(municipalities=3, measures=12, years=1, channels=9, largest=24),
    levels=(1, 5),
    requests=30,
    seconds=5.0,
    paired=(2, 5, 30),
    national_levels=(2,),
    national_requests=20,
    per_group_sample=9,
    reminder_rows=2_000,
    due_few=3,
    due_peak=6,
)


def scheduler_bench(url: str, cfg: Config) -> dict[str, Any]:
    """Each scan runs in a fresh process, so its peak RSS is the scan's own."""

    def run(*args: str) -> dict[str, Any]:
        argv = [sys.executable, "-m", "bench.scheduler", *args, "--url", url]
        done = subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True)
        return dict(json.loads(done.stdout))

    out: dict[str, Any] = {}
    out["prepare"] = run("prepare", "--rows", str(cfg.reminder_rows), "--due", str(cfg.due_few))
    out["scan_few_due"] = run("scan")
    out["scan_nothing_due"] = run("scan")
    out["made_due"] = run("due", "--count", str(cfg.due_peak))
    out["scan_peak"] = run("scan")
    return out


def main(argv: list[str] | None = None) -> int:
    from bench.http_bench import run_http, run_lista_national
    from bench.national import run_national, setup
    from bench.report import write_report

    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    ap.add_argument(
        "--backends", default=None, help="sqlite,postgresql (default: both if PG is up)"
    )
    ap.add_argument("--out", default=None, help="results file (default bench/results.md)")
    ap.add_argument(
        "--report-only", action="store_true", help="rewrite the .md from the last run's .json"
    )
    ap.add_argument("--before", default=BEFORE, help="git revision to compare with ('' for none)")
    a = ap.parse_args(argv)
    cfg = QUICK if a.quick else FULL
    wanted = (a.backends or "sqlite,postgresql").split(",")
    pg = "postgresql" in wanted and pg_available()
    if "postgresql" in wanted and not pg:
        log("PostgreSQL is not reachable: SQLite only")
    backends = [b for b in wanted if b == "sqlite" or (b == "postgresql" and pg)]
    out_md = Path(a.out) if a.out else HERE / ("results-quick.md" if a.quick else "results.md")
    if a.report_only:
        saved = json.loads(out_md.with_suffix(".json").read_text())
        out_md.write_text(write_report(saved), encoding="utf-8")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="atgard-bench-"))
    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": machine_info(pg),
        "quick": a.quick,
        "before": a.before or None,
        "config": {
            "levels": cfg.levels,
            "requests": cfg.requests,
            "seconds": cfg.seconds,
            "scale": cfg.scale.__dict__,
            "reminder_rows": cfg.reminder_rows,
        },
        "http": [],
        "national": [],
        "lista_national": [],
        "scheduler": [],
    }
    try:
        with FakeSlack() as api:
            for backend in backends:
                log(f"{backend}: HTTP with the example plan")
                url = fresh_database(backend, tmp, "fixture")
                before = None
                if a.before:
                    old_url = (
                        fresh_database(backend, tmp, "before")
                        if backend == "sqlite"
                        else pg_recreate(PG_BEFORE)
                    )
                    before = (a.before, old_url)
                results["http"].append(
                    run_http(
                        backend,
                        url,
                        api.url,
                        tmp,
                        levels=cfg.levels,
                        requests=cfg.requests,
                        seconds=cfg.seconds,
                        before=before,
                        paired=cfg.paired,
                    )
                )
                if before and backend == "postgresql":
                    pg_drop(PG_BEFORE)
                log(f"{backend}: national data")
                url = fresh_database(backend, tmp, "national")
                engine, gen = setup(url, cfg.scale)
                nat = run_national(engine, per_group_sample=cfg.per_group_sample)
                nat.update(gen, backend=backend)
                results["national"].append(nat)
                engine.dispose()
                # The largest plan (plan 1): its SSP group is already bound to C00000001.
                results["lista_national"].append(
                    run_lista_national(
                        backend,
                        url,
                        api.url,
                        tmp,
                        channel="C00000001",
                        levels=cfg.national_levels,
                        requests=cfg.national_requests,
                        seconds=cfg.seconds,
                    )
                )
                log(f"{backend}: scheduler")
                sched = scheduler_bench(url, cfg)
                sched["backend"] = backend
                results["scheduler"].append(sched)
                if backend == "postgresql":
                    pg_drop()
            results["fake_slack_calls"] = dict(api.calls)
    finally:
        if pg:
            pg_drop()
            pg_drop(PG_BEFORE)
        shutil.rmtree(tmp, ignore_errors=True)
    results["total_s"] = time.perf_counter() - started
    out_md.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str))
    out_md.write_text(write_report(results), encoding="utf-8")
    log(f"wrote {out_md} in {results['total_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
