"""Tests for the readers of the COW inter-state war files (annual rows and directed dyad-years)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import shared_file

from foedus.errors import FoedusError
from foedus.importers.atop_csv import PartialDate
from foedus.importers.cow_states import read_states
from foedus.importers.cow_wars import WarSpell, read_war_dyads, read_war_years

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "records"


def error_line(reader: object, name: str) -> str:
    with pytest.raises(FoedusError) as info:
        reader(FIXTURES / name)  # type: ignore[operator]
    return info.value.one_line()


# --- the dyad-year file ----------------------------------------------------------------------------


def test_dyad_rows_are_typed_with_their_lines() -> None:
    dyads = read_war_dyads(FIXTURES / "war_dyads.csv")
    assert len(dyads) == 22 and dyads.warnings == () and dyads.unknown == ()
    first = dyads.records[0]
    assert (first.war, first.ccode1, first.ccode2, first.year, first.line) == (900, 255, 2, 1914, 2)
    assert (first.side1, first.side2, first.initiator1, first.initiator2) == (2, 1, True, False)
    assert (first.outcome1, first.batdeath1, first.onset, first.resume) == (2, 1000, True, False)
    italy = dyads.records[4]
    assert italy.batdeath1 is None  # -9: unknown battle deaths
    resumed = dyads.records[-1]
    assert resumed.resume and resumed.outcome1 is None and resumed.line == 23


def test_reordered_columns_and_a_byte_order_mark_read_the_same() -> None:
    plain = read_war_dyads(FIXTURES / "war_dyads.csv").records
    assert read_war_dyads(FIXTURES / "war_dyads_reordered.csv").records == plain
    assert (FIXTURES / "war_dyads_bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_war_dyads(FIXTURES / "war_dyads_bom.csv").records == plain


def test_renamed_column_names_what_is_missing_and_what_the_header_has() -> None:
    assert error_line(read_war_dyads, "war_dyads_renamed_column.csv") == (
        f"{FIXTURES / 'war_dyads_renamed_column.csv'}:1: missing column sidea2 (the header has unknown column "
        "side_a2); expected a header with column sidea2 (the COW inter-state war directed dyad-year file)")


def test_truncated_row() -> None:
    assert error_line(read_war_dyads, "war_dyads_truncated.csv") == (
        f"{FIXTURES / 'war_dyads_truncated.csv'}:4: row has 7 fields; expected 15 fields, as in the header")


def test_non_numeric_code_names_row_and_column() -> None:
    assert error_line(read_war_dyads, "war_dyads_bad_code.csv") == (
        f"{FIXTURES / 'war_dyads_bad_code.csv'}:3:2: column ccode1: 'USA' is not a whole number; "
        "expected a COW state code (a positive whole number)")


def test_side_outside_one_and_two() -> None:
    assert error_line(read_war_dyads, "war_dyads_bad_side.csv") == (
        f"{FIXTURES / 'war_dyads_bad_side.csv'}:2:7: column sidea1: 3 is out of range; expected side 1 or 2")


def test_contradictory_dyad_rows_and_states_outside_the_system_are_reported() -> None:
    states = read_states(FIXTURES / "states.csv")
    path = FIXTURES / "war_dyads_contradictory.csv"
    dyads = read_war_dyads(path, states=states)
    assert len(dyads) == 9  # nothing dropped
    assert dyads.warnings == (
        f"{path}:6: ccode1 245 (Bavaria) is not a member of the state system in 1916",
        f"{path}:10: war 903: no mirror row for 365 against 640 in 1916",
    )


# --- the annual file -------------------------------------------------------------------------------


def test_annual_rows_are_typed_with_their_lines() -> None:
    rows = read_war_years(FIXTURES / "war_years.csv")
    assert len(rows) == 8 and rows.warnings == ()
    first = rows.records[0]
    assert (first.war, first.war_name, first.initiation, first.year) == (1, "AlphaWar1914-1915", 1, 1914)
    assert (first.init, first.init_name, first.target, first.joiner, first.outcome) == (
        255, "Germany", 2, False, 0)
    assert first.spells == (WarSpell(PartialDate(1914, 8, 1), PartialDate(1914, 12, 31)),)
    uk = rows.records[2]
    assert uk.allies == (2,) and uk.adversaries == () and uk.joiner is True
    italy = rows.records[4]
    assert italy.adversaries == (200,) and italy.allies == (255,) and italy.line == 6


def test_impossible_date_names_the_column() -> None:
    assert error_line(read_war_years, "war_years_impossible_date.csv") == (
        f"{FIXTURES / 'war_years_impossible_date.csv'}:2:13: column day_entry: 1914-02-30 is not a calendar "
        "date; expected a day that exists in that month, or -9")


def test_unknown_day_and_month_are_read_as_unknown(tmp_path: Path) -> None:
    text = (FIXTURES / "war_years.csv").read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace(",1914,Germany,255,United States of America,2,8,1,12,31,",
                              ",1914,Germany,255,United States of America,2,8,-9,-9,NA,")
    path = tmp_path / "unknown_day.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    row = read_war_years(path).records[0]
    assert row.spells == (WarSpell(PartialDate(1914, 8), PartialDate(1914)),)


def test_contradictory_annual_rows_are_reported_not_dropped() -> None:
    states = read_states(FIXTURES / "states.csv")
    path = FIXTURES / "war_years_contradictory.csv"
    rows = read_war_years(path, states=states)
    assert len(rows) == 6
    assert rows.warnings == (
        f"{path}:4: the relation ends (1916-04-01) before it starts (1916-05-01); its dates are not used",
        f"{path}:5: state 220 is at war with itself (init_ccode = target_ccode)",
        f"{path}:7: init_ccode 325 is Italy in {FIXTURES / 'states.csv'}, but the row names it 'Greece', the "
        "name of COW code 350; the row is not used for events",
    )


# --- the real files --------------------------------------------------------------------------------


def test_real_dyad_file() -> None:
    dyads = read_war_dyads(shared_file("wars/peacesciencer_cow_war_inter.csv"))
    assert len(dyads) == 1932 and dyads.warnings == ()
    assert len({row.war for row in dyads}) == 95
    participants = {(row.war, row.ccode1, row.side1) for row in dyads}
    assert len(participants) == 337  # COW v4.0 counts 337 participants (five states changed sides)
    assert sum(row.resume for row in dyads) == 22


def test_real_annual_file_and_its_coding_errors() -> None:
    states = read_states(shared_file("states/states2016.csv"))
    path = shared_file("wars/interstate_war_annual_rev_armsallies.csv")
    rows = read_war_years(path, states=states)
    assert len(rows) == 586
    assert len({row.initiation for row in rows}) == 250 and len({row.war for row in rows}) == 88
    korea_us = [row for row in rows if row.initiation_name == "Korean_US_1950-53"]
    assert [(row.year, row.spells[0].start, row.spells[0].end) for row in korea_us] == [
        (1950, PartialDate(1950, 6, 27), PartialDate(1950, 12, 31)),
        (1951, PartialDate(1951, 1, 1), PartialDate(1951, 12, 31)),
        (1952, PartialDate(1952, 1, 1), PartialDate(1952, 12, 31)),
        (1953, PartialDate(1953, 1, 1), PartialDate(1953, 7, 27)),
    ]
    text = "\n".join(rows.warnings)
    assert f"{path}:152: init_ccode 360 is Romania" in text and "'Greece', the name of COW code 350" in text
    assert f"{path}:138: target_ccode 365 is Russia" in text
    assert f"{path}:75: the relation ends (1871-02-26) before it starts (1871-12-31)" in text
