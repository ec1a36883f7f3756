"""CLI commands of this package; bot/cli.py calls register(app).

`atgard remind [--dry-run] [--now 2025-04-20T08:00]`   plan and send what is due once
`atgard digest [--dry-run] [--now …] [--channel C…]`   compose (and send) the weekly digest now
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.runtime import Runtime
    from models.notify import Notifier
    from models.replies import Reply
    from models.tables import Reminder

NOW_HELP = "Låtsas att klockan är den här (Stockholmstid), t.ex. 2025-04-20T08:00"
DRY_HELP = "Visa vad som skulle skickas och till vem; inget skickas eller sparas"
ERR_NOW = "Fel: skriv tiden som 2025-04-20T08:00 (Stockholmstid)."
ERR_NO_SLACK = (
    "Fel: Slack är inte konfigurerat (SLACK_BOT_TOKEN saknas). "
    "Kör med --dry-run för att se vad som skulle skickas."
)
ERR_NO_NOTIFIER = "Fel: Slack-kopplingen (bot.slack.notifier) finns inte i den här installationen."
ERR_NO_CHANNEL = "Fel: ingen grupp är kopplad till kanalen {channel}."
HEAD_DRY = "Provkörning {now} – inget skickas eller sparas."
NOTHING_DUE = "Inget att skicka just nu."
WOULD_DROP = "Tas bort (inaktuell): {what} till {target}, planerad {due}"
NOTHING_TO_SAY = "Skickas inte (inget att säga längre): {what} till {target}, planerad {due}"
UPCOMING = "Kommande ({days} dagar):"
NO_DIGEST_CHANNELS = (
    "Ingen kanal är kopplad till en grupp ännu. Skriv /atgard koppla SSP i kanalen."
)
RESULT = (
    "Skickat: {sent}, försöker igen senare: {retried}, misslyckade: {failed}, borttagna: {dropped}."
)
SENT_TO = "Skickat till {target}."
# reminders.calendar.digests_end: the scheduler posts none after it, and neither does this.
DIGESTS_ENDED = (
    "Inget veckobrev till {target}: planen för {year} är avslutad och dess veckobrev slutade"
    " {end}. Läs in planen för {next} och koppla kanalen till den med /atgard koppla."
)
PAUSED = (
    "Väntar: boten har inte åtkomst till {platform} sedan {since} ({cause}). Påminnelserna"
    " ligger kvar och skickas när åtkomsten är tillbaka."
)
FAILED_TO = "Kunde inte skicka till {target}: {reason}"
KIND_LABELS = {
    "meeting": "mötespåminnelse",
    "digest": "veckobrev",
    "tertial": "tertialpåminnelse",
    "tertial_gaps": "saknade uppföljningar",
    "recurring": "påminnelse om takten",
    "failure_report": "felrapport",
}
UPCOMING_DAYS = 7


def parse_now(value: str | None, settings: Settings) -> datetime:
    """--now as aware UTC; a naive time is Stockholm local time."""
    if not value:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(ERR_NOW) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=settings.tz)
    return parsed.astimezone(UTC)


def plain(reply: Reply) -> str:
    """The reply as terminal text, mentions shown as @U…."""
    from models.replies import MENTION_CLOSE, MENTION_OPEN

    pattern = re.escape(MENTION_OPEN) + r"(.*?)" + re.escape(MENTION_CLOSE)
    return re.sub(pattern, r"@\1", reply.plain())


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _target(channel_id: str | None, user_id: str | None, group_name: str | None = None) -> str:
    if channel_id:
        return f"#{channel_id}" + (f" ({group_name})" if group_name else "")
    return f"@{user_id}"


def _notifier(settings: Settings) -> Notifier:
    if settings.slack_bot_token is None:
        typer.echo(ERR_NO_SLACK, err=True)
        raise typer.Exit(2)
    try:
        from slack_sdk import WebClient

        from bot.slack.notifier import SlackNotifier  # type: ignore[import-not-found]
    except ImportError:
        typer.echo(ERR_NO_NOTIFIER, err=True)
        raise typer.Exit(2) from None
    kwargs = {"base_url": settings.slack_api_url} if settings.slack_api_url else {}
    client = WebClient(token=settings.slack_bot_token.get_secret_value(), **kwargs)
    return SlackNotifier(client)  # type: ignore[no-any-return]


def _runtime() -> Runtime:
    from bot.runtime import start

    return start()


def remind(
    dry_run: Annotated[bool, typer.Option("--dry-run", help=DRY_HELP)] = False,
    now: Annotated[str | None, typer.Option("--now", help=NOW_HELP)] = None,
) -> None:
    """Skicka påminnelser som är på tur (möten, veckobrev, tertial, takt)."""
    rt = _runtime()
    at = parse_now(now, rt.settings)
    if dry_run:
        _remind_dry_run(rt, at)
        _echo_pauses(rt)
        return
    from reminders.dispatcher import scan
    from reminders.planner import ensure_meeting_calendar, plan_reminders

    notifier = _notifier(rt.settings)
    with rt.session_factory.begin() as s:
        ensure_meeting_calendar(session=s, now=at, settings=rt.settings)
        plan_reminders(session=s, now=at, settings=rt.settings)
    result = scan(
        session_factory=rt.session_factory, notifier=notifier, now=at, settings=rt.settings
    )
    typer.echo(
        RESULT.format(
            sent=len(result.sent),
            retried=len(result.retried),
            failed=len(result.failed),
            dropped=len(result.dropped),
        )
    )
    _echo_pauses(rt)


def _echo_pauses(rt: Runtime) -> None:
    """Why nothing went out while the bot has no access (the rows are waiting, not lost)."""
    from models import access
    from reminders.calendar import format_datetime

    with rt.session_factory() as s:
        for p in access.paused(session=s):
            typer.echo(
                PAUSED.format(
                    platform=p.platform.capitalize(),
                    since=format_datetime(p.paused_at),
                    cause=p.cause,
                )
            )


def _what(r: Reminder) -> str:
    """A reminder as the person running the command reads it ("veckobrev (v. 17)"), not its
    internal key."""
    from reminders.planner import occurrence_label

    return f"{KIND_LABELS.get(r.kind, r.kind)} ({occurrence_label(r.occurrence)})"


def _described(r: Reminder) -> dict[str, str]:
    from reminders.calendar import format_datetime

    return {
        "what": _what(r),
        "target": _target(r.channel_id, r.user_id),
        "due": format_datetime(r.due_at),
    }


def _remind_dry_run(rt: Runtime, now: datetime) -> None:
    """Plan and compose inside one transaction that is rolled back: nothing is stored."""
    from sqlmodel import col, select

    from models.tables import Reminder
    from reminders.calendar import format_datetime
    from reminders.compose import compose
    from reminders.planner import ensure_meeting_calendar, plan_reminders

    typer.echo(HEAD_DRY.format(now=format_datetime(now)))
    with rt.session_factory() as s:
        try:
            ensure_meeting_calendar(session=s, now=now, settings=rt.settings)
            plan_reminders(session=s, now=now, settings=rt.settings)
            s.flush()
            due = s.exec(
                select(Reminder)
                .where(Reminder.status == "pending", col(Reminder.due_at) <= now)
                .order_by(col(Reminder.due_at), col(Reminder.id))
            ).all()
            if not due:
                typer.echo(NOTHING_DUE)
            for r in due:
                if r.stale_at is not None and r.stale_at <= now:
                    typer.echo(WOULD_DROP.format(**_described(r)))
                    continue
                reply = compose(
                    session=s, reminder=r, now=now, settings=rt.settings, due_at=r.due_at
                )
                if reply is None:
                    typer.echo(NOTHING_TO_SAY.format(**_described(r)))
                    continue
                typer.echo(f"Till {_target(r.channel_id, r.user_id)}:")
                typer.echo(_indent(plain(reply)))
            upcoming = s.exec(
                select(Reminder)
                .where(
                    Reminder.status == "pending",
                    col(Reminder.due_at) > now,
                    col(Reminder.due_at) <= now + timedelta(days=UPCOMING_DAYS),
                )
                .order_by(col(Reminder.due_at), col(Reminder.id))
            ).all()
            if upcoming:
                typer.echo(UPCOMING.format(days=UPCOMING_DAYS))
                for r in upcoming:
                    typer.echo(
                        f"  {format_datetime(r.due_at)}  Till {_target(r.channel_id, r.user_id)}:"
                        f" {_what(r)}"
                    )
        finally:
            s.rollback()


def digest(
    dry_run: Annotated[bool, typer.Option("--dry-run", help=DRY_HELP)] = False,
    now: Annotated[str | None, typer.Option("--now", help=NOW_HELP)] = None,
    channel: Annotated[
        str | None, typer.Option("--channel", help="Bara den här kanalen (id)")
    ] = None,
) -> None:
    """Sätt ihop veckobrevet för kopplade kanaler nu (och skicka det, utan --dry-run)."""
    from models import audit
    from models.notify import DeliveryFailed
    from reminders.calendar import digests_end, format_date
    from reminders.digest import build_digest
    from reminders.planner import bound_groups

    rt = _runtime()
    at = parse_now(now, rt.settings)
    notifier = None if dry_run else _notifier(rt.settings)
    with rt.session_factory.begin() as s:
        groups = [
            (g, p) for g, p in bound_groups(session=s) if channel is None or g.channel_id == channel
        ]
        if not groups:
            typer.echo(
                ERR_NO_CHANNEL.format(channel=channel) if channel else NO_DIGEST_CHANNELS,
                err=bool(channel),
            )
            raise typer.Exit(2 if channel else 0)
        today = at.astimezone(rt.settings.tz).date()
        ended = [
            DIGESTS_ENDED.format(
                target=_target(g.channel_id, None, g.name),
                year=p.year,
                end=format_date(digests_end(p.year)),
                next=max(p.year + 1, today.year),
            )
            for g, p in groups
            if today > digests_end(p.year)
        ]
        replies = [
            (g.channel_id, g.name, build_digest(session=s, group=g, plan=p, now=at))
            for g, p in groups
            if today <= digests_end(p.year)
        ]
    if dry_run:
        from reminders.calendar import format_datetime

        typer.echo(HEAD_DRY.format(now=format_datetime(at)))
    for line in ended:
        typer.echo(line)
    if dry_run:
        for channel_id, name, reply in replies:
            typer.echo(f"Till {_target(channel_id, None, name)}:")
            typer.echo(_indent(plain(reply)))
        return
    assert notifier is not None
    failed = False
    for channel_id, name, reply in replies:
        target = _target(channel_id, None, name)
        try:
            notifier.post(channel_id=channel_id, reply=reply)
            typer.echo(SENT_TO.format(target=target))
        except DeliveryFailed as e:
            failed = True
            typer.echo(FAILED_TO.format(target=target, reason=e.described), err=True)
            with rt.session_factory.begin() as s:
                audit.record(
                    session=s,
                    actor=None,
                    action="veckobrev_misslyckat",
                    entity="group",
                    entity_id=name,
                    after={"channel_id": channel_id, "reason": e.reason, "permanent": e.permanent},
                )
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `atgard` CLI."""
    app.command("remind")(remind)
    app.command("digest")(digest)
