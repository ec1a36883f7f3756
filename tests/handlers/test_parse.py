from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.parse import CommandName, CommandText, parse_command
from models.errors import ParseError
from models.replies import mention


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("", CommandName.HELP),
        ("hjälp", CommandName.HELP),
        ("hjalp", CommandName.HELP),
        ("lista", CommandName.LIST),
        ("LISTA 2", CommandName.LIST),
        ("visa 1.3", CommandName.SHOW),
        ("uppfolj 1.3 text", CommandName.FOLLOW_UP),
        ("uppfölj 1.3 text", CommandName.FOLLOW_UP),
        ("klar 1.3", CommandName.DONE),
        ("mote", CommandName.MEETING),
        ("möte SSP 2025-03-12", CommandName.MEETING),
        ("status", CommandName.STATUS),
        ("export T1 xlsx", CommandName.EXPORT),
        ("koppla SSP", CommandName.BIND),
        (f"ansvarig 1.3 {mention('U123')}", CommandName.ASSIGN),
        ("rytm 1.3 8/år", CommandName.RHYTHM),
        ("historik 1.3", CommandName.HISTORY),
    ],
)
def test_commands_and_spellings(text: str, name: CommandName) -> None:
    assert parse_command(text).name is name


def test_unknown_word_gives_help_and_names_the_word() -> None:
    cmd = parse_command("flyga 1.3")
    assert cmd.name is CommandName.HELP
    assert cmd.unknown == "flyga"


def test_follow_up_text_and_leading_verdict() -> None:
    cmd = parse_command("uppfolj 1.3 Målet är uppfyllt. Åtta möten hölls.")
    assert (cmd.ref, cmd.verdict, cmd.text) == ("1.3", None, "Målet är uppfyllt. Åtta möten hölls.")
    cmd = parse_command("uppfolj 2.1 delvis: tre av fyra möten")
    assert (cmd.ref, cmd.verdict, cmd.text) == ("2.1", "delvis", "tre av fyra möten")
    cmd = parse_command("uppfolj 2.1 ej uppfyllt - inga vandringar")
    assert (cmd.verdict, cmd.text) == ("ej_uppfyllt", "inga vandringar")
    # A word that only starts like a verdict is text, not a verdict.
    cmd = parse_command("uppfolj 2.1 delvisningen gick bra")
    assert (cmd.verdict, cmd.text) == (None, "delvisningen gick bra")


def test_follow_up_without_text_means_form() -> None:
    cmd = parse_command("uppfolj 1.3")
    assert cmd.ref == "1.3" and cmd.text == ""


def test_done_with_date_and_note() -> None:
    cmd = parse_command("klar 2.3 2025-03-12 vandring på Fridhemsplan")
    assert (cmd.ref, cmd.args, cmd.text) == ("2.3", ["2025-03-12"], "vandring på Fridhemsplan")


@pytest.mark.parametrize(
    "text",
    [
        "visa",
        "visa abc",
        "uppfolj x.y text",
        "klar",
        "historik 1",
        "rytm 1.3",
        "koppla",
        "ansvarig 1.3",
    ],
)
def test_malformed_input_raises_swedish_parse_error(text: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_command(text)
    assert err.value.message
    assert (
        any(ch in err.value.message for ch in "åäöÅÄÖ")
        or "Ange" in err.value.message
        or "Skriv" in err.value.message
    )


def test_assign_reads_neutral_mentions() -> None:
    cmd = parse_command(f"ansvarig 1.3 {mention('U01ABC')} och {mention('U02DEF')}")
    assert cmd.users == ["U01ABC", "U02DEF"]
    assert parse_command("ansvarig 1.3 @kim").users == ["@kim"]
    # Any platform's ids: a Teams user id has colons and dashes.
    teams = "29:1a-B_c"
    assert parse_command(f"ansvarig 1.3 {mention(teams)} @bo").users == [teams, "@bo"]


def test_the_parser_reads_no_platforms_markup() -> None:
    """Slack's `<@U…|name>` is the Slack adapter's to read (bot/slack/incoming.py): here it is
    text like any other, so a line another platform passes on cannot be read as Slack's."""
    with pytest.raises(ParseError, match="Nämn"):
        parse_command("ansvarig 1.3 <@U01ABC|kim> <at>Kim</at>")
    cmd = parse_command("uppfolj 1.3 Med <@U01ABC|kim> &amp; <#C1|trygghet>")
    assert cmd.text == "Med <@U01ABC|kim> &amp; <#C1|trygghet>"


def test_kept_text_shows_mentions_by_the_names_the_platform_gave() -> None:
    line = CommandText(
        f"uppfolj 1.3 Pratade med {mention('U1')} och {mention('U2')}", names={"U1": "anna"}
    )
    assert parse_command(line).text == "Pratade med @anna och @U2"
    # A name typed after @ stays as typed, next to a resolved one.
    line = CommandText(f"klar 1.3 Med {mention('U1')}@bo", names={"U1": "anna"})
    assert parse_command(line).text == "Med @anna@bo"


def test_non_breaking_spaces_and_nfd_are_normalised() -> None:
    cmd = parse_command("uppfo\u0308lj\u00a01.3 text")
    assert cmd.name is CommandName.FOLLOW_UP and cmd.ref == "1.3"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_parser_never_raises_anything_but_parse_error(text: str) -> None:
    try:
        cmd = parse_command(text)
    except ParseError as e:
        assert e.message
    else:
        assert isinstance(cmd.name, CommandName)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["visa", "uppfolj", "klar", "historik", "rytm", "ansvarig"]),
    st.text(max_size=60),
)
def test_ref_commands_fuzz(cmd: str, rest: str) -> None:
    try:
        parse_command(f"{cmd} {rest}")
    except ParseError as e:
        assert e.message


