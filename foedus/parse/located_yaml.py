"""YAML with a map from each value's path to its file position, read within foedus's limits.

Scalars stay strings except plain integers, floats, booleans and null: dates are validated by the
model stage, which then knows where a bad date stood. Nothing is ever constructed as a Python
object: the loader reads the parser's event stream (libyaml's C parser when PyYAML has it, PyYAML's
pure-Python parser otherwise) and builds only dicts, lists and plain scalars; an explicit tag is
refused. Building from events, not from a composed node graph, keeps the C side free of recursion
(deep nesting cannot crash it) and lets every limit be checked as the file is read:

- nesting depth (``MAX_DEPTH``), values (``MAX_YAML_NODES``), scalar length (``MAX_SCALAR_CHARS``),
  digits of a number (``MAX_NUMBER_DIGITS``);
- aliases: an alias is the anchored value itself, shared, not a copy; what it stands for counts
  toward ``MAX_YAML_NODES`` and toward ``MAX_ALIAS_NODES`` / ``MAX_ALIAS_CHARS``; an alias to a
  value that contains it (recursion) and an alias to an unknown anchor are refused.

``load(..., hooks={("events",): f})`` hands each finished item of the list at that path, with a
source map of its own, to ``f`` and keeps what ``f`` returns instead: a long timeline is turned into
events item by item, without keeping a position for every value of the file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import yaml

from foedus.errors import FoedusError, Location, quoted
from foedus.limits import (
    MAX_ALIAS_CHARS,
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NUMBER_DIGITS,
    MAX_SCALAR_CHARS,
    MAX_YAML_NODES,
    refusal,
)

Path_ = tuple[str | int, ...]
ItemHook = Callable[[int, Any, "SourceMap"], Any]

_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$")
_NUMERIC_START = frozenset("0123456789+-.")
_SURROGATE = re.compile("[\ud800-\udfff]")
_WORDS: dict[str, Any] = {"null": None, "~": None, "": None, "true": True, "yes": True, "false": False,
                          "no": False}

# libyaml's parser when PyYAML was built with it (about five times faster), else the pure-Python one.
_Loader: Any = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
C_PARSER = _Loader is not yaml.SafeLoader


class SourceMap:
    """Positions of values inside one file, keyed by their path in the loaded tree."""

    def __init__(self, file: str):
        self.file = file
        self.positions: dict[Path_, tuple[int, int]] = {}

    def set(self, path: Path_, line: int, col: int) -> None:
        self.positions[path] = (line, col)

    def locate(self, path: Path_) -> Location:
        """The position of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while True:
            if p in self.positions:
                line, col = self.positions[p]
                return Location(self.file, line, col)
            if not p:
                return Location(self.file)
            p = p[:-1]

    def merge(self, other: SourceMap, prefix: Path_ = ()) -> None:
        for path, pos in other.positions.items():
            self.positions[prefix + path] = pos

    def rebase(self, old: Path_, new: Path_) -> None:
        """Move every position under ``old`` to live under ``new``."""
        moved = {new + p[len(old):]: pos for p, pos in self.positions.items() if p[: len(old)] == old}
        for p in [p for p in self.positions if p[: len(old)] == old]:
            del self.positions[p]
        self.positions.update(moved)


def scalar_value(text: str, where: Location | None = None) -> Any:
    """A plain (unquoted) scalar as foedus reads it: null, a boolean, a bounded number, or the text."""
    if len(text) <= 5:
        low = text.lower()
        if low in _WORDS:
            return _WORDS[low]
    first = text[:1]
    if first.isdigit() or first in "+-.":
        if _INT.match(text):
            digits = len(text.lstrip("+-"))
            if digits > MAX_NUMBER_DIGITS:
                raise refusal(f"a number of {digits:,} digits", "MAX_NUMBER_DIGITS", MAX_NUMBER_DIGITS, where)
            return int(text)
        if _FLOAT.match(text):
            mantissa = text.lstrip("+-").split("e")[0].split("E")[0]
            digits = sum(c.isdigit() for c in mantissa)
            if digits > MAX_NUMBER_DIGITS:
                raise refusal(f"a number of {digits:,} digits", "MAX_NUMBER_DIGITS", MAX_NUMBER_DIGITS, where)
            number = float(text)
            if not math.isfinite(number) or (number == 0 and any(c in "123456789" for c in mantissa)):
                raise FoedusError(f"the number {quoted(text)} is out of range", where=where,
                                  expected="a number that a 64-bit float holds")
            return number
    return text


