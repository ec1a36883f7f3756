"""A bound channel that is gone for the bot (archived, deleted, the bot removed from a private
one): the first message that cannot reach it lets the channel's group go, so no digest or
reminder is planned there again and the coordinators hear it once, with what to do."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from models.notify import DeliveryFailed
from models.tables import AuditEvent, Group, Reminder
from reminders.dispatcher import scan
from reminders.planner import plan_reminders
from tests.reminders.support import plan_meeting, rows, utc

MEETING = date(2025, 4, 23)
DUE = utc(2025, 4, 16, 6, 0)  # the meeting reminder, Wednesday 08.00


def _gone(reason: str = "is_archived") -> DeliveryFailed:
    return DeliveryFailed(
        reason, permanent=True, explanation="kanalen är arkiverad", conversation_gone=True
    )


@pytest.fixture
def planned(session_factory, settings, bound):  # type: ignore[no-untyped-def]
    """SSP's meeting on 2025-04-23 and the reminders planned on 2025-04-10; the settings with a
    coordinator to report to."""
    settings = settings.model_copy(update={"admin_user_ids": ["UADMIN"]})
    plan_meeting(session_factory, bound.ssp, MEETING, "09:30")
    with session_factory.begin() as s:
        plan_reminders(session=s, now=utc(2025, 4, 10, 8, 0), settings=settings)
    return settings


def test_the_channels_group_is_let_go_once_and_nothing_more_is_sent_there(
    session_factory, planned, notifier, bound
) -> None:  # type: ignore[no-untyped-def]
    settings = planned
    waiting = [r for r in rows(session_factory) if r.channel_id == "CSSP" and r.due_at > DUE]
    assert waiting  # later messages for the channel (the weekly digests)
    notifier.fail["#CSSP"] = _gone()

    scan(session_factory=session_factory, notifier=notifier, now=DUE, settings=settings)

    with session_factory() as s:
        ssp = s.get(Group, bound.ssp.id)
        est = s.get(Group, bound.est.id)
        assert ssp is not None and est is not None
        assert (ssp.platform, ssp.channel_id) == (None, None)
        assert est.channel_id == "CEST"  # another channel's group is untouched
        (event,) = s.exec(select(AuditEvent).where(AuditEvent.action == "frikopplad")).all()
        assert event.entity_id == "SSP" and "CSSP" in (event.before or "")
        later = s.exec(
            select(Reminder).where(Reminder.channel_id == "CSSP", Reminder.due_at > DUE)
        ).all()
    assert later and {r.status for r in later} == {"dropped"}
    # The person responsible still gets the meeting reminder by direct message.
    assert notifier.to("@UANNA")
    (report,) = notifier.to("@UADMIN")
    text = " ".join(report.reply.plain().split())
    assert "kanalen är arkiverad (is_archived)" in text
    assert "SSP är därför inte längre kopplad till kanalen" in text
    assert "`/atgard koppla SSP`" in text

    # Weeks later nothing is planned for the channel, and nobody hears of it again.
    for week in range(1, 4):
        now = DUE + timedelta(weeks=week)
        with session_factory.begin() as s:
            plan_reminders(session=s, now=now, settings=settings)
        scan(session_factory=session_factory, notifier=notifier, now=now, settings=settings)
    assert not [
        r for r in rows(session_factory) if r.channel_id == "CSSP" and r.status == "pending"
    ]
    assert len(notifier.to("@UADMIN")) == 1
    assert notifier.to("#CEST")  # EST's digests go on


def test_a_failure_that_can_be_mended_keeps_the_binding(
    session_factory, planned, notifier, bound
) -> None:  # type: ignore[no-untyped-def]
    """not_in_channel: inviting the bot mends it. The report says so; the group stays bound."""
    settings = planned
    notifier.fail["#CSSP"] = DeliveryFailed(
        "not_in_channel", permanent=True, explanation="boten är inte med i kanalen"
    )
    scan(session_factory=session_factory, notifier=notifier, now=DUE, settings=settings)
    with session_factory() as s:
        ssp = s.get(Group, bound.ssp.id)
        assert ssp is not None and ssp.channel_id == "CSSP"
    (report,) = notifier.to("@UADMIN")
    assert "Kontrollera att kanalen finns kvar och att boten är med i den." in report.reply.plain()
