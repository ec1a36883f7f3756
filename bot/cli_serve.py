"""`atgard run` (Socket Mode, HTTP, or the local sandbox without Slack) and `atgard serve` (HTTP)."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import signal
import socket
import threading
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from models.notify import Notifier

log = logging.getLogger(__name__)


def start_scheduler_hook(runtime: Runtime, notifier: Notifier) -> Any:
    """HOOK: start the reminders scheduler (reminders.service.start_scheduler) if it exists.

    Called once per process by `run` and by the single `serve` worker.
    """
    if not runtime.settings.scheduler_enabled:
        return None
    if importlib.util.find_spec("reminders.service") is None:
        log.info("reminders.service not installed; no scheduler")
        return None
    service = importlib.import_module("reminders.service")
    start = getattr(service, "start_scheduler", None)
    if start is None:
        log.info("reminders.service.start_scheduler missing; no scheduler")
        return None
    return start(runtime, notifier)


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `atgard` CLI."""

    @app.command("run")
    def run() -> None:
        """Starta boten: Socket Mode med SLACK_APP_TOKEN, annars HTTP, utan Slack-nycklar sandlådan."""
        from bot.config import Settings

        settings = Settings()
        if settings.slack_app_token is not None:
            if settings.slack_bot_token is None:
                _fail("Fel: SLACK_APP_TOKEN är satt men SLACK_BOT_TOKEN saknas (xoxb-…).")
            _warn_if_trial(settings)
            _run_socket_mode(settings)
        elif settings.has_slack:
            _warn_if_trial(settings)
            _serve(settings, host="0.0.0.0", port=settings.port)
        elif settings.slack_bot_token is None and settings.slack_signing_secret is None:
            _run_sandbox(settings)
        else:
            _fail(
                "Fel: Slack är bara delvis inställt. Sätt SLACK_BOT_TOKEN och SLACK_APP_TOKEN"
                " (Socket Mode) eller SLACK_BOT_TOKEN och SLACK_SIGNING_SECRET (HTTP)."
            )

    @app.command("serve")
    def serve(
        port: Annotated[
            int | None, typer.Option("--port", help="Port (standard: PORT eller 3000)")
        ] = None,
        host: Annotated[str, typer.Option("--host", help="Adress att lyssna på")] = "0.0.0.0",
    ) -> None:
        """Starta HTTP-servern för Slack (POST /slack/events, GET /healthz)."""
        from bot.config import Settings

        settings = Settings()
        if not settings.has_slack:
            _fail(
                "Fel: sätt SLACK_BOT_TOKEN och SLACK_SIGNING_SECRET för att ta emot anrop från Slack."
            )
        _warn_if_trial(settings)
        _serve(settings, host=host, port=port or settings.port)


TRIAL_WARNING = (
    "Obs: inga samordnare är angivna (ADMIN_USER_IDS eller COORDINATOR_USERGROUP), så alla i"
    " arbetsytan räknas som samordnare och kan koppla kanaler, läsa in och exportera planen"
    " (provläge). Ange samordnarna innan boten används på riktigt."
)


# Slack's answers to apps.connections.open that mean the app-level token itself is wrong.
TOKEN_REFUSED = ("invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive")
APP_TOKEN_HOW = (
    " Skapa en app-nivåtoken under Basic Information → App-Level Tokens med behörigheten"
    " connections:write och sätt den i SLACK_APP_TOKEN (se README, ”Installera i Slack”)."
)
SLACK_UNREACHABLE = (
    "Fel: Slack går inte att nå. Kontrollera nätet och att brandväggen släpper ut"
    " förbindelser till slack.com, och försök igen."
)


def socket_mode_refused(error: str) -> str:
    """One Swedish line for a refused Socket Mode start, with Slack's own code for searching."""
    if error == "not_allowed_token_type":
        return (
            "Fel: SLACK_APP_TOKEN är ingen app-nivåtoken (den ska börja med xapp-)." + APP_TOKEN_HOW
        )
    if error in TOKEN_REFUSED:
        return f"Fel: Slack godtar inte SLACK_APP_TOKEN ({error})." + APP_TOKEN_HOW
    return (
        f"Fel: Slack öppnade ingen Socket Mode-förbindelse ({error}). Kontrollera att Socket Mode"
        " är påslaget för appen (Settings → Socket Mode) och att SLACK_APP_TOKEN hör till den."
    )


