"""States as people name them, and the many ways a command line names a state.

World queries count states by COW code. People read names: "People's Republic of China (PRC, COW 710)".
Names come from three sources, the first that knows a state wins:

1. the treaty files and the timelines (a party's or a declared state's name, with its id as the code);
2. the COW state-system file (``statenme``, with ``stateabb`` as the code);
3. a body of imported alliances (the names its importer gave, e.g. from the same COW file).

A state given on the command line may be a COW code (``710`` or ``cow:710``), a COW abbreviation, an ISO3
code, a timeline's state id, or a party id of any loaded model (``PRC``), in any case. A name that stands
for two different states (``AUS``: the COW abbreviation of Austria, the ISO3 code of Australia) is
refused with both readings, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from foedus.errors import FoedusError, Location

__all__ = ["StateNames"]


@dataclass(frozen=True)
class _Known:
    rank: int
    name: str | None
    code: str | None


class StateNames:
    """Names and codes of COW-coded states (see the module docstring)."""

    def __init__(self) -> None:
        self._known: dict[int, _Known] = {}
        self._aliases: dict[str, dict[int, set[str]]] = {}

    def add(self, cow: int | None, name: str | None = None, code: str | None = None, *, rank: int,
            aliases: Iterable[tuple[str | None, str]] = ()) -> None:
        """What one source says of state ``cow``: its name, the code to show beside it, and the names
        a command line may use for it (``(alias, what it is)``). A lower ``rank`` is a better source."""
        if cow is None:
            return
        if name is not None and name.strip() in ("", f"COW state {cow}"):
            name = None  # an importer's stand-in, not a name
        if code is not None and code.strip() in ("", f"COW{cow}"):
            code = None
        old = self._known.get(cow)
        if old is None:
            self._known[cow] = _Known(rank, name, code)
        elif rank < old.rank:  # a better source; the other fills what it leaves out
            self._known[cow] = _Known(rank, name or old.name, code or old.code)
        else:
            self._known[cow] = _Known(old.rank, old.name or name, old.code or code)
        for alias, what in aliases:
            if alias and alias.strip():
                self._aliases.setdefault(alias.strip().upper(), {}).setdefault(cow, set()).add(what)

    def known(self, cow: int) -> bool:
        return cow in self._known

    def name(self, cow: int) -> str:
        """The state's name (``COW state N`` when no source names it)."""
        known = self._known.get(cow)
        return known.name if known is not None and known.name else f"COW state {cow}"

    def code(self, cow: int) -> str | None:
        known = self._known.get(cow)
        return known.code if known is not None else None

    def label(self, cow: int) -> str:
        """``People's Republic of China (PRC, COW 710)``."""
        code = self.code(cow)
        return f"{self.name(cow)} ({code}, COW {cow})" if code else f"{self.name(cow)} (COW {cow})"

    def record(self, cow: int) -> dict[str, object]:
        """The state for JSON: ``{"cow": 710, "name": …, "code": …}``."""
        return {"cow": cow, "name": self.name(cow), "code": self.code(cow)}

    def resolve(self, text: str, what: str = "state") -> int:
        """The COW code of a state named on the command line (see the module docstring)."""
        value = text.strip()
        digits = value[4:] if value.lower().startswith("cow:") else value
        if digits.isdigit() and int(digits) > 0:
            return int(digits)
        found = self._aliases.get(value.upper(), {})
        if len(found) == 1:
            return next(iter(found))
        where = Location("command line")
        if found:
            readings = "; ".join(f"{' and '.join(sorted(kinds))} of {self.label(cow)}"
                                 for cow, kinds in sorted(found.items()))
            raise FoedusError(f"{what} {text!r} names {len(found)} states: {readings}", where=where,
                              expected="the COW code of the one meant")
        raise FoedusError(f"{what} {text!r} is not a state this world knows", where=where,
                          expected="a COW code such as 710, or a COW abbreviation, ISO3 code or party id of the "
                                   "treaties given (abbreviations of every COW state with --states FILE)")
