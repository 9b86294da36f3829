"""Calendar arithmetic with an explicit rounding rule.

Adding years or months to a date is ambiguous when the day does not exist in the target month
(29 February + 1 year). Such an addition is refused unless the caller states a rule:
``up`` gives the first day of the next month (1 March), ``down`` the last day of the month
(28 February). dateutil's relativedelta does the arithmetic; this module decides what it may do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from foedus.errors import FoedusError
from foedus.immutable import Immutable


class Rounding(StrEnum):
    REFUSE = "refuse"
    UP = "up"
    DOWN = "down"


class AmbiguousDate(ValueError):
    """An addition landed on a day that does not exist and no rounding rule was stated."""


# At most six digits per part: 999,999 days is 2,700 years, more than the calendar has room for.
_DURATION = re.compile(r"^\s*(\d{1,6})\s*(year|years|month|months|week|weeks|day|days)\s*$")


@dataclass(frozen=True, order=True)
class Duration(Immutable):
    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse ``"30 years"``, ``"1 year"``, ``"18 months"``, ``"2 weeks"``, ``"0 days"``.

        Compound durations are written as several parts joined by ``and``: ``"1 year and 6 months"``.
        """
        years = months = days = 0
        parts = [p for p in re.split(r"\s+and\s+|\s*,\s*", str(text).strip()) if p]
        if not parts:
            raise ValueError(f"empty duration {text!r}")
        for part in parts:
            m = _DURATION.match(part)
            if not m:
                raise ValueError(f"not a duration: {text!r}")
            n, unit = int(m.group(1)), m.group(2)
            if unit.startswith("year"):
                years += n
            elif unit.startswith("month"):
                months += n
            elif unit.startswith("week"):
                days += 7 * n
            else:
                days += n
        return cls(years, months, days)

    def __str__(self) -> str:
        out = []
        for n, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day")):
            if n:
                out.append(f"{n} {unit}{'s' if n != 1 else ''}")
        return " and ".join(out) or "0 days"

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months


def _shift_months(d: date, months: int, rounding: Rounding) -> date:
    if months == 0:
        return d
    shifted: date = d + relativedelta(months=months)
    if shifted.day == d.day:
        return shifted
    # relativedelta clipped to the month's last day: the target day does not exist.
    if rounding is Rounding.REFUSE:
        raise AmbiguousDate(
            f"{d.isoformat()} shifted by {months} month(s) lands on a day that does not exist "
            f"and no rounding rule is stated"
        )
    if rounding is Rounding.DOWN:
        return shifted
    return shifted + relativedelta(days=1)


_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


class DateOutOfRange(FoedusError, ValueError):
    """A date computed beyond the calendar (years 1 to 9999): a one-line error wherever it surfaces."""


@lru_cache(maxsize=1 << 16)
def add(d: date, duration: Duration, rounding: Rounding = Rounding.REFUSE) -> date:
    """``d`` plus ``duration``: months first (with the rounding rule), then days."""
    try:
        shifted = _shift_months(d, duration.total_months, rounding)
        return shifted + relativedelta(days=duration.days)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, AmbiguousDate):
            raise
        raise DateOutOfRange(f"{d.isoformat()} plus {duration} lies beyond the year 9999",
                             expected="dates within the calendar (years 1 to 9999)") from None


@lru_cache(maxsize=1 << 16)
def subtract(d: date, duration: Duration, rounding: Rounding = Rounding.REFUSE) -> date:
    """``d`` minus ``duration``: days first, then months (the mirror image of :func:`add`)."""
    try:
        shifted = d - relativedelta(days=duration.days)
        return _shift_months(shifted, -duration.total_months, rounding)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, AmbiguousDate):
            raise
        raise DateOutOfRange(f"{d.isoformat()} minus {duration} lies before the year 1",
                             expected="dates within the calendar (years 1 to 9999)") from None


def parse_iso(text: str) -> date:
    """A strict ``YYYY-MM-DD``; impossible dates (1950-02-30) raise ValueError naming the problem."""
    return _parse_iso(text if isinstance(text, str) else str(text))


def day_or_none(value: object) -> date | None:
    """A day an attribute holds (a date, or text in ISO form); None for anything else."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


@lru_cache(maxsize=1 << 16)  # a long timeline repeats its days; a date is immutable
def _parse_iso(text: str) -> date:
    m = _ISO.fullmatch(text.strip())
    if not m:
        raise ValueError(f"not a date in YYYY-MM-DD form: {text!r}")
    y, mo, dd = (int(g) for g in m.groups())
    try:
        return date(y, mo, dd)
    except ValueError as exc:
        raise ValueError(f"impossible date {text!r} ({exc})") from None
