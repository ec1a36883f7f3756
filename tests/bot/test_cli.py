"""The `atgard` console script, run as a real subprocess against a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from tests.conftest import (
    BACKEND,
    DATA,
    create_pg_database,
    drop_pg_database,
    pg_url_for,
    plan_file,
    run_id,
)

ATGARD = [sys.executable, "-m", "bot.cli"]
ROOT = Path(__file__).parents[2]


@pytest.fixture
def cli_db(tmp_path: Path) -> Iterator[str]:
    if BACKEND == "postgresql":
        url = pg_url_for(f"cli_{run_id()}")
        create_pg_database(url)
        yield url
        drop_pg_database(url)
        return
    yield f"sqlite:///{tmp_path / 'cli.db'}"


def run(
    db: str, *args: str, stdin: str | None = None, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db}
    for key in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        env.pop(key, None)
    env.update(env_extra or {})
    return subprocess.run(
        [*ATGARD, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        input=stdin,
        timeout=120,
    )


def test_import_then_list_json(cli_db: str) -> None:
    out = run(cli_db, "import", str(plan_file()), "--district", "Kungsholmen", "--year", "2025")
    assert out.returncode == 0, out.stderr
    assert "16 åtgärder (16 nya" in out.stdout
    assert "Flik ”5. Kriminella miljöer och livss”, rad 4" in out.stderr
    listed = run(cli_db, "list", "--json")
    rows = json.loads(listed.stdout)
    assert len(rows) == 16
    keys = [
        "ref",
        "area",
        "problem",
        "cause",
        "measure",
        "goal",
        "when",
        "responsible",
        "verdict",
        "follow_up",
    ]
    assert all(list(r) == keys for r in rows)
    first = rows[0]
    assert first["ref"] == "1.1" and first["verdict"] == "ej_bedomd" and first["follow_up"] is None
    assert first["area"] == "Unga i riskzon för destruktivt beteende"


def test_district_and_year_from_file_name(cli_db: str, tmp_path: Path) -> None:
    target = tmp_path / "atgardsplan-2025-kungsholmen.xlsx"
    target.write_bytes(plan_file().read_bytes())
    out = run(cli_db, "import", str(target))
    assert out.returncode == 0, out.stderr
    assert "Åtgärdsplan 2025, Kungsholmen" in out.stdout


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("corrupt.xlsx", "skadad"),
        ("encrypted.xlsx", "lösenordsskyddad"),
        ("not-excel.xlsx", "textfil"),
        ("missing.xlsx", "finns inte"),
        # Saved by LibreOffice from tests/data's source plan (make_workbooks.py).
        ("plan-libreoffice.xls", "gamla Excel-formatet (.xls)"),
        ("plan-libreoffice.ods", "OpenDocument-kalkylark (.ods)"),
        ("plan-libreoffice.csv", "textfil (till exempel CSV)"),
    ],
)
def test_bad_files_exit_2_with_one_line_and_write_nothing(
    cli_db: str, name: str, says: str
) -> None:
    out = run(cli_db, "import", str(DATA / name), "--district", "X", "--year", "2025")
    assert out.returncode == 2
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"Fel: Filen {name} ")
    assert says in lines[0] and (name == "missing.xlsx" or ".xlsx" in lines[0])
    assert "Traceback" not in out.stderr and out.stdout == ""
    if BACKEND == "sqlite":
        path = cli_db.removeprefix("sqlite:///")
        assert not Path(path).exists() or not inspect(create_engine(cli_db)).get_table_names()
    else:
        assert "plan" not in inspect(create_engine(cli_db)).get_table_names()


def test_console_reads_commands_from_stdin(cli_db: str) -> None:
    run(cli_db, "import", str(plan_file()), "--district", "Kungsholmen", "--year", "2025")
    out = run(
        cli_db,
        "console",
        "--channel",
        "C1",
        stdin="/atgard lista 2\n\n/atgard uppfolj 2.1 Fyra möten hölls\n/atgard visa 2.1\n",
    )
    assert out.returncode == 0, out.stderr
    assert "Område 2. Otrygga och brottsutsatta platser" in out.stdout
    assert "Uppföljning sparad för 2.1" in out.stdout
    assert "Senaste uppföljning" in out.stdout and "Fyra möten hölls" in out.stdout


def test_audit_json(cli_db: str) -> None:
    run(cli_db, "import", str(plan_file()), "--district", "Kungsholmen", "--year", "2025")
    out = run(cli_db, "audit", "--since", "2000-01-01", "--json")
    rows = json.loads(out.stdout)
    assert len(rows) == 17  # the plan and 16 measures
    assert {r["action"] for r in rows} == {"import"}
    assert run(cli_db, "audit", "--since", "igår").returncode == 2


def test_import_another_municipalitys_layout(cli_db: str, tmp_path: Path) -> None:
    from tests.models.test_importer import _one_sheet_plan

    path = _one_sheet_plan(tmp_path / "handlingsplan.xlsx")
    out = run(cli_db, "import", str(path))  # year and district from the title cell
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Åtgärdsplan 2025, Nässjö: 3 åtgärder (3 nya")
    assert "Traceback" not in out.stderr
    rows = json.loads(run(cli_db, "list", "--json").stdout)
    assert [(r["ref"], r["area"], r["verdict"]) for r in rows] == [
        ("1.1", "Unga i riskzon", "uppfyllt"),
        ("1.2", "Unga i riskzon", "ej_bedomd"),
        ("2.1", "Trygga platser", "ej_uppfyllt"),
    ]


def test_import_year_picks_the_sheet_of_that_years_plan(cli_db: str, tmp_path: Path) -> None:
    from tests.reports.test_xlsx_municipal_layouts import two_years_plan

    path = two_years_plan(tmp_path / "atgardsplan-jarva.xlsx")
    out = run(cli_db, "import", str(path), "--district", "Järva", "--year", "2024")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Åtgärdsplan 2024, Järva: 1 åtgärd (1 ny,")
    assert "Fliken ”Åtgärdsplan 2025” är planen för 2025" in out.stderr
    rows = json.loads(run(cli_db, "list", "--json").stdout)
    assert [r["measure"] for r in rows] == ["Pilotprojekt med ANDTS-coach"]


def test_import_year_reads_only_that_years_follow_up_columns(cli_db: str, tmp_path: Path) -> None:
    from tests.reports.make_workbooks import Sheet, write_workbook

    rows = [
        ["Orsak", "Åtgärd", "Vem", "Status 2025", "Uppföljning 2025", "Status 2026"],
        ["Mörker", "Belysning", "TK", "Klar", "Lamporna är uppsatta.", None],
        ["Klotter", "Sanering", "SDF", "Pågår", "Avtal på gång.", "Ej påbörjad"],
    ]
    path = write_workbook(tmp_path / "plan.xlsx", [Sheet("1. Platser", rows)])
    out = run(cli_db, "import", str(path), "--district", "Nässjö", "--year", "2026")
    assert out.returncode == 0, out.stderr
    assert (
        "Varning: Flik ”1. Platser”: kolumnerna ”Status 2025” (D) och ”Uppföljning 2025” (E)"
        " gäller 2025, inte planens år (2026)"
    ) in out.stderr
    rows_out = json.loads(run(cli_db, "list", "--json").stdout)
    # Last year's "Klar" is not this year's verdict; this year's status is read.
    assert [(r["measure"], r["verdict"], r["follow_up"]) for r in rows_out] == [
        ("Belysning", "ej_bedomd", None),
        ("Sanering", "ej_uppfyllt", "Ej påbörjad"),
    ]


def test_import_of_a_workbook_without_a_plan_fails_in_swedish(cli_db: str, tmp_path: Path) -> None:
    from tests.reports.make_workbooks import Sheet, write_workbook

    path = write_workbook(tmp_path / "kontakter.xlsx", [Sheet("Kontakter", [["Namn", "Roll"]])])
    out = run(cli_db, "import", str(path), "--district", "Nässjö", "--year", "2025")
    assert out.returncode == 2
    assert out.stderr.startswith("Fel: Filen kontakter.xlsx innehåller ingen flik")
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_a_workbook_saved_by_libreoffice_imports(cli_db: str) -> None:
    out = run(cli_db, "import", str(DATA / "plan-libreoffice.xlsx"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Åtgärdsplan 2025, Nässjö: 4 åtgärder (4 nya")
    assert out.stderr.splitlines() == [
        "Varning: Flik ”Åtgärder 2025”, rad 6: raden är dold och lästes inte in. Visa raden i "
        "Excel och läs in filen igen om den hör till planen."
    ]
    rows = json.loads(run(cli_db, "list", "--json").stdout)
    assert [(r["ref"], r["area"], r["verdict"]) for r in rows] == [
        ("1.1", "Lägesbild och analys", "uppfyllt"),
        ("1.2", "Lägesbild och analys", "delvis"),
        ("2.1", "Medborgardialog", "ej_bedomd"),
        ("2.2", "Medborgardialog", "ej_uppfyllt"),
    ]


def test_a_workbook_the_reader_cannot_walk_shows_only_the_swedish_line(
    cli_db: str, tmp_path: Path
) -> None:
    """A workbook openpyxl opens but the reader fails on: an internal error is stood in for
    by making header detection raise, in a real `atgard` process with its real logging."""
    driver = (
        "import sys\n"
        "import reports.xlsx_reader as reader\n"
        "def boom(*args):\n"
        "    raise KeyError('internal')\n"
        "reader.find_header = boom\n"
        "from bot.cli import main\n"
        "sys.argv = ['atgard', *sys.argv[1:]]\n"
        "main()\n"
    )
    env = {**os.environ, "DATABASE_URL": cli_db}
    out = subprocess.run(
        [sys.executable, "-c", driver, "import", str(plan_file()), "--district", "X"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        "Fel: Filen atgardsplan-2025-kungsholmen.xlsx kunde inte läsas som en åtgärdsplan. "
        "Kontrollera att den följer mallen och försök igen."
    ]


@pytest.mark.parametrize(
    "args", [("import", str(DATA / "plan-2025-small.xlsx"), "--year", "2025"), ("list",)]
)
def test_an_unreachable_database_is_one_swedish_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    """Down, or a wrong address: no traceback, and the address (it may hold a password) is
    not repeated."""
    from bot.db import make_engine
    from tests.conftest import BACKEND

    if BACKEND == "postgresql":  # nothing listens on port 9: refused at once
        db = "postgresql+psycopg://atgard:hemligt@127.0.0.1:9/atgard"
    else:  # a folder that does not exist: SQLite cannot open the file
        db = f"sqlite:///{tmp_path / 'saknas' / 'atgard.db'}"
    make_engine(db).dispose()  # the URL itself is fine; only the database is not there
    done = run(db, *args)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [
        "Fel: databasen går inte att nå. Kontrollera DATABASE_URL och att databasen är igång, och försök igen."
    ]
    assert "hemligt" not in done.stderr + done.stdout and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "db",
    [
        "postgresql+psycopg://atgard:hemligt@127.0.0.1:5432x/atgard",  # a port that is no number
        "atgard:hemligt@127.0.0.1/atgard",  # no scheme
        "mysql://atgard:hemligt@127.0.0.1/atgard",  # a database the bot does not speak
        "postgresql+psycopg2://atgard:hemligt@127.0.0.1/atgard",  # a driver not installed
    ],
)
def test_a_malformed_database_url_is_one_swedish_line(db: str) -> None:
    """A DATABASE_URL that cannot be read: no traceback, and the address is not repeated."""
    done = run(db, "list")
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [
        "Fel: DATABASE_URL går inte att läsa som en databasadress. Skriv den till exempel som"
        " postgresql://användare:lösenord@värd:5432/databas eller sqlite:///./atgard.db."
    ]
    assert "hemligt" not in done.stderr + done.stdout and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("admins", "usergroup", "trial"),
    [
        ("", "", True),
        (" ", " ", True),
        (" , ", None, True),
        ("U0ADMIN", None, False),
        ("", "S0COORD", False),
    ],
)
def test_trial_mode_is_announced_when_the_bot_starts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], admins, usergroup, trial
) -> None:  # type: ignore[no-untyped-def]
    """Blank values name nobody: they are trial mode (everyone coordinates), said at start."""
    from bot.cli_serve import TRIAL_WARNING, _warn_if_trial
    from bot.config import Settings

    monkeypatch.setenv("ADMIN_USER_IDS", admins)
    if usergroup is None:
        monkeypatch.delenv("COORDINATOR_USERGROUP", raising=False)
    else:
        monkeypatch.setenv("COORDINATOR_USERGROUP", usergroup)
    settings = Settings()
    assert (settings.coordinator_usergroup is None) == (usergroup is None or not usergroup.strip())
    _warn_if_trial(settings)
    assert (TRIAL_WARNING in capsys.readouterr().err) is trial


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        ("WEB_CONCURRENCY", "två", "WEB_CONCURRENCY ska vara ett heltal"),
        ("DIGEST_TIME", "0830", "DIGEST_TIME ska vara en tid som 08.00"),
        ("DIGEST_TIME", "25.00", "DIGEST_TIME ska vara en tid som 08.00"),
        ("DIGEST_WEEKDAY", "7", "DIGEST_WEEKDAY får vara högst 6"),
        ("REMINDER_DAYS_BEFORE", "-1", "REMINDER_DAYS_BEFORE ska vara minst 0"),
        ("TIMEZONE", "Europe/Stokholm", "TIMEZONE ska vara en tidszon som Europe/Stockholm"),
        ("LOG_LEVEL", "högt", "LOG_LEVEL ska vara DEBUG, INFO, WARNING eller ERROR"),
        ("SCHEDULER_ENABLED", "kanske", "SCHEDULER_ENABLED ska vara true eller false"),
    ],
)
def test_a_setting_that_cannot_be_used_is_one_swedish_line(
    cli_db: str, name: str, value: str, line: str
) -> None:
    """Which variable and why, without its value or a traceback; a token set beside it is
    never printed either."""
    done = run(cli_db, "list", env_extra={name: value, "SLACK_BOT_TOKEN": "xoxb-hemlig-nyckel"})
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [f"Fel i inställningarna: {line}."]
    assert "hemlig" not in done.stderr + done.stdout


def test_a_digest_time_with_a_dot_or_one_digit_is_read() -> None:
    from bot.config import Settings

    assert Settings(digest_time="8.30").digest_time == "08:30"
    assert Settings(digest_time="08:00").digest_time == "08:00"


_TYPER_ENGLISH = (
    *("Usage:", "Options", "Show this message", "Try ", "Error", "Missing", "No such"),
    *("<bool>", "<str>", "<int>"),
)


@pytest.mark.parametrize(
    ("args", "swedish"),
    [
        (["--help"], "Visa den här hjälpen och avsluta."),
        (["import", "--help"], "Användning: root import [FLAGGOR]"),
        (["export", "--help"], "--year <heltal> Planens år"),
        (["audit", "--help"], "--json Skriv ut JSON (för skript)"),
        (["import"], "FIL saknas – Åtgärdsplanen som .xlsx (eller .xlsm)."),
        (["flyga"], "Kommandot ”flyga” finns inte. Kommandon: import, list,"),
        (["export", "--bogus"], "Flaggan --bogus finns inte."),
        (["export", "--period"], "Flaggan --period behöver ett värde – Period: 2025-T1"),
        (["list", "--json=ja"], "Flaggan --json tar inget värde."),
        (["list", "extra"], "Det här förstod jag inte: extra."),
        (["db", "ner"], "Kommandot ”ner” finns inte. Kommandon: upgrade."),
    ],
)
def test_typers_own_texts_are_swedish(args: list[str], swedish: str) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    result = CliRunner().invoke(app, args, terminal_width=200)
    text = " ".join(result.output.split())
    assert swedish in text
    assert not [word for word in _TYPER_ENGLISH if word in text], text
    assert result.exit_code == (0 if "--help" in args else 2)


def test_list_and_audit_text_are_for_people(cli_db: str) -> None:
    run(cli_db, "import", str(plan_file()), "--district", "Kungsholmen", "--year", "2025")
    listed = run(cli_db, "list").stdout.splitlines()
    assert listed[0].split()[:3] == ["1.1", "Ej", "bedömd"]
    assert "ej_bedomd" not in "\n".join(listed)
    trail = run(cli_db, "audit").stdout.splitlines()
    assert trail[-1].split()[3:6] == ["inläst", "från", "Excel"]
    assert trail[-1].split()[-2] == "åtgärd" and " measure " not in "\n".join(trail)


def test_every_audit_action_has_a_swedish_label() -> None:
    import re

    from handlers.texts import AUDIT_ACTIONS

    stored = {
        m
        for package in ("bot", "handlers", "models", "reminders", "reports")
        for path in (ROOT / package).rglob("*.py")
        for m in re.findall(r'(?<!\w)action="([a-z_]+)"', path.read_text(encoding="utf-8"))
    }
    assert stored and stored <= set(AUDIT_ACTIONS), stored - set(AUDIT_ACTIONS)


def test_a_busy_port_is_one_swedish_line() -> None:
    import socket

    from typer.testing import CliRunner

    from bot.cli import app

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = CliRunner().invoke(app, ["sandbox", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Fel: port {port} används redan av ett annat program. Stäng det, eller välj en annan"
        f" port, till exempel --port {port + 1}.\n"
    )
