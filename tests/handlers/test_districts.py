"""Several districts' (or municipalities') plans in one workspace: a channel works in the plan
it is bound to; `koppla` names the district where the choice is not obvious; a direct message
or an unbound channel takes the asker's own district, and never guesses between districts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from handlers import router
from handlers.home import home_reply
from models.measures import get_measure
from models.tables import Assignment, FollowUp, Group, Plan
from tests.conftest import import_example_plan

SEVERAL = "Här finns åtgärdsplaner för flera stadsdelar eller kommuner: Kungsholmen, Spånga Tensta."


@pytest.fixture
def two_districts(session_factory, imported_plan):  # type: ignore[no-untyped-def]
    """Kungsholmen 2025 and Spånga Tensta 2025 (read in later: the newest row)."""
    with session_factory.begin() as s:
        other = import_example_plan(s, district="Spånga Tensta", year=2025, today=date(2025, 4, 22))
    return imported_plan, other


def _follow_ups(session_factory, plan_id: int) -> int:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        measure = get_measure(session=s, plan_id=plan_id, ref="1.3")
        return s.exec(
            select(func.count()).select_from(FollowUp).where(FollowUp.measure_id == measure.id)
        ).one()


def _bound_plan(session_factory, channel: str) -> int:  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return s.exec(select(Group.plan_id).where(Group.channel_id == channel)).one()


def test_koppla_asks_which_district_and_binds_the_one_named(
    session_factory, two_districts, make_ctx
) -> None:  # type: ignore[no-untyped-def]
    kungsholmen, spanga = two_districts
    admin = make_ctx(user="UADMIN", channel="C-SP")
    reply = router.execute(admin, "koppla SSP")
    assert reply.failed
    text = reply.plain()
    assert "flera stadsdelar eller kommuner: Kungsholmen, Spånga Tensta" in text
    assert "/atgard koppla SSP Kungsholmen" in text
    with session_factory() as s:
        assert s.exec(select(Group).where(Group.channel_id == "C-SP")).first() is None

    reply = router.execute(admin, "koppla SSP spånga tensta")  # a district of two words, any case
    assert not reply.failed, reply.plain()
    assert "Kanalen hör nu till SSP i Åtgärdsplan 2025, Spånga Tensta." in reply.plain()
    assert _bound_plan(session_factory, "C-SP") == spanga.id

    # Bound: another group in the same channel stays in the channel's district.
    assert not router.execute(admin, "koppla EST").failed
    assert _bound_plan(session_factory, "C-SP") == spanga.id
    assert not router.execute(admin, "koppla SSP").failed
    assert _bound_plan(session_factory, "C-SP") == spanga.id

    # Work in the channel lands in its district's plan.
    before = _follow_ups(session_factory, kungsholmen.id)
    reply = router.execute(make_ctx(user="UADMIN", channel="C-SP"), "uppfolj 1.3 Tre möten hölls")
    assert not reply.failed, reply.plain()
    assert _follow_ups(session_factory, spanga.id) == 1
    assert _follow_ups(session_factory, kungsholmen.id) == before


def test_koppla_with_a_year_and_a_plan_that_does_not_exist(
    session_factory, two_districts, make_ctx
) -> None:  # type: ignore[no-untyped-def]
    admin = make_ctx(user="UADMIN", channel="C-K")
    reply = router.execute(admin, "koppla SSP Kungsholmen 2024")
    assert reply.failed
    assert "Hittade ingen åtgärdsplan för Kungsholmen 2024." in reply.plain()
    reply = router.execute(admin, "koppla Trygghetsrådet Kungsholmen 2025")
    assert not reply.failed, reply.plain()
    assert "Kanalen hör nu till Trygghetsrådet i Åtgärdsplan 2025, Kungsholmen." in reply.plain()
    assert _bound_plan(session_factory, "C-K") == two_districts[0].id


def test_a_direct_message_works_in_the_askers_district(
    session_factory, two_districts, make_ctx
) -> None:  # type: ignore[no-untyped-def]
    kungsholmen, spanga = two_districts
    with session_factory.begin() as s:
        measure = get_measure(session=s, plan_id=kungsholmen.id, ref="2.2")
        s.add(Assignment(measure_id=measure.id, user_id="UKIM"))  # type: ignore[arg-type]
    reply = router.execute(make_ctx(user="UKIM", channel="D-KIM"), "uppfolj 1.3 Klart i tid")
    assert not reply.failed, reply.plain()
    assert _follow_ups(session_factory, kungsholmen.id) == 1
    assert _follow_ups(session_factory, spanga.id) == 0
    assert "Kungsholmen" in router.execute(make_ctx(user="UKIM", channel="D-KIM"), "lista").plain()
    home = home_reply(make_ctx(user="UKIM", channel=None)).plain()
    assert "Kungsholmen" in home and "Spånga" not in home


def test_without_a_district_of_their_own_the_asker_is_told_to_choose(
    session_factory, two_districts, make_ctx
) -> None:  # type: ignore[no-untyped-def]
    kungsholmen, spanga = two_districts
    for channel in ("D-NEW", "C-UNBOUND"):
        ctx = make_ctx(user="UNEW", channel=channel)
        for line in ("uppfolj 1.3 Gissat", "lista", "status", "visa 1.3"):
            reply = router.execute(ctx, line)
            assert reply.failed, (channel, line)
            assert reply.plain().startswith(SEVERAL), reply.plain()
    assert _follow_ups(session_factory, kungsholmen.id) == 0
    assert _follow_ups(session_factory, spanga.id) == 0
    assert SEVERAL in home_reply(make_ctx(user="UNEW", channel=None)).plain()


def test_an_older_plan_of_another_district_does_not_make_the_newest_ambiguous(
    session_factory, imported_plan, make_ctx
) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as s:
        s.add(Plan(district="Norrmalm", year=2024, title="Åtgärdsplan 2024, Norrmalm"))
    reply = router.execute(make_ctx(channel="C-UNBOUND"), "lista")
    assert not reply.failed, reply.plain()
    assert "Kungsholmen" in reply.plain()


def test_koppla_with_a_misspelt_district_asks_instead_of_naming_a_group_after_it(
    session_factory, two_districts, make_ctx
) -> None:  # type: ignore[no-untyped-def]
    admin = make_ctx(user="UADMIN", channel="C-TYPO")
    reply = router.execute(admin, "koppla SSP Spånga Tenstaa 2025")
    assert reply.failed
    assert reply.plain() == (
        "Det finns ingen plan för ”Spånga Tenstaa”. Menade du Spånga Tensta?"
        " Skriv i så fall `/atgard koppla SSP Spånga Tensta 2025`."
    )
    with session_factory() as s:
        assert s.exec(select(Group).where(Group.channel_id == "C-TYPO")).first() is None
    # A group's own name that only starts like a district is no typo of it.
    # A word formed from a district's name ("SSP Spånga Tenstas") is no typo of it either.
    assert "Menade du" not in router.execute(admin, "koppla SSP Spånga Tenstas").plain()
    reply = router.execute(admin, "koppla Grupp Kung Kungsholmen")
    assert not reply.failed, reply.plain()
    assert "Kanalen hör nu till Grupp Kung i Åtgärdsplan 2025, Kungsholmen." in reply.plain()


def test_koppla_with_a_misspelt_district_where_there_is_only_one(
    session_factory, imported_plan, make_ctx
) -> None:  # type: ignore[no-untyped-def]
    reply = router.execute(make_ctx(user="UADMIN", channel="C-ONE"), "koppla EST Kungsholmn")
    assert reply.failed
    assert "Menade du Kungsholmen? Skriv i så fall `/atgard koppla EST Kungsholmen`." in (
        reply.plain()
    )
