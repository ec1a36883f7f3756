"""SQLModel tables: the action plan, its follow-up, groups, meetings, reminders and audit.

The bot stores measures and aggregated facts, never individuals: the only person-related
values are chat account ids (to address reminders and to audit who changed what).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class Verdict(StrEnum):
    UPPFYLLT = "uppfyllt"
    DELVIS = "delvis"
    EJ_UPPFYLLT = "ej_uppfyllt"
    PAGAENDE = "pagaende"
    EJ_BEDOMD = "ej_bedomd"


class MeasureKind(StrEnum):
    PUNKTINSATS = "punktinsats"
    LINJEARBETE = "linjearbete"
    ATERKOMMANDE = "aterkommande"
    OKAND = "okand"


class MeasureStatus(StrEnum):
    ACTIVE = "aktiv"
    DONE = "klar"


class GroupKind(StrEnum):
    SSP = "SSP"
    EST = "EST"
    TRYGGHETSRAD = "trygghetsrad"
    OTHER = "annan"


def _ts(nullable: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(UTCDateTime(), nullable=nullable)


class Plan(SQLModel, table=True):
    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("district", "year", name="uq_plan_district_year"),)

    id: int | None = Field(default=None, primary_key=True)
    district: str = Field(max_length=200)
    year: int
    title: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    # Bumped in the same transaction as any change to the plan's contents (models.revision),
    # so a cached reading of the plan is valid exactly while the revision is unchanged.
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class PriorityArea(SQLModel, table=True):
    __tablename__ = "priority_area"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_area_plan_number"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    number: int
    name: str = Field(max_length=300)


class Group(SQLModel, table=True):
    """A collaboration group (SSP, EST, safety council …), optionally bound to a chat channel."""

    __tablename__ = "collab_group"
    __table_args__ = (
        UniqueConstraint("plan_id", "name", name="uq_group_plan_name"),
        UniqueConstraint("platform", "channel_id", name="uq_group_channel"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    name: str = Field(max_length=100)
    kind: str = Field(default=GroupKind.OTHER, max_length=20)
    platform: str | None = Field(default=None, max_length=20)
    channel_id: str | None = Field(default=None, max_length=64)
    reminder_days_before: int = 3
    digest_weekday: int = 0
    digest_time: str = Field(default="08:00", max_length=5)
    avoid_school_holidays: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Measure(SQLModel, table=True):
    __tablename__ = "measure"
    __table_args__ = (UniqueConstraint("plan_id", "ref", name="uq_measure_plan_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    area_id: int = Field(foreign_key="priority_area.id", index=True)
    group_id: int | None = Field(default=None, foreign_key="collab_group.id", index=True)
    ref: str = Field(max_length=20)  # "<area>.<row>", stable across re-imports
    position: int  # row number within the area, 1-based
    problem: str | None = Field(default=None, sa_column=Column(Text))
    cause: str | None = Field(default=None, sa_column=Column(Text))
    description: str | None = Field(default=None, sa_column=Column(Text))
    goal: str | None = Field(default=None, sa_column=Column(Text))
    when_text: str | None = Field(default=None, sa_column=Column(Text))
    responsible_text: str | None = Field(default=None, sa_column=Column(Text))
    kind: str = Field(default=MeasureKind.OKAND, max_length=20)
    rhythm_override: str | None = Field(default=None, max_length=100)
    status: str = Field(default=MeasureStatus.ACTIVE, max_length=20)
    done_on: date | None = None
    source_sheet: str | None = Field(default=None, max_length=100)
    source_row: int | None = None
    # The Stockholm day a re-import brought the measure into the plan; None for a measure of
    # the plan as first read in (as adopted), which belongs to every period of the year.
    # A report "per 30 April" leaves out measures added after that day.
    added_on: date | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class FollowUp(SQLModel, table=True):
    __tablename__ = "follow_up"
    __table_args__ = (Index("ix_follow_up_measure_period", "measure_id", "period", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    period: str = Field(max_length=10)  # "2025-T1"
    verdict: str = Field(default=Verdict.EJ_BEDOMD, max_length=20)
    text: str = Field(sa_column=Column(Text, nullable=False))
    author_id: str | None = Field(default=None, max_length=64)
    author_name: str | None = Field(default=None, max_length=200)
    source: str = Field(default="chat", max_length=20)  # chat | import
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Occurrence(SQLModel, table=True):
    """One performed instance of a measure (a safety walk held, a one-off ticked off)."""

    __tablename__ = "occurrence"

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    occurred_on: date = Field(index=True)
    note: str | None = Field(default=None, sa_column=Column(Text))
    author_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="collab_group.id", index=True)
    held_on: date = Field(index=True)
    organisations: str | None = Field(default=None, sa_column=Column(Text))
    notes: str | None = Field(default=None, sa_column=Column(Text))
    decisions: str | None = Field(default=None, sa_column=Column(Text))
    author_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class MeetingMeasure(SQLModel, table=True):
    __tablename__ = "meeting_measure"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", primary_key=True, index=True)


class PlannedMeeting(SQLModel, table=True):
    """A meeting on the group's calendar (entered, or spread from the rhythm)."""

    __tablename__ = "planned_meeting"
    __table_args__ = (UniqueConstraint("group_id", "planned_on", name="uq_planned_group_date"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="collab_group.id", index=True)
    planned_on: date = Field(index=True)
    start_time: str | None = Field(default=None, max_length=5)  # "08:30" local
    title: str | None = Field(default=None, max_length=200)
    source: str = Field(default="manual", max_length=10)  # manual | auto


class Assignment(SQLModel, table=True):
    """A chat account assigned to a measure so reminders can reach it (the plan's Vem text stays)."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("measure_id", "platform", "user_id", name="uq_assignment"),)

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    platform: str = Field(default="slack", max_length=20)
    user_id: str = Field(max_length=64, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Reminder(SQLModel, table=True):
    """A due message. The row is the truth: one periodic job scans pending rows and sends.

    `key` is (kind, target, occurrence) joined, unique, so the same reminder can never be
    created or delivered twice, across crashes and replicas.
    """

    __tablename__ = "reminder"
    __table_args__ = (Index("ix_reminder_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, unique=True)
    kind: str = Field(max_length=20)  # meeting | recurring | tertial | tertial_gaps | digest
    platform: str = Field(default="slack", max_length=20)
    channel_id: str | None = Field(default=None, max_length=64)
    user_id: str | None = Field(default=None, max_length=64)
    group_id: int | None = Field(default=None, foreign_key="collab_group.id", index=True)
    measure_id: int | None = Field(default=None, foreign_key="measure.id")
    occurrence: str = Field(max_length=60)  # e.g. "2025-03-12", "2025-W18", "2025-T1"
    due_at: datetime = Field(sa_column=_ts())
    stale_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    status: str = Field(
        default="pending", max_length=12
    )  # pending | sending | sent | failed | dropped
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    sent_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class DeliveryPause(SQLModel, table=True):
    """Outgoing messages to a chat platform are paused: the bot lost access to the workspace
    (the app was uninstalled, its token revoked, or the platform refuses the token). Reminder
    rows of that platform wait as they are (pending) until access is back (models.access)."""

    __tablename__ = "delivery_pause"

    platform: str = Field(primary_key=True, max_length=20)
    cause: str = Field(max_length=200)  # why, for the log and the audit trail
    paused_at: datetime = Field(sa_column=_ts())
    checked_at: datetime = Field(sa_column=_ts())  # when access was last found still lost


class ProcessedRequest(SQLModel, table=True):
    """Idempotency keys for chat requests (Slack retries, double-submitted modals)."""

    __tablename__ = "processed_request"

    key: str = Field(primary_key=True, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class AuditEvent(SQLModel, table=True):
    """Append-only record of every change and refusal. The app never updates or deletes rows."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    actor_id: str | None = Field(default=None, max_length=64)
    actor_name: str | None = Field(default=None, max_length=200)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: str | None = Field(default=None, max_length=60)
    before: str | None = Field(default=None, sa_column=Column(Text))  # JSON
    after: str | None = Field(default=None, sa_column=Column(Text))  # JSON
    at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True)
    )
