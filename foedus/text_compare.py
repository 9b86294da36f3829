"""Where a literate file's text differs from the published text: section, line and the first words that differ.

The texts match when the file's text without its model blocks is the published text, runs of blank
lines aside (``strip_models`` and ``fold_blank_lines``, the rule ``foedus validate --text`` has always
applied). When they do not, both are split into sections the same way (title, preamble, articles,
final clause) and each section's words are compared: the first word that differs, and a few words from
there on each side, say where to look.
"""

from __future__ import annotations

import re
from typing import Any

from foedus.text import fold_blank_lines, strip_models
from foedus.text.literate import Section, parse_literate

__all__ = ["compare_texts"]

_SHOWN = 8  # words shown from the first difference on


def _label(section: Section) -> str:
    if section.kind == "article":
        return f"Article {section.id}"
    return {"final": "the final clause", "title": "the title", "preamble": "the preamble"}.get(section.kind, section.id)


def _words(text: str) -> list[str]:
    return text.split()


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def compare_texts(file_raw: str, published_raw: str, file_name: str, published_name: str) -> list[dict[str, Any]]:
    """The differences, one per section that differs, in the file's order (empty: the texts match)."""
    if strip_models(file_raw) == fold_blank_lines(published_raw):
        return []
    mine = {s.id: s for s in parse_literate(file_raw, file_name).sections}
    theirs = {s.id: s for s in parse_literate(published_raw, published_name).sections}
    order = list(mine) + [sid for sid in theirs if sid not in mine]
    out: list[dict[str, Any]] = []
    for sid in order:
        a, b = mine.get(sid), theirs.get(sid)
        text_a = fold_blank_lines(a.text) if a else ""
        text_b = fold_blank_lines(b.text) if b else ""
        if text_a == text_b:
            continue
        words_a, words_b = _words(text_a), _words(text_b)
        i = 0
        while i < min(len(words_a), len(words_b)) and words_a[i] == words_b[i]:
            i += 1
        section = a or b
        assert section is not None
        entry: dict[str, Any] = {"section": _label(section), "line": a.line if a else None, "word": i + 1,
                                 "file_has": " ".join(words_a[i:i + _SHOWN]),
                                 "published_has": " ".join(words_b[i:i + _SHOWN])}
        if words_a == words_b:  # the same words, broken into paragraphs differently
            entry["word"] = None
            entry["file_has"] = f"{len(_paragraphs(text_a))} paragraph(s)"
            entry["published_has"] = f"{len(_paragraphs(text_b))} paragraph(s)"
        out.append(entry)
    if not out:  # the sections agree, so the difference lies between them
        out.append({"section": "the whole text", "line": 1, "word": None, "file_has": "other blank lines or "
                    "section breaks", "published_has": "other blank lines or section breaks"})
    return out
