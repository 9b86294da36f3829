"""Benchmark of the core: load + compile of the 1950 treaty, status queries at random dates, the
full 1950–1980 run, what-ifs (the session's, and a request to the explorer).
Run: .venv/bin/python bench/bench_core.py  (prints a table; no assertions)."""

from __future__ import annotations

import json
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from foedus import api
from foedus.compile import compile_treaty
from foedus.evaluate import bind_timeline, evaluate
from foedus.model.load import load_treaty
from foedus.parse.located_yaml import SourceMap
from foedus.parse.timeline import events_from_tree, read_timeline
from foedus.report.json_report import status_dict
from foedus.serve import App

ROOT = Path(__file__).resolve().parents[1]
TREATY = ROOT / "treaties" / "sino_soviet_1950.md"
TIMELINE = ROOT / "timelines" / "sino_soviet_1950_1980.yaml"


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def main() -> None:
    def load_compile() -> None:
        treaty, smap = load_treaty(str(TREATY))
        compile_treaty(treaty, None, smap=smap)

    lc = timed(load_compile, 30)
    treaty, smap = load_treaty(str(TREATY))
    ct = compile_treaty(treaty, None, smap=smap)
    timeline = bind_timeline(ct, read_timeline(TIMELINE))
    session = api.Session(ct, timeline)
    session.prepare()

    rng = random.Random(1950)
    start = date(1949, 1, 1)
    days = [start + timedelta(days=rng.randrange(0, 45 * 365)) for _ in range(5000)]
    status_times = []
    for d in days:
        t0 = time.perf_counter()
        session.status_at(d)
        status_times.append(time.perf_counter() - t0)
    direct = []
    for d in days[:500]:
        t0 = time.perf_counter()
        status_dict(evaluate(ct, timeline, d))
        direct.append(time.perf_counter() - t0)
    full = timed(lambda: evaluate(ct, timeline, date(1980, 4, 11)), 200)

    # A what-if: an armed attack on a new day each time, so nothing is answered from a cache.
    attack_days = [date(1951, 1, 1) + timedelta(days=rng.randrange(0, 28 * 365)) for _ in range(200)]

    def attack(day: date) -> list[dict[str, object]]:
        return [{"date": day.isoformat(), "type": "armed_attack", "actors": ["JPN"], "targets": ["PRC"]},
                {"date": day.isoformat(), "type": "state_of_war", "actors": ["JPN"], "targets": ["PRC"]}]

    what_if = []
    for day in attack_days:
        named = [{**e, "id": f"what-if-{i}"} for i, e in enumerate(attack(day))]
        events, _ = events_from_tree({"events": named}, SourceMap("what-if"), "what-if", vocabulary=None)
        t0 = time.perf_counter()
        session.what_if(added=events).status_at(day + timedelta(days=30))
        what_if.append(time.perf_counter() - t0)
    app = App(ROOT / "treaties", ROOT / "timelines")
    base = {"treaty": TREATY.name, "timeline": TIMELINE.name, "reading": "default"}
    app.handle("POST", "/api/status", json.dumps(base).encode())  # the base session, loaded once
    request = []
    for day in attack_days:
        body = json.dumps({**base, "on": (day + timedelta(days=30)).isoformat(), "events": attack(day)}).encode()
        t0 = time.perf_counter()
        answer = app.handle("POST", "/api/status", body)
        request.append(time.perf_counter() - t0)
        assert answer.status == 200, answer.body

    rows = [
        ("load + compile of the seed treaty", statistics.median(lc), pct(lc, 99)),
        ("status query (prepared session), 5000 random dates", statistics.median(status_times), pct(status_times, 99)),
        ("status query (evaluate from scratch), 500 dates", statistics.median(direct), pct(direct, 99)),
        ("full 1950–1980 run (evaluate to 1980-04-11)", statistics.median(full), pct(full, 99)),
        ("what-if: session with an attack added, status 30 days on", statistics.median(what_if), pct(what_if, 99)),
        ("what-if request to the explorer (status, baseline, diff)", statistics.median(request), pct(request, 99)),
    ]
    print(f"{'what':58} {'median':>12} {'p99':>12}")
    for name, med, p99 in rows:
        print(f"{name:58} {med * 1e6:10.1f}µs {p99 * 1e6:10.1f}µs")


if __name__ == "__main__":
    main()
