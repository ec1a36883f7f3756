"""Decide which reminder rows should exist and insert them idempotently.

The row is the truth: the planner runs often (every 15 minutes and at start) and inserts
the rows due within the coming window; the unique `key` (kind, target, occurrence) makes
re-planning, restarts and several replicas harmless (INSERT … ON CONFLICT DO NOTHING).
What a reminder *says* is decided when it is sent (`reminders.compose`), so the planner
only decides who is reminded of what, and when.

Kinds:
  meeting       N working days before a planned meeting: the group's channel and a DM to
                each person assigned to one of the group's measures
  digest        weekly, per bound channel, at the group's weekday/time
  tertial       N working days before a tertial ends: DM to each assigned person
  tertial_gaps  the same day: the group's channel gets its list of gaps
  recurring     a recurring measure behind pace: the group's channel, once per ISO week
  failure_report  written by the dispatcher, not here: a permanent failure, DM to coordinators
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import insert, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from bot.config import Settings
from models.errors import ValidationError
from models.measures import list_measures, rhythm_of
from models.meetings import plan_meetings, planned_between
from models.progress import measure_states
from models.tables import (
    Assignment,
    Group,
    GroupKind,
    Measure,
    MeasureStatus,
    Plan,
    Reminder,
)
from reminders.calendar import (
    REPORTING_WINDOW,
    SchoolHoliday,
    default_school_holidays,
    digests_end,
    is_working_day,
    iso_week_label,
    next_working_day,
    previous_working_day,
    spread_meetings,
    tertial_end,
    working_days_before,
)
from reminders.rhythm import Pace, Rhythm, RhythmKind, expected_by

log = logging.getLogger(__name__)

HORIZON = timedelta(days=14)
MEETING_REMINDER_TIME = time(8, 0)  # local; also the assumed start of a meeting without a time
TERTIAL_NUDGE_TIME = time(8, 0)
BEHIND_TIME = time(9, 0)
BEHIND_LAST_HOUR = 16  # a behind-pace note found later than this waits for the next working day
DIGEST_STALE_AFTER = timedelta(days=2)
# Follow-ups for a tertial are written into the report in the days after it ends.
TERTIAL_STALE_AFTER = REPORTING_WINDOW
# Meetings a group holds per year when none of its measures has a counted rhythm
# (the domain's typical rhythms; a coordinator can always plan dates by hand).
DEFAULT_MEETINGS_PER_YEAR = {GroupKind.SSP: 8, GroupKind.EST: 24, GroupKind.TRYGGHETSRAD: 4}


class Kind(StrEnum):
    MEETING = "meeting"
    DIGEST = "digest"
    TERTIAL = "tertial"
    TERTIAL_GAPS = "tertial_gaps"
    RECURRING = "recurring"
    FAILURE_REPORT = "failure_report"


@dataclass(frozen=True)
class Planned:
    """A reminder row the planner wants to exist."""

    kind: Kind
    platform: str
    occurrence: str
    due_at: datetime
    stale_at: datetime | None
    channel_id: str | None = None
    user_id: str | None = None
    group_id: int | None = None
    measure_id: int | None = None

    @property
    def key(self) -> str:
        return reminder_key(
            self.kind,
            self.platform,
            channel_id=self.channel_id,
            user_id=self.user_id,
            scope=_scope(self),
            occurrence=self.occurrence,
        )


def _scope(p: Planned) -> str | None:
    if p.kind is Kind.RECURRING:
        return f"m{p.measure_id}"
    if p.kind is Kind.MEETING and p.user_id:
        return f"g{p.group_id}"  # one person can sit in several groups meeting the same day
    return None


def reminder_key(
    kind: str,
    platform: str,
    *,
    channel_id: str | None,
    user_id: str | None,
    scope: str | None,
    occurrence: str,
) -> str:
    """ "meeting|slack|#C1|2025-03-12", "meeting|slack|@U1|g3|2025-03-12" …"""
    target = f"#{channel_id}" if channel_id else f"@{user_id}"
    parts = [str(kind), platform, target, *([scope] if scope else []), occurrence]
    return "|".join(parts)


def local_at(day: date, hhmm: str | time, tz: ZoneInfo) -> datetime:
    """`day` at the local wall-clock time, as aware UTC (DST-correct via zoneinfo)."""
    t = hhmm if isinstance(hhmm, time) else parse_hhmm(hhmm)
    return datetime.combine(day, t, tzinfo=tz).astimezone(UTC)


def parse_hhmm(text: str | None, default: time = time(8, 0)) -> time:
    """ "08:00" or "08.00" -> time; anything else -> `default`."""
    try:
        h, m = (text or "").replace(".", ":").split(":")
        return time(int(h), int(m))
    except ValueError:
        return default


def iso_week_occurrence(d: date) -> str:
    """ "2025-W18" (ISO year and week)."""
    iso = d.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


_WEEK_KEY = re.compile(r"^(\d{4})-W(\d{2})$")


def occurrence_label(occurrence: str) -> str:
    """A reminder's occurrence as users read it: a week key ("2025-W17") as "v. 17"."""
    m = _WEEK_KEY.match(occurrence)
    if m is None:
        return occurrence
    return iso_week_label(date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))


