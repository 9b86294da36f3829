"""The record of wars and militarized disputes as foedus events and timelines.

The readers (`foedus.importers.cow_wars`, `foedus.importers.mid`) give typed rows; this module turns
them into `Event`s of the vocabulary's world types, in two separate steps:

1. **participation** (`war_record`, `dispute_record`): a state's entry into a war or dispute on a side
   (`war_joined`, `dispute_joined`) and its exit (`war_left`, `dispute_left`);
2. **relations** (`war_relations`, `dispute_relations`): derived, by the rules below, from the
   participants: `armed_attack` (who initiated against whom), `state_of_war` (a pair at war with no
   attack derivable), `end_of_war` (the pair stops being at war). These are what treaty conditions
   such as an armed attack on a member and `at_war(…)` are evaluated on.

Every event has a stable id derived from the data (`cow-war-106/joined/2`: the United States, COW
code 2, entering COW war 106; `mid-2/left/200`), and a `source` that cites the data set, the file and
the row(s). States are named by their COW abbreviation (`USA`, `GMY`; the ids the ATOP import gives
parties), or `COW<code>` without a state-system file.

Dates: the declared rule for unknown days
-----------------------------------------
A date may be known to the day, the month or only the year (MID -9 days; war dates known only from
the dyad-year file). It is held as the range of days it can stand for (`DateRange`). Each event is
dated on the **first possible day**; `date_precision` always says what is known (`day` when the range
is one day, `month` when it lies within one month, `year` otherwise). With `unknown_day="interval"`
every event also carries `date_latest`, the last possible day; with `"first"` it does not. No date is
ever made to look more exact than the data.

Wars: what the events mean
--------------------------
The COW dyad-year file is the authority on who fought in which war, on which side, with which
initiator code and outcome: a **participant** is one (war, state, side) of that file (a state that
changed sides is two participants), active in the years the file lists. The annual file gives day
dates. Its rows are matched to the dyad file by (init, target, year): a row whose pair is not a
dyad of the dyad file in that year is reported (with the reason: a state not in the war that year,
both states on the same side) and not used. Rows of one relation (`init_war_id`) are chained:
a stretch that does not continue the previous one (one day later) is a real start, one that the next
does not continue is a real end; 1 January and 31 December between years are not.

* A participant's **entry** is the earliest real start, among the matched rows naming it (as init
  or target, on its side), that falls in its first year in the dyad file; its **exit** the latest
  real end in its last year. Without one, the date is known only to the year (1 January to
  31 December of that year).
* A participant **leaves and rejoins** within those years only where both files say so: the dyad
  file marks the year the war resumed (`resume`) and the annual rows break off and start again
  (Second Schleswig-Holstein 1864, Arab-Israeli 1948, 1848-1849). A `resume` without such a break
  is reported; the participant keeps one spell.
* Two participants on opposite sides are **at war with each other** while both are in the war and
  the dyad file pairs them: from the later of their entries to the earlier of their exits. This is
  how the dyad file itself is built: it pairs the participants of opposite sides whose COW dates
  overlap (24 pairs of opposite sides that share a year but not a day are absent, such as the United
  States and Vichy France in 1941), so it also pairs states that never fought each other (the United
  States and Finland in World War II). Where the annual file has a row for the pair itself with a
  real start in the pair's first year (or a real end in its last), that date is used. A pair date
  from the annual file that falls in another year than the dyad file's is reported and not used
  (Germany-Belgium ends 1914-10-10 in the annual file; the dyad file has them at war until 1918).
* An entry known only to the year is narrowed by the opponents: a state enters a war at war with
  someone, so not before the first of its opponents can have entered; likewise it leaves no later
  than the last of them can have left (Japan in World War I, whose annual rows carry a wrong code,
  enters between 1914-07-29 and 1914-12-31). Under `first`, a participation known only to the year
  is dated from the first possible day of its entry to the first possible day of its exit, which
  may be the same day: `date_precision: year` says so.
* `war_joined` targets: the opponents the state may be at war with on its entry day (pairs whose
  war may have begun by then), else those of its earliest pairs. `joiner` is the annual row's flag
  where the row that dates the entry names the state as its init (the flag belongs to the row).
  `war_left` carries the participant's COW outcome on its last exit (a break carries none).
* `war_name`: the larger war name of the annual file (`WorldWarI` → "World War I"), given to the
  COW war that most of that larger war's matched rows belong to; a COW war that no larger war
  names this way (the Second Sino-Japanese War, 130, is part of `WorldWarII` in the annual file) has
  no name, and notes call it "COW war 130".

How armed attacks are derived (`war_relations`)
-----------------------------------------------
COW codes `initiator` per participant (the dyad file repeats it on every dyad). For each pair at
war, in each stretch of their being at war:

* exactly one of the two is a COW initiator, and either the annual file records the initiator
  entering the war against the other (a row init = the initiator, target = the other, that dates the
  start of their war: Germany against Poland, Norway, the Netherlands, Belgium in World War II), or,
  where no annual row dates it, their war began when the initiator entered the war, the other being
  in it (or entering) no later (the date ranges compared when days are unknown): `armed_attack` by the
  initiator on the other, dated when their war began, `state_of_war: true`;
* otherwise — neither or both are initiators; the annual file records the other state entering the
  war against the initiator (the United Kingdom against Germany in 1939: it joined the war, it was
  not attacked); the pair's war began after the initiator entered (a later joiner: the United
  Kingdom against Austria-Hungary in 1914); or it is a stretch after a break (a resumed war is not a
  new attack) — `state_of_war` between them;
* `end_of_war` between them when the pair stops being at war (not for a war coded as ongoing).

One event per directed pair, because a treaty's trigger binds one attacker (`event.actor`) and one
attacked state (`event.target`). The rule follows COW's initiator coding, not the history of each
declaration: COW codes Austria-Hungary alone as initiator of World War I and Germany alone of World
War II, so Japan's attack on the United States in 1941 is a `state_of_war`, not an `armed_attack`.

What the joined events carry
----------------------------
Besides its day and side, each `war_joined` and `dispute_joined` says what a treaty needs to judge an
ally's conduct in that conflict, from the same participants (spells, sides, pairs):

* `against_initiator`: its side is the side opposite the initiator's (wars: COW codes no initiator on
  its side and one on the other; absent when the war has no initiator or initiators on both sides;
  disputes: it is on side B, side A having taken the first militarized action). `initiator` is
  COW's initiator code (wars) or, for disputes, an originator on side A.
* `allies`: the other states of its side whose participation surely includes its entry day (entered
  on or before it and left on or after it, whatever day an unknown date stands for); `allies_possible`:
  those whose participation may include it but not surely (the dates overlap).
* `opponents`: wars: every state the dyad file pairs it with (at war with it) during this stretch;
  disputes: every participant of the other side (MID codes sides, not dyads).
* `left_on` (`left_latest`): the first (last) possible day it leaves this stretch, absent when it is
  still in at the end of the data; `ends_on` (`ends_latest`): the conflict's end — the last exit of any
  participant of the war, the dispute's end date in MIDA — absent when the conflict is ongoing. The
  `_latest` days are given under the `interval` rule only, like `date_latest`.
* `dispute_hostility` (disputes): the dispute's highest hostility level in MIDA.

These describe the whole participation, as the record does; a treaty model reads them at the state's
entry (an ally already fighting beside it, a partner's exit that closes a duty).

Disputes (MID)
--------------
Each MIDB row is one spell of a participant: `dispute_joined` at its start, `dispute_left` at its
end (none when the dispute is ongoing at the end of the data, `ongo2014` = 1, and the spell ends on
the dispute's end date). `dispute_joined` targets: the other side's participants whose spells may
overlap its start. A row that repeats another (same state, side and dates) is reported and used
once, since it would give the same events twice. MIDB codes sides, not dyads: every side-A participant
is taken to oppose every side-B participant while both are in the dispute (the usual reading; it
overstates who confronted whom in disputes with many participants). `dispute_relations`:

* side A is the side that took the first militarized action and `orig` marks the states involved
  on the first day. A side-A originator whose hostility level is 4 or 5 (it used force) is taken to
  have attacked each side-B originator: `armed_attack`, dated when both were in the dispute,
  `state_of_war` true when both reached hostility level 5 (war) and false otherwise. MID does not
  date the first use of force: the event is dated at the start of the dispute.
* two opposing participants both at hostility level 5 with no attack derived: `state_of_war`; for
  every pair at war, `end_of_war` when the first of them leaves (unless the dispute is ongoing).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from foedus.errors import FoedusError, Location
from foedus.model.events import Event, State, Timeline, vocabulary

from . import warning_line
from .atop_csv import PartialDate
from .cow_wars import (
    OUTCOMES,
    WarDyadYear,
    WarFile,
    WarYearRow,
    member_between,
    read_war_dyads,
    read_war_years,
    suspect_warnings,
)
from .mid import HOSTILITY, MidDispute, MidFile, MidParticipant, read_disputes, read_participants

if TYPE_CHECKING:
    import pandas as pd

    from .cow_states import StateSystem

__all__ = [
    "DateRange",
    "DisputeRecord",
    "UnknownDay",
    "WarPair",
    "WarParticipant",
    "WarRecord",
    "WarSpan",
    "dispute_record",
    "dispute_relations",
    "load_disputes",
    "load_wars",
    "records_timeline",
    "rows_frame",
    "timeline_csv",
    "timeline_yaml",
    "war_record",
    "war_relations",
    "write_timeline",
    "write_timeline_csv",
]

UnknownDay = Literal["first", "interval"]
UNKNOWN_DAY_RULES: tuple[str, ...] = ("first", "interval")

WAR_DATASET = "COW Inter-State War v4.0"
MID_DATASET = "MID 5.0"
_ONE_DAY = timedelta(days=1)


# --- dates -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class DateRange:
    """The first and the last day a date can stand for (the same day when the date is exact)."""

    earliest: date
    latest: date

    @classmethod
    def of(cls, value: PartialDate) -> DateRange:
        return cls(value.earliest(), value.latest())

    @classmethod
    def year(cls, year: int) -> DateRange:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def precision(self) -> str:
        """`day` for one day, `month` within one month, `year` otherwise."""
        if self.earliest == self.latest:
            return "day"
        if (self.earliest.year, self.earliest.month) == (self.latest.year, self.latest.month):
            return "month"
        return "year"

    def later(self, other: DateRange) -> DateRange:
        """The later of two uncertain dates."""
        return DateRange(max(self.earliest, other.earliest), max(self.latest, other.latest))

    def sooner(self, other: DateRange) -> DateRange:
        """The earlier of two uncertain dates."""
        return DateRange(min(self.earliest, other.earliest), min(self.latest, other.latest))

    def __str__(self) -> str:
        if self.precision == "day":
            return self.earliest.isoformat()
        if self.precision == "month":
            return self.earliest.isoformat()[:7]
        if (self.earliest.month, self.earliest.day, self.latest.month, self.latest.day) == (1, 1, 12, 31) and \
                self.earliest.year == self.latest.year:
            return str(self.earliest.year)
        return f"between {self.earliest} and {self.latest}"


def _check_rule(unknown_day: str) -> None:
    if unknown_day not in UNKNOWN_DAY_RULES:
        raise FoedusError(f"unknown rule {unknown_day!r} for unknown days", where=Location("unknown_day"),
                          expected="first or interval")


def _date_attributes(when: DateRange, unknown_day: str) -> dict[str, Any]:
    attributes: dict[str, Any] = {"date_precision": when.precision}
    if unknown_day == "interval":
        attributes["date_latest"] = when.latest
    return attributes


def _in_words(when: DateRange) -> str:
    """`on 1914-08-01`, `in 1902-07 (the day is not recorded)`, `in 1914 (…)`, `on a day between … (…)`."""
    if when.precision == "day":
        return f"on {when.earliest.isoformat()}"
    text = str(when)
    if text.startswith("between"):
        return f"on a day {text} (the day is not recorded)"
    return f"in {text} (the day is not recorded)"


def _since(when: DateRange) -> str:
    words = _in_words(when)
    return "from " + words.removeprefix("on ").removeprefix("in ")


# --- states ----------------------------------------------------------------------------------------


class _Names:
    """State ids and names from the state system (or COW<code> without one), and the states used."""

    def __init__(self, states: StateSystem | None) -> None:
        self.states = states
        self.used: dict[str, State] = {}
        self._ids: dict[int, str] = {}

    def id(self, code: int) -> str:
        found = self._ids.get(code)
        if found is not None:
            return found
        self._ids[code] = sid = self._id(code)
        return sid

    def _id(self, code: int) -> str:
        states = self.states
        if states is not None and code in states:
            sid = states.abb(code)
            self.used.setdefault(sid, State(id=sid, name=states.name(code), cow=code))
            return sid
        sid = f"COW{code}"
        self.used.setdefault(sid, State(id=sid, name=f"COW state {code}", cow=code))
        return sid

    def name(self, code: int) -> str:
        states = self.states
        return states.name(code) if states is not None and code in states else f"COW state {code}"

    def names(self, codes: Iterable[int]) -> str:
        items = [self.name(code) for code in codes]
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + " and " + items[-1]


def _base(path: str) -> str:
    return Path(path).name


def _lines(lines: Iterable[int]) -> str:
    ordered = sorted(set(lines))
    return ("line " if len(ordered) == 1 else "lines ") + ", ".join(str(n) for n in ordered)


# --- wars: participants and pairs --------------------------------------------------------------------


@dataclass(frozen=True)
class WarSpan:
    """One stretch of a participant in a war: entry and exit, and the annual rows that date them."""

    entry: DateRange
    exit: DateRange
    entry_line: int | None = None
    exit_line: int | None = None
    joiner: bool | None = None


@dataclass(frozen=True)
class WarParticipant:
    """One (war, state, side) of the dyad-year file, with its stretches dated from the annual file."""

    war: int
    ccode: int
    side: int
    initiator: bool
    outcome: int | None
    battle_deaths: int | None
    years: tuple[int, ...]
    spans: tuple[WarSpan, ...]
    rows: tuple[tuple[int, int], ...]  # (line, year) of its dyad-year rows

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.war, self.ccode, self.side)

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(line for line, _ in self.rows)

    def line_in(self, year: int, *, first: bool) -> int:
        """The first (or last) of its dyad-file lines in `year` (any of its lines if none is in that year)."""
        lines = [line for line, row_year in self.rows if row_year == year] or list(self.lines)
        return min(lines) if first else max(lines)


@dataclass(frozen=True)
class WarPair:
    """Two participants on opposite sides at war with each other, in one or more stretches.

    `a` is the participant on side 1. `stretches` holds (start, end); `joined_by` holds, per
    stretch, the COW code of the state the annual file records entering the war against the other
    at the start (the row's init), or None when no annual row dates that start.
    """

    war: int
    a: WarParticipant
    b: WarParticipant
    stretches: tuple[tuple[DateRange, DateRange], ...]
    joined_by: tuple[int | None, ...]
    lines: tuple[int, ...]
    annual_lines: tuple[int, ...]


@dataclass(frozen=True)
class WarRecord:
    """Wars as read and combined: participants, pairs at war, participation events and warnings."""

    dyad_file: str
    year_file: str | None
    unknown_day: str
    names: dict[int, str]
    participants: tuple[WarParticipant, ...]
    pairs: tuple[WarPair, ...]
    events: tuple[Event, ...]
    warnings: tuple[str, ...]
    states: dict[str, State] = field(default_factory=dict)
    _names: _Names | None = field(default=None, repr=False, compare=False)

    @property
    def wars(self) -> tuple[int, ...]:
        return tuple(sorted({p.war for p in self.participants}))

    def war_name(self, war: int) -> str:
        """The war as notes name it: `World War I`, `the Korean 1950-53 war`, `COW war 130`."""
        return _war_words(self.names, war)


def _war_words(names: dict[int, str], war: int) -> str:
    name = names.get(war)
    if name is None:
        return f"COW war {war}"
    return name if "war" in name.lower() else f"the {name} war"


@dataclass(frozen=True, slots=True)
class _View:
    """What one dyad-year row says about one of its two states (`own`: the state is its ccode1)."""

    line: int
    year: int
    initiator: bool
    outcome: int | None
    deaths: int | None
    resume: bool
    own: bool


@dataclass
class _Stretch:
    """A stretch of an annual row, placed in its relation's chain (real start / real end)."""

    start: PartialDate
    end: PartialDate
    row: WarYearRow
    real_start: bool = True
    real_end: bool = True


def _chains(rows: Sequence[WarYearRow]) -> dict[int, list[_Stretch]]:
    by_relation: dict[int, list[WarYearRow]] = defaultdict(list)
    for row in rows:
        by_relation[row.initiation].append(row)
    chains: dict[int, list[_Stretch]] = {}
    for relation, relation_rows in by_relation.items():
        stretches: list[_Stretch] = []
        broken = False  # the previous stretch could not be read (it ends before it starts)
        for row in sorted(relation_rows, key=lambda r: (r.year, r.line)):
            for spell in row.spells:
                if spell.end.latest() < spell.start.earliest():
                    if stretches:
                        stretches[-1].real_end = False
                    broken = True
                    continue
                stretches.append(_Stretch(spell.start, spell.end, row, real_start=not broken))
                broken = False
        for before, after in itertools.pairwise(stretches):
            # A stretch that begins the day after the previous one ends continues it (the 31 December /
            # 1 January joins between the years of one relation).
            if after.start.earliest() <= before.end.latest() + _ONE_DAY:
                before.real_end = False
                after.real_start = False
        chains[relation] = stretches
    return chains


def _war_names(rows: Sequence[WarYearRow], matched: dict[int, list[int]]) -> dict[int, str]:
    """COW war number -> the annual file's larger war name, by the majority rule (module docstring)."""
    votes: dict[int, Counter[int]] = defaultdict(Counter)
    names: dict[int, str] = {}
    for row in rows:
        for war in matched.get(row.line, []):
            votes[row.war][war] += 1
        if row.war_name:
            names.setdefault(row.war, row.war_name)
    claims: dict[int, list[int]] = defaultdict(list)
    for larger, counter in votes.items():
        ranked = counter.most_common()
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            claims[ranked[0][0]].append(larger)
    return {war: _readable(names[larger[0]]) for war, larger in claims.items()
            if len(larger) == 1 and larger[0] in names}


def _readable(name: str) -> str:
    """`WorldWarI` -> `World War I`, `Korean_1950-53` -> `Korean 1950-53` (spacing only)."""
    text = name.replace("_", " ")
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    text = re.sub(r"(?<=[a-z])(?=[0-9])", " ", text)
    return " ".join(text.split())


def war_record(dyads: WarFile[WarDyadYear], years: WarFile[WarYearRow] | None = None, *,
               states: StateSystem | None = None, unknown_day: UnknownDay = "first") -> WarRecord:
    """Participants, pairs at war and `war_joined` / `war_left` events (rules in the module docstring)."""
    _check_rule(unknown_day)
    warnings: list[str] = [*dyads.warnings, *(years.warnings if years is not None else ())]
    dyad_file = dyads.path

    def warn_dyad(line: int | None, message: str) -> None:
        warnings.append(warning_line(dyad_file, line, message))

    # Participants and pairs of the dyad file.
    # Each row speaks for both of its states (a state named only as ccode2 is a participant too).
    rows_of: dict[tuple[int, int, int], list[_View]] = defaultdict(list)
    pair_rows: dict[tuple[tuple[int, int, int], tuple[int, int, int]], list[WarDyadYear]] = defaultdict(list)
    index: dict[tuple[int, int, int], list[WarDyadYear]] = defaultdict(list)
    for row in dyads:
        if row.ccode1 == row.ccode2 or row.side1 == row.side2:
            continue  # reported by the reader; such a row cannot pair two enemies
        rows_of[(row.war, row.ccode1, row.side1)].append(
            _View(row.line, row.year, row.initiator1, row.outcome1, row.batdeath1, row.resume, True))
        rows_of[(row.war, row.ccode2, row.side2)].append(
            _View(row.line, row.year, row.initiator2, row.outcome2, row.batdeath2, row.resume, False))
        first_key, second_key = (row.war, row.ccode1, row.side1), (row.war, row.ccode2, row.side2)
        pair_rows[(first_key, second_key) if row.side1 == 1 else (second_key, first_key)].append(row)
        for a, b in ((row.ccode1, row.ccode2), (row.ccode2, row.ccode1)):
            if all(other.war != row.war for other in index[(a, b, row.year)]):
                index[(a, b, row.year)].append(row)
    in_war_year: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)  # (ccode, year) -> war -> side
    for (war, ccode, side), state_views in rows_of.items():
        for view in state_views:
            in_war_year[(ccode, view.year)][war] = side

    # Annual rows matched to COW wars. Rows whose codes contradict their names are left out, with the
    # reader's warning (added here when the file was read without the state system).
    year_rows: list[WarYearRow] = []
    for year_row in years or ():
        suspect = suspect_warnings(years.path, year_row, states) if years is not None and states else []
        warnings.extend(w for w in suspect if w not in warnings)
        if not suspect:
            year_rows.append(year_row)
    matched: dict[int, list[int]] = {}
    mapped: dict[int, list[tuple[_Stretch, WarYearRow, int, int]]] = defaultdict(list)
    chains = _chains(year_rows)
    stretches_of: dict[int, list[_Stretch]] = defaultdict(list)
    for chain in chains.values():
        for stretch in chain:
            stretches_of[stretch.row.line].append(stretch)
    names = _Names(states)
    for year_row in year_rows:
        candidates = index.get((year_row.init, year_row.target, year_row.year), [])
        if not candidates:
            assert years is not None
            warnings.append(warning_line(years.path, year_row.line, _unmatched(year_row, in_war_year, names)))
            continue
        matched[year_row.line] = sorted({c.war for c in candidates})
        for candidate in candidates:
            sides = ((candidate.side1, candidate.side2) if candidate.ccode1 == year_row.init
                     else (candidate.side2, candidate.side1))
            for stretch in stretches_of[year_row.line]:
                mapped[candidate.war].append((stretch, year_row, *sides))

    participants: dict[tuple[int, int, int], WarParticipant] = {}
    for key in sorted(rows_of):
        war, ccode, side = key
        views = sorted(rows_of[key], key=lambda v: (v.year, v.line))
        items = [(stretch, row) for stretch, row, side1, side2 in mapped.get(war, [])
                 if (row.init == ccode and side1 == side) or (row.target == ccode and side2 == side)]
        resumed = sorted({v.year for v in views if v.resume})
        own = [v for v in views if v.own] or views  # its own rows (as ccode1) first: they carry its codes
        spans = _spans(sorted({v.year for v in views}), items, ccode, resumed,
                       lambda message, own=own: warn_dyad(own[0].line, message), names, war)
        first = next((v for v in own if not v.resume), own[0])
        participants[key] = WarParticipant(
            war=war, ccode=ccode, side=side, initiator=first.initiator,
            outcome=next((v.outcome for v in own if not v.resume and v.outcome is not None), None),
            battle_deaths=first.deaths, years=tuple(sorted({v.year for v in views})), spans=tuple(spans),
            rows=tuple(sorted({(v.line, v.year) for v in own})),
        )

    _bound_by_opponents(participants, pair_rows)
    war_names = _war_names(year_rows, matched)
    for participant in participants.values():
        _check_participant(participant, states, names, war_names, warn_dyad)
    by_state: dict[tuple[int, int], list[WarParticipant]] = defaultdict(list)
    for participant in participants.values():
        by_state[(participant.war, participant.ccode)].append(participant)
    for (war, ccode), both in by_state.items():
        for i, one in enumerate(both):
            for other in both[i + 1:]:
                for s1 in one.spans:
                    for s2 in other.spans:
                        if s1.entry.latest <= s2.exit.earliest and s2.entry.latest <= s1.exit.earliest:
                            warn_dyad(one.lines[0], f"{names.name(ccode)} ({ccode}) is on both sides of "
                                      f"{_war_words(war_names, war)} at once: side {one.side} "
                                      f"{s1.entry}..{s1.exit} and side {other.side} {s2.entry}..{s2.exit}")

    pairs: list[WarPair] = []
    for (key_a, key_b), dyad_rows in sorted(pair_rows.items()):
        pair = _pair(participants[key_a], participants[key_b], dyad_rows, mapped.get(key_a[0], []), names, dyad_file,
                     years.path if years is not None else None, warnings,
                     _war_words(war_names, key_a[0]))
        if pair is not None:
            pairs.append(pair)

    record = WarRecord(dyad_file=dyad_file, year_file=years.path if years is not None else None,
                       unknown_day=unknown_day, names=war_names,
                       participants=tuple(participants.values()), pairs=tuple(pairs), events=(),
                       warnings=(), _names=names)
    events = _participation_events(record, names)
    return dataclasses.replace(record, events=tuple(events), warnings=tuple(warnings), states=dict(names.used))


