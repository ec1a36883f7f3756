"""Getting a rendered Reply to the right place: response_url, channel, ephemeral, DM, modal."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.render import encode_metadata, render_message, render_modal
from handlers.context import CommandContext
from models.replies import Form, ModalId, Reply, Visibility

log = logging.getLogger(__name__)

FORM_TOO_SLOW = "Formuläret hann inte öppnas. Försök igen."
# Slack refused the form itself: trying again would fail the same way; say what still works.
FORM_FAILED = "Formuläret kunde inte öppnas. Be en samordnare titta i botens logg."
FOLLOW_UP_FORM_FAILED = (
    "Formuläret kunde inte öppnas. Skriv i stället uppföljningen direkt efter kommandot, till"
    " exempel `/atgard uppfolj 1.3 Fyra möten hölls.`"
)
FILES_TO_DM = (
    "Boten är inte med i kanalen, så filen kunde inte delas här. Du har fått den i ett"
    " direktmeddelande från Åtgärdsbot. Bjud in boten med `/invite @Åtgärdsbot` för att dela"
    " filer i kanalen."
)
# views.open's answers when the 3 s for the trigger id ran out (or it was used already).
_TRIGGER_GONE = {"expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id"}
# Errors after which a channel post is retried through response_url (the bot is not a member).
_NOT_MEMBER = {"not_in_channel", "channel_not_found"}
# Slack user ids: U… in a workspace, W… for Enterprise Grid users.
USER_ID_PREFIXES = ("U", "W")


def _error(e: SlackApiError) -> str:
    return str(e.response.get("error") or e.response.status_code)


def open_form_for(
    client: WebClient,
    form: Form,
    body: dict[str, Any],
    ctx: CommandContext,
    *,
    respond: Respond | None,
    from_home: bool = False,
) -> None:
    """Open the form a command or button asked for. The trigger id is valid for 3 s after the
    user acted; the database read before this takes milliseconds."""
    extras = {
        "r": body.get("response_url") or "",
        "c": ctx.channel_id or "",
        "h": "1" if from_home else "",
    }
    open_form(
        client,
        form,
        trigger_id=body.get("trigger_id"),
        extras=extras,
        respond=respond,
        user_id=ctx.actor.user_id,
        channel_id=ctx.channel_id,
    )


def open_form(
    client: WebClient,
    form: Form,
    *,
    trigger_id: str | None,
    extras: dict[str, str],
    respond: Respond | None,
    user_id: str,
    channel_id: str | None,
) -> None:
    """Open a modal; if the trigger has expired (3 s), say so instead of failing silently."""
    view = render_modal(
        form, encode_metadata(form.metadata, {k: v for k, v in extras.items() if v})
    )
    try:
        if not trigger_id:
            raise ValueError("no trigger_id")
        client.views_open(trigger_id=trigger_id, view=view)
    except (SlackApiError, ValueError) as e:
        code = _error(e) if isinstance(e, SlackApiError) else str(e)
        log.warning("could not open form %s: %s", form.id.value, code)
        # "Too slow" only when it was: telling the user to try again is wrong for a form
        # Slack refused (that would fail again).
        too_slow = not isinstance(e, SlackApiError) or code in _TRIGGER_GONE
        ephemeral(
            client,
            Reply.text(
                FORM_TOO_SLOW
                if too_slow
                else FOLLOW_UP_FORM_FAILED
                if form.id is ModalId.FOLLOW_UP
                else FORM_FAILED
            ),
            respond=respond,
            user_id=user_id,
            channel_id=channel_id,
        )


def ephemeral(
    client: WebClient,
    reply: Reply,
    *,
    respond: Respond | None,
    user_id: str,
    channel_id: str | None,
    replace_original: bool = False,
) -> None:
    """Only the user sees it: via response_url if there is one, else postEphemeral, else DM."""
    msg = render_message(reply)
    if respond is not None and respond.response_url:
        resp = respond(response_type="ephemeral", replace_original=replace_original, **msg)
        if resp.status_code == 200:
            return
        log.warning("response_url answered %s", resp.status_code)
    if channel_id and not channel_id.startswith("D"):
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, **msg)
            return
        except SlackApiError as e:
            log.warning("chat.postEphemeral failed: %s", _error(e))
    direct_message(client, user_id, msg)


def direct_message(client: WebClient, user_id: str, msg: dict[str, Any]) -> str | None:
    """Post in the app's DM with the user (chat:write to a user id opens it)."""
    try:
        resp = client.chat_postMessage(channel=user_id, **msg)
        return str(resp.get("channel") or "") or None
    except SlackApiError as e:
        log.warning("direct message failed: %s", _error(e))
        return None


