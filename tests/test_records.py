"""Wars and disputes as foedus events: participation, derived relations, unknown days, timelines."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from helpers import shared_file
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.errors import FoedusError
from foedus.evaluate.relations import TimelineFacts
from foedus.importers.atop_csv import PartialDate
from foedus.importers.cow_states import read_states
from foedus.importers.cow_wars import read_war_dyads, read_war_years
from foedus.importers.records import (
    DateRange,
    WarRecord,
    dispute_relations,
    load_disputes,
    load_wars,
    records_timeline,
    rows_frame,
    timeline_csv,
    war_record,
    war_relations,
    write_timeline,
)
from foedus.model.events import Event, vocabulary
from foedus.parse.timeline import read_timeline

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "records"
STATES = FIXTURES / "states.csv"


def wars(unknown_day: str = "first", annual: bool = True, states: bool = True) -> WarRecord:
    return load_wars(FIXTURES / "war_dyads.csv", FIXTURES / "war_years.csv" if annual else None,
                     STATES if states else None, unknown_day=unknown_day)  # type: ignore[arg-type]


def by_id(events: tuple[Event, ...] | list[Event]) -> dict[str, Event]:
    return {e.id: e for e in events}


def brief(e: Event) -> tuple[object, ...]:
    return (e.date.isoformat(), e.type, e.actors, e.targets)


def check_vocabulary(events: list[Event]) -> None:
    vocab = vocabulary()
    for e in events:
        kind = vocab[e.type]
        assert kind.scope == "world"
        assert set(e.attributes) <= set(kind.attributes), e
        low, high = kind.actors
        assert low <= len(e.actors) and (high is None or len(e.actors) <= high)
        low, high = kind.targets
        assert low <= len(e.targets) and (high is None or len(e.targets) <= high)
        assert e.source and e.note and "date_precision" in e.attributes


# --- wars: participation -----------------------------------------------------------------------------


def test_participants_enter_and_leave_on_the_days_the_annual_file_gives() -> None:
    record = wars()
    assert record.warnings == ()
    assert record.wars == (900, 901, 902) and len(record.participants) == 10 and len(record.pairs) == 8
    events = by_id(record.events)
    germany = events["cow-war-900/joined/255"]
    assert brief(germany) == ("1914-08-01", "war_joined", ("GMY",), ("USA",))
    assert germany.attributes == {"war": "cow-war-900", "war_name": "Alpha War 1914-1915", "side": "2",
                                  "initiator": True, "joiner": False, "date_precision": "day",
                                  "against_initiator": False, "allies": [], "allies_possible": [],
                                  "opponents": ["USA", "UKG", "FRN", "ITA"], "left_on": date(1915, 6, 30),
                                  "ends_on": date(1915, 6, 30)}
    assert germany.source == ("COW Inter-State War v4.0: war_dyads.csv line 2; date: war_years.csv line 2")
    assert germany.note == ("Germany enters Alpha War 1914-1915 on side 2 as an initiator of the war, at war with "
                            "United States of America, on 1914-08-01.")
    # The United States is only ever a target in the annual file: its entry is the row that names it.
    assert brief(events["cow-war-900/joined/2"]) == ("1914-08-01", "war_joined", ("USA",), ("GMY",))
    assert "joiner" not in events["cow-war-900/joined/2"].attributes
    uk = events["cow-war-900/joined/200"]
    assert brief(uk) == ("1914-09-01", "war_joined", ("UKG",), ("GMY",)) and uk.attributes["joiner"] is True
    # The United Kingdom enters beside the United States, already at war, against the initiator's side.
    assert (uk.attributes["against_initiator"], uk.attributes["allies"]) == (True, ["USA"])
    # France's entry is known only to the year: whether the others were in on its day is not certain.
    france = events["cow-war-900/joined/220"].attributes
    assert (france["allies"], france["allies_possible"]) == ([], ["USA", "UKG", "ITA"])
    left = events["cow-war-900/left/255"]
    assert brief(left) == ("1915-06-30", "war_left", ("GMY",), ())
    assert left.attributes == {"war": "cow-war-900", "side": "2", "outcome": 2, "date_precision": "day"}
    assert left.note == "Germany leaves Alpha War 1914-1915 on 1915-06-30 (loser)."
    check_vocabulary(list(record.events))


def test_a_state_that_changes_sides_enters_twice() -> None:
    events = by_id(wars().events)
    assert brief(events["cow-war-900/joined/325"]) == ("1914-10-01", "war_joined", ("ITA",), ("USA", "UKG"))
    assert events["cow-war-900/joined/325"].attributes["side"] == "2"
    assert events["cow-war-900/left/325"].attributes["outcome"] == 8  # changed sides
    again = events["cow-war-900/joined/325/2"]
    assert brief(again) == ("1915-03-01", "war_joined", ("ITA",), ("GMY",)) and again.attributes["side"] == "1"
    # Each stretch names its own opponents and its own exit; the war's end is the same for both.
    first = events["cow-war-900/joined/325"].attributes
    assert (first["opponents"], first["left_on"], first["ends_on"]) == (
        ["USA", "UKG"], date(1914, 12, 31), date(1915, 6, 30))
    assert (again.attributes["opponents"], again.attributes["left_on"]) == (["GMY"], date(1915, 6, 30))


def test_a_war_resumed_after_a_break_gives_two_stretches() -> None:
    events = by_id(wars().events)
    stretches = [brief(events[i])[:2] for i in ("cow-war-902/joined/255", "cow-war-902/left/255",
                                                "cow-war-902/joined/255/2", "cow-war-902/left/255/2")]
    assert stretches == [("1848-04-10", "war_joined"), ("1848-08-26", "war_left"),
                         ("1849-03-25", "war_joined"), ("1849-07-10", "war_left")]
    assert "outcome" not in events["cow-war-902/left/255"].attributes  # the outcome belongs to the last exit
    assert events["cow-war-902/left/255/2"].attributes["outcome"] == 1


def test_a_date_known_only_to_the_year_under_both_rules() -> None:
    # France has no annual row: its entry and exit are known to the year; its exit is no later than
    # the last of its opponents' (Germany leaves on 1915-06-30).
    first = by_id(wars("first").events)
    interval = by_id(wars("interval").events)
    assert first["cow-war-900/joined/220"].date == interval["cow-war-900/joined/220"].date == date(1915, 1, 1)
    assert first["cow-war-900/joined/220"].attributes["date_precision"] == "year"
    assert "date_latest" not in first["cow-war-900/joined/220"].attributes
    assert interval["cow-war-900/joined/220"].attributes["date_latest"] == date(1915, 12, 31)
    assert interval["cow-war-900/left/220"].attributes["date_latest"] == date(1915, 6, 30)
    assert interval["cow-war-900/joined/255"].attributes["date_latest"] == date(1914, 8, 1)  # exact: the same day
    assert first["cow-war-900/joined/220"].note.endswith("in 1915 (the day is not recorded).")


def test_without_the_annual_file_every_date_is_a_year() -> None:
    record = wars(annual=False)
    assert {e.attributes["date_precision"] for e in record.events} == {"year"}
    assert "war_name" not in by_id(record.events)["cow-war-900/joined/255"].attributes
    assert by_id(record.events)["cow-war-900/joined/255"].note.startswith("Germany enters COW war 900 on side 2")


def test_without_the_states_file_states_are_named_by_code() -> None:
    record = wars(states=False)
    assert brief(by_id(record.events)["cow-war-900/joined/255"])[2:] == (("COW255",), ("COW2",))
    assert record.states["COW255"].name == "COW state 255" and record.states["COW255"].cow == 255


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(FoedusError) as info:
        wars("last")
    assert info.value.one_line() == "unknown_day: unknown rule 'last' for unknown days; expected first or interval"


def test_contradictory_war_rows_are_reported() -> None:
    dyads, years = FIXTURES / "war_dyads_contradictory.csv", FIXTURES / "war_years_contradictory.csv"
    record = load_wars(dyads, years, STATES)
    text = "\n".join(record.warnings)
    assert f"{dyads}:2: Italy (325) is on both sides of the Gamma 1916 war at once: side 1 1916-01-10..1916-06-30 " \
           "and side 2 1916-03-01..1916-09-30" in text
    assert f"{dyads}:6: Bavaria (245) is not a member of the state system when it enters the Gamma 1916 war" in text
    assert f"{years}:5: France (220) against France (220) in 1916 is not a dyad of the dyad file" in text
    # A row whose code is another state's name is left out, and said to be, even when the annual file
    # was read without the state system.
    greece = (f"{years}:7: init_ccode 325 is Italy in {STATES}, but the row names it 'Greece', the name of COW "
              "code 350; the row is not used for events")
    assert record.warnings.count(greece) == 1
    unchecked = war_record(read_war_dyads(dyads), read_war_years(years), states=read_states(STATES))
    assert unchecked.warnings.count(greece) == 1
    # Bavaria is reported, and still a participant with its events.
    assert "cow-war-903/joined/245" in by_id(record.events)
    assert {p.ccode for p in record.participants} == {2, 220, 245, 325, 365, 640}


# --- wars: derived relations -------------------------------------------------------------------------


def test_attacks_follow_the_initiator_code_and_the_annual_direction() -> None:
    relations = by_id(war_relations(wars()))
    # Germany (initiator) entered against the United States: an attack.
    attack = relations["cow-war-900/attack/255-2"]
    assert brief(attack) == ("1914-08-01", "armed_attack", ("GMY",), ("USA",))
    assert attack.attributes == {"war": "cow-war-900", "state_of_war": True, "date_precision": "day"}
    assert "the annual file records Germany entering the war against United States of America" in attack.note
    # The United Kingdom entered against Germany: it joined, it was not attacked.
    assert brief(relations["cow-war-900/war/200-255"]) == ("1914-09-01", "state_of_war", ("UKG",), ("GMY",))
    # France joined later with no annual row: no attack either.
    assert relations["cow-war-900/war/220-255"].type == "state_of_war"
    # Neither Italy nor the United States initiated.
    assert relations["cow-war-900/war/2-325"].type == "state_of_war"
    # Two states, dates known to the year: the war began as Russia (the initiator) entered it.
    assert brief(relations["cow-war-901/attack/365-640"]) == ("1877-01-01", "armed_attack", ("RUS",), ("TUR",))
    # A resumed war is not a new attack.
    assert relations["cow-war-902/attack/255-390"].date == date(1848, 4, 10)
    assert relations["cow-war-902/war/255-390/2"].type == "state_of_war"
    assert not any(i.startswith("cow-war-902/attack/255-390/") for i in relations)
    ends = {i: e.date.isoformat() for i, e in relations.items() if e.type == "end_of_war"}
    assert ends["cow-war-900/end/255-2"] == "1915-06-30" and ends["cow-war-900/end/2-325"] == "1914-12-31"
    assert ends["cow-war-902/end/255-390"] == "1848-08-26" and ends["cow-war-902/end/255-390/2"] == "1849-07-10"
    assert len([e for e in relations.values() if e.type == "armed_attack"]) == 3
    check_vocabulary(list(relations.values()))


def test_at_war_is_answered_from_the_derived_events() -> None:
    record = wars()
    facts = TimelineFacts.from_events(records_timeline([*record.events, *war_relations(record)]).events)
    assert facts.at_war("GMY", "USA", date(1914, 7, 31)) is False
    assert facts.at_war("GMY", "USA", date(1914, 8, 1)) is True
    assert facts.at_war("USA", "GMY", date(1915, 6, 29)) is True
    assert facts.at_war("GMY", "USA", date(1915, 6, 30)) is False
    assert facts.at_war("GMY", "DEN", date(1848, 12, 1)) is False  # the 1848-1849 break
    assert facts.at_war("GMY", "DEN", date(1849, 5, 1)) is True
    assert facts.at_war("USA", "UKG", date(1915, 1, 1)) is False  # same side


# --- disputes ----------------------------------------------------------------------------------------


def disputes(unknown_day: str = "first") -> tuple[dict[str, Event], dict[str, Event]]:
    record = load_disputes(FIXTURES / "mida.csv", FIXTURES / "midb.csv", STATES, unknown_day=unknown_day)  # type: ignore[arg-type]
    return by_id(record.events), by_id(dispute_relations(record))


def test_unknown_start_day_of_a_dispute_under_both_rules() -> None:
    first, _ = disputes("first")
    interval, _ = disputes("interval")
    for events in (first, interval):
        assert events["mid-1/joined/2"].date == date(1902, 7, 1)
        assert events["mid-1/joined/2"].attributes["date_precision"] == "month"
        assert events["mid-1/left/2"].attributes["date_precision"] == "day"
    assert "date_latest" not in first["mid-1/joined/2"].attributes
    assert interval["mid-1/joined/2"].attributes["date_latest"] == date.fromisoformat("1902-07-31")
    assert first["mid-1/joined/2"].note == (
        "United States of America joins MID 1 on side A, as an originator, against United Kingdom, in 1902-07 "
        "(the day is not recorded); its hostility level: display of force.")


def test_dispute_participation_events() -> None:
    events, _ = disputes()
    usa = events["mid-1/joined/2"]
    assert brief(usa) == ("1902-07-01", "dispute_joined", ("USA",), ("UKG",))
    assert usa.attributes == {"dispute": "mid-1", "side": "A", "originator": True, "hostility": 3,
                              "highest_action": 7, "fatality": 0, "date_precision": "month", "initiator": True,
                              "dispute_hostility": 3, "against_initiator": False, "allies": [],
                              "allies_possible": [], "opponents": ["UKG"], "left_on": date(1903, 1, 24),
                              "ends_on": date(1903, 1, 24)}
    # France joins side B a month later, beside Turkey; it faces every participant of side A.
    france = events["mid-2/joined/220"].attributes
    assert (france["against_initiator"], france["initiator"], france["allies"], france["opponents"]) == (
        True, False, ["TUR"], ["RUS"])
    assert usa.source == "MID 5.0: midb.csv line 2"
    assert brief(events["mid-2/joined/220"]) == ("1913-06-01", "dispute_joined", ("FRN",), ("RUS",))
    # Dispute 4 is ongoing at the end of the data: its participants do not leave.
    assert "mid-4/joined/325" in events and "mid-4/left/325" not in events
    assert not {"left_on", "ends_on"} & set(events["mid-4/joined/325"].attributes)
    check_vocabulary(list(events.values()))


def test_dispute_attacks_and_wars() -> None:
    _, relations = disputes()
    # A side-A originator that used force, against the side-B originator; not against a joiner.
    attack = relations["mid-2/attack/365-640"]
    assert brief(attack) == ("1913-05-02", "armed_attack", ("RUS",), ("TUR",))
    assert attack.attributes == {"dispute": "mid-2", "state_of_war": False, "date_precision": "day"}
    assert not any(i.startswith("mid-2/") and "220" in i for i in relations)
    # Hostility level 5 on both sides: a war, ended when the first leaves.
    assert relations["mid-3/attack/255-390"].attributes["state_of_war"] is True
    assert brief(relations["mid-3/war/255-325"]) == ("1948-06-01", "state_of_war", ("GMY",), ("ITA",))
    assert relations["mid-3/end/255-325"].date == date(1948, 7, 10)
    assert relations["mid-3/end/255-390"].date == date(1948, 8, 1)  # August 1948, day unknown
    # No militarized action by side A's originator (hostility 3): no attack in dispute 1.
    assert not any(i.startswith("mid-1/") for i in relations)
    assert "mid-4/attack/325-350" in relations and "mid-4/end/325-350" not in relations
    check_vocabulary(list(relations.values()))


def test_a_repeated_participant_row_is_reported_and_used_once() -> None:
    path = FIXTURES / "midb_contradictory.csv"
    record = load_disputes(FIXTURES / "mida.csv", path, STATES)
    assert f"{path}:10: state 640 in dispute 2 repeats line 7 (same side and dates); the row is not used" \
        in record.warnings
    assert [e.id for e in record.events if e.actors == ("TUR",)] == ["mid-2/joined/640", "mid-2/left/640"]
    # Still an event for every other row, even a contradictory one, and a timeline without duplicates.
    assert {e.id for e in record.events if e.type == "dispute_joined"} == {
        "mid-1/joined/2", "mid-1/joined/200", "mid-1/joined/245", "mid-1/joined/200/2", "mid-2/joined/365",
        "mid-2/joined/640", "mid-2/joined/220", "mid-9/joined/390"}
    records_timeline([*record.events, *dispute_relations(record)], record.states)


# --- timelines ---------------------------------------------------------------------------------------


def full_timeline(unknown_day: str = "interval") -> tuple[WarRecord, list[Event]]:
    record = wars(unknown_day)
    return record, [*record.events, *war_relations(record)]


def test_csv_timeline_reads_back(tmp_path: Path) -> None:
    record, events = full_timeline()
    timeline = records_timeline(events, record.states, timeline_id="alpha")
    path = tmp_path / "alpha.csv"
    write_timeline(timeline, path)
    back = read_timeline(path)
    assert [e.id for e in back.events] == [e.id for e in timeline.events]
    for mine, read in zip(timeline.events, back.events, strict=True):
        assert (mine.date, mine.type, mine.actors, mine.targets, mine.source, mine.note) == (
            read.date, read.type, read.actors, read.targets, read.source, read.note)
        # Each attribute reads back with the type the vocabulary gives it.
        assert mine.attributes == read.attributes
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert header[:8] == ["id", "date", "type", "actors", "targets", "treaty", "source", "note"]
    assert header[8:11] == ["war", "war_name", "side"]


def test_yaml_timeline_reads_back_with_its_states(tmp_path: Path) -> None:
    record, events = full_timeline()
    timeline = records_timeline(events, record.states)
    path = tmp_path / "alpha.yaml"
    write_timeline(timeline, path)
    back = read_timeline(path)
    assert [(e.id, e.date, e.type, e.actors, e.targets, e.attributes) for e in back.events] == [
        (e.id, e.date, e.type, e.actors, e.targets, e.attributes) for e in timeline.events]
    assert back.states["GMY"].cow == 255 and back.states["GMY"].name == "Germany"


def test_unknown_output_format(tmp_path: Path) -> None:
    record, events = full_timeline()
    with pytest.raises(FoedusError) as info:
        write_timeline(records_timeline(events, record.states), tmp_path / "alpha.txt")
    assert info.value.one_line().endswith("unknown timeline format '.txt'; expected a .csv or .yaml file")


def test_same_inputs_give_the_same_csv() -> None:
    one = timeline_csv(records_timeline(full_timeline()[1]))
    two = timeline_csv(records_timeline(full_timeline()[1]))
    assert one == two and one.count("\n") == 1 + len(full_timeline()[1])


def test_typed_rows_as_data_frames() -> None:
    record = wars()
    frame = rows_frame(record.participants)
    assert len(frame) == 10 and {"war", "ccode", "side", "initiator", "spans"} <= set(frame.columns)
    italy = frame[(frame.ccode == 325) & (frame.side == 2)].iloc[0]
    assert italy.spans == "1914-10-01..1914-12-31"


# --- properties --------------------------------------------------------------------------------------


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    year = draw(st.integers(1816, 2020))
    month = draw(st.none() | st.integers(1, 12))
    day = None if month is None else draw(st.none() | st.integers(1, 28))
    return PartialDate(year, month, day)


@given(partial_dates())
def test_date_range_of_a_partial_date(value: PartialDate) -> None:
    span = DateRange.of(value)
    assert span.earliest <= span.latest
    assert span.precision == ("day" if value.day is not None else "month" if value.month is not None else "year")
    assert span.earliest.year == span.latest.year == value.year


@given(partial_dates(), partial_dates())
def test_later_and_sooner_bound_both_dates(a: PartialDate, b: PartialDate) -> None:
    x, y = DateRange.of(a), DateRange.of(b)
    later, sooner = x.later(y), x.sooner(y)
    assert later.earliest == max(x.earliest, y.earliest) and later.latest == max(x.latest, y.latest)
    assert sooner.earliest == min(x.earliest, y.earliest) and sooner.latest == min(x.latest, y.latest)
    assert later.earliest <= later.latest and sooner.earliest <= sooner.latest


@settings(max_examples=25, deadline=None)
@given(st.permutations(list(range(15))))
def test_any_column_order_gives_the_same_events(order: list[int]) -> None:
    import tempfile

    rows = list(csv.reader((FIXTURES / "war_dyads.csv").read_text(encoding="utf-8").splitlines()))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shuffled.csv"
        path.write_text("\n".join(",".join(row[i] for i in order) for row in rows) + "\n", encoding="utf-8")
        shuffled = load_wars(path, FIXTURES / "war_years.csv", STATES)
    plain = wars()
    assert [(e.id, e.date, e.attributes) for e in shuffled.events] == [
        (e.id, e.date, e.attributes) for e in plain.events]


# --- the real files ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_wars() -> WarRecord:
    return load_wars(shared_file("wars/peacesciencer_cow_war_inter.csv"),
                     shared_file("wars/interstate_war_annual_rev_armsallies.csv"),
                     shared_file("states/states2016.csv"))


def test_real_wars_counts(real_wars: WarRecord) -> None:
    assert len(real_wars.wars) == 95 and len(real_wars.participants) == 337
    assert len({(p.war, p.ccode) for p in real_wars.participants}) == 332  # five states changed sides
    timeline = records_timeline([*real_wars.events, *war_relations(real_wars)], real_wars.states)
    check_vocabulary(list(timeline.events))
    assert len([e for e in timeline.events if e.type == "war_joined"]) == 350  # 13 re-entries after a break


def test_the_korean_war(real_wars: WarRecord) -> None:
    korea = [p for p in real_wars.participants if p.war == 151]
    assert {p.ccode for p in korea if p.side == 2} == {710, 731}  # China, North Korea
    assert {p.ccode for p in korea if p.side == 1} == {2, 20, 100, 200, 210, 211, 220, 350, 530, 640, 732, 800,
                                                       840, 900}
    assert [p.ccode for p in korea if p.initiator] == [731]
    events = by_id(real_wars.events)
    assert brief(events["cow-war-151/joined/731"]) == ("1950-06-24", "war_joined", ("PRK",), ("ROK",))
    assert brief(events["cow-war-151/joined/2"]) == ("1950-06-27", "war_joined", ("USA",), ("PRK",))
    assert events["cow-war-151/joined/2"].attributes["war_name"] == "Korean 1950-53"
    assert brief(events["cow-war-151/joined/710"])[:3] == ("1950-10-27", "war_joined", ("CHN",))
    exits = {e.date for e in real_wars.events if e.type == "war_left" and e.attributes["war"] == "cow-war-151"}
    assert exits == {date(1953, 7, 27)}
    relations = by_id(war_relations(real_wars))
    assert brief(relations["cow-war-151/attack/731-732"]) == ("1950-06-24", "armed_attack", ("PRK",), ("ROK",))
    assert relations["cow-war-151/war/2-731"].type == "state_of_war"  # the United States joined
    assert not any(i.startswith("cow-war-151/attack/") and i != "cow-war-151/attack/731-732" for i in relations)
    facts = TimelineFacts.from_events(records_timeline(list(relations.values())).events)
    assert facts.at_war("USA", "CHN", date(1952, 1, 1)) is True
    assert facts.at_war("USA", "CHN", date(1953, 8, 1)) is False
    # The Soviet Union is in the annual file's Korean War but not in COW's: reported, not made up.
    assert any(":414: Russia (365) against United States of America (2) in 1950 is not a dyad" in w
               for w in real_wars.warnings)


def test_real_disputes_with_an_unknown_start_day() -> None:
    record = load_disputes(shared_file("mid/MIDA_5.0.csv"), shared_file("mid/MIDB_5.0.csv"),
                           shared_file("states/states2016.csv"), unknown_day="interval")
    assert len(record.disputes) == 2436 and len(record.events) == 5883 + 5815
    events = by_id(record.events)
    usa = events["mid-2/joined/2"]
    assert brief(usa) == ("1902-07-01", "dispute_joined", ("USA",), ("UKG",))
    assert (usa.attributes["date_precision"], usa.attributes["date_latest"]) == ("month", date(1902, 7, 31))
    assert "mid-4414/joined/371" in events and "mid-4414/left/371" not in events  # ongoing in 2014
    relations = dispute_relations(record)
    check_vocabulary([*record.events, *relations])
    records_timeline([*record.events, *relations], record.states)  # no duplicated event or id


def test_an_atop_defence_pact_is_triggered_by_the_record(real_wars: WarRecord) -> None:
    from foedus.compile import compile_treaty
    from foedus.evaluate import bind_timeline, evaluate
    from foedus.importers.atop import import_atop

    atop = import_atop(shared_file("atop/atop5_0_alliance_level.csv"), None, shared_file("states/states2016.csv"))
    anglo_polish = compile_treaty(atop.model(2440))
    timeline = records_timeline([*real_wars.events, *war_relations(real_wars)], real_wars.states)
    outcome = evaluate(anglo_polish, bind_timeline(anglo_polish, timeline), date(1939, 9, 10))
    triggered = {(i.norm, i.bearer, i.counterparty, i.trigger_event, i.state) for i in outcome.instances}
    # Poland enters World War II on the side opposite the initiator (Germany): the United Kingdom's duty
    # arises, and its entry on Poland's side two days later fulfils it. Poland's duty to the United Kingdom,
    # arising with the British entry, is fulfilled by Poland's being at war beside it already.
    assert ("atop-defense", "UKG", "POL", "cow-war-139/joined/290", "fulfilled") in triggered
    assert ("atop-defense", "POL", "UKG", "cow-war-139/joined/200", "fulfilled") in triggered
