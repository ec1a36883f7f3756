"""Whether the bot may send to a chat platform: paused while it has lost access.

When the app is uninstalled, its token revoked, or the platform refuses the token, nothing can
be delivered, and a reminder that fails for that reason is not at fault. Instead of failing
each row (and queueing failure reports that cannot be delivered either), the platform is
paused: one `delivery_pause` row. The dispatcher leaves the rows of a paused platform pending,
untouched, and asks the notifier now and then (`PROBE_EVERY`) whether access is back; when it
is, the pause is lifted and the waiting rows go out ("(försenad)" if late, or dropped with an
audit trail if too late to be of use, as after any outage).

Platform-neutral: the adapter decides what "lost access" means (models.notify.AccessLost).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, text, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models import audit
from models.tables import DeliveryPause

# How often a paused platform is asked whether access is back (one cheap call each time).
PROBE_EVERY = timedelta(minutes=5)

_PAUSES = DeliveryPause.__table__  # type: ignore[attr-defined]
# Two processes may notice the loss at once (the event in a web worker, a failed send in the
# scheduler): the first one records it, the other changes nothing.
_INSERT = text(
    "INSERT INTO delivery_pause (platform, cause, paused_at, checked_at)"
    " VALUES (:platform, :cause, :at, :at) ON CONFLICT (platform) DO NOTHING RETURNING platform"
).bindparams(bindparam("at", type_=_PAUSES.c.paused_at.type))


def not_paused(platform_column: Any) -> Any:
    """A WHERE clause: rows whose platform is not paused (a subquery of a tiny table, so the
    statements that use it are built once and see a pause recorded by any process)."""
    return col(platform_column).not_in(sa_select(_PAUSES.c.platform))


def pause(*, session: Session, platform: str, cause: str, now: datetime) -> bool:
    """Pause sending to `platform`. True if this call paused it (audited); False if it was
    paused already."""
    row = session.connection().execute(
        _INSERT, {"platform": platform, "cause": cause[:200], "at": now}
    )
    if row.first() is None:
        return False
    audit.record(
        session=session,
        actor=None,
        action="utskick_pausade",
        entity="plattform",
        entity_id=platform,
        after={"orsak": cause},
        at=now,
    )
    return True


def resume(*, session: Session, platform: str, why: str, now: datetime) -> bool:
    """Lift the pause. True if there was one (audited)."""
    gone = session.execute(
        delete(DeliveryPause).where(col(DeliveryPause.platform) == platform)
    ).rowcount  # type: ignore[attr-defined]
    if not gone:
        return False
    audit.record(
        session=session,
        actor=None,
        action="utskick_aterupptagna",
        entity="plattform",
        entity_id=platform,
        after={"orsak": why},
        at=now,
    )
    return True


def paused(*, session: Session) -> list[DeliveryPause]:
    return list(session.exec(select(DeliveryPause)))


def is_paused(*, session: Session, platform: str) -> bool:
    return session.get(DeliveryPause, platform) is not None


def still_lost(*, session: Session, platform: str, now: datetime) -> None:
    """Access was checked and is still lost: ask again PROBE_EVERY from now."""
    session.execute(
        update(DeliveryPause).where(col(DeliveryPause.platform) == platform).values(checked_at=now)
    )


def due_for_probe(pause_row: DeliveryPause, now: datetime) -> bool:
    """PROBE_EVERY since the last check; or at once when that check is ahead of `now` (noted
    by another clock: `atgard remind --now` with a later time, a host whose clock runs ahead,
    the sandbox's clock in the plan's year), which would otherwise keep the pause until then."""
    since = now - pause_row.checked_at
    return since >= PROBE_EVERY or since < timedelta(0)
