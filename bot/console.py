"""`atgard console`: type the same `/atgard …` lines as in chat and read the replies as text."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from handlers.context import CommandContext
from handlers.router import execute, submit
from models.replies import MENTION_CLOSE, MENTION_OPEN, Reply

PROMPT = "atgard> "


def render_text(reply: Reply) -> str:
    text = reply.plain()
    return text.replace(MENTION_OPEN, "@").replace(MENTION_CLOSE, "")


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
            hint = " (" + ", ".join(o.value for o in inp.options[:12]) + ")"
        initial = inp.initial if isinstance(inp.initial, str) else ", ".join(inp.initial or ())
        default = f" [{initial[:60]}]" if initial else ""
        answer = ask(f"{inp.label}{hint}{default}: ").strip()
        if not answer and initial:
            answer = initial
        values[inp.id] = (
            [a.strip() for a in answer.split(",") if a.strip()]
            if inp.kind == "multiselect"
            else answer
        )
    return submit(ctx, form.id, form.metadata, values)


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
        reply = execute(ctx, text)
        if reply.form is not None:
            reply = fill_form(ctx, reply, ask, out)
        print(render_text(reply), file=out)
        print(file=out)
