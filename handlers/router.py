"""The platform-neutral entry point: text in, Reply out. Every domain error becomes a Swedish reply here."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from handlers import export as export_handlers
from handlers import followups, groups, measures, meetings, undo
from handlers.context import CommandContext
from handlers.parse import ALIASES, Command, CommandName, CommandText, parse_command
from handlers.texts import (
    HELP_DETAILS,
    HELP_LINES,
    HELP_NOTE,
    HELP_TITLE,
    UNAVAILABLE,
    UNEXPECTED,
    unknown_command,
)
from models import audit
from models.errors import DomainError, NotAllowed, PersonalDataRefused
from models.idempotency import DuplicateRequest
from models.personal_data import REFUSAL_MESSAGE, contains_personal_number, mask
from models.replies import ActionId, Field, ModalId, Reply, Section

log = logging.getLogger(__name__)

T = TypeVar("T")


def help_reply(unknown: str | None = None, *, topic: str | None = None) -> Reply:
    """Every command in a line, or with `topic` (`hjälp rytm`, `hjälp möte`) that command's
    line and what more can be written."""
    name = ALIASES.get(topic.casefold()) if topic else None
    if name is not None and name is not CommandName.HELP:
        lines = [f"`{cmd}` – {what}" for cmd, what in HELP_LINES if _about(cmd, name)]
        return Reply(
            title=f"Så här använder du /atgard {name.value}",
            sections=[Section(text=HELP_DETAILS.get(name.value) or "\n".join(lines))],
            context="`/atgard hjälp` visar alla kommandon.",
        )
    lines = "\n".join(f"`{cmd}` – {what}" for cmd, what in HELP_LINES)
    sections = [Section(text=lines)]
    if unknown:
        sections.insert(0, Section(text=unknown_command(unknown)))
    elif topic and name is None:
        sections.insert(0, Section(text=f"Det finns inget kommando ”{topic[:40]}”."))
    return Reply(
        title=HELP_TITLE,
        sections=sections,
        context=HELP_NOTE,
    )


def _about(line: str, name: CommandName) -> bool:
    """Whether a help line ("/atgard mote planera …") is about the command."""
    word = line.split()[1] if len(line.split()) > 1 else ""
    return ALIASES.get(word) is name


def dispatch(ctx: CommandContext, cmd: Command) -> Reply:
    match cmd.name:
        case CommandName.HELP:
            return help_reply(cmd.unknown, topic=cmd.args[0] if cmd.args else None)
        case CommandName.LIST:
            return measures.list_measures_reply(ctx, cmd.args[0] if cmd.args else "")
        case CommandName.SHOW:
            return measures.show_measure_reply(ctx, cmd.ref or "")
        case CommandName.HISTORY:
            return measures.history_reply(ctx, cmd.ref or "")
        case CommandName.STATUS:
            return measures.status_reply(ctx, cmd.args[0] if cmd.args else "")
        case CommandName.FOLLOW_UP:
            period = cmd.args[0] if cmd.args else None
            if not cmd.text:
                return followups.follow_up_form(ctx, cmd.ref or "", cmd.verdict, period)
            return followups.save_follow_up(
                ctx, cmd.ref or "", cmd.text, cmd.verdict, period=period
            )
        case CommandName.DONE:
            return followups.mark_done_reply(
                ctx, cmd.ref or "", cmd.text, cmd.args[0] if cmd.args else None
            )
        case CommandName.MEETING:
            return meetings.meeting_command(ctx, cmd.args)
        case CommandName.UNDO:
            return undo.undo_reply(ctx, cmd.ref)
        case CommandName.BIND:
            return groups.bind_reply(ctx, cmd.text)
        case CommandName.ASSIGN:
            return followups.assign_reply(ctx, cmd.ref or "", cmd.users)
        case CommandName.RHYTHM:
            return followups.rhythm_reply(ctx, cmd.ref or "", cmd.text)
        case CommandName.EXPORT:
            return export_handlers.export_reply(ctx, cmd.args)
    return help_reply()  # pragma: no cover


def guarded(ctx: CommandContext, what: str, fn: Callable[[], Reply]) -> Reply:
    """Run a handler; turn domain errors, refusals and outages into short Swedish replies."""
    try:
        return _run_with_retries(ctx, what, fn)
    except DuplicateRequest:
        log.info("duplicate request ignored in %s", what)
        return Reply(duplicate=True)
    except NotAllowed as e:
        _audit_refusal(ctx, what, e.message)
        return _failed(f"⛔ {e.message}")
    except PersonalDataRefused as e:
        _audit_personal_number(ctx, what, e.field)
        return _failed(e.message)
    except DomainError as e:
        return _failed(e.message)
    except (OperationalError, DBAPIError) as e:
        if isinstance(e, OperationalError) or e.connection_invalidated:
            log.warning("database unavailable in %s: %s", what, type(e).__name__)
            return _failed(UNAVAILABLE)
        log.exception("database error in %s", what)
        return _failed(UNEXPECTED)
    except Exception:
        log.exception("unexpected error in %s", what)
        return _failed(UNEXPECTED)


# Tries of a command whose write met a row another request wrote at the same moment.
RACE_TRIES = 3


def _run_with_retries(ctx: CommandContext, what: str, fn: Callable[[], Reply]) -> Reply:
    """Run `fn`, and again if a pooled connection turned out to be cut, or if another request
    wrote the same unique row between this one's read and its write.

    A pooled connection used again within a second is not pinged (bot.db._ping_when_idle), so
    the first request after a database restart can meet a dead one. SQLAlchemy then marks the
    error `connection_invalidated` and starts the pool afresh, so a second try gets a new
    connection. A refused connect is not such an error (psycopg's dialect counts only a broken
    connection), so a database that is really down still answers "försök igen" at once.

    Two people (or two web workers) binding one channel, creating one group or assigning one
    person at the same instant both read "not there yet"; the later write breaks a unique
    constraint (or a foreign key, when the row it points to went). Its transaction stored
    nothing, and a new try reads what the other stored and does what it would have done one
    moment later ("redan ansvariga", the channel moved on) instead of "Något gick fel".

    A handler is one transaction and nothing but database work, so running it again is safe
    where it read, and where it wrote under a request key: a cut that hid a COMMIT which went
    through meets its own claim the second time and stores nothing twice. A write without a
    key (the console) is not run again after a cut, nor after a conflict in a second write.
    """
    cut_retried = False
    tries = 0
    while True:
        writes_before = ctx.writes_begun
        tries += 1
        try:
            return fn()
        except IntegrityError:
            # The failed write's transaction rolled back; an earlier one may have committed.
            if tries >= RACE_TRIES or ctx.writes_begun - writes_before > 1:
                raise
            log.info("a concurrent write in %s: trying again", what)
        except DBAPIError as e:
            may_have_stored = ctx.writes_begun > writes_before and ctx.request_key is None
            if cut_retried or not e.connection_invalidated or may_have_stored:
                raise
            cut_retried = True
            log.info("database connection was cut in %s: trying once more", what)


def _failed(message: str) -> Reply:
    """A refusal or fault: nothing was stored, and the text says why."""
    reply = Reply.text(message)
    reply.failed = True
    return reply


def execute(ctx: CommandContext, text: CommandText | str) -> Reply:
    """Handle one `/atgard …` line, in the neutral form its adapter made of it."""
    line = CommandText.of(text)

    def run() -> Reply:
        return dispatch(ctx, parse_command(line))

    if _holds_personal_number(line):
        return _refused_personal_number(ctx, "kommando")
    return scrubbed(guarded(ctx, "kommando", run))


def execute_cached(
    ctx: CommandContext, text: CommandText | str, tag: str, render: Callable[[Reply], T]
) -> T | None:
    """`execute`'s reply, as `render` makes it, when it is an answer already made (a `lista`
    at the plan's current revision), else None: then `execute` does the work. `render` runs
    once per cached answer and `tag` (ReadingCache.rendering): what it returns is shared by
    every later hit. Any failure here is None as well."""
    try:
        line = CommandText.of(text)
        if _holds_personal_number(line):
            return None  # execute() refuses it, and audits the refusal
        cmd = parse_command(line)
        if cmd.name is not CommandName.LIST:
            return None
        return measures.cached_list_rendering(
            ctx, cmd.args[0] if cmd.args else "", tag, lambda reply: render(scrubbed(reply))
        )
    except Exception:  # execute() will meet it again and answer it properly
        return None


def _holds_personal_number(line: CommandText) -> bool:
    # The names a mention was shown as end up in a follow-up's text as well.
    return contains_personal_number(line.text) or any(
        contains_personal_number(name) for name in line.names.values()
    )


def scrubbed(reply: Reply) -> Reply:
    """Backstop: a personal identity number typed into a command is never echoed back, even
    inside an error message that quotes what the user wrote."""
    reply.title = mask(reply.title) if reply.title else reply.title
    reply.context = mask(reply.context) if reply.context else reply.context
    reply.ack_text = mask(reply.ack_text) if reply.ack_text else reply.ack_text
    for s in reply.sections:
        s.text = mask(s.text)
        s.heading = mask(s.heading) if s.heading else s.heading
        s.fields = [Field(f.label, mask(f.value)) for f in s.fields]
    reply.errors = {k: mask(v) for k, v in reply.errors.items()}
    return reply


def press(ctx: CommandContext, action: str, value: str) -> Reply:
    """A button was pressed."""

    def run() -> Reply:
        match action:
            case ActionId.FOLLOW_UP:
                # "1.3", or "1.3 2025-T3" from a tertial nudge: the form is for that tertial.
                ref, _, period = value.partition(" ")
                return followups.follow_up_form(ctx, ref, None, period or None)
            case ActionId.MARK_DONE:
                return followups.mark_done_reply(ctx, value, "", None)
            case ActionId.UNDO:
                return undo.undo_pressed(ctx, value)
            case ActionId.SHOW_HISTORY:
                return measures.history_reply(ctx, value)
            case ActionId.SHOW_MEASURE:
                return measures.show_measure_reply(ctx, value)
            case ActionId.PAGE:
                data = json.loads(value)
                return measures.list_measures_reply(
                    ctx, str(data.get("f", "")), int(data.get("p", 0))
                )
        return help_reply()

    if contains_personal_number(value):
        return _refused_personal_number(ctx, f"knapp {action}")
    return scrubbed(guarded(ctx, f"knapp {action}", run))


def submit(
    ctx: CommandContext, form_id: str, metadata: dict[str, str], values: dict[str, object]
) -> Reply:
    """A form was submitted. A Reply with `errors` means: show them in the form, nothing stored."""

    what = f"formulär {form_id}"

    def run() -> Reply:
        try:
            match form_id:
                case ModalId.FOLLOW_UP:
                    return followups.submit_follow_up(ctx, metadata, values)  # type: ignore[arg-type]
                case ModalId.MEETING:
                    return meetings.submit_meeting(ctx, metadata, values)
        except PersonalDataRefused as e:  # found in a field after cleaning: beside that field
            _audit_personal_number(ctx, what, e.field)
            return Reply(errors={e.field or "": e.message})
        return Reply(errors={"text": "Okänt formulär."})

    field = _field_with_personal_number(metadata, values)
    if field is not None:
        _audit_personal_number(ctx, what, field)
        return Reply(errors={field: REFUSAL_MESSAGE})
    return scrubbed(guarded(ctx, what, run))


def _field_with_personal_number(metadata: dict[str, str], values: dict[str, object]) -> str | None:
    """The first form input (or "" for the form's metadata) that holds a personal number.

    Every field, whatever it is for: a date, a select's value and the metadata are typed or
    carried by the client as well, and a number in one of them must not reach a handler that
    echoes, logs or stores it.
    """
    for name, value in values.items():
        items = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(v, str) and contains_personal_number(v) for v in items):
            return name
    if any(contains_personal_number(str(v)) for v in metadata.values()):
        return ""
    return None


def _refused_personal_number(ctx: CommandContext, what: str) -> Reply:
    """A command or button whose text holds a personal number: refused before it is parsed
    (so no handler can store, echo or log it), and audited without the text."""
    _audit_personal_number(ctx, what, None)
    return _failed(REFUSAL_MESSAGE)


def _audit_personal_number(ctx: CommandContext, what: str, field: str | None) -> None:
    # What was refused and where, never the text: the number must not reach the trail.
    _audit_refusal(
        ctx, what, "personnummer eller samordningsnummer", entity="personal_data", field=field
    )


def _audit_refusal(
    ctx: CommandContext,
    what: str,
    message: str,
    *,
    entity: str = "permission",
    field: str | None = None,
) -> None:
    after = {"what": what, "message": message}
    if field is not None:
        after["field"] = field
    try:
        with ctx.session_factory.begin() as s:
            audit.record(
                session=s,
                actor=ctx.actor,
                action="nekad",
                entity=entity,
                entity_id=ctx.channel_id,
                after=after,
                at=ctx.now(),
            )
    except Exception:  # the refusal itself must still reach the user
        log.warning("could not audit a refusal")


__all__ = ["Field", "dispatch", "execute", "help_reply", "press", "submit"]
