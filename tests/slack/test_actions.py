"""Every button: on messages (answers via response_url) and on the App Home tab (DM + republish)."""

from __future__ import annotations

import json

from models.replies import ActionId
from models.tables import FollowUp, Occurrence
from tests.slack.helpers import all_text, buttons, metadata, rows


def test_visa_button(slack, imported_plan):  # type: ignore[no-untyped-def]
    resp = slack.press(ActionId.SHOW_MEASURE, "1.3")
    assert resp.status == 200
    body = slack.last("response_url").body
    assert body["response_type"] == "ephemeral" and body["replace_original"] is False
    assert "Åtgärd 1.3" in all_text(body)


def test_follow_up_button_opens_modal_with_response_url(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.press(ActionId.FOLLOW_UP, "1.3")
    view = slack.opened_view()
    assert view["callback_id"] == "atgard_modal_uppfoljning"
    assert metadata(view)["m"]["ref"] == "1.3"
    assert metadata(view)["x"]["r"].endswith("/response/btn1")
    assert slack.fake.of("response_url") == []


def test_mark_done_button(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack.press(ActionId.MARK_DONE, "2.3")
    assert "Åtgärd 2.3 genomförd" in all_text(slack.last("chat.postMessage").body)
    assert "markerad som genomförd" in all_text(slack.last("response_url").body)
    assert len(rows(session_factory, Occurrence)) == 1


def test_history_button(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.command("uppfolj 1.3 Första uppföljningen")
    slack.press(ActionId.SHOW_HISTORY, "1.3")
    text = all_text(slack.fake.wait_for("response_url")[-1].body)  # the command answered in its ack
    assert "Historik för åtgärd 1.3" in text and "Första uppföljningen" in text


def test_paging_replaces_the_list(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.command("lista")
    first = slack.last("ack")  # the list came in the command's ack
    [next_button] = [b for b in buttons(first) if b["action_id"].startswith(ActionId.PAGE)]
    slack.press(next_button["action_id"], next_button["value"])
    page2 = slack.fake.wait_for("response_url")[-1].body
    assert page2["replace_original"] is True
    assert "sida 2 av 2" in all_text(page2)
    back = [
        b
        for b in buttons(slack.fake.of("response_url")[-1])
        if b["action_id"].startswith(ActionId.PAGE)
    ]
    assert [b["text"]["text"] for b in back] == ["← Föregående"]


def test_duplicate_action_ids_carry_a_suffix_and_still_work(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.press(f"{ActionId.PAGE}#2", json.dumps({"f": "", "p": 0}))
    assert "sida 1 av 2" in all_text(slack.last("response_url").body)


def test_malformed_page_value(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.press(ActionId.PAGE, "{inte json")
    assert "Något gick fel" in all_text(slack.last("response_url").body)


def test_button_for_missing_measure(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.press(ActionId.MARK_DONE, "9.9")
    assert "finns inte" in all_text(slack.last("response_url").body)
    assert slack.fake.of("chat.postMessage") == []


def test_unknown_action_is_acked_and_ignored(slack, imported_plan):  # type: ignore[no-untyped-def]
    # A 404 would show the user an error on the button (listeners/fallback.py).
    resp = slack.press("nagon_annans_knapp", "x")
    assert resp.status == 200 and not resp.body
    assert slack.fake.methods() == []


def test_buttons_on_the_home_tab_answer_by_dm(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack.press(ActionId.SHOW_MEASURE, "1.3", home=True)
    dm = slack.last("chat.postMessage").body
    assert dm["channel"] == "U1" and "Åtgärd 1.3" in all_text(dm)
    slack.press(ActionId.MARK_DONE, "2.3", home=True)
    assert slack.fake.wait_for("chat.postMessage", 3)[1].body["channel"] == "U1"
    assert slack.last("views.publish").body["user_id"] == "U1"
    assert len(rows(session_factory, Occurrence)) == 1


def test_follow_up_from_home_republishes_home(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack.press(ActionId.FOLLOW_UP, "1.3", home=True)
    view = slack.opened_view()
    assert metadata(view)["x"]["h"] == "1"
    resp = slack.submit(view, {"text": "Gjort från startsidan"})
    assert resp.status == 200
    assert slack.last("views.publish").body["view"]["type"] == "home"
    assert slack.last("chat.postMessage").body["channel"] == "U1"  # no channel, no response_url: DM
    assert [f.text for f in rows(session_factory, FollowUp)] == ["Gjort från startsidan"]
