"""Alliance reliability: the COW and MID readers through the engine to the rows, the tables, the page, the store
and the command line; one semantics with `evaluate` and the world; the 1950 treaty examined on the record."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from helpers import bench_module, shared_file
from test_reliability_scenarios import write_alliances
from typer.testing import CliRunner

from foedus.cli import app
from foedus.compile import compile_treaty
from foedus.evaluate.relations import TimelineFacts
from foedus.evaluate.run import evaluate
from foedus.importers.atop import import_atop
from foedus.reliability import compare, run
from foedus.reliability.judge import rows_of
from foedus.reliability.record import RecordFiles, load_record
from foedus.reliability.tables import summarize, wilson
from foedus.store import Store

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "tests" / "fixtures" / "records"
runner = CliRunner()


@pytest.fixture()
def files(tmp_path: Path) -> RecordFiles:
    """A defence pact of the United States, the United Kingdom and France, and a non-aggression pact of Germany
    and Italy, against the records fixtures (Alpha War 1914-1915 and four disputes)."""
    atop = write_alliances(tmp_path / "alliances.csv", [
        {"atopid": 9201, "beg": "1900-01-01", "defense": 1, "mem": [2, 200, 220]},
        {"atopid": 9202, "beg": "1900-01-01", "nonagg": 1, "mem": [255, 325]}])
    return RecordFiles(atop=atop, war_dyads=RECORDS / "war_dyads.csv", war_years=RECORDS / "war_years.csv",
                       states=RECORDS / "states.csv", mida=RECORDS / "mida.csv", midb=RECORDS / "midb.csv")


def options(files: RecordFiles) -> list[str]:
    return ["--atop", str(files.atop), "--wars", str(files.war_dyads), "--wars-annual", str(files.war_years),
            "--states", str(files.states), "--mida", str(files.mida), "--midb", str(files.midb)]


# --- the COW files through the engine -------------------------------------------------------------------------


def test_the_cow_files_judged(files: RecordFiles) -> None:
    result = run(files)
    rows = {(r.bearer, r.partner, r.obligation): r for r in result.judgement.rows}
    # The United Kingdom enters Alpha War beside the United States a month after the German attack.
    assert rows[("UKG", "USA", "defence")].outcome == "honoured"
    assert rows[("USA", "UKG", "defence")].outcome == "honoured"  # already at war when Britain enters
    # France's days are known only to the year 1915: whether it entered while the others were at war, or they
    # were still at war when it entered, cannot be told.
    assert {r.outcome for (b, p, _), r in rows.items() if "FRN" in (b, p)} == {"not determinable"}
    # Italy changes sides: it fights Germany, its partner in non-aggression (and Germany fights it).
    assert rows[("ITA", "GMY", "non_aggression")].outcome == "violated"
    assert all(r.source.startswith("COW Inter-State War v4.0") for r in result.judgement.rows)
    assert result.record.has_disputes and result.judgement.choices == ()


def test_a_window_of_days(files: RecordFiles) -> None:
    result = run(files, ["within-30-days"])
    rows = {(r.bearer, r.partner): r for r in result.judgement.rows if r.obligation == "defence"}
    # Britain enters 31 days after the United States: too late for a 30-day window; France, surely too late.
    assert rows[("UKG", "USA")].outcome == "violated" and rows[("FRN", "USA")].outcome == "violated"
    assert "no fulfilling act on record by 1914-08-31" in rows[("UKG", "USA")].explanation


def test_disputes_count_only_when_the_reading_admits_them(files: RecordFiles) -> None:
    default = run(files)
    force = run(files, ["uses-of-force"], like=default)
    assert {r.record for r in default.judgement.rows} == {"war"}
    mid = [r for r in force.judgement.rows if r.record == "dispute"]
    # MID 2 (1913, force used): France, on side B against Russia; its allies stayed out.
    assert {(r.bearer, r.partner, r.conflict, r.outcome) for r in mid} == {
        ("USA", "FRN", "mid-2", "violated"), ("UKG", "FRN", "mid-2", "violated")}
    changes = compare(default, force)
    assert set(changes[changes["changed"]]["outcome_a"]) == {"not invoked"}


def test_a_reading_of_disputes_needs_the_mid_files(files: RecordFiles) -> None:
    from dataclasses import replace

    from foedus.errors import FoedusError
    with pytest.raises(FoedusError, match="no MID files were given"):
        run(replace(files, mida=None, midb=None), ["all-disputes"])


# --- one semantics ---------------------------------------------------------------------------------------------


def test_rows_are_the_engines_on_the_whole_record(files: RecordFiles) -> None:
    """Evaluating a model on the events that concern it gives the rows that evaluating it on the whole record
    (as `foedus run` would) gives."""
    result = run(files, ["uses-of-force"])
    record = load_record(files)
    for model in result.models:
        ct = compile_treaty(model, [c for c in result.judgement.choices if "conflicts" in c])
        outcome = evaluate(ct, record.timeline, record.as_of, TimelineFacts.from_events(record.events))
        whole = sorted((r.row_id, r.outcome, r.state) for r in rows_of(ct, outcome, record, result.reading))
        mine = sorted((r.row_id, r.outcome, r.state) for r in result.judgement.rows if r.alliance == model.id)
        assert whole == mine and mine, model.id


def test_rows_agree_with_the_world_on_real_alliances() -> None:
    """The judgement of the Anglo-Polish alliance (2440) and of the 1950 treaty (3200) is the world's."""
    from foedus.world import World

    files = RecordFiles.in_folder(shared_file("atop/atop5_0_alliance_level.csv").parents[1])
    atop = import_atop(files.atop, files.members, files.states, iso3=False)
    record = load_record(files)
    models = [atop.model(2440), atop.model(3200)]
    result = run(models=models, record=record)
    world = World.from_models(models, record.timeline)
    for model in models:
        outcome = world.evaluate(model.id, record.as_of)
        ct = world.compiled_treaty(model.id)
        expected = sorted((r.row_id, r.outcome) for r in rows_of(ct, outcome, record, "default"))
        assert sorted((r.row_id, r.outcome) for r in result.judgement.rows if r.alliance == model.id) == expected
    polish = {r.row_id: r for r in result.judgement.rows}
    assert polish["atop-2440:atop-defense-p2/UKG/1939-09-01"].outcome == "honoured"


