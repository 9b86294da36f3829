"""Read the Correlates of War (COW) inter-state war files: the annual file and the directed dyad-years.

Two files, read by column name (any column order; a byte-order mark is accepted):

* the **dyad-year file** (`peacesciencer_cow_war_inter.csv`: COW Inter-State War v4.0 as directed
  dyad-years, built by peacesciencer) — one row per war (`warnum`), ordered pair of states on
  opposite sides (`ccode1`, `ccode2`) and year, with each state's side (`sidea1`/`sidea2`, 1 or 2 as
  COW numbers the sides), COW initiator code (`initiator1`/`initiator2`), outcome and battle deaths.
  It has no day dates. Each state's side, initiator code, outcome and battle deaths are those of its
  COW participant record, repeated on every dyad: in the v4.0 file they never differ between the
  rows of one (war, state, side). A state that changed sides is two participants (France, Italy,
  Romania, Bulgaria in World War II; a state in war 107 in 1919). `resume` = 1 marks a second row
  for a dyad-year in which the war resumed after a break (22 rows, outcome empty).
* the **annual file** (`interstate_war_annual_rev_armsallies.csv`; provenance not stated, it
  appears to be a revision of COW v4.0) — read row by row into `WarYearRow`.

What one row of the annual file means
-------------------------------------
One row is **one calendar year of one dyadic war relation**: the state `init_ccode` at war against
the state `target_ccode` within the larger war `larger_war_id`; `init_war_id` numbers the relation
(called an *initiation* here). `month_entry`/`day_entry` .. `month_exit`/`day_exit` is the part of
that year in which the relation was active; `..02` is a second stretch in the same year after a
break. `annual_outcome` is 0 in the years in which the relation continues and the outcome in its
last year. `joiner` is 1 when the row's `init_ccode` joined a war already under way (a flag of the
row, not of the state). `adv2ccode` .. are further adversaries (the target being the first) and
`ally1ccode` .. allies of `init_ccode` in that year. The evidence, counted on the file (586 rows,
250 initiations, 88 larger wars, version 1 throughout):

* the rows of one `init_war_id` always share init, target and larger war, and cover consecutive
  years; every year but the first starts on 1 January and every year but the last ends on
  31 December, except where the relation broke off between two years (Austro-Sardinian 1848/1849,
  lines 7-8; Germany-Denmark 1848/1849, lines 11-12) and one error (line 75, below);
  `annual_outcome` is 0 in every year but the last and non-zero in the last;
* the dates belong to the relation, not to the state: Germany has four World War I initiations with
  four dates (Russia 1914-08-01, France 1914-08-03, Belgium 1914-08-04, Portugal 1916-03-01);
  in the Korean War each participant has its own row against its main adversary (the United States
  1950-06-27, the United Kingdom 1950-08-29, China against the United States 1950-10-27), and
  South Korea appears only as the target of North Korea's row (from 1950-06-24);
* the second stretch occurs in 7 rows (Second Schleswig-Holstein 1864, Arab-Israeli 1948), and the
  dyad file marks those wars and years with `resume` (as it marks the 1848/1849 breaks above, and the
  1974 Turco-Cypriot war, which has no second stretch in the annual file);
* `joiner` is a flag of the row: Germany's World War I rows against Russia and Portugal have 1, those
  against France and Belgium 0, and one relation changes it between years (Latvian war, Russia
  against Latvia, 1920).

The file also holds coding errors that the reader reports: Greece's World War I row against Bulgaria
carries Romania's code, 360 (lines 151-152); Japan's row against Germany carries Russia's code, 365
(lines 138-142); Russia is listed as its own adversary (lines 123-126); France's 1871 row starts on
31 December and ends on 26 February (line 75). The first two are found only with `states` (a code
whose row names another state of the system); such rows are not used for events. Dates: an empty,
`NA` or -9 month or day is unknown (none occurs in the file).

How the two files are combined into events is documented in `foedus.importers.records`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from foedus.errors import FoedusError

from . import normalise_version, read_csv_table, warning_line
from .atop_csv import PartialDate
from .columns import Columns

if TYPE_CHECKING:
    from .cow_states import StateSystem

__all__ = ["WarDyadYear", "WarFile", "WarSpell", "WarYearRow", "member_between", "read_war_dyads",
           "read_war_years", "suspect_codes", "suspect_warnings"]

_YEAR_REQUIRED = ("larger_war_id", "init_war_id", "year", "init_ccode", "target_ccode",
                  "month_entry", "day_entry", "month_exit", "day_exit")
_YEAR_OPTIONAL = ("version", "larger_war_name", "init_war_name", "annual_outcome", "init_name", "target_name",
                  "month_entry02", "day_entry02", "month_exit02", "day_exit02", "joiner")
_LIST_COLUMN = re.compile(r"(adv|ally)([1-9][0-9]*)(name|ccode)")

_DYAD_REQUIRED = ("warnum", "ccode1", "ccode2", "year", "sidea1", "sidea2", "initiator1", "initiator2",
                  "outcome1", "outcome2")
_DYAD_OPTIONAL = ("cowinterongoing", "cowinteronset", "batdeath1", "batdeath2", "resume")

# COW v4.0 outcome codes (the COW inter-state war codebook); kept as numbers, named for notes.
OUTCOMES = {1: "winner", 2: "loser", 3: "compromise or tie", 4: "transformed into another type of war",
            5: "ongoing at the end of the data", 6: "stalemate", 7: "continuing conflict", 8: "changed sides"}


def member_between(states: StateSystem, ccode: int, first: date, last: date) -> bool:
    """Whether `ccode` is a member of the state system on at least one day from `first` to `last`."""
    if ccode not in states:
        return False
    return any(span.start <= last and first <= span.end for span in states.spans(ccode))


@dataclass(frozen=True, slots=True)
class WarSpell:
    """A stretch of a war relation within one calendar year, both ends included."""

    start: PartialDate
    end: PartialDate


@dataclass(frozen=True, slots=True)
class WarYearRow:
    """One row of the annual war file: one year of one war relation (`init` against `target`).

    `war` is `larger_war_id`, `initiation` is `init_war_id`; `spells` holds one or two stretches of
    the year (the second from the `..02` columns); `outcome` is `annual_outcome` (0 while the
    relation continues); `adversaries` are the `adv<N>ccode` codes and `allies` the `ally<N>ccode`
    codes in column order, blanks left out. `line` is the physical line (header = line 1).
    """

    war: int
    war_name: str | None
    initiation: int
    initiation_name: str | None
    year: int
    init: int
    init_name: str | None
    target: int
    target_name: str | None
    spells: tuple[WarSpell, ...]
    outcome: int | None
    joiner: bool | None
    adversaries: tuple[int, ...]
    allies: tuple[int, ...]
    version: str | None
    line: int


@dataclass(frozen=True, slots=True)
class WarDyadYear:
    """One row of the directed dyad-year file: `ccode1` and `ccode2` at war in war `war` in `year`."""

    war: int
    ccode1: int
    ccode2: int
    year: int
    side1: int
    side2: int
    initiator1: bool
    initiator2: bool
    outcome1: int | None
    outcome2: int | None
    batdeath1: int | None
    batdeath2: int | None
    onset: bool | None
    ongoing: bool | None
    resume: bool
    line: int


R = TypeVar("R", WarYearRow, WarDyadYear)


@dataclass(frozen=True)
class WarFile(Generic[R]):
    """The rows of one war file in file order, the columns not used, and one-line warnings."""

    path: str
    records: tuple[R, ...]
    unknown: tuple[str, ...]
    warnings: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[R]:
        return iter(self.records)


def _fold(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def suspect_codes(row: WarYearRow, states: StateSystem) -> list[tuple[str, int, int]]:
    """(column, code, other code) for each code of the row whose name is the COW name of another state,
    a member of the system in the row's year (Greece's row carrying Romania's code)."""
    found = []
    first = date(row.year, 1, 1)
    last = date(row.year, 12, 31)
    for role, code, name in (("init_ccode", row.init, row.init_name), ("target_ccode", row.target, row.target_name)):
        if code in states:
            other = _other_state_named(states, code, name)
            # Only a state of the system in that year can be the one the name means.
            if other is not None and member_between(states, other, first, last):
                found.append((role, code, other))
    return found


