"""The words foedus speaks in (foedus/report/words.py): small phrases, states by name, events by title
and by a stable id, duties by article and party, conditions as sentences, and a treaty that is not in
force for want of acts on record said so, the same way by every command."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import ROOT
from typer.testing import CliRunner

from foedus.api import empty_timeline, open_session
from foedus.cli import app
from foedus.compile.conditions import Cite, Part
from foedus.model.events import Event
from foedus.parse.timeline import parse_csv_timeline, parse_yaml_timeline, read_parquet_timeline
from foedus.report.words import (
    Names,
    NotInForce,
    Words,
    duty_label,
    event_title,
    not_in_force,
    ordinal,
    term_words,
    type_words,
    value_words,
)

SEED = str(ROOT / "treaties" / "sino_soviet_1950.md")
SEED_EVENTS = str(ROOT / "timelines" / "sino_soviet_1950_1980.yaml")


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


def flat(text: str) -> str:
    """Terminal text with its wrapping undone (rich breaks long lines)."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def names() -> Names:
    return open_session(SEED, SEED_EVENTS).words.names


# --- small words ---------------------------------------------------------------------------------------


def test_terms_and_ordinals_count_from_one() -> None:
    assert [term_words(n) for n in range(3)] == ["first term", "first extension", "second extension"]
    assert [ordinal(n) for n in (1, 12, 20, 21, 22, 23, 111, 112, 113)] == [
        "first", "twelfth", "twentieth", "21st", "22nd", "23rd", "111th", "112th", "113th"]


def test_values_in_words_never_as_python(names: Names) -> None:
    assert value_words(None) == "not recorded"
    assert value_words(True) == "yes" and value_words(False) == "no"
    assert value_words(date(1950, 4, 11)) == "1950-04-11"
    assert value_words(["USSR", "PRC"], names) == "the USSR and the PRC"
    assert value_words(["JPN", "USSR", "PRC"], names) == "Japan, the USSR and the PRC"
    assert value_words([]) == "none"
    assert value_words(3.0) == "3"
    assert type_words("armed_attack") == "armed attack"


def test_states_by_the_names_historians_use(names: Names) -> None:
    assert names.short("USSR") == "the USSR" and names.short("USSR", article=False) == "USSR"
    assert names.short("PRC") == "the PRC"
    assert names.short("JPN") == "Japan"  # JPN abbreviates no words of its name: the name it is
    assert names.label("PRC") == "People's Republic of China (PRC)"
    assert names.bearer("USSR, PRC") == "USSR, PRC"
    assert names.sentence("USSR, PRC") == "the USSR and the PRC"
    assert names.sentence("the other parties") == "the other parties"
    assert Names(extra={"UKG": "United Kingdom"}).short("UKG") == "the United Kingdom"


def test_event_titles(names: Names) -> None:
    attack = Event("x", date(1955, 6, 1), "armed_attack", ("JPN",), ("PRC",))
    assert event_title(attack, names) == "Armed attack by Japan on the PRC, 1955-06-01"
    assert event_title(attack, names, with_date=False) == "Armed attack by Japan on the PRC"
    ratified = Event("y", date(1950, 4, 11), "ratification", ("USSR",), treaty="sino-soviet-1950")
    assert event_title(ratified, names) == "Ratification by the USSR, 1950-04-11"
    agreed = Event("z", date(1950, 2, 14), "economic_agreement", ("USSR", "PRC"))
    assert event_title(agreed, names) == "Economic agreement between the USSR and the PRC, 1950-02-14"
    titled = Event("w", date(1978, 8, 12), "treaty_signed", ("PRC", "JPN"),
                   title="Sino-Japanese Treaty of Peace and Friendship")
    assert event_title(titled, names) == "Sino-Japanese Treaty of Peace and Friendship, 1978-08-12"


def test_duties_by_article_and_party(names: Names) -> None:
    assert duty_label("V", "USSR", "economic assistance", names) == "Art. V — USSR: economic assistance"
    assert duty_label("IV", "PRC", "consultation", names, since=date(1972, 2, 27)) == \
        "Art. IV — PRC: consultation (1972-02-27)"
    assert duty_label("preamble", "JPN", "peace", names) == "Japan: peace"
    labels = [n["label"] for n in json.loads(cli("status", SEED, "-e", SEED_EVENTS, "--on", "1973-01-01",
                                                 "--json"))["norms"]]
    assert "Art. V — USSR: economic assistance" in labels
    assert "Art. IV — PRC: consultation (1972-02-27)" in labels


# --- conditions as sentences -----------------------------------------------------------------------------


