"""The world commands on the repository's three treaty files: the 1950 alliance is found when its timeline
is given, the missing record is said when it is not, states are named, and a store answers as the ATOP
file does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, shared_file, split_history
from typer.testing import CliRunner

from foedus.cli import app

FILES = ["-t", str(ROOT / "treaties" / "sino_soviet_1950.md"), "-t", str(ROOT / "treaties" / "us_japan_1951.md"),
         "-t", str(ROOT / "treaties" / "us_japan_1960.md")]
HISTORY = str(ROOT / "timelines" / "sino_soviet_1950_1980.yaml")
EVENTS = ["-e", HISTORY]
USSR, PRC, USA, JPN = 365, 710, 2, 740


def cli(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.stderr or result.stdout
    return result


def as_json(*args: str) -> Any:
    return json.loads(cli(*args, "--json").stdout)


def one_line_error(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


# --- the 1950 alliance, with and without its record ----------------------------------------------------------


def test_allies_of_the_prc_in_1960_include_the_ussr() -> None:
    data = as_json("world", "allies", "PRC", "--on", "1960-01-01", *FILES, *EVENTS)
    assert data["state"] == {"cow": PRC, "name": "People's Republic of China", "code": "PRC"}
    rows = [(r["ally"]["cow"], r["treaty"]) for r in data["allies"]]
    assert rows == [(USSR, "sino-soviet-1950")]
    assert "defence" in data["allies"][0]["owed"] and "defence" in data["allies"][0]["owes"]
    assert data["not_in_force"] == []
    for name in ("710", "cow:710", "CHN", "prc"):  # COW code, ISO3 code, party id in any case
        assert as_json("world", "allies", name, "--on", "1960-01-01", *FILES, *EVENTS) == data
    text = cli("world", "allies", "710", "--on", "1960-01-01", *FILES, *EVENTS).stdout
    assert "Allies of People's Republic of China (PRC, COW 710) on 1960-01-01" in text
    assert "Union of Soviet Socialist" in text and "(USSR, COW 365)" in text and "Sino-Soviet Treaty of 1950" in text
    assert "sino-soviet-1950" not in text  # ids only with --verbose
    assert "sino-soviet-1950" in cli("world", "allies", "710", "--on", "1960-01-01", "-v", *FILES, *EVENTS).stdout


def test_the_ussr_must_assist_the_prc_when_the_usa_attacks_in_1953() -> None:
    data = as_json("world", "assist", "USA", "PRC", "--on", "1953-06-01", *FILES, *EVENTS)
    direct = [d for d in data["duties"] if d["depth"] == 1]
    assert [(d["obligor"]["cow"], d["beneficiary"]["cow"], d["treaty"], d["article"], d["verdict"]) for d in direct] \
        == [(USSR, PRC, "sino-soviet-1950", "I", "holds")]
    assert "allied with Japan" in direct[0]["why"] and "US–Japan Security Treaty of 1951" in direct[0]["why"]
    joined = {n["state"]: n["side"] for n in data["nodes"] if n["depth"]}
    assert joined == {USSR: "target"}
    assert any(c["treaty"] == "sino-soviet-1950" and c["depth"] == 1 for c in data["consultations"])
    text = cli("world", "assist", "USA", "PRC", "--on", "1953-06-01", *FILES, *EVENTS).stdout
    assert "holds: United States of" in text and "America is allied with Japan" in text
    assert "Would join the war: Union of Soviet Socialist Republics on the side of People's Republic of China" in text
    assert "Consultation under Sino-Soviet Treaty of 1950" in text


def test_the_treatys_own_condition_decides_against_other_attackers() -> None:
    # Japan itself: named in Art. I.
    japan = as_json("world", "assist", "JPN", "PRC", "--on", "1955-06-01", *FILES, *EVENTS)
    assert [(d["verdict"], d["why"]) for d in japan["duties"] if d["depth"] == 1] == \
        [("holds", "Japan is named in the treaty")]
    # The USA before the US–Japan treaty entered into force (28 April 1952): not allied with Japan yet.
    early = as_json("world", "assist", "USA", "PRC", "--on", "1951-06-01", *FILES, *EVENTS)
    direct = [d for d in early["duties"] if d["depth"] == 1]
    assert [(d["obligor"]["cow"], d["verdict"]) for d in direct] == [(USSR, "does not hold")]
    assert direct[0]["why"] == "only against Japan and states allied with it"
    assert not [n for n in early["nodes"] if n["depth"]]  # nobody joins
    # After the treaty's end (11 April 1980) it obliges no one; the US–Japan treaty of 1960 still calls
    # for consultation on Japan's side.
    late = as_json("world", "assist", "JPN", "PRC", "--on", "1981-01-01", *FILES, *EVENTS)
    assert late["duties"] == []
    assert [(c["treaty"], [o["cow"] for o in c["obligors"]]) for c in late["consultations"]] == \
        [("us-japan-1960", [USA])]


def test_the_dyad_table_has_the_ussr_prc_rows_1950_to_1980(tmp_path: Path) -> None:
    out = tmp_path / "dyads.csv"
    data = as_json("world", "dyads", "--out", str(out), "--from", "1950", "--to", "1981", *FILES, *EVENTS)
    assert data["not_in_force"] == [] and data["rows"] > 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "stateA,stateB,year,atopally,defense,offense,neutral,nonagg,consul"
    for a, b in ((USSR, PRC), (PRC, USSR)):
        years = [int(line.split(",")[2]) for line in lines[1:] if line.startswith(f"{a},{b},")]
        assert years == list(range(1950, 1981))
    assert f"{USSR},{PRC},1960,1,1,0,0,0,1" in lines
    parquet = tmp_path / "dyads.parquet"
    cli("world", "dyads", "--out", str(parquet), "--from", "1950", "--to", "1981", *FILES, *EVENTS)
    import pyarrow.parquet as pq

    table = pq.read_table(parquet)
    assert table.num_rows == len(lines) - 1


def test_in_force_lists_the_treaty_with_its_dates() -> None:
    data = as_json("world", "in-force", "--on", "1960-01-01", *FILES, *EVENTS)
    rows = {r["treaty"]: r for r in data["treaties"]}
    assert set(rows) == {"sino-soviet-1950", "us-japan-1951"}
    assert (rows["sino-soviet-1950"]["entry_into_force"], rows["sino-soviet-1950"]["ended_on"]) == \
        ("1950-04-11", "1980-04-11")
    assert [m["cow"] for m in rows["sino-soviet-1950"]["members"]] == [USSR, PRC]


def test_without_events_every_command_says_the_record_is_missing(tmp_path: Path) -> None:
    said = ("Sino-Soviet Treaty of 1950: not in force — no ratification on record (give --events with a timeline "
            "that records it)")
    missing = {"treaty": "sino-soviet-1950", "title": "Sino-Soviet Treaty of 1950",
               "reason": "no ratification on record", "hint": "give --events with a timeline that records it",
               "sentence": said}
    commands = [
        ("world", "allies", "PRC", "--on", "1960-01-01", *FILES),
        ("world", "assist", "USA", "PRC", "--on", "1953-06-01", *FILES),
        ("world", "in-force", "--on", "1960-01-01", *FILES),
        ("world", "dyads", "--out", str(tmp_path / "d.csv"), "--from", "1950", "--to", "1981", *FILES),
    ]
    for args in commands:
        data = as_json(*args)
        assert data["not_in_force"] == [missing], args
        text = cli(*args).stdout
        assert f"warning: {said}" in " ".join(text.split()), args
    assert as_json(*commands[0])["allies"] == []
    assert "710,365" not in (tmp_path / "d.csv").read_text(encoding="utf-8")


def test_a_partial_record_names_the_party_whose_ratification_is_missing(tmp_path: Path) -> None:
    partial = tmp_path / "partial.yaml"
    partial.write_text("timeline: partial\nevents:\n"
                       "  - {date: 1950-02-14, type: signature, actors: [USSR, PRC], treaty: sino-soviet-1950}\n"
                       "  - {date: 1950-04-11, type: ratification, actor: USSR, treaty: sino-soviet-1950}\n",
                       encoding="utf-8")
    data = as_json("world", "allies", "PRC", "--on", "1960-01-01", *FILES, "-e", str(partial))
    assert [(n["treaty"], n["reason"], n["hint"]) for n in data["not_in_force"]] == \
        [("sino-soviet-1950", "no ratification by the PRC on record", "the timelines given do not record it")]


def test_several_timelines_are_merged_and_events_added(tmp_path: Path) -> None:
    first, second = split_history(tmp_path)
    whole = as_json("world", "allies", "PRC", "--on", "1960-01-01", *FILES, *EVENTS)
    split = as_json("world", "allies", "PRC", "--on", "1960-01-01", *FILES, "-e", str(first), "-e", str(second))
    assert split == whole
    # Without the first file the ratifications are missing; added on the command line, they are not.
    added = as_json("world", "allies", "PRC", "--on", "1960-01-01", *FILES, "-e", str(second),
                    "--add-event", "1950-04-11 ratification actor=USSR treaty=sino-soviet-1950",
                    "--add-event", "1950-04-11 ratification actor=PRC treaty=sino-soviet-1950")
    assert added["allies"] == whole["allies"]


def test_bad_world_input_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    assert "no such store file" in one_line_error("world", "allies", "PRC", "--on", "1960-01-01", "--store",
                                                  str(missing))
    assert not missing.exists()  # asking does not create a store
    assert "both --atop and --store" in one_line_error("world", "allies", "PRC", "--on", "1960-01-01", "--atop",
                                                       "a.csv", "--store", "b.duckdb")
    assert "'ZZZ' is not a state this world knows" in one_line_error(
        "world", "allies", "ZZZ", "--on", "1960-01-01", *FILES)
    assert "--on" in one_line_error("world", "allies", "PRC", "--on", "1960-02-30", *FILES)
    assert "no treaties given" in one_line_error("world", "allies", "PRC", "--on", "1960-01-01")
    assert "--add-event 1" in one_line_error("world", "allies", "PRC", "--on", "1960-01-01", *FILES,
                                             "--add-event", "1950-04-11 ratification")
    assert "attacker and target are both" in one_line_error(
        "world", "assist", "PRC", "710", "--on", "1960-01-01", *FILES, *EVENTS)


def test_world_json_is_byte_identical_across_runs() -> None:
    args = ("world", "assist", "USA", "PRC", "--on", "1953-06-01", *FILES, *EVENTS, "--json")
    assert cli(*args).stdout == cli(*args).stdout


# --- ATOP and the store -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def atop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    alliances = shared_file("atop/atop5_0_alliance_level.csv")
    states = shared_file("states/states2016.csv")
    store = tmp_path_factory.mktemp("store") / "world.duckdb"
    as_json("atop", "import", str(alliances), "--states", str(states), "--store", str(store))
    return {"csv": ["--atop", str(alliances), "--states", str(states)],
            "store": ["--store", str(store), "--states", str(states)], "states": str(states)}


def test_a_store_answers_as_the_atop_file_does(atop: dict[str, Any], tmp_path: Path) -> None:
    for args in (("world", "allies", "CHN", "--on", "1960-01-01", *FILES, *EVENTS),
                 ("world", "assist", "USA", "CHN", "--on", "1953-06-01", *FILES, *EVENTS),
                 ("world", "in-force", "--on", "1900-01-01")):
        stored, imported = as_json(*args, *atop["store"]), as_json(*args, *atop["csv"])
        # Importing the file again repeats the import's warnings as a note; the rest is the same answer.
        assert [n for n in imported.pop("notes") if "warning(s)" not in n] == stored.pop("notes") == [], args
        assert stored == imported, args
    csv_out, store_out = tmp_path / "csv.csv", tmp_path / "store.csv"
    as_json("world", "dyads", "--out", str(csv_out), "--from", "1945", "--to", "1960", *atop["csv"])
    as_json("world", "dyads", "--out", str(store_out), "--from", "1945", "--to", "1960", *atop["store"])
    assert csv_out.read_bytes() == store_out.read_bytes()


def test_atop_names_and_both_models_of_the_1950_alliance(atop: dict[str, Any]) -> None:
    data = as_json("world", "allies", "CHN", "--on", "1960-01-01", *FILES, *EVENTS, *atop["store"])
    ussr = {r["treaty"] for r in data["allies"] if r["ally"]["cow"] == USSR}
    assert ussr == {"atop-3200", "sino-soviet-1950"}
    # The ATOP model of the same treaty names Japan alone: it does not hold against the USA.
    assist = as_json("world", "assist", "USA", "CHN", "--on", "1953-06-01", *FILES, *EVENTS, *atop["store"])
    verdicts = {d["treaty"]: (d["verdict"], d["why"]) for d in assist["duties"]
                if d["depth"] == 1 and d["obligor"]["cow"] == USSR}
    assert verdicts["sino-soviet-1950"][0] == "holds"
    assert verdicts["atop-3200"] == ("does not hold", "only against Japan")
    text = cli("world", "allies", "RUS", "--on", "1960-01-01", *atop["store"]).stdout
    assert "Russia (RUS, COW 365)" in text.replace("\n", " ") or "(RUS, COW 365)" in text
    assert "ATOP 3200" in text


def test_an_ambiguous_state_name_is_refused_with_both_readings(atop: dict[str, Any]) -> None:
    line = one_line_error("world", "allies", "AUS", "--on", "1960-01-01", *atop["store"])
    assert "names 2 states" in line and "COW abbreviation and party id of Austria (AUS, COW 305)" in line
    assert "ISO3 code of Australia (AUL, COW 900)" in line


def test_a_store_with_two_imports_asks_which(atop: dict[str, Any], tmp_path: Path) -> None:
    from foedus.store import Store

    path = tmp_path / "two.duckdb"
    with Store.open(atop["store"][1]) as source, Store.open(path) as target:
        models = source.models()
        target.import_models(models[:20], source="ATOP", version="5.0")
        target.import_models(models[:10], source="ATOP", version="4.01", keep_other_versions=True)
    line = one_line_error("world", "in-force", "--on", "1900-01-01", "--store", str(path))
    assert "several imports (ATOP:4.01, ATOP:5.0)" in line
    data = as_json("world", "in-force", "--on", "1900-01-01", "--store", str(path), "--store-import", "ATOP:4.01")
    assert all(r["treaty"] in {m.id for m in models[:10]} for r in data["treaties"])


def test_world_status_says_which_other_treaties_are_in_force_on_no_date() -> None:
    args = ("world", "status", "us-japan-1960", "--on", "1961-01-01", *FILES)
    data = as_json(*args)
    assert data["in_force"] is True
    assert [(n["treaty"], n["reason"]) for n in data["world_not_in_force"]] == \
        [("sino-soviet-1950", "no ratification on record")]
    assert "warning: Sino-Soviet Treaty of 1950: not in force — no ratification on record" in cli(*args).stdout
    assert as_json(*args, *EVENTS)["world_not_in_force"] == []
