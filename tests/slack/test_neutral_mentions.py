"""Slack's markup is read by the Slack adapter, not by the command layer: a slash command's
`<@U…|name>`, channels, user groups, links and &amp;/&lt;/&gt; become the neutral CommandText
(handlers/parse.py) before the router sees them. Through the real Bolt app, signed."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack.incoming import command_text
from bot.slack.listeners import commands
from handlers.parse import CommandText
from models.replies import mention
from models.tables import Assignment, FollowUp
from tests.slack.helpers import rows
from tests.slack.test_slack_formats import FORM, command_form, private_answer


@pytest.fixture
def router_input(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What the Slack listener hands the neutral router (which still does the work)."""
    seen: list[Any] = []
    real = commands.router.execute

    def spy(ctx: Any, text: Any) -> Any:
        seen.append(text)
        return real(ctx, text)

    monkeypatch.setattr(commands.router, "execute", spy)
    return seen


def test_a_slack_mention_reaches_the_router_as_a_neutral_token(
    slack, imported_plan, session_factory, router_input
) -> None:  # type: ignore[no-untyped-def]
    resp = slack.http(command_form(slack, "ansvarig 1.3 <@U0ANNA|anna> &amp; <@W0GRID9>"), FORM)
    assert resp.status == 200
    # The reply mentions them the Slack way again, so they are notified.
    assert "<@U0ANNA>, <@W0GRID9> påminns nu om åtgärd 1.3" in private_answer(resp)
    assert sorted(a.user_id for a in rows(session_factory, Assignment)) == ["U0ANNA", "W0GRID9"]
    [line] = router_input
    assert line == CommandText(
        f"ansvarig 1.3 {mention('U0ANNA')} & {mention('W0GRID9')}", {"U0ANNA": "anna"}
    )
    assert "<@" not in line.text and "&amp;" not in line.text


def test_a_mention_typed_as_text_is_not_a_mention(slack, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    """ "<@U9>" typed by hand arrives escaped (&lt;@U9&gt;): it names nobody. It was unescaped
    first and then read as Slack's markup, so typing it assigned U9."""
    resp = slack.http(command_form(slack, "ansvarig 1.3 &lt;@U9&gt;"), FORM)
    assert resp.status == 200 and "Nämn den eller de som ska påminnas" in private_answer(resp)
    assert rows(session_factory, Assignment) == []


def test_follow_up_text_is_stored_unescaped_and_escaped_again_in_the_reply(
    slack, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    # What the user typed: Skola & polis <3, "<@U9>" as text, "&lt;" as text, and a person.
    typed = "Skola &amp; polis &lt;3, &lt;@U9&gt; och &amp;lt; med <@U0ANNA|anna>"
    resp = slack.http(command_form(slack, f"uppfolj 1.3 {typed}"), FORM)
    assert resp.status == 200
    [fu] = rows(session_factory, FollowUp)
    assert fu.text == "Skola & polis <3, <@U9> och &lt; med @anna"
    answer = private_answer(resp)
    assert "Skola &amp; polis &lt;3, &lt;@U9&gt; och &amp;lt; med @anna" in answer
    assert "<@U9>" not in answer  # kept text never becomes a live mention


@pytest.mark.parametrize(
    ("raw", "text", "names"),
    [
        (
            "ansvarig 1.3 <@U1|kim> <@W2>",
            f"ansvarig 1.3 {mention('U1')} {mention('W2')}",
            {"U1": "kim"},
        ),
        ("uppfolj 1.3 i <#C1|trygghet> och <#C2>", "uppfolj 1.3 i #trygghet och #C2", {}),
        ("uppfolj 1.3 <!subteam^S1|@ssp> <!here>", "uppfolj 1.3 @ssp @here", {}),
        (
            "uppfolj 1.3 <https://a.se/x?a=1&amp;b=2|sidan>",
            "uppfolj 1.3 sidan (https://a.se/x?a=1&b=2)",
            {},
        ),
        ("uppfolj 1.3 &amp;amp; &amp;lt; &lt;b&gt;", "uppfolj 1.3 &amp; &lt; <b>", {}),
        # Characters a neutral token is made of cannot be typed into one.
        ("ansvarig 1.3 \x1e@U5\x1f", "ansvarig 1.3 @U5", {}),
        ("ansvarig 1.3 <@U1|k&amp;m>", f"ansvarig 1.3 {mention('U1')}", {"U1": "k&m"}),
    ],
    ids=["users", "channels", "groups", "link", "escapes", "forged_token", "escaped_name"],
)
def test_command_text_reads_slacks_markup(raw: str, text: str, names: dict[str, str]) -> None:
    assert command_text(raw) == CommandText(text, names)
