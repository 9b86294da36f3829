"""The record the alliances are judged on: COW inter-state wars and MID disputes as one timeline.

``load_record(files)`` reads the files with :mod:`foedus.importers.records` under the ``interval`` rule
for unknown days (every event says its last possible day, so that an unknown day can never decide an
answer it does not know), and keeps what the reliability tables need beside the events: the states,
the readers' warnings (one line each, with file and line), and where each conflict's participants are.
Only participation events are used (``war_joined`` / ``war_left``, ``dispute_joined`` /
``dispute_left``): the ATOP models judge conduct on them; the derived attacks and states of war are
for hand-written models such as the 1950 treaty, and ``with_relations=True`` adds them.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from foedus.dates import day_or_none
from foedus.errors import FoedusError, Location
from foedus.model.events import Event, State, Timeline

__all__ = ["Record", "RecordFiles", "conflict_name", "load_record", "record_from_timeline"]


@dataclass(frozen=True)
class RecordFiles:
    """The data files of one reliability run. ``war_dyads`` (with ``war_years`` for the days) are the COW
    inter-state wars; ``mida`` / ``midb`` the MID 5.0 disputes (optional: without them only wars are read,
    and a reading that admits disputes is refused); ``atop`` / ``members`` the ATOP alliance and member
    files; ``states`` the COW state system."""

    atop: Path
    war_dyads: Path
    states: Path | None = None
    members: Path | None = None
    war_years: Path | None = None
    mida: Path | None = None
    midb: Path | None = None

    @classmethod
    def in_folder(cls, folder: str | Path) -> RecordFiles:
        """The shared data folder's layout (``atop/``, ``wars/``, ``mid/``, ``states/``): each file that is
        there; the ATOP alliance file and the COW dyad file are required."""
        root = Path(folder)
        named = {
            "atop": root / "atop" / "atop5_0_alliance_level.csv",
            "members": root / "atop" / "atop4_01_member_level.csv",
            "states": root / "states" / "states2016.csv",
            "war_dyads": root / "wars" / "peacesciencer_cow_war_inter.csv",
            "war_years": root / "wars" / "interstate_war_annual_rev_armsallies.csv",
            "mida": root / "mid" / "MIDA_5.0.csv",
            "midb": root / "mid" / "MIDB_5.0.csv",
        }
        for key in ("atop", "war_dyads"):
            if not named[key].is_file():
                raise FoedusError(f"no {named[key].relative_to(root)} in the data folder", where=Location(str(root)),
                                  expected="the shared data layout: atop/, wars/, mid/, states/")
        found = {key: path for key, path in named.items() if path.is_file()}
        return cls(**found)


@dataclass(frozen=True)
class Record:
    """Wars and disputes as one timeline (``timeline``: its events in date order, its states named), with
    ``warnings`` from the readers, ``as_of`` (the day after the latest day any event names, its last possible
    days included: evaluated as of it, every deadline the record bounds has passed) and, per conflict id
    (``cow-war-139``, ``mid-4321``), its name and joined events."""

    timeline: Timeline
    states: dict[str, State]
    warnings: tuple[str, ...]
    has_disputes: bool
    as_of: date
    dispute_events: bool = True
    names: dict[str, str] = field(default_factory=dict)
    joined: dict[str, list[Event]] = field(default_factory=dict)

    @property
    def events(self) -> tuple[Event, ...]:
        return self.timeline.events

    @functools.cached_property
    def by_id(self) -> dict[str, Event]:
        return {e.id: e for e in self.timeline.events}

    @functools.cached_property
    def entries(self) -> dict[str, list[Event]]:
        """Each state's entries into wars and disputes (its joined events), in date order."""
        out: dict[str, list[Event]] = defaultdict(list)
        for joined in self.joined.values():
            for e in joined:
                if e.actor is not None:
                    out[e.actor].append(e)
        for items in out.values():
            items.sort(key=lambda e: (e.date, e.id))
        return dict(out)

    def state_name(self, sid: str) -> str:
        state = self.states.get(sid)
        return state.name if state is not None else sid