def test_a_mention_in_place_of_the_command_word_is_named_as_typed() -> None:
    cmd = parse_command(CommandText(f"{mention('U1')} lista", names={"U1": "anna"}))
    assert (cmd.name, cmd.unknown) == (CommandName.HELP, "@anna")


def test_a_mention_where_the_reference_belongs_is_named_as_typed() -> None:
    with pytest.raises(ParseError) as err:
        parse_command(CommandText(f"ansvarig {mention('U1')} 1.3", names={"U1": "anna"}))
    assert "”@anna” är inget åtgärdsnummer" in err.value.message


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["ansvarig", "uppfolj", "klar", "koppla", "visa", "1.3", "@kim", " "]),
            st.builds(mention, st.sampled_from(["U1", "W2", "29:1a-B"])),
            st.text(max_size=8),
        ),
        max_size=8,
    )
)
def test_held_mentions_never_leak_out_of_the_parser(words: list[str]) -> None:
    """Mentions are held aside as private-use stand-ins while a line is parsed; none may reach
    a command, its text or an error message."""
    line = CommandText(" ".join(words), names={"U1": "anna"})
    try:
        cmd = parse_command(line)
    except ParseError as e:
        shown = [e.message]
    else:
        shown = [cmd.text, cmd.unknown or "", cmd.ref or "", *cmd.args, *cmd.users]
    assert not any(ch in s for s in shown for ch in "\ue000\ue001")


@pytest.mark.parametrize(
    ("text", "ref", "period", "body"),
    [
        ("uppfolj 1,3 Bra möten", "1.3", [], "Bra möten"),  # the Swedish decimal comma
        ("uppfolj 1.3. Bra möten", "1.3", [], "Bra möten"),
        ("uppfolj 1.3: Bra möten", "1.3", [], "Bra möten"),
        ("uppfolj T1 1.3 Bra möten", "1.3", ["T1"], "Bra möten"),  # the tertial first
        ("uppfolj 2025-t2 1,3 Bra", "1.3", ["2025-T2"], "Bra"),
        ("uppfolj 1.3 T2 T1-gruppen möttes", "1.3", ["T2"], "T1-gruppen möttes"),
        ("uppfolj T1 1.3 T2 börjar arbetet", "1.3", ["T1"], "T2 börjar arbetet"),
        ("uppfolj T1 1.3 T4 i text", "1.3", ["T1"], "T4 i text"),
        ("visa 1,3", "1.3", [], ""),
        ("klar 2,1", "2.1", [], ""),
    ],
)
def test_measure_numbers_and_tertials_as_people_type_them(
    text: str, ref: str, period: list[str], body: str
) -> None:
    cmd = parse_command(text)
    assert (cmd.ref, cmd.text) == (ref, body)
    if cmd.name is CommandName.FOLLOW_UP:
        assert cmd.args == period


@pytest.mark.parametrize("tertial", ["T4", "t0", "2025-T5"])
def test_a_tertial_the_year_does_not_have_is_refused(tertial: str) -> None:
    with pytest.raises(ParseError) as e:
        parse_command(f"uppfolj 1.3 {tertial} Två möten")
    assert e.value.message == (
        f"”{tertial}” är inget tertial: året har T1 (januari–april), T2 (maj–augusti) och T3"
        " (september–december). Skriv till exempel `/atgard uppfolj 1.3 T2 …`."
    )
