"""A channel bound to a new group (next year's plan read in, `/atgard koppla SSP` again):
its reminders follow it. The rows already planned for the channel belonged to the old group."""

from __future__ import annotations

from datetime import date

from models.groups import bind_channel
from reminders.service import start_scheduler
from tests.conftest import import_example_plan
from tests.reminders.support import Bound, RecordingNotifier, rows, utc
from tests.reminders.test_scheduler import wait_for


def test_digests_follow_a_channel_bound_to_next_years_plan(
    runtime, notifier: RecordingNotifier, clock, bound: Bound
) -> None:
    sf = runtime.session_factory
    clock.set(utc(2026, 1, 7, 12, 0))  # Wednesday; the 2025 groups' digests are planned
    handle = start_scheduler(runtime, notifier, clock=clock, scan_interval=3600)
    try:
        assert wait_for(lambda: any(r.occurrence == "2026-W04" for r in rows(sf, "digest")))
        with sf.begin() as s:
            plan = import_example_plan(s, district="Kungsholmen", year=2026, today=date(2026, 1, 7))
            bind_channel(
                session=s, plan=plan, name="SSP", platform="slack", channel_id="CSSP", actor=None
            )
            title = plan.title
        clock.set(utc(2026, 1, 26, 7, 0))  # fast-forward three Mondays, 08.00 CET
        handle.run_now()
    finally:
        handle.shutdown()
    digests = [s.reply for s in notifier.to("#CSSP") if "Veckobrev" in (s.reply.title or "")]
    assert [d.title for d in digests] == [
        "📊 Veckobrev v. 3 – SSP",
        "📊 Veckobrev v. 4 – SSP",
        "📊 Veckobrev v. 5 – SSP",
    ]
    assert all(title in (d.context or "") for d in digests)
