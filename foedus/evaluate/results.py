"""What evaluation answers: plain, frozen records that the report stage renders."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, overload

from foedus.compile.conditions import Cite, Part
from foedus.immutable import Immutable

__all__ = ["Change", "Cite", "Finding", "InvalidAct", "LifecycleResult", "NormInstance", "Notice", "Outcome", "Part",
           "PartyResult", "Term", "TermInfo", "TriggerCheck", "Version"]


# Terms as people count them (the engine names terms so in its change records; the report says them so).
_ORDINALS = ("zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
             "nineteenth", "twentieth")


def ordinal(n: int) -> str:
    """``1`` → ``first``; past twenty, ``21st``."""
    if 0 <= n < len(_ORDINALS):
        return _ORDINALS[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def term_words(number: int) -> str:
    """A term as people count them: the treaty's first term (number 0), then its first, second … extension."""
    return "first term" if number == 0 else f"{ordinal(number)} extension"


@dataclass(frozen=True)
class Change(Immutable):
    """One state change, with the reason and the events behind it."""

    date: date
    # "treaty" (its state), "term" (before and after name terms: a tacit extension, a term an instrument
    # set), a party id (in a party's history) or a norm instance id. ``before`` is never ``after``: what
    # leaves a state as it is (a further breach, a further extension) is a finding or a change of term.
    subject: str
    before: str
    after: str
    because: str
    events: tuple[str, ...] = ()
    article: str | None = None


@dataclass(frozen=True)
class Term(Immutable):
    number: int  # 0 = the initial term, 1.. = extensions
    start: date
    end: date | None  # the first day out of force (None: the term has no fixed end)
    notice_deadline: date | None  # last day for a timely notice (inclusive or not: see notice_inclusive)


@dataclass(frozen=True)
class TermInfo(Immutable):
    """What a term owes to the rules: the instrument that set it, when it became certain, the window."""

    number: int
    set_by: str | None  # an instrument id; None: the treaty's own clause
    fixed_since: date | None  # an extension: the day it became certain (the notice deadline passed)
    notice_opens: date | None  # the first day a notice may be given (a window that opens)


@dataclass(frozen=True)
class Version(Immutable):
    """One version of the lifecycle: the values in force from ``start``, set by ``instrument`` (None: the
    treaty itself)."""

    start: date
    instrument: str | None
    title: str
    changes: tuple[str, ...]  # what it changed, in words


@dataclass
class PartyResult:
    """One party's own life under the treaty."""

    party: str
    name: str
    state: str
    signed_on: date | None = None
    consented_on: date | None = None  # ratification or accession took effect
    bound_from: date | None = None  # the latest time it became bound
    bound_until: date | None = None  # first day no longer bound (certain as of the date), else None
    reason: str = ""
    intervals: list[tuple[date, date | None]] = field(default_factory=list)
    history: list[Change] = field(default_factory=list)

    def bound_on(self, d: date) -> bool:
        return any(start <= d and (end is None or d < end) for start, end in self.intervals)


@dataclass(frozen=True)
class Notice(Immutable):
    event: str
    date: date
    party: str
    verdict: str  # "timely" | "late" | "invalid" | "valid" (a withdrawal notice)
    effect: str
    term: int | None
    kind: str = "denunciation"  # denunciation (at the end of a term) | withdrawal
    assumed: tuple[str, ...] = ()  # what the record does not say and the rule presumed


@dataclass(frozen=True)
class InvalidAct(Immutable):
    event: str
    date: date
    type: str
    actor: str | None
    reason: str
    article: str | None


