"""A short, deterministic fuzz run in the test suite (bench/fuzz.py runs the long one): mutated treaty
files, timelines, scenarios, ATOP files and explorer requests must all get exit 0 or 2 with one error
line (or a 4xx JSON error from the explorer), no traceback, within a time bound, and an input made
certainly invalid must be refused."""

from __future__ import annotations

import pytest
from fuzzing import KINDS, Case, cases, run_case
from hypothesis import HealthCheck, given, settings

# 180 inputs in all; derandomized, so every run tries the same ones.
EXAMPLES = {"treaty": 30, "timeline": 30, "timeline_csv": 25, "scenario": 15, "atop": 30, "request": 50}


@pytest.mark.parametrize("kind", KINDS)
def test_mutated_inputs_get_an_answer_never_a_crash(kind: str) -> None:
    @settings(max_examples=EXAMPLES[kind], derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(cases(kind))
    def check(case: Case) -> None:
        outcome = run_case(case, time_limit=60)
        assert outcome.ok, f"{case.kind}/{case.mutation} from {case.seed}: {outcome.problems}: {outcome.output[:300]}"

    check()
