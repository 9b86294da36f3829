"""Tests for the COW state-system reader."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import shared_file

from foedus.errors import FoedusError
from foedus.importers import cow_states
from foedus.importers.cow_states import StateSpan, read_states

STATE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "states"



def error_line(name: str) -> str:
    with pytest.raises(FoedusError) as info:
        read_states(STATE_FIXTURES / name)
    return info.value.one_line()


# --- fixtures ------------------------------------------------------------------------------------


def test_small_file() -> None:
    path = STATE_FIXTURES / "states_small.csv"
    states = read_states(path)
    assert states.rows == 8
    assert len(states) == 6
    assert 255 in states and 999 not in states
    assert states.version == "2016"
    assert states.name(365) == "Russia"
    assert states.abb(255) == "GMY"
    assert states.by_abb("GMY") == 255
    assert states.by_abb(" jpn ") == 740
    assert states.spans(255) == (
        StateSpan(date(1816, 1, 1), date(1945, 5, 8), 3, {}),
        StateSpan(date(1990, 10, 3), date(2016, 12, 31), 4, {"(unnamed column 12)": "#REF!"}),
    )
    assert [state.ccode for state in states] == [2, 255, 365, 245, 710, 740]


def test_empty_trailing_columns_ignored_and_non_empty_ones_reported() -> None:
    path = STATE_FIXTURES / "states_small.csv"
    states = read_states(path)
    assert states.unknown == ("(unnamed column 12)",)
    assert "version" in states.known
    assert states.warnings == (
        f"{path}:4: column (unnamed column 12) is not a COW state-system column; it holds values in 1 rows "
        "(first '#REF!'), kept in StateSpan.extra, not used",
    )


def test_membership_dates() -> None:
    states = read_states(STATE_FIXTURES / "states_small.csv")
    assert states.is_member(255, date(1945, 5, 8))  # both ends included
    assert not states.is_member(255, date(1945, 5, 9))
    assert not states.is_member(255, date(1960, 1, 1))
    assert states.is_member(255, date(1990, 10, 3))
    assert states.is_member(740, date(1950, 2, 14)) is False
    assert not states.is_member(999, date(1950, 1, 1))


def test_unknown_code_or_abbreviation() -> None:
    states = read_states(STATE_FIXTURES / "states_small.csv")
    with pytest.raises(FoedusError, match="COW code 999 is not a state"):
        states.name(999)
    with pytest.raises(FoedusError, match="COW code 999 is not a state"):
        states.iso3(999)
    with pytest.raises(FoedusError, match="COW abbreviation 'XXX' is not in this file"):
        states.by_abb("XXX")


def test_iso3_from_country_converter() -> None:
    states = read_states(STATE_FIXTURES / "states_small.csv")
    assert states.iso3(2) == "USA"
    assert states.iso3(255) == "DEU"
    assert states.iso3(710) == "CHN"
    assert states.iso3(740) == "JPN"
    assert states.iso3(245) is None  # Bavaria: no match
    assert states.iso3_missing == (245,)
    assert states.iso3_ambiguous == {}


def test_country_converter_is_built_once() -> None:
    assert cow_states._converter() is cow_states._converter()


def test_missing_column() -> None:
    path = STATE_FIXTURES / "states_missing_column.csv"
    assert error_line("states_missing_column.csv") == (
        f"{path}:1: missing column statenme; expected a header with column statenme"
    )


def test_bad_date() -> None:
    path = STATE_FIXTURES / "states_bad_date.csv"
    assert error_line("states_bad_date.csv").startswith(
        f"{path}:3: styear/stmonth/stday: 1920-2-30 is not a calendar date"
    )


def test_bad_ccode() -> None:
    path = STATE_FIXTURES / "states_bad_ccode.csv"
    assert error_line("states_bad_ccode.csv").startswith(f"{path}:3: column ccode: '2O' is not an integer")


def test_one_code_two_abbreviations() -> None:
    path = STATE_FIXTURES / "states_conflict.csv"
    assert error_line("states_conflict.csv").startswith(
        f"{path}:3: COW code 255 is GFR 'Germany' here but GMY 'Germany' on line 2"
    )


def test_one_abbreviation_two_codes() -> None:
    path = STATE_FIXTURES / "states_shared_abb.csv"
    assert error_line("states_shared_abb.csv").startswith(
        f"{path}:3: abbreviation GMY belongs to COW code 255 on line 2 but to 260 here"
    )


def test_duplicate_and_overlapping_spans(tmp_path: Path) -> None:
    header = "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday\n"
    path = tmp_path / "states.csv"
    path.write_text(header + "USA,2,USA,1816,1,1,1900,1,1\nUSA,2,USA,1816,1,1,2016,12,31\n", encoding="utf-8")
    with pytest.raises(
        FoedusError, match=r":3: COW code 2 has two spans starting 1816-01-01 \(first on line 2\)"
    ):
        read_states(path)
    path.write_text(header + "USA,2,USA,1816,1,1,1900,1,1\nUSA,2,USA,1899,1,1,1850,12,31\n", encoding="utf-8")
    assert read_states(path).warnings == (
        f"{path}:3: COW code 2 span ends (1850-12-31) before it starts (1899-01-01)",
        f"{path}:3: COW code 2 span 1899-01-01..1850-12-31 overlaps the span on line 2",
    )


# --- the real file -------------------------------------------------------------------------------


def test_states2016() -> None:
    path = shared_file("states/states2016.csv")
    states = read_states(path)
    assert states.rows == 243
    assert len(states) == 217
    assert states.version == "2016"
    assert states.name(365) == "Russia"
    assert [(span.start, span.end) for span in states.spans(255)] == [
        (date(1816, 1, 1), date(1945, 5, 8)),
        (date(1990, 10, 3), date(2016, 12, 31)),
    ]
    assert states.by_abb("GMY") == 255
    assert states.is_member(365, date(1950, 2, 14)) and states.is_member(710, date(1950, 2, 14))
    assert all(name.startswith("(unnamed column") for name in states.unknown)
    assert len(states.warnings) == len(states.unknown) == 7


def test_states2016_iso3() -> None:
    states = read_states(shared_file("states/states2016.csv"))
    assert states.iso3(2) == "USA"
    assert states.iso3(740) == "JPN"
    assert states.iso3(710) == "CHN"
    assert states.iso3(365) == "RUS"
    assert {245, 260, 265, 300, 345} <= set(states.iso3_missing)
    assert states.iso3_ambiguous == {300: ("AUT", "HUN")}
    assert all(states.iso3(ccode) is None for ccode in states.iso3_missing)
