"""Properties of a treaty's life, on small treaties generated at random: entry dates, terms,
extensions, notice periods and readings of late notice, and notices given at random dates.

The expected end is computed here independently of foedus.evaluate.lifecycle, from the rules the
model states (terms follow each other; a notice is timely up to the deadline one notice period
before a term's expiry; a late notice either counts for the next term or lapses)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foedus import api
from foedus.api import Session
from foedus.compile import CompiledTreaty, compile_treaty
from foedus.dates import Duration, Rounding, add, subtract
from foedus.errors import FoedusError
from foedus.evaluate import bind_timeline, evaluate
from foedus.model.events import Event, State, Timeline
from foedus.model.treaty import Lifecycle, Notice, Party, Signed, Treaty
from foedus.report import json_report

TID = "generated"
PARTIES = ("AAA", "BBB")
OUTSIDER = "CCC"  # a state that is not a party


@dataclass(frozen=True)
class Case:
    signed: date
    ratified: tuple[int, int]  # days after signature, per party
    term: str
    extension: str | None
    period: str
    inclusive: bool
    late: str
    on_expiry: bool
    rounding: Rounding
    notices: tuple[tuple[date, str], ...]  # (date, who)

    @property
    def entry(self) -> date:
        return self.signed + timedelta(days=max(self.ratified))


def duration_text(unit_max: dict[str, int]) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(unit_max)).flatmap(
        lambda unit: st.integers(1, unit_max[unit]).map(lambda n: f"{n} {unit}{'s' if n != 1 else ''}"))


@st.composite
def cases(draw: st.DrawFn, notices: bool = True) -> Case:
    signed = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2000, 12, 31)))
    ratified = (draw(st.integers(0, 400)), draw(st.integers(0, 400)))
    entry = signed + timedelta(days=max(ratified))
    term = draw(duration_text({"year": 40, "month": 36, "day": 800}))
    extension = draw(st.none() | duration_text({"year": 10, "month": 24}).filter(lambda t: not t.startswith(
        ("1 month", "2 months", "3 months", "4 months", "5 months"))))
    period = draw(duration_text({"year": 2, "month": 18, "day": 400}))
    case = Case(signed=signed, ratified=ratified, term=term, extension=extension, period=period,
                inclusive=draw(st.booleans()), late=draw(st.sampled_from(["next_term", "lapses"])),
                on_expiry=draw(st.booleans()), rounding=draw(st.sampled_from([Rounding.UP, Rounding.DOWN])),
                notices=())
    if not notices:
        return case
    # Notices anywhere, and notices within a few days of a term's notice deadline (where it matters).
    deadlines = [subtract(e, Duration.parse(period), case.rounding) for e in expiries(case, entry)[:6]]
    anywhere = st.dates(min_value=signed, max_value=entry + timedelta(days=80 * 366))
    near = st.tuples(st.sampled_from(deadlines), st.integers(-3, 3)).map(
        lambda d: max(signed, d[0] + timedelta(days=d[1])))
    given_notices = draw(st.lists(st.tuples(anywhere | near, st.sampled_from([*PARTIES, OUTSIDER])),
                                  max_size=3, unique_by=lambda n: n[0]))
    return Case(**{**case.__dict__, "notices": tuple(given_notices)})


@st.composite
def as_of_dates(draw: st.DrawFn, case: Case) -> date:
    """Any date from before entry into force to decades later, or a date next to one that matters."""
    marks = [case.entry, *expiries(case, case.entry + timedelta(days=20 * 366))[:6], *(d for d, _ in case.notices)]
    near = st.tuples(st.sampled_from(marks), st.integers(-2, 2)).map(lambda m: m[0] + timedelta(days=m[1]))
    anywhere = st.integers(-500, 70 * 366).map(lambda n: case.entry + timedelta(days=n))
    return draw(near | anywhere)


def treaty_of(case: Case) -> Treaty:
    return Treaty(
        id=TID, title="A generated treaty",
        parties=[Party(id=p, name=f"State {p}") for p in PARTIES],
        signed=Signed(date=case.signed, place="Here"),
        lifecycle=Lifecycle(
            entry_into_force="ratification_by_all", term=case.term, extension=case.extension,
            notice=Notice(period=case.period, last_day_included=case.inclusive, late=case.late),
            in_force_on_expiry_date=case.on_expiry, date_rounding=case.rounding))


def events_of(case: Case, extra: tuple[Event, ...] = ()) -> tuple[Event, ...]:
    out = [Event(id="sig", date=case.signed, type="signature", actors=PARTIES, treaty=TID, line=1)]
    out += [Event(id=f"rat-{p}", date=case.signed + timedelta(days=d), type="ratification", actors=(p,),
                  treaty=TID, line=2 + i) for i, (p, d) in enumerate(zip(PARTIES, case.ratified, strict=True))]
    out += [Event(id=f"notice-{i}", date=d, type="notice_of_denunciation", actors=(who,), treaty=TID, line=10 + i)
            for i, (d, who) in enumerate(case.notices)]
    out += list(extra)
    return tuple(sorted(out, key=lambda e: (e.date, e.line or 0)))


def session_of(case: Case, extra: tuple[Event, ...] = ()) -> Session:
    compiled: CompiledTreaty = compile_treaty(treaty_of(case), file="generated.md")
    timeline = Timeline(id="generated", description="", events=events_of(case, extra),
                        states={OUTSIDER: State(id=OUTSIDER, name="State C")}, file="generated.yaml")
    return Session(compiled=compiled, timeline=bind_timeline(compiled, timeline))


# --- the rules, written out independently -----------------------------------------------------------


def expiries(case: Case, until: date) -> list[date]:
    """Expiry dates of the initial term and of every extension, far enough to pass ``until``."""
    ends = [add(case.entry, Duration.parse(case.term), case.rounding)]
    if case.extension is not None:
        while ends[-1] <= until + timedelta(days=3 * 366):
            ends.append(add(ends[-1], Duration.parse(case.extension), case.rounding))
    return ends


def expected_end(case: Case, as_of: date) -> date | None:
    """The first day out of force, if certain as of ``as_of``."""
    if case.entry > as_of:
        return None
    ends = expiries(case, as_of)
    period = Duration.parse(case.period)
    deadlines = [subtract(e, period, case.rounding) for e in ends]

    def timely(day: date, k: int) -> bool:
        return day <= deadlines[k] if case.inclusive else day < deadlines[k]

    valid = sorted(d for d, who in case.notices if who in PARTIES and case.entry <= d <= as_of)
    last: int | None = 0 if case.extension is None else None
    for k in range(len(ends)):
        start = case.entry if k == 0 else ends[k - 1]
        if case.late == "next_term" and case.extension is not None:
            # a notice counts for the first term whose deadline it meets
            hit = any(d < ends[k] and timely(d, k) for d in valid)
        else:
            # a notice counts only for the term it is given in
            hit = any(start <= d < ends[k] and timely(d, k) for d in valid)
        if hit:
            last = k if last is None else min(last, k)
            break
    if last is None:
        return None
    end = ends[last]
    return end + timedelta(days=1) if case.on_expiry else end


# --- properties ------------------------------------------------------------------------------------

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cases(), st.data())
def test_in_force_exactly_from_entry_to_the_end(case: Case, data: st.DataObject) -> None:
    as_of = data.draw(as_of_dates(case))
    o = session_of(case).outcome(as_of)
    end = expected_end(case, as_of)
    lc = o.lifecycle
    assert lc.ends_on == end
    assert lc.in_force == (case.entry <= as_of and (end is None or as_of < end))
    assert lc.entry_into_force == (case.entry if case.entry <= as_of else None)


@SETTINGS
@given(cases(notices=False), st.data())
def test_a_timely_notice_ends_the_treaty_at_the_current_terms_end(case: Case, data: st.DataObject) -> None:
    horizon = case.entry + timedelta(days=60 * 366)
    ends = expiries(case, horizon)
    k = data.draw(st.integers(0, len(ends) - 1))
    start = case.entry if k == 0 else ends[k - 1]
    deadline = subtract(ends[k], Duration.parse(case.period), case.rounding)
    last = deadline if case.inclusive else deadline - timedelta(days=1)
    if last < start:
        return  # the notice period is longer than this term: no notice given in it can be timely
    day = data.draw(st.dates(min_value=start, max_value=last))
    who = data.draw(st.sampled_from(PARTIES))
    noticed = Case(**{**case.__dict__, "notices": ((day, who),)})
    o = session_of(noticed).outcome(day)
    end = ends[k] + timedelta(days=1) if case.on_expiry else ends[k]
    assert o.lifecycle.ends_on == end
    assert [n.verdict for n in o.lifecycle.notices] == ["timely"]
    assert o.lifecycle.in_force
    after = session_of(noticed).outcome(end)
    assert not after.lifecycle.in_force and after.lifecycle.state == "expired"
    assert session_of(noticed).outcome(end - timedelta(days=1)).lifecycle.in_force


@SETTINGS
@given(cases(), st.integers(0, 70 * 366))
def test_terms_are_contiguous(case: Case, offset: int) -> None:
    o = session_of(case).outcome(case.entry + timedelta(days=offset))
    terms = o.lifecycle.terms
    assert terms and terms[0].start == case.entry and terms[0].number == 0
    for before, after in pairwise(terms):
        assert after.number == before.number + 1
        assert after.start == before.end
    for t in terms:
        assert t.end is not None and t.start < t.end
        assert t.notice_deadline is not None and t.notice_deadline < t.end
    current = o.lifecycle.current_term
    assert current is not None and current.start <= o.as_of
    if o.lifecycle.in_force:
        assert o.as_of < current.end


def status_json(session: Session, on: date) -> str:
    return json_report.dumps(json_report.run_dict(session.outcome(on)))


@SETTINGS
@given(cases(), st.integers(-100, 50 * 366), st.data())
def test_the_status_as_of_a_date_uses_only_events_up_to_it(case: Case, offset: int, data: st.DataObject) -> None:
    as_of = case.entry + timedelta(days=offset)
    later = data.draw(st.lists(st.tuples(st.integers(1, 40 * 366), st.sampled_from(
        ["notice", "withdrawal", "attack"])), min_size=1, max_size=3))
    extra = []
    for i, (days, kind) in enumerate(later):
        on = as_of + timedelta(days=days)
        if kind == "notice":
            extra.append(Event(id=f"x{i}", date=on, type="notice_of_denunciation", actors=("AAA",), treaty=TID,
                               line=100 + i))
        elif kind == "withdrawal":
            extra.append(Event(id=f"x{i}", date=on, type="withdrawal", actors=("BBB",), treaty=TID, line=100 + i))
        else:
            extra.append(Event(id=f"x{i}", date=on, type="armed_attack", actors=(OUTSIDER,), targets=("AAA",),
                               attributes={"state_of_war": True}, line=100 + i))
    if min(e.date for e in extra) < case.signed:
        return
    assert status_json(session_of(case), as_of) == status_json(session_of(case, tuple(extra)), as_of)


@SETTINGS
@given(cases(), st.lists(st.integers(-100, 60 * 366), min_size=1, max_size=6))
def test_as_of_evaluation_is_deterministic(case: Case, offsets: list[int]) -> None:
    days = [case.entry + timedelta(days=d) for d in offsets]
    one, two = session_of(case), session_of(case)
    for day in days:
        first = status_json(one, day)
        assert first == status_json(one, day) == status_json(two, day)
        # the session's cached status agrees with evaluation from scratch
        fresh = two.status_dict(evaluate(two.compiled, two.timeline, day))
        assert json.dumps(one.status(day), sort_keys=True) == json.dumps(fresh, sort_keys=True)


@SETTINGS
@given(cases(), st.integers(0, 70 * 366), st.integers(0, 60 * 366))
def test_the_end_never_precedes_entry_into_force(case: Case, offset: int, withdrawal: int) -> None:
    withdrawn = Event(id="w", date=case.entry + timedelta(days=withdrawal), type="withdrawal", actors=("AAA",),
                      treaty=TID, line=99)
    for extra in ((), (withdrawn,)):
        lc = session_of(case, extra).outcome(case.entry + timedelta(days=offset)).lifecycle
        assert lc.entry_into_force == case.entry
        if lc.ends_on is not None:
            assert lc.ends_on >= case.entry
        if lc.expires_on is not None:
            assert lc.expires_on > case.entry or lc.expires_on == lc.ends_on


def test_the_oracle_on_the_1950_treaty_dates() -> None:
    """The independent rules above give the flagship's dates (a check of the check)."""
    case = Case(signed=date(1950, 2, 14), ratified=(56, 56), term="30 years", extension="5 years",
                period="1 year", inclusive=True, late="next_term", on_expiry=False, rounding=Rounding.UP,
                notices=((date(1979, 4, 3), "BBB"),))
    assert case.entry == date(1950, 4, 11)
    assert expected_end(case, date(1990, 1, 1)) == date(1980, 4, 11)
    late = Case(**{**case.__dict__, "notices": ((date(1979, 4, 12), "BBB"),)})
    assert expected_end(late, date(1990, 1, 1)) == date(1985, 4, 11)
    lapses = Case(**{**late.__dict__, "late": "lapses"})
    assert expected_end(lapses, date(1990, 1, 1)) is None
    # The deadline of 11 April 1989 passed with no notice: the extension to 1995 is certain.
    assert session_of(lapses).outcome(date(1990, 1, 1)).lifecycle.expires_on == date(1995, 4, 11)
    assert session_of(lapses).outcome(date(1989, 4, 11)).lifecycle.expires_on == date(1990, 4, 11)
    inclusive = Case(**{**case.__dict__, "notices": ((date(1979, 4, 11), "AAA"),)})
    assert expected_end(inclusive, date(1979, 4, 11)) == date(1980, 4, 11)
    exclusive = Case(**{**inclusive.__dict__, "inclusive": False})
    assert expected_end(exclusive, date(1990, 1, 1)) == date(1985, 4, 11)
    on_expiry = Case(**{**case.__dict__, "on_expiry": True})
    assert expected_end(on_expiry, date(1990, 1, 1)) == date(1980, 4, 12)
    o = session_of(on_expiry).outcome(date(1980, 4, 11))
    assert o.lifecycle.in_force and not session_of(on_expiry).outcome(date(1980, 4, 12)).lifecycle.in_force


def test_a_far_as_of_date_is_an_input_error_not_a_crash() -> None:
    root = Path(__file__).resolve().parents[1]
    session = api.open_session(root / "treaties" / "sino_soviet_1950.md")
    assert session.outcome(date(2990, 1, 1)).lifecycle.state == "signed"  # never ratified: no terms
    events = root / "tests" / "fixtures" / "core" / "sino_soviet_no_notice.yaml"
    session = api.open_session(root / "treaties" / "sino_soviet_1950.md", events)
    # The deadline of 11 April 2989 has passed: the extension to 2995 is certain.
    assert session.outcome(date(2990, 1, 1)).lifecycle.expires_on == date(2995, 4, 11)
    with pytest.raises(FoedusError, match=r"more than 400 terms before 9999-12-31; expected an as-of date"):
        session.outcome(date(9999, 12, 31))
    many = Case(signed=date(1950, 2, 14), ratified=(0, 0), term="30 years", extension="30 years", period="1 year",
                inclusive=True, late="next_term", on_expiry=False, rounding=Rounding.UP, notices=())
    with pytest.raises(FoedusError, match=r"the terms run past the year 9999 before 9999-12-31"):
        session_of(many).outcome(date(9999, 12, 31))
