"""Neutral Reply/Form -> Slack Block Kit. Every Slack limit is enforced here, in one place.

All text is escaped with `escape_mrkdwn` (so nobody can smuggle `<!channel>` or a forged link
into a message the bot posts) before mention tokens become `<@U…>`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.slack import rich_text
from bot.textsafety import escape_mrkdwn, format_count, truncate
from models.replies import MENTION_CLOSE, MENTION_OPEN, Button, Form, Input, Reply, Section

# Slack's documented limits (https://docs.slack.dev/reference/block-kit/).
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ELEMENTS = 25
MAX_CONTEXT_TEXT = 2000
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_OPTIONS = 100
MAX_MODAL_TITLE = 24
MAX_MODAL_BUTTON = 24
MAX_LABEL = 2000
MAX_HINT = 2000
MAX_PLACEHOLDER = 150
MAX_INPUT_LENGTH = 3000  # plain_text_input max_length may not exceed this
MAX_PRIVATE_METADATA = 3000
MAX_FALLBACK_TEXT = 3000
MAX_ERROR_TEXT = 1000
MAX_TEXT_CHUNKS = 3  # a long text is split over at most this many sections before it is cut

TRIMMED_NOTE = (
    "Svaret är för långt för Slack och har kortats. Välj ett område med `/atgard lista 2`."
)
CUT_NOTE = "Texten är för lång för Slack och har kortats."
CLOSE_LABEL = "Avbryt"
# Without a placeholder of its own a menu or date picker shows Slack's, in English ("Select
# options", "Select a date"): Slack's clients have no Swedish.
DEFAULT_PLACEHOLDERS = {
    "select": "Välj",
    "multiselect": "Välj en eller flera",
    "date": "Välj ett datum",
}
LONGER_THAN_FORM = (
    "Den sparade texten är längre än de {limit} tecken som ryms här och visas därför"
    " förkortad: kontrollera slutet innan du sparar."
)

_MENTION_RE = re.compile(
    re.escape(MENTION_OPEN) + r"([UW][A-Z0-9]{1,20})" + re.escape(MENTION_CLOSE)
)
_SUFFIX_RE = re.compile(r"#\d+$")


# --------------------------------------------------------------------------- text


def mrkdwn(text: str) -> str:
    """Escape &, <, > and turn neutral mention tokens into Slack mentions."""
    return _MENTION_RE.sub(r"<@\1>", escape_mrkdwn(text))


def plain(text: str) -> str:
    """Text for plain_text objects: no markup is parsed there, mentions become @id."""
    return _MENTION_RE.sub(r"@\1", text)


def fit(text: str, limit: int) -> str:
    """`mrkdwn(text)` shortened so the *escaped* result is at most `limit` characters."""
    out = mrkdwn(text)
    budget = limit
    while len(out) > limit and budget > 0:
        budget -= len(out) - limit
        out = mrkdwn(truncate(text, max(budget, 0)))
    return out[:limit]


def fit_plain(text: str, limit: int) -> str:
    return truncate(plain(text), limit)


def slack_length(text: str) -> int:
    """Length as Slack's clients count it (UTF-16 code units: an emoji outside the BMP counts
    twice). Never less than len(text), so a text within it is within either count."""
    return len(text.encode("utf-16-le")) // 2


def fit_input(text: str, limit: int) -> str:
    """`text` shortened at a word break so that Slack counts at most `limit` characters: an
    initial_value longer than the input's max_length makes views.open fail."""
    if slack_length(text) <= limit:
        return text
    out, budget = truncate(text, limit), limit
    while slack_length(out) > limit and budget > 0:  # characters outside the BMP
        budget -= slack_length(out) - limit
        out = truncate(text, max(budget, 0))
    return out


