"""Benchmark of the world queries, the store and the dyad-year table on ATOP v5.0 (765 alliances).

Run from the project root:

    .venv/bin/python bench/bench_world.py [--queries 400] [--seed 7] [--repeat 3] [--commands 5]

It prints one table: the ATOP import, the store import, the point queries ("allies of X on D" and
"who must assist whom if A attacks B on D", median and p99 over random queries), the whole directed
dyad-year table computed by ``foedus.world.dyads.dyad_years`` and by the two baselines a researcher
would write over the same models (a plain Python loop over member pairs and years; hand-written SQL in
DuckDB), each checked equal to foedus's table, with both ratios; and the wall time of the command line
asking one question with the alliances read from a store (``--store``) and re-imported from the ATOP
file (``--atop``). Targets: import <= 2 s, point queries <= 5 ms, dyad-year table <= 3 s.

The data is read from ``../shared/data`` beside the project (never copied into it). The models come
from ``foedus.importers.atop.import_atop`` when that module is there, else from a small stand-in
builder in this file (alliance-level file only; obligations of every member toward every other).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from foedus.model.treaty import Treaty
from foedus.world.dyads import DYAD_COLUMNS, DYAD_DTYPES, FIRST_YEAR, dyad_years, in_force_interval

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
ALLIANCES = SHARED / "atop" / "atop5_0_alliance_level.csv"
MEMBERS = SHARED / "atop" / "atop4_01_member_level.csv"
STATES = SHARED / "states" / "states2016.csv"

_COLUMN_CATEGORY = {"defense": "defence", "offense": "offence", "neutral": "neutrality",
                    "nonagg": "non_aggression", "consul": "consultation"}


# --- the models ------------------------------------------------------------------------------------


def stand_in_atop_models(alliance_csv: Path) -> list[Treaty]:
    """ATOP alliances as models, for when ``foedus.importers.atop`` is not there: each alliance in force
    from its begin date to its end date, every listed member a party throughout, and a norm binding
    each party toward the others for each obligation coded 1."""
    from foedus.importers.atop_csv import read_alliances

    models = []
    for alliance in read_alliances(alliance_csv):
        members = list(dict.fromkeys(alliance.members))
        if len(members) < 2:
            continue
        end = alliance.end.earliest() if alliance.end is not None else None
        norms = [
            {"id": column, "kind": "prohibition" if column == "nonagg" else "obligation",
             "category": category, "summary": f"ATOP {column} = 1", "bearer": "each party",
             "counterparty": "the other parties"}
            for column, category in _COLUMN_CATEGORY.items() if alliance.provisions.get(column) == 1
        ]  # fmt: skip
        models.append(Treaty.model_validate({
            "id": f"atop-{alliance.atopid}",
            "title": f"ATOP alliance {alliance.atopid}",
            "source": {"dataset": "ATOP", "dataset_id": str(alliance.atopid), "dataset_version": alliance.version,
                       "verbatim": False},
            "parties": [{"id": f"c{code}", "name": f"COW {code}", "cow": code} for code in members],
            "lifecycle": {"entry_into_force": "fixed_date", "entry_into_force_on": alliance.begin.earliest(),
                          "ended_on": end if end is None or end > alliance.begin.earliest()
                          else alliance.begin.earliest() + timedelta(days=1)},
            "norms": norms,
        }))  # fmt: skip
    return models


def load_atop_models() -> tuple[list[Treaty], str]:
    """The ATOP v5.0 models and how they were made."""
    try:
        from foedus.importers.atop import import_atop  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return stand_in_atop_models(ALLIANCES), "stand-in builder (foedus.importers.atop not found)"
    result = import_atop(ALLIANCES, MEMBERS if MEMBERS.is_file() else None, STATES if STATES.is_file() else None)
    return list(result.models), "foedus.importers.atop.import_atop"


# --- the baselines -----------------------------------------------------------------------------------


_COLUMNS = tuple(_COLUMN_CATEGORY)  # defense, offense, neutral, nonagg, consul


Member = tuple[str, str, int, date, date]
NormRow = tuple[str, str, str, str, date, date]


def baseline_inputs(models: Sequence[Treaty], last_year: int | None = None) -> tuple[list[Member], list[NormRow], int]:
    """What both baselines start from, written as a researcher would read the models: member spells
    ``(treaty, party, COW code, joined, left)`` with an open end at 1 January after ``last_year``,
    binding norms ``(treaty, column, bearer, counterparty, from, until)`` with ``*`` for "any member"
    and the dates of the instruments (ATOP phases) that bring and end them, and the last year. The
    same rules as ``dyad_years`` (treaty dates from ``in_force_interval``)."""
    members: list[tuple[str, str, int, date, date | None]] = []
    norms: list[tuple[str, str, str, str, date | None, date | None]] = []
    latest = None
    for model in models:
        lc = model.lifecycle
        dates = [lc.entry_into_force_on, lc.ended_on, model.signed.date if model.signed else None]
        dates += [d for p in model.parties for s in p.recorded_spells() for d in (s.joined, s.left)]
        for d in dates:
            if d is not None and (latest is None or d.year > latest):
                latest = d.year
        interval = in_force_interval(model)
        if isinstance(interval, str):
            continue
        start, end = interval
        if end is not None and (latest is None or end.year > latest):
            latest = end.year
        for party in model.parties:
            if party.cow is None:
                continue
            for spell in party.recorded_spells() or [None]:
                joined = max(start, spell.joined) if spell is not None and spell.joined else start
                left = spell.left if spell is not None else None
                left = left if left and (end is None or left < end) else end
                if left is not None and left <= joined:
                    continue
                members.append((model.id, party.id, party.cow, joined, left))
        removed: set[str] = set()
        if any(n.applies_when for n in model.norms):
            from foedus.compile import compile_treaty

            removed = {cn.norm.id for cn in compile_treaty(model).norms if not cn.exists}
        ids = {p.id for p in model.parties}
        columns = {v: k for k, v in _COLUMN_CATEGORY.items()}
        in_force = {i.id: i.in_force_on for i in model.instruments if i.in_force_on is not None}
        for norm in model.norms:
            column = columns.get(norm.category)
            if norm.kind not in ("obligation", "prohibition") or norm.id in removed or column is None:
                continue
            if norm.introduced_by is not None and norm.introduced_by not in in_force:
                continue
            valid_from = in_force.get(norm.introduced_by) if norm.introduced_by else None
            ends = [in_force[i] for i in norm.ended_by if i in in_force]
            valid_until = min(ends) if ends else None
            norms.append((model.id, column, norm.bearer.strip() if norm.bearer.strip() in ids else "*",
                          norm.counterparty.strip() if norm.counterparty.strip() in ids else "*",
                          valid_from, valid_until))
    if last_year is None:
        last_year = latest if latest is not None else FIRST_YEAR
    cap = date(last_year + 1, 1, 1)
    return ([(t, p, c, j, left or cap) for t, p, c, j, left in members],
            [(t, c, b, cp, f or date.min, u or cap) for t, c, b, cp, f, u in norms], last_year)


def _frame(rows: list[tuple[int, ...]]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=list(DYAD_COLUMNS))
    return table.sort_values(["stateA", "stateB", "year"]).reset_index(drop=True).astype(DYAD_DTYPES)


def loop_dyad_years(models: Sequence[Treaty], *, first_year: int = FIRST_YEAR,
                    last_year: int | None = None) -> pd.DataFrame:
    """Baseline (a): the table with plain Python loops, over each treaty's member pairs and their years."""
    members, norms, last_year = baseline_inputs(models, last_year)
    by_treaty: dict[str, list[tuple[str, int, date, date]]] = {}
    for treaty, party, state, joined, left in members:
        by_treaty.setdefault(treaty, []).append((party, state, joined, left))
    norms_of: dict[str, list[tuple[int, str, str, date, date]]] = {}
    for treaty, column, bearer, counterparty, valid_from, valid_until in norms:
        norms_of.setdefault(treaty, []).append((_COLUMNS.index(column), bearer, counterparty, valid_from, valid_until))

    def years(lo: date, hi: date) -> range:
        return range(max(lo.year, first_year), min((hi - timedelta(days=1)).year, last_year) + 1)

    flags: dict[tuple[int, int, int], list[int]] = {}
    for treaty, spells in by_treaty.items():
        for party_a, a, joined_a, left_a in spells:
            for party_b, b, joined_b, left_b in spells:
                if a == b:
                    continue
                lo, hi = max(joined_a, joined_b), min(left_a, left_b)
                if lo >= hi:
                    continue
                for year in years(lo, hi):
                    flags.setdefault((a, b, year), [0] * len(_COLUMNS))
                for column, bearer, counterparty, valid_from, valid_until in norms_of.get(treaty, ()):
                    if bearer in ("*", party_a) and counterparty in ("*", party_b):
                        start, stop = max(lo, valid_from), min(hi, valid_until)
                        if start < stop:
                            for year in years(start, stop):
                                flags[(a, b, year)][column] = 1
    return _frame([(a, b, year, 1, *values) for (a, b, year), values in flags.items()])


