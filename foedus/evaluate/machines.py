"""The state machines of a treaty and of its norms, declared as data.

Each row reads as a sentence: in state A, when X happens, the treaty (or the duty) passes to B.
The evaluator may only move along these rows; anything else is a bug, raised as such.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    source: str
    when: str
    target: str
    says: str


@dataclass(frozen=True)
class StateMachine:
    name: str
    initial: str
    final: tuple[str, ...]
    transitions: tuple[Transition, ...]

    def step(self, state: str, when: str) -> Transition:
        for t in self.transitions:
            if t.source == state and t.when == when:
                return t
        raise RuntimeError(f"{self.name}: no transition from {state!r} on {when!r}")

    def can(self, state: str, when: str) -> bool:
        return any(t.source == state and t.when == when for t in self.transitions)

    @property
    def states(self) -> list[str]:
        seen = [self.initial]
        for t in self.transitions:
            for s in (t.source, t.target):
                if s not in seen:
                    seen.append(s)
        return seen


T = Transition

TREATY = StateMachine(
    name="treaty",
    initial="not signed",
    final=("expired", "terminated"),
    transitions=(
        T("not signed", "signature", "signed", "the plenipotentiaries sign the text"),
        T("signed", "ratification", "ratified in part", "one party ratifies; others have not yet"),
        T("ratified in part", "ratification", "ratified in part", "another party ratifies"),
        T("signed", "entry into force", "in force", "the rule of entry into force is met"),
        T("ratified in part", "entry into force", "in force", "the last ratification brings it into force"),
        T("in force", "tacit extension", "in force (extended)", "no timely notice: the term is extended"),
        T("in force (extended)", "tacit extension", "in force (extended)", "extended again"),
        T("in force", "term ends", "expired", "the term ends (a timely notice stopped extension, or none is provided)"),
        T("in force (extended)", "term ends", "expired", "the extended term ends"),
        T("in force", "termination", "terminated", "terminated by withdrawal, agreement or a recorded end"),
        T("in force (extended)", "termination", "terminated", "terminated by withdrawal, agreement or a recorded end"),
    ),
)

OBLIGATION = StateMachine(
    name="obligation",
    initial="active",
    final=("fulfilled", "violated", "discharged", "expired", "undetermined"),
    transitions=(
        T("active", "fulfilling act", "fulfilled", "an act that fulfils the duty, in time"),
        T("active", "breaching act", "violated", "an act that breaches the duty"),
        T("active", "deadline passes", "violated", "the deadline passed and the record shows no fulfilling act"),
        T("active", "deadline passes, record silent", "undetermined",
          "the deadline passed; the record is not complete enough to say whether the duty was honoured"),
        T("active", "discharging act", "discharged", "an act or settlement that ends the duty"),
        T("active", "treaty ends", "discharged", "the treaty ended while the duty was still open"),
        T("active", "term of duty ends", "expired", "a standing duty ends with the treaty, never breached"),
        T("violated", "breaching act", "violated", "a further breach of a standing duty"),
        T("violated", "treaty ends", "violated", "a breach stays a breach after the treaty ends"),
    ),
)

PROHIBITION = StateMachine(
    name="prohibition",
    initial="active",
    final=("violated", "expired"),
    transitions=(
        T("active", "breaching act", "violated", "an act the norm forbids"),
        T("violated", "breaching act", "violated", "a further forbidden act"),
        T("active", "term of duty ends", "expired", "the prohibition ends with the treaty, never breached"),
        T("violated", "treaty ends", "violated", "a breach stays a breach after the treaty ends"),
    ),
)

PERMISSION = StateMachine(
    name="permission",
    initial="active",
    final=("expired",),
    transitions=(T("active", "term of duty ends", "expired", "the permission ends with the treaty"),),
)

POWER = StateMachine(
    name="power",
    initial="held",
    final=("exercised", "expired"),
    transitions=(
        T("held", "valid exercise", "exercised", "the holder exercises the power validly"),
        T("held", "term of duty ends", "expired", "the treaty ended; the power was not exercised"),
        T("exercised", "treaty ends", "exercised", "the exercise stands"),
    ),
)

BY_KIND = {"obligation": OBLIGATION, "prohibition": PROHIBITION, "permission": PERMISSION, "power": POWER}
ALL = (TREATY, OBLIGATION, PROHIBITION, PERMISSION, POWER)
