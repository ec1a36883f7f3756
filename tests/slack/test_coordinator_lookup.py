"""The coordinators' user group, read from Slack: when Slack cannot say, nobody gains rights."""

from __future__ import annotations

import pytest

from models.tables import Group
from tests.slack.fake_slack import Scripted
from tests.slack.helpers import all_text, rows


def _answer(slack, n: int):  # type: ignore[no-untyped-def]
    return slack.fake.wait_for(("ack", "response_url"), n)[-1].body


@pytest.mark.parametrize(
    "failure",
    [
        Scripted(body={"ok": False, "error": "ratelimited"}),
        Scripted(status=500, body="<html>Internal Server Error</html>"),
    ],
)
def test_a_member_removed_from_the_group_is_no_coordinator_while_slack_fails(
    slack_factory, imported_plan, session_factory, monkeypatch, failure
):  # type: ignore[no-untyped-def]
    import bot.slack.deps

    slack = slack_factory(admin_user_ids=["UADMIN"], coordinator_usergroup="S_SAMORDNARE")
    slack.fake.usergroup_members = ["U1"]
    slack.command("koppla SSP", user="U1", channel="C-SSP")
    assert [g.channel_id for g in rows(session_factory, Group)] == ["C-SSP"]
    # U1 leaves the group; the cached list has expired, and Slack fails when asked again.
    slack.fake.usergroup_members = []
    monkeypatch.setattr(bot.slack.deps, "USERGROUP_TTL_SECONDS", 0.0)
    slack.fake.script("usergroups.users.list", failure, failure, failure)
    slack.command("koppla EST", user="U1", channel="C-EST")
    assert {g.name: g.channel_id for g in rows(session_factory, Group)} == {"SSP": "C-SSP"}
    assert "Bara samordnare" in all_text(_answer(slack, 1))


def test_after_a_failed_lookup_the_group_is_asked_again(
    slack_factory, imported_plan, session_factory, monkeypatch
):  # type: ignore[no-untyped-def]
    import bot.slack.deps

    monkeypatch.setattr(bot.slack.deps, "USERGROUP_RETRY_SECONDS", 0.0)
    slack = slack_factory(admin_user_ids=["UADMIN"], coordinator_usergroup="S_SAMORDNARE")
    slack.fake.usergroup_members = ["U1"]
    slack.fake.script("usergroups.users.list", Scripted(body={"ok": False, "error": "fatal_error"}))
    slack.command("koppla SSP", user="U1", channel="C-SSP")
    assert "Bara samordnare" in all_text(_answer(slack, 1))
    slack.command("koppla SSP", user="U1", channel="C-SSP")  # Slack answers again
    assert [g.channel_id for g in rows(session_factory, Group)] == ["C-SSP"]


def test_a_slow_group_look_up_does_not_hold_up_a_forms_answer(
    slack_factory, imported_plan, session_factory, monkeypatch
):  # type: ignore[no-untyped-def]
    """A submitted form is answered in the HTTP response (errors go back in it), and Slack
    gives up after 3 s. The coordinators' group was read there with the client's 30 s timeout:
    a slow Slack left the user with Slack's own error, the form open and its text stored."""
    import time

    import bot.slack.deps
    from models.tables import FollowUp
    from tests.slack.fake_slack import Scripted

    slack = slack_factory(admin_user_ids=["UADMIN"], coordinator_usergroup="S_SAMORDNARE")
    slack.command("uppfolj 1.3")
    view = slack.opened_view()
    monkeypatch.setattr(bot.slack.deps, "USERGROUP_TTL_SECONDS", 0.0)  # asked again
    slack.fake.script("usergroups.users.list", Scripted(body={"ok": True, "users": []}, delay=5))
    started = time.monotonic()
    resp = slack.submit(view, {"text": "Tre möten hölls"})
    assert time.monotonic() - started < 2.5
    assert resp.status == 200
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Tre möten hölls"]