def suspect_warnings(file: str, row: WarYearRow, states: StateSystem) -> list[str]:
    """The warnings for `suspect_codes`, one line each."""
    found = []
    for role, code, other in suspect_codes(row, states):
        name = row.init_name if role == "init_ccode" else row.target_name
        found.append(warning_line(file, row.line, f"{role} {code} is {states.name(code)} in {states.path}, but the "
                                                  f"row names it {name!r}, the name of COW code {other}; the row is "
                                                  "not used for events"))
    return found


def _other_state_named(states: StateSystem, code: int, name: str | None) -> int | None:
    """The COW code whose COW name is `name`, when that is not `code` (the row's code is then suspect).

    Other spellings (Rumania, Holland, Republic of Korea) are not reported: only a name that is the
    COW name of another state is.
    """
    if name is None:
        return None
    folded = _fold(name)
    if folded == _fold(states.name(code)):
        return None
    for state in states:
        if state.ccode != code and _fold(state.name) == folded:
            return state.ccode
    return None


def read_war_years(path: str | Path, *, states: StateSystem | None = None) -> WarFile[WarYearRow]:
    """Read the annual inter-state war file (one row per war relation and year; see the module docstring).

    Errors (one line naming file, line and column): a missing required column, a code or date part
    that is not a whole number, a date that is not in the calendar, a second stretch given in part.
    Warnings: a state at war with itself or listed as its own adversary or ally; a stretch that ends
    before it starts, or two stretches that overlap; the rows of one relation disagreeing on init,
    target or larger war, or giving one year twice. With `states`: a code that is not a COW state, a
    state that is not a member of the state system during the stretch, a name that is not the COW
    name of the code.
    """
    table = read_csv_table(path)
    known = set(_YEAR_OPTIONAL)
    cols = Columns(table, _YEAR_REQUIRED, lambda name: name in known or bool(_LIST_COLUMN.fullmatch(name)),
                   "the COW annual inter-state war file")
    lists: dict[str, list[tuple[int, str]]] = {"adv": [], "ally": []}
    for name in table.header:
        match = _LIST_COLUMN.fullmatch(name)
        if match and match.group(3) == "ccode":
            lists[match.group(1)].append((int(match.group(2)), name))
    adversary_columns = [name for _, name in sorted(lists["adv"])]
    ally_columns = [name for _, name in sorted(lists["ally"])]

    records: list[WarYearRow] = []
    relation: dict[int, WarYearRow] = {}
    years_seen: set[tuple[int, int]] = set()
    for line, cells in table.rows:
        war = cols.required(cells, "larger_war_id", line)
        initiation = cols.required(cells, "init_war_id", line)
        year = cols.required(cells, "year", line, expected="a year such as 1914")
        init = cols.state_code(cells, "init_ccode", line)
        target = cols.state_code(cells, "target_ccode", line)
        spells = [WarSpell(cols.partial_date(cells, line, year, "month_entry", "day_entry"),
                           cols.partial_date(cells, line, year, "month_exit", "day_exit"))]
        second = [cols.text(cells, name) for name in ("month_entry02", "day_entry02", "month_exit02", "day_exit02")]
        if any(value is not None for value in second):
            if second[0] is None or second[2] is None:
                missing = "month_entry02" if second[0] is None else "month_exit02"
                raise FoedusError(f"column {missing} is empty but the row has a second stretch",
                                  where=cols.where(line, missing),
                                  expected="month_entry02 and month_exit02 for a second stretch, or all four empty")
            spells.append(WarSpell(cols.partial_date(cells, line, year, "month_entry02", "day_entry02"),
                                   cols.partial_date(cells, line, year, "month_exit02", "day_exit02")))
        adversaries = tuple(code for name in adversary_columns
                            if (code := cols.integer(cells, name, line, expected="a COW state code")) is not None)
        allies = tuple(code for name in ally_columns
                       if (code := cols.integer(cells, name, line, expected="a COW state code")) is not None)
        raw_version = cols.text(cells, "version")
        row = WarYearRow(
            war=war, war_name=cols.text(cells, "larger_war_name"), initiation=initiation,
            initiation_name=cols.text(cells, "init_war_name"), year=year, init=init,
            init_name=cols.text(cells, "init_name"), target=target, target_name=cols.text(cells, "target_name"),
            spells=tuple(spells), outcome=cols.integer(cells, "annual_outcome", line),
            joiner=cols.flag(cells, "joiner", line), adversaries=adversaries, allies=allies,
            version=normalise_version(raw_version) if raw_version else None, line=line,
        )
        _check_year_row(cols, row, states)
        first = relation.setdefault(initiation, row)
        if (first.init, first.target, first.war) != (init, target, war):
            cols.warn(line, f"init_war_id {initiation} is {init} against {target} in larger war {war} here but "
                            f"{first.init} against {first.target} in larger war {first.war} on line {first.line}")
        if (initiation, year) in years_seen:
            cols.warn(line, f"init_war_id {initiation} gives the year {year} twice")
        years_seen.add((initiation, year))
        records.append(row)
    if cols.unknown:
        cols.warn(1, "columns not used: " + ", ".join(cols.unknown))
    return WarFile(cols.file, tuple(records), cols.unknown, tuple(cols.warnings))


