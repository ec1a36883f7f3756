"""The "Ångra" button on a saved follow-up and on a tick-off, pressed in Slack (signed
block_actions through the real Bolt app): it takes back that very entry, and only for the one
who made it."""

from __future__ import annotations

from models.replies import ActionId
from models.tables import FollowUp, Occurrence
from tests.slack.helpers import all_text, buttons, rows


def _undo_value(call) -> str:  # type: ignore[no-untyped-def]
    [value] = [b["value"] for b in buttons(call) if b["action_id"] == ActionId.UNDO.value]
    return value


def test_undo_button_on_a_follow_up(slack, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    slack.command("uppfolj 1.3 Fel åtgärd", channel="C1")
    value = _undo_value(slack.last("ack"))
    slack.command("uppfolj 2.2 Rätt åtgärd", channel="C1")  # a later entry stays
    # Someone else pressing it (the message is theirs only, but a payload can be forged).
    slack.press(ActionId.UNDO.value, value, user="U2")
    assert "Bara den som skrev" in all_text(slack.last("response_url").body)
    assert len(rows(session_factory, FollowUp)) == 2

    slack.press(ActionId.UNDO.value, value)
    answer = slack.last("response_url").body
    assert "Ångrat: din uppföljning av åtgärd 1.3" in all_text(answer)
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Rätt åtgärd"]
    # A second press finds nothing left to take back.
    slack.press(ActionId.UNDO.value, value)
    assert "redan ångrat" in all_text(slack.last("response_url").body)


def test_undo_button_on_a_tick_off_tells_the_channel(slack, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    slack.command("klar 2.1 2025-04-10", channel="C1")
    posted = slack.fake.wait_for("chat.postMessage")[-1]
    assert "genomförd 2025-04-10" in all_text(posted.body)
    slack.press(ActionId.UNDO.value, _undo_value(posted))
    assert rows(session_factory, Occurrence) == []
    [_, undone] = slack.fake.wait_for("chat.postMessage", count=2)
    assert undone.body["channel"] == "C1"
    assert "Ångrat: åtgärd 2.1 genomförd 2025-04-10" in all_text(undone.body)
