"""Benchmark: the 1950 treaty's Art. I and Art. VI answered by foedus and by an ASP encoding run with
clingo (bench/clingo/), on the same timelines and dates, checked equal.

    .venv/bin/pip install -r requirements-bench.lock      # clingo, a benchmark-only dependency
    .venv/bin/python bench/bench_clingo.py [--sizes 10,100,1000,10000] [--questions 60] [-r READING]

For the seed timeline (timelines/sino_soviet_1950_1980.yaml) and synthetic timelines of each size
(bench/gen_timeline.py with its Art. I events: attacks, alliances with Japan, assistance, a notice),
each question is "as of D: is the treaty in force, when does it expire, what is the notice deadline,
which Art. I duties exist and in what state, which attacks leave the trigger undetermined", asked
- of foedus, evaluating from scratch (the compiled treaty and the bound timeline reused);
- of clingo, the program grounded for each question (the date a fact);
- of clingo, the program grounded once for all the dates (each an external atom), then solved per
  date by setting the externals, and again by passing them as assumptions.
The dates: for the seed, the days Art. VI turns on and random days; for synthetic timelines, random
days and days just after attacks (so that open duties are asked about). Every answer is compared with
foedus's; a disagreement is printed in full. Times are per question (median and 99th percentile),
grounding apart from solving; nothing is asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

try:
    import clingo  # noqa: F401
except ImportError:
    print("clingo is not installed: .venv/bin/pip install -r requirements-bench.lock (or pip install -e '.[bench]')",
          file=sys.stderr)
    sys.exit(2)

from gen_timeline import generate, write_yaml

from foedus.compile import CompiledTreaty, compile_treaty
from foedus.evaluate import bind_timeline, evaluate
from foedus.evaluate.run import timeline_facts
from foedus.model.events import Timeline
from foedus.model.load import load_treaty
from foedus.parse.timeline import read_timeline

ROOT = Path(__file__).resolve().parents[1]
TREATY = ROOT / "treaties" / "sino_soviet_1950.md"
SEED = ROOT / "timelines" / "sino_soviet_1950_1980.yaml"


def load_bridge() -> ModuleType:
    """bench/clingo/asp_bridge.py (bench/clingo is a folder of the encoding, not a package)."""
    spec = importlib.util.spec_from_file_location("asp_bridge", ROOT / "bench" / "clingo" / "asp_bridge.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("asp_bridge", module)
    spec.loader.exec_module(module)
    return module


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def seed_dates(n: int, rng: random.Random) -> list[date]:
    """The days Art. VI turns on (entry into force, the notice, its deadline, the expiry), and random days."""
    key = [date(1950, 4, 10), date(1950, 4, 11), date(1979, 4, 3), date(1979, 4, 11), date(1979, 4, 12),
           date(1980, 4, 10), date(1980, 4, 11), date(1985, 4, 11)]
    rest = [date(1949, 1, 1) + timedelta(days=rng.randrange(45 * 365)) for _ in range(max(n - len(key), 0))]
    return sorted(set(key + rest))


def synthetic_dates(timeline: Timeline, n: int, rng: random.Random) -> list[date]:
    """Half days just after an attack (0 to 9 days; as many as there are), the rest random days."""
    attacks = sorted({e.date for e in timeline.events if e.type == "armed_attack"})
    after = [d + timedelta(days=k) for d in attacks for k in range(10)]
    out = set(rng.sample(after, min(n // 2, len(after))))
    while len(out) < n:
        out.add(date(1949, 1, 1) + timedelta(days=rng.randrange(102 * 365)))
    return sorted(out)


@dataclass
class Row:
    name: str
    events: int
    facts: int
    facts_s: float
    dates: int
    foedus: list[float] = field(default_factory=list)
    ground: list[float] = field(default_factory=list)  # clingo, grounded per question: parse and ground
    solve: list[float] = field(default_factory=list)  # ... and solve
    prepare: float = 0.0  # clingo, grounded once for all the dates
    externals: list[float] = field(default_factory=list)  # ... solved per date, externals set
    assumptions: list[float] = field(default_factory=list)  # ... solved per date, assumptions
    disagreements: list[str] = field(default_factory=list)
    duties: dict[str, int] = field(default_factory=dict)
    undetermined: int = 0  # attacks whose trigger the record leaves undetermined, summed over the answers


def run(name: str, ct: CompiledTreaty, timeline: Timeline, days: list[date], asp: ModuleType) -> Row:
    timeline_facts(timeline)  # the relations foedus derives once per timeline (cached on it)
    facts = asp.timeline_facts(ct, timeline)
    row = Row(name, len(timeline.events), facts.count, facts.seconds, len(days))
    answers = {}
    for d in days:
        t0 = time.perf_counter()
        answers[d] = asp.foedus_answer(evaluate(ct, timeline, d))
        row.foedus.append(time.perf_counter() - t0)
    one = asp.OneShot(facts)
    prepared = asp.Prepared(facts, days)
    row.prepare = prepared.ground_seconds
    for way in ("grounded per question", "grounded once, externals", "grounded once, assumptions"):
        for d in days:
            if way == "grounded per question":
                got, ground, solve = one.ask(d)
                row.ground.append(ground)
                row.solve.append(solve)
            else:
                mode = way.rpartition(" ")[2]
                got, solve = prepared.ask(d, mode)
                (row.externals if mode == "externals" else row.assumptions).append(solve)
            for line in answers[d].differences(got):
                row.disagreements.append(f"{name}, as of {d} ({way}): foedus / clingo: {line}")
    for a in answers.values():
        row.undetermined += len(a.undetermined)
        for duty in a.duties:
            row.duties[duty.state] = row.duties.get(duty.state, 0) + 1
    print(f"{name}: done", file=sys.stderr, flush=True)
    return row


def _ms(xs: list[float]) -> str:
    return f"{statistics.median(xs) * 1e3:8.2f} {pct(xs, 99) * 1e3:8.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000", help="synthetic timeline sizes, comma-separated")
    parser.add_argument("--questions", type=int, default=60, help="dates asked per timeline")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-r", "--reading", action="append", help="a reading, as foedus --reading takes it")
    args = parser.parse_args()
    asp = load_bridge()
    treaty, smap = load_treaty(str(TREATY))
    ct = compile_treaty(treaty, args.reading, smap=smap)
    rng = random.Random(args.seed)
    rows = []
    seed_timeline = bind_timeline(ct, read_timeline(SEED))
    rows.append(run("seed", ct, seed_timeline, seed_dates(args.questions, rng), asp))
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",") if s.strip()):
            path = write_yaml(generate(n, args.seed, art1=True), Path(tmp) / f"art1-{n}.yaml")
            timeline = bind_timeline(ct, read_timeline(path))
            rows.append(run(f"{n} events", ct, timeline, synthetic_dates(timeline, args.questions, rng), asp))

    print(f"reading: {ct.reading.name}; ms per question, median and p99; ×: clingo's median over foedus's")
    print(f"{'timeline':>12} {'facts':>6} {'dates':>5} | {'foedus':>17} | {'clingo, grounded per question':^47} | "
          f"{'clingo, grounded once, solved per date':^55}")
    print(f"{'':>12} {'':>6} {'':>5} | {'':>17} | {'ground':>17} {'solve':>17} {'':>11} | "
          f"{'ground':>9} {'solve (externals)':>22} {'solve (assumptions)':>22}")
    for r in rows:
        mf = statistics.median(r.foedus)
        total = statistics.median([g + s for g, s in zip(r.ground, r.solve, strict=True)])
        ext, assume = statistics.median(r.externals), statistics.median(r.assumptions)
        print(f"{r.name:>12} {r.facts:>6} {r.dates:>5} | {_ms(r.foedus)} | {_ms(r.ground)} {_ms(r.solve)} "
              f"{total / mf:9.1f}× | {r.prepare * 1e3:9.1f} {_ms(r.externals)} {ext / mf:4.2f}× "
              f"{_ms(r.assumptions)} {assume / mf:4.2f}×")
    print()
    for r in rows:
        duties = ", ".join(f"{k} {v}" for k, v in sorted(r.duties.items())) or "none"
        print(f"{r.name}: {r.events} events, {r.facts} facts written in {r.facts_s * 1e3:.1f} ms; "
              f"Art. I duties in foedus's answers: {duties}; undetermined triggers: {r.undetermined}")
        amortised = (r.prepare + sum(r.externals)) / r.dates
        print(f"{r.name}: grounded once and solved per date (externals), amortised over its {r.dates} dates: "
              f"{amortised * 1e3:.2f} ms per question, {amortised / statistics.mean(r.foedus):.2f}× foedus's mean")
    disagreements = [line for r in rows for line in r.disagreements]
    total = sum(3 * r.dates for r in rows)
    if disagreements:
        print(f"\nDISAGREEMENTS: {len(disagreements)} lines over {total} answers")
        for line in disagreements:
            print(" ", line)
    else:
        print(f"\nfoedus and clingo agree on all {total} answers (every date, all three ways of asking clingo)")

if __name__ == "__main__":
    main()
