"""HTTP mode: a WSGI app (POST /slack/events, GET /healthz) served by gunicorn."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot.db import SessionFactory

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def database_ok(session_factory: SessionFactory) -> bool:
    try:
        with session_factory() as s:
            s.execute(text("SELECT 1"))
        return True
    except Exception as e:  # any failure means "not ready"; the type is enough for the log
        log.warning("health check: database unavailable (%s)", type(e).__name__)
        return False


def make_wsgi_app(bolt_app: App, session_factory: SessionFactory) -> WsgiApp:
    """Slack's events to Bolt; /healthz answers 200 "ok" or 503 depending on the database."""
    slack = SlackRequestHandler(bolt_app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in (
            "GET",
            "HEAD",
        ):
            ok = database_ok(session_factory)
            body = b"ok" if ok else b"database unavailable"
            start_response(
                "200 OK" if ok else "503 Service Unavailable",
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return slack(environ, start_response)

    return application


def serve(
    load: Callable[[], WsgiApp], *, host: str, port: int, workers: int = 1, threads: int = 8
) -> None:
    """Run under gunicorn: `workers` processes with gthread threads each.

    `load` runs in each worker after the fork, so database pools and the scheduler live there;
    every worker starts the scheduler and leadership (reminders.leader) lets one of them run it.
    """
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "timeout": 30,
                "graceful_timeout": 10,
                "forwarded_allow_ips": "*",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> WsgiApp:
            return load()

    _Server().run()
