"""The ASP encoding of the 1950 treaty's Art. I and Art. VI (bench/clingo/) agrees with foedus.

clingo is a benchmark-only dependency (requirements-bench.lock): without it these tests skip.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

clingo = pytest.importorskip("clingo", reason="clingo is a benchmark-only dependency (requirements-bench.lock)")

from foedus.compile import CompiledTreaty, compile_treaty  # noqa: E402
from foedus.evaluate import bind_timeline, evaluate  # noqa: E402
from foedus.model.events import Timeline  # noqa: E402
from foedus.model.load import load_treaty  # noqa: E402
from foedus.parse.timeline import read_timeline  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TREATY = ROOT / "treaties" / "sino_soviet_1950.md"
SEED = ROOT / "timelines" / "sino_soviet_1950_1980.yaml"
sys.path.insert(0, str(ROOT / "bench"))
from bench_clingo import load_bridge  # noqa: E402
from gen_timeline import generate, write_yaml  # noqa: E402

asp = load_bridge()


def compiled(*readings: str) -> CompiledTreaty:
    treaty, smap = load_treaty(str(TREATY))
    return compile_treaty(treaty, list(readings) or None, smap=smap)


def days_around(timeline: Timeline) -> list[date]:
    """Every day an event falls on, the day before and the day after, and the Art. VI days."""
    out = {date(1950, 4, 10), date(1979, 4, 11), date(1979, 4, 12), date(1980, 4, 10), date(1980, 4, 11)}
    for e in timeline.events:
        out |= {e.date - timedelta(days=1), e.date, e.date + timedelta(days=1)}
    return sorted(out)


def check(ct: CompiledTreaty, timeline: Timeline, days: list[date]) -> list[object]:
    """Ask foedus and the three ways of asking clingo on every day; return foedus's answers."""
    facts = asp.timeline_facts(ct, timeline)
    one, prepared = asp.OneShot(facts), asp.Prepared(facts, days)
    answers = []
    for d in days:
        want = asp.foedus_answer(evaluate(ct, timeline, d))
        for got in (one.ask(d)[0], prepared.ask(d, "externals")[0], prepared.ask(d, "assumptions")[0]):
            assert want.differences(got) == [], d
        answers.append(want)
    return answers


def test_seed_lifecycle_agrees_with_foedus() -> None:
    ct = compiled()
    timeline = bind_timeline(ct, read_timeline(SEED))
    answers = {a.as_of: a for a in check(ct, timeline, days_around(timeline))}
    # The dates Art. VI gives, so that agreement is not agreement on nothing.
    assert answers[date(1950, 4, 10)].in_force is False
    assert answers[date(1979, 4, 11)].in_force is True
    assert answers[date(1979, 4, 11)].expires_on == date(1980, 4, 11)
    assert answers[date(1980, 4, 10)].in_force is True
    assert answers[date(1980, 4, 11)].in_force is False


@pytest.mark.parametrize("readings", [(), ("strict-immediately",), ("broad-alliance",)])
def test_synthetic_art1_duties_agree_with_foedus(tmp_path: Path, readings: tuple[str, ...]) -> None:
    ct = compiled(*readings)
    path = write_yaml(generate(150, 3, art1=True), tmp_path / "art1.yaml")
    timeline = bind_timeline(ct, read_timeline(path))
    attacks = sorted(e.date for e in timeline.events if e.type == "armed_attack")
    days = sorted({d + timedelta(days=k) for d in attacks for k in (0, 8)} | {date(2050, 1, 1)})
    answers = check(ct, timeline, days)
    states = {duty.state for a in answers for duty in a.duties}  # type: ignore[attr-defined]
    # Duties in every state the encoding gives, so that agreement is not agreement on nothing.
    assert states, "no Art. I duty in the synthetic timeline"
    if not readings:
        assert {"fulfilled", "violated", "discharged", "active"} <= states, states
