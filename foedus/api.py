"""The Python API: the CLI's commands as functions, for notebooks and scripts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from foedus.compile import CompiledTreaty, compile_treaty
from foedus.dates import parse_iso
from foedus.errors import FoedusError, Location
from foedus.evaluate import bind_timeline, evaluate
from foedus.evaluate.results import Outcome
from foedus.model.events import Timeline
from foedus.model.load import load_treaty
from foedus.model.treaty import Treaty
from foedus.parse.located_yaml import SourceMap
from foedus.parse.timeline import read_timeline
from foedus.report import json_report


@dataclass
class Session:
    """A treaty compiled under one reading, bound to one timeline: ask it about any date."""

    compiled: CompiledTreaty
    timeline: Timeline

    def outcome(self, on: date | str) -> Outcome:
        return evaluate(self.compiled, self.timeline, as_date(on))

    def status(self, on: date | str) -> dict[str, Any]:
        return json_report.status_dict(self.outcome(on))

    def run(self, on: date | str) -> dict[str, Any]:
        return json_report.run_dict(self.outcome(on))


def as_date(value: date | str, what: str = "--on") -> date:
    if isinstance(value, date):
        return value
    try:
        return parse_iso(value)
    except ValueError as exc:
        raise FoedusError(str(exc), where=Location(what), expected="a date YYYY-MM-DD") from None


def load(treaty_file: str | Path) -> tuple[Treaty, SourceMap]:
    return load_treaty(str(treaty_file))


def empty_timeline(name: str = "no events") -> Timeline:
    return Timeline(id=name, description="", events=(), states={}, file=None)


def open_session(treaty_file: str | Path, events_file: str | Path | None = None,
                 reading: list[str] | str | None = None) -> Session:
    treaty, smap = load_treaty(str(treaty_file))
    compiled = compile_treaty(treaty, reading, smap=smap, file=str(treaty_file))
    timeline = read_timeline(events_file) if events_file else empty_timeline()
    return Session(compiled=compiled, timeline=bind_timeline(compiled, timeline))


def status(treaty_file: str | Path, events_file: str | Path | None, on: date | str,
           reading: list[str] | str | None = None) -> dict[str, Any]:
    return open_session(treaty_file, events_file, reading).status(on)


def run(treaty_file: str | Path, events_file: str | Path | None, on: date | str,
        reading: list[str] | str | None = None) -> dict[str, Any]:
    return open_session(treaty_file, events_file, reading).run(on)


@lru_cache(maxsize=8)
def _schema_text() -> str:
    from foedus.model.schema import schema_json
    return schema_json()
