"""Slash commands through the real HTTP server (`atgard serve`) vs a bare Bolt app that only
acks, both under bot.slack.server.serve (gunicorn, WEB_CONCURRENCY workers, gthread, 8 threads),
with the signed load coming from bench.load in its own process on loopback.

With `before=<git revision>` the same matrix also runs against the bot as it was at that
revision (a git worktree, its own database), in the same run: before/after side by side."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import (
    BIN,
    ROOT,
    SECRET,
    children,
    env_for,
    free_port,
    log,
    rss_mb,
    stop,
    wait_http,
)

FIXTURE = ROOT / "tests" / "data" / "atgardsplan-2025-kungsholmen.xlsx"
CHANNEL = "CBENCH"
UPPFOLJ = "uppfolj 1.3 Bench {n}"


class Server:
    """A gunicorn server we started (the bot or the bare app) and where it answers."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], tmp: Path) -> None:
        self.name = name
        self.port = free_port()
        self.logfile = open(tmp / f"{name}-{self.port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [*argv, "--port", str(self.port)],
            env=env,
            cwd=tmp,  # no ./.env from the working tree
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
        )
        wait_http(f"http://127.0.0.1:{self.port}/healthz", proc=self.proc)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def rss(self) -> dict[str, float]:
        """VmRSS of gunicorn's master and of its workers (the processes that serve)."""
        workers = [rss_mb(pid) for pid in children(self.proc.pid)]
        return {
            "master_mb": rss_mb(self.proc.pid),
            "worker_mb": max(workers) if workers else float("nan"),
            "workers": len(workers),
            "total_mb": rss_mb(self.proc.pid) + sum(workers),
        }

    def close(self) -> None:
        stop(self.proc)
        self.logfile.close()


def start_bot(database_url: str, api_url: str, tmp: Path, code: Path | None = None) -> Server:
    # The Procfile's command: `atgard serve --port $PORT` (bind to loopback here).
    env = env_for(database_url, api_url)
    if code is None:
        return Server("bot", [str(BIN / "atgard"), "serve", "--host", "127.0.0.1"], env, tmp)
    env["PYTHONPATH"] = str(code)  # the older checkout's modules come first
    argv = [
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        "serve",
        "--host",
        "127.0.0.1",
    ]
    return Server("before", argv, env, tmp)


def checkout(revision: str, tmp: Path) -> Path:
    """A worktree of `revision` (removed again by drop_checkout)."""
    path = tmp / f"code-{revision[:12]}"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(path), revision],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return path


