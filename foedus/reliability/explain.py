"""Why a row says what it says, and why a treaty was or was not invoked.

``explain_row(result, row_id)`` walks from the record to the answer: the events that invoked and decided
the obligation (each with its citation of the data file and row), the alliance's coded provision and the
bearer's membership and phase, the rule (the trigger's conditions, each true, false or unknown on the
invoking event; the deadline as the reading sets it; the act that decided, and the state machine's
row), and the reading (the option at each point the obligation turns on).

``examine(ct, outcome, record)`` lists, for one treaty, every war and dispute its parties took part in
while it was in force, and for each obligation whether that conflict invoked it and, if not, which of
its conditions failed (or could not be told) on which event.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Any

from foedus.compile.compiler import CompiledNorm, CompiledTreaty
from foedus.compile.conditions import Context
from foedus.errors import FoedusError, Location
from foedus.evaluate import machines
from foedus.evaluate.results import NormInstance, Outcome
from foedus.model.events import Event
from foedus.model.general_law import reading_points
from foedus.reliability.judge import OBLIGATIONS, Row
from foedus.reliability.record import Record, conflict_id, conflict_name

__all__ = ["examine", "explain_row", "render_examination", "render_explanation"]

_POINT = re.compile(r"reading\('([^']+)'\)")


def _event(e: Event) -> dict[str, Any]:
    from foedus.report.json_report import plain

    return {"id": e.id, "date": e.date.isoformat(), "type": e.type, "actors": list(e.actors),
            "targets": list(e.targets), "attributes": plain(e.attributes), "source": e.source, "note": e.note}


def _truth(value: object) -> str:
    return "unknown" if value is None else "true" if value else "false"


def _parts(cn: CompiledNorm, ct: CompiledTreaty, outcome: Outcome, e: Event,
           inst: NormInstance | None = None) -> list[dict[str, str]]:
    """The trigger's conditions, each with its truth on the event (as the engine evaluated it that day)."""
    if cn.trigger_when is None:
        return []
    parties = tuple(p.party for p in outcome.lifecycle.parties if p.bound_on(e.date))
    base = Context(date=e.date, facts=_NoFacts(), parties=parties, reading=dict(outcome.choices), event=e)
    bindings = {name: f(base) for name, f in cn.bind}
    ctx = Context(date=e.date, facts=_NoFacts(), parties=parties, reading=dict(outcome.choices), event=e,
                  bindings=bindings)
    return [{"condition": text, "value": _truth(part(ctx))} for text, part in cn.trigger_when.parts]


class _NoFacts:
    """Relations are not asked by the record-speaking conditions; one that asks gets unknown here."""

    def allied(self, a: str, b: str, on: date) -> None:
        return None

    def united_with(self, a: str, b: str, on: date) -> None:
        return None

    def at_war(self, a: str, b: str, on: date) -> None:
        return None

    def in_war(self, a: str, on: date) -> None:
        return None


def _points_used(cn: CompiledNorm) -> list[str]:
    texts = [cn.trigger_when.text if cn.trigger_when else "", cn.norm.applies_when or ""]
    for patterns in (cn.fulfilled_by, cn.violated_by, cn.honoured_by, cn.discharged_by):
        texts += [p.when.text for p in patterns if p.when]
    found = {m for text in texts for m in _POINT.findall(text)}
    deadline = cn.norm.deadline
    if deadline is not None:
        for value in (deadline.within, deadline.until):
            point = getattr(value, "reading", None)
            if isinstance(point, str):
                found.add(point)
    return sorted(found)


def _reading(ct: CompiledTreaty, cn: CompiledNorm) -> list[dict[str, str]]:
    points = {p.id: p for p in reading_points(ct.treaty)}
    chosen = ct.reading.as_dict()
    out = []
    for pid in _points_used(cn):
        point = points.get(pid)
        if point is None:
            continue
        option = chosen.get(pid, point.default)
        out.append({"point": pid, "question": point.question, "option": option,
                    "says": point.options[option].says, "default": point.default})
    return out


