"""What every `foedus` command shares: one-line errors, help without type noise, plain tables.

Imports nothing but typer at start, so that `foedus --help` starts fast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from foedus.errors import FoedusError

__all__ = ["Command", "Group", "JsonOpt", "VerboseOpt", "dumps", "guarded", "plain_table"]

F = TypeVar("F", bound=Callable[..., Any])

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for programs: every row, with codes and ids.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Show ids and codes beside the names.")]


def _quiet_types(params: list[Any]) -> list[Any]:
    """Help shows an option's METAVAR when it has one and nothing otherwise: no `<bool>`, `<list[str]>`."""
    for param in params:
        if "display_type_rich" not in vars(param):
            shown = None if getattr(param, "is_flag", False) or param.param_type_name == "argument" else param.metavar
            param.display_type_rich = lambda ctx, shown=shown: shown
    return params


class Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _quiet_types(super().get_params(ctx))


class Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _quiet_types(super().get_params(ctx))


def dumps(data: Any) -> str:
    """JSON as every command prints it: sorted keys, two-space indent, dates as YYYY-MM-DD (the format of
    ``foedus.report.json_report.dumps``, without loading the report stage)."""
    import json
    from datetime import date

    def plain(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} is not JSON")
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=plain) + "\n"


def guarded(fn: F) -> F:
    """Bad input ends the command with its one-line error on stderr and exit code 2, no traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from foedus.terminal import printable_stdout

        try:
            with printable_stdout():  # text from input files never reaches the terminal as control codes
                return fn(*args, **kwargs)
        except FoedusError as exc:
            typer.echo(f"error: {exc.one_line()}", err=True)
            raise typer.Exit(2) from None
        except OSError as exc:  # a path the checks did not foresee: still one line, never a traceback
            from foedus.errors import Location

            where = Location(str(exc.filename)) if exc.filename else None
            line = FoedusError(f"cannot read or write ({exc.strerror or exc})", where=where, expected="a usable path")
            typer.echo(f"error: {line.one_line()}", err=True)
            raise typer.Exit(2) from None
    return wrapper  # type: ignore[return-value]


def plain_table(header: Sequence[str], rows: Sequence[Sequence[str]], width: int | None = None) -> str:
    """A table for the terminal: no colour, long cells wrapped; 120 columns wide when not on a terminal,
    so that piped output does not depend on the window."""
    import shutil
    import sys
    from io import StringIO

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if width is None:
        width = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 120
    buf = StringIO()
    console = Console(file=buf, width=width, force_terminal=False, color_system=None, highlight=False)
    table = Table(*header, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for row in rows:
        table.add_row(*(Text(str(cell)) for cell in row))
    console.print(table)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines())