def _bound_by_opponents(participants: dict[tuple[int, int, int], WarParticipant],
                        pair_rows: dict[tuple[tuple[int, int, int], tuple[int, int, int]], list[WarDyadYear]]) -> None:
    """Narrow entries and exits known only to the year: a state enters a war at war with an opponent,
    so not before the first of its opponents can have entered, and it leaves no later than the last of
    them can have left (Japan, whose World War I rows carry a wrong code, enters between 1914-07-29, when
    Austria-Hungary enters, and the end of 1914)."""
    opponents: dict[tuple[int, int, int], set[tuple[int, int, int]]] = defaultdict(set)
    for key_a, key_b in pair_rows:
        opponents[key_a].add(key_b)
        opponents[key_b].add(key_a)
    bounds = {}
    for key, others in opponents.items():
        spans = [span for other in others for span in participants[other].spans]
        bounds[key] = (min(span.entry.earliest for span in spans), max(span.exit.latest for span in spans))
    for key, (lowest, highest) in bounds.items():
        participant = participants[key]
        spans = list(participant.spans)
        first, last = spans[0], spans[-1]
        if first.entry.earliest < lowest <= first.entry.latest:
            spans[0] = dataclasses.replace(first, entry=DateRange(lowest, first.entry.latest))
        last = spans[-1]
        if last.exit.earliest <= highest < last.exit.latest:
            spans[-1] = dataclasses.replace(last, exit=DateRange(last.exit.earliest, highest))
        participants[key] = dataclasses.replace(participant, spans=tuple(spans))


