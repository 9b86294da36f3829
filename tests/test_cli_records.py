"""`foedus records wars` and `foedus records disputes`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import ROOT, shared_file
from typer.testing import CliRunner

from foedus.cli import app
from foedus.parse.timeline import read_timeline

FIXTURES = ROOT / "tests" / "fixtures" / "records"
WARS = ["records", "wars", "--dyads", str(FIXTURES / "war_dyads.csv"), "--annual", str(FIXTURES / "war_years.csv"),
        "--states", str(FIXTURES / "states.csv")]
DISPUTES = ["records", "disputes", "--disputes", str(FIXTURES / "mida.csv"), "--participants",
            str(FIXTURES / "midb.csv"), "--states", str(FIXTURES / "states.csv")]
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_wars_json_summary_and_a_timeline_that_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "wars.csv"
    code, stdout, _ = run(*WARS, "--out", str(out), "--json")
    assert code == 0, stdout
    data = json.loads(stdout)
    assert data["counts"] == {"wars": 3, "participants": 10, "states": 8, "pairs": 8, "events": 42,
                              "warnings": 0}
    assert data["events_by_type"] == {"armed_attack": 3, "end_of_war": 9, "state_of_war": 6, "war_joined": 12,
                                      "war_left": 12}
    assert data["warnings"] == [] and data["unknown_day"] == "first"
    timeline = read_timeline(out)
    assert len(timeline.events) == 42
    assert timeline.events[0].id == "cow-war-902/joined/255"


def test_wars_without_relations(tmp_path: Path) -> None:
    out = tmp_path / "wars.csv"
    code, stdout, _ = run(*WARS, "--out", str(out), "--no-relations", "--json")
    assert code == 0 and json.loads(stdout)["counts"]["events"] == 24
    assert {e.type for e in read_timeline(out).events} == {"war_joined", "war_left"}


def test_disputes_text_summary_and_warnings(tmp_path: Path) -> None:
    out = tmp_path / "mid.yaml"
    code, stdout, _ = run(*DISPUTES, "--out", str(out), "--unknown-day", "interval")
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0] == (f"wrote {out}: 4 disputes, 10 participants (10 rows); 24 events (3 armed_attack, "
                        "10 dispute_joined, 8 dispute_left, 2 end_of_war, 1 state_of_war)")
    assert lines[1] == ("1 warning (participant not a member of the state system: 1); --verbose lists them")
    code, stdout, _ = run(*DISPUTES, "--out", str(out), "--verbose")
    assert stdout.splitlines()[-1] == (f"warning: {FIXTURES / 'midb.csv'}:7: state 255 (Germany) is not a member "
                                       "of the state system when it joins dispute 3 (1948-04-10)")
    timeline = read_timeline(out)
    assert timeline.states["GMY"].cow == 255


def test_bad_input_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "foedus.cli", "records", "wars", "--dyads", str(FIXTURES / "war_dyads_bad_code.csv"),
         "--out", str(tmp_path / "x.csv")], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 2
    assert done.stderr == (f"error: {FIXTURES / 'war_dyads_bad_code.csv'}:3:2: column ccode1: 'USA' is not a whole "
                           "number; expected a COW state code (a positive whole number)\n")
    assert not (tmp_path / "x.csv").exists()


def test_bad_rule_and_bad_output_format(tmp_path: Path) -> None:
    code, _, stderr = run(*WARS, "--out", str(tmp_path / "x.csv"), "--unknown-day", "middle")
    assert code == 2 and stderr == ("error: --unknown-day: --unknown-day 'middle' is not a rule; "
                                    "expected first or interval\n")
    code, _, stderr = run(*WARS, "--out", str(tmp_path / "x.txt"))
    assert code == 2 and stderr.strip().endswith("unknown timeline format '.txt'; expected a .csv or .yaml file")


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert run(*WARS, "--out", str(one))[0] == 0 and run(*WARS, "--out", str(two))[0] == 0
    assert one.read_bytes() == two.read_bytes()


def test_real_files(tmp_path: Path) -> None:
    states = str(shared_file("states/states2016.csv"))
    out = tmp_path / "wars.csv"
    code, stdout, _ = run("records", "wars", "--dyads", str(shared_file("wars/peacesciencer_cow_war_inter.csv")),
                          "--annual", str(shared_file("wars/interstate_war_annual_rev_armsallies.csv")),
                          "--states", states, "--out", str(out), "--json")
    assert code == 0
    data = json.loads(stdout)
    assert (data["counts"]["wars"], data["counts"]["participants"]) == (95, 337)
    assert len(read_timeline(out).events) == data["counts"]["events"]
    assert data["warning_kinds"]["annual row not in the dyad file"] == 27
    out = tmp_path / "mid.csv"
    code, stdout, _ = run("records", "disputes", "--disputes", str(shared_file("mid/MIDA_5.0.csv")),
                          "--participants", str(shared_file("mid/MIDB_5.0.csv")), "--states", states,
                          "--out", str(out), "--json")
    assert code == 0
    data = json.loads(stdout)
    assert (data["counts"]["disputes"], data["counts"]["participant_rows"]) == (2436, 5883)
    assert len(read_timeline(out).events) == data["counts"]["events"]
