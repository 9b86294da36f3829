"""Read the Correlates of War (COW) state-system membership file (`states2016.csv`).

Each row is one membership span of one state: COW code (`ccode`), abbreviation (`stateabb`),
name (`statenme`), start and end dates. A state can have several spans (Germany, 255: 1816-1945
and 1990-2016). Columns are read by name. Unnamed columns that are empty in every row are
ignored; any other column the reader does not use is listed in `StateSystem.unknown`, named in a
warning, and kept per span as raw text in `StateSpan.extra` (states2016.csv has 11 unnamed
trailing columns; seven of them hold stray spreadsheet values, such as numbers and `#REF!`, in
23 rows).

ISO 3166 alpha-3 codes are derived, never tabulated by hand: each state's COW name is matched
with country_converter's regular expressions (`src="regex"`). A name that matches nothing (for
example Bavaria, Yugoslavia, German Federal Republic) or matches more than one country
(Austria-Hungary) gets no ISO3; those states are listed in `iso3_missing` and `iso3_ambiguous`.
A match says that the name resembles a present-day country, not that the two are the same
entity (country_converter reads Czechoslovakia as CZE and the Yemen Arab Republic as YEM);
`iso3_shared` lists the codes that several COW states map to.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from foedus.errors import FoedusError, Location

from . import normalise_version, parse_int, read_csv_table, warning_line

__all__ = ["State", "StateSpan", "StateSystem", "read_states"]

_REQUIRED = ("stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth", "endday")
_KNOWN = (*_REQUIRED, "version")
_START = ("styear", "stmonth", "stday")
_END = ("endyear", "endmonth", "endday")

# country_converter reports misses and multiple matches through this logger; the reader records
# them itself (iso3_missing, iso3_ambiguous), so they are kept off the console.
_COCO_LOGGER = "country_converter.country_converter"
_NOT_FOUND = "\x00not found"


@dataclass(frozen=True, slots=True)
class StateSpan:
    """One membership span, both ends included. `line` is the physical line (header = line 1)."""

    start: date
    end: date
    line: int
    extra: dict[str, str]

    def contains(self, when: date) -> bool:
        return self.start <= when <= self.end


@dataclass(frozen=True, slots=True)
class State:
    """A COW state: code, abbreviation, name and its membership spans in file order."""

    ccode: int
    abb: str
    name: str
    spans: tuple[StateSpan, ...]


class StateSystem:
    """The COW state system as read from one file.

    Look-ups by an unknown COW code or abbreviation raise `FoedusError`, except `is_member`, which
    answers False, and `in`, which tests whether a code is in the file. `is_member` only knows the
    file's coverage: a date after the last end date (2016-12-31 in states2016.csv) is outside it.
    """

    __slots__ = (
        "_by_abb",
        "_iso3",
        "_iso3_ambiguous",
        "_states",
        "known",
        "path",
        "rows",
        "unknown",
        "version",
        "warnings",
    )  # fmt: skip

    def __init__(
        self,
        path: str,
        states: dict[int, State],
        *,
        version: str | None,
        known: tuple[str, ...],
        unknown: tuple[str, ...],
        warnings: tuple[str, ...],
        rows: int,
    ) -> None:
        self.path = path
        self.version = version
        self.known = known
        self.unknown = unknown
        self.warnings = warnings
        self.rows = rows
        self._states = states
        self._by_abb = {state.abb: state.ccode for state in states.values()}
        self._iso3: dict[int, str | None] | None = None
        self._iso3_ambiguous: dict[int, tuple[str, ...]] = {}

    def __contains__(self, ccode: object) -> bool:
        return ccode in self._states

    def __len__(self) -> int:
        return len(self._states)

    def __iter__(self) -> Iterator[State]:
        return iter(self._states.values())

    def state(self, ccode: int) -> State:
        try:
            return self._states[ccode]
        except KeyError:
            raise FoedusError(
                f"COW code {ccode} is not a state in this file",
                where=Location(self.path),
                expected="a COW code listed in the ccode column",
            ) from None

    def name(self, ccode: int) -> str:
        return self.state(ccode).name

    def abb(self, ccode: int) -> str:
        return self.state(ccode).abb

    def spans(self, ccode: int) -> tuple[StateSpan, ...]:
        return self.state(ccode).spans

    def is_member(self, ccode: int, when: date) -> bool:
        """Whether `ccode` is a member of the state system on `when` (False for an unknown code)."""
        state = self._states.get(ccode)
        return state is not None and any(span.contains(when) for span in state.spans)

    def by_abb(self, abb: str) -> int:
        """The COW code for a COW abbreviation (`GMY` -> 255); case and surrounding spaces are ignored."""
        try:
            return self._by_abb[abb.strip().upper()]
        except KeyError:
            raise FoedusError(
                f"COW abbreviation {abb!r} is not in this file",
                where=Location(self.path),
                expected="an abbreviation from the stateabb column",
            ) from None

    def iso3(self, ccode: int) -> str | None:
        """The ISO 3166 alpha-3 code country_converter finds for the state's name, or None."""
        self.state(ccode)
        return self._iso3_table()[ccode]

    @property
    def iso3_missing(self) -> tuple[int, ...]:
        """COW codes whose name country_converter matched to no country, or to several."""
        return tuple(ccode for ccode, code in self._iso3_table().items() if code is None)

    @property
    def iso3_ambiguous(self) -> dict[int, tuple[str, ...]]:
        """COW codes whose name matched several countries, with the candidates (no ISO3 is chosen)."""
        self._iso3_table()
        return dict(self._iso3_ambiguous)

    @property
    def iso3_shared(self) -> dict[str, tuple[int, ...]]:
        """ISO3 codes that more than one COW state maps to, with those COW codes."""
        groups: dict[str, list[int]] = {}
        for ccode, code in self._iso3_table().items():
            if code is not None:
                groups.setdefault(code, []).append(ccode)
        return {code: tuple(ccodes) for code, ccodes in groups.items() if len(ccodes) > 1}

    def _iso3_table(self) -> dict[int, str | None]:
        # Built on first use: country_converter takes a noticeable time to import and set up.
        if self._iso3 is None:
            ccodes = list(self._states)
            results = _convert_names([self._states[ccode].name for ccode in ccodes])
            table: dict[int, str | None] = {}
            for ccode, candidates in zip(ccodes, results, strict=True):
                found = tuple(str(code) for code in candidates if code != _NOT_FOUND)
                if len(found) == 1:
                    table[ccode] = found[0]
                else:
                    table[ccode] = None
                    if len(found) > 1:
                        self._iso3_ambiguous[ccode] = found
            self._iso3 = table
        return self._iso3


