"""A world: several treaty models and one timeline, evaluated together.

Each model is compiled under its reading with one shared :class:`StateRegistry`, so a state is one
state whatever each model calls it: the party ``USSR`` (COW 365) of a hand-written model and the
ATOP member 365 (``RUS``) of an imported one are the same state, named by one *world id*.

World ids
---------
States are registered in a fixed order: the parties of every model (models in the order given,
parties in model order), then the states the timeline declares, then the states that norms name as
threats and nobody else declares. The first name registered for a COW code is the state's world id.
Two different states may not share an id: a later model party whose id is already the world id of
another state is renamed ``ID-COW`` (a note says so); a timeline state that contradicts a model's
COW code is an error. Every model is then rewritten so that its party ids (and the bearers,
counterparties and signatories that name them) are world ids; conditions need no rewriting, because
the compiler resolves every state name through the registry. ISO3 codes and ``cow:N`` are aliases.

Relations from treaty models (:class:`WorldFacts`)
-------------------------------------------------
Each model's lifecycle is evaluated once (``evaluate_lifecycle``, with the timeline's acts under it,
as of the latest date the world names). Lifecycles never depend on relations between states, so
there is no cycle: the relations below are derived from lifecycles, and norms are evaluated with
them. A lifecycle evaluated as of a late date agrees with one evaluated as of an earlier date on
every day up to that earlier date (no act changes the past), so one evaluation serves every query.

* A treaty is **in force** from its entry into force to the first day it is out of force
  (``[entry, end)``). A party is a **member** from ``joined`` (default: entry into force) to ``left``
  (the first day it is no longer a party; default: the treaty's end), clipped to that interval.
  These two rules are the functions ``in_force_window`` and ``member_spans`` below, which
  :mod:`foedus.world.dyads` (and through it the point queries) and :mod:`foedus.store` use too.
* Two states are **bound** by a treaty on a day when both are members on that day. The treaty
  carries the categories of its norms that exist under the chosen reading.
* ``allied(a, b, d)``: some treaty binds both on ``d`` and carries a norm of category defence,
  offence, neutrality, non_aggression or consultation (the five obligations ATOP counts). A state is
  never its own ally. This is true or false, never unknown: the models are the whole record of
  treaties in this world.
* ``united_with(a, b, d)``: allied (stationed forces are timeline facts; combine the two sources).
* ``at_war(a, b, d)``: always false here; wars are timeline facts.
* ``pacts(a, b, d)``: every treaty that binds both on ``d``, with its categories.
* ``directed_against(x, y, d)``: the treaties of which ``x`` is a member on ``d`` (in force on ``d``)
  and one of whose norms names ``y`` as a threat (``Norm.threat``).

:meth:`World.evaluate` combines these facts with the timeline's (``CombinedFacts``: true if either
says true), so Art. I of the 1950 treaty sees the US–Japan alliance from the US–Japan models
themselves.

Treaties a party concludes (the Art. III mechanism)
---------------------------------------------------
Norms that react to other treaties (Art. III of the 1950 treaty: no alliance directed against the
other party) see them as events. For every other model the world derives one ``treaty_signed``
event, dated at the model's signature (``signed.date``; a model without one, such as an imported
ATOP alliance, at its fixed entry-into-force date; a model with neither gets none), with the model's
parties as actors, ``kind: alliance`` when it carries one of the five alliance categories (else
``kind: treaty``), and ``directed_against`` = the states its norms name as threats (an empty list
when it names none: the model is the instrument, and under the explicit reading an instrument that
names no state is directed against none). The event's ``treaty`` is the model's id and its source
cites the model. Such an event is added to the events of the treaty being evaluated only when one
of its actors, or a state it is directed against, is a party of that treaty, and only when the
timeline does not already record the signature of that treaty (a ``treaty_signed`` event with the
same ``treaty``), so nothing is counted twice.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Generic, NamedTuple, Protocol, TypeVar

from foedus.compile.compiler import CompiledTreaty, compile_treaty, vocabulary_of
from foedus.compile.conditions import Cite
from foedus.compile.states import StateRegistry
from foedus.errors import FoedusError, Location
from foedus.evaluate.relations import CombinedFacts, TimelineFacts
from foedus.evaluate.results import LifecycleResult, Outcome
from foedus.evaluate.run import bind_timeline, evaluate, evaluate_lifecycle
from foedus.model.events import Event, State, Timeline
from foedus.model.treaty import Norm, Treaty
from foedus.parse.located_yaml import SourceMap

__all__ = ["ALLIANCE_CATEGORIES", "Pact", "PairSpan", "World", "WorldFacts"]

ALLIANCE_CATEGORIES: tuple[str, ...] = ("defence", "offence", "neutrality", "non_aggression", "consultation")
_ALLIANCE = frozenset(ALLIANCE_CATEGORIES)


@dataclass(frozen=True, order=True)
class Pact:
    """A treaty binding two states on a day, with the categories of its norms."""

    treaty: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class PairSpan:
    """States ``a`` < ``b`` are both members of ``treaty`` while it is in force: ``[start, end)``."""

    a: str
    b: str
    start: date
    end: date | None
    treaty: str
    categories: tuple[str, ...]

    @property
    def alliance(self) -> bool:
        return not _ALLIANCE.isdisjoint(self.categories)

    def covers(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


# --- which treaty binds which states when (shared with foedus.world.dyads and foedus.store) --------------


def checked_models(models: Iterable[object], where: str = "") -> Iterator[Treaty]:
    """``models`` one by one, each checked to be a ``Treaty`` whose id no earlier model has (``where``
    ends the message: " in the world")."""
    seen: set[str] = set()
    for model in models:
        if not isinstance(model, Treaty):
            raise FoedusError(f"not a treaty model: {type(model).__name__}", expected="foedus.model.treaty.Treaty")
        if model.id in seen:
            raise FoedusError(f"treaty id {model.id!r} appears twice{where}", expected="one model per treaty id")
        seen.add(model.id)
        yield model


def named_dates(model: Treaty) -> Iterator[date]:
    """The dates a model names: entry into force, end, signature, its parties' recorded memberships and its
    instruments' recorded entry into force."""
    lc = model.lifecycle
    spells = [d for p in model.parties for spell in p.recorded_spells() for d in (spell.joined, spell.left)]
    for when in (lc.entry_into_force_on, lc.ended_on, model.signed.date if model.signed else None, *spells,
                 *(i.in_force_on for i in model.instruments)):
        if isinstance(when, date) and when != date.min:  # a reading's date is not a date the model names
            yield when


