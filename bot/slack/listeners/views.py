"""Modal submissions: validate and store inline (errors must go back in the ack), post afterwards."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.slack.deps import Deps, deps_of, with_deps
from bot.slack.listeners.home import publish_home
from bot.slack.render import decode_metadata, form_values, view_errors
from bot.slack.send import deliver
from handlers import router
from models.replies import ModalId, Reply


def register(app: App, deps: Deps) -> None:
    for form_id in ModalId:
        app.view(form_id.value)(with_deps(deps, submit_form))


def is_refusal(reply: Reply) -> bool:
    """Refusals and outages keep the modal open, with the reason shown in it."""
    return reply.failed


def submit_form(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    meta, extra = decode_metadata(view.get("private_metadata"))
    user = body.get("user") or {}
    deps = deps_of(context)
    channel_id = extra.get("c") or meta.get("channel_id") or None
    ctx = deps.command_context(
        client,
        user_id=user["id"],
        user_name=user.get("username") or user.get("name"),
        channel_id=channel_id,
        # A modal submitted twice (a double click, a retry) stores once: the view id is the key.
        request_key=f"view:{view['id']}" if view.get("id") else None,
    )
    reply = router.submit(ctx, view["callback_id"], meta, form_values(view["state"]["values"]))
    if reply.duplicate:
        ack()
        return
    block_ids = [b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input"]
    if reply.errors or is_refusal(reply):
        # Nothing was stored; the user keeps what they typed and sees why beside the field.
        errors = reply.errors or {"": reply.plain()}
        ack(response_action="errors", errors=view_errors(errors, block_ids))
        return
    ack()
    respond = Respond(response_url=extra["r"]) if extra.get("r") else None

    def after() -> None:  # after the modal has closed (Bolt answers when this returns)
        deliver(client, ctx, reply, respond=respond)
        if extra.get("h"):
            publish_home(client, deps, ctx.actor.user_id)

    deps.background.submit(after)
