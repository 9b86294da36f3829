"""Event types declared by a treaty file or a timeline: read, checked and evaluated like the built-in ones."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from foedus import api
from foedus.cli import app as cli_app
from foedus.compile import compile_treaty, treaty_vocabulary
from foedus.errors import FoedusError
from foedus.model.events import vocabulary
from foedus.model.load import load_treaty
from foedus.parse.timeline import parse_csv_timeline, parse_yaml_timeline, read_timeline
from foedus.serve import App
from foedus.world import World

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "vocabulary"
RIO = FIXTURES / "rio_consultation.md"
RECORD = FIXTURES / "rio_timeline.yaml"

runner = CliRunner()


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli_app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_treaty_declares_types_beside_the_built_in_ones() -> None:
    model, smap = load_treaty(str(RIO))
    vocab = treaty_vocabulary(model, smap, str(RIO))
    assert set(vocab.declared()) == {"aggression_not_armed_attack", "organ_of_consultation_met"}
    met = vocab["organ_of_consultation_met"]
    assert (met.scope, met.treaty, met.actors, met.targets) == ("act", "required", (1, None), (0, 0))
    assert met.attributes["convoked_by"].type == "state"
    assert compile_treaty(model, smap=smap, file=str(RIO)).vocabulary == vocab
    # every built-in type stays, unchanged
    assert all(vocab[name] == kind for name, kind in vocabulary().items())


def test_a_timeline_keeps_the_types_it_declares_and_types_their_values() -> None:
    model, smap = load_treaty(str(RIO))
    timeline = read_timeline(RECORD, treaty_vocabulary(model, smap, str(RIO)))
    assert timeline.vocabulary is not None
    assert set(timeline.vocabulary.declared()) == {"aggression_not_armed_attack", "organ_of_consultation_met",
                                                   "hemispheric_conference"}
    conference = next(e for e in timeline.events if e.type == "hemispheric_conference")
    assert conference.attributes == {"city": "Caracas", "opened_on": date(1954, 3, 1)}
    # Read alone, the timeline knows its own declaration, not the treaty's.
    with pytest.raises(FoedusError) as info:
        read_timeline(RECORD)
    assert "unknown event type 'aggression_not_armed_attack'" in str(info.value)
    assert str(info.value).startswith(f"{RECORD}:")


def test_a_timeline_without_declarations_keeps_the_built_in_vocabulary() -> None:
    timeline = read_timeline(ROOT / "timelines" / "sino_soviet_1950_1980.yaml")
    assert timeline.vocabulary is None


def test_the_record_runs_with_both_declarations() -> None:
    session = api.open_session(RIO, RECORD)
    met = session.outcome(date(1962, 10, 23))
    assert {i.id: i.state for i in met.instances} == {
        "organ-meets/MEX/1962-10-22": "fulfilled", "organ-meets/BRA/1962-10-22": "fulfilled",
        "organ-meets/ARG/1962-10-22": "fulfilled"}
    fulfilled = next(i for i in met.instances if i.id == "organ-meets/MEX/1962-10-22")
    trigger = next(e for e in session.timeline.events if e.id == fulfilled.trigger_event)
    assert (trigger.type, trigger.date, trigger.targets) == ("aggression_not_armed_attack", date(1962, 10, 22),
                                                            ("USA",))
    # the timeline's own type is on the record, and triggers nothing
    conference = next(e for e in session.timeline.events if e.type == "hemispheric_conference")
    assert all(i.trigger_event != conference.id for i in met.instances)


def test_the_stricter_reading_turns_a_late_meeting_into_a_breach(tmp_path: Path) -> None:
    late = tmp_path / "late.yaml"
    text = RECORD.read_text(encoding="utf-8").replace("date: 1962-10-23", "date: 1962-11-05")
    late.write_text(text, encoding="utf-8")
    default = api.open_session(RIO, late).outcome(date(1962, 12, 1))
    strict = api.open_session(RIO, late, "immediately=within-a-week").outcome(date(1962, 12, 1))
    assert {i.state for i in default.instances} == {"fulfilled"}
    assert {i.state for i in strict.instances} == {"violated"}


def test_a_csv_timeline_uses_the_treaty_types_through_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "rio.csv"
    path.write_text(
        "date,type,actors,targets,treaty,source,note,means,continent,convoked_by\n"
        "1947-12-30,ratification,USA,,rio-fixture,fixture,,,,\n"
        "1948-03-05,ratification,BRA,,rio-fixture,fixture,,,,\n"
        "1948-11-23,ratification,MEX,,rio-fixture,fixture,,,,\n"
        "1962-10-22,aggression_not_armed_attack,,BRA,,fixture,,subversion,inside,\n"
        "1962-10-25,organ_of_consultation_met,USA;MEX;BRA,,rio-fixture,fixture,,,,BRA\n",
        encoding="utf-8")
    code, out, err = cli("status", str(RIO), "-e", str(path), "--on", "1962-10-26", "--json")
    assert code == 0, err
    norms = {n["id"]: n["state"] for n in json.loads(out)["norms"]}
    assert norms == {"organ-meets/USA/1962-10-22": "fulfilled", "organ-meets/MEX/1962-10-22": "fulfilled"}
    # a value of the wrong type for a declared attribute: one line naming the row
    bad = tmp_path / "bad.csv"
    bad.write_text(path.read_text(encoding="utf-8").replace(",inside,", ",somewhere,"), encoding="utf-8")
    code, out, err = cli("status", str(RIO), "-e", str(bad), "--on", "1962-10-26")
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"error: {bad}:5") and "continent" in err and "inside" in err and "outside" in err


def test_an_added_event_may_be_of_a_declared_type() -> None:
    code, out, err = cli("status", str(RIO), "-e", str(RECORD), "--on", "1970-03-01", "--json", "--add-event",
                         "1970-01-10 aggression_not_armed_attack targets=ARG means=subversion continent=inside")
    assert code == 0, err
    norms = {n["id"]: n["state"] for n in json.loads(out)["norms"]}
    assert norms["organ-meets/USA/1970-01-10"] == "violated"  # no meeting within thirty days
    code, _, err = cli("status", str(RIO), "--on", "1970-03-01", "--add-event",
                       "1970-01-10 aggression_not_armed_attack targets=ARG continent=nearby")
    assert code == 2 and "continent" in err and "--add-event 1" in err


def test_the_world_reads_a_timeline_with_the_types_of_its_treaties() -> None:
    world = World.load([str(RIO), str(ROOT / "treaties" / "sino_soviet_1950.md")], RECORD)
    assert world.timeline.vocabulary is not None
    assert world.evaluate("rio-fixture", date(1962, 10, 23)).lifecycle.in_force
    assert {i.state for i in world.evaluate("rio-fixture", date(1962, 10, 23)).instances} == {"fulfilled"}


def test_an_act_of_a_declared_type_under_another_treaty_is_not_this_treatys(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    text = RECORD.read_text(encoding="utf-8").replace("    treaty: rio-fixture\n    measures:",
                                                      "    treaty: some-other-pact\n    measures:")
    other.write_text(text, encoding="utf-8")
    with pytest.raises(FoedusError) as info:
        api.open_session(RIO, other)
    assert "some-other-pact" in str(info.value) and "not loaded" in str(info.value)


def test_the_explorer_offers_declared_types_and_saves_them(tmp_path: Path) -> None:
    treaties, timelines, scenarios = tmp_path / "treaties", tmp_path / "timelines", tmp_path / "scenarios"
    for folder in (treaties, timelines, scenarios):
        folder.mkdir()
    shutil.copy(RIO, treaties / RIO.name)
    shutil.copy(RECORD, timelines / RECORD.name)
    app = App(treaties, timelines, scenarios)
    base = {"treaty": RIO.name, "timeline": RECORD.name, "reading": "default"}
    added = [{"date": "1975-05-01", "type": "aggression_not_armed_attack", "targets": "BRA",
              "attributes": {"means": "subversion", "continent": "inside"}}]
    response = app.handle("POST", "/api/status", json.dumps({**base, "on": "1975-07-01", "events": added}).encode())
    assert response.status == 200, response.body
    norms = {n["id"]: n["state"] for n in json.loads(response.body)["status"]["norms"]}
    assert norms["organ-meets/USA/1975-05-01"] == "violated"
    response = app.handle("POST", "/api/save-scenario", json.dumps({**base, "name": "subversion",
                                                                     "events": added}).encode())
    assert response.status == 200, response.body
    saved = yaml.safe_load((scenarios / "subversion.yaml").read_text(encoding="utf-8"))
    # the timeline's own type is declared again; the treaty's come with the treaty
    assert list(saved["event_types"]) == ["hemispheric_conference"]
    model, smap = load_treaty(str(RIO))
    again = read_timeline(scenarios / "subversion.yaml", treaty_vocabulary(model, smap, str(RIO)))
    assert len(again.events) == len(read_timeline(RECORD, treaty_vocabulary(model, smap, str(RIO))).events) + 1


DECLARED = """timeline: t
event_types:
  naval_visit:
    says: a navy visits a port
    scope: world
    actors: [1, 1]
    targets: [1, 1]
    attributes:
      port: {type: text, says: the port}
      ships: {type: number, says: how many ships}