def earliest_end(a: date | None, b: date | None) -> date | None:
    """The earlier of two first days out (None: open)."""
    if a is None:
        return b
    return a if b is None or a < b else b


def in_force_window(entry: date | None, out: date | None) -> tuple[date, date | None] | str:
    """``[entry, out)`` when the treaty is in force on some day (``out`` None: open), or why it is not."""
    if entry is None:
        return "not in force on any date the timeline reaches"
    if out is not None and out <= entry:
        return f"it ends ({out}) on or before it enters into force ({entry})"
    return entry, out


FIRST_YEAR = 1816


def lifecycle_of(model: Treaty, compiled: CompiledTreaty | None = None, as_of: date | None = None
                 ) -> LifecycleResult:
    """The model's lifecycle with no events, as of its latest named date (or ``as_of``): what its own
    dates and clauses settle (a fixed entry into force, recorded memberships and phases, a term)."""
    ct = compiled if compiled is not None else compile_treaty(model.model_copy(update={"norms": []}))
    horizon = as_of or max(named_dates(model), default=date(FIRST_YEAR, 1, 1))
    return evaluate_lifecycle(ct, (), horizon)[0]


@dataclass(frozen=True)
class MemberSpan:
    """``party`` is bound by the treaty ``[start, end)`` (``end`` None: open)."""

    party: str
    start: date
    end: date | None


