"""Help that helps, and a start that loads only what a command needs (checked by module, never by time)."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest
import typer
from helpers import ROOT
from typer.testing import CliRunner

from foedus.cli import app

TREATY = "treaties/sino_soviet_1950.md"
HISTORY = "timelines/sino_soviet_1950_1980.yaml"
HEAVY = ("pandas", "duckdb", "pyarrow", "numpy", "country_converter", "foedus.world", "foedus.store",
         "foedus.report.html", "foedus.importers")


def commands() -> list[tuple[list[str], Any]]:
    """Every command of the app, with its words (``["world", "allies"]``) and its click command."""
    root = typer.main.get_command(app)
    out: list[tuple[list[str], Any]] = []

    def walk(group: Any, words: list[str]) -> None:
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                walk(command, [*words, name])
            else:
                out.append(([*words, name], command))
    walk(root, [])
    return out


def test_every_option_and_argument_is_described() -> None:
    found = commands()
    assert len(found) == 26  # 12 commands, atop 3, world 5, records 1, reliability 5
    for words, command in found:
        assert command.help and command.help.strip(), words
        for param in command.params:
            assert getattr(param, "help", None), (words, param.name)


@pytest.mark.parametrize("words", [w for w, _ in commands()], ids=lambda w: " ".join(w))
def test_help_has_an_example_and_no_type_noise(words: list[str]) -> None:
    result = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "140"})
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "Example" in text, words
    assert not re.search(r"<(bool|str|int|path|list\[[^>]*\])>", text), text


def test_top_level_help_lists_the_command_groups() -> None:
    text = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "140"}).stdout
    for name in ("status", "readings", "world", "atop", "scenario"):
        assert name in text
    assert "<bool>" not in text


def loaded_after(*args: str) -> set[str]:
    """The modules of HEAVY (and lark) that `foedus ARGS` leaves loaded, run in a fresh interpreter."""
    probe = ("import runpy, sys\nsys.argv = ['foedus', *sys.argv[1:]]\ntry:\n"
             "    runpy.run_module('foedus.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    modules = set(done.stderr.splitlines())
    assert "foedus.cli" in modules or "__main__" in done.stderr or modules, done.stderr
    return {m for m in modules if any(m == h or m.startswith(h + ".") for h in (*HEAVY, "lark"))}


@pytest.mark.parametrize("args", [
    ["--help"],
    ["world", "--help"],
    ["readings", TREATY],
    ["status", TREATY, "--events", HISTORY, "--on", "1979-06-01"],
    ["run", TREATY, "--events", HISTORY],
], ids=lambda a: " ".join(a[:1]) + (" --help" if "--help" in a[1:] else ""))
def test_trivial_commands_leave_the_heavy_libraries_unloaded(args: list[str]) -> None:
    assert {m for m in loaded_after(*args) if not m.startswith("lark")} == set()


def test_listing_readings_loads_no_compiler() -> None:
    assert not {m for m in loaded_after("readings", TREATY, "--json") if m == "lark" or m.startswith("lark.")}


def test_the_world_commands_load_what_they_need_and_no_more() -> None:
    loaded = loaded_after("world", "allies", "PRC", "--on", "1960-01-01", "-t", TREATY, "-e", HISTORY)
    assert "foedus.world" in loaded and "numpy" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("pandas", "pyarrow", "duckdb", "country_converter")}


def test_the_command_line_prints_json_as_the_report_stage_does() -> None:
    from datetime import date

    from foedus.cli_common import dumps
    from foedus.report import json_report

    data = {"b": [1, "ü", None, True], "a": {"z": 1.5, "y": "1950-04-11"}}
    assert dumps(data) == json_report.dumps(data)
    assert dumps({"on": date(1950, 4, 11)}) == json_report.dumps({"on": "1950-04-11"})
