"""Buttons on measure messages and on the App Home tab."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.deps import Deps, deps_of, with_deps
from bot.slack.listeners.home import publish_home
from bot.slack.render import action_base, element_value
from bot.slack.send import deliver, open_form_for
from handlers import router
from models.replies import ActionId


def register(app: App, deps: Deps) -> None:
    for action in ActionId:
        # Duplicate buttons in one block carry a `#n` suffix (see render._actions).
        app.action(re.compile(rf"^{re.escape(action.value)}(#\d+)?$"))(
            ack=ack_now, lazy=[with_deps(deps, run_action)]
        )


def ack_now(ack: Ack) -> None:
    ack()


def run_action(
    body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
) -> None:
    pressed = body["actions"][0]
    action = action_base(pressed["action_id"])
    user = body.get("user") or {}
    from_home = (body.get("view") or {}).get("type") == "home"
    channel_id = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    deps = deps_of(context)
    ctx = deps.command_context(
        client,
        user_id=user["id"],
        user_name=user.get("username") or user.get("name"),
        channel_id=channel_id,
        request_key=f"act:{body['trigger_id']}" if body.get("trigger_id") else None,
    )
    value = element_value(pressed)  # a button's value, or the option chosen in a menu
    reply = router.press(ctx, action, value if isinstance(value, str) else "")
    if reply.form is not None:
        open_form_for(client, reply.form, body, ctx, respond=respond, from_home=from_home)
        return
    # Paging replaces the list in place instead of adding one more message.
    deliver(client, ctx, reply, respond=respond, replace_original=action == ActionId.PAGE)
    if from_home and action == ActionId.MARK_DONE:
        publish_home(client, deps, ctx.actor.user_id)
