"""`atgard sandbox`: the bot and a local stand-in for Slack on one port."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("sandbox")
    def sandbox(
        port: Annotated[int, typer.Option(help="Port på 127.0.0.1")] = 3000,
        host: Annotated[str, typer.Option(help="Adress att lyssna på")] = "127.0.0.1",
    ) -> None:
        """Prova boten utan Slack: en lokal sida som spelar Slack mot den riktiga boten."""
        from bot.cli_serve import refuse_busy_port
        from bot.sandbox.app import build_sandbox
        from bot.slack.server import serve

        refuse_busy_port(host, port)
        typer.echo(f"Sandlådan: öppna http://{host}:{port}/ i webbläsaren. Avsluta med Ctrl+C.")
        serve(lambda: build_sandbox(port).wsgi, host=host, port=port)
