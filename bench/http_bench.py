"""Slash commands through the real HTTP server (`atgard serve`) vs a bare Bolt app that only
acks, both under bot.slack.server.serve (gunicorn, one worker, gthread, 8 threads), with the
signed load coming from bench.load in its own process on loopback."""

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
        """VmRSS of gunicorn's master and its worker (the process that serves)."""
        workers = children(self.proc.pid)
        return {
            "master_mb": rss_mb(self.proc.pid),
            "worker_mb": rss_mb(workers[0]) if workers else float("nan"),
        }

    def close(self) -> None:
        stop(self.proc)
        self.logfile.close()


def start_bot(database_url: str, api_url: str, tmp: Path) -> Server:
    # The Procfile's command: `atgard serve --port $PORT` (bind to loopback here).
    return Server(
        "bot",
        [str(BIN / "atgard"), "serve", "--host", "127.0.0.1"],
        env_for(database_url, api_url),
        tmp,
    )


def start_bare(api_url: str, tmp: Path) -> Server:
    return Server(
        "bare",
        [sys.executable, "-m", "bench.bare_app", "--host", "127.0.0.1"],
        env_for("sqlite://", api_url),
        tmp,
    )


def prepare_fixture(database_url: str, api_url: str) -> None:
    """Import the example plan with the CLI and bind the load's channel to SSP."""
    subprocess.run(
        [
            str(BIN / "atgard"),
            "import",
            str(FIXTURE),
            "--district",
            "Kungsholmen",
            "--year",
            "2025",
        ],
        env=env_for(database_url, api_url),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    bind(database_url, CHANNEL, plan_id=None)


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
) -> dict[str, Any]:
    """The matrix for one database: at each concurrency the bare app, then the bot's lista and
    uppfolj (ack mode), then both closed-loop (end-to-end), one after the other."""
    prepare_fixture(database_url, api_url)
    bare = start_bare(api_url, tmp)
    bot = start_bot(database_url, api_url, tmp)
    try:
        time.sleep(2)
        idle = {"bot": bot.rss(), "bare": bare.rss()}
        points: list[dict[str, Any]] = []
        # A few requests first so imports, pools and caches are warm in both servers.
        load(bare, "lista", 2, 20, seconds)
        load(bot, "lista", 2, 20, seconds, mode="ack")
        for c in levels:
            log(f"http {backend}: {c} concurrent")
            points.append(load(bare, "lista", c, requests, seconds, mode="bare"))
            points.append(load(bot, "lista", c, requests, seconds, mode="ack"))
            points.append(load(bot, UPPFOLJ, c, requests, seconds, mode="ack"))
            points.append(load(bot, "lista", c, requests, seconds, mode="e2e"))
            points.append(load(bot, UPPFOLJ, c, requests, seconds, mode="e2e"))
        after = {"bot": bot.rss(), "bare": bare.rss()}
    finally:
        bot.close()
        bare.close()
    return {"backend": backend, "idle_rss": idle, "rss_after_load": after, "points": points}


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
        load(bot, "lista alla", 2, 10, seconds, channel=channel, mode="ack")
        for c in levels:
            log(f"national lista {backend}: {c} concurrent")
            for text in ("lista alla", "lista"):
                points.append(load(bot, text, c, requests, seconds, channel=channel, mode="e2e"))
        idle = bot.rss()
    finally:
        bot.close()
    return {"backend": backend, "points": points, "rss_after_load": idle}