def _unmatched(row: WarYearRow, in_war_year: dict[tuple[int, int], dict[int, int]], names: _Names) -> str:
    a, b, year = row.init, row.target, row.year
    wars_a, wars_b = in_war_year.get((a, year), {}), in_war_year.get((b, year), {})
    who = f"{names.name(a)} ({a}) against {names.name(b)} ({b}) in {year}"
    if a == b:
        return f"{who} is not a dyad of the dyad file: a state is not at war with itself; the row is not used"
    common = sorted(set(wars_a) & set(wars_b))
    if common:
        war = common[0]
        if wars_a[war] == wars_b[war]:
            reason = f"both are on side {wars_a[war]} of COW war {war} that year in the dyad file"
        else:
            reason = f"they are on opposite sides of COW war {war} but never at war with each other that year"
    elif wars_a:
        reason = f"{names.name(b)} is not in COW war {min(wars_a)} (or any war with {names.name(a)}) that year"
    elif wars_b:
        reason = f"{names.name(a)} is not in COW war {min(wars_b)} (or any war with {names.name(b)}) that year"
    else:
        reason = "neither is in a war that year in the dyad file"
    return f"{who} is not a dyad of the dyad file: {reason}; the row is not used"


def _spans(years: list[int], items: list[tuple[_Stretch, WarYearRow]], ccode: int, resumed: list[int],
           warn: Any, names: _Names, war: int) -> list[WarSpan]:
    """A participant's stretches: runs of consecutive years, dated and broken by the annual rows."""
    runs: list[tuple[int, int]] = []
    for year in years:
        if runs and year == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    spans: list[WarSpan] = []
    for first_year, last_year in runs:
        in_run = sorted(((s, r) for s, r in items if first_year <= r.year <= last_year),
                        key=lambda item: (item[0].start.earliest(), item[1].line))
        starts = [(s, r) for s, r in in_run if s.real_start and r.year == first_year]
        ends = [(s, r) for s, r in in_run if s.real_end and r.year == last_year]
        if starts:
            stretch, row = min(starts, key=lambda item: (item[0].start.earliest(), item[1].line))
            entry, entry_line = DateRange.of(stretch.start), row.line
            joiner = row.joiner if row.init == ccode else None
        else:
            entry, entry_line, joiner = DateRange.year(first_year), None, None
        if ends:
            stretch, row = max(ends, key=lambda item: (item[0].end.latest(), -item[1].line))
            exit_, exit_line = DateRange.of(stretch.end), row.line
        else:
            exit_, exit_line = DateRange.year(last_year), None
        # Breaks: gaps in the union of the annual stretches that end in a year the dyad file marks
        # as resumed.
        breaks: list[tuple[_Stretch, WarYearRow, _Stretch, WarYearRow]] = []
        cover_end: tuple[_Stretch, WarYearRow] | None = None
        for stretch, row in in_run:
            if cover_end is not None and stretch.start.earliest() > cover_end[0].end.latest() + _ONE_DAY \
                    and stretch.start.year in resumed:
                breaks.append((cover_end[0], cover_end[1], stretch, row))
            if cover_end is None or stretch.end.latest() > cover_end[0].end.latest():
                cover_end = (stretch, row)
        for year in resumed:
            # The dyad file marks every year of the resumed stretch; one break explains them all.
            if first_year <= year <= last_year and not any(after.start.year <= year for _, _, after, _ in breaks):
                warn(f"the dyad file marks {names.name(ccode)}'s war (COW war {war}) as resumed in {year}, but "
                     "the annual file shows no break that year; one stretch is kept")
        current_entry, current_line, current_joiner = entry, entry_line, joiner
        for before, before_row, after, after_row in breaks:
            spans.append(WarSpan(current_entry, DateRange.of(before.end), current_line, before_row.line,
                                 current_joiner))
            current_entry, current_line = DateRange.of(after.start), after_row.line
            current_joiner = after_row.joiner if after_row.init == ccode else None
        spans.append(WarSpan(current_entry, exit_, current_line, exit_line, current_joiner))
    return spans


