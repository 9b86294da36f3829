"""Helpers shared by the tests: where the shared datasets are, and the world benchmark as a module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def shared_file(relative: str) -> Path:
    """A file of ../shared/data, or a skip naming it when the shared data folder is absent."""
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"needs ../shared/data/{relative} (the shared data folder is absent)")
    return path


def bench_module(name: str) -> ModuleType:
    """bench/NAME.py as a module (bench/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


def bench_world() -> ModuleType:
    """bench/bench_world.py, whose pandas baseline the tests compare with."""
    return bench_module("bench_world")


def split_history(folder: Path) -> tuple[Path, Path]:
    """The 1950 treaty's history written as two timeline files, split before the Korean War: the first with
    the states, the second with its own."""
    text = (ROOT / "timelines" / "sino_soviet_1950_1980.yaml").read_text(encoding="utf-8")
    head, _, rest = text.partition("  # --- Korea")
    first, second = folder / "first.yaml", folder / "second.yaml"
    first.write_text(head, encoding="utf-8")
    second.write_text("timeline: rest\nstates:\n  JPN: {name: Japan, cow: 740, iso3: JPN}\n"
                      "  USA: {name: United States of America, cow: 2, iso3: USA}\nevents:\n  # --- Korea" + rest,
                      encoding="utf-8")
    return first, second
