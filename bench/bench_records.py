"""Benchmark of the record import: reading the COW war and MID files, turning them into events, and
writing and reading back the timeline. Run: .venv/bin/python bench/bench_records.py  (prints a table of
median and best times over a few runs; no assertions). Needs ../shared/data."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from foedus.importers.cow_states import read_states
from foedus.importers.cow_wars import read_war_dyads, read_war_years
from foedus.importers.mid import read_disputes, read_participants
from foedus.importers.records import (
    dispute_record,
    dispute_relations,
    records_timeline,
    war_record,
    war_relations,
    write_timeline,
)
from foedus.parse.timeline import read_timeline

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
REPEAT = 5


def timed(fn: Callable[[], Any], repeat: int = REPEAT) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def row(label: str, times: list[float], size: str) -> None:
    print(f"{label:<44} {statistics.median(times) * 1000:9.1f} {min(times) * 1000:9.1f}   {size}")


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"needs {DATA} (the shared data folder)")
    states = read_states(DATA / "states" / "states2016.csv")
    print(f"{'step':<44} {'median ms':>9} {'best ms':>9}   size")

    t, dyads = timed(lambda: read_war_dyads(DATA / "wars" / "peacesciencer_cow_war_inter.csv", states=states))
    row("read war dyad-years", t, f"{len(dyads)} rows")
    t, years = timed(lambda: read_war_years(DATA / "wars" / "interstate_war_annual_rev_armsallies.csv",
                                            states=states))
    row("read annual war rows", t, f"{len(years)} rows")
    t, wars = timed(lambda: war_record(dyads, years, states=states))
    row("wars -> participation events", t, f"{len(wars.participants)} participants, {len(wars.events)} events")
    t, war_rel = timed(lambda: war_relations(wars))
    row("wars -> attacks, states of war, ends", t, f"{len(war_rel)} events")

    t, disputes = timed(lambda: read_disputes(DATA / "mid" / "MIDA_5.0.csv"))
    row("read MIDA", t, f"{len(disputes)} rows")
    t, participants = timed(lambda: read_participants(DATA / "mid" / "MIDB_5.0.csv", states=states,
                                                      disputes=disputes))
    row("read MIDB (checked against MIDA, states)", t, f"{len(participants)} rows")
    t, mids = timed(lambda: dispute_record(disputes, participants, states=states, unknown_day="interval"))
    row("disputes -> participation events", t, f"{len(mids.events)} events")
    t, mid_rel = timed(lambda: dispute_relations(mids))
    row("disputes -> attacks, states of war, ends", t, f"{len(mid_rel)} events")

    events = [*wars.events, *war_rel, *mids.events, *mid_rel]
    t, timeline = timed(lambda: records_timeline(events, {**wars.states, **mids.states}))
    row("timeline (sorted, checked for duplicates)", t, f"{len(timeline.events)} events")
    with tempfile.TemporaryDirectory() as folder:
        for suffix, repeat in (("csv", 3), ("yaml", 1)):
            path = Path(folder) / f"record.{suffix}"
            t, _ = timed(lambda path=path: write_timeline(timeline, path), repeat)
            row(f"write timeline .{suffix}", t, f"{path.stat().st_size / 1e6:.1f} MB")
            t, back = timed(lambda path=path: read_timeline(path), repeat)
            row(f"read it back (foedus.parse.timeline) .{suffix}", t, f"{len(back.events)} events")


if __name__ == "__main__":
    main()