def drop_checkout(path: Path) -> None:
    subprocess.run(
        ["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, capture_output=True
    )


def start_bare(api_url: str, tmp: Path, *, in_request: bool = False) -> Server:
    """Bolt's defaults ("bare"), or Bolt as the bot runs it ("bare-inline":
    process_before_response, no polling for ack())."""
    env = env_for("sqlite://", api_url)
    if in_request:
        env["BARE_PROCESS_BEFORE_RESPONSE"] = "1"
    return Server(
        "bare-inline" if in_request else "bare",
        [sys.executable, "-m", "bench.bare_app", "--host", "127.0.0.1"],
        env,
        tmp,
    )


def start_bare_write(
    database_url: str, api_url: str, tmp: Path, *, one_statement: bool = False
) -> Server:
    """The least a durable write costs through the same server (bench.bare_write), on the
    bot's backend (its own table in the bot's database); `one_statement`: the INSERT as its
    own transaction, without BEGIN and COMMIT."""
    from bench.bare_write import prepare

    prepare(database_url)
    env = env_for("sqlite://", api_url)
    env["BARE_WRITE_URL"] = database_url
    if one_statement:
        env["BARE_WRITE_ONE_STATEMENT"] = "1"
    return Server(
        "bare-write-one" if one_statement else "bare-write",
        [sys.executable, "-m", "bench.bare_write", "--host", "127.0.0.1"],
        env,
        tmp,
    )


def prepare_fixture(database_url: str, api_url: str, code: Path | None = None) -> None:
    """Import the example plan with the CLI (of `code`, if given) and bind the load's channel."""
    env = env_for(database_url, api_url)
    cli = [str(BIN / "atgard")]
    if code is not None:
        env["PYTHONPATH"] = str(code)
        cli = [sys.executable, "-c", "from bot.cli import main; main()"]
    subprocess.run(
        [
            *cli,
            "import",
            str(FIXTURE),
            "--district",
            "Kungsholmen",
            "--year",
            "2025",
        ],
        env=env,
        cwd=code or ROOT,
        check=True,
        capture_output=True,
    )
    if code is None:
        bind(database_url, CHANNEL, plan_id=None)
        return
    subprocess.run(  # bind with the older code too: its schema is its own
        [sys.executable, "-c", BIND, database_url, CHANNEL],
        env=env,
        cwd=code,
        check=True,
        capture_output=True,
    )


BIND = """
import sys
from bench.http_bench import bind
bind(sys.argv[1], sys.argv[2], plan_id=None)
"""


def bind(database_url: str, channel: str, plan_id: int | None, name: str = "SSP") -> None:
    from bot.db import make_engine, make_session_factory
    from models.groups import bind_channel
    from models.plans import get_plan
    from models.tables import Plan

    engine = make_engine(database_url)
    with make_session_factory(engine).begin() as s:
        plan = s.get(Plan, plan_id) if plan_id else get_plan(session=s)
        assert plan is not None
        bind_channel(
            session=s, plan=plan, name=name, platform="slack", channel_id=channel, actor=None
        )
    engine.dispose()


def load(
    server: Server,
    text: str,
    concurrency: int,
    requests: int,
    seconds: float,
    *,
    channel: str = CHANNEL,
    mode: str = "ack",
) -> dict[str, Any]:
    """One load point in a separate process. mode: "bare" (ack only, no replies to collect),
    "ack" (wait for acks; replies collected), "e2e" (closed loop: wait for each reply)."""
    argv = [
        sys.executable,
        "-m",
        "bench.load",
        "--url",
        server.url,
        "--secret",
        SECRET,
        "--text",
        text,
        "--concurrency",
        str(concurrency),
        "--requests",
        str(requests),
        "--seconds",
        str(seconds),
        "--channel",
        channel,
    ]
    if mode == "ack":
        argv.append("--receive")
    elif mode == "e2e":
        argv.append("--closed-loop")
    out = subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout)
    result.update(app=server.name, text=text, concurrency=concurrency, mode=mode)
    return result


