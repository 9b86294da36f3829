"""Reading timelines: time and peak memory of ``read_timeline`` for 10 to 100,000 events, per format.

Each reading runs in a fresh Python process (so that its peak memory is its own): the whole read,
from the file to checked, typed ``Event`` objects in a ``Timeline``. Prints, per format and size, the
best wall-clock and CPU time of ``--repeat`` runs, the process's peak resident memory (its own high-water mark) and how
much the read added to it, and the log-log slope of time against size between consecutive sizes (1 is
linear). Targets for 100,000 events: YAML 2 s, CSV and Parquet 0.5 s, memory 300 MiB. It asserts
nothing.

    .venv/bin/python bench/bench_read.py [--sizes 10,100,1000,10000,100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
FORMATS = ("yaml", "csv", "parquet")


def child(path: str) -> None:
    """Read one timeline and print the figures as JSON (runs in its own process)."""
    from foedus.parse.located_yaml import C_PARSER
    from foedus.parse.timeline import read_timeline

    if path.endswith(".parquet"):
        import pyarrow.parquet  # noqa: F401 - imported before the baseline, as a long-running process has it

    base = _status_kib("VmRSS")
    wall, cpu = time.perf_counter(), time.process_time()
    timeline = read_timeline(path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = _status_kib("VmHWM")  # this process's own high-water mark (getrusage's is inherited at fork)
    print(json.dumps({"events": len(timeline.events), "wall": wall, "cpu": cpu, "peak_kib": peak,
                      "added_kib": peak - base, "c_parser": C_PARSER}))


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: the best available


def reference_loop() -> float:
    """CPU seconds of a fixed pure-Python loop: how fast this machine is right now (shared machines vary)."""
    start = time.process_time()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.process_time() - start


def measure(path: Path, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--child", str(path)], check=True, capture_output=True,
                             text=True).stdout
        runs.append(json.loads(out))
    return {"events": runs[0]["events"], "wall": min(r["wall"] for r in runs), "cpu": min(r["cpu"] for r in runs),
            "peak_mib": max(r["peak_kib"] for r in runs) / 1024, "added_mib": max(r["added_kib"] for r in runs) / 1024,
            "c_parser": runs[0]["c_parser"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    sys.path.insert(0, str(HERE))
    from gen_timeline import generate, write_csv, write_parquet, write_yaml

    print(f"reference: a 5-million-step Python loop takes {reference_loop():.3f} s of CPU here now "
          "(about 0.2 s on an idle modern core)")
    sizes = [int(s) for s in args.sizes.split(",")]
    formats = args.formats.split(",")
    writers = {"yaml": write_yaml, "csv": write_csv, "parquet": write_parquet}
    results: dict[str, list[tuple[int, dict[str, float]]]] = {f: [] for f in formats}
    with tempfile.TemporaryDirectory(prefix="foedus-bench-read-") as tmp:
        for n in sizes:
            events = generate(n, seed=1)
            for fmt in formats:
                path = Path(tmp) / f"t{n}.{fmt}"
                writers[fmt](events, path)
                size_mib = path.stat().st_size / 2**20
                r = measure(path, args.repeat)
                results[fmt].append((n, r))
                print(f"{fmt:8} {n:>7,} events  {size_mib:7.2f} MiB file  wall {r['wall']:7.3f} s  "
                      f"cpu {r['cpu']:7.3f} s  peak {r['peak_mib']:6.1f} MiB (read added {r['added_mib']:6.1f} MiB)"
                      + ("" if fmt != "yaml" else f"  [{'libyaml' if r['c_parser'] else 'pure-Python'} parser]"),
                      flush=True)
    print("\nlog-log slope of CPU time against size (1.0 = linear):")
    for fmt, rows in results.items():
        slopes = []
        for (n1, a), (n2, b) in pairwise(rows):
            if a["cpu"] > 0 and b["cpu"] > 0:
                slopes.append(f"{n1:,}→{n2:,}: {math.log(b['cpu'] / a['cpu']) / math.log(n2 / n1):.2f}")
        print(f"  {fmt:8} " + "  ".join(slopes))


if __name__ == "__main__":
    main()
