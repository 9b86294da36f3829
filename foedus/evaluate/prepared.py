"""A treaty's whole history over a range of dates, from one pass over the events: any date's outcome
is then a bisect plus a lookup.

One run settles the days in order (as :func:`foedus.evaluate.evaluate` does), stopping at each *step*:
every date an event bears, and every date on which time alone can change the status (a term's start
and end and the day after, a notice deadline and the day after, a duty's deadline and the day after,
entry into force, a party's dates, the ledger's pending timers). At each step the lifecycle is read
and kept when it differs from the last one kept. Norm instances are kept once, as they stand at the
end of the run: their history and findings are appended in date order and never revised, so an
instance as of a date is its record cut at that date.

The outcome of a date equals the outcome of evaluation from scratch on that date; the property tests
check it against :func:`foedus.evaluate.evaluate` on random timelines and dates.
"""

from __future__ import annotations

import copy
import heapq
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date, timedelta

from foedus.compile.compiler import CompiledTreaty
from foedus.compile.conditions import Facts
from foedus.evaluate import engine
from foedus.evaluate.results import InvalidAct, LifecycleResult, NormInstance, Outcome, TriggerCheck
from foedus.model.events import Timeline

__all__ = ["Prepared", "prepare"]


def _after(day: date) -> date:
    """The next day; the calendar's last day has none."""
    return day + timedelta(days=1) if day < date.max else day


def _marks(lc: LifecycleResult, ct: CompiledTreaty) -> list[date]:
    """Days on which the status may change with no event: the lifecycle's own dates and the day after each."""
    marks: list[date] = []
    for t in lc.terms:
        marks.append(t.start)
        if t.end:
            marks += [t.end, _after(t.end)]
        if t.notice_deadline:
            marks += [t.notice_deadline, _after(t.notice_deadline)]
    signed = ct.treaty.signed.date if ct.treaty.signed else None
    for x in (lc.entry_into_force, lc.ends_on, lc.expires_on, lc.signed_on, ct.lifecycle.entry_into_force_on,
              ct.lifecycle.ended_on, signed, lc.notice_deadline, lc.extension_fixed_since):
        if x is not None:
            marks += [x, _after(x)]
    marks += list(lc.upcoming) + [v.start for v in lc.versions]
    for party in lc.parties:
        marks += [day for span in party.intervals for day in span if day is not None]
    return marks


@dataclass
class Prepared:
    """The outcome of every date in ``[first, last]`` (see the module docstring)."""

    ct: CompiledTreaty
    timeline: Timeline
    first: date
    last: date
    steps: list[date]  # the dates from which each kept lifecycle holds
    lifecycles: list[LifecycleResult]
    upcoming_steps: list[date]  # the dates from which each `upcoming` holds (it changes more often)
    upcoming: list[tuple[date, ...]]
    days: list[date]  # every day the run stopped on: between two of them, only the as-of date moves
    instances: list[NormInstance]  # as at the end of the run, in the order they were created
    created: list[date]
    checks: list[TriggerCheck]
    check_dates: list[date]
    invalid: list[InvalidAct]
    event_dates: list[date]

    def covers(self, on: date) -> bool:
        return self.first <= on <= self.last

    def outcome(self, on: date) -> Outcome:
        """The outcome as of ``on`` (within ``[first, last]``)."""
        assert self.covers(on), (on, self.first, self.last)
        ct = self.ct
        lifecycle = self.lifecycles[bisect_right(self.steps, on) - 1]
        upcoming = self.upcoming[bisect_right(self.upcoming_steps, on) - 1]
        if upcoming != lifecycle.upcoming:
            lifecycle = replace(lifecycle, upcoming=upcoming)
        instances = [_as_of(i, on) for i in self.instances[:bisect_right(self.created, on)]]
        return Outcome(
            treaty=ct.id, title=ct.treaty.short_title or ct.treaty.title, reading=ct.reading.name,
            choices=ct.reading.as_dict(), as_of=on, lifecycle=lifecycle, instances=instances,
            trigger_checks=self.checks[:bisect_right(self.check_dates, on)],
            invalid_acts=[a for a in self.invalid if a.date <= on],
            events_used=bisect_right(self.event_dates, on), timeline=self.timeline.id)


