"""Stage 3 — model: the validated treaty model (pydantic) and the event vocabulary. The JSON
Schema published for editors is generated from these classes."""

from foedus.model.events import Event, EventType, State, Timeline, vocabulary
from foedus.model.treaty import (
    ActPattern,
    Deadline,
    Lifecycle,
    Norm,
    Notice,
    Party,
    ReadingPoint,
    ReadingRef,
    Treaty,
    Trigger,
)

__all__ = [
    "ActPattern", "Deadline", "Event", "EventType", "Lifecycle", "Norm", "Notice", "Party",
    "ReadingPoint", "ReadingRef", "State", "Timeline", "Treaty", "Trigger", "vocabulary",
]
