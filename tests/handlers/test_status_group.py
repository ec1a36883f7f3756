"""`/atgard status [grupp]`: the channel's group (or the one named) first, then the whole plan,
then the areas; a group the plan does not have is said so, with the ones it has."""

from __future__ import annotations

from handlers.router import execute


def _headings(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.heading or "" for s in reply.sections]


def test_status_names_another_group(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    admin = make_ctx(user="UADMIN", channel="C-SSP")
    assert not execute(admin, "koppla SSP").failed
    assert not execute(make_ctx(user="UADMIN", channel="C-EST"), "koppla EST").failed

    own = execute(make_ctx(channel="C-SSP"), "status")
    assert _headings(own)[:2] == ["SSP", "Hela planen"]
    other = execute(make_ctx(channel="C-SSP"), "status est")
    assert not other.failed
    assert _headings(other)[:2] == ["EST", "Hela planen"]
    assert _headings(other)[2].startswith("1. ")


def test_status_of_a_group_the_plan_does_not_have(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    assert not execute(make_ctx(user="UADMIN", channel="C-SSP"), "koppla SSP").failed
    reply = execute(make_ctx(channel="C-SSP"), "status Styrgruppen för trygghet")
    assert reply.failed
    text = reply.plain()
    assert "Hittade ingen grupp som heter ”Styrgruppen för trygghet”" in text
    assert "Grupperna är SSP." in text


def test_status_in_an_unbound_channel_starts_with_the_whole_plan(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    headings = _headings(execute(make_ctx(channel="C-NONE"), "status"))
    assert headings[0] == "Hela planen" and headings[1].startswith("1. ")
