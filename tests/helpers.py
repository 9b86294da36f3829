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


def bench_world() -> ModuleType:
    """bench/bench_world.py, whose pandas baseline the tests compare with."""
    spec = importlib.util.spec_from_file_location("bench_world", ROOT / "bench" / "bench_world.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_world", module)
    spec.loader.exec_module(module)
    return module
