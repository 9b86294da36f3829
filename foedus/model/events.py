"""Events and timelines: dated facts and acts, each with its source."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class EventType:
    name: str
    says: str
    scope: str  # "act" | "world"
    actors: tuple[int, int | None]
    targets: tuple[int, int | None]
    treaty: str  # "required" | "none"
    attributes: tuple[str, ...]


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, EventType]:
    text = resources.files("foedus.model").joinpath("vocabulary.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return {
        name: EventType(
            name=name,
            says=spec["says"],
            scope=spec["scope"],
            actors=(spec["actors"][0], spec["actors"][1]),
            targets=(spec["targets"][0], spec["targets"][1]),
            treaty=spec.get("treaty", "none"),
            attributes=tuple(spec.get("attributes", [])),
        )
        for name, spec in raw.items()
    }


@dataclass(frozen=True)
class State:
    """A state that events can name. ``key`` is how foedus tells states apart."""

    id: str
    name: str
    cow: int | None = None
    iso3: str | None = None

    @property
    def key(self) -> str:
        return f"cow:{self.cow}" if self.cow is not None else f"id:{self.id}"


@dataclass(frozen=True)
class Event:
    id: str
    date: date
    type: str
    actors: tuple[str, ...]
    targets: tuple[str, ...] = ()
    treaty: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    source: str | None = None
    note: str | None = None
    line: int | None = None
    file: str | None = None

    @property
    def actor(self) -> str | None:
        return self.actors[0] if self.actors else None

    @property
    def target(self) -> str | None:
        return self.targets[0] if self.targets else None

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file and self.line else (self.file or "")


@dataclass(frozen=True)
class Timeline:
    id: str
    description: str
    events: tuple[Event, ...]
    states: dict[str, State]
    file: str | None = None
    hypothetical: bool = False

    def up_to(self, as_of: date) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.date <= as_of)