# --- tables -----------------------------------------------------------------------------------------------------


def test_wilson_intervals() -> None:
    low, high = wilson(7, 10)
    assert (round(low, 4), round(high, 4)) == (0.3968, 0.8922)
    assert wilson(0, 5)[0] == 0.0 and wilson(5, 5)[1] == 1.0
    assert all(math.isnan(v) for v in wilson(0, 0))


def test_summaries_count_every_row_once(files: RecordFiles) -> None:
    result = run(files, ["uses-of-force"])
    rows = result.row_records
    for name, table in result.summary_records.items():
        assert sum(item["n"] for item in table) == len(rows), name
        for item in table:
            assert item["honoured"] + item["violated"] + item["not_determinable"] == item["n"]
    overall = result.summary_records["overall"][0]
    determinable = overall["honoured"] + overall["violated"]
    assert overall["rate"] == overall["honoured"] / determinable
    # The naive measure: every allied pair in which a member entered a conflict, each once overall.
    naive = summarize(result.naive_records, ["obligation"], measure="naive")
    assert {n["obligation"] for n in naive} == {"defence", "non_aggression"}
    pairs = {(p["alliance"], p["ally"], p["partner"], p["conflict"], p["entered_on"]) for p in result.naive_records}
    assert overall["naive_n"] == len(pairs)
    assert result.rows.shape[0] == len(rows) and list(result.summaries["obligation"].columns)[:2] == ["obligation", "n"]


# --- command line, files, page, store ---------------------------------------------------------------------------


