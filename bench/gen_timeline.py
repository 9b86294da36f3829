"""Synthetic timelines of N events that the flagship model (treaties/sino_soviet_1950.md) accepts.

The 1950 treaty's own acts (signature, both ratifications, the exchange of instruments) and then
N - 4 world events between the parties: consultations, economic agreements, international steps and
armed clashes, dated from 1950 to 2049, each with a source. The same (n, seed) gives the same events.

    .venv/bin/python bench/gen_timeline.py 100000 --out /tmp/t      # t.yaml, t.csv, t.parquet

As a module (the evaluation benchmarks reuse it)::

    events = generate(n, seed)          # list of dicts in the timeline's YAML form
    write_yaml(events, path); write_csv(events, path); write_parquet(events, path)
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

TREATY = "sino-soviet-1950"
PARTIES = ("USSR", "PRC")
# Declared in a YAML timeline's `states:` (CSV and Parquet timelines have no such table, so the
# events name only the parties).
STATES = {"JPN": {"name": "Japan", "cow": 740, "iso3": "JPN"},
          "USA": {"name": "United States of America", "cow": 2, "iso3": "USA"}}
CORE = ("date", "type", "actors", "targets", "treaty", "source", "note")
_FIRST = date(1950, 10, 1)
_DAYS = (date(2049, 12, 31) - _FIRST).days
_SUBJECTS = ("Japan", "Korea", "Indochina", "Germany", "Austria", "disarmament", "the United Nations")


def _own_acts() -> list[dict[str, Any]]:
    return [
        {"date": "1950-02-14", "type": "signature", "actors": list(PARTIES), "treaty": TREATY,
         "source": "Treaty text, final clause"},
        {"date": "1950-04-11", "type": "ratification", "actors": ["USSR"], "treaty": TREATY,
         "source": "Ratification by the Presidium of the Supreme Soviet"},
        {"date": "1950-04-11", "type": "ratification", "actors": ["PRC"], "treaty": TREATY,
         "source": "Ratification by the Central People's Government Council"},
        {"date": "1950-09-30", "type": "exchange_of_instruments", "actors": list(PARTIES), "treaty": TREATY,
         "place": "Peking", "source": "Exchange of instruments, Peking"},
    ]


def generate(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """``n`` events (at least the treaty's four own acts) in the timeline's YAML form, in no date order."""
    rng = random.Random(seed)
    events = _own_acts()[: max(n, 0)]
    for i in range(max(n - len(events), 0)):
        day = (_FIRST + timedelta(days=rng.randrange(_DAYS))).isoformat()
        kind = rng.randrange(4)
        source = f"synthetic record no. {i}"
        if kind == 0:
            events.append({"date": day, "type": "consultation_held", "actors": list(PARTIES),
                           "subject": f"{rng.choice(_SUBJECTS)}, round {i}", "source": source})
        elif kind == 1:
            events.append({"date": day, "type": "economic_agreement", "actors": list(PARTIES),
                           "subject": f"credit no. {i}", "amount": f"{rng.randrange(1, 900)} million roubles",
                           "source": source})
        elif kind == 2:
            events.append({"date": day, "type": "international_step", "actors": [rng.choice(PARTIES)],
                           "subject": f"{rng.choice(_SUBJECTS)}, step {i}", "common_interest": rng.random() < 0.5,
                           "source": source})
        else:
            actor = rng.choice(PARTIES)
            target = PARTIES[1 - PARTIES.index(actor)]
            event: dict[str, Any] = {"date": day, "type": "armed_clash", "actors": [actor], "targets": [target],
                                     "place": f"border sector {i}", "source": source}
            if rng.random() < 0.3:
                event["initiator"] = actor
            events.append(event)
    return events


def _attribute_names(events: list[dict[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for e in events:
        for key in e:
            if key not in CORE:
                names.setdefault(key)
    return list(names)


def write_yaml(events: list[dict[str, Any]], path: str | Path, name: str = "synthetic") -> Path:
    doc = {"timeline": name, "description": f"{len(events)} synthetic events for the 1950 treaty",
           "states": STATES, "events": events}
    dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with open(path, "w", encoding="utf-8") as out:
        yaml.dump(doc, out, Dumper=dumper, sort_keys=False, allow_unicode=True, width=200)
    return Path(path)


def write_csv(events: list[dict[str, Any]], path: str | Path) -> Path:
    columns = [*CORE, *_attribute_names(events)]
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for e in events:
            row = []
            for c in columns:
                value = e.get(c)
                if isinstance(value, list):
                    value = ";".join(value)
                elif isinstance(value, bool):
                    value = "true" if value else "false"
                row.append("" if value is None else value)
            writer.writerow(row)
    return Path(path)


def write_parquet(events: list[dict[str, Any]], path: str | Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: dict[str, Any] = {
        "date": pa.array([date.fromisoformat(e["date"]) for e in events], pa.date32()),
        "type": pa.array([e["type"] for e in events], pa.string()),
        "actors": pa.array([e.get("actors") for e in events], pa.list_(pa.string())),
        "targets": pa.array([e.get("targets") for e in events], pa.list_(pa.string())),
    }
    for name in ("treaty", "source", "note", *_attribute_names(events)):
        values = [e.get(name) for e in events]
        kind = pa.bool_() if any(isinstance(v, bool) for v in values) else pa.string()
        columns[name] = pa.array(values, kind)
    pq.write_table(pa.table(columns), path)
    return Path(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of events")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="synthetic", help="path without suffix; .yaml, .csv and .parquet are written")
    args = parser.parse_args()
    events = generate(args.n, args.seed)
    for write, suffix in ((write_yaml, ".yaml"), (write_csv, ".csv"), (write_parquet, ".parquet")):
        print(write(events, args.out + suffix))


if __name__ == "__main__":
    main()