def test_a_false_relation_cites_the_event_that_made_it_true_only_later(names: Names) -> None:
    in_force = Event("1952-04-28-treaty-in-force-USA", date(1952, 4, 28), "treaty_in_force", ("USA", "JPN"),
                     treaty="us-japan-1951", title="Entry into force of the Security Treaty")
    words = Words(names, events={in_force.id: in_force})
    part = Part("allied(event.actor, 'JPN')", False, {"event.actor": "USA", "allied(event.actor, 'JPN')": False},
                {"allied(event.actor, 'JPN')": Cite(treaty="us-japan-1951", event=in_force.id)})
    attack = Event("a", date(1951, 6, 1), "armed_attack", ("USA",), ("PRC",))
    said = words.part(part, date(1951, 6, 1), attack)
    assert said == ("the attacker (the USA) was not allied with Japan on 1951-06-01 (Entry into force of the "
                    "Security Treaty came only on 1952-04-28)")


def test_an_unknown_part_says_which_fact_the_record_lacks(names: Names) -> None:
    words = Words(names)
    attack = Event("a", date(1955, 6, 1), "armed_attack", ("JPN",), ("PRC",))
    part = Part("event.state_of_war == true", None, {"event.state_of_war": None})
    assert words.part(part, attack.date, attack) == \
        "the record does not say whether the attack brought a state of war"


def test_a_guard_for_a_field_the_record_may_lack_is_not_said(names: Names) -> None:
    """`not has('stage') or event.stage != 'in force'` is false when the stage is 'in force': that is the reason;
    that the record gives a stage follows from it."""
    words = Words(names)
    settlement = Event("s", date(1956, 10, 19), "peace_settlement", ("USSR",), ("JPN",),
                       attributes={"stage": "in force"})
    part = Part("not has('stage') or event.stage != 'in force'", False,
                {"has('stage')": True, "event.stage": "in force", "event.stage != 'in force'": False})
    said = words.part(part, settlement.date, settlement)
    assert said == "the stage is 'in force'", said
    out = flat(cli("explain", str(SEED), "consultation", "--events", str(SEED_EVENTS), "--on", "1990-01-01"))
    assert "not triggered — the stage is 'in force'" in out and "the record gives the stage" not in out


def test_explanations_speak_of_states_and_days_and_keep_the_code_for_verbose() -> None:
    args = ["explain", SEED, "mutual-assistance", "-e", SEED_EVENTS, "--on", "1953-12-31"]
    said = flat(cli(*args, "--add-event", "1951-06-01 armed_attack actor=USA target=PRC state_of_war=true"))
    assert "Armed attack by the USA on the PRC, 1951-06-01: not triggered" in said
    assert "the attacker (the USA) was not allied with Japan on 1951-06-01" in said
    open_ = flat(cli(*args, "--add-event", "1953-06-01 armed_attack actor=USA target=PRC"))
    assert "undetermined — the record does not say whether the state attacked (the PRC) and the attacker " \
           "(the USA) were at war on 1953-06-01" in open_
    verbose = flat(cli(*args, "--add-event", "1953-06-01 armed_attack actor=USA target=PRC", "--verbose"))
    assert "at_war(event.target, event.actor)" in verbose


# --- events: a stable id, never a line; an optional title -----------------------------------------------

YAML = """\
timeline: t
events:
  - {date: 1950-02-14, type: signature, actors: [USSR, PRC], treaty: sino-soviet-1950, source: s}
  - {date: 1950-04-11, type: ratification, actor: USSR, treaty: sino-soviet-1950, source: s}
  - {date: 1950-04-11, type: ratification, actor: USSR, treaty: other-treaty, source: s}
  - {date: 1950-04-11, type: ratification, actor: PRC, treaty: sino-soviet-1950, source: s, id: prc-ratifies}
  - {date: 1978-08-12, type: treaty_signed, actors: [PRC, JPN], treaty: sino-japanese-1978, source: s,
     title: Sino-Japanese Treaty of Peace and Friendship}
"""
IDS = ["1950-02-14-signature-USSR", "1950-04-11-ratification-USSR", "1950-04-11-ratification-USSR-2",
       "prc-ratifies", "1978-08-12-treaty-signed-PRC"]


def test_default_ids_are_made_of_date_type_and_actor_unique_and_kept_as_given() -> None:
    events = parse_yaml_timeline(YAML, "t.yaml").events
    assert [e.id for e in events] == IDS
    assert [e.line for e in events] == [3, 4, 5, 6, 7]  # the line stays known, in the event, never in its id
    assert events[-1].title == "Sino-Japanese Treaty of Peace and Friendship"
    assert events[0].title is None


