"""Tests for the ATOP alliance-level and member-level CSV readers."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from helpers import shared_file

from foedus.errors import FoedusError
from foedus.importers.atop_csv import (
    PROVISION_COLUMNS,
    AtopAlliance,
    PartialDate,
    read_alliances,
    read_members,
)
from foedus.importers.cow_states import read_states

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ATOP_FIXTURES = FIXTURES / "atop"

THIRD_PARTY_V4_COLUMNS = ("hinst", "minst", "milorg", "milinst", "pubtreat", "formorg", "formal")



def fixture(name: str) -> Path:
    return ATOP_FIXTURES / name


def error_from(call: object, *args: object) -> FoedusError:
    assert callable(call)
    with pytest.raises(FoedusError) as info:
        call(*args)
    return info.value


def by_id(records: tuple[AtopAlliance, ...]) -> dict[int, AtopAlliance]:
    return {record.atopid: record for record in records}


# --- partial dates -------------------------------------------------------------------------------


def test_partial_date_bounds_and_text() -> None:
    assert str(PartialDate(1844, 6)) == "1844-06"
    assert str(PartialDate(1950, 2, 14)) == "1950-02-14"
    assert PartialDate(1844, 6).earliest() == date(1844, 6, 1)
    assert PartialDate(1844, 6).latest() == date(1844, 6, 30)
    assert PartialDate(1900).latest() == date(1900, 12, 31)
    assert PartialDate(1900, 2).latest() == date(1900, 2, 28)
    assert PartialDate(1950, 2, 14).to_date() == date(1950, 2, 14)
    assert PartialDate(1950, 2).to_date() is None


@pytest.mark.parametrize(
    ("year", "month", "day"), [(1900, 13, None), (1901, 2, 29), (1900, None, 3), (0, 1, 1)]
)
def test_partial_date_rejects_impossible_dates(year: int, month: int | None, day: int | None) -> None:
    with pytest.raises(FoedusError):
        PartialDate(year, month, day)


# --- alliance fixtures ---------------------------------------------------------------------------


def test_alliance_fixture_records() -> None:
    atop = read_alliances(fixture("alliances_ok.csv"))
    assert len(atop) == 3
    assert [record.atopid for record in atop] == [1001, 1002, 1003]
    assert [record.line for record in atop] == [2, 3, 4]
    assert atop.version == "5"

    first, second, third = atop.records
    assert first.begin == PartialDate(1900, 5, None)  # blank day: unknown
    assert first.end is None  # 0/0/0: no end
    assert first.ineffect == 1
    assert first.members == (200, 220)
    assert first.provisions == {"defense": 1, "speclgth": 1, "length": 120, "statthr1": None}
    assert first.source == "1"
    assert first.version == "5"
    assert second.end == PartialDate(1909, 12, 31)
    assert third.begin == PartialDate(1920, 2, 29)  # a leap day
    assert third.members == (365, 710, 9999)
    assert third.provisions["speclgth"] is None
    assert (third.maxphase, third.wartime, third.bilat) == (2, 1, 0)


def test_alliance_unknown_columns_are_listed_and_kept() -> None:
    atop = read_alliances(fixture("alliances_ok.csv"))
    assert atop.unknown == ("hinst",)
    assert "hinst" not in atop.known
    assert {"atopid", "begyr", "mem1", "mem3", "defense", "version"} <= set(atop.known)
    assert [record.extra for record in atop] == [{"hinst": "2"}, {"hinst": ""}, {"hinst": "0"}]


def test_alliance_warnings() -> None:
    path = fixture("alliances_ok.csv")
    atop = read_alliances(path)
    assert atop.warnings == (f"{path}:3: alliance 1002 ends (1909-12-31) before it begins (1910-01-02)",)


def test_alliance_members_checked_against_states() -> None:
    states = read_states(FIXTURES / "states" / "states_small.csv")
    path = fixture("alliances_ok.csv")
    atop = read_alliances(path, states=states)
    missing = [warning for warning in atop.warnings if "is not a state" in warning]
    assert missing == [
        f"{path}:2: member 200 of alliance 1001 is not a state in {states.path}",
        f"{path}:2: member 220 of alliance 1001 is not a state in {states.path}",
        f"{path}:3: member 20 of alliance 1002 is not a state in {states.path}",
        f"{path}:4: member 9999 of alliance 1003 is not a state in {states.path}",
    ]


def test_missing_column_names_file_line_1_and_column() -> None:
    path = fixture("alliances_missing_column.csv")
    error = error_from(read_alliances, path)
    assert error.one_line() == f"{path}:1: missing column begmo; expected a header with column begmo"


def test_missing_member_columns() -> None:
    path = fixture("alliances_no_member_columns.csv")
    error = error_from(read_alliances, path)
    assert error.where is not None and error.where.line == 1
    assert "mem1" in error.one_line()


def test_bad_integer_gives_the_line() -> None:
    path = fixture("alliances_bad_integer.csv")
    error = error_from(read_alliances, path)
    assert error.one_line() == (
        f"{path}:3: column defense: 'yes' is not an integer; expected a whole number of at most 18 digits, or an "
        "empty cell"
    )


def test_month_13_is_an_error() -> None:
    path = fixture("alliances_bad_month.csv")
    error = error_from(read_alliances, path)
    assert error.one_line().startswith(f"{path}:3: endyr/endmo/endday: month 13 is not a calendar month")


def test_30_february_is_an_error() -> None:
    path = fixture("alliances_bad_day.csv")
    error = error_from(read_alliances, path)
    assert error.one_line().startswith(f"{path}:4: begyr/begmo/begday: 1902-02-30 is not a calendar date")


def test_duplicate_atopid() -> None:
    path = fixture("alliances_duplicate.csv")
    error = error_from(read_alliances, path)
    assert error.one_line().startswith(f"{path}:4: atopid 1001 appears twice (first on line 2)")


# --- member fixtures -----------------------------------------------------------------------------


def test_member_fixture_records() -> None:
    path = fixture("members_ok.csv")
    members = read_members(path)
    assert len(members) == 4
    assert members.version == "4.01"
    assert members.unknown == ("new4",)
    first, second, third, fourth = members.records
    assert (first.atopid, first.member, first.phase) == (2001, 200, 0)
    assert first.entry == PartialDate(1950, 3, 1)
    assert first.exit is None  # yrexit 0: has not left
    assert second.exit == PartialDate(1960, 6, None)  # blank day: unknown
    assert second.provisions == {
        "defense": 1,
        "defcoadv": 1,
        "concoreq": 0,
        "termmode": 3,
        "termcaus": 4,
    }
    assert fourth.provisions["termcaus"] is None
    assert second.extra == {"new4": "1"}
    assert (second.cowsys, second.ineffect) == (1, 0)
    # a member that left and rejoined within one phase: two spells, with a warning
    assert (third.exit, fourth.exit) == (PartialDate(1979, 3, 31), None)
    assert members.warnings == (
        f"{path}:5: atopid 2002, member 651, phase 1 appears again (first on line 4) "
        "as a separate membership spell from 1989-05-22",
    )


def test_duplicate_member_phase() -> None:
    path = fixture("members_duplicate.csv")
    error = error_from(read_members, path)
    assert error.one_line().startswith(
        f"{path}:4: atopid 2001, member 200, phase 0 appears twice with the same entry date 1950-03-01 "
        "(first on line 2)"
    )


def test_overlapping_member_spells() -> None:
    path = fixture("members_overlap.csv")
    error = error_from(read_members, path)
    assert error.one_line().startswith(
        f"{path}:3: atopid 2001, member 200, phase 0 appears twice with overlapping"
    )


def test_exit_year_0_with_a_month_is_an_error() -> None:
    path = fixture("members_bad_exit.csv")
    error = error_from(read_members, path)
    assert error.one_line().startswith(f"{path}:2: yrexit is 0 (no end) but moexit=4, dayexit=0")


# --- other bad inputs (written on the fly) -------------------------------------------------------

HEADER = "atopid,begyr,begmo,begday,endyr,endmo,endday,mem1,mem2,version\n"


def write(tmp_path: Path, text: str, name: str = "alliances.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_minus_9_and_0_month_or_day_are_unknown_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "1,1900,-9,-9,1901,4,0,200,220,5\n")
    (record,) = read_alliances(path).records
    assert record.begin == PartialDate(1900, None, None)
    assert record.end == PartialDate(1901, 4, None)
    assert read_alliances(path).warnings == (
        f"{path}:2: begmo is -9; read as an unknown month",
        f"{path}:2: begday is -9; read as an unknown day",
        f"{path}:2: endday is 0; read as an unknown day",
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (",1900,1,1,0,0,0,200,220,5", "column atopid is empty"),
        ("1,0,1,1,0,0,0,200,220,5", "begyr/begmo/begday: year 0 is not a calendar year"),
        ("1,,1,1,0,0,0,200,220,5", "column begyr is empty"),
        ("1,1900,,5,0,0,0,200,220,5", "begyr/begmo/begday: day 5 is given without a month"),
        ("1,1900,1,1,0,0,0,200,-5,5", "column mem2: -5 is not a COW state code"),
        ("1,1900,1,1,0,0,0,200,2.5,5", "column mem2: '2.5' is not an integer"),
        ("1,1900,1,1,0,0,0,200", "row has 8 fields"),
    ],
)
def test_bad_rows(tmp_path: Path, row: str, message: str) -> None:
    path = write(tmp_path, HEADER + row + "\n")
    error = error_from(read_alliances, path)
    assert error.one_line().startswith(f"{path}:2: {message}")


def test_line_numbers_count_physical_lines(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "1,1900,1,1,0,0,0,200,220,5\n\n2,1900,1,1,0,0,0,200,x,5\n")
    error = error_from(read_alliances, path)
    assert error.where is not None and error.where.line == 4


def test_member_gap_duplicate_and_empty_member_list_warn(tmp_path: Path) -> None:
    text = (
        "atopid,begyr,begmo,begday,endyr,endmo,endday,mem1,mem2,mem3\n"
        "1,1900,1,1,0,0,0,200,,200\n"
        "2,1900,1,1,0,0,0,,,\n"
    )
    path = write(tmp_path, text)
    atop = read_alliances(path)
    assert atop.records[0].members == (200, 200)
    assert atop.records[1].members == ()
    assert atop.warnings == (
        f"{path}:2: member column mem3 follows the empty column mem2",
        f"{path}:2: member 200 is listed twice in alliance 1",
        f"{path}:3: alliance 2 lists no members",
        f"{path}:1: no version column; the ATOP version is unknown",
    )


def test_in_force_mismatch_warns(tmp_path: Path) -> None:
    path = write(
        tmp_path, "atopid,begyr,begmo,begday,endyr,endmo,endday,ineffect,mem1\n1,1900,1,1,0,0,0,0,200\n"
    )
    assert read_alliances(path).warnings[0] == f"{path}:2: endyr is 0 (no end date) but ineffect is 0"


def test_file_problems(tmp_path: Path) -> None:
    absent = tmp_path / "absent.csv"
    assert (
        error_from(read_alliances, absent).one_line()
        == f"{absent}: no such CSV file; expected an existing CSV file"
    )
    empty = write(tmp_path, "")
    assert error_from(read_alliances, empty).one_line().startswith(f"{empty}:1: no header row")
    twice = write(tmp_path, "atopid,begyr,begyr\n")
    assert "appears twice in the header" in error_from(read_alliances, twice).one_line()
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"atopid\n\xff\xfe\n")
    assert error_from(read_alliances, binary).one_line().startswith(f"{binary}:2:1: not UTF-8 text (byte 0xff)")
    assert error_from(read_alliances, tmp_path).one_line().startswith(f"{tmp_path}: a folder where a CSV file is")


def test_several_versions_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "1,1900,1,1,0,0,0,200,220,5\n2,1900,1,1,0,0,0,200,220,4.01\n")
    assert error_from(read_alliances, path).one_line() == (
        f"{path}:3: the version column holds several versions: 5 (first on line 2), 4.01 (first on line 3); "
        "expected one ATOP version in the whole file (5, as on line 2)")


def test_a_version_stamp_in_the_file_name_must_agree_with_the_rows(tmp_path: Path) -> None:
    rows = HEADER + "1,1900,1,1,0,0,0,200,220,4.01\n"
    named = write(tmp_path, rows, "atop5_0_alliance_level.csv")
    assert error_from(read_alliances, named).one_line().startswith(
        f"{named}:2: the file name says ATOP version 5, its rows say 4.01; expected rows of the version")
    assert read_alliances(write(tmp_path, rows, "atop4_01_alliance_level.csv")).version == "4.01"
    assert read_alliances(write(tmp_path, rows, "alliances.csv")).version == "4.01"


# --- the real files ------------------------------------------------------------------------------


def test_atop_v5_alliances() -> None:
    path = shared_file("atop/atop5_0_alliance_level.csv")
    atop = read_alliances(path)
    assert len(atop) == 765
    assert atop.version == "5"
    assert atop.unknown == ("new5", "rev5")
    assert atop.warnings == ()
    assert {record.version for record in atop} == {"5"}

    sino_soviet = by_id(atop.records)[3200]
    assert sino_soviet.members == (365, 710)
    assert sino_soviet.begin == PartialDate(1950, 2, 14)
    assert sino_soviet.end == PartialDate(1980, 4, 11)
    provisions = sino_soviet.provisions
    assert provisions["defense"] == 1
    assert provisions["speclgth"] == 1
    assert provisions["length"] == 360
    assert provisions["proren"] == 2
    assert provisions["renewlgt"] == 60
    assert provisions["statthr1"] == 740
    assert set(provisions) == {name for name in PROVISION_COLUMNS if name in atop.known}

    # the counts quoted in the module docstring
    assert sum(record.end is None for record in atop) == 353
    assert all(record.ineffect == (1 if record.end is None else 0) for record in atop)
    assert sum(record.begin.day is None for record in atop) == 1
    assert sum(record.end is not None and record.end.day is None for record in atop) == 13
    assert all(record.begin.month is not None for record in atop)


def test_atop_v5_alliances_read_fast() -> None:
    path = shared_file("atop/atop5_0_alliance_level.csv")
    read_alliances(path)
    start = time.perf_counter()
    read_alliances(path)
    assert time.perf_counter() - start < 0.5


def test_atop_v5_members_against_the_state_system() -> None:
    path = shared_file("atop/atop5_0_alliance_level.csv")
    states = read_states(shared_file("states/states2016.csv"))
    atop = read_alliances(path, states=states)
    line = by_id(atop.records)[1320].line
    assert atop.warnings == (f"{path}:{line}: member 8152 of alliance 1320 is not a state in {states.path}",)


def test_atop_v401_alliances_report_third_party_columns() -> None:
    path = shared_file("atop/atop4_01_alliance_level.csv")
    atop = read_alliances(path)
    assert len(atop) == 745
    assert atop.version == "4.01"
    assert atop.unknown == ("new4", "rev4", *THIRD_PARTY_V4_COLUMNS)
    assert not set(THIRD_PARTY_V4_COLUMNS) & set(atop.known)
    assert set(THIRD_PARTY_V4_COLUMNS) <= set(atop.records[0].extra)
    assert atop.warnings == (
        f"{path}:2: version '4.0100002' read as 4.01 (rounding noise from a single-precision export)",
    )
    assert sum(record.end is None for record in atop) == 334


def test_atop_v401_members() -> None:
    path = shared_file("atop/atop4_01_member_level.csv")
    members = read_members(path)
    assert len(members) == 2398
    assert members.version == "4.01"
    assert members.unknown == ("new4", "rev4")
    assert sum(record.exit is None for record in members) == 1062
    assert all(record.ineffect == (1 if record.exit is None else 0) for record in members)
    assert sum(record.entry.day is None for record in members) == 5
    assert sum(record.exit is not None and record.exit.day is None for record in members) == 31
    # three members left and rejoined within one phase (Egypt twice, Yugoslavia once)
    assert len(members.warnings) == 3
    assert all("separate membership spell" in warning for warning in members.warnings)
    egypt = [record for record in members if (record.atopid, record.member, record.phase) == (3015, 651, 0)]
    assert [(str(record.entry), record.exit) for record in egypt] == [
        ("1945-03-22", PartialDate(1979, 3, 31)),
        ("1989-05-22", None),
    ]
    assert {"defcoadv", "concoreq", "termmode", "termcaus"} <= set(members.records[0].provisions)
