"""`atgard console` fills a form the way a person types: labels in, labels out."""

from __future__ import annotations

import io

from sqlmodel import select

from bot.console import run_console
from models.tables import Assignment, FollowUp


def _console(ctx, lines: list[str]) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    run_console(ctx, stdin=io.StringIO("".join(f"{line}\n" for line in lines)), out=out)
    return out.getvalue()


def test_form_choices_are_shown_and_read_as_labels(
    make_ctx, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    text = _console(make_ctx(), ["/atgard uppfolj 1.2", "delvis", "Tre av fyra möten hölls."])
    assert "Bedömning (🟢 Målet är uppfyllt, 🟡 Delvis uppfyllt, 🟡 Pågående," in text
    assert "ej_bedomd" not in text and "pagaende" not in text
    assert "Uppföljning sparad för 1.2" in text
    with session_factory.begin() as s:
        assert s.exec(select(FollowUp.verdict)).one() == "delvis"


def test_form_error_names_the_field_by_its_label(make_ctx, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    text = _console(make_ctx(), ["/atgard uppfolj 1.2", "kanske", "Tre möten."])
    assert "Bedömning: Välj en bedömning i listan." in text
    assert "verdict:" not in text
    with session_factory.begin() as s:
        assert s.exec(select(FollowUp)).first() is None


def test_a_person_is_named_by_their_console_id(make_ctx, imported_plan, session_factory) -> None:  # type: ignore[no-untyped-def]
    """The console has no people to pick from: `@id` is the console user with that id, as
    a person picked after @ is in chat. (Slack's `<@U…>` markup is the Slack adapter's.)"""
    text = _console(make_ctx(), ["/atgard ansvarig 1.3 @U_KONSOL @kim.lind."])
    assert "@U_KONSOL, @kim.lind påminns nu om åtgärd 1.3" in text
    assert "kunde inte känna igen" not in text
    _console(make_ctx(), ["/atgard uppfolj 1.3 Med @kim, se ssp@stad.se & <@U9>."])
    with session_factory.begin() as s:
        assert sorted(s.exec(select(Assignment.user_id))) == ["U_KONSOL", "kim.lind"]
        assert s.exec(select(FollowUp.text)).one() == "Med @kim, se ssp@stad.se & <@U9>."
