"""Read the Militarized Interstate Disputes (MID 5.0) dispute-level (MIDA) and participant-level (MIDB) files.

Columns are read by name (any order; a byte-order mark is accepted). MIDA has one row per dispute
(`dispnum`), MIDB one row per participant spell: a state (`ccode`, `stabb`) in a dispute, on side A
(`sidea` = 1: the side that took the first militarized action) or side B, with its own dates,
originator flag (`orig` = 1: involved on the dispute's first day), highest action (`hiact`, 0-21),
hostility level (`hostlev`, 1-5: no militarized action, threat, display, use of force, war) and
fatality level. A state that left and came back, or changed sides (World War II, dispute 258), has
several rows.

Unknown values
--------------
MID codes an unknown value as -9. In the dates only the day is ever -9 (MIDA: 271 start days and
251 end days; MIDB: 596 and 552); a -9 (or empty) month is read the same way, as unknown. Codes
other than dates that are -9 (`outcome`, `settle`, `fatality`, `fatalpre`, `revtype2`, …) are read
as None. A -9 hostility level or highest action is read as None too (none occurs in 5.0).

Disputes ongoing at the end of the data (`ongo2014` = 1) carry the end of coverage as their end
date; the events built from them say so (`foedus.importers.records`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from foedus.errors import FoedusError

from . import normalise_version, read_csv_table, warning_line
from .atop_csv import PartialDate
from .columns import UNKNOWN_PART, Columns
from .cow_wars import member_between

if TYPE_CHECKING:
    from .cow_states import StateSystem

__all__ = ["MidDispute", "MidFile", "MidParticipant", "read_disputes", "read_participants"]

_DATES = ("stday", "stmon", "styear", "endday", "endmon", "endyear")
_DISPUTE_REQUIRED = ("dispnum", *_DATES, "outcome", "hiact", "hostlev")
_DISPUTE_OPTIONAL = ("settle", "fatality", "fatalpre", "maxdur", "mindur", "recip", "numa", "numb", "ongo2014",
                     "version")
_PARTICIPANT_REQUIRED = ("dispnum", "ccode", *_DATES, "sidea", "orig", "hiact", "hostlev")
_PARTICIPANT_OPTIONAL = ("stabb", "revstate", "revtype1", "revtype2", "fatality", "fatalpre", "version")

# MID 5.0 dispute outcomes (the MID codebook); kept as numbers, named for notes.
OUTCOMES = {1: "victory for side A", 2: "victory for side B", 3: "yield by side A", 4: "yield by side B",
            5: "stalemate", 6: "compromise", 7: "released", 8: "unclear", 9: "joins ongoing war"}
HOSTILITY = {1: "no militarized action", 2: "threat to use force", 3: "display of force", 4: "use of force",
             5: "war"}


@dataclass(frozen=True, slots=True)
class MidDispute:
    """One MIDA row. Codes that are -9 in the file are None. `line` is the physical line (header = 1)."""

    dispnum: int
    start: PartialDate
    end: PartialDate
    outcome: int | None
    settle: int | None
    fatality: int | None
    hiact: int | None
    hostlev: int | None
    numa: int | None
    numb: int | None
    ongoing: bool | None
    version: str | None
    line: int


@dataclass(frozen=True, slots=True)
class MidParticipant:
    """One MIDB row: one spell of one state in one dispute. -9 codes are None."""

    dispnum: int
    ccode: int
    stabb: str | None
    start: PartialDate
    end: PartialDate
    side_a: bool
    originator: bool
    revstate: bool | None
    fatality: int | None
    hiact: int | None
    hostlev: int | None
    version: str | None
    line: int


R = TypeVar("R", MidDispute, MidParticipant)


@dataclass(frozen=True)
class MidFile(Generic[R]):
    """The rows of one MID file in file order, the columns not used, and one-line warnings."""

    path: str
    records: tuple[R, ...]
    unknown: tuple[str, ...]
    warnings: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[R]:
        return iter(self.records)


def _code(value: int | None) -> int | None:
    return None if value == UNKNOWN_PART else value


def _dates(cols: Columns, cells: tuple[str, ...], line: int) -> tuple[PartialDate, PartialDate]:
    start_year = cols.required(cells, "styear", line, expected="a year such as 1914")
    end_year = cols.required(cells, "endyear", line, expected="a year such as 1914")
    return (cols.partial_date(cells, line, start_year, "stmon", "stday", year_name="styear"),
            cols.partial_date(cells, line, end_year, "endmon", "endday", year_name="endyear"))


def _version(cols: Columns, cells: tuple[str, ...]) -> str | None:
    raw = cols.text(cells, "version")
    return normalise_version(raw) if raw else None


def read_disputes(path: str | Path) -> MidFile[MidDispute]:
    """Read MIDA (one row per dispute).

    Errors (one line naming file, line and column): a missing required column, a value that is not a
    whole number, an impossible date, a hostility level outside 1-5, a dispute number given twice.
    Warning: a dispute that ends before it starts.
    """
    table = read_csv_table(path)
    cols = Columns(table, _DISPUTE_REQUIRED, set(_DISPUTE_OPTIONAL), "the MID dispute-level file (MIDA)")
    records: list[MidDispute] = []
    first: dict[int, int] = {}
    for line, cells in table.rows:
        dispnum = cols.required(cells, "dispnum", line, expected="a MID dispute number")
        if dispnum in first:
            raise FoedusError(f"dispute {dispnum} appears twice (first on line {first[dispnum]})",
                              where=cols.where(line, "dispnum"), expected="one row per dispute")
        first[dispnum] = line
        start, end = _dates(cols, cells, line)
        if end.latest() < start.earliest():
            cols.warn(line, f"dispute {dispnum} ends ({end}) before it starts ({start})")
        records.append(MidDispute(
            dispnum=dispnum, start=start, end=end,
            outcome=_code(cols.integer(cells, "outcome", line, expected="a MID outcome code or -9")),
            settle=_code(cols.integer(cells, "settle", line, expected="a MID settlement code or -9")),
            fatality=_code(cols.integer(cells, "fatality", line, expected="a fatality level 0-6 or -9")),
            hiact=_code(cols.integer(cells, "hiact", line, allowed=(*range(0, 22), UNKNOWN_PART),
                                     expected="a highest action 0-21 or -9")),
            hostlev=_code(cols.integer(cells, "hostlev", line, allowed=(*range(1, 6), UNKNOWN_PART),
                                       expected="a hostility level 1-5 or -9")),
            numa=cols.integer(cells, "numa", line), numb=cols.integer(cells, "numb", line),
            ongoing=cols.flag(cells, "ongo2014", line), version=_version(cols, cells), line=line,
        ))
    if cols.unknown:
        cols.warn(1, "columns not used: " + ", ".join(cols.unknown))
    return MidFile(cols.file, tuple(records), cols.unknown, tuple(cols.warnings))


def read_participants(path: str | Path, *, states: StateSystem | None = None,
                      disputes: MidFile[MidDispute] | None = None) -> MidFile[MidParticipant]:
    """Read MIDB (one row per participant spell).

    Errors (one line naming file, line and column): a missing required column, a value that is not a
    whole number, an impossible date, `sidea` or `orig` other than 0/1, a hostility level outside 1-5.
    Warnings: a spell that ends before it starts; two spells of one state in one dispute that overlap
    (on the same side: a duplicate; on both sides: a state on both sides at once). With `disputes`: a
    dispute not in MIDA, a spell outside its dispute's dates, a dispute without participants, or
    whose `numa`/`numb` does not match its participants. With `states`: a code that is not a COW
    state, an abbreviation that is not its COW abbreviation, a state that is not a member of the state
    system when its spell starts.
    """
    table = read_csv_table(path)
    cols = Columns(table, _PARTICIPANT_REQUIRED, set(_PARTICIPANT_OPTIONAL),
                   "the MID participant-level file (MIDB)")
    records: list[MidParticipant] = []
    other_abb: dict[tuple[str, int], list[int]] = defaultdict(list)
    for line, cells in table.rows:
        dispnum = cols.required(cells, "dispnum", line, expected="a MID dispute number")
        ccode = cols.state_code(cells, "ccode", line)
        start, end = _dates(cols, cells, line)
        row = MidParticipant(
            dispnum=dispnum, ccode=ccode, stabb=cols.text(cells, "stabb"), start=start, end=end,
            side_a=cols.required(cells, "sidea", line, allowed=(0, 1), expected="0 or 1") == 1,
            originator=cols.required(cells, "orig", line, allowed=(0, 1), expected="0 or 1") == 1,
            revstate=cols.flag(cells, "revstate", line),
            fatality=_code(cols.integer(cells, "fatality", line, expected="a fatality level 0-6 or -9")),
            hiact=_code(cols.integer(cells, "hiact", line, allowed=(*range(0, 22), UNKNOWN_PART),
                                     expected="a highest action 0-21 or -9")),
            hostlev=_code(cols.integer(cells, "hostlev", line, allowed=(*range(1, 6), UNKNOWN_PART),
                                       expected="a hostility level 1-5 or -9")),
            version=_version(cols, cells), line=line,
        )
        if end.latest() < start.earliest():
            cols.warn(line, f"state {ccode} in dispute {dispnum} leaves ({end}) before it joins ({start})")
        if states is not None:
            if ccode not in states:
                cols.warn(line, f"ccode {ccode} is not a state in {states.path}")
            else:
                if row.stabb is not None and row.stabb.upper() != states.abb(ccode):
                    other_abb[(row.stabb, ccode)].append(line)
                if not member_between(states, ccode, start.earliest(), start.latest()):
                    cols.warn(line, f"state {ccode} ({states.name(ccode)}) is not a member of the state system "
                                    f"when it joins dispute {dispnum} ({start})")
        records.append(row)
    for (abb, ccode), lines in other_abb.items():
        assert states is not None
        rows = f"{len(lines)} row{'s' if len(lines) > 1 else ''}"
        cols.warn(lines[0], f"stabb {abb} is used for COW code {ccode} on {rows} (first here), but its "
                            f"abbreviation in {states.path} is {states.abb(ccode)} ({states.name(ccode)}); "
                            "the code is used")
    _check_spells(cols, records)
    if disputes is not None:
        _check_against_disputes(cols, records, disputes)
    if cols.unknown:
        cols.warn(1, "columns not used: " + ", ".join(cols.unknown))
    return MidFile(cols.file, tuple(records), cols.unknown, tuple(cols.warnings))


def _check_spells(cols: Columns, records: list[MidParticipant]) -> None:
    spells: dict[tuple[int, int], list[MidParticipant]] = defaultdict(list)
    for row in records:
        for other in spells[(row.dispnum, row.ccode)]:
            # Only a certain overlap is reported: with unknown days two spells may merely touch.
            if other.start.latest() <= row.end.earliest() and row.start.latest() <= other.end.earliest():
                if other.side_a == row.side_a:
                    cols.warn(row.line, f"state {row.ccode} in dispute {row.dispnum}: this spell ({row.start} to "
                                        f"{row.end}) overlaps the spell on line {other.line} on the same side")
                else:
                    cols.warn(row.line, f"state {row.ccode} is on both sides of dispute {row.dispnum} at once: "
                                        f"this spell ({row.start} to {row.end}) overlaps the spell on line "
                                        f"{other.line} on the other side")
        spells[(row.dispnum, row.ccode)].append(row)


def _check_against_disputes(cols: Columns, records: list[MidParticipant], disputes: MidFile[MidDispute]) -> None:
    by_number = {dispute.dispnum: dispute for dispute in disputes}
    members: dict[int, list[MidParticipant]] = defaultdict(list)
    for row in records:
        dispute = by_number.get(row.dispnum)
        if dispute is None:
            cols.warn(row.line, f"dispute {row.dispnum} is not in {disputes.path}")
            continue
        members[row.dispnum].append(row)
        if row.start.latest() < dispute.start.earliest() or row.end.earliest() > dispute.end.latest():
            cols.warn(row.line, f"state {row.ccode} takes part in dispute {row.dispnum} from {row.start} to "
                                f"{row.end}, outside the dispute's dates ({dispute.start} to {dispute.end}, "
                                f"{disputes.path}:{dispute.line})")
    for dispute in disputes:
        rows = members.get(dispute.dispnum, [])
        if not rows:
            cols.warnings.append(warning_line(disputes.path, dispute.line,
                                              f"dispute {dispute.dispnum} has no participant in {cols.file}"))
            continue
        side_a = len({row.ccode for row in rows if row.side_a})
        side_b = len({row.ccode for row in rows if not row.side_a})
        if (dispute.numa is not None and dispute.numa != side_a) or (
                dispute.numb is not None and dispute.numb != side_b):
            states_a = f"{side_a} state{'s' if side_a != 1 else ''}"
            cols.warn(rows[0].line, f"dispute {dispute.dispnum} has {states_a} on side A and {side_b} on side B "
                                    f"here, but numa {dispute.numa} and numb {dispute.numb} in "
                                    f"{disputes.path}:{dispute.line}")
