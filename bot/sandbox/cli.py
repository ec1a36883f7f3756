"""`atgard sandbox`: the bot and a local stand-in for Slack on one port."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("sandbox")
    def sandbox(
        port: Annotated[int, typer.Option(help="Port på 127.0.0.1")] = 3000,
        host: Annotated[str, typer.Option(help="Adress att lyssna på")] = "127.0.0.1",
        start: Annotated[
            str | None,
            typer.Option(
                help="Dagen botens klocka startar (ÅÅÅÅ-MM-DD), till exempel 2025-04-28 för att"
                " se tertialskiftet; annars i dag i planens år"
            ),
        ] = None,
    ) -> None:
        """Prova boten utan Slack: en lokal sida som spelar Slack mot den riktiga boten."""
        from bot.cli_serve import refuse_busy_port
        from bot.sandbox.app import build_sandbox
        from bot.sandbox.store import close_all_stores
        from bot.slack.server import serve

        start_day = _start_day(start)
        refuse_busy_port(host, port)
        typer.echo(f"Sandlådan: öppna http://{host}:{port}/ i webbläsaren. Avsluta med Ctrl+C.")
        serve(
            lambda: build_sandbox(port, start_day=start_day).wsgi,
            host=host,
            port=port,
            on_quit=close_all_stores,
        )


def _start_day(text: str | None) -> date | None:
    """--start as a day, or one Swedish line (typer's own message would be English)."""
    if text is None:
        return None
    from handlers.parse import parse_iso_date
    from models.errors import ValidationError

    try:
        return parse_iso_date(text.strip())
    except ValidationError as e:
        typer.echo(f"Fel: --start: {e}", err=True)
        raise typer.Exit(2) from None
