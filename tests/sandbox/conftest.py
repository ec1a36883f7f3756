"""A real sandbox server (`atgard sandbox`) in a subprocess, on its own database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.db import make_engine, make_session_factory
from tests.conftest import (
    BACKEND,
    CHROMIUM,
    CHROMIUM_ARGS,
    create_pg_database,
    drop_pg_database,
    pg_url_for,
    plan_file,
    run_id,
)

ROOT = Path(__file__).parents[2]


@dataclass
class SandboxServer:
    url: str
    database_url: str
    proc: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def session_factory(self):  # type: ignore[no-untyped-def]
        return make_session_factory(make_engine(self.database_url))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the sandbox exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "healthz", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("the sandbox did not become healthy")


@pytest.fixture(scope="module")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """One server per test module (starting one takes seconds); tests assert on differences."""
    with running_sandbox(tmp_path_factory.mktemp("sandbox")) as server:
        yield server


@contextmanager
def running_sandbox(
    tmp_path: Path, *options: str, port: int | None = None
) -> Iterator[SandboxServer]:
    """`atgard sandbox [options]` on its own database with the example plan imported."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    if BACKEND == "postgresql":
        db = pg_url_for(f"sandbox_{run_id()}")
        create_pg_database(db)
    else:
        db = f"sqlite:///{tmp_path / 'sandbox.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(DATABASE_URL=db, SCAN_INTERVAL_SECONDS="1", LOG_LEVEL="INFO")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "import",
            str(plan_file()),
            "--district",
            "Kungsholmen",
            "--year",
            "2025",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    port = port or free_port()
    log_path = tmp_path / "sandbox.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "sandbox", "--port", str(port), *options],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_healthy(url, proc)
        yield SandboxServer(url=url, database_url=db, proc=proc, log_path=log_path)
    finally:
        proc.send_signal(signal.SIGINT)  # gunicorn's quick shutdown; SIGTERM waits for long polls
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if BACKEND == "postgresql":
            drop_pg_database(db)


@pytest.fixture
def console_errors() -> list[str]:
    """What the browser's console reported as errors (and uncaught exceptions) on the page."""
    return []


@pytest.fixture
def page(sandbox_server: SandboxServer, console_errors: list[str]) -> Iterator:  # type: ignore[type-arg]
    """The sandbox's page in headless Debian chromium, as a new user opens it."""
    with open_page(sandbox_server.url, console_errors) as page:
        yield page


@contextmanager
def open_page(url: str, console_errors: list[str]) -> Iterator:  # type: ignore[type-arg]
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed (make test installs it)")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 860}, locale="sv-SE", accept_downloads=True
        )
        page = context.new_page()
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        page.set_default_timeout(20_000)
        page.goto(url)
        page.wait_for_selector(".msg")
        yield page
        browser.close()
