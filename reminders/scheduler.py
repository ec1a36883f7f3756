"""APScheduler 3.x in the bot process: one job plans reminder rows, one scans and sends them.

The reminder rows are the truth, so the job store is in memory and nothing is pickled:
a restart loses no reminder, it only re-creates two interval jobs. Times come from an
injectable `clock` (the sandbox fast-forwards it) and all due-time maths is done on aware
UTC datetimes derived from Europe/Stockholm wall-clock times, so DST changes are handled
by zoneinfo rather than by the trigger.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import col, select

from bot.runtime import Runtime
from models import access, idempotency
from models.notify import Notifier
from models.tables import Reminder
from reminders.calendar import TZ
from reminders.dispatcher import ScanResult, scan
from reminders.leader import Leadership, leadership_for
from reminders.planner import ensure_meeting_calendar, plan_reminders

log = logging.getLogger(__name__)

PLAN_INTERVAL = timedelta(minutes=15)
CATCH_UP_AFTER = timedelta(minutes=10)
MAX_REPLAY_SCANS = 1000
PLAN_JOB_ID = "atgard-plan-reminders"
SCAN_JOB_ID = "atgard-scan-reminders"


def system_clock() -> datetime:
    return datetime.now(UTC)


class ReminderJobs:
    """The work the scheduler's jobs do; also callable directly (`run_now`).

    Catch-up: with an injected clock that jumps (the sandbox's "spola fram tiden", tests),
    a jump longer than CATCH_UP_AFTER is replayed: the window is planned day by day and every
    row is sent at its own due time, as if the bot had been running all along. With the real
    clock (the default) a gap means the bot was down: missed reminders go out "(försenad)" or
    are dropped when stale, which is what users should see after an outage.
    """

    def __init__(
        self,
        runtime: Runtime,
        notifier: Notifier,
        clock: Callable[[], datetime] | None = None,
        leader: Leadership | None = None,
        *,
        catch_up: bool | None = None,
        lease: timedelta | None = None,
    ) -> None:
        self.runtime = runtime
        self.lease = lease  # None: the dispatcher's LEASE
        self.notifier = notifier
        self.clock = clock or system_clock
        self.leader = leader or leadership_for(runtime.engine)
        self.catch_up = clock is not None if catch_up is None else catch_up
        self._work = threading.Lock()  # plan, scan and run_now never overlap in one process
        self._stopping = threading.Event()
        self._last_now: datetime | None = None
        self.last_scan: ScanResult | None = None

    def plan(self) -> int:
        """Create the rows for the coming window (and the automatic meeting calendar)."""
        if self._stopping.is_set() or not self.leader.is_leader():
            return 0
        with self._work:
            now = self.clock()
            self._catch_up(now)
            return self._plan(now)

    def scan(self) -> ScanResult:
        """Send due rows."""
        if self._stopping.is_set() or not self.leader.is_leader():
            return ScanResult()
        with self._work:
            now = self.clock()
            result = self._catch_up(now)
            result.merge(self._scan(now))
            return result

    def run_now(self) -> ScanResult:
        """Plan and scan at once with the clock's current time (the sandbox's fast-forward)."""
        if self._stopping.is_set() or not self.leader.is_leader():
            return ScanResult()
        with self._work:
            now = self.clock()
            result = self._catch_up(now)
            self._plan(now)
            result.merge(self._scan(now))
            return result

    def _catch_up(self, now: datetime) -> ScanResult:
        last, self._last_now = self._last_now, max(now, self._last_now or now)
        result = ScanResult()
        if not self.catch_up or last is None or now - last <= CATCH_UP_AFTER:
            return result
        log.info("Clock moved from %s to %s: replaying reminders in between", last, now)
        step = last
        while step < now and not self._stopping.is_set():
            step = min(step + timedelta(days=1), now)
            self._plan(step)
            at = last
            for _ in range(MAX_REPLAY_SCANS):
                due = self._next_due(step)
                if due is None:
                    break
                at = max(due, at)
                result.merge(self._scan(at))
        return result

    def _next_due(self, until: datetime) -> datetime | None:
        with self.runtime.session_factory() as s:
            return s.exec(
                select(func.min(Reminder.due_at)).where(
                    Reminder.status == "pending",
                    col(Reminder.due_at) <= until,
                    # A paused platform's rows wait: replaying scans for them would spin.
                    access.not_paused(Reminder.platform),
                )
            ).one()

    def _plan(self, now: datetime) -> int:
        rt = self.runtime
        with rt.session_factory.begin() as s:
            meetings = ensure_meeting_calendar(session=s, now=now, settings=rt.settings)
            created = plan_reminders(session=s, now=now, settings=rt.settings)
            # Idempotency keys only need to outlive Slack's retries; keep the table small.
            idempotency.prune(s, now)
        if meetings or created:
            log.info("Planned %s meetings and %s reminders", meetings, created)
        return created

    def _scan(self, now: datetime) -> ScanResult:
        result = scan(
            session_factory=self.runtime.session_factory,
            notifier=self.notifier,
            now=now,
            settings=self.runtime.settings,
            should_continue=lambda: not self._stopping.is_set(),
            lease=self.lease,
        )
        self.last_scan = result
        if result:
            log.info(
                "Reminders: %s sent, %s retried, %s failed, %s dropped, %s requeued, %s recovered,"
                " %s waiting for access",
                len(result.sent),
                len(result.retried),
                len(result.failed),
                len(result.dropped),
                len(result.requeued),
                len(result.recovered),
                len(result.paused),
            )
        return result

    def stop(self) -> None:
        self._stopping.set()


def _guarded(name: str, fn: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            fn()
        except DBAPIError as e:
            if not (isinstance(e, OperationalError) or e.connection_invalidated):
                log.exception("Reminder job %s failed", name)
                return
            # An outage, or a connection a restart cut: the next run retries. One line per
            # run, as the command layer logs it; a traceback a minute says nothing more.
            log.warning("Reminder job %s: database unavailable (%s)", name, type(e).__name__)
        except Exception:  # a bug: the next run retries, and the traceback says where
            log.exception("Reminder job %s failed", name)

    return run


def build_scheduler(
    runtime: Runtime,
    notifier: Notifier,
    clock: Callable[[], datetime] | None = None,
    *,
    jobs: ReminderJobs | None = None,
    scan_interval: float | None = None,
    plan_interval: timedelta = PLAN_INTERVAL,
) -> BackgroundScheduler:
    """A BackgroundScheduler (not started) with the plan and scan interval jobs."""
    jobs = jobs or ReminderJobs(runtime, notifier, clock)
    interval = float(scan_interval or runtime.settings.scan_interval_seconds)
    scheduler = BackgroundScheduler(
        jobstores={"default": MemoryJobStore()},
        # One worker: planning and scanning take turns (SQLite has one writer anyway).
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=TZ,
    )
    start = datetime.now(TZ)
    scheduler.add_job(
        _guarded("plan", jobs.plan),
        "interval",
        seconds=plan_interval.total_seconds(),
        id=PLAN_JOB_ID,
        next_run_time=start,  # plan at start too
        misfire_grace_time=int(plan_interval.total_seconds()),
    )
    scheduler.add_job(
        _guarded("scan", jobs.scan),
        "interval",
        seconds=interval,
        id=SCAN_JOB_ID,
        next_run_time=start + timedelta(seconds=min(interval, 1.0)),
        misfire_grace_time=max(int(interval * 2), 1),
    )
    return scheduler
