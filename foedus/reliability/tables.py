"""The tables researchers need: the rows, summaries with confidence intervals, the naive measure beside the
treaty-specific one, and two readings side by side — as plain records (lists of dicts, for the command line
and the page) and as pandas DataFrames (for the API).

Rates
-----
The treaty-specific rate of a group is ``honoured / (honoured + violated)``: rows that are not
determinable from the record are counted (``not_determinable``) and left out of the rate, never
counted as either. The naive rate is ``joined / pairs``: of the pairs (ally, partner in a conflict), the
share in which the ally joined its partner's side in that conflict at any time, whatever the treaty said.
Confidence intervals are **Wilson score intervals** at 95% (z = 1.96), which stay inside [0, 1] and
behave with small counts; an empty group has no rate (NaN).

Periods
-------
``period``: the year of invocation up to 1945, or from 1946 (before and after the Second World
War). ``era``: 1816–1870, 1871–1913, 1914–1918, 1919–1938, 1939–1945, 1946–1989, 1990 on.
``kind``: bilateral (two members) or multilateral.

The naive measure
-----------------
For every alliance evaluated and every member's entry into a conflict the reading admits (wars, or
disputes at the stated hostility level) while the alliance binds it, each other member bound that day is
a pair: ``joined`` when it entered the same conflict on the partner's side at any time, ``fought`` when
it fought the partner there (the partner's ``opponents``), ``stayed out`` otherwise. The obligations the
alliance carries give the groups by obligation (an alliance with a defence obligation is in the
"defence" group, and so on; a pair counts in each group of its alliance); every other summary counts a
pair once.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foedus.errors import FoedusError, Location
from foedus.reliability.judge import OBLIGATIONS, Judgement, Row
from foedus.reliability.record import Record, conflict_id

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COMPARE_COLUMNS", "ERAS", "NAIVE_COLUMNS", "ROW_COLUMNS", "SUMMARIES", "Z", "compare_records", "frame",
           "naive_records", "row_records", "summaries", "summarize", "summary_columns", "wilson", "write_csv",
           "write_parquet"]  # and ROW_TYPES

Z = 1.96  # 95%
ERAS: tuple[tuple[int, int, str], ...] = (
    (1816, 1870, "1816–1870"), (1871, 1913, "1871–1913"), (1914, 1918, "1914–1918"), (1919, 1938, "1919–1938"),
    (1939, 1945, "1939–1945"), (1946, 1989, "1946–1989"), (1990, 9999, "1990–"),
)  # fmt: skip
_GROUPING = ("year", "period", "era", "kind")
ROW_COLUMNS: tuple[str, ...] = (*(f.name for f in fields(Row)), *_GROUPING)
NAIVE_COLUMNS: tuple[str, ...] = ("alliance", "atopid", "bilateral", "obligation", "ally", "partner", "conflict",
                                  "conflict_name", "entered_on", "result", *_GROUPING)
COMPARE_COLUMNS: tuple[str, ...] = ("row_id", "alliance", "obligation", "bearer", "partner", "conflict",
                                    "conflict_name", "invoked_on", "bilateral", "outcome_a", "outcome_b", "changed",
                                    "explanation_a", "explanation_b", *_GROUPING)
SUMMARIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("overall", ()), ("obligation", ("obligation",)), ("period", ("period",)), ("era", ("era",)),
    ("kind", ("kind",)), ("obligation_period", ("obligation", "period")), ("obligation_kind", ("obligation", "kind")),
)
_TREATY = (("honoured", "honoured"), ("violated", "violated"), ("not determinable", "not_determinable"))
_NAIVE = (("joined", "joined"), ("fought", "fought"), ("stayed out", "stayed_out"))


def wilson(k: int, n: int, z: float = Z) -> tuple[float, float]:
    """The Wilson score interval of ``k`` successes in ``n`` trials (NaN, NaN when ``n`` is 0)."""
    if n == 0:
        return math.nan, math.nan
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def period(year: int) -> str:
    return "1816–1945" if year <= 1945 else "1946–"


def era(year: int) -> str:
    return next(name for low, high, name in ERAS if low <= year <= high)


def _grouped(item: dict[str, Any], day: date) -> dict[str, Any]:
    item["year"] = day.year
    item["period"] = period(day.year)
    item["era"] = era(day.year)
    item["kind"] = "bilateral" if item["bilateral"] else "multilateral"
    return item


def row_records(rows: Iterable[Row]) -> list[dict[str, Any]]:
    """The rows as records: every field of ``Row``, plus ``year``, ``period``, ``era``, ``kind``."""
    return [_grouped(asdict(r), r.invoked_on) for r in rows]


def frame(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """Records as a pandas DataFrame with these columns (in this order, also when there is no record)."""
    import pandas as pd

    return pd.DataFrame.from_records(list(records), columns=list(columns))


def summarize(records: Sequence[dict[str, Any]], by: Sequence[str] = (), *, measure: str = "treaty"
              ) -> list[dict[str, Any]]:
    """Counts, rate and Wilson interval per group, groups sorted (no ``by``: one record for all).
    ``measure="treaty"`` counts outcomes (honoured, violated, not determinable); ``"naive"`` counts pair
    results (joined, fought, stayed out)."""
    keys = list(by)
    column, labels = ("outcome", _TREATY) if measure == "treaty" else ("result", _NAIVE)
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for item in records:
        groups[tuple(item[k] for k in keys)].append(item)
    if not keys and not groups:
        groups[()] = []
    out = []
    for key in sorted(groups):
        part = groups[key]
        entry: dict[str, Any] = dict(zip(keys, key, strict=True))
        entry["n"] = len(part)
        for value, name in labels:
            entry[name] = sum(1 for item in part if item[column] == value)
        k, n = (entry["honoured"], entry["honoured"] + entry["violated"]) if measure == "treaty" \
            else (entry["joined"], entry["n"])
        entry["rate"] = k / n if n else math.nan
        entry["low"], entry["high"] = wilson(k, n)
        out.append(entry)
    return out


def summary_columns(by: Sequence[str], naive: bool = True) -> list[str]:
    columns = [*by, "n", *(name for _, name in _TREATY), "rate", "low", "high"]
    return columns + (["naive_n", "naive_rate", "naive_low", "naive_high"] if naive else [])


def summaries(rows: Sequence[dict[str, Any]], naive: Sequence[dict[str, Any]] | None = None
              ) -> dict[str, list[dict[str, Any]]]:
    """Every summary (``SUMMARIES``) of the treaty-specific rows; with ``naive``, each with the naive measure
    beside it (``naive_n``, ``naive_rate``, ``naive_low``, ``naive_high``; by obligation, the pairs of the
    alliances carrying it; otherwise each pair once)."""
    pairs = _pairs_once(naive) if naive is not None else None
    out: dict[str, list[dict[str, Any]]] = {}
    for name, by in SUMMARIES:
        table = summarize(rows, by)
        if naive is not None and pairs is not None:
            other = {tuple(o[k] for k in by): o for o in summarize(naive if "obligation" in by else pairs, by,
                                                                    measure="naive")}
            mine = {tuple(t[k] for k in by): t for t in table}
            merged = []
            for key in sorted(set(mine) | set(other)):
                entry = mine.get(key) or {**dict(zip(by, key, strict=True)), "n": 0, "honoured": 0, "violated": 0,
                                          "not_determinable": 0, "rate": math.nan, "low": math.nan,
                                          "high": math.nan}
                found = other.get(key)
                entry = {**entry, "naive_n": found["n"] if found else 0,
                         "naive_rate": found["rate"] if found else math.nan,
                         "naive_low": found["low"] if found else math.nan,
                         "naive_high": found["high"] if found else math.nan}
                merged.append(entry)
            table = merged
        out[name] = table
    return out


def _pairs_once(naive: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for item in naive:
        key = (item["alliance"], item["ally"], item["partner"], item["conflict"], item["entered_on"])
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


# --- the naive measure --------------------------------------------------------------------------------------


def naive_records(judgement: Judgement, record: Record) -> list[dict[str, Any]]:
    """One record per (alliance, ally, partner, conflict entry) and obligation the alliance carries (module
    docstring, "The naive measure")."""
    scope = dict(c.split("=", 1) for c in judgement.choices).get("conflicts", "wars")
    out: list[dict[str, Any]] = []
    for tid, outcome in judgement.outcomes.items():
        ct = judgement.compiled[tid]
        categories = sorted({cn.norm.category for cn in ct.norms if cn.exists} & set(OBLIGATIONS))
        lc = outcome.lifecycle
        members = sorted(p.party for p in lc.parties)
        bilateral = len(ct.treaty.parties) == 2
        atopid = _atopid(ct.treaty)
        for partner in members:
            me = lc.party(partner)
            for e in _entries(record, partner, scope):
                if me is None or not me.bound_on(e.date) or not lc.in_force_on(e.date):
                    continue
                key = conflict_id(e) or ""
                side = e.attributes.get("side")
                opponents = _states(e.attributes.get("opponents"))
                beside = {o.actor for o in record.joined.get(key, ()) if o.attributes.get("side") == side}
                for ally in members:
                    party = lc.party(ally)
                    if ally == partner or party is None or not party.bound_on(e.date):
                        continue
                    result = "joined" if ally in beside else "fought" if ally in opponents else "stayed out"
                    for category in categories:
                        out.append(_grouped({
                            "alliance": tid, "atopid": atopid, "bilateral": bilateral, "obligation": category,
                            "ally": ally, "partner": partner, "conflict": key,
                            "conflict_name": record.names.get(key, key), "entered_on": e.date, "result": result,
                        }, e.date))
    return out


def _entries(record: Record, state: str, scope: str) -> list[Any]:
    out = []
    for e in record.entries.get(state, ()):
        if e.type == "dispute_joined":
            level = e.attributes.get("dispute_hostility")
            if scope == "wars" or not isinstance(level, int) or level > 4 or (scope == "force" and level != 4):
                continue
        out.append(e)
    return out


def _states(value: object) -> set[str]:
    if isinstance(value, list | tuple):
        return {str(v) for v in value}
    return {str(value)} if value else set()


def _atopid(model: Any) -> int | None:
    value = model.source.dataset_id
    return int(value) if model.source.dataset == "ATOP" and value and str(value).isdigit() else None


# --- two readings --------------------------------------------------------------------------------------------


def compare_records(a: Judgement, b: Judgement) -> list[dict[str, Any]]:
    """Every row of either reading with its outcome under each (``outcome_a``, ``outcome_b``; "not invoked"
    when the reading has no such row), marking those that differ (``changed``)."""
    left = {r.row_id: r for r in a.rows}
    right = {r.row_id: r for r in b.rows}
    out = []
    for row_id in sorted(set(left) | set(right)):
        first, second = left.get(row_id), right.get(row_id)
        base = first or second
        assert base is not None
        outcome_a = first.outcome if first else "not invoked"
        outcome_b = second.outcome if second else "not invoked"
        out.append(_grouped({
            "row_id": row_id, "alliance": base.alliance, "obligation": base.obligation, "bearer": base.bearer,
            "partner": base.partner, "conflict": base.conflict, "conflict_name": base.conflict_name,
            "invoked_on": base.invoked_on, "bilateral": base.bilateral, "outcome_a": outcome_a,
            "outcome_b": outcome_b, "changed": outcome_a != outcome_b,
            "explanation_a": first.explanation if first else "", "explanation_b": second.explanation if second else "",
        }, base.invoked_on))
    return out


# --- writers -------------------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def write_csv(records: Sequence[dict[str, Any]], columns: Sequence[str], path: Path) -> None:
    """Records as CSV (a header, then one line per record; dates as YYYY-MM-DD, no value as an empty cell)."""
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for item in records:
                writer.writerow([_cell(item.get(c)) for c in columns])
    except OSError as exc:
        raise FoedusError(f"cannot write the table ({exc.strerror})", where=Location(str(path)),
                          expected="a writable file path") from None


def column_types(row_type: type, extra: dict[str, str] | None = None) -> dict[str, str]:
    """SQL types of a dataclass's fields (text, integer, boolean, date), for typed tables."""
    import typing

    hints = typing.get_type_hints(row_type)
    out = {}
    for f in fields(row_type):
        hint = str(hints[f.name])
        out[f.name] = ("DATE" if "date" in hint else "BOOLEAN" if "bool" in hint else
                       "INTEGER" if "int" in hint else "DOUBLE" if "float" in hint else "VARCHAR")
    return {**out, **(extra or {})}


ROW_TYPES = column_types(Row, {"year": "INTEGER", "period": "VARCHAR", "era": "VARCHAR", "kind": "VARCHAR"})


def write_parquet(csv_path: Path, types: dict[str, str], path: Path) -> None:
    """A table written by ``write_csv`` as a typed Parquet file (dates as dates, counts as integers), by DuckDB:
    no pandas, which pyarrow would load to convert Python values."""
    import duckdb

    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in types.items())
    query = (f"copy (select * from read_csv(?, header = true, columns = {{{columns}}})) "
             f"to '{_quoted(path)}' (format parquet)")
    try:
        duckdb.connect().execute(query, [str(csv_path)])
    except duckdb.Error as exc:
        raise FoedusError(f"cannot write the table ({' '.join(str(exc).split())})", where=Location(str(path)),
                          expected="a writable file path") from None


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
