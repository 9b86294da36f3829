"""The long fuzz run: at least 10,000 mutated inputs (treaty files, timelines in YAML and CSV, scenarios,
ATOP files, explorer requests), each run as a user would run it; prints how many it tried, of which
kinds and mutations, the slowest, the peak memory, and every failure (a crash, a hang, a traceback, an
exit code other than 0 or 2, more than one error line, an explorer 500, a certainly invalid input
accepted). The mutations and checks are those of tests/fuzz/fuzzing.py (the test suite runs a short,
deterministic sample).

    .venv/bin/python bench/fuzz.py [--n 10000] [--seed 1] [--time-limit 60]

Exit code 1 when any input failed. Each failure is printed with the seed that reproduces it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))

from fuzzing import KINDS, make_case, run_case  # noqa: E402

# Share of each kind in the run (explorer requests and timelines are the cheapest to try).
WEIGHTS = {"treaty": 3, "timeline": 3, "timeline_csv": 2, "scenario": 1, "atop": 2, "request": 3}


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds one input may take")
    parser.add_argument("--case", type=int, help="run only case number CASE of the run with --seed (to reproduce)")
    args = parser.parse_args()
    kinds = [k for k in KINDS for _ in range(WEIGHTS[k])]
    tried: Counter[str] = Counter()
    by_mutation: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    invalid = invalid_refused = 0
    failures = []
    slowest: list[tuple[float, str]] = []
    start = time.perf_counter()
    numbers = [args.case] if args.case is not None else range(args.n)
    for i in numbers:
        rnd = random.Random(f"{args.seed}/{i}")
        case = make_case(rnd.choice(kinds), rnd)
        outcome = run_case(case, args.time_limit)
        tried[case.kind] += 1
        by_mutation[f"{case.kind}/{case.mutation}"] += 1
        if outcome.code not in (0, 200):
            refused[case.kind] += 1
        if case.must_fail:
            invalid += 1
            invalid_refused += outcome.code not in (0, 200)
        slowest = sorted([*slowest, (outcome.seconds, f"{case.kind}/{case.mutation} (case {i})")], reverse=True)[:5]
        if not outcome.ok:
            failures.append((i, outcome))
            print(f"FAIL case {i} (--seed {args.seed} --case {i}): {case.kind}/{case.mutation} from {case.seed}: "
                  f"{'; '.join(outcome.problems)} | {outcome.output[:200]!r}", flush=True)
        if (i + 1) % 1000 == 0:
            print(f"... {i + 1:,} inputs, {len(failures)} failures, {time.perf_counter() - start:,.0f} s", flush=True)
    total = sum(tried.values())
    print(f"\ntried {total:,} inputs in {time.perf_counter() - start:,.0f} s; peak memory {_peak_mib():,.0f} MiB")
    for kind in KINDS:
        if tried[kind]:
            print(f"  {kind:13} {tried[kind]:6,} inputs, {refused[kind]:6,} refused with an error, "
                  f"{tried[kind] - refused[kind]:6,} accepted")
    print(f"  made certainly invalid by their mutation: {invalid:,}, of which refused: {invalid_refused:,}")
    print("by mutation:")
    for name, count in sorted(by_mutation.items()):
        print(f"  {name:36} {count:6,}")
    print("slowest: " + "; ".join(f"{what} {seconds:.2f} s" for seconds, what in slowest))
    print(f"failures: {len(failures)}")
    for i, outcome in failures:
        print(f"  case {i}: {outcome.case.kind}/{outcome.case.mutation}: {'; '.join(outcome.problems)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