# --------------------------------------------------------------------------- meeting calendar


def bound_groups(*, session: Session) -> list[tuple[Group, Plan]]:
    rows = session.exec(
        select(Group, Plan)
        .join(Plan, col(Plan.id) == Group.plan_id)
        .where(col(Group.channel_id).is_not(None), col(Group.platform).is_not(None))
        .order_by(col(Group.id))
    )
    return list(rows)


def meeting_rhythm(*, session: Session, group: Group, year: int) -> Rhythm | None:
    """The rhythm the group's meetings follow: its most frequent counted measure's."""
    best: Rhythm | None = None
    for m in list_measures(session=session, plan_id=group.plan_id, group_id=group.id):
        r = rhythm_of(m, year)
        counted = r.kind is RhythmKind.RECURRING and r.per_year
        if counted and (best is None or r.per_year > (best.per_year or 0)):  # type: ignore[operator]
            best = r
    return best


def meeting_breaks(rhythm: Rhythm | None, year: int) -> list[SchoolHoliday]:
    """Where meetings are not spread: the rhythm's breaks ("2 ggr/månad utom juli")."""
    if rhythm is None:
        return []
    return [SchoolHoliday(start, end, "uppehåll") for start, end in rhythm.breaks(year)]


def meetings_left(rhythm: Rhythm | None, per_year: float, start: date, year: int) -> int:
    """How many meetings to spread from `start` to the end of `year`: what the rhythm still
    expects ("2 ggr/månad utom juli" from 1 July: ten, none for July), else a share of
    `per_year` by the days left."""
    if rhythm is not None and rhythm.active and rhythm.per_year:
        left = rhythm.per_year - expected_by(rhythm, start - timedelta(days=1), year)
    else:
        left = per_year * ((date(year, 12, 31) - start).days + 1) / 365
    return max(1, round(left))


def meetings_per_year(*, session: Session, group: Group, year: int) -> float:
    """The group's meeting rhythm: its most frequent counted measure, else the kind's default."""
    rhythm = meeting_rhythm(session=session, group=group, year=year)
    if rhythm is not None and rhythm.per_year:
        return rhythm.per_year
    try:
        return DEFAULT_MEETINGS_PER_YEAR.get(GroupKind(group.kind), 0)
    except ValueError:
        return 0


def ensure_meeting_calendar(*, session: Session, now: datetime, settings: Settings) -> int:
    """Spread meetings over the rest of the year for bound groups that have none planned.

    Never on weekends or public holidays, and outside school holidays when the group asks.
    Returns the number of meetings added (source="auto").
    """
    today = now.astimezone(settings.tz).date()
    added = 0
    for group, plan in bound_groups(session=session):
        if plan.year != today.year:
            continue
        first, last = date(plan.year, 1, 1), date(plan.year, 12, 31)
        if planned_between(session=session, group_ids=[group.id], start=first, end=last):  # type: ignore[list-item]
            continue
        per_year = meetings_per_year(session=session, group=group, year=plan.year)
        start = today + timedelta(days=1)
        if not per_year or start > last:
            continue
        rhythm = meeting_rhythm(session=session, group=group, year=plan.year)
        count = meetings_left(rhythm, per_year, start, plan.year)
        holidays_ = default_school_holidays(plan.year) if group.avoid_school_holidays else []
        holidays_ += meeting_breaks(rhythm, plan.year)
        try:
            dates = spread_meetings(plan.year, count, start=start, school_holidays=holidays_)
        except ValidationError as e:
            log.warning("Could not spread meetings for group %s: %s", group.id, e)
            continue
        added += len(
            plan_meetings(
                session=session,
                group=group,
                dates=dates,
                start_time=None,
                actor=None,
                source="auto",
            )
        )
    return added


