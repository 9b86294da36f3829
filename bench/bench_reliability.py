"""Benchmark of alliance reliability: all 765 ATOP alliances against all COW inter-state wars and all MID 5.0
disputes, judged by the engine, beside a straightforward pandas implementation of the same rules.

Run from the project root:

    .venv/bin/python bench/bench_reliability.py [--repeat 3] [--readings default,late-entry-counts] [--disputes]

It prints, first, the whole command as a user runs it — ``foedus reliability run --data ../shared/data
--out DIR`` in a fresh process (cold: a new interpreter, nothing cached), wall and CPU time, best of
``--repeat`` — then its stages in one process (ATOP import, record of wars and disputes, the engine's
judgement, the tables, the files and the page), and, for each reading, the engine's judgement and the
pandas baseline (``bench/reliability_baseline.py``) with an equality check of the two tables (every row's
id, alliance, obligation, ally, partner, conflict, day, outcome and engine state). ``--disputes`` also
times a reading that admits disputes (``uses-of-force``), whose cost is the engine's (see the report).
Target: the whole command in <= 5 s. The data is read from ``../shared/data`` (never copied here).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def cold_command(repeat: int) -> tuple[float, float]:
    """The CLI in a fresh process: (best wall time, its CPU time), in seconds."""
    best = (float("inf"), 0.0)
    foedus = ROOT / ".venv" / "bin" / "foedus"
    command = [str(foedus) if foedus.exists() else sys.executable, *([] if foedus.exists() else ["-m", "foedus"])]
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([*command, "reliability", "run", "--data", str(DATA), "--out", out], check=True,
                           stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, (wall, cpu))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--readings", default="default,late-entry-counts,within-30-days,all-adversaries,"
                        "aggressor-only,conditions-met")
    parser.add_argument("--disputes", action="store_true", help="also time the reading uses-of-force")
    args = parser.parse_args()
    if not (DATA / "atop" / "atop5_0_alliance_level.csv").is_file():
        sys.exit(f"needs the shared data folder at {DATA}")

    wall, cpu = cold_command(args.repeat)
    print(f"{'whole command, cold (foedus reliability run --data … --out …)':64} {wall:7.2f} s wall  {cpu:6.2f} s CPU"
          f"   target <= 5 s")

    from reliability_baseline import baseline, engine_rows

    from foedus.cli_reliability import write_outputs
    from foedus.importers.atop import import_atop
    from foedus.reliability import Reliability
    from foedus.reliability.judge import judge
    from foedus.reliability.record import RecordFiles, load_record

    files = RecordFiles.in_folder(DATA)
    timings: list[tuple[str, float]] = []

    def timed(name: str, fn: object) -> object:
        start = time.perf_counter()
        value = fn()  # type: ignore[operator]
        timings.append((name, time.perf_counter() - start))
        return value

    atop = timed("ATOP import (765 alliances, member file, states)",
                 lambda: import_atop(files.atop, files.members, files.states, iso3=False))
    record = timed("record: COW wars and MID disputes as events", lambda: load_record(files))
    judgement = timed("engine: every alliance judged (default reading)", lambda: judge(atop.models, record))
    result = Reliability(atop.models, record, judgement, atop)
    timed("tables: rows, naive pairs, summaries", lambda: result.summary_records)
    with tempfile.TemporaryDirectory() as out:
        timed("files and page", lambda: write_outputs(result, Path(out)))
    for name, seconds in timings:
        print(f"  {name:62} {seconds:7.2f} s")
    print(f"  {len(record.events)} events; {judgement.evaluated} alliances evaluated on {judgement.events_used} events "
          f"that concern them ({judgement.skipped} with none); {len(judgement.rows)} rows")

    print(f"\n{'reading':24} {'rows':>6} {'engine':>9} {'pandas':>9}  tables")
    readings = [r for r in args.readings.split(",") if r]
    if args.disputes:
        readings.append("uses-of-force")
    for reading in readings:
        words = [] if reading == "default" else [reading]
        start = time.perf_counter()
        mine = judge(atop.models, record, words)
        engine = time.perf_counter() - start
        start = time.perf_counter()
        theirs = baseline(atop.models, record, mine.choices)
        pandas = time.perf_counter() - start
        equal = engine_rows(mine.rows) == theirs
        print(f"{reading:24} {len(mine.rows):6} {engine:8.2f}s {pandas:8.2f}s  {'equal' if equal else 'DIFFER'}")
        if not equal:
            ours, base = set(engine_rows(mine.rows)), set(theirs)
            for row in sorted(ours - base)[:5]:
                print(f"    engine only: {row}")
            for row in sorted(base - ours)[:5]:
                print(f"    pandas only: {row}")
            sys.exit(1)


if __name__ == "__main__":
    main()