@dataclass(frozen=True)
class NormSpan:
    """``norm`` is in effect ``[start, end)`` (None: from the treaty's start, or to its end): an instrument
    introduced it or ended it (ATOP phases, protocols)."""

    norm: Norm
    start: date | None
    end: date | None


def member_spans(lifecycle: LifecycleResult) -> list[MemberSpan]:
    """Each party's bound intervals, clipped to the treaty's time in force: the one rule for the world's
    relations, the dyad-year table and the store (the engine's per-party lifecycle)."""
    window = in_force_window(lifecycle.entry_into_force, lifecycle.ends_on)
    if isinstance(window, str):
        return []
    lo, hi = window
    out = []
    for party in lifecycle.parties:
        for start, end in party.intervals:
            s, e = max(start, lo), earliest_end(end, hi)
            if e is None or s < e:
                out.append(MemberSpan(party.party, s, e))
    return out


def norm_spans(norms: Iterable[Norm], lifecycle: LifecycleResult) -> list[NormSpan]:
    """When each norm is in effect, from the instruments in force (``introduced_by`` / ``ended_by``)."""
    in_force = {v.instrument: v.start for v in lifecycle.versions if v.instrument}
    out = []
    for norm in norms:
        start = None
        if norm.introduced_by is not None:
            if norm.introduced_by not in in_force:
                continue
            start = in_force[norm.introduced_by]
        ends = [in_force[i] for i in norm.ended_by if i in in_force]
        if norm.id in lifecycle.norms_ended:
            ends.append(lifecycle.norms_ended[norm.id])
        end = min(ends) if ends else None
        if start is not None and end is not None and end <= start:
            continue
        out.append(NormSpan(norm, start, end))
    return out


def existing_norms(compiled: CompiledTreaty) -> list[Norm]:
    """The norms of a compiled model that its chosen reading keeps (``applies_when``)."""
    return [cn.norm for cn in compiled.norms if cn.exists]


class _Dated(Protocol):
    @property
    def start(self) -> date: ...

    @property
    def end(self) -> date | None: ...

    @property
    def treaty(self) -> str: ...


class _Threat(NamedTuple):
    """A member of ``treaty`` (while a member) is party to a treaty naming some state as a threat."""

    start: date
    end: date | None
    treaty: str


_D = TypeVar("_D", bound=_Dated)


class _Intervals(Generic[_D]):
    """Intervals ``[start, end)`` sorted by start (an open end last), for point queries."""

    __slots__ = ("items", "starts")

    def __init__(self, items: Iterable[_D]):
        self.items = sorted(items, key=lambda item: (item.start, item.end or date.max, item.treaty))
        self.starts = [item.start for item in self.items]

    def at(self, on: date) -> list[_D]:
        """The intervals that cover ``on``."""
        return [item for item in self.items[: bisect.bisect_right(self.starts, on)]
                if item.end is None or on < item.end]


