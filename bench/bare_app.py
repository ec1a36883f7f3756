"""The practical ceiling: a Bolt app that only acks /atgard, served exactly like the bot
(bot.slack.server.serve: gunicorn, WEB_CONCURRENCY workers, gthread, 8 threads, same WSGI
wrapper).

`python -m bench.bare_app --port P` with SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL.
BARE_PROCESS_BEFORE_RESPONSE=1 runs it as the bot runs Bolt (listeners in the request thread,
no 10 ms polling for ack()); unset, it is Bolt's default.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from typing import Any


def load() -> Any:
    from slack_bolt import Ack, App
    from slack_sdk import WebClient

    from bot.db import make_engine, make_session_factory
    from bot.slack.server import make_wsgi_app

    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
        process_before_response=os.environ.get("BARE_PROCESS_BEFORE_RESPONSE") == "1",
    )

    @app.command(re.compile(r"^/atgard"))
    def ack_only(ack: Ack) -> None:
        ack()

    # /healthz needs a database: an in-memory one, so the ceiling does no real I/O.
    return make_wsgi_app(app, make_session_factory(make_engine("sqlite://")))


def serve_from_command_line(make_app: Callable[[], Any]) -> None:
    """`--port P [--host H]`: serve `make_app` as the bot is served (bench's ceilings)."""
    from bot.slack.server import serve

    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    a = ap.parse_args()
    serve(make_app, host=a.host, port=a.port, workers=int(os.environ.get("WEB_CONCURRENCY", "2")))


def main() -> None:
    serve_from_command_line(load)


if __name__ == "__main__":
    main()
