"""Calendar arithmetic with explicit rounding rules (foedus.dates), checked as properties."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from foedus.dates import AmbiguousDate, Duration, Rounding, add, parse_iso, subtract

dates = st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31))
month_ends = st.builds(lambda y, m: date(y, m, calendar.monthrange(y, m)[1]),
                       st.integers(1800, 2200), st.integers(1, 12))
leap_days = st.integers(1800, 2196).filter(calendar.isleap).map(lambda y: date(y, 2, 29))
any_date = st.one_of(dates, month_ends, leap_days)
durations = st.builds(Duration, st.integers(0, 60), st.integers(0, 30), st.integers(0, 400))
rounding = st.sampled_from([Rounding.UP, Rounding.DOWN])


def target_month(d: date, months: int) -> tuple[int, int]:
    y, m = divmod(d.month - 1 + months, 12)
    return d.year + y, m + 1


def lands_on_missing_day(d: date, months: int) -> bool:
    if months == 0:
        return False
    y, m = target_month(d, months)
    return d.day > calendar.monthrange(y, m)[1]


# --- add -------------------------------------------------------------------------------------------


@given(any_date, durations)
@example(date(1952, 2, 29), Duration(years=30))
@example(date(1950, 1, 31), Duration(months=1))
def test_refuse_raises_exactly_when_the_day_does_not_exist(d: date, dur: Duration) -> None:
    if lands_on_missing_day(d, dur.total_months):
        with pytest.raises(AmbiguousDate):
            add(d, dur)
    else:
        y, m = target_month(d, dur.total_months)
        assert add(d, dur) == date(y, m, d.day) + timedelta(days=dur.days)


@given(any_date, durations, rounding)
def test_rounding_up_and_down(d: date, dur: Duration, rule: Rounding) -> None:
    got = add(d, dur, rule) - timedelta(days=dur.days)  # where the month shift landed
    y, m = target_month(d, dur.total_months)
    if not lands_on_missing_day(d, dur.total_months):
        assert got == date(y, m, d.day) == add(d, dur, Rounding.REFUSE) - timedelta(days=dur.days)
    elif rule is Rounding.UP:
        assert got == date(y, m, calendar.monthrange(y, m)[1]) + timedelta(days=1)
        assert got.day == 1
    else:
        assert got == date(y, m, calendar.monthrange(y, m)[1])


@given(leap_days, st.integers(1, 100))
def test_29_february_plus_years(d: date, years: int) -> None:
    dur = Duration(years=years)
    target = d.year + years
    if calendar.isleap(target):
        assert add(d, dur) == add(d, dur, Rounding.UP) == add(d, dur, Rounding.DOWN) == date(target, 2, 29)
    else:
        with pytest.raises(AmbiguousDate, match="does not exist and no rounding rule is stated"):
            add(d, dur)
        assert add(d, dur, Rounding.UP) == date(target, 3, 1)
        assert add(d, dur, Rounding.DOWN) == date(target, 2, 28)


def test_the_cases_in_words() -> None:
    assert add(date(1950, 4, 11), Duration.parse("30 years")) == date(1980, 4, 11)
    assert subtract(date(1980, 4, 11), Duration.parse("1 year")) == date(1979, 4, 11)
    assert add(date(1952, 2, 29), Duration.parse("30 years"), Rounding.UP) == date(1982, 3, 1)
    assert add(date(1952, 2, 29), Duration.parse("30 years"), Rounding.DOWN) == date(1982, 2, 28)
    assert add(date(1950, 1, 31), Duration.parse("1 month"), Rounding.DOWN) == date(1950, 2, 28)
    assert add(date(1950, 1, 31), Duration.parse("1 month and 1 day"), Rounding.UP) == date(1950, 3, 2)
    assert add(date(1955, 6, 1), Duration.parse("7 days")) == date(1955, 6, 8)
    assert add(date(1955, 6, 1), Duration.parse("0 days")) == date(1955, 6, 1)


@given(any_date, durations)
def test_add_then_subtract_round_trips_when_nothing_was_rounded(d: date, dur: Duration) -> None:
    assume(not lands_on_missing_day(d, dur.total_months))
    assert subtract(add(d, dur), dur) == d
    for rule in (Rounding.UP, Rounding.DOWN):
        assert subtract(add(d, dur, rule), dur, rule) == d


@given(any_date, any_date, durations, rounding)
def test_add_is_monotonic_in_the_date(a: date, b: date, dur: Duration, rule: Rounding) -> None:
    a, b = min(a, b), max(a, b)
    assert add(a, dur, rule) <= add(b, dur, rule)
    assert subtract(a, dur, rule) <= subtract(b, dur, rule)


@given(any_date, durations, durations, rounding)
def test_add_is_monotonic_in_the_duration(d: date, x: Duration, y: Duration, rule: Rounding) -> None:
    small = Duration(min(x.years, y.years), min(x.months, y.months), min(x.days, y.days))
    large = Duration(max(x.years, y.years), max(x.months, y.months), max(x.days, y.days))
    assert d <= add(d, small, rule) <= add(d, large, rule)
    assert subtract(d, large, rule) <= subtract(d, small, rule) <= d


@given(any_date, durations)
def test_subtract_refuses_exactly_when_the_day_does_not_exist(d: date, dur: Duration) -> None:
    shifted = d - timedelta(days=dur.days)
    if lands_on_missing_day(shifted, -dur.total_months):
        with pytest.raises(AmbiguousDate):
            subtract(d, dur)
    else:
        y, m = target_month(shifted, -dur.total_months)
        assert subtract(d, dur) == date(y, m, shifted.day)


# --- Duration.parse --------------------------------------------------------------------------------

UNITS = {"year": (1, 0, 0), "month": (0, 1, 0), "week": (0, 0, 7), "day": (0, 0, 1)}


@given(st.lists(st.tuples(st.integers(0, 500), st.sampled_from(sorted(UNITS)), st.booleans()),
                min_size=1, max_size=4),
       st.sampled_from([" and ", ", ", "  and  "]))
def test_duration_parse_adds_up_its_parts(parts: list[tuple[int, str, bool]], sep: str) -> None:
    text = sep.join(f"{n} {unit}{'s' if plural else ''}" for n, unit, plural in parts)
    years = sum(n * UNITS[u][0] for n, u, _ in parts)
    months = sum(n * UNITS[u][1] for n, u, _ in parts)
    days = sum(n * UNITS[u][2] for n, u, _ in parts)
    assert Duration.parse(text) == Duration(years, months, days)
    assert Duration.parse(f"  {text} ") == Duration(years, months, days)


@given(durations)
def test_duration_text_round_trips(dur: Duration) -> None:
    assert Duration.parse(str(dur)) == dur
    assert dur.total_months == dur.years * 12 + dur.months


@pytest.mark.parametrize("text", ["", "   ", "thirty years", "30", "years", "30 yrs", "-1 day", "1.5 years",
                                  "30 years or 5", "1 fortnight", "1 year and", "and 1 year"])
def test_duration_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        Duration.parse(text)


def test_duration_words() -> None:
    assert Duration.parse("30 years") == Duration(years=30)
    assert Duration.parse("1 year and 6 months") == Duration(1, 6, 0)
    assert Duration.parse("2 weeks") == Duration(days=14)
    assert str(Duration.parse("2 weeks")) == "14 days"
    assert str(Duration()) == "0 days" and str(Duration(1, 1, 1)) == "1 year and 1 month and 1 day"


# --- parse_iso -------------------------------------------------------------------------------------


@given(st.dates())
def test_parse_iso_round_trips(d: date) -> None:
    assume(d.year >= 1000)
    assert parse_iso(d.isoformat()) == d


@given(st.integers(1, 9999), st.integers(1, 12), st.integers(29, 31))
def test_parse_iso_refuses_impossible_dates(y: int, m: int, d: int) -> None:
    text = f"{y:04d}-{m:02d}-{d:02d}"
    if d <= calendar.monthrange(y, m)[1]:
        assert parse_iso(text) == date(y, m, d)
    else:
        with pytest.raises(ValueError, match="impossible date"):
            parse_iso(text)


@pytest.mark.parametrize("text", ["1950-2-14", "14.02.1950", "1950/02/14", "19500214", "1950-02-14T00:00",
                                  "1950-13-01", "1950-00-10", "1950-02-00", "", "date"])
def test_parse_iso_is_strict(text: str) -> None:
    with pytest.raises(ValueError):
        parse_iso(text)
