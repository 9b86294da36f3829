"""evaluate(compiled treaty, timeline, as-of date) → Outcome. A pure function: the same inputs give
the same outcome; nothing depends on today's date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from foedus.compile.compiler import CompiledTreaty
from foedus.compile.conditions import Facts
from foedus.errors import FoedusError, Location
from foedus.evaluate.lifecycle import evaluate_lifecycle
from foedus.evaluate.norms import evaluate_norms
from foedus.evaluate.relations import TimelineFacts
from foedus.evaluate.results import Outcome
from foedus.model.events import Event, Timeline, vocabulary


def bind_timeline(ct: CompiledTreaty, timeline: Timeline,
                  treaties: Mapping[str, CompiledTreaty] | None = None) -> Timeline:
    """Check a timeline against the loaded treaties (``ct`` alone unless ``treaties`` are given, which
    share ``ct``'s state registry) and name every state by its canonical id.

    Errors: an unknown state; an act under a treaty dated before that treaty's signature; an act
    under a treaty that is not loaded; a signature date that contradicts the model's."""
    registry = ct.registry
    for state in timeline.states.values():
        registry.add(state)
    known = treaties or {ct.id: ct}
    vocab = vocabulary()
    signed_on = {tid: t.treaty.signed.date for tid, t in known.items() if t.treaty.signed}
    out: list[Event] = []

    def canon(name: str, e: Event, role: str) -> str:
        c = registry.canonical(name)
        if c is None:
            raise FoedusError(f"unknown state {name!r} as {role} of {e.type}", where=Location(e.file or "", e.line),
                              expected="a party (" + ", ".join(ct.parties) + ") or a state declared under `states:`")
        return c

    for e in timeline.events:
        if e.treaty is not None and vocab[e.type].scope == "act" and e.treaty not in known:
            raise FoedusError(f"{e.type} refers to treaty {e.treaty!r}, which is not loaded",
                              where=Location(e.file or "", e.line), expected="one of " + ", ".join(sorted(known)))
        signed = signed_on.get(e.treaty) if e.treaty is not None and vocab[e.type].scope == "act" else None
        if signed is not None and e.date < signed:
            raise FoedusError(f"{e.type} dated {e.date}, before the treaty's signature on {signed}",
                              where=Location(e.file or "", e.line), expected=f"a date on or after {signed}")
        if e.type == "signature" and signed is not None and e.date != signed:
            raise FoedusError(f"signature dated {e.date}, but the treaty records its signature on {signed}",
                              where=Location(e.file or "", e.line), expected=f"{signed}")
        attributes = dict(e.attributes)
        for key, attribute in vocab[e.type].attributes.items():  # state attributes, typed by the vocabulary
            if key in attributes and attribute.type in ("state", "states"):
                value = attributes[key]
                attributes[key] = canon(value, e, key) if attribute.type == "state" else [canon(v, e, key)
                                                                                         for v in value]
        out.append(Event(id=e.id, date=e.date, type=e.type,
                         actors=tuple(canon(a, e, "actor") for a in e.actors),
                         targets=tuple(canon(t, e, "target") for t in e.targets),
                         treaty=e.treaty, attributes=attributes, source=e.source, note=e.note,
                         line=e.line, file=e.file))
    return Timeline(id=timeline.id, description=timeline.description, events=tuple(out),
                    states=timeline.states, file=timeline.file, hypothetical=timeline.hypothetical)


def evaluate(ct: CompiledTreaty, timeline: Timeline, as_of: date, facts: Facts | None = None) -> Outcome:
    """The treaty's state as of ``as_of``, from the events dated on or before it.

    ``timeline`` must have been bound with :func:`bind_timeline`."""
    events = timeline.up_to(as_of)
    if facts is None:
        facts = TimelineFacts.from_events(events)
    lifecycle, invalid = evaluate_lifecycle(ct, events, as_of)
    instances, checks = evaluate_norms(ct, events, lifecycle, facts, as_of)
    return Outcome(
        treaty=ct.id, title=ct.treaty.short_title or ct.treaty.title, reading=ct.reading.name,
        choices=ct.reading.as_dict(), as_of=as_of, lifecycle=lifecycle, instances=instances,
        trigger_checks=checks, invalid_acts=invalid, events_used=len(events), timeline=timeline.id,
    )