def test_default_ids_do_not_move_when_the_file_does() -> None:
    """Lines added above the events change every line number and no id."""
    moved = YAML.replace("events:\n", "description: the same events, further down\n# a comment\n\nevents:\n")
    events = parse_yaml_timeline(moved, "t.yaml").events
    assert [e.id for e in events] == IDS
    assert [e.line for e in events] == [6, 7, 8, 9, 10]
    assert not any(re.fullmatch(r"[LE]\d+|yaml:\d+", e.id) for e in events)


def test_csv_and_parquet_give_the_same_ids_and_titles(tmp_path: Path) -> None:
    csv = ("date,type,actors,targets,treaty,source,note,id,title\n"
           "1950-02-14,signature,USSR;PRC,,sino-soviet-1950,s,,,\n"
           "1950-04-11,ratification,USSR,,sino-soviet-1950,s,,,\n"
           "1950-04-11,ratification,USSR,,other-treaty,s,,,\n"
           "1950-04-11,ratification,PRC,,sino-soviet-1950,s,,prc-ratifies,\n"
           "1978-08-12,treaty_signed,PRC;JPN,,sino-japanese-1978,s,,,Sino-Japanese Treaty of Peace and Friendship\n")
    from_csv = parse_csv_timeline(csv, "t.csv").events
    assert [e.id for e in from_csv] == IDS
    assert from_csv[-1].title == "Sino-Japanese Treaty of Peace and Friendship" and from_csv[0].title is None
    table = pa.table({
        "date": [e.date for e in from_csv], "type": [e.type for e in from_csv],
        "actors": [list(e.actors) for e in from_csv], "treaty": [e.treaty for e in from_csv],
        "source": ["s"] * 5, "id": [None, None, None, "prc-ratifies", None],
        "title": [None, None, None, None, "Sino-Japanese Treaty of Peace and Friendship"]})
    pq.write_table(table, tmp_path / "t.parquet")
    from_parquet = read_parquet_timeline(tmp_path / "t.parquet").events
    assert [e.id for e in from_parquet] == IDS
    assert [e.title for e in from_parquet] == [e.title for e in from_csv]


def test_the_title_names_the_event_everywhere(tmp_path: Path) -> None:
    """A timeline's title is what the terminal, the JSON and the page call the event; the id and the line
    stay in the JSON."""
    timeline = tmp_path / "titled.yaml"
    timeline.write_text(Path(SEED_EVENTS).read_text(encoding="utf-8") + (
        "  - {date: 1978-09-01, type: treaty_signed, actors: [PRC, JPN], treaty: sino-japanese-1978,\n"
        "     title: Sino-Japanese Treaty of Peace and Friendship, source: invented for the test,\n"
        "     directed_against: [USSR], common_interest: true}\n"), encoding="utf-8")
    args = ["-e", str(timeline), "--on", "1979-01-01"]
    eid = "1978-09-01-treaty-signed-PRC"
    data = json.loads(cli("explain", SEED, eid, *args, "--json"))
    event = data["event"]
    assert event["id"] == eid and event["given_title"] == "Sino-Japanese Treaty of Peace and Friendship"
    assert event["title"] == "Sino-Japanese Treaty of Peace and Friendship, 1978-09-01"
    assert event["file"] == str(timeline) and isinstance(event["line"], int)
    assert "Sino-Japanese Treaty of Peace and Friendship" in flat(cli("run", SEED, *args))
    page = tmp_path / "page.html"
    cli("report", SEED, *args, "--out", str(page))
    assert "Sino-Japanese Treaty of Peace and Friendship" in page.read_text(encoding="utf-8")


# --- never a confident "not in force" -------------------------------------------------------------------

SAID = ("Sino-Soviet Treaty of 1950: not in force — no ratification on record "
        "(give --events with a timeline that records it)")


def test_not_in_force_without_a_record_says_why() -> None:
    lc: Any = open_session(SEED, None).outcome(date(1955, 6, 10)).lifecycle
    found = not_in_force("sino-soviet-1950", "Sino-Soviet Treaty of 1950", "ratification_by_all", lc,
                         timeline_given=False)
    assert found == NotInForce("sino-soviet-1950", "Sino-Soviet Treaty of 1950", "no ratification on record",
                               "give --events with a timeline that records it")
    assert found.sentence() == SAID
    assert found.sentence(verbose=True).startswith("Sino-Soviet Treaty of 1950 (sino-soviet-1950): not in force")
    assert found.record()["sentence"] == SAID


