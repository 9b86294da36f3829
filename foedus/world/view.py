"""The world that the ``foedus world`` commands ask about: treaty files, their timelines, and a body of
alliances.

A :class:`WorldView` puts together

* the treaty files given, evaluated against the timeline given (several timelines are merged first):
  a :class:`~foedus.world.World`, whose lifecycles date each treaty, so a treaty that enters into force
  by ratification is in force from the ratifications on record, and only then;
* optionally a body of alliances: the models of an ATOP import, or one import of a store prepared once
  by ``foedus atop import --store``. Their dates are fixed, so they are flattened without being
  compiled (from a store by SQL alone, which is what makes a query from a store fast). Those whose
  dates or norms only their model can give, and those the timeline records acts under, are evaluated
  in the World instead.

Every answer (treaties in force, allies, who must assist whom, the dyad-year table) comes from the
same flattened obligations (:func:`foedus.world.dyads.flatten_world` for the World), so the answers
agree with one another. A treaty that never enters into force on the record given is never left out
silently: :attr:`WorldView.not_in_force` says which and why ("no ratification on record").

Who must assist whom
--------------------
:meth:`WorldView.assist` takes the cascade of :mod:`foedus.world.queries` and, for every direct duty
(round 1), asks the treaty itself whether its trigger holds against this attack. The treaty is
evaluated with the timeline and one more event, an armed attack by the attacker on the target that
day with a state of war, and with relations (allied, united with, at war) from every treaty of the
view and from the timeline. The verdict (holds, does not hold, cannot tell; and why) decides whether
the duty brings its bearer into the war. Duties further down the cascade are not evaluated: the
attack did not fall on their beneficiary, who joined a war already begun.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foedus.errors import FoedusError, Location
from foedus.model.events import Event, State, Timeline
from foedus.model.treaty import Treaty
from foedus.parse.located_yaml import SourceMap
from foedus.report.words import Names, NotInForce, not_in_force
from foedus.world.dyads import Obligations, dyad_years, flatten, flatten_world, in_force_interval, merge
from foedus.world.names import StateNames
from foedus.world.queries import AssistanceGraph, WorldIndex
from foedus.world.world import ALLIANCE_CATEGORIES, Pact, World, in_force_window

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["Assistance", "ConsultationLine", "DutyRow", "NotInForce", "WorldView", "open_world"]

WHAT_IF_EVENT = "what-if:attack"
# The same attack in the words of the record of wars, which imported alliances speak: the attacked state
# enters the war opposite the initiator, the attacker as its initiator.
WHAT_IF_JOINS = ("what-if:attack/attacked-joins", "what-if:attack/attacker-joins")
WHAT_IF_EVENTS = (WHAT_IF_EVENT, *WHAT_IF_JOINS)
_EFFECT_WORDS = {"join": "join the war", "stay neutral": "stay neutral"}


@dataclass(frozen=True)
class DutyRow:
    """A direct or cascading duty to act if the attack happened, with the verdict on its condition."""

    obligor: int
    beneficiary: int
    treaty: str
    norm: str
    article: str | None
    category: str
    effect: str  # "join" | "stay neutral"
    depth: int
    side: str
    verdict: str  # "holds" | "does not hold" | "cannot tell" (round 1); "in the cascade" | "does not hold" (later)
    why: str


@dataclass(frozen=True)
class ConsultationLine:
    """The consultation duties of one treaty toward the belligerents of one round, as one line."""

    treaty: str
    obligors: tuple[int, ...]
    beneficiaries: tuple[int, ...]
    depth: int


@dataclass
class Assistance:
    attacker: int
    target: int
    on: date
    graph: AssistanceGraph
    duties: list[DutyRow]
    consultations: list[ConsultationLine]


@dataclass
class WorldView:
    """See the module docstring. Build it with :func:`open_world`."""

    world: World | None
    timeline: Timeline | None
    flat: Obligations
    index: WorldIndex
    names: StateNames
    titles: dict[str, str]
    not_in_force: list[NotInForce]
    notes: list[str]
    files: tuple[tuple[str, Treaty, SourceMap], ...]  # the treaty files, as read once
    in_world: tuple[Treaty, ...]  # body models evaluated in the World (their acts are on record, …)
    load_body: Callable[[Iterable[str]], list[Treaty]] = field(repr=False)

    # --- naming ----------------------------------------------------------------------------------------

    def title(self, treaty: str) -> str:
        return self.titles.get(treaty, treaty)

    def state(self, text: str, what: str = "state") -> int:
        return self.names.resolve(text, what)

    # --- questions ---------------------------------------------------------------------------------------

    def in_force(self, on: date) -> list[dict[str, Any]]:
        """Treaties in force on ``on`` (``WorldIndex.in_force_rows``), with short titles."""
        return [{**row, "title": self.title(row["treaty"])} for row in self.index.in_force_rows(on)]

    def allies(self, state: int, on: date) -> list[dict[str, Any]]:
        return self.index.allies_rows(state, on)

    def dyads(self, first_year: int, last_year: int | None) -> pa.Table:
        table: pa.Table = dyad_years(self.flat, first_year=first_year, last_year=last_year, arrow=True)
        return table

    def assist(self, attacker: int, target: int, on: date, max_depth: int | None = None) -> Assistance:
        """Who must assist whom if ``attacker`` attacked ``target`` on ``on`` (see the module docstring)."""
        direct = self.index.who_must_assist(attacker, target, on, max_depth=1)
        edges = [e for e in direct.edge_rows() if e["effect"] in _EFFECT_WORDS]
        verdicts = self._assess(attacker, target, on, edges) if edges else {}
        graph = self.index.who_must_assist(attacker, target, on, max_depth=max_depth,
                                           verdicts={k: (v[0], v[1]) for k, v in verdicts.items()})
        articles = {(d.treaty, d.norm): d.article for d in self.flat.duties}
        duties = {(d.treaty, d.norm): d.threat for d in self.flat.duties}
        rows: list[DutyRow] = []
        consult: dict[tuple[str, int], tuple[set[int], set[int]]] = {}
        for e in graph.edge_rows():
            if e["effect"] == "consult":
                obligors, beneficiaries = consult.setdefault((e["treaty"], e["depth"]), (set(), set()))
                obligors.add(e["obligor"])
                beneficiaries.add(e["beneficiary"])
                continue
            if e["effect"] not in _EFFECT_WORDS:
                continue
            found = verdicts.get((e["obligor"], e["treaty"], e["norm"]))
            if found is not None:
                verdict, why = found[2], found[1]
            elif e["condition"]:
                threats = duties.get((e["treaty"], e["norm"]), ())
                named = ", ".join(self._threat_name(t) for t in threats)
                verdict, why = "does not hold", f"only against {named}" if named else e["condition"]
            else:
                who = self.names.name(e["beneficiary"])
                verdict, why = "in the cascade", f"{who} is at war on that side; the condition is not evaluated"
            rows.append(DutyRow(e["obligor"], e["beneficiary"], e["treaty"], e["norm"],
                                articles.get((e["treaty"], e["norm"])), e["category"], e["effect"], e["depth"],
                                e["side"], verdict, why))
        lines = [ConsultationLine(treaty, tuple(sorted(o)), tuple(sorted(b)), depth)
                 for (treaty, depth), (o, b) in sorted(consult.items(), key=lambda kv: (kv[0][1], kv[0][0]))]
        return Assistance(attacker, target, on, graph, rows, lines)

    # --- the verdict of each direct duty --------------------------------------------------------------

    def _assess(self, attacker: int, target: int, on: date, edges: list[dict[str, Any]]
                ) -> dict[tuple[int, str, str], tuple[bool | None, str, str]]:
        """``(obligor, treaty, norm) -> (holds, why, verdict)`` for the direct duties ``edges``."""
        from foedus.evaluate import evaluate
        from foedus.evaluate.relations import CombinedFacts, TimelineFacts

        treaties = sorted({e["treaty"] for e in edges})
        world = self.world
        outside = [t for t in treaties if world is None or t not in world.compiled]
        if outside:
            world = _world(self.files, self.timeline, [*self.in_world, *self.load_body(outside)])
        assert world is not None
        a_id, b_id = self._world_id(world, attacker), self._world_id(world, target)
        attack = Event(id=WHAT_IF_EVENT, date=on, type="armed_attack", actors=(a_id,), targets=(b_id,),
                       attributes={"state_of_war": True}, source="the attack asked about (hypothetical)")
        war = {"war": "what-if-war", "joiner": False, "allies": [], "allies_possible": []}
        joins = [Event(id=WHAT_IF_JOINS[0], date=on, type="war_joined", actors=(b_id,), targets=(a_id,),
                       attributes={**war, "side": "2", "initiator": False, "against_initiator": True,
                                   "opponents": [a_id]}, source="the attack asked about (hypothetical)"),
                 Event(id=WHAT_IF_JOINS[1], date=on, type="war_joined", actors=(a_id,), targets=(b_id,),
                       attributes={**war, "side": "1", "initiator": True, "against_initiator": False,
                                   "opponents": [b_id]}, source="the attack asked about (hypothetical)")]
        others = _OutsideFacts(self.flat, set(world.compiled), world)
        out: dict[tuple[int, str, str], tuple[bool | None, str, str]] = {}
        for tid in treaties:
            ct = world.compiled[tid]
            base = world.events_for(tid)
            timeline = replace(base, events=tuple(sorted((*base.events, attack, *joins), key=_event_order)),
                               hypothetical=True)
            facts = CombinedFacts((world.facts, others, TimelineFacts.from_events(timeline.up_to(on))))
            outcome = evaluate(ct, timeline, on, facts)
            norms = {cn.id: cn.norm for cn in ct.norms}
            for e in edges:
                if e["treaty"] != tid:
                    continue
                bearer = self._world_id(world, e["obligor"])
                norm = norms.get(e["norm"])
                holds, why = self._verdict(world, others, outcome, norm, e["norm"], bearer, a_id, on)
                word = {True: "holds", False: "does not hold", None: "cannot tell"}[holds]
                out[(e["obligor"], tid, e["norm"])] = (holds, why, word)
        return out

    def _verdict(self, world: World, others: _OutsideFacts, outcome: Any, norm: Any, norm_id: str, bearer: str,
                 attacker: str, on: date) -> tuple[bool | None, str]:
        if any(i.norm == norm_id and i.trigger_event in WHAT_IF_EVENTS and i.bearer == bearer
               for i in outcome.instances):
            return True, self._why_holds(world, others, norm, attacker, on)
        checks = {c.event: c for c in outcome.trigger_checks if c.norm == norm_id and c.event in WHAT_IF_EVENTS}
        check = next((checks[i] for i in WHAT_IF_EVENTS if i in checks), None)
        if check is not None:
            if check.verdict == "treaty not in force":
                return False, f"the treaty is not in force on {on}"
            if check.verdict == "not triggered":
                return False, self._why_not(world, norm, check.false_parts)
            return None, _unknown_words(check.unknown_parts)
        if norm is not None and norm.trigger is None:
            if any(i.norm == norm_id and i.bearer == bearer for i in outcome.instances):
                return True, "a standing duty, in effect while the treaty is in force"
            return False, "the treaty is not in force on that day"
        if norm is not None and norm.trigger is not None \
                and not {"armed_attack", "war_joined"} & set(_trigger_types(norm)):
            return None, f"set off by {', '.join(_trigger_types(norm))}, not by an armed attack"
        return False, "in this case the duty falls on other members"

    def _why_holds(self, world: World, others: _OutsideFacts, norm: Any, attacker: str, on: date) -> str:
        threats = [world.registry.canonical(t) or t for t in (norm.threat if norm is not None else ())]
        if not threats:
            return "its condition holds against this attack"
        if attacker in threats:
            return f"{world.registry.display(attacker)} is named in the treaty"
        for threat in threats:
            pacts = {p.treaty for source in (world.facts, others) for p in source.pacts(attacker, threat, on)
                     if set(p.categories) & set(ALLIANCE_CATEGORIES)}
            if pacts:
                return (f"{world.registry.display(attacker)} is allied with {world.registry.display(threat)} "
                        f"({', '.join(self.title(t) for t in sorted(pacts))})")
        return "its condition holds against this attack"

    def _why_not(self, world: World, norm: Any, false_parts: Sequence[str]) -> str:
        if norm is not None and norm.threat:
            named = ", ".join(world.registry.display(world.registry.canonical(t) or t) for t in norm.threat)
            allied = norm.trigger is not None and "allied(" in (norm.trigger.when or "")
            return f"only against {named}" + (" and states allied with it" if allied else "")
        return "its condition does not hold: " + "; ".join(_PHRASES.get(p.strip(), f"'{p}'") for p in false_parts)

    def _threat_name(self, name: str) -> str:
        """A state a norm names as the threat (``JPN``, ``cow:740``), by its name when the view knows it."""
        cow = name[4:] if name.startswith("cow:") else None
        if cow is not None and cow.isdigit():
            return self.names.name(int(cow))
        try:
            return self.names.name(self.names.resolve(name))
        except FoedusError:
            return name

    def _world_id(self, world: World, cow: int) -> str:
        """The world id of COW state ``cow``, registering the state when no model or timeline names it."""
        found = world.registry.canonical(f"cow:{cow}")
        if found is not None:
            return found
        sid = self.names.code(cow) or f"COW{cow}"
        if world.registry.canonical(sid) is not None:
            sid = f"COW{cow}"
        world.registry.add(State(sid, self.names.name(cow), cow, None))
        return world.registry.canonical(f"cow:{cow}") or sid


_PHRASES = {
    "not party(event.actor)": "the attacker is itself a member",
    "party(event.target)": "the state attacked is not a member",
    "party(event.actor)": "the attacker is not a member",
    "not party(event.target)": "the state attacked is a member",
}


def _unknown_words(parts: Sequence[str]) -> str:
    for part in parts:
        point = re.search(r"reading\('([^']+)-condition'\)", part)
        if point:
            return (f"the dataset codes the {point.group(1)} duty as conditional without saying on what "
                    f"(reading point {point.group(1)}-condition)")
    return "the record does not say whether " + " and ".join(f"'{p}'" for p in parts)


def _trigger_types(norm: Any) -> list[str]:
    on = norm.trigger.on
    return list(on) if isinstance(on, list) else [on]


def _event_order(e: Event) -> tuple[date, int, str]:
    return (e.date, e.line or 0, e.id)


class _OutsideFacts:
    """Alliances of the treaties outside a World (the flattened body), as facts in that World's ids.

    Asked on demand from the memberships (a world of ATOP alliances has tens of thousands of member
    pairs; a question about an attack asks about a few): two states are allied on a day when some treaty
    binds both that day and carries a defence, offence, neutrality, non-aggression or consultation norm
    (the rule of :class:`foedus.world.WorldFacts`). Never unknown: the body is the whole record of its
    treaties."""

    def __init__(self, flat: Obligations, inside: set[str], world: World):
        self._registry = world.registry
        self._categories = flat.categories
        self._spells: dict[int, list[tuple[str, date, date | None]]] = {}
        for m in flat.memberships:
            if m.treaty not in inside:
                self._spells.setdefault(m.state, []).append((m.treaty, m.start, m.end))

    def _cow(self, name: str) -> int | None:
        state = self._registry.state(name)
        if state is not None:
            return state.cow
        tail = name[4:] if name.startswith("cow:") else ""
        return int(tail) if tail.isdigit() else None

    def pacts(self, a: str, b: str, on: date) -> list[Pact]:
        """Treaties binding ``a`` and ``b`` on ``on``, with their categories, sorted by treaty."""
        x, y = self._cow(a), self._cow(b)
        if x is None or y is None or x == y:
            return []

        def live(cow: int) -> set[str]:
            return {t for t, start, end in self._spells.get(cow, ()) if start <= on and (end is None or on < end)}
        both = live(x) & live(y)
        return [Pact(t, tuple(self._categories.get(t, ()))) for t in sorted(both)]

    def allied(self, a: str, b: str, on: date) -> bool:
        return any(set(p.categories) & set(ALLIANCE_CATEGORIES) for p in self.pacts(a, b, on))

    def united_with(self, a: str, b: str, on: date) -> bool:
        return self.allied(a, b, on)

    def at_war(self, a: str, b: str, on: date) -> bool:
        return False


def _world(files: Sequence[tuple[str, Treaty, SourceMap]], timeline: Timeline | None,
           models: Sequence[Treaty]) -> World:
    """A World of the treaty files (read once, their positions kept for errors) and further models."""
    sources = {model.id: (path, smap) for path, model, smap in files}
    return World._build([*(model for _, model, _ in files), *models], timeline, None, sources)


# --- building --------------------------------------------------------------------------------------------


def _needs_model(model: Treaty) -> bool:
    return isinstance(in_force_interval(model), str) or any(n.applies_when for n in model.norms)


def _canonical_order(flat: Obligations) -> Obligations:
    """A flattened body in the order a store gives it: treaties by id, then parties, then norms."""
    return replace(flat, windows=tuple(sorted(flat.windows, key=lambda w: w.treaty)),
                   memberships=tuple(sorted(flat.memberships, key=lambda m: (m.treaty, m.party))),
                   duties=tuple(sorted(flat.duties, key=lambda d: (d.treaty, d.norm))))


def why_not_in_force(world: World, tid: str, timeline_given: bool) -> NotInForce | None:
    """Why a treaty of the world is in force on no date of the record (None: it is on some date), in the words
    the single-treaty commands use (:func:`foedus.report.words.not_in_force`)."""
    lc = world.lifecycles[tid]
    ct = world.compiled[tid]
    title = ct.treaty.short_title or ct.treaty.title
    window = in_force_window(lc.entry_into_force, lc.ends_on)
    if not isinstance(window, str):
        return None
    rule = ct.lifecycle.entry_into_force
    found = not_in_force(tid, title, rule, lc, Names(world.registry), timeline_given=timeline_given)
    if found is not None:
        return found
    if lc.entry_into_force is not None:
        return NotInForce(tid, title, window, "check the timeline and the model's dates")
    return NotInForce(tid, title, "its entry into force is not on record",
                      "the timelines given do not record it" if timeline_given
                      else "give --events with a timeline that records it")


def open_world(treaty_files: Sequence[str | Path] = (), timeline: Timeline | None = None, *,
               atop: str | Path | None = None, members: str | Path | None = None,
               states: str | Path | None = None, store: str | Path | None = None, store_import: str | None = None,
               step: Callable[[str], Any] | None = None) -> WorldView:
    """The view of the treaty files, the timeline and a body of alliances: an ATOP import (``atop``, with
    ``members`` and ``states``) or one import of a store (``store``; ``store_import`` = ``SOURCE:VERSION``
    when it holds several). ``step(text)`` returns a context manager shown around slow steps."""
    from contextlib import nullcontext

    show = step or (lambda text: nullcontext())
    if atop is not None and store is not None:
        raise FoedusError("both --atop and --store given", where=Location("command line"),
                          expected="one body of alliances: an ATOP file, or a store prepared from one")
    if members is not None and atop is None:
        raise FoedusError("--members without --atop", where=Location("command line"), expected="--atop FILE too")
    files: list[tuple[str, Treaty, SourceMap]] = []
    if treaty_files:
        from foedus.model.load import load_treaty

        for path in treaty_files:
            model, smap = load_treaty(str(path))
            earlier = next((f for f, m, _ in files if m.id == model.id), None)
            if earlier is not None:
                raise FoedusError(f"treaty id {model.id!r} is also the id of {earlier}", where=smap.locate(("id",)),
                                  expected="one model per treaty id")
            files.append((str(path), model, smap))
    concerned = {e.treaty for e in timeline.events if e.treaty} if timeline is not None else set()
    names = StateNames()
    titles: dict[str, str] = {}
    body = Obligations((), (), (), (), None, {})
    in_world: list[Treaty] = []
    import_notes: list[str] = []
    load_body: Callable[[Iterable[str]], list[Treaty]] = lambda ids: []  # noqa: E731
    if atop is not None:
        from foedus.importers.atop import import_atop

        with show(f"importing {Path(atop).name}"):
            imported = import_atop(atop, members, states)
        models = list(imported.models)
        if imported.warnings:
            import_notes.append(f"the import of {Path(atop).name} gave {len(imported.warnings)} warning(s); "
                                "`foedus atop import` lists them")
        in_world = [m for m in models if m.id in concerned or _needs_model(m)]
        taken = {m.id for m in in_world}
        body = _canonical_order(flatten(sorted((m for m in models if m.id not in taken), key=lambda m: m.id)))
        for model in models:
            titles[model.id] = model.short_title or model.title
            for p in model.parties:
                names.add(p.cow, p.name, p.id, rank=2, aliases=[(p.id, "party id"),
                                                               (p.iso3, "ISO3 code")])
        by_id = {m.id: m for m in models}
        load_body = lambda ids: [by_id[i] for i in sorted(set(ids))]  # noqa: E731
    elif store is not None:
        from foedus.store import read  # DuckDB only: no pyarrow, no pandas

        source, _, version = (store_import or "").partition(":")
        with show(f"reading {Path(store).name}"), read.opened(store) as con:
            stored = read.read_world(con, str(store), source or None, version or None, exclude=concerned)
            wanted = set(stored.need_models) | (concerned & set(stored.titles))
            in_world = read.models(con, stored.source, stored.version, wanted) if wanted else []
        body = stored.obligations
        titles.update(stored.titles)
        for sp in stored.parties:
            names.add(sp.cow, sp.name, sp.id, rank=2, aliases=[(sp.id, "party id"), (sp.iso3, "ISO3 code")])

        def load_body(ids: Iterable[str]) -> list[Treaty]:
            with read.opened(str(store)) as again:
                return read.models(again, stored.source, stored.version, ids)
    if states is not None:
        from foedus.importers.cow_states import read_states

        for cow_state in read_states(states):
            names.add(cow_state.ccode, cow_state.name, cow_state.abb, rank=1,
                      aliases=[(cow_state.abb, "COW abbreviation")])
    world: World | None = None
    notes: list[str] = list(import_notes)
    if files or in_world:
        with show("evaluating the treaties against the timeline"):
            world = _world(files, timeline, in_world)
        notes += world.notes
        for model in world.models:
            titles[model.id] = model.short_title or model.title
        for model in world.models[: len(world.models) - len(in_world)]:
            for p in model.parties:
                names.add(p.cow, p.name, p.id, rank=0, aliases=[(p.id, "party id"),
                                                               (p.iso3, "ISO3 code")])
        for declared in world.timeline.states.values():
            names.add(declared.cow, declared.name, declared.id, rank=0,
                      aliases=[(declared.id, "timeline state id"), (declared.iso3, "ISO3 code")])
    elif timeline is not None and timeline.events:
        notes.append(f"timeline {timeline.id}: no treaty given concerns its events, so they are not used")
    if world is None and not body.windows and not body.skipped:
        raise FoedusError("no treaties given", where=Location("command line"),
                          expected="--treaty FILE, --atop FILE or --store FILE")
    flat = merge(flatten_world(world), body) if world is not None else body
    with show("indexing the obligations"):
        index = WorldIndex(flat)
    not_in_force: list[NotInForce] = []
    if world is not None:
        given = timeline is not None and bool(timeline.events)
        not_in_force = [found for tid in world.treaty_ids
                        if (found := why_not_in_force(world, tid, given)) is not None]
    for skipped in body.skipped:
        tid, _, reason = skipped.partition(": ")
        not_in_force.append(NotInForce(tid, titles.get(tid, tid), reason, "check the model's dates"))
    return WorldView(world, timeline, flat, index, names, titles, not_in_force, notes, tuple(files), tuple(in_world),
                     load_body)
