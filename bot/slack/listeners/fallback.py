"""Everything else Slack may send: acknowledged with 200 and nothing more.

Bolt answers a request no listener matches with 404 and a warning. Slack counts a 404 as a
failed delivery: it retries, shows the user an error for a button or a shortcut, and turns
off event subscriptions for an app that fails too many deliveries. Events the bot does not
act on (app_mention, message, member_joined_channel, reaction_added, …),
link buttons, view_closed, shortcuts and option requests therefore get a quiet ack here.

Registered last: Bolt runs the first listener that matches, so these only see what the
other modules did not take.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltResponse

log = logging.getLogger(__name__)

ANY = re.compile(r".*", re.DOTALL)


def register(app: App) -> None:
    app.use(answer_rate_limited)
    app.event(ANY)(ignore_event)
    app.action(ANY)(ack_only)  # link buttons, attachments and dialogs of other apps' making
    app.view(ANY)(ack_only)  # view_submission of a form this version does not know
    app.view_closed(ANY)(ack_only)
    app.shortcut(ANY)(ack_only)  # global and message shortcuts
    app.options(ANY)(no_options)  # block_suggestion, dialog_suggestion


def ack_only(ack: Ack, body: dict[str, Any]) -> None:
    log.debug("acknowledged %s without acting on it", body.get("type"))
    ack()


def ignore_event(ack: Ack, event: dict[str, Any]) -> None:
    log.debug("ignored %s event", event.get("type"))
    ack()


def no_options(ack: Ack) -> None:
    ack(options=[])


def answer_rate_limited(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
    """`app_rate_limited` (Events API) is a notice with its own top-level type that no
    listener kind matches; Slack expects a 200 like for any event."""
    if body.get("type") == "app_rate_limited":
        log.warning(
            "Slack is dropping events: rate limited (minute %s)", body.get("minute_rate_limited")
        )
        return BoltResponse(status=200, body="")
    next()
    return None
