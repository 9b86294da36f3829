"""Explanations: for one result, the chain events → rule → article text."""

from __future__ import annotations

from typing import Any

from foedus.compile.compiler import CompiledTreaty
from foedus.errors import FoedusError, Location
from foedus.evaluate.results import Outcome
from foedus.model.events import Event, Timeline
from foedus.report.json_report import instance_dict, party_dict, plain
from foedus.report.words import TreatyWords, capital, listing, type_words


def _event(e: Event, tw: TreatyWords | None = None) -> dict[str, Any]:
    out = {"id": e.id, "date": e.date.isoformat(), "type": e.type, "actors": list(e.actors),
           "targets": list(e.targets), "attributes": plain(e.attributes), "source": e.source,
           "note": e.note, "where": e.where(), "file": e.file, "line": e.line, "given_title": e.title}
    if tw is not None:
        out["title"] = tw.event(e.id)
    return out


def _changes(changes: Any, tw: TreatyWords | None) -> list[dict[str, Any]]:
    """Changes in words: the reason with events named by their titles."""
    if tw is None:
        return []
    return [{"date": c.date.isoformat(), "before": c.before, "after": c.after, "because": tw.because(c)}
            for c in changes]


def _answer(lc: Any) -> str:
    """The treaty's state as a sentence."""
    said = f"{lc.state}; in force: {'yes' if lc.in_force else 'no'}"
    if lc.ends_on is not None:
        said += f"; ends on {lc.ends_on} ({lc.end_reason})"
    elif lc.expires_on is not None:
        said += f"; expires on {lc.expires_on} unless extended"
    if lc.extension_fixed_since is not None:
        said += f"; the next extension is certain since {lc.extension_fixed_since}"
    return said


def _rule_said(cnorm: Any, tw: TreatyWords) -> dict[str, Any]:
    """A norm's rule in plain words: what triggers it, its deadline, the acts that count."""
    norm = cnorm.norm

    def acts(patterns: Any) -> str | None:
        said = [p.says or type_words(p.on) for p in patterns]
        return "; ".join(said) if said else None

    trigger = None
    if norm.trigger is not None:
        trigger = norm.trigger.says or ("a " + listing([type_words(t) for t in cnorm.trigger_on], "or"))
    deadline = None
    if cnorm.deadline is not None:
        deadline = f"within {cnorm.deadline}" + (" (last day included)" if cnorm.deadline_inclusive else "")
    if cnorm.deadline_until is not None:
        until = cnorm.deadline_until.says or type_words(cnorm.deadline_until.attribute)
        deadline = (deadline + ", and " if deadline else "") + f"no later than {until}"
    silence = {"violation": "no act on record by the deadline: violated",
               "undetermined": "no act on record by the deadline: undetermined (the record is not complete on "
                               "this point)"}
    return {"summary": norm.summary, "triggered by": trigger, "owed": norm.content, "deadline": deadline,
            "fulfilled by": acts(cnorm.fulfilled_by), "honoured by": acts(cnorm.honoured_by),
            "violated by": acts(cnorm.violated_by), "discharged by": acts(cnorm.discharged_by),
            "if the record is silent": silence.get(norm.silence) if cnorm.deadline is not None
            or cnorm.deadline_until is not None else None}


def _check_said(c: Any, tw: TreatyWords | None) -> dict[str, Any]:
    if tw is None:
        return {}
    return {"said": {"event": tw.event(c.event), "why": tw.check(c)}}


def _event_said(item: str, ct: CompiledTreaty, outcome: Outcome, tw: TreatyWords) -> dict[str, Any]:
    """What the treaty made of one event, line by line."""
    lines = []
    for c in outcome.lifecycle.changes:
        if item in c.events:
            lines.append(f"{c.date}: the treaty {c.before} → {c.after} — {tw.because(c)}")
    for i in outcome.instances:
        if i.trigger_event == item:
            lines.append(f"set off {tw.instance(i)} (now {i.state})")
        for f in i.findings:
            if f.event == item:
                lines.append(f"{tw.instance(i)}: {f.verdict} — {tw.finding(f)}")
    for check in outcome.trigger_checks:
        if check.event == item:
            lines.append(f"{capital(tw.norm(check.norm))}: {check.verdict} — {tw.check(check)}")
    for a in outcome.invalid_acts:
        if a.event == item:
            lines.append(f"invalid act: {a.reason}")
    for p in outcome.lifecycle.parties:
        for c in p.history:
            if item in c.events:
                lines.append(f"{c.date}: {p.name} {c.before} → {c.after} — {tw.because(c)}")
    return {"lines": lines}


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


def explain(ct: CompiledTreaty, timeline: Timeline, outcome: Outcome, item: str, tw: TreatyWords | None = None,
            *, timeline_given: bool = True, later: Any = None) -> dict[str, Any]:
    """``item``: a norm instance id, a norm id (all its instances), an event id, a party, or ``treaty``. With
    ``tw`` (the treaty's words), each part also in words, under keys of their own (``subject``, ``title``,
    ``said``, ``…_said``); ``timeline_given`` and ``later`` as for the status (``not_in_force``)."""
    data = _explain(ct, timeline, outcome, item, tw)
    if tw is not None:
        found = tw.not_in_force(outcome.lifecycle, timeline_given, later)
        data["not_in_force"] = found.record() if found is not None else None
    return data


