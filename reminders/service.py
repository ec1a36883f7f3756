"""Entry point for the bot process: `start_scheduler(runtime, notifier)`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.runtime import Runtime
from models.notify import Notifier
from reminders.dispatcher import ScanResult
from reminders.leader import Leadership
from reminders.scheduler import PLAN_INTERVAL, ReminderJobs, build_scheduler

log = logging.getLogger(__name__)


@dataclass
class SchedulerHandle:
    """The running reminder scheduler of this process."""

    jobs: ReminderJobs
    scheduler: BackgroundScheduler | None  # None when Settings.scheduler_enabled is off

    @property
    def running(self) -> bool:
        return self.scheduler is not None and self.scheduler.running

    def is_leader(self) -> bool:
        return self.jobs.leader.is_leader()

    def run_now(self) -> ScanResult:
        """Plan and send what is due at the clock's current time, right away."""
        return self.jobs.run_now()

    def shutdown(self, wait: bool = True) -> None:
        """Stop the jobs (an in-flight send finishes) and release leadership."""
        self.jobs.stop()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        self.jobs.leader.release()
        log.info("Reminder scheduler stopped")


def start_scheduler(
    runtime: Runtime,
    notifier: Notifier,
    *,
    clock: Callable[[], datetime] | None = None,
    leader: Leadership | None = None,
    scan_interval: float | None = None,
    plan_interval: timedelta = PLAN_INTERVAL,
    catch_up: bool | None = None,
    lease: timedelta | None = None,
) -> SchedulerHandle:
    """Start planning and sending reminders in this process (the bot calls this on start).

    `clock` defaults to the system clock; an injected clock may jump forward and, unless
    `catch_up=False`, the jump is replayed (see ReminderJobs). `lease` overrides the
    dispatcher's LEASE (how long a claimed row is left to its sender; tests shorten it).
    """
    jobs = ReminderJobs(runtime, notifier, clock, leader, catch_up=catch_up, lease=lease)
    if not runtime.settings.scheduler_enabled:
        log.info("Reminder scheduler is disabled (SCHEDULER_ENABLED=false)")
        return SchedulerHandle(jobs, None)
    scheduler = build_scheduler(
        runtime,
        notifier,
        clock,
        jobs=jobs,
        scan_interval=scan_interval,
        plan_interval=plan_interval,
    )
    scheduler.start()
    return SchedulerHandle(jobs, scheduler)
