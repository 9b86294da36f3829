"""The history of one pass (Session.prepare) answers every date as evaluation from scratch does: checked
on every scenario's treaty and timeline, on each date where the history changes, the days around it and
the days around every event."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from foedus.errors import FoedusError
from foedus.evaluate import evaluate
from foedus.scenarios.runner import load_scenario, open_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted(p for p in (ROOT / "tests" / "scenarios").rglob("*.yaml")
                   if "errors" not in p.parts and not p.name.startswith("_"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT / "tests" / "scenarios")))
def test_prepared_history_answers_as_evaluation_from_scratch(path: Path) -> None:
    try:
        session = open_scenario(load_scenario(str(path)))
        session.prepare()
    except FoedusError:
        pytest.skip("the scenario expects an error")
    prepared = session._prepared
    assert prepared is not None
    days = {prepared.first, prepared.last}
    for step in prepared.steps:
        days |= {step - timedelta(days=1), step, step + timedelta(days=1)}
    for e in session.timeline.events:
        days |= {e.date, e.date + timedelta(days=1)}
    for day in sorted(d for d in days if prepared.covers(d)):
        fresh = session.status_dict(evaluate(session.compiled, session.timeline, day))
        assert json.dumps(session.status(day), sort_keys=True) == json.dumps(fresh, sort_keys=True), day
