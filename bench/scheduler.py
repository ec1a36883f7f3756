"""Scheduler at scale: 100,000 pending reminder rows, one dispatcher scan, peak RSS.

`python -m bench.scheduler prepare --url U --rows N --due D` inserts the rows (bulk, in
chunks), `... due --url U --count C` makes C digest rows due now, and
`python -m bench.scheduler scan --url U` runs ONE scan in this (fresh) process and prints
JSON with its time and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import UTC, datetime, timedelta
from typing import Any

NOW = datetime(2025, 4, 21, 6, 5, tzinfo=UTC)  # Monday 08.05 in Stockholm
CHUNK = 5_000


def _maxrss_mb() -> float:
    """This process's peak RSS. VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss
    over from the parent across fork and exec, so a child started by a big parent would
    report the parent's size."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(url: str, rows: int, due: int) -> dict[str, Any]:
    """`rows` pending rows: `due` digests due now (one per bound channel), one digest per
    channel next week, and meeting/tertial reminders spread over the coming weeks."""
    from sqlalchemy import insert, select

    from bot.db import make_engine
    from models.tables import Group, Reminder

    engine = make_engine(url)
    with engine.connect() as conn:
        groups = list(conn.execute(select(Group.id, Group.channel_id).order_by(Group.id)))
    assert groups, "generate the national data first"

    def make() -> Any:
        n = 0
        for gid, channel in groups:  # this week's digests: the first `due` are due now
            if n >= rows:
                return
            now_due = n < due
            yield {
                "key": f"digest|slack|#{channel}|2025-W{17 if now_due else 18}",
                "kind": "digest",
                "platform": "slack",
                "channel_id": channel,
                "user_id": None,
                "group_id": gid,
                "occurrence": f"2025-W{17 if now_due else 18}",
                "due_at": NOW - timedelta(minutes=5) if now_due else NOW + timedelta(days=7),
                "stale_at": NOW + timedelta(days=2 if now_due else 9),
                "status": "pending",
                "attempts": 0,
                "created_at": NOW - timedelta(days=7),
            }
            n += 1
        i = 0
        while n < rows:
            gid, channel = groups[i % len(groups)]
            day = (NOW + timedelta(days=1 + i % 60)).date()
            yield {
                "key": f"meeting|slack|@UB{i:07d}|g{gid}|{day.isoformat()}",
                "kind": "meeting",
                "platform": "slack",
                "channel_id": None,
                "user_id": f"UB{i:07d}",
                "group_id": gid,
                "occurrence": day.isoformat(),
                "due_at": NOW + timedelta(days=1 + i % 60, minutes=i % 600),
                "stale_at": NOW + timedelta(days=2 + i % 60),
                "status": "pending",
                "attempts": 0,
                "created_at": NOW - timedelta(days=1),
            }
            n += 1
            i += 1

    t0 = time.perf_counter()
    batch: list[dict[str, Any]] = []
    inserted = 0
    with engine.begin() as conn:
        for row in make():
            batch.append(row)
            if len(batch) >= CHUNK:
                conn.execute(insert(Reminder), batch)
                inserted += len(batch)
                batch = []
        if batch:
            conn.execute(insert(Reminder), batch)
            inserted += len(batch)
    with engine.begin() as conn:  # statistics, as autovacuum would gather after such an insert
        conn.exec_driver_sql("ANALYZE reminder")
    engine.dispose()
    return {"rows": inserted, "due": min(due, len(groups)), "insert_s": time.perf_counter() - t0}


def make_due(url: str, count: int) -> int:
    """Make `count` of next week's digest rows due now (Monday 08.00: every channel at once)."""
    from sqlalchemy import select, update

    from bot.db import make_engine
    from models.tables import Reminder

    engine = make_engine(url)
    with engine.begin() as conn:
        ids = list(
            conn.execute(
                select(Reminder.id)
                .where(Reminder.kind == "digest", Reminder.occurrence == "2025-W18")
                .order_by(Reminder.id)
                .limit(count)
            ).scalars()
        )
        conn.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids))  # type: ignore[union-attr]
            .values(due_at=NOW - timedelta(minutes=1), stale_at=NOW + timedelta(days=2))
        )
    engine.dispose()
    return len(ids)


class _Recorder:
    def __init__(self) -> None:
        self.sent = 0

    def post(self, *, reply: Any, **target: Any) -> None:  # channel_id/user_id (and key)
        self.sent += 1


def scan_once(url: str) -> dict[str, Any]:
    from sqlalchemy import func, select

    from bot.config import Settings
    from bot.db import make_engine, make_session_factory
    from models.tables import Reminder
    from reminders.dispatcher import scan

    engine = make_engine(url)
    sf = make_session_factory(engine)
    settings = Settings(_env_file=None, database_url=url, admin_user_ids=[])  # type: ignore[call-arg]
    with sf() as s:
        pending = int(
            s.execute(select(func.count()).where(Reminder.status == "pending")).scalar_one()
        )
    # Warm up as the long-running scheduler is: one digest rendered and one scan an hour
    # earlier (nothing due then), so imports and SQLAlchemy's statement caches are filled.
    from models.tables import Group, Plan
    from reminders.digest import build_digest

    with sf() as s:
        group = s.get(Group, 1)
        if group is not None:
            plan = s.get(Plan, group.plan_id)
            assert plan is not None
            build_digest(session=s, group=group, plan=plan, now=NOW)
    scan(
        session_factory=sf,
        notifier=_Recorder(),
        now=NOW - timedelta(hours=1),
        settings=settings,
    )
    rss_before = _maxrss_mb()
    notifier = _Recorder()
    t0 = time.perf_counter()
    result = scan(session_factory=sf, notifier=notifier, now=NOW, settings=settings)
    seconds = time.perf_counter() - t0
    engine.dispose()
    return {
        "pending_before": pending,
        "s": seconds,
        "sent": len(result.sent),
        "dropped": len(result.dropped),
        "failed": len(result.failed) + len(result.retried),
        "posted": notifier.sent,
        "maxrss_mb_before_scan": rss_before,
        "maxrss_mb": _maxrss_mb(),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("action", choices=["prepare", "due", "scan"])
    ap.add_argument("--url", required=True)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--due", type=int, default=20)
    ap.add_argument("--count", type=int, default=200)
    a = ap.parse_args()
    if a.action == "prepare":
        out: Any = prepare(a.url, a.rows, a.due)
    elif a.action == "due":
        out = {"made_due": make_due(a.url, a.count)}
    else:
        out = scan_once(a.url)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