events:
  - {date: 1950-01-01, type: naval_visit, actor: AAA, target: BBB, port: Lisbon, ships: 3}
"""


@pytest.mark.parametrize(("change", "message"), [
    ("ships: 3}", "ships: three}"),
    ("    scope: world\n", "    scope: sometimes\n"),
    ("    actors: [1, 1]\n", "    actors: [2, 1]\n"),
    ("  naval_visit:\n", "  armed_attack:\n"),
    ("      port: {type: text", "      port: {type: place"),
    ("      port: {type: text", "      date: {type: text"),
])
def test_a_bad_declaration_or_value_is_one_line_with_its_place(change: str, message: str) -> None:
    text = DECLARED.replace(change, message)
    if "armed_attack:" in message:
        text = text.replace("type: naval_visit", "type: armed_attack")
    with pytest.raises(FoedusError) as info:
        parse_yaml_timeline(text, "t.yaml")
    line = str(info.value)
    assert "\n" not in line and line.startswith("t.yaml:")
    assert int(line.split(":")[1]) >= 3  # the line of the declaration or of the event, not the file's start


def test_a_declared_type_reads_from_csv_with_a_given_vocabulary() -> None:
    declared = parse_yaml_timeline(DECLARED, "t.yaml")
    assert declared.vocabulary is not None
    csv = "date,type,actors,targets,treaty,source,note,port,ships\n1951-01-01,naval_visit,AAA,BBB,,,,Lisbon,4\n"
    timeline = parse_csv_timeline(csv, "t.csv", declared.vocabulary)
    assert timeline.events[0].attributes == {"port": "Lisbon", "ships": 4}
    with pytest.raises(FoedusError):
        parse_csv_timeline(csv, "t.csv")
