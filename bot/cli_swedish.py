"""Typer's own texts in Swedish: the usage line, the help option, the panel titles and the
messages for a command line it cannot read ("Missing argument 'file'." and the like).

Typer (0.29) has no translation hook for these: its vendored Click writes them in English.
The command and group classes below override the few methods that produce them; the panel
titles are module settings of `typer.rich_utils`, the place Typer reads them from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer import rich_utils
from typer._click.exceptions import (  # the vendored Click's errors; Typer exports no other path
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup
from typer.models import DefaultPlaceholder

USAGE_PREFIX = "Användning: "
HELP_OPTION_TEXT = "Visa den här hjälpen och avsluta."
_EXTRA_ARGUMENTS = "Got unexpected extra argument"

PANEL_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "Argument",
    "OPTIONS_PANEL_TITLE": "Flaggor",
    "COMMANDS_PANEL_TITLE": "Kommandon",
    "ERRORS_PANEL_TITLE": "Fel",
    "ABORTED_TEXT": "Avbrutet.",
    "DEFAULT_STRING": "[standard: {}]",
    "REQUIRED_LONG_STRING": "[krävs]",
    "DEPRECATED_STRING": "(utgående) ",
    "RICH_HELP": "Skriv [blue]{command_path} {help_option}[/] för hjälp.",
}


_USAGE_WORDS = {"[OPTIONS]": "[FLAGGOR]", "COMMAND": "KOMMANDO", "[ARGS]...": "[ARGUMENT]..."}


def _param_name(param: Any) -> str:
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
    if getattr(param, "param_type_name", "") == "option" and opts:
        return opts[0]
    return str(getattr(param, "metavar", None) or getattr(param, "name", "") or "").upper()


def _about(param: Any) -> str:
    # The parameter's own help says what to write ("Period: 2025-T1, T2 eller T3 …").
    about = str(getattr(param, "help", "") or "").rstrip(".")
    return f" – {about}" if about else ""


def _option(ctx: Any, name: str) -> Any:
    command = getattr(ctx, "command", None)
    return next((p for p in getattr(command, "params", ()) if name in p.opts), None)


# The value column of the help: Python's type names ("<str>", "<int>") in words; a flag
# takes no value, so it shows none (Typer writes "<bool>").
_TYPE_WORDS = {bool: "", str: "<text>", int: "<heltal>", Path: "<fil>"}


def _swedish_type(param: Any) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    if getattr(param, "param_type_name", "") != "option" or param.metavar is not None:
        return
    word = _TYPE_WORDS.get(getattr(descriptor, "annotation", None))  # type: ignore[arg-type]
    if word is not None:
        param.metavar = word


def swedish_message(e: UsageError, ctx: Any = None) -> str:
    """What was wrong with the command line, in Swedish, and what to write instead."""
    if isinstance(e, MissingParameter) and e.param is not None:
        return f"{_param_name(e.param)} saknas{_about(e.param)}."
    if isinstance(e, BadParameter) and e.param is not None:
        return f"Värdet för {_param_name(e.param)} går inte att läsa{_about(e.param)}."
    if isinstance(e, NoSuchOption):
        found = f"Flaggan {e.option_name} finns inte."
        if e.possibilities:
            return f"{found} Menade du {' eller '.join(sorted(e.possibilities))}?"
        return found
    if isinstance(e, BadOptionUsage):
        if "does not take a value" in e.message:
            return f"Flaggan {e.option_name} tar inget värde."
        return f"Flaggan {e.option_name} behöver ett värde{_about(_option(ctx, e.option_name))}."
    if e.message.startswith(_EXTRA_ARGUMENTS):
        extra = e.message[e.message.rfind("(") + 1 :].rstrip(")")
        return f"Det här förstod jag inte: {extra}."
    return e.message


class _SwedishTexts:
    """The overrides shared by commands and groups."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = " ".join(self.collect_usage_pieces(ctx)).split()  # type: ignore[attr-defined]
        words = " ".join(_USAGE_WORDS.get(word, word) for word in pieces)
        formatter.write_usage(ctx.command_path, words, prefix=USAGE_PREFIX)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_TEXT
            _swedish_type(option)
        return option

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]
        except NoArgsIsHelpError:
            raise
        except UsageError as e:
            raise UsageError(swedish_message(e, ctx), e.ctx or ctx) from None


class SwedishCommand(_SwedishTexts, TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _swedish_type(param)


class SwedishGroup(_SwedishTexts, TyperGroup):
    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except NoArgsIsHelpError:
            raise
        except UsageError as e:
            if e.ctx is not ctx or not args or self.get_command(ctx, args[0]) is not None:
                raise UsageError(swedish_message(e, ctx), e.ctx or ctx) from None
            known = ", ".join(self.list_commands(ctx))
            raise UsageError(
                f"Kommandot ”{args[0]}” finns inte. Kommandon: {known}.", ctx
            ) from None


def use_swedish(app: typer.Typer) -> None:
    """Every command and group of `app` (and its sub-apps) shows Typer's texts in Swedish."""
    for key, text in PANEL_TEXTS.items():
        setattr(rich_utils, key, text)
    _apply(app)


def _typers_own(cls: object, base: type) -> bool:
    # Typer leaves its default as None, its own class or a placeholder for "not set".
    return cls is None or cls is base or isinstance(cls, DefaultPlaceholder)


def _apply(app: typer.Typer) -> None:
    # A command or group with a class of its own keeps it.
    if _typers_own(app.info.cls, TyperGroup):
        app.info.cls = SwedishGroup
    for command in app.registered_commands:
        if _typers_own(command.cls, TyperCommand):
            command.cls = SwedishCommand
    for group in app.registered_groups:
        if _typers_own(group.cls, TyperGroup):
            group.cls = SwedishGroup
        if group.typer_instance is not None:
            _apply(group.typer_instance)
