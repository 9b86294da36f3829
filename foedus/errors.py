"""Errors that reach the user as one line: where, what is wrong, what was expected.

A line stays short (``limits.MAX_ERROR_LINE_CHARS``) and printable: long values are cut with an
ellipsis, and control characters that came from an input file are shown escaped, never sent to the
terminal as they are.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from foedus.limits import MAX_ERROR_LINE_CHARS, MAX_QUOTED_CHARS
from foedus.terminal import printable

_QUOTED = re.compile(r"'([^']{1,80})'")


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked with an ellipsis."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def quoted(value: Any, limit: int = MAX_QUOTED_CHARS) -> str:
    """A value from the input as a message quotes it: its repr, cut when long."""
    if isinstance(value, str) and len(value) > limit * 4:
        value = value[: limit * 4]  # repr of a huge text costs time and memory for nothing
    return clip(repr(value), limit)


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
        # The location is kept whole up to a bound of its own; what is wrong and what was expected share
        # MAX_ERROR_LINE_CHARS, a long list of what was expected cut between its items.
        where = _flat(str(self.where), 200) if self.where is not None else ""
        message = _flat(self.message, MAX_ERROR_LINE_CHARS // 2)
        text = message
        if self.expected:
            room = max(MAX_ERROR_LINE_CHARS - len(message) - len("; expected "), 60)
            hints = _QUOTED.findall(message)
            expected = _list_cut(_flat(self.expected, 200 * MAX_ERROR_LINE_CHARS), room, hints)
            text = f"{message}; expected {expected}"
        return f"{where}: {text}" if where else text


def _list_cut(text: str, room: int, hints: list[str]) -> str:
    """``text`` within ``room`` characters; a list ("a, b, c") is cut between items and says how long it was,
    the items closest to a value the message quotes (``hints``) put first."""
    if len(text) <= room:
        return text
    head, sep, rest = text.partition("one of ")
    if sep and not head:
        return sep + _list_cut(rest, room - len(sep), hints)
    items = text.split(", ")
    if len(items) > 3:
        close = [m for hint in hints for m in difflib.get_close_matches(hint, items, n=3, cutoff=0.6)]
        close = list(dict.fromkeys(close))
        items = close + [i for i in items if i not in close]
        kept: list[str] = []
        for item in items:
            if len(", ".join([*kept, item])) + len(f", … ({len(items)} in all)") > room:
                break
            kept.append(item)
        if len(kept) >= 2:
            return ", ".join(kept) + f", … ({len(items)} in all)"
    return clip(text, room)


def _flat(text: str, limit: int) -> str:
    """One line: whitespace runs folded, control characters escaped, cut to ``limit``."""
    if len(text) > limit + 1000:  # folding and escaping an 18 MB value would cost more than the message
        text = text[: limit + 1000]
    return clip(printable(" ".join(text.split())), limit)


def expected_one_of(got: object, names: list[str] | tuple[str, ...], what: str, limit: int = 12) -> str:
    """What an error expects instead of ``got``: the whole list when short, else the nearest names."""
    names = sorted(names)
    if len(names) <= limit:
        return "one of " + ", ".join(names)
    near = difflib.get_close_matches(str(got), names, n=3, cutoff=0.5)
    hint = f"such as {' or '.join(near)}" if near else f"among {', '.join(names[:5])}, …"
    return f"{what} {hint} (`foedus reference` lists them all)"
