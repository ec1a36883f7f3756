"""The weekly digest: content, size, and delivery at the right local time over DST."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from models.groups import bind_channel
from models.replies import Visibility
from models.tables import FollowUp, Group, Measure, Meeting, Plan, Reminder
from reminders import dispatcher
from reminders.digest import MAX_NEEDS, build_digest, build_digests
from reminders.dispatcher import scan
from reminders.planner import plan_reminders
from tests.conftest import import_example_plan
from tests.reminders.support import Bound, RecordingNotifier, plan_meeting, rows, utc

NOW = utc(2025, 4, 22, 6, 0)  # Tuesday 22 April 08.00 CEST (Monday was Annandag påsk)


def _digest(session_factory, bound: Bound, now=NOW):  # type: ignore[no-untyped-def]
    with session_factory() as s:
        group = s.get(Group, bound.ssp.id)
        plan = s.get(Plan, bound.plan.id)
        return build_digest(session=s, group=group, plan=plan, now=now)  # type: ignore[arg-type]


def test_digest_content(session_factory, bound: Bound) -> None:
    plan_meeting(session_factory, bound.ssp, date(2025, 4, 23), "08:30")
    plan_meeting(session_factory, bound.ssp, date(2025, 4, 30))  # next week: not listed
    with session_factory.begin() as s:
        m = s.exec(select(Measure).where(Measure.ref == "1.2")).one()
        s.add(
            FollowUp(
                measure_id=m.id,
                period="2025-T1",
                verdict="delvis",
                text="Två möten hölls.",
                created_at=utc(2025, 4, 17, 9, 0),
            )
        )  # type: ignore[arg-type]
        s.add(
            FollowUp(
                measure_id=m.id,
                period="2025-T1",
                verdict="delvis",
                text="Gammal.",
                created_at=utc(2025, 3, 1, 9, 0),
            )
        )  # type: ignore[arg-type]
        s.add(
            Meeting(
                group_id=bound.ssp.id, held_on=date(2025, 4, 16), created_at=utc(2025, 4, 16, 12, 0)
            )
        )  # type: ignore[arg-type]
    reply = _digest(session_factory, bound)
    assert reply.title == "📊 Veckobrev v. 17 – SSP"
    assert reply.visibility is Visibility.CHANNEL
    headings = [s.heading for s in reply.sections]
    assert headings == [
        "Läget per område",
        "Behöver uppföljning (2025-T1)",
        "Veckans möten (v. 17)",
        "Sedan förra veckan",
    ]
    progress, needs, meetings, since = (s.text for s in reply.sections)
    assert progress.startswith("Hela planen: ▱▱▱▱▱▱▱▱▱▱ 0 av 16 klara")
    assert "1. Unga i riskzon för destruktivt beteende" in progress
    assert "3. Systemhotande brottslighet\ninga åtgärder" in progress
    assert "0 av 5 klara · 1 i fas · 1 ligger efter · 3 ej bedömda" in progress
    # SSP's own measure first; 1.2 (linjearbete) has a T1 follow-up: not listed.
    needs_lines = needs.splitlines()
    assert needs_lines[0].startswith("🔴 1.3 SSP:")
    assert not any(line.split(" ")[1] == "1.2" for line in needs_lines[:MAX_NEEDS])
    assert needs_lines[-1].startswith("… och ") and "/atgard lista" in needs_lines[-1]
    assert meetings == "ons 2025-04-23 kl. 08.30"
    assert since.splitlines() == [
        "1.2 uppföljning 2025-T1 (delvis), 2025-04-17",
        "Möte loggat i SSP, 2025-04-16",
    ]
    assert "Åtgärdsplan 2025, Kungsholmen" in (reply.context or "")


def test_digest_fits_a_phone_and_block_kit(session_factory, bound: Bound) -> None:
    reply = _digest(session_factory, bound)
    assert len(reply.sections) <= 5  # title + sections + footer stays far below 50 blocks
    for section in reply.sections:
        assert len(section.text) < 3000  # Slack's section text limit
        assert len(section.text.splitlines()) <= 2 * 6 + 1
        assert not section.buttons


def test_progress_bar_fills_with_done_measures(session_factory, bound: Bound) -> None:
    with session_factory.begin() as s:
        for m in s.exec(select(Measure).where(Measure.plan_id == bound.plan.id)):
            if m.ref.startswith("5."):
                s.add(
                    FollowUp(
                        measure_id=m.id,
                        period="2025-T1",
                        verdict="uppfyllt",
                        text="Klart.",
                        created_at=utc(2025, 4, 1),
                    )
                )  # type: ignore[arg-type]
    progress = _digest(session_factory, bound).sections[0].text
    assert "5. Kriminella miljöer och livsstilar\n▰▰▰▰▰▰▰▰▰▰ 2 av 2 klara" in progress
    assert progress.startswith("Hela planen: ▰▱▱▱▱▱▱▱▱▱ 2 av 16 klara")


def test_no_meetings_and_no_news(session_factory, bound: Bound) -> None:
    reply = _digest(session_factory, bound)
    assert reply.sections[2].text == "Inga planerade möten den här veckan."
    assert reply.sections[3].text == "Inga nya uppföljningar eller möten har loggats."


def test_digest_is_delivered_at_0800_local_on_both_sides_of_dst(
    session_factory, settings, notifier, bound: Bound
) -> None:
    with session_factory.begin() as s:
        plan_reminders(session=s, now=utc(2025, 3, 20, 12, 0), settings=settings)

    def digests() -> list[str]:
        return [
            x.reply.title or ""
            for x in notifier.to("#CSSP")
            if "Veckobrev" in (x.reply.title or "")
        ]

    for before, at, week in (
        (utc(2025, 3, 24, 6, 59), utc(2025, 3, 24, 7, 0), "v. 13"),  # CET
        (
            utc(2025, 3, 31, 5, 59),
            utc(2025, 3, 31, 6, 0),
            "v. 14",
        ),  # CEST, the day after the change
    ):
        scan(session_factory=session_factory, notifier=notifier, now=before, settings=settings)
        assert not any(week in t for t in digests())
        scan(session_factory=session_factory, notifier=notifier, now=at, settings=settings)
        assert any(t == f"📊 Veckobrev {week} – SSP" for t in digests())
    with session_factory() as s:
        sent = s.exec(
            select(Reminder).where(Reminder.kind == "digest", Reminder.channel_id == "CSSP")
        ).all()
    assert {r.sent_at for r in sent if r.status == "sent"} == {
        utc(2025, 3, 24, 7, 0),
        utc(2025, 3, 31, 6, 0),
    }, [(r.key, r.status, r.sent_at) for r in sent]


def test_autumn_digest_after_dst_ends(session_factory, settings, notifier, bound: Bound) -> None:
    with session_factory.begin() as s:
        plan_reminders(session=s, now=utc(2025, 10, 22, 12, 0), settings=settings)
    scan(
        session_factory=session_factory,
        notifier=notifier,
        now=utc(2025, 10, 27, 6, 59),
        settings=settings,
    )
    assert not [x for x in notifier.to("#CEST") if "Veckobrev" in (x.reply.title or "")]
    scan(
        session_factory=session_factory,
        notifier=notifier,
        now=utc(2025, 10, 27, 7, 0),
        settings=settings,
    )
    assert [
        x.reply.title for x in notifier.to("#CEST") if "Veckobrev" in (x.reply.title or "")
    ] == ["📊 Veckobrev v. 44 – EST"]


def test_unbound_channel_gets_no_digest(session_factory, settings, notifier, bound: Bound) -> None:
    with session_factory.begin() as s:
        plan_reminders(session=s, now=utc(2025, 5, 1, 12, 0), settings=settings)
        g = s.get(Group, bound.est.id)
        assert g is not None
        g.channel_id = None
        g.platform = None
    due = min(r.due_at for r in rows(session_factory, "digest"))
    result = scan(
        session_factory=session_factory,
        notifier=notifier,
        now=due + timedelta(minutes=1),
        settings=settings,
    )
    assert [x.target for x in notifier.sent if "Veckobrev" in (x.reply.title or "")] == ["#CSSP"]
    assert any(k.startswith("digest|slack|#CEST") for k in result.dropped)


def test_channel_unbound_during_the_scan_gets_no_digest(
    session_factory, settings, bound: Bound, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan builds its digests before sending; the binding is read again at each claim
    (each batch of CLAIM_ROWS rows: one row a batch here, so the second digest's claim comes
    after the first digest's post)."""
    monkeypatch.setattr(dispatcher, "CLAIM_ROWS", 1)
    with session_factory.begin() as s:
        plan_reminders(session=s, now=utc(2025, 5, 1, 12, 0), settings=settings)

    class UnbindsTheOther(RecordingNotifier):
        def post(self, **kw) -> None:  # type: ignore[no-untyped-def]
            super().post(**kw)
            if "Veckobrev" in (kw["reply"].title or "") and len(self.sent) == 1:
                other = bound.est.id if kw["channel_id"] == "CSSP" else bound.ssp.id
                with session_factory.begin() as s:
                    g = s.get(Group, other)
                    assert g is not None
                    g.channel_id = None
                    g.platform = None

    notifier = UnbindsTheOther()
    due = min(r.due_at for r in rows(session_factory, "digest"))
    result = scan(
        session_factory=session_factory,
        notifier=notifier,
        now=due + timedelta(minutes=1),
        settings=settings,
    )
    digests = [x for x in notifier.sent if "Veckobrev" in (x.reply.title or "")]
    assert len(digests) == 1
    assert [k for k in result.dropped if k.startswith("digest|")] != []