def _check_participant(participant: WarParticipant, states: StateSystem | None, names: _Names,
                       war_names: dict[int, str], warn: Any) -> None:
    war_name = _war_words(war_names, participant.war)
    who = f"{names.name(participant.ccode)} ({participant.ccode})"
    for span in participant.spans:
        if span.exit.latest < span.entry.earliest:
            warn(participant.lines[0], f"{who} leaves {war_name} ({span.exit}) before it enters ({span.entry})")
        if states is None:
            continue
        for what, when in (("enters", span.entry), ("leaves", span.exit)):
            if participant.ccode in states and not member_between(states, participant.ccode, when.earliest,
                                                                   when.latest):
                warn(participant.lines[0], f"{who} is not a member of the state system when it {what} "
                     f"{war_name} ({when})")


def _pair(a: WarParticipant, b: WarParticipant, rows: list[WarDyadYear],
          mapped: list[tuple[_Stretch, WarYearRow, int, int]], names: _Names, dyad_file: str,
          year_file: str | None, warnings: list[str], war_name: str) -> WarPair | None:
    """The stretches in which two opposing participants were at war with each other (module docstring)."""
    years = sorted({r.year for r in rows})
    first_year, last_year = years[0], years[-1]
    own = [(s, r) for s, r, side1, side2 in mapped
           if {(r.init, side1), (r.target, side2)} == {(a.ccode, a.side), (b.ccode, b.side)}]
    overlaps: list[tuple[DateRange, DateRange]] = []
    for span_a in a.spans:
        for span_b in b.spans:
            start, end = span_a.entry.later(span_b.entry), span_a.exit.sooner(span_b.exit)
            if start.earliest <= end.latest and any(start.earliest.year <= y <= end.latest.year for y in years):
                overlaps.append((start, end))
    if not overlaps:
        warnings.append(warning_line(dyad_file, rows[0].line, (
            f"{names.name(a.ccode)} and {names.name(b.ccode)} are paired in {war_name} in {_years(years)}, but "
            f"their dates ({_spans_text(a)}; {_spans_text(b)}) never overlap; no war between them is derived")))
        return None
    stretches: list[tuple[DateRange, DateRange]] = []
    joined_by: list[int | None] = []
    used_starts: set[int] = set()
    used_ends: set[int] = set()
    for start, end in overlaps:
        initiated: int | None = None
        starts = [(i, s, r) for i, (s, r) in enumerate(own) if s.real_start and r.year == start.earliest.year
                  and start.earliest <= s.start.earliest() and s.start.latest() <= end.latest]
        if starts:
            i, stretch, row = min(starts, key=lambda item: (item[1].start.earliest(), item[2].line))
            start, initiated = DateRange.of(stretch.start), row.init
            used_starts.add(i)
        ends = [(i, s, r) for i, (s, r) in enumerate(own) if s.real_end and r.year == end.latest.year
                and start.earliest <= s.end.earliest() and s.end.latest() <= end.latest]
        if ends:
            i, stretch, row = max(ends, key=lambda item: (item[1].end.latest(), -item[2].line))
            end = DateRange.of(stretch.end)
            used_ends.add(i)
        stretches.append((start, end))
        joined_by.append(initiated)
    if year_file is not None:
        start_years = {start.earliest.year for start, _ in stretches}
        end_years = {end.latest.year for _, end in stretches}
        for i, (stretch, row) in enumerate(own):
            outside = []
            if stretch.real_start and i not in used_starts and row.year not in start_years:
                outside.append(f"begins {stretch.start}")
            if stretch.real_end and i not in used_ends and row.year not in end_years:
                outside.append(f"ends {stretch.end}")
            if outside:
                warnings.append(warning_line(year_file, row.line, (
                    f"the war between {names.name(row.init)} and {names.name(row.target)} "
                    f"{' and '.join(outside)} here, but the dyad file has them at war in {war_name} in "
                    f"{_years(years)} (first in {first_year}, last in {last_year}); the date is not used")))
    return WarPair(war=a.war, a=a, b=b, stretches=tuple(stretches), joined_by=tuple(joined_by),
                   lines=tuple(r.line for r in rows), annual_lines=tuple(sorted({r.line for _, r in own})))