def test_run_writes_the_tables_the_page_and_the_store(files: RecordFiles, tmp_path: Path) -> None:
    out = tmp_path / "out"
    store = tmp_path / "world.duckdb"
    result = runner.invoke(app, ["reliability", "run", *options(files), "--out", str(out), "--store", str(store),
                                 "--with", "within-30-days"])
    assert result.exit_code == 0, result.output
    assert "defence" in result.output and "With within-30-days" in result.output
    with open(out / "rows.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["outcome"] for r in rows} == {"honoured", "violated", "not determinable"}
    assert rows[0]["invoked_on"] == "1914-08-01"
    import pyarrow.parquet as pq
    assert pq.read_table(out / "rows.parquet").num_rows == len(rows)
    summaries = (out / "summaries.csv").read_text(encoding="utf-8").splitlines()
    assert summaries[0].startswith("table,obligation,period,era,kind,n,honoured,violated,not_determinable,rate,low")
    page = (out / "reliability.html").read_text(encoding="utf-8")
    assert "<svg" in page and "Two readings" in page and "Wilson" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "<script" not in page
    with Store.open(store) as db:
        frame = db.sql("select obligation, outcome, count(*) as n from reliability group by all order by all")
    assert int(frame["n"].sum()) == len(rows)


def test_the_same_inputs_give_the_same_files(files: RecordFiles, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert runner.invoke(app, ["reliability", "run", *options(files), "--out", str(tmp_path / name)]).exit_code == 0
    for name in ("rows.csv", "naive.csv", "summaries.csv", "uncertain.csv", "reliability.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_run_json(files: RecordFiles) -> None:
    result = runner.invoke(app, ["reliability", "run", *options(files), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["reading"] == "default" and data["rows"] == 8
    assert {item["obligation"] for item in data["summaries"]["obligation"]} == {"defence", "non_aggression"}


def test_explain_a_row(files: RecordFiles) -> None:
    result = runner.invoke(app, ["reliability", "explain", "atop-9201:atop-defense/UKG/1914-08-01", *options(files)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "United Kingdom's defence obligation toward United States of America" in text and "HONOURED" in text
    assert "war_years.csv line" in text  # the record's citation of the day
    assert "ATOP codes: defense=1" in text and "[   true] event.against_initiator == true" in text
    assert "late-entry = not-counted" in text
    data = json.loads(runner.invoke(app, ["reliability", "explain", "atop-9201:atop-defense/UKG/1914-08-01",
                                          *options(files), "--json"]).output)
    assert data["rule"]["state_machine"].startswith("obligation: active --[fulfilling act]--> fulfilled")
    missing = runner.invoke(app, ["reliability", "explain", "atop-9201:nothing", *options(files)])
    assert missing.exit_code == 2 and missing.output.count("\n") == 1 and "no row" in missing.output


def test_compare_two_readings(files: RecordFiles, tmp_path: Path) -> None:
    out = tmp_path / "both.csv"
    result = runner.invoke(app, ["reliability", "compare", "-r", "default", "-w", "within-30-days", *options(files),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "honoured -> violated: 1" in result.output and "not determinable -> violated: 2" in result.output
    assert out.read_text(encoding="utf-8").startswith("row_id,alliance,obligation")


def test_readings_are_listed() -> None:
    result = runner.invoke(app, ["reliability", "readings"])
    assert result.exit_code == 0
    for words in ("late-entry", "join-window", "conflicts", "location-condition", "named conditions-met"):
        assert words in result.output


# --- bad input: one line, or a warning with the row ------------------------------------------------------------


@pytest.mark.parametrize(("name", "words"), [
    ("midb_truncated.csv", "midb_truncated.csv:"),
    ("midb_renamed_column.csv", "midb_renamed_column.csv:"),
])
def test_bad_participant_files_give_one_line(files: RecordFiles, name: str, words: str) -> None:
    args = [*options(files)]
    args[args.index("--midb") + 1] = str(RECORDS / name)
    result = runner.invoke(app, ["reliability", "run", *args])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert result.output.startswith("error: ") and words in result.output


def test_an_impossible_date_gives_one_line(files: RecordFiles) -> None:
    args = [*options(files)]
    args[args.index("--wars-annual") + 1] = str(RECORDS / "war_years_impossible_date.csv")
    result = runner.invoke(app, ["reliability", "run", *args])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "war_years_impossible_date.csv:" in result.output


def test_reordered_columns_give_the_same_rows(files: RecordFiles) -> None:
    from dataclasses import replace

    a = run(files)
    b = run(replace(files, midb=RECORDS / "midb_reordered.csv"), ["uses-of-force"])
    c = run(files, ["uses-of-force"], like=a)
    assert sorted(r.row_id for r in b.judgement.rows) == sorted(r.row_id for r in c.judgement.rows)


def test_contradictions_and_strangers_are_reported_with_their_rows(files: RecordFiles) -> None:
    from dataclasses import replace

    result = run(replace(files, war_dyads=RECORDS / "war_dyads_contradictory.csv"))
    assert any("war_dyads_contradictory.csv:" in w for w in result.warnings)
    verbose = runner.invoke(app, ["reliability", "run", *options(replace(files, midb=RECORDS /
                                                                           "midb_contradictory.csv")), "--verbose"])
    assert verbose.exit_code == 0 and "warning: " in verbose.output and "midb_contradictory.csv:" in verbose.output


def test_no_data_is_one_line() -> None:
    result = runner.invoke(app, ["reliability", "run"])
    assert result.exit_code == 2 and "no data given" in result.output and result.output.count("\n") == 1


# --- the 1950 treaty ---------------------------------------------------------------------------------------------


def test_the_1950_treaty_was_never_invoked_by_the_record() -> None:
    data_folder = shared_file("atop/atop5_0_alliance_level.csv").parents[1]
    result = runner.invoke(app, [
        "reliability", "treaty", str(ROOT / "treaties" / "sino_soviet_1950.md"),
        "--events", str(ROOT / "timelines" / "sino_soviet_1950_1980.yaml"),
        "--with", str(ROOT / "treaties" / "us_japan_1951.md"), "--with", str(ROOT / "treaties" / "us_japan_1960.md"),
        "--data", str(data_folder), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["invoked"] == [] and data["examined"] == ["mutual-assistance"]
    assert len(data["conflicts"]) > 100
    korea = next(c for c in data["conflicts"] if c["conflict"] == "cow-war-151")
    assert korea["parties"][0]["against_initiator"] is False  # China enters beside North Korea, the initiator
    reasons = data["reasons"]["mutual-assistance"]
    assert "invoked" not in reasons
    assert any("JPN" in k for k in reasons)  # attacks on a party by states neither Japan nor allied with it
    counterpart = runner.invoke(app, ["reliability", "treaty", "atop-3200", "--data", str(data_folder), "--json"])
    atop = json.loads(counterpart.output)
    assert atop["invoked"] == [] and "atop-defense" in atop["examined"]
    assert atop["reasons"]["atop-defense"].get("not: it fought Japan", 0) >= 5


# --- the command line stays light --------------------------------------------------------------------------------


def test_the_reliability_commands_import_little() -> None:
    code = ("import sys, foedus.cli_reliability; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandas', 'pyarrow', 'duckdb') or "
            "m.startswith('foedus.reliability')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_dates_of_rows_are_dates(files: RecordFiles) -> None:
    result = run(files)
    assert all(isinstance(r.invoked_on, date) for r in result.judgement.rows)


def test_a_state_outside_the_system_is_reported_and_kept(files: RecordFiles, tmp_path: Path) -> None:
    """Bavaria (the COW system ends it in 1871) fighting in 1914: a warning with the row, and its
    participation is kept, never dropped."""
    from dataclasses import replace

    dyads = tmp_path / "war_dyads.csv"
    text = (RECORDS / "war_dyads.csv").read_text(encoding="utf-8")
    dyads.write_text(text + "900,245,255,1914,1,0,1,2,0,1,1,2,100,1000,0\n"
                            "900,255,245,1914,1,0,2,1,1,0,2,1,1000,100,0\n", encoding="utf-8")
    result = run(replace(files, war_dyads=dyads))
    warned = [w for w in result.warnings if "Bavaria" in w and "not a member of the state system" in w]
    assert warned and warned[0].startswith(f"{dyads}:")
    assert any(e.type == "war_joined" and e.actor == "BAV" for e in result.record.events)


def _baseline() -> object:
    """bench/reliability_baseline.py, the pandas implementation the benchmark checks the engine against."""
    return bench_module("reliability_baseline")


@pytest.mark.parametrize("reading", [[], ["within-30-days"], ["uses-of-force"], ["all-disputes", "aggressor-only"],
                                     ["late-entry-counts", "all-adversaries"]])
def test_the_pandas_baseline_gives_the_same_rows(files: RecordFiles, reading: list[str]) -> None:
    base = _baseline()
    result = run(files, reading)
    expected = base.baseline(result.models, result.record, result.judgement.choices)  # type: ignore[attr-defined]
    assert base.engine_rows(result.judgement.rows) == expected  # type: ignore[attr-defined]
    assert expected