class WorldFacts:
    """Relations between states derived from treaty models (see the module docstring).

    Implements the ``Facts`` protocol (``allied``, ``united_with``, ``at_war``) and adds ``pacts``,
    ``directed_against`` and ``spans``. State arguments are world ids (any registered alias works
    when a registry is given)."""

    def __init__(self, spans: Iterable[PairSpan], threats: Iterable[tuple[str, str, date, date | None, str]] = (),
                 registry: StateRegistry | None = None):
        self._spans = tuple(sorted(spans, key=lambda x: (x.a, x.b, x.start, x.end or date.max, x.treaty)))
        by_pair: dict[tuple[str, str], list[PairSpan]] = defaultdict(list)
        for span in self._spans:
            by_pair[(span.a, span.b)].append(span)
        self._pairs = {key: _Intervals(items) for key, items in by_pair.items()}
        by_threat: dict[tuple[str, str], list[_Threat]] = defaultdict(list)
        for x, y, start, end, treaty in threats:
            by_threat[(x, y)].append(_Threat(start, end, treaty))
        self._threats = {key: _Intervals(items) for key, items in by_threat.items()}
        self._registry = registry

    def _id(self, name: str) -> str:
        if self._registry is None:
            return name
        return self._registry.canonical(name) or name

    @property
    def spans(self) -> tuple[PairSpan, ...]:
        """Every (pair, treaty) span, sorted by states, then start, then treaty."""
        return self._spans

    def pacts(self, a: str, b: str, on: date) -> list[Pact]:
        """Treaties binding ``a`` and ``b`` on ``on``, sorted by treaty id."""
        a, b = self._id(a), self._id(b)
        if a == b:
            return []
        index = self._pairs.get(_pair(a, b))
        if index is None:
            return []
        found = {span.treaty: span.categories for span in index.at(on)}
        return [Pact(treaty, found[treaty]) for treaty in sorted(found)]

    def allied(self, a: str, b: str, on: date) -> bool:
        a, b = self._id(a), self._id(b)
        if a == b:
            return False
        index = self._pairs.get(_pair(a, b))
        return index is not None and any(span.alliance for span in index.at(on))

    def united_with(self, a: str, b: str, on: date) -> bool:
        return self.allied(a, b, on)

    def at_war(self, a: str, b: str, on: date) -> bool:
        return False

    def in_war(self, a: str, on: date) -> bool:
        return False

    def cite(self, relation: str, a: str, b: str | None, on: date) -> Cite | None:
        """The treaty (the first by id) that makes ``a`` and ``b`` allied on ``on``, for explanations."""
        if relation not in ("allied", "united_with") or b is None:
            return None
        a, b = self._id(a), self._id(b)
        index = self._pairs.get(_pair(a, b)) if a != b else None
        treaties = sorted(span.treaty for span in index.at(on) if span.alliance) if index is not None else []
        return Cite(treaty=treaties[0]) if treaties else None

    def directed_against(self, x: str, y: str, on: date) -> list[str]:
        """Treaties of ``x`` in force on ``on`` whose norms name ``y`` as a threat, sorted."""
        index = self._threats.get((self._id(x), self._id(y)))
        if index is None:
            return []
        return sorted({threat.treaty for threat in index.at(on)})