def test_digest_after_the_plans_year_asks_for_the_year_end_follow_ups(
    session_factory, bound: Bound
) -> None:
    """In January the year-end report (T3) is written, and /atgard uppfolj records T3: the
    digest lists the measures still lacking it, not only those behind."""
    with session_factory.begin() as s:
        m = s.exec(select(Measure).where(Measure.ref == "1.2")).one()
        s.add(
            FollowUp(
                measure_id=m.id,
                period="2025-T3",
                verdict="delvis",
                text="Året sammanfattat.",
                created_at=utc(2026, 1, 2, 9, 0),
            )
        )  # type: ignore[arg-type]
    reply = _digest(session_factory, bound, now=utc(2026, 1, 12, 7, 0))
    needs = reply.sections[1]
    assert needs.heading == "Behöver uppföljning (2025-T3)"
    refs = [line.split(" ")[1] for line in needs.text.splitlines() if not line.startswith("…")]
    assert "1.4" in refs  # linjearbete without a year-end follow-up
    assert "1.2" not in refs  # has one


def test_digest_in_january_after_the_year_says_the_plan_is_over(
    session_factory, bound: Bound
) -> None:
    during = _digest(session_factory, bound, now=utc(2025, 12, 15, 7, 0))
    assert len(during.sections) == 4
    january = _digest(session_factory, bound, now=utc(2026, 1, 26, 7, 0))
    over = january.sections[-1]
    assert over.heading == "Planen för 2025 är avslutad"
    assert "årsuppföljningen (2025-T3)" in over.text
    assert "slutar efter 2026-01-31" in over.text
    assert "planen för 2026" in over.text and "/atgard koppla" in over.text


