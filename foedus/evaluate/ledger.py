"""The record of a treaty's life while evaluation proceeds in date order.

The ledger holds the treaty's state, each party's, the lifecycle's versions (the dated series of
values that later instruments change), the terms and the notices. Rules (``rules.py``) change it only
through the methods below, which move along the declared state machines (``machines.py``) and record
every change with its reason and the events behind it. ``result`` turns it into the frozen records of
``results.py``, with what is certain as of the date (the end, a fixed extension) worked out from it.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from foedus.compile.compiler import CompiledInstrument, CompiledTreaty, Terms
from foedus.dates import AmbiguousDate, Duration, add, subtract
from foedus.errors import FoedusError, Location
from foedus.evaluate import machines
from foedus.evaluate.results import (
    Change,
    InvalidAct,
    LifecycleResult,
    Notice,
    PartyResult,
    Term,
    TermInfo,
    Version,
    term_words,
)
from foedus.model.events import Event

if TYPE_CHECKING:
    from foedus.evaluate.norms import NormBook

ONE_DAY = timedelta(days=1)
MAX_TERMS = 400  # a guard: 400 extensions of even one day would cover any real question
BOUND = ("bound", "notice given")  # party states in which the treaty binds it
IN_FORCE = ("in force", "in force (extended)", "suspended")

# Time-driven occasions, in the order they are settled at the start of a day.
TIMER_ORDER = {
    "signature on record": 0,
    "entry into force": 1,
    "party bound": 2,
    "instrument in force": 3,
    "notice deadline passes": 4,
    "term ends": 5,
    "withdrawal takes effect": 6,
    "party leaves": 7,
    "recorded end": 8,
    "deadline passes": 9,
}


@dataclass(order=True)
class Timer:
    date: date
    rank: int
    seq: int
    kind: str = field(compare=False)
    payload: Any = field(compare=False, default=None)


@dataclass
class PendingNotice:
    """A valid notice waiting for its effect: a denunciation at the end of term ``term``, or a withdrawal
    on ``effective``."""

    event: Event
    party: str
    kind: str  # denunciation | withdrawal
    term: int | None = None
    effective: date | None = None


@dataclass
class PartyLife:
    id: str
    name: str
    original: bool
    state: str = machines.PARTY.initial
    signed_on: date | None = None
    consented_on: date | None = None
    consent_event: str | None = None
    reason: str = ""
    intervals: list[list[date | None]] = field(default_factory=list)
    history: list[Change] = field(default_factory=list)
    notice: PendingNotice | None = None
    suspended_since: date | None = None

    @property
    def bound(self) -> bool:
        return self.state in BOUND

    @property
    def bound_from(self) -> date | None:
        return self.intervals[-1][0] if self.intervals else None


@dataclass
class OpenTerm:
    """The term running now: its public record and what the rules need beside it."""

    term: Term
    expiry: date | None  # the expiry date as the clause counts it (None: no fixed end)
    token: int  # timers of a replaced term carry an old token and are ignored
    info: TermInfo


class Ledger:
    """See the module docstring. ``today`` is the day being settled."""

    def __init__(self, ct: CompiledTreaty, as_of: date, facts: Any = None):
        self.ct = ct
        self.facts = facts
        self.lc = ct.lifecycle
        self.as_of = as_of
        self.today = date.min
        self.state = machines.TREATY.initial
        self.changes: list[Change] = []
        self.parties: dict[str, PartyLife] = {}
        for p in ct.treaty.parties:
            self.parties[p.id] = PartyLife(p.id, p.name, p.original)
        self.signed_on: date | None = None
        self.signed_at: str | None = ct.treaty.signed.place if ct.treaty.signed else None
        self.ratifications: dict[str, date] = {}
        self.ratification_events: dict[str, str] = {}
        self.instruments_deposited: list[tuple[date, str, str]] = []  # (date, party, event id)
        self.exchange: Event | None = None
        self.eif: date | None = None
        self.eif_scheduled: date | None = None
        self.terms: list[Term] = []
        self.term_info: list[TermInfo] = []
        self.current: OpenTerm | None = None
        self.next_term: Term | None = None  # an extension already certain (its deadline passed)
        self.extension_fixed_since: date | None = None
        self.tokens = itertools.count(1)
        self.values: Terms = self.lc.terms
        self.versions: list[Version] = []
        self.instruments_in_force: dict[str, date] = {}
        self.notices: list[Notice] = []
        self.carried: dict[str, PendingNotice] = {}  # late notices counting for the next term, by party
        self.invalid: list[InvalidAct] = []
        self.ended_on: date | None = None
        self.end_reason: str | None = None
        self.end_events: tuple[str, ...] = ()
        self.end_kind: str | None = None
        self.outside_clauses = False
        self.scheduled_end: tuple[date, str, tuple[str, ...], str] | None = None  # an instrument's end date
        self.deferred: tuple[str, tuple[str, ...], str, str | None] | None = None  # an end held back
        self.timers: list[Timer] = []
        self.seq = itertools.count()
        self.day_end: list[Callable[[], None]] = []
        self._bound: list[str] | None = None
        self.acts_seen = False
        self.first_expiry: date | None = None  # the initial term's expiry (withdrawal open after the term)
        self.invitations: dict[str, set[str]] = {}  # invited state -> the parties that invited it
        self.successors: dict[str, str] = {}  # successor awaiting its notification -> predecessor
        self.book: NormBook | None = None

    # --- time ---------------------------------------------------------------------------------------

    def schedule(self, on: date, kind: str, payload: Any = None) -> None:
        """A time-driven occasion on ``on`` (settled at the start of that day); one due today or earlier
        is settled at the end of today."""
        if on <= self.today:
            self.day_end.append(lambda: self._fire_now(kind, payload))
            return
        heapq.heappush(self.timers, Timer(on, TIMER_ORDER[kind], next(self.seq), kind, payload))

    def _fire_now(self, kind: str, payload: Any) -> None:
        from foedus.evaluate.rules import fire

        fire(self, Timer(self.today, TIMER_ORDER[kind], next(self.seq), kind, payload))

    def shift(self, d: date, dur: Duration, minus: bool = False) -> date:
        try:
            return subtract(d, dur, self.lc.rounding) if minus else add(d, dur, self.lc.rounding)
        except AmbiguousDate as exc:
            where = self.ct.smap.locate(("lifecycle",)) if self.ct.smap else Location(self.ct.file)
            raise FoedusError(f"{self.ct.id}: {exc}", where=where,
                              expected="lifecycle.date_rounding: up or down") from None
        except (OverflowError, ValueError):
            raise FoedusError(f"{self.ct.id}: the terms run past the year 9999 before {self.as_of}",
                              where=Location(self.ct.file), expected="an earlier as-of date") from None

    # --- the treaty and its parties ------------------------------------------------------------------

    def move(self, on: date, when: str, because: str, events: tuple[str, ...] = (), article: str | None = None
             ) -> None:
        t = machines.TREATY.step(self.state, when)
        self.changes.append(Change(on, "treaty", self.state, t.target, because, events, article))
        self.state = t.target

    def term_name(self, number: int) -> str:
        """A term as the change list names it: the initial term, an extension, a term an instrument set, or
        the treaty going on with no fixed end."""
        info = self.term_info[number] if number < len(self.term_info) else None
        term = self.terms[number] if number < len(self.terms) else None
        if info is not None and info.set_by is not None:
            ins = self.lc.instruments.get(info.set_by)
            return f"term set by {ins.instrument.title if ins is not None else info.set_by}"
        if number == 0:
            return term_words(0)
        if term is not None and term.end is None:
            return "continuation with no fixed end"
        return term_words(number)

    def change_term(self, on: date, before: int, because: str, events: tuple[str, ...] = (),
                    article: str | None = None) -> None:
        """Record that the term ``before`` gave way to the current one: a change of term (a tacit extension,
        a term an instrument set), whatever the treaty's state does."""
        if self.current is None:
            return
        self.changes.append(Change(on, "term", self.term_name(before), self.term_name(self.current.term.number),
                                   because, events, article))

    @property
    def in_force(self) -> bool:
        return self.state in IN_FORCE

    def party(self, pid: str | None) -> PartyLife | None:
        return self.parties.get(pid) if pid is not None else None

    def join(self, pid: str, name: str) -> PartyLife:
        """A state that is not a party of the model becomes one (accession, succession)."""
        if pid not in self.parties:
            self.parties[pid] = PartyLife(pid, name, False)
            self._bound = None
        return self.parties[pid]

    def move_party(self, pid: str, on: date, when: str, because: str, events: tuple[str, ...] = (),
                   article: str | None = None) -> bool:
        """Move a party along the party machine; False (and nothing recorded) when the machine has no
        such step from its state."""
        p = self.parties[pid]
        if not machines.PARTY.can(p.state, when):
            return False
        t = machines.PARTY.step(p.state, when)
        p.history.append(Change(on, pid, p.state, t.target, because, events, article))
        self._bound = None
        was_bound = p.bound
        p.state = t.target
        p.reason = because
        if p.bound and not was_bound:
            p.intervals.append([on, None])
        elif was_bound and not p.bound and p.intervals and p.intervals[-1][1] is None:
            p.intervals[-1][1] = on
        return True

    def bound(self) -> list[str]:
        """The parties bound now, in party order (kept until a party moves)."""
        if self._bound is None:
            self._bound = [pid for pid, p in self.parties.items() if p.bound]
        return self._bound

    def original(self) -> list[str]:
        return [pid for pid, p in self.parties.items() if p.original]

    def invalid_act(self, e: Event, reason: str, article: str | None = None) -> None:
        self.invalid.append(InvalidAct(e.id, e.date, e.type, e.actor, reason, article or self.lc.article))

    def bind(self, pids: list[str], on: date, when: str, because: str, events: tuple[str, ...] = (),
             article: str | None = None) -> None:
        """Parties become bound; their standing norms come into effect (norm by norm, in model order)."""
        newly = [pid for pid in pids if self.move_party(pid, on, when, because, events, article)]
        if newly and self.book is not None:
            self.book.parties_bound(newly, on, because)

    def unbind(self, pid: str, on: date, when: str, because: str, events: tuple[str, ...] = (),
               article: str | None = None, kind: str = "parties") -> None:
        """A party ceases to be bound. If too few parties remain, the treaty ends with it (and the party's
        duties end as the treaty's do); otherwise its duties end as the model says and the treaty goes on."""
        p = self.parties[pid]
        was_bound = p.bound or p.state == "suspended"
        if not self.move_party(pid, on, when, because, events, article):
            return
        p.notice = None
        self.carried.pop(pid, None)
        # A recorded exit is a fact of the record, which dates the treaty's own end separately.
        if was_bound and self.in_force and kind != "recorded" \
                and len(self.bound_or_suspended()) < self.values.minimum_parties:
            self.end(on, "termination", because, events, kind, article or self.lc.article,
                     outside=kind == "abrogation")
        elif was_bound and self.book is not None:
            self.book.party_leaves(pid, on, because)

    def check_minimum(self, on: date, because: str, events: tuple[str, ...]) -> None:
        if self.in_force and len(self.bound_or_suspended()) < self.values.minimum_parties:
            self.end(on, "termination", because, events, "parties", self.lc.article)

    def bound_or_suspended(self) -> list[str]:
        return [pid for pid, p in self.parties.items() if p.bound or p.state == "suspended"]

    def holds_back(self, on: date) -> bool:
        """Whether the treaty's `continues_while` proviso holds on ``on`` (unknown counts as holding: the
        record cannot show the war over, so the treaty is not taken to have ended)."""
        proviso = self.lc.continues_while
        if proviso is None or self.facts is None:
            return False
        from foedus.compile.conditions import Context

        return proviso(Context(date=on, facts=self.facts, parties=tuple(self.bound()),
                               reading=self.ct.reading.as_dict())) is not False

    def end_of_term(self, on: date, because: str, events: tuple[str, ...], kind: str, article: str | None) -> None:
        """The treaty would expire at the end of a term: unless its proviso holds the end back."""
        if self.holds_back(on):
            self.deferred = (because, events, kind, article)
            return
        self.end(on, "term ends", because, events, kind, article)

    def end(self, on: date, when: str, because: str, events: tuple[str, ...], kind: str,
            article: str | None, outside: bool = False) -> None:
        """The treaty ends (``when``: term ends / termination): every party still bound is no longer."""
        if not self.in_force:
            return
        self.deferred = None
        self.move(on, when, because, events, article)
        self.ended_on, self.end_reason, self.end_events, self.end_kind = on, because, events, kind
        self.outside_clauses = outside
        for pid, p in self.parties.items():
            if p.bound or p.state == "suspended":
                self.move_party(pid, on, "treaty ends", because, events, article)
            p.notice = None
        self.carried.clear()
        self.next_term = None
        if self.book is not None:
            self.book.treaty_ends(on)

    # --- terms --------------------------------------------------------------------------------------

    def open_term(self, start: date, term_start: date, set_by: str | None, fixed_since: date | None = None
                  ) -> None:
        """A new term from ``start``: the initial term, a term set by an instrument, or an extension.
        ``term_start`` is where its length counts from."""
        v = self.values
        number = len(self.terms)
        token = next(self.tokens)
        if v.term is None:
            term = Term(number, start, None, None)
            info = TermInfo(number, set_by, fixed_since, None)
            self.current = OpenTerm(term, None, token, info)
        else:
            expiry = self.shift(term_start, v.term)
            self._open_with_expiry(number, start, expiry, set_by, fixed_since, token)
            return
        self.terms.append(term)
        self.term_info.append(info)

    def _open_with_expiry(self, number: int, start: date, expiry: date, set_by: str | None,
                          fixed_since: date | None, token: int) -> None:
        v = self.values
        if number >= MAX_TERMS:
            raise FoedusError(f"{self.ct.id}: more than {MAX_TERMS} terms before {self.as_of}",
                              where=Location(self.ct.file),
                              expected=f"an as-of date within {MAX_TERMS} terms of the first")
        end = expiry + ONE_DAY if self.lc.in_force_on_expiry_date else expiry
        deadline = self.shift(expiry, v.notice.period, minus=True) if v.notice else None
        opens = self.shift(expiry, v.notice.opens, minus=True) if v.notice and v.notice.opens else None
        term = Term(number, start, end, deadline)
        info = TermInfo(number, set_by, fixed_since, opens)
        self.terms.append(term)
        self.term_info.append(info)
        self.current = OpenTerm(term, expiry, token, info)
        self.next_term = None
        self.schedule(end, "term ends", token)
        if self.can_extend(number):
            if deadline is None:
                self.fix_extension(start)
            else:
                passes = deadline + ONE_DAY if v.notice is not None and v.notice.inclusive else deadline
                self.schedule(passes, "notice deadline passes", token)

    def can_extend(self, number: int) -> bool:
        v = self.values
        return v.extension is not None and (v.extensions_limit is None or number < v.extensions_limit)

    def fix_extension(self, since: date) -> None:
        """The next extension is certain (no notice can stop it any more): record it in advance."""
        cur = self.current
        if cur is None or cur.expiry is None or self.values.extension is None or self.next_term is not None:
            return
        v = self.values
        assert v.extension is not None
        expiry = self.shift(cur.expiry, v.extension)
        end = expiry + ONE_DAY if self.lc.in_force_on_expiry_date else expiry
        number = cur.term.number + 1
        deadline = self.shift(expiry, v.notice.period, minus=True) if v.notice else None
        self.next_term = Term(number, cur.term.end or since, end, deadline)
        self.extension_fixed_since = since

    def replace_term_end(self, on: date) -> None:
        """The current term stops on ``on`` (an instrument set a new one): its record ends there."""
        cur = self.current
        if cur is None:
            return
        t = cur.term
        self.terms[t.number] = Term(t.number, t.start, on, t.notice_deadline)
        self.current = None
        self.next_term = None

    # --- versions -----------------------------------------------------------------------------------

    def apply_version(self, ins: CompiledInstrument, on: date) -> list[str]:
        """The lifecycle's values from ``on`` as the instrument sets them; what changed, in words."""
        said: list[str] = []
        updates: dict[str, Any] = {}
        for key, value in ins.changes.items():
            if key in ("term_from",):
                continue
            updates[key] = value
            said.append(_describe(key, value))
        if "term_from" in ins.changes:
            said.append(_describe("term_from", ins.changes["term_from"]))
        self.values = replace(self.values, **{k: v for k, v in updates.items() if k != "ends_on"})
        self.versions.append(Version(on, ins.id, ins.instrument.title, tuple(said)))
        return said

    # --- the result ---------------------------------------------------------------------------------

    def result(self) -> LifecycleResult:
        as_of = self.as_of
        in_force = self.eif is not None and self.eif <= as_of and self.in_force
        terms = list(self.terms)
        if self.next_term is not None and self.ended_on is None:
            terms.append(self.next_term)
        current = None
        for term in self.terms:
            if term.start <= as_of:
                current = term
        if current is None and self.terms:
            current = self.terms[0]
        ends_on, end_reason, end_kind = self.ended_on, self.end_reason, self.end_kind
        if ends_on is None and self.in_force:
            projected = self.projected_end()
            if projected is not None:
                ends_on, end_reason, _, end_kind = projected
        held_back = None
        proviso = self.ct.treaty.lifecycle.continues_while
        if self.deferred is not None and self.in_force and proviso is not None:
            held_back = f"{self.deferred[0]}, but it continues while {proviso.says}"
        if ends_on is not None:
            expires_on: date | None = ends_on
        elif held_back is not None:
            expires_on = None
        elif self.next_term is not None:
            expires_on = self.next_term.end
        elif current is not None and current.end is not None and self.values.after_term == "continues" \
                and not self.can_extend(current.number):
            expires_on = None  # the treaty goes on after this term with no fixed end
        else:
            expires_on = current.end if current else None
        notice_deadline = self._notice_deadline(current, ends_on)
        versions = list(self.versions)
        if self.eif is not None:
            versions.insert(0, Version(self.eif, None, "the treaty as concluded", ()))
        return LifecycleResult(
            state=self.state, signed_on=self.signed_on, signed_at=self.signed_at,
            ratifications=dict(self.ratifications),
            exchange_on=self.exchange.date if self.exchange else None,
            exchange_at=str(self.exchange.attributes.get("place")) if self.exchange and
            self.exchange.attributes.get("place") else self.lc_exchange_at(),
            entry_into_force=self.eif, terms=terms, ends_on=ends_on, end_reason=end_reason,
            notices=sorted(self.notices, key=lambda n: (n.date, n.event)), changes=list(self.changes),
            in_force=in_force, current_term=current, notice_deadline=notice_deadline,
            notice_inclusive=self.values.notice.inclusive if self.values.notice else True,
            expires_on=expires_on, parties=self.party_results(ends_on),
            versions=versions, term_info=list(self.term_info),
            extension_fixed_since=self.extension_fixed_since if self.next_term is not None else None,
            entry_pending=self.entry_pending(), entry_missing=self.entry_missing(), record_silent=not self.acts_seen,
            end_kind=end_kind, ended_outside_clauses=self.outside_clauses,
            upcoming=self.upcoming(as_of),
            held_back=held_back,
        )

    def upcoming(self, as_of: date) -> tuple[date, ...]:
        """The days after ``as_of`` on which a pending timer changes something."""
        return tuple(sorted({t.date for t in self.timers if t.date > as_of}))

    def lc_exchange_at(self) -> str | None:
        return self.ct.treaty.lifecycle.exchange_of_instruments_at

    def _notice_deadline(self, current: Term | None, ends_on: date | None) -> date | None:
        """The deadline for a notice that can still stop an extension; None where the clauses allow no
        further extension. Once a deadline has passed with no notice, the next term's (the extension being
        certain); once the treaty has ended, or a notice ends it, the current term's, as a record."""
        if current is None:
            return None
        if not self.in_force or self.eif is None or self.eif > self.as_of:
            deadline = current.notice_deadline
            # Once the treaty has ended, a deadline after its end is no deadline at all.
            return deadline if self.ended_on is None or (deadline is not None and deadline < self.ended_on) else None
        goes_on = self.values.after_term == "continues" and self.values.extension is None
        if not self.can_extend(current.number) and not (goes_on and current.end is not None):
            return None
        deadline = current.notice_deadline
        passed = deadline is not None and (deadline < self.as_of if self.values.notice is None
                                           or self.values.notice.inclusive else deadline <= self.as_of)
        if passed and self.next_term is not None and ends_on is None:
            return self.next_term.notice_deadline if self.can_extend(self.next_term.number) else None
        return deadline

    def projected_end(self) -> tuple[date, str, tuple[str, ...], str] | None:
        """The end that is certain as of the date, before it happens: a term that cannot be extended, a
        timely notice, withdrawals that leave too few parties, an instrument's end date."""
        found: list[tuple[date, str, tuple[str, ...], str]] = []
        v = self.values
        cur = self.current
        if self.scheduled_end is not None:
            found.append(self.scheduled_end)
        for term, number in ((cur.term if cur else None, cur.term.number if cur else 0),
                             (self.next_term, self.next_term.number if self.next_term else 0)):
            if term is None or term.end is None:
                continue
            leaving = [n for n in self.pending_notices() if n.kind == "denunciation" and n.term == number]
            if leaving:
                stays = [pid for pid in self.bound_or_suspended() if pid not in {n.party for n in leaving}]
                if (v.notice is not None and v.notice.effect == "treaty_ends") or \
                        len(stays) < v.minimum_parties:
                    first = min(leaving, key=lambda n: (n.event.date, n.event.id))
                    found.append((term.end, f"timely notice by {first.party}", (first.event.id,), "notice"))
                    break
            if term is (cur.term if cur else None) and not self.can_extend(number) and v.after_term != "continues":
                found.append((term.end, "the term ends and no extension is provided" if v.extension is None
                              else "the last permitted extension ends", (), "expiry"))
                break
        # A notice carried to a term after the next one: the end of that term.
        for n in self.carried.values():
            if n.kind == "denunciation" and n.effective is not None and (
                    self.next_term is None or n.term != self.next_term.number):
                stays = [pid for pid in self.bound_or_suspended() if pid != n.party]
                if (v.notice is not None and v.notice.effect == "treaty_ends") or len(stays) < v.minimum_parties:
                    found.append((n.effective, f"timely notice by {n.party}", (n.event.id,), "notice"))
        withdrawals = sorted((n for n in self.pending_notices() if n.kind == "withdrawal" and n.effective),
                             key=lambda n: (n.effective or date.max, n.event.id))
        remaining = set(self.bound_or_suspended())
        for n in withdrawals:
            remaining.discard(n.party)
            if len(remaining) < v.minimum_parties and n.effective is not None:
                found.append((n.effective, f"{n.party} withdrew", (n.event.id,), "withdrawal"))
                break
        return min(found, key=lambda f: f[0]) if found else None

    def pending_notices(self) -> list[PendingNotice]:
        out = [p.notice for p in self.parties.values() if p.notice is not None]
        out += list(self.carried.values())
        return out

    def entry_missing(self) -> tuple[str, ...]:
        """The parties whose ratification the rule of entry into force still waits for (by all), in model order."""
        if self.eif is not None or self.eif_scheduled is not None or self.lc.entry_into_force != "ratification_by_all":
            return ()
        return tuple(pid for pid in self.original() if pid not in self.ratifications)

    def entry_pending(self) -> str | None:
        """What the rule of entry into force still waits for, while the treaty is not in force."""
        if self.eif is not None:
            return None
        if self.eif_scheduled is not None:
            return f"entry into force on {self.eif_scheduled}"
        rule = self.lc.entry_into_force
        original = self.original()
        if rule == "ratification_by_all":
            missing = [pid for pid in original if pid not in self.ratifications]
            return "ratification by " + _and_list(missing) if missing else None
        if rule == "exchange_of_instruments":
            return "the exchange of instruments of ratification"
        if rule == "signature":
            return "signature"
        if rule == "deposit":
            need = max(required_count(self.lc.instruments_required, len(original)), self.values.minimum_parties)
            have = len({pid for _, pid, _ in self.instruments_deposited})
            return f"the deposit of {need - have} more instrument(s) ({have} of {need} deposited)"
        if rule == "fixed_date":
            return f"its date, {self.lc.entry_into_force_on}"
        return None

    def party_results(self, treaty_end: date | None) -> list[PartyResult]:
        out = []
        for pid, p in self.parties.items():
            until = None
            if p.intervals and p.intervals[-1][1] is not None:
                until = p.intervals[-1][1]
            elif p.bound:
                if p.notice is not None and p.notice.kind == "withdrawal" and p.notice.effective:
                    until = p.notice.effective
                elif p.notice is not None and p.notice.kind == "denunciation" and self.current and \
                        self.current.term.number == p.notice.term:
                    until = self.current.term.end
                elif pid in self.carried and self.next_term is not None:
                    until = self.next_term.end
                if treaty_end is not None and (until is None or treaty_end < until):
                    until = treaty_end
            out.append(PartyResult(
                party=pid, name=p.name, state=p.state, signed_on=p.signed_on, consented_on=p.consented_on,
                bound_from=p.bound_from, bound_until=until, reason=p.reason,
                intervals=[(s, e) for s, e in p.intervals if s is not None], history=list(p.history)))
        return out


