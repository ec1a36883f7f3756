"""The benchmark code works (not timed): the quick mode's pieces on tiny data, and the
batched digests' query count does not grow with the number of groups."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.common import ROOT, QueryCounter
from bench.generate import Scale, generate
from bench.national import DIGEST_NOW, run_national
from bench.report import write_report
from reminders.digest import build_digests
from reminders.planner import bound_groups

# What every run's figures start with (bench/__main__.py).
RUN_HEADER = {
    "machine": {
        "date": "today",
        "cores": "2",
        "platform": "linux",
        "python": "3",
        "sqlite": "3",
        "postgresql": "–",
    },
    "quick": True,
}


def test_bench_pieces_on_tiny_data(session_factory, database_url) -> None:  # type: ignore[no-untyped-def]
    engine = session_factory.kw["bind"]
    counts = generate(engine, Scale(municipalities=3, measures=12, years=1, channels=9, largest=24))
    assert counts["plan"] == 3 and counts["group"] == 9 and counts["measure"] == 24 + 2 * 12

    nat = run_national(engine, per_group_sample=9)
    assert nat["groups"] == 9
    assert nat["digest_identical"]
    assert nat["digest_per_group"]["queries"] == 1 + 11 * 9  # one by one: N+1
    assert nat["digest_batch"]["queries"] == nat["digest_batch_tenth_queries"] <= 9
    assert nat["export_one"]["bytes"] > 0 and nat["export_all"]["plans"] == 3
    assert nat["states_largest"]["measures"] == 24
    # The largest plan's own export read in again: every row finds its measure, before and after.
    again = nat["reimport_largest"]
    assert again["rows"] == 24 and again["identical"], again
    assert again["outcome"][0] == 0 and again["outcome"][2] == 24, again  # created, unchanged

    # The query count of the batch is the same for 3 groups and for 9.
    qc = QueryCounter(engine)
    with session_factory() as s:
        pairs = bound_groups(session=s)
        with qc.counting():
            few = build_digests(session=s, groups_with_plans=pairs[:3], now=DIGEST_NOW)
            n_few = qc.count
        with qc.counting():
            every = build_digests(session=s, groups_with_plans=pairs, now=DIGEST_NOW)
            n_all = qc.count
    assert len(few) == 3 and len(every) == 9 and n_few == n_all

    # One scan in a fresh process over a few pending rows, one of them due.
    def run(*args: str) -> dict:  # type: ignore[type-arg]
        argv = [sys.executable, "-m", "bench.scheduler", *args, "--url", database_url]
        out = subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True)
        return dict(json.loads(out.stdout))

    assert run("prepare", "--rows", "50", "--due", "1")["rows"] == 50
    scan = run("scan")
    assert scan["pending_before"] == 50 and scan["sent"] == 1 and scan["maxrss_mb"] > 0

    # The report renders from figures of this shape.
    report = write_report(
        {
            **RUN_HEADER,
            "config": {
                "levels": [1],
                "requests": 1,
                "seconds": 1,
                "scale": Scale(municipalities=3, largest=24).__dict__,
            },
            "http": [],
            "national": [{**nat, "backend": "sqlite", "rows": counts, "generate_s": 0.1}],
            "lista_national": [],
            "scheduler": [],
            "total_s": 1.0,
        }
    )
    assert "build_digests" in report


def test_the_throughput_target_uses_the_median_of_paired_rounds() -> None:
    """One round in a burst of other load must not decide the ratio either way."""

    def point(rps: float) -> dict:  # type: ignore[type-arg]
        return {"rps": rps, "p99_ms": 20.0, "requests": 1000}

    rounds = [
        {
            "clients": 10,
            "bare_rps": bare,
            "lista": point(li),
            "uppfolj": point(up),
            "bare_write": point(bw),
            "bare_write_one": point(bw * 1.1),
            "before_uppfolj": point(up / 2),
        }
        for bare, li, up, bw in ((1000, 700, 200, 800), (1000, 300, 250, 500), (800, 520, 160, 640))
    ]
    run = {
        "backend": "sqlite",
        "points": [],
        "paired": rounds,
        "idle_rss": {"bot": {"worker_mb": 70.0, "master_mb": 70.0, "workers": 2}},
        "rss_after_load": {"bot": {"worker_mb": 80.0, "master_mb": 70.0, "workers": 2}},
    }
    report = write_report(
        {
            **RUN_HEADER,
            "config": {
                "levels": [10],
                "requests": 1,
                "seconds": 1,
                "scale": Scale().__dict__,
            },
            "http": [run],
            "national": [],
            "lista_national": [],
            "scheduler": [],
            "total_s": 1.0,
        }
    )
    # lista: 70 %, 30 %, 65 % -> median 65 %, met; uppfolj: 20 %, 25 %, 20 % -> 20 %, missed.
    lista = next(line for line in report.splitlines() if line.startswith("| lista: throughput"))
    assert "median 65% of 3 paired rounds (30%–70%" in lista and "✅" in lista
    uppfolj = next(line for line in report.splitlines() if line.startswith("| uppfolj: throughput"))
    assert "median 20%" in uppfolj and "❌" in uppfolj
    assert "paired rounds" in report
    # The bare write: 80 %, 50 %, 80 % of bare -> 80 %; uppfolj 25 %, 50 %, 25 % of it -> 25 %.
    write = next(line for line in report.splitlines() if "least durable write" in line)
    assert "median 80%; uppfolj 25% of it" in write
    # In one statement: 88 %, 55 %, 88 % -> 88 % (55 %–88 %), and a column in the rounds' table.
    one = next(line for line in report.splitlines() if "write as one statement" in line)
    assert "median 88% (55%–88%)" in one
    assert "one statement vs bare" in report
    floor = report.split("### The floor under a durable write")[1]
    assert "| sqlite | 80% | 88% | 20% | 65% |" in floor
    # Before: 10 %, 12.5 %, 10 % -> 10 %; after 20 %. No before rounds for lista: no line.
    before = next(line for line in report.splitlines() if "paired rounds, before → after" in line)
    assert before.startswith("| (report) uppfolj") and "median 10% → 20%" in before
    assert not any(line.startswith("| (report) lista vs the bare") for line in report.splitlines())


@pytest.mark.parametrize("one_statement", [False, True], ids=["transaction", "one-statement"])
def test_the_bare_write_app_stores_each_command(tmp_path, one_statement: bool) -> None:  # type: ignore[no-untyped-def]
    """The write ceiling (bench/bare_write.py) really writes, through the same server setup,
    on the backend under test (a database of its own: its table is not the bot's schema),
    in a transaction of its own or as one statement."""
    from sqlalchemy import text

    from bench.fakeslack import FakeSlack
    from bench.http_bench import load, start_bare_write
    from bot.db import make_engine
    from tests.conftest import BACKEND, create_pg_database, drop_pg_database, pg_url_for, run_id

    url = f"sqlite:///{tmp_path / 'write.db'}"
    if BACKEND == "postgresql":
        url = pg_url_for(f"{run_id()}_bare_write")
        create_pg_database(url)
    try:
        with FakeSlack() as fake:
            server = start_bare_write(url, fake.url, tmp_path, one_statement=one_statement)
            try:
                out = load(server, "uppfolj 1.3 Bench {n}", 2, 12, 20, mode="ack")
            finally:
                server.close()
        assert out["requests"] == 12 and out["errors"] == 0
        assert out["e2e"]["in_ack"] == 12  # "Sparat." came in each ack
        engine = make_engine(url)
        with engine.connect() as conn:
            bodies = conn.execute(text("SELECT body FROM bench_bare_write")).scalars().all()
        engine.dispose()
        assert len(bodies) == 12 and all(b.startswith("uppfolj 1.3 Bench ") for b in bodies)
    finally:
        if BACKEND == "postgresql":
            drop_pg_database(url)
