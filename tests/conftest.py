"""Shared test setup: every YAML file under tests/scenarios/ is collected as a test item."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from foedus.errors import FoedusError
from foedus.scenarios import ScenarioResult, run_scenario_file

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SCENARIOS = TESTS / "scenarios"
FLAGSHIP = ROOT / "treaties" / "sino_soviet_1950.md"
HISTORY = ROOT / "timelines" / "sino_soviet_1950_1980.yaml"


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and SCENARIOS in file_path.resolve().parents:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield ScenarioItem.from_parent(self, name=self.path.stem)


class ScenarioFailed(Exception):
    def __init__(self, result: ScenarioResult):
        super().__init__(result.report())
        self.result = result


class ScenarioItem(pytest.Item):
    def runtest(self) -> None:
        result = run_scenario_file(_shown(self.path))
        if not result.passed:
            raise ScenarioFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            return excinfo.value.result.report()
        if isinstance(excinfo.value, FoedusError):
            return f"scenario {self.path.name} could not run: {excinfo.value.one_line()}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"scenario {self.path.relative_to(TESTS)}"


def _shown(path: Path) -> str:
    """The path as messages show it: relative to the project root when the tests run from there."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
