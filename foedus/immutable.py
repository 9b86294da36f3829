"""A base for values that never change once made (compiled rules, state machines, durations, records of
what happened): copying a run in progress (a what-if resumed from a checkpoint) shares them instead of
walking them."""

from __future__ import annotations

from typing import Any


class Immutable:
    """A frozen value made of immutable parts: any copy of what holds it may share it."""

    __slots__ = ()

    def __copy__(self) -> Any:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return self
