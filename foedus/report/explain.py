"""Explanations: for one result, the chain events → rule → article text."""

from __future__ import annotations

from typing import Any

from foedus.compile.compiler import CompiledTreaty
from foedus.errors import FoedusError, Location
from foedus.evaluate.results import Outcome
from foedus.model.events import Event, Timeline
from foedus.report.json_report import instance_dict, party_dict, plain


def _event(e: Event) -> dict[str, Any]:
    return {"id": e.id, "date": e.date.isoformat(), "type": e.type, "actors": list(e.actors),
            "targets": list(e.targets), "attributes": plain(e.attributes), "source": e.source,
            "note": e.note, "where": e.where()}


def _article(ct: CompiledTreaty, aid: str | None) -> dict[str, Any] | None:
    if aid is None:
        return None
    art = ct.treaty.article(aid)
    if art is None:
        return {"id": aid, "text": None}
    return {"id": art.id, "heading": art.heading, "text": art.text, "line": art.line}


def _term_set_by(ct: CompiledTreaty, outcome: Outcome) -> dict[str, Any] | None:
    """Which instrument set the current term (None: the treaty's own clause), with its entry into force."""
    lc = outcome.lifecycle
    if lc.current_term is None:
        return None
    info = next((t for t in lc.term_info if t.number == lc.current_term.number), None)
    if info is None or info.set_by is None:
        return {"term": lc.current_term.number, "instrument": None, "title": "the treaty's own clause",
                "article": ct.lifecycle.article, "in_force_on": plain(lc.entry_into_force)}
    version = next((v for v in lc.versions if v.instrument == info.set_by), None)
    return {"term": lc.current_term.number, "instrument": info.set_by,
            "title": version.title if version else info.set_by,
            "article": ct.lifecycle.instruments[info.set_by].instrument.article
            if info.set_by in ct.lifecycle.instruments else None,
            "in_force_on": plain(version.start) if version else None}


def explain(ct: CompiledTreaty, timeline: Timeline, outcome: Outcome, item: str) -> dict[str, Any]:
    """``item``: a norm instance id, a norm id (all its instances), an event id, a party, or ``treaty``."""
    events = {e.id: e for e in timeline.events}
    reading = {"name": outcome.reading, "choices": outcome.choices}
    if item == "treaty":
        lc = outcome.lifecycle
        used = sorted({eid for c in lc.changes for eid in c.events} | {n.event for n in lc.notices}
                      | {eid for p in lc.parties for c in p.history for eid in c.events})
        return {
            "item": "treaty", "as_of": outcome.as_of.isoformat(), "reading": reading,
            "answer": {"state": lc.state, "in_force": lc.in_force, "ends_on": plain(lc.ends_on),
                       "expires_on": plain(lc.expires_on), "end_reason": lc.end_reason,
                       "extension_fixed_since": plain(lc.extension_fixed_since)},
            "term_set_by": _term_set_by(ct, outcome),
            "events": [_event(events[e]) for e in used if e in events],
            "rule": {"lifecycle": plain(ct.lifecycle), "terms": plain(lc.terms), "notices": plain(lc.notices)},
            "versions": plain(lc.versions),
            "parties": [{**party_dict(p), "history": plain(p.history)} for p in lc.parties],
            "changes": plain(lc.changes),
            "article": _article(ct, ct.lifecycle.article),
        }
    party = outcome.lifecycle.party(item) or outcome.lifecycle.party(ct.registry.canonical(item) or "")
    if party is not None:
        used = sorted({eid for c in party.history for eid in c.events})
        return {"item": item, "as_of": outcome.as_of.isoformat(), "reading": reading,
                "party": {**party_dict(party), "history": plain(party.history)},
                "events": [_event(events[e]) for e in used if e in events],
                "notices": plain([n for n in outcome.lifecycle.notices if n.party == party.party]),
                "invalid": plain([a for a in outcome.invalid_acts if a.actor == party.party]),
                "article": _article(ct, ct.lifecycle.article)}
    instances = [i for i in outcome.instances if i.id == item] or [i for i in outcome.instances if i.norm == item]
    if instances:
        out = []
        for inst in instances:
            cnorm = next(n for n in ct.norms if n.id == inst.norm)
            ids = [inst.trigger_event] if inst.trigger_event else []
            ids += [f.event for f in inst.findings] + [e for c in inst.history for e in c.events]
            seen: list[str] = []
            for eid in ids:
                if eid and eid not in seen:
                    seen.append(eid)
            rule: dict[str, Any] = {
                "norm": cnorm.id, "kind": cnorm.norm.kind, "summary": cnorm.norm.summary,
                "bearer": cnorm.bearer, "counterparty": cnorm.counterparty,
                "trigger": cnorm.trigger_when.text if cnorm.trigger_when else None,
                "deadline": (str(cnorm.deadline) + (" (last day included)" if cnorm.deadline_inclusive else ""))
                if cnorm.deadline else None,
                "fulfilled_by": [p.when.text if p.when else p.on for p in cnorm.fulfilled_by],
                "violated_by": [p.when.text if p.when else p.on for p in cnorm.violated_by],
                "silence": cnorm.norm.silence,
            }
            out.append({"instance": instance_dict(inst), "events": [_event(events[e]) for e in seen if e in events],
                        "rule": rule, "article": _article(ct, inst.article)})
        checks = [c for c in outcome.trigger_checks if c.norm == item]
        return {"item": item, "as_of": outcome.as_of.isoformat(), "reading": reading, "instances": out,
                "trigger_checks": plain(checks)}
    checks = [c for c in outcome.trigger_checks if c.norm == item]
    if checks or any(n.id == item for n in ct.norms):
        cnorm = next(n for n in ct.norms if n.id == item)
        return {"item": item, "as_of": outcome.as_of.isoformat(), "reading": reading, "instances": [],
                "answer": "no instance as of this date" + ("" if cnorm.exists else " (the reading removes this norm)"),
                "trigger_checks": [dict(plain(c), event_detail=_event(events[c.event])) for c in checks
                                   if c.event in events],
                "rule": {"norm": cnorm.id, "trigger": cnorm.trigger_when.text if cnorm.trigger_when else None},
                "article": _article(ct, cnorm.norm.article)}
    if item in events:
        e = events[item]
        return {
            "item": item, "as_of": outcome.as_of.isoformat(), "reading": reading, "event": _event(e),
            "triggered": [i.id for i in outcome.instances if i.trigger_event == item],
            "findings": [{"instance": i.id, **plain(f)} for i in outcome.instances for f in i.findings
                         if f.event == item],
            "trigger_checks": plain([c for c in outcome.trigger_checks if c.event == item]),
            "invalid": plain([a for a in outcome.invalid_acts if a.event == item]),
            "lifecycle": plain([c for c in outcome.lifecycle.changes if item in c.events]),
        }
    known = sorted({i.id for i in outcome.instances} | {n.id for n in ct.norms})
    raise FoedusError(f"nothing called {item!r} in {ct.id} as of {outcome.as_of}", where=Location(ct.file),
                      expected="`treaty`, a party, an event id, a norm id or an instance id such as "
                      + ", ".join(known[:4]))
