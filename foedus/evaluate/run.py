"""evaluate(compiled treaty, timeline, as-of date) → Outcome. A pure function: the same inputs give
the same outcome; nothing depends on today's date."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from datetime import date

from foedus.compile.compiler import CompiledTreaty
from foedus.compile.conditions import Facts
from foedus.errors import FoedusError, Location
from foedus.evaluate import engine
from foedus.evaluate.relations import TimelineFacts
from foedus.evaluate.results import InvalidAct, LifecycleResult, Outcome
from foedus.model.events import Event, Timeline, Vocabulary, vocabulary


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
    vocab = ct.vocabulary
    for other in known.values():
        vocab = vocab.merged(other.vocabulary, Location(other.file))
    vocab = vocab.merged(timeline.vocabulary, Location(timeline.file or timeline.id))
    signed_on = {tid: t.treaty.signed.date for tid, t in known.items() if t.treaty.signed}
    out: list[Event] = []

    def canon(name: str, e: Event, role: str) -> str:
        c = registry.canonical(name)
        if c is None:
            raise FoedusError(f"unknown state {name!r} as {role} of {e.type}", where=Location(e.file or "", e.line),
                              expected="a party (" + ", ".join(ct.parties) + ") or a state declared under `states:`")
        return c

    for e in timeline.events:
        if e.type not in vocab:
            raise FoedusError(f"event type {e.type!r} is declared neither by the loaded treaties nor by the timeline",
                              where=Location(e.file or "", e.line),
                              expected="a built-in event type or one declared under `event_types:`")
        if e.treaty is not None and vocab[e.type].scope == "act" and e.treaty not in known:
            raise FoedusError(f"{e.type} refers to treaty {e.treaty!r}, which is not loaded",
                              where=Location(e.file or "", e.line), expected="one of " + ", ".join(sorted(known)))
        signed = signed_on.get(e.treaty) if e.treaty is not None and vocab[e.type].scope == "act" else None
        if signed is not None and e.date < signed:
            raise FoedusError(f"{e.type} dated {e.date}, before the treaty's signature on {signed}",
                              where=Location(e.file or "", e.line), expected=f"a date on or after {signed}")
        if e.type == "signature" and signed is not None and e.date != signed and e.treaty is not None \
                and e.treaty in known:
            # A state may sign after the first signature (a treaty open for signature); the original
            # signatories signed on the date the treaty records.
            original = {p.id for p in known[e.treaty].treaty.parties if p.original}
            early = [a for a in e.actors if registry.canonical(a) in original]
            if early:
                raise FoedusError(f"signature by {early[0]} dated {e.date}, but the treaty records its signature "
                                  f"on {signed}", where=Location(e.file or "", e.line),
                                  expected=f"{signed}, or the party declared `original: false` if it signed later")
        attributes = dict(e.attributes)
        if e.type == "instrument_in_force" and e.treaty is not None and e.treaty in known:
            declared = known[e.treaty].lifecycle.instruments
            if str(attributes.get("instrument")) not in declared:
                raise FoedusError(f"instrument_in_force names instrument {attributes.get('instrument')!r}, which "
                                  f"{e.treaty} does not declare", where=Location(e.file or "", e.line),
                                  expected=("one of " + ", ".join(sorted(declared))) if declared
                                  else "an instrument declared under the treaty's `instruments:`")
        if "under_reading" in attributes:
            _check_under_reading(e, known)
        for key, attribute in vocab[e.type].attributes.items():  # state attributes, typed by the vocabulary
            if key in attributes and attribute.type in ("state", "states"):
                value = attributes[key]
                attributes[key] = canon(value, e, key) if attribute.type == "state" else [canon(v, e, key)
                                                                                         for v in value]
        out.append(Event(id=e.id, date=e.date, type=e.type,
                         actors=tuple(canon(a, e, "actor") for a in e.actors),
                         targets=tuple(canon(t, e, "target") for t in e.targets),
                         treaty=e.treaty, attributes=attributes, source=e.source, note=e.note,
                         line=e.line, file=e.file, title=e.title))
    return Timeline(id=timeline.id, description=timeline.description, events=tuple(out),
                    states=timeline.states, file=timeline.file, hypothetical=timeline.hypothetical,
                    vocabulary=None if vocab is vocabulary() else vocab)


def _check_under_reading(e: Event, known: Mapping[str, CompiledTreaty]) -> None:
    """`under_reading: POINT=OPTION` must name a reading point and option of the treaty the event concerns."""
    where = Location(e.file or "", e.line)
    point, _, option = str(e.attributes["under_reading"]).partition("=")
    ct = known.get(e.treaty or "")
    if ct is None:
        raise FoedusError("under_reading on an event that concerns no loaded treaty", where=where,
                          expected="`treaty:` naming the treaty whose reading decides it")
    from foedus.model.general_law import reading_points

    options = {p.id: p.options for p in reading_points(ct.treaty)}
    if point.strip() not in options or option.strip() not in options[point.strip()]:
        raise FoedusError(f"under_reading {e.attributes['under_reading']!r} is not a reading of {ct.id}",
                          where=where, expected="POINT=OPTION of that treaty (`foedus readings` lists them)")


def timeline_facts(timeline: Timeline) -> TimelineFacts:
    """The relations a timeline records, derived once per timeline. A fact is judged on what the record
    shows on its own day, so these answer every date exactly as the events up to it would."""
    cached = getattr(timeline, "_facts", None)
    if cached is None:
        cached = TimelineFacts.from_events(timeline.events)
        object.__setattr__(timeline, "_facts", cached)  # a cache on a frozen record, never compared
    return cached


def evaluate(ct: CompiledTreaty, timeline: Timeline, as_of: date, facts: Facts | None = None) -> Outcome:
    """The treaty's state as of ``as_of``, from the events dated on or before it.

    ``timeline`` must have been bound with :func:`bind_timeline`."""
    return outcome_of(engine.Run(ct, timeline.events, facts or timeline_facts(timeline), timeline.vocabulary)
                      .advance(as_of), timeline)


def outcome_of(done: engine.Run, timeline: Timeline) -> Outcome:
    """The outcome of a run settled up to its as-of date."""
    ct, led, book = done.ct, done.led, done.book
    as_of = led.as_of
    lifecycle = led.result()
    lifecycle.norms_ended = dict(book.ended)
    used = bisect_right([e.date for e in timeline.events], as_of) if timeline.events else 0
    return Outcome(
        treaty=ct.id, title=ct.treaty.short_title or ct.treaty.title, reading=ct.reading.name,
        choices=ct.reading.as_dict(), as_of=as_of, lifecycle=lifecycle, instances=book.records(),
        trigger_checks=list(book.checks), invalid_acts=list(led.invalid), events_used=used, timeline=timeline.id,
    )


def evaluate_lifecycle(ct: CompiledTreaty, events: tuple[Event, ...], as_of: date,
                       facts: Facts | None = None, vocab: Vocabulary | None = None
                       ) -> tuple[LifecycleResult, list[InvalidAct]]:
    """The treaty's own life as of ``as_of`` (its norms are evaluated too, on the timeline's facts, because
    a termination for breach turns on them). ``vocab``: the bound timeline's vocabulary."""
    led, book = engine.run(ct, events, as_of, facts or TimelineFacts.from_events(events), vocab)
    lifecycle = led.result()
    lifecycle.norms_ended = dict(book.ended)
    return lifecycle, list(led.invalid)
