"""app_uninstalled and tokens_revoked: Slack says the bot can no longer post in the workspace.

Outgoing sends (reminders, digests) are paused (models.access) so the scheduler stops trying
and no reminder is given up; they go out once auth.test shows the bot has access again (the
dispatcher asks). The pause is written before the ack: if the database is down, Bolt answers
500 and Slack delivers the event again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.deps import Deps, deps_of, with_deps
from models import access

log = logging.getLogger(__name__)

PLATFORM = "slack"
UNINSTALLED = "appen avinstallerades från arbetsytan (app_uninstalled)"
REVOKED = "botens token återkallades (tokens_revoked)"


def register(app: App, deps: Deps) -> None:
    for event, listener in LISTENERS.items():
        app.event(event)(with_deps(deps, listener))


def on_uninstalled(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    pause(deps_of(context), UNINSTALLED, team=body.get("team_id"))
    ack()


def on_tokens_revoked(
    ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext
) -> None:
    # {"tokens": {"oauth": [user ids], "bot": [bot user ids]}}: only a revoked bot token stops
    # the bot; users' tokens (the bot uses none) do not.
    tokens = event.get("tokens") if isinstance(event.get("tokens"), dict) else {}
    if tokens.get("bot"):
        pause(deps_of(context), REVOKED, team=body.get("team_id"))
    else:
        log.info("tokens_revoked for user tokens only: the bot's own token still works")
    ack()


LISTENERS: dict[str, Callable[..., None]] = {
    "app_uninstalled": on_uninstalled,
    "tokens_revoked": on_tokens_revoked,
}
EVENTS = tuple(LISTENERS)


def pause(deps: Deps, cause: str, *, team: Any) -> None:
    with deps.session_factory.begin() as s:
        new = access.pause(session=s, platform=PLATFORM, cause=cause, now=deps.clock())
    if new:
        log.warning(
            "Slack: %s in %s. Reminders and digests wait until the bot has access again.",
            cause,
            team or "the workspace",
        )
