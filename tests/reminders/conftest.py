"""Fixtures for the reminder tests: a plan with bound groups and a recording Notifier."""

from __future__ import annotations

import pytest

from bot.db import SessionFactory
from bot.runtime import Runtime
from models.groups import bind_channel
from models.measures import get_measure
from models.tables import Assignment, Plan
from tests.reminders.support import Bound, RecordingNotifier


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def bound(session_factory: SessionFactory, imported_plan: Plan) -> Bound:
    """The 2025 plan with SSP bound to #CSSP (measure 1.3, assigned to UANNA) and EST to #CEST
    (measure 2.2, assigned to UBO)."""
    with session_factory.begin() as s:
        plan = s.get(Plan, imported_plan.id)
        assert plan is not None
        ssp, _ = bind_channel(
            session=s, plan=plan, name="SSP", platform="slack", channel_id="CSSP", actor=None
        )
        est, _ = bind_channel(
            session=s, plan=plan, name="EST", platform="slack", channel_id="CEST", actor=None
        )
        for ref, user in (("1.3", "UANNA"), ("2.2", "UBO")):
            m = get_measure(session=s, plan_id=plan.id, ref=ref)  # type: ignore[arg-type]
            s.add(Assignment(measure_id=m.id, user_id=user))  # type: ignore[arg-type]
    return Bound(plan=plan, ssp=ssp, est=est)


@pytest.fixture
def runtime(settings, engine, session_factory) -> Runtime:  # type: ignore[no-untyped-def]
    return Runtime(settings=settings, engine=engine, session_factory=session_factory)
