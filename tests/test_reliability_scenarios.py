"""Reliability scenarios: small hand-made alliances (ATOP rows) and war records, judged by the engine, with the
rows each must give. Every YAML file under tests/fixtures/reliability/ is one scenario.

A scenario file::

    scenario: defence-honoured
    description: what it shows
    alliances:            # ATOP alliance rows; unlisted provision columns are 0; `mem`: the COW codes
      - {atopid: 9101, beg: 1900-01-01, defense: 1, mem: [2, 200]}
    members:              # optional ATOP member rows (`entry`/`exit` dates, provisions)
      - {atopid: 9101, member: 2, phase: 1, entry: 1900-01-01, defense: 1}
    treaties: [regional_pact.md]   # optional hand-written models, beside the file
    wars:                 # the record: each participant's stretch in a war (or a dispute: `kind: dispute`)
      - war: cow-war-1
        name: Test War
        participants:
          - {state: GMY, side: "1", initiator: true, entry: 1914-08-01, exit: 1915-06-30}
          - {state: USA, side: "2", entry: 1914-08-01, exit: 1915-06-30, extra: {date_latest: …}}
    reading: [late-entry-counts]
    expect:
      rows:               # each matches exactly one row
        - {obligation: defence, bearer: UKG, partner: USA, outcome: honoured}
      count: 2            # optional: the number of rows
      no_rows: [{obligation: defence, bearer: FRN}]   # no row matches
      uncertain: [{obligation: defence, partner: USA}]

The participants' events carry what :mod:`foedus.importers.records` derives from the COW files, computed here
in the simplest form (the side opposite the initiator's; those of its side in on its entry day; the other
side's participants whose stretch overlaps its own; its exit; the last exit of the war), so that a scenario
reads as the war it describes. ``extra`` adds or replaces attributes (an unknown day, a place).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from foedus.importers.atop import import_atop
from foedus.model.events import Event, State
from foedus.model.load import load_treaty
from foedus.parse.timeline import build_timeline
from foedus.reliability.judge import judge
from foedus.reliability.record import record_from_timeline

HERE = Path(__file__).resolve().parent
SCENARIOS = sorted((HERE / "fixtures" / "reliability").glob("*.yaml"))
STATES = HERE / "fixtures" / "records" / "states.csv"
COLUMNS = ("atopid", "begyr", "begmo", "begday", "endyr", "endmo", "endday", "ineffect", "bilat", "defense",
           "offense", "neutral", "nonagg", "consul", "conditio", "defcon", "offcon", "neucon", "concon", "speclgth",
           "length", "proren", "renewlgt", "specthrt", "statthr1", "statthr2", "noothall", "ecaid")
MEMBER_COLUMNS = ("atopid", "member", "phase", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit", "defense",
                  "offense", "neutral", "nonagg", "consul", "defcon", "offcon", "neucon", "concon", "defcoadv",
                  "defcoloc", "defcocon", "defconum", "defcodem", "defconpr", "offcoadv", "offcoloc", "offcocon",
                  "offconum", "offcodem", "neucoadv", "neucoloc", "neucocon", "neuconum", "neucodem", "neuconpr",
                  "neucoatt", "concoadv", "concoloc", "concocon", "concoreq")


def _ymd(value: Any) -> tuple[int, int, int]:
    if not value:
        return (0, 0, 0)
    d = value if isinstance(value, date) else date.fromisoformat(str(value))
    return (d.year, d.month, d.day)


def write_alliances(path: Path, rows: list[dict[str, Any]]) -> Path:
    width = max(len(r.get("mem", [])) for r in rows)
    header = [*COLUMNS, *(f"mem{i + 1}" for i in range(width)), "version"]
    lines = [",".join(header)]
    for r in rows:
        begin, end = _ymd(r.get("beg")), _ymd(r.get("end"))
        values = {c: r.get(c, 0) for c in COLUMNS}
        values.update(zip(("begyr", "begmo", "begday"), begin, strict=True))
        values.update(zip(("endyr", "endmo", "endday"), end, strict=True))
        values["bilat"] = int(len(r["mem"]) == 2)
        values["ineffect"] = int(not r.get("end"))
        members = [str(m) for m in r["mem"]] + [""] * (width - len(r["mem"]))
        lines.append(",".join([*(str(values[c]) for c in COLUMNS), *members, "5"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_members(path: Path, rows: list[dict[str, Any]]) -> Path:
    lines = [",".join([*MEMBER_COLUMNS, "version"])]
    for r in rows:
        values = {c: r.get(c, 0) for c in MEMBER_COLUMNS}
        values.update(zip(("yrent", "moent", "dayent"), _ymd(r.get("entry")), strict=True))
        values.update(zip(("yrexit", "moexit", "dayexit"), _ymd(r.get("exit")), strict=True))
        lines.append(",".join([*(str(values[c]) for c in MEMBER_COLUMNS), "5"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def states() -> dict[str, State]:
    out = {}
    for line in STATES.read_text(encoding="utf-8").splitlines()[1:]:
        abb, code, name = line.split(",")[:3]
        out[abb] = State(id=abb, name=name, cow=int(code))
    return out


def record_events(wars: list[dict[str, Any]]) -> list[Event]:
    """The joined and left events of each participant (module docstring)."""
    events = []
    for war in wars:
        kind = war.get("kind", "war")
        key = war["war"]
        people = war["participants"]
        for p in people:
            p["_entry"] = date.fromisoformat(str(p["entry"]))
            p["_exit"] = date.fromisoformat(str(p["exit"])) if p.get("exit") else None
        initiator_sides = {str(p["side"]) for p in people if p.get("initiator")}
        exits = [p["_exit"] for p in people]
        end = None if None in exits else max(e for e in exits if e is not None)
        for i, p in enumerate(people):
            side = str(p["side"])
            others = [q for q in people if q is not p]

            def overlaps(q: dict[str, Any], start: date, stop: date | None) -> bool:
                return q["_entry"] <= (stop or date.max) and (q["_exit"] or date.max) >= start

            opponents = [q["state"] for q in others if str(q["side"]) != side and overlaps(q, p["_entry"], p["_exit"])]
            targets = [q["state"] for q in others if str(q["side"]) != side and overlaps(q, p["_entry"], p["_entry"])]
            allies = [q["state"] for q in others if str(q["side"]) == side and overlaps(q, p["_entry"], p["_entry"])
                      and q["state"] != p["state"]]
            attributes: dict[str, Any] = {"dispute" if kind == "dispute" else "war": key, "side": side,
                                          "initiator": bool(p.get("initiator")), "date_precision": "day",
                                          "allies": allies, "allies_possible": [], "opponents": opponents}
            if kind == "dispute":
                attributes["dispute_hostility"] = war.get("hostility", 4)
            if len(initiator_sides) == 1:
                attributes["against_initiator"] = side not in initiator_sides
            if p["_exit"] is not None:
                attributes["left_on"] = p["_exit"].isoformat()
            if end is not None:
                attributes["ends_on"] = end.isoformat()
            attributes.update(p.get("extra", {}))
            joined = "dispute_joined" if kind == "dispute" else "war_joined"
            events.append(Event(id=f"{key}/joined/{p['state']}/{i}", date=p["_entry"], type=joined,
                                actors=(p["state"],), targets=tuple(targets), attributes=attributes,
                                source="hand-made record", note=f"{p['state']} enters {war.get('name', key)}"))
            if p["_exit"] is not None:
                left = {k: attributes[k] for k in ("war", "dispute", "side") if k in attributes}
                events.append(Event(id=f"{key}/left/{p['state']}/{i}", date=p["_exit"],
                                    type="dispute_left" if kind == "dispute" else "war_left", actors=(p["state"],),
                                    attributes={**left, "date_precision": "day"}, source="hand-made record"))
    return events


def run(path: Path, tmp_path: Path) -> tuple[dict[str, Any], Any]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    alliances = write_alliances(tmp_path / "alliances.csv", spec.get("alliances", []))
    members = write_members(tmp_path / "members.csv", spec["members"]) if spec.get("members") else None
    models = list(import_atop(alliances, members, STATES).models) if spec.get("alliances") else []
    models += [load_treaty(str(path.parent / name))[0] for name in spec.get("treaties", [])]
    timeline = build_timeline(spec["scenario"], spec.get("description", ""), record_events(spec["wars"]), states())
    return spec, judge(models, record_from_timeline(timeline), spec.get("reading"))


def _matches(row: Any, want: dict[str, Any]) -> bool:
    return all(str(getattr(row, k)) == str(v) for k, v in want.items())


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario(path: Path, tmp_path: Path) -> None:
    spec, judgement = run(path, tmp_path)
    expect = spec["expect"]
    shown = "\n".join(f"  {r.obligation} {r.bearer}->{r.partner} {r.conflict} {r.outcome} ({r.state}): "
                      f"{r.explanation}" for r in judgement.rows)
    for want in expect.get("rows", []):
        found = [r for r in judgement.rows if _matches(r, want)]
        assert len(found) == 1, f"{path.name}: {want} matches {len(found)} rows:\n{shown}"
    for want in expect.get("no_rows", []):
        assert not [r for r in judgement.rows if _matches(r, want)], f"{path.name}: {want} has a row:\n{shown}"
    if "count" in expect:
        assert len(judgement.rows) == expect["count"], f"{path.name}: {len(judgement.rows)} rows:\n{shown}"
    for want in expect.get("uncertain", []):
        assert [u for u in judgement.uncertain if _matches(u, want)], f"{path.name}: {want} is not uncertain"
    for words in expect.get("explanations", []):
        assert any(words in r.explanation for r in judgement.rows), f"{path.name}: no explanation says {words!r}"


def test_every_obligation_type_has_a_scenario() -> None:
    kinds = set()
    for path in SCENARIOS:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        kinds |= {w["obligation"] for w in spec["expect"].get("rows", [])}
    assert kinds == {"defence", "offence", "neutrality", "non_aggression", "consultation"}