def test_a_finished_plans_digests_end_after_january(
    session_factory, settings, notifier, bound: Bound
) -> None:
    """A channel still bound to last year's plan gets the January digests (the year-end
    follow-ups are written then), and none after: not a weekly post about a closed plan for
    ever. A row planned before the end is dropped, not posted."""
    with session_factory.begin() as s:
        plan_reminders(session=s, now=utc(2026, 1, 20, 12, 0), settings=settings)
    planned = sorted(
        r.occurrence for r in rows(session_factory, "digest") if r.channel_id == "CSSP"
    )
    assert planned == ["2026-W05"]  # Monday 26 January; 2 February is after the end
    # A row left from before (planned by an older version, or by hand) for 2 February.
    with session_factory.begin() as s:
        late = s.exec(select(Reminder).where(Reminder.occurrence == "2026-W05")).first()
        assert late is not None
        s.add(
            Reminder(
                **{
                    **late.model_dump(exclude={"id", "key"}),
                    "key": late.key.replace("2026-W05", "2026-W06"),
                    "occurrence": "2026-W06",
                    "due_at": utc(2026, 2, 2, 7, 0),
                    "stale_at": utc(2026, 2, 4, 7, 0),
                }
            )
        )
    scan(
        session_factory=session_factory,
        notifier=notifier,
        now=utc(2026, 1, 26, 7, 0),
        settings=settings,
    )
    scan(
        session_factory=session_factory,
        notifier=notifier,
        now=utc(2026, 2, 2, 7, 0),
        settings=settings,
    )
    titles = [x.reply.title for x in notifier.to("#CSSP") if "Veckobrev" in (x.reply.title or "")]
    assert titles == ["📊 Veckobrev v. 5 – SSP"]
    with session_factory() as s:
        after = s.exec(select(Reminder).where(Reminder.occurrence == "2026-W06")).all()
    assert after and all(r.status != "pending" and r.sent_at is None for r in after)
    with session_factory.begin() as s:
        plan_reminders(session=s, now=utc(2026, 3, 2, 12, 0), settings=settings)
    assert not [r for r in rows(session_factory, "digest") if r.occurrence >= "2026-W07"]


