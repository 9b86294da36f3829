"""The golden run: the flagship treaty against its recorded history, as of 1990-01-01, under the
default reading. Set FOEDUS_UPDATE_GOLDEN=1 to rewrite the golden file after checking the change."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from foedus import api
from foedus.report.json_report import dumps

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "treaties" / "sino_soviet_1950.md"
HISTORY = ROOT / "timelines" / "sino_soviet_1950_1980.yaml"
GOLDEN = ROOT / "tests" / "golden" / "history_default_1990.json"
ON = "1990-01-01"


def run_json() -> str:
    return dumps(api.run(FLAGSHIP, HISTORY, ON))


def test_golden_run() -> None:
    text = run_json()
    if os.environ.get("FOEDUS_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN} is missing; run with FOEDUS_UPDATE_GOLDEN=1 to write it")
    golden = GOLDEN.read_text(encoding="utf-8")
    if text != golden:
        diff = "".join(difflib.unified_diff(golden.splitlines(True), text.splitlines(True), str(GOLDEN), "now", n=2))
        pytest.fail("the run differs from the golden file (FOEDUS_UPDATE_GOLDEN=1 rewrites it once checked):\n"
                    + diff[:6000])


def test_the_golden_run_says_what_the_history_says() -> None:
    """The facts the golden file must contain, so that rewriting it cannot hide a regression."""
    data = api.run(FLAGSHIP, HISTORY, ON)
    assert (data["state"], data["in_force"]) == ("expired", False)
    assert (data["signed_on"], data["entry_into_force"]) == ("1950-02-14", "1950-04-11")
    assert data["lifecycle"]["ratifications"] == {"PRC": "1950-04-11", "USSR": "1950-04-11"}
    assert data["lifecycle"]["exchange_of_instruments"] == {"date": "1950-09-30", "place": "Peking"}
    entry = next(c for c in data["changes"] if c["after"] == "in force")
    assert entry["date"] == "1950-04-11" and "ratification" in entry["because"]
    assert data["lifecycle"]["terms"] == [{"number": 0, "start": "1950-04-11", "end": "1980-04-11",
                                           "notice_deadline": "1979-04-11"}]
    assert [(n["date"], n["party"], n["verdict"]) for n in data["lifecycle"]["notices"]] == [
        ("1979-04-03", "PRC", "timely")]
    assert (data["ends_on"], data["end_reason"]) == ("1980-04-11", "timely notice by PRC")
    states = {n["id"]: n["state"] for n in data["norms"]}
    assert states["economic-cultural-ties/USSR"] == "violated"
    assert states["peace-treaty-with-japan/PRC"] == "fulfilled"
    assert states["peace-treaty-with-japan/USSR"] == "expired"
    assert states["notice-of-denunciation/PRC"] == "exercised"
    assert not any(i.startswith("mutual-assistance") for i in states)
    assert {i for i, s in states.items() if i.startswith("consultation/")} == {
        "consultation/USSR/1956-10-19", "consultation/PRC/1972-02-27", "consultation/PRC/1978-08-12"}
    assert all(s == "undetermined" for i, s in states.items() if i.startswith("consultation/"))
    assert data["invalid_acts"] == []


def test_two_runs_are_byte_identical() -> None:
    assert run_json() == run_json()
    session = api.open_session(FLAGSHIP, HISTORY)
    first = dumps(session.run(ON))
    session.status("1979-06-01")  # a query in between changes nothing
    assert dumps(session.run(ON)) == first == run_json()


def test_runs_in_fresh_processes_are_byte_identical() -> None:
    code = ("import sys; from foedus import api; from foedus.report.json_report import dumps; "
            f"sys.stdout.write(dumps(api.run({str(FLAGSHIP)!r}, {str(HISTORY)!r}, {ON!r})))")
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == run_json()
