"""The App Home tab: published when the user opens it (and after changes made from it)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.deps import Deps, deps_of, with_deps
from bot.slack.render import render_home
from handlers import router
from handlers.home import home_reply
from models import idempotency

log = logging.getLogger(__name__)


EVENT = "app_home_opened"
EVENTS = (EVENT,)


def register(app: App, deps: Deps) -> None:
    # Acked at once; the tab is published after the answer has gone.
    app.event(EVENT)(ack=_ack, lazy=[with_deps(deps, on_home_opened)])


def _ack(ack: Ack) -> None:
    ack()


def on_home_opened(
    body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    if event.get("tab", "home") != "home":
        return  # the Messages tab
    deps = deps_of(context)
    if not first_delivery(deps, body.get("event_id")):
        log.debug("app_home_opened %s delivered again: already published", body.get("event_id"))
        return
    publish_home(client, deps, event["user"])


def first_delivery(deps: Deps, event_id: Any) -> bool:
    """Is this the first copy of the event to get here? Slack redelivers an event
    (X-Slack-Retry-Num; `retry_attempt` in Socket Mode) when its first delivery timed out or
    failed, with the same event_id, possibly to another worker. The retry headers alone cannot
    tell "we got it but answered late" from "it never arrived", so the event id is claimed like
    a command's trigger id, in the database every worker shares."""
    if not isinstance(event_id, str) or not event_id:
        return True
    try:
        with deps.session_factory.begin() as s:
            idempotency.claim(s, f"ev:{event_id}")
        return True
    except idempotency.DuplicateRequest:
        return False
    except Exception:  # no database to ask: publishing twice is better than not at all
        log.exception("could not record app_home_opened %s", event_id)
        return True


def publish_home(client: WebClient, deps: Deps, user_id: str) -> None:
    ctx = deps.command_context(client, user_id=user_id, user_name=None, channel_id=None)
    reply = router.guarded(ctx, "startsida", lambda: home_reply(ctx))
    try:
        client.views_publish(user_id=user_id, view=render_home(reply))
    except SlackApiError as e:
        log.warning("views.publish failed: %s", e.response.get("error"))
