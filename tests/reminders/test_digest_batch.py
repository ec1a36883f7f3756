"""build_digests (all channels at once) gives exactly build_digest's reply for every group,
in a number of queries that does not grow with the number of groups."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event
from sqlmodel import select

from bench.generate import Scale, generate
from models.tables import FollowUp, Group, Measure, Meeting, Occurrence, Plan
from reminders.digest import build_digest, build_digests
from reminders.planner import bound_groups
from tests.reminders.support import Bound, plan_meeting, utc

NOW = utc(2025, 4, 22, 6, 0)


def _per_group(session_factory, now=NOW):  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return {
            g.id: build_digest(session=s, group=g, plan=p, now=now)
            for g, p in bound_groups(session=s)
        }


def _batch(session_factory, now=NOW):  # type: ignore[no-untyped-def]
    with session_factory() as s:
        return build_digests(session=s, groups_with_plans=bound_groups(session=s), now=now)


def test_batch_equals_per_group_on_the_imported_plan(session_factory, bound: Bound) -> None:
    plan_meeting(session_factory, bound.ssp, date(2025, 4, 23), "08:30")
    plan_meeting(session_factory, bound.est, date(2025, 4, 24))
    with session_factory.begin() as s:
        measures = list(s.exec(select(Measure).order_by(Measure.id)))  # type: ignore[arg-type]
        for i, m in enumerate(measures[:9]):
            s.add(
                FollowUp(
                    measure_id=m.id,  # type: ignore[arg-type]
                    period="2025-T1",
                    verdict=("delvis", "uppfyllt", "ej_uppfyllt")[i % 3],
                    text=f"Uppföljning {i}.",
                    created_at=utc(2025, 4, 16 + i % 5, 9, i),
                )
            )
        s.add(Occurrence(measure_id=measures[0].id, occurred_on=date(2025, 3, 3)))  # type: ignore[arg-type]
        s.add(
            Meeting(
                group_id=bound.ssp.id, held_on=date(2025, 4, 17), created_at=utc(2025, 4, 17, 12)
            )
        )  # type: ignore[arg-type]
    per_group = _per_group(session_factory)
    batch = _batch(session_factory)
    assert set(batch) == set(per_group) == {bound.ssp.id, bound.est.id}
    for gid, reply in per_group.items():
        assert batch[gid] == reply
    # The "since last week" section is not empty, so the comparison covers it.
    assert "uppföljning" in per_group[bound.ssp.id].sections[3].text


def test_batch_equals_per_group_around_the_digest_moment(session_factory, bound: Bound) -> None:
    """Follow-ups logged later that day or after it, and a recent one for another period:
    the batch's single follow-up read takes the same newest one, news and tertial gaps."""
    with session_factory.begin() as s:
        a, b, c = list(s.exec(select(Measure).order_by(Measure.id)))[:3]  # type: ignore[arg-type]
        for measure, period, verdict, at in (
            (a, "2025-T1", "delvis", utc(2025, 4, 16, 9)),
            (a, "2025-T1", "uppfyllt", utc(2025, 4, 23, 9)),  # after the digest's day
            (b, "2024-T3", "ej_uppfyllt", utc(2025, 4, 20, 9)),  # recent, another tertial
            (c, "2025-T1", "uppfyllt", utc(2025, 4, 22, 10)),  # later on the digest's day
        ):
            s.add(
                FollowUp(
                    measure_id=measure.id,  # type: ignore[arg-type]
                    period=period,
                    verdict=verdict,
                    text="Uppföljning.",
                    created_at=at,
                )
            )
    per_group = _per_group(session_factory)
    assert _batch(session_factory) == per_group
    since = per_group[bound.ssp.id].sections[3].text
    assert b.ref in since and c.ref not in since


def test_batch_keeps_each_groups_own_news_window(session_factory, bound: Bound) -> None:
    """Groups with different digest days see news since their own last digest: SSP's
    (Monday 14 April) includes Wednesday's follow-up, EST's (Thursday 17 April) does not."""
    with session_factory.begin() as s:
        est = s.get(Group, bound.est.id)
        assert est is not None
        est.digest_weekday = 3
        # Two measures: one measure's follow-ups of a week are one line (its latest).
        for day, text, ref in ((16, "Onsdag.", "1.2"), (18, "Fredag.", "1.3")):
            m = s.exec(select(Measure).where(Measure.ref == ref)).one()
            s.add(
                FollowUp(
                    measure_id=m.id,  # type: ignore[arg-type]
                    period="2025-T1",
                    verdict="delvis",
                    text=text,
                    created_at=utc(2025, 4, day, 9),
                )
            )
    per_group = _per_group(session_factory)
    assert _batch(session_factory) == per_group
    ssp_news = per_group[bound.ssp.id].sections[3].text
    est_news = per_group[bound.est.id].sections[3].text
    assert "2025-04-16" in ssp_news and "2025-04-18" in ssp_news
    assert "2025-04-16" not in est_news and "2025-04-18" in est_news


def test_batch_equals_per_group_on_generated_plans(session_factory) -> None:
    engine = session_factory.kw["bind"]
    generate(engine, Scale(municipalities=4, measures=12, years=2, channels=14))
    with session_factory.begin() as s:
        # A plan of another year and a group meeting this week make the data less uniform.
        plan = s.get(Plan, 4)
        assert plan is not None
        plan.year = 2024
        s.add(plan)
        g = s.exec(select(Group).where(Group.plan_id == 1)).first()
        assert g is not None
    plan_meeting(session_factory, g, date(2025, 4, 23), "13:00")
    per_group = _per_group(session_factory)
    batch = _batch(session_factory)
    assert len(per_group) == 14
    assert batch == per_group


def test_batch_query_count_does_not_grow_with_groups(session_factory) -> None:
    engine = session_factory.kw["bind"]
    generate(engine, Scale(municipalities=6, measures=12, years=1, channels=18))
    counted: list[str] = []

    def count(*_args: object) -> None:
        counted.append("q")

    with session_factory() as s:
        pairs = bound_groups(session=s)
        event.listen(engine, "before_cursor_execute", count)
        try:
            build_digests(session=s, groups_with_plans=pairs[:2], now=NOW)
            few = len(counted)
            counted.clear()
            build_digests(session=s, groups_with_plans=pairs, now=NOW)
            many = len(counted)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert few == many <= 9


def test_a_scan_sends_the_batched_digests_unchanged(
    session_factory, bound: Bound, settings, notifier
) -> None:  # type: ignore[no-untyped-def]
    """The Monday peak: the scan builds its due digests together; each equals build_digest."""
    from sqlalchemy import Engine

    from reminders.dispatcher import scan
    from reminders.planner import plan_reminders

    with session_factory.begin() as s:
        plan_reminders(session=s, now=utc(2025, 4, 14, 6, 0), settings=settings)
    expected = _per_group(session_factory)
    engine: Engine = session_factory.kw["bind"]
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        result = scan(
            session_factory=session_factory, notifier=notifier, now=NOW, settings=settings
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)
    digests = [x for x in notifier.sent if "Veckobrev" in (x.reply.title or "")]
    assert {d.channel_id for d in digests} == {bound.ssp.channel_id, bound.est.channel_id}
    by_channel = {
        g.channel_id: gid for gid, g in ((bound.ssp.id, bound.ssp), (bound.est.id, bound.est))
    }
    for d in digests:
        assert d.reply == expected[by_channel[d.channel_id]]
    assert len(result.sent) >= 2
    # The batch's one follow-up read serves every group; one by one it is three per group.
    follow_up_reads = [q for q in statements if "FROM follow_up" in q]
    assert len(follow_up_reads) == 1
