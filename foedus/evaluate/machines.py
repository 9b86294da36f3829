"""The state machines of a treaty and of its norms, declared as data.

Each row reads as a sentence: in state A, when X happens, the treaty (or the duty) passes to B, another
state. The evaluator may only move along these rows; anything else is a bug, raised as such. What leaves a
state as it is — a further breach of a duty already violated, a further tacit extension, the end of the
treaty for a duty already violated or a power already exercised — is no row: it is recorded as a finding
or as a change of term, not as a change of state.
"""

from __future__ import annotations

from dataclasses import dataclass

from foedus.immutable import Immutable


@dataclass(frozen=True)
class Transition(Immutable):
    source: str
    when: str
    target: str
    says: str


@dataclass(frozen=True)
class StateMachine(Immutable):
    name: str
    initial: str
    final: tuple[str, ...]
    transitions: tuple[Transition, ...]

    def __post_init__(self) -> None:
        # A row leads to another state: an act or a day that leaves a state as it is (a further breach, a
        # further extension) is a finding or a change of term, never a change of state.
        loops = [t for t in self.transitions if t.source == t.target]
        if loops:
            raise RuntimeError(f"{self.name}: a row that leaves the state as it is: {loops[0]}")
        object.__setattr__(self, "_index", {(t.source, t.when): t for t in self.transitions})

    def step(self, state: str, when: str) -> Transition:
        t = self._index.get((state, when))  # type: ignore[attr-defined]
        if t is None:
            raise RuntimeError(f"{self.name}: no transition from {state!r} on {when!r}")
        return t

    def can(self, state: str, when: str) -> bool:
        return (state, when) in self._index  # type: ignore[attr-defined]

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
        T("signed", "ratification", "ratified in part", "a first instrument of ratification or accession takes "
          "effect; the treaty awaits its rule of entry into force"),
        T("not signed", "entry into force", "in force", "in force on a recorded date, with no signature on record"),
        T("signed", "entry into force", "in force", "the rule of entry into force is met"),
        T("ratified in part", "entry into force", "in force", "the rule of entry into force is met"),
        T("in force", "tacit extension", "in force (extended)", "no timely notice: the term is extended"),
        T("in force", "term ends", "expired", "the term ends (a timely notice stopped extension, or none is provided)"),
        T("in force (extended)", "term ends", "expired", "the extended term ends"),
        T("in force", "termination", "terminated", "terminated before its term: by agreement, withdrawal, "
          "abrogation, supersession, the loss of parties or a recorded end"),
        T("in force (extended)", "termination", "terminated", "terminated before its term"),
        T("in force", "suspension", "suspended", "all the parties suspend the operation of the treaty"),
        T("in force (extended)", "suspension", "suspended", "all the parties suspend the operation of the treaty"),
        T("suspended", "resumption", "in force", "the parties resume the treaty's operation"),
        T("suspended", "term ends", "expired", "the term ends while the treaty is suspended"),
        T("suspended", "termination", "terminated", "terminated while suspended"),
    ),
)

