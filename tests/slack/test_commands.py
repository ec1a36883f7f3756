"""Every /atgard subcommand through the real Bolt app, signed, against the stand-in Slack API."""

from __future__ import annotations

import json
import threading

import pytest

from models.replies import ActionId
from models.tables import Assignment, FollowUp, Group, Occurrence, PlannedMeeting
from tests.slack.fake_slack import Scripted
from tests.slack.helpers import all_text, buttons, rows

PRIVATE = ("ack", "response_url")  # what only the user sees: in the ack, or POSTed later


def answer(slack, n: int = 1):  # type: ignore[no-untyped-def]
    return slack.fake.wait_for(PRIVATE, n)[-1].body


@pytest.mark.parametrize("text", ["hjälp", "hjalp", "", "   "])
def test_help(slack, imported_plan, text):  # type: ignore[no-untyped-def]
    resp = slack.command(text)
    assert resp.status == 200
    body = json.loads(resp.body)  # answered in the ack itself: no second request
    assert slack.fake.of("response_url") == []
    assert body["response_type"] == "ephemeral"
    assert "Åtgärdsbot – så här gör du" in all_text(body)
    assert "/atgard uppfolj 1.3" in all_text(body)


def test_unknown_subcommand_gets_help(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.command("flyga <hej>")
    text = all_text(answer(slack))
    assert "Jag känner inte igen ”flyga”" in text
    assert "så här gör du" in text


def test_lista_pages_and_buttons(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.command("lista")
    call = slack.fake.wait_for(PRIVATE)[0]
    assert "sida 1 av 2" in all_text(call.body)
    ids = [b["action_id"] for b in buttons(call)]
    assert ids.count(ActionId.SHOW_MEASURE) == 10
    assert ActionId.PAGE in ids


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("2", "Område 2."),
        ("9", "Planen har inget område 9"),
        ("mina", "Du är inte ansvarig"),
        ("försenade", "Åtgärder som ligger efter"),
        ("forsenade", "Åtgärder som ligger efter"),
        ("Okänd", "Hittade ingen grupp"),
    ],
)
def test_lista_filters(slack, imported_plan, arg, expected):  # type: ignore[no-untyped-def]
    slack.command(f"lista {arg}")
    assert expected in all_text(answer(slack))


def test_lista_group_and_mine(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.command("koppla SSP")
    slack.command("ansvarig 1.3 <@U1|kim>")
    slack.command("lista SSP")
    assert "SSP:s åtgärder" in all_text(answer(slack, 2))
    slack.command("lista mina")
    text = all_text(answer(slack, 3))
    assert "Mina åtgärder" in text and "1.3" in text


def test_visa(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.command("visa 1.3")
    call = slack.fake.wait_for(PRIVATE)[0]
    assert "Åtgärd 1.3" in all_text(call.body)
    assert {b["action_id"] for b in buttons(call)} == {
        ActionId.FOLLOW_UP,
        ActionId.MARK_DONE,
        ActionId.SHOW_HISTORY,
    }
    assert all(b["value"] == "1.3" for b in buttons(call))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("visa 9.9", "Åtgärd 9.9 finns inte"),
        (
            "visa abc",
            "”abc” är inget åtgärdsnummer. Skriv områdets och åtgärdens nummer, till exempel `/atgard visa 1.3`.",
        ),
        ("visa", "Ange vilken åtgärd"),
    ],
)
def test_visa_malformed(slack, imported_plan, text, expected):  # type: ignore[no-untyped-def]
    slack.command(text)
    assert expected in all_text(answer(slack))


