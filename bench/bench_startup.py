"""Start-up benchmark: wall time of trivial `foedus` commands, each against `python -c pass` in the same run.

Run from the project root:

    .venv/bin/python bench/bench_startup.py [--runs 15] [--no-compile]

Each command runs as a subprocess ``--runs`` times, interleaved with the others so that a busy moment of
the machine hits them all alike; the table gives the median and the minimum wall time, and the median
less the median of ``python -c pass`` (what foedus itself costs). Target: each command <= 250 ms.

Python writes no bytecode cache when ``PYTHONDONTWRITEBYTECODE`` is set (as in some containers), and
then recompiles every foedus module on every start. An installed package has its bytecode compiled at
install time, so the script first compiles foedus's bytecode (``compileall``) unless ``--no-compile``
is given; it says which case it measured. It also points the lark cache at a fresh folder and
measures the first run (tables built and written) apart from the later runs (tables read). The
"floor" row imports only typer and the treaty model's pydantic classes, which every command on a
treaty needs: no such command can start faster than that.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREATY = "treaties/sino_soviet_1950.md"
TIMELINE = "timelines/sino_soviet_1950_1980.yaml"
COMMANDS: list[tuple[str, list[str]]] = [
    ("python -c pass", [sys.executable, "-c", "pass"]),
    # What any command on a treaty cannot do without: the CLI library and the treaty model's classes.
    ("floor: import typer + model", [sys.executable, "-c", "import typer, foedus.model.treaty"]),
    ("foedus --help", [sys.executable, "-m", "foedus.cli", "--help"]),
    ("foedus readings", [sys.executable, "-m", "foedus.cli", "readings", TREATY]),
    ("foedus status", [sys.executable, "-m", "foedus.cli", "status", TREATY, "--events", TIMELINE,
                       "--on", "1979-06-01"]),
]
HEAVY = ("pandas", "duckdb", "pyarrow", "country_converter", "numpy")


def wall(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.strip()}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def heavy_modules(args: list[str], env: dict[str, str]) -> list[str]:
    """The heavy libraries a command leaves loaded (it should load none of them)."""
    probe = ("import runpy, sys\nsys.argv = ['foedus', *sys.argv[1:]]\ntry:\n"
             "    runpy.run_module('foedus.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    return [m for m in done.stderr.strip().splitlines()[-1].split(",") if m] if done.stderr.strip() else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (interleaved)")
    parser.add_argument("--no-compile", action="store_true", help="measure without compiling foedus's bytecode")
    args = parser.parse_args(argv)
    if not args.no_compile:
        compileall.compile_dir(str(ROOT / "foedus"), quiet=1)
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, FOEDUS_CACHE_DIR=cache)
        first = wall(COMMANDS[-1][1], env)[0]  # builds and writes the lark tables
        times: dict[str, list[float]] = {name: [] for name, _ in COMMANDS}
        cpu: dict[str, list[float]] = {name: [] for name, _ in COMMANDS}
        for _ in range(max(3, args.runs)):
            for name, cmd in COMMANDS:
                seconds, used = wall(cmd, env)
                times[name].append(seconds)
                cpu[name].append(used)
        heavy = {name: heavy_modules(cmd[3:], env) for name, cmd in COMMANDS if name.startswith("foedus")}
    base = statistics.median(times["python -c pass"])
    bytecode = "foedus bytecode compiled" if not args.no_compile else "foedus bytecode as found"
    print(f"start-up, {max(3, args.runs)} runs each, interleaved; {bytecode}; "
          f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} cores: wall times grow with the load, CPU times less")
    header = ("command", "median", "min", "median - python", "CPU median", "target", "heavy modules loaded")
    rows = []
    for name, _ in COMMANDS:
        values = times[name]
        med = statistics.median(values)
        command = name.startswith("foedus")
        rows.append((name, f"{med * 1000:.0f} ms", f"{min(values) * 1000:.0f} ms",
                     "" if name == "python -c pass" else f"{(med - base) * 1000:.0f} ms",
                     f"{statistics.median(cpu[name]) * 1000:.0f} ms",
                     "<= 250 ms" if command else "", (", ".join(heavy[name]) or "none") if command else ""))
    rows.append(("foedus status, first run", f"{first * 1000:.0f} ms", "", "", "", "",
                 "lark tables built and cached"))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
