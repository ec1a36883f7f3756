"""Modal submissions: stored inline, errors back in the ack (response_action=errors), posts after."""

from __future__ import annotations

import json

from models.tables import FollowUp, Meeting, MeetingMeasure
from tests.slack.helpers import all_text, rows


def errors_of(resp):  # type: ignore[no-untyped-def]
    assert resp.status == 200
    body = json.loads(resp.body)
    assert body["response_action"] == "errors"
    return body["errors"]


def follow_up_view(slack):  # type: ignore[no-untyped-def]
    slack.command("uppfolj 1.3")
    return slack.opened_view()


def test_follow_up_submission_is_stored_and_confirmed(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    view = follow_up_view(slack)
    resp = slack.submit(view, {"verdict": "delvis", "text": "Fyra av åtta möten hölls."})
    assert resp.status == 200 and resp.body == ""  # modal closes
    [fu] = rows(session_factory, FollowUp)
    assert (fu.verdict, fu.text, fu.author_id) == ("delvis", "Fyra av åtta möten hölls.", "U1")
    confirm = slack.last(
        "response_url"
    ).body  # the slash command's response_url, kept in private_metadata
    assert confirm["response_type"] == "ephemeral" and "Uppföljning sparad för 1.3" in all_text(
        confirm
    )


def test_follow_up_blank_text_is_an_error_in_the_modal(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    errors = errors_of(slack.submit(follow_up_view(slack), {"text": "   "}))
    assert set(errors) == {"text"} and "saknas" in errors["text"]
    assert rows(session_factory, FollowUp) == []
    assert slack.fake.of("response_url") == []


def test_follow_up_personal_number_is_refused_beside_the_field(
    slack, imported_plan, session_factory
):  # type: ignore[no-untyped-def]
    errors = errors_of(
        slack.submit(follow_up_view(slack), {"text": "Gäller 811218-9876 på skolan"})
    )
    assert set(errors) == {"text"}
    assert "9876" not in errors["text"]
    assert rows(session_factory, FollowUp) == []


def test_follow_up_without_verdict_defaults(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack.submit(follow_up_view(slack), {"verdict": None, "text": "Pågår"})
    assert [f.verdict for f in rows(session_factory, FollowUp)] == ["pagaende"]


def test_tampered_metadata_keeps_the_modal_open(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    view = follow_up_view(slack)
    view["private_metadata"] = "inte json"
    errors = errors_of(slack.submit(view, {"text": "Text"}))
    assert list(errors) == ["text"] and "öppna det igen" in errors["text"]
    assert rows(session_factory, FollowUp) == []


def test_refusal_keeps_the_modal_open_with_the_reason(
    slack_factory, imported_plan, session_factory
):  # type: ignore[no-untyped-def]
    slack = slack_factory(admin_user_ids=["UADMIN"])
    slack.command("koppla SSP", user="UADMIN", channel="C_SSP")
    slack.command("koppla EST", user="UADMIN", channel="C_EST")
    slack.command("uppfolj 1.3", user="U1", channel="C_EST")
    errors = errors_of(slack.submit(slack.opened_view(), {"text": "Fel kanal"}))
    # A refusal is not about one field: it is shown on the first input, and the text stays.
    assert list(errors) == ["verdict"] and "hör till SSP" in errors["verdict"]
    assert rows(session_factory, FollowUp) == []


def test_unknown_form_is_acked_and_ignored(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    # A 404 would leave the modal open with Slack's own error (listeners/fallback.py).
    view = follow_up_view(slack)
    view["callback_id"] = "nagon_annans_modal"
    resp = slack.submit(view, {"text": "x"})
    assert resp.status == 200 and not resp.body
    assert rows(session_factory, FollowUp) == []


def meeting_view(slack, when: str = ""):  # type: ignore[no-untyped-def]
    slack.command("koppla SSP")
    slack.command(f"mote {when}".strip())
    return slack.opened_view()


def test_meeting_submission_posts_summary_in_channel(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    view = meeting_view(slack, "2025-04-10")
    resp = slack.submit(
        view,
        {
            "organisations": "skola, socialtjänst, polis",
            "measures": ["1.3", "1.4"],
            "notes": "Genomgång av lägesbilden <här>",
            "decisions": "Fler skolbesök & kvällsvandring",
        },
    )
    assert resp.status == 200 and resp.body == ""
    [meeting] = rows(session_factory, Meeting)
    assert (
        meeting.held_on.isoformat() == "2025-04-10"
        and meeting.organisations == "skola, socialtjänst, polis"
    )
    assert len(rows(session_factory, MeetingMeasure)) == 2
    post = slack.fake.wait_for("chat.postMessage", 2)[-1].body
    assert post["channel"] == "C1"
    text = all_text(post)
    assert "Möte i SSP 2025-04-10" in text and "1.4" in text
    assert "&lt;här&gt;" in text and "Fler skolbesök &amp; kvällsvandring" in text
    assert "Mötet är loggat" in all_text(slack.last("response_url").body)


def test_meeting_in_the_future_is_an_error(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    errors = errors_of(slack.submit(meeting_view(slack), {"date": "2025-12-01"}))
    assert errors == {
        "date": "Mötet kan inte loggas i förväg. Planera det med /atgard mote planera 2025-12-01."
    }
    assert rows(session_factory, Meeting) == []


def test_meeting_without_date_is_an_error(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    errors = errors_of(slack.submit(meeting_view(slack), {"date": None}))
    assert errors == {"date": "Välj ett datum."}


def test_meeting_with_unknown_measure_is_an_error(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    view = meeting_view(slack)
    for block in view["blocks"]:
        if block.get("block_id") == "measures":
            block["element"]["options"].append(
                {"text": {"type": "plain_text", "text": "9.9"}, "value": "9.9"}
            )
    errors = errors_of(slack.submit(view, {"measures": ["9.9"]}))
    assert set(errors) == {"measures"}
    assert rows(session_factory, Meeting) == []


def test_meeting_notes_with_personal_number_are_refused(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    errors = errors_of(
        slack.submit(meeting_view(slack), {"notes": "Eleven 20121212-1212 diskuterades"})
    )
    assert set(errors) == {"notes"} and "1212" not in errors["notes"]
    assert rows(session_factory, Meeting) == []