def conflict_name(e: Event) -> str:
    """A conflict as historians name it: the war's name, ``COW war 130``, or ``MID 4321``."""
    war = e.attributes.get("war")
    if war is not None:
        name = e.attributes.get("war_name")
        return str(name) if name else f"COW war {str(war).removeprefix('cow-war-')}"
    dispute = e.attributes.get("dispute")
    return f"MID {str(dispute).removeprefix('mid-')}" if dispute is not None else e.id


def conflict_id(e: Event) -> str | None:
    value = e.attributes.get("war") or e.attributes.get("dispute")
    return str(value) if value is not None else None


def load_record(files: RecordFiles, *, with_relations: bool = False, dispute_events: bool = True) -> Record:
    """Read the wars (and disputes, when given) into one record (module docstring). ``dispute_events=False``:
    the MID files are read and checked (a bad file is still an error, its rows' problems still warnings), but
    their events are not made — for a reading under which no dispute can invoke an obligation."""
    from foedus.importers.cow_states import read_states
    from foedus.importers.cow_wars import read_war_dyads, read_war_years
    from foedus.importers.mid import read_disputes, read_participants
    from foedus.importers.records import (
        dispute_record,
        dispute_relations,
        records_timeline,
        war_record,
        war_relations,
    )

    system = read_states(files.states) if files.states is not None else None
    years = read_war_years(files.war_years, states=system) if files.war_years is not None else None
    wars = war_record(read_war_dyads(files.war_dyads, states=system), years, states=system, unknown_day="interval")
    events: list[Event] = list(wars.events)
    states = dict(wars.states)
    warnings = [*(system.warnings if system is not None else ()), *wars.warnings]
    if with_relations:
        events += war_relations(wars)
    has_disputes = files.mida is not None and files.midb is not None
    if (files.mida is None) != (files.midb is None):
        given = files.mida or files.midb
        raise FoedusError("MID needs both files: the dispute level (MIDA) and the participant level (MIDB)",
                          where=Location(str(given)), expected="--mida and --midb together")
    if files.mida is not None and files.midb is not None:
        dispute_file = read_disputes(files.mida)
        participants = read_participants(files.midb, states=system, disputes=dispute_file)
        if dispute_events:
            disputes = dispute_record(dispute_file, participants, states=system, unknown_day="interval")
            events += disputes.events
            if with_relations:
                events += dispute_relations(disputes)
            states.update(disputes.states)
            warnings += disputes.warnings
        else:
            warnings += [*dispute_file.warnings, *participants.warnings]
    timeline = records_timeline(events, states, timeline_id="cow-wars-and-mid",
                                description="COW inter-state wars and MID 5.0 disputes, as foedus events")
    record = record_from_timeline(timeline, warnings=tuple(warnings), has_disputes=has_disputes)
    return dataclasses.replace(record, dispute_events=dispute_events or not has_disputes)


def record_from_timeline(timeline: Timeline, *, warnings: tuple[str, ...] = (), has_disputes: bool | None = None
                         ) -> Record:
    """A record from a timeline of record events (``foedus records … --out x.yaml``, or one written by hand):
    its states, and per conflict its name and joined events. ``has_disputes``: whether disputes were read
    (default: whether any event is a dispute's)."""
    names: dict[str, str] = {}
    joined: dict[str, list[Event]] = defaultdict(list)
    last = date(1816, 1, 1)
    for e in timeline.events:
        last = max(last, e.date, *(day_or_none(e.attributes.get(k)) or e.date
                                   for k in ("date_latest", "left_latest", "ends_latest")))
        key = conflict_id(e)
        if key is not None and e.type in ("war_joined", "dispute_joined"):
            joined[key].append(e)
            names.setdefault(key, conflict_name(e))
    if has_disputes is None:
        has_disputes = any(e.type.startswith("dispute_") for e in timeline.events)
    return Record(timeline=timeline, states=dict(timeline.states), warnings=warnings, has_disputes=has_disputes,
                  as_of=last + timedelta(days=1), names=names, joined=dict(joined))
