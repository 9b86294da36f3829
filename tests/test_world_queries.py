"""Tests for the point queries over treaty models (foedus.world.queries)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest
from helpers import bench_world, shared_file

from foedus.errors import FoedusError
from foedus.model.treaty import Treaty
from foedus.world.queries import WorldIndex, allies, index_for, treaties_in_force, who_must_assist


def norm(nid: str, category: str, bearer: str = "each party", counterparty: str = "the other parties",
         **extra: Any) -> dict[str, Any]:
    kind = "prohibition" if category == "non_aggression" else "obligation"
    return {"id": nid, "kind": kind, "category": category, "summary": nid, "bearer": bearer,
            "counterparty": counterparty, **extra}


def model(tid: str, parties: list[dict[str, Any]], start: str, end: str | None = None,
          norms: list[dict[str, Any]] | None = None) -> Treaty:
    return Treaty.model_validate({
        "id": tid, "title": f"treaty {tid}",
        "parties": [{"name": p["id"], **p} for p in parties],
        "lifecycle": {"entry_into_force": "fixed_date", "entry_into_force_on": start, "ended_on": end},
        "norms": norms or [],
    })


USA = {"id": "USA", "cow": 2, "iso3": "USA"}
UKG = {"id": "UKG", "cow": 200}
FRA = {"id": "FRA", "cow": 220}
MLI = {"id": "MLI", "cow": 432}
RUS = {"id": "RUS", "cow": 365}
POL = {"id": "POL", "cow": 290}
PRC = {"id": "PRC", "cow": 710, "iso3": "CHN"}
SWE = {"id": "SWE", "cow": 380}
JPN = {"id": "JPN", "cow": 740}

WORLD = [
    model("north", [USA, UKG, FRA], "1949-08-24", None, [norm("defend", "defence"), norm("consult", "consultation")]),
    model("sahel", [FRA, MLI], "1961-04-24", None, [norm("defend", "defence", counterparty="the other party")]),
    model("east", [RUS, POL], "1955-05-14", "1991-07-01", [norm("defend", "defence")]),
    model("march", [RUS, PRC], "1990-01-01", None, [norm("join-in", "offence", bearer="PRC", counterparty="RUS")]),
    model("quiet", [SWE, UKG], "1980-01-01", None, [norm("stay-out", "neutrality", bearer="SWE", counterparty="UKG")]),
    model("pacific", [JPN, USA], "1960-06-23", None,
          [norm("shield", "defence", bearer="JPN", counterparty="USA", threat=["CHN"]),
           norm("no-attack", "non_aggression")]),
]


# --- treaties in force -------------------------------------------------------------------------------


def test_treaties_in_force() -> None:
    frame = treaties_in_force(WORLD, "1956-01-01")
    assert frame.treaty.tolist() == ["east", "north"]
    north = frame.set_index("treaty").loc["north"]
    assert north.members == [2, 200, 220]
    assert north.categories == ["consultation", "defence"]
    assert north.entry_into_force == date(1949, 8, 24) and north.ended_on is None
    assert treaties_in_force(WORLD, date(1949, 8, 23)).empty
    assert "east" not in treaties_in_force(WORLD, "1991-07-01").treaty.tolist()  # first day out
    assert "east" in treaties_in_force(WORLD, "1991-06-30").treaty.tolist()


def test_members_on_a_date_follow_joined_and_left() -> None:
    pact = model("p", [USA, {**UKG, "joined": "1952-02-18"}, {**FRA, "left": "1966-07-01"}], "1949-08-24")
    assert treaties_in_force([pact], "1950-01-01").members.tolist() == [[2, 220]]
    assert treaties_in_force([pact], "1960-01-01").members.tolist() == [[2, 200, 220]]
    assert treaties_in_force([pact], "1966-07-01").members.tolist() == [[2, 200]]
    assert allies([pact], 220, "1966-07-01").empty
    assert allies([pact], 2, "1950-01-01").ally.tolist() == [220]


# --- allies ------------------------------------------------------------------------------------------


def test_allies_with_directed_obligations() -> None:
    frame = allies(WORLD, 2, "2000-01-01")
    assert frame.ally.tolist() == [200, 220, 740]
    japan = frame.set_index("ally").loc[740]
    assert japan.treaty == "pacific"
    assert japan.owed == ["defence", "non_aggression"]  # Japan's pledge to the United States
    assert japan.owes == ["non_aggression"]
    assert japan.obligations == ["defence", "non_aggression"]
    uk = frame.set_index("ally").loc[200]
    assert uk.owes == uk.owed == ["consultation", "defence"]
    assert allies(WORLD, "2", "2000-01-01").equals(frame)
    assert allies(WORLD, 2, "1940-01-01").empty
    assert allies(WORLD, 999, "2000-01-01").empty


def test_allies_lists_one_row_per_ally_and_treaty() -> None:
    twice = [*WORLD, model("again", [USA, UKG], "1990-01-01", None, [norm("c", "consultation")])]
    frame = allies(twice, 200, "2000-01-01")
    assert list(zip(frame.ally, frame.treaty, strict=True)) == [(2, "again"), (2, "north"), (220, "north"),
                                                                (380, "quiet")]
    assert frame.set_index("treaty").loc["quiet"].owed == ["neutrality"]


# --- who must assist ---------------------------------------------------------------------------------


def test_who_must_assist_direct_and_cascade() -> None:
    graph = who_must_assist(WORLD, 365, 2, "2000-01-01")
    edges = graph.to_frame()
    joins = edges[edges.effect == "join"]
    got = {(r.obligor, r.beneficiary, r.treaty, r.depth, r.side) for r in joins.itertuples()}
    assert {(200, 2, "north", 1, "target"), (220, 2, "north", 1, "target"), (710, 365, "march", 1, "attacker"),
            (432, 220, "sahel", 2, "target")} <= got
    # Poland's defence pledge to Russia is not triggered: Russia attacked (and it has ended by 2000 anyway)
    assert 290 not in set(edges.obligor)
    assert graph.side("target") == [2, 200, 220, 432]
    assert graph.side("attacker") == [365, 710]
    assert graph.obliged() == [200, 220, 432, 710]
    nodes = graph.nodes_frame().set_index("state")
    assert nodes.loc[432].role == "joins target" and nodes.loc[432].depth == 2
    assert nodes.loc[365].role == "attacker" and nodes.loc[365].depth == 0
    # Sweden must stay neutral toward the United Kingdom, a belligerent from round 1
    neutral = edges[edges.obligor == 380].iloc[0]
    assert (neutral.beneficiary, neutral.effect, neutral.depth) == (200, "stay neutral", 2)
    assert nodes.loc[380].role == "bound" and nodes.loc[380].side is None
    consult = edges[(edges.effect == "consult") & (edges.beneficiary == 2)]
    assert sorted(consult.obligor) == [200, 220]


def test_named_threat_limits_an_obligation() -> None:
    # Japan's pledge names China as the threat: against Russia it is listed with its condition only.
    graph = who_must_assist(WORLD, 365, 2, "2000-01-01")
    edges = graph.to_frame()
    japan = edges[(edges.obligor == 740) & (edges.category == "defence")].iloc[0]
    assert japan.condition == "only against CHN"
    assert 740 not in graph.side("target")
    # against China (COW 710; another model gives it the ISO3 code CHN) it brings Japan in
    graph = who_must_assist(WORLD, 710, 2, "2000-01-01")
    edges = graph.to_frame()
    japan = edges[(edges.obligor == 740) & (edges.category == "defence")].iloc[0]
    assert japan.condition is None and japan.effect == "join"
    assert 740 in graph.side("target")


def test_max_depth_and_direct_obligations_only() -> None:
    graph = who_must_assist(WORLD, 365, 2, "2000-01-01", max_depth=1)
    assert set(graph.to_frame().depth) == {1}
    assert graph.side("target") == [2, 200, 220]
    with pytest.raises(FoedusError, match="max_depth"):
        who_must_assist(WORLD, 365, 2, "2000-01-01", max_depth=0)


def test_cycles_end_and_conflicts_are_marked() -> None:
    ring = [
        model("ab", [USA, UKG], "1950-01-01", None, [norm("d", "defence")]),
        model("bc", [UKG, FRA], "1950-01-01", None, [norm("d", "defence")]),
        model("ca", [FRA, USA], "1950-01-01", None, [norm("d", "defence")]),
        model("odd", [PRC, FRA], "1950-01-01", None, [norm("d", "defence")]),
        model("off", [PRC, RUS], "1950-01-01", None, [norm("o", "offence")]),
    ]
    graph = who_must_assist(ring, 365, 2, "1960-01-01")
    assert graph.side("target") == [2, 200, 220]
    # China joins the attacker (offence toward Russia, round 1) but is also bound to defend France
    assert graph.side("attacker") == [365, 710]
    nodes = graph.nodes_frame().set_index("state")
    assert bool(nodes.loc[710].conflicted) and not bool(nodes.loc[200].conflicted)
    assert max(graph.to_frame().depth) == 2
    data = graph.to_dict()
    assert data["on"] == "1960-01-01" and data["attacker"] == 365 and data["target"] == 2
    assert {"obligor", "beneficiary", "treaty", "norm", "category", "depth", "effect", "side",
            "condition"} == set(data["edges"][0])
    assert len(graph.edges) == len(data["edges"]) == len(graph)
    assert graph.edges[0].obligor == data["edges"][0]["obligor"]


def test_an_attack_inside_an_alliance_triggers_none_of_its_obligations() -> None:
    pact = [model("friends", [USA, UKG, FRA], "1950-01-01", None, [norm("d", "defence"), norm("c", "consultation")]),
            model("outside", [FRA, MLI], "1950-01-01", None, [norm("d", "defence")])]
    graph = who_must_assist(pact, 200, 2, "1960-01-01")
    assert graph.to_frame().empty
    assert graph.side("target") == [2]
    # an attack from outside sets the pact off, and France's other ally follows
    graph = who_must_assist(pact, 365, 2, "1960-01-01")
    assert graph.side("target") == [2, 200, 220, 432]


def test_no_obligations_gives_an_empty_graph() -> None:
    graph = who_must_assist(WORLD, 800, 811, "2000-01-01")
    assert graph.to_frame().empty and len(graph.to_frame().columns) == 9
    assert [n.state for n in graph.nodes] == [800, 811] or [n.state for n in graph.nodes] == [811, 800]


def test_bad_queries_are_one_line_errors() -> None:
    with pytest.raises(FoedusError, match="attacker and target are both 2"):
        who_must_assist(WORLD, 2, 2, "2000-01-01")
    with pytest.raises(FoedusError, match="impossible date"):
        allies(WORLD, 2, "2000-13-01")
    with pytest.raises(FoedusError, match="not a date"):
        allies(WORLD, 2, "1 May 2000")
    with pytest.raises(FoedusError, match="not a COW code"):
        allies(WORLD, "USA", "2000-01-01")
    with pytest.raises(FoedusError, match="not a COW code"):
        allies(WORLD, True, "2000-01-01")
    with pytest.raises(FoedusError, match="not a list of treaty models"):
        allies(WORLD[0], 2, "2000-01-01")  # type: ignore[arg-type]
    with pytest.raises(FoedusError) as info:
        treaties_in_force(WORLD, 20000101)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)


def test_index_is_built_once_per_model_list() -> None:
    first = index_for(WORLD)
    assert index_for(WORLD) is first
    assert index_for(list(WORLD)) is first  # same model objects
    built = WorldIndex(WORLD)
    assert allies(built, 2, "2000-01-01").equals(allies(WORLD, 2, "2000-01-01"))


# --- the real data -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def atop() -> tuple[list[Treaty], WorldIndex]:
    shared_file("atop/atop5_0_alliance_level.csv")
    models, _ = bench_world().load_atop_models()
    return models, WorldIndex(models)


def test_atop_1950_treaty_allies(atop: tuple[list[Treaty], WorldIndex]) -> None:
    _, index = atop
    frame = index.allies(710, "1960-01-01")
    row = frame[frame.treaty == "atop-3200"].iloc[0]
    assert row.ally == 365 and "defence" in row.owes and "defence" in row.owed
    assert "atop-3200" not in index.allies(710, "1980-04-11").treaty.tolist()


def test_atop_nato_in_force(atop: tuple[list[Treaty], WorldIndex]) -> None:
    _, index = atop
    frame = index.treaties_in_force("1950-06-01").set_index("treaty")
    assert "atop-3180" in frame.index
    members = frame.loc["atop-3180"].members
    founders = {2, 20, 200, 210, 211, 212, 220, 235, 325, 385, 390, 395}
    assert founders <= set(members)
    graph = index.who_must_assist(365, 2, "1950-06-01", max_depth=1)
    assert founders - {2} <= set(graph.side("target"))


def test_atop_point_queries_agree_with_a_scan_of_the_memberships(atop: tuple[list[Treaty], WorldIndex]) -> None:
    """Random queries (the benchmark times them): every ally the index finds shares a treaty in force with
    the state that day, and every state that does is found."""
    models, index = atop
    rng = random.Random(11)
    states = sorted({m.state for m in index.flat.memberships})
    first, last = date(1816, 1, 1).toordinal(), date(2018, 12, 31).toordinal()
    for _ in range(200):
        day = date.fromordinal(rng.randint(first, last))
        a, b = rng.sample(states, 2)
        found = {(r["ally"], r["treaty"]) for r in index.allies_rows(a, day)}
        treaties = {m.treaty for m in index.flat.memberships if m.state == a and m.start <= day
                    and (m.end is None or day < m.end)}
        scan = {(m.state, m.treaty) for m in index.flat.memberships if m.treaty in treaties and m.state != a
                and m.start <= day and (m.end is None or day < m.end)}
        assert found == scan
        graph = who_must_assist(models, a, b, day)
        assert {e.obligor for e in graph.edges if e.depth == 1} <= {m.state for m in index.flat.memberships}


def test_point_query_edges_equal_the_sql_edges(atop: tuple[list[Treaty], WorldIndex]) -> None:
    from foedus.world.dyads import _edge_table, duty_edge_rows

    flat = atop[1].flat
    table, duties = _edge_table(flat, "beneficiary, obligor, t, d, start")
    rows, same_duties = duty_edge_rows(flat)
    assert same_duties == duties and len(rows) == table.num_rows > 30000
    sql = list(zip(*(table.column(c).to_pylist() for c in ("obligor", "beneficiary", "t", "d", "start", "end")),
                   strict=True))
    assert sorted(rows, key=str) == sorted(sql, key=str)
    assert [r[:2] for r in rows] == [r[:2] for r in sql]  # the same order by beneficiary and obligor


def test_atop_nato_members_follow_the_member_file(atop: tuple[list[Treaty], WorldIndex]) -> None:
    models, index = atop
    nato_model = next(m for m in models if m.id == "atop-3180")
    if not any(p.joined for p in nato_model.parties):
        pytest.skip("needs foedus.importers.atop with the member-level file (accession dates)")
    founders = {2, 20, 200, 210, 211, 212, 220, 235, 325, 385, 390, 395}
    nato = index.treaties_in_force("1950-06-01").set_index("treaty").loc["atop-3180"].members
    assert set(nato) == founders
    nato = index.treaties_in_force("1960-01-01").set_index("treaty").loc["atop-3180"].members
    assert set(nato) == founders | {260, 350, 640}  # West Germany, Greece, Turkey
    nato = set(index.treaties_in_force("2000-01-01").set_index("treaty").loc["atop-3180"].members)
    assert {230, 255, 290, 310, 316} <= nato and 260 not in nato


def test_atop_named_threat_of_the_1950_treaty(atop: tuple[list[Treaty], WorldIndex]) -> None:
    _, index = atop
    defence = [d for d in index.duties if d.treaty == "atop-3200" and d.category == "defence"]
    if not defence or not defence[0].threat:
        pytest.skip("the ATOP models name no threat for treaty 3200")
    by_japan = index.who_must_assist(740, 710, "1960-01-01").to_frame()
    soviet = by_japan[(by_japan.obligor == 365) & (by_japan.treaty == "atop-3200")].iloc[0]
    assert soviet.condition is None and soviet.effect == "join"
    by_usa = index.who_must_assist(2, 710, "1960-01-01").to_frame()
    soviet = by_usa[(by_usa.obligor == 365) & (by_usa.treaty == "atop-3200")].iloc[0]
    assert soviet.condition == "only against " + ", ".join(defence[0].threat)