def required_count(required: str | int | None, signatories: int) -> int:
    """How many instruments the rule of entry into force needs, of ``signatories`` signatories."""
    if isinstance(required, int):
        return required
    if required == "majority":
        return signatories // 2 + 1
    if required == "two_thirds":
        return -(-2 * signatories // 3)
    return signatories


def consent_met(consent: str | int, given: int, of: int) -> bool:
    if consent == "all":
        return given >= of
    if consent == "majority":
        return given * 2 > of
    if consent == "two_thirds":
        return given * 3 >= 2 * of
    return given >= int(consent)


def _and_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _describe(key: str, value: Any) -> str:
    words = {
        "term": "the term", "term_from": "the term counts from", "extension": "each extension",
        "extensions_limit": "the number of extensions", "after_term": "after the term", "notice": "the notice rule",
        "withdrawal": "the withdrawal rule", "ends_on": "the treaty ends on", "minimum_parties":
        "the minimum number of parties", "accession": "accession",
    }
    if value is None:
        shown = "none"
    elif hasattr(value, "period"):
        shown = f"{value.period} before expiry"
    elif hasattr(value, "notice"):
        shown = f"on {value.notice}'s notice"
    elif isinstance(value, tuple):
        shown = ", ".join(value)
    else:
        shown = str(value)
    return f"{words.get(key, key)}: {shown}"
