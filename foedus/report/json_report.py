"""Outcomes as JSON-ready dicts. Keys are stable and sorted; dates are ISO strings, so the same
inputs give byte-identical JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from foedus.evaluate.results import Change, Finding, NormInstance, Outcome, PartsLater, PartyResult
from foedus.report.words import term_words

if TYPE_CHECKING:
    from foedus.report.words import TreatyWords


def plain(value: Any) -> Any:
    """JSON-ready values: dates as ISO strings, records as dicts (field by field, nothing copied twice)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, date):
        return value.isoformat()
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None and not isinstance(value, type):
        return {name: plain(getattr(value, name)) for name in fields}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | PartsLater):
        return [plain(v) for v in value]
    return value


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def change_dict(c: Change) -> dict[str, Any]:
    return {"date": c.date.isoformat(), "subject": c.subject, "before": c.before, "after": c.after,
            "because": c.because, "events": list(c.events), "article": c.article}


def change_order(c: Change) -> tuple[date, int, str]:
    """Changes in date order; on one day the treaty's, then its term's, then each duty's."""
    return (c.date, {"treaty": 0, "term": 1}.get(c.subject, 2), c.subject)


def finding_dict(f: Finding, tw: TreatyWords | None = None) -> dict[str, Any]:
    return {"date": f.date.isoformat(), "event": f.event, "verdict": f.verdict, "says": f.says,
            **({"act": f.act, "unknown": plain(f.unknown)} if f.act or f.unknown else {}),
            **({"sentence": tw.finding(f), "event_title": tw.event(f.event)} if tw is not None else {})}


