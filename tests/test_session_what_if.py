"""A what-if (Session.what_if: events added or removed) answers as evaluation from scratch of the changed
timeline does, on every date, while it resumes from the state before the change."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foedus import api
from foedus.errors import FoedusError
from foedus.evaluate import bind_timeline, evaluate
from foedus.model.events import Event
from foedus.parse.timeline import build_timeline

ROOT = Path(__file__).resolve().parent.parent
SEED = api.open_session(ROOT / "treaties" / "sino_soviet_1950.md", ROOT / "timelines" / "sino_soviet_1950_1980.yaml")
# The seed's record is too short for checkpoints by default (a what-if evaluates it afresh); this copy
# keeps one on every day of the record, so that resuming is tested on it.
RESUMING = api.Session(SEED.compiled, SEED.timeline, checkpoint_days=1)
KINDS = [
    ("armed_attack", ("JPN",), ("PRC",), {"state_of_war": True}),
    ("armed_attack", ("USA",), ("USSR",), {}),
    ("state_of_war", ("JPN",), ("USSR",), {}),
    ("assistance_rendered", ("USSR",), ("PRC",), {"kind": "military"}),
    ("consultation_held", ("USSR", "PRC"), (), {}),
    ("notice_of_denunciation", ("PRC",), (), {"form": "written"}),
]


def fresh(session: api.Session, day: date) -> str:
    return json.dumps(session.status_dict(evaluate(session.compiled, session.timeline, day)), sort_keys=True)


def event(i: int, kind: int, day: date) -> Event:
    etype, actors, targets, attributes = KINDS[kind]
    treaty = "sino-soviet-1950" if etype == "notice_of_denunciation" else None
    return Event(id=f"what-if-{i}", date=day, type=etype, actors=actors, targets=targets, treaty=treaty,
                 attributes=dict(attributes), source="what-if")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(KINDS) - 1), st.integers(0, 30 * 366)), min_size=1, max_size=3),
       st.lists(st.integers(0, 36 * 366), min_size=1, max_size=4), st.booleans(), st.sampled_from([SEED, RESUMING]))
def test_a_what_if_answers_as_evaluation_from_scratch(added: list[tuple[int, int]], offsets: list[int],
                                                      remove: bool, base: api.Session) -> None:
    start = date(1950, 6, 1)
    events = [event(i, kind, start + timedelta(days=d)) for i, (kind, d) in enumerate(added)]
    removed = [base.timeline.events[-1].id] if remove else []
    kept = [e for e in base.timeline.events if e.id not in removed]
    try:
        expected = bind_timeline(base.compiled, build_timeline(base.timeline.id, base.timeline.description,
                                                               [*kept, *events], base.timeline.states))
    except FoedusError as exc:  # contradictory or duplicated events: the what-if refuses them alike
        with pytest.raises(FoedusError) as info:
            base.what_if(events, removed)
        assert str(info.value) == str(exc)
        return
    changed = base.what_if(events, removed)
    assert [e.id for e in changed.timeline.events] == [e.id for e in expected.events]
    for offset in offsets:
        day = date(1949, 1, 1) + timedelta(days=offset)
        assert json.dumps(changed.status(day), sort_keys=True) == fresh(changed, day)


def test_a_what_if_resumes_from_a_checkpoint_before_its_first_day() -> None:
    attack = event(0, 0, date(1962, 5, 1))
    changed = RESUMING.what_if([attack])
    assert changed._changes is not None and changed._changes[0] == date(1962, 5, 1)
    start = RESUMING._checkpoint_before(date(1962, 5, 1))
    assert start is not None and start.day is not None and start.day < date(1962, 5, 1)
    outcome = changed.outcome(date(1962, 6, 1))
    assert any(i.trigger_event == "what-if-0" for i in outcome.instances)
    # the seed's own session, with no checkpoint, evaluates the what-if afresh, to the same answers
    assert SEED._checkpoint_before(date(1962, 5, 1)) is None
    assert SEED.what_if([attack]).status(date(1962, 6, 1)) == changed.status(date(1962, 6, 1))
    # the base session is untouched
    assert not any(i.trigger_event == "what-if-0" for i in RESUMING.outcome(date(1962, 6, 1)).instances)
    # a removed event: the treaty never enters into force without its exchange of instruments
    exchange = next(e for e in RESUMING.timeline.events if e.type == "exchange_of_instruments")
    without = RESUMING.what_if(removed=[exchange.id])
    assert fresh(without, date(1960, 1, 1)) == json.dumps(without.status(date(1960, 1, 1)), sort_keys=True)


def test_what_a_copy_of_a_run_shares_can_never_change() -> None:
    """A run's copy (a checkpoint) shares settled instances: no state machine may leave their states."""
    from foedus.evaluate import machines
    from foedus.evaluate.norms import _SETTLED

    for machine in machines.ALL:
        assert not {t.source for t in machine.transitions} & _SETTLED, machine.name
