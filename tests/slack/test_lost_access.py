"""app_uninstalled and tokens_revoked, as Slack sends them to `atgard serve`: reminders and
digests wait (the rows stay pending) until auth.test shows the bot has access again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.slack.notifier import SlackNotifier
from models import access
from models.tables import AuditEvent, Reminder
from reminders.dispatcher import scan
from reminders.planner import Kind, plan_reminders
from tests.reminders.conftest import bound  # noqa: F401  (the fixture)
from tests.reminders.support import plan_meeting, rows, utc
from tests.slack.conftest import BOT_TOKEN, BOT_USER
from tests.slack.fake_slack import Scripted

DUE = utc(2025, 4, 16, 6, 0)  # two meeting reminders: #CSSP and UANNA's DM


@pytest.fixture
def due_reminders(session_factory, settings, bound) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    plan_meeting(session_factory, bound.ssp, date(2025, 4, 23), "09:30")
    with session_factory.begin() as s:
        plan_reminders(session=s, now=utc(2025, 4, 10, 8, 0), settings=settings)
        for r in s.exec(select(Reminder).where(Reminder.kind != Kind.MEETING)):
            s.delete(r)


@pytest.fixture
def send(session_factory, settings, fake_slack):  # type: ignore[no-untyped-def]
    """One scheduler scan through the real SlackNotifier, at `now`."""
    notifier = SlackNotifier(WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url))

    def run(now):  # type: ignore[no-untyped-def]
        return scan(session_factory=session_factory, notifier=notifier, now=now, settings=settings)

    return run


def paused(session_factory) -> bool:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return access.is_paused(session=s, platform="slack")


def audited(session_factory, action: str) -> int:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return len(list(s.exec(select(AuditEvent).where(AuditEvent.action == action))))


def test_after_app_uninstalled_nothing_is_sent_until_access_is_back(
    slack, session_factory, due_reminders, send, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(DUE - timedelta(minutes=1))  # the bot's clock, for the app and the scheduler
    resp = slack.event({"type": "app_uninstalled"})
    assert (resp.status, resp.body) == (200, "")
    assert paused(session_factory)
    assert audited(session_factory, "utskick_pausade") == 1
    # Slack delivers the event again (the ack was late): still one pause.
    slack.event({"type": "app_uninstalled"}, event_id="Ev00000001", retry=(1, "http_timeout"))
    assert audited(session_factory, "utskick_pausade") == 1

    assert not send(DUE)
    assert slack.fake.methods() == []  # not even an attempt
    assert [(r.status, r.attempts) for r in rows(session_factory)] == [("pending", 0)] * 2

    # Five minutes on, the bot asks Slack once; the token is still refused.
    slack.fake.reset()
    slack.fake.script("auth.test", Scripted(body={"ok": False, "error": "invalid_auth"}))
    send(DUE + access.PROBE_EVERY)
    assert [c.method for c in slack.fake.calls] == ["auth.test"]
    assert paused(session_factory)

    # Reinstalled (a working token): the next probe finds out and both go out.
    result = send(DUE + 2 * access.PROBE_EVERY)
    assert len(result.sent) == 2
    assert [c.body["channel"] for c in slack.fake.of("chat.postMessage")] == ["CSSP", "DANNA"]
    assert not paused(session_factory)
    assert audited(session_factory, "utskick_aterupptagna") == 1


def test_a_revoked_bot_token_pauses_and_user_tokens_do_not(
    slack, session_factory, due_reminders, send, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(DUE)  # the bot's clock, for the app and the scheduler
    users_only = {"type": "tokens_revoked", "tokens": {"oauth": ["U1", "U2"], "bot": []}}
    assert slack.event(users_only).status == 200
    assert not paused(session_factory)
    bot = {"type": "tokens_revoked", "tokens": {"oauth": ["U1"], "bot": [BOT_USER]}}
    assert slack.event(bot).status == 200
    assert paused(session_factory)
    assert not send(DUE + timedelta(minutes=1))
    assert {r.status for r in rows(session_factory)} == {"pending"}


def test_a_send_refused_for_a_revoked_token_pauses_without_an_event(
    session_factory, due_reminders, send, fake_slack
) -> None:  # type: ignore[no-untyped-def]
    """The event can be missed (the bot was down): Slack's answer to the send says the same."""
    fake_slack.script("chat.postMessage", Scripted(body={"ok": False, "error": "token_revoked"}))
    result = send(DUE)
    assert len(result.paused) == 1 and not result.failed
    assert fake_slack.methods() == ["chat.postMessage"]  # the second was not tried
    assert paused(session_factory)
    assert [(r.status, r.attempts) for r in rows(session_factory)] == [("pending", 0)] * 2
    # No failure report queued for coordinators: it could not be delivered either.
    assert audited(session_factory, "paminnelse_misslyckad") == 0


@pytest.mark.parametrize("error", ["team_access_not_granted", "ekm_access_denied"])
def test_a_send_refused_for_one_workspace_fails_that_reminder_and_pauses_nothing(
    session_factory, due_reminders, send, fake_slack, error
) -> None:  # type: ignore[no-untyped-def]
    """team_access_not_granted (an org-wide app not granted the channel's workspace) and
    ekm_access_denied (admins suspended posting there) refuse one message, not the token:
    auth.test still answers ok. Taken for lost access, the pause lifted at the next probe and
    the same reminder paused everything again, every five minutes, and was never given up."""
    fake_slack.script("chat.postMessage", Scripted(body={"ok": False, "error": error}))
    result = send(DUE)
    assert not paused(session_factory)
    assert len(result.failed) == 1 and len(result.sent) == 1 and not result.paused
    assert [c.body["channel"] for c in fake_slack.of("chat.postMessage")] == ["CSSP", "DANNA"]
    assert sorted(r.status for r in rows(session_factory)) == ["failed", "sent"]
    assert audited(session_factory, "paminnelse_misslyckad") == 1