def instance_dict(i: NormInstance, tw: TreatyWords | None = None,
                  memo: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    """A norm instance; with ``tw``, also its duty in words (``label``) and each finding's sentence. ``memo``:
    the dicts of findings and changes already rendered, by the id of the record (records never change; a
    prepared session's history shares them between dates, and so do the dicts)."""
    if memo is None:
        history = [change_dict(c) for c in i.history]
        findings = [finding_dict(f, tw) for f in i.findings]
    else:
        history = [memo.get(id(c)) or memo.setdefault(id(c), change_dict(c)) for c in i.history]
        findings = [memo.get(id(f)) or memo.setdefault(id(f), finding_dict(f, tw)) for f in i.findings]
    out = {
        "id": i.id, "norm": i.norm, "kind": i.kind, "article": i.article, "paragraph": i.paragraph,
        "category": i.category, "bearer": i.bearer, "counterparty": i.counterparty, "state": i.state,
        "created_on": i.created_on.isoformat(), "deadline": _iso(i.deadline), "ended_on": _iso(i.ended_on),
        "since": i.since.isoformat(),
        "trigger_event": i.trigger_event, "bindings": dict(i.bindings), "summary": i.summary,
        "history": history, "findings": findings,
    }
    if tw is not None:
        out["label"] = tw.instance(i)
        out["bearer_name"] = tw.names.sentence(i.bearer)
        out["counterparty_name"] = tw.names.sentence(i.counterparty)
    return out


def status_dict(o: Outcome, tw: TreatyWords | None = None, *, timeline_given: bool = True,
                later: date | None = None, whole: Mapping[int, dict[str, Any]] | None = None,
                memo: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The status as of the date: the fields scripts rely on, and the detail behind them. With ``tw`` (the
    treaty's words), also what is said on the terminal: each duty's ``label``, the term's ``name`` and,
    when its entry into force waits for acts the record lacks, ``not_in_force`` (``later``: the day the
    record brings it into force after the date; ``timeline_given``: whether any timeline was given).
    ``whole``: the dicts of instances known not to change, by the id of their record (a prepared
    session's history), rendered with the same ``tw``."""
    lc = o.lifecycle
    term = lc.current_term
    next_deadline = None
    if lc.in_force:
        candidates = [d for d in (lc.notice_deadline, lc.expires_on) if d is not None and d >= o.as_of]
        candidates += [i.deadline for i in o.instances if i.state == "active" and i.deadline is not None
                       and i.deadline >= o.as_of]
        next_deadline = min(candidates) if candidates else None
    return {
        "treaty": o.treaty,
        "title": o.title,
        "as_of": o.as_of.isoformat(),
        "reading": o.reading,
        "choices": o.choices,
        "state": lc.state,
        "in_force": lc.in_force,
        "signed_on": plain(lc.signed_on),
        "entry_into_force": plain(lc.entry_into_force),
        "current_term": None if term is None else {
            "number": term.number, "start": plain(term.start), "end": plain(term.end),
            "notice_deadline": plain(term.notice_deadline), "name": term_words(term.number)},
        "expires_on": plain(lc.expires_on),
        "ends_on": plain(lc.ends_on),
        "end_reason": lc.end_reason,
        "notice_deadline": plain(lc.notice_deadline),
        "notice_deadline_inclusive": lc.notice_inclusive,
        "next_deadline": plain(next_deadline),
        "norms": [instance_dict(i, tw, memo) for i in o.instances] if whole is None
        else [whole.get(id(i)) or instance_dict(i, tw, memo) for i in o.instances],
        "invalid_acts": plain(o.invalid_acts),
        "parties": [party_dict(p) for p in lc.parties],
        "extension_fixed_since": plain(lc.extension_fixed_since),
        "entry_pending": lc.entry_pending,
        "record_silent": lc.record_silent,
        "end_kind": lc.end_kind,
        "ended_outside_clauses": lc.ended_outside_clauses,
        "lifecycle_version": plain(lc.versions[-1]) if lc.versions else None,
        "entry_missing": list(lc.entry_missing),
        **(_words(o, tw, timeline_given, later) if tw is not None else {}),
    }


def _words(o: Outcome, tw: TreatyWords, timeline_given: bool, later: date | None) -> dict[str, Any]:
    """What the terminal says, in the JSON too."""
    found = tw.not_in_force(o.lifecycle, timeline_given, later)
    return {"short_title": tw.title, "not_in_force": found.record() if found is not None else None,
            "invalid_acts_said": [f"{tw.event(a.event)}: {a.reason}" for a in o.invalid_acts]}


def party_dict(p: PartyResult) -> dict[str, Any]:
    """One party's state: the fields scripts rely on (party, state, bound_from, bound_until, reason)."""
    return {
        "party": p.party, "name": p.name, "state": p.state, "bound_from": plain(p.bound_from),
        "bound_until": plain(p.bound_until), "reason": p.reason, "signed_on": plain(p.signed_on),
        "consented_on": plain(p.consented_on), "bound": plain([list(span) for span in p.intervals]),
    }


def run_dict(o: Outcome, tw: TreatyWords | None = None, *, timeline_given: bool = True,
             later: date | None = None) -> dict[str, Any]:
    """Everything a run found: lifecycle, every change in date order, every instance and check. With ``tw``,
    each change and check also in words (``says``)."""
    lc = o.lifecycle
    changes = sorted(o.changes(), key=change_order)
    out = status_dict(o, tw, timeline_given=timeline_given, later=later)
    out.update({
        "lifecycle": {
            "ratifications": plain(dict(sorted(lc.ratifications.items()))),
            "exchange_of_instruments": {"date": plain(lc.exchange_on), "place": lc.exchange_at},
            "terms": plain(lc.terms),
            "term_info": plain(lc.term_info),
            "notices": plain(lc.notices),
            "versions": plain(lc.versions),
            "parties": [{**party_dict(p), "history": plain(p.history)} for p in lc.parties],
        },
        "changes": plain(changes),
        "trigger_checks": plain(o.trigger_checks),
        **(_run_words(o, changes, tw) if tw is not None else {}),
        "events_used": o.events_used,
        "timeline": o.timeline,
    })
    return out


def _run_words(o: Outcome, changes: list[Change], tw: TreatyWords) -> dict[str, Any]:
    instances = {i.id: i for i in o.instances}
    return {
        "changes_said": [{"date": c.date.isoformat(), "subject": tw.subject(c.subject, instances),
                          "because": tw.because(c)} for c in changes],
        "trigger_checks_said": [{"date": c.date.isoformat(), "norm": tw.norm(c.norm), "event": tw.event(c.event),
                                 "verdict": c.verdict, "why": tw.check(c)} for c in o.trigger_checks],
    }


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
