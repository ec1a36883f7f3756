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
