"""Many treaties evaluated together: a world of treaty models and one timeline.

:class:`World` compiles the models with one shared state registry and evaluates any of them with
relations (allied, at war, united with) derived from the timeline *and* from the treaties in force
(:class:`WorldFacts`). See :mod:`foedus.world.world` for the rules.
"""

from foedus.world.world import ALLIANCE_CATEGORIES, Pact, PairSpan, World, WorldFacts

__all__ = ["ALLIANCE_CATEGORIES", "Pact", "PairSpan", "World", "WorldFacts"]
