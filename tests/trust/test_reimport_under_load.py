"""A re-import from the command line while signed slash commands keep coming in.

`atgard serve` (gunicorn, two gthread workers) against the real database; `atgard import` as a
process of its own, twice: the same file (changes nothing) and an edited one (a row added, one
changed, one removed). Meanwhile clients send `lista`, `visa 1.3`, `uppfolj 1.3 …` and
`klar 1.4`. Every answer within Slack's 3 s (in the ack, or acked and sent to response_url),
no 500, every acknowledged follow-up stored exactly once, and `lista` afterwards shows the
edited plan, not a cached answer from before.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import openpyxl
from sqlmodel import select

from bot.db import SessionFactory
from models.tables import FollowUp, Measure, Occurrence
from tests.conftest import plan_file
from tests.slack.conftest import signed_headers
from tests.slack.fake_slack import FakeSlack
from tests.slack.helpers import slash_command_fields
from tests.slack.test_server import ATGARD, serving

CLIENTS = 6
SLACK_BUDGET_S = 3.0
ROOT = Path(__file__).parents[2]

ADDED = "Grannsamverkan: boende i kvarteren kring Fridhemsplan"
CHANGED = "Trygghetsvandring: stadsdelen, polisen och de boende varje vår och höst"


@dataclass
class Sent:
    text: str
    status: int
    seconds: float
    answer: str  # the ack's body, or what went to response_url


def edited_plan(tmp_path: Path) -> Path:
    """The example plan with a row added (2.4), one changed (2.3) and one removed (4.6)."""
    path = tmp_path / "plan-andrad.xlsx"
    shutil.copy(plan_file(), path)
    wb = openpyxl.load_workbook(path)
    places = wb["2. Otrygga och brottsutsatta pl"]
    for col, value in zip(
        "ABCDEF",
        ["Otrygga gator", "Få vuxna ute", ADDED, "Fler vuxna ute", "4 ggr/år", "Polisen"],
        strict=True,
    ):
        places[f"{col}6"] = value
    places["C5"] = CHANGED
    wb["4. Särskilt utsatta och sårbara"].delete_rows(8)
    wb.save(path)
    return path


def run_import(path: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(DATABASE_URL=database_url, PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING")
    return subprocess.run(
        [str(ATGARD), "import", str(path), "--district", "Kungsholmen", "--year", "2025"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def send(base: str, fake: FakeSlack, text: str, name: str, user: str) -> Sent:
    body = urlencode(
        slash_command_fields(
            text, response_url=fake.response_url(name), trigger_id=name, user_id=user
        )
    )
    headers = {
        k: v[0] for k, v in signed_headers(body, "application/x-www-form-urlencoded").items()
    }
    req = urllib.request.Request(base + "/slack/events", data=body.encode(), headers=headers)
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            status, answer = resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        status, answer = e.code, e.read().decode()
    if answer.strip().startswith("{"):
        answer = json.dumps(json.loads(answer), ensure_ascii=False)  # readable in assertions
    return Sent(text, status, time.monotonic() - t0, answer)


def answered(fake: FakeSlack, sent: dict[str, Sent]) -> dict[str, str]:
    """Each request's answer: the ack's body if it had one, else what reached response_url."""
    later = {
        c.path.removeprefix("/response/"): json.dumps(c.body, ensure_ascii=False)
        for c in fake.of("response_url")
    }
    out = {}
    for name, s in sent.items():
        ack = json.loads(s.answer) if s.answer.strip() else {}
        out[name] = json.dumps(ack, ensure_ascii=False) if ack else later.get(name, "")
    return out


def test_reimport_while_commands_come_in(
    database_url: str, session_factory: SessionFactory, imported_plan, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    fake = FakeSlack()
    edited = edited_plan(tmp_path)
    sent: dict[str, Sent] = {}
    lock = threading.Lock()
    stop = threading.Event()
    started = threading.Barrier(CLIENTS + 1)
    commands = ["lista", "visa 1.3", "uppfolj 1.3 Lägesrapport {n}", "klar 1.4 2025-06-10"]

    def client(i: int, base: str) -> None:
        started.wait()
        n = 0
        while not stop.is_set():
            n += 1
            name = f"c{i}-{n}"
            text = commands[(i + n) % len(commands)].format(n=name)
            result = send(base, fake, text, name, user=f"U{i}x{n}")
            with lock:
                sent[name] = result

    try:
        with serving(database_url, fake, tmp_path, WEB_CONCURRENCY="2") as base:
            before = send(base, fake, "lista 2", "before", "U0")
            assert ADDED not in before.answer
            threads = [
                threading.Thread(target=client, args=(i, base), daemon=True) for i in range(CLIENTS)
            ]
            for t in threads:
                t.start()
            started.wait()
            same = run_import(plan_file(), database_url)
            changed = run_import(edited, database_url)
            stop.set()
            for t in threads:
                t.join(15)
            after = send(base, fake, "lista 2", "after", "U0")
            removed = send(base, fake, "lista 4", "after4", "U0")
            # Answers sent to response_url after the ack arrive within the budget too.
            deadline = time.monotonic() + SLACK_BUDGET_S
            while not all(answered(fake, sent).values()) and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        fake.close()

    assert same.returncode == 0, same.stderr
    assert changed.returncode == 0, changed.stderr
    assert "4.6 finns inte längre i filen" in changed.stderr
    replies = answered(fake, sent)
    by_kind = Counter(s.text.split()[0] for s in sent.values())
    slow = {n: round(s.seconds, 2) for n, s in sent.items() if s.seconds >= SLACK_BUDGET_S}
    figures = f"{len(sent)} commands {dict(by_kind)}, slowest {max(s.seconds for s in sent.values()):.2f} s"
    print(f"\nre-import under load: {figures}")
    assert all(by_kind[k] >= 3 for k in ("lista", "visa", "uppfolj", "klar")), figures
    assert {n: s.status for n, s in sent.items() if s.status != 200} == {}, figures
    assert slow == {}, figures
    assert {n: r for n, r in replies.items() if not r} == {}, "no answer at all"
    failed = {n: r[:300] for n, r in replies.items() if "försök igen" in r.lower()}
    assert failed == {}, figures

    # Every acknowledged follow-up is stored, once; every `klar` one occurrence.
    follow_ups = [n for n, s in sent.items() if s.text.startswith("uppfolj")]
    with session_factory() as s:
        texts = Counter(f.text for f in s.exec(select(FollowUp)))
        m14 = s.exec(select(Measure).where(Measure.ref == "1.4")).one()
        occurrences = len(list(s.exec(select(Occurrence).where(Occurrence.measure_id == m14.id))))
        refs = {m.ref: m.description for m in s.exec(select(Measure))}
    assert {
        n: texts[f"Lägesrapport {n}"] for n in follow_ups if texts[f"Lägesrapport {n}"] != 1
    } == {}
    assert occurrences == sum(s.text.startswith("klar") for s in sent.values())
    # `lista` after the import shows the edited plan.
    assert refs["2.4"] == ADDED and refs["2.3"] == CHANGED
    assert ADDED in after.answer and CHANGED in after.answer, after.answer[:2000]
    assert "4.6" in removed.answer  # kept, with its follow-ups (the import warned)
