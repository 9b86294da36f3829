"""End-to-end runs of the `foedus` command, as a user or a script calls it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, shared_file, split_history

TREATY = str(ROOT / "treaties" / "sino_soviet_1950.md")
HISTORY = str(ROOT / "timelines" / "sino_soviet_1950_1980.yaml")


def foedus(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "foedus.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def as_json(*args: str) -> object:
    done = foedus(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def inproc(*args: str) -> subprocess.CompletedProcess[str]:
    """The command run in this process (typer's CliRunner): the same app, without a process start."""
    from typer.testing import CliRunner

    from foedus.cli import app

    result = CliRunner().invoke(app, list(args))
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


def json_of(*args: str) -> Any:
    done = inproc(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_one_line_error(done: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for part in parts:
        assert part in lines[0]


def test_status_json_has_the_fields_scripts_rely_on() -> None:
    data = as_json("status", TREATY, "--events", HISTORY, "--on", "1979-06-01")
    assert isinstance(data, dict)
    assert data["in_force"] is True
    assert data["expires_on"] == "1980-04-11"
    assert data["notice_deadline"] == "1979-04-11"
    norms = {n["id"]: n for n in data["norms"]}
    assert norms["economic-cultural-ties/USSR"] == {**norms["economic-cultural-ties/USSR"], "article": "V",
                                                    "bearer": "USSR", "state": "violated"}
    assert norms["notice-of-denunciation/PRC"]["state"] == "exercised"
    after = as_json("status", TREATY, "--events", HISTORY, "--on", "1980-04-11")
    assert isinstance(after, dict) and after["in_force"] is False and after["state"] == "expired"


def test_status_under_another_reading() -> None:
    data = as_json("status", TREATY, "--events", HISTORY, "--on", "1982-01-01", "--reading", "from-signature")
    assert isinstance(data, dict)
    assert data["in_force"] is True and data["expires_on"] == "1985-02-14"


def test_run_json_is_byte_identical_across_runs() -> None:
    first = foedus("run", TREATY, "--events", HISTORY, "--json")
    second = foedus("run", TREATY, "--events", HISTORY, "--json")
    assert first.returncode == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["as_of"] == "1980-04-11"  # the last event, or the treaty's certain end when later
    assert any(c["subject"] == "treaty" and c["after"] == "expired" for c in data["changes"])


def test_run_text_reports_article_by_article() -> None:
    done = foedus("run", TREATY, "--events", HISTORY)
    assert done.returncode == 0
    for heading in ("Article I", "Article II", "Article III", "Article IV", "Article V", "Article VI"):
        assert heading in done.stdout
    assert "notice 1979-04-03 by PRC: timely" in done.stdout


def test_compare_shows_where_two_readings_differ() -> None:
    data = as_json("compare", TREATY, "--events", HISTORY, "--on", "1990-01-01", "-r", "default",
                   "-w", "from-signature")
    assert isinstance(data, dict)
    # The PRC's notice of 1979-04-03 is timely from entry into force and late from signature: the readings
    # part on the day of the notice, not when the term counted from signature ends.
    assert data["first_divergence"] == "1979-04-03"
    (notice,) = [d for d in data["first_divergence_detail"] if d["a"] == "timely"]
    assert (notice["a"], notice["b"], notice["on"]) == ("timely", "late", "1979-04-03")
    assert notice["label"] == "Sino-Soviet Treaty of 1950" and "notice by the PRC of 1979-04-03" in notice["aspect"]
    ends = next(d for d in data["differences"] if d["what"] == "ends_on")
    assert (ends["a"], ends["b"], ends["on"]) == ("1980-04-11", "1985-02-14", None)
    # Subjects in words: a duty with its article and bearer, never a bare instance id.
    duty = next(d for d in data["differences"] if d["subject"] == "economic-cultural-ties/PRC")
    assert duty["label"] == "Art. V — PRC: economic assistance"


def test_compare_text_names_subjects_and_the_first_divergence() -> None:
    done = foedus("compare", TREATY, "--events", HISTORY, "--on", "1990-01-01", "-r", "default",
                  "-w", "from-signature")
    assert done.returncode == 0
    out = " ".join(done.stdout.split())
    assert "The readings first diverge on 1979-04-03" in out
    assert "timely under A, late under B" in out
    assert "Art. V — PRC: economic assistance" in out
    assert "economic-cultural-ties/PRC" not in out  # ids only in --json


def test_explain_gives_events_rule_and_article() -> None:
    data = as_json("explain", TREATY, "treaty", "--events", HISTORY, "--on", "1990-01-01")
    assert isinstance(data, dict)
    assert data["article"]["id"] == "VI" and "valid for 30 years" in data["article"]["text"]
    assert any(e["type"] == "notice_of_denunciation" and e["source"] for e in data["events"])
    duty = as_json("explain", TREATY, "economic-cultural-ties/USSR", "--events", HISTORY, "--on", "1990-01-01")
    assert isinstance(duty, dict)
    instance = duty["instances"][0]
    assert instance["instance"]["state"] == "violated"
    assert instance["events"][0]["date"] == "1960-07-16"
    assert "economic assistance" in instance["article"]["text"]


def test_validate_against_the_published_text(tmp_path: Path) -> None:
    published = shared_file("texts/sino_soviet_1950_en.md")
    data = json_of("validate", TREATY, "--text", str(published))
    assert isinstance(data, dict) and data["ok"] and data["text_matches"] and data["text_differences"] == []
    assert "the text is the published text" in inproc("validate", TREATY, "--text", str(published)).stdout
    # One word changed in Article II, a paragraph of Article VI joined to the one before: both are found.
    text = published.read_text(encoding="utf-8")
    changed = tmp_path / "changed.md"
    changed.write_text(text.replace("the earliest conclusion of a peace treaty", "the early conclusion of a peace "
                                    "treaty").replace("Peking.\n\nThe present Treaty", "Peking. The present Treaty"),
                       encoding="utf-8")
    done = inproc("validate", TREATY, "--text", str(changed))
    assert done.returncode == 1 and not done.stderr
    assert "differs from" in done.stdout and "in 2 section(s); first in Article II" in done.stdout
    assert "the file has:      earliest conclusion of a peace treaty" in done.stdout
    assert "the published has: early conclusion of a peace treaty" in done.stdout
    report = json.loads(inproc("validate", TREATY, "--text", str(changed), "--json").stdout)
    assert [(d["section"], d["word"]) for d in report["text_differences"]] == [("Article II", 18), ("Article VI", None)]
    assert (report["text_differences"][1]["file_has"], report["text_differences"][1]["published_has"]) == \
        ("2 paragraph(s)", "1 paragraph(s)")


def test_bad_inputs_are_one_line_with_exit_code_2(tmp_path: Path) -> None:
    assert_one_line_error(foedus("status", TREATY, "--events", HISTORY, "--on", "1979-06-01", "--reading", "nonsense"),
                          "unknown reading 'nonsense'")
    assert_one_line_error(foedus("status", TREATY, "--on", "1950-02-30"), "--on", "impossible date")
    bad = tmp_path / "bad.yaml"
    bad.write_text("timeline: x\nevents:\n  - date: 1950-04-11\n    type: ratification\n    actor: FRA\n"
                   "    treaty: sino-soviet-1950\n", encoding="utf-8")
    assert_one_line_error(foedus("status", TREATY, "--events", str(bad), "--on", "1979-06-01"),
                          f"{bad}:3", "unknown state 'FRA'")
    assert_one_line_error(foedus("status", str(tmp_path / "missing.md"), "--on", "1979-06-01"), "no such treaty file")


def test_scenario_command_passes_and_fails(tmp_path: Path) -> None:
    good = ROOT / "tests" / "scenarios" / "history" / "history_default.yaml"
    assert foedus("scenario", str(good)).returncode == 0
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(f"scenario: wrong\ntreaty: {TREATY}\ntimeline: {HISTORY}\n"
                     "expect:\n  - on: 1981-01-01\n    in_force: true\n", encoding="utf-8")
    done = foedus("scenario", str(wrong))
    assert done.returncode == 1 and "FAIL" in done.stdout and "in_force" in done.stdout


def test_events_on_the_command_line_and_merged_timelines(tmp_path: Path) -> None:
    attack = "1955-06-01 armed_attack actor=JPN target=PRC state_of_war=true"
    data = json_of("status", TREATY, "--events", HISTORY, "--on", "1955-06-02", "--add-event", attack)
    assert isinstance(data, dict)
    duty = next(n for n in data["norms"] if n["id"].startswith("mutual-assistance/USSR"))
    assert duty["state"] == "active" and duty["deadline"] == "1955-06-08"
    plain = json_of("status", TREATY, "--events", HISTORY, "--on", "1955-06-02")
    assert isinstance(plain, dict) and not any(n["id"].startswith("mutual-assistance") for n in plain["norms"])
    ran = json_of("run", TREATY, "--events", HISTORY, "--add-event", attack, "--on", "1955-06-20")
    assert isinstance(ran, dict) and any(c["subject"].startswith("mutual-assistance/USSR") and c["after"] == "violated"
                                         for c in ran["changes"])
    explained = json_of("explain", TREATY, "added-1", "--events", HISTORY, "--add-event", attack,
                        "--on", "1955-06-02")
    assert isinstance(explained, dict) and explained["event"]["source"] == "what-if given on the command line"
    # The same timeline split into two files gives the same answer.
    first, second = split_history(tmp_path)
    split = json_of("status", TREATY, "-e", str(first), "-e", str(second), "--on", "1979-06-01")
    whole = json_of("status", TREATY, "-e", HISTORY, "--on", "1979-06-01")
    assert isinstance(split, dict) and isinstance(whole, dict)

    def states(data: dict[str, Any]) -> list[tuple[str, str, str | None]]:  # event ids are line numbers: they differ
        return [(n["id"], n["state"], n["deadline"]) for n in data["norms"]]
    assert states(split) == states(whole)
    assert {k: v for k, v in split.items() if k != "norms"} == {k: v for k, v in whole.items() if k != "norms"}
    out = tmp_path / "what-if.html"
    done = inproc("report", TREATY, "-e", HISTORY, "--add-event", attack, "--on", "1955-06-20", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "what-if given on the command line" in out.read_text(encoding="utf-8")
    # Checked like a timeline entry; errors name the option.
    assert_one_line_error(inproc("status", TREATY, "--on", "1955-06-02", "--add-event",
                                 "1955-06-01 armed_attack actor=JPN target=PRC colour=red"),
                          "--add-event 1", "unknown attribute `colour`")
    assert_one_line_error(inproc("status", TREATY, "--on", "1955-06-02", "--add-event", "1955-06-31 armed_attack"),
                          "--add-event 1", "impossible date")
    assert_one_line_error(inproc("status", TREATY, "-e", HISTORY, "--on", "1955-06-02", "--add-event",
                                 "1955-06-01 armed_attack actor=FRA target=PRC"), "unknown state 'FRA'")
    assert_one_line_error(inproc("status", TREATY, "-e", HISTORY, "-e", HISTORY, "--on", "1955-06-02"),
                          "duplicated event")


def test_scenario_show_prints_the_outcome() -> None:
    good = ROOT / "tests" / "scenarios" / "history" / "history_default.yaml"
    done = inproc("scenario", str(good), "--show")
    assert done.returncode == 0 and done.stdout.startswith("PASS")
    assert "as of 1979-04-03" in done.stdout and "in force: yes" in done.stdout
    data = json.loads(inproc("scenario", str(good), "--show", "--json").stdout)
    outcomes = data[0]["outcomes"]
    assert [o["as_of"] for o in outcomes][:2] == ["1950-02-14", "1950-04-10"]
    assert outcomes[0]["state"] == "signed" and outcomes[2]["in_force"] is True


def test_readings_give_the_words_reading_takes() -> None:
    text = inproc("readings", TREATY).stdout
    assert "--reading from-signature" in text and "--reading immediately=same-day" in text
    assert "* --reading immediately=within-a-week" in text  # the default is marked
    data = json_of("readings", TREATY)
    assert isinstance(data, dict) and "from-signature" in data["names"] and "term-start=signature" in data["names"]
    from foedus.compile import reading_names
    from foedus.model.load import load_treaty

    for path in sorted((ROOT / "treaties").glob("*.md")):
        assert json_of("readings", str(path))["names"] == reading_names(load_treaty(str(path))[0])


def test_schema_readings_and_machines() -> None:
    schema = json.loads(foedus("schema").stdout)
    assert schema["title"] == "foedus treaty model" and "norms" in schema["properties"]
    readings = as_json("readings", TREATY)
    assert isinstance(readings, dict)
    assert {p["id"] for p in readings["points"]} >= {"term-start", "immediately", "allied-with"}
    machines = as_json("machines")
    assert isinstance(machines, list)
    assert {m["name"] for m in machines} == {"treaty", "party", "obligation", "prohibition", "permission", "power"}


def test_report_writes_one_self_contained_page(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = foedus("report", TREATY, "--events", HISTORY, "--on", "1990-01-01", "--out", str(out))
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert 'data-mark="entry-into-force"' in page and "1980-04-11" in page
    assert "<script src=" not in page and "<link " not in page


@pytest.fixture(scope="module")
def atop_args() -> list[str]:
    return ["--atop", str(shared_file("atop/atop5_0_alliance_level.csv")),
            "--states", str(shared_file("states/states2016.csv"))]


def test_atop_import_and_world_queries(atop_args: list[str], tmp_path: Path) -> None:
    imported = as_json("atop", "import", atop_args[1], "--states", atop_args[3], "--store", str(tmp_path / "w.db"))
    assert isinstance(imported, dict)
    assert imported["models"] == 765 and imported["unknown_columns"][atop_args[1]] == ["new5", "rev5"]
    assert imported["stored"]["treaties"] == 765
    allies = as_json("world", "allies", "CHN", "--on", "1960-01-01", *atop_args)
    assert isinstance(allies, dict)
    assert any(row["ally"]["cow"] == 365 and row["treaty"] == "atop-3200" for row in allies["allies"])
    graph = as_json("world", "assist", "USA", "CHN", "--on", "1960-01-01", *atop_args)
    assert isinstance(graph, dict) and graph["edges"] and graph["attacker"]["cow"] == 2
    out = tmp_path / "dyads.csv"
    done = foedus("world", "dyads", "--out", str(out), "--from", "1950", "--to", "1950", *atop_args)
    assert done.returncode == 0, done.stderr
    assert "365,710,1950" in out.read_text(encoding="utf-8")
    assert_one_line_error(foedus("world", "allies", "ZZZ", "--on", "1960-01-01", "--atop", atop_args[1]),
                          "command line", "'ZZZ'")
    stored = as_json("world", "allies", "CHN", "--on", "1960-01-01", "--store", str(tmp_path / "w.db"),
                     "--states", atop_args[3])
    assert isinstance(stored, dict) and stored["allies"] == allies["allies"]


def test_atop_codes_of_the_1950_treaty(atop_args: list[str]) -> None:
    data = as_json("atop", "codes", TREATY, "--events", HISTORY, "--states", atop_args[3])
    assert isinstance(data, dict)
    codes = data["codes"]
    assert (codes["defense"], codes["consul"], codes["statthr1"], codes["length"], codes["renewlgt"]) == \
        (1, 0, 740, 360, 60)
    assert (codes["endyr"], codes["endmo"], codes["endday"]) == (1980, 4, 11)


def test_world_status_sees_the_us_japan_alliance(tmp_path: Path) -> None:
    what_if = tmp_path / "attack.yaml"
    what_if.write_text(
        "timeline: what-if\nstates:\n  USA: {name: United States of America, cow: 2, iso3: USA}\n"
        "  JPN: {name: Japan, cow: 740, iso3: JPN}\nevents:\n"
        "  - {date: 1950-02-14, type: signature, actors: [USSR, PRC], treaty: sino-soviet-1950}\n"
        "  - {date: 1950-04-11, type: ratification, actor: USSR, treaty: sino-soviet-1950}\n"
        "  - {date: 1950-04-11, type: ratification, actor: PRC, treaty: sino-soviet-1950}\n"
        "  - {date: 1953-01-05, type: armed_attack, actor: USA, target: PRC, state_of_war: true}\n",
        encoding="utf-8")
    treaties = ["-t", TREATY, "-t", str(ROOT / "treaties" / "us_japan_1951.md"),
                "-t", str(ROOT / "treaties" / "us_japan_1960.md")]
    data = as_json("world", "status", "sino-soviet-1950", "--on", "1953-01-06", "--events", str(what_if), *treaties)
    assert isinstance(data, dict)
    assert any(n["id"].startswith("mutual-assistance/USSR") and n["state"] == "active" for n in data["norms"])
    alone = as_json("status", TREATY, "--events", str(what_if), "--on", "1953-01-06")
    assert isinstance(alone, dict)
    assert not any(n["id"].startswith("mutual-assistance") for n in alone["norms"])