def _provision(ct: CompiledTreaty, cn: CompiledNorm, outcome: Outcome, bearer: str) -> dict[str, Any]:
    """The alliance's coded provision behind a norm: its summary, the ATOP codes it comes from, the phase it
    belongs to and the bearer's membership."""
    model = ct.treaty
    norm = cn.norm
    variable = re.match(r"atop-([a-z]+)", norm.id)
    facts = {f.id: f.says for f in model.facts}
    codes = []
    if variable is not None:
        names = [variable[1], {"defense": "defcon", "offense": "offcon", "neutral": "neucon",
                               "consul": "concon"}.get(variable[1], ""), "statthr1", "statthr2", "asymm"]
        codes = [facts[f"atop-{name}"] for name in names if f"atop-{name}" in facts]
    instruments = {i.id: i for i in model.instruments}
    phase = None
    if norm.introduced_by or norm.ended_by:
        start = instruments.get(norm.introduced_by or "")
        ends = [instruments[i] for i in norm.ended_by if i in instruments]
        phase = {"from": start.title if start else "the alliance's first phase",
                 "from_date": start.in_force_on.isoformat() if start and start.in_force_on else None,
                 "until": ends[0].title if ends else None,
                 "until_date": ends[0].in_force_on.isoformat() if ends and ends[0].in_force_on else None}
    party = outcome.lifecycle.party(bearer)
    return {
        "alliance": model.id, "title": model.title, "source": model.source.note, "norm": norm.id,
        "category": norm.category, "summary": norm.summary, "codes": codes, "phase": phase,
        "bearer_membership": [[a.isoformat(), b.isoformat() if b else None] for a, b in party.intervals]
        if party else [],
        "in_force": [outcome.lifecycle.entry_into_force.isoformat() if outcome.lifecycle.entry_into_force else None,
                     outcome.lifecycle.ends_on.isoformat() if outcome.lifecycle.ends_on else None],
    }


def _machine_row(inst: NormInstance) -> str | None:
    if not inst.history:
        return None
    change = inst.history[-1]
    machine = machines.BY_KIND[inst.kind]
    for t in machine.transitions:
        if t.source == change.before and t.target == change.after:
            return f"{machine.name}: {t.source} --[{t.when}]--> {t.target}: {t.says}"
    return None


def explain_row(judgement_outcomes: dict[str, Outcome], compiled: dict[str, CompiledTreaty], record: Record,
                row: Row) -> dict[str, Any]:
    """The chain behind one row (module docstring)."""
    outcome = judgement_outcomes.get(row.alliance)
    ct = compiled.get(row.alliance)
    if outcome is None or ct is None:
        raise FoedusError(f"{row.alliance} was not evaluated in this run", where=Location(row.row_id),
                          expected="a row of this run")
    instance_id = row.row_id.split(":", 2)[1]
    inst = next((i for i in outcome.instances if i.id == instance_id), None)
    cn = next((n for n in ct.norms if n.id == row.norm), None)
    if inst is None or cn is None:
        raise FoedusError(f"no duty {instance_id} in {row.alliance}", where=Location(row.row_id),
                          expected="a row id of this run")
    by_id = record.by_id
    invoking = by_id.get(row.evidence.split(", ")[0])
    ids: list[str] = []
    mentioned = [*row.evidence.split(", "), *(f.event for f in inst.findings),
                 *(e for c in inst.history for e in c.events)]
    for eid in mentioned:
        if eid and eid not in ids and eid in by_id:
            ids.append(eid)
    deadline = None
    if inst.deadline is not None:
        until = cn.deadline_until
        deadline = {"last_day": inst.deadline.isoformat(),
                    "last_possible_day": inst.deadline_latest.isoformat() if inst.deadline_latest else None,
                    "within": str(cn.deadline) if cn.deadline else None,
                    "until": until.says or until.attribute if until else None}
    decided = [{"on": c.date.isoformat(), "from": c.before, "to": c.after, "because": c.because,
                "events": list(c.events)} for c in inst.history]
    patterns = {key: [{"on": p.on, "when": p.when.text if p.when else None, "says": p.says} for p in found]
                for key, found in (("fulfilled_by", cn.fulfilled_by), ("violated_by", cn.violated_by),
                                   ("honoured_by", cn.honoured_by), ("discharged_by", cn.discharged_by))}
    from foedus.report.json_report import plain

    return {
        "row": plain(row.__dict__),
        "events": [_event(by_id[e]) for e in ids],
        "provision": _provision(ct, cn, outcome, inst.bearer),
        "rule": {
            "trigger": cn.trigger_when.text if cn.trigger_when else None,
            "conditions": _parts(cn, ct, outcome, invoking, inst)
            if invoking is not None and inst.trigger_event else [],
            "deadline": deadline, "silence": cn.norm.silence, "acts": patterns, "history": decided,
            "findings": [{"date": f.date.isoformat(), "event": f.event, "verdict": f.verdict, "says": f.says}
                         for f in inst.findings],
            "state_machine": _machine_row(inst),
        },
        "reading": {"name": row.reading, "points": _reading(ct, cn)},
    }


