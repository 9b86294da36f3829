"""The evaluation loop: every event and every time-driven occasion, in date order, through the rules.

A day is settled in four steps, so that the order of entries in a file never changes an answer:

1. what time brings at the start of the day (a term ends, a withdrawal takes effect, a deadline passes);
2. the acts of the day that concern the treaty's life, through the lifecycle rules (``rules.py``);
3. every event of the day weighed against the norms in effect, and the triggers checked — a treaty that
   enters into force that day binds from the start of it, and one that an act ends that day still binds
   for the rest of it (a breach on the day a treaty ends is still a breach);
4. the effects of the day's acts that take effect at its end (a termination, an abrogation).
"""

from __future__ import annotations

import heapq
from datetime import date

from foedus.compile.compiler import CompiledTreaty
from foedus.compile.conditions import Facts
from foedus.evaluate import rules
from foedus.evaluate.ledger import Ledger
from foedus.evaluate.norms import NormBook
from foedus.model.events import Event, vocabulary


def run(ct: CompiledTreaty, events: tuple[Event, ...], as_of: date, facts: Facts) -> tuple[Ledger, NormBook]:
    """Settle every day up to ``as_of`` (``events`` are those dated on or before it, in timeline order)."""
    led = Ledger(ct, as_of, facts)
    book = NormBook(ct, led, facts)
    led.book = book
    vocab = vocabulary()
    led.acts_seen = any(e.treaty == ct.id and vocab[e.type].scope == "act" for e in events)
    rules.start(led, events)
    choices = ct.reading.as_dict()

    def counts(e: Event) -> bool:
        """An event recorded with `under_reading: POINT=OPTION` counts only when the reading chooses that
        option (one act read two ways: a notice under the clause, or an immediate withdrawal)."""
        wanted = e.attributes.get("under_reading")
        if wanted is None or e.treaty not in (None, ct.id):
            return wanted is None or e.treaty != ct.id
        point, _, option = str(wanted).partition("=")
        return choices.get(point.strip()) == option.strip()
    i, n = 0, len(events)
    while True:
        day = events[i].date if i < n else None
        if led.timers and (day is None or led.timers[0].date < day):
            day = led.timers[0].date
        if day is None or day > as_of:
            break
        led.today = day
        while led.timers and led.timers[0].date <= day:
            rules.fire(led, heapq.heappop(led.timers))
        j = i
        while j < n and events[j].date == day:
            j += 1
        todays = events[i:j]
        for e in todays:
            # Acts under another treaty are not this treaty's; facts about the world concern every treaty.
            if (e.treaty == ct.id or vocab[e.type].scope == "world") and counts(e):
                rules.apply_event(led, e)
        book.begin_day(led.in_force, tuple(led.bound()))
        for e in todays:
            if counts(e):
                book.event(e)
        while led.day_end:
            pending, led.day_end = led.day_end, []
            for effect in pending:
                effect()
        if led.deferred is not None and led.in_force and not led.holds_back(day):
            because, events_, kind, article = led.deferred
            led.end(day, "term ends", f"{because}; held back by its proviso until then", events_, kind, article)
        i = j
    return led, book