def _check_year_row(cols: Columns, row: WarYearRow, states: StateSystem | None) -> None:
    line = row.line
    if row.init == row.target:
        cols.warn(line, f"state {row.init} is at war with itself (init_ccode = target_ccode)")
    if row.init in row.adversaries:
        cols.warn(line, f"state {row.init} is listed among its own adversaries")
    if row.init in row.allies:
        cols.warn(line, f"state {row.init} is listed among its own allies")
    if row.target in row.allies:
        cols.warn(line, f"target {row.target} is listed among the allies of {row.init}")
    for code in set(row.adversaries) & set(row.allies):
        cols.warn(line, f"state {code} is listed both as an adversary and as an ally of {row.init}")
    for n, spell in enumerate(row.spells, start=1):
        if spell.end.latest() < spell.start.earliest():
            which = "" if n == 1 else " (second stretch)"
            cols.warn(line, f"the relation ends ({spell.end}) before it starts ({spell.start}){which}; "
                            "its dates are not used")
    if len(row.spells) == 2 and row.spells[1].start.earliest() <= row.spells[0].end.latest():
        cols.warn(line, f"the second stretch (from {row.spells[1].start}) starts before the first ends "
                        f"({row.spells[0].end})")
    if states is None:
        return
    first = min(spell.start.earliest() for spell in row.spells)
    last = max(spell.end.latest() for spell in row.spells)
    for role, code in (("init_ccode", row.init), ("target_ccode", row.target)):
        if code not in states:
            cols.warn(line, f"{role} {code} is not a state in {states.path}")
            continue
        if first <= last and not member_between(states, code, first, last):
            cols.warn(line, f"{role} {code} ({states.name(code)}) is not a member of the state system "
                            f"between {first} and {last}")
    cols.warnings.extend(suspect_warnings(cols.file, row, states))
    for code in (*row.adversaries, *row.allies):
        if code not in states:
            cols.warn(line, f"adversary or ally {code} is not a state in {states.path}")


