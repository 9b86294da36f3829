"""The input layer: limits, the YAML reader, typed event attributes, CSV and Parquet timelines, paths,
error lines and what reaches the terminal."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import pytest
import yaml
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from foedus import api, limits
from foedus.cli import app
from foedus.errors import FoedusError, Location
from foedus.model.events import Vocabulary, vocabulary
from foedus.parse import located_yaml
from foedus.parse.located_yaml import load
from foedus.parse.timeline import parse_csv_timeline, parse_yaml_timeline, read_timeline
from foedus.terminal import printable

sys.path.insert(0, str(ROOT / "bench"))
from gen_timeline import generate, write_csv, write_parquet, write_yaml

FLAGSHIP = ROOT / "treaties" / "sino_soviet_1950.md"
HISTORY = ROOT / "timelines" / "sino_soviet_1950_1980.yaml"
HEAD = ("timeline: t\nstates:\n  JPN: {name: Japan, cow: 740}\nevents:\n"
        "  - {date: 1950-02-14, type: signature, actors: [USSR, PRC], treaty: sino-soviet-1950}\n")


def error(fn: object, *args: object) -> str:
    with pytest.raises(FoedusError) as info:
        fn(*args)  # type: ignore[operator]
    return info.value.one_line()


# --- limits, documented -------------------------------------------------------------------------------


def test_every_limit_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, value in limits.all_limits().items():
        assert f"`{name}`" in readme, f"{name} is not documented in README.md"
        shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        assert shown in readme.split(f"`{name}`", 1)[1].split("\n", 1)[0], f"README gives another value for {name}"


# --- YAML ---------------------------------------------------------------------------------------------


def test_libyaml_reads_when_present() -> None:
    assert bool(getattr(yaml, "__with_libyaml__", False)) == located_yaml.C_PARSER


@pytest.mark.parametrize("path", sorted([*ROOT.glob("timelines/*.yaml"), *ROOT.glob("tests/scenarios/**/*.yaml")])[:20])
def test_the_pure_python_parser_reads_the_same_tree(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")
    fast = load(text, str(path))
    monkeypatch.setattr(located_yaml, "_Loader", yaml.SafeLoader)
    slow = load(text, str(path))
    assert fast[0] == slow[0] and fast[1].positions == slow[1].positions


def test_an_alias_bomb_is_refused_at_once() -> None:
    chain = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    chain += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]" for k in range(1, 12)]
    start = time.process_time()
    message = error(load, "\n".join(chain), "bomb.yaml")
    assert time.process_time() - start < 1
    assert message.startswith("bomb.yaml:4:") and "MAX_ALIAS_NODES = 10,000" in message


def test_aliases_within_the_limits_are_shared_values() -> None:
    tree, smap = load("a: &x {b: 1}\nc: *x\n", "f.yaml")
    assert tree == {"a": {"b": 1}, "c": {"b": 1}} and tree["c"] is tree["a"]
    assert smap.locate(("c", "b")) == Location("f.yaml", 2, 4)  # inside an alias: the alias's position


@pytest.mark.parametrize("text, fault", [
    ("a: &x [1, *x]", "a recursive alias"),
    ("a: *nowhere", "names no anchor"),
    ("a: !!python/object:os.system x", "YAML tag"),
    ("a: 1\n---\nb: 2", "a second YAML document"),
    ("a: " + "9" * 4301, "MAX_NUMBER_DIGITS = 18"),
    ("a: 1" + "0" * 400 + ".5", "MAX_NUMBER_DIGITS = 18"),
    ("a: 1.5e999", "out of range"),
    ("a: " + "[" * 65 + "]" * 65, "MAX_DEPTH = 64"),
    ("a: " + "x" * 100_001, "MAX_SCALAR_CHARS = 100,000"),
    ("? [a]\n: b", "a mapping key must be a plain word"),
    ("a: 1\na: 2", "appears twice"),
])
def test_yaml_faults_are_one_line_errors(text: str, fault: str) -> None:
    message = error(load, text, "f.yaml")
    assert message.startswith("f.yaml:") and fault in message and "\n" not in message


def test_deep_nesting_cannot_crash_the_parser() -> None:
    for opener in ("[", "{a: ", "- "):
        message = error(load, opener * 1_000_000, "deep.yaml")
        assert "MAX_DEPTH" in message or "malformed YAML" in message


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_text_loads_or_gives_one_line(text: str) -> None:
    try:
        load(text, "f.yaml")
    except FoedusError as exc:
        assert "\n" not in exc.one_line()


# --- typed vocabulary and attributes ------------------------------------------------------------------


def test_every_attribute_has_a_type_and_says_what_it_is() -> None:
    vocab = vocabulary()
    assert vocab["forces_stationed"].attributes["until"].type == "date"
    assert vocab["armed_attack"].attributes["state_of_war"].type == "bool"
    assert vocab["armed_clash"].attributes["initiator"].type == "state"
    assert vocab["joint_statement"].attributes["claimed_by"].type == "states"
    assert vocab["treaty_in_force"].attributes["replaces"].type == "names"
    assert vocab["peace_settlement"].attributes["stage"].options == ("signed", "in force")
    assert all(a.says for t in vocab.values() for a in t.attributes.values())


def test_attribute_values_are_stored_typed() -> None:
    timeline = read_timeline(HISTORY)
    by_type = {e.type: e for e in timeline.events}
    assert by_type["assistance_withdrawn"].attributes.get("until") in (None, date(1960, 9, 1))
    stationed = [e for e in timeline.events if e.type == "forces_stationed" and "until" in e.attributes]
    assert stationed[0].attributes["until"] == date(1952, 4, 28)
    settlement = parse_yaml_timeline(HEAD + "  - {date: 1956-10-19, type: peace_settlement, actor: USSR, target: JPN, "
                                     "stage: signed, ends_state_of_war: true, agreed_by: PRC}\n", "t.yaml").events[-1]
    assert settlement.attributes == {"stage": "signed", "ends_state_of_war": True, "agreed_by": ["PRC"]}
    assert by_type["treaty_in_force"].attributes["replaces"] == ["us-japan-1951"]


def test_state_attributes_are_named_canonically_when_bound() -> None:
    text = HEAD + ("  - {date: 1969-03-02, type: armed_clash, actors: [cow:710], targets: [USSR], initiator: cow:710}\n"
                   "  - {date: 1972-02-27, type: joint_statement, actors: [JPN, PRC], claimed_by: cow:365}\n")
    session = api.Session(*_bound(parse_yaml_timeline(text, "t.yaml")))
    clash, statement = [e for e in session.timeline.events if e.type in ("armed_clash", "joint_statement")]
    assert clash.attributes["initiator"] == "PRC" and statement.attributes["claimed_by"] == ["USSR"]


def _bound(timeline: object) -> tuple[object, object]:
    from foedus.compile import compile_treaty
    from foedus.evaluate import bind_timeline
    from foedus.model.load import load_treaty
    model, smap = load_treaty(str(FLAGSHIP))
    compiled = compile_treaty(model, None, smap=smap, file=str(FLAGSHIP))
    return compiled, bind_timeline(compiled, timeline)  # type: ignore[arg-type]


@pytest.mark.parametrize("event, fault", [
    ("{date: 1955-06-01, type: armed_attack, actor: JPN, target: PRC, state_of_war: maybe}", "true or false"),
    ("{date: 1955-06-01, type: armed_attack, actor: JPN, target: PRC, place: no}", "quote it"),
    ("{date: 1955-06-01, type: armed_attack, actor: [[JPN]], target: PRC}", "a single name"),
    ("{date: 1955-06-01, type: armed_attack, actor: JPN, target: PRC, initiator: [JPN, PRC]}", "a single name"),
    ("{date: 1955-06-01, type: peace_settlement, actor: PRC, target: JPN, stage: ratified}", "signed, in force"),
    ("{date: 1955-06-01, type: forces_stationed, actor: JPN, target: PRC, until: 1955}", "must be a date"),
    ("{date: [1955-06-01], type: consultation_held, actors: [USSR, PRC]}", "the date is a list"),
    ("{date: 1955-06-01, type: consultation_held, actors: [USSR, PRC], source: {a: 1}}", "must be text"),
    ("{date: 1955-06-01, type: consultation_held, actors: [USSR, PRC], id: a b}", "not a name"),
    ("{date: 1955-06-01, type: consultation_held, actors: [USSR, PRC], treaty: [x]}", "a single name"),
])
def test_every_field_is_checked_for_its_kind(event: str, fault: str) -> None:
    message = error(parse_yaml_timeline, HEAD + f"  - {event}\n", "t.yaml")
    assert message.startswith("t.yaml:6:") and fault in message


def test_a_vocabulary_can_be_extended_by_declared_types() -> None:
    declared = yaml.safe_load("""
        border_talks:
          says: the parties hold talks on their border
          scope: world
          actors: [2, null]
          targets: [0, 0]
          attributes:
            round: {type: number, says: the round of talks}
            held_on: {type: date, says: the day talks closed}
    """)
    vocab = vocabulary().extended(declared, where=Location("decl.yaml"))
    assert isinstance(vocab, Vocabulary) and "border_talks" in vocab and "border_talks" not in vocabulary()
    text = HEAD + "  - {date: 1969-10-20, type: border_talks, actors: [USSR, PRC], round: 3, held_on: 1969-12-01}\n"
    talks = parse_yaml_timeline(text, "t.yaml", vocabulary=vocab).events[-1]
    assert talks.attributes == {"round": 3, "held_on": date(1969, 12, 1)}
    assert "unknown event type 'border_talks'" in error(parse_yaml_timeline, text, "t.yaml")
    csv = "date,type,actors,round\n1969-10-20,border_talks,USSR;PRC,4\n"
    assert parse_csv_timeline(csv, "t.csv", vocabulary=vocab).events[0].attributes == {"round": 4}


@pytest.mark.parametrize("declared, fault", [
    ({"signature": {"says": "x", "scope": "act", "actors": [1, None], "targets": [0, 0]}}, "already declared"),
    ({"Bad Name": {"says": "x", "scope": "act", "actors": [1, None], "targets": [0, 0]}}, "event type name"),
    ({"talks": {"says": "x", "scope": "nowhere", "actors": [1, None], "targets": [0, 0]}}, "`scope`"),
    ({"talks": {"says": "x", "scope": "world", "actors": [3, 1], "targets": [0, 0]}}, "0 <= min <= max"),
    ({"talks": {"says": "x", "scope": "world", "actors": [1, None], "targets": [0, 0],
                "attributes": {"date": {"type": "date", "says": "x"}}}}, "attribute name 'date'"),
    ({"talks": {"says": "x", "scope": "world", "actors": [1, None], "targets": [0, 0],
                "attributes": {"level": {"type": "choice", "says": "x"}}}}, "needs its `options`"),
    ({"talks": {"says": "x", "scope": "world", "actors": [1, None], "targets": [0, 0],
                "attributes": {"level": {"type": "float", "says": "x"}}}}, "`attributes.level.type`"),
])
def test_declared_types_are_checked_like_the_built_in_ones(declared: dict[str, object], fault: str) -> None:
    message = error(vocabulary().extended, declared)
    assert fault in message


# --- CSV and Parquet ----------------------------------------------------------------------------------


def test_the_three_formats_read_the_same_events(tmp_path: Path) -> None:
    events = generate(300, seed=7)
    readings = [read_timeline(write(events, tmp_path / f"t.{suffix}"))
                for write, suffix in ((write_yaml, "yaml"), (write_csv, "csv"), (write_parquet, "parquet"))]

    def key(e: object) -> tuple[object, ...]:
        return (e.date, e.type, e.actors, e.targets, e.treaty, sorted(e.attributes.items()), e.source)  # type: ignore[attr-defined]

    assert [sorted(map(key, r.events)) for r in readings[1:]] == [sorted(map(key, readings[0].events))] * 2
    status = [api.open_session(FLAGSHIP, tmp_path / f"t.{s}").status("2040-01-01") for s in ("yaml", "csv", "parquet")]
    states = [{(n["id"], n["state"], n["created_on"]) for n in s["norms"]} for s in status]  # event ids follow lines
    assert states[0] == states[1] == states[2] and len(states[0]) > 40


def test_a_csv_with_a_byte_order_mark_reads(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfdate,type,actors,treaty\n1950-02-14,signature,USSR;PRC,sino-soviet-1950\n")
    assert read_timeline(path).events[0].type == "signature"


@pytest.mark.parametrize("text, fault", [
    ("date,type,actors\n1950-02-14,signature,USSR;PRC,x\n", "row has 4 cells"),
    ("date,type,type\n", "appears twice"),
    ("date,type,actor\n", "`actors`"),
    ("date,type,actors,targets,until\n1950-02-14,forces_stationed,USSR,PRC,1952-02-30\n", "impossible date"),
    ("date,type,actors,targets,state_of_war\n1955-06-01,armed_attack,JPN,PRC,perhaps\n", "true or false"),
    ("date,type,actors,targets,initiator\n1955-06-01,armed_attack,JPN,PRC,JPN;PRC\n", "several values"),
    ('date,type\n"1950-02-14,signature\n', "malformed CSV"),
])
def test_csv_faults_are_located(text: str, fault: str) -> None:
    message = error(parse_csv_timeline, text, "t.csv")
    assert message.startswith("t.csv:") and fault in message


def test_a_parquet_timeline_is_checked_like_the_others(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"date": ["1950-02-14", "1952-04-28"], "type": ["signature", "forces_stationed"],
                             "actors": [["USSR", "PRC"], ["USSR"]], "targets": [None, ["PRC"]],
                             "treaty": ["sino-soviet-1950", None], "until": [None, "1952-02-30"]}), path)
    assert error(read_timeline, path).startswith(f"{path}:2: `until`: impossible date '1952-02-30'")
    pq.write_table(pa.table({"date": pa.array([1, 2], pa.timestamp("s")), "type": ["a", "b"]}), path)
    assert "column `date` holds timestamp" in error(read_timeline, path)
    path.write_bytes(b"PAR1 not really")
    assert "not a readable Parquet file" in error(read_timeline, path)


# --- paths -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["status", "{dir}", "--on", "1990-01-01"],
    ["status", str(FLAGSHIP), "--events", "{dir}", "--on", "1990-01-01"],
    ["scenario", "{dir}"],
    ["atop", "import", "{dir}"],
    ["validate", str(FLAGSHIP), "--text", "{dir}"],
    ["status", "{missing}", "--on", "1990-01-01"],
    ["status", str(FLAGSHIP), "--events", "{missing}", "--on", "1990-01-01"],
])
def test_a_folder_or_missing_file_where_a_file_is_expected(tmp_path: Path, args: list[str]) -> None:
    args = [a.format(dir=tmp_path, missing=tmp_path / "nothing.yaml") for a in args]
    result = CliRunner().invoke(app, args)
    assert (result.exit_code == 2 and result.exception is None) or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {tmp_path}"), result.output


def test_an_unreadable_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"timeline: t\nevents: []\n\xff\xfe")
    assert error(read_timeline, path) == f"{path}:3:1: not UTF-8 text (byte 0xff); expected a UTF-8 file"


# --- dates, conditions -----------------------------------------------------------------------------------


def test_the_calendar_edges_give_answers_or_one_line(tmp_path: Path) -> None:
    text = (ROOT / "tests" / "bad_inputs" / "valid_treaty.md").read_text(encoding="utf-8")
    path = tmp_path / "last.md"
    path.write_text(text.replace("date: 1960-06-01", "date: 9999-12-31"), encoding="utf-8")
    assert api.open_session(path).status("1990-01-01")["in_force"] is False
    assert "past the year 9999" in error(api.open_session(path).status, "9999-12-31")


@pytest.mark.parametrize("condition, fault", [
    ("event.amount == " + "9" * 5000, "MAX_NUMBER_DIGITS = 18"),
    ("event.place == '" + "x" * 1001 + "'", "MAX_LITERAL_CHARS = 1,000"),
    (" and ".join(["true"] * 70), "MAX_DEPTH = 64"),
    ("not " * 70 + "true", "MAX_DEPTH = 64"),
    ("x" * 10_001, "MAX_CONDITION_CHARS = 10,000"),
])
def test_conditions_are_bounded(condition: str, fault: str) -> None:
    from foedus.parse.expressions import parse_expression
    assert fault in error(parse_expression, condition, Location("t.md", 3, 7))


# --- what reaches the user ---------------------------------------------------------------------------------


def test_error_lines_are_short_and_printable() -> None:
    exc = FoedusError("bad value " + repr("\x1b[2J" + "x" * 10_000_000), where=Location("f.yaml", 1, 2),
                      expected="one of " + ", ".join(f"option-{i}" for i in range(1000)))
    line = exc.one_line()
    assert len(line) <= len("f.yaml:1:2: ") + limits.MAX_ERROR_LINE_CHARS
    assert line.isprintable() and "\\x1b[2J" in line and "(1000 in all)" in line


def test_control_characters_from_input_files_are_shown_escaped(tmp_path: Path) -> None:
    text = HISTORY.read_text(encoding="utf-8").replace(
        "source: Exchange of instruments of ratification, Peking, 30 September 1950",
        'source: "Exchange \\e[31mof instruments\\x9b2J \\u202e, Peking"')
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    exchange = next(e.id for e in read_timeline(path).events if e.type == "exchange_of_instruments")
    for extra in ([], ["--json"]):
        result = CliRunner().invoke(app, ["explain", str(FLAGSHIP), exchange, "--events", str(path),
                                          "--on", "1990-01-01", *extra])
        assert result.exit_code == 0
        assert "\x1b" not in result.output and "\x9b" not in result.output and "\u202e" not in result.output
        assert "\\x1b[31m" in result.output or "\\u001b[31m" in result.output
    assert printable("a\tb\nc\x1b\x7f\u2066") == "a\tb\nc\\x1b\\u007f\\u2066"
