"""`/atgard …`: ack at once, then parse, run and answer in a lazy listener."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.deps import deps_of
from bot.slack.incoming import unslack
from bot.slack.send import deliver, open_form_for
from handlers import router

# `/atgard`, or a renamed copy such as `/atgard-kungsholmen` when two plans share a workspace.
COMMAND = re.compile(r"^/atgard")


def register(app: App) -> None:
    app.command(COMMAND)(ack=ack_now, lazy=[run_command])


def ack_now(ack: Ack) -> None:
    ack()


def run_command(
    body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
) -> None:
    ctx = deps_of(context).command_context(
        client,
        user_id=body["user_id"],
        user_name=body.get("user_name"),
        channel_id=body.get("channel_id"),
        # A retried delivery carries the same trigger id: it must not store twice.
        request_key=f"cmd:{body['trigger_id']}" if body.get("trigger_id") else None,
    )
    reply = router.execute(ctx, unslack(body.get("text") or ""))
    if reply.form is not None:
        open_form_for(client, reply.form, body, ctx, respond=respond)
        return
    deliver(client, ctx, reply, respond=respond)
