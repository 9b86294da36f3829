"""Readers for external data sets (ATOP alliance files, the COW state system) into typed records.

This module holds the CSV plumbing the readers share: reading a file into rows that remember
their physical line numbers, parsing integer cells, and normalising version stamps. Every
problem is raised as a `FoedusError` that names the file and line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from foedus.errors import FoedusError, Location, quoted
from foedus.files import csv_records, read_text
from foedus.limits import MAX_NUMBER_DIGITS

__all__ = ["CsvTable", "normalise_version", "parse_int", "read_csv_table", "warning_line"]


@dataclass(frozen=True, slots=True)
class CsvTable:
    """A CSV file as read: column names and data rows with their physical line numbers.

    `header` holds the stripped column names. Unnamed columns that hold a value in at least one
    row are named `(unnamed column N)`, N being the 1-based field position; unnamed columns that
    are empty in every row (spreadsheet exports often add them) are left out of `header`, and
    `positions` maps each name in `header` to its field index.
    """

    file: str
    header: tuple[str, ...]
    positions: tuple[int, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    ignored_empty_columns: int


def warning_line(file: str, line: int | None, message: str) -> str:
    """A warning rendered like an error: `file:line: message`, on one line."""
    return " ".join(f"{Location(file, line)}: {message}".split())


def read_csv_table(path: str | Path) -> CsvTable:
    """Read a whole CSV file (header on line 1) into a `CsvTable`.

    Blank lines are skipped. A row with fewer fields than the header, or with more fields that
    are not all empty, is an error.
    """
    file = str(path)
    text = read_text(path, what="CSV file", expected="an existing CSV file")
    records = csv_records(text, file)
    first = next(records, None)
    raw_header = first[1] if first is not None else None
    raw_rows = [(line, cells) for line, cells in records if cells]

    if not raw_header or not any(name.strip() for name in raw_header):
        raise FoedusError(
            "no header row", where=Location(file, 1), expected="a header row of column names on line 1"
        )
    width = len(raw_header)

    rows: list[tuple[int, tuple[str, ...]]] = []
    for line, cells in raw_rows:
        if len(cells) < width or (len(cells) > width and any(cell.strip() for cell in cells[width:])):
            raise FoedusError(
                f"row has {len(cells)} fields",
                where=Location(file, line),
                expected=f"{width} fields, as in the header",
            )
        rows.append((line, tuple(cells[:width])))

    header: list[str] = []
    positions: list[int] = []
    seen: set[str] = set()
    ignored = 0
    for index, raw_name in enumerate(raw_header):
        name = raw_name.strip()
        if not name:
            if not any(cells[index].strip() for _, cells in rows):
                ignored += 1
                continue
            name = f"(unnamed column {index + 1})"
        elif name in seen:
            raise FoedusError(
                f"column {name!r} appears twice in the header",
                where=Location(file, 1),
                expected="unique column names",
            )
        seen.add(name)
        header.append(name)
        positions.append(index)
    return CsvTable(file, tuple(header), tuple(positions), tuple(rows), ignored)


def parse_int(cell: str, column: str, file: str, line: int) -> int | None:
    """An integer cell: blank (or only spaces) is None; anything but a signed whole number is an error."""
    text = cell.strip()
    if not text:
        return None
    if text.isascii() and "_" not in text and len(text.lstrip("+-")) <= MAX_NUMBER_DIGITS:
        try:
            return int(text)
        except ValueError:
            pass
    raise FoedusError(
        f"column {column}: {quoted(cell)} is not an integer",
        where=Location(file, line),
        expected=f"a whole number of at most {MAX_NUMBER_DIGITS} digits, or an empty cell",
    )


def normalise_version(raw: str) -> str:
    """A version stamp as text: numeric stamps lose float rounding noise (`4.0100002` becomes `4.01`)."""
    text = raw.strip()
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number):
        return text
    if number.is_integer():
        return str(int(number))
    return f"{number:.6g}"
