"""export: the tertial report's material (filled in by the export work)."""

from __future__ import annotations

from handlers.context import CommandContext
from models.replies import Reply


def export_reply(ctx: CommandContext, args: list[str]) -> Reply:
    return Reply.text("Export är inte klar ännu.")
