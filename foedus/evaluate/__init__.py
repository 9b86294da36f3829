"""Stage 5 — evaluate: a pure function of (compiled treaty, timeline, as-of date). The treaty's
lifecycle and every norm instance move only along the state machines declared in machines.py."""

from foedus.evaluate.run import bind_timeline, evaluate

__all__ = ["bind_timeline", "evaluate"]
