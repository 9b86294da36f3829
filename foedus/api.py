"""The Python API: the CLI's commands as functions, for notebooks and scripts."""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from foedus.compile import CompiledTreaty, compile_treaty
from foedus.dates import parse_iso
from foedus.errors import FoedusError, Location
from foedus.evaluate import bind_timeline, evaluate
from foedus.evaluate.engine import Run
from foedus.evaluate.prepared import Prepared, prepare
from foedus.evaluate.relations import TimelineFacts
from foedus.evaluate.results import LifecycleResult, Outcome
from foedus.evaluate.run import outcome_of, timeline_facts
from foedus.model.events import Event, Timeline
from foedus.model.load import load_treaty
from foedus.model.treaty import Treaty
from foedus.parse.located_yaml import SourceMap
from foedus.parse.timeline import build_timeline, read_timeline, with_changes
from foedus.report import json_report
from foedus.report.words import TreatyWords

_SPANS_KEPT = 256  # statuses a prepared session keeps rendered (a long record has more spans)


# The fewest distinct days between two checkpoints of a session's run (see Session.what_if).
CHECKPOINT_DAYS = 32


@dataclass
class Session:
    """A treaty compiled under one reading, bound to one timeline: ask it about any date.

    After :meth:`prepare`, any date of the prepared range is answered from the history of one pass
    over the events (:mod:`foedus.evaluate.prepared`). Otherwise ``status_at`` answers from a cache of
    intervals on which the status cannot change: between two consecutive events or time-driven dates
    (term ends, notice deadlines, duty deadlines) nothing moves but the as-of date itself. Tests check
    both against evaluation from scratch."""

    compiled: CompiledTreaty
    timeline: Timeline
    _starts: list[date] = field(default_factory=list, repr=False)
    _spans: list[tuple[date, date, dict[str, Any]]] = field(default_factory=list, repr=False)
    _prepared: Prepared | None = field(default=None, repr=False)
    _whole: dict[int, dict[str, Any]] | None = field(default=None, repr=False)
    _rendered: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)  # findings, changes by id
    _by_step: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)
    _checkpoints: list[tuple[date, Run]] | None = field(default=None, repr=False)  # (settled up to, run)
    # a what-if: (the first day its change can affect, the session it changes)
    _changes: tuple[date, Session] | None = field(default=None, repr=False)
    _facts: TimelineFacts | None = field(default=None, repr=False)
    _words: TreatyWords | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    checkpoint_days: int = CHECKPOINT_DAYS

    def _timeline_facts(self) -> TimelineFacts:
        if self._facts is None:
            self._facts = timeline_facts(self.timeline)
        return self._facts

    @property
    def words(self) -> TreatyWords:
        """The treaty's words (states, events, duties) for this timeline."""
        if self._words is None:
            self._words = TreatyWords(self.compiled, self.timeline)
        return self._words

    @property
    def timeline_given(self) -> bool:
        return self.timeline.id != "no events"

    def entry_later(self, o: Outcome) -> date | None:
        """When the treaty is not in force on ``o``'s date for want of acts on record by then: the day the
        whole record brings it into force, if it does (None otherwise)."""
        lc = o.lifecycle
        if lc.in_force or lc.entry_into_force is not None or lc.entry_pending is None or not self.timeline.events:
            return None
        last = self.timeline.events[-1].date
        if last <= o.as_of:
            return None
        return self.outcome(last).lifecycle.entry_into_force

    def status_dict(self, o: Outcome) -> dict[str, Any]:
        """``o`` as the JSON of ``status`` gives it, with its words."""
        return json_report.status_dict(o, self.words, timeline_given=self.timeline_given, later=self.entry_later(o))

    def run_dict(self, o: Outcome) -> dict[str, Any]:
        """``o`` as the JSON of ``run`` gives it, with its words."""
        return json_report.run_dict(o, self.words, timeline_given=self.timeline_given, later=self.entry_later(o))

    def outcome(self, on: date | str) -> Outcome:
        day = as_date(on)
        if self._prepared is not None and self._prepared.covers(day):
            return self._prepared.outcome(day)
        if self._changes is not None:
            first, base = self._changes
            if day < first:  # before the change, the what-if is its base
                return base.outcome(day)
            return self.forward(day).outcome(day)
        return evaluate(self.compiled, self.timeline, day)

    def forward(self, first: date) -> Forward:
        """One run of this session that goes forward from ``first`` through the days asked in turn (a what-if's
        resumes from its base's last checkpoint before its first change and before ``first``)."""
        facts = self._timeline_facts()
        if self._changes is not None:
            change, base = self._changes
            after = first + timedelta(days=1) if first < date.max else first  # a checkpoint on ``first`` will do
            start = base._checkpoint_before(min(change, after))
            if start is not None:
                return Forward(start.resumed(self.timeline.events, facts), self.timeline)
        return Forward(Run(self.compiled, self.timeline.events, facts, self.timeline.vocabulary), self.timeline)

    def what_if(self, added: Sequence[Event] = (), removed: Iterable[str] = ()) -> Session:
        """This session with events ``added`` (as read, not yet bound) and the events whose ids are in
        ``removed`` taken out. The new session answers from this one's state on the last checkpoint
        before the first day the change can affect, so a what-if costs the days after it, not the whole
        record; its answers equal evaluation from scratch (tested)."""
        gone = set(removed)
        unknown = gone - {e.id for e in self.timeline.events}
        if unknown:
            raise FoedusError(f"no event {sorted(unknown)[0]!r} in the timeline", expected="the id of an event")
        if not added and not gone:
            return self
        base = self.timeline
        # only the added events are bound and checked against the record they join
        new = bind_timeline(self.compiled, build_timeline(base.id, "", list(added), base.states, base.file,
                                                          vocabulary=base.vocabulary)).events
        bound = with_changes(base, list(new), gone)
        touched = [e for e in base.events if e.id in gone] + list(new)
        first = min(e.date for e in touched)
        # The run's start reads the treaty's own signature from the events: a change to it starts afresh.
        if any(e.type == "signature" and e.treaty == self.compiled.id for e in touched):
            first = date.min
        return Session(compiled=self.compiled, timeline=bound, _changes=(first, self),
                       checkpoint_days=self.checkpoint_days)

    def _checkpoint_before(self, day: date) -> Run | None:
        """A run of this session settled up to the latest checkpoint before ``day`` (None: none is)."""
        with self._lock:  # what-ifs of one session may ask at once
            if self._checkpoints is None:
                self._checkpoints = []
                days = sorted({e.date for e in self.timeline.events})
                if days:
                    run = Run(self.compiled, self.timeline.events, self._timeline_facts(),
                              self.timeline.vocabulary)
                    # About sixteen checkpoints, evenly over the record's distinct days, none closer than
                    # ``checkpoint_days``: copying a run costs about as much as settling that many days afresh.
                    step = max(self.checkpoint_days, len(days) // 16)
                    for d in days[step - 1::step]:
                        run.advance(d)
                        self._checkpoints.append((d, run.fork()))
        i = bisect_left([d for d, _ in self._checkpoints], day) - 1
        return self._checkpoints[i][1] if i >= 0 else None

    def status_at(self, on: date) -> dict[str, Any]:
        prepared = self._prepared
        if prepared is not None and prepared.covers(on):
            # Between two days the run stopped on, only the as-of date moves: one status per such span.
            step = bisect_right(prepared.days, on) - 1
            cached = self._by_step.get(step)
            if cached is None:
                if self._whole is None:  # each instance's record as it ends, rendered once
                    self._whole = {id(r): json_report.instance_dict(r, self.words, self._rendered)
                                   for r in prepared.instances}
                o = prepared.outcome(on)
                cached = json_report.status_dict(o, self.words, timeline_given=self.timeline_given,
                                                 later=self.entry_later(o), whole=self._whole, memo=self._rendered)
                if len(self._by_step) >= _SPANS_KEPT:
                    self._by_step.pop(next(iter(self._by_step)))
                self._by_step[step] = cached
            return {**cached, "as_of": on.isoformat()}
        i = bisect_right(self._starts, on) - 1
        if i >= 0:
            start, end, cached = self._spans[i]
            if on < end:
                return {**cached, "as_of": on.isoformat()}
        outcome = self.outcome(on)
        data = self.status_dict(outcome)
        start, end = self._span(outcome)
        j = bisect_right(self._starts, start)
        self._starts.insert(j, start)
        self._spans.insert(j, (start, end, data))
        return data

    def prepare(self, first: date | None = None, last: date | None = None) -> None:
        """Answer every date of [first, last] from one pass over the events (default: from the year
        before the first event or the signature to 50 years after the last)."""
        signed = self.compiled.treaty.signed.date if self.compiled.treaty.signed else None
        days = ([self.timeline.events[0].date, self.timeline.events[-1].date] if self.timeline.events else []) \
            + ([signed] if signed else [])
        if not days:
            return
        start = first or date(min(days).year - 1, 1, 1)
        stop = last or date(min(max(days).year + 50, 9999), 12, 31)
        self._prepared = prepare(self.compiled, self.timeline, start, stop, self._timeline_facts())
        self._whole = None
        self._by_step = {}
        self._rendered = {}

    def _span(self, o: Outcome) -> tuple[date, date]:
        """The interval around ``o.as_of`` on which the status stays the same."""
        d = o.as_of

        def after_(day: date) -> date:  # the next day; the calendar's last day has none
            return day + timedelta(days=1) if day < date.max else day

        marks = [e.date for e in self.timeline.events]
        lc = o.lifecycle
        for t in lc.terms:
            marks += [t.start] + ([t.end, after_(t.end)] if t.end else [])
            if t.notice_deadline:
                marks += [t.notice_deadline, after_(t.notice_deadline)]
        for x in (lc.entry_into_force, lc.ends_on, lc.expires_on, lc.signed_on,
                  self.compiled.lifecycle.entry_into_force_on, self.compiled.lifecycle.ended_on,
                  self.compiled.treaty.signed.date if self.compiled.treaty.signed else None):
            if x is not None:
                marks += [x, after_(x)]
        for inst in o.instances:
            if inst.deadline is not None:
                marks += [inst.deadline, after_(inst.deadline)]
        # What time alone changes: parties bound or leaving on their dates, versions, pending timers.
        marks += list(lc.upcoming) + [v.start for v in lc.versions]
        for party in lc.parties:
            marks += [day for span in party.intervals for day in span if day is not None]
        before = [m for m in marks if m <= d]
        after = [m for m in marks if m > d]
        return (max(before) if before else date.min, min(after) if after else date.max)

    def status(self, on: date | str) -> dict[str, Any]:
        return self.status_at(as_date(on))

    def run(self, on: date | str) -> dict[str, Any]:
        return self.run_dict(self.outcome(on))



class Forward:
    """A run going forward through the days asked in turn, in order: the lifecycle on each is read from the
    run as it stands (nothing copied); the whole outcome only on the last day asked, where the run ends."""

    def __init__(self, run: Run, timeline: Timeline):
        self.run = run
        self.timeline = timeline

    def _to(self, day: date) -> Run:
        settled = self.run.day
        if settled is not None and day < settled:
            raise ValueError(f"the run has settled up to {settled}; it cannot answer {day}")
        return self.run.advance(day)

    def lifecycle(self, day: date) -> LifecycleResult:
        return self._to(day).led.result()

    def outcome(self, day: date) -> Outcome:
        return outcome_of(self._to(day), self.timeline)

def as_date(value: date | str, what: str = "--on") -> date:
    if isinstance(value, date):
        return value
    try:
        return parse_iso(value)
    except ValueError as exc:
        raise FoedusError(str(exc), where=Location(what), expected="a date YYYY-MM-DD") from None


def load(treaty_file: str | Path) -> tuple[Treaty, SourceMap]:
    return load_treaty(str(treaty_file))


def empty_timeline(name: str = "no events") -> Timeline:
    return Timeline(id=name, description="", events=(), states={}, file=None)


def open_session(treaty_file: str | Path, events_file: str | Path | Timeline | None = None,
                 reading: list[str] | str | None = None) -> Session:
    return open_sessions(treaty_file, events_file, [reading])[0]


def open_sessions(treaty_file: str | Path, events_file: str | Path | Timeline | None,
                  readings: list[list[str] | str | None]) -> list[Session]:
    """One session per reading, reading the treaty and the timeline files once (``events_file`` may
    also be a timeline already read, e.g. several merged)."""
    treaty, smap = load_treaty(str(treaty_file))
    if isinstance(events_file, Timeline):
        timeline = events_file
    elif events_file:
        from foedus.compile import treaty_vocabulary

        # the timeline may use the event types the treaty declares
        timeline = read_timeline(events_file, treaty_vocabulary(treaty, smap, str(treaty_file)))
    else:
        timeline = empty_timeline()
    sessions = []
    for reading in readings:
        compiled = compile_treaty(treaty, reading, smap=smap, file=str(treaty_file))
        sessions.append(Session(compiled=compiled, timeline=bind_timeline(compiled, timeline)))
    return sessions


def status(treaty_file: str | Path, events_file: str | Path | None, on: date | str,
           reading: list[str] | str | None = None) -> dict[str, Any]:
    return open_session(treaty_file, events_file, reading).status(on)


def run(treaty_file: str | Path, events_file: str | Path | None, on: date | str,
        reading: list[str] | str | None = None) -> dict[str, Any]:
    return open_session(treaty_file, events_file, reading).run(on)
