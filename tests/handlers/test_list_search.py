"""`lista <ord>`: a word that names no group finds the measures whose texts or area hold it
(any case, with or without å, ä and ö), paged like any listing."""

from __future__ import annotations

from handlers.router import execute, press
from models.replies import ActionId


def _refs(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.value for s in reply.sections for b in s.buttons if b.action is ActionId.SHOW_MEASURE]


def test_lista_finds_the_measures_that_mention_the_words(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), "lista skolbesok")  # typed without ö
    assert reply.title == "Åtgärder som nämner ”skolbesok”"
    assert _refs(reply) == ["1.4"] and reply.context == "1 åtgärd"
    # Every word must be there, anywhere in the measure's texts or its area's name.
    assert _refs(execute(make_ctx(), "lista polis skola")) == ["1.3", "1.5"]
    assert "1.2" in _refs(execute(make_ctx(), "lista Unga i riskzon"))


def test_a_word_found_nowhere_says_so_and_how_to_list(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    reply = execute(make_ctx(), "lista xyzzy")
    assert reply.plain().startswith(
        "Hittade ingen grupp som heter ”xyzzy” och ingen åtgärd som nämner det."
    )
    assert "`/atgard lista skolbesök` för åtgärder som nämner ett ord" in reply.plain()


def test_a_long_search_result_pages(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    first = execute(make_ctx(), "lista och")
    assert first.context is not None and "sida 1 av 2" in first.context
    button = first.sections[-1].buttons[-1]
    assert button.action is ActionId.PAGE
    second = press(make_ctx(), button.action, button.value)
    assert second.title == "Åtgärder som nämner ”och”"
    assert "sida 2 av 2" in (second.context or "")
    assert not set(_refs(first)) & set(_refs(second))