def sql_dyad_years(models: Sequence[Treaty], *, first_year: int = FIRST_YEAR,
                   last_year: int | None = None) -> pd.DataFrame:
    """Baseline (b): the same inputs in DuckDB, and the table in one hand-written SQL query."""
    import duckdb
    import pyarrow as pa

    members, norms, last_year = baseline_inputs(models, last_year)
    con = duckdb.connect()
    try:
        # The inputs handed to DuckDB as Arrow tables (row-by-row inserts would be slower than the query).
        con.register("members", pa.table({name: pa.array([m[i] for m in members], kind) for i, (name, kind) in
                                          enumerate((("treaty", pa.string()), ("party", pa.string()),
                                                     ("state", pa.int32()), ("joined", pa.date32()),
                                                     ("leaves", pa.date32())))}))
        con.register("norms", pa.table({name: pa.array([n[i] for n in norms], kind) for i, (name, kind) in
                                        enumerate((("treaty", pa.string()), ("col", pa.string()),
                                                   ("bearer", pa.string()), ("cp", pa.string()),
                                                   ("valid_from", pa.date32()), ("valid_until", pa.date32())))}))
        flags = ", ".join(f"max(case when col = '{c}' then 1 else 0 end) as {c}" for c in _COLUMNS)
        rows = con.execute(f"""
            with pairs as (
                select a.treaty, a.party as pa, b.party as pb, a.state as a, b.state as b,
                       greatest(a.joined, b.joined) as lo, least(a.leaves, b.leaves) as hi
                from members a join members b on a.treaty = b.treaty and a.state <> b.state
                where greatest(a.joined, b.joined) < least(a.leaves, b.leaves)
            ), spans as (  -- the pair's own span (no column), and each norm binding it while in effect
                select a, b, lo, hi, null as col from pairs
                union all
                select p.a, p.b, greatest(p.lo, n.valid_from), least(p.hi, n.valid_until), n.col
                from pairs p join norms n
                  on n.treaty = p.treaty and n.bearer in ('*', p.pa) and n.cp in ('*', p.pb)
                where greatest(p.lo, n.valid_from) < least(p.hi, n.valid_until)
            ), years as (
                select a, b, col,
                       unnest(range(greatest(year(lo), {first_year}), least(year(hi - 1), {last_year}) + 1)) as year
                from spans
            )
            select a, b, year, 1, {flags}
            from years group by a, b, year order by a, b, year""").fetchall()
    finally:
        con.close()
    return _frame(rows)