class _Frame:
    """An open mapping or list while its events are read."""

    __slots__ = ("anchor", "chars0", "container", "hook", "index", "is_map", "key", "nodes0", "path", "smap")

    def __init__(self, container: Any, path: Path_, smap: SourceMap, hook: ItemHook | None, anchor: str | None,
                 nodes0: int, chars0: int):
        self.container = container
        self.is_map = isinstance(container, dict)
        self.path = path
        self.smap = smap
        self.hook = hook  # applied to each item of this list
        self.key: str | None = None  # a mapping's key whose value comes next
        self.index = 0  # a list's next index
        self.anchor = anchor
        self.nodes0 = nodes0
        self.chars0 = chars0


class _Reader:
    def __init__(self, text: str, file: str, line_offset: int, hooks: dict[Path_, ItemHook]):
        self.text = text
        self.file = file
        self.line_offset = line_offset
        self.hooks = hooks
        self.nodes = 0
        self.chars = 0
        self.alias_nodes = 0
        self.alias_chars = 0
        self.anchors: dict[str, tuple[Any, int, int] | None] = {}  # None: still open (being read)

    def at(self, mark: Any) -> Location:
        return Location(self.file, mark.line + 1 + self.line_offset, mark.column + 1)

    def read(self, smap: SourceMap) -> Any:
        loader = _Loader(self.text)
        try:
            return self._events(loader, smap)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = self.at(mark) if mark else Location(self.file)
            raise FoedusError(f"malformed YAML: {exc.problem or exc.context}", where=where,
                              expected="well-formed YAML") from None
        except yaml.YAMLError as exc:
            raise FoedusError(f"malformed YAML: {_reader_problem(exc)}", where=self._reader_where(exc),
                              expected="well-formed YAML") from None
        finally:
            loader.dispose()

    def _reader_where(self, exc: yaml.YAMLError) -> Location:
        position = getattr(exc, "position", None)
        if isinstance(position, int):
            before = self.text[:position]
            return Location(self.file, before.count("\n") + 1 + self.line_offset,
                            position - (before.rfind("\n") + 1) + 1)
        return Location(self.file)

    def _events(self, loader: Any, smap: SourceMap) -> Any:
        # One tight loop: this runs once per YAML event (16 per event of a timeline), so counters are
        # locals and the common case (a plain scalar inside a mapping) takes the shortest path.
        get = loader.get_event
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        doc_start, stream_end = yaml.DocumentStartEvent, yaml.StreamEndEvent
        numeric = _NUMERIC_START
        max_chars, max_nodes = MAX_SCALAR_CHARS, MAX_YAML_NODES
        stack: list[_Frame] = []
        top: _Frame | None = None
        root: Any = None
        documents = 0
        offset = self.line_offset
        nodes = chars = 0
        while True:
            event = get()
            kind = type(event)
            if kind is scalar_event:
                value: Any = event.value
                size = len(value)
                if size > max_chars:
                    raise refusal(f"a value of {size:,} characters", "MAX_SCALAR_CHARS", max_chars,
                                  self.at(event.start_mark))
                if event.style == '"' and _SURROGATE.search(value):  # only an escape can make one
                    raise FoedusError("half a character (an unpaired \\u surrogate escape)",
                                      where=self.at(event.start_mark), expected="whole Unicode characters")
                if event.tag is not None or event.anchor is not None:
                    if event.tag is not None and event.tag != "!":
                        self._tag(event)
                    if top is not None and top.is_map and top.key is None:
                        self._complex_key(event)
                chars += size
                if top is not None and top.is_map:
                    container = top.container
                    key = top.key
                    if key is None:
                        if value in container:
                            raise FoedusError(f"key {quoted(value)} appears twice in one mapping",
                                              where=self.at(event.start_mark), expected="each key once")
                        top.key = value
                        continue
                    if not event.style and (size <= 5 or value[:1] in numeric):
                        value = self._plain(value, event)
                    nodes += 1
                    if nodes > max_nodes:
                        raise refusal(f"more than {max_nodes:,} values", "MAX_YAML_NODES", max_nodes,
                                      self.at(event.start_mark))
                    mark = event.start_mark
                    container[key] = value
                    top.smap.positions[(*top.path, key)] = (mark.line + 1 + offset, mark.column + 1)
                    top.key = None
                    if event.anchor is not None:
                        self.anchors[event.anchor] = (value, 1, size)
                    continue
                if not event.style and (size <= 5 or value[:1] in numeric):
                    value = self._plain(value, event)
                nodes += 1
                if nodes > max_nodes:
                    raise refusal(f"more than {max_nodes:,} values", "MAX_YAML_NODES", max_nodes,
                                  self.at(event.start_mark))
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1, size)
                if top is None:
                    smap.set((), event.start_mark.line + 1 + offset, event.start_mark.column + 1)
                    root = value
                else:
                    self._attach(top, value, event.start_mark)
            elif kind is map_start or kind is seq_start:
                if event.tag is not None and event.tag != "!":
                    self._tag(event)
                if top is not None and top.is_map and top.key is None:
                    self._complex_key(event)
                if len(stack) >= MAX_DEPTH:
                    raise refusal("nesting deeper than that", "MAX_DEPTH", MAX_DEPTH, self.at(event.start_mark))
                nodes += 1
                if nodes > max_nodes:
                    raise refusal(f"more than {max_nodes:,} values", "MAX_YAML_NODES", max_nodes,
                                  self.at(event.start_mark))
                container = {} if kind is map_start else []
                mark = event.start_mark
                if top is None:
                    path: Path_ = ()
                    frame_smap = smap
                else:
                    slot: str | int = top.key if top.is_map and top.key is not None else top.index
                    path = (*top.path, slot)
                    frame_smap = SourceMap(self.file) if top.hook is not None else top.smap
                    if top.is_map:
                        top.container[slot] = container
                        top.key = None
                    else:
                        top.container.append(container)
                        top.index += 1
                frame_smap.positions[path] = (mark.line + 1 + offset, mark.column + 1)
                if event.anchor is not None:
                    self.anchors[event.anchor] = None
                hook = self.hooks.get(path) if kind is seq_start else None  # hooks take the items of lists
                top = _Frame(container, path, frame_smap, hook, event.anchor, nodes, chars)
                stack.append(top)
            elif kind is map_end or kind is seq_end:
                done = stack.pop()
                if done.anchor is not None:
                    self.anchors[done.anchor] = (done.container, nodes - done.nodes0 + 1, chars - done.chars0)
                top = stack[-1] if stack else None
                if top is None:
                    root = done.container
                elif top.hook is not None:
                    self._hooked(top, done.smap)
            elif kind is alias_event:
                if top is not None and top.is_map and top.key is None:
                    self._complex_key(event)
                self.nodes = nodes
                value = self._alias(event)
                nodes = self.nodes
                if top is None:
                    root = value
                else:
                    self._attach(top, value, event.start_mark)
            elif kind is doc_start:
                documents += 1
                if documents > 1:
                    raise FoedusError("a second YAML document (`---`) in one file", where=self.at(event.start_mark),
                                      expected="one document per file")
            elif kind is stream_end:
                if nodes > max_nodes:
                    raise refusal(f"more than {max_nodes:,} values", "MAX_YAML_NODES", max_nodes, None)
                return root

    def _plain(self, text: str, event: Any) -> Any:
        try:
            return scalar_value(text)
        except FoedusError as exc:
            raise FoedusError(exc.message, where=self.at(event.start_mark), expected=exc.expected) from None

    def _attach(self, top: _Frame, value: Any, mark: Any) -> None:
        """Put a finished scalar or alias into the open container ``top``."""
        pos = (mark.line + 1 + self.line_offset, mark.column + 1)
        if top.is_map:
            key = top.key
            assert key is not None
            top.container[key] = value
            top.smap.positions[(*top.path, key)] = pos
            top.key = None
            return
        index = top.index
        top.container.append(value)
        top.index += 1
        if top.hook is None:
            top.smap.positions[(*top.path, index)] = pos
        else:
            item_smap = SourceMap(self.file)
            item_smap.positions[(*top.path, index)] = pos
            self._hooked(top, item_smap)

    def _hooked(self, top: _Frame, item_smap: SourceMap) -> None:
        """Hand the list's last item to its hook and keep what the hook returns."""
        assert top.hook is not None
        index = len(top.container) - 1
        top.container[index] = top.hook(index, top.container[index], item_smap)

    def _alias(self, event: Any) -> Any:
        name = event.anchor
        if name not in self.anchors:
            raise FoedusError(f"alias *{quoted(name)[1:-1]} names no anchor defined before it",
                              where=self.at(event.start_mark), expected="an alias to an anchor (&name) above it")
        found = self.anchors[name]
        if found is None:
            raise FoedusError(f"alias *{quoted(name)[1:-1]} stands inside the value it names (a recursive alias)",
                              where=self.at(event.start_mark), expected="an alias to a finished value")
        value, nodes, chars = found
        self.nodes += nodes
        self.alias_nodes += nodes
        self.alias_chars += chars
        where = self.at(event.start_mark)
        if self.alias_nodes > MAX_ALIAS_NODES:
            raise refusal("aliases that stand for too many values", "MAX_ALIAS_NODES", MAX_ALIAS_NODES, where)
        if self.alias_chars > MAX_ALIAS_CHARS:
            raise refusal("aliases that stand for too much text", "MAX_ALIAS_CHARS", MAX_ALIAS_CHARS, where)
        if self.nodes > MAX_YAML_NODES:
            raise refusal(f"more than {MAX_YAML_NODES:,} values", "MAX_YAML_NODES", MAX_YAML_NODES, where)
        return value

    def _tag(self, event: Any) -> None:
        raise FoedusError(f"YAML tag {quoted(event.tag)} is not read", where=self.at(event.start_mark),
                          expected="plain values without tags (foedus constructs no objects)")

    def _complex_key(self, event: Any) -> None:
        raise FoedusError("a mapping key must be a plain word", where=self.at(event.start_mark),
                          expected="a key such as `id:`")


def _reader_problem(exc: yaml.YAMLError) -> str:
    reason = getattr(exc, "reason", None)
    character = getattr(exc, "character", None)
    if reason and isinstance(character, str):
        return f"{reason}: {character!r}"
    return reason or " ".join(str(exc).split()) or type(exc).__name__


def load(text: str, file: str, line_offset: int = 0, *,
         hooks: dict[Path_, ItemHook] | None = None) -> tuple[Any, SourceMap]:
    """Load YAML ``text`` (which starts at line ``line_offset + 1`` of ``file``)."""
    if len(text) > MAX_FILE_BYTES:
        raise refusal(f"a YAML text of {len(text):,} characters", "MAX_FILE_BYTES", MAX_FILE_BYTES,
                      Location(file))
    smap = SourceMap(file)
    tree = _Reader(text, file, line_offset, hooks or {}).read(smap)
    return tree, smap
