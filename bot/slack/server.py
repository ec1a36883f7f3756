"""HTTP mode: a WSGI app (POST /slack/events, GET /healthz) served by gunicorn."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request.internals import build_context
from sqlalchemy import text

from bot.db import SessionFactory

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

ALLOWED_METHODS = {EVENTS_PATH: ("POST",), HEALTH_PATH: ("GET", "HEAD")}

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def database_ok(session_factory: SessionFactory) -> bool:
    try:
        with session_factory() as s:
            s.execute(text("SELECT 1"))
        return True
    except Exception as e:  # any failure means "not ready"; the type is enough for the log
        log.warning("health check: database unavailable (%s)", type(e).__name__)
        return False


TIMESTAMP_HEADER = "x-slack-request-timestamp"


def bolt_request(raw: str, query: str, headers: dict[str, Any]) -> BoltRequest:
    """The request as Bolt would build it, with three gaps in Bolt 1.x's handling closed.

    - Bolt reads any form body that contains the word "payload" anywhere (a command's text,
      a channel called #payload) as an interactivity payload, finds none and sees an empty
      request: the command would be refused with 404. Such a body is parsed as the form it is.
    - A body that is not what its content type says (malformed JSON, or JSON that is not an
      object: `[]`, `null`, `payload=1`) cannot come from Slack; Bolt would fail with a 500
      before checking the signature. It goes on with an empty body, so the signature check
      still answers it (401).
    - A timestamp header that is not a number makes the signature check itself fail with a
      500; without it the check treats the request as stale and answers 401.
    """
    stamp = headers.get(TIMESTAMP_HEADER)
    if isinstance(stamp, str) and not stamp.strip().isdigit():
        headers = {k: v for k, v in headers.items() if k != TIMESTAMP_HEADER}
    try:
        req = BoltRequest(body=raw, query=query, headers=headers)
    except (ValueError, AttributeError, TypeError):  # Bolt reads a parsed body as a dict
        req = BoltRequest(body="", query=query, headers=headers)
        req.raw_body = raw  # what the signature covers
        return req
    if not req.body and "payload" in raw and not raw.lstrip().startswith("{"):
        form = dict(parse_qsl(raw, keep_blank_values=True))
        if "payload" not in form:
            req.body = form
            req.context = build_context(BoltContext(), form)
    return req


def request_body(environ: dict[str, Any]) -> str:
    """The body as sent. Bolt reads CONTENT_LENGTH bytes, and none when a proxy forwards the
    request in chunks (no Content-Length): the signature check then refused it as empty.
    Without a length the body is read to its end where the server marks the stream as ending
    there (gunicorn does, `wsgi.input_terminated`); elsewhere a read could wait forever."""
    stream = environ.get("wsgi.input")
    length = environ.get("CONTENT_LENGTH")
    if stream is None:
        return ""
    if length:
        data = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        data = stream.read()
    else:
        return ""
    return bytes(data).decode("utf-8")


class _Handler(SlackRequestHandler):
    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        try:
            raw = request_body(request.environ)
        except UnicodeDecodeError:
            raw = ""  # not from Slack: the signature check refuses it
        return self.app.dispatch(
            bolt_request(raw, request.query_string, dict(request.get_headers()))
        )


def make_wsgi_app(bolt_app: App, session_factory: SessionFactory) -> WsgiApp:
    """Slack's events to Bolt; /healthz answers 200 "ok" or 503 depending on the database."""
    slack = _Handler(bolt_app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        allowed = ALLOWED_METHODS.get(str(path))
        if allowed is not None and method not in allowed:
            # The address exists (Bolt would say 404 for anything but its POST).
            start_response(
                "405 Method Not Allowed", [("Allow", ", ".join(allowed)), ("Content-Length", "0")]
            )
            return [b""]
        if path == HEALTH_PATH:
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
    load: Callable[[], WsgiApp],
    *,
    host: str,
    port: int,
    workers: int = 1,
    threads: int = 8,
    on_quit: Callable[[], None] | None = None,
) -> None:
    """Run under gunicorn: `workers` processes with gthread threads each.

    `load` runs in each worker after the fork, so database pools and the scheduler live there;
    every worker starts the scheduler and leadership (reminders.leader) lets one of them run it.
    `on_quit` runs in a worker told to stop at once (Ctrl+C), before it exits.
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
            if on_quit is not None:
                self.cfg.set("worker_int", lambda worker: on_quit())

        def load(self) -> WsgiApp:
            return load()

    _Server().run()