def render_explanation(data: dict[str, Any]) -> str:
    row = data["row"]
    lines = [f"{row['bearer_name']}'s {row['obligation'].replace('_', '-')} obligation toward {row['partner_name']} "
             f"in {row['conflict_name']} ({row['invoked_on']}): {row['outcome'].upper()}",
             f"  {row['explanation']}", "", "The record:"]
    for e in data["events"]:
        lines.append(f"  {e['date']}  {e['note'] or e['type']}")
        lines.append(f"      source: {e['source']}")
    p = data["provision"]
    lines += ["", f"The provision: {p['title']}", f"  {p['summary']}"]
    if p["codes"]:
        lines.append("  ATOP codes: " + ", ".join(p["codes"]))
    if p["phase"]:
        ph = p["phase"]
        lines.append(f"  in effect from {ph['from']}" + (f" ({ph['from_date']})" if ph["from_date"] else "")
                     + (f" until {ph['until']} ({ph['until_date']})" if ph["until"] else ""))
    spans = "; ".join(f"{a} to {b or 'the end of the data'}" for a, b in p["bearer_membership"])
    lines.append(f"  {row['bearer_name']} is a member: {spans or 'no recorded membership'}")
    lines.append(f"  source: {p['source']}")
    rule = data["rule"]
    lines += ["", "The rule:"]
    for part in rule["conditions"]:
        lines.append(f"  [{part['value']:>7}] {part['condition']}")
    if rule["deadline"]:
        d = rule["deadline"]
        possibly = f" (possibly {d['last_possible_day']})" if d["last_possible_day"] else ""
        within = f"; within {d['within']}" if d["within"] else ""
        until = f"; until {d['until']}" if d["until"] else ""
        lines.append(f"  last day: {d['last_day']}{possibly}{within}{until}")
    for change in rule["history"]:
        lines.append(f"  {change['on']}: {change['from']} -> {change['to']}: {change['because']}")
    for f in rule["findings"]:
        lines.append(f"  {f['date']}: {f['verdict']}: {f['says']}")
    if rule["state_machine"]:
        lines.append(f"  ({rule['state_machine']})")
    lines += ["", f"The reading ({data['reading']['name']}):"]
    for point in data["reading"]["points"]:
        mark = "" if point["option"] == point["default"] else " (not the default)"
        lines.append(f"  {point['point']} = {point['option']}{mark}: {point['says']}")
    return "\n".join(lines) + "\n"


# --- one treaty against the record ---------------------------------------------------------------------------


