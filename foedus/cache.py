"""An on-disk cache for data that is slow to derive and never changes an answer: lark's parse tables.

Building the LALR tables of the condition grammar takes longer than the rest of a small command.
The tables are plain data, so they are kept in a file and read back on the next start.

* An entry holds plain data only (dicts, lists, strings, numbers), written as JSON after a line with
  its SHA-256; nothing in it is ever executed or unpickled, and a damaged entry is not used.
* An entry is named by a digest of everything it is derived from: the grammar text, the parser
  options, lark's version and this cache's format. A changed grammar, option or lark version is a
  different entry, never a stale one.
* The folder is ``$FOEDUS_CACHE_DIR``, else ``$XDG_CACHE_HOME/foedus``, else ``~/.cache/foedus``;
  ``FOEDUS_CACHE_DIR=off`` turns the cache off. A folder that cannot be created or written, or an entry
  that cannot be read, is no error: the tables are built from the grammar as if there were no cache.
  Entries are written to a temporary file and renamed, so a reader never sees half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foedus.files import replace_text

if TYPE_CHECKING:
    from lark import Lark

__all__ = ["CACHE_ENV", "cache_dir", "cached_lark", "from_json", "to_json"]

CACHE_ENV = "FOEDUS_CACHE_DIR"
_FORMAT = "foedus-lark-1"
_TAGS = {"__tuple__", "__items__"}


def cache_dir() -> Path | None:
    """The cache folder (not created here), or None when the cache is turned off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "foedus"


# JSON keeps neither tuples nor dict keys that are not strings; lark's tables have both, so they are
# tagged on the way out and restored on the way in.


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and not (len(value) == 1 and set(value) & _TAGS):
            return {k: _encode(v) for k, v in value.items()}
        return {"__items__": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode(value: dict[str, Any]) -> Any:
    if len(value) == 1:
        if "__tuple__" in value:
            return tuple(value["__tuple__"])
        if "__items__" in value:
            return {_key(k): v for k, v in value["__items__"]}
    return value


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def to_json(value: Any) -> str:
    """Plain data (with tuples and non-text keys) as JSON text that :func:`from_json` reads back equal."""
    return json.dumps(_encode(value), sort_keys=False, separators=(",", ":"))


def from_json(text: str) -> Any:
    return json.loads(text, object_hook=_decode)


def _digest(grammar: str, options: dict[str, Any]) -> str:
    import lark

    basis = json.dumps([_FORMAT, lark.__version__, grammar, sorted(options.items())], default=str)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def cached_lark(grammar: str, **options: Any) -> Lark:
    """``Lark(grammar, **options)`` (LALR), its tables read from the cache when an entry for exactly this
    grammar, these options and this lark version is there, and written to it when not."""
    from lark import Lark
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    folder = cache_dir()
    if folder is None or options.get("parser") != "lalr":
        return Lark(grammar, **options)
    entry = folder / f"lark-{_digest(grammar, options)}.json"
    # Options that lark lets a caller give again when it loads saved tables.
    again = {k: v for k, v in options.items() if k in ("propagate_positions",)}
    try:
        check, _, body = entry.read_text(encoding="utf-8").partition("\n")
        if check == hashlib.sha256(body.encode("utf-8")).hexdigest():  # else damaged: rebuild
            saved = from_json(body)
            if saved.get("format") == _FORMAT:
                return Lark._load_from_dict(saved["data"], saved["memo"], **again)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, AssertionError):
        pass  # no entry, or one this version cannot read: build the tables afresh
    parser = Lark(grammar, **options)
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    try:
        body = to_json({"format": _FORMAT, "data": data, "memo": memo})
        text = hashlib.sha256(body.encode("utf-8")).hexdigest() + "\n" + body
        folder.mkdir(parents=True, exist_ok=True)
        replace_text(entry, text, ".lark-")
    except (OSError, TypeError):
        pass  # a cache that cannot be written only costs time
    return parser
