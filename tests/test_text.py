"""The literate treaty file: its text, with the model blocks removed, is the published text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from foedus.errors import FoedusError
from foedus.text import read_literate, strip_models
from foedus.text.literate import parse_literate

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "treaties" / "sino_soviet_1950.md"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PUBLISHED = SHARED / "texts" / "sino_soviet_1950_en.md"


def fold(text: str) -> str:
    """Runs of blank lines count as one; trailing spaces and the ends of the text do not count."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def test_the_text_is_the_published_text() -> None:
    if not PUBLISHED.exists():
        pytest.skip(f"needs {PUBLISHED} (the published English text, from ../shared/data/texts/)")
    ours = fold(strip_models(FLAGSHIP.read_text(encoding="utf-8")))
    published = fold(PUBLISHED.read_text(encoding="utf-8"))
    assert ours == published
    assert "```" not in ours and "foedus" not in ours


def test_sections_and_where_each_block_stands() -> None:
    lit = read_literate(FLAGSHIP)
    assert [s.id for s in lit.sections] == ["title", "preamble", "I", "II", "III", "IV", "V", "VI", "final"]
    assert lit.title.startswith("Treaty of Friendship, Alliance, and Mutual Assistance")
    article_i = lit.section("I")
    assert article_i is not None and article_i.text.startswith("**Article I.** Both High Contracting Parties")
    assert "immediately render military and other assistance" in article_i.text
    assert any("mutual-assistance" in b.body for b in article_i.blocks)
    vi = lit.section("VI")
    assert vi is not None and any("lifecycle:" in b.body for b in vi.blocks)
    final = lit.section("final")
    assert final is not None and final.text.startswith("Done in Moscow on February 14, 1950")
    # a block's line is the line of its body's first line in the file
    lines = FLAGSHIP.read_text(encoding="utf-8").splitlines()
    for section in lit.sections:
        for block in section.blocks:
            assert lines[block.line - 2].startswith("```foedus")
            assert lines[block.line - 1] == block.body.splitlines()[0]


def test_strip_models_keeps_other_code_and_folds_blank_lines() -> None:
    raw = "# T\n\nText.\n\n```foedus\na: 1\n```\n\n\n\n```python\nx = 1\n```\n<!-- section: final -->\nDone.\n"
    assert strip_models(raw) == "# T\n\nText.\n\n```python\nx = 1\n```\nDone."


@pytest.mark.parametrize(("raw", "message"), [
    ("# T\n\n**Article I.** x\n\n```foedus\na: 1\n", "t.md:5:1: unclosed code fence; expected a closing ```"),
    ("# T\n\n**Article I.** x\n\n**Article I.** y\n",
     "t.md:5:1: article I appears twice (first at line 3); expected each article once"),
])
def test_literate_errors(raw: str, message: str) -> None:
    with pytest.raises(FoedusError) as info:
        parse_literate(raw, "t.md")
    assert str(info.value) == message


def test_missing_treaty_file() -> None:
    with pytest.raises(FoedusError, match="no such treaty file; expected a path to a literate treaty file"):
        read_literate(ROOT / "treaties" / "nowhere.md")