def _warn_if_trial(settings: Any) -> None:
    """Trial mode in a real workspace is a choice to make knowingly: a value left blank
    (`ADMIN_USER_IDS=" "`) turns it on as surely as none at all."""
    if not settings.admin_user_ids and not settings.coordinator_usergroup:
        typer.echo(TRIAL_WARNING, err=True)


def refuse_busy_port(host: str, port: int, *, setting: str = "--port {port}") -> None:
    """Stop with one Swedish line when another program listens on the port: gunicorn would
    retry for seconds and then fail in English ("Connection in use")."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the server binds: a port in TIME_WAIT is free, one with a listener is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            typer.echo(
                f"Fel: port {port} används redan av ett annat program. Stäng det, eller välj"
                f" en annan port, till exempel {setting.format(port=port + 1)}.",
                err=True,
            )
            raise typer.Exit(2) from None


def _run_sandbox(settings: Any) -> None:
    """No Slack tokens: the bot in HTTP mode behind a local page that plays Slack."""
    from bot.sandbox.app import build_sandbox
    from bot.sandbox.store import close_all_stores
    from bot.slack.server import serve

    port = settings.port
    refuse_busy_port("127.0.0.1", port, setting="PORT={port} atgard run")
    typer.echo(
        f"Inga Slack-nycklar är satta: startar sandlådan på http://127.0.0.1:{port}/"
        " (konsolen finns som `atgard console`, Slack: README, ”Installera i Slack”).",
        err=True,
    )
    serve(
        lambda: build_sandbox(port, settings).wsgi,
        host="127.0.0.1",
        port=port,
        on_quit=close_all_stores,
    )


def _run_socket_mode(settings: Any) -> None:
    from bot.runtime import start
    from bot.slack.app import create_app
    from bot.slack.notifier import SlackNotifier
    from bot.slack.socket_mode import (
        ConnectionRefused,
        close_cleanly,
        make_handler,
        open_first_connection,
    )

    rt = start(settings)
    bolt = create_app(rt.settings, rt.session_factory)
    log.info("Åtgärdsbot connects to Slack with Socket Mode")
    handler = make_handler(bolt, settings.slack_app_token.get_secret_value())
    # Caught from here on: a platform that stops the bot while it starts (a redeploy right
    # after a deploy) gets the same clean stop, not a process killed between connecting and
    # starting the scheduler (bench and CI machines under load hit that window).
    stop = _stop_on_signals()
    # Connected before the scheduler starts: a start that fails leaves no thread behind that
    # would keep the process from exiting.
    try:
        open_first_connection(handler)
    except ConnectionRefused as e:
        rt.engine.dispose()
        _fail(socket_mode_refused(e.error))
    except OSError as e:  # urllib's URLError, a timeout, a refused connection
        log.debug("apps.connections.open unreachable: %s", type(e).__name__)
        rt.engine.dispose()
        _fail(SLACK_UNREACHABLE)
    log.info("Åtgärdsbot is connected (Socket Mode)")
    # Told to stop while connecting: no scheduler to start (it might take leadership or send).
    scheduler = None if stop.is_set() else start_scheduler_hook(rt, SlackNotifier(bolt.client))
    while not stop.wait(1.0):  # a timeout, so the signal handler always gets to run
        pass
    log.info("Åtgärdsbot stops: closing the Socket Mode connection")
    close_cleanly(handler)
    if scheduler is not None:
        scheduler.shutdown(wait=True)  # an in-flight send finishes; leadership is released
    rt.engine.dispose()
    log.info("Åtgärdsbot stopped")


def _stop_on_signals() -> threading.Event:
    """SIGTERM (a platform stopping or redeploying the bot) and SIGINT (Ctrl+C) ask for a
    clean stop instead of killing the process mid-request."""
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("%s received", signal.Signals(signum).name)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    return stop


def _serve(settings: Any, *, host: str, port: int) -> None:
    from bot.runtime import start
    from bot.slack.server import serve

    refuse_busy_port(host, port)
    # Migrate once in the parent so a broken database stops the start with a clear error.
    start(settings, migrate=True).engine.dispose()

    def load() -> Any:
        from bot.slack.app import create_app
        from bot.slack.notifier import SlackNotifier
        from bot.slack.server import make_wsgi_app

        rt = start(settings, migrate=False)
        bolt = create_app(rt.settings, rt.session_factory)
        start_scheduler_hook(rt, SlackNotifier(bolt.client))
        return make_wsgi_app(bolt, rt.session_factory)

    serve(load, host=host, port=port, workers=settings.web_concurrency)
