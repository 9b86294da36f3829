"""Events and timelines: dated facts and acts, each with its source.

The kinds of event a timeline may record, and the typed attributes of each, are declared in
``vocabulary.yaml`` and held by a :class:`Vocabulary`. Every attribute value is checked against its
declared type when a timeline is read and stored typed (a date as ``datetime.date``, a flag as a
bool, states as a list of ids), so that nothing downstream parses raw text again.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from foedus.dates import Duration, parse_iso
from foedus.errors import FoedusError, Location, quoted
from foedus.limits import MAX_NAME_CHARS, MAX_NUMBER_DIGITS, MAX_SCALAR_CHARS

AttributeType = Literal["text", "date", "bool", "number", "state", "states", "name", "names", "duration", "choice"]
ATTRIBUTE_TYPES: tuple[str, ...] = AttributeType.__args__  # type: ignore[attr-defined]

# The keys an event has whatever its type; everything else in an event is an attribute.
EVENT_KEYS = frozenset({"id", "date", "type", "actor", "actors", "target", "targets", "treaty", "title", "source",
                        "note"})

# A name (a state, treaty, event or war id): no blanks, no list separators, no control characters.
_NAME = re.compile(r"[^\s,;\x00-\x1f\x7f-\x9f]+")
_TYPE_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_SEPARATORS = re.compile(r"[;,]")
_TRUE = frozenset({"true", "yes"})
_FALSE = frozenset({"false", "no"})


class BadValue(ValueError):
    """A value that does not fit its declared type: what is wrong, and what was expected."""

    def __init__(self, message: str, expected: str):
        super().__init__(message)
        self.message = message
        self.expected = expected


def check_name(value: Any, what: str = "name") -> str:
    """A name given as text (or a whole number, as YAML reads ``replaces: 1951``)."""
    if type(value) is str and is_name(value):  # the common case, checked once per distinct name
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadValue(f"{what} must be a single name, not {_kind(value)}", "a name such as USSR or us-japan-1951")
    text = str(value).strip()
    if not text or len(text) > MAX_NAME_CHARS or not _NAME.fullmatch(text):
        problem = "empty" if not text else f"{len(text):,} characters long" if len(text) > MAX_NAME_CHARS \
            else "not a name"
        raise BadValue(f"{what} {quoted(text)} is {problem}",
                       f"a name of at most {MAX_NAME_CHARS} characters without blanks, commas or semicolons")
    return text


@lru_cache(maxsize=4096)
def is_name(text: str) -> bool:
    """Whether ``text`` is a name (checked once per distinct text)."""
    return 0 < len(text) <= MAX_NAME_CHARS and _NAME.fullmatch(text) is not None


def check_text(value: Any, what: str = "text") -> str:
    """Text: a string, or a number written without quotes (kept as written by YAML's reading)."""
    if type(value) is str and len(value) <= MAX_SCALAR_CHARS:
        return value
    if isinstance(value, bool) or value is None or not isinstance(value, str | int | float):
        hint = " (quote it to mean the word)" if isinstance(value, bool) else ""
        raise BadValue(f"{what} must be text, not {_kind(value)}{hint}", "text")
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_SCALAR_CHARS:
        raise BadValue(f"{what} of {len(text):,} characters", f"at most {MAX_SCALAR_CHARS:,} characters")
    return text


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the flag {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {quoted(value)}"
    return quoted(value)


@dataclass(frozen=True)
class Attribute:
    """An attribute an event type may carry: its declared type and what it says."""

    name: str
    type: str
    says: str
    options: tuple[str, ...] = ()

    def describe(self) -> str:
        """The expected value, for error messages."""
        return {
            "text": "text", "date": "a real calendar date YYYY-MM-DD", "bool": "true or false",
            "number": f"a number of at most {MAX_NUMBER_DIGITS} digits", "state": "one state id",
            "states": "a state id or a list of state ids", "name": "a name (an id)",
            "names": "a name or a list of names", "duration": "a duration such as '30 days' or '1 year'",
            "choice": "one of " + ", ".join(self.options),
        }[self.type]

    def value(self, raw: Any) -> Any:
        """A value as YAML (or a caller) gives it, checked and typed; :class:`BadValue` if it does not fit."""
        t = self.type
        if t == "text" and type(raw) is str and len(raw) <= MAX_SCALAR_CHARS:  # the common case
            return raw
        what = f"`{self.name}`"
        if t == "text":
            return check_text(raw, what)
        if t == "bool":
            if isinstance(raw, bool):
                return raw
            raise BadValue(f"{what} must be true or false, not {_kind(raw)}", self.describe())
        if t == "date":
            if isinstance(raw, date):
                return raw
            if not isinstance(raw, str):
                raise BadValue(f"{what} must be a date, not {_kind(raw)}", self.describe())
            return self._date(raw)
        if t == "number":
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                if isinstance(raw, str):
                    return self.text_value(raw)
                raise BadValue(f"{what} must be a number, not {_kind(raw)}", self.describe())
            return self._number(raw)
        if t in ("state", "name"):
            return check_name(raw, what)
        if t in ("states", "names"):
            items = raw if isinstance(raw, list | tuple) else [raw]
            return [check_name(item, what) for item in items]
        if t == "duration":
            if isinstance(raw, Duration):
                return raw
            if not isinstance(raw, str):
                raise BadValue(f"{what} must be a duration, not {_kind(raw)}", self.describe())
            return self._duration(raw)
        # choice: options are words; YAML may read one as a flag or number, so compare as text
        text = (str(raw).lower() if isinstance(raw, bool) else str(raw)) if isinstance(raw, str | int | float) \
            else None
        if text is None or text not in self.options:
            raise BadValue(f"{what} is {_kind(raw)}", self.describe())
        return text

    def text_value(self, text: str) -> Any:
        """A value written as plain text (a CSV cell, a form field), checked and typed."""
        t = self.type
        if t == "text" and len(text) <= MAX_SCALAR_CHARS:  # the common case
            return text
        what = f"`{self.name}`"
        raw = text.strip()
        if t == "text":
            return check_text(text, what)
        if t == "bool":
            low = raw.lower()
            if low in _TRUE or low in _FALSE:
                return low in _TRUE
            raise BadValue(f"{what} is {quoted(raw)}", self.describe())
        if t == "date":
            return self._date(raw)
        if t == "number":
            if not _NUMBER.fullmatch(raw):
                raise BadValue(f"{what} is {quoted(raw)}", self.describe())
            digits = sum(c.isdigit() for c in raw.split("e")[0].split("E")[0])
            if digits > MAX_NUMBER_DIGITS:
                raise BadValue(f"{what} has {digits:,} digits", self.describe())
            is_int = raw.lstrip("+-").isdigit()
            return self._number(int(raw) if is_int else float(raw))
        if t in ("state", "name"):
            if _SEPARATORS.search(raw):
                raise BadValue(f"{what} names several values: {quoted(raw)}", f"{self.describe()}, only one")
            return check_name(raw, what)
        if t in ("states", "names"):
            return [check_name(part, what) for part in _SEPARATORS.split(raw) if part.strip()] if raw else []
        if t == "duration":
            return self._duration(raw)
        return self.value(raw)

    def _date(self, text: str) -> date:
        try:
            return parse_iso(text)
        except ValueError as exc:
            raise BadValue(f"`{self.name}`: {exc}", self.describe()) from None

    def _number(self, number: int | float) -> int | float:
        if isinstance(number, float) and not math.isfinite(number):
            raise BadValue(f"`{self.name}` is {quoted(number)}", self.describe())
        if isinstance(number, int) and len(str(abs(number))) > MAX_NUMBER_DIGITS:
            raise BadValue(f"`{self.name}` has more than {MAX_NUMBER_DIGITS} digits", self.describe())
        return number

    def _duration(self, text: str) -> Duration:
        try:
            return Duration.parse(text)
        except ValueError as exc:
            raise BadValue(f"`{self.name}`: {exc}", self.describe()) from None


@dataclass(frozen=True)
class EventType:
    name: str
    says: str
    scope: str  # "act" | "world"
    actors: tuple[int, int | None]
    targets: tuple[int, int | None]
    treaty: str  # "required" | "none"
    attributes: dict[str, Attribute] = field(default_factory=dict, hash=False)

    def declaration(self) -> dict[str, Any]:
        """The type as a file declares it under `event_types:` (what :meth:`Vocabulary.extended` reads)."""
        out: dict[str, Any] = {"says": self.says, "scope": self.scope, "actors": list(self.actors),
                               "targets": list(self.targets)}
        if self.treaty != "none":
            out["treaty"] = self.treaty
        if self.attributes:
            out["attributes"] = {
                a.name: {"type": a.type, "says": a.says, **({"options": list(a.options)} if a.options else {})}
                for a in self.attributes.values()}
        return out


# --- declarations, checked the same way for the built-in vocabulary and for declared types ---------


class _AttributeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    type: AttributeType
    says: str = Field(min_length=1, max_length=1000)
    options: list[str] | None = Field(None, description="the words a `choice` takes")

    @model_validator(mode="after")
    def _options(self) -> _AttributeSpec:
        if self.type == "choice":
            if not self.options:
                raise ValueError("a choice needs its `options`")
            if len(set(self.options)) != len(self.options) or not all(o.strip() for o in self.options):
                raise ValueError("the options of a choice must be distinct words")
        elif self.options is not None:
            raise ValueError(f"`options` belong to a choice, not to {self.type}")
        return self


class _EventTypeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    says: str = Field(min_length=1, max_length=1000)
    scope: Literal["act", "world"]
    actors: list[int | None]
    targets: list[int | None]
    treaty: Literal["required", "none"] = "none"
    attributes: dict[str, _AttributeSpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _roles(self) -> _EventTypeSpec:
        for role, bounds in (("actors", self.actors), ("targets", self.targets)):
            lo, hi = (bounds[0], bounds[1]) if len(bounds) == 2 else (None, None)
            if lo is None or lo < 0 or lo > 1000 or (hi is not None and not lo <= hi <= 1000):
                raise ValueError(f"`{role}` must be [min, max] with 0 <= min <= max <= 1000 (max null: any number)")
        return self


class Vocabulary(Mapping[str, EventType]):
    """The event types a timeline may use, by name: the built-in ones (:func:`vocabulary`), possibly
    extended by types a file declares (:meth:`extended`)."""

    def __init__(self, types: Mapping[str, EventType]):
        self._types = dict(types)

    def __getitem__(self, name: str) -> EventType:
        return self._types[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def get(self, name: str, default: Any = None) -> Any:
        return self._types.get(name, default)

    def extended(self, declared: Any, *, where: Location | None = None, smap: Any = None,
                 path: tuple[str | int, ...] = ()) -> Vocabulary:
        """This vocabulary with further event types, declared as in vocabulary.yaml and checked the same
        way. A declared type may not redefine one this vocabulary has (declaring it again alike is
        allowed: a timeline may repeat its treaty's declaration). ``smap`` (a SourceMap) and ``path``
        (where the declarations stand in it) locate errors; else they point at ``where``."""
        added = _declarations(declared, where, smap, path)
        clash = sorted(name for name in set(added) & set(self._types) if added[name] != self._types[name])
        if clash:
            at = smap.locate((*path, clash[0])) if smap is not None else where
            builtin = clash[0] in vocabulary() if self._types else False
            raise FoedusError(f"event type {clash[0]!r} is already declared"
                              + (" (built in)" if builtin else ", differently"), where=at,
                              expected="a new name for a declared event type")
        return Vocabulary({**self._types, **added})

    def merged(self, other: Vocabulary | None, where: Location | None = None) -> Vocabulary:
        """The types of both (a treaty's and a timeline's declarations, say). A name both declare must
        mean the same type in both."""
        if other is None or other is self:
            return self
        for name, kind in other.items():
            mine = self._types.get(name)
            if mine is not None and mine != kind:
                raise FoedusError(f"event type {name!r} is declared twice, differently", where=where,
                                  expected="one declaration of each event type (or the same one)")
        return Vocabulary({**self._types, **other._types})

    def declared(self) -> dict[str, EventType]:
        """The types a file declared (those not built in)."""
        builtin = vocabulary()
        return {name: kind for name, kind in self._types.items() if name not in builtin}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabulary) and self._types == other._types

    def __hash__(self) -> int:
        return hash(tuple(self._types))


def _declarations(declared: Any, where: Location | None, smap: Any, path: tuple[str | int, ...]
                  ) -> dict[str, EventType]:
    def at(*sub: str | int) -> Location | None:
        return smap.locate((*path, *sub)) if smap is not None else where

    if not isinstance(declared, dict):
        raise FoedusError("event types must be declared as a mapping", where=at(),
                          expected="name: {says: …, scope: act|world, actors: [min, max], targets: [min, max]}")
    out: dict[str, EventType] = {}
    for name, spec in declared.items():
        if not isinstance(name, str) or not _TYPE_NAME.fullmatch(name):
            raise FoedusError(f"event type name {quoted(name)}", where=at(name),
                              expected="a lower-case word with letters, digits and _ (at most 63 characters)")
        try:
            checked = _EventTypeSpec.model_validate(spec)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
            field_name = ".".join(str(p) for p in loc)
            what = str(err["msg"]).removeprefix("Value error, ")
            raise FoedusError(f"event type {name!r}: " + (f"`{field_name}`: " if field_name else "") + what,
                              where=at(name, *loc),
                              expected="says, scope (act or world), actors and targets as [min, max], treaty "
                              "(required or none), attributes as {name: {type: …, says: …}}") from None
        attributes: dict[str, Attribute] = {}
        for attr, aspec in checked.attributes.items():
            if not _TYPE_NAME.fullmatch(attr) or attr in EVENT_KEYS:
                raise FoedusError(f"attribute name {quoted(attr)} of event type {name!r}",
                                  where=at(name, "attributes", attr),
                                  expected="a lower-case word that is not one of " + ", ".join(sorted(EVENT_KEYS)))
            attributes[attr] = Attribute(attr, aspec.type, aspec.says, tuple(aspec.options or ()))
        out[name] = EventType(name=name, says=checked.says, scope=checked.scope, actors=_bounds(checked.actors),
                              targets=_bounds(checked.targets), treaty=checked.treaty, attributes=attributes)
    return out


def _bounds(pair: list[int | None]) -> tuple[int, int | None]:
    lo, hi = pair
    assert lo is not None
    return (lo, hi)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The built-in vocabulary (foedus/model/vocabulary.yaml)."""
    from foedus.parse.located_yaml import load

    file = "foedus/model/vocabulary.yaml"
    text = resources.files("foedus.model").joinpath("vocabulary.yaml").read_text(encoding="utf-8")
    tree, smap = load(text, file)
    return Vocabulary({}).extended(tree, where=Location(file), smap=smap)


@dataclass(frozen=True)
class State:
    """A state that events can name. ``key`` is how foedus tells states apart."""

    id: str
    name: str
    cow: int | None = None
    iso3: str | None = None

    @property
    def key(self) -> str:
        return f"cow:{self.cow}" if self.cow is not None else f"id:{self.id}"


@dataclass(frozen=True, slots=True)  # slots: a long timeline holds many events
class Event:
    id: str
    date: date
    type: str
    actors: tuple[str, ...]
    targets: tuple[str, ...] = ()
    treaty: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    source: str | None = None
    note: str | None = None
    line: int | None = None
    file: str | None = None
    title: str | None = None  # what historians call it ("Sino-Japanese Treaty of Peace and Friendship")

    @property
    def actor(self) -> str | None:
        return self.actors[0] if self.actors else None

    @property
    def target(self) -> str | None:
        return self.targets[0] if self.targets else None

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file and self.line else (self.file or "")


def default_event_id(e: Event) -> str:
    """The id of an event its file gives none: its date, its type and its first actor
    (``1950-04-11-ratification-USSR``), never its line, so that it stays the same when the file is
    edited elsewhere. A timeline makes it unique with a suffix (``-2``) where two events share it."""
    base = f"{e.date.isoformat()}-{e.type.replace('_', '-')}"
    return f"{base}-{e.actors[0]}" if e.actors else base


def has_default_id(e: Event) -> bool:
    """Whether ``e`` carries the id :func:`default_event_id` gives it (with or without a suffix)."""
    base = default_event_id(e)
    if e.id == base:
        return True
    head, sep, tail = e.id.rpartition("-")
    return bool(sep) and head == base and tail.isdigit()


@dataclass(frozen=True)
class Timeline:
    id: str
    description: str
    events: tuple[Event, ...]
    states: dict[str, State]
    file: str | None = None
    hypothetical: bool = False
    # the event types its events were checked against, when a file declared some (None: the built-in ones)
    vocabulary: Vocabulary | None = field(default=None, compare=False)

    def up_to(self, as_of: date) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.date <= as_of)
