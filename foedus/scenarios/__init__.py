"""Scenario files: a treaty, a reading and a timeline (a base file plus events of the scenario's
own), with what must hold on given dates — runnable from Python and collected by the test suite."""

from foedus.scenarios.runner import (
    Check,
    Scenario,
    ScenarioResult,
    load_scenario,
    run_scenario,
    run_scenario_file,
)

__all__ = ["Check", "Scenario", "ScenarioResult", "load_scenario", "run_scenario", "run_scenario_file"]