def same_table(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two dyad-year tables hold the same rows (same columns and types, after sorting)."""
    keys = ["stateA", "stateB", "year"]
    left = a[list(DYAD_COLUMNS)].astype(DYAD_DTYPES).sort_values(keys).reset_index(drop=True)
    right = b[list(DYAD_COLUMNS)].astype(DYAD_DTYPES).sort_values(keys).reset_index(drop=True)
    return bool(left.equals(right))


def command_seconds(args: list[str], runs: int) -> float:
    """The median wall time of ``foedus ARGS`` in a fresh process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "foedus.cli", *args], cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"foedus {' '.join(args)} failed: {done.stderr.strip()}")
    return statistics.median(times)


# --- timing ----------------------------------------------------------------------------------------


def timed(call: Callable[[], Any], repeat: int = 1) -> tuple[Any, float]:
    """The result of ``call`` and its best time in seconds over ``repeat`` runs."""
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    return result, best


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--queries", type=int, default=400, help="random point queries of each kind (>= 200)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the dyad-year table (best is kept)")
    parser.add_argument("--commands", type=int, default=5, help="runs of each command-line question (0: none)")
    args = parser.parse_args(argv)
    if not ALLIANCES.is_file():
        print(f"needs {ALLIANCES} (the shared data folder is absent)", file=sys.stderr)
        return 2

    from foedus.store import Store
    from foedus.world.queries import WorldIndex

    rows: list[tuple[str, str, str, str]] = []
    (models, how), t_import = timed(load_atop_models)
    rows.append(("ATOP v5.0 import", f"{t_import * 1000:.0f} ms", "<= 2000 ms",
                 f"{len(models)} models; {how}"))

    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "bench.duckdb") as store:
        counts, t_store = timed(lambda: store.import_models(models, source="atop", version="5.0"))
        _, t_again = timed(lambda: store.import_models(models, source="atop", version="5.0"))
    rows.append(("store import", f"{t_store * 1000:.0f} ms", "",
                 f"{counts['treaties']} treaties, {counts['memberships']} memberships, {counts['norms']} norms;"
                 f" again (replace): {t_again * 1000:.0f} ms"))

    index, t_index = timed(lambda: WorldIndex(models))
    rows.append(("query index build", f"{t_index * 1000:.0f} ms", "", "once per model list"))

    rng = random.Random(args.seed)
    states = sorted({m.state for m in index.flat.memberships})
    first, last = date(1816, 1, 1).toordinal(), date(2018, 12, 31).toordinal()
    n = max(200, args.queries)

    def random_day() -> date:
        return date.fromordinal(rng.randint(first, last))

    ally_times: list[float] = []
    ally_rows = 0
    for _ in range(n):
        state, day = rng.choice(states), random_day()
        start = time.perf_counter()
        frame = index.allies(state, day)
        ally_times.append(time.perf_counter() - start)
        ally_rows += len(frame)
    rows.append(("allies of X on D", f"median {statistics.median(ally_times) * 1000:.2f} ms",
                 "<= 5 ms", f"p99 {percentile(ally_times, 0.99) * 1000:.2f} ms over {n} queries; "
                 f"{ally_rows / n:.1f} rows each on average"))

    # who must assist: half the attacks hit a state that has allies on that day, so the cascade works
    assist_times: list[float] = []
    frame_times: list[float] = []
    edges = 0
    for i in range(n):
        day = random_day()
        if i % 2 == 0:
            members = sorted({m.state for m in index.flat.memberships
                              if m.start <= day and (m.end is None or day < m.end)})
            target = rng.choice(members) if members else rng.choice(states)
        else:
            target = rng.choice(states)
        attacker = rng.choice([s for s in states if s != target])
        start = time.perf_counter()
        graph = index.who_must_assist(attacker, target, day)
        assist_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        edges += len(graph.to_frame())
        frame_times.append(time.perf_counter() - start)
    rows.append(("who must assist (A attacks B on D)", f"median {statistics.median(assist_times) * 1000:.2f} ms",
                 "<= 5 ms", f"p99 {percentile(assist_times, 0.99) * 1000:.2f} ms over {n} queries; "
                 f"{edges / n:.1f} edges each on average"))
    rows.append(("  ... graph.to_frame()", f"median {statistics.median(frame_times) * 1000:.2f} ms", "",
                 f"p99 {percentile(frame_times, 0.99) * 1000:.2f} ms (the DataFrame of the edges)"))

    ours, t_ours = timed(lambda: dyad_years(models), args.repeat)
    loop, t_loop = timed(lambda: loop_dyad_years(models), 1)
    sql, t_sql = timed(lambda: sql_dyad_years(models), args.repeat)
    equal = same_table(ours, loop) and same_table(ours, sql)
    rows.append(("dyad-year table (foedus)", f"{t_ours * 1000:.0f} ms", "<= 3000 ms",
                 f"{len(ours)} rows, years {ours['year'].min()}-{ours['year'].max()}"))
    rows.append(("  (a) plain Python loop", f"{t_loop * 1000:.0f} ms", "",
                 f"{t_loop / t_ours:.1f}x foedus's time; same table: {'yes' if same_table(ours, loop) else 'NO'}"))
    rows.append(("  (b) hand-written SQL in DuckDB", f"{t_sql * 1000:.0f} ms", "",
                 f"{t_sql / t_ours:.1f}x foedus's time; same table: {'yes' if same_table(ours, sql) else 'NO'}"))

    if args.commands > 0:
        files = ["-t", "treaties/sino_soviet_1950.md", "-t", "treaties/us_japan_1951.md", "-t",
                 "treaties/us_japan_1960.md", "-e", "timelines/sino_soviet_1950_1980.yaml", "--states", str(STATES)]
        question = ["world", "allies", "CHN", "--on", "1960-01-01", *files, "--json"]
        assist = ["world", "assist", "USA", "CHN", "--on", "1953-06-01", *files, "--json"]
        with tempfile.TemporaryDirectory() as folder:
            store = str(Path(folder) / "world.duckdb")
            subprocess.run([sys.executable, "-m", "foedus.cli", "atop", "import", str(ALLIANCES), "--states",
                            str(STATES), "--store", store, "--json"], cwd=ROOT, capture_output=True, check=True)
            for name, words in (("allies", question), ("assist", assist)):
                t_store = command_seconds([*words, "--store", store], args.commands)
                t_csv = command_seconds([*words, "--atop", str(ALLIANCES)], args.commands)
                rows.append((f"`foedus world {name}` from the store", f"{t_store * 1000:.0f} ms", "",
                             f"median wall time of {args.commands} runs, start-up included"))
                rows.append((f"`foedus world {name}` re-importing ATOP", f"{t_csv * 1000:.0f} ms", "",
                             f"{t_csv / t_store:.1f}x the store's time"))

    widths = [max(len(r[i]) for r in [("measure", "value", "target", "notes"), *rows]) for i in range(4)]
    header = ("measure", "value", "target", "notes")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
