"""`atgard sandbox --start`: the clock starts on a chosen day, so a tertial's end can be seen."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from models.tables import FollowUp, Measure
from reminders.calendar import TZ
from tests.sandbox.conftest import SandboxServer, running_sandbox


@pytest.fixture(scope="module")
def april_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    with running_sandbox(tmp_path_factory.mktemp("april"), "--start", "2025-04-28") as server:
        yield server


def _post(server: SandboxServer, path: str, body: dict) -> dict:  # type: ignore[type-arg]
    req = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def test_follow_up_in_the_week_after_a_tertial_is_for_that_tertial(
    april_sandbox: SandboxServer,
) -> None:
    with urllib.request.urlopen(april_sandbox.url + "sandbox/state") as resp:
        now = datetime.fromisoformat(json.loads(resp.read())["now"]).astimezone(TZ)
    assert now.date().isoformat() == "2025-04-28"
    assert now.hour == 8

    moved = _post(april_sandbox, "sandbox/clock", {"days": 3})  # Thursday 1 May
    assert moved["ok"]
    answer = _post(
        april_sandbox,
        "sandbox/command",
        {"channel": "CSSP00001", "text": "/atgard uppfolj 1.3 Två möten hölls under våren."},
    )
    assert answer["ok"]
    with april_sandbox.session_factory().begin() as s:
        fu = s.exec(select(FollowUp).join(Measure).where(Measure.ref == "1.3")).one()
        assert (fu.period, fu.text) == ("2025-T1", "Två möten hölls under våren.")


def test_a_start_day_that_is_no_date_is_refused_in_swedish() -> None:
    result = CliRunner().invoke(app, ["sandbox", "--start", "28 april"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Fel: --start: ”28 april” är inget giltigt datum. Skriv till exempel 2025-03-12.\n"
    )