@dataclass
class World:
    """Compiled treaty models and one bound timeline, evaluated together.

    Build it with :meth:`load` (literate files) or :meth:`from_models`. ``models`` are the models as
    the world names states (world ids); ``compiled`` maps treaty id to the compiled model;
    ``lifecycles`` maps treaty id to its lifecycle as of ``horizon``; ``facts`` are the relations the
    models put in force; ``notes`` say what the world had to decide (renamed states)."""

    models: tuple[Treaty, ...]
    compiled: dict[str, CompiledTreaty]
    registry: StateRegistry
    timeline: Timeline
    lifecycles: dict[str, LifecycleResult]
    facts: WorldFacts
    horizon: date
    notes: list[str] = field(default_factory=list)
    _signed: dict[str, Event] = field(default_factory=dict, repr=False)
    _superseded: dict[str, list[Event]] = field(default_factory=dict, repr=False)

    # --- building ---------------------------------------------------------------------------------

    @classmethod
    def load(cls, treaty_files: Sequence[str], timeline_file: str | Timeline | None = None,
             readings: dict[str, list[str]] | None = None, *, models: Sequence[Treaty] = ()) -> World:
        """Literate treaty files (and further ``models``, e.g. imported ones, after them) with the
        timeline in ``timeline_file`` (or that timeline, as read; none: no events). ``readings`` maps a
        treaty id to the reading words for it (named readings or ``point=option``); other treaties use
        their default reading."""
        from foedus.model.load import load_treaty
        from foedus.parse.timeline import read_timeline

        loaded: list[Treaty] = []
        sources: dict[str, tuple[str, SourceMap]] = {}
        for path in treaty_files:
            treaty, smap = load_treaty(str(path))
            if treaty.id in sources:
                raise FoedusError(f"treaty id {treaty.id!r} is also the id of {sources[treaty.id][0]}",
                                  where=smap.locate(("id",)), expected="one model per treaty id")
            sources[treaty.id] = (str(path), smap)
            loaded.append(treaty)
        timeline = timeline_file if isinstance(timeline_file, Timeline) or not timeline_file \
            else read_timeline(timeline_file, vocabulary_of([*loaded, *models], sources))
        return cls._build([*loaded, *models], timeline or None, readings, sources)

    @classmethod
    def from_models(cls, models: Sequence[Treaty], timeline: Timeline | None = None, *,
                    readings: dict[str, list[str]] | None = None) -> World:
        """A world of ``models`` (in this order) and ``timeline`` (unbound, as read; none: no events)."""
        return cls._build(list(models), timeline, readings, {})

    @classmethod
    def _build(cls, models: list[Treaty], timeline: Timeline | None, readings: dict[str, list[str]] | None,
               sources: dict[str, tuple[str, SourceMap]]) -> World:
        if not models:
            raise FoedusError("a world needs at least one treaty model", expected="one or more treaty files")
        models = list(checked_models(models, " in the world"))
        seen = {model.id for model in models}
        timeline = timeline or Timeline(id="no events", description="", events=(), states={})
        for tid in sorted(readings or {}):
            if tid not in seen:
                raise FoedusError(f"a reading is given for {tid!r}, which is not in the world",
                                  expected="one of " + ", ".join(sorted(seen)))
        notes: list[str] = []
        registry = _registry(models, timeline, notes)
        models = [_world_names(model, registry) for model in models]
        compiled: dict[str, CompiledTreaty] = {}
        for model in models:
            file, smap = sources.get(model.id, (model.id, None))
            compiled[model.id] = compile_treaty(model, (readings or {}).get(model.id), smap=smap, file=file,
                                                registry=registry)
        bound = _bind(timeline, compiled)
        horizon = _horizon(models, bound)
        lifecycles, superseded = _lifecycles(compiled, bound, horizon)
        facts = _facts(compiled, lifecycles, registry)
        world = cls(models=tuple(models), compiled=compiled, registry=registry, timeline=bound,
                    lifecycles=lifecycles, facts=facts, horizon=horizon, notes=notes)
        world._signed = _signature_events(compiled, bound)
        world._superseded = superseded
        return world

    # --- questions --------------------------------------------------------------------------------

    @property
    def treaty_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.models)

    def compiled_treaty(self, treaty_id: str) -> CompiledTreaty:
        try:
            return self.compiled[treaty_id]
        except KeyError:
            raise FoedusError(f"no treaty {treaty_id!r} in this world",
                              expected="one of " + ", ".join(sorted(self.compiled))) from None

    def state_id(self, name: str) -> str:
        """The world id of a state named by any registered name (party id, ISO3, ``cow:N``)."""
        found = self.registry.canonical(name)
        if found is None:
            raise FoedusError(f"unknown state {name!r} in this world",
                              expected="a party id, a timeline state, an ISO3 code or cow:N")
        return found

    def events_for(self, treaty_id: str) -> Timeline:
        """The timeline's events plus the events the world derives that concern the treaty: the signature of
        other treaties (``treaty_signed``) and its supersession by a later treaty that says it replaces it."""
        ct = self.compiled_treaty(treaty_id)
        parties = set(ct.parties)
        derived = [e for tid, e in self._signed.items() if tid != treaty_id
                   and (parties.intersection(e.actors)
                        or parties.intersection(e.attributes.get("directed_against", [])))]
        derived += self._superseded.get(treaty_id, [])
        events = sorted([*self.timeline.events, *derived], key=lambda e: (e.date, e.line or 0, e.id))
        return Timeline(id=self.timeline.id, description=self.timeline.description, events=tuple(events),
                        states=self.timeline.states, file=self.timeline.file,
                        hypothetical=self.timeline.hypothetical, vocabulary=self.timeline.vocabulary)

    def combined_facts(self, as_of: date) -> CombinedFacts:
        """The world's facts combined with the timeline's facts up to ``as_of``."""
        return CombinedFacts((self.facts, TimelineFacts.from_events(self.timeline.up_to(as_of))))

    def evaluate(self, treaty_id: str, as_of: date) -> Outcome:
        """The outcome of one treaty as of ``as_of``, with relations from the world and the timeline."""
        ct = self.compiled_treaty(treaty_id)
        timeline = self.events_for(treaty_id)
        facts = CombinedFacts((self.facts, TimelineFacts.from_events(timeline.up_to(as_of))))
        return evaluate(ct, timeline, as_of, facts)


