"""Tests for the embedded DuckDB store (foedus.store): imports, idempotency, transactions, kill safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from helpers import ROOT, bench_world, shared_file

from foedus.errors import FoedusError
from foedus.model.treaty import Treaty
from foedus.parse.timeline import read_timeline
from foedus.store import PAUSE_ENV, Store

TABLES = ("treaties", "memberships", "norms", "events", "results", "result_sets", "reliability")


def model(tid: str, members: list[int], start: str, end: str | None = None, **more: Any) -> Treaty:
    return Treaty.model_validate({
        "id": tid, "title": f"treaty {tid}",
        "source": {"dataset": "TEST", "dataset_id": tid, "dataset_version": "1"},
        "parties": [{"id": f"c{c}", "name": f"state {c}", "cow": c} for c in members],
        "lifecycle": {"entry_into_force": "fixed_date", "entry_into_force_on": start, "ended_on": end},
        "norms": [{"id": "defend", "kind": "obligation", "category": "defence", "summary": "defend",
                   "bearer": "each party", "counterparty": "the other parties", "threat": ["740"]},
                  {"id": "consult", "kind": "obligation", "category": "consultation", "summary": "consult",
                   "bearer": "each party", "counterparty": "the other parties", "article": "II"}],
        **more,
    })


OLD = [model("a", [2, 20], "1950-01-01", "1960-01-01"), model("b", [365, 710], "1950-02-14", "1980-04-11"),
       model("c", [200, 220, 211], "1831-11-15")]
NEW = [model("b", [365, 710], "1950-02-14", "1980-04-11"), model("d", [2, 740], "1960-06-23"),
       model("e", [255, 260], "1955-05-05", "1990-10-03"), model("f", [2, 20, 70], "1947-09-02")]


def dump(store: Store) -> dict[str, list[dict[str, Any]]]:
    return {t: store.arrow(f"select * from {t} order by all").to_pylist() for t in TABLES}


def ids(store: Store) -> list[str]:
    return store.sql("select id from treaties order by id").id.tolist()


# --- opening -----------------------------------------------------------------------------------------


def test_open_creates_the_tables_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "world.duckdb"
    with Store.open(path) as store:
        assert store.counts() == dict.fromkeys(TABLES, 0)
        store.import_models(OLD, source="hand", version="1")
    with Store.open(path) as store:
        assert ids(store) == ["a", "b", "c"]
        assert store.counts()["memberships"] == 7 and store.counts()["norms"] == 6


def test_open_errors_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(FoedusError, match="is a directory"):
        Store.open(tmp_path)
    with pytest.raises(FoedusError, match="folder does not exist"):
        Store.open(tmp_path / "nowhere" / "s.duckdb")
    junk = tmp_path / "junk.duckdb"
    junk.write_text("this is not a database\n")
    with pytest.raises(FoedusError, match="cannot open the store") as info:
        Store.open(junk)
    assert "\n" not in str(info.value)
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("create table mine (x integer)")
    con.close()
    with pytest.raises(FoedusError, match="not a foedus store"):
        Store.open(other)
    store = Store.open(tmp_path / "s.duckdb")
    store.close()
    with pytest.raises(FoedusError, match="closed"):
        store.sql("select 1")


# --- the tables --------------------------------------------------------------------------------------


def test_rows_of_an_import(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        written = store.import_models(OLD, source="hand", version="1")
        assert written == {"treaties": 3, "memberships": 7, "norms": 6}
        row = store.sql("select * from treaties where id = 'b'").iloc[0]
        assert (row.source, row.version, row.title, row.dataset, row.dataset_id, row.dataset_version) == \
            ("hand", "1", "treaty b", "TEST", "b", "1")
        assert row.entry_into_force == date(1950, 2, 14) and row.ended_on == date(1980, 4, 11)
        assert Treaty.model_validate_json(row.model_json) == OLD[1]
        members = store.sql("select state, party_id, joined, \"left\" from memberships where treaty_id = 'c' "
                            "order by state")
        assert members.state.tolist() == [200, 211, 220]
        assert set(members.joined) == {date(1831, 11, 15)} and members["left"].isna().all()
        norms = store.sql("select norm_id, kind, category, article, threat from norms where treaty_id = 'a' "
                          "order by norm_id")
        assert norms.norm_id.tolist() == ["consult", "defend"]
        assert norms.article.tolist()[0] == "II" and list(norms.threat.tolist()[1]) == ["740"]
        assert store.models(source="hand") == sorted(OLD, key=lambda m: m.id)
        assert isinstance(store.arrow("select * from norms"), pa.Table)
        assert store.sql("select count(*) as n from norms where category = ?", ["defence"]).n[0] == 3


def test_membership_dates_are_clipped_to_the_treaty(tmp_path: Path) -> None:
    treaty = Treaty.model_validate({
        "id": "p", "title": "p", "lifecycle": {"entry_into_force": "fixed_date", "entry_into_force_on": "1949-08-24",
                                               "ended_on": "1991-07-01"},
        "parties": [{"id": "A", "name": "A", "cow": 2}, {"id": "B", "name": "B", "cow": 255, "joined": "1955-05-09"},
                    {"id": "C", "name": "C", "cow": 220, "left": "1966-07-01"}, {"id": "D", "name": "D"}],
    })
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_models([treaty], source="hand", version="1")
        got = store.sql('select party_id, state, joined, "left" from memberships order by party_id')
        assert got.values.tolist()[0][2:] == [date(1949, 8, 24), date(1991, 7, 1)]
        assert got.values.tolist()[1][2] == date(1955, 5, 9)
        assert got.values.tolist()[2][3] == date(1966, 7, 1)
        assert pd.isna(got.state.tolist()[3])  # no COW code


# --- idempotency -------------------------------------------------------------------------------------


def test_the_same_import_twice_gives_the_same_store(tmp_path: Path) -> None:
    with Store.open(tmp_path / "once.duckdb") as once:
        once.import_models(OLD, source="hand", version="1")
        expected = dump(once)
    with Store.open(tmp_path / "twice.duckdb") as twice:
        twice.import_models(OLD, source="hand", version="1")
        twice.import_models(OLD, source="hand", version="1")
        assert dump(twice) == expected


def test_a_new_version_replaces_the_source_never_duplicates(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_models(OLD, source="hand", version="1")
        store.import_models(NEW, source="other", version="1")
        store.import_models(OLD, source="hand", version="2")
        got = store.sql("select source, version, count(*) as n from treaties group by all order by all").values
        assert got.tolist() == [["hand", "2", len(OLD)], ["other", "1", len(NEW)]]
        assert store.sql("select count(*) as n from treaties where id = 'a'").n[0] == 1


def test_versions_side_by_side_only_when_asked(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_models(OLD, source="hand", version="1")
        store.import_models(OLD[:1], source="hand", version="2", keep_other_versions=True)
        store.import_models(NEW, source="hand", version="1", keep_other_versions=True)
        got = store.sql("select version, id from treaties order by version, id").values.tolist()
        assert got == [["1", "b"], ["1", "d"], ["1", "e"], ["1", "f"], ["2", "a"]]
        assert store.sql("select count(*) as n from memberships where version = '1'").n[0] == 9
        assert store.sql("select distinct treaty_id from norms where version = '1' order by 1").treaty_id.tolist() \
            == ["b", "d", "e", "f"]


def test_a_bad_import_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_models(OLD, source="hand", version="1")
        before = dump(store)
        with pytest.raises(FoedusError, match="appears twice"):
            store.import_models([*NEW, NEW[0]], source="hand", version="1")
        with pytest.raises(FoedusError, match="not a treaty model"):
            store.import_models([*NEW, "x"], source="hand", version="1")  # type: ignore[list-item]
        with pytest.raises(FoedusError, match="source"):
            store.import_models(NEW, source=" ", version="1")
        assert dump(store) == before

        real_insert = Store._insert

        def failing(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
            if table == "memberships":
                raise duckdb.IOException("disk full")
            real_insert(con, table, rows)

        monkeypatch.setattr(Store, "_insert", staticmethod(failing))
        with pytest.raises(FoedusError, match=r"refused the write .*disk full"):
            store.import_models(NEW, source="hand", version="1")
        assert dump(store) == before  # the deletes and the treaty rows were rolled back


# --- an import killed inside its transaction ---------------------------------------------------------

_CHILD = """
import json, sys
from foedus.model.treaty import Treaty
from foedus.store import Store
models = [Treaty.model_validate(m) for m in json.load(open(sys.argv[2]))]
with Store.open(sys.argv[1]) as store:
    store.import_models(models, source="hand", version="1")