def run_http(
    backend: str,
    database_url: str,
    api_url: str,
    tmp: Path,
    *,
    levels: tuple[int, ...],
    requests: int,
    seconds: float,
    before: tuple[str, str] | None = None,
    paired: tuple[int, int, int] | None = None,
) -> dict[str, Any]:
    """The matrix for one database: at each concurrency the bare app, then the bot's lista and
    uppfolj (ack mode), then both closed-loop (end-to-end), one after the other.

    `before`: (git revision, an empty database URL of the same backend) to run the bot as it
    was at that revision through the same points, interleaved with today's.

    `paired`: (rounds, clients, requests) for the throughput ratio: each round measures the
    in-request bare app, the bot's lista and uppfolj, and the bare app again, back to back, so
    a ratio compares figures seconds apart (one point of the matrix can land in a burst of
    another tenant's load; the median of the rounds does not)."""
    prepare_fixture(database_url, api_url)
    servers: list[Server] = []
    code: Path | None = None
    try:
        bare = start_bare(api_url, tmp)
        servers.append(bare)
        bare_inline = start_bare(api_url, tmp, in_request=True)
        servers.append(bare_inline)
        bot = start_bot(database_url, api_url, tmp)
        servers.append(bot)
        bare_write = start_bare_write(database_url, api_url, tmp)
        servers.append(bare_write)
        bare_write_one = start_bare_write(database_url, api_url, tmp, one_statement=True)
        servers.append(bare_write_one)
        bots = [bot]
        if before is not None:
            code = checkout(before[0], tmp)
            prepare_fixture(before[1], api_url, code)
            old = start_bot(before[1], api_url, tmp, code)
            servers.append(old)
            bots.append(old)
        time.sleep(2)
        idle = {s.name: s.rss() for s in servers}
        points: list[dict[str, Any]] = []
        # A few requests first so imports, pools and caches are warm in every server.
        load(bare, "lista", 2, 20, seconds)
        load(bare_inline, "lista", 2, 20, seconds)
        load(bare_write, UPPFOLJ, 2, 20, seconds, mode="ack")
        load(bare_write_one, UPPFOLJ, 2, 20, seconds, mode="ack")
        for b in bots:
            load(b, "lista", 2, 20, seconds, mode="ack")
        for c in levels:
            log(f"http {backend}: {c} concurrent")
            points.append(load(bare, "lista", c, requests, seconds, mode="bare"))
            points.append(load(bare_inline, "lista", c, requests, seconds, mode="bare"))
            for b in bots:
                points.append(load(b, "lista", c, requests, seconds, mode="ack"))
                points.append(load(b, UPPFOLJ, c, requests, seconds, mode="ack"))
            for b in bots:
                points.append(load(b, "lista", c, requests, seconds, mode="e2e"))
                points.append(load(b, UPPFOLJ, c, requests, seconds, mode="e2e"))
        rounds = []
        if paired is not None:
            count, clients, n = paired
            for r in range(count):
                log(f"http {backend}: paired round {r + 1} of {count}")
                first = load(bare_inline, "lista", clients, n, seconds, mode="bare")
                lista = load(bot, "lista", clients, n, seconds, mode="ack")
                uppfolj = load(bot, UPPFOLJ, clients, n, seconds, mode="ack")
                write = load(bare_write, UPPFOLJ, clients, n, seconds, mode="ack")
                write_one = load(bare_write_one, UPPFOLJ, clients, n, seconds, mode="ack")
                older = {}
                if len(bots) > 1:  # the bot as it was, in the same round: before/after ratios
                    older = {
                        "before_lista": load(bots[1], "lista", clients, n, seconds, mode="ack"),
                        "before_uppfolj": load(bots[1], UPPFOLJ, clients, n, seconds, mode="ack"),
                    }
                last = load(bare_inline, "lista", clients, n, seconds, mode="bare")
                rounds.append(
                    {
                        "clients": clients,
                        "bare_rps": (first["rps"] + last["rps"]) / 2,
                        "lista": lista,
                        "uppfolj": uppfolj,
                        "bare_write": write,
                        "bare_write_one": write_one,
                        **older,
                    }
                )
        after = {s.name: s.rss() for s in servers}
    finally:
        for s in servers:
            s.close()
        if code is not None:
            drop_checkout(code)
    return {
        "backend": backend,
        "idle_rss": idle,
        "rss_after_load": after,
        "points": points,
        "paired": rounds,
        "before": before[0] if before else None,
    }


def touch_plan(database_url: str, channel: str) -> None:
    """A change to the channel's plan, as any write makes it: its revision moves on."""
    from sqlalchemy import select, update

    from bot.db import make_engine
    from models.tables import Group, Plan

    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            plan_id = select(Group.plan_id).where(Group.channel_id == channel).scalar_subquery()
            conn.execute(update(Plan).where(Plan.id == plan_id).values(revision=Plan.revision + 1))
    finally:
        engine.dispose()


def run_lista_national(
    backend: str,
    database_url: str,
    api_url: str,
    tmp: Path,
    *,
    channel: str,
    levels: tuple[int, ...],
    requests: int,
    seconds: float,
) -> dict[str, Any]:
    """`lista alla` (every measure's state, first page) on the largest plan of the national
    data, end to end through the bot's HTTP server."""
    bot = start_bot(database_url, api_url, tmp)
    points: list[dict[str, Any]] = []
    try:
        # Warm: enough connections at once that every worker gets some, for both questions.
        for text in ("lista alla", "lista"):
            load(bot, text, 10, 40, seconds, channel=channel, mode="ack")
        for c in levels:
            log(f"national lista {backend}: {c} concurrent")
            for text in ("lista alla", "lista"):
                points.append(load(bot, text, c, requests, seconds, channel=channel, mode="e2e"))
        # Right after a change every worker's answer is stale: the first requests compute it.
        touch_plan(database_url, channel)
        cold = load(bot, "lista alla", max(levels), 30, seconds, channel=channel, mode="e2e")
        points.append({**cold, "after_change": True})
        idle = bot.rss()
    finally:
        bot.close()
    return {"backend": backend, "points": points, "rss_after_load": idle}