# --- building blocks ----------------------------------------------------------------------------------


def _registry(models: list[Treaty], timeline: Timeline, notes: list[str]) -> StateRegistry:
    """One registry for the world, in the order described in the module docstring."""
    registry = StateRegistry()
    entries: list[tuple[State, str]] = []
    for model in models:
        entries += [(State(p.id, p.name, p.cow, p.iso3), f"party {p.id!r} of {model.id}") for p in model.parties]
    model_count = len(entries)
    entries += [(s, f"state {s.id!r} of timeline {timeline.id}") for s in timeline.states.values()]
    # Pass 1: every state with a COW code gets its world id, before any ISO3 alias can take a name.
    for i, (state, what) in enumerate(entries):
        if state.cow is None or state.key in registry.by_key:
            if state.cow is not None and i >= model_count:
                known = registry.by_name.get(state.id)
                if known is not None and known.key != state.key:
                    raise FoedusError(f"{what} is COW {state.cow}, but {state.id!r} is COW {known.cow} in the models",
                                      where=Location(timeline.file or timeline.id), expected="one COW code per state")
            continue
        sid = state.id
        known = registry.by_name.get(sid)
        if known is not None and known.key != state.key:
            if i >= model_count:
                raise FoedusError(f"{what} is COW {state.cow}, but {sid!r} is COW {known.cow} in the models",
                                  where=Location(timeline.file or timeline.id), expected="one COW code per state")
            sid = f"{state.id}-{state.cow}"
            notes.append(f"{what} (COW {state.cow}) is named {sid} in this world: {state.id} is COW {known.cow}")
        registry.add(State(sid, state.name, state.cow, None))
    # Pass 2: aliases (party ids, ISO3 codes) and the states without a COW code.
    for state, _ in entries:
        if state.cow is None and state.id in registry.by_name:
            continue  # a name the world already knows is that state
        registry.add(state)
    # Threats nobody declares: `cow:N` becomes a state of its own; any other name stands for itself.
    for model in models:
        for norm in model.norms:
            for name in norm.threat:
                if registry.canonical(name) is None:
                    cow = _cow_name(name)
                    registry.add(State(name, f"COW state {cow}" if cow is not None else name, cow, None))
    return registry


def _cow_name(name: str) -> int | None:
    head, _, tail = name.partition(":")
    return int(tail) if head == "cow" and tail.isdigit() else None


def _world_id(registry: StateRegistry, state: State) -> str:
    found = registry.by_key.get(state.key)
    if found is not None:
        return found.id
    return registry.canonical(state.id) or state.id