print("committed", flush=True)
"""


def _start_paused_import(path: Path, models: list[Treaty], tmp_path: Path) -> subprocess.Popen[str]:
    payload = tmp_path / "models.json"
    payload.write_text(json.dumps([m.model_dump(mode="json", by_alias=True) for m in models]))
    env = {**os.environ, PAUSE_ENV: "120"}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(path), str(payload)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    guard = threading.Timer(90, child.kill)  # never hang the test run
    guard.start()
    try:
        assert child.stderr is not None
        line = child.stderr.readline()
    finally:
        guard.cancel()
    if "pausing" not in line:
        child.kill()
        rest = child.communicate()[1]
        pytest.fail(f"the import did not reach its pause: {line}{rest}")
    return child


def test_an_import_killed_halfway_leaves_the_previous_store(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store.open(path) as store:
        store.import_models(OLD, source="hand", version="1")
        store.save_results("note", {"kept": True})
        before = dump(store)

    child = _start_paused_import(path, NEW, tmp_path)
    try:
        # the child is inside its transaction: old rows deleted, new treaties inserted, not committed
        with pytest.raises(FoedusError, match="open in another process"):
            Store.open(path)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.communicate()
    assert child.returncode == -signal.SIGKILL

    with Store.open(path) as store:
        assert dump(store) == before
        assert ids(store) == ["a", "b", "c"]
        assert store.results("note") == [{"kept": True}]
        # and the store still takes the import
        store.import_models(NEW, source="hand", version="1")
        assert ids(store) == ["b", "d", "e", "f"]


def test_the_pause_hook_alone_does_not_change_the_outcome(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    payload = tmp_path / "models.json"
    payload.write_text(json.dumps([m.model_dump(mode="json", by_alias=True) for m in NEW]))
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(payload)], env={**os.environ, PAUSE_ENV: "0.2"},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "committed" in done.stdout
    with Store.open(path) as store:
        assert ids(store) == ["b", "d", "e", "f"]


# --- events and results ------------------------------------------------------------------------------


def test_import_events_from_a_timeline(tmp_path: Path) -> None:
    timeline = read_timeline(ROOT / "timelines" / "sino_soviet_1950_1980.yaml")
    with Store.open(tmp_path / "s.duckdb") as store:
        assert store.import_events(timeline) == len(timeline.events)
        first = dump(store)["events"]
        assert store.import_events(timeline) == len(timeline.events)
        assert dump(store)["events"] == first
        rat = store.sql("select * from events where type = 'ratification' order by date, event_id")
        assert rat.date.tolist() == [date(1950, 4, 11)] * 2
        assert sorted(a for actors in rat.actors for a in actors) == ["PRC", "USSR"]
        assert rat.treaty.tolist() == ["sino-soviet-1950"] * 2
        place = store.sql("select attributes->>'place' as place from events where type = 'exchange_of_instruments'")
        assert place.place.tolist() == ["Peking"]
    with pytest.raises(FoedusError, match="not a timeline"):
        Store.open(":memory:").import_events("x")  # type: ignore[arg-type]


def test_save_results_tables_and_json_rows(tmp_path: Path) -> None:
    from foedus import api
    from foedus.world.dyads import dyad_years

    table = dyad_years(OLD)
    status = api.status(ROOT / "treaties" / "sino_soviet_1950.md", ROOT / "timelines" / "sino_soviet_1950_1980.yaml",
                        "1960-01-01")
    with Store.open(tmp_path / "s.duckdb") as store:
        assert store.save_results("dyad_years", table, params={"models": "OLD"}) == len(table)
        assert store.save_results("dyad_years", table) == len(table)  # replaced, not added
        back = store.results("dyad_years")
        assert isinstance(back, pd.DataFrame)
        assert back.equals(table.reset_index(drop=True))
        n = store.sql("select count(*) as n from result_dyad_years where defense = 1 and year = 1955").n[0]
        assert n == 2 + 2 + 6  # treaties a, b and c (three members) are in force in 1955
        assert store.save_results("status_1960", status, params={"on": date(1960, 1, 1)}) == 1
        assert store.results("status_1960") == [json.loads(json.dumps(status, default=str))]
        sets = store.sql("select name, kind, row_count, params, table_name from result_sets order by name")
        assert sets.values.tolist() == [
            ["dyad_years", "table", len(table), None, "result_dyad_years"],
            ["status_1960", "json", 1, '{"on": "1960-01-01"}', None],
        ]
        # a set saved again under the same name as JSON rows drops the old table
        store.save_results("dyad_years", [{"a": 1}, {"a": 2}])
        assert store.results("dyad_years") == [{"a": 1}, {"a": 2}]
        with pytest.raises(FoedusError, match="SQL error"):
            store.sql("select * from result_dyad_years")
        with pytest.raises(FoedusError, match="result name"):
            store.save_results("Bad Name", [])
        with pytest.raises(FoedusError, match="result row 1"):
            store.save_results("rows", [{"a": 1}, 2])
        with pytest.raises(FoedusError, match="no result named 'nothing'"):
            store.results("nothing")


def test_sql_errors_are_one_line(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        for query in ("select * from nowhere", "selct 1", ""):
            with pytest.raises(FoedusError) as info:
                store.sql(query)
            assert "\n" not in str(info.value)


# --- the real data -----------------------------------------------------------------------------------


def test_atop_import_into_the_store(tmp_path: Path) -> None:
    shared_file("atop/atop5_0_alliance_level.csv")
    models, _ = bench_world().load_atop_models()
    with Store.open(tmp_path / "atop.duckdb") as store:
        store.import_models(models, source="atop", version="5.0")
        once = dump(store)
        store.import_models(models, source="atop", version="5.0")
        assert dump(store) == once
        assert store.sql("select count(*) as n from treaties").n[0] == len(models) == 765
        nato = store.sql("""
            select state from memberships where treaty_id = 'atop-3180'
              and joined <= DATE '1950-06-01' and ("left" is null or "left" > DATE '1950-06-01')
            order by state""").state.tolist()
        assert {2, 20, 200, 210, 211, 212, 220, 235, 325, 385, 390, 395} <= set(nato)
        the_1950 = store.sql("select entry_into_force, ended_on from treaties where id = 'atop-3200'").iloc[0]
        assert the_1950.entry_into_force == date(1950, 2, 14)


def test_the_world_read_from_a_store_is_the_flattened_models(tmp_path: Path) -> None:
    """What the world commands read by SQL equals what flattening the models gives (sorted alike)."""
    from dataclasses import replace

    from foedus.world.dyads import flatten

    shared_file("atop/atop5_0_alliance_level.csv")
    models, _ = bench_world().load_atop_models()
    with Store.open(tmp_path / "atop.duckdb") as store:
        store.import_models(models, source="atop", version="5.0")
        assert store.imports() == [("atop", "5.0", 765)]
        stored = store.world()
        excluded = store.world(exclude={"atop-3200"})
        assert [m.id for m in store.models(ids=["atop-3200", "atop-1005"])] == ["atop-1005", "atop-3200"]
    flat = flatten(sorted(models, key=lambda m: m.id))
    expected = replace(flat, windows=tuple(sorted(flat.windows, key=lambda w: w.treaty)),
                       memberships=tuple(sorted(flat.memberships, key=lambda m: (m.treaty, m.party, m.start))),
                       duties=tuple(sorted(flat.duties, key=lambda d: d.treaty)))  # model order within each
    assert stored.need_models == ()
    assert stored.obligations == expected
    assert "atop-3200" not in excluded.obligations.treaty_ids and len(excluded.obligations.windows) == 764
    assert stored.titles["atop-3200"] == "ATOP 3200"
    assert {(p.cow, p.id) for p in stored.parties if p.treaty == "atop-3200"} == {(365, "RUS"), (710, "CHN")}


def test_a_store_model_without_fixed_dates_is_left_to_its_model(tmp_path: Path) -> None:
    from foedus.model.load import load_treaty

    model, _ = load_treaty(str(ROOT / "treaties" / "sino_soviet_1950.md"))
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_models([model], source="hand", version="1")
        stored = store.world()
        with pytest.raises(FoedusError, match="no import x:"):
            store.world("x")
    assert stored.need_models == ("sino-soviet-1950",) and stored.obligations.windows == ()
