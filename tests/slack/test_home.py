"""The App Home tab (handlers.home.home_reply rendered by bot.slack.render)."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from handlers.home import home_reply
from models.replies import ActionId
from models.tables import Group, PlannedMeeting
from tests.slack.helpers import all_text


def test_home_is_published_when_opened(slack, imported_plan):  # type: ignore[no-untyped-def]
    resp = slack.home_opened("U1")
    assert resp.status == 200
    body = slack.last("views.publish").body
    assert body["user_id"] == "U1" and body["view"]["type"] == "home"
    text = all_text(body)
    assert "Mina åtgärder" in text and "Du är inte ansvarig" in text
    assert "Ligger efter" in text and "1.3" in text  # SSP lags behind on 2025-04-22


def test_home_shows_my_measures_and_meetings(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack.command("koppla SSP")
    slack.command("ansvarig 1.3 <@U1>")
    with session_factory.begin() as s:
        group = s.exec(select(Group).where(Group.name == "SSP")).one()
        s.add(PlannedMeeting(group_id=group.id, planned_on=date(2025, 5, 6), start_time="08:30"))
        s.add(PlannedMeeting(group_id=group.id, planned_on=date(2025, 9, 1)))  # beyond 30 days
    slack.home_opened("U1")
    view = slack.last("views.publish").body["view"]
    text = all_text({"blocks": view["blocks"]})
    assert "2025-05-06 (v. 19) kl. 08.30 · SSP" in text
    assert "2025-09-01" not in text
    show = [b["accessory"] for b in view["blocks"] if "accessory" in b]
    assert {"action_id": ActionId.SHOW_MEASURE.value, "value": "1.3"}.items() <= show[0].items()


def test_messages_tab_does_not_publish(slack, imported_plan):  # type: ignore[no-untyped-def]
    assert slack.home_opened("U1", tab="messages").status == 200
    assert slack.fake.of("views.publish") == []


def test_home_without_plan(slack):  # type: ignore[no-untyped-def]
    slack.home_opened("U1")
    assert "ingen åtgärdsplan inläst" in all_text(slack.last("views.publish").body)


def test_home_reply_is_neutral(make_ctx, imported_plan):  # type: ignore[no-untyped-def]
    reply = home_reply(make_ctx(user="U9", channel=None))
    headings = [s.heading for s in reply.sections if s.heading and not s.buttons]
    assert headings == ["Mina åtgärder", "Möten de närmaste 30 dagarna", "Ligger efter"]
    assert "Åtgärdsplan 2025" in (reply.context or "")
