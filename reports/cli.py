"""CLI commands of this package; bot/cli.py calls register(app)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `atgard` CLI."""
