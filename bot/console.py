"""`atgard console`: type the same `/atgard …` lines as in chat and read the replies as text."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import TextIO

from handlers.context import CommandContext
from handlers.parse import CommandText
from handlers.router import execute, submit
from models.replies import MENTION_CLOSE, MENTION_OPEN, Input, Option, Reply, mention

PROMPT = "atgard> "
# `@id` after a space or at the start (not an e-mail address); a full stop ends it.
CONSOLE_MENTION = re.compile(r"(?<![\w<])@([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)")
_TOKEN_CHARS = re.compile("[" + re.escape(MENTION_OPEN[0] + MENTION_CLOSE) + "]")


def command_text(line: str) -> CommandText:
    """A typed line in the neutral form. The console has no list of people to pick from:
    `@id` names the console user with that id (what `atgard console --user` takes), so
    `ansvarig 1.3 @U_KONSOL` does what picking a person after @ does in chat."""
    return CommandText(
        CONSOLE_MENTION.sub(lambda m: mention(m.group(1)), _TOKEN_CHARS.sub("", line))
    )


def render_text(reply: Reply) -> str:
    text = reply.plain()
    return text.replace(MENTION_OPEN, "@").replace(MENTION_CLOSE, "")


def _choice_label(option: Option) -> str:
    # A measure's label starts with its reference ("1.3 SSP: …"): the reference is enough.
    # Other values are codes ("ej_bedomd"); the label is what a person reads and types.
    return option.value if option.label.startswith(option.value) else option.label


def _words(text: str) -> str:
    # "🟡 Delvis uppfyllt" and "ej_bedomd" as a person types them: "delvis uppfyllt", "ej bedomd".
    return " ".join(text.replace("_", " ").split()).lstrip("".join(_SYMBOLS)).strip().casefold()


_SYMBOLS = "🟢🟡🔴⚪✅ "


def _chosen(inp: Input, answer: str) -> str:
    """The option's value for an answer given as its value, its label or the start of one
    that fits only one option ("delvis"); anything else goes on for the form to refuse."""
    wanted = _words(answer)
    names = [(o.value, {_words(o.value), _words(o.label)}) for o in inp.options]
    exact = [value for value, keys in names if wanted in keys]
    if exact:
        return exact[0]
    starts = [value for value, keys in names if wanted and any(k.startswith(wanted) for k in keys)]
    return starts[0] if len(starts) == 1 else answer


def fill_form(ctx: CommandContext, reply: Reply, ask: Callable[[str], str], out: TextIO) -> Reply:
    """Ask for each form field in turn (the console's stand-in for a modal)."""
    form = reply.form
    assert form is not None
    print(f"== {form.title} ==", file=out)
    if form.intro:
        print(form.intro, file=out)
    values: dict[str, object] = {}
    for inp in form.inputs:
        hint = ""
        if inp.options:
            hint = " (" + ", ".join(_choice_label(o) for o in inp.options[:12]) + ")"
        initial = inp.initial if isinstance(inp.initial, str) else ", ".join(inp.initial or ())
        if inp.options and isinstance(inp.initial, str):
            initial = next(
                (_choice_label(o) for o in inp.options if o.value == inp.initial), initial
            )
        default = f" [{initial[:60]}]" if initial else ""
        answer = ask(f"{inp.label}{hint}{default}: ").strip()
        if not answer and initial:
            answer = initial
        if inp.kind == "multiselect":
            values[inp.id] = [_chosen(inp, a.strip()) for a in answer.split(",") if a.strip()]
        else:
            values[inp.id] = _chosen(inp, answer) if inp.options else answer
    result = submit(ctx, form.id, form.metadata, values)
    # Errors come keyed by the field's id ("verdict"); the person saw its label.
    labels = {inp.id: inp.label for inp in form.inputs}
    result.errors = {labels.get(k, k): v for k, v in result.errors.items()}
    return result


def run_console(ctx: CommandContext, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> None:
    interactive = stdin.isatty()
    print(
        "Åtgärdsbot i terminalen. Skriv till exempel `/atgard lista` eller `/atgard hjälp`; avsluta med `exit`.",
        file=out,
    )

    def ask(prompt: str) -> str:
        if interactive:
            return input(prompt)
        print(prompt, end="", file=out)
        line = stdin.readline()
        if line == "":
            raise EOFError
        return line.rstrip("\n")

    while True:
        try:
            line = ask(PROMPT)
        except EOFError:
            break
        line = line.strip()
        if line in ("exit", "quit", "avsluta"):
            break
        if not line:
            continue
        text = line.removeprefix("/atgard").strip()
        reply = execute(ctx, command_text(text))
        if reply.form is not None:
            reply = fill_form(ctx, reply, ask, out)
        print(render_text(reply), file=out)
        print(file=out)
