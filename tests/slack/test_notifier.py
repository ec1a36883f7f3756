"""SlackNotifier against the stand-in API: rendering, DMs, retries, permanent failures, uploads."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient

from bot.slack.notifier import ERROR_TEXTS, EVENT_TYPE, SlackNotifier
from models.notify import AccessLost, DeliveryFailed, Notifier
from models.replies import Attachment, Image, Reply, Section, mention
from tests.slack.conftest import BOT_TOKEN
from tests.slack.fake_slack import Scripted

REPLY = Reply(
    title="Påminnelse", sections=[Section(text=f"SSP-möte i morgon, {mention('U1')} & co")]
)


@pytest.fixture
def notifier(fake_slack) -> SlackNotifier:  # type: ignore[no-untyped-def]
    return SlackNotifier(WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url))


def test_is_a_notifier(notifier: SlackNotifier) -> None:
    import inspect

    n: Notifier = notifier  # checked statically; the signatures must match too
    for name in ("post", "delivered", "access_ok"):
        protocol = inspect.signature(getattr(Notifier, name))
        assert inspect.signature(getattr(n, name)) == protocol.replace(
            parameters=list(protocol.parameters.values())[1:]
        )


def test_posts_blocks_and_fallback_text_to_a_channel(notifier, fake_slack) -> None:  # type: ignore[no-untyped-def]
    notifier.post(channel_id="C1", reply=REPLY)
    [call] = fake_slack.of("chat.postMessage")
    assert call.body["channel"] == "C1"
    assert call.body["text"] == "Påminnelse\nSSP-möte i morgon, <@U1> &amp; co"
    assert call.body["blocks"][0]["type"] == "header"
    assert call.headers["authorization"] == f"Bearer {BOT_TOKEN}"


def test_direct_message_opens_the_conversation_first(notifier, fake_slack) -> None:  # type: ignore[no-untyped-def]
    notifier.post(user_id="U7", reply=REPLY)
    assert fake_slack.methods() == ["conversations.open", "chat.postMessage"]
    assert fake_slack.of("conversations.open")[0].body["users"] == "U7"
    assert fake_slack.of("chat.postMessage")[0].body["channel"] == "D7"


def test_rate_limit_waits_retry_after_then_succeeds(notifier, fake_slack) -> None:  # type: ignore[no-untyped-def]
    fake_slack.script(
        "chat.postMessage",
        Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}),
    )
    started = time.monotonic()
    notifier.post(channel_id="C1", reply=REPLY)
    assert time.monotonic() - started >= 1.0
    assert len(fake_slack.of("chat.postMessage")) == 2


def test_server_error_is_retried(notifier, fake_slack) -> None:  # type: ignore[no-untyped-def]
    fake_slack.script("chat.postMessage", Scripted(500, "oops"))
    notifier.post(channel_id="C1", reply=REPLY)
    assert len(fake_slack.of("chat.postMessage")) == 2


def test_bad_gateway_is_retried_too(notifier, fake_slack) -> None:  # type: ignore[no-untyped-def]
    fake_slack.script("chat.postMessage", Scripted(502, "bad gateway"))
    notifier.post(channel_id="C1", reply=REPLY)
    assert len(fake_slack.of("chat.postMessage")) == 2


@pytest.mark.parametrize(
    "error",
    [
        "is_archived",
        "channel_not_found",
        "not_in_channel",
    ],
)
def test_permanent_errors(notifier, fake_slack, error) -> None:  # type: ignore[no-untyped-def]
    fake_slack.script("chat.postMessage", Scripted(body={"ok": False, "error": error}))
    with pytest.raises(DeliveryFailed) as exc:
        notifier.post(channel_id="C1", reply=REPLY)
    assert exc.value.permanent is True and exc.value.reason == error
    assert not isinstance(exc.value, AccessLost)
    # People read the failure report: the code comes with what it means.
    assert exc.value.described == f"{ERROR_TEXTS[error]} ({error})"
    assert len(fake_slack.of("chat.postMessage")) == 1
    # Archived or not to be found: the channel is gone for the bot (its group is let go).
    # Not in it: inviting the bot mends that.
    assert exc.value.conversation_gone is (error != "not_in_channel")


@pytest.mark.parametrize(
    "error", ["account_inactive", "invalid_auth", "not_authed", "token_revoked", "token_expired"]
)
def test_a_refused_token_is_lost_access_not_a_failed_message(notifier, fake_slack, error) -> None:  # type: ignore[no-untyped-def]
    """What Slack answers after app_uninstalled / tokens_revoked: the dispatcher pauses."""
    fake_slack.script("chat.postMessage", Scripted(body={"ok": False, "error": error}))
    with pytest.raises(AccessLost) as exc:
        notifier.post(channel_id="C1", reply=REPLY)
    assert exc.value.reason == error and exc.value.permanent is False
    assert len(fake_slack.of("chat.postMessage")) == 1


def test_access_ok_asks_auth_test(fake_slack) -> None:  # type: ignore[no-untyped-def]
    notifier = SlackNotifier(WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url), max_retries=0)
    fake_slack.script(
        "auth.test", Scripted(body={"ok": False, "error": "invalid_auth"}), Scripted(503, "down")
    )
    assert notifier.access_ok() is False  # refused
    assert notifier.access_ok() is False  # no answer: not yet
    assert notifier.access_ok() is True
    assert len(fake_slack.of("auth.test")) == 3


def test_transient_failure_after_retries(fake_slack) -> None:  # type: ignore[no-untyped-def]
    notifier = SlackNotifier(WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url), max_retries=1)
    fake_slack.script("chat.postMessage", Scripted(503, "down"), Scripted(503, "down"))
    with pytest.raises(DeliveryFailed) as exc:
        notifier.post(channel_id="C1", reply=REPLY)
    assert exc.value.permanent is False
    assert len(fake_slack.of("chat.postMessage")) == 2


def test_connection_refused_is_transient() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    notifier = SlackNotifier(
        WebClient(token=BOT_TOKEN, base_url=f"http://127.0.0.1:{port}/api/"), max_retries=1
    )
    with pytest.raises(DeliveryFailed) as exc:
        notifier.post(channel_id="C1", reply=REPLY)
    assert exc.value.permanent is False


def test_nowhere_to_send_is_permanent(notifier) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DeliveryFailed) as exc:
        notifier.post(reply=REPLY)
    assert exc.value.permanent is True


def test_images_and_attachments_are_uploaded_to_the_channel(notifier, fake_slack) -> None:  # type: ignore[no-untyped-def]
    reply = Reply(
        title="Tertialrapport",
        images=[Image(png=b"\x89PNG fake", alt="Stapeldiagram", title="Läget per område")],
        attachments=[
            Attachment(filename="atgardsplan-T1.xlsx", content=b"PK xlsx", title="Underlag T1")
        ],
    )
    notifier.post(channel_id="C1", reply=reply)
    assert len(fake_slack.of("upload")) == 2
    completes = fake_slack.of("files.completeUploadExternal")
    assert [c.body["channel_id"] for c in completes] == ["C1", "C1"]
    assert "Underlag T1" in str(completes[1].body["files"])
    names = [c.body["filename"] for c in fake_slack.of("files.getUploadURLExternal")]
    assert names == ["Läget per område.png", "atgardsplan-T1.xlsx"]


# --- message metadata and delivered(): exactly-once recovery after a crash ---------------------

KEY = "meeting|slack|#C1|2025-04-23"
SINCE = datetime.now(UTC) - timedelta(minutes=1)


def test_reminder_key_travels_as_message_metadata(notifier, fake_slack) -> None:  # type: ignore[no-untyped-def]
    notifier.post(channel_id="C1", reply=REPLY, key=KEY)
    notifier.post(channel_id="C1", reply=REPLY)
    first, second = fake_slack.of("chat.postMessage")
    assert first.body["metadata"] == {"event_type": EVENT_TYPE, "event_payload": {"key": KEY}}
    assert "metadata" not in second.body


def test_delivered_finds_the_key_in_the_channel_history(notifier, fake_slack) -> None:  # type: ignore[no-untyped-def]
    notifier.post(channel_id="C1", reply=REPLY, key=KEY)
    notifier.post(channel_id="C1", reply=REPLY, key="other")
    fake_slack.calls.clear()
    assert notifier.delivered(channel_id="C1", key=KEY, since=SINCE) is True
    [call] = fake_slack.of("conversations.history")
    assert call.body["channel"] == "C1"
    assert call.body["include_all_metadata"] in ("1", "true")
    assert 50 <= int(call.body["limit"]) <= 100
    assert abs(float(call.body["oldest"]) - SINCE.timestamp()) < 1e-3


def test_delivered_opens_the_im_for_a_direct_message(notifier, fake_slack) -> None:  # type: ignore[no-untyped-def]
    notifier.post(user_id="U7", reply=REPLY, key=KEY)
    fake_slack.calls.clear()
    assert notifier.delivered(user_id="U7", key=KEY, since=SINCE) is True
    assert fake_slack.methods() == ["conversations.open", "conversations.history"]
    assert fake_slack.of("conversations.history")[0].body["channel"] == "D7"
    assert notifier.delivered(user_id="U8", key=KEY, since=SINCE) is False


def test_delivered_is_false_when_the_message_is_not_there(notifier, fake_slack) -> None:  # type: ignore[no-untyped-def]
    assert notifier.delivered(channel_id="C1", key=KEY, since=SINCE) is False
    notifier.post(channel_id="C1", reply=REPLY, key="another reminder")
    notifier.post(channel_id="C2", reply=REPLY, key=KEY)  # another channel
    notifier.post(channel_id="C1", reply=REPLY)  # no metadata
    assert notifier.delivered(channel_id="C1", key=KEY, since=SINCE) is False
    # Posted before `since`: not this attempt's message.
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert notifier.delivered(channel_id="C2", key=KEY, since=later) is False


def test_delivered_pages_through_a_busy_channel(notifier, fake_slack) -> None:  # type: ignore[no-untyped-def]
    notifier.post(channel_id="C1", reply=REPLY, key=KEY)
    for i in range(120):
        fake_slack.history["C1"].append(
            {"type": "message", "ts": f"{int(time.time())}.9{i:05d}", "text": "prat"}
        )
    assert notifier.delivered(channel_id="C1", key=KEY, since=SINCE) is True
    assert len(fake_slack.of("conversations.history")) == 2


@pytest.mark.parametrize(
    "answer",
    [
        Scripted(body={"ok": False, "error": "missing_scope"}),  # no channels:history
        Scripted(body={"ok": False, "error": "channel_not_found"}),
        Scripted(body={"ok": False, "error": "not_in_channel"}),
    ],
)
def test_delivered_cannot_tell_on_api_errors(notifier, fake_slack, answer) -> None:  # type: ignore[no-untyped-def]
    notifier.post(channel_id="C1", reply=REPLY, key=KEY)
    fake_slack.script("conversations.history", answer)
    assert notifier.delivered(channel_id="C1", key=KEY, since=SINCE) is None


def test_delivered_cannot_tell_when_slack_is_down(fake_slack) -> None:  # type: ignore[no-untyped-def]
    notifier = SlackNotifier(WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url), max_retries=1)
    fake_slack.script("conversations.history", Scripted(503, "down"), Scripted(503, "down"))
    assert notifier.delivered(channel_id="C1", key=KEY, since=SINCE) is None
    fake_slack.script("conversations.open", Scripted(body={"ok": False, "error": "user_not_found"}))
    assert notifier.delivered(user_id="U9", key=KEY, since=SINCE) is None
    assert notifier.delivered(key=KEY, since=SINCE) is None  # nowhere to look


def test_delivered_without_metadata_in_the_answer_is_false(notifier, fake_slack) -> None:  # type: ignore[no-untyped-def]
    # Without include_all_metadata Slack leaves metadata out; we always ask for it.
    notifier.post(channel_id="C1", reply=REPLY, key=KEY)
    body = fake_slack._history({"channel": "C1"})
    assert body["messages"] and "metadata" not in body["messages"][0]


def test_the_sandbox_web_api_supports_the_recovery_lookup() -> None:
    """The sandbox's stand-in keeps metadata and answers conversations.history too."""
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from bot.sandbox.store import Channel, Store
    from bot.sandbox.webapi import FakeWebApi

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    store = Store([Channel(id="CSSP", name="ssp")])
    api = FakeWebApi(store, lambda: "http://127.0.0.1/")
    server = make_server("127.0.0.1", 0, api, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/api/"
        n = SlackNotifier(WebClient(token=BOT_TOKEN, base_url=url), max_retries=0)
        assert n.delivered(channel_id="CSSP", key=KEY, since=SINCE) is False
        n.post(channel_id="CSSP", reply=REPLY, key=KEY)
        n.post(user_id="USANDBOX1", reply=REPLY, key="dm-key")
        assert n.delivered(channel_id="CSSP", key=KEY, since=SINCE) is True
        assert n.delivered(user_id="USANDBOX1", key="dm-key", since=SINCE) is True
        assert n.delivered(user_id="USANDBOX1", key=KEY, since=SINCE) is False
        assert n.delivered(channel_id="CNOPE", key=KEY, since=SINCE) is None
        plain = WebClient(token=BOT_TOKEN, base_url=url).conversations_history(channel="CSSP")
        assert "metadata" not in plain["messages"][0]
    finally:
        server.shutdown()
        server.server_close()
