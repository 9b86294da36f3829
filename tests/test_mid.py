"""Tests for the MID 5.0 readers (MIDA disputes, MIDB participants)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import shared_file

from foedus.errors import FoedusError
from foedus.importers.atop_csv import PartialDate
from foedus.importers.cow_states import read_states
from foedus.importers.mid import read_disputes, read_participants

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "records"


def error_line(reader: object, name: str) -> str:
    with pytest.raises(FoedusError) as info:
        reader(FIXTURES / name)  # type: ignore[operator]
    return info.value.one_line()


def test_disputes_with_unknown_days_and_codes() -> None:
    disputes = read_disputes(FIXTURES / "mida.csv")
    assert len(disputes) == 4 and disputes.warnings == ()
    first = disputes.records[0]
    assert (first.dispnum, first.start, first.end, first.line) == (1, PartialDate(1902, 7), PartialDate(1903, 1, 24), 2)
    assert (first.outcome, first.hostlev, first.hiact, first.numa, first.numb, first.ongoing) == (6, 3, 7, 1, 1, False)
    second = disputes.records[1]
    assert second.fatality == 1 and disputes.records[3].fatality is None  # -9 is unknown
    assert disputes.records[3].ongoing is True


def test_participants_typed() -> None:
    rows = read_participants(FIXTURES / "midb.csv")
    assert len(rows) == 10 and rows.warnings == ()
    usa = rows.records[0]
    assert (usa.dispnum, usa.ccode, usa.stabb, usa.start, usa.side_a, usa.originator, usa.hostlev, usa.hiact) == (
        1, 2, "USA", PartialDate(1902, 7), True, True, 3, 7)
    assert rows.records[8].fatality is None


def test_reordered_columns_read_the_same() -> None:
    assert read_participants(FIXTURES / "midb_reordered.csv").records == read_participants(
        FIXTURES / "midb.csv").records


def test_renamed_column() -> None:
    assert error_line(read_participants, "midb_renamed_column.csv") == (
        f"{FIXTURES / 'midb_renamed_column.csv'}:1: missing column sidea (the header has unknown column side_a); "
        "expected a header with column sidea (the MID participant-level file (MIDB))")


def test_truncated_row() -> None:
    assert error_line(read_participants, "midb_truncated.csv") == (
        f"{FIXTURES / 'midb_truncated.csv'}:4: row has 6 fields; expected 19 fields, as in the header")


def test_side_outside_zero_and_one() -> None:
    assert error_line(read_participants, "midb_bad_side.csv") == (
        f"{FIXTURES / 'midb_bad_side.csv'}:4:10: column sidea: 2 is out of range; expected 0 or 1")


def test_impossible_date() -> None:
    assert error_line(read_disputes, "mida_impossible_date.csv") == (
        f"{FIXTURES / 'mida_impossible_date.csv'}:3:2: column stday: 1913-02-30 is not a calendar date; "
        "expected a day that exists in that month, or -9")


def test_contradictions_and_states_outside_the_system_are_reported() -> None:
    states = read_states(FIXTURES / "states.csv")
    disputes = read_disputes(FIXTURES / "mida.csv")
    path = FIXTURES / "midb_contradictory.csv"
    rows = read_participants(path, states=states, disputes=disputes)
    assert len(rows) == 9  # every row kept
    assert rows.warnings == (
        f"{path}:4: state 245 (Bavaria) is not a member of the state system when it joins dispute 1 (1902-08-01)",
        f"{path}:6: state 365 in dispute 2 leaves (1913-04-25) before it joins (1913-05-02)",
        f"{path}:5: state 200 is on both sides of dispute 1 at once: this spell (1902-08-01 to 1902-12-01) "
        "overlaps the spell on line 3 on the other side",
        f"{path}:10: state 640 in dispute 2: this spell (1913-05-02 to 1913-10-25) overlaps the spell on line 7 "
        "on the same side",
        f"{path}:9: dispute 9 is not in {FIXTURES / 'mida.csv'}",
        f"{path}:2: dispute 1 has 2 states on side A and 2 on side B here, but numa 1 and numb 1 in "
        f"{FIXTURES / 'mida.csv'}:2",
        f"{FIXTURES / 'mida.csv'}:4: dispute 3 has no participant in {path}",
        f"{FIXTURES / 'mida.csv'}:5: dispute 4 has no participant in {path}",
    )


def test_real_mid_files() -> None:
    states = read_states(shared_file("states/states2016.csv"))
    disputes = read_disputes(shared_file("mid/MIDA_5.0.csv"))
    path = shared_file("mid/MIDB_5.0.csv")
    rows = read_participants(path, states=states, disputes=disputes)
    assert (len(disputes), len(rows)) == (2436, 5883)
    assert sum(d.start.day is None for d in disputes) == 271 and sum(d.end.day is None for d in disputes) == 251
    mid2 = next(d for d in disputes if d.dispnum == 2)
    assert (mid2.start, mid2.end) == (PartialDate(1902, 7), PartialDate(1903, 1, 24))
    # MID writes the Soviet Union as USR; COW's 2016 state list uses RUS: one warning, not 260.
    assert sum("stabb USR is used for COW code 365 on 260 rows" in w for w in rows.warnings) == 1
    assert any(w.startswith(f"{path}:382: state 20 (Canada) is not a member") for w in rows.warnings)
