"""Properties of per-party lifecycles, on generated multilateral treaties and records.

Whatever the clauses and the events: a party is bound only while the treaty is in force; its bound
intervals are ordered and disjoint; a treaty in force has at least its minimum number of parties bound;
every duty's bearer is bound when the duty arises; what is known as of a date uses only events up to it;
and the session's answers, from its cache of spans or from the history of one pass (``prepare``),
agree with evaluation from scratch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foedus.api import Session
from foedus.compile import compile_treaty
from foedus.evaluate import bind_timeline, evaluate
from foedus.model.events import Event, State, Timeline
from foedus.model.treaty import (
    ActPattern,
    Deadline,
    Lifecycle,
    Norm,
    Notice,
    Party,
    Signed,
    Treaty,
    Trigger,
    Withdrawal,
)
from foedus.report import json_report

TID = "generated-pact"
ORIGINAL = ("AAA", "BBB", "CCC", "DDD")
LATER = "EEE"  # not a negotiating state: it may accede
OUTSIDER = "ZZZ"
SIGNED = date(1960, 1, 1)


@dataclass(frozen=True)
class Case:
    parties: int
    rule: str
    required: int
    term: str | None
    extension: str | None
    notice: str | None
    withdrawal: str | None
    events: tuple[tuple[int, str, str], ...]  # (days after signature, kind, who)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    n = draw(st.integers(2, 4))
    rule = draw(st.sampled_from(["ratification_by_all", "deposit"]))
    term = draw(st.none() | st.sampled_from(["5 years", "10 years", "30 months"]))
    extension = draw(st.none() | st.sampled_from(["2 years", "5 years"])) if term else None
    notice = draw(st.none() | st.sampled_from(["6 months", "1 year"])) if extension else None
    withdrawal = draw(st.none() | st.sampled_from(["0 days", "6 months", "1 year"]))
    who = st.sampled_from([*ORIGINAL[:n], LATER, OUTSIDER])
    kinds = st.sampled_from(["ratification", "ratification", "ratification", "accession", "withdrawal",
                             "notice_of_denunciation", "termination_by_agreement", "attack"])
    events = draw(st.lists(st.tuples(st.integers(0, 25 * 366), kinds, who), max_size=10))
    return Case(n, rule, draw(st.integers(1, n)), term, extension, notice, withdrawal, tuple(events))


def treaty_of(case: Case) -> Treaty:
    parties = [Party(id=p, name=f"State {p}") for p in ORIGINAL[:case.parties]]
    parties.append(Party(id=LATER, name="State E", original=False))
    defence = Norm(
        id="defence", kind="obligation", category="defence", summary="the others assist an attacked party",
        trigger=Trigger(on="armed_attack", when="party(event.target) and not party(event.actor)",
                        bind={"party": "event.target"}),
        bearer="others(party)", counterparty="party",
        deadline=Deadline(within="30 days", last_day_included=True),
        fulfilled_by=[ActPattern(on="assistance_rendered", when="event.actor == bearer")])
    consult = Norm(id="consult", kind="obligation", category="consultation", summary="the parties consult",
                   bearer="each party", counterparty="the other parties")
    return Treaty(
        id=TID, title="A generated pact", parties=parties, signed=Signed(date=SIGNED, place="Here"),
        lifecycle=Lifecycle(
            entry_into_force=case.rule, instruments_required=case.required if case.rule == "deposit" else None,
            accession="any_state", term=case.term, extension=case.extension,
            notice=Notice(period=case.notice, last_day_included=True) if case.notice else None,
            withdrawal=Withdrawal(notice=case.withdrawal) if case.withdrawal else None, date_rounding="up"),
        norms=[defence, consult])


def events_of(case: Case) -> tuple[Event, ...]:
    out = [Event(id="sig", date=SIGNED, type="signature", actors=ORIGINAL[:case.parties], treaty=TID, line=1)]
    parties = [*ORIGINAL[:case.parties], LATER]
    for i, (days, kind, who) in enumerate(case.events):
        on = SIGNED + timedelta(days=days)
        line = 10 + i
        if kind == "attack":
            out.append(Event(id=f"e{i}", date=on, type="armed_attack", actors=(OUTSIDER,),
                             targets=(who if who != OUTSIDER else ORIGINAL[0],), line=line))
        elif kind == "termination_by_agreement":
            out.append(Event(id=f"e{i}", date=on, type=kind, actors=tuple(parties[:2]), treaty=TID, line=line))
        else:
            out.append(Event(id=f"e{i}", date=on, type=kind, actors=(who,), treaty=TID, line=line))
    # one ratification (or accession) per state: the timeline reader refuses contradictory ones
    seen: set[tuple[str, str]] = set()
    kept = []
    for e in sorted(out, key=lambda e: (e.date, e.line or 0)):
        key = (e.type, e.actors[0]) if e.type in ("ratification", "accession") else ("", e.id)
        if key in seen:
            continue
        seen.add(key)
        kept.append(e)
    return tuple(kept)


def session_of(case: Case, until: date | None = None) -> Session:
    compiled = compile_treaty(treaty_of(case), file="generated.md")
    events = tuple(e for e in events_of(case) if until is None or e.date <= until)
    timeline = Timeline(id="generated", description="", events=events,
                        states={OUTSIDER: State(id=OUTSIDER, name="State Z")}, file="generated.yaml")
    return Session(compiled=compiled, timeline=bind_timeline(compiled, timeline))


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HORIZON = SIGNED + timedelta(days=40 * 366)


@SETTINGS
@given(cases())
def test_parties_are_bound_only_while_the_treaty_is_in_force(case: Case) -> None:
    o = session_of(case).outcome(HORIZON)
    lc = o.lifecycle
    for party in lc.parties:
        for (start, end), after in zip(party.intervals, [*party.intervals[1:], None], strict=False):
            assert end is None or start <= end  # bound and out again the same day: an empty interval
            if after is not None:
                assert end is not None and end <= after[0]  # ordered and disjoint
            assert lc.entry_into_force is not None and lc.entry_into_force <= start
            if lc.ends_on is not None and lc.ends_on <= HORIZON:
                assert end is not None and end <= lc.ends_on


@SETTINGS
@given(cases(), st.integers(0, 40 * 366))
def test_a_treaty_in_force_has_its_minimum_of_parties(case: Case, offset: int) -> None:
    on = SIGNED + timedelta(days=offset)
    lc = session_of(case).outcome(on).lifecycle
    bound = [p for p in lc.parties if p.state in ("bound", "notice given", "suspended")]
    if lc.in_force:
        assert len(bound) >= 2
    else:
        assert not [p for p in lc.parties if p.bound_on(on)]


@SETTINGS
@given(cases())
def test_every_duty_is_borne_by_a_party_bound_when_it_arises(case: Case) -> None:
    o = session_of(case).outcome(HORIZON)
    parties = {p.party: p for p in o.lifecycle.parties}

    def bound(party: str, on: date) -> bool:
        # bound that day, or bound and released on the same day (in force and ended on one day): a duty
        # that arose then ended with it
        p = parties[party]
        return p.bound_on(on) or any(start == end == on for start, end in p.intervals)

    for inst in o.instances:
        assert inst.bearer in parties and bound(inst.bearer, inst.created_on), inst.id
        if bound(inst.bearer, inst.created_on) and not parties[inst.bearer].bound_on(inst.created_on):
            assert inst.ended_on == inst.created_on, inst.id
        if inst.trigger_event is not None:
            assert inst.counterparty in parties and bound(inst.counterparty, inst.created_on)


@SETTINGS
@given(cases(), st.integers(0, 30 * 366))
def test_what_is_known_as_of_a_date_uses_only_events_up_to_it(case: Case, offset: int) -> None:
    on = SIGNED + timedelta(days=offset)
    whole = json_report.status_dict(session_of(case).outcome(on))
    cut = json_report.status_dict(session_of(case, until=on).outcome(on))
    assert json.dumps(whole, sort_keys=True) == json.dumps(cut, sort_keys=True)


@SETTINGS
@given(cases(), st.lists(st.integers(-100, 35 * 366), min_size=1, max_size=5))
def test_prepared_answers_agree_with_evaluation_from_scratch(case: Case, offsets: list[int]) -> None:
    session = session_of(case)
    for offset in offsets:
        day = SIGNED + timedelta(days=offset)
        fresh = session.status_dict(evaluate(session.compiled, session.timeline, day))
        assert json.dumps(session.status(day), sort_keys=True) == json.dumps(fresh, sort_keys=True)


@SETTINGS
@given(cases(), st.lists(st.integers(-400, 40 * 366), min_size=1, max_size=8))
def test_the_history_of_one_pass_agrees_with_evaluation_from_scratch(case: Case, offsets: list[int]) -> None:
    session = session_of(case)
    session.prepare(SIGNED - timedelta(days=400), SIGNED + timedelta(days=40 * 366))
    days = [SIGNED + timedelta(days=offset) for offset in offsets]
    days += [e.date + timedelta(days=k) for e in session.timeline.events for k in (-1, 0, 1)]
    for day in days:
        fresh = session.status_dict(evaluate(session.compiled, session.timeline, day))
        assert json.dumps(session.status(day), sort_keys=True) == json.dumps(fresh, sort_keys=True)
