"""`/atgard …`: answered in the ack itself when the work is quick (it nearly always is),
otherwise acked within Slack's 3 s and answered through response_url when done.

Answering in the ack saves the user a second HTTP round trip and the bot a lazy listener
(a deep copy of the request) and an outgoing POST per command; see bench/results.md.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.deps import Deps, deps_of, with_deps
from bot.slack.incoming import command_text
from bot.slack.render import render_message
from bot.slack.send import ack_part, deliver, open_form_for
from handlers import router
from handlers.context import CommandContext
from handlers.texts import UNEXPECTED
from models.replies import Reply

log = logging.getLogger(__name__)

# Any name: `/atgard`, a copy such as `/atgard-kungsholmen` when two plans share a workspace,
# or whatever the workspace renamed it to. Slack sends the app only its own commands (the
# signature proves the request is Slack's); a name we did not expect was answered with 404.
COMMAND = re.compile(r".*", re.DOTALL)
# Slack gives up on an ack after 3 s; what is not done by then is answered via response_url.
ACK_BUDGET_S = 2.0
MIN_WAIT_S = 0.1  # however the budget went, the worker gets this long before the empty ack
# The work runs here so the listener can stop waiting for it; sized above Bolt's listener pool
# so a listener never waits for a free worker.
_WORK = ThreadPoolExecutor(max_workers=16, thread_name_prefix="atgard-command")


def register(app: App, deps: Deps) -> None:
    app.command(COMMAND)(with_deps(deps, answer_command))


def answer_command(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
) -> None:
    deps = deps_of(context)
    # Slack's markup and escapes are read here: the router gets the neutral form.
    text = command_text(body.get("text") or "")

    def context(*, groups: bool = True) -> CommandContext:
        return deps.command_context(
            client,
            user_id=body["user_id"],
            user_name=body.get("user_name"),
            channel_id=body.get("channel_id"),
            # A retried delivery carries the same trigger id: it must not store twice.
            request_key=f"cmd:{body['trigger_id']}" if body.get("trigger_id") else None,
            groups=groups,
        )

    def work() -> tuple[CommandContext, Reply]:
        ctx = context()
        return ctx, router.execute(ctx, text)

    # An answer already made (the usual `lista`) is given at once, in this thread: handing
    # it to a worker cost more than finding it (bench/results.md). Everything else is done
    # by a worker, so that a slow answer can be acked within the budget.
    # (Without the coordinators' user group: a listing does not depend on it, and reading it
    # may call Slack.)
    started = time.monotonic()
    answer = router.execute_cached(context(groups=False), text, ACK_RENDERING, _ack_answer)
    if answer:
        ack(response_type="ephemeral", **answer)
        return
    future = _WORK.submit(work)
    # The budget counts from the start: a slow look in the cache leaves the worker less time.
    budget = max(MIN_WAIT_S, ACK_BUDGET_S - (time.monotonic() - started))
    try:
        ctx, reply = future.result(timeout=budget)
    except FutureTimeout:
        log.info("command slower than %.1f s: answering via response_url", ACK_BUDGET_S)
        ack()

        def later() -> None:
            ctx, reply = future.result()
            finish(client, body, ctx, reply, respond, acked=False)

        deps.background.submit(_logged(later))
        return
    except Exception:
        log.exception("command failed before it was answered")
        ack(response_type="ephemeral", text=UNEXPECTED)
        return
    quick = ack_part(reply)
    if quick is None:
        ack()
    else:
        ack(response_type="ephemeral", **render_message(quick))
    if quick is not reply or reply.images or reply.attachments:
        # Whatever cannot go in the ack (channel posts, files, forms) follows it, after the
        # HTTP answer has gone (Bolt answers when this listener returns).
        deps.background.submit(
            _logged(lambda: finish(client, body, ctx, reply, respond, acked=quick is not None))
        )


# Tags what _ack_answer makes of a cached reply (handlers.reading_cache.ReadingCache.rendering).
ACK_RENDERING = "slack-ack"


def _ack_answer(reply: Reply) -> dict[str, Any]:
    """A cached reply as the ack's body, or {} when it cannot all go in the ack (then the
    command takes the ordinary way). Made once per cached answer and shared: not to be changed."""
    if ack_part(reply) is not reply or reply.images or reply.attachments:
        return {}
    return render_message(reply)


def _logged(fn: Callable[[], None]) -> Callable[[], None]:
    """Background work has no caller to raise to: log its failures."""

    def run() -> None:
        try:
            fn()
        except Exception:
            log.exception("delivering a command's answer failed")

    return run


def finish(
    client: WebClient,
    body: dict[str, Any],
    ctx: CommandContext,
    reply: Reply,
    respond: Respond,
    *,
    acked: bool,
) -> None:
    if reply.form is not None:
        open_form_for(client, reply.form, body, ctx, respond=respond)
        return
    deliver(client, ctx, reply, respond=respond, acked=acked)
