"""Synthetic timelines of N events that the flagship model (treaties/sino_soviet_1950.md) accepts.

The 1950 treaty's own acts (signature, both ratifications, the exchange of instruments) and then
N - 4 world events between the parties: consultations, economic agreements, international steps and
armed clashes, dated from 1950 to 2049, each with a source. The same (n, seed) gives the same events.

    .venv/bin/python bench/gen_timeline.py 100000 --out /tmp/t      # t.yaml, t.csv, t.parquet

With ``art1=True`` (``--art1``) about half of the world events are instead those Art. I of the treaty
turns on: armed attacks on the parties by Japan, by third states and by each other (with or without a
state of war, or not saying), assistance rendered by the other party in the days after (military,
economic, or of a kind the record does not give), ends of war, alliances of third states with Japan
(in force, concluded, ended, replaced), forces stationed in Japan — and one notice of denunciation
between 1985 and 2045, so that the treaty's extensions and end are exercised too. Third states are
declared in the YAML timeline only (``--art1`` writes no CSV or Parquet). Without the option the
events are exactly those of earlier versions.

As a module (the evaluation benchmarks reuse it)::

    events = generate(n, seed)          # list of dicts in the timeline's YAML form
    events = generate(n, seed, art1=True)
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
# Third states of the Art. I events (declared in the YAML timeline only when events name them).
ART1_STATES = {"KOR": {"name": "Republic of Korea", "cow": 732, "iso3": "KOR"},
               "PHL": {"name": "Philippines", "cow": 840, "iso3": "PHL"},
               "AUS": {"name": "Australia", "cow": 900, "iso3": "AUS"},
               "GBR": {"name": "United Kingdom", "cow": 200, "iso3": "GBR"},
               "IND": {"name": "India", "cow": 750, "iso3": "IND"}}
THIRD = ("USA", *ART1_STATES)
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


def generate(n: int, seed: int = 1, art1: bool = False) -> list[dict[str, Any]]:
    """``n`` events (at least the treaty's four own acts) in the timeline's YAML form, in no date order;
    ``art1``: half of the world events are those Art. I turns on, and one is a notice of denunciation."""
    rng = random.Random(seed)
    events = _own_acts()[: max(n, 0)]
    if art1:
        return _with_art1(events, n, rng)
    for i in range(max(n - len(events), 0)):
        events.append(_world_event(rng, i))
    return events


def _world_event(rng: random.Random, i: int) -> dict[str, Any]:
    """One of the world events between the parties: consultation, economic agreement, step or clash."""
    day = (_FIRST + timedelta(days=rng.randrange(_DAYS))).isoformat()
    kind = rng.randrange(4)
    source = f"synthetic record no. {i}"
    if kind == 0:
        return {"date": day, "type": "consultation_held", "actors": list(PARTIES),
                "subject": f"{rng.choice(_SUBJECTS)}, round {i}", "source": source}
    if kind == 1:
        return {"date": day, "type": "economic_agreement", "actors": list(PARTIES),
                "subject": f"credit no. {i}", "amount": f"{rng.randrange(1, 900)} million roubles",
                "source": source}
    if kind == 2:
        return {"date": day, "type": "international_step", "actors": [rng.choice(PARTIES)],
                "subject": f"{rng.choice(_SUBJECTS)}, step {i}", "common_interest": rng.random() < 0.5,
                "source": source}
    actor = rng.choice(PARTIES)
    target = PARTIES[1 - PARTIES.index(actor)]
    event: dict[str, Any] = {"date": day, "type": "armed_clash", "actors": [actor], "targets": [target],
                             "place": f"border sector {i}", "source": source}
    if rng.random() < 0.3:
        event["initiator"] = actor
    return event


def _later(day: str, rng: random.Random, upto: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=rng.randrange(upto + 1))).isoformat()


def _art1_episode(rng: random.Random, i: int) -> list[dict[str, Any]]:
    """Events Art. I turns on: an attack and what followed it, an alliance with Japan, or a war fact."""
    day = (_FIRST + timedelta(days=rng.randrange(_DAYS))).isoformat()
    source = f"synthetic record no. {i}"
    kind = rng.randrange(4)
    if kind < 2:  # an armed attack, and what followed it
        attacker = "JPN" if rng.random() < 0.3 else rng.choice((*THIRD, *PARTIES))
        target = rng.choice(PARTIES) if rng.random() < 0.85 else rng.choice(THIRD)
        if attacker == target:
            attacker = "JPN"
        attack: dict[str, Any] = {"date": day, "type": "armed_attack", "actors": [attacker], "targets": [target],
                                  "place": f"sector {i}", "source": source}
        roll = rng.random()
        if roll < 0.55:
            attack["state_of_war"] = True
        elif roll < 0.8:
            attack["state_of_war"] = False
        out = [attack]
        if target in PARTIES and rng.random() < 0.75:
            helper = PARTIES[1 - PARTIES.index(target)]
            help_: dict[str, Any] = {"date": _later(day, rng, 12), "type": "assistance_rendered",
                                     "actors": [helper], "targets": [target], "source": f"{source}, assistance"}
            roll = rng.random()
            if roll < 0.55:
                help_["kind"] = "military"
            elif roll < 0.75:
                help_["kind"] = "economic"
            out.append(help_)
        if rng.random() < 0.25:
            out.append({"date": _later(day, rng, 40), "type": "end_of_war", "actors": [attacker], "targets": [target],
                        "war": f"synthetic-war-{i}", "source": f"{source}, end of war"})
        return out
    if kind == 2:  # an alliance of a third state with Japan
        ally = rng.choice(THIRD)
        tid = f"synthetic-alliance-{i}"
        if rng.random() < 0.6:
            begun: dict[str, Any] = {"date": day, "type": "treaty_in_force", "actors": [ally, "JPN"],
                                     "treaty": tid, "kind": "alliance", "source": source}
        else:
            begun = {"date": day, "type": "alliance_concluded", "actors": [ally, "JPN"], "treaty": tid,
                     "kind": "defence", "source": source}
        out = [begun]
        roll = rng.random()
        end = _later(day, rng, 25 * 365)
        if roll < 0.4:
            out.append({"date": end, "type": "treaty_ended", "actors": [ally, "JPN"], "treaty": tid,
                        "source": f"{source}, end"})
        elif roll < 0.6:
            out.append({"date": end, "type": "treaty_in_force", "actors": [ally, "JPN"], "treaty": f"{tid}-new",
                        "kind": "alliance", "replaces": [tid], "source": f"{source}, replaced"})
        return out
    # a war fact between two states, or forces stationed in Japan
    roll = rng.random()
    if roll < 0.3:
        stationed: dict[str, Any] = {"date": day, "type": "forces_stationed", "actors": [rng.choice(THIRD)],
                                     "targets": ["JPN"], "source": source}
        if rng.random() < 0.5:
            stationed["until"] = _later(day, rng, 20 * 365)
        return [stationed]
    a, b = rng.sample(("JPN", *THIRD[:3], *PARTIES), 2)
    return [{"date": day, "type": "state_of_war" if roll < 0.65 else "end_of_war", "actors": [a], "targets": [b],
             "war": f"synthetic-war-{i}", "source": source}]


def _with_art1(events: list[dict[str, Any]], n: int, rng: random.Random) -> list[dict[str, Any]]:
    if len(events) < n:
        day = date(1985, 1, 1) + timedelta(days=rng.randrange(60 * 365))
        events.append({"date": day.isoformat(), "type": "notice_of_denunciation", "actors": [rng.choice(PARTIES)],
                       "treaty": TREATY, "source": "synthetic notice"})
    seen: set[tuple[Any, ...]] = set()
    i = 0
    while len(events) < n:
        batch = [_world_event(rng, i)] if rng.random() < 0.5 else _art1_episode(rng, i)
        i += 1
        for e in batch[: n - len(events)]:
            # The reader refuses an event recorded twice (the same day, type, states and attributes).
            key = tuple(sorted((k, str(v)) for k, v in e.items() if k not in ("source", "note")))
            if key not in seen:
                seen.add(key)
                events.append(e)
    return events


def _attribute_names(events: list[dict[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for e in events:
        for key in e:
            if key not in CORE:
                names.setdefault(key)
    return list(names)


def write_yaml(events: list[dict[str, Any]], path: str | Path, name: str = "synthetic") -> Path:
    named = {s for e in events for s in (*e.get("actors", ()), *e.get("targets", ()))}
    states = {**STATES, **{k: v for k, v in ART1_STATES.items() if k in named}}
    doc = {"timeline": name, "description": f"{len(events)} synthetic events for the 1950 treaty",
           "states": states, "events": events}
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
    parser.add_argument("--art1", action="store_true",
                        help="half the world events those Art. I turns on (attacks, alliances, assistance), and a "
                             "notice; only the YAML timeline is written (it declares the third states)")
    args = parser.parse_args()
    events = generate(args.n, args.seed, art1=args.art1)
    writers = ((write_yaml, ".yaml"),) if args.art1 else (
        (write_yaml, ".yaml"), (write_csv, ".csv"), (write_parquet, ".parquet"))
    for write, suffix in writers:
        print(write(events, args.out + suffix))


if __name__ == "__main__":
    main()
