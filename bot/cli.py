"""The `atgard` command line (Typer)."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.cli_swedish import use_swedish
from bot.config import Settings

app = typer.Typer(
    help="Åtgärdsbot: åtgärdsplanen i chatten.", no_args_is_help=True, add_completion=False
)
JSON_HELP = "Skriv ut JSON (för skript)"
db_app = typer.Typer(help="Databasen.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Kör databasmigreringarna (Alembic) till senaste version."""
    from bot.runtime import start

    start(migrate=True)
    typer.echo("Databasen är uppdaterad.")


def _district_from(path: Path, parsed_district: str | None) -> str | None:
    if parsed_district:
        return parsed_district
    return None


@app.command("import")
def import_plan(
    file: Annotated[
        Path, typer.Argument(metavar="FIL", help="Åtgärdsplanen som .xlsx (eller .xlsm)")
    ],
    district: Annotated[str | None, typer.Option("--district", help="Stadsdel/kommun")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Planens år")] = None,
) -> None:
    """Läs in en åtgärdsplan från Excel. Samma fil igen ändrar ingenting."""
    from sqlalchemy.exc import SQLAlchemyError

    from models.errors import ImportFailed
    from models.importer import apply_plan
    from models.replies import Actor
    from reports.xlsx_reader import read_plan

    try:
        parsed = read_plan(file, year=year)
    except ImportFailed as e:
        _fail(f"Fel: {e.message}")
        return
    district = district or parsed.district
    year = year or parsed.year
    if not district:
        _fail(
            "Fel: ange stadsdel eller kommun med --district, till exempel --district Kungsholmen."
        )
    if not year:
        _fail("Fel: ange planens år med --year, till exempel --year 2025.")
    from bot.runtime import start

    rt = start()
    today = datetime.now(UTC).astimezone(rt.settings.tz).date()
    try:
        # One transaction: a failure anywhere leaves the database as it was.
        with rt.session_factory.begin() as s:
            result = apply_plan(
                session=s,
                parsed=parsed,
                district=district,
                year=year,
                actor=Actor("cli", "import", "cli"),
                today=today,
            )  # type: ignore[arg-type]
            summary = result.summary()
            warnings = list(result.warnings)
    except ImportFailed as e:
        _fail(f"Fel: {e.message}")
        return
    except SQLAlchemyError as e:
        # One line for the log (stderr here): a traceback would read as a crash.
        first_line = str(e).splitlines()[0] if str(e) else type(e).__name__
        logging.getLogger(__name__).error("import of %s failed: %s", file.name, first_line)
        _fail(
            f"Fel: {file.name} kunde inte sparas i databasen, så ingenting lästes in. "
            "Försök igen om en stund."
        )
        return
    for w in warnings:
        typer.echo(f"Varning: {w}", err=True)
    typer.echo(summary)


@app.command("list")
def list_cmd(
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Alla åtgärder i databasen."""
    from bot.runtime import start
    from handlers.texts import verdict_label
    from reports.listing import measures_json

    rt = start()
    with rt.session_factory.begin() as s:
        rows = measures_json(session=s)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        # The JSON keeps the codes for scripts; people read the labels.
        verdict = verdict_label(r["verdict"])
        typer.echo(f"{r['ref']:>6}  {verdict:<20} {(r['measure'] or '')[:90]}")


@app.command("console")
def console(
    user: Annotated[str, typer.Option(help="Användar-id i konsolen")] = "U_KONSOL",
    channel: Annotated[str | None, typer.Option(help="Kanal-id (som en kopplad kanal)")] = None,
) -> None:
    """Prova boten i terminalen: skriv samma /atgard-rader som i chatten."""
    from bot.console import run_console
    from bot.runtime import start
    from handlers.context import CommandContext
    from models.replies import Actor

    rt = start()
    ctx = CommandContext(
        rt.session_factory, rt.settings, Actor(user, "Konsolen", "console"), channel_id=channel
    )
    run_console(ctx)


@app.command("audit")
def audit_cmd(
    since: Annotated[
        str | None, typer.Option(help="Från och med datum, till exempel 2025-01-01")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Visa granskningsloggen (vem ändrade vad och när)."""
    from bot.runtime import start
    from handlers.texts import AUDIT_ACTIONS, AUDIT_ENTITIES
    from models import audit

    start_at = None
    if since:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
            _fail("Fel: skriv datumet som 2025-01-01.")
        settings = Settings()
        try:
            start_at = datetime.fromisoformat(since).replace(tzinfo=settings.tz)
        except ValueError:
            _fail("Fel: datumet finns inte. Skriv det som 2025-01-01.")
    rt = start()
    with rt.session_factory.begin() as s:
        rows = [
            {
                "id": e.id,
                "at": e.at.isoformat(),
                "actor_id": e.actor_id,
                "actor_name": e.actor_name,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "before": json.loads(e.before) if e.before else None,
                "after": json.loads(e.after) if e.after else None,
            }
            for e in audit.events(session=s, since=start_at)
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    tz = Settings().tz
    for r in rows:
        at = datetime.fromisoformat(r["at"]).astimezone(tz).strftime("%Y-%m-%d %H.%M")
        action = AUDIT_ACTIONS.get(r["action"], r["action"])
        entity = AUDIT_ENTITIES.get(r["entity"], r["entity"])
        who = r["actor_name"] or r["actor_id"] or "-"
        typer.echo(f"{at}  {who:<16} {action:<24} {entity} {r['entity_id'] or ''}".rstrip())


def _register_all() -> None:
    # Each package owns its commands; imported lazily inside the commands for a fast CLI start.
    from bot import cli_serve
    from bot.sandbox import cli as sandbox_cli
    from reminders import cli as reminders_cli
    from reports import cli as reports_cli

    for module in (cli_serve, sandbox_cli, reminders_cli, reports_cli):
        module.register(app)


_register_all()
use_swedish(app)


DATABASE_UNREACHABLE = (
    "Fel: databasen går inte att nå. Kontrollera DATABASE_URL och att databasen är igång,"
    " och försök igen."
)


DATABASE_URL_INVALID = (
    "Fel: DATABASE_URL går inte att läsa som en databasadress. Skriv den till exempel som"
    " postgresql://användare:lösenord@värd:5432/databas eller sqlite:///./atgard.db."
)


def main() -> None:
    from pydantic import ValidationError
    from sqlalchemy.exc import OperationalError

    from bot.config import settings_problems
    from bot.db import InvalidDatabaseUrl

    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except ValidationError as e:
        if e.title != "Settings":
            raise
        # An environment variable the bot cannot use: which one and why, in Swedish, without
        # its value (it may be a token) and without pydantic's English traceback.
        for line in settings_problems(e):
            typer.echo(line, err=True)
        sys.exit(2)
    except InvalidDatabaseUrl:
        # The address is not repeated (it may hold a password), nor is a traceback shown.
        typer.echo(DATABASE_URL_INVALID, err=True)
        sys.exit(2)
    except OperationalError as e:
        # Any command that needs the database, when it is down or the address is wrong: one
        # Swedish line, not a traceback; the address is not repeated (it may hold a password).
        logging.getLogger(__name__).debug("database unreachable: %s", type(e.orig).__name__)
        typer.echo(DATABASE_UNREACHABLE, err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