def _years(years: Sequence[int]) -> str:
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"


def _spans_text(participant: WarParticipant) -> str:
    return ", ".join(f"{s.entry}..{s.exit}" for s in participant.spans)


# --- wars: events --------------------------------------------------------------------------------------


def _war_id(war: int) -> str:
    return f"cow-war-{war}"


def _suffix(n: int) -> str:
    return "" if n == 1 else f"/{n}"


def _opponents(record: WarRecord) -> dict[tuple[int, int, int], list[tuple[WarParticipant, DateRange, DateRange]]]:
    found: dict[tuple[int, int, int], list[tuple[WarParticipant, DateRange, DateRange]]] = defaultdict(list)
    for pair in record.pairs:
        for start, end in pair.stretches:
            found[pair.a.key].append((pair.b, start, end))
            found[pair.b.key].append((pair.a, start, end))
    return found


def _targets_at(entry: DateRange, opponents: list[tuple[WarParticipant, DateRange, DateRange]]) -> list[int]:
    """The opponents possibly at war with the state on its entry day, else those of its earliest pairs."""
    at_entry = {other.ccode for other, start, end in opponents
                if start.earliest <= entry.latest and end.latest >= entry.earliest}
    if not at_entry:
        later = [(start.earliest, other.ccode) for other, start, _ in opponents if start.earliest > entry.latest]
        if later:
            first = min(day for day, _ in later)
            at_entry = {code for day, code in later if day == first}
    return sorted(at_entry)



def _side_mates(spells: Sequence[tuple[int, DateRange, DateRange]], own: int, entry: DateRange
                ) -> tuple[list[int], list[int]]:
    """The states of one side (``(ccode, entry, exit)`` spells, not ``own``) that are surely in the conflict on
    the day ``entry`` stands for, and those that may be but are not surely (the days overlap)."""
    sure: set[int] = set()
    maybe: set[int] = set()
    for code, start, end in spells:
        if code == own:
            continue
        if start.latest <= entry.earliest and end.earliest >= entry.latest:
            sure.add(code)
        elif start.earliest <= entry.latest and end.latest >= entry.earliest:
            maybe.add(code)
    return sorted(sure), sorted(maybe - sure)


def _conflict_attributes(names: _Names, entry: DateRange, exit_: DateRange | None, end: DateRange | None,
                         mates: Sequence[tuple[int, DateRange, DateRange]], own: int, opponents: Iterable[int],
                         against: bool | None, unknown_day: str) -> dict[str, Any]:
    """What a joined event says about the conflict beyond its day (module docstring, "What the joined events
    carry"): the side it opposes, who is beside it on its entry, whom it fights, when it leaves and when the
    conflict ends."""
    attributes: dict[str, Any] = {}
    if against is not None:
        attributes["against_initiator"] = against
    sure, maybe = _side_mates(mates, own, entry)
    attributes["allies"] = [names.id(code) for code in sure]
    attributes["allies_possible"] = [names.id(code) for code in maybe]
    attributes["opponents"] = [names.id(code) for code in sorted(set(opponents))]
    for key, when in (("left_on", exit_), ("ends_on", end)):
        if when is None:
            continue
        attributes[key] = when.earliest
        if unknown_day == "interval":
            attributes[key.replace("_on", "_latest")] = when.latest
    return attributes


