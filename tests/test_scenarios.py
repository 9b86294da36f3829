"""The scenario runner: how scenario files are read, run and reported (the scenarios themselves, under
tests/scenarios/, are collected as test items by conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from foedus.errors import FoedusError
from foedus.scenarios import ScenarioResult, load_scenario, run_scenario_file
from foedus.scenarios.runner import open_scenario

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "treaties" / "sino_soviet_1950.md"
HISTORY = ROOT / "timelines" / "sino_soviet_1950_1980.yaml"
SCENARIOS = ROOT / "tests" / "scenarios"

ATTACK = "  - {date: 1955-06-01, type: armed_attack, actor: JPN, target: PRC, state_of_war: true}\n"


def write(tmp_path: Path, body: str, name: str = "s.yaml", timeline: bool = True) -> Path:
    head = f"scenario: test\ntreaty: {FLAGSHIP}\n" + (f"timeline: {HISTORY}\n" if timeline else "")
    path = tmp_path / name
    path.write_text(head + body, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(FoedusError) as info:
        run_scenario_file(path)
    return info.value.one_line()


# --- every scenario file --------------------------------------------------------------------------


def scenario_files() -> list[Path]:
    return sorted(SCENARIOS.rglob("*.yaml"))


def test_the_corpus_is_there() -> None:
    files = scenario_files()
    assert len(files) >= 40
    for folder in ("history", "article_i", "article_ii", "article_iii", "article_iv", "article_v",
                   "article_vi", "errors"):
        assert any(f.parent.name == folder for f in files), folder


def test_scenario_names_are_unique_and_described() -> None:
    names: dict[str, Path] = {}
    for f in scenario_files():
        sc = load_scenario(f)
        assert sc.name not in names, f"{f} and {names.get(sc.name)} share the name {sc.name}"
        names[sc.name] = f
        assert len(sc.description) > 40, f"{f} needs a description saying what it shows"


def test_the_history_scenarios_run_as_the_brief_states() -> None:
    result = run_scenario_file(SCENARIOS / "history" / "history_default.yaml")
    assert result == ScenarioResult("history-default", str(SCENARIOS / "history" / "history_default.yaml"),
                                    True, [], result.checks)
    assert result.checks >= 8


# --- results and failures -------------------------------------------------------------------------


def test_passing_scenario(tmp_path: Path) -> None:
    path = write(tmp_path, "events:\n" + ATTACK + "expect:\n  - on: 1955-06-09\n"
                 "    norms: {mutual-assistance/USSR/1955-06-01: violated}\n")
    result = run_scenario_file(path)
    assert result.passed and result.failures == [] and result.checks == 1 and result.name == "test"


def test_failures_name_the_check_the_date_expected_and_got(tmp_path: Path) -> None:
    path = write(tmp_path, "events:\n" + ATTACK + "expect:\n"
                 "  - on: 1955-06-08\n"
                 "    in_force: false\n"
                 "    norms: {mutual-assistance/USSR/1955-06-01: {state: fulfilled, deadline: 1955-06-07}}\n"
                 "    trigger_checks: {mutual-assistance: not triggered}\n"
                 "  - on: 1990-01-01\n"
                 "    expires_on: 1985-04-11\n"
                 "    absent: [mutual-assistance]\n"
                 "    norms: {mutual-assistance/PRC/1955-06-01: violated}\n"
                 "    invalid_acts: 2\n"
                 "    notices: {1979-04-03: late}\n")
    result = run_scenario_file(path)
    assert not result.passed
    f = str(path)
    assert result.failures == [
        f"{f}:7: on 1955-06-08: in_force: expected false, got true",
        f"{f}:7: on 1955-06-08: norms[mutual-assistance/USSR/1955-06-01]: expected fulfilled, got active",
        f"{f}:7: on 1955-06-08: norms[mutual-assistance/USSR/1955-06-01].deadline: expected 1955-06-07, "
        "got 1955-06-08",
        f"{f}:7: on 1955-06-08: trigger_checks[mutual-assistance]: expected not triggered, got triggered "
        "(on 1955-06-01)",
        f"{f}:11: on 1990-01-01: expires_on: expected 1985-04-11, got 1980-04-11",
        f"{f}:11: on 1990-01-01: absent mutual-assistance: expected no instance, got "
        "mutual-assistance/USSR/1955-06-01 (violated)",
        f"{f}:11: on 1990-01-01: norms[mutual-assistance/PRC/1955-06-01]: expected violated, got no such "
        "instance (instances of the norm: mutual-assistance/USSR/1955-06-01)",
        f"{f}:11: on 1990-01-01: invalid_acts: expected 2, got 0",
        f"{f}:11: on 1990-01-01: notices[1979-04-03]: expected [late], got [timely]",
    ]
    assert "test" in result.report() and "9 failure(s)" in result.report()


def test_trigger_check_without_any_trigger_event(tmp_path: Path) -> None:
    path = write(tmp_path, "expect:\n  - on: 1960-01-01\n    trigger_checks: {mutual-assistance: triggered}\n")
    assert run_scenario_file(path).failures == [
        f"{path}:5: on 1960-01-01: trigger_checks[mutual-assistance]: expected triggered, "
        "got no event of its trigger types"]


def test_reading_list_is_one_combined_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "reading: [from-signature, late-notice=lapses]\nexpect:\n"
                 "  - {on: 1990-02-14, in_force: true, expires_on: 1995-02-14}\n")
    assert run_scenario_file(path).passed


def test_scenario_events_are_added_to_the_base_timeline(tmp_path: Path) -> None:
    path = write(tmp_path, "states:\n  IND: {name: India, cow: 750}\nevents:\n"
                 "  - {date: 1955-06-01, type: armed_attack, actor: IND, target: PRC, state_of_war: true}\n"
                 "expect:\n  - {on: 1955-06-01, in_force: true}\n")
    session = open_scenario(load_scenario(path))
    ids = [e.id for e in session.timeline.events]
    # Events without an id are named by date, type and first actor, never by their line.
    assert "1955-06-01-armed-attack-IND" in ids and "1950-02-14-signature-USSR" in ids
    added = next(e for e in session.timeline.events if e.id == "1955-06-01-armed-attack-IND")
    assert added.file == str(path) and added.line == 7 and added.actors == ("IND",)
    assert session.timeline.hypothetical and "IND" in session.timeline.states and "JPN" in session.timeline.states


def test_scenario_without_base_timeline(tmp_path: Path) -> None:
    path = write(tmp_path, "expect:\n  - {on: 1990-01-01, in_force: false, state: signed}\n", timeline=False)
    assert run_scenario_file(path).passed


# --- expect_error ---------------------------------------------------------------------------------


def test_expect_error_met(tmp_path: Path) -> None:
    path = write(tmp_path, "events:\n  - {date: 1955-06-01, type: armed_attack, actor: XYZ, target: PRC}\n"
                 "expect_error: unknown state 'XYZ'\n")
    result = run_scenario_file(path)
    assert result.passed and result.error is not None and result.error.startswith(f"{path}:5: unknown state")


def test_expect_error_with_another_error(tmp_path: Path) -> None:
    path = write(tmp_path, "events:\n  - {date: 1955-06-01, type: armed_attack, actor: XYZ, target: PRC}\n"
                 "expect_error: duplicated event\n")
    result = run_scenario_file(path)
    assert not result.passed
    assert result.failures[0].startswith(f"{path}:6:15: expected an error containing 'duplicated event', got: ")


def test_expect_error_without_error(tmp_path: Path) -> None:
    path = write(tmp_path, "expect_error: anything\nexpect:\n  - {on: 1960-01-01, in_force: true}\n")
    result = run_scenario_file(path)
    assert not result.passed
    assert result.failures == [f"{path}:4:15: expected an error containing 'anything', "
                               "but the scenario ran without error"]


def test_expect_error_on_evaluation_without_checks(tmp_path: Path) -> None:
    leap = Path(__file__).parent / "fixtures" / "core" / "leap_day_treaty.md"
    path = tmp_path / "leap.yaml"
    path.write_text(f"scenario: leap\ntreaty: {leap}\nevents:\n"
                    "  - {date: 1953-01-01, type: economic_agreement, actors: [AAA, BBB]}\n"
                    "expect_error: lifecycle.date_rounding\n", encoding="utf-8")
    assert run_scenario_file(path).passed


# --- errors in scenario files ---------------------------------------------------------------------


@pytest.mark.parametrize(("body", "message"), [
    ("colour: red\nexpect:\n  - {on: 1960-01-01, in_force: true}\n",
     ":4:9: unknown key `colour` in the scenario; expected one of scenario, description, treaty, timeline, "
     "reading, states, events, expect, expect_error"),
    ("expect:\n  - in_force: true\n",
     ":5:5: a check has no date; expected `on: YYYY-MM-DD`"),
    ("expect:\n  - on: 1960-02-30\n    in_force: true\n",
     ":5:9: impossible date '1960-02-30' (day is out of range for month); expected a real calendar date YYYY-MM-DD"),
    ("expect:\n  - {on: 1960-01-01}\n",
     ":5:5: the check on 1960-01-01 checks nothing; expected one of in_force, state, entry_into_force, "
     "exchange_on, expires_on, notice_deadline, ends_on, extension_fixed_since, end_reason, term_set_by, parties, "
     "norms, absent, invalid_acts, invalid, notices, trigger_checks"),
    ("expect:\n  - {on: 1960-01-01, in_forse: true}\n",
     ":5:32: unknown check `in_forse`; expected one of on, in_force, state, entry_into_force, exchange_on, "
     "expires_on, notice_deadline, ends_on, extension_fixed_since, end_reason, term_set_by, parties, "
     "norms, absent, invalid_acts, invalid, notices, trigger_checks"),
    ("expect:\n  - {on: 1960-01-01, in_force: maybe}\n",
     ":5:32: `in_force` must be true or false; expected true or false"),
    ("expect:\n  - {on: 1960-01-01, state: alive}\n",
     ":5:29: 'alive' is not a state of a treaty; expected one of not signed, signed, ratified in part, in force, "
     "in force (extended), expired, terminated"),
    ("expect:\n  - {on: 1960-01-01, norms: {joint-measures/USSR: asleep}}\n",
     ":5:51: 'asleep' is not a state of a norm instance; expected one of active, fulfilled, violated, "
     "undetermined, discharged, expired, suspended, held, exercised"),
    ("expect:\n  - {on: 1960-01-01, norms: {joint-measures/USSR: {state: active, colour: red}}}\n",
     ":5:75: unknown field `colour` for a norm instance; expected one of state, deadline, since, ended_on, findings"),
    ("expect:\n  - {on: 1960-01-01, trigger_checks: {mutual-assistance: fired}}\n",
     ":5:58: 'fired' is not a trigger verdict; expected one of triggered, not triggered, undetermined, "
     "treaty not in force"),
    ("expect:\n  - {on: 1960-01-01, invalid_acts: -1}\n",
     ":5:36: `invalid_acts` must be a count; expected a whole number ≥ 0"),
    ("expect:\n  - {on: 1960-01-01, norms: {mutual-asistance/USSR/1955-06-01: active}}\n",
     ":5:64: sino-soviet-1950 has no norm 'mutual-asistance'; expected one of mutual-assistance, joint-measures, "
     "peace-actions, peace-treaty-with-japan, no-hostile-alliance, consultation, economic-cultural-ties, "
     "notice-of-denunciation"),
    ("expect:\n  - {on: 1960-01-01, absent: [consultation, japan-clause]}\n",
     ":5:45: sino-soviet-1950 has no norm 'japan-clause'; expected one of"),
    ("expect:\n  - {on: 1960-01-01, trigger_checks: {consultation/PRC: triggered}}\n",
     ":5:57: trigger_checks names an instance 'consultation/PRC'; expected a norm id"),
    ("reading: nonsense\nexpect:\n  - {on: 1960-01-01, in_force: true}\n",
     ":4:10: unknown reading 'nonsense' for sino-soviet-1950; expected a named reading (default, broad-alliance, "
     "strict-immediately, from-signature) or POINT=OPTION"),
    ("reading: immediately=at-once\nexpect:\n  - {on: 1960-01-01, in_force: true}\n",
     ":4:10: the requested reading: 'at-once' is not an option of 'immediately'; expected one of same-day, "
     "within-a-week, within-a-month"),
    ("expect: {on: 1960-01-01}\n",
     ":4:9: `expect` must be a list; expected a YAML list of checks, each with `on: YYYY-MM-DD`"),
    ("description: x\n",
     ":1:1: the scenario checks nothing; expected `expect:` with at least one check, or `expect_error:`"),
    ("events:\n  - {date: 1955-06-01, type: armed_attack, actor: JPN}\nexpect:\n  - {on: 1960-01-01, in_force: true}\n",
     ":5:5: armed_attack has 0 targets; expected 1 to any number of targets for a armed_attack"),
])
def test_errors_in_scenario_files_are_located(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    got = error_of(path)
    assert got.startswith(f"{path}{message}"), got
    assert "\n" not in got


def test_missing_name_and_treaty(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("treaty: x.md\nexpect: []\n", encoding="utf-8")
    assert error_of(path) == f"{path}:1:1: the scenario has no name; expected `scenario: <name>`"
    path.write_text("scenario: s\nexpect: []\n", encoding="utf-8")
    assert error_of(path) == (f"{path}:1:1: the scenario names no treaty; "
                              "expected `treaty: <path relative to the scenario file>`")
    path.write_text("scenario: s\ntreaty: nowhere.md\nexpect: []\n", encoding="utf-8")
    assert re.fullmatch(re.escape(f"{path}:2:9: no such treaty file 'nowhere.md' (looked for ")
                        + r".*nowhere\.md\); expected a path relative to the scenario file", error_of(path))


def test_not_a_mapping_and_malformed(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    assert error_of(path).startswith(f"{path}:1:1: a scenario must be a mapping")
    path.write_text("scenario: [a\n", encoding="utf-8")
    assert error_of(path).startswith(f"{path}:2:1: malformed YAML")
    assert error_of(tmp_path / "none.yaml") == (f"{tmp_path / 'none.yaml'}: no such scenario file; "
                                                "expected a path to a .yaml scenario")


def test_state_declared_differently_from_the_base(tmp_path: Path) -> None:
    path = write(tmp_path, "states:\n  JPN: {name: Nippon, cow: 740}\nexpect:\n  - {on: 1960-01-01, in_force: true}\n")
    assert error_of(path) == (f"{path}:5:8: state 'JPN' is declared differently in the base timeline; "
                              "expected the same name and codes, or another id")


def test_expect_error_checks_hold_until_the_error(tmp_path: Path) -> None:
    leap = Path(__file__).parent / "fixtures" / "core" / "leap_day_treaty.md"
    path = tmp_path / "leap.yaml"
    path.write_text(f"scenario: leap\ntreaty: {leap}\n"
                    "expect:\n  - {on: 1952-02-28, in_force: true}\n  - {on: 1953-01-01, in_force: true}\n"
                    "expect_error: lifecycle.date_rounding\n", encoding="utf-8")
    result = run_scenario_file(path)
    assert not result.passed and result.error is not None
    assert result.failures == [f"{path}:4: on 1952-02-28: in_force: expected true, got false"]
