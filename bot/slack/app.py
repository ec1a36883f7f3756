"""create_app(): the Bolt app with our listeners. Nothing is created at import."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import datetime

from slack_bolt import App
from slack_bolt.logger.messages import (
    warning_client_prioritized_and_token_skipped,
    warning_token_skipped,
)
from slack_sdk import WebClient

from bot.config import Settings
from bot.db import SessionFactory
from bot.slack.authorization import BotAuthorization
from bot.slack.deps import Deps
from bot.slack.listeners import register_all
from bot.slack.verification import QuietRequestVerification
from handlers.context import system_clock

log = logging.getLogger(__name__)
BOLT_LOG = "atgard.slack.bolt"


class _ExpectedTokenNotes(logging.Filter):
    """Bolt notes at every start that SLACK_BOT_TOKEN from the environment goes unused when
    a client and `authorize` are given. That is how the bot is built (BotAuthorization), so
    the two English lines only made an operator wonder; everything else Bolt says stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in (
            warning_client_prioritized_and_token_skipped(),
            warning_token_skipped(),
        )


logging.getLogger(BOLT_LOG).addFilter(_ExpectedTokenNotes())

NOT_INSTALLED = (
    "Åtgärdsbot har inte längre åtkomst till arbetsytan. Be en administratör installera appen igen."
)


def api_base_url(settings: Settings) -> str | None:
    """SLACK_API_URL (a proxy, or a stand-in in tests) with the trailing slash the SDK needs."""
    url = settings.slack_api_url
    if not url:
        return None
    return url if url.endswith("/") else url + "/"


def make_client(settings: Settings) -> WebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    base = api_base_url(settings)
    return WebClient(token=token, base_url=base) if base else WebClient(token=token)


# Slack's libraries log whole requests and answers at DEBUG (what people wrote, response_urls);
# they never log below INFO, so LOG_LEVEL=DEBUG keeps the promise that texts are not logged.
SDK_LOGGERS = ("slack_sdk", "slack_bolt", BOLT_LOG)


def quiet_sdk_loggers() -> None:
    for name in SDK_LOGGERS:
        sdk = logging.getLogger(name)
        if sdk.getEffectiveLevel() < logging.INFO:
            sdk.setLevel(logging.INFO)


def create_app(
    settings: Settings,
    session_factory: SessionFactory,
    client: WebClient | None = None,
    clock: Callable[[], datetime] | None = None,
    *,
    listener_executor: Executor | None = None,
) -> App:
    """The Bolt app. Requests are verified whenever a signing secret is configured
    (HTTP mode refuses to start without one; Socket Mode does not need it).

    `listener_executor` runs listeners and lazy listeners (tests pass one they can drain).
    """
    quiet_sdk_loggers()  # before Bolt copies the levels into its own loggers
    client = client or make_client(settings)
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    # auth.test is asked here only as far as Slack answers: a refused token or an unreachable
    # Slack no longer stops the app from being built (bot/slack/authorization.py).
    authorization = BotAuthorization(client)
    authorization.ask()
    executor = listener_executor or ThreadPoolExecutor(
        max_workers=10, thread_name_prefix="atgard-listener"
    )
    app = App(
        client=client,
        signing_secret=secret,
        # Our own check in Bolt's place (before authorization): Bolt's logs refused bodies.
        request_verification_enabled=False,
        before_authorize=QuietRequestVerification(secret) if secret else None,
        authorize=authorization,
        logger=logging.getLogger(BOLT_LOG),
        # Listeners run in the request's thread and Bolt answers when they return: no 10 ms
        # polling for ack() (bench/results.md). Whatever follows an ack goes to `executor`
        # (lazy listeners, Deps.background) so the answer never waits for it.
        process_before_response=True,
        listener_executor=executor,
        # Bolt's own answer when the token stops working (English by default).
        user_facing_authorize_error_message=NOT_INSTALLED,
    )
    deps = Deps(
        settings=settings,
        session_factory=session_factory,
        clock=clock or system_clock,
        background=executor,
    )

    register_all(app, deps)
    return app
