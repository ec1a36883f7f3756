"""Who the bot is in Slack (auth.test), asked when first needed instead of when the app is built.

Bolt's default for a single bot token asks auth.test while the App is constructed and raises if
Slack refuses the token or cannot be reached. Under `atgard serve` that happens in every gunicorn
worker as it boots: a worker that raises fails to boot and gunicorn stops altogether. One Slack
outage during a deploy, or a restart after the app was uninstalled or its token revoked, took the
whole service down — /healthz, url_verification and the very events (a reinstall) that would
have brought it back. Here the server starts whatever Slack answers:

- Slack accepts the token: its answer is kept for good (as Bolt keeps it), one call per process.
- Slack refuses it (`invalid_auth`, `token_revoked`, …): requests get Bolt's user-facing answer
  (`NOT_INSTALLED`, Swedish), and Slack is asked again at most every `RETRY_AFTER_S`, so a
  reinstall with the same token is noticed without a restart.
- Slack cannot be reached: requests go on with the token alone. Answers that go back in the ack
  (most commands) need no Web API; calls that do fail on their own and are handled there.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.notifier import ACCESS_ERRORS

log = logging.getLogger(__name__)

# auth.test's own short deadline: a request that has to ask must still be acked within Slack's 3 s.
ASK_TIMEOUT_S = 1
RETRY_AFTER_S = 30.0


def on_the_way_to_an_ack(client: WebClient) -> WebClient:
    """A client of its own for a call made before Slack's request is answered: a short
    deadline and no retries (the sending client waits 30 s and retries)."""
    return WebClient(
        token=client.token, base_url=client.base_url, timeout=ASK_TIMEOUT_S, retry_handlers=[]
    )


class BotAuthorization(Authorize):
    """Bolt's `authorize` for our one bot token (an `Authorize`, so Bolt calls it directly)."""

    def __init__(self, client: WebClient, *, retry_after: float = RETRY_AFTER_S) -> None:
        super().__init__()
        self.token = client.token
        self._asker = on_the_way_to_an_ack(client)
        self._retry_after = retry_after
        self._known: AuthorizeResult | None = None
        self._refused = False
        self._asked_at = -1e9
        self._lock = threading.Lock()

    def ask(self) -> None:
        """Ask Slack now (at start, best effort); a failure is logged, never raised."""
        with self._lock:
            self._ask_locked()

    def __call__(
        self,
        *,
        context: Any,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_actor: Any,
    ) -> AuthorizeResult | None:
        known = self._known
        if known is not None:
            return known
        with self._lock:
            if self._known is None and time.monotonic() - self._asked_at >= self._retry_after:
                self._ask_locked()
            if self._known is not None:
                return self._known
            if self._refused:
                return None  # Bolt answers with user_facing_authorize_error_message
        return AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, bot_token=self.token
        )

    def _ask_locked(self) -> None:
        self._asked_at = time.monotonic()
        try:
            resp = self._asker.auth_test()
        except SlackApiError as e:
            data = e.response.data
            error = str(data.get("error")) if isinstance(data, dict) else None
            # Only an answer about the token is a refusal; a 5xx or a rate limit is as if
            # Slack could not be reached.
            self._refused = error in ACCESS_ERRORS
            log.warning("Slack did not confirm the bot's token (auth.test: %s)", error)
            return
        except (OSError, ValueError) as e:  # unreachable, timed out, not Slack answering
            self._refused = False
            log.warning("Slack's Web API could not be reached (auth.test: %s)", type(e).__name__)
            return
        self._refused = False
        self._known = AuthorizeResult.from_auth_test_response(
            bot_token=self.token,
            bot_scopes=resp.headers.get("x-oauth-scopes"),
            auth_test_response=resp,
        )