PARTY = StateMachine(
    name="party",
    initial="not a party",
    final=("no longer bound", "ceased to exist", "succeeded"),
    transitions=(
        T("not a party", "signature", "signatory", "the state signs the treaty"),
        T("signatory", "ratification", "consented", "its instrument of ratification takes effect (deposited or "
          "exchanged)"),
        T("not a party", "ratification", "consented", "its instrument takes effect; it signed no text on record"),
        T("not a party", "accession", "consented", "its instrument of accession takes effect"),
        T("signatory", "accession", "consented", "its instrument of accession takes effect"),
        T("signatory", "entry into force", "bound", "the treaty enters into force for it (on signature, on the "
          "exchange of instruments, or on a recorded date)"),
        T("consented", "entry into force", "bound", "the treaty enters into force for it"),
        T("not a party", "entry into force", "bound", "the treaty is in force for it from a recorded date"),
        T("not a party", "admission", "bound", "an instrument in force makes it a party"),
        T("signatory", "admission", "bound", "an instrument in force makes it a party"),
        T("consented", "admission", "bound", "an instrument in force makes it a party"),
        T("not a party", "succession", "bound", "it continues the participation of a state it succeeds"),
        T("bound", "notice", "notice given", "it gives notice of denunciation or withdrawal"),
        T("notice given", "notice lapses", "bound", "its notice no longer has effect (an instrument it consented "
          "to replaced the term)"),
        T("bound", "leaving", "withdrawn", "it ceases to be bound: its withdrawal takes effect, an instrument "
          "removes it, or its abrogation is effective"),
        T("notice given", "leaving", "withdrawn", "its notice takes effect: it ceases to be bound"),
        T("suspended", "leaving", "withdrawn", "it ceases to be bound"),
        T("withdrawn", "rejoining", "bound", "it is bound again: the record dates a later membership"),
        T("withdrawn", "accession", "consented", "it accedes again, its instrument taking effect"),
        T("bound", "suspension", "suspended", "its participation is suspended"),
        T("notice given", "suspension", "suspended", "its participation is suspended"),
        T("suspended", "resumption", "bound", "its participation resumes"),
        T("bound", "treaty ends", "no longer bound", "the treaty ends"),
        T("notice given", "treaty ends", "no longer bound", "the treaty ends"),
        T("suspended", "treaty ends", "no longer bound", "the treaty ends"),
        T("not a party", "extinction", "ceased to exist", "the state ceases to exist"),
        T("signatory", "extinction", "ceased to exist", "the state ceases to exist"),
        T("consented", "extinction", "ceased to exist", "the state ceases to exist"),
        T("bound", "extinction", "ceased to exist", "the state ceases to exist"),
        T("notice given", "extinction", "ceased to exist", "the state ceases to exist"),
        T("suspended", "extinction", "ceased to exist", "the state ceases to exist"),
        T("bound", "succeeded", "succeeded", "a successor state continues its participation"),
        T("notice given", "succeeded", "succeeded", "a successor state continues its participation"),
        T("suspended", "succeeded", "succeeded", "a successor state continues its participation"),
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
        T("active", "party leaves", "discharged", "its bearer or counterparty ceased to be bound while it was open"),
        T("active", "term of duty ends", "expired", "a standing duty ends with the treaty (or the bearer's "
          "participation, or an instrument that ends it), never breached"),
        T("active", "suspension", "suspended", "the bearer's participation (or the treaty) is suspended"),
        T("suspended", "resumption", "active", "the bearer's participation resumes"),
        T("suspended", "treaty ends", "discharged", "the treaty ended while the duty was suspended"),
        T("suspended", "party leaves", "discharged", "its bearer ceased to be bound while the duty was suspended"),
        T("suspended", "term of duty ends", "expired", "a standing duty ends while suspended, never breached"),
    ),
)

PROHIBITION = StateMachine(
    name="prohibition",
    initial="active",
    final=("violated", "expired", "discharged"),
    transitions=(
        T("active", "breaching act", "violated", "an act the norm forbids"),
        T("active", "discharging act", "discharged", "an act that ends a triggered prohibition (the war it "
          "concerned ended)"),
        T("active", "term of duty ends", "expired", "the prohibition ends with the treaty (or the bearer's "
          "participation), never breached"),
        T("active", "suspension", "suspended", "the bearer's participation (or the treaty) is suspended"),
        T("suspended", "resumption", "active", "the bearer's participation resumes"),
        T("suspended", "term of duty ends", "expired", "the prohibition ends while suspended"),
    ),
)

PERMISSION = StateMachine(
    name="permission",
    initial="active",
    final=("expired",),
    transitions=(
        T("active", "term of duty ends", "expired", "the permission ends with the treaty (or the holder's "
          "participation)"),
        T("active", "suspension", "suspended", "the holder's participation (or the treaty) is suspended"),
        T("suspended", "resumption", "active", "the holder's participation resumes"),
        T("suspended", "term of duty ends", "expired", "the permission ends while suspended"),
    ),
)

POWER = StateMachine(
    name="power",
    initial="held",
    final=("exercised", "expired"),
    transitions=(
        T("held", "valid exercise", "exercised", "the holder exercises the power validly"),
        T("held", "term of duty ends", "expired", "the treaty ended (or the holder left); the power was not "
          "exercised"),
        T("held", "suspension", "suspended", "the holder's participation (or the treaty) is suspended"),
        T("suspended", "resumption", "held", "the holder's participation resumes"),
        T("suspended", "term of duty ends", "expired", "the power ends while suspended"),
    ),
)

BY_KIND = {"obligation": OBLIGATION, "prohibition": PROHIBITION, "permission": PERMISSION, "power": POWER}
ALL = (TREATY, PARTY, OBLIGATION, PROHIBITION, PERMISSION, POWER)