def _world_names(model: Treaty, registry: StateRegistry) -> Treaty:
    """The model with its parties named by world ids (unchanged when they already are)."""
    rename = {p.id: _world_id(registry, State(p.id, p.name, p.cow, p.iso3)) for p in model.parties}
    if all(old == new for old, new in rename.items()):
        return model
    if len(set(rename.values())) != len(rename):
        raise FoedusError(f"two parties of {model.id} are the same state in this world",
                          where=Location(model.id), expected="parties that are different states")
    parties = [p.model_copy(update={"id": rename[p.id]}) for p in model.parties]
    signatories = [s.model_copy(update={"party": rename.get(s.party, s.party)}) for s in model.signatories]
    norms = [n.model_copy(update={"bearer": rename.get(n.bearer, n.bearer),
                                  "counterparty": rename.get(n.counterparty, n.counterparty)})
             for n in model.norms]
    return model.model_copy(update={"parties": parties, "signatories": signatories, "norms": norms})


def _bind(timeline: Timeline, compiled: dict[str, CompiledTreaty]) -> Timeline:
    """The timeline with states named by world ids, its acts checked against the treaty they concern."""
    return bind_timeline(next(iter(compiled.values())), timeline, compiled)


def _horizon(models: Iterable[Treaty], timeline: Timeline) -> date:
    """The latest date the world names: lifecycles are evaluated as of it."""
    dates = [e.date for e in timeline.events]
    for model in models:
        dates += named_dates(model)
    return max(dates, default=date(1816, 1, 1))


def _facts(compiled: dict[str, CompiledTreaty], lifecycles: dict[str, LifecycleResult],
           registry: StateRegistry) -> WorldFacts:
    spans: list[PairSpan] = []
    threats: list[tuple[str, str, date, date | None, str]] = []
    for tid, ct in compiled.items():
        lifecycle = lifecycles[tid]
        members = member_spans(lifecycle)
        if not members:
            continue
        effective = norm_spans(existing_norms(ct), lifecycle)
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if a.party == b.party:
                    continue
                s, e = max(a.start, b.start), earliest_end(a.end, b.end)
                if e is None or s < e:
                    x, y = _pair(a.party, b.party)
                    spans += [PairSpan(x, y, lo, hi, tid, categories)
                              for lo, hi, categories in _segments(s, e, effective)]
        for member in members:
            for lo, hi, named in _threat_segments(member.start, member.end, effective, registry):
                threats += [(member.party, y, lo, hi, tid) for y in named]
    return WorldFacts(spans, threats, registry)


def _cuts(start: date, end: date | None, effective: list[NormSpan]) -> list[tuple[date, date | None]]:
    """``[start, end)`` cut where a norm comes into or goes out of effect."""
    cuts = sorted({d for n in effective for d in (n.start, n.end) if d is not None and start < d
                   and (end is None or d < end)})
    bounds: list[date | None] = [start, *cuts, end]
    return [(lo, hi) for lo, hi in pairwise(bounds) if lo is not None]


def _in_effect(n: NormSpan, lo: date) -> bool:
    return (n.start is None or n.start <= lo) and (n.end is None or lo < n.end)


def _segments(start: date, end: date | None, effective: list[NormSpan]
              ) -> list[tuple[date, date | None, tuple[str, ...]]]:
    """Pieces of ``[start, end)`` with the categories of the norms in effect on each (equal neighbours joined)."""
    out: list[tuple[date, date | None, tuple[str, ...]]] = []
    for lo, hi in _cuts(start, end, effective):
        categories = tuple(sorted({n.norm.category for n in effective if _in_effect(n, lo)}))
        if out and out[-1][2] == categories and out[-1][1] == lo:
            out[-1] = (out[-1][0], hi, categories)
        else:
            out.append((lo, hi, categories))
    return out


def _threat_segments(start: date, end: date | None, effective: list[NormSpan], registry: StateRegistry
                     ) -> list[tuple[date, date | None, list[str]]]:
    out = []
    for lo, hi in _cuts(start, end, effective):
        named = _threats([n.norm for n in effective if _in_effect(n, lo)], registry)
        if named:
            out.append((lo, hi, named))
    return out