@functools.cache
def _converter() -> Any:
    import country_converter as coco

    return coco.CountryConverter()


class _DropRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


def _convert_names(names: list[str]) -> list[list[Any]]:
    """Match names to ISO3 codes in one country_converter call; each result is a list of candidates."""
    if not names:
        return []
    logger = logging.getLogger(_COCO_LOGGER)
    quiet = _DropRecords()
    logger.addFilter(quiet)
    try:
        result = _converter().convert(names, src="regex", to="ISO3", enforce_list=True, not_found=_NOT_FOUND)
    finally:
        logger.removeFilter(quiet)
    if len(names) == 1:  # enforce_list gives a flat candidate list for a single name
        return [list(result)]
    return [list(candidates) for candidates in result]


def _span_date(
    cells: tuple[str, ...], names: tuple[str, str, str], index: dict[str, int], file: str, line: int
) -> date:
    parts: list[int] = []
    for name in names:
        value = parse_int(cells[index[name]], name, file, line)
        if value is None:
            raise FoedusError(
                f"column {name} is empty", where=Location(file, line), expected="a whole number"
            )
        parts.append(value)
    year, month, day = parts
    try:
        return date(year, month, day)
    except ValueError:
        raise FoedusError(
            f"{'/'.join(names)}: {year}-{month}-{day} is not a calendar date",
            where=Location(file, line),
            expected="a full calendar date",
        ) from None