@pytest.mark.parametrize("command", ["status", "run", "explain", "compare", "report"])
def test_every_single_treaty_command_says_it(command: str, tmp_path: Path) -> None:
    args = {"status": ["status", SEED], "run": ["run", SEED], "explain": ["explain", SEED, "treaty"],
            "compare": ["compare", SEED, "-r", "term-start=entry-into-force", "-w", "term-start=signature"],
            "report": ["report", SEED, "--out", str(tmp_path / "page.html")]}[command] + ["--on", "1955-06-10"]
    out = cli(*args)
    text = (tmp_path / "page.html").read_text(encoding="utf-8") if command == "report" else out
    assert SAID in flat(html.unescape(text))
    if command != "report":
        data = json.loads(cli(*args, "--json"))
        assert data["not_in_force"]["sentence"] == SAID
        assert data["not_in_force"]["reason"] == "no ratification on record"


def test_a_partial_record_names_what_is_missing(tmp_path: Path) -> None:
    timeline = tmp_path / "half.yaml"
    timeline.write_text(
        "timeline: half\nevents:\n"
        "  - {date: 1950-02-14, type: signature, actors: [USSR, PRC], treaty: sino-soviet-1950, source: s}\n"
        "  - {date: 1950-04-11, type: ratification, actor: USSR, treaty: sino-soviet-1950, source: s}\n",
        encoding="utf-8")
    data = json.loads(cli("status", SEED, "-e", str(timeline), "--on", "1955-06-10", "--json"))
    assert data["in_force"] is False
    assert data["not_in_force"]["reason"] == "no ratification by the PRC on record"
    assert data["not_in_force"]["hint"] == "the timelines given do not record it"
    assert "not in force — no ratification by the PRC on record" in flat(
        cli("status", SEED, "-e", str(timeline), "--on", "1955-06-10"))


def test_a_record_that_brings_it_into_force_later_says_when() -> None:
    data = json.loads(cli("status", SEED, "-e", SEED_EVENTS, "--on", "1950-03-01", "--json"))
    assert data["not_in_force"]["hint"] == "the record brings it into force on 1950-04-11"
    assert json.loads(cli("status", SEED, "-e", SEED_EVENTS, "--on", "1955-06-10", "--json"))["not_in_force"] is None


def test_the_world_commands_say_it_in_the_same_words() -> None:
    """One function says it for the world and for one treaty: the same sentence, the same record."""
    from foedus.world.view import open_world

    view = open_world([Path(SEED)], empty_timeline())
    assert [n.sentence() for n in view.not_in_force] == [SAID]
    text = flat(cli("world", "in-force", "-t", SEED, "--on", "1955-06-10"))
    assert f"warning: {SAID}" in text
    data = json.loads(cli("world", "in-force", "-t", SEED, "--on", "1955-06-10", "--json"))
    single = json.loads(cli("status", SEED, "--on", "1955-06-10", "--json"))
    assert data["not_in_force"] == [single["not_in_force"]]


# --- every model explains itself --------------------------------------------------------------------------


def _unsaid(treaty: Any) -> list[str]:
    """The triggers and act patterns of a model without a `says` sentence."""
    out = []
    for n in treaty.norms:
        if n.trigger is not None and not n.trigger.says:
            out.append(f"{n.id}: trigger")
        for kind in ("fulfilled_by", "honoured_by", "violated_by", "discharged_by", "ends_with"):
            out += [f"{n.id}: {kind}[{i}]" for i, act in enumerate(getattr(n, kind)) if not act.says]
    return out


@pytest.mark.parametrize("path", sorted((ROOT / "treaties").glob("*.md")), ids=lambda p: p.name)
def test_every_trigger_and_act_of_the_repository_models_says_what_it_is(path: Path) -> None:
    from foedus.model.load import load_treaty

    treaty, _ = load_treaty(path)
    assert _unsaid(treaty) == []
    assert all(n.summary for n in treaty.norms)


def test_the_atop_import_writes_its_sentences(tmp_path: Path) -> None:
    from test_plain_output import ATOP_HEADER, ATOP_ROWS

    from foedus.importers.atop import import_atop

    path = tmp_path / "alliances.csv"
    path.write_text("\n".join([ATOP_HEADER, *ATOP_ROWS]) + "\n", encoding="utf-8")
    models = import_atop(path)
    assert len(models) == len(ATOP_ROWS)
    for atopid in (9001, 9003, 9005):
        treaty = models.model(atopid)
        assert treaty.norms and _unsaid(treaty) == []