@dataclass
class LifecycleResult:
    state: str
    signed_on: date | None
    signed_at: str | None
    ratifications: dict[str, date]
    exchange_on: date | None
    exchange_at: str | None
    entry_into_force: date | None
    terms: list[Term]
    ends_on: date | None  # first day out of force, when the end is certain as of the date
    end_reason: str | None
    notices: list[Notice]
    changes: list[Change]
    in_force: bool
    current_term: Term | None
    notice_deadline: date | None
    notice_inclusive: bool
    expires_on: date | None  # the current term's expiry, or the certain end
    parties: list[PartyResult] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)
    term_info: list[TermInfo] = field(default_factory=list)
    extension_fixed_since: date | None = None  # the next extension is certain since this day
    entry_pending: str | None = None  # what the rule of entry into force still waits for
    entry_missing: tuple[str, ...] = ()  # the parties whose ratification it waits for (ratification by all)
    record_silent: bool = False  # the timeline records no act under this treaty at all
    end_kind: str | None = None  # how it ended: expiry, withdrawal, agreement, abrogation, …
    ended_outside_clauses: bool = False  # ended by an act the treaty's clauses do not provide for
    upcoming: tuple[date, ...] = ()  # days after the as-of date on which time alone changes something
    norms_ended: dict[str, date] = field(default_factory=dict)  # norms an act ended for good (ends_with)
    held_back: str | None = None  # the end of its term came, but its proviso holds the treaty in force

    def in_force_on(self, d: date) -> bool:
        if self.entry_into_force is None or d < self.entry_into_force:
            return False
        return self.ends_on is None or d < self.ends_on

    def party(self, pid: str) -> PartyResult | None:
        return next((p for p in self.parties if p.party == pid), None)


@dataclass(frozen=True)
class Finding(Immutable):
    """An act weighed against a norm instance."""

    date: date
    event: str
    verdict: str  # honoured | fulfilled | breached | undetermined | discharged
    says: str
    act: str | None = None  # what the act pattern says the act is (None: the pattern does not say)
    unknown: Sequence[Part] = ()  # undetermined: the parts of the pattern's condition the record leaves open


@dataclass
class NormInstance:
    id: str
    norm: str
    kind: str
    article: str | None
    paragraph: int | None
    category: str
    summary: str
    bearer: str
    counterparty: str
    state: str
    created_on: date
    trigger_event: str | None = None
    deadline: date | None = None  # last day on which a fulfilling act counts
    # When the trigger's day (or the day that bounds the deadline) is known only within a range, the last day
    # is too: it lies between ``deadline`` and ``deadline_latest`` (None: known to the day).
    deadline_latest: date | None = None
    bindings: dict[str, str] = field(default_factory=dict)
    history: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ended_on: date | None = None

    @property
    def since(self) -> date:
        """The day the instance entered its present state (a further breach is a finding: it does not move it)."""
        return self.history[-1].date if self.history else self.created_on


class PartsLater(Sequence[Part]):
    """A condition's false and open parts with the values behind them, worked out when first read: an
    explanation needs them, an answer does not (a run makes many checks no one asks to explain)."""

    __slots__ = ("_explain", "_parts")

    def __init__(self, explain: Callable[[], tuple[Part, ...]]):
        self._explain: Callable[[], tuple[Part, ...]] | None = explain
        self._parts: tuple[Part, ...] = ()

    def _got(self) -> tuple[Part, ...]:
        if self._explain is not None:
            self._parts, self._explain = self._explain(), None
        return self._parts

    @overload
    def __getitem__(self, i: int) -> Part: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Part]: ...
    def __getitem__(self, i: int | slice) -> Part | Sequence[Part]:
        return self._got()[i]

    def __len__(self) -> int:
        return len(self._got())

    def __iter__(self) -> Iterator[Part]:
        return iter(self._got())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __deepcopy__(self, memo: dict[int, Any]) -> PartsLater:
        return self  # what it works out never changes


@dataclass(frozen=True)
class TriggerCheck(Immutable):
    """An event of a norm's trigger type that did not (or could not be shown to) trigger it."""

    norm: str
    event: str
    date: date
    verdict: str  # "not triggered" | "undetermined" | "treaty not in force"
    false_parts: tuple[str, ...]
    unknown_parts: tuple[str, ...]
    parts: Sequence[Part] = ()  # the false and unknown parts, with the values and facts behind each


@dataclass
class Outcome:
    treaty: str
    title: str
    reading: str
    choices: dict[str, str]
    as_of: date
    lifecycle: LifecycleResult
    instances: list[NormInstance]
    trigger_checks: list[TriggerCheck]
    invalid_acts: list[InvalidAct]
    events_used: int
    timeline: str | None

    def changes(self) -> list[Change]:
        """Every state change: the treaty's, then each norm instance's, as recorded."""
        return [*self.lifecycle.changes, *(c for i in self.instances for c in i.history)]
