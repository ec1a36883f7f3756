"""`atgard export` on the command line and `/atgard export` in a channel."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from bot.cli import app
from handlers.export import default_tertial, export_reply, parse_export_args
from handlers.router import execute
from models.errors import ParseError
from models.replies import Visibility
from reports.export import ExportFormat
from tests.reports.export_helpers import csv_rows, seed_period_data


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Path:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cli_writes_the_export(cli_env: Path, session_factory, imported_plan) -> None:  # type: ignore[no-untyped-def]
    seed_period_data(session_factory, imported_plan)
    result = CliRunner().invoke(
        app, ["export", "--period", "2025-T1", "--format", "xlsx", "--district", "Kungsholmen"]
    )
    assert result.exit_code == 0, result.output
    written = cli_env / "atgardsplan-2025-T1-kungsholmen.xlsx"
    assert written.exists()
    assert "Tertialrapport 1 2025" in result.output
    wb = openpyxl.load_workbook(io.BytesIO(written.read_bytes()))
    assert wb["Sammanställning"]["D12"].value == 16

    out = cli_env / "rapport.html"
    result = CliRunner().invoke(
        app, ["export", "--period", "T2", "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "status per 2025-08-31" in out.read_text(encoding="utf-8")


def test_cli_says_in_swedish_why_the_file_could_not_be_written(
    cli_env: Path, imported_plan
) -> None:  # type: ignore[no-untyped-def]
    missing = cli_env / "finns-inte" / "rapport.xlsx"
    result = CliRunner().invoke(app, ["export", "--period", "T1", "--out", str(missing)])
    assert result.exit_code == 1
    assert f"Fel: kunde inte skriva {missing}: mappen finns inte, ange en mapp som finns." in (
        result.stderr
    )
    folder = CliRunner().invoke(app, ["export", "--period", "T1", "--out", str(cli_env)])
    assert "det är en mapp, ange ett filnamn." in folder.stderr


def test_cli_writes_to_stdout(cli_env: Path, imported_plan) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        app, ["export", "--period", "T1", "--format", "csv", "--year", "2025", "--out", "-"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith("\ufeffPeriod;Status per;Preliminär status;Nr;".encode())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export"], "ange period med --period"),
        (["export", "--period", "2025-T7"], "Det finns bara tre tertial"),
        (["export", "--period", "vår"], "Jag förstod inte perioden"),
        (["export", "--period", "T1", "--format", "pdf"], "Formatet pdf finns inte"),
        (["export", "--period", "2025-T1", "--year", "2024"], "anger olika år"),
        (
            ["export", "--period", "T1", "--district", "Atlantis"],
            "Hittade ingen åtgärdsplan för Atlantis",
        ),
    ],
)
def test_cli_bad_input_exits_2_in_swedish(
    cli_env: Path, imported_plan, args: list[str], message: str
) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_parse_export_args() -> None:
    assert parse_export_args([]) == (None, ExportFormat.XLSX)
    assert parse_export_args(["t2", "html"]) == ("t2", ExportFormat.HTML)
    assert parse_export_args(["md", "2025-t3"]) == ("2025-t3", ExportFormat.MD)
    with pytest.raises(ParseError, match="Jag förstod inte ”pdf”"):
        parse_export_args(["pdf"])
    with pytest.raises(ParseError):
        parse_export_args(["t1", "t2"])
    # A period and an unknown format: the reply names the format, not the period.
    with pytest.raises(ParseError, match=r"Jag förstod inte ”pdf”\. .*Format: xlsx"):
        parse_export_args(["T1", "pdf"])


def test_default_tertial() -> None:
    from datetime import date

    assert default_tertial(2025, date(2025, 4, 22)) == 1
    # The week after a tertial ends is when its report is written: that tertial's export.
    assert default_tertial(2025, date(2025, 5, 7)) == 1
    assert default_tertial(2025, date(2025, 5, 8)) == 2
    assert default_tertial(2025, date(2025, 9, 1)) == 2
    assert default_tertial(2025, date(2025, 9, 8)) == 3
    assert default_tertial(2025, date(2026, 1, 15)) == 3
    assert default_tertial(2026, date(2025, 12, 20)) == 1


def test_channel_export_reply_has_file_and_summary(
    make_ctx, session_factory, imported_plan
) -> None:  # type: ignore[no-untyped-def]
    seed_period_data(session_factory, imported_plan)
    reply = export_reply(make_ctx(), [])  # clock: 2025-04-22, so T1 and xlsx
    assert reply.visibility is Visibility.CHANNEL
    [attachment] = reply.attachments
    assert attachment.filename == "atgardsplan-2025-T1-kungsholmen.xlsx"
    assert attachment.content.startswith(b"PK")
    assert "Tertialrapport 1" in (reply.title or "")
    assert "16 åtgärder" in reply.plain()
    assert reply.images == []
    assert reply.ack_text


def test_channel_html_export_posts_the_chart(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    reply = export_reply(make_ctx(), ["t2", "html"])
    assert reply.attachments[0].filename == "atgardsplan-2025-T2-kungsholmen.html"
    [image] = reply.images
    assert image.png.startswith(b"\x89PNG") and image.alt.startswith(
        "Läge per område, status per 2025-04-22. Unga i riskzon"
    )


def test_only_coordinators_export(make_ctx, settings, imported_plan) -> None:  # type: ignore[no-untyped-def]
    settings.admin_user_ids = ["U_ADMIN"]
    reply = execute(make_ctx(user="U_MEMBER"), "export T1")
    assert reply.attachments == []
    assert "Bara samordnare kan exportera planen" in reply.plain()
    ok = execute(make_ctx(user="U_ADMIN"), "export T1 csv")
    assert ok.attachments[0].filename.endswith(".csv")


def test_router_turns_bad_words_into_a_swedish_reply(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), "export T9")
    assert reply.attachments == []
    assert "tertial" in reply.plain()


def test_late_evening_follow_ups_and_the_export_around_midnight(
    make_ctx, clock, imported_plan
) -> None:  # type: ignore[no-untyped-def]
    """30 April 23.30 in Stockholm is 21.30 UTC: the follow-up is T1's. 00.10 on 1 May (still
    30 April in UTC) is in the week T1 is reported: T1's too, written on 1 May. Exported at
    23.45, T1 has not ended; at 00.30 it has."""
    clock.set(datetime(2025, 4, 30, 21, 30, tzinfo=UTC))
    assert "1.4" in execute(make_ctx(), "uppfolj 1.4 Skrivet sent på kvällen.").plain()
    clock.set(datetime(2025, 4, 30, 21, 45, tzinfo=UTC))
    running = export_reply(make_ctx(), ["T1", "csv"])
    assert "preliminär status per 2025-04-30 (perioden slutar 2025-04-30)" in (running.title or "")
    clock.set(datetime(2025, 4, 30, 22, 10, tzinfo=UTC))
    assert "1.5" in execute(make_ctx(), "uppfolj 1.5 Skrivet efter midnatt.").plain()
    clock.set(datetime(2025, 4, 30, 22, 30, tzinfo=UTC))
    final = export_reply(make_ctx(), ["T1", "csv"])
    assert (final.title or "").endswith("Tertialrapport 1 2025, status per 2025-04-30")
    rows = csv_rows(final.attachments[0].content)
    assert rows["1.4"]["Uppföljning"] == "Skrivet sent på kvällen."
    assert rows["1.4"]["Uppföljningen skriven"] == "2025-04-30"
    assert rows["1.5"]["Uppföljning"] == "Skrivet efter midnatt."
    assert rows["1.5"]["Uppföljningen skriven"] == "2025-05-01"
    assert rows["1.5"]["Status per"] == "2025-04-30"


def test_a_running_period_is_exported_as_of_today(make_ctx, session_factory, imported_plan) -> None:  # type: ignore[no-untyped-def]
    """`/atgard export T3 csv` on 22 April: status per 22 April, not 31 December's pace."""
    seed_period_data(session_factory, imported_plan)
    reply = export_reply(make_ctx(), ["T3", "csv"])  # clock: 2025-04-22 10.00
    assert "preliminär status per 2025-04-22 (perioden slutar 2025-12-31)" in reply.plain()
    rows = csv_rows(reply.attachments[0].content)
    assert rows["1.3"]["Takt"] == "2 av 8 genomförda, i fas"
    assert rows["1.3"]["Status per"] == "2025-04-22"
    assert rows["2.2"]["Möten under perioden"] == "2025-03-05 EST"


