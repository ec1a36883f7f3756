"""SlackNotifier against the stand-in API: rendering, DMs, retries, permanent failures, uploads."""

from __future__ import annotations

import socket
import time

import pytest
from slack_sdk import WebClient

from bot.slack.notifier import SlackNotifier
from models.notify import DeliveryFailed, Notifier
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

    n: Notifier = notifier  # checked statically; the signature must match too
    assert inspect.signature(n.post) == inspect.signature(Notifier.post).replace(
        parameters=list(inspect.signature(Notifier.post).parameters.values())[1:]
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
        "account_inactive",
        "invalid_auth",
        "token_revoked",
    ],
)
def test_permanent_errors(notifier, fake_slack, error) -> None:  # type: ignore[no-untyped-def]
    fake_slack.script("chat.postMessage", Scripted(body={"ok": False, "error": error}))
    with pytest.raises(DeliveryFailed) as exc:
        notifier.post(channel_id="C1", reply=REPLY)
    assert exc.value.permanent is True and exc.value.reason == error
    assert len(fake_slack.of("chat.postMessage")) == 1


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
