"""How evaluation grows with the record: synthetic timelines of 10 to 100,000 events that the 1950 treaty
accepts (bench/gen_timeline.py), each measured in a fresh process.

For each size it prints the time of: the full run (evaluation to the last day of the record), a status
from scratch (evaluation to a random day, the compiled treaty reused; median of several days), the
prepared session (``Session.prepare``: one pass over the whole record), a prepared status query (median;
the status for a random day, read from the prepared history; its size grows with the duties on record),
and a what-if (one armed attack added in
the last tenth of the record, answered from a checkpoint: ``Session.what_if``) beside the same what-if
evaluated from scratch. Then the peak resident memory of the process (reading the CSV timeline,
evaluating and preparing), and the log-log slope of each time between successive sizes (1: linear,
2: quadratic). Reading times per format are in bench/bench_read.py.

    .venv/bin/python bench/bench_scale.py [--sizes 10,100,1000,10000,100000] [--seed 1]

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

MEASURES = ("full run", "status from scratch", "prepare", "prepared query", "what-if", "what-if from scratch")


def measure(size: int, seed: int) -> dict[str, float]:
    """One size, in this process (called in a child process by ``main``)."""
    import random
    import resource
    import statistics
    import time
    from datetime import timedelta

    import gen_timeline

    from foedus import api
    from foedus.evaluate import evaluate
    from foedus.model.events import Event
    from foedus.parse.timeline import read_timeline
    from foedus.report.json_report import status_dict

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        gen_timeline.write_csv(gen_timeline.generate(size, seed), path)
        session = api.open_session(ROOT / "treaties" / "sino_soviet_1950.md", read_timeline(path))
    ct, timeline = session.compiled, session.timeline
    first, last = timeline.events[0].date, timeline.events[-1].date
    rng = random.Random(seed)
    days = [first + timedelta(days=rng.randrange((last - first).days + 1)) for _ in range(9)]
    out: dict[str, float] = {}

    start, cpu = time.perf_counter(), time.process_time()
    evaluate(ct, timeline, last)
    out["full run"] = time.perf_counter() - start
    out["full run CPU"] = time.process_time() - cpu

    times = []
    for day in days[:5 if size < 100_000 else 3]:
        start = time.perf_counter()
        status_dict(evaluate(ct, timeline, day))
        times.append(time.perf_counter() - start)
    out["status from scratch"] = statistics.median(times)

    start, cpu = time.perf_counter(), time.process_time()
    session.prepare()
    out["prepare"] = time.perf_counter() - start
    out["prepare CPU"] = time.process_time() - cpu

    times = []
    for day in [first + timedelta(days=rng.randrange((last - first).days + 1)) for _ in range(200)]:
        start = time.perf_counter()
        session.status_at(day)
        times.append(time.perf_counter() - start)
    out["prepared query"] = statistics.median(times)

    # One armed attack in the last tenth of the record, asked about a year later.
    when = first + timedelta(days=(last - first).days * 9 // 10)
    attack = Event(id="what-if-attack", date=when, type="armed_attack", actors=("USSR",), targets=("PRC",),
                   attributes={"state_of_war": True}, source="what-if")
    base = api.Session(ct, timeline)
    base._checkpoint_before(when)  # the checkpoints a session keeps for its what-ifs (made once)
    start = time.perf_counter()
    changed = base.what_if([attack])
    changed.outcome(when + timedelta(days=365))
    out["what-if"] = time.perf_counter() - start
    start = time.perf_counter()
    evaluate(ct, changed.timeline, when + timedelta(days=365))
    out["what-if from scratch"] = time.perf_counter() - start
    out["peak memory MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["events"] = len(timeline.events)
    return out


def _fmt(seconds: float) -> str:
    return f"{seconds * 1e3:9.2f} ms" if seconds < 1 else f"{seconds:9.2f} s "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10,100,1000,10000,100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process: one size, JSON out
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(measure(args.one, args.seed)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    for size in sizes:
        done = subprocess.run([sys.executable, __file__, "--one", str(size), "--seed", str(args.seed)],
                              capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        results[size] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{'events':>8} " + " ".join(f"{m:>22}" for m in MEASURES) + f" {'peak memory':>12}")
    for size in sizes:
        r = results[size]
        print(f"{size:>8} " + " ".join(f"{_fmt(r[m]):>22}" for m in MEASURES) + f" {r['peak memory MiB']:9.0f} MiB")
    print("\nCPU time (the machine may be shared; wall time above)")
    for size in sizes:
        r = results[size]
        print(f"{size:>8}  full run {_fmt(r['full run CPU'])}  prepare {_fmt(r['prepare CPU'])}")
    print("\nlog-log slope between successive sizes (1: linear in the events, 2: quadratic)")
    for a, b in itertools.pairwise(sizes):
        slopes = []
        for m in MEASURES:
            ta, tb = results[a][m], results[b][m]
            slopes.append(f"{math.log(tb / ta) / math.log(b / a):22.2f}" if ta > 0 and tb > 0 else f"{'—':>22}")
        print(f"{a:>6}→{b:<6} " + " ".join(slopes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
