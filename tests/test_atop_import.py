"""ATOP alliances imported as treaty models: parties, dates, terms, norms, codes kept, bad input."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from helpers import shared_file

from foedus.compile import compile_treaty
from foedus.errors import FoedusError
from foedus.importers.atop import ATTACKED, import_atop
from foedus.importers.atop_codes import derive_codes
from foedus.parse.timeline import parse_yaml_timeline
from foedus.world import World
from foedus.world.dyads import dyad_years
from foedus.world.world import lifecycle_of

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WARNING = re.compile(r"^[^:]+:\d+: \S")

HEADER = ("atopid,begyr,begmo,begday,endyr,endmo,endday,ineffect,bilat,defense,offense,neutral,nonagg,consul,"
          "conditio,defcon,offcon,neucon,concon,speclgth,length,proren,renewlgt,specthrt,statthr1,statthr2,"
          "noothall,ecaid,mem1,mem2,mem3,version,new5")
ROWS = [
    # atopid, dates, ineffect, bilat, def off neu nag con, conditio defcon offcon neucon concon,
    # speclgth length proren renewlgt, specthrt statthr1 statthr2, noothall ecaid, members, version, new5
    "9001,1950,1,1,0,0,0,1,1,1,0,0,0,0,1,1,0,0,0,1,120,2,60,0,0,0,0,0,200,220,,5,1",
    "9002,1950,1,1,1960,1,1,0,1,0,0,1,0,0,0,0,0,0,0,1,60,1,0,0,0,0,0,0,200,220,,5,0",
    "9003,1950,1,1,0,0,0,1,0,1,0,0,1,1,1,0,0,0,1,3,0,0,0,1,365,0,1,3,200,220,230,5,0",
    "9004,1951,2,3,1960,1,19,0,1,1,1,0,0,0,1,0,1,0,0,2,0,0,0,1,740,710,0,0,2,740,,5,0",
    "9005,1949,4,4,0,0,0,1,1,0,0,1,0,0,1,0,0,1,0,1,240,2,0,0,0,0,0,0,2,20,,5,0",
    "9006,1950,1,1,1950,12,1,0,1,0,0,0,1,0,0,0,0,0,0,1,12,0,0,0,0,0,0,0,200,220,,5,0",
]


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path



def joined(day: str, state: str, enemy: str, war: str = "w1") -> str:
    """A YAML timeline line: ``state`` enters war ``war`` on the side opposite the initiator ``enemy``."""
    return (f"  - {{date: {day}, type: war_joined, actor: {state}, targets: [{enemy}], war: {war}, side: '2', "
            f"against_initiator: true, allies: [], allies_possible: [], opponents: [{enemy}], source: s}}\n")


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    return write(tmp_path, "alliances.csv", [HEADER, *ROWS])


# --- the mapping, on a small file -------------------------------------------------------------------


def test_models_compile_and_carry_the_source(small: Path) -> None:
    result = import_atop(small)
    assert [m.id for m in result.models] == [f"atop-900{i}" for i in range(1, 7)]
    for model in result.models:
        compile_treaty(model)
        assert model.source.dataset == "ATOP" and model.source.dataset_version == "5"
        assert model.source.verbatim is False and model.articles == []
    assert result.version == "5"
    assert result.unknown_columns == {str(small): ("new5",)}
    first = result.model(9001)
    assert [(p.id, p.cow, p.name) for p in first.parties] == [("COW200", 200, "COW state 200"),
                                                            ("COW220", 220, "COW state 220")]
    assert {f.id: f.says for f in first.facts}["atop-column-new5"] == "new5=1"


def test_term_and_renewal(small: Path) -> None:
    result = import_atop(small)
    lc = {m.id: m.lifecycle for m in result.models}
    assert (lc["atop-9001"].term, lc["atop-9001"].extension, lc["atop-9001"].after_term) == \
        ("10 years", "5 years", "expires")
    assert lc["atop-9001"].entry_into_force == "fixed_date"
    assert lc["atop-9001"].entry_into_force_on == date(1950, 1, 1) and lc["atop-9001"].ended_on is None
    assert lc["atop-9002"].term == "5 years" and lc["atop-9002"].ended_on == date(1960, 1, 1)
    assert result.unknown_codes["atop-9002"] == ("proren=1: not a known renewal code",)
    assert lc["atop-9003"].indefinite and lc["atop-9003"].term is None
    assert lc["atop-9004"].until is not None and lc["atop-9004"].term is None
    assert (lc["atop-9005"].term, lc["atop-9005"].after_term) == ("20 years", "continues")
    assert lc["atop-9006"].term == "1 year" and lc["atop-9006"].after_term == "expires"
    # 9002: a five-year term without renewal, but ATOP records an end ten years on
    assert lc["atop-9002"].after_term == "continues"
    prolonged = [w for w in result.warnings if "atop" not in w and "alliance 9002" in w]
    assert prolonged == [f"{small}:3: alliance 9002: its term of 5 years from 1950-01-01 ran out on 1955-01-01, "
                         "but ATOP records that it ends on 1960-01-01; modelled as continuing after its term"]
    assert "atop-prolonged" in {f.id for f in result.model(9002).facts}


def test_obligations(small: Path) -> None:
    result = import_atop(small)
    norms = {m.id: {n.id: n for n in m.norms} for m in result.models}
    # Each obligation speaks the record of wars, and (as `-mid`) of disputes when the reading admits them.
    assert set(norms["atop-9001"]) == {"atop-defense", "atop-defense-mid"}
    defence = norms["atop-9001"]["atop-defense"]
    assert defence.category == "defence" and defence.kind == "obligation" and defence.threat == []
    assert defence.trigger is not None and defence.trigger.on == "war_joined" and defence.trigger.when == (
        "party(event.actor) and event.against_initiator == true and not includes_all(parties, event.targets) "
        "and (reading('defence-condition') == 'met' or unknown)")
    assert norms["atop-9001"]["atop-defense-mid"].applies_when == "reading('conflicts') != 'wars'"
    assert [r.id for r in result.model(9001).readings] == \
        ["conflicts", "join-window", "late-entry", "adversaries", "defence-condition"]
    multi = norms["atop-9003"]
    assert set(multi) == {"atop-defense", "atop-defense-mid", "atop-nonagg", "atop-nonagg-mid", "atop-consul",
                          "atop-consul-mid", "atop-noothall", "atop-ecaid"}
    assert multi["atop-consul"].crisis_specific and multi["atop-consul"].threat == ["cow:365"]
    assert multi["atop-consul"].trigger.when == (  # type: ignore[union-attr]
        "party(event.actor) and event.against_initiator == true and not includes_all(parties, event.targets) and "
        "['cow:365'] in event.targets")
    assert multi["atop-defense"].threat == ["cow:365"]  # named, but the defence is unconditional (defcon=0)
    assert multi["atop-defense"].trigger.when == ATTACKED  # type: ignore[union-attr]
    assert multi["atop-nonagg"].counterparty == "the other parties" and multi["atop-nonagg"].trigger is None
    assert multi["atop-ecaid"].summary.endswith("(ATOP ecaid=3).")
    offence = norms["atop-9004"]["atop-offense"]
    assert offence.threat == ["cow:740", "cow:710"]
    assert offence.trigger is not None
    assert offence.trigger.when == (
        "party(event.actor) and event.initiator == true and not includes_all(parties, event.targets) and "
        "['cow:740', 'cow:710'] in event.targets")
    assert norms["atop-9005"]["atop-neutral"].kind == "prohibition"
    assert "atop-nonagg" in norms["atop-9006"]


def test_every_code_is_kept(small: Path) -> None:
    facts = {f.id: f.says for f in import_atop(small).model(9003).facts}
    assert facts["atop-statthr1"] == "statthr1=365"
    assert facts["atop-ecaid"] == "ecaid=3"
    assert facts["atop-zero-codes"] == \
        "coded 0: length, proren, renewlgt, offense, neutral, defcon, offcon, neucon, statthr2"
    assert facts["atop-bilat"] == "bilat=0"


def test_conditional_obligation_is_undetermined_unless_the_reading_says_met(small: Path) -> None:
    model = import_atop(small).model(9001)
    timeline = parse_yaml_timeline(
        "timeline: t\nstates:\n  ZZZ: {name: Z, cow: 300}\nevents:\n" + joined("1951-05-01", "COW200", "ZZZ"),
        "t.yaml")
    default = World.from_models([model], timeline).evaluate("atop-9001", date(1951, 6, 1))
    assert [c.verdict for c in default.trigger_checks] == ["undetermined"]
    met = World.from_models([model], timeline, readings={"atop-9001": ["defence-condition=met"]})
    outcome = met.evaluate("atop-9001", date(1951, 6, 1))
    assert [(i.id, i.bearer, i.counterparty) for i in outcome.instances] == [
        ("atop-defense/COW220/1951-05-01", "COW220", "COW200")]


# --- members and states --------------------------------------------------------------------------


def test_members_give_joined_and_left(tmp_path: Path, small: Path) -> None:
    members = write(tmp_path, "members.csv", [
        "atopid,member,phase,yrent,moent,dayent,yrexit,moexit,dayexit,ineffect,version",
        "9003,200,1,1950,1,1,1992,12,31,0,5",
        "9003,200,2,1993,1,1,0,0,0,1,5",
        "9003,220,1,1955,6,1,1970,1,1,0,5",
        "9003,230,1,1950,1,1,1960,1,1,0,5",
        "9003,230,1,1965,1,1,0,0,0,1,5",
        "9003,255,1,1950,1,1,0,0,0,1,5",
    ])
    result = import_atop(small, members)
    parties = {p.cow: p for p in result.model(9003).parties}
    assert (parties[200].joined, parties[200].left) == (None, None)  # a phase boundary is no gap
    assert (parties[220].joined, parties[220].left) == (date(1955, 6, 1), date(1970, 1, 1))
    # 230 left and came back: two recorded memberships, not one that hides the gap.
    assert (parties[230].joined, parties[230].left) == (None, None)
    assert [(s.joined, s.left) for s in parties[230].spells] == [(date(1950, 1, 1), date(1960, 1, 1)),
                                                                 (date(1965, 1, 1), None)]
    assert not [w for w in result.warnings if "came back" in w]
    bound = lifecycle_of(result.model(9003)).party("COW230")
    assert bound is not None and bound.intervals == [(date(1950, 1, 1), date(1960, 1, 1)), (date(1965, 1, 1), None)]
    assert f"{members}:7: member 255 of alliance 9003 is in {members} but not in the alliance file's member " \
           "columns; it is not a party of the model" not in result.warnings  # reported on the alliance row
    assert any("member 255 of alliance 9003 is in" in w for w in result.warnings)
    assert any(w.startswith(f"{small}:2: alliance 9001 has no rows in {members}") for w in result.warnings)
    assert all(WARNING.match(w) for w in result.warnings)


def test_members_whose_obligations_differ_bear_them_alone(tmp_path: Path, small: Path) -> None:
    # 9003 codes defense, nonagg and consul (concon=1 against 365) for members 200, 220 and 230.
    members = write(tmp_path, "members.csv", [
        "atopid,member,phase,yrent,moent,dayent,yrexit,moexit,dayexit,defense,offense,nonagg,consul,version",
        "9003,200,1,1950,1,1,0,0,0,1,0,1,1,5",
        "9003,220,1,1950,1,1,0,0,0,0,1,1,1,5",
        "9003,230,1,1950,1,1,1959,12,31,0,0,1,0,5",
        "9003,230,2,1960,1,1,0,0,0,1,0,1,0,5",  # defence in its second phase: 230 bears it
    ])
    result = import_atop(small, members)
    model = result.model(9003)
    norms = {n.id: n for n in model.norms}
    # 230 bears defence only in its second phase, from 1960: its own norm, in effect from that phase.
    assert list(norms) == ["atop-defense-COW200", "atop-defense-mid-COW200", "atop-defense-COW230-p2",
                           "atop-defense-mid-COW230-p2", "atop-nonagg", "atop-nonagg-mid", "atop-consul-COW200",
                           "atop-consul-mid-COW200", "atop-consul-COW220", "atop-consul-mid-COW220",
                           "atop-noothall", "atop-ecaid"]
    defence = norms["atop-defense-COW230-p2"]
    assert (defence.bearer, defence.counterparty) == ("COW230", "party")
    assert (defence.introduced_by, defence.ended_by) == ("atop-phase-2", [])
    assert [(i.id, i.in_force_on) for i in model.instruments] == [("atop-phase-2", date(1960, 1, 1))]
    assert defence.trigger is not None and defence.trigger.when == f"{ATTACKED} and party != 'cow:230'"
    assert defence.summary.endswith("In ATOP phase 2. ATOP member level: borne by COW state 230, not by COW state "
                                    "220.")
    consul = norms["atop-consul-COW220"]
    assert consul.trigger is not None and consul.trigger.when == \
        "party(event.actor) and event.against_initiator == true and not includes_all(parties, event.targets) " \
        "and ['cow:365'] in event.targets and party != 'cow:220'"
    assert [r.id for r in model.readings] == ["conflicts", "join-window", "late-entry", "adversaries",
                                              "nonagg-fighting"]
    assert (norms["atop-nonagg"].bearer, norms["atop-nonagg"].counterparty) == ("each party", "the other parties")
    assert f"{small}:4: alliance 9003: the member rows code offense=1 for COW220 but the alliance file codes " \
           "offense=0: no norm" in result.warnings
    # Only norms change: the model codes as the symmetric one does, and the dyad table is directed.
    assert derive_codes(model).codes == derive_codes(import_atop(small).model(9003)).codes
    table = dyad_years([model])
    assert len(table[["stateA", "stateB"]].drop_duplicates()) == 6
    for row in table.itertuples(index=False):
        defends = row.stateA == 200 or (row.stateA == 230 and row.year >= 1960)
        assert (row.defense, row.nonagg, row.consul) == (int(defends), 1, int(row.stateA in (200, 220)))
    # A member that bears an obligation does not owe it to itself.
    timeline = parse_yaml_timeline(
        "timeline: t\nstates:\n  ZZZ: {name: Z, cow: 300}\nevents:\n" + joined("1951-05-01", "COW200", "ZZZ", "w1")
        + joined("1952-05-01", "COW220", "ZZZ", "w2") + joined("1961-05-01", "COW220", "ZZZ", "w3"),
        "t.yaml")
    outcome = World.from_models([model], timeline).evaluate("atop-9003", date(1962, 1, 1))
    # 230 owes nothing in its first phase (to 1959), and defends the others from 1960.
    assert [(i.bearer, i.counterparty, str(i.created_on)) for i in outcome.instances if i.category == "defence"] == [
        ("COW200", "COW220", "1952-05-01"), ("COW200", "COW220", "1961-05-01"), ("COW230", "COW220", "1961-05-01")]


def test_member_rows_that_cannot_tell_leave_the_obligation_symmetric(tmp_path: Path, small: Path) -> None:
    members = write(tmp_path, "members.csv", [
        "atopid,member,phase,yrent,moent,dayent,yrexit,moexit,dayexit,defense,nonagg,consul,version",
        "9003,200,1,1950,1,1,0,0,0,1,0,0,5",
        "9003,220,1,1950,1,1,0,0,0,,0,0,5",  # a blank defence code
        "9003,230,1,1950,1,1,0,0,0,0,0,0,5",
        "9001,200,1,1950,1,1,0,0,0,1,0,0,5",  # 220 has no rows
    ])
    result = import_atop(small, members)
    assert [n.id for n in result.model(9003).norms] == \
        ["atop-defense", "atop-defense-mid", "atop-nonagg", "atop-nonagg-mid", "atop-consul", "atop-consul-mid",
         "atop-noothall", "atop-ecaid"]
    assert [n.id for n in result.model(9001).norms] == ["atop-defense", "atop-defense-mid"]
    assert f"{small}:4: alliance 9003: the alliance file codes nonagg=1 but the member rows give it to no member; " \
           "every member bears it" in result.warnings


def test_states_file_names_the_parties(small: Path) -> None:
    result = import_atop(small, None, FIXTURES / "states" / "states_small.csv")
    parties = result.model(9004).parties
    assert [(p.id, p.name, p.iso3) for p in parties] == [("USA", "United States of America", "USA"),
                                                         ("JPN", "Japan", "JPN")]
    assert result.model(9004).title == "ATOP alliance 9004 (1951): United States of America, Japan"


# --- bad input ------------------------------------------------------------------------------------


def test_impossible_date_names_the_row() -> None:
    path = FIXTURES / "atop" / "alliances_bad_day.csv"
    with pytest.raises(FoedusError) as info:
        import_atop(path)
    assert str(info.value).startswith(f"{path}:4: ")
    assert "not a calendar date" in str(info.value) and "\n" not in str(info.value)


def test_impossible_date_in_the_member_file_names_the_row(tmp_path: Path, small: Path) -> None:
    members = write(tmp_path, "members.csv", [
        "atopid,member,phase,yrent,moent,dayent,yrexit,moexit,dayexit,version",
        "9001,200,0,1950,1,1,0,0,0,5",
        "9001,220,0,1950,2,30,0,0,0,5",
    ])
    with pytest.raises(FoedusError, match=rf"^{re.escape(str(members))}:3: "):
        import_atop(small, members)


def test_a_one_member_alliance_is_refused(tmp_path: Path) -> None:
    row = ROWS[0].split(",")
    row[0], row[29], row[30] = "42", "", ""  # atopid; mem2 and mem3 blank: one member left
    path = write(tmp_path, "one.csv", [HEADER, ",".join(row)])
    with pytest.raises(FoedusError, match=rf"^{re.escape(str(path))}:2: alliance 42 cannot be modelled"):
        import_atop(path)


def test_a_file_without_a_provision_column_is_refused(tmp_path: Path) -> None:
    columns = HEADER.split(",")
    drop = columns.index("nonagg")
    path = write(tmp_path, "short.csv", [",".join(c for i, c in enumerate(columns) if i != drop),
                                         *(",".join(c for i, c in enumerate(r.split(",")) if i != drop) for r in ROWS)])
    with pytest.raises(FoedusError) as info:
        import_atop(path)
    assert info.value.one_line().startswith(
        f"{path}:1: missing provision column nonagg: the models would lack their non-aggression prohibitions; "
        "expected every alliance-level provision column that becomes norms")


def test_a_member_file_without_an_obligation_column_is_named_in_a_warning(small: Path, tmp_path: Path) -> None:
    members = write(tmp_path, "members.csv", [
        "atopid,member,phase,yrent,moent,dayent,yrexit,moexit,dayexit,defense,nonagg,consul,version",
        "9001,200,1,1950,1,1,0,0,0,1,1,1,5"])
    warnings = import_atop(small, members).warnings
    assert f"{members}:1: no column offense, neutral in the member file: offence obligations, neutrality duties " \
        "are modelled as the alliance file codes them, the same for every member" in warnings


def test_not_a_code_is_reported(tmp_path: Path) -> None:
    row = ROWS[0].split(",")
    row[9] = "7"  # defense=7
    path = write(tmp_path, "odd.csv", [HEADER, ",".join(row)])
    result = import_atop(path)
    assert "defense=7: not a 0/1 code" in result.unknown_codes["atop-9001"]
    assert result.model(9001).norms == []


# --- all of ATOP v5.0 ---------------------------------------------------------------------------------


def test_all_765_alliances_import_and_compile() -> None:
    alliances = shared_file("atop/atop5_0_alliance_level.csv")
    result = import_atop(alliances)
    assert len(result) == 765
    assert len({m.id for m in result.models}) == 765
    for model in result.models:
        compile_treaty(model)
    assert all(WARNING.match(w) for w in result.warnings)
    assert sum("modelled as continuing after its term" in w for w in result.warnings) == 19

    sino = result.model(3200)
    assert [(p.id, p.cow) for p in sino.parties] == [("COW365", 365), ("COW710", 710)]
    lc = sino.lifecycle
    assert (lc.entry_into_force_on, lc.term, lc.extension, lc.ended_on) == \
        (date(1950, 2, 14), "30 years", "5 years", date(1980, 4, 11))
    norms = {n.id: n for n in sino.norms}
    assert set(norms) == {"atop-defense", "atop-defense-mid", "atop-nonagg", "atop-nonagg-mid", "atop-noothall",
                          "atop-ecaid"}
    assert norms["atop-defense"].threat == ["cow:740"]
    assert "atop-3200" not in result.unknown_codes

    nato = result.model(3180).lifecycle
    assert (nato.term, nato.after_term, nato.ended_on) == ("20 years", "continues", None)
    assert result.model(3215).lifecycle.indefinite  # ANZUS
    assert result.model(3375).lifecycle.until is not None  # US-Japan 1960


def test_member_and_states_files() -> None:
    alliances = shared_file("atop/atop5_0_alliance_level.csv")
    members = shared_file("atop/atop4_01_member_level.csv")
    states = shared_file("states/states2016.csv")
    result = import_atop(alliances, members, states)
    assert result.member_version == "4.01"
    assert [(p.id, p.iso3) for p in result.model(3200).parties] == [("RUS", "RUS"), ("CHN", "CHN")]
    nato = {p.id: p for p in result.model(3180).parties}
    assert nato["GRC"].joined == date(1951, 10, 22)  # the accession protocol, as ATOP dates it
    assert any("the member file is ATOP version 4.01, the alliance file 5" in w for w in result.warnings)
    for model in result.models:
        compile_treaty(model)
    # Member rows whose obligations, or the conditions on them, differ (in some phase) give member-specific
    # norms: 69 alliances, 64 of them coded asymm=1; in the other five only the conditions differ (in SEATO,
    # 3260, the United States alone limits its defence to communist aggression: an adversary condition).
    specific = [m for m in result.models if any(n.bearer in {p.id for p in m.parties} for n in m.norms)]
    assert len(specific) == 69
    asymmetric = [m for m in specific if {f.id: f.says for f in m.facts}.get("atop-asymm") == "asymm=1"]
    assert len(asymmetric) == 64
    assert sorted(int(m.source.dataset_id or 0) for m in specific if m not in asymmetric) == \
        [1050, 3140, 3260, 3410, 3500]
    seato = {n.id: n for n in result.model(3260).norms}
    assert "reading('adversary-condition')" in (seato["atop-defense-USA"].trigger.when or "")  # type: ignore[union-attr]
    assert "reading('adversary-condition')" not in (seato["atop-defense-UKG-p1"].trigger.when or "")  # type: ignore[union-attr]
    # 4985 (SADC, asymm=0): every member defends and consults from its second phase (2003), none before.
    phased = result.model(4985)
    assert [(n.id, n.introduced_by, n.ended_by) for n in phased.norms if not n.id.startswith("atop-nonagg")] == [
        ("atop-defense-p2", "atop-phase-2", []), ("atop-defense-mid-p2", "atop-phase-2", []),
        ("atop-consul-p2", "atop-phase-2", []), ("atop-consul-mid-p2", "atop-phase-2", [])]
    assert [(i.id, i.in_force_on) for i in phased.instruments] == [("atop-phase-2", date(2003, 8, 26))]
    us_japan = result.model(3220)  # the United States defends Japan; both consult
    assert [(n.id, n.bearer) for n in us_japan.norms] == [
        ("atop-defense-USA", "USA"), ("atop-defense-mid-USA", "USA"), ("atop-consul", "others(party)"),
        ("atop-consul-mid", "others(party)")]
    table = dyad_years([us_japan])
    assert set(table[table.stateA == 2].defense) == {1} and set(table[table.stateA == 740].defense) == {0}
    assert set(table.consul) == {1}
