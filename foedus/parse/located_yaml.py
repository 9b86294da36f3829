"""YAML with a map from each value's path to its file position.

Scalars stay strings except plain integers, floats, booleans and null: dates are validated by the
model stage, which then knows where a bad date stood. Nothing is ever constructed as a Python
object (no tags are honoured): the loader only builds dicts, lists and plain scalars.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from foedus.errors import FoedusError, Location

Path_ = tuple[str | int, ...]

_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$")


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


def _scalar(node: yaml.ScalarNode) -> Any:
    value = node.value
    if node.style is not None and node.style in "'\"|>":
        return value
    low = value.lower()
    if low in ("null", "~", ""):
        return None
    if low in ("true", "yes"):
        return True
    if low in ("false", "no"):
        return False
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def _build(node: yaml.Node, path: Path_, smap: SourceMap, line_offset: int) -> Any:
    smap.set(path, node.start_mark.line + 1 + line_offset, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, (*path, i), smap, line_offset) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise FoedusError("a mapping key must be a plain word",
                                  where=Location(smap.file, key_node.start_mark.line + 1 + line_offset,
                                                 key_node.start_mark.column + 1),
                                  expected="a key such as `id:`")
            key = str(key_node.value)
            if key in out:
                raise FoedusError(f"key {key!r} appears twice in one mapping",
                                  where=Location(smap.file, key_node.start_mark.line + 1 + line_offset,
                                                 key_node.start_mark.column + 1),
                                  expected="each key once")
            out[key] = _build(value_node, (*path, key), smap, line_offset)
        return out
    raise FoedusError("unsupported YAML node", where=Location(smap.file, node.start_mark.line + 1),
                      expected="mappings, lists and plain values")


def load(text: str, file: str, line_offset: int = 0) -> tuple[Any, SourceMap]:
    """Load YAML ``text`` (which starts at line ``line_offset + 1`` of ``file``)."""
    smap = SourceMap(file)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(file, mark.line + 1 + line_offset, mark.column + 1) if mark else Location(file)
        raise FoedusError(f"malformed YAML: {exc.problem or exc.context}", where=where,
                          expected="well-formed YAML") from None
    except yaml.YAMLError as exc:
        raise FoedusError(f"malformed YAML: {exc}", where=Location(file), expected="well-formed YAML") from None
    if node is None:
        return None, smap
    return _build(node, (), smap, line_offset), smap
