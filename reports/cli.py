"""CLI commands of this package; bot/cli.py calls register(app)."""

from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.textsafety import format_count

# The operating system's reasons come in English ("No such file or directory"): the usual
# ones in Swedish, with what to do; any other by its code name.
_OS_REASONS = {
    errno.ENOENT: "mappen finns inte, ange en mapp som finns",
    errno.EISDIR: "det är en mapp, ange ett filnamn",
    errno.ENOTDIR: "en del av sökvägen är inte en mapp",
    errno.EACCES: "behörighet saknas, välj en annan mapp",
    errno.EPERM: "behörighet saknas, välj en annan mapp",
    errno.EROFS: "platsen är skrivskyddad, välj en annan mapp",
    errno.ENOSPC: "disken är full",
}


def _why(e: OSError) -> str:
    return _OS_REASONS.get(e.errno or 0) or (
        f"systemfel {errno.errorcode.get(e.errno or 0, type(e).__name__)}"
    )


PERIOD_EXAMPLE = "till exempel --period 2025-T1 eller --period T2"


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"Fel: {message}", err=True)
    raise typer.Exit(code)


def export_cmd(
    period: Annotated[
        str | None,
        typer.Option("--period", help="Period: 2025-T1, T2 eller T3 (T3 = hela året)."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="Format: xlsx, html, md, csv eller json.")
    ] = "xlsx",
    district: Annotated[
        str | None,
        typer.Option("--district", help="Stadsdel/kommun (behövs där flera har planer)."),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Planens år, om perioden inte anger det.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Fil att skriva (standard: filnamnet i aktuell mapp; - = stdout)."
        ),
    ] = None,
) -> None:
    """Exportera planen för en tertialrapport: status och uppföljning per periodens sista dag."""
    from models.errors import DomainError
    from models.plans import get_plan, plan_districts
    from reminders.calendar import period_label
    from reports.export import export_plan, parse_format, split_period

    if not period:
        _fail(f"ange period med --period, {PERIOD_EXAMPLE}.")
        return
    try:
        export_format = parse_format(fmt)
        stated_year, tertial = split_period(period)
    except DomainError as e:
        _fail(e.message)
        return
    if year and stated_year and year != stated_year:
        _fail(f"--year {year} och perioden {period} anger olika år.")
    plan_year = stated_year or year

    from bot.runtime import start

    rt = start()
    try:
        with rt.session_factory.begin() as s:
            plan = get_plan(session=s, district=district, year=plan_year)
            several = [] if district else plan_districts(session=s, year=plan.year)
            if len(several) > 1:
                _fail(
                    f"det finns planer för {plan.year} för flera stadsdelar eller kommuner:"
                    f" {', '.join(several)}. Ange vilken med --district, till exempel"
                    f" --district {several[0]}."
                )
                return
            result = export_plan(
                session=s,
                plan=plan,
                period=period_label(plan.year, tertial),
                fmt=export_format,
            )
    except DomainError as e:
        _fail(e.message)
        return
    finally:
        rt.engine.dispose()

    if out is not None and str(out) == "-":
        sys.stdout.buffer.write(result.content)
        sys.stdout.buffer.flush()
        return
    target = out or Path(result.filename)
    try:
        target.write_bytes(result.content)
    except OSError as e:
        _fail(f"kunde inte skriva {target}: {_why(e)}.", code=1)
    typer.echo(f"Skrev {target} ({format_count(len(result.content))} byte).")
    typer.echo(result.summary)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `atgard` CLI."""
    app.command("export")(export_cmd)
