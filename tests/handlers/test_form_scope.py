"""A submitted form acts where it was opened: its metadata cannot point it at another plan."""

from __future__ import annotations

from datetime import date

from sqlmodel import func, select

from handlers.router import execute, submit
from models.replies import ModalId
from models.tables import AuditEvent, FollowUp, Measure
from tests.conftest import import_example_plan


def test_a_follow_up_form_cannot_be_pointed_at_another_plan(
    make_ctx, imported_plan, session_factory
) -> None:  # type: ignore[no-untyped-def]
    execute(make_ctx(channel="C-SSP"), "koppla SSP")
    with session_factory.begin() as s:  # another municipality's plan, read in later
        other = import_example_plan(s, district="Solna", year=2025, today=date(2025, 4, 22))
    form = execute(make_ctx(user="UMEMBER", channel="C-SSP"), "uppfolj 1.1").form
    assert form is not None and form.metadata["plan_id"] == str(imported_plan.id)
    with session_factory.begin() as s:  # 1.1 has no group in the other plan: anyone's, there
        assert (
            s.exec(
                select(Measure.group_id).where(Measure.plan_id == other.id, Measure.ref == "1.1")
            ).one()
            is None
        )
    reply = submit(
        make_ctx(user="UMEMBER", channel="C-SSP"),
        ModalId.FOLLOW_UP,
        {**form.metadata, "plan_id": str(other.id)},
        {"verdict": "delvis", "text": "Tre möten hölls."},
    )
    assert "öppna det igen" in reply.errors["text"]
    with session_factory.begin() as s:
        assert s.exec(select(func.count()).select_from(FollowUp)).one() == 0
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "uppfoljning")).all() == []
    # The form as it was opened still works.
    saved = submit(
        make_ctx(user="UMEMBER", channel="C-SSP"),
        ModalId.FOLLOW_UP,
        form.metadata,
        {"verdict": "delvis", "text": "Tre möten hölls."},
    )
    assert not saved.errors and "sparad" in (saved.title or "")
