"""What reaches a terminal is shown, never obeyed: control characters that came from an input file
(an escape sequence in a treaty's text, a carriage return in a source, a bidirectional override in a
name) are written escaped.

C0 controls (but newline and tab) become ``\\xNN``; DEL, C1 controls and the bidirectional overrides
become ``\\uNNNN``, which is also how JSON writes them, so JSON output stays valid and means the same.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Iterator
from typing import TextIO

_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control characters (but newline and tab) and bidi overrides shown escaped."""
    return _UNPRINTABLE.sub(_escape, text)


class PrintableStream(io.TextIOBase):
    """A text stream that writes through :func:`printable` to another one."""

    def __init__(self, target: TextIO):
        self._target = target

    def write(self, text: str) -> int:
        self._target.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def isatty(self) -> bool:
        return self._target.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._target, "encoding", "utf-8")


@contextlib.contextmanager
def printable_stdout() -> Iterator[None]:
    """Within the block, everything written to ``sys.stdout`` is written printable."""
    target = sys.stdout
    sys.stdout = PrintableStream(target)
    try:
        yield
    finally:
        sys.stdout = target
