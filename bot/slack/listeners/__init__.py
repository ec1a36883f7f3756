"""Bolt listeners, one module per kind of request; each has register(app)."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, commands, home, views


def register_all(app: App) -> None:
    for module in (commands, actions, views, home):
        module.register(app)