def _participation_events(record: WarRecord, names: _Names) -> list[Event]:
    opponents = _opponents(record)
    dyad_base = _base(record.dyad_file)
    year_base = _base(record.year_file) if record.year_file else None
    entries: dict[tuple[int, int], list[tuple[date, int, int, WarParticipant]]] = defaultdict(list)
    for participant in record.participants:
        for n, span in enumerate(participant.spans):
            entries[(participant.war, participant.ccode)].append((span.entry.earliest, participant.side, n,
                                                                  participant))
    # Per war: the sides of its COW initiators, every spell by side, and its end (None: a participant is
    # still at war at the end of the data).
    initiator_sides: dict[int, set[int]] = defaultdict(set)
    by_side: dict[tuple[int, int], list[tuple[int, DateRange, DateRange]]] = defaultdict(list)
    war_end: dict[int, DateRange] = {}
    ongoing: set[int] = set()
    for participant in record.participants:
        if participant.initiator:
            initiator_sides[participant.war].add(participant.side)
        for span in participant.spans:
            by_side[(participant.war, participant.side)].append((participant.ccode, span.entry, span.exit))
        if participant.outcome == 5:
            ongoing.add(participant.war)
        last_exit = participant.spans[-1].exit
        before = war_end.get(participant.war)
        war_end[participant.war] = last_exit if before is None else before.later(last_exit)
    events: list[Event] = []
    for (war, ccode), spells in sorted(entries.items()):
        war_name = record.war_name(war)
        state = names.id(ccode)
        for k, (_, _, n, participant) in enumerate(sorted(spells, key=lambda item: item[:3]), start=1):
            span = participant.spans[n]
            last = n == len(participant.spans) - 1
            first_row = participant.line_in(span.entry.earliest.year, first=True)
            targets = _targets_at(span.entry, opponents.get(participant.key, []))
            joined: dict[str, Any] = {"war": _war_id(war), "side": str(participant.side),
                                      "initiator": participant.initiator}
            if war in record.names:
                joined["war_name"] = record.names[war]
            if span.joiner is not None:
                joined["joiner"] = span.joiner
            joined.update(_date_attributes(span.entry, record.unknown_day))
            sides = initiator_sides.get(war, set())
            fought = [other.ccode for other, start, end in opponents.get(participant.key, [])
                      if start.earliest <= span.exit.latest and end.latest >= span.entry.earliest]
            still = last and participant.outcome == 5
            joined.update(_conflict_attributes(
                names, span.entry, None if still else span.exit, None if war in ongoing else war_end[war],
                by_side[(war, participant.side)], ccode, fought,
                participant.side not in sides if len(sides) == 1 else None, record.unknown_day))
            dated = (f"; date: {year_base} line {span.entry_line}" if span.entry_line is not None
                     else "; the day is not in the data")
            role = " as an initiator of the war" if participant.initiator else ""
            against = f", at war with {names.names(targets)}" if targets else ""
            events.append(Event(
                id=f"{_war_id(war)}/joined/{ccode}{_suffix(k)}", date=span.entry.earliest, type="war_joined",
                actors=(state,), targets=tuple(names.id(code) for code in targets), attributes=joined,
                source=f"{WAR_DATASET}: {dyad_base} line {first_row}{dated}",
                note=f"{names.name(ccode)} enters {war_name} on side {participant.side}{role}{against}, "
                     f"{_in_words(span.entry)}.",
            ))
            if last and participant.outcome == 5:
                continue  # still at war at the end of the data
            left: dict[str, Any] = {"war": _war_id(war), "side": str(participant.side)}
            if last and participant.outcome is not None:
                left["outcome"] = participant.outcome
            left.update(_date_attributes(span.exit, record.unknown_day))
            last_row = participant.line_in(span.exit.latest.year, first=False)
            dated = (f"; date: {year_base} line {span.exit_line}" if span.exit_line is not None
                     else "; the day is not in the data")
            if last:
                outcome = OUTCOMES.get(participant.outcome or 0)
                how = f" ({outcome})" if outcome else ""
            else:
                how = "; it re-enters the war later"
            events.append(Event(
                id=f"{_war_id(war)}/left/{ccode}{_suffix(k)}", date=span.exit.earliest, type="war_left",
                actors=(state,), attributes=left, source=f"{WAR_DATASET}: {dyad_base} line {last_row}{dated}",
                note=f"{names.name(ccode)} leaves {war_name} {_in_words(span.exit)}{how}.",
            ))
    return events


_ORDER = {"war_joined": 0, "dispute_joined": 0, "armed_attack": 1, "state_of_war": 1, "end_of_war": 2,
          "war_left": 3, "dispute_left": 3}


def _attacker(pair: WarPair, index: int) -> tuple[WarParticipant, WarParticipant] | None:
    """(initiator, attacked) for one stretch of a pair, or None: the rule of the module docstring."""
    initiators = [p for p in (pair.a, pair.b) if p.initiator]
    if len(initiators) != 1 or index > 0:
        return None  # a war resumed after a break is not a new attack by the initiator
    initiator = initiators[0]
    other = pair.b if initiator is pair.a else pair.a
    joined_by = pair.joined_by[index]
    if joined_by is not None:
        return (initiator, other) if joined_by == initiator.ccode else None
    start = pair.stretches[index][0]
    # No annual row dates their war: an attack only when it began as the initiator entered, the
    # other being in the war (or entering) no later than that.
    return (initiator, other) if any(span.entry == start for span in initiator.spans) else None


def war_relations(record: WarRecord) -> tuple[Event, ...]:
    """`armed_attack`, `state_of_war` and `end_of_war` events derived from a war record.

    The rule (module docstring): for each stretch of each pair at war, an armed attack by the COW
    initiator on the other state when the annual file records the initiator entering against it, or
    when their war began on the day the initiator entered; otherwise a state of war; and the end of
    their war when it ends. One event per directed pair.
    """
    names = record._names or _Names(None)
    dyad_base = _base(record.dyad_file)
    year_base = _base(record.year_file) if record.year_file else None
    events: list[Event] = []
    for pair in record.pairs:
        war = record.war_name(pair.war)
        for index, (start, end) in enumerate(pair.stretches):
            k = _suffix(index + 1)
            attack = _attacker(pair, index)
            joined_by = pair.joined_by[index]
            cited = f"{WAR_DATASET}: {dyad_base} line {min(pair.lines)}"
            if attack is not None:
                cited += " (initiator codes)"
            if joined_by is not None and year_base is not None:
                cited += f"; date: {year_base} {_lines(pair.annual_lines)}"
            elif start.precision != "day":
                cited += "; the day is not in the data"
            if attack is not None:
                first, second = attack
                why = (f"the annual file records {names.name(first.ccode)} entering the war against "
                       f"{names.name(second.ccode)}" if joined_by is not None else
                       f"their war began when {names.name(first.ccode)} entered it")
                attributes: dict[str, Any] = {"war": _war_id(pair.war), "state_of_war": True}
                attributes.update(_date_attributes(start, record.unknown_day))
                events.append(Event(
                    id=f"{_war_id(pair.war)}/attack/{first.ccode}-{second.ccode}{k}", date=start.earliest,
                    type="armed_attack", actors=(names.id(first.ccode),), targets=(names.id(second.ccode),),
                    attributes=attributes, source=cited,
                    note=f"{names.name(first.ccode)} attacks {names.name(second.ccode)} {_in_words(start)} ({war}): "
                         f"derived from COW coding {names.name(first.ccode)} as an initiator of the war, and "
                         f"{why}.",
                ))
            else:
                first, second = pair.a, pair.b
                attributes = {"war": _war_id(pair.war)}
                attributes.update(_date_attributes(start, record.unknown_day))
                events.append(Event(
                    id=f"{_war_id(pair.war)}/war/{first.ccode}-{second.ccode}{k}", date=start.earliest,
                    type="state_of_war", actors=(names.id(first.ccode),), targets=(names.id(second.ccode),),
                    attributes=attributes, source=cited,
                    note=f"{names.name(first.ccode)} and {names.name(second.ccode)} are at war with each other "
                         f"{_since(start)} ({war}).",
                ))
            if pair.a.outcome == 5 and pair.b.outcome == 5 and index == len(pair.stretches) - 1:
                continue  # both still at war at the end of the data
            attributes = {"war": _war_id(pair.war)}
            attributes.update(_date_attributes(end, record.unknown_day))
            events.append(Event(
                id=f"{_war_id(pair.war)}/end/{first.ccode}-{second.ccode}{k}", date=end.earliest,
                type="end_of_war", actors=(names.id(first.ccode),), targets=(names.id(second.ccode),),
                attributes=attributes, source=f"{WAR_DATASET}: {dyad_base} line {max(pair.lines)}",
                note=f"{names.name(first.ccode)} and {names.name(second.ccode)} stop being at war with each other "
                     f"{_in_words(end)} ({war}).",
            ))
    return tuple(events)


