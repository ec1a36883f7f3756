"""SlackNotifier: the scheduler's and digests' way out to Slack (models.notify.Notifier)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.slack.render import render_message
from models.notify import AccessLost, DeliveryFailed
from models.replies import Reply

log = logging.getLogger(__name__)

RETRIES = 3

# Message metadata on every reminder (https://docs.slack.dev/messaging/message-metadata/):
# {"event_type": "atgard_reminder", "event_payload": {"key": "<reminder key>"}}. After a crash
# the dispatcher asks `delivered()`, which looks for the key in conversations.history.
EVENT_TYPE = "atgard_reminder"
HISTORY_LIMIT = 100  # messages per conversations.history page
HISTORY_PAGES = 3  # more than this many messages since the send: "cannot tell"

# The workspace refuses the bot itself (https://docs.slack.dev/reference/methods/chat.postMessage
# errors; after app_uninstalled or tokens_revoked every call answers one of these): no message
# can go out, whichever it is. Sending is paused instead of failing each reminder (AccessLost).
# Only errors about the token, which auth.test (the probe that lifts the pause) answers too.
ACCESS_ERRORS = frozenset(
    {"account_inactive", "invalid_auth", "not_authed", "token_revoked", "token_expired"}
)
# Errors that will not go away by trying again: the scheduler should give up on the row.
# team_access_not_granted (an org-wide app not granted the channel's workspace) and
# ekm_access_denied (posting suspended there) refuse one conversation, not the token:
# auth.test answers ok, so a pause for them would lift and pause again on the same row.
PERMANENT_ERRORS = ACCESS_ERRORS | frozenset(
    {
        "team_access_not_granted",
        "ekm_access_denied",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "no_permission",
        "missing_scope",
        "user_not_found",
        "users_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "restricted_action",
        "msg_too_long",
        "invalid_blocks",
        "invalid_arguments",
    }
)
# The conversation is gone for the bot: archived, deleted, or a private channel it was removed
# from (Slack says channel_not_found for a channel it cannot see). Not not_in_channel: inviting
# the bot mends that.
CONVERSATION_GONE = frozenset({"channel_not_found", "is_archived"})
# What the codes people may see in a failure report mean ("… kunde inte levereras efter 5
# försök: kanalen är arkiverad (is_archived)"); the code stays beside it for support.
ERROR_TEXTS = {
    "channel_not_found": "kanalen finns inte eller boten kan inte se den",
    "is_archived": "kanalen är arkiverad",
    "not_in_channel": "boten är inte med i kanalen",
    "no_permission": "boten saknar behörighet i kanalen",
    "missing_scope": "appen saknar en behörighet, installera den igen",
    "user_not_found": "användaren finns inte",
    "users_not_found": "användaren finns inte",
    "user_disabled": "användarens konto är avstängt",
    "account_inactive": "botens konto är inaktiverat",
    "cannot_dm_bot": "boten kan inte skicka direktmeddelanden till en annan bot",
    "restricted_action": "arbetsytan tillåter inte att boten skriver här",
    "team_access_not_granted": "appen har inte fått åtkomst till kanalens arbetsyta",
    "ekm_access_denied": "arbetsytans administratör har stängt av meddelanden här",
    "msg_too_long": "meddelandet var för långt för Slack",
    "ratelimited": "Slack bad boten vänta",
    "internal_error": "ett fel hos Slack",
    "fatal_error": "ett fel hos Slack",
    "service_unavailable": "Slack var inte tillgängligt",
    "request_timeout": "Slack svarade inte i tid",
}
UNREACHABLE = "Slack gick inte att nå"

TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class GatewayErrorRetryHandler(ServerErrorRetryHandler):
    """The built-in handler retries only 500 and 503; proxies also answer 502 and 504."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code in (500, 502, 503, 504)


