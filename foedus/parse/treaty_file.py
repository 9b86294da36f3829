"""A literate treaty file → one raw model tree (plain dicts and lists) and its source map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from foedus.errors import FoedusError
from foedus.parse.located_yaml import SourceMap, load
from foedus.text.literate import LiterateTreaty, Section, read_literate

LIST_KEYS = ("parties", "signatories", "languages", "readings", "named_readings", "norms", "facts", "instruments")
HEAD_KEYS = ("id", "title", "short_title", "source")
ONCE_KEYS = ("treaty", "lifecycle", "signed", "authentic", "general_law", "event_types")
# Items that name the article they formalise; the block they stand in supplies the default.
ARTICLE_ITEMS = ("norms", "readings", "facts", "instruments")


@dataclass
class ParsedTreaty:
    raw: dict[str, Any]
    smap: SourceMap
    literate: LiterateTreaty


def parse_treaty_file(path: str) -> ParsedTreaty:
    lit = read_literate(path)
    raw: dict[str, Any] = {key: [] for key in LIST_KEYS}
    smap = SourceMap(lit.path)
    for section in lit.sections:
        for block in section.blocks:
            tree, bmap = load(block.body, block.file, line_offset=block.line - 1)
            if tree is None:
                continue
            if not isinstance(tree, dict):
                raise FoedusError("a model block must be a mapping", where=bmap.locate(()),
                                  expected=f"keys among {', '.join(LIST_KEYS + ONCE_KEYS)}")
            _merge_block(raw, smap, tree, bmap, section)
    if "treaty" not in raw:
        raise FoedusError("no `treaty:` block found", where=smap.locate(()),
                          expected="a ```foedus block with `treaty: {id: …, title: …}`")
    head = raw.pop("treaty")
    if not isinstance(head, dict):
        raise FoedusError("`treaty:` must be a mapping", where=smap.locate(("treaty",)),
                          expected="id, title, short_title, source")
    for key, value in head.items():
        if key not in HEAD_KEYS:
            raise FoedusError(f"unknown key `{key}` under `treaty:`", where=smap.locate(("treaty", key)),
                              expected="one of " + ", ".join(HEAD_KEYS) + " (other keys stand at the top of a block)")
        raw[key] = value
        smap.rebase(("treaty", key), (key,))
    raw["articles"] = [
        {"id": s.id, "heading": s.heading or s.id, "text": s.text, "line": s.line}
        for s in lit.sections
        if s.kind in ("preamble", "article", "final", "annex")
    ]
    return ParsedTreaty(raw=raw, smap=smap, literate=lit)


def _merge_block(raw: dict[str, Any], smap: SourceMap, tree: dict[str, Any], bmap: SourceMap,
                 section: Section) -> None:
    article = section.id if section.kind in ("article", "final", "preamble", "annex") else None
    for key, value in tree.items():
        if key in LIST_KEYS:
            if not isinstance(value, list):
                raise FoedusError(f"`{key}` must be a list", where=bmap.locate((key,)),
                                  expected="a YAML list (`- …` items)")
            start = len(raw[key])
            for i, item in enumerate(value):
                if key in ARTICLE_ITEMS and isinstance(item, dict) and article is not None:
                    stated = item.get("article")
                    if stated is None:
                        item = {**item, "article": article}
                    elif str(stated).upper() != article.upper() and section.kind == "article":
                        raise FoedusError(
                            f"{key[:-1]} {item.get('id', '')!r} stands beside Article {article} "
                            f"but names Article {stated}",
                            where=bmap.locate((key, i, "article")),
                            expected=f"article: {article}, or move it beside Article {stated}")
                raw[key].append(item)
                for p, pos in bmap.positions.items():
                    if p[:2] == (key, i):
                        smap.positions[(key, start + i, *p[2:])] = pos
        elif key in ONCE_KEYS:
            if key in raw:
                raise FoedusError(f"`{key}` is given twice", where=bmap.locate((key,)),
                                  expected=f"one `{key}:` in the whole file")
            if key == "lifecycle" and isinstance(value, dict) and article and "article" not in value:
                value = {**value, "article": article}
            raw[key] = value
            for p, pos in bmap.positions.items():
                if p[:1] == (key,):
                    smap.positions[p] = pos
        else:
            raise FoedusError(f"unknown key `{key}` in a model block", where=bmap.locate((key,)),
                              expected=f"one of {', '.join(LIST_KEYS + ONCE_KEYS)}")
