"""Choose a reading: one option at every point where the text is ambiguous."""

from __future__ import annotations

from dataclasses import dataclass

from foedus.errors import FoedusError, Location
from foedus.model.general_law import reading_points
from foedus.model.treaty import Treaty


@dataclass(frozen=True)
class Reading:
    name: str
    choices: tuple[tuple[str, str], ...]  # (point, option), in the model's order

    def option(self, point: str) -> str:
        return dict(self.choices)[point]

    def as_dict(self) -> dict[str, str]:
        return dict(self.choices)


def reading_names(treaty: Treaty) -> list[str]:
    names = ["default"] + [r.id for r in treaty.named_readings]
    names += [f"{p.id}={o}" for p in reading_points(treaty) for o in p.options]
    return names


def choose_reading(treaty: Treaty, requested: list[str] | str | None = None, file: str | None = None) -> Reading:
    """``requested``: named readings and/or ``point=option`` words, applied in order over the defaults."""
    if isinstance(requested, str):
        requested = [requested]
    requested = [r for r in (requested or []) if r and r != "default"]
    all_points = reading_points(treaty)
    choices = {p.id: p.default for p in all_points}
    points = {p.id: p for p in all_points}
    named = {r.id: r for r in treaty.named_readings}
    where = Location(file or treaty.id)
    for word in requested:
        if word in named:
            for point, option in named[word].choose.items():
                _check(points, point, option, where, f"named reading {word!r}")
                choices[point] = option
        elif "=" in word:
            point, option = (s.strip() for s in word.split("=", 1))
            _check(points, point, option, where, "the requested reading")
            choices[point] = option
        else:
            named_ids = ", ".join(["default", *named])
            raise FoedusError(f"unknown reading {word!r} for {treaty.id}", where=where,
                              expected=f"a named reading ({named_ids}) or POINT=OPTION; `foedus readings "
                              f"{treaty.id}` lists them")
    name = "+".join(requested) if requested else "default"
    return Reading(name=name, choices=tuple((p.id, choices[p.id]) for p in all_points))


def _check(points: dict, point: str, option: str, where: Location, what: str) -> None:
    if point not in points:
        raise FoedusError(f"{what} names an unknown reading point {point!r}", where=where,
                          expected="one of " + ", ".join(points) if points else "no reading points in this model")
    if option not in points[point].options:
        raise FoedusError(f"{what}: {option!r} is not an option of {point!r}", where=where,
                          expected="one of " + ", ".join(points[point].options))