def to_channel(
    client: WebClient,
    reply: Reply,
    *,
    respond: Respond | None,
    user_id: str,
    channel_id: str | None,
) -> str | None:
    """Post for everybody in the channel; falls back to response_url when the bot is not a member.

    Returns the channel the message went to (for uploads), if known.
    """
    msg = render_message(reply)
    if not channel_id:
        return direct_message(client, user_id, msg)
    try:
        client.chat_postMessage(channel=channel_id, **msg)
        return channel_id
    except SlackApiError as e:
        code = _error(e)
        if code in _NOT_MEMBER and respond is not None and respond.response_url:
            respond(response_type="in_channel", replace_original=False, **msg)
            return None
        log.warning("chat.postMessage failed: %s", code)
        ephemeral(client, reply, respond=respond, user_id=user_id, channel_id=None)
        return None


Upload = tuple[str, bytes, str]  # filename, content, title


def _uploads(reply: Reply) -> list[Upload]:
    uploads: list[Upload] = [
        (f"{i.title}.png" if not i.title.endswith(".png") else i.title, i.png, i.title)
        for i in reply.images
    ]
    uploads += [(a.filename, a.content, a.title) for a in reply.attachments]
    return uploads


def upload_files(
    client: WebClient,
    reply: Reply,
    *,
    channel_id: str | None,
    user_id: str,
    uploads: list[Upload] | None = None,
) -> list[Upload]:
    """Images and attachments cannot be embedded in blocks: upload them with files_upload_v2.

    Returns the uploads the conversation refused because the bot is not in it (a private
    channel it was not invited to, a DM between two people): nothing of them was shared.
    """
    uploads = _uploads(reply) if uploads is None else uploads
    if not uploads:
        return []
    target = channel_id
    # A user id (U…, or W… on Enterprise Grid) is not a conversation files can go to: the
    # user's DM with the app is opened for them.
    if not target or target.startswith(USER_ID_PREFIXES):
        try:
            target = client.conversations_open(users=user_id)["channel"]["id"]
        except SlackApiError as e:
            log.warning("could not open a DM for files: %s", _error(e))
            return []
    refused: list[Upload] = []
    for filename, content, title in uploads:
        try:
            client.files_upload_v2(channel=target, content=content, filename=filename, title=title)
        except SlackApiError as e:
            log.warning("file upload failed: %s", _error(e))
            if _error(e) in _NOT_MEMBER:
                refused.append((filename, content, title))
    return refused


def ack_part(reply: Reply) -> Reply | None:
    """What of a command's reply can go in the ack itself (Slack shows it to the user only):
    a private answer, or the private confirmation of a channel post. None: ack empty."""
    if reply.duplicate or reply.form is not None:
        return None
    if reply.visibility is Visibility.CHANNEL:
        return Reply.text(reply.ack_text) if reply.ack_text else None
    return reply


def deliver(
    client: WebClient,
    ctx: CommandContext,
    reply: Reply,
    *,
    respond: Respond | None,
    replace_original: bool = False,
    acked: bool = False,
) -> None:
    """A finished (non-form) reply: channel posts are confirmed privately with `ack_text`.

    `acked`: `ack_part(reply)` already went out in the ack; send only the rest.
    """
    if reply.duplicate:
        return  # already answered when the first copy of this request was handled
    user_id, channel_id = ctx.actor.user_id, ctx.channel_id
    if reply.visibility is Visibility.CHANNEL:
        posted_to = to_channel(
            client, reply, respond=respond, user_id=user_id, channel_id=channel_id
        )
        if reply.ack_text and not acked:
            ephemeral(
                client,
                Reply.text(reply.ack_text),
                respond=respond,
                user_id=user_id,
                channel_id=channel_id,
            )
        refused = upload_files(client, reply, channel_id=posted_to or channel_id, user_id=user_id)
        if refused:
            # The answer said the file was shared in the channel; the user still gets it.
            upload_files(client, reply, channel_id=None, user_id=user_id, uploads=refused)
            ephemeral(
                client,
                Reply.text(FILES_TO_DM),
                respond=respond,
                user_id=user_id,
                channel_id=channel_id,
            )
        return
    if not acked:
        ephemeral(
            client,
            reply,
            respond=respond,
            user_id=user_id,
            channel_id=channel_id,
            replace_original=replace_original,
        )
    # Files in a channel are public; a private reply's files go to the user's DM.
    upload_files(client, reply, channel_id=None, user_id=user_id)
