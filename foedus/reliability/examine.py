"""One treaty against the record: an ATOP alliance, or a hand-written model with its own timeline.

``examine_atop`` evaluates one imported alliance as the reliability run does (the same function).
``examine_file`` evaluates a hand-written treaty in a world: its own timeline (its ratifications and
notices, the facts its sources give) merged with the record of wars and disputes — with the derived
armed attacks and states of war, which hand-written triggers such as the 1950 treaty's Art. I speak —
restricted to the events that name a party of a treaty in the world; the other treaty files given
(``--with``) put their alliances in force, so that "a state allied with Japan" is derived from the
US–Japan models themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from foedus.errors import FoedusError, Location
from foedus.reliability.explain import examine
from foedus.reliability.judge import expand_reading, reading_label
from foedus.reliability.record import RecordFiles, load_record

__all__ = ["examine_atop", "examine_file"]


def examine_atop(files: RecordFiles, alliance: str, reading: Sequence[str] | None = None) -> dict[str, Any]:
    """One ATOP alliance (``atop-3200``) against the record, as the reliability run evaluates it."""
    from foedus import reliability
    from foedus.reliability.judge import evaluate_model

    atop, record = reliability.load(files)
    model = next((m for m in atop.models if m.id == alliance), None)
    if model is None:
        raise FoedusError(f"no alliance {alliance!r} in {files.atop}", where=Location(str(files.atop)),
                          expected="an ATOP id such as atop-3200")
    result = evaluate_model(model, record, expand_reading(reading))
    if result is None:
        return {"treaty": model.id, "title": model.title, "reading": reading_label(reading), "in_force": [
            str(model.lifecycle.entry_into_force_on), str(model.lifecycle.ended_on) if model.lifecycle.ended_on
            else None], "conflicts": [], "invoked": []}
    out = examine(result.compiled, result.outcome, record, result.events)
    out["reading"] = reading_label(reading)
    return out


def examine_file(files: RecordFiles, treaty: Path, events: Path | None, others: Sequence[Path],
                 reading: Sequence[str] | None = None) -> dict[str, Any]:
    """A hand-written treaty, with its timeline and the treaties it lives among (module docstring)."""
    from foedus.model.load import load_treaty
    from foedus.parse.timeline import build_timeline, read_timeline
    from foedus.world import World

    model, _ = load_treaty(str(treaty))
    world_models = [model, *(load_treaty(str(path))[0] for path in others)]
    record = load_record(files, with_relations=True)
    own = read_timeline(events) if events is not None else None
    codes = {p.cow for m in world_models for p in m.parties if p.cow is not None}
    ids = {sid for sid, state in record.states.items() if state.cow in codes}
    mine = [e for e in record.events if ids.intersection(e.actors) or ids.intersection(e.targets)]
    states = dict(record.states)
    for sid, state in (own.states.items() if own is not None else ()):
        known = states.get(sid)
        if known is not None and known.cow != state.cow:
            raise FoedusError(f"the timeline names {sid} with COW code {state.cow}, the record {known.cow}",
                              where=Location(str(events)), expected="one COW code per state")
        states[sid] = state
    timeline = build_timeline(f"{own.id if own else treaty.stem}+record", "the treaty's own timeline and the "
                              "record of wars and disputes", [*(own.events if own else ()), *mine], states)
    choices = list(expand_reading(reading)) if reading else None
    world = World.from_models(world_models, timeline, readings={model.id: choices} if choices else None)
    outcome = world.evaluate(model.id, record.as_of)
    out = examine(world.compiled_treaty(model.id), outcome, record, world.events_for(model.id).events)
    out["reading"] = reading_label(reading)
    return out
