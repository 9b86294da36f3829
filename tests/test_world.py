"""A world of treaty models evaluated together: shared states, relations from treaties in force,
the 1950 treaty's Art. I seeing the US–Japan alliance, Art. III seeing the treaties parties conclude."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import shared_file

from foedus.errors import FoedusError
from foedus.model.events import Timeline
from foedus.model.treaty import Treaty
from foedus.parse.timeline import parse_yaml_timeline
from foedus.world import Pact, World

ROOT = Path(__file__).resolve().parents[1]
TREATIES = ROOT / "treaties"
SINO_SOVIET = str(TREATIES / "sino_soviet_1950.md")
US_JAPAN_1951 = str(TREATIES / "us_japan_1951.md")
US_JAPAN_1960 = str(TREATIES / "us_japan_1960.md")
HISTORY = str(ROOT / "timelines" / "sino_soviet_1950_1980.yaml")



def what_if(attack: str | None, extra: str = "") -> Timeline:
    """The 1950 treaty in force (its ratifications) and, on ``attack``, a US attack on the PRC with war."""
    attack_line = (f"  - {{date: {attack}, type: armed_attack, actor: USA, target: PRC, state_of_war: true, "
                   f"source: what-if}}\n") if attack else ""
    text = (
        "timeline: what-if-us-attack\n"
        "hypothetical: true\n"
        "states:\n"
        "  USA: {name: United States of America, cow: 2, iso3: USA}\n"
        "events:\n"
        "  - {date: 1950-02-14, type: signature, actors: [USSR, PRC], treaty: sino-soviet-1950, source: text}\n"
        "  - {date: 1950-04-11, type: ratification, actor: USSR, treaty: sino-soviet-1950, source: record}\n"
        "  - {date: 1950-04-11, type: ratification, actor: PRC, treaty: sino-soviet-1950, source: record}\n"
        + attack_line + extra
    )
    return parse_yaml_timeline(text, "what-if.yaml")


def model(data: dict[str, object]) -> Treaty:
    base = {"lifecycle": {"entry_into_force": "fixed_date", "entry_into_force_on": "1960-01-01"}}
    return Treaty.model_validate({**base, **data})


def party(pid: str, cow: int | None, **extra: object) -> dict[str, object]:
    return {"id": pid, "name": pid, "cow": cow, **extra}


def mutual_assistance(world: World, attack: str) -> tuple[list[str], list[str]]:
    outcome = world.evaluate("sino-soviet-1950", date(1952, 12, 31))
    triggered = [i.id for i in outcome.instances if i.norm == "mutual-assistance"]
    checks = [c.verdict for c in outcome.trigger_checks if c.norm == "mutual-assistance"]
    return triggered, checks


# --- Art. I sees the US–Japan alliance from its model ---------------------------------------------------


@pytest.mark.parametrize(("attack", "triggered"), [
    ("1952-04-27", False), ("1952-04-28", True), ("1952-05-01", True), ("1951-10-01", False),
])
def test_soviet_duty_is_triggered_only_once_the_security_treaty_is_in_force(attack: str, triggered: bool) -> None:
    models = World.load([SINO_SOVIET, US_JAPAN_1951, US_JAPAN_1960]).models
    world = World.from_models(models, what_if(attack))
    instances, checks = mutual_assistance(world, attack)
    if triggered:
        assert instances == [f"mutual-assistance/USSR/{attack}"]
        assert checks == []
    else:
        assert instances == []
        assert checks == ["not triggered"]
        outcome = world.evaluate("sino-soviet-1950", date(1952, 12, 31))
        check = next(c for c in outcome.trigger_checks if c.norm == "mutual-assistance")
        assert any("allied(event.actor, 'JPN')" in part for part in check.false_parts)


def test_without_the_us_japan_models_the_attack_triggers_nothing() -> None:
    world = World.from_models(World.load([SINO_SOVIET]).models, what_if("1952-05-01"))
    assert mutual_assistance(world, "1952-05-01") == ([], ["not triggered"])


def test_load_with_a_timeline_file_and_a_reading() -> None:
    world = World.load([SINO_SOVIET, US_JAPAN_1951, US_JAPAN_1960], HISTORY,
                       {"sino-soviet-1950": ["late-notice=lapses"]})
    outcome = world.evaluate("sino-soviet-1950", date(1980, 12, 31))
    assert outcome.reading == "late-notice=lapses"
    assert outcome.lifecycle.state == "expired"
    assert outcome.lifecycle.ends_on == date(1980, 4, 11)
    assert world.lifecycles["us-japan-1951"].ends_on == date(1960, 6, 23)
    assert world.lifecycles["us-japan-1960"].in_force_on(date(2000, 1, 1))


# --- WorldFacts -----------------------------------------------------------------------------------


def test_facts_from_the_us_japan_models() -> None:
    world = World.load([US_JAPAN_1951, US_JAPAN_1960])
    facts = world.facts
    assert not facts.allied("USA", "JPN", date(1952, 4, 27))
    assert facts.allied("USA", "JPN", date(1952, 4, 28))
    assert facts.allied("JPN", "USA", date(1960, 6, 22))
    assert facts.pacts("USA", "JPN", date(1960, 6, 22)) == [Pact("us-japan-1951", ("defence", "other"))]
    assert [p.treaty for p in facts.pacts("JPN", "USA", date(1960, 6, 23))] == ["us-japan-1960"]
    assert facts.allied("cow:2", "JPN", date(2020, 1, 1))  # any alias names the state
    assert not facts.allied("USA", "USA", date(2000, 1, 1))
    assert facts.at_war("USA", "JPN", date(2000, 1, 1)) is False
    assert facts.united_with("USA", "JPN", date(1970, 1, 1))
    assert facts.directed_against("USA", "JPN", date(1970, 1, 1)) == []
    spans = facts.spans
    assert [(s.a, s.b, s.start, s.end, s.treaty) for s in spans] == [
        ("JPN", "USA", date(1952, 4, 28), date(1960, 6, 23), "us-japan-1951"),
        ("JPN", "USA", date(1960, 6, 23), None, "us-japan-1960"),
    ]


def test_joined_and_left_bound_the_pairs() -> None:
    pact = model({
        "id": "pact", "title": "A pact",
        "parties": [party("AAA", 1001), party("BBB", 1002, joined="1965-01-01"),
                    party("CCC", 1003, left="1970-01-01")],
        "lifecycle": {"entry_into_force": "fixed_date", "entry_into_force_on": "1960-01-01",
                      "ended_on": "1980-01-01"},
        "norms": [{"id": "d", "kind": "obligation", "category": "consultation", "summary": "s",
                   "bearer": "each party", "counterparty": "the other parties", "threat": ["cow:2000"]}],
    })
    facts = World.from_models([pact]).facts
    assert facts.allied("AAA", "CCC", date(1960, 1, 1))
    assert not facts.allied("AAA", "CCC", date(1970, 1, 1))  # `left` is the first day out
    assert not facts.allied("AAA", "BBB", date(1964, 12, 31))
    assert facts.allied("BBB", "AAA", date(1965, 1, 1))
    assert facts.allied("BBB", "CCC", date(1969, 12, 31))
    assert not facts.allied("AAA", "BBB", date(1980, 1, 1))
    assert facts.directed_against("BBB", "cow:2000", date(1966, 1, 1)) == ["pact"]
    assert facts.directed_against("BBB", "cow:2000", date(1964, 1, 1)) == []
    assert facts.directed_against("CCC", "cow:2000", date(1975, 1, 1)) == []


def test_a_treaty_without_alliance_norms_binds_but_does_not_ally() -> None:
    trade = model({"id": "trade", "title": "Trade", "parties": [party("AAA", 1001), party("BBB", 1002)],
                   "norms": [{"id": "e", "kind": "obligation", "category": "economic", "summary": "s",
                              "bearer": "each party", "counterparty": "the other party"}]})
    facts = World.from_models([trade]).facts
    assert facts.pacts("AAA", "BBB", date(1961, 1, 1)) == [Pact("trade", ("economic",))]
    assert not facts.allied("AAA", "BBB", date(1961, 1, 1))


# --- one registry for the world ---------------------------------------------------------------------


def test_same_cow_code_is_one_state_named_by_the_first_model() -> None:
    imported = model({"id": "atop-like", "title": "Imported", "lifecycle": {
        "entry_into_force": "fixed_date", "entry_into_force_on": "1950-02-14", "ended_on": "1980-04-11"},
        "parties": [party("RUS", 365, iso3="RUS"), party("CHN", 710, iso3="CHN")],
        "norms": [{"id": "d", "kind": "obligation", "category": "defence", "summary": "s",
                   "bearer": "each party", "counterparty": "the other party"}]})
    world = World.from_models([*World.load([SINO_SOVIET]).models, imported], what_if(None))
    assert world.state_id("RUS") == "USSR"
    assert world.state_id("cow:710") == "PRC"
    renamed = next(m for m in world.models if m.id == "atop-like")
    assert [p.id for p in renamed.parties] == ["USSR", "PRC"]
    assert world.facts.pacts("RUS", "CHN", date(1960, 1, 1)) == [
        Pact("atop-like", ("defence",)),
        Pact("sino-soviet-1950", ("consultation", "defence", "economic", "joint_measures", "no_other_alliance",
                                  "notice", "peace_action", "peace_settlement")),
    ]


def test_two_states_with_one_id_are_kept_apart() -> None:
    austria = model({"id": "a", "title": "A", "parties": [party("AUS", 305, iso3="AUT"), party("GMY", 255)]})
    australia = model({"id": "b", "title": "B", "parties": [party("AUS", 900, iso3="AUS"), party("USA", 2)]})
    world = World.from_models([austria, australia])
    assert world.state_id("cow:900") == "AUS-900"
    assert world.state_id("AUS") == "AUS"
    assert world.registry.state("AUS").cow == 305  # type: ignore[union-attr]
    assert world.notes == ["party 'AUS' of b (COW 900) is named AUS-900 in this world: AUS is COW 305"]
    assert [p.id for p in world.models[1].parties] == ["AUS-900", "USA"]


# --- Art. III: the treaties a party concludes ----------------------------------------------------------


def test_art_iii_sees_a_treaty_directed_against_the_other_party() -> None:
    hostile = model({
        "id": "hostile", "title": "A pact against the PRC",
        "parties": [party("USSR", 365), party("XXX", 1234)], "signed": {"date": "1962-03-01", "place": "X"},
        "lifecycle": {"entry_into_force": "signature"},
        "norms": [{"id": "d", "kind": "obligation", "category": "defence", "summary": "s", "threat": ["PRC"],
                   "bearer": "each party", "counterparty": "the other party"}]})
    world = World.from_models([*World.load([SINO_SOVIET]).models, hostile], what_if(None))
    assert world.facts.directed_against("USSR", "PRC", date(1962, 3, 1)) == ["hostile"]
    outcome = world.evaluate("sino-soviet-1950", date(1963, 1, 1))
    art3 = next(i for i in outcome.instances if i.id == "no-hostile-alliance/USSR")
    assert art3.state == "violated"
    assert [(f.event, f.verdict) for f in art3.findings] == [("world:hostile:signed", "breached")]
    event = next(e for e in world.events_for("sino-soviet-1950").events if e.id == "world:hostile:signed")
    assert event.attributes == {"kind": "alliance", "directed_against": ["PRC"]}
    assert event.actors == ("USSR", "XXX")


def test_a_treaty_naming_no_threat_is_directed_against_no_one() -> None:
    neutral = model({
        "id": "friendly", "title": "A friendly pact", "parties": [party("PRC", 710), party("YYY", 4321)],
        "norms": [{"id": "c", "kind": "obligation", "category": "consultation", "summary": "s",
                   "bearer": "each party", "counterparty": "the other party"}]})
    world = World.from_models([*World.load([SINO_SOVIET]).models, neutral], what_if(None))
    outcome = world.evaluate("sino-soviet-1950", date(1961, 1, 1))
    art3 = next(i for i in outcome.instances if i.id == "no-hostile-alliance/PRC")
    assert art3.state == "active"
    assert outcome.events_used == 4  # signature, two ratifications, the derived treaty_signed


def test_a_signature_the_timeline_records_is_not_derived_again() -> None:
    world = World.load([SINO_SOVIET, US_JAPAN_1951, US_JAPAN_1960], HISTORY)
    ids = [e.id for e in world.events_for("sino-soviet-1950").events if e.treaty == "us-japan-1951"]
    assert all(not i.startswith("world:") for i in ids)
    assert "world:us-japan-1960:signed" not in [e.id for e in world.events_for("sino-soviet-1950").events]


# --- bad input ------------------------------------------------------------------------------------


def test_bad_worlds_are_refused_in_one_line() -> None:
    with pytest.raises(FoedusError, match="is also the id of"):
        World.load([US_JAPAN_1951, US_JAPAN_1951])
    with pytest.raises(FoedusError, match="appears twice"):
        World.from_models([*World.load([US_JAPAN_1951]).models] * 2)
    with pytest.raises(FoedusError, match="not in the world"):
        World.load([US_JAPAN_1951], None, {"nope": ["x"]})
    with pytest.raises(FoedusError, match="unknown reading"):
        World.load([SINO_SOVIET], None, {"sino-soviet-1950": ["no-such-reading"]})
    with pytest.raises(FoedusError, match="at least one"):
        World.from_models([])
    conflict = parse_yaml_timeline("timeline: t\nstates:\n  JPN: {name: Japan, cow: 741}\nevents: []\n", "t.yaml")
    with pytest.raises(FoedusError) as info:
        World.from_models(World.load([US_JAPAN_1951]).models, conflict)
    assert str(info.value).startswith("t.yaml: ") and "\n" not in str(info.value)
    world = World.load([US_JAPAN_1951])
    with pytest.raises(FoedusError, match="no treaty"):
        world.evaluate("nope", date(2000, 1, 1))
    with pytest.raises(FoedusError, match="unknown state"):
        world.state_id("ZZZ")


def test_same_inputs_same_world() -> None:
    first = World.load([SINO_SOVIET, US_JAPAN_1951, US_JAPAN_1960], HISTORY)
    second = World.load([SINO_SOVIET, US_JAPAN_1951, US_JAPAN_1960], HISTORY)
    assert first.facts.spans == second.facts.spans
    assert [e.id for e in first.events_for("sino-soviet-1950").events] == \
        [e.id for e in second.events_for("sino-soviet-1950").events]


# --- all ATOP alliances in one world --------------------------------------------------------------


def test_atop_world_point_queries() -> None:
    from foedus.importers.atop import import_atop

    alliances = shared_file("atop/atop5_0_alliance_level.csv")
    states = shared_file("states/states2016.csv")
    imported = import_atop(alliances, None, states)
    world = World.from_models([*World.load([SINO_SOVIET, US_JAPAN_1951, US_JAPAN_1960]).models, *imported.models],
                              what_if(None))
    assert len(world.models) == 768
    facts = world.facts
    assert world.state_id("RUS") == "USSR"
    assert [p.treaty for p in facts.pacts("USSR", "PRC", date(1960, 1, 1))] == ["atop-3200", "sino-soviet-1950"]
    assert [p.treaty for p in facts.pacts("USA", "JPN", date(1955, 1, 1))] == ["atop-3220", "us-japan-1951"]
    assert facts.directed_against("PRC", "JPN", date(1960, 1, 1)) == ["atop-3200", "sino-soviet-1950"]
    # every query answers, and the pacts on a pair are the same whichever side asks
    states_seen = sorted({s.a for s in facts.spans})
    queries = [(a, b, date(1816 + (i * 7) % 200, 1 + i % 12, 1 + i % 28))
               for i, (a, b) in enumerate(zip(states_seen, reversed(states_seen), strict=True))]
    for a, b, d in queries:
        pacts = facts.pacts(a, b, d)
        assert facts.allied(a, b, d) == bool(pacts)
        assert sorted(p.treaty for p in pacts) == sorted(p.treaty for p in facts.pacts(b, a, d))
        # a treaty of `a` directed against `b` is one `a` is a member of on that day
        member_of = {s.treaty for s in facts.spans if s.a == a and s.start <= d and (s.end is None or d < s.end)}
        assert set(facts.directed_against(a, b, d)) <= member_of

SINO_SOVIET_1945 = ROOT / "treaties" / "sino_soviet_1945.md"
BOTH_RATIFIED = (
    "timeline: both-treaties\n"
    "events:\n"
    "  - {date: 1945-08-24, type: ratification, actor: USSR, treaty: sino-soviet-1945, source: record}\n"
    "  - {date: 1945-08-24, type: ratification, actor: CHN, treaty: sino-soviet-1945, source: record}\n"
    "  - {date: 1950-02-14, type: signature, actors: [USSR, PRC], treaty: sino-soviet-1950, source: text}\n"
    "  - {date: 1950-04-11, type: ratification, actor: USSR, treaty: sino-soviet-1950, source: record}\n"
    "  - {date: 1950-04-11, type: ratification, actor: PRC, treaty: sino-soviet-1950, source: record}\n")


def test_a_later_treaty_that_says_it_replaces_one_ends_it_in_a_world(tmp_path: Path) -> None:
    timeline = tmp_path / "both.yaml"
    timeline.write_text(BOTH_RATIFIED, encoding="utf-8")
    world = World.load([str(SINO_SOVIET_1945), str(SINO_SOVIET)], str(timeline))
    life = world.lifecycles["sino-soviet-1945"]
    assert (life.state, life.ends_on, life.end_reason) == ("terminated", date(1950, 4, 11),
                                                           "superseded by sino-soviet-1950")
    outcome = world.evaluate("sino-soviet-1945", date(1951, 1, 1))
    assert outcome.lifecycle.state == "terminated" and not outcome.invalid_acts


def test_the_record_of_a_supersession_decides_over_the_model(tmp_path: Path) -> None:
    timeline = tmp_path / "both.yaml"
    timeline.write_text(BOTH_RATIFIED + "  - {date: 1950-02-14, type: supersession, actors: [USSR, CHN], "
                        "treaty: sino-soviet-1945, by: notes-of-1950, source: the notes of 14 February 1950}\n",
                        encoding="utf-8")
    world = World.load([str(SINO_SOVIET_1945), str(SINO_SOVIET)], str(timeline))
    life = world.lifecycles["sino-soviet-1945"]
    assert (life.ends_on, life.end_reason) == (date(1950, 2, 14), "superseded by notes-of-1950")
