"""Relations between states on a date, derived from timeline facts.

allied: a `treaty_in_force` of kind alliance (until `treaty_ended` or a successor that `replaces`
it), or an `alliance_concluded` (from its date: a fact is judged on what the record shows on its own
day, so the facts of a whole timeline answer every date the same as those of the events up to it).
at_war: a `state_of_war` (or an armed attack recorded with state_of_war: true) until an
`end_of_war` or a `peace_settlement` that ends it. An armed attack that does not say whether it
brought a state of war leaves at_war unknown. united_with: allied, or forces stationed.

A world of treaty models (foedus.world) adds the alliances its models put in force.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from foedus.compile.conditions import Cite
from foedus.model.events import Event

Interval = tuple[date, date | None]  # [start, end) ; None = open


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _covers(intervals: Iterable[Interval], on: date) -> bool:
    return any(start <= on and (end is None or on < end) for start, end in intervals)


@dataclass
class TimelineFacts:
    alliances: dict[tuple[str, str], list[tuple[Interval, str]]] = field(default_factory=lambda: defaultdict(list))
    wars: dict[tuple[str, str], list[Interval]] = field(default_factory=lambda: defaultdict(list))
    attacks_unclear: dict[tuple[str, str], list[date]] = field(default_factory=lambda: defaultdict(list))
    stationed: dict[tuple[str, str], list[Interval]] = field(default_factory=lambda: defaultdict(list))
    # the event on record behind each fact, for explanations: a treaty's entry into force (or conclusion), the
    # start of a war, an attack that does not say whether it brought a state of war, forces stationed
    opened_by: dict[tuple[object, ...], str] = field(default_factory=dict)

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> TimelineFacts:
        facts = cls()
        events = sorted(events, key=lambda e: (e.date, e.line or 0))
        treaty_members: dict[str, tuple[str, ...]] = {}
        treaty_start: dict[str, date] = {}
        treaty_end: dict[str, date] = {}
        treaty_event: dict[str, str] = {}
        concluded: dict[str, Event] = {}
        for e in events:
            tid = e.treaty or e.id
            if e.type == "treaty_in_force" and e.attributes.get("kind") in ("alliance", "defence", "defense"):
                treaty_members[tid] = e.actors
                treaty_start[tid] = e.date
                treaty_event[tid] = e.id
                replaced = e.attributes.get("replaces")
                for old in replaced if isinstance(replaced, list) else [replaced] if replaced else []:
                    treaty_end.setdefault(str(old), e.date)
            elif e.type == "alliance_concluded":
                concluded[tid] = e
            elif e.type == "treaty_ended":
                treaty_end.setdefault(tid, e.date)
        for tid, e in concluded.items():
            # Concluded: an alliance from that day, as the record then shows it, even where its entry into
            # force is recorded later (a fact is judged on what was on record on its own day).
            if tid not in treaty_start or e.date < treaty_start[tid]:
                treaty_members[tid] = e.actors
                treaty_start[tid] = e.date
                treaty_event[tid] = e.id
        for tid, event_id in treaty_event.items():
            facts.opened_by[("treaty", tid)] = event_id
        for tid, members in treaty_members.items():
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    facts.alliances[_pair(a, b)].append(((treaty_start[tid], treaty_end.get(tid)), tid))
        open_wars: dict[tuple[str, str], date] = {}
        for e in events:
            pairs = [_pair(a, b) for a in e.actors for b in e.targets if a != b]
            if e.type == "state_of_war" or (e.type == "armed_attack" and e.attributes.get("state_of_war") is True):
                for p in pairs:
                    if p not in open_wars:
                        open_wars[p] = e.date
                        facts.opened_by[("war", p, e.date)] = e.id
            elif e.type == "armed_attack" and "state_of_war" not in e.attributes:
                for p in pairs:
                    facts.attacks_unclear[p].append(e.date)
                    facts.opened_by.setdefault(("unclear", p, e.date), e.id)
            elif e.type == "end_of_war" or (e.type == "peace_settlement"
                                           and e.attributes.get("ends_state_of_war") is True):
                for p in pairs:
                    if p in open_wars:
                        facts.wars[p].append((open_wars.pop(p), e.date))
            elif e.type == "forces_stationed":
                until = e.attributes.get("until")  # typed by the vocabulary: a date or absent
                end = until if isinstance(until, date) else None
                facts.stationed[_pair(e.actors[0], e.targets[0])].append((e.date, end))
                facts.opened_by.setdefault(("stationed", _pair(e.actors[0], e.targets[0]), e.date), e.id)
        for p, start in open_wars.items():
            facts.wars[p].append((start, None))
        return facts

    def allied(self, a: str, b: str, on: date) -> bool | None:
        if a == b:
            return False
        return _covers((iv for iv, _ in self.alliances.get(_pair(a, b), [])), on)

    def at_war(self, a: str, b: str, on: date) -> bool | None:
        p = _pair(a, b)
        if _covers(self.wars.get(p, []), on):
            return True
        if any(d <= on for d in self.attacks_unclear.get(p, [])):
            return None
        return False

    def united_with(self, a: str, b: str, on: date) -> bool | None:
        if self.allied(a, b, on):
            return True
        return _covers(self.stationed.get(_pair(a, b), []), on)

    def in_war(self, a: str, on: date) -> bool | None:
        unknown = False
        for (x, y), intervals in self.wars.items():
            if a in (x, y) and _covers(intervals, on):
                return True
        for (x, y), days in self.attacks_unclear.items():
            if a in (x, y) and any(d <= on for d in days):
                unknown = True
        return None if unknown else False

    def cite(self, relation: str, a: str, b: str | None, on: date) -> Cite | None:
        """The event on record that made ``relation`` hold on ``on`` (an alliance's treaty and the event that
        put it in force; the event that began a war), or that leaves it open (an attack that does not say
        whether it brought a state of war). None: nothing on record."""
        if relation in ("allied", "united_with") and b is not None:
            for (start, end), tid in self.alliances.get(_pair(a, b), []):
                if start <= on and (end is None or on < end):
                    return Cite(treaty=tid, event=self.opened_by.get(("treaty", tid)))
            if relation == "united_with":
                for start, end in self.stationed.get(_pair(a, b), []):
                    if start <= on and (end is None or on < end):
                        return Cite(event=self.opened_by.get(("stationed", _pair(a, b), start)))
            return None
        pairs = [_pair(a, b)] if b is not None else [p for p in (*self.wars, *self.attacks_unclear) if a in p]
        for p in pairs:
            for start, end in self.wars.get(p, []):
                if start <= on and (end is None or on < end):
                    return Cite(event=self.opened_by.get(("war", p, start)))
        for p in pairs:
            for day in self.attacks_unclear.get(p, []):
                if day <= on:
                    return Cite(event=self.opened_by.get(("unclear", p, day)))
        return None


@dataclass
class CombinedFacts:
    """Several sources of facts: true if any says true, unknown if none says true and one is unsure."""

    sources: tuple[object, ...]

    def _ask(self, name: str, a: str, b: str, on: date) -> bool | None:
        unknown = False
        for source in self.sources:
            value = getattr(source, name)(a, b, on)
            if value is True:
                return True
            if value is None:
                unknown = True
        return None if unknown else False

    def allied(self, a: str, b: str, on: date) -> bool | None:
        return self._ask("allied", a, b, on)

    def united_with(self, a: str, b: str, on: date) -> bool | None:
        return self._ask("united_with", a, b, on)

    def at_war(self, a: str, b: str, on: date) -> bool | None:
        return self._ask("at_war", a, b, on)

    def cite(self, relation: str, a: str, b: str | None, on: date) -> Cite | None:
        """What the first source that says the relation holds (else the first that leaves it open) cites."""
        open_cite = None
        for source in self.sources:
            cite = getattr(source, "cite", None)
            value = (source.in_war(a, on) if b is None  # type: ignore[attr-defined]
                     else getattr(source, relation)(a, b, on))
            if value is True:
                return cite(relation, a, b, on) if cite is not None else None
            if value is None and open_cite is None and cite is not None:
                open_cite = cite(relation, a, b, on)
        return open_cite

    def in_war(self, a: str, on: date) -> bool | None:
        unknown = False
        for source in self.sources:
            value = source.in_war(a, on)  # type: ignore[attr-defined]
            if value is True:
                return True
            if value is None:
                unknown = True
        return None if unknown else False
