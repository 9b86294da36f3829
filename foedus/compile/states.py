"""Which state a name in a timeline or a condition stands for.

A state may be named by a treaty's party id (USSR), by an id declared in a timeline's `states:`
table, by its ISO alpha-3 code, or as ``cow:365``. Two names with the same COW code are the same
state; each state gets one canonical id (the first name registered for it, parties first).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from foedus.model.events import State


@dataclass
class StateRegistry:
    by_name: dict[str, State] = field(default_factory=dict)
    by_key: dict[str, State] = field(default_factory=dict)

    def add(self, state: State) -> State:
        canonical = self.by_key.get(state.key)
        if canonical is None and state.iso3:
            canonical = self.by_name.get(state.iso3)
        if canonical is None:
            canonical = state
            self.by_key[state.key] = state
        for name in (state.id, state.iso3, f"cow:{state.cow}" if state.cow is not None else None):
            if name and name not in self.by_name:
                self.by_name[name] = canonical
        return canonical

    def canonical(self, name: str) -> str | None:
        state = self.by_name.get(name)
        return state.id if state else None

    def state(self, name: str) -> State | None:
        return self.by_name.get(name)

    def display(self, name: str) -> str:
        state = self.by_name.get(name)
        return state.name if state else name

    def known(self) -> list[str]:
        return sorted({s.id for s in self.by_name.values()})
