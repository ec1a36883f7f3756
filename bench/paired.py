"""A quick look at one part of `make bench`: the paired throughput rounds, with CPU per request.

`python -m bench.paired [--backend sqlite|postgresql] [--rounds 3] [--clients 10]
[--requests 1000] [--before REV] [--commands lista,uppfolj,write,write1]` starts the in-request
bare app, the bot, the bare write apps (write: BEGIN, INSERT, COMMIT; write1: the INSERT as its
own transaction) and the bot at REV, then runs rounds of bare, lista, uppfolj, (the bare
writes, before lista, before uppfolj,) bare back to back, and prints each point's req/s, its
share of the round's bare mean, and the CPU seconds its server's processes spent per request
(from /proc: steadier than req/s on a shared machine, since other tenants' load slows a point
but does not bill it).

It is for working on the speed of a command; `make bench` (bench/__main__.py) writes the
report of record.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.common import children, fresh_database, log, pg_drop, pg_recreate
from bench.fakeslack import FakeSlack
from bench.http_bench import (
    UPPFOLJ,
    Server,
    checkout,
    drop_checkout,
    load,
    prepare_fixture,
    start_bare,
    start_bare_write,
    start_bot,
)

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(server: Server) -> float:
    """User + system CPU of the server's master and workers so far."""
    total = 0
    for pid in [server.proc.pid, *children(server.proc.pid)]:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def point(server: Server, text: str, clients: int, n: int, mode: str) -> dict[str, Any]:
    before = cpu_seconds(server)
    result = load(server, text, clients, n, 30.0, mode=mode)
    result["cpu_ms_per_request"] = (
        (cpu_seconds(server) - before) * 1000 / max(result["requests"], 1)
    )
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.paired")
    ap.add_argument("--backend", default="sqlite", choices=("sqlite", "postgresql"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--before", default="", help="a git revision to run beside today's code")
    ap.add_argument("--commands", default="lista,uppfolj", help="of lista, uppfolj, write, write1")
    a = ap.parse_args(argv)
    wanted = a.commands.split(",")
    tmp = Path(tempfile.mkdtemp(prefix="atgard-paired-"))
    servers: list[Server] = []
    code: Path | None = None
    try:
        with FakeSlack() as api:
            url = fresh_database(a.backend, tmp, "paired")
            prepare_fixture(url, api.url)
            bare = start_bare(api.url, tmp, in_request=True)
            servers.append(bare)
            bots = {"atgard": start_bot(url, api.url, tmp)}
            servers.append(bots["atgard"])
            if a.before:
                code = checkout(a.before, tmp)
                old_url = (
                    fresh_database(a.backend, tmp, "before")
                    if a.backend == "sqlite"
                    else pg_recreate("atgard_paired_before")
                )
                prepare_fixture(old_url, api.url, code)
                bots["before"] = start_bot(old_url, api.url, tmp, code)
                servers.append(bots["before"])
            write = start_bare_write(url, api.url, tmp) if "write" in wanted else None
            if write:
                servers.append(write)
            write_one = (
                start_bare_write(url, api.url, tmp, one_statement=True)
                if "write1" in wanted
                else None
            )
            if write_one:
                servers.append(write_one)
            for s in servers:  # warm: imports, pools, caches
                load(s, UPPFOLJ if s in (write, write_one) else "lista", 2, 20, 10.0, mode="ack")
            ratios: dict[str, list[float]] = {}
            cpus: dict[str, list[float]] = {}
            for r in range(a.rounds):
                log(f"paired {a.backend}: round {r + 1} of {a.rounds}")
                first = point(bare, "lista", a.clients, a.requests, "bare")
                row: dict[str, dict[str, Any]] = {}
                for name, bot in bots.items():
                    for cmd in ("lista", "uppfolj"):
                        if cmd in wanted:
                            text = UPPFOLJ if cmd == "uppfolj" else "lista"
                            row[f"{name} {cmd}"] = point(bot, text, a.clients, a.requests, "ack")
                if write:
                    row["bare write"] = point(write, UPPFOLJ, a.clients, a.requests, "ack")
                if write_one:
                    row["bare write, one statement"] = point(
                        write_one, UPPFOLJ, a.clients, a.requests, "ack"
                    )
                last = point(bare, "lista", a.clients, a.requests, "bare")
                ceiling = (first["rps"] + last["rps"]) / 2
                bare_cpu = (first["cpu_ms_per_request"] + last["cpu_ms_per_request"]) / 2
                cpus.setdefault("bare", []).append(bare_cpu)
                line = [f"bare {ceiling:,.0f} req/s {bare_cpu:.2f} ms CPU"]
                for name, p in row.items():
                    ratio = p["rps"] / ceiling
                    ratios.setdefault(name, []).append(ratio)
                    cpus.setdefault(name, []).append(p["cpu_ms_per_request"])
                    line.append(
                        f"{name} {p['rps']:,.0f} req/s {ratio:.0%}"
                        f" {p['cpu_ms_per_request']:.2f} ms CPU p99 {p['p99_ms']:.1f} ms"
                        + (f" errors {p['errors']}" if p.get("errors") else "")
                    )
                print(" | ".join(line), flush=True)
            print("median:")
            for name, values in ratios.items():
                print(
                    f"  {name}: {statistics.median(values):.0%} of bare"
                    f" ({min(values):.0%}-{max(values):.0%}),"
                    f" {statistics.median(cpus[name]):.2f} ms CPU per request"
                )
            print(f"  bare: {statistics.median(cpus['bare']):.2f} ms CPU per request")
    finally:
        for s in servers:
            s.close()
        if code is not None:
            drop_checkout(code)
        if a.backend == "postgresql":
            pg_drop()
            if a.before:
                pg_drop("atgard_paired_before")
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
