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

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    # Acked at once; the tab is published after the answer has gone.
    app.event("app_home_opened")(ack=_ack, lazy=[with_deps(deps, on_home_opened)])


def _ack(ack: Ack) -> None:
    ack()


def on_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab", "home") != "home":
        return  # the Messages tab
    publish_home(client, deps_of(context), event["user"])


def publish_home(client: WebClient, deps: Deps, user_id: str) -> None:
    ctx = deps.command_context(client, user_id=user_id, user_name=None, channel_id=None)
    reply = router.guarded(ctx, "startsida", home_reply, ctx)
    try:
        client.views_publish(user_id=user_id, view=render_home(reply))
    except SlackApiError as e:
        log.warning("views.publish failed: %s", e.response.get("error"))
