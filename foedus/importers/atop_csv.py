"""Read the ATOP (Alliance Treaty Obligations and Provisions) alliance-level and member-level CSV files.

Columns are read by name, so column order does not matter and any number of `mem<N>` columns is
accepted. Each file is reported as a whole in an `AtopFile`: its records in file order, the
version stamp, the columns recognised as ATOP variables (`known`), the columns that are not
(`unknown`, kept per record as raw text in `extra`), and warnings for oddities that are not
errors. Every bad input raises `FoedusError` with the file and the physical line (header = line 1).

What the variables mean is documented in the shared ATOP variable notes; this module does not
interpret any provision code. It only reads them as integers.

Dates
-----
ATOP stores each date as three integer columns (year, month, day). What the three files actually
contain (counted on atop5_0_alliance_level.csv, atop4_01_alliance_level.csv and
atop4_01_member_level.csv):

* No cell in any of the three files is negative: -9 does not occur at all.
* A month of 0 occurs only together with a year of 0 and a day of 0: `endyr/endmo/endday` = 0/0/0
  in 353 of 765 v5.0 alliance rows and 334 of 745 v4.01 alliance rows; `yrexit/moexit/dayexit` =
  0/0/0 in 1,062 of 2,398 v4.01 member rows. Month and day are otherwise never 0.
* A blank day with a known month occurs: `begday` 1 (v5.0) / 1 (v4.01), `endday` 13 / 13,
  `dayent` 5 and `dayexit` 31 (member file). A blank month or year never occurs.
* Begin and entry years are never 0.

How this module reads them:

* A blank day or month is an unknown part: `PartialDate(year, month, None)`.
* An end or exit of 0/0/0 is read as "no end": the alliance was still in force, or the member
  had not left, at the end of the data. The reading is third-party (scripts that replace
  `yrexit == 0` with the last data year; the ATOP codebook was not available), and the data
  agree with it: in both alliance files every row with `endyr == 0` has `ineffect == 1` and every
  row with an end year has `ineffect == 0`; in the member file the same holds for `yrexit` (1,062
  rows with 0 and `ineffect == 1`, 1,336 with a year and `ineffect == 0`). The alliance end date
  is read the same way as the member exit date. A row that breaks this pattern gets a warning.
* A month or day of 0 or -9 next to a real year does not occur in these files. If it appears it
  is read as unknown (None) and a warning names the cell, because that reading is not confirmed
  by the codebook. Any other value outside the calendar (month 13, 30 February, day 0 with no
  month...) is an error, as is a year of 0 anywhere but an end/exit date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from foedus.errors import FoedusError, Location
from foedus.limits import MAX_NUMBER_DIGITS

from . import CsvTable, normalise_version, parse_int, read_csv_table, warning_line

if TYPE_CHECKING:
    from .cow_states import StateSystem

__all__ = [
    "PROVISION_COLUMNS",
    "AtopAlliance",
    "AtopFile",
    "AtopMemberPhase",
    "PartialDate",
    "read_alliances",
    "read_members",
]

# Integer provision and obligation variables, in the order of the ATOP member file. Each one
# present in a file is read into `provisions`; none of their codes is interpreted here.
PROVISION_COLUMNS: tuple[str, ...] = (
    "estmode", "pubsecr", "secrart", "proadd", "futmem",
    "speclgth", "length", "renounce", "proren", "renewlgt", "term", "termmode", "termcaus",
    "defense", "offense", "neutral", "nonagg", "consul", "active",
    "conditio", "defcon", "offcon", "neucon", "concon",
    "defcoadv", "defcoloc", "defcocon", "defconum", "defcodem", "defconpr",
    "offcoadv", "offcoloc", "offcocon", "offconum", "offcodem",
    "neucoadv", "neucoloc", "neucocon", "neuconum", "neucodem", "neuconpr", "neucoatt",
    "concoadv", "concoloc", "concocon", "concoreq",
    "olimob", "asymm", "obvary",
    "notaiden", "dipaid", "terrres", "seppeace", "thirdcom", "noothall",
    "specthrt", "statthr1", "statthr2", "conwtin", "medarb",
    "milcon", "milaid", "intcom", "subord", "organ1", "orgpurp1", "organ2", "orgpurp2",
    "base", "contrib", "armred", "acqterr", "divgains", "demwith",
    "reflnun", "refothio", "natrefal", "compag", "nomicoop", "conres", "agprois", "conmen",
    "ecaid", "interv",
)  # fmt: skip

_ALLIANCE_FIELDS = (
    "atopid", "cowid", "cow4id", "begyr", "begmo", "begday", "endyr", "endmo", "endday",
    "ineffect", "bilat", "maxphase", "wartime", "source", "version",
)  # fmt: skip
_ALLIANCE_REQUIRED = ("atopid", "begyr", "begmo", "begday", "endyr", "endmo", "endday")

_MEMBER_FIELDS = (
    "atopid", "cowid", "cow4id", "member", "cowsys", "yrent", "moent", "dayent",
    "yrexit", "moexit", "dayexit", "ineffect", "bilat", "phase", "maxphase", "wartime", "cowwar",
    "source", "version",
)  # fmt: skip
_MEMBER_REQUIRED = ("atopid", "member", "phase", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit")

_MEMBER_COLUMN = re.compile(r"mem[1-9][0-9]*")
# The version stamp in ATOP's own file names: atop5_0_alliance_level.csv, atop4_01_member_level.csv.
_FILE_VERSION = re.compile(r"atop[ _-]?v?(\d{1,3})[._](\d{1,3})(?=[._-])")

# A month or day with one of these values next to a known year is read as unknown, with a warning
# (neither occurs in the ATOP files read so far; see the module docstring).
_UNKNOWN_PART_CODES = (0, -9)


def _date_problem(year: int, month: int | None, day: int | None) -> str | None:
    if not 1 <= year <= 9999:
        return f"year {year} is not a calendar year"
    if month is None:
        return None if day is None else f"day {day} is given without a month"
    if not 1 <= month <= 12:
        return f"month {month} is not a calendar month"
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f"{year:04d}-{month:02d}-{day:02d} is not a calendar date"
    return None


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date whose month and day may be unknown (None)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        problem = _date_problem(self.year, self.month, self.day)
        if problem is not None:
            raise FoedusError(problem, expected="a calendar date whose unknown parts are None")

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text

    @property
    def is_complete(self) -> bool:
        return self.month is not None and self.day is not None

    def to_date(self) -> date | None:
        """The exact date, or None when the month or day is unknown."""
        if self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)

    def earliest(self) -> date:
        """The first day this partial date can stand for."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """The last day this partial date can stand for."""
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


@dataclass(frozen=True, slots=True)
class AtopAlliance:
    """One row of an ATOP alliance-level file.

    `end` is None when the file codes the end as 0/0/0 (still in force at the end of the data;
    see the module docstring). `members` are the COW codes from the `mem<N>` columns in column
    order, blanks left out. `provisions` holds every `PROVISION_COLUMNS` variable present in the
    file, None for a blank cell. `extra` holds the raw text of the columns the reader does not
    recognise. `line` is the physical line in the file (header = line 1).
    """

    atopid: int
    begin: PartialDate
    end: PartialDate | None
    ineffect: int | None
    bilat: int | None
    maxphase: int | None
    wartime: int | None
    members: tuple[int, ...]
    provisions: dict[str, int | None]
    cowid: int | None
    cow4id: int | None
    source: str | None
    version: str | None
    extra: dict[str, str]
    line: int


@dataclass(frozen=True, slots=True)
class AtopMemberPhase:
    """One row of an ATOP member-level file: one member of one alliance in one phase.

    `exit` is None when the file codes it as 0/0/0, i.e. the member had not left by the end of the
    data (see the module docstring for the evidence). A member that left and rejoined within the
    same phase has one record per spell, told apart by `entry`. `provisions` holds every
    `PROVISION_COLUMNS` variable present, including the member-level condition flags
    (`defcoadv` ... `concoreq`) and `termmode`/`termcaus`; None for a blank cell.
    """

    atopid: int
    member: int
    phase: int
    entry: PartialDate
    exit: PartialDate | None
    provisions: dict[str, int | None]
    cowid: int | None
    cow4id: int | None
    cowsys: int | None
    ineffect: int | None
    bilat: int | None
    maxphase: int | None
    wartime: int | None
    cowwar: int | None
    source: str | None
    version: str | None
    extra: dict[str, str]
    line: int


R = TypeVar("R", AtopAlliance, AtopMemberPhase)


@dataclass(frozen=True)
class AtopFile(Generic[R]):
    """The records of one ATOP file, in file order, with what the reader found out about the file.

    `version` is the normalised value of the `version` column (`5`, `4.01`; None when the file has
    no such column or it is blank everywhere). `known` are the columns read as ATOP variables,
    `unknown` the columns kept only as raw text in each record's `extra`. `warnings` are one-line
    `file:line: message` strings.
    """

    path: str
    records: tuple[R, ...]
    version: str | None
    known: tuple[str, ...]
    unknown: tuple[str, ...]
    warnings: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[R]:
        return iter(self.records)


class _Reader:
    """Row-by-row helpers bound to one file: column positions, cell parsing, warnings."""

    def __init__(self, table: CsvTable, fields: tuple[str, ...], required: tuple[str, ...], *, members: bool):
        self.file = table.file
        self.warnings: list[str] = []
        position = dict(zip(table.header, table.positions, strict=True))
        missing = [name for name in required if name not in position]
        if members and not any(_MEMBER_COLUMN.fullmatch(name) for name in position):
            missing.append("mem1")
        if missing:
            names = ", ".join(missing)
            raise FoedusError(
                f"missing column{'s' if len(missing) > 1 else ''} {names}",
                where=Location(self.file, 1),
                expected=f"a header with column{'s' if len(missing) > 1 else ''} {names}",
            )
        known_fields = set(fields)
        provision_set = set(PROVISION_COLUMNS)
        self.index = {name: position[name] for name in fields if name in position}
        self.provisions: list[tuple[str, int]] = []
        self.member_columns: list[tuple[str, int]] = []
        self.extra: list[tuple[str, int]] = []
        known: list[str] = []
        unknown: list[str] = []
        for name, pos in position.items():
            if name in known_fields:
                known.append(name)
            elif name in provision_set:
                known.append(name)
                self.provisions.append((name, pos))
            elif members and _MEMBER_COLUMN.fullmatch(name):
                known.append(name)
                self.member_columns.append((name, pos))
            else:
                unknown.append(name)
                self.extra.append((name, pos))
        self.known = tuple(known)
        self.unknown = tuple(unknown)
        self._versions: dict[str, int] = {}
        self._raw_versions: set[str] = set()

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(warning_line(self.file, line, message))

    def cell(self, cells: tuple[str, ...], name: str) -> str:
        pos = self.index.get(name)
        return "" if pos is None else cells[pos]

    def integer(self, cells: tuple[str, ...], name: str, line: int) -> int | None:
        pos = self.index.get(name)
        return None if pos is None else parse_int(cells[pos], name, self.file, line)

    def required_integer(self, cells: tuple[str, ...], name: str, line: int) -> int:
        value = self.integer(cells, name, line)
        if value is None:
            raise FoedusError(
                f"column {name} is empty", where=Location(self.file, line), expected="a whole number"
            )
        return value

    def text(self, cells: tuple[str, ...], name: str) -> str | None:
        value = self.cell(cells, name).strip()
        return value or None

    def provision_values(self, cells: tuple[str, ...], line: int) -> dict[str, int | None]:
        file = self.file
        values: dict[str, int | None] = {}
        for name, pos in self.provisions:
            cell = cells[pos]
            if cell.isdigit() and cell.isascii() and len(cell) <= MAX_NUMBER_DIGITS:  # the common case, no call
                values[name] = int(cell)
            else:
                values[name] = parse_int(cell, name, file, line)
        return values

    def extra_values(self, cells: tuple[str, ...]) -> dict[str, str]:
        return {name: cells[pos] for name, pos in self.extra}

    def version(self, cells: tuple[str, ...], line: int) -> str | None:
        raw = self.cell(cells, "version").strip()
        if not raw:
            return None
        value = normalise_version(raw)
        self._versions.setdefault(value, line)
        if value != raw and raw not in self._raw_versions:
            self._raw_versions.add(raw)
            self.warn(
                line, f"version {raw!r} read as {value} (rounding noise from a single-precision export)"
            )
        return value

    def file_version(self) -> str | None:
        if "version" not in self.index:
            self.warn(1, "no version column; the ATOP version is unknown")
            return None
        if not self._versions:
            self.warn(1, "the version column is empty in every row; the ATOP version is unknown")
            return None
        (first, _), *others = self._versions.items()
        if others:
            # Rows of two ATOP versions cannot be imported faithfully as one: the same atopid may mean
            # different alliances, and the store would keep the alliances under a made-up version.
            found = ", ".join(f"{value} (first on line {line})" for value, line in self._versions.items())
            raise FoedusError(f"the version column holds several versions: {found}",
                              where=Location(self.file, others[0][1]),
                              expected=f"one ATOP version in the whole file ({first}, as on line "
                              f"{self._versions[first]})")
        stamp = _FILE_VERSION.search(Path(self.file).name.lower())
        if stamp is not None:
            named = normalise_version(f"{stamp.group(1)}.{stamp.group(2)}")
            if named != first:
                raise FoedusError(f"the file name says ATOP version {named}, its rows say {first}",
                                  where=Location(self.file, self._versions[first]),
                                  expected="rows of the version the file name states (or a file named "
                                  "without a version)")
        return first

    def date(self, cells: tuple[str, ...], names: tuple[str, str, str], line: int) -> PartialDate:
        """A begin or entry date: the year is required, a blank month or day is unknown."""
        year, month, day = self._date_parts(cells, names, line, "a year")
        return self._partial_date(names, line, year, month, day)

    def end_date(self, cells: tuple[str, ...], names: tuple[str, str, str], line: int) -> PartialDate | None:
        """An end or exit date, None for 0/0/0 (no end; see the module docstring)."""
        year, month, day = self._date_parts(cells, names, line, "a year, or 0 for no end")
        if year == 0:
            if month not in (0, None) or day not in (0, None):
                year_name, month_name, day_name = names
                raise FoedusError(
                    f"{year_name} is 0 (no end) but {month_name}={month}, {day_name}={day}",
                    where=Location(self.file, line),
                    expected=f"{month_name} and {day_name} 0 as well, or a real year",
                )
            return None
        return self._partial_date(names, line, year, month, day)

    def _date_parts(
        self, cells: tuple[str, ...], names: tuple[str, str, str], line: int, expected: str
    ) -> tuple[int, int | None, int | None]:
        year_name, month_name, day_name = names
        year = self.integer(cells, year_name, line)
        if year is None:
            raise FoedusError(
                f"column {year_name} is empty", where=Location(self.file, line), expected=expected
            )
        return year, self.integer(cells, month_name, line), self.integer(cells, day_name, line)

    def _partial_date(
        self, names: tuple[str, str, str], line: int, year: int, month: int | None, day: int | None
    ) -> PartialDate:
        year_name, month_name, day_name = names
        if month in _UNKNOWN_PART_CODES:
            self.warn(line, f"{month_name} is {month}; read as an unknown month")
            month = None
        if day in _UNKNOWN_PART_CODES:
            self.warn(line, f"{day_name} is {day}; read as an unknown day")
            day = None
        problem = _date_problem(year, month, day)
        if problem is not None:
            raise FoedusError(
                f"{year_name}/{month_name}/{day_name}: {problem}",
                where=Location(self.file, line),
                expected="a calendar date (an unknown month or day left blank)",
            )
        return PartialDate(year, month, day)

    def check_in_force(
        self, line: int, end: PartialDate | None, ineffect: int | None, year_name: str, what: str
    ) -> None:
        # In the ATOP files read so far an end/exit of 0 always goes with ineffect 1 and a real
        # end/exit with ineffect 0 (see the module docstring); flag rows that break the pattern.
        if ineffect is None:
            return
        if end is None and ineffect != 1:
            self.warn(line, f"{year_name} is 0 (no {what}) but ineffect is {ineffect}")
        elif end is not None and ineffect == 1:
            self.warn(line, f"{year_name} is {end.year} but ineffect is 1")


def _ends_before(end: PartialDate, start: PartialDate) -> bool:
    """True when `end` is certainly earlier than `start`, whatever their unknown parts are."""
    return end.latest() < start.earliest()


def read_alliances(path: str | Path, *, states: StateSystem | None = None) -> AtopFile[AtopAlliance]:
    """Read an ATOP alliance-level CSV file (one row per alliance).

    With `states`, each member code that is not a state in that COW state-system file gets a
    warning. A duplicated `atopid` is an error.
    """
    table = read_csv_table(path)
    reader = _Reader(table, _ALLIANCE_FIELDS, _ALLIANCE_REQUIRED, members=True)
    file = reader.file
    records: list[AtopAlliance] = []
    first_line: dict[int, int] = {}
    for line, cells in table.rows:
        atopid = reader.required_integer(cells, "atopid", line)
        if atopid in first_line:
            raise FoedusError(
                f"atopid {atopid} appears twice (first on line {first_line[atopid]})",
                where=Location(file, line),
                expected="one row per alliance",
            )
        first_line[atopid] = line
        begin = reader.date(cells, ("begyr", "begmo", "begday"), line)
        end = reader.end_date(cells, ("endyr", "endmo", "endday"), line)
        if end is not None and _ends_before(end, begin):
            reader.warn(line, f"alliance {atopid} ends ({end}) before it begins ({begin})")
        ineffect = reader.integer(cells, "ineffect", line)
        reader.check_in_force(line, end, ineffect, "endyr", "end date")

        members: list[int] = []
        gap_after: str | None = None
        for name, pos in reader.member_columns:
            code = parse_int(cells[pos], name, file, line)
            if code is None:
                gap_after = gap_after or name
                continue
            if gap_after is not None:
                reader.warn(line, f"member column {name} follows the empty column {gap_after}")
                gap_after = None
            if code <= 0:
                raise FoedusError(
                    f"column {name}: {code} is not a COW state code",
                    where=Location(file, line),
                    expected="a positive COW code or an empty cell",
                )
            if code in members:
                reader.warn(line, f"member {code} is listed twice in alliance {atopid}")
            elif states is not None and code not in states:
                reader.warn(line, f"member {code} of alliance {atopid} is not a state in {states.path}")
            members.append(code)
        if not members:
            reader.warn(line, f"alliance {atopid} lists no members")

        records.append(
            AtopAlliance(
                atopid=atopid,
                begin=begin,
                end=end,
                ineffect=ineffect,
                bilat=reader.integer(cells, "bilat", line),
                maxphase=reader.integer(cells, "maxphase", line),
                wartime=reader.integer(cells, "wartime", line),
                members=tuple(members),
                provisions=reader.provision_values(cells, line),
                cowid=reader.integer(cells, "cowid", line),
                cow4id=reader.integer(cells, "cow4id", line),
                source=reader.text(cells, "source"),
                version=reader.version(cells, line),
                extra=reader.extra_values(cells),
                line=line,
            )
        )
    version = reader.file_version()
    return AtopFile(file, tuple(records), version, reader.known, reader.unknown, tuple(reader.warnings))


def read_members(path: str | Path, *, states: StateSystem | None = None) -> AtopFile[AtopMemberPhase]:
    """Read an ATOP member-level CSV file (one row per alliance x member x phase).

    The same (atopid, member, phase) may appear on several rows only when they are separate
    membership spells (the member left and rejoined; the v4.01 file has three such cases, e.g.
    Egypt in alliances 3015 and 3205). Such rows get a warning; rows with the same entry date or
    with overlapping spells are an error. With `states`, a member code that is not a state in
    that COW state-system file gets a warning.
    """
    table = read_csv_table(path)
    reader = _Reader(table, _MEMBER_FIELDS, _MEMBER_REQUIRED, members=False)
    file = reader.file
    records: list[AtopMemberPhase] = []
    spells: dict[tuple[int, int, int], list[AtopMemberPhase]] = {}
    for line, cells in table.rows:
        atopid = reader.required_integer(cells, "atopid", line)
        member = reader.required_integer(cells, "member", line)
        phase = reader.required_integer(cells, "phase", line)
        if member <= 0:
            raise FoedusError(
                f"column member: {member} is not a COW state code",
                where=Location(file, line),
                expected="a positive COW code",
            )
        entry = reader.date(cells, ("yrent", "moent", "dayent"), line)
        # yrexit == 0 (with moexit and dayexit 0) is read as "has not left": see the module docstring.
        exit_ = reader.end_date(cells, ("yrexit", "moexit", "dayexit"), line)
        if exit_ is not None and _ends_before(exit_, entry):
            reader.warn(
                line, f"member {member} of alliance {atopid} leaves ({exit_}) before it enters ({entry})"
            )
        ineffect = reader.integer(cells, "ineffect", line)
        reader.check_in_force(line, exit_, ineffect, "yrexit", "exit date")
        if states is not None and member not in states:
            reader.warn(line, f"member {member} of alliance {atopid} is not a state in {states.path}")

        record = AtopMemberPhase(
            atopid=atopid,
            member=member,
            phase=phase,
            entry=entry,
            exit=exit_,
            provisions=reader.provision_values(cells, line),
            cowid=reader.integer(cells, "cowid", line),
            cow4id=reader.integer(cells, "cow4id", line),
            cowsys=reader.integer(cells, "cowsys", line),
            ineffect=ineffect,
            bilat=reader.integer(cells, "bilat", line),
            maxphase=reader.integer(cells, "maxphase", line),
            wartime=reader.integer(cells, "wartime", line),
            cowwar=reader.integer(cells, "cowwar", line),
            source=reader.text(cells, "source"),
            version=reader.version(cells, line),
            extra=reader.extra_values(cells),
            line=line,
        )
        key = (atopid, member, phase)
        earlier = spells.setdefault(key, [])
        for other in earlier:
            _check_separate_spells(file, other, record)
        if earlier:
            reader.warn(
                line,
                f"atopid {atopid}, member {member}, phase {phase} appears again "
                f"(first on line {earlier[0].line}) as a separate membership spell from {entry}",
            )
        earlier.append(record)
        records.append(record)
    version = reader.file_version()
    return AtopFile(file, tuple(records), version, reader.known, reader.unknown, tuple(reader.warnings))


def _check_separate_spells(file: str, first: AtopMemberPhase, second: AtopMemberPhase) -> None:
    """Two rows with the same (atopid, member, phase) must be disjoint spells, else they are a duplicate."""
    key = f"atopid {second.atopid}, member {second.member}, phase {second.phase}"
    if first.entry == second.entry:
        raise FoedusError(
            f"{key} appears twice with the same entry date {second.entry} (first on line {first.line})",
            where=Location(file, second.line),
            expected="one row per (atopid, member, phase) membership spell",
        )
    # Only a certain overlap is an error: with unknown days, an exit and a re-entry in the same
    # month may or may not overlap, and the caller already warns about the second spell.
    a, b = (first, second) if first.entry.earliest() <= second.entry.earliest() else (second, first)
    if a.exit is None or a.exit.earliest() > b.entry.latest():
        raise FoedusError(
            f"{key} appears twice with overlapping spells (line {first.line}: from {first.entry}"
            f" to {first.exit or 'no exit'}; this row: from {second.entry} to {second.exit or 'no exit'})",
            where=Location(file, second.line),
            expected="one row per (atopid, member, phase), or disjoint spells for a member that left "
            "and rejoined",
        )