def read_states(path: str | Path) -> StateSystem:
    """Read a COW state-system membership file such as states2016.csv.

    Errors: a missing required column, a non-integer or empty code or date part, an impossible
    date, the same span twice, one COW code with two names or abbreviations, one abbreviation
    for two COW codes. Warnings: a span that ends before it starts, overlapping spans of one
    state, columns with values that the reader does not use.
    """
    table = read_csv_table(path)
    file = table.file
    index = dict(zip(table.header, table.positions, strict=True))
    missing = [name for name in _REQUIRED if name not in index]
    if missing:
        names = ", ".join(missing)
        plural = "s" if len(missing) > 1 else ""
        raise FoedusError(
            f"missing column{plural} {names}",
            where=Location(file, 1),
            expected=f"a header with column{plural} {names}",
        )
    known = tuple(name for name in table.header if name in _KNOWN)
    unknown = tuple(name for name in table.header if name not in _KNOWN)
    warnings: list[str] = []
    unknown_seen: dict[
        str, tuple[int, int, str]
    ] = {}  # column -> (first line, rows with a value, first value)

    spans: dict[int, list[StateSpan]] = {}
    identity: dict[int, tuple[str, str, int]] = {}
    abb_owner: dict[str, tuple[int, int]] = {}
    versions: dict[str, int] = {}
    for line, cells in table.rows:
        ccode = parse_int(cells[index["ccode"]], "ccode", file, line)
        if ccode is None:
            raise FoedusError(
                "column ccode is empty", where=Location(file, line), expected="a COW state code"
            )
        abb = cells[index["stateabb"]].strip()
        name = cells[index["statenme"]].strip()
        for column, value in (("stateabb", abb), ("statenme", name)):
            if not value:
                raise FoedusError(
                    f"column {column} is empty", where=Location(file, line), expected="a non-empty value"
                )
        if ccode in identity:
            first_abb, first_name, first_line = identity[ccode]
            if (abb, name) != (first_abb, first_name):
                raise FoedusError(
                    f"COW code {ccode} is {abb} {name!r} here "
                    f"but {first_abb} {first_name!r} on line {first_line}",
                    where=Location(file, line),
                    expected="the same abbreviation and name on every span of a state",
                )
        else:
            identity[ccode] = (abb, name, line)
        owner = abb_owner.setdefault(abb, (ccode, line))
        if owner[0] != ccode:
            raise FoedusError(
                f"abbreviation {abb} belongs to COW code {owner[0]} on line {owner[1]} but to {ccode} here",
                where=Location(file, line),
                expected="one COW code per abbreviation",
            )

        start = _span_date(cells, _START, index, file, line)
        end = _span_date(cells, _END, index, file, line)
        if end < start:
            warnings.append(
                warning_line(file, line, f"COW code {ccode} span ends ({end}) before it starts ({start})")
            )
        extra: dict[str, str] = {}
        for column in unknown:
            value = cells[index[column]]
            if value.strip():
                extra[column] = value
                first_line, count, first_value = unknown_seen.get(column, (line, 0, value))
                unknown_seen[column] = (first_line, count + 1, first_value)
        span = StateSpan(start, end, line, extra)
        for other in spans.get(ccode, []):
            if other.start == start:
                raise FoedusError(
                    f"COW code {ccode} has two spans starting {start} (first on line {other.line})",
                    where=Location(file, line),
                    expected="one row per membership span",
                )
            if other.start <= end and start <= other.end:
                warnings.append(
                    warning_line(
                        file,
                        line,
                        f"COW code {ccode} span {start}..{end} overlaps the span on line {other.line}",
                    )
                )
        spans.setdefault(ccode, []).append(span)
        if "version" in index:
            raw_version = cells[index["version"]].strip()
            if raw_version:
                versions.setdefault(normalise_version(raw_version), line)

    for column in unknown:
        first_line, count, first_value = unknown_seen.get(column, (1, 0, ""))
        message = f"column {column} is not a COW state-system column"
        if count:
            message += f"; it holds values in {count} rows (first {first_value!r})"
            message += ", kept in StateSpan.extra, not used"
        else:
            message += "; it is empty"
        warnings.append(warning_line(file, first_line, message))
    if len(versions) > 1:
        found = ", ".join(f"{value} (first on line {line})" for value, line in versions.items())
        warnings.append(warning_line(file, 1, f"the version column holds several versions: {found}"))

    states = {
        ccode: State(ccode, identity[ccode][0], identity[ccode][1], tuple(ccode_spans))
        for ccode, ccode_spans in spans.items()
    }
    return StateSystem(
        file,
        states,
        version=", ".join(versions) or None,
        known=known,
        unknown=unknown,
        warnings=tuple(warnings),
        rows=len(table.rows),
    )
