"""Errors that reach the user as one line: where, what is wrong, what was expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)


class FoedusError(Exception):
    """An input or usage error: rendered as `file:line:col: what is wrong; what was expected`."""

    def __init__(self, message: str, *, where: Location | None = None, expected: str | None = None):
        self.message = message
        self.where = where
        self.expected = expected
        super().__init__(self.one_line())

    def one_line(self) -> str:
        text = self.message
        if self.expected:
            text = f"{text}; expected {self.expected}"
        if self.where is not None:
            text = f"{self.where}: {text}"
        return " ".join(text.split())


def expected_one_of(got: object, names: list[str] | tuple[str, ...], what: str, limit: int = 12) -> str:
    """What an error expects instead of ``got``: the whole list when short, else the nearest names."""
    import difflib

    names = sorted(names)
    if len(names) <= limit:
        return "one of " + ", ".join(names)
    near = difflib.get_close_matches(str(got), names, n=3, cutoff=0.5)
    hint = f"such as {' or '.join(near)}" if near else f"among {', '.join(names[:5])}, …"
    return f"{what} {hint} (`foedus reference` lists them all)"