def test_in_the_week_after_a_tertial_the_digest_asks_for_its_follow_ups(
    session_factory, bound: Bound
) -> None:
    """Monday 5 May: tertialrapport 1 is being written, so T1's gaps; a week later T2's."""
    early_may = _digest(session_factory, bound, now=utc(2025, 5, 5, 6, 0))
    assert early_may.sections[1].heading == "Behöver uppföljning (2025-T1)"
    later = _digest(session_factory, bound, now=utc(2025, 5, 12, 6, 0))
    assert later.sections[1].heading == "Behöver uppföljning (2025-T2)"


def test_januarys_digest_of_the_new_plan_asks_for_last_years_year_end_follow_ups(
    session_factory, bound: Bound
) -> None:
    """#CSSP was bound to the 2026 plan in December; in January the 2025 year-end report is
    written, and the 2025 digests no longer reach the channel: the new one says what is left."""
    with session_factory.begin() as s:
        new = import_example_plan(s, district="Kungsholmen", year=2026, today=date(2025, 12, 15))
        bind_channel(
            session=s, plan=new, name="SSP", platform="slack", channel_id="CSSP", actor=None
        )

    def digest(now):  # type: ignore[no-untyped-def]
        with session_factory() as s:
            group = s.exec(select(Group).where(Group.channel_id == "CSSP")).one()
            plan = s.get(Plan, group.plan_id)
            single = build_digest(session=s, group=group, plan=plan, now=now)  # type: ignore[arg-type]
            batch = build_digests(session=s, groups_with_plans=[(group, plan)], now=now)  # type: ignore[list-item]
        assert batch[group.id] == single  # type: ignore[index]
        return single

    january = digest(utc(2026, 1, 12, 7, 0))
    year_end = january.sections[-1]
    assert year_end.heading == "Årsuppföljning för 2025"
    assert year_end.text.startswith("1 åtgärd i SSP saknar uppföljning för 2025-T3")
    assert ": 1.3." in year_end.text and "/atgard uppfolj 1.3 2025-T3" in year_end.text
    with session_factory.begin() as s:
        old = s.exec(
            select(Measure).where(Measure.plan_id == bound.plan.id, Measure.ref == "1.3")
        ).one()
        s.add(FollowUp(measure_id=old.id, period="2025-T3", verdict="delvis", text="Året."))  # type: ignore[arg-type]
    assert all(
        "Årsuppföljning" not in (x.heading or "") for x in digest(utc(2026, 1, 19, 7, 0)).sections
    )
    with session_factory.begin() as s:
        s.delete(s.exec(select(FollowUp).where(FollowUp.period == "2025-T3")).one())
    february = digest(utc(2026, 2, 2, 7, 0))
    assert all("Årsuppföljning" not in (x.heading or "") for x in february.sections)
