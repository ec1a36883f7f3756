"""`atgard remind` and `atgard digest` against a temporary SQLite database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from bot.db import make_engine, make_session_factory, upgrade
from models.groups import bind_channel
from models.measures import get_measure
from models.tables import Assignment, AuditEvent, PlannedMeeting, Reminder
from tests.conftest import import_example_plan


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sf = make_session_factory(engine)
    with sf.begin() as s:
        plan = import_example_plan(s, district="Kungsholmen", year=2025, today=date(2025, 1, 10))
        bind_channel(
            session=s, plan=plan, name="SSP", platform="slack", channel_id="CSSP", actor=None
        )
        bind_channel(
            session=s, plan=plan, name="EST", platform="slack", channel_id="CEST", actor=None
        )
        for ref, user in (("1.3", "UANNA"), ("2.2", "UBO")):
            s.add(
                Assignment(
                    measure_id=get_measure(session=s, plan_id=plan.id, ref=ref).id, user_id=user
                )
            )  # type: ignore[arg-type]
    monkeypatch.setenv("DATABASE_URL", url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "ADMIN_USER_IDS"):
        monkeypatch.delenv(name, raising=False)
    yield sf
    engine.dispose()


def _counts(sf) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with sf() as s:
        return (
            s.exec(select(func.count()).select_from(Reminder)).one(),
            s.exec(select(func.count()).select_from(PlannedMeeting)).one(),
            s.exec(select(func.count()).select_from(AuditEvent)).one(),
        )


def test_remind_dry_run_on_easter_sunday_prints_and_stores_nothing(cli_db) -> None:  # type: ignore[no-untyped-def]
    before = _counts(cli_db)
    result = CliRunner().invoke(app, ["remind", "--dry-run", "--now", "2025-04-20T08:00"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Provkörning 2025-04-20 08.00 – inget skickas eller sparas.")
    assert "Inget att skicka just nu." in out  # Easter Sunday: nothing is due
    # Monday is Annandag påsk: the weekly digests come on Tuesday 08.00.
    assert "2025-04-22 08.00  Till #CSSP: veckobrev (v. 17)" in out
    assert "2025-04-23 08.00  Till @UANNA: tertialpåminnelse (2025-T1)" in out
    assert "2025-04-23 08.00  Till #CEST: saknade uppföljningar (2025-T1)" in out
    assert _counts(cli_db) == before


def test_remind_dry_run_shows_messages_and_recipients(cli_db) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["remind", "--dry-run", "--now", "2025-04-23T10:00"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Till @UANNA:\n  📝 Tertial 1 slutar 2025-04-30: uppföljning saknas" in out
    # The typing hint names the tertial: in a direct message the newest plan is the default.
    assert "till exempel /atgard uppfolj 1.3 2025-T1 följt av texten." in " ".join(out.split())
    assert "Till #CEST:\n  📋 Uppföljning inför tertial 1 (2025-04-30)" in out
    assert "• 2.2 EST (Effektiv samordning för trygghet) – @UBO" in out
    assert "Till #CSSP:\n  ⏰ 1.3 ligger efter takten" in out
    assert _counts(cli_db)[0] == 0


def test_digest_dry_run_for_one_channel(cli_db) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        app, ["digest", "--dry-run", "--now", "2025-04-22T08:00", "--channel", "CEST"]
    )
    assert result.exit_code == 0, result.output
    assert "Till #CEST (EST):\n  📊 Veckobrev v. 17 – EST" in result.output
    assert "#CSSP" not in result.output
    assert "Hela planen: ▱▱▱▱▱▱▱▱▱▱ 0 av 16 klara" in result.output


def test_digest_unknown_channel(cli_db) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["digest", "--dry-run", "--channel", "CNOPE"])
    assert result.exit_code == 2
    assert "ingen grupp är kopplad till kanalen CNOPE" in result.output


def test_sending_without_slack_token_is_a_clear_swedish_error(cli_db) -> None:  # type: ignore[no-untyped-def]
    for args in (["remind", "--now", "2025-04-23T10:00"], ["digest"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2
        assert "Slack är inte konfigurerat (SLACK_BOT_TOKEN saknas)" in result.output
    assert _counts(cli_db)[0] == 0


def test_bad_now_is_refused(cli_db) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["remind", "--dry-run", "--now", "i morgon"])
    assert result.exit_code != 0
    assert "2025-04-20T08:00" in result.output


def test_remind_says_why_nothing_goes_out_while_the_bot_has_no_access(cli_db) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from models import access

    with cli_db.begin() as s:
        access.pause(
            session=s,
            platform="slack",
            cause="appen avinstallerades från arbetsytan (app_uninstalled)",
            now=datetime(2025, 4, 22, 6, 30, tzinfo=UTC),
        )
    result = CliRunner().invoke(app, ["remind", "--dry-run", "--now", "2025-04-23T10:00"])
    assert result.exit_code == 0, result.output
    assert (
        "Väntar: boten har inte åtkomst till Slack sedan 2025-04-22 08.30 (appen avinstallerades"
        " från arbetsytan (app_uninstalled)). Påminnelserna ligger kvar och skickas när"
        " åtkomsten är tillbaka."
    ) in result.output
    assert _counts(cli_db)[0] == 0  # a dry run, paused or not, stores nothing


def test_digest_of_a_finished_plan_ends_in_january(cli_db) -> None:  # type: ignore[no-untyped-def]
    """The scheduler posts a 2025 plan's digests until 2026-01-31; asked for one after
    that, the command says why there is none instead of posting "slutar efter 2026-01-31"."""
    january = CliRunner().invoke(
        app, ["digest", "--dry-run", "--now", "2026-01-26T08:00", "--channel", "CEST"]
    )
    assert january.exit_code == 0, january.output
    assert "Veckobrev v. 5 – EST" in january.output
    assert "Planen för 2025 är avslutad" in january.output
    february = CliRunner().invoke(
        app, ["digest", "--dry-run", "--now", "2026-02-02T08:00", "--channel", "CEST"]
    )
    assert february.exit_code == 0, february.output
    assert "Veckobrev" not in february.output
    assert (
        "Inget veckobrev till #CEST (EST): planen för 2025 är avslutad och dess veckobrev"
        " slutade 2026-01-31. Läs in planen för 2026 och koppla kanalen till den med"
        " /atgard koppla."
    ) in " ".join(february.output.split())
    later = CliRunner().invoke(app, ["digest", "--dry-run", "--now", "2027-03-01T08:00"])
    assert "Läs in planen för 2027" in later.output and "#CSSP (SSP)" in later.output


def test_behind_reminder_counts_occasions_in_the_right_number(cli_db) -> None:  # type: ignore[no-untyped-def]
    out = CliRunner().invoke(app, ["remind", "--dry-run", "--now", "2025-04-23T10:00"]).output
    # 1.3 meets 8 times a year: by 23 April two meetings should have been held.
    assert "Vid den här tiden borde 2 tillfällen ha genomförts." in out


def test_dry_run_names_a_reminder_it_would_drop_as_people_read_it(cli_db) -> None:  # type: ignore[no-untyped-def]
    """A reminder past its use (the scanner drops it) is named by kind, occurrence, recipient
    and the time it was due: not by the internal key."""
    from datetime import UTC, datetime

    with cli_db.begin() as s:
        s.add(
            Reminder(
                key="digest|slack:CSSP|2025-W16",
                kind="digest",
                channel_id="CSSP",
                occurrence="2025-W16",
                due_at=datetime(2025, 4, 14, 6, 0, tzinfo=UTC),
                stale_at=datetime(2025, 4, 15, 6, 0, tzinfo=UTC),
            )
        )
    result = CliRunner().invoke(app, ["remind", "--dry-run", "--now", "2025-04-20T08:00"])
    assert result.exit_code == 0, result.output
    assert (
        "Tas bort (inaktuell): veckobrev (v. 16) till #CSSP, planerad 2025-04-14 08.00"
        in result.output
    )
    assert "digest|" not in result.output