def test_uppfolj_with_text_is_stored(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack.command("uppfolj 1.3 delvis: Tre möten hölls under våren.", name="kim")
    assert "Uppföljning sparad för 1.3" in all_text(answer(slack))
    [fu] = rows(session_factory, FollowUp)
    assert (fu.verdict, fu.text, fu.author_id, fu.author_name) == (
        "delvis",
        "Tre möten hölls under våren.",
        "U1",
        "kim",
    )


def test_uppfolj_spelled_with_umlaut(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack.command("uppfölj 1.3 Klart")
    answer(slack)
    assert len(rows(session_factory, FollowUp)) == 1


def test_uppfolj_unescapes_slack_text_and_escapes_on_the_way_out(
    slack, imported_plan, session_factory
):  # type: ignore[no-untyped-def]
    slack.command("uppfolj 1.3 &lt;!channel&gt; skola &amp; polis, se <https://example.se|sidan>")
    [fu] = rows(session_factory, FollowUp)
    assert fu.text == "<!channel> skola & polis, se sidan (https://example.se)"
    text = all_text(answer(slack))
    assert "&lt;!channel&gt; skola &amp; polis" in text
    assert "<!channel>" not in text


def test_uppfolj_refuses_personal_identity_number(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack.command("uppfolj 1.3 Pratade om 19121212-1212 i dag")
    text = all_text(answer(slack))
    assert "1212" not in text
    assert "personnummer" in text.lower()
    assert rows(session_factory, FollowUp) == []


def test_uppfolj_without_text_opens_prefilled_modal(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.command("uppfolj 1.3 uppfyllt: Alla åtta möten hölls.")
    slack.command("uppfolj 1.3")
    call = slack.last("views.open")
    assert call.body["trigger_id"] == "trigger-2"
    view = call.body["view"]
    assert view["callback_id"] == "atgard_modal_uppfoljning"
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["verdict"]["initial_option"]["value"] == "uppfyllt"
    assert inputs["text"]["initial_value"] == "Alla åtta möten hölls."


def test_expired_trigger_is_explained(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.fake.script("views.open", Scripted(body={"ok": False, "error": "expired_trigger_id"}))
    slack.command("uppfolj 1.3")
    assert "Formuläret hann inte öppnas" in all_text(answer(slack))


def test_klar_posts_in_channel_and_confirms_privately(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack.command("klar 2.3 Vandring i Fridhemsplan")
    post = slack.last("chat.postMessage").body
    assert post["channel"] == "C1"
    assert "Åtgärd 2.3" in all_text(post) and "<@U1>" in all_text(post)
    assert "markerad som genomförd" in all_text(answer(slack))
    [occ] = rows(session_factory, Occurrence)
    assert occ.note == "Vandring i Fridhemsplan"


def test_klar_with_date_and_future_date(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack.command("klar 2.3 2025-04-01")
    slack.last("chat.postMessage")
    slack.command("klar 2.3 2030-01-01")
    assert "framtiden" in all_text(answer(slack, 2))
    assert [o.occurred_on.isoformat() for o in rows(session_factory, Occurrence)] == ["2025-04-01"]


def test_channel_post_falls_back_to_response_url_when_bot_is_not_a_member(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.fake.script("chat.postMessage", Scripted(body={"ok": False, "error": "not_in_channel"}))
    slack.command("klar 2.3")
    # The private confirmation goes in the ack; the post for everyone through response_url.
    [confirmation] = slack.fake.wait_for("ack")
    assert confirmation.body["response_type"] == "ephemeral"
    [public] = slack.fake.wait_for("response_url")
    assert public.body["response_type"] == "in_channel"
    assert "genomförd" in all_text(public.body) or public.body["blocks"]


def test_mote_needs_a_group(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.command("mote")
    assert "inte kopplad" in all_text(answer(slack))
    slack.command("mote Finnsinte")
    assert "Hittade ingen grupp" in all_text(answer(slack, 2))


def test_mote_opens_meeting_modal(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.command("koppla SSP")
    slack.command("mote 2025-04-10")
    view = slack.opened_view()
    assert view["callback_id"] == "atgard_modal_mote"
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert set(inputs) == {"date", "organisations", "measures", "notes", "decisions"}
    assert inputs["date"]["initial_date"] == "2025-04-10"
    assert inputs["measures"]["type"] == "multi_static_select"
    assert [o["value"] for o in inputs["measures"]["initial_options"]] == ["1.3"]


def test_mote_planera(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack.command("koppla SSP")
    slack.command("mote planera 2025-05-06 08.30")
    assert "Planerade möten för SSP kl. 08.30: 2025-05-06" in all_text(
        slack.fake.wait_for("chat.postMessage", 2)[-1].body
    )
    [pm] = rows(session_factory, PlannedMeeting)
    assert pm.start_time == "08:30"


def test_status(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.command("status")
    body = answer(slack)
    assert body["response_type"] == "ephemeral"
    assert "Läget i Åtgärdsplan 2025" in all_text(body)


def test_koppla(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack.command("koppla")
    assert "Ange vilken grupp" in all_text(answer(slack))
    slack.command("koppla SSP", channel="C_SSP")
    post = slack.last("chat.postMessage").body
    assert post["channel"] == "C_SSP" and "Kanalen hör nu till SSP" in all_text(post)
    [group] = [g for g in rows(session_factory, Group) if g.channel_id]
    assert (group.name, group.platform, group.channel_id) == ("SSP", "slack", "C_SSP")


def test_ansvarig(slack, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack.command("ansvarig 1.3 <@U2ABC|eva> <@U3DEF>")
    text = all_text(answer(slack))
    assert "<@U2ABC>, <@U3DEF> påminns nu om åtgärd 1.3" in text
    assert sorted(a.user_id for a in rows(session_factory, Assignment)) == ["U2ABC", "U3DEF"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ansvarig 1.3 @eva", "kunde inte känna igen @eva"),
        ("ansvarig 1.3", "Nämn den"),
        ("ansvarig x @eva", "till exempel `/atgard ansvarig 1.3`"),
    ],
)
def test_ansvarig_malformed(slack, imported_plan, session_factory, text, expected):  # type: ignore[no-untyped-def]
    slack.command(text)
    assert expected in all_text(answer(slack))
    assert rows(session_factory, Assignment) == []


def test_coordinator_usergroup_is_read_from_slack(slack_factory, imported_plan, session_factory):  # type: ignore[no-untyped-def]
    slack = slack_factory(admin_user_ids=["UADMIN"], coordinator_usergroup="S_SAMORDNARE")
    slack.fake.usergroup_members = ["U1"]
    slack.command("koppla SSP", user="U2")
    assert "Bara samordnare" in all_text(answer(slack))
    slack.command("koppla SSP", user="U1")
    assert "Kanalen hör nu till SSP" in all_text(slack.last("chat.postMessage").body)
    # Members are cached: one lookup for both commands.
    assert len(slack.fake.of("usergroups.users.list")) == 1


def test_without_a_plan(slack):  # type: ignore[no-untyped-def]
    slack.command("lista")
    assert "ingen åtgärdsplan inläst" in all_text(answer(slack))


def test_export_answers(slack, imported_plan):  # type: ignore[no-untyped-def]
    slack.command("export T1")
    assert all_text(answer(slack))


def test_slow_command_is_acked_in_time_and_answered_later(slack, imported_plan, monkeypatch):  # type: ignore[no-untyped-def]
    """Slack gives up on an ack after 3 s: work that outlasts the budget is answered later."""
    from bot.slack.listeners import commands
    from handlers import router

    monkeypatch.setattr(commands, "ACK_BUDGET_S", 0.05)
    real = router.execute
    acked = threading.Event()  # the work is held until the ack is in: no stopwatch needed
    held_until_ack: list[bool] = []

    def slow(ctx, text):  # type: ignore[no-untyped-def]
        held_until_ack.append(acked.wait(timeout=10))  # a database under load, say
        return real(ctx, text)

    monkeypatch.setattr(router, "execute", slow)
    resp = slack.form(  # dispatch without waiting for the listeners to finish
        {
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": "U1",
            "command": "/atgard",
            "text": "visa 1.3",
            "response_url": slack.fake.response_url("slow"),
            "trigger_id": "trigger-slow",
        }
    )
    acked.set()
    assert resp.status == 200 and resp.body == ""
    slack.settle()
    body = slack.fake.wait_for("response_url")[0].body
    assert body["response_type"] == "ephemeral"
    assert "Åtgärd 1.3" in all_text(body)
    assert held_until_ack == [True]  # the ack came while the work was still waiting
