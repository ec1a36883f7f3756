"""Bolt listeners, one module per kind of request; each has register(app)."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.deps import Deps
from bot.slack.listeners import access, actions, commands, fallback, home, views

# The Events API events the bot acts on. Slack sends an event only to an app subscribed to it,
# so manifest.yml's bot_events lists exactly these (tests/slack/test_server.py checks).
EVENTS = (*home.EVENTS, *access.EVENTS)


def register_all(app: App, deps: Deps) -> None:
    commands.register(app, deps)
    actions.register(app, deps)
    views.register(app, deps)
    home.register(app, deps)
    access.register(app, deps)
    # Last: it takes whatever the others did not (Bolt runs the first match).
    fallback.register(app)
