"""Every alliance model evaluated by the engine against the record, and one row per invoked obligation.

How a model is evaluated
------------------------
Each model is compiled under the reading (the words that name its reading points; the others keep
their defaults) and evaluated by :func:`foedus.evaluate.run.evaluate` — the same function behind
``foedus run`` and ``foedus world status`` — as of the day after the last day the record names.
It is evaluated only on the events that can concern it: those of the record that name one of its
members (as actor or target), of a type one of its norms (existing under the reading) reacts to or
a lifecycle rule acts on, and dated while it is in force. Leaving the others out changes nothing:
the engine skips an event whose type no norm and no rule reacts to, and before entry into force or
after the end no duty is open (``test_reliability.py`` checks the outcome against evaluation on the
whole record). For the same reason it is compiled with the norms that exist under the reading and can
react to some event of the record: a standing norm whose acts the record never holds (no other
alliance, economic aid) would only stand there, and a norm the reading removes is never evaluated. A
model none of whose members has such an event is not evaluated at all: it can have no invocation.
Relations between states (``at_war``, ``allied``) come from the whole record.

What is a row
-------------
* a triggered obligation (defence, offence, neutrality, consultation): one row per norm instance,
  that is per (bearer, partner, triggering event) — the engine's own instance;
* non-aggression, a standing prohibition: one row per act of the bearer the engine weighed against it
  (breach, honour or undetermined) and per other member it fought in that act.

The outcome is read off the engine's state, by one table (``OUTCOMES``); the explanation quotes the
engine's reason and the record's event notes. An invocation the record cannot establish (a trigger
*undetermined*, e.g. a location condition that the record cannot check) is not a row: it is listed in
``Judgement.uncertain``, with what could not be told.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from foedus.compile.compiler import CompiledTreaty, compile_treaty, trigger_types
from foedus.compile.conditions import ConditionCompiler, Context
from foedus.compile.states import StateRegistry
from foedus.errors import FoedusError, Location
from foedus.evaluate.relations import TimelineFacts
from foedus.evaluate.results import NormInstance, Outcome, TriggerCheck
from foedus.model.events import Event, Timeline
from foedus.model.general_law import reading_points
from foedus.model.treaty import Norm, Treaty
from foedus.reliability.record import Record, conflict_id, conflict_name

__all__ = ["OBLIGATIONS", "OUTCOMES", "READINGS", "Judgement", "Row", "Uncertain", "evaluate_model", "judge",
           "model_reading"]

OBLIGATIONS = ("defence", "offence", "neutrality", "non_aggression", "consultation")
_JOINED = ("war_joined", "dispute_joined")

# Named readings of the reliability tables: shorthands for choices at the reading points the ATOP models
# declare (each model takes the choices at the points it has).
READINGS: dict[str, tuple[str, ...]] = {
    "default": (),
    "conditions-met": ("adversary-condition=met", "location-condition=met", "conflict-condition=met",
                       "number-condition=met", "demands-condition=met", "provocation-condition=met",
                       "request-condition=met", "defence-condition=met", "offence-condition=met",
                       "neutrality-condition=met", "consultation-condition=met"),
    "late-entry-counts": ("late-entry=counted",),
    "within-30-days": ("join-window=30-days",),
    "within-90-days": ("join-window=90-days",),
    "within-365-days": ("join-window=365-days",),
    "all-adversaries": ("adversaries=all",),
    "uses-of-force": ("conflicts=force",),
    "all-disputes": ("conflicts=disputes",),
    "aggressor-only": ("nonagg-fighting=aggressor",),
}

# (norm kind, engine state) -> (outcome, what it means in words)
OUTCOMES: dict[tuple[str, str], tuple[str, str]] = {
    ("obligation", "fulfilled"): ("honoured", "fulfilled"),
    ("obligation", "violated"): ("violated", "violated"),
    ("obligation", "undetermined"): ("not determinable", "the record cannot tell"),
    ("obligation", "discharged"): ("not determinable", "the duty ended (the alliance, or a membership, ended) "
                                                       "before the record shows the ally's choice"),
    ("obligation", "expired"): ("not determinable", "the duty ended before the record shows the ally's choice"),
    ("obligation", "active"): ("not determinable", "still open at the end of the record"),
    ("obligation", "suspended"): ("not determinable", "suspended"),
    ("prohibition", "violated"): ("violated", "violated"),
    ("prohibition", "discharged"): ("honoured", "kept until the partner left the conflict"),
    ("prohibition", "expired"): ("honoured", "kept while the ally was bound"),
    ("prohibition", "active"): ("not determinable", "still open at the end of the record"),
    ("prohibition", "suspended"): ("not determinable", "suspended"),
}
_FINDINGS = {"breached": "violated", "honoured": "honoured", "undetermined": "not determinable"}
_FIRMNESS = {"breached": 0, "honoured": 1, "undetermined": 2}


@dataclass(frozen=True)
class Row:
    """One invoked obligation and what the ally did (module docstring, "What is a row")."""

    row_id: str
    alliance: str
    alliance_name: str
    atopid: int | None
    bilateral: bool
    members: int
    obligation: str
    norm: str
    phase: str | None
    bearer: str
    bearer_name: str
    partner: str
    partner_name: str
    record: str  # war | dispute
    conflict: str
    conflict_name: str
    invoked_on: date
    date_precision: str
    conditions: str
    outcome: str  # honoured | violated | not determinable
    state: str  # the engine's state of the duty
    explanation: str
    evidence: str  # the ids of the events that invoked and decided it
    source: str  # the record's citation of the invoking event
    reading: str


@dataclass(frozen=True)
class Uncertain:
    """An event that may invoke an obligation, but the record cannot tell: the parts of the trigger that are
    unknown (in the model's words) and those that hold."""

    alliance: str
    norm: str
    obligation: str
    partner: str
    partner_name: str
    conflict: str
    conflict_name: str
    date: date
    event: str
    unknown: str
    reading: str


@dataclass
class Judgement:
    """The rows, the uncertain invocations, and per alliance evaluated its outcome (for explanations)."""

    reading: str
    choices: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    uncertain: list[Uncertain] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    compiled: dict[str, CompiledTreaty] = field(default_factory=dict)
    evaluated: int = 0
    skipped: int = 0
    events_used: int = 0


# --- readings ----------------------------------------------------------------------------------------------


def explicit_choices(words: Sequence[str] | None) -> tuple[str, ...]:
    """The ``point=option`` words given as such (not through a named reading)."""
    return tuple(w.strip() for w in words or () if "=" in w)


def expand_reading(words: Sequence[str] | None) -> tuple[str, ...]:
    """Reading words (the names in ``READINGS`` and ``point=option``) as ``point=option`` choices, in order."""
    out: list[str] = []
    for word in words or ():
        word = word.strip()
        if not word:
            continue
        if "=" in word:
            point, _, option = word.partition("=")
            out.append(f"{point.strip()}={option.strip()}")
        elif word in READINGS:
            out += READINGS[word]
        else:
            raise FoedusError(f"unknown reading {word!r}", where=Location("--reading"),
                              expected="one of " + ", ".join(READINGS) + ", or POINT=OPTION")
    return tuple(out)


def reading_label(words: Sequence[str] | None) -> str:
    named = [w.strip() for w in words or () if w.strip()]
    return "+".join(named) if named else "default"


def model_reading(model: Treaty, choices: Sequence[str]) -> list[str]:
    """The choices that concern ``model``: those at the reading points it declares (general law included)."""
    points = {p.id: p for p in reading_points(model)}
    out = []
    for choice in choices:
        if choice.partition("=")[0] in points:
            out.append(choice)
    return out


def check_choices(models: Iterable[Treaty], choices: Sequence[str], explicit: Sequence[str] = ()) -> tuple[str, ...]:
    """The choices that some model declares: every ``explicit`` one must name a point some model declares, and
    an option of it (a named reading's choices at points no model has are left out)."""
    known: dict[str, set[str]] = defaultdict(set)
    for model in models:
        for p in reading_points(model):
            known[p.id] |= set(p.options)
    for choice in explicit:
        point, _, option = choice.partition("=")
        if point not in known:
            raise FoedusError(f"no alliance has the reading point {point!r}", where=Location("--reading"),
                              expected="a point `foedus reliability readings` lists")
        if option not in known[point]:
            raise FoedusError(f"{option!r} is not an option of {point!r}", where=Location("--reading"),
                              expected="one of " + ", ".join(sorted(known[point])))
    return tuple(c for c in choices if c.partition("=")[0] in known)


# --- which events concern a model ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _lifecycle_types() -> frozenset[str]:
    from foedus.evaluate.rules import RULES
    from foedus.model.events import vocabulary

    vocab = vocabulary()
    return frozenset(r.on for r in RULES if r.on in vocab)


def _existing(model: Treaty, choices: dict[str, str], registry: StateRegistry,
              cache: dict[tuple[str, tuple[tuple[str, str], ...]], bool] | None = None) -> list[Norm]:
    """The model's norms that exist under the choices (``applies_when``, a condition on the reading alone),
    without compiling the model; ``cache`` keeps each condition's answer per choices."""
    out = []
    key = tuple(sorted(choices.items()))
    for norm in model.norms:
        if norm.applies_when:
            found = cache.get((norm.applies_when, key)) if cache is not None else None
            if found is None:
                points = {p.id: set(p.options) for p in reading_points(model)}
                cc = ConditionCompiler(model.id, tuple(p.id for p in model.parties), registry, points,
                                       Location(model.id))
                test = cc.compile(norm.applies_when, set())
                found = bool(test(Context(date=date.min, facts=TimelineFacts(), parties=(), reading=choices)))
                if cache is not None:
                    cache[(norm.applies_when, key)] = found
            if not found:
                continue
        out.append(norm)
    return out


def _reacting_types(norms: Iterable[Norm]) -> set[str]:
    types: set[str] = set()
    for norm in norms:
        types.update(trigger_types(norm))
        for patterns in (norm.fulfilled_by, norm.honoured_by, norm.violated_by, norm.discharged_by, norm.ends_with):
            types.update(p.on for p in patterns)
        if norm.kind == "power" and norm.category in ("notice", "withdrawal"):
            types.add("notice_of_denunciation" if norm.category == "notice" else "withdrawal")
    return types


# Norms that act on the treaty's own life (a power of notice or withdrawal): kept whatever the record holds.
_LIFECYCLE_CATEGORIES = frozenset({"notice", "withdrawal"})


class _Index:
    """The record's events by (state, type), as positions in the timeline, and the types it has."""

    def __init__(self, events: Sequence[Event]):
        self.events = events
        by: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, e in enumerate(events):
            for s in {*e.actors, *e.targets}:
                by[(s, e.type)].append(i)
        self.by = by
        self.types = frozenset(e.type for e in events)

    def select(self, states: Iterable[str], types: Iterable[str], start: date | None, end: date | None) -> list[Event]:
        positions: set[int] = set()
        for s in states:
            for t in types:
                positions.update(self.by.get((s, t), ()))
        out = [self.events[i] for i in sorted(positions)]
        return [e for e in out if (start is None or e.date >= start) and (end is None or e.date <= end)]


def _window(model: Treaty) -> tuple[date | None, date | None]:
    """The days the model can be in force, from what it records (imported models): no events outside them
    can bear on a duty. None: not known without evaluation (a hand-written model), no bound."""
    lc = model.lifecycle
    start = lc.entry_into_force_on if lc.entry_into_force == "fixed_date" and isinstance(
        lc.entry_into_force_on, date) else None
    end = lc.ended_on if isinstance(lc.ended_on, date) else None
    return start, end


# --- evaluation -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluated:
    """One model evaluated on the record: compiled under the reading, its outcome, the events used."""

    compiled: CompiledTreaty
    outcome: Outcome
    events: tuple[Event, ...]


def evaluate_model(model: Treaty, record: Record, choices: Sequence[str], *, index: _Index | None = None,
                   facts: TimelineFacts | None = None, registry: StateRegistry | None = None,
                   cache: dict[tuple[str, tuple[tuple[str, str], ...]], bool] | None = None) -> Evaluated | None:
    """The model's outcome on the record under the choices, evaluated on the events that concern it (module
    docstring); None when no event concerns it."""
    from foedus.evaluate.run import bind_timeline, evaluate

    index = index or _Index(record.events)
    base = registry or _registry(record)
    mine = model_reading(model, choices)
    chosen = dict(p.split("=", 1) for p in mine)
    defaults = {p.id: p.default for p in reading_points(model)}
    # The norms that exist under the reading and can react to an event of the record (a standing norm whose
    # acts the record never has, e.g. no other alliance or economic aid, would only stand there): compiling
    # the others would change no outcome of these.
    norms = [n for n in _existing(model, {**defaults, **chosen}, base, cache)
             if _reacting_types([n]) & index.types or n.category in _LIFECYCLE_CATEGORIES]
    types = _reacting_types(norms) | _lifecycle_types()
    fast = all(base.canonical(p.id) == p.id and (p.cow is None or base.canonical(f"cow:{p.cow}") == p.id)
               for p in model.parties)
    members = [p.id for p in model.parties] if fast else _record_ids(model, base)
    start, end = _window(model)
    events = index.select(members, types, start, end)
    if not events:
        return None
    # Compiled with the norms that exist under the reading only: the others would be compiled and never
    # evaluated (the engine keeps only existing norms), so the outcome is the same.
    model = model.model_copy(update={"norms": norms})
    if fast:
        ct = compile_treaty(model, mine, registry=_copy(base))
        timeline = Timeline(id=record.timeline.id, description="", events=tuple(events), states=record.states)
    else:
        ct = compile_treaty(model, mine)
        timeline = bind_timeline(ct, Timeline(id=record.timeline.id, description="", events=tuple(events),
                                              states=record.states))
    outcome = evaluate(ct, timeline, record.as_of, facts or TimelineFacts.from_events(record.events))
    return Evaluated(ct, outcome, timeline.events)


def _registry(record: Record) -> StateRegistry:
    registry = StateRegistry()
    for state in record.states.values():
        registry.add(state)
    return registry


def _copy(registry: StateRegistry) -> StateRegistry:
    return StateRegistry(by_name=dict(registry.by_name), by_key=dict(registry.by_key))


def _record_ids(model: Treaty, registry: StateRegistry) -> list[str]:
    """The record's ids of a model's parties (by COW code, else by name)."""
    out = []
    for p in model.parties:
        found = registry.canonical(f"cow:{p.cow}") if p.cow is not None else registry.canonical(p.id)
        out.append(found or p.id)
    return out


def judge(models: Sequence[Treaty], record: Record, reading: Sequence[str] | None = None) -> Judgement:
    """Evaluate every model on the record under ``reading`` (names in ``READINGS`` and ``point=option``);
    one row per invoked obligation (module docstring)."""
    choices = check_choices(models, expand_reading(reading), explicit_choices(reading))
    if not record.has_disputes and any(c.startswith("conflicts=") and not c.endswith("=wars") for c in choices):
        raise FoedusError("this reading admits disputes, but no MID files were given", where=Location("--reading"),
                          expected="--mida and --midb (or a data folder with mid/)")
    if not record.dispute_events and any(c.startswith("conflicts=") and not c.endswith("=wars") for c in choices):
        raise FoedusError("this reading admits disputes, but the record was read without their events",
                          where=Location("--reading"), expected="load_record(files) with dispute_events=True")
    label = reading_label(reading)
    out = Judgement(reading=label, choices=choices)
    index = _Index(record.events)
    base = _registry(record)
    facts = TimelineFacts.from_events(record.events)
    cache: dict[tuple[str, tuple[tuple[str, str], ...]], bool] = {}
    for model in models:
        result = evaluate_model(model, record, choices, index=index, facts=facts, registry=base, cache=cache)
        if result is None:
            out.skipped += 1
            continue
        ct, outcome = result.compiled, result.outcome
        out.evaluated += 1
        out.events_used += len(result.events)
        out.outcomes[model.id] = outcome
        out.compiled[model.id] = ct
        out.rows += rows_of(ct, outcome, record, label)
        out.uncertain += uncertain_of(ct, outcome, record, label)
    return out


# --- rows --------------------------------------------------------------------------------------------------


def rows_of(ct: CompiledTreaty, outcome: Outcome, record: Record, reading: str) -> list[Row]:
    """The rows of one evaluated model (module docstring, "What is a row")."""
    model = ct.treaty
    by_id = record.by_id
    norms = {cn.id: cn.norm for cn in ct.norms}
    head = _Head(model, ct)
    rows: list[Row] = []
    # A standing duty gets a new instance each time its bearer is bound again; the engine weighs the earlier
    # (ended) ones too, so an act counts for the latest instance made on or before its day.
    latest: dict[tuple[str, str], list[NormInstance]] = defaultdict(list)
    for inst in outcome.instances:
        if inst.trigger_event is None:
            latest[(inst.norm, inst.bearer)].append(inst)
    for inst in outcome.instances:
        if inst.category not in OBLIGATIONS:
            continue
        norm = norms[inst.norm]
        if inst.trigger_event is not None:
            trigger = by_id.get(inst.trigger_event)
            if trigger is None or trigger.type not in _JOINED:
                continue
            rows.append(_triggered_row(head, norm, inst, trigger, by_id, record, reading))
        else:
            rows += _standing_rows(head, norm, inst, outcome, by_id, record, reading, latest[(inst.norm, inst.bearer)])
    return rows


@dataclass(frozen=True)
class _Head:
    """What every row of one model repeats."""

    model: Treaty
    ct: CompiledTreaty

    @property
    def atopid(self) -> int | None:
        value = self.model.source.dataset_id
        return int(value) if self.model.source.dataset == "ATOP" and value and value.isdigit() else None

    @property
    def name(self) -> str:
        return self.model.title

    def display(self, sid: str) -> str:
        return self.ct.registry.display(sid)


def _phase(norm: Norm) -> str | None:
    match = re.search(r"ATOP phase (\d+)( to (\d+))?", norm.summary)
    if match is None:
        return None
    return f"phase {match[1]}" + (f" to {match[3]}" if match[3] else "")


def _kind(e: Event) -> str:
    return "war" if e.type.startswith("war_") else "dispute"


def _triggered_row(head: _Head, norm: Norm, inst: NormInstance, trigger: Event, by_id: dict[str, Event],
                   record: Record, reading: str) -> Row:
    outcome, meaning = OUTCOMES.get((inst.kind, inst.state), ("not determinable", inst.state))
    partner = trigger.actor or ""
    last = inst.history[-1] if inst.history else None
    deciding = [e for e in (last.events if last else ()) if e != trigger.id]
    words = _explain(head, inst, trigger, outcome, meaning, by_id)
    return Row(
        row_id=f"{head.model.id}:{inst.id}", alliance=head.model.id, alliance_name=head.name, atopid=head.atopid,
        bilateral=len(head.model.parties) == 2, members=len(head.model.parties), obligation=inst.category,
        norm=inst.norm, phase=_phase(norm), bearer=inst.bearer, bearer_name=head.display(inst.bearer),
        partner=partner, partner_name=head.display(partner), record=_kind(trigger),
        conflict=conflict_id(trigger) or "", conflict_name=conflict_name(trigger), invoked_on=trigger.date,
        date_precision=str(trigger.attributes.get("date_precision", "day")), conditions=_conditions(norm, trigger),
        outcome=outcome, state=inst.state, explanation=words,
        evidence=", ".join([trigger.id, *deciding]), source=trigger.source or "", reading=reading)


def _standing_rows(head: _Head, norm: Norm, inst: NormInstance, outcome: Outcome, by_id: dict[str, Event],
                   record: Record, reading: str, siblings: list[NormInstance]) -> list[Row]:
    rows = []
    lc = outcome.lifecycle
    # One act may be weighed by two patterns (breach and honour) when the record cannot tell which applies:
    # one row per act, the firmest verdict first.
    chosen: dict[str, Any] = {}
    for f in inst.findings:
        firmer = f.event not in chosen or _FIRMNESS.get(f.verdict, 9) < _FIRMNESS[chosen[f.event].verdict]
        if f.verdict in _FINDINGS and firmer:
            chosen[f.event] = f
    for f in inst.findings:
        if chosen.get(f.event) is not f:
            continue
        live = max((i for i in siblings if i.created_on <= f.date), key=lambda i: i.created_on, default=None)
        if live is not inst:
            continue
        e = by_id.get(f.event)
        if e is None or e.type not in _JOINED:
            continue
        opponents = e.attributes.get("opponents") or []
        partners = [s for s in (opponents if isinstance(opponents, list) else [opponents])
                    if (party := lc.party(s)) is not None and party.bound_on(e.date) and s != inst.bearer]
        for partner in partners:
            result = _FINDINGS[f.verdict]
            rows.append(Row(
                row_id=f"{head.model.id}:{inst.id}:{e.id}:{partner}", alliance=head.model.id,
                alliance_name=head.name, atopid=head.atopid, bilateral=len(head.model.parties) == 2,
                members=len(head.model.parties), obligation=inst.category, norm=inst.norm, phase=_phase(norm),
                bearer=inst.bearer, bearer_name=head.display(inst.bearer), partner=partner,
                partner_name=head.display(partner), record=_kind(e), conflict=conflict_id(e) or "",
                conflict_name=conflict_name(e), invoked_on=e.date,
                date_precision=str(e.attributes.get("date_precision", "day")),
                conditions="the member fights another member" + (
                    " (on the side opposite the initiator)" if e.attributes.get("against_initiator") is True else
                    " (on the initiator's side)" if e.attributes.get("against_initiator") is False else ""),
                outcome=result, state=f.verdict,
                explanation=f"{head.display(inst.bearer)} and {head.display(partner)} fight each other in "
                            f"{conflict_name(e)}: {f.says}. {e.note or ''}".strip(),
                evidence=e.id, source=e.source or "", reading=reading))
    return rows


_PART_WORDS = {
    "party(event.actor)": "the partner is a member on the day",
    "event.against_initiator == true": "it enters on the side opposite the initiator (attacked)",
    "event.initiator == true": "it initiates",
    "not includes_all(parties, event.targets)": "it fights a state outside the alliance",
    "event.dispute_hostility <= 4": "the dispute stays below war",
    "(reading('conflicts') == 'disputes' or event.dispute_hostility == 4)": "the reading admits the dispute",
}


def _conditions(norm: Norm, trigger: Event) -> str:
    """The trigger's conditions, checked on the invoking event, in words."""
    from foedus.compile.compiler import split_and

    if norm.trigger is None or not norm.trigger.when:
        return ""
    out = []
    for part in split_and(norm.trigger.when):
        if part in _PART_WORDS:
            out.append(_PART_WORDS[part])
        elif part.endswith("in event.targets"):
            out.append("it fights " + part.removesuffix(" in event.targets").strip("[]").replace("'", ""))
        elif part.startswith("party != "):
            continue
        elif "-condition" in part:
            point = re.search(r"reading\('([^']+)'\)", part)
            out.append(f"{point[1] if point else part} taken as met")
        else:
            out.append(part)
    return "; ".join(out)


def _explain(head: _Head, inst: NormInstance, trigger: Event, outcome: str, meaning: str,
             by_id: dict[str, Event]) -> str:
    bearer, partner = head.display(inst.bearer), head.display(trigger.actor or "")
    war = conflict_name(trigger)
    last = inst.history[-1] if inst.history else None
    because = last.because if last else meaning
    deciding = next((by_id[e] for e in (last.events if last else ()) if e in by_id and e != trigger.id), None)
    text = f"{partner} enters {war} on {trigger.date}; {bearer}: {because}"
    if deciding is not None and deciding.note:
        text += f" ({deciding.note.rstrip('.')})"
    if (outcome == "not determinable" and inst.state != "undetermined") or inst.kind == "prohibition":
        text += f" — {meaning}"
    undetermined = [f.says for f in inst.findings if f.verdict == "undetermined"]
    if undetermined:
        text += "; " + "; ".join(undetermined)
    return text + "."


def uncertain_of(ct: CompiledTreaty, outcome: Outcome, record: Record, reading: str) -> list[Uncertain]:
    """The trigger checks the record cannot settle, for the events that would invoke an obligation."""
    by_id = record.by_id
    categories = {cn.id: cn.norm.category for cn in ct.norms}
    out = []
    for check in outcome.trigger_checks:
        if check.verdict != "undetermined" or categories.get(check.norm) not in OBLIGATIONS:
            continue
        e = by_id.get(check.event)
        if e is None:
            continue
        out.append(Uncertain(
            alliance=ct.id, norm=check.norm, obligation=categories[check.norm], partner=e.actor or "",
            partner_name=ct.registry.display(e.actor or ""), conflict=conflict_id(e) or "",
            conflict_name=conflict_name(e), date=e.date, event=e.id, unknown=_unknown_words(check), reading=reading))
    return out


def _unknown_words(check: TriggerCheck) -> str:
    out = []
    for part in check.unknown_parts:
        point = re.search(r"reading\('([^']+)'\)", part)
        out.append(f"{point[1]} (not in the record)" if point else part)
    return "; ".join(out)