# --- disputes ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisputeRecord:
    """Disputes as read: MIDA rows by number, MIDB spells, participation events and warnings."""

    dispute_file: str
    participant_file: str
    unknown_day: str
    disputes: dict[int, MidDispute]
    participants: tuple[MidParticipant, ...]
    events: tuple[Event, ...]
    warnings: tuple[str, ...]
    states: dict[str, State] = field(default_factory=dict)
    _names: _Names | None = field(default=None, repr=False, compare=False)

    def still_in(self, row: MidParticipant) -> bool:
        """Whether the spell lasts to the end of the data (an ongoing dispute, ending on its end date)."""
        dispute = self.disputes.get(row.dispnum)
        return dispute is not None and bool(dispute.ongoing) and row.end == dispute.end


def _mid_id(dispnum: int) -> str:
    return f"mid-{dispnum}"


def _side(row: MidParticipant) -> str:
    return "A" if row.side_a else "B"


def dispute_record(disputes: MidFile[MidDispute], participants: MidFile[MidParticipant], *,
                   states: StateSystem | None = None, unknown_day: UnknownDay = "first") -> DisputeRecord:
    """`dispute_joined` and `dispute_left` events, one pair per MIDB row (rules in the module docstring)."""
    _check_rule(unknown_day)
    names = _Names(states)
    record = DisputeRecord(
        dispute_file=disputes.path, participant_file=participants.path, unknown_day=unknown_day,
        disputes={d.dispnum: d for d in disputes}, participants=tuple(participants), events=(),
        warnings=(*disputes.warnings, *participants.warnings), _names=names)
    base = _base(participants.path)
    by_dispute: dict[int, list[MidParticipant]] = defaultdict(list)
    for row in participants:
        by_dispute[row.dispnum].append(row)
    events: list[Event] = []
    warnings = list(record.warnings)
    kept: list[MidParticipant] = []
    for dispnum in sorted(by_dispute):
        rows = sorted(by_dispute[dispnum], key=lambda r: (r.start.earliest(), r.line))
        count: Counter[int] = Counter()
        first_of: dict[tuple[Any, ...], int] = {}
        # Each row's days, and the spells of each side, once per dispute.
        spans = {id(row): (DateRange.of(row.start), DateRange.of(row.end)) for row in rows}
        sides = {side: [(other.ccode, *spans[id(other)]) for other in rows if other.side_a == side]
                 for side in (True, False)}
        dispute = record.disputes.get(dispnum)
        if dispute is not None:
            end: DateRange | None = None if dispute.ongoing else DateRange.of(dispute.end)
        else:
            end = functools.reduce(DateRange.later, (spans[id(other)][1] for other in rows))
        for row in rows:
            same = (row.ccode, row.side_a, row.start, row.end)
            if same in first_of:
                # The same state, side and dates twice would be the same events twice.
                warnings.append(warning_line(participants.path, row.line, (
                    f"state {row.ccode} in dispute {dispnum} repeats line {first_of[same]} (same side and dates); "
                    "the row is not used")))
                continue
            first_of[same] = row.line
            kept.append(row)
            count[row.ccode] += 1
            k = _suffix(count[row.ccode])
            entry, exit_ = spans[id(row)]
            targets = sorted({code for code, start, stop in sides[not row.side_a]
                              if start.earliest <= entry.latest and stop.latest >= entry.earliest})
            codes: dict[str, Any] = {"dispute": _mid_id(dispnum), "side": _side(row), "originator": row.originator}
            for key, value in (("hostility", row.hostlev), ("highest_action", row.hiact),
                               ("fatality", row.fatality)):
                if value is not None:
                    codes[key] = value
            joined = {**codes, **_date_attributes(entry, unknown_day)}
            joined["initiator"] = row.side_a and row.originator
            if dispute is not None and dispute.hostlev is not None:
                joined["dispute_hostility"] = dispute.hostlev
            joined.update(_conflict_attributes(
                names, entry, None if record.still_in(row) else exit_, end, sides[row.side_a], row.ccode,
                (code for code, _, _ in sides[not row.side_a]), not row.side_a, unknown_day))
            role = ", as an originator" if row.originator else ""
            against = f", against {names.names(targets)}" if targets else ""
            level = f"; its hostility level: {HOSTILITY[row.hostlev].lower()}" if row.hostlev in HOSTILITY else ""
            events.append(Event(
                id=f"{_mid_id(dispnum)}/joined/{row.ccode}{k}", date=entry.earliest, type="dispute_joined",
                actors=(names.id(row.ccode),), targets=tuple(names.id(code) for code in targets),
                attributes=joined, source=f"{MID_DATASET}: {base} line {row.line}",
                note=f"{names.name(row.ccode)} joins MID {dispnum} on side {_side(row)}{role}{against}, "
                     f"{_in_words(entry)}{level}.",
            ))
            if record.still_in(row):
                continue
            events.append(Event(
                id=f"{_mid_id(dispnum)}/left/{row.ccode}{k}", date=exit_.earliest, type="dispute_left",
                actors=(names.id(row.ccode),), attributes={**codes, **_date_attributes(exit_, unknown_day)},
                source=f"{MID_DATASET}: {base} line {row.line}",
                note=f"{names.name(row.ccode)} leaves MID {dispnum} {_in_words(exit_)}.",
            ))
    kept.sort(key=lambda r: r.line)
    return dataclasses.replace(record, participants=tuple(kept), events=tuple(events), warnings=tuple(warnings),
                               states=dict(names.used))


def dispute_relations(record: DisputeRecord) -> tuple[Event, ...]:
    """`armed_attack`, `state_of_war` and `end_of_war` events derived from MID participants.

    The rule (module docstring): a side-A originator that used force (hostility level 4 or 5) is
    taken to have attacked each side-B originator, when both were in the dispute; `state_of_war` is
    true only when both reached hostility level 5. Two opposing participants both at level 5 are at
    war (a `state_of_war` where no attack is derived) until the first of them leaves.
    """
    names = record._names or _Names(None)
    base = _base(record.participant_file)
    by_dispute: dict[int, list[MidParticipant]] = defaultdict(list)
    for row in record.participants:
        by_dispute[row.dispnum].append(row)
    events: list[Event] = []
    for dispnum in sorted(by_dispute):
        rows = sorted(by_dispute[dispnum], key=lambda r: (r.start.earliest(), r.line))
        seen: Counter[str] = Counter()
        for x in (r for r in rows if r.side_a):
            for y in (r for r in rows if not r.side_a):
                start = DateRange.of(x.start).later(DateRange.of(y.start))
                end = DateRange.of(x.end).sooner(DateRange.of(y.end))
                if start.earliest > end.latest:
                    continue
                attack = x.originator and y.originator and (x.hostlev or 0) >= 4
                at_war = x.hostlev == 5 and y.hostlev == 5
                if not attack and not at_war:
                    continue
                pair = f"{x.ccode}-{y.ccode}"
                seen[pair] += 1
                k = _suffix(seen[pair])
                cited = f"{MID_DATASET}: {base} {_lines((x.line, y.line))}"
                dispute = _mid_id(dispnum)
                if attack:
                    attributes: dict[str, Any] = {"dispute": dispute, "state_of_war": at_war}
                    attributes.update(_date_attributes(start, record.unknown_day))
                    events.append(Event(
                        id=f"{dispute}/attack/{pair}{k}", date=start.earliest, type="armed_attack",
                        actors=(names.id(x.ccode),), targets=(names.id(y.ccode),), attributes=attributes,
                        source=cited + " (side A, originator, hostility level)",
                        note=f"{names.name(x.ccode)} uses force against {names.name(y.ccode)} in MID {dispnum}"
                             f"{' (a war)' if at_war else ''}: derived from its taking the first militarized "
                             f"action as an originator on side A; MID does not date the first use of force, "
                             f"the event is dated when both were in the dispute, {_in_words(start)}.",
                    ))
                else:
                    attributes = {"dispute": dispute, **_date_attributes(start, record.unknown_day)}
                    events.append(Event(
                        id=f"{dispute}/war/{pair}{k}", date=start.earliest, type="state_of_war",
                        actors=(names.id(x.ccode),), targets=(names.id(y.ccode),), attributes=attributes,
                        source=cited + " (hostility level 5)",
                        note=f"{names.name(x.ccode)} and {names.name(y.ccode)} are at war with each other "
                             f"{_since(start)} (MID {dispnum}).",
                    ))
                if not at_war or (record.still_in(x) and record.still_in(y)):
                    continue
                attributes = {"dispute": dispute, **_date_attributes(end, record.unknown_day)}
                events.append(Event(
                    id=f"{dispute}/end/{pair}{k}", date=end.earliest, type="end_of_war",
                    actors=(names.id(x.ccode),), targets=(names.id(y.ccode),), attributes=attributes,
                    source=cited, note=f"{names.name(x.ccode)} and {names.name(y.ccode)} stop being at war with "
                                       f"each other {_in_words(end)} (MID {dispnum}).",
                ))
    return tuple(events)


