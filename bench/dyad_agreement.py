"""Agreement of foedus's directed dyad-year table with ATOP's own directed dyad-year file.

    python bench/dyad_agreement.py --ddyr atop5_0ddyr.csv [--by-alliance 15]

ATOP's directed dyad-year file is not among the shared datasets; give it as a CSV with the columns
``stateA, stateB, year`` (or ``ccode1, ccode2``) and ``defense, offense, neutral, nonagg, consul`` (or
``atop_defense`` …). The table is built from the shared ATOP alliance file (v5.0), the member file
(v4.01) and the COW states file, for the years the given file covers. Agreement is counted over the
union of directed dyad-years in either table (a row missing from one side counts as all zeros there):
per obligation, the share of rows where the two agree, and the share where all five agree. Rows that
differ are traced back to the alliances that bind the pair that year.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
OBLIGATIONS = ("defense", "offense", "neutral", "nonagg", "consul")


def read_ddyr(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path)
    frame = frame.rename(columns={"ccode1": "stateA", "ccode2": "stateB", "statea": "stateA", "stateb": "stateB",
                                  **{f"atop_{o}": o for o in OBLIGATIONS}})
    frame = frame[["stateA", "stateB", "year", *OBLIGATIONS]].astype("int64")
    return frame


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ddyr", type=Path, required=True, help="ATOP's directed dyad-year file, as CSV")
    parser.add_argument("--by-alliance", type=int, default=15, help="how many alliances to list by differences")
    args = parser.parse_args()
    from foedus.importers.atop import import_atop
    from foedus.world.dyads import duty_edges, dyad_years

    atop = read_ddyr(args.ddyr)
    first, last = int(atop.year.min()), int(atop.year.max())
    started = time.perf_counter()
    atop_dir = SHARED / "atop"
    imported = import_atop(atop_dir / "atop5_0_alliance_level.csv", atop_dir / "atop4_01_member_level.csv",
                           SHARED / "states" / "states2016.csv")
    ours = dyad_years(list(imported.models), first_year=first, last_year=last)
    built = time.perf_counter() - started
    ours = ours[["stateA", "stateB", "year", *OBLIGATIONS]].astype("int64")
    both = atop.merge(ours, on=["stateA", "stateB", "year"], how="outer", suffixes=("_atop", "_ours"),
                      indicator=True)
    side = both.pop("_merge").astype(str)
    both = both.fillna(0)
    both["_merge"] = side
    n = len(both)
    print(f"years {first}-{last}: ATOP {len(atop):,} rows, foedus {len(ours):,} rows, union {n:,} "
          f"(built in {built:.1f} s)")
    print(f"  rows in both: {(both._merge == 'both').sum():,}; only ATOP: {(both._merge == 'left_only').sum():,}; "
          f"only foedus: {(both._merge == 'right_only').sum():,}")
    same_all = pd.Series(True, index=both.index)
    for o in OBLIGATIONS:
        same = both[f"{o}_atop"] == both[f"{o}_ours"]
        same_all &= same
        ones = int((both[f"{o}_atop"] == 1).sum())
        print(f"  {o:8s} agree {same.mean():.4%}  (ATOP codes 1 in {ones:,} rows; foedus 1 where ATOP 0: "
              f"{int(((both[f'{o}_ours'] == 1) & (both[f'{o}_atop'] == 0)).sum()):,}, 0 where ATOP 1: "
              f"{int(((both[f'{o}_ours'] == 0) & (both[f'{o}_atop'] == 1)).sum()):,})")
    print(f"  all five agree {same_all.mean():.4%}")
    differ = both[~same_all]
    edges = duty_edges(list(imported.models))
    edges["y0"] = pd.to_datetime(edges.start).dt.year
    edges["y1"] = pd.to_datetime(edges["end"]).dt.year.fillna(9999)
    blame: Counter[str] = Counter()
    index = edges.groupby(["obligor", "beneficiary"])
    groups = {key: frame for key, frame in index}
    for row in differ.itertuples():
        frame = groups.get((row.stateA, row.stateB))
        treaties = set() if frame is None else set(frame[(frame.y0 <= row.year) & (frame.y1 >= row.year)].treaty)
        for t in treaties or {"(no foedus duty for the pair that year)"}:
            blame[t] += 1
    print(f"differing rows by alliance (the alliances binding the pair that year), top {args.by_alliance}:")
    for treaty, count in blame.most_common(args.by_alliance):
        print(f"  {treaty:40s} {count:6,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