def read_war_dyads(path: str | Path, *, states: StateSystem | None = None) -> WarFile[WarDyadYear]:
    """Read the directed dyad-year file of COW inter-state wars (see the module docstring).

    Errors (one line naming file, line and column): a missing required column, a code that is not a
    whole number, a side other than 1 or 2, an initiator code other than 0 or 1. Warnings: a state
    paired with itself; both states on the same side; the same dyad-year twice; a dyad-year without
    its mirror row (ccode2, ccode1) or whose mirror disagrees; one participant (war, state, side)
    with different initiator codes, outcomes or battle deaths on different rows. With `states`: a
    code that is not a COW state, or a state that is not a member of the system in that year.
    """
    table = read_csv_table(path)
    cols = Columns(table, _DYAD_REQUIRED, set(_DYAD_OPTIONAL), "the COW inter-state war directed dyad-year file")
    records: list[WarDyadYear] = []
    seen: dict[tuple[int, int, int, int, bool], WarDyadYear] = {}
    participant: dict[tuple[int, int, int], WarDyadYear] = {}
    for line, cells in table.rows:
        ccode1 = cols.state_code(cells, "ccode1", line)
        ccode2 = cols.state_code(cells, "ccode2", line)
        row = WarDyadYear(
            war=cols.required(cells, "warnum", line, expected="a COW war number"),
            ccode1=ccode1, ccode2=ccode2,
            year=cols.required(cells, "year", line, expected="a year such as 1914", allowed=range(1, 10_000)),
            side1=cols.required(cells, "sidea1", line, allowed=(1, 2), expected="side 1 or 2"),
            side2=cols.required(cells, "sidea2", line, allowed=(1, 2), expected="side 1 or 2"),
            initiator1=cols.required(cells, "initiator1", line, allowed=(0, 1), expected="0 or 1") == 1,
            initiator2=cols.required(cells, "initiator2", line, allowed=(0, 1), expected="0 or 1") == 1,
            outcome1=cols.integer(cells, "outcome1", line, expected="a COW outcome code"),
            outcome2=cols.integer(cells, "outcome2", line, expected="a COW outcome code"),
            batdeath1=_deaths(cols.integer(cells, "batdeath1", line)),
            batdeath2=_deaths(cols.integer(cells, "batdeath2", line)),
            onset=cols.flag(cells, "cowinteronset", line), ongoing=cols.flag(cells, "cowinterongoing", line),
            resume=bool(cols.flag(cells, "resume", line)), line=line,
        )
        if ccode1 == ccode2:
            cols.warn(line, f"state {ccode1} is paired with itself in war {row.war}")
        if row.side1 == row.side2:
            cols.warn(line, f"states {ccode1} and {ccode2} are both on side {row.side1} of war {row.war} in "
                            f"{row.year}, yet paired as enemies")
        key = (row.war, ccode1, ccode2, row.year, row.resume)
        if key in seen:
            cols.warn(line, f"war {row.war}, {ccode1} against {ccode2} in {row.year} appears twice "
                            f"(first on line {seen[key].line})")
        seen.setdefault(key, row)
        first = participant.setdefault((row.war, ccode1, row.side1), row)
        for what, a, b in (("initiator code", first.initiator1, row.initiator1),
                           ("outcome", first.outcome1, row.outcome1),
                           ("battle deaths", first.batdeath1, row.batdeath1)):
            if a != b and not (what == "outcome" and (row.resume or first.resume)):
                cols.warn(line, f"state {ccode1} on side {row.side1} of war {row.war} has {what} {b} here but "
                                f"{a} on line {first.line}")
        if states is not None and ccode1 != ccode2:
            if ccode1 not in states:
                cols.warn(line, f"ccode1 {ccode1} is not a state in {states.path}")
            elif not member_between(states, ccode1, date(row.year, 1, 1), date(row.year, 12, 31)):
                cols.warn(line, f"ccode1 {ccode1} ({states.name(ccode1)}) is not a member of the state system "
                                f"in {row.year}")
        records.append(row)
    by_key = defaultdict(list)
    for row in records:
        by_key[(row.war, row.ccode1, row.ccode2, row.year, row.resume)].append(row)
    for row in records:
        mirrors = by_key.get((row.war, row.ccode2, row.ccode1, row.year, row.resume), [])
        if not mirrors:
            cols.warn(row.line, f"war {row.war}: no mirror row for {row.ccode2} against {row.ccode1} in {row.year}")
        elif all((m.side1, m.initiator1, m.side2, m.initiator2) != (row.side2, row.initiator2, row.side1,
                                                                     row.initiator1) for m in mirrors):
            cols.warn(row.line, f"war {row.war}: the mirror row (line {mirrors[0].line}) gives other sides or "
                                "initiator codes")
    if cols.unknown:
        cols.warn(1, "columns not used: " + ", ".join(cols.unknown))
    return WarFile(cols.file, tuple(records), cols.unknown, tuple(cols.warnings))


def _deaths(value: int | None) -> int | None:
    # COW codes unknown battle deaths as -9 (and -8 for "not applicable").
    return None if value is None or value < 0 else value