def _threats(norms: Iterable[Norm], registry: StateRegistry) -> list[str]:
    """The states ``norms`` name as threats, by world id, sorted."""
    return sorted({registry.canonical(t) or t for norm in norms for t in norm.threat})


def _lifecycles(compiled: dict[str, CompiledTreaty], timeline: Timeline, horizon: date
                ) -> tuple[dict[str, LifecycleResult], dict[str, list[Event]]]:
    """Every model's lifecycle as of ``horizon``; a treaty that a later one replaces (``supersedes``) is
    evaluated after it, with a derived ``supersession`` event on the later treaty's entry into force —
    unless the timeline itself records that treaty's supersession (then the record decides)."""
    recorded = {e.treaty for e in timeline.events if e.type == "supersession" and e.treaty}
    for e in timeline.events:
        if e.type == "treaty_in_force":
            replaced = e.attributes.get("replaces")
            recorded.update(str(r) for r in (replaced if isinstance(replaced, list) else [replaced] if replaced
                                             else []))
    later: dict[str, list[str]] = {}  # treaty -> the treaties that replace it
    for tid, ct in compiled.items():
        for old in ct.lifecycle.supersedes:
            if old in compiled and old not in recorded:
                later.setdefault(old, []).append(tid)
    lifecycles: dict[str, LifecycleResult] = {}
    derived: dict[str, list[Event]] = {}
    visiting: set[str] = set()

    def settle(tid: str) -> None:
        if tid in lifecycles:
            return
        if tid in visiting:
            raise FoedusError(f"{tid} and the treaties it replaces replace one another", where=Location(tid),
                              expected="`supersedes:` that name earlier treaties only")
        visiting.add(tid)
        for newer in later.get(tid, []):
            settle(newer)
            life = lifecycles[newer]
            if life.entry_into_force is not None:
                bound = tuple(p.party for p in life.parties if p.bound_on(life.entry_into_force))
                derived.setdefault(tid, []).append(Event(
                    id=f"world:{newer}:supersedes:{tid}", date=life.entry_into_force, type="supersession",
                    actors=bound or compiled[newer].parties, treaty=tid, attributes={"by": newer},
                    source=f"treaty model {newer} (supersedes: {tid})",
                    note="derived from the later treaty's model by the world", file=compiled[newer].file))
        events = tuple(sorted([*timeline.events, *derived.get(tid, [])], key=lambda e: (e.date, e.line or 0, e.id)))
        lifecycles[tid] = evaluate_lifecycle(compiled[tid], events, horizon, vocab=timeline.vocabulary)[0]
        visiting.discard(tid)

    for tid in compiled:
        settle(tid)
    return {tid: lifecycles[tid] for tid in compiled}, derived


def _signature_events(compiled: dict[str, CompiledTreaty], timeline: Timeline) -> dict[str, Event]:
    """One derived ``treaty_signed`` event per model (see "Treaties a party concludes")."""
    recorded = {e.treaty for e in timeline.events if e.type == "treaty_signed" and e.treaty}
    out: dict[str, Event] = {}
    for tid, ct in compiled.items():
        model = ct.treaty
        if tid in recorded:
            continue
        when = model.signed.date if model.signed else (
            ct.lifecycle.entry_into_force_on if ct.lifecycle.entry_into_force == "fixed_date" else None)
        if when is None:
            continue
        existing = existing_norms(ct)
        against = _threats(existing, ct.registry)
        alliance = any(norm.category in _ALLIANCE for norm in existing)
        out[tid] = Event(
            id=f"world:{tid}:signed", date=when, type="treaty_signed", actors=ct.parties, treaty=tid,
            attributes={"kind": "alliance" if alliance else "treaty", "directed_against": against},
            source=f"treaty model {tid}" + (f" ({model.source.text})" if model.source.text else ""),
            note="derived from the treaty model by the world", file=ct.file)
    return dict(sorted(out.items()))
