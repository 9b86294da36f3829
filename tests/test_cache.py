"""The lark table cache never changes an answer, and a cache that cannot be written or read is no error."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark, Tree, UnexpectedInput

from foedus.cache import cached_lark, from_json, to_json

OPTIONS: dict[str, Any] = {"parser": "lalr", "propagate_positions": True, "maybe_placeholders": False}
GRAMMAR = resources.files("foedus.parse").joinpath("expressions.lark").read_text(encoding="utf-8")


def conditions_in_the_repository() -> list[str]:
    """Every condition the repository's treaty files write (trigger, act and reading conditions)."""
    from foedus.model.load import load_treaty

    found: list[str] = []
    for path in sorted((ROOT / "treaties").glob("*.md")):
        model, _ = load_treaty(str(path))
        for norm in model.norms:
            if norm.trigger is not None and norm.trigger.when:
                found.append(norm.trigger.when)
            for pattern in (*norm.fulfilled_by, *norm.honoured_by, *norm.violated_by, *norm.discharged_by):
                if pattern.when:
                    found.append(pattern.when)
            if norm.applies_when:
                found.append(norm.applies_when)
    return found


def outcome(parser: Lark, text: str) -> Any:
    """The tree with positions, or the error's kind and place."""
    try:
        tree = parser.parse(text)
    except UnexpectedInput as exc:
        return ("error", type(exc).__name__, getattr(exc, "line", None), getattr(exc, "column", None),
                sorted(getattr(exc, "expected", None) or getattr(exc, "allowed", None) or []))
    return _plain(tree)


def _plain(node: Any) -> Any:
    if isinstance(node, Tree):
        meta = node.meta
        return (str(node.data), getattr(meta, "line", None), getattr(meta, "column", None),
                [_plain(c) for c in node.children])
    return (type(node).__name__, str(node), getattr(node, "type", None), getattr(node, "column", None))


@pytest.fixture(scope="module")
def parsers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Lark, Lark]:
    folder = tmp_path_factory.mktemp("cache")
    os.environ["FOEDUS_CACHE_DIR"] = str(folder)
    try:
        cached_lark(GRAMMAR, **OPTIONS)  # builds and writes the entry
        entries = list(folder.glob("lark-*.json"))
        assert len(entries) == 1
        from_cache = cached_lark(GRAMMAR, **OPTIONS)  # reads it back
    finally:
        del os.environ["FOEDUS_CACHE_DIR"]
    return Lark(GRAMMAR, **OPTIONS), from_cache


def test_the_cached_parser_reads_every_condition_of_the_repository_alike(parsers: tuple[Lark, Lark]) -> None:
    fresh, cached = parsers
    texts = conditions_in_the_repository()
    assert len(texts) > 20
    for text in texts:
        assert outcome(cached, text) == outcome(fresh, text)


_ATOMS = st.sampled_from(["party(event.target)", "event.actor == 'JPN'", "allied(event.actor, 'JPN')",
                          "reading('x') == 'met'", "unknown", "true", "1950-02-30", "event.kind != 'economic'",
                          "bearer in event.actors", "[1, 2.5, 'a']", "not", "and", "(", ")", "==", "'", "x.y.z"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ATOMS, min_size=1, max_size=7).map(" ".join) | st.text(max_size=40))
def test_the_cached_parser_agrees_on_any_text(parsers: tuple[Lark, Lark], text: str) -> None:
    fresh, cached = parsers
    assert outcome(cached, text) == outcome(fresh, text)


def test_a_cache_that_cannot_be_written_or_read_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(blocker / "cache"))  # cannot be created: a file is in the way
    parser = cached_lark(GRAMMAR, **OPTIONS)
    assert outcome(parser, "party(event.target)") == outcome(Lark(GRAMMAR, **OPTIONS), "party(event.target)")
    # A damaged entry is not used, and is written anew.
    folder = tmp_path / "cache"
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(folder))
    cached_lark(GRAMMAR, **OPTIONS)
    entry = next(folder.glob("lark-*.json"))
    check, _, body = entry.read_text(encoding="utf-8").partition("\n")
    entry.write_text(check + "\n" + body.replace('"lalr"', '"earley"', 1), encoding="utf-8")
    again = cached_lark(GRAMMAR, **OPTIONS)
    assert outcome(again, "a and b") == outcome(Lark(GRAMMAR, **OPTIONS), "a and b")
    import hashlib

    check_again, _, body_again = entry.read_text(encoding="utf-8").partition("\n")
    assert check_again == hashlib.sha256(body_again.encode("utf-8")).hexdigest()  # a sound entry again
    assert '"earley"' not in body_again
    # Turned off: nothing is written.
    off = tmp_path / "off"
    monkeypatch.setenv("FOEDUS_CACHE_DIR", "off")
    cached_lark(GRAMMAR, **OPTIONS)
    assert not off.exists()


def test_another_grammar_is_another_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path))
    cached_lark(GRAMMAR, **OPTIONS)
    other = GRAMMAR.replace('"unknown"                      -> unknown', '"maybe"                        -> unknown')
    parser = cached_lark(other, **OPTIONS)
    assert len(list(tmp_path.glob("lark-*.json"))) == 2
    assert outcome(parser, "maybe")[0] == "unknown"


def test_plain_data_round_trips_through_json() -> None:
    value = {"a": (1, 2, {3: "x", 4: (5,)}), "b": [None, True, 1.5, "t"], "c": {(1, "k"): []},
             "d": {"__tuple__": [1]}}
    assert from_json(to_json(value)) == value
    json.loads(to_json(value))  # it is JSON