def examine(ct: CompiledTreaty, outcome: Outcome, record: Record, events: tuple[Event, ...]) -> dict[str, Any]:
    """For one treaty: every conflict of its parties while it was in force, and for each of its obligations
    whether the conflict invoked it — and if not, why (module docstring). ``events`` are those it was
    evaluated on."""
    lc = outcome.lifecycle
    by_id = {e.id: e for e in events}
    parties = {p.party for p in lc.parties}
    kinds = {e.type for e in events if conflict_id(e) is not None}

    def speaks(cn: CompiledNorm) -> bool:
        """The norm reacts to the record's events (its trigger, or for a standing duty its acts)."""
        if cn.trigger_on:
            return bool(kinds.intersection(cn.trigger_on))
        return any(p.on in kinds for p in (*cn.violated_by, *cn.honoured_by))

    norms = [cn for cn in ct.norms if cn.exists and cn.norm.category in OBLIGATIONS and speaks(cn)]
    conflicts: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for e in events:
        key = conflict_id(e)
        if key is None or not lc.in_force_on(e.date):
            continue
        if not (parties & {*e.actors, *e.targets}):
            continue
        if key not in conflicts:
            conflicts[key] = {"conflict": key, "name": conflict_name(e), "first_day": e.date.isoformat(),
                              "parties": [], "obligations": defaultdict(list)}
            order.append(key)
        if e.type in ("war_joined", "dispute_joined") and e.actor in parties:
            a = e.attributes
            conflicts[key]["parties"].append({
                "party": e.actor, "name": ct.registry.display(e.actor or ""), "entered": e.date.isoformat(),
                "side": a.get("side"), "initiator": a.get("initiator"), "against_initiator": a.get("against_initiator"),
                "opponents": [ct.registry.display(s) for s in a.get("opponents") or []], "event": e.id})
    checks = defaultdict(list)
    for c in outcome.trigger_checks:
        checks[c.event].append(c)
    instances = defaultdict(list)
    for inst in outcome.instances:
        if inst.trigger_event:
            instances[inst.trigger_event].append(inst)
    for key in order:
        for cn in norms:
            entry = conflicts[key]["obligations"][cn.id]
            for e in events:
                if conflict_id(e) != key or not lc.in_force_on(e.date):
                    continue
                if not cn.trigger_on:
                    # A standing duty: what the engine found on this conflict's events.
                    for inst in (i for i in outcome.instances if i.norm == cn.id and i.trigger_event is None):
                        for f in inst.findings:
                            if f.event == e.id:
                                entry.append({"event": e.id, "date": e.date.isoformat(), "note": e.note,
                                              "invoked": True, "duties": [{"bearer": inst.bearer,
                                                                           "state": f.verdict}]})
                    continue
                if e.type not in cn.trigger_on:
                    continue
                made = [i for i in instances.get(e.id, []) if i.norm == cn.id]
                found = [c for c in checks.get(e.id, []) if c.norm == cn.id]
                if made:
                    entry.append({"event": e.id, "date": e.date.isoformat(), "note": e.note, "invoked": True,
                                  "duties": [{"bearer": i.bearer, "state": i.state} for i in made]})
                elif found and not any(p.startswith(("party(", "any_party(")) for p in found[0].false_parts):
                    # (an event that does not concern a party in the role the trigger names is no question)
                    c = found[0]
                    entry.append({"event": e.id, "date": e.date.isoformat(), "note": e.note, "invoked": False,
                                  "verdict": c.verdict, "false": [_words(p, ct) for p in c.false_parts],
                                  "unknown": [_words(p, ct) for p in c.unknown_parts]})
    out = []
    for key in order:
        item = conflicts[key]
        obligations = []
        for cn in norms:
            checked = item["obligations"].get(cn.id, [])
            invoked = any(x["invoked"] for x in checked)
            undetermined = any(not x["invoked"] and x["verdict"] == "undetermined" for x in checked)
            verdict = "invoked" if invoked else "cannot tell" if undetermined else "not invoked"
            if not cn.trigger_on:
                verdict = "standing"
            obligations.append({
                "norm": cn.id, "category": cn.norm.category, "article": cn.norm.article,
                "trigger": cn.trigger_when.text if cn.trigger_when else None, "trigger_on": list(cn.trigger_on),
                "verdict": verdict,
                "checks": checked,
                "why": _why(cn, checked, item, ct),
            })
        out.append({**{k: v for k, v in item.items() if k != "obligations"}, "obligations": obligations})
    tally: dict[str, dict[str, int]] = {}
    for item in out:
        for o in item["obligations"]:
            counts = tally.setdefault(o["norm"], {})
            for x in o["checks"]:
                if x["invoked"]:
                    counts["invoked"] = counts.get("invoked", 0) + 1
                    continue
                for part in x["false"]:
                    counts[f"not: {part}"] = counts.get(f"not: {part}", 0) + 1
                for part in x["unknown"]:
                    counts[f"cannot tell: {part}"] = counts.get(f"cannot tell: {part}", 0) + 1
            if not o["checks"] and o["verdict"] != "standing":
                counts["no event of the trigger's kind concerns a party"] = \
                    counts.get("no event of the trigger's kind concerns a party", 0) + 1
    return {"treaty": ct.id, "title": ct.treaty.title, "reading": outcome.reading, "reasons": tally,
            "in_force": [lc.entry_into_force.isoformat() if lc.entry_into_force else None,
                         lc.ends_on.isoformat() if lc.ends_on else None],
            "conflicts": out,
            "examined": [cn.id for cn in norms],
            "invoked": sorted({i.norm for i in outcome.instances if i.trigger_event in by_id
                               and conflict_id(by_id[i.trigger_event]) is not None and i.category in OBLIGATIONS}
                              | {i.norm for i in outcome.instances if i.trigger_event is None
                                 and i.category in OBLIGATIONS and any(f.event in by_id and conflict_id(
                                     by_id[f.event]) is not None for f in i.findings)})}