# --- timelines, CSV, tables ----------------------------------------------------------------------------


def records_timeline(events: Iterable[Event], states: dict[str, State] | None = None, *,
                     timeline_id: str = "records", description: str = "") -> Timeline:
    """A timeline of record events, in date order (joined, then attacks and wars, ends, left), checked
    for duplicated events and ids like any timeline."""
    from foedus.parse.timeline import build_timeline

    ordered = sorted(events, key=lambda e: (e.date, _ORDER.get(e.type, 1), e.id))
    return build_timeline(timeline_id, description, ordered, dict(states or {}))


_CORE = ("id", "date", "type", "actors", "targets", "treaty", "source", "note")
# Attribute columns of record timelines, in reading order; any other attribute follows, sorted.
_COLUMNS = ("war", "war_name", "dispute", "side", "initiator", "joiner", "originator", "outcome", "hostility",
            "highest_action", "fatality", "dispute_hostility", "state_of_war", "date_precision", "date_latest",
            "against_initiator", "allies", "allies_possible", "opponents", "left_on", "left_latest", "ends_on",
            "ends_latest")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        # A list cell always holds a `;` (`;` alone when empty, `GMY;` for one state), so the CSV reader reads
        # it back as a list, never as absent or as a single text.
        return ";".join(_cell(v) for v in value) + (";" if len(value) < 2 else "")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def timeline_csv(timeline: Timeline) -> str:
    """The timeline in foedus's CSV timeline format (`foedus.parse.timeline`): the core columns, then one
    column per attribute present (record attributes first, in a fixed order); `;` between several states."""
    used = {key for e in timeline.events for key in e.attributes}
    known = [name for kind in vocabulary().values() for name in kind.attributes]
    columns = [c for c in _COLUMNS if c in used]
    columns += sorted(c for c in used if c not in columns and c in known)
    columns += sorted(c for c in used if c not in columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*_CORE, *columns])
    for e in timeline.events:
        writer.writerow([e.id, e.date.isoformat(), e.type, ";".join(e.actors), ";".join(e.targets),
                         e.treaty or "", e.source or "", e.note or "",
                         *(_cell(e.attributes.get(c)) for c in columns)])
    return out.getvalue()


def timeline_yaml(timeline: Timeline) -> str:
    """The timeline in foedus's YAML timeline format, with its `states:` table (ids, names, COW codes),
    so that it binds to any treaty: unlike the CSV format, it names the states that are not parties."""
    import yaml

    states = {sid: {"name": state.name, **({"cow": state.cow} if state.cow is not None else {})}
              for sid, state in sorted(timeline.states.items())}
    events = []
    for e in timeline.events:
        item: dict[str, Any] = {"id": e.id, "date": e.date.isoformat(), "type": e.type, "actors": list(e.actors)}
        if e.targets:
            item["targets"] = list(e.targets)
        if e.treaty:
            item["treaty"] = e.treaty
        for key in _ordered_attributes(e.attributes):
            item[key] = e.attributes[key]
        if e.source:
            item["source"] = e.source
        if e.note:
            item["note"] = e.note
        events.append(item)
    document = {"timeline": timeline.id, "description": timeline.description, "states": states, "events": events}
    # libyaml's safe dumper when PyYAML has it (about ten times faster; the same output).
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(document, Dumper=dumper, sort_keys=False, allow_unicode=True, width=120)


def _ordered_attributes(attributes: dict[str, Any]) -> list[str]:
    return [c for c in _COLUMNS if c in attributes] + sorted(k for k in attributes if k not in _COLUMNS)


def write_timeline(timeline: Timeline, path: str | Path) -> None:
    """Write the timeline as CSV (`.csv`) or YAML (`.yaml`, `.yml`), by the file's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        text = timeline_csv(timeline)
    elif suffix in (".yaml", ".yml"):
        text = timeline_yaml(timeline)
    else:
        raise FoedusError(f"unknown timeline format {suffix or '(no suffix)'!r}", where=Location(str(path)),
                          expected="a .csv or .yaml file")
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FoedusError(f"cannot write the timeline ({exc.strerror})", where=Location(str(path)),
                          expected="a writable file path") from None


def write_timeline_csv(timeline: Timeline, path: str | Path) -> None:
    """Write the timeline in the CSV timeline format, whatever the file's suffix."""
    try:
        Path(path).write_text(timeline_csv(timeline), encoding="utf-8")
    except OSError as exc:
        raise FoedusError(f"cannot write the timeline ({exc.strerror})", where=Location(str(path)),
                          expected="a writable file path") from None


def rows_frame(rows: Iterable[Any]) -> pd.DataFrame:
    """A pandas DataFrame of typed rows (or participants), one column per field; partial dates as text
    (`1902-07` for an unknown day), stretches as `start..end` joined by `; `."""
    import pandas as pd

    records = []
    for row in rows:
        item: dict[str, Any] = {}
        for f in dataclasses.fields(row):
            value = getattr(row, f.name)
            if isinstance(value, PartialDate | DateRange):
                value = str(value)
            elif isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
                value = "; ".join(_span_text(v) for v in value)
            elif isinstance(value, tuple):
                value = list(value)
            item[f.name] = value
        records.append(item)
    return pd.DataFrame.from_records(records)


def _span_text(value: Any) -> str:
    if hasattr(value, "start"):
        return f"{value.start}..{value.end}"
    return f"{value.entry}..{value.exit}"


def load_wars(dyads: str | Path, years: str | Path | None = None, states: str | Path | None = None, *,
              unknown_day: UnknownDay = "first") -> WarRecord:
    """Read the war files (and the COW state system) and combine them into a `WarRecord`."""
    from .cow_states import read_states

    _check_rule(unknown_day)
    system = read_states(states) if states is not None else None
    year_file = read_war_years(years, states=system) if years is not None else None
    record = war_record(read_war_dyads(dyads, states=system), year_file, states=system, unknown_day=unknown_day)
    if system is not None:
        return dataclasses.replace(record, warnings=(*system.warnings, *record.warnings))
    return record


def load_disputes(disputes: str | Path, participants: str | Path, states: str | Path | None = None, *,
                  unknown_day: UnknownDay = "first") -> DisputeRecord:
    """Read MIDA and MIDB (and the COW state system) into a `DisputeRecord`."""
    from .cow_states import read_states

    _check_rule(unknown_day)
    system = read_states(states) if states is not None else None
    dispute_file = read_disputes(disputes)
    record = dispute_record(dispute_file, read_participants(participants, states=system, disputes=dispute_file),
                            states=system, unknown_day=unknown_day)
    if system is not None:
        return dataclasses.replace(record, warnings=(*system.warnings, *record.warnings))
    return record