# --------------------------------------------------------------------------- desired rows


def desired_reminders(
    *, session: Session, now: datetime, settings: Settings, horizon: timedelta = HORIZON
) -> list[Planned]:
    """Every reminder that should exist for [now, now + horizon] (rows already sent included)."""
    tz = settings.tz
    groups = bound_groups(session=session)
    out: list[Planned] = []
    out += _meeting_reminders(session, groups, now, tz, horizon)
    out += _digests(groups, now, tz, horizon)
    out += _tertials(session, groups, now, settings, horizon)
    out += _behind_pace(session, groups, now, tz)
    return out


def plan_reminders(
    *, session: Session, now: datetime, settings: Settings, horizon: timedelta = HORIZON
) -> int:
    """Insert the missing reminder rows; returns how many were created. Never commits."""
    return insert_planned(
        session=session,
        planned=desired_reminders(session=session, now=now, settings=settings, horizon=horizon),
        now=now,
    )


def insert_planned(*, session: Session, planned: Sequence[Planned], now: datetime) -> int:
    """INSERT … ON CONFLICT (key) DO NOTHING for each row not yet in the table.

    A channel's key names the channel, not the group: when the channel has been bound to
    another group since (next year's plan read in and `/atgard koppla SSP` again), the
    pending row is handed to that group, with its due time. Left with the old group it
    would be dropped as unbound, and the new group's row could not be inserted beside it:
    the channel got no digest for the next two weeks."""
    if not planned:
        return 0
    by_key = {p.key: p for p in planned}
    existing: dict[str, tuple[str, int | None]] = {}
    keys = list(by_key)
    for i in range(0, len(keys), 500):
        for key, status, group_id in session.exec(
            select(Reminder.key, Reminder.status, Reminder.group_id).where(
                col(Reminder.key).in_(keys[i : i + 500])
            )
        ):
            existing[key] = (status, group_id)
    for key, (status, group_id) in existing.items():
        p = by_key[key]
        if status == "pending" and p.group_id is not None and group_id != p.group_id:
            _hand_over(session, p)
    missing = [p for k, p in by_key.items() if k not in existing]
    created = 0
    for p in missing:
        # RETURNING tells whether the row was inserted (rowcount is -1 on some drivers).
        created += len(session.execute(_insert_ignore(session, p, now)).fetchall())
    return created


def _hand_over(session: Session, p: Planned) -> None:
    """Give a pending row of a channel to the group now bound to it (see insert_planned)."""
    n = session.execute(
        update(Reminder)
        .where(
            col(Reminder.key) == p.key,
            Reminder.status == "pending",  # a row being sent right now is left alone
            or_(col(Reminder.group_id).is_(None), col(Reminder.group_id) != p.group_id),
        )
        .values(group_id=p.group_id, measure_id=p.measure_id, due_at=p.due_at, stale_at=p.stale_at)
    ).rowcount  # type: ignore[attr-defined]
    if n:
        log.info("Reminder %s now belongs to group %s", p.key, p.group_id)


def _insert_ignore(session: Session, p: Planned, now: datetime):  # type: ignore[no-untyped-def]
    values = {
        "key": p.key,
        "kind": str(p.kind),
        "platform": p.platform,
        "channel_id": p.channel_id,
        "user_id": p.user_id,
        "group_id": p.group_id,
        "measure_id": p.measure_id,
        "occurrence": p.occurrence,
        "due_at": p.due_at,
        "stale_at": p.stale_at,
        "status": "pending",
        "attempts": 0,
        "created_at": now,
    }
    table = Reminder.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = (
            postgresql.insert(table).values(values).on_conflict_do_nothing(index_elements=["key"])
        )
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).values(values).on_conflict_do_nothing(index_elements=["key"])
    else:
        stmt = insert(table).values(values)  # other backends: the unique key still protects
    return stmt.returning(table.c.id)


def _clamp(due: datetime, now: datetime) -> datetime:
    # A row created after its ideal time (a meeting planned tomorrow, a new assignment) is due
    # now, not "late": only rows that existed and were missed go out marked (försenad).
    return max(due, now)


