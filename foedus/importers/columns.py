"""Cells of a CSV table read by column name, for readers of published data sets (COW wars, MID).

`Columns` binds one `CsvTable`: it checks the header for the required columns (naming the missing
ones and the header's unknown columns, since a missing column is often a renamed one), and reads
cells by name so that the column order does not matter. Every bad cell is a `FoedusError` whose
location names the file, the physical line and the column's position, and whose message names the
column and what was expected. R exports write a missing value as `NA`; it is read like an empty
cell.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Collection

from foedus.errors import FoedusError, Location

from . import CsvTable, warning_line
from .atop_csv import PartialDate

__all__ = ["MISSING", "UNKNOWN_PART", "Columns"]

MISSING = frozenset({"", "NA"})
# COW and MID code an unknown month or day as -9.
UNKNOWN_PART = -9


class Columns:
    """Named access to the cells of one table; `warnings` collects one-line `file:line: …` strings."""

    def __init__(
        self,
        table: CsvTable,
        required: tuple[str, ...],
        known: Collection[str] | Callable[[str], bool],
        what: str,
    ) -> None:
        self.file = table.file
        self.what = what
        self.warnings: list[str] = []
        position = dict(zip(table.header, table.positions, strict=True))
        is_known = known if callable(known) else known.__contains__
        self.unknown = tuple(name for name in table.header if name not in required and not is_known(name))
        missing = [name for name in required if name not in position]
        if missing:
            names = ", ".join(missing)
            plural = "s" if len(missing) > 1 else ""
            message = f"missing column{plural} {names}"
            if self.unknown:
                shown = ", ".join(self.unknown[:5]) + (", …" if len(self.unknown) > 5 else "")
                message += f" (the header has unknown column{'s' if len(self.unknown) > 1 else ''} {shown})"
            raise FoedusError(message, where=Location(self.file, 1),
                              expected=f"a header with column{plural} {names} ({what})")
        self.index = position

    def has(self, name: str) -> bool:
        return name in self.index

    def where(self, line: int, name: str) -> Location:
        pos = self.index.get(name)
        return Location(self.file, line, None if pos is None else pos + 1)

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(warning_line(self.file, line, message))

    def raw(self, cells: tuple[str, ...], name: str) -> str:
        pos = self.index.get(name)
        return "" if pos is None else cells[pos]

    def text(self, cells: tuple[str, ...], name: str) -> str | None:
        value = self.raw(cells, name).strip()
        return None if value in MISSING else value

    def integer(
        self,
        cells: tuple[str, ...],
        name: str,
        line: int,
        *,
        required: bool = False,
        allowed: Collection[int] | None = None,
        expected: str = "a whole number",
    ) -> int | None:
        """The cell as an integer; None for an empty or `NA` cell (an error when `required`).

        A decimal with nothing after the point but zeros (`20.0`, as spreadsheet and pandas exports
        write integer columns that have missing values) is read as that integer.
        """
        cell = self.raw(cells, name)
        text = cell.strip()
        if text in MISSING:
            if required:
                raise FoedusError(f"column {name} is empty", where=self.where(line, name), expected=expected)
            return None
        value = _as_int(text)
        if value is None:
            raise FoedusError(
                f"column {name}: {cell!r} is not a whole number", where=self.where(line, name), expected=expected
            )
        if allowed is not None and value not in allowed:
            raise FoedusError(f"column {name}: {value} is out of range", where=self.where(line, name),
                              expected=expected)
        return value

    def required(self, cells: tuple[str, ...], name: str, line: int, *, expected: str = "a whole number",
                 allowed: Collection[int] | None = None) -> int:
        value = self.integer(cells, name, line, required=True, expected=expected, allowed=allowed)
        assert value is not None
        return value

    def flag(self, cells: tuple[str, ...], name: str, line: int) -> bool | None:
        """A 0/1 cell as a bool (None when empty or the column is absent)."""
        value = self.integer(cells, name, line, allowed=(0, 1), expected="0 or 1")
        return None if value is None else value == 1

    def partial_date(self, cells: tuple[str, ...], line: int, year: int, month_name: str, day_name: str,
                     *, year_name: str = "year") -> PartialDate:
        """A date whose month and day may be unknown: an empty, `NA` or -9 cell is an unknown part.

        A day without a month, or parts that make no calendar date (month 13, 30 February), are
        errors that name the column.
        """
        month = self.integer(cells, month_name, line, expected="a month 1-12, or -9 when unknown")
        day = self.integer(cells, day_name, line, expected="a day of the month, or -9 when unknown")
        month = None if month == UNKNOWN_PART else month
        day = None if day == UNKNOWN_PART else day
        if not 1 <= year <= 9999:
            raise FoedusError(f"column {year_name}: {year} is not a calendar year", where=self.where(line, year_name),
                              expected="a year such as 1914")
        if month is None:
            if day is not None:
                raise FoedusError(f"column {day_name}: day {day} is given but the month ({month_name}) is unknown",
                                  where=self.where(line, day_name), expected="a month with the day, or -9 for both")
            return PartialDate(year)
        if not 1 <= month <= 12:
            raise FoedusError(f"column {month_name}: {month} is not a month", where=self.where(line, month_name),
                              expected="a month 1-12, or -9 when unknown")
        if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise FoedusError(f"column {day_name}: {year:04d}-{month:02d}-{day:02d} is not a calendar date",
                              where=self.where(line, day_name), expected="a day that exists in that month, or -9")
        return PartialDate(year, month, day)

    def state_code(self, cells: tuple[str, ...], name: str, line: int) -> int:
        return self.required(cells, name, line, expected="a COW state code (a positive whole number)",
                             allowed=range(1, 10_000))


def _as_int(text: str) -> int | None:
    if not text.isascii() or "_" in text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    head, dot, tail = text.partition(".")
    if dot and tail and set(tail) == {"0"}:
        try:
            return int(head)
        except ValueError:
            return None
    return None
