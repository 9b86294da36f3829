"""Tests for the directed dyad-year table (foedus.world.dyads) and its pandas baseline in the bench."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa
import pytest
from helpers import ROOT, bench_world, shared_file

from foedus.errors import FoedusError
from foedus.model.load import load_treaty
from foedus.model.treaty import Treaty
from foedus.world.dyads import DYAD_COLUMNS, dyad_years, flatten, in_force_interval


def norm(nid: str, category: str, bearer: str = "each party", counterparty: str = "the other parties",
         kind: str = "obligation", **extra: Any) -> dict[str, Any]:
    return {"id": nid, "kind": kind, "category": category, "summary": nid, "bearer": bearer,
            "counterparty": counterparty, **extra}


def model(tid: str, parties: list[tuple[str, int | None] | tuple[str, int | None, dict[str, Any]]],
          start: date | None, end: date | None = None, norms: list[dict[str, Any]] | None = None,
          **lifecycle: Any) -> Treaty:
    party_list = []
    for entry in parties:
        pid, cow = entry[0], entry[1]
        more: dict[str, Any] = entry[2] if len(entry) > 2 else {}
        party_list.append({"id": pid, "name": pid, "cow": cow, **more})
    lc: dict[str, Any] = {"entry_into_force": "fixed_date", "entry_into_force_on": start, "ended_on": end}
    lc.update(lifecycle)
    return Treaty.model_validate({"id": tid, "title": f"treaty {tid}", "parties": party_list, "lifecycle": lc,
                                  "norms": norms or []})


def rows(table: Any) -> set[tuple[int, ...]]:
    return {tuple(int(v) for v in row) for row in table[list(DYAD_COLUMNS)].itertuples(index=False)}


SINO_SOVIET = model("t3200", [("USSR", 365), ("PRC", 710)], date(1950, 2, 14), date(1980, 4, 11),
                    [norm("def", "defence", counterparty="the other party"), norm("na", "non_aggression",
                                                                                  kind="prohibition")])


# --- the rules ---------------------------------------------------------------------------------------


def test_bilateral_treaty_gives_both_directions_for_every_year_partial_years_included() -> None:
    table = dyad_years([SINO_SOVIET])
    assert len(table) == 62
    assert list(table.columns) == list(DYAD_COLUMNS)
    for a, b in ((365, 710), (710, 365)):
        pair = table[(table.stateA == a) & (table.stateB == b)]
        assert pair.year.tolist() == list(range(1950, 1981))  # 1980: in force until 11 April
        assert set(pair.defense) == {1} and set(pair.nonagg) == {1} and set(pair.atopally) == {1}
        assert set(pair.offense) == set(pair.neutral) == set(pair.consul) == {0}


def test_output_is_sorted_and_typed() -> None:
    table = dyad_years([SINO_SOVIET])
    assert table[["stateA", "stateB", "year"]].values.tolist() == sorted(
        table[["stateA", "stateB", "year"]].values.tolist())
    assert str(table.dtypes["stateA"]) == "int32" and str(table.dtypes["defense"]) == "int8"
    arrow = dyad_years([SINO_SOVIET], arrow=True)
    assert isinstance(arrow, pa.Table) and arrow.num_rows == 62


def test_end_date_is_the_first_day_out_of_force() -> None:
    ends_new_year = model("t", [("A", 2), ("B", 20)], date(1950, 6, 1), date(1952, 1, 1),
                          [norm("d", "defence")])
    assert sorted(set(dyad_years([ends_new_year]).year)) == [1950, 1951]
    ends_second = model("t", [("A", 2), ("B", 20)], date(1950, 6, 1), date(1952, 1, 2), [norm("d", "defence")])
    assert sorted(set(dyad_years([ends_second]).year)) == [1950, 1951, 1952]


def test_direction_follows_bearer_and_counterparty() -> None:
    # France pledged to defend Belgium, not the reverse; all three consult each other.
    guarantee = model("g", [("FRA", 220), ("BEL", 211), ("UKG", 200)], date(1831, 11, 15), date(1833, 1, 1),
                      [norm("guarantee", "defence", bearer="FRA", counterparty="BEL"), norm("c", "consultation")])
    table = dyad_years([guarantee])
    got = {(r.stateA, r.stateB, r.year): (r.defense, r.consul) for r in table.itertuples()}
    assert got[(220, 211, 1832)] == (1, 1)
    assert got[(211, 220, 1832)] == (0, 1)
    assert got[(220, 200, 1832)] == (0, 1)
    assert len(table) == 6 * 2


def test_counterparty_named_and_bearer_any() -> None:
    protect = model("p", [("A", 2), ("B", 20), ("C", 40)], date(1900, 1, 1), date(1901, 1, 1),
                    [norm("shield", "defence", bearer="each party", counterparty="C")])
    table = dyad_years([protect])
    defended = {(r.stateA, r.stateB) for r in table.itertuples() if r.defense}
    assert defended == {(2, 40), (20, 40)}
    # A name bound by a trigger (other(party) -> party) stands for any member: every ordered pair.
    triggered = model("q", [("A", 2), ("B", 20)], date(1900, 1, 1), date(1901, 1, 1),
                      [norm("help", "defence", bearer="other(party)", counterparty="party",
                            trigger={"on": "armed_attack", "bind": {"party": "event.target"}},
                            deadline={"within": "7 days", "last_day_included": True})])
    assert rows(dyad_years([triggered])) == {(2, 20, 1900, 1, 1, 0, 0, 0, 0), (20, 2, 1900, 1, 1, 0, 0, 0, 0)}


def test_memberships_must_overlap_on_the_same_day() -> None:
    # A leaves in March 1960, C joins in June 1960: never members together, so no (A, C) row in 1960.
    pact = model("m", [("A", 2, {"left": date(1960, 3, 1)}), ("B", 20), ("C", 40, {"joined": date(1960, 6, 1)})],
                 date(1959, 1, 1), date(1962, 1, 1), [norm("d", "defence")])
    table = dyad_years([pact])
    pairs = {(r.stateA, r.stateB, r.year) for r in table.itertuples()}
    assert (2, 40, 1960) not in pairs and (40, 2, 1960) not in pairs
    assert {(2, 20, 1959), (2, 20, 1960)} <= pairs and (2, 20, 1961) not in pairs
    assert (40, 20, 1960) in pairs and (40, 20, 1959) not in pairs
    assert {(20, 40, y) for y in (1960, 1961)} <= pairs


def test_several_treaties_take_the_maximum_and_one_row_per_dyad_year() -> None:
    first = model("x", [("A", 2), ("B", 20)], date(1950, 1, 1), date(1956, 1, 1), [norm("d", "defence")])
    second = model("y", [("A", 2), ("B", 20)], date(1955, 1, 1), date(1960, 1, 1), [norm("c", "consultation")])
    table = dyad_years([first, second])
    assert len(table) == 2 * 10
    row = table[(table.stateA == 2) & (table.stateB == 20) & (table.year == 1955)].iloc[0]
    assert (row.defense, row.consul) == (1, 1)
    row = table[(table.stateA == 2) & (table.stateB == 20) & (table.year == 1958)].iloc[0]
    assert (row.defense, row.consul) == (0, 1)


def test_alliance_without_obligations_is_still_a_row() -> None:
    bare = model("b", [("A", 2), ("B", 20)], date(1950, 1, 1), date(1951, 1, 1),
                 [norm("may", "defence", kind="permission"), norm("eco", "economic")])
    assert rows(dyad_years([bare])) == {(2, 20, 1950, 1, 0, 0, 0, 0, 0), (20, 2, 1950, 1, 0, 0, 0, 0, 0)}


def test_year_range() -> None:
    old = model("o", [("A", 200), ("B", 210)], date(1814, 5, 1), date(1818, 6, 1), [norm("d", "defence")])
    assert sorted(set(dyad_years([old]).year)) == [1816, 1817, 1818]
    open_ended = model("n", [("A", 2), ("B", 20)], date(2000, 1, 1), None, [norm("d", "defence")])
    assert sorted(set(dyad_years([open_ended]).year)) == [2000]  # the latest year any date names
    later = model("z", [("C", 40), ("D", 41)], date(2003, 1, 1), date(2004, 1, 1))
    years = sorted(set(dyad_years([open_ended, later]).query("stateA == 2").year))
    assert years == [2000, 2001, 2002, 2003, 2004]  # 2004-01-01 is named, though as a first day out
    assert sorted(set(dyad_years([open_ended], last_year=2002).year)) == [2000, 2001, 2002]
    assert sorted(set(dyad_years([old], first_year=1817).year)) == [1817, 1818]
    with pytest.raises(FoedusError, match="last_year"):
        dyad_years([old], last_year=0)


def test_models_without_dates_or_codes_are_left_out() -> None:
    pending = model("r", [("A", 2), ("B", 20)], None, entry_into_force="ratification_by_all")
    no_codes = model("k", [("A", None), ("B", 20)], date(1950, 1, 1), date(1951, 1, 1), [norm("d", "defence")])
    table = dyad_years([pending, no_codes])
    assert len(table) == 0
    assert table.attrs["skipped"] == ["r: its entry into force (ratification_by_all) depends on events; "
                                      "no date without a timeline"]


def test_signature_and_fixed_term() -> None:
    termed = Treaty.model_validate({
        "id": "s", "title": "s", "signed": {"date": "1900-03-10", "place": "X"},
        "parties": [{"id": "A", "name": "A", "cow": 2}, {"id": "B", "name": "B", "cow": 20}],
        "lifecycle": {"entry_into_force": "signature", "term": "5 years"},
        "norms": [norm("d", "defence")],
    })
    assert in_force_interval(termed) == (date(1900, 3, 10), date(1905, 3, 10))
    assert sorted(set(dyad_years([termed]).year)) == list(range(1900, 1906))
    renewed = termed.model_copy(update={"lifecycle": termed.lifecycle.model_copy(update={"extension": "5 years"})})
    assert in_force_interval(renewed) == (date(1900, 3, 10), None)


def test_norm_removed_by_the_default_reading_does_not_count() -> None:
    treaty = Treaty.model_validate({
        "id": "rd", "title": "rd",
        "parties": [{"id": "A", "name": "A", "cow": 2}, {"id": "B", "name": "B", "cow": 20}],
        "readings": [{"id": "scope", "question": "q", "default": "narrow",
                      "options": {"narrow": {"says": "n"}, "broad": {"says": "b"}}}],
        "lifecycle": {"entry_into_force": "fixed_date", "entry_into_force_on": "1950-01-01",
                      "ended_on": "1951-01-01"},
        "norms": [norm("d", "defence", applies_when="reading('scope') == 'broad'"), norm("c", "consultation")],
    })
    assert rows(dyad_years([treaty])) == {(2, 20, 1950, 1, 0, 0, 0, 0, 1), (20, 2, 1950, 1, 0, 0, 0, 0, 1)}


def test_flagship_treaty_needs_its_timeline_for_dates() -> None:
    treaty, _ = load_treaty(str(ROOT / "treaties" / "sino_soviet_1950.md"))
    flat = flatten([treaty])
    assert flat.windows == () and len(flat.skipped) == 1
    assert "depends on events" in flat.skipped[0]


def test_bad_input_is_a_one_line_error() -> None:
    with pytest.raises(FoedusError, match="appears twice"):
        dyad_years([SINO_SOVIET, SINO_SOVIET])
    with pytest.raises(FoedusError, match="not a treaty model"):
        dyad_years(["atop-3200"])  # type: ignore[list-item]


# --- the benchmark's baselines agree ------------------------------------------------------------------


def test_both_baselines_give_the_same_table_on_a_fixture() -> None:
    models = [
        SINO_SOVIET,
        model("g", [("FRA", 220), ("BEL", 211), ("UKG", 200, {"joined": date(1832, 5, 1)})], date(1831, 11, 15),
              date(1839, 4, 19), [norm("guarantee", "defence", bearer="FRA", counterparty="BEL"),
                                  norm("c", "consultation"), norm("n", "neutrality", bearer="UKG")]),
        model("m", [("A", 2, {"left": date(1960, 3, 1)}), ("B", 20), ("C", 40, {"joined": date(1960, 6, 1)})],
              date(1959, 1, 1), date(1962, 1, 1), [norm("o", "offence"), norm("na", "non_aggression",
                                                                             kind="prohibition")]),
        model("x", [("A", 2), ("B", 20)], date(1958, 7, 1), None, [norm("d", "defence")]),
        model("old", [("A", 200), ("B", 210)], date(1814, 5, 1), date(1818, 6, 1)),
        model("r", [("A", 2), ("B", 20)], None, entry_into_force="ratification_by_all"),
    ]
    b = bench_world()
    ours = dyad_years(models)
    assert len(ours) > 100
    for baseline in (b.loop_dyad_years, b.sql_dyad_years):
        assert b.same_table(ours, baseline(models))
        assert b.same_table(dyad_years(models, last_year=1990), baseline(models, last_year=1990))
        assert b.same_table(dyad_years(models, first_year=1959, last_year=1961),
                            baseline(models, first_year=1959, last_year=1961))
    changed = ours.copy()
    changed.loc[0, "defense"] = 1 - changed.loc[0, "defense"]
    assert not b.same_table(changed, b.loop_dyad_years(models))


# --- the real data -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def atop_models() -> list[Treaty]:
    shared_file("atop/atop5_0_alliance_level.csv")
    models, _ = bench_world().load_atop_models()
    return models


def test_atop_treaty_3200_has_62_directed_dyad_years(atop_models: list[Treaty]) -> None:
    the_1950_treaty = [m for m in atop_models if m.id == "atop-3200"]
    table = dyad_years(the_1950_treaty)
    assert len(table) == 62
    assert set(map(tuple, table[["stateA", "stateB"]].drop_duplicates().values.tolist())) == {(365, 710), (710, 365)}
    assert sorted(set(table.year)) == list(range(1950, 1981))
    assert set(table.defense) == {1}


def test_atop_whole_table(atop_models: list[Treaty]) -> None:
    table = dyad_years(atop_models)
    b = bench_world()
    assert b.same_table(table, b.sql_dyad_years(atop_models))
    assert table.year.min() == 1816 and table.year.max() == 2018
    assert not table.duplicated(["stateA", "stateB", "year"]).any()
    assert (table.stateA != table.stateB).all()
    # the pairs of the 1950 treaty carry its defence pledge in 1960
    row = table[(table.stateA == 365) & (table.stateB == 710) & (table.year == 1960)].iloc[0]
    assert row.defense == 1
    # ATOP v5.0's own directed dyad-year file has 272,046 rows; the same order of magnitude here
    assert 150_000 < len(table) < 600_000


def test_a_world_dates_the_flagship_treaty_from_its_timeline() -> None:
    from foedus.world import World

    world = World.load([str(ROOT / "treaties" / "sino_soviet_1950.md")],
                       str(ROOT / "timelines" / "sino_soviet_1950_1980.yaml"))
    table = dyad_years(world)
    assert len(table) == 62 and sorted(set(table.year)) == list(range(1950, 1981))
    # Art. I (defence: other(party) toward the attacked party) and the consultation norm, both ways
    assert set(table.defense) == {1} and set(table.consul) == {1}
    assert set(table.nonagg) == {0}  # Art. III is a no-other-alliance pledge, not non-aggression