def split_text(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Split raw text into pieces whose escaped form fits `limit`, at line or word breaks."""
    pieces: list[str] = []
    rest = text
    while rest:
        if len(mrkdwn(rest)) <= limit:
            pieces.append(rest)
            break
        cut = min(limit, len(rest))
        while cut > 1 and len(mrkdwn(rest[:cut])) > limit:
            cut = max(1, cut - max(1, (len(mrkdwn(rest[:cut])) - limit) // 5))
        window = rest[:cut]
        brk = max(window.rfind("\n"), window.rfind(" "))
        if brk >= cut // 2:
            cut = brk + 1
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return pieces


def action_base(action_id: str) -> str:
    """Our action ids may carry a `#n` suffix to keep them unique within one block."""
    return _SUFFIX_RE.sub("", action_id)


# --------------------------------------------------------------------------- blocks


def _text_obj(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text or " "}


def _button(button: Button, action_id: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "button",
        "text": {
            "type": "plain_text",
            "text": fit_plain(button.label, MAX_BUTTON_TEXT),
            "emoji": True,
        },
        "action_id": action_id or button.action.value,
        "value": button.value[:MAX_BUTTON_VALUE],
    }
    if button.primary:
        out["style"] = "primary"
    return out


def _actions(buttons: list[Button]) -> dict[str, Any]:
    seen: dict[str, int] = {}
    elements = []
    for b in buttons[:MAX_ACTION_ELEMENTS]:
        n = seen.get(b.action.value, 0)
        seen[b.action.value] = n + 1
        elements.append(_button(b, b.action.value if n == 0 else f"{b.action.value}#{n + 1}"))
    return {"type": "actions", "elements": elements}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_text_obj(fit(text, MAX_CONTEXT_TEXT))]}


def _field(label: str, value: str) -> dict[str, Any]:
    head = f"*{fit(label, 200)}*\n"
    return _text_obj(head + fit(value or "–", MAX_FIELD_TEXT - len(head)))


def section_blocks(section: Section) -> list[dict[str, Any]]:
    """One neutral Section as Slack blocks (text split over several sections when long)."""
    blocks: list[dict[str, Any]] = []
    heading = f"*{mrkdwn(truncate(section.heading, 300))}*" if section.heading else ""
    pieces = split_text(section.text, MAX_SECTION_TEXT - len(heading) - 1) if section.text else []
    was_cut = len(pieces) > MAX_TEXT_CHUNKS
    pieces = pieces[:MAX_TEXT_CHUNKS]
    texts = [mrkdwn(p) for p in pieces]
    if heading:
        texts = [heading + ("\n" + texts[0] if texts else ""), *texts[1:]]
    fields = [_field(f.label, f.value) for f in section.fields]
    if not texts and fields:
        texts = [""]
    for i, text in enumerate(texts):
        block: dict[str, Any] = {"type": "section"}
        if text:
            block["text"] = _text_obj(text)
        if i == 0 and fields:
            block["fields"] = fields[:MAX_FIELDS]
        blocks.append(block)
    for start in range(MAX_FIELDS, len(fields), MAX_FIELDS):
        blocks.append({"type": "section", "fields": fields[start : start + MAX_FIELDS]})
    buttons = list(section.buttons)
    if was_cut:
        if section.more_action is not None:
            buttons.append(section.more_action)
        else:
            blocks.append(_context(CUT_NOTE))
    if len(buttons) == 1 and blocks and blocks[-1]["type"] == "section" and "text" in blocks[-1]:
        blocks[-1]["accessory"] = _button(buttons[0])
    elif buttons:
        blocks.append(_actions(buttons))
    return blocks


def render_blocks(reply: Reply, *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> list[dict[str, Any]]:
    """The Reply's blocks, never more than `max_blocks` (the tail is cut with a note)."""
    head: list[dict[str, Any]] = []
    if reply.title:
        head.append(
            {
                "type": "header",
                "text": {
                    "type": "plain_text",
                    "text": fit_plain(reply.title, MAX_HEADER),
                    "emoji": True,
                },
            }
        )
    body: list[dict[str, Any]] = []
    for section in reply.sections:
        body.extend(section_blocks(section))
    tail = [_context(reply.context)] if reply.context else []
    if len(head) + len(body) + len(tail) > max_blocks:
        body = [*body[: max_blocks - len(head) - len(tail) - 1], _context(TRIMMED_NOTE)]
    return head + body + tail


def fallback_text(reply: Reply) -> str:
    """The notification/fallback `text` sent beside the blocks: the words, without buttons."""
    lines: list[str] = [reply.title] if reply.title else []
    for s in reply.sections:
        lines += [t for t in (s.heading, s.text) if t]
        lines += [f"{f.label}: {f.value}" for f in s.fields]
    if reply.context:
        lines.append(reply.context)
    return fit("\n".join(lines), MAX_FALLBACK_TEXT) or " "


def render_message(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for chat.postMessage / chat.postEphemeral / respond()."""
    return {"text": fallback_text(reply), "blocks": render_blocks(reply)}


def render_home(reply: Reply) -> dict[str, Any]:
    return {"type": "home", "blocks": render_blocks(reply, max_blocks=MAX_VIEW_BLOCKS)}


# --------------------------------------------------------------------------- modals


def _option(value: str, label: str) -> dict[str, Any]:
    return {
        "text": {
            "type": "plain_text",
            "text": fit_plain(label, MAX_OPTION_TEXT) or value,
            "emoji": True,
        },
        "value": value[:MAX_OPTION_VALUE],
    }


def _element(inp: Input) -> dict[str, Any]:
    el: dict[str, Any]
    options = [_option(o.value, o.label) for o in inp.options[:MAX_OPTIONS]]
    values = {o["value"] for o in options}
    if inp.kind == "select":
        el = {"type": "static_select", "options": options}
        if isinstance(inp.initial, str) and inp.initial in values:
            el["initial_option"] = next(o for o in options if o["value"] == inp.initial)
    elif inp.kind == "multiselect":
        el = {"type": "multi_static_select", "options": options}
        chosen = [inp.initial] if isinstance(inp.initial, str) else list(inp.initial or ())
        initial = [o for o in options if o["value"] in set(chosen)]
        if initial:
            el["initial_options"] = initial
    elif inp.kind == "date":
        el = {"type": "datepicker"}
        if isinstance(inp.initial, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", inp.initial):
            el["initial_date"] = inp.initial
    else:
        el = {"type": "plain_text_input", "multiline": inp.kind == "multiline"}
        limit = min(inp.max_length or MAX_INPUT_LENGTH, MAX_INPUT_LENGTH)
        el["max_length"] = limit
        if isinstance(inp.initial, str) and inp.initial:
            el["initial_value"] = fit_input(inp.initial, limit)
    el["action_id"] = inp.id
    placeholder = inp.placeholder or DEFAULT_PLACEHOLDERS.get(inp.kind)
    if placeholder:
        el["placeholder"] = {
            "type": "plain_text",
            "text": fit_plain(placeholder, MAX_PLACEHOLDER),
        }
    return el


def _input_block(inp: Input) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": inp.id,
        "label": {"type": "plain_text", "text": fit_plain(inp.label, MAX_LABEL), "emoji": True},
        "element": _element(inp),
        "optional": inp.optional,
    }
    hint = inp.hint or ""
    limit = min(inp.max_length or MAX_INPUT_LENGTH, MAX_INPUT_LENGTH)
    if (
        inp.kind in ("text", "multiline")
        and isinstance(inp.initial, str)
        and slack_length(inp.initial) > limit
    ):
        # Saved before the limit was what it is now (or imported): the form shows what fits.
        hint = (hint + " " if hint else "") + LONGER_THAN_FORM.format(limit=format_count(limit))
    if hint:
        block["hint"] = {"type": "plain_text", "text": fit_plain(hint, MAX_HINT)}
    return block


def render_modal(form: Form, private_metadata: str = "") -> dict[str, Any]:
    """A Form as a Slack modal view; block ids and action ids are the input ids."""
    blocks: list[dict[str, Any]] = []
    if form.intro:
        blocks.extend(
            {"type": "section", "text": _text_obj(mrkdwn(p))} for p in split_text(form.intro)[:2]
        )
    blocks.extend(_input_block(i) for i in form.inputs)
    return {
        "type": "modal",
        "callback_id": form.id.value,
        "title": {"type": "plain_text", "text": fit_plain(form.title, MAX_MODAL_TITLE)},
        "submit": {"type": "plain_text", "text": fit_plain(form.submit_label, MAX_MODAL_BUTTON)},
        "close": {"type": "plain_text", "text": CLOSE_LABEL},
        "private_metadata": private_metadata[:MAX_PRIVATE_METADATA],
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }


def encode_metadata(metadata: Mapping[str, str], extra: Mapping[str, str] | None = None) -> str:
    """private_metadata: the form's own metadata plus adapter keys (dropped if over the limit)."""
    data = {"m": dict(metadata), **({"x": dict(extra)} if extra else {})}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if len(text) > MAX_PRIVATE_METADATA:
        text = json.dumps({"m": dict(metadata)}, ensure_ascii=False, separators=(",", ":"))
    return text


def decode_metadata(text: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """(form metadata, adapter extras); garbage gives empty dicts."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}, {}
    if not isinstance(data, dict):
        return {}, {}
    meta = data.get("m") if isinstance(data.get("m"), dict) else {}
    extra = data.get("x") if isinstance(data.get("x"), dict) else {}
    return {str(k): str(v) for k, v in meta.items()}, {str(k): str(v) for k, v in extra.items()}


def form_values(state_values: Mapping[str, Mapping[str, Any]]) -> dict[str, object]:
    """Generic extraction from view.state.values (block id = action id = input id)."""
    out: dict[str, object] = {}
    for block_id, actions in state_values.items():
        for action_id, v in actions.items():
            out[action_id or block_id] = element_value(v)
    return out


# Where each documented input element keeps its value in view.state.values: one field each,
# None (or missing) when nothing was chosen or typed.
_SELECTED = (
    "selected_date",  # datepicker
    "selected_time",  # timepicker
    "selected_date_time",  # datetimepicker (a Unix timestamp)
    "selected_user",  # users_select
    "selected_conversation",  # conversations_select
    "selected_channel",  # channels_select
    "selected_users",  # multi_users_select
    "selected_conversations",  # multi_conversations_select
    "selected_channels",  # multi_channels_select
)


def element_value(v: Mapping[str, Any]) -> object:
    """What an element holds, in view.state.values or as a block_actions action (a button's
    `value`, a menu's chosen option, a date, a user)."""
    if "selected_option" in v:  # static/external select, radio buttons
        opt = v.get("selected_option")
        return opt.get("value") if isinstance(opt, dict) else None
    if "selected_options" in v or v.get("type") in ("multi_static_select", "checkboxes"):
        return [o.get("value") for o in v.get("selected_options") or [] if isinstance(o, dict)]
    for name in _SELECTED:
        if name in v:
            return v.get(name)
    if "rich_text_value" in v:  # rich_text_input: a rich_text block, not a string
        return rich_text.plain_text(v.get("rich_text_value"))
    return v.get("value")  # plain_text_input, number_input, email/url input


def view_errors(errors: Mapping[str, str], block_ids: Iterable[str]) -> dict[str, str]:
    """Errors keyed by block id; keys that are not blocks of this view go on the first input."""
    ids = list(block_ids)
    out: dict[str, str] = {}
    for key, message in errors.items():
        target = key if key in ids else (ids[0] if ids else key)
        text = truncate(plain(message), MAX_ERROR_TEXT)
        out[target] = f"{out[target]} {text}" if target in out else text
    return out
