"""The evaluation loop: every event and every time-driven occasion, in date order, through the rules.

A day is settled in four steps, so that the order of entries in a file never changes an answer:

1. what time brings at the start of the day (a term ends, a withdrawal takes effect, a deadline passes);
2. the acts of the day that concern the treaty's life, through the lifecycle rules (``rules.py``);
3. every event of the day weighed against the norms in effect, and the triggers checked — a treaty that
   enters into force that day binds from the start of it, and one that an act ends that day still binds
   for the rest of it (a breach on the day a treaty ends is still a breach);
4. the effects of the day's acts that take effect at its end (a termination, an abrogation).

Settling a day never looks past it, so an evaluation as of any date is the same whether it starts from
nothing or resumes one settled up to an earlier day (``Run.fork``): a prepared session keeps such
checkpoints, and a what-if resumes from the last day before the first event it changes.
"""

from __future__ import annotations

import copy
import heapq
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date

from foedus.compile.compiler import CompiledTreaty
from foedus.compile.conditions import Facts
from foedus.evaluate import rules
from foedus.evaluate.ledger import Ledger
from foedus.evaluate.norms import NormBook
from foedus.model.events import Event, Vocabulary


class Run:
    """One evaluation in progress: the ledger and the norm book with every day up to ``day`` settled."""

    def __init__(self, ct: CompiledTreaty, events: Sequence[Event], facts: Facts, vocab: Vocabulary | None = None):
        self.ct = ct
        self.events = events
        self.facts = facts
        self.led = Ledger(ct, date.max, facts)
        # the event types of the timeline (built-in, the treaty's and the timeline's own declarations)
        self._vocab = vocab if vocab is not None else ct.vocabulary
        self.book = NormBook(ct, self.led, facts, self._vocab)
        self.led.book = self.book
        self.next = 0  # index of the first event not yet settled
        self.day: date | None = None  # the last day settled
        self._choices = ct.reading.as_dict()
        # Set when a rule may have moved the lifecycle since it was last cleared (a timer fired, an event
        # a rule handles, an effect at a day's end): a reader of successive days need not read it again.
        self.touched = True
        rules.start(self.led, events)

    def _counts(self, e: Event) -> bool:
        """An event recorded with `under_reading: POINT=OPTION` counts only when the reading chooses that
        option (one act read two ways: a notice under the clause, or an immediate withdrawal)."""
        wanted = e.attributes.get("under_reading")
        if wanted is None:
            return True
        if e.treaty != self.ct.id:
            return False
        point, _, option = str(wanted).partition("=")
        return self._choices.get(point.strip()) == option.strip()

    def advance(self, until: date) -> Run:
        """Settle every day up to and including ``until``."""
        led, book, events, ct = self.led, self.book, self.events, self.ct
        led.as_of = until
        n = len(events)
        i = self.next
        while True:
            day = events[i].date if i < n else None
            if led.timers and (day is None or led.timers[0].date < day):
                day = led.timers[0].date
            if day is None or day > until:
                break
            led.today = day
            while led.timers and led.timers[0].date <= day:
                timer = heapq.heappop(led.timers)
                rules.fire(led, timer)
                self.touched = self.touched or timer.kind not in rules.NORMS_ONLY
            j = i
            while j < n and events[j].date == day:
                j += 1
            todays = [e for e in events[i:j] if self._counts(e)]
            for e in todays:
                # Acts under another treaty are not this treaty's; facts about the world concern every one.
                if e.treaty == ct.id:
                    if self._vocab[e.type].scope == "act" and not led.acts_seen:
                        led.acts_seen = True
                        self.touched = True
                    rules.apply_event(led, e)
                elif self._vocab[e.type].scope == "world":
                    rules.apply_event(led, e)
                else:
                    continue
                self.touched = self.touched or rules.has_rule(e.type)
            book.begin_day(led.in_force, tuple(led.bound()))
            for e in todays:
                book.event(e)
            while led.day_end:
                self.touched = True
                pending, led.day_end = led.day_end, []
                for effect in pending:
                    effect()
            if led.deferred is not None and led.in_force and not led.holds_back(day):
                because, events_, kind, article = led.deferred
                self.touched = True
                led.end(day, "term ends", f"{because}; held back by its proviso until then", events_, kind, article)
            i = j
            self.day = day
        self.next = i
        led.as_of = until
        return self

    def fork(self) -> Run:
        """An independent copy of this run as it stands (the compiled treaty, the events and the facts
        are shared: they never change)."""
        memo: dict[int, object] = {id(self.ct): self.ct, id(self.events): self.events, id(self.facts): self.facts,
                                   id(self._vocab): self._vocab, id(self._choices): self._choices}
        for cn in self.ct.norms:
            memo[id(cn)] = cn
        for e in self.events:
            memo[id(e)] = e
        # Settled instances never change again, nor do trigger checks: the copy shares them.
        for inst in self.book.instances:
            if inst.settled():
                memo[id(inst)] = inst
                memo[id(inst.record)] = inst.record
        for check in self.book.checks:
            memo[id(check)] = check
        return copy.deepcopy(self, memo)

    def resumed(self, events: Sequence[Event], facts: Facts) -> Run:
        """A copy of this run continued over ``events``, which must agree with its own on every day it has
        settled (a what-if that adds or removes later events), with ``facts`` derived from them."""
        other = self.fork()
        other.events = events
        other.facts = other.led.facts = other.book.facts = facts
        other.next = 0 if self.day is None else bisect_right(events, self.day, key=lambda e: e.date)
        return other


def run(ct: CompiledTreaty, events: Sequence[Event], as_of: date, facts: Facts,
        vocab: Vocabulary | None = None) -> tuple[Ledger, NormBook]:
    """Settle every day up to ``as_of`` (``events`` in timeline order; later ones are not read)."""
    done = Run(ct, events, facts, vocab).advance(as_of)
    return done.led, done.book
