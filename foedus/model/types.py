"""Field types of the treaty model that are stricter than pydantic's defaults.

pydantic reads a number as a Unix timestamp when a date is expected (``signed.date: 0`` would become
1970-01-01) and accepts other spellings of dates; a treaty model's dates are written YYYY-MM-DD and
nothing else. Apply with one word: ``signed_on: Date``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from foedus.dates import parse_iso


def _strict_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return parse_iso(value)
        except ValueError as exc:
            raise PydanticCustomError("date_strict", str(exc)) from None
    kind = "a flag" if isinstance(value, bool) else "a number" if isinstance(value, int | float) else \
        f"a {type(value).__name__}"
    raise PydanticCustomError("date_strict", f"{kind} is not a date (dates are written YYYY-MM-DD)")


#: A calendar date written YYYY-MM-DD (or a ``datetime.date``); never a number, never a timestamp.
Date = Annotated[date, BeforeValidator(_strict_date)]