def _as_of(record: NormInstance, on: date) -> NormInstance:
    """An instance as evaluation up to ``on`` leaves it: its record cut at that date."""
    history = record.history
    if not history or history[-1].date <= on:
        cut_history = history
        state = record.state
    else:
        k = bisect_right(history, on, key=lambda c: c.date)
        cut_history = history[:k]
        state = history[k - 1].after if k else history[0].before
    findings = record.findings
    if findings and findings[-1].date > on:
        findings = findings[:bisect_right(findings, on, key=lambda f: f.date)]
    ended_on = record.ended_on if record.ended_on is not None and record.ended_on <= on else None
    if cut_history is history and findings is record.findings and ended_on == record.ended_on:
        return record
    return replace(record, state=state, history=list(cut_history), findings=list(findings), ended_on=ended_on)


def prepare(ct: CompiledTreaty, timeline: Timeline, first: date, last: date, facts: Facts) -> Prepared:
    """Every date's outcome in ``[first, last]`` from one run over ``timeline`` (bound to ``ct``)."""
    run = engine.Run(ct, timeline.events, facts, timeline.vocabulary)
    pending = [first, *sorted({e.date for e in timeline.events if first < e.date <= last})]
    queued = set(pending)

    marked: set[date] = {first}  # days on which time alone may change the lifecycle

    def later(days: list[date] | tuple[date, ...], after: date, mark: bool = True) -> None:
        for m in days:
            if after < m <= last:
                if mark:
                    marked.add(m)
                if m not in queued:
                    queued.add(m)
                    heapq.heappush(pending, m)

    steps: list[date] = []
    kept: list[LifecycleResult] = []
    upcoming_steps: list[date] = []
    upcoming: list[tuple[date, ...]] = []
    deadlines_seen = 0
    ended = 0
    day = first
    days: list[date] = []
    while pending:
        day = heapq.heappop(pending)
        days.append(day)
        run.advance(day)
        soon = run.led.upcoming(day)
        if not upcoming or soon != upcoming[-1]:
            upcoming_steps.append(day)
            upcoming.append(soon)
            later(soon, day, mark=False)  # a timer that moves the lifecycle marks its day when it fires
        live = run.book.instances
        for inst in live[deadlines_seen:]:
            if inst.record.deadline is not None:
                later([inst.record.deadline, _after(inst.record.deadline)], day, mark=False)
        deadlines_seen = len(live)
        # The lifecycle is read again only where a rule may have moved it or time alone may change it.
        if not (run.touched or day in marked or len(run.book.ended) != ended):
            continue
        run.touched = False
        ended = len(run.book.ended)
        lifecycle = run.led.result()
        lifecycle.norms_ended = dict(run.book.ended)
        # Pending duty deadlines change `upcoming` at most steps; the rest changes seldom, and only a
        # changed lifecycle brings new dates of its own.
        own = lifecycle.upcoming
        if kept:
            lifecycle.upcoming = kept[-1].upcoming
        if not kept or lifecycle != kept[-1]:
            lifecycle.upcoming = own
            later(_marks(lifecycle, ct), day)
            steps.append(day)
            kept.append(copy.deepcopy(lifecycle))  # the ledger's objects move on; the kept ones do not
    if day < last:
        run.advance(last)
    records = run.book.records()
    checks = list(run.book.checks)
    return Prepared(
        ct=ct, timeline=timeline, first=first, last=last, steps=steps, lifecycles=kept,
        upcoming_steps=upcoming_steps, upcoming=upcoming, days=days, instances=records,
        created=[r.created_on for r in records], checks=checks, check_dates=[c.date for c in checks],
        invalid=list(run.led.invalid), event_dates=[e.date for e in timeline.events])
