"""Literate treaty files: Markdown text of the treaty with fenced ``foedus`` model blocks.

A section starts at the title heading, at an article marker (``**Article IV.**`` or a heading
``## Article IV``), or at the final clause (a paragraph opening with "Done at/in" or "In witness",
or an explicit ``<!-- section: final -->``). Everything up to the first article is the preamble.
Model blocks belong to the section they stand in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from foedus.errors import FoedusError, Location
from foedus.files import read_text

_FENCE = re.compile(r"^(```+|~~~+)\s*(.*)$")
_ARTICLE = re.compile(
    r"^(?:\*\*\s*Article\s+(?P<a>[IVXLC]+|\d+)\s*\.?\s*\*\*|#{2,6}\s+Article\s+(?P<b>[IVXLC]+|\d+)\b)",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^#{1,6}\s+(.*\S)\s*$")
_FINAL = re.compile(r"^(Done\s+(at|in)\b|In\s+witness\b|IN\s+WITNESS\b)")
_FINAL_MARK = re.compile(r"^<!--\s*section:\s*final\s*-->\s*$")


@dataclass
class Block:
    """A fenced model block: its body and the file line of the body's first line."""

    info: str
    body: str
    line: int
    file: str


@dataclass
class Section:
    kind: str  # "title" | "preamble" | "article" | "final" | "annex"
    id: str  # "title", "preamble", "I", "II", …, "final"
    line: int
    heading: str = ""
    text_lines: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.text_lines).strip("\n")


@dataclass
class LiterateTreaty:
    path: str
    title: str
    sections: list[Section]

    def section(self, sid: str) -> Section | None:
        return next((s for s in self.sections if s.id == sid), None)


def read_literate(path: str | Path) -> LiterateTreaty:
    raw = read_text(path, what="treaty file", expected="a path to a literate treaty file (.md)")
    return parse_literate(raw, str(path))


def parse_literate(raw: str, file: str) -> LiterateTreaty:
    lines = raw.splitlines()
    sections: list[Section] = []
    current = Section(kind="preamble", id="preamble", line=1)
    title = ""
    seen_articles: dict[str, int] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        lineno = i + 1
        fence = _FENCE.match(line)
        if fence:
            marker, info = fence.group(1), fence.group(2).strip()
            body: list[str] = []
            j = i + 1
            while j < len(lines) and not lines[j].startswith(marker):
                body.append(lines[j])
                j += 1
            if j >= len(lines):
                raise FoedusError("unclosed code fence", where=Location(file, lineno, 1),
                                  expected=f"a closing {marker}")
            if info.split()[:1] == ["foedus"]:
                current.blocks.append(Block(info=info, body="\n".join(body), line=lineno + 1, file=file))
            else:
                current.text_lines.extend(lines[i : j + 1])
            i = j + 1
            continue
        art = _ARTICLE.match(line)
        heading = _HEADING.match(line)
        if art:
            aid = (art.group("a") or art.group("b")).upper()
            if aid in seen_articles:
                raise FoedusError(f"article {aid} appears twice (first at line {seen_articles[aid]})",
                                  where=Location(file, lineno, 1), expected="each article once")
            seen_articles[aid] = lineno
            sections.append(current)
            current = Section(kind="article", id=aid, line=lineno, heading=f"Article {aid}")
            current.text_lines.append(line)
        elif heading and not title and not sections and current.kind == "preamble":
            title = heading.group(1)
            sections.append(Section(kind="title", id="title", line=lineno, heading=title,
                                    text_lines=[line]))
            current = Section(kind="preamble", id="preamble", line=lineno + 1)
        elif heading and title and not _FINAL_MARK.match(line):
            # Another heading after the title opens a section of its own (a protocol, an annex, an exchange
            # of notes): its id is the heading's text, which norms and instruments may name as their article.
            sections.append(current)
            name = heading.group(1).strip("*_ ").strip()
            current = Section(kind="annex", id=name, line=lineno, heading=name)
            current.text_lines.append(line)
        elif _FINAL_MARK.match(line) or (_FINAL.match(line) and current.kind == "article"):
            sections.append(current)
            current = Section(kind="final", id="final", line=lineno, heading="Final clause")
            if not _FINAL_MARK.match(line):
                current.text_lines.append(line)
        else:
            current.text_lines.append(line)
        i += 1
    sections.append(current)
    # A title section collects the model blocks written right under the title.
    sections = [s for s in sections if s.text.strip() or s.blocks or s.kind in ("title", "article")]
    return LiterateTreaty(path=file, title=title, sections=sections)


def strip_models(raw: str) -> str:
    """The treaty text without its model blocks, with runs of blank lines folded, for comparison
    with the published text."""
    out: list[str] = []
    lines = raw.splitlines()
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if fence and fence.group(2).strip().split()[:1] == ["foedus"]:
            marker = fence.group(1)
            i += 1
            while i < len(lines) and not lines[i].startswith(marker):
                i += 1
            i += 1
            continue
        if not _FINAL_MARK.match(lines[i]):
            out.append(lines[i])
        i += 1
    return fold_blank_lines("\n".join(out))


def fold_blank_lines(text: str) -> str:
    """Runs of blank lines folded to one, ends stripped: how published and literate texts compare."""
    return re.sub(r"\n{3,}", "\n\n", text).strip()
