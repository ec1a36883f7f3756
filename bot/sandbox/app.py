"""Wire the sandbox: the real bot (HTTP mode) and a stand-in Slack, in one local web server."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import SecretStr
from slack_sdk import WebClient

from bot.config import Settings
from bot.runtime import Runtime, start
from bot.sandbox.clock import SandboxClock
from bot.sandbox.store import BOT_USER_ID, Channel, Store
from bot.sandbox.ui import SandboxUi
from bot.sandbox.webapi import API_PREFIX, FakeWebApi
from models.groups import bind_channel
from models.plans import latest_plan
from models.replies import Actor
from reminders.calendar import TZ

log = logging.getLogger(__name__)

# The channels a new sandbox starts with, each bound to one collaboration group.
DEFAULT_CHANNELS = [
    Channel(id="CSSP00001", name="ssp-kungsholmen", group="SSP"),
    Channel(id="CEST00001", name="est-kungsholmen", group="EST"),
    Channel(id="CTRYGG001", name="trygghetsradet", group="Trygghetsrådet"),
]

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass
class Sandbox:
    runtime: Runtime
    store: Store
    clock: SandboxClock
    wsgi: WsgiApp
    web_api: FakeWebApi
    scheduler: Any = None


def sandbox_settings(base: Settings, port: int) -> Settings:
    """The bot's settings pointed at the sandbox: its Web API, a fresh secret, a dummy token."""
    return base.model_copy(
        update={
            "slack_api_url": f"http://127.0.0.1:{port}{API_PREFIX}",
            "slack_signing_secret": SecretStr(secrets.token_hex(16)),
            "slack_bot_token": SecretStr("xoxb-sandlada-" + secrets.token_hex(8)),
            "sandbox": True,
        }
    )


WELCOME = (
    "Välkommen till sandlådan! Den här kanalen är kopplad till *{group}*. Skriv `/atgard lista`,"
    " `/atgard status` eller `/atgard uppfolj 1.3` nedan. Klockan går i planens år, och"
    " knapparna till vänster spolar fram tiden så att du ser veckobrev och påminnelser."
)


def _in_plan_year(now: datetime, year: int | None) -> datetime:
    """The same day and time, but in the plan's year, so pace and digests mean something."""
    if year is None or year == now.year:
        return now
    try:
        return now.replace(year=year)
    except ValueError:  # 29 February
        return now.replace(year=year, day=28)


def bind_default_channels(runtime: Runtime, channels: list[Channel]) -> int | None:
    """Bind the sandbox's channels to the newest plan's groups; returns the plan's year."""
    with runtime.session_factory.begin() as s:
        plan = latest_plan(session=s)
        if plan is None:
            log.warning("no plan imported: the sandbox channels are not bound to any group")
            return None
        for ch in channels:
            if ch.group:
                bind_channel(
                    session=s,
                    plan=plan,
                    name=ch.group,
                    platform="slack",
                    channel_id=ch.id,
                    actor=Actor("sandbox", "Sandlådan"),
                )
        return plan.year


def start_time(start: date | None, plan_year: int | None) -> datetime:
    """Where the sandbox's clock starts: 08.00 on the day asked for, else now in the plan's year.

    The clock only moves forward, so a day before today is the only way to see, in December,
    what happens when a tertial ends (the week after 30 April)."""
    if start is not None:
        return datetime.combine(start, time(8, 0), tzinfo=TZ).astimezone(UTC)
    return _in_plan_year(datetime.now(UTC), plan_year)


def build_sandbox(
    port: int,
    base: Settings | None = None,
    *,
    with_scheduler: bool = True,
    start_day: date | None = None,
) -> Sandbox:
    from bot.slack.app import create_app
    from bot.slack.server import make_wsgi_app

    settings = sandbox_settings(base or Settings(), port)
    runtime = start(settings)
    plan_year = bind_default_channels(runtime, DEFAULT_CHANNELS)
    clock = SandboxClock(start=start_time(start_day, plan_year))
    store = Store([Channel(**vars(c)) for c in DEFAULT_CHANNELS])
    for ch in DEFAULT_CHANNELS:
        store.add_message(
            channel=ch.id, user=BOT_USER_ID, text=WELCOME.format(group=ch.group), blocks=[]
        )
    base_url = f"http://127.0.0.1:{port}/"
    web_api = FakeWebApi(store, lambda: base_url)
    client = WebClient(
        token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url
    )  # type: ignore[union-attr]
    bot_lock = threading.Lock()
    bot_wsgi: list[WsgiApp] = []

    def bot(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        # Bolt calls auth.test while it is built, and auth.test is served by this very server:
        # so the app is built on the first request, when the server is already listening.
        with bot_lock:
            if not bot_wsgi:
                bolt = create_app(settings, runtime.session_factory, client=client, clock=clock)
                bot_wsgi.append(make_wsgi_app(bolt, runtime.session_factory))
        return bot_wsgi[0](environ, start_response)

    scheduler = _start_scheduler(runtime, client, clock) if with_scheduler else None

    def time_travel() -> None:
        if scheduler is not None:
            scheduler.run_now()

    ui = SandboxUi(
        store,
        bot_url=lambda: f"{base_url}slack/events",
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        clock=clock,
        on_time_travel=time_travel,
    )  # type: ignore[union-attr]

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path.startswith(API_PREFIX):
            return web_api(environ, start_response)
        if path.startswith(("/slack/", "/healthz")):
            return bot(environ, start_response)
        return ui(environ, start_response)

    return Sandbox(
        runtime=runtime,
        store=store,
        clock=clock,
        wsgi=application,
        web_api=web_api,
        scheduler=scheduler,
    )


def _start_scheduler(runtime: Runtime, client: WebClient, clock: SandboxClock) -> Any:
    """The real scheduler on the sandbox clock, posting through the real Slack notifier."""
    try:
        from bot.slack.notifier import SlackNotifier
        from reminders.service import start_scheduler
    except ImportError:  # pragma: no cover - the reminders package is part of the app
        log.warning("scheduler not available; reminders will not appear in the sandbox")
        return None
    return start_scheduler(runtime, SlackNotifier(client), clock=clock)
