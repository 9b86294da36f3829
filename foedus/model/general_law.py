"""Reading points of general treaty law, present in every treaty model (general_law.yaml)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from foedus.model.treaty import ReadingPoint, Treaty


@lru_cache(maxsize=1)
def general_points() -> tuple[ReadingPoint, ...]:
    text = resources.files("foedus.model").joinpath("general_law.yaml").read_text(encoding="utf-8")
    return tuple(ReadingPoint.model_validate({**item, "article": "general law"}) for item in yaml.safe_load(text))


def reading_points(treaty: Treaty) -> list[ReadingPoint]:
    """The treaty's own reading points, then the general-law points it does not declare itself, with the
    defaults it sets under ``general_law:``."""
    own = {p.id for p in treaty.readings}
    points = list(treaty.readings)
    for point in general_points():
        if point.id in own:
            continue
        default = treaty.general_law.get(point.id, point.default)
        points.append(point if default == point.default else point.model_copy(update={"default": default}))
    return points


GENERAL_IDS = frozenset(p.id for p in general_points())