def _explain(ct: CompiledTreaty, timeline: Timeline, outcome: Outcome, item: str,
             tw: TreatyWords | None) -> dict[str, Any]:
    events = {e.id: e for e in timeline.events}
    reading = {"name": outcome.reading, "choices": outcome.choices}

    def ev(eid: str) -> dict[str, Any]:
        return _event(events[eid], tw)

    if item == "treaty":
        lc = outcome.lifecycle
        used = sorted({eid for c in lc.changes for eid in c.events} | {n.event for n in lc.notices}
                      | {eid for p in lc.parties for c in p.history for eid in c.events})
        return {
            "item": "treaty", "as_of": outcome.as_of.isoformat(), "reading": reading,
            "subject": ct.treaty.short_title or ct.treaty.title,
            "answer": {"state": lc.state, "in_force": lc.in_force, "ends_on": plain(lc.ends_on),
                       "expires_on": plain(lc.expires_on), "end_reason": lc.end_reason,
                       "extension_fixed_since": plain(lc.extension_fixed_since)},
            "answer_said": _answer(lc),
            "term_set_by": _term_set_by(ct, outcome),
            "events": sorted((ev(e) for e in used if e in events), key=lambda x: (x["date"], x["line"] or 0, x["id"])),
            "rule": {"lifecycle": plain(ct.lifecycle), "terms": plain(lc.terms), "notices": plain(lc.notices)},
            "versions": plain(lc.versions),
            "parties": [{**party_dict(p), "history": plain(p.history)} for p in lc.parties],
            "changes": plain(lc.changes),
            "changes_said": _changes(lc.changes, tw),
            "article": _article(ct, ct.lifecycle.article),
        }
    party = outcome.lifecycle.party(item) or outcome.lifecycle.party(ct.registry.canonical(item) or "")
    if party is not None:
        used = sorted({eid for c in party.history for eid in c.events})
        return {"item": item, "as_of": outcome.as_of.isoformat(), "reading": reading, "subject": party.name,
                "party": {**party_dict(party), "history": plain(party.history)},
                "history_said": _changes(party.history, tw),
                "invalid_said": [f"{tw.event(a.event)}: {a.reason}" for a in outcome.invalid_acts
                                 if a.actor == party.party] if tw is not None else [],
                "events": sorted((ev(e) for e in used if e in events),
                                 key=lambda x: (x["date"], x["line"] or 0, x["id"])),
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
            entry: dict[str, Any] = {"instance": instance_dict(inst, tw),
                                     "events": [ev(e) for e in seen if e in events],
                                     "rule": rule, "article": _article(ct, inst.article)}
            if tw is not None:
                entry["rule_said"] = _rule_said(cnorm, tw)
                entry["history_said"] = _changes(inst.history, tw)
                if inst.trigger_event and inst.trigger_event in events:
                    entry["says"] = "set off by " + tw.event(inst.trigger_event)
            out.append(entry)
        checks = [c for c in outcome.trigger_checks if c.norm == item]
        subject = tw.instance(instances[0]) if tw is not None and len(instances) == 1 and instances[0].id == item \
            else (tw.norm(item, instances[0].article) if tw is not None else item)
        return {"item": item, "as_of": outcome.as_of.isoformat(), "reading": reading, "instances": out,
                "subject": capital(subject),
                "trigger_checks": [dict(plain(c), **_check_said(c, tw)) for c in checks]}
    checks = [c for c in outcome.trigger_checks if c.norm == item]
    if checks or any(n.id == item for n in ct.norms):
        cnorm = next(n for n in ct.norms if n.id == item)
        answer = "no instance as of this date" + ("" if cnorm.exists else " (the reading removes this norm)")
        if cnorm.trigger_on and not checks:
            answer += ": no " + listing([type_words(t) for t in cnorm.trigger_on], "or") + " on record sets it off"
        return {"item": item, "as_of": outcome.as_of.isoformat(), "reading": reading, "instances": [],
                "subject": capital(tw.norm(item, cnorm.norm.article)) if tw is not None else item,
                "answer": answer,
                "trigger_checks": [dict(plain(c), event_detail=ev(c.event), **_check_said(c, tw)) for c in checks
                                   if c.event in events],
                "rule": {"norm": cnorm.id, "trigger": cnorm.trigger_when.text if cnorm.trigger_when else None},
                "article": _article(ct, cnorm.norm.article)}
    if item in events:
        return {
            "item": item, "as_of": outcome.as_of.isoformat(), "reading": reading, "event": ev(item),
            "subject": tw.event(item) if tw is not None else item,
            "said": _event_said(item, ct, outcome, tw) if tw is not None else {},
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
