"""The generated reference: current, its examples valid, and the schema describing files as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.model.schema import ModelBlock, schema
from foedus.parse.located_yaml import load
from foedus.reference import MULTILATERAL_SCENARIO, MULTILATERAL_TIMELINE, MULTILATERAL_TREATY, SECTIONS, generate
from foedus.scenarios import run_scenario_file
from foedus.text.literate import read_literate

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "reference.md"


def test_the_reference_in_the_repository_is_current() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == generate(), (
        "docs/reference.md is stale: run `python -m foedus.reference > docs/reference.md`")


def test_the_reference_covers_every_event_type_rule_and_function() -> None:
    from foedus.compile.conditions import FUNCTIONS
    from foedus.evaluate.rules import RULES
    from foedus.model.events import vocabulary

    text = generate()
    assert all(f"| `{name}` |" in text for name in vocabulary())
    assert all(f"| `{r.id}` | {r.on} |" in text for r in RULES)
    assert all(f"| `{name}` |" in text for name in FUNCTIONS)
    assert "implied-withdrawal" in text and "unilateral-abrogation" in text and "material-breach" in text


@pytest.mark.parametrize("example", [s[2] for s in SECTIONS], ids=[s[1] for s in SECTIONS])
def test_every_example_is_a_valid_block(example: str) -> None:
    ModelBlock.model_validate(load(example, "example")[0])  # foedus's YAML: `on` is a key, not a boolean


def test_the_multilateral_example_runs_as_the_reference_says(tmp_path: Path) -> None:
    (tmp_path / "example_pact.md").write_text(MULTILATERAL_TREATY, encoding="utf-8")
    (tmp_path / "example_pact.yaml").write_text(MULTILATERAL_TIMELINE, encoding="utf-8")
    scenario = tmp_path / "example_pact.scenario.yaml"
    scenario.write_text(MULTILATERAL_SCENARIO, encoding="utf-8")
    result = run_scenario_file(scenario)
    assert result.passed, result.report()
    assert result.checks == 7


@pytest.mark.parametrize("path", sorted((ROOT / "treaties").glob("*.md")), ids=lambda p: p.stem)
def test_the_schema_describes_every_block_as_written(path: Path) -> None:
    literate = read_literate(str(path))
    blocks = [b for s in literate.sections for b in s.blocks]
    assert blocks
    for block in blocks:
        tree, _ = load(block.body, block.file)
        if tree is not None:
            ModelBlock.model_validate(tree)


def test_the_schema_places_id_and_title_under_treaty() -> None:
    data = schema()
    assert "id" not in data["properties"] and "title" not in data["properties"]
    head = data["$defs"]["TreatyHead"]
    assert {"id", "title"} <= set(head["properties"]) and set(head["required"]) == {"id", "title"}
