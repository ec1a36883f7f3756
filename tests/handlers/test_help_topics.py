"""`/atgard hjälp <kommando>`: that command's help, with more of what can be written than the
one line of the general help; a word that is no command says so above the general help."""

from __future__ import annotations

import pytest

from handlers.router import execute
from handlers.texts import HELP_LINES


@pytest.mark.parametrize(
    ("line", "title", "says"),
    [
        ("hjälp rytm", "Så här använder du /atgard rytm", "2/mån mars–juni"),
        ("hjalp möte", "Så här använder du /atgard mote", "`/atgard mote EST igår 2.1 2.2`"),
        ("hjälp uppfölj", "Så här använder du /atgard uppfolj", "`/atgard uppfolj 1.3 T1 …`"),
        ("? ångra", "Så här använder du /atgard angra", "Knappen Ångra"),
        ("hjälp historik", "Så här använder du /atgard historik", "visar vem som ändrat vad"),
    ],
)
def test_help_for_one_command(make_ctx, imported_plan, line: str, title: str, says: str) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), line)
    assert reply.title == title
    assert says in reply.plain()
    assert reply.context == "`/atgard hjälp` visar alla kommandon."


def test_the_general_help_stays_one_line_per_command(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    general = execute(make_ctx(), "hjälp").plain()
    # The rhythm's many wordings moved to `hjälp rytm`: no line is a paragraph.
    assert all(len(what) < 200 for _, what in HELP_LINES)
    assert "`/atgard hjälp rytm` visar fler sätt att skriva den" in general
    assert execute(make_ctx(), "hjälp hjälp").plain() == general  # no help of its own
    unknown = execute(make_ctx(), "hjälp flyga").plain()
    assert unknown.startswith("Åtgärdsbot – så här gör du\nDet finns inget kommando ”flyga”.")
