"""Events given on the command line and timelines merged from several files, checked as timelines are."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import ROOT

from foedus.errors import FoedusError
from foedus.what_if import ADDED_SOURCE, merge_timelines, parse_added_event, read_timelines

HISTORY = ROOT / "timelines" / "sino_soviet_1950_1980.yaml"


def test_an_added_event_is_read_like_a_timeline_line() -> None:
    event = parse_added_event('1972-02-27 joint_statement actors=USA,PRC common_interest=true '
                              'note="the Shanghai communiqué"', 3)
    assert (event.id, event.date, event.type, event.actors) == ("added-3", date(1972, 2, 27), "joint_statement",
                                                                ("USA", "PRC"))
    assert event.attributes == {"common_interest": True}
    assert event.note == "the Shanghai communiqué" and event.source == ADDED_SOURCE
    listed = parse_added_event("1978-08-12 treaty_signed actors=PRC,JPN treaty=x directed_against=[USSR]")
    assert listed.attributes["directed_against"] == ["USSR"] and listed.treaty == "x"
    act = parse_added_event("1950-04-11 ratification actor=PRC", 1, treaty="sino-soviet-1950")
    assert act.treaty == "sino-soviet-1950"  # a treaty act concerns the treaty at hand


@pytest.mark.parametrize(("text", "part"), [
    ("1955-06-01", "has no event type"),
    ("1955-06-01 invasion actor=JPN", "unknown event type 'invasion'"),
    ("1955-06-01 armed_attack target=PRC", "armed_attack has 0 actors"),
    ("1955-06-01 armed_attack actor=JPN target=PRC stateofwar=true", "unknown attribute `stateofwar`"),
    ("1955-13-01 armed_attack actor=JPN target=PRC", "impossible date"),
    ("1955-06-01 armed_attack actor=JPN target=PRC oops", "'oops' is not key=value"),
    ("1950-04-11 ratification actor=PRC", "does not say which treaty"),
])
def test_a_bad_added_event_is_one_line_naming_the_option(text: str, part: str) -> None:
    with pytest.raises(FoedusError) as info:
        parse_added_event(text, 2)
    line = info.value.one_line()
    assert line.startswith("--add-event 2: ") and part in line and "\n" not in line


def test_timelines_merge_and_ids_that_collide_are_renamed(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("timeline: a\nstates:\n  JPN: {name: Japan, cow: 740}\nevents:\n"
                 "  - {date: 1955-06-01, type: armed_attack, actor: JPN, target: PRC}\n"
                 "  - {id: raid, date: 1955-06-02, type: armed_attack, actor: JPN, target: PRC}\n", encoding="utf-8")
    b.write_text("timeline: b\nstates:\n  JPN: {name: Japan, cow: 740}\nevents:\n"
                 "  - {date: 1955-06-01, type: armed_attack, actor: JPN, target: USSR}\n"
                 "  - {id: raid, date: 1955-06-02, type: armed_attack, actor: JPN, target: USSR}\n", encoding="utf-8")
    merged = read_timelines([a, b], ["1955-06-03 end_of_war actors=JPN targets=PRC"])
    assert merged is not None and merged.id == "a + b + what-if" and merged.hypothetical
    # a default id another file uses gets a suffix; an id given in both files, the second file's name
    assert sorted((e.id, e.targets) for e in merged.events) == [
        ("1955-06-01-armed-attack-JPN", ("PRC",)), ("1955-06-01-armed-attack-JPN-2", ("USSR",)),
        ("added-1", ("PRC",)), ("b:raid", ("USSR",)), ("raid", ("PRC",))]
    assert list(merged.states) == ["JPN"]
    b.write_text("timeline: b\nstates:\n  JPN: {name: Nippon, cow: 740}\nevents: []\n", encoding="utf-8")
    with pytest.raises(FoedusError, match="state 'JPN' is declared differently"):
        read_timelines([a, b])


def test_one_timeline_alone_is_returned_as_read() -> None:
    from foedus.parse.timeline import read_timeline

    one = read_timeline(HISTORY)
    assert merge_timelines([one]) is one
    assert read_timelines([], []) is None