def retry_handlers(max_retries: int = RETRIES) -> list[RetryHandler]:
    """429: wait Retry-After; 5xx and connection errors: exponential backoff with jitter."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=max_retries),
        GatewayErrorRetryHandler(max_retry_count=max_retries),
        ConnectionErrorRetryHandler(max_retry_count=max_retries),
    ]


def is_permanent(e: SlackApiError) -> bool:
    status = e.response.status_code
    if status == 429 or status >= 500:
        return False
    code = str(e.response.get("error") or "")
    if code in TRANSIENT_ERRORS:
        return False
    return code in PERMANENT_ERRORS or status == 200


class SlackNotifier:
    """Posts neutral Replies. Retries with backoff inside; raises DeliveryFailed when it gives up."""

    def __init__(self, client: WebClient, *, max_retries: int = RETRIES) -> None:
        # Our own client with retry handlers, so Bolt's listeners never sleep on a 429.
        self.client = WebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            ssl=client.ssl,
            proxy=client.proxy,
            headers=dict(client.headers or {}),
            retry_handlers=retry_handlers(max_retries),
        )

    def post(
        self,
        *,
        channel_id: str | None = None,
        user_id: str | None = None,
        reply: Reply,
        key: str | None = None,
    ) -> None:
        if not channel_id and not user_id:
            raise DeliveryFailed("no channel or user to deliver to", permanent=True)
        msg = render_message(reply)
        if key is not None:
            msg["metadata"] = {"event_type": EVENT_TYPE, "event_payload": {"key": key}}
        target = channel_id or self._call("conversations_open", users=user_id)["channel"]["id"]
        self._call("chat_postMessage", channel=target, **msg)
        for filename, content, title in _files(reply):
            self._call(
                "files_upload_v2", channel=target, content=content, filename=filename, title=title
            )

    def delivered(
        self,
        *,
        channel_id: str | None = None,
        user_id: str | None = None,
        key: str,
        since: datetime,
    ) -> bool | None:
        """Look for our message with `key` in the conversation's history since `since`.

        Needs channels:history / groups:history / im:history; without them (or on any other
        error) the answer is None, "cannot tell", and the dispatcher sends again.
        """
        if not channel_id and not user_id:
            return None
        try:
            target = channel_id or self._call("conversations_open", users=user_id)["channel"]["id"]
            cursor: str | None = None
            for _ in range(HISTORY_PAGES):
                page = self._call(
                    "conversations_history",
                    channel=target,
                    oldest=f"{since.timestamp():.6f}",
                    include_all_metadata=True,
                    limit=HISTORY_LIMIT,
                    **({"cursor": cursor} if cursor else {}),
                )
                if any(_has_key(m, key) for m in page.get("messages") or []):
                    return True
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not page.get("has_more") or not cursor:
                    return False
            log.warning("Too much history in %s to tell whether %s was delivered", target, key)
            return None
        except DeliveryFailed as e:
            log.warning("Cannot tell whether %s was delivered: %s", key, e.reason)
            return None
        except Exception:  # never raise: "cannot tell" makes the dispatcher send again
            log.exception("Cannot tell whether %s was delivered", key)
            return None

    def access_ok(self) -> bool | None:  # never None: Slack can always be asked
        """auth.test: does Slack accept our token? Only the answer "ok" counts as yes; an
        error, or no answer after the client's retries (the network), is "not yet"."""
        try:
            resp = self.client.auth_test()
        except SlackApiError as e:
            log.info("Slack still refuses the bot: %s", e.response.get("error"))
            return False
        except (OSError, ValueError) as e:
            log.info("Could not ask Slack whether the bot has access again: %s", type(e).__name__)
            return False
        return bool(resp.get("ok"))

    def _call(self, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, method)(**kwargs)
        except SlackApiError as e:
            code = str(e.response.get("error") or f"http_{e.response.status_code}")
            if code in ACCESS_ERRORS:
                log.warning("Slack %s refused: %s (the bot has lost access)", method, code)
                raise AccessLost(code) from e
            permanent = is_permanent(e)
            log.warning(
                "Slack %s failed: %s (%s)", method, code, "permanent" if permanent else "transient"
            )
            raise DeliveryFailed(
                code,
                permanent=permanent,
                explanation=ERROR_TEXTS.get(code),
                conversation_gone=code in CONVERSATION_GONE,
            ) from e
        except (
            OSError,
            ValueError,
        ) as e:  # connection errors after the retries, bad JSON from a proxy
            log.warning("Slack %s failed: %s", method, type(e).__name__)
            raise DeliveryFailed(type(e).__name__, permanent=False, explanation=UNREACHABLE) from e


def _has_key(message: Any, key: str) -> bool:
    meta = message.get("metadata") if isinstance(message, dict) else None
    if not isinstance(meta, dict) or meta.get("event_type") != EVENT_TYPE:
        return False
    payload = meta.get("event_payload")
    return isinstance(payload, dict) and payload.get("key") == key


def _files(reply: Reply) -> list[tuple[str, bytes, str]]:
    out = [
        (i.title if i.title.endswith(".png") else f"{i.title}.png", i.png, i.title)
        for i in reply.images
    ]
    out += [(a.filename, a.content, a.title) for a in reply.attachments]
    return out
