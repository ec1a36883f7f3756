"""Bolt listeners, one module per kind of request; each has register(app)."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, commands, fallback, home, views


def register_all(app: App) -> None:
    # fallback last: it takes whatever the others did not (Bolt runs the first match).
    for module in (commands, actions, views, home, fallback):
        module.register(app)
