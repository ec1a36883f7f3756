"""The ceiling for a command that stores something: a Bolt app served exactly like the bot
(bench.bare_app's setup: bot.slack.server.serve, the same WSGI wrapper, Bolt in the request
thread) whose only listener writes the command's text as one row, durably, and answers.

No lookup, no validation, no audit row, no idempotency key, no ORM or SQLAlchemy: one INSERT
and a COMMIT on a connection per thread, the driver's own calls. Whatever `uppfolj` does on
top of this is the bot's; what this costs beside the ack-only app is what any durable write
costs on this machine (bench/results.md, section 1).

With BARE_WRITE_ONE_STATEMENT=1 the INSERT is sent alone, as its own transaction (autocommit):
on PostgreSQL one round trip instead of three (BEGIN, INSERT, COMMIT), still durable. No write
can cost less through this server; it is the floor under any way `uppfolj` could be written.

`python -m bench.bare_write --port P` with SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN,
SLACK_API_URL and BARE_WRITE_URL (sqlite:///file or postgresql+psycopg://…).
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import make_url

TABLE = "bench_bare_write"


def _connector(url: str) -> tuple[Callable[[], Any], str, str, str]:
    """(connect, CREATE TABLE, the INSERT, BEGIN) for the URL's driver."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""

        def connect_sqlite() -> Any:
            conn = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
            # The bot's settings (bot.db.make_engine): WAL, no fsync at each commit.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            return conn

        return (
            connect_sqlite,
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY, body TEXT)",
            f"INSERT INTO {TABLE} (body) VALUES (?)",
            "BEGIN IMMEDIATE",  # the write lock at once, as the bot's writer queue takes it
        )
    import psycopg

    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)

    def connect_pg() -> Any:
        return psycopg.connect(dsn, autocommit=True)

    return (
        connect_pg,
        f"CREATE TABLE IF NOT EXISTS {TABLE} (id SERIAL PRIMARY KEY, body TEXT)",
        f"INSERT INTO {TABLE} (body) VALUES (%s)",
        "BEGIN",
    )


def prepare(url: str) -> None:
    """Create the table (once, before the server's workers start: two workers creating it at
    once can collide on PostgreSQL)."""
    connect, create, _insert, _begin = _connector(url)
    conn = connect()
    try:
        conn.execute(create)
        conn.commit()
    finally:
        conn.close()


def load() -> Any:
    from slack_bolt import Ack, App
    from slack_sdk import WebClient

    from bot.db import make_engine, make_session_factory
    from bot.slack.server import make_wsgi_app

    connect, _create, insert, begin = _connector(os.environ["BARE_WRITE_URL"])
    one_statement = os.environ.get("BARE_WRITE_ONE_STATEMENT") == "1"
    local = threading.local()

    def connection() -> Any:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = connect()
        return conn

    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
        process_before_response=True,
    )

    @app.command(re.compile(r"^/atgard"))
    def store(ack: Ack, body: dict[str, Any]) -> None:
        conn = connection()
        if one_statement:  # both drivers' connections are in autocommit mode here
            conn.execute(insert, (body.get("text") or "",))
        else:
            conn.execute(begin)
            conn.execute(insert, (body.get("text") or "",))
            conn.execute("COMMIT")
        ack(response_type="ephemeral", text="Sparat.")

    return make_wsgi_app(app, make_session_factory(make_engine("sqlite://")))


def main() -> None:
    from bench.bare_app import serve_from_command_line

    serve_from_command_line(load)


if __name__ == "__main__":
    main()