def _meeting_reminders(
    session: Session,
    groups: list[tuple[Group, Plan]],
    now: datetime,
    tz: ZoneInfo,
    horizon: timedelta,
) -> list[Planned]:
    if not groups:
        return []
    today = now.astimezone(tz).date()
    by_id = {g.id: g for g, _ in groups}
    # Meetings up to horizon + a few weeks ahead: the reminder comes working days before.
    meetings = planned_between(
        session=session,
        group_ids=list(by_id),  # type: ignore[arg-type]
        start=today,
        end=today + horizon + timedelta(days=30),
    )
    assigned = _assignees_by_group(session, [g for g, _ in groups])
    out: list[Planned] = []
    for pm in meetings:
        group = by_id[pm.group_id]
        assert group.platform is not None
        due = local_at(
            working_days_before(pm.planned_on, max(group.reminder_days_before, 0)),
            MEETING_REMINDER_TIME,
            tz,
        )
        starts = local_at(pm.planned_on, parse_hhmm(pm.start_time, MEETING_REMINDER_TIME), tz)
        if due >= starts:
            # A same-day reminder (0 working days before) for a meeting without a time or one
            # starting by 08.00 would be stale the moment it is due and never go out: it goes
            # the working day before instead.
            due = local_at(previous_working_day(pm.planned_on), MEETING_REMINDER_TIME, tz)
        if due > now + horizon or now >= starts:
            continue
        due = _clamp(due, now)
        occurrence = pm.planned_on.isoformat()
        common = {"group_id": group.id, "occurrence": occurrence, "due_at": due, "stale_at": starts}
        out.append(
            Planned(Kind.MEETING, group.platform, channel_id=group.channel_id, **common)  # type: ignore[arg-type]
        )
        for user_id in assigned.get(group.id, ()):  # type: ignore[arg-type]
            out.append(Planned(Kind.MEETING, group.platform, user_id=user_id, **common))  # type: ignore[arg-type]
    return out


