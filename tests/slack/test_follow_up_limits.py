"""The follow-up form and the stored limit agree: 3000 characters, Slack's ceiling for a
plain_text_input. A follow-up stored longer (before this limit, or imported) still opens the
form, shortened to what fits, never a form Slack refuses."""

from __future__ import annotations

from sqlmodel import select

from bot.textsafety import MAX_FOLLOW_UP
from models.tables import FollowUp, Measure
from tests.slack.fake_slack import Scripted
from tests.slack.helpers import all_text, rows

PRIVATE = ("ack", "response_url", "chat.postEphemeral")


def store_follow_up(session_factory, text: str) -> None:  # type: ignore[no-untyped-def]
    """As one saved when 4000 characters were allowed, or read from the city's Excel file."""
    with session_factory.begin() as s:
        measure = s.exec(select(Measure).where(Measure.ref == "1.3")).one()
        s.add(FollowUp(measure_id=measure.id, period="2025-T1", verdict="delvis", text=text))  # type: ignore[arg-type]


def text_input(view):  # type: ignore[no-untyped-def]
    [block] = [b for b in view["blocks"] if b.get("block_id") == "text"]
    return block


def slack_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_a_longer_stored_follow_up_opens_shortened_with_a_note(
    slack, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    stored = " ".join(f"Möte{i} hölls med skolan och polisen." for i in range(110))  # ~3900
    assert len(stored) > MAX_FOLLOW_UP
    store_follow_up(session_factory, stored)
    slack.command("uppfolj 1.3")
    view = slack.opened_view()  # the stand-in checks initial_value against max_length
    block = text_input(view)
    element = block["element"]
    assert element["max_length"] == MAX_FOLLOW_UP == 3000
    shown = element["initial_value"]
    assert slack_length(shown) <= 3000 and shown.endswith("…")
    assert stored.startswith(shown[:-1].rstrip())  # cut at a word, not inside one
    assert "längre än de 3\u00a0000 tecken som ryms här" in block["hint"]["text"]
    assert "Högst 3\u00a0000 tecken" in block["hint"]["text"]
    # Saved as shown: it fits, and becomes the latest follow-up.
    assert slack.submit(view).body == ""
    latest = rows(session_factory, FollowUp)[-1]
    assert latest.text == shown


def test_emoji_count_twice_as_slack_counts(slack, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    """2990 characters in Python are 3090 in Slack's count (each 🙂 is two UTF-16 units):
    sent as they were, views.open would refuse the form."""
    stored = ("Bra möte 🙂 " * 272)[:2990]
    assert len(stored) <= 3000 < slack_length(stored)
    store_follow_up(session_factory, stored)
    slack.command("uppfolj 1.3")
    shown = text_input(slack.opened_view())["element"]["initial_value"]
    assert slack_length(shown) <= 3000


def test_the_command_and_the_form_take_the_same_3000(slack, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    slack.command("uppfolj 1.3 " + "å" * 3001)
    said = all_text(slack.fake.wait_for(PRIVATE)[-1].body)
    assert "Uppföljningen är för lång (3\u00a0001 tecken, högst 3\u00a0000)" in said
    assert rows(session_factory, FollowUp) == []
    slack.command("uppfolj 1.3 " + "å" * 3000)
    assert [len(f.text) for f in rows(session_factory, FollowUp)] == [3000]
    view = slack.opened_view() if slack.fake.of("views.open") else None
    assert view is None  # with text, no form: stored at once
    slack.command("uppfolj 1.3")
    form = slack.opened_view()
    assert text_input(form)["element"]["initial_value"] == "å" * 3000
    assert "förkortad" not in text_input(form)["hint"]["text"]


def test_a_form_slack_refuses_is_not_called_slow(slack, imported_plan) -> None:  # type: ignore[no-untyped-def]
    slack.fake.script("views.open", Scripted(body={"ok": False, "error": "invalid_arguments"}))
    slack.command("uppfolj 1.3")
    said = all_text(slack.fake.wait_for(PRIVATE)[-1].body)
    assert "Formuläret kunde inte öppnas" in said and "hann inte" not in said
    # Trying again would fail the same way: what still works instead.
    assert "/atgard uppfolj 1.3" in said and "Försök igen" not in said