_WORDS = {
    "event.against_initiator == true": "the party entered on the side opposite the initiator",
    "event.initiator == true": "the party initiated",
    "not includes_all(parties, event.targets)": "it fought a state outside the alliance",
    "at_war(event.target, event.actor)": "the attacked party is at war with the attacker",
}


def _words(part: str, ct: CompiledTreaty) -> str:
    """A trigger condition in words where the pattern is known; threat states by name."""
    if part in _WORDS:
        return _WORDS[part]
    listed = re.fullmatch(r"\[(.*)\] in event\.targets", part)
    if listed:
        names = [ct.registry.display(ct.registry.canonical(n.strip(" '")) or n.strip(" '"))
                 for n in listed[1].split(",")]
        return "it fought " + " or ".join(names)
    point = _POINT.search(part)
    if point and "unknown" in part:
        return f"the condition {point[1]} holds (the record cannot tell; reading {point[1]}=met takes it as met)"
    return part


def _why(cn: CompiledNorm, checked: list[dict[str, Any]], item: dict[str, Any], ct: CompiledTreaty) -> str:
    if not cn.trigger_on:
        if not checked:
            return "kept: no party fought another in this conflict"
        states = {d["state"] for x in checked for d in x["duties"]}
        return "broken: " + ", ".join(sorted(states)) if "breached" in states else ", ".join(sorted(states))
    if any(x["invoked"] for x in checked):
        return "invoked: " + "; ".join(f"{d['bearer']} {d['state']}" for x in checked if x["invoked"]
                                       for d in x["duties"])
    if not checked:
        kinds = " or ".join(cn.trigger_on)
        return f"no {kinds} event of this conflict concerns a party as the trigger requires"
    reasons = []
    for x in checked:
        parts = [f"not: {p}" for p in x["false"]] + [f"cannot tell: {p}" for p in x["unknown"]]
        reasons.append(f"{x['date']} ({x['event']}): " + "; ".join(parts))
    return "; ".join(reasons)


def render_examination(data: dict[str, Any]) -> str:
    start, end = data["in_force"]
    lines = [f"{data['title']} — in force {start} to {end or 'the end of the record'} (reading: {data['reading']})",
             f"Obligations examined against the record: {', '.join(data.get('examined', [])) or 'none'}",
             f"Invoked by a war or dispute of the record: {', '.join(data['invoked']) or 'none'}",
             f"{len(data['conflicts'])} wars and disputes of its parties while it was in force."]
    for norm, counts in data.get("reasons", {}).items():
        if counts:
            lines.append(f"{norm}, over these conflicts (events checked, by the condition that failed):")
            lines += [f"  {n:5}  {reason}" for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    lines.append("")
    for c in data["conflicts"]:
        lines.append(f"{c['name']} ({c['conflict']}), from {c['first_day']}")
        for p in c["parties"]:
            role = ("as an initiator" if p["initiator"] else "opposite the initiator" if p["against_initiator"]
                    else "beside the initiator" if p["against_initiator"] is False else "")
            lines.append(f"  {p['name']} enters on {p['entered']} (side {p['side']}, {role}) against "
                         f"{', '.join(p['opponents']) or 'no one named'}")
        for o in c["obligations"]:
            label = f"{o['norm']}" + (f" (Art. {o['article']})" if o["article"] else "")
            lines.append(f"  {label}: {o['verdict']} — {o['why']}")
        lines.append("")
    return "\n".join(lines)