def _assignees_by_group(session: Session, groups: Sequence[Group]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    platforms = {g.id: g.platform for g in groups}
    rows = session.exec(
        select(Measure.group_id, Assignment.user_id, Assignment.platform)
        .join(Assignment, col(Assignment.measure_id) == Measure.id)
        .where(col(Measure.group_id).in_(list(platforms)))
        .order_by(col(Assignment.id))
    )
    for group_id, user_id, platform in rows:
        if platform == platforms.get(group_id):
            users = out.setdefault(group_id, [])
            if user_id not in users:
                users.append(user_id)
    return out


def digest_day(week_monday: date, weekday: int) -> date:
    """The group's digest day in the week: its weekday; when that is a holiday, the next
    working day that week, or (when the rest of the week is holidays: Långfredagen,
    midsommarafton, julafton on a Wednesday) the last working day before it that week.
    A weekend day is kept: the group asked for it."""
    offset = min(max(weekday, 0), 6)
    wanted = week_monday + timedelta(days=offset)
    if offset >= 5:
        return wanted
    later = [week_monday + timedelta(days=i) for i in range(offset, 5)]
    earlier = [week_monday + timedelta(days=i) for i in range(offset - 1, -1, -1)]
    return next((d for d in [*later, *earlier] if is_working_day(d)), wanted)


def digest_due(group: Group, week_monday: date, tz: ZoneInfo) -> datetime:
    """When the group's digest of the week starting `week_monday` is due (aware UTC)."""
    day = digest_day(week_monday, group.digest_weekday)
    return local_at(day, parse_hhmm(group.digest_time), tz)


def _digests(
    groups: list[tuple[Group, Plan]], now: datetime, tz: ZoneInfo, horizon: timedelta
) -> list[Planned]:
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    out: list[Planned] = []
    for group, plan in groups:
        assert group.platform is not None
        last = digests_end(plan.year)
        week = monday
        while True:
            day = digest_day(week, group.digest_weekday)
            due = digest_due(group, week, tz)
            if due > now + horizon or day > last:
                break
            # A digest whose time has passed before the row existed is skipped, not sent
            # late: binding a channel on a Tuesday should not post Monday's digest.
            if due >= now:
                out.append(
                    Planned(
                        Kind.DIGEST,
                        group.platform,
                        channel_id=group.channel_id,
                        group_id=group.id,
                        occurrence=iso_week_occurrence(day),
                        due_at=due,
                        stale_at=due + DIGEST_STALE_AFTER,
                    )
                )
            week += timedelta(days=7)
    return out


def tertials_near(today: date, until: date) -> Iterable[tuple[int, int]]:
    for year in range(today.year, until.year + 1):
        for t in (1, 2, 3):
            if tertial_end(year, t) >= today:
                yield year, t


def _tertials(
    session: Session,
    groups: list[tuple[Group, Plan]],
    now: datetime,
    settings: Settings,
    horizon: timedelta,
) -> list[Planned]:
    tz = settings.tz
    today = now.astimezone(tz).date()
    out: list[Planned] = []
    for year, t in tertials_near(today, (now + horizon).astimezone(tz).date()):
        end = tertial_end(year, t)
        due = local_at(
            working_days_before(end, max(settings.tertial_nudge_days_before, 0)),
            TERTIAL_NUDGE_TIME,
            tz,
        )
        stale = local_at(end + timedelta(days=1), time(0, 0), tz) + TERTIAL_STALE_AFTER
        if due > now + horizon or now >= stale:
            continue
        # After the tertial's last day the nudge is no longer a heads-up; new rows then are
        # not created (rows that existed and were missed still go out, marked late).
        if now >= local_at(end + timedelta(days=1), time(0, 0), tz):
            continue
        due = _clamp(due, now)
        occurrence = f"{year}-T{t}"
        users = session.exec(
            select(Assignment.platform, Assignment.user_id)
            .join(Measure, col(Measure.id) == Assignment.measure_id)
            .join(Plan, col(Plan.id) == Measure.plan_id)
            .where(Plan.year == year, Measure.status != MeasureStatus.DONE)
            .distinct()
            .order_by(col(Assignment.user_id))
        )
        for platform, user_id in users:
            out.append(
                Planned(
                    Kind.TERTIAL,
                    platform,
                    user_id=user_id,
                    occurrence=occurrence,
                    due_at=due,
                    stale_at=stale,
                )
            )
        for group, plan in groups:
            if plan.year == year:
                assert group.platform is not None
                out.append(
                    Planned(
                        Kind.TERTIAL_GAPS,
                        group.platform,
                        channel_id=group.channel_id,
                        group_id=group.id,
                        occurrence=occurrence,
                        due_at=due,
                        stale_at=stale,
                    )
                )
    return out


def next_working_slot(now: datetime, tz: ZoneInfo) -> datetime:
    """09.00 local on a working day: today if still in working hours, else the next working day."""
    local = now.astimezone(tz)
    today = local.date()
    if is_working_day(today) and local.hour < BEHIND_LAST_HOUR:
        return max(now, local_at(today, BEHIND_TIME, tz))
    return local_at(next_working_day(today), BEHIND_TIME, tz)


def _rests(rhythm: Rhythm, day: date, year: int) -> bool:
    """Whether the rhythm rests on `day`: in a break or outside the months or weeks it runs
    in ("2 ggr/mån mars–juni"). Nothing can be caught up then, so a "behind" note would only
    nag: it waits until the rhythm runs again, and after a window's end it is not sent."""
    return any(start <= day <= end for start, end in rhythm.breaks(year))


def _behind_pace(
    session: Session, groups: list[tuple[Group, Plan]], now: datetime, tz: ZoneInfo
) -> list[Planned]:
    out: list[Planned] = []
    today = now.astimezone(tz).date()
    for group, plan in groups:
        if plan.year != today.year:
            continue
        measures = [
            m
            for m in list_measures(session=session, plan_id=plan.id, group_id=group.id)  # type: ignore[arg-type]
            if m.status != MeasureStatus.DONE
        ]
        if not measures:
            continue
        due = next_working_slot(now, tz)
        due_day = due.astimezone(tz).date()
        sunday = due_day + timedelta(days=6 - due_day.weekday())
        stale = local_at(sunday + timedelta(days=1), time(0, 0), tz)
        for state in measure_states(session=session, plan=plan, on=today, measures=measures):
            if (
                state.rhythm.kind is RhythmKind.RECURRING
                and state.pace is Pace.BEHIND
                and not _rests(state.rhythm, due_day, plan.year)
            ):
                assert group.platform is not None
                out.append(
                    Planned(
                        Kind.RECURRING,
                        group.platform,
                        channel_id=group.channel_id,
                        group_id=group.id,
                        measure_id=state.measure.id,
                        occurrence=iso_week_occurrence(due_day),
                        due_at=due,
                        stale_at=stale,
                    )
                )
    return out