@pytest.mark.parametrize(
    ("line", "filename"),
    [
        ("export 2025 T1 csv", "atgardsplan-2025-T1-kungsholmen.csv"),
        ("export T2 2025 html", "atgardsplan-2025-T2-kungsholmen.html"),
        ("export tertial 3", "atgardsplan-2025-T3-kungsholmen.xlsx"),
        ("export md 2025 t1", "atgardsplan-2025-T1-kungsholmen.md"),
    ],
)
def test_a_period_written_in_two_words_is_understood(
    make_ctx, imported_plan, line: str, filename: str
) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), line)
    assert [a.filename for a in reply.attachments] == [filename], reply.plain()


def test_export_of_a_year_without_a_plan_names_district_and_year(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    from handlers.router import execute

    reply = execute(make_ctx(), "export 2024-T1")
    assert reply.failed
    # Not "det området": an område is a priority area in every other reply.
    assert reply.plain().startswith(
        "Hittade ingen åtgärdsplan för Kungsholmen 2024. Kontrollera namn och år"
    )


def test_cli_asks_which_district_where_several_have_a_plan_that_year(
    cli_env: Path, session_factory, imported_plan
) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from tests.conftest import import_example_plan

    with session_factory.begin() as s:
        import_example_plan(s, district="Norrmalm", year=2025, today=date(2025, 4, 22))
    result = CliRunner().invoke(app, ["export", "--period", "2025-T1", "--out", "-"])
    assert result.exit_code == 2
    assert (
        "Fel: det finns planer för 2025 för flera stadsdelar eller kommuner: Kungsholmen,"
        " Norrmalm. Ange vilken med --district, till exempel --district Kungsholmen."
    ) in " ".join(result.output.split())
    named = CliRunner().invoke(
        app,
        ["export", "--period", "2025-T1", "--format", "md", "--district", "norrmalm", "--out", "-"],
    )
    assert named.exit_code == 0, named.output
    assert named.output.startswith("# Åtgärdsplan 2025, Norrmalm")
