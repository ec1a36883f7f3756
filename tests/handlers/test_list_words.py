"""`lista` takes the words its help shows: "område 2" as well as "2", "grupp EST" as well as "EST"."""

from __future__ import annotations

from handlers.router import execute


def test_list_by_area_with_the_word_omrade(make_ctx, imported_plan) -> None:  # type: ignore[no-untyped-def]
    for said in ("lista område 2", "lista Område 2", "lista omrade 2"):
        reply = execute(make_ctx(), said)
        assert reply.title == "Område 2. Otrygga och brottsutsatta platser", said
        assert reply.context == "3 åtgärder"
    assert "inget område 9" in execute(make_ctx(), "lista område 9").plain()
    # Without a number: the areas there are, each with its count, to pick one from.
    areas = execute(make_ctx(), "lista område")
    assert areas.title == "Områden i Åtgärdsplan 2025, Kungsholmen"
    assert areas.sections[0].text.splitlines()[:2] == [
        "1. Unga i riskzon för destruktivt beteende (5 åtgärder)",
        "2. Otrygga och brottsutsatta platser (3 åtgärder)",
    ]
    assert (
        areas.context == "Skriv områdets nummer för dess åtgärder, till exempel `/atgard lista 1`."
    )
