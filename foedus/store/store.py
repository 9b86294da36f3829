"""An embedded DuckDB store for treaty models, timelines and computed results, queried with SQL.

Tables
------
``treaties``
    ``source, version, id, title, dataset, dataset_id, dataset_version, entry_into_force, ended_on,
    model_json`` -- one row per imported model. ``source``/``version`` name the import (e.g.
    ``atop``/``5.0``); ``dataset*`` come from the model's own ``source`` block. ``entry_into_force`` is
    the fixed (or signature) date, NULL when it depends on events; ``ended_on`` is the first day out
    of force (the recorded end, or the end of a fixed term without extension), NULL when open.
    ``model_json`` is the whole model (``Treaty.model_validate_json`` reads it back).
``memberships``
    ``source, version, treaty_id, state, party_id, joined, left`` -- one row per time a party is bound
    (a member that left and came back has several; a party never bound has one, with NULL dates);
    ``state`` is the COW code (NULL when the model gives none); ``[joined, left)`` is the party's bound
    interval as the model's own lifecycle gives it, within the treaty's dates (``left`` NULL: open).
``norms``
    ``source, version, treaty_id, norm_id, kind, category, article, threat, bearer, counterparty,
    introduced_by, ended_by, valid_from, valid_until, in_effect`` -- ``[valid_from, valid_until)`` is when
    an instrument keeps the norm in effect (NULL: from the treaty's start, or to its end); ``in_effect``
    is false for a norm whose instrument never entered into force (or was ended before it began);
    ``by_default`` is false for a norm the model's default reading removes (``applies_when``);
    ``position`` is the norm's place in its model (the order the model gives its norms).
``events``
    ``timeline, event_id, date, type, actors, targets, treaty, attributes, citation, note, file, line``.
``reliability``
    ``reading, row_id, alliance, alliance_name, atopid, bilateral, members, obligation, norm, phase, bearer,
    bearer_name, partner, partner_name, record, conflict, conflict_name, invoked_on, date_precision,
    conditions, outcome, state, explanation, evidence, source, year, period, era, kind`` -- one row per
    invoked alliance obligation and what the ally did (``foedus.reliability``), under a named reading;
    ``import_reliability(rows, reading=R)`` replaces the rows of that reading. A store made before this
    table existed gets it when opened.
``results`` / ``result_sets``
    Computed results saved by name: JSON rows in ``results`` (``name, seq, data``), tables as
    ``result_<name>``; ``result_sets`` lists every saved set (``name, kind, row_count, params,
    table_name``).

Idempotency
-----------
``import_models(models, source=S, version=V)`` *replaces* everything previously imported from the source S,
whatever its version: running the same import twice gives the same store, a model dropped from a later
import is dropped from the store, and re-importing after the version changed (a corrected file, a new
release) never keeps the alliances twice. Imports from other sources are untouched. Two versions sit side
by side only when asked: ``keep_other_versions=True`` replaces only (S, V) (ATOP 4.01 beside 5.0).
``import_events(timeline)`` replaces the rows of the timeline with the same id;
``save_results(name, …)`` replaces the result set of that name.

Safety
------
Every import or save is ONE DuckDB transaction: the old rows are deleted and the new ones inserted
inside it, and it is committed only when everything is in place. An error rolls it back; a process
killed inside the transaction leaves the store as it was (DuckDB's write-ahead log holds only
committed transactions; a test kills an import with SIGKILL to check this). Setting the environment
variable ``FOEDUS_STORE_PAUSE_MID_IMPORT`` to a number of seconds makes every import or save sleep that
long in the middle of its transaction (after the old rows are deleted); it exists for that test.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from foedus.errors import FoedusError, Location
from foedus.model.events import Event, Timeline
from foedus.model.treaty import Treaty
from foedus.store import read
from foedus.store.read import SCHEMA_VERSION, StoredParty, StoredWorld
from foedus.world.dyads import _compiled, arrow_table, in_force_interval
from foedus.world.world import checked_models, lifecycle_of, member_spans, norm_spans

if TYPE_CHECKING:
    import pandas as pd  # imported where a DataFrame is made

__all__ = ["PAUSE_ENV", "SCHEMA_VERSION", "Store", "StoredParty", "StoredWorld"]

PAUSE_ENV = "FOEDUS_STORE_PAUSE_MID_IMPORT"
_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")

_SCHEMA = (
    "create table if not exists store_meta (key varchar, value varchar)",
    """create table if not exists treaties (
        source varchar not null, version varchar not null, id varchar not null, title varchar not null,
        dataset varchar, dataset_id varchar, dataset_version varchar,
        entry_into_force date, ended_on date, model_json json not null)""",
    """create table if not exists memberships (
        source varchar not null, version varchar not null, treaty_id varchar not null, state integer,
        party_id varchar not null, joined date, "left" date)""",
    """create table if not exists norms (
        source varchar not null, version varchar not null, treaty_id varchar not null,
        norm_id varchar not null, kind varchar not null, category varchar not null, article varchar,
        threat varchar[], bearer varchar, counterparty varchar, introduced_by varchar, ended_by varchar[],
        valid_from date, valid_until date, in_effect boolean, by_default boolean, position integer)""",
    """create table if not exists events (
        timeline varchar not null, event_id varchar not null, date date not null, type varchar not null,
        actors varchar[], targets varchar[], treaty varchar, attributes json, citation varchar,
        note varchar, file varchar, line integer)""",
    "create table if not exists results (name varchar not null, seq integer not null, data json)",
    """create table if not exists result_sets (
        name varchar not null, kind varchar not null, row_count bigint not null, params json,
        table_name varchar)""",
)
_TABLES = ("store_meta", "treaties", "memberships", "norms", "events", "results", "result_sets")
# Added after schema version 1 was released: created when missing, so that older stores open as they were.
_RELIABILITY = """create table if not exists reliability (
        reading varchar not null, row_id varchar not null, alliance varchar not null, alliance_name varchar,
        atopid integer, bilateral boolean, members integer, obligation varchar not null, norm varchar not null,
        phase varchar, bearer varchar not null, bearer_name varchar, partner varchar not null, partner_name varchar,
        record varchar, conflict varchar, conflict_name varchar, invoked_on date, date_precision varchar,
        conditions varchar, outcome varchar not null, state varchar, explanation varchar, evidence varchar,
        source varchar, year integer, period varchar, era varchar, kind varchar)"""
_RELIABILITY_SCHEMA = pa.schema([
    ("reading", pa.string()), ("row_id", pa.string()), ("alliance", pa.string()), ("alliance_name", pa.string()),
    ("atopid", pa.int32()), ("bilateral", pa.bool_()), ("members", pa.int32()), ("obligation", pa.string()),
    ("norm", pa.string()), ("phase", pa.string()), ("bearer", pa.string()), ("bearer_name", pa.string()),
    ("partner", pa.string()), ("partner_name", pa.string()), ("record", pa.string()), ("conflict", pa.string()),
    ("conflict_name", pa.string()), ("invoked_on", pa.date32()), ("date_precision", pa.string()),
    ("conditions", pa.string()), ("outcome", pa.string()), ("state", pa.string()), ("explanation", pa.string()),
    ("evidence", pa.string()), ("source", pa.string()), ("year", pa.int32()), ("period", pa.string()),
    ("era", pa.string()), ("kind", pa.string()),
])  # fmt: skip

_TREATY_SCHEMA = pa.schema([
    ("source", pa.string()), ("version", pa.string()), ("id", pa.string()), ("title", pa.string()),
    ("dataset", pa.string()), ("dataset_id", pa.string()), ("dataset_version", pa.string()),
    ("entry_into_force", pa.date32()), ("ended_on", pa.date32()), ("model_json", pa.string()),
])  # fmt: skip
_MEMBER_SCHEMA = pa.schema([
    ("source", pa.string()), ("version", pa.string()), ("treaty_id", pa.string()), ("state", pa.int32()),
    ("party_id", pa.string()), ("joined", pa.date32()), ("left", pa.date32()),
])  # fmt: skip
_NORM_SCHEMA = pa.schema([
    ("source", pa.string()), ("version", pa.string()), ("treaty_id", pa.string()), ("norm_id", pa.string()),
    ("kind", pa.string()), ("category", pa.string()), ("article", pa.string()),
    ("threat", pa.list_(pa.string())), ("bearer", pa.string()), ("counterparty", pa.string()),
    ("introduced_by", pa.string()), ("ended_by", pa.list_(pa.string())), ("valid_from", pa.date32()),
    ("valid_until", pa.date32()), ("in_effect", pa.bool_()), ("by_default", pa.bool_()), ("position", pa.int32()),
])  # fmt: skip
_EVENT_SCHEMA = pa.schema([
    ("timeline", pa.string()), ("event_id", pa.string()), ("date", pa.date32()), ("type", pa.string()),
    ("actors", pa.list_(pa.string())), ("targets", pa.list_(pa.string())), ("treaty", pa.string()),
    ("attributes", pa.string()), ("citation", pa.string()), ("note", pa.string()), ("file", pa.string()),
    ("line", pa.int32()),
])  # fmt: skip


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_json_default)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FoedusError(f"{what} {value!r} is not a name", expected=f"a non-empty {what} text")
    return value.strip()


def _pause_mid_import() -> None:
    """The test hook: sleep inside the transaction when the environment asks for it."""
    raw = os.environ.get(PAUSE_ENV)
    if not raw:
        return
    try:
        seconds = float(raw)
    except ValueError:
        raise FoedusError(f"{PAUSE_ENV}={raw!r} is not a number", expected="seconds, e.g. 30") from None
    print(f"foedus store: pausing {seconds:g} s inside the import transaction", file=sys.stderr, flush=True)
    time.sleep(seconds)


class Store:
    """A DuckDB database file holding treaty models, memberships, norms, events and results.

    Open it with ``Store.open(path)`` (``":memory:"`` for a throw-away store), use it as a context
    manager or call ``close()``. Query it with ``sql("select …")`` (a DataFrame) or ``arrow("select …")``
    (an Arrow table). One process at a time may open a store file.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str):
        self._con: duckdb.DuckDBPyConnection | None = con
        self.path = path

    # --- opening and closing -------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open the store at ``path``, creating it (and its tables) when the file does not exist."""
        text = str(path)
        if text != ":memory:":
            target = Path(text)
            if target.is_dir():
                raise FoedusError("is a directory", where=Location(text), expected="a store file path")
            if not target.parent.is_dir():
                raise FoedusError("the folder does not exist", where=Location(text),
                                  expected="a path in an existing folder")
        try:
            con = duckdb.connect(text)
        except duckdb.Error as exc:
            message = _one_line(exc)
            if "lock" in message.lower():
                raise FoedusError("the store is open in another process", where=Location(text),
                                  expected="one process at a time") from None
            raise FoedusError(f"cannot open the store ({message})", where=Location(text),
                              expected="a DuckDB store file written by foedus") from None
        store = cls(con, text)
        try:
            store._prepare()
        except BaseException:
            con.close()
            raise
        return store

    def _prepare(self) -> None:
        con = self._connection()
        existing = {row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'").fetchall()}
        if existing and "store_meta" not in existing:
            raise FoedusError("not a foedus store (a DuckDB database without the store's tables)",
                              where=Location(self.path), expected="a store file written by foedus")
        if "store_meta" in existing:
            rows = con.execute("select value from store_meta where key = 'schema_version'").fetchall()
            found = rows[0][0] if rows else None
            if found != SCHEMA_VERSION:
                raise FoedusError(f"store schema version {found!r}", where=Location(self.path),
                                  expected=f"schema version {SCHEMA_VERSION}")
            if not set(_TABLES) <= existing:
                missing = ", ".join(sorted(set(_TABLES) - existing))
                raise FoedusError(f"the store lacks the tables {missing}", where=Location(self.path),
                                  expected="a complete store file")
            if "reliability" not in existing:
                with self._transaction():
                    con.execute(_RELIABILITY)
            return
        with self._transaction():
            for statement in (*_SCHEMA, _RELIABILITY):
                con.execute(statement)
            con.execute("insert into store_meta values ('schema_version', ?)", [SCHEMA_VERSION])

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise FoedusError("the store is closed", where=Location(self.path), expected="an open store")
        return self._con

    # --- transactions ----------------------------------------------------------------------------

    class _Transaction:
        def __init__(self, store: Store):
            self.con = store._connection()
            self.path = store.path

        def __enter__(self) -> duckdb.DuckDBPyConnection:
            self.con.begin()
            return self.con

        def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                     tb: TracebackType | None) -> None:
            if kind is None:
                try:
                    self.con.commit()
                except duckdb.Error as err:
                    raise FoedusError(f"the store could not commit ({_one_line(err)})",
                                      where=Location(self.path)) from None
                return
            with contextlib.suppress(duckdb.Error):  # the transaction may already be aborted
                self.con.rollback()
            if isinstance(exc, duckdb.Error):
                raise FoedusError(f"the store refused the write ({_one_line(exc)})",
                                  where=Location(self.path)) from None

    def _transaction(self) -> Store._Transaction:
        return Store._Transaction(self)

    @staticmethod
    def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
        if rows.num_rows == 0:
            return
        view = f"_incoming_{table}"
        con.register(view, rows)
        try:
            columns = ", ".join(f'"{name}"' for name in rows.column_names)
            con.execute(f"insert into {table} ({columns}) select {columns} from {view}")
        finally:
            con.unregister(view)

    # --- imports ---------------------------------------------------------------------------------

    def import_models(self, models: Iterable[Treaty], *, source: str, version: str,
                      keep_other_versions: bool = False) -> dict[str, int]:
        """Replace the models imported from ``source`` (of any version; with ``keep_other_versions`` only
        those of this ``version``) by ``models``, in one transaction.

        Returns the number of rows written per table.
        """
        source = _text(source, "source")
        version = _text(version, "version")
        treaties: list[dict[str, Any]] = []
        members: list[dict[str, Any]] = []
        norms: list[dict[str, Any]] = []
        for model in checked_models(models, " in the import"):
            lifecycle = lifecycle_of(model)
            compiled = _compiled(model)  # None when no reading decides its dates or removes a norm
            interval = in_force_interval(model, compiled)
            by_default = {cn.norm.id for cn in compiled.norms if cn.exists} if compiled is not None else None
            start, end = (None, None) if isinstance(interval, str) else interval
            treaties.append({
                "source": source, "version": version, "id": model.id, "title": model.title,
                "dataset": model.source.dataset, "dataset_id": model.source.dataset_id,
                "dataset_version": model.source.dataset_version, "entry_into_force": start,
                "ended_on": end, "model_json": model.model_dump_json(by_alias=True),
            })  # fmt: skip
            spans = member_spans(lifecycle) if start is not None else []
            for party in model.parties:
                mine: list[tuple[date | None, date | None]] = [
                    (span.start, span.end) for span in spans if span.party == party.id] or [(None, None)]
                members += [{"source": source, "version": version, "treaty_id": model.id, "state": party.cow,
                             "party_id": party.id, "joined": joined, "left": left} for joined, left in mine]
            windows = {ns.norm.id: (ns.start, ns.end) for ns in norm_spans(model.norms, lifecycle)}
            for position, norm in enumerate(model.norms):
                valid_from, valid_until = windows.get(norm.id, (None, None))
                in_effect = norm.id in windows
                norms.append({
                    "source": source, "version": version, "treaty_id": model.id, "norm_id": norm.id,
                    "kind": norm.kind, "category": norm.category, "article": norm.article,
                    "threat": list(norm.threat), "bearer": norm.bearer, "counterparty": norm.counterparty,
                    "introduced_by": norm.introduced_by, "ended_by": list(norm.ended_by),
                    "valid_from": valid_from, "valid_until": valid_until, "in_effect": in_effect,
                    "by_default": by_default is None or norm.id in by_default, "position": position,
                })  # fmt: skip
        key = [source, version, keep_other_versions]
        with self._transaction() as con:
            for table in ("norms", "memberships", "treaties"):
                con.execute(f"delete from {table} where source = ? and (version = ? or not ?)", key)
            self._insert(con, "treaties", pa.Table.from_pylist(treaties, schema=_TREATY_SCHEMA))
            _pause_mid_import()
            self._insert(con, "memberships", pa.Table.from_pylist(members, schema=_MEMBER_SCHEMA))
            self._insert(con, "norms", pa.Table.from_pylist(norms, schema=_NORM_SCHEMA))
        return {"treaties": len(treaties), "memberships": len(members), "norms": len(norms)}

    def import_events(self, timeline: Timeline) -> int:
        """Replace the events of the timeline with this id by ``timeline``'s events; returns their number."""
        if not isinstance(timeline, Timeline):
            raise FoedusError(f"not a timeline: {type(timeline).__name__}", expected="foedus.model.events.Timeline")
        name = _text(timeline.id, "timeline id")
        rows = [self._event_row(name, event) for event in timeline.events]
        with self._transaction() as con:
            con.execute("delete from events where timeline = ?", [name])
            _pause_mid_import()
            self._insert(con, "events", pa.Table.from_pylist(rows, schema=_EVENT_SCHEMA))
        return len(rows)

    @staticmethod
    def _event_row(timeline: str, event: Event) -> dict[str, Any]:
        return {
            "timeline": timeline, "event_id": event.id, "date": event.date, "type": event.type,
            "actors": list(event.actors), "targets": list(event.targets), "treaty": event.treaty,
            "attributes": _dumps(event.attributes), "citation": event.source, "note": event.note,
            "file": event.file, "line": event.line,
        }  # fmt: skip

    def import_reliability(self, rows: pd.DataFrame | Sequence[Mapping[str, Any]], *, reading: str) -> int:
        """Replace the reliability rows of ``reading`` by ``rows`` (the rows of a reliability run, as
        ``foedus.reliability`` makes them: a DataFrame or records), in one transaction; returns their number."""
        reading = _text(reading, "reading")
        to_dict = getattr(rows, "to_dict", None)  # a DataFrame, without importing pandas to ask
        items = to_dict(orient="records") if callable(to_dict) else [dict(r) for r in rows]
        wanted = [f.name for f in _RELIABILITY_SCHEMA if f.name != "reading"]
        missing = sorted({name for item in items[:1] for name in wanted if name not in item})
        if missing:
            raise FoedusError(f"the rows lack the columns {', '.join(missing)}",
                              expected="the rows table of foedus.reliability")
        records = [{"reading": reading, **{name: item[name] for name in wanted}} for item in items]
        for record in records:
            for key in ("atopid", "members", "year"):
                value = record[key]
                record[key] = None if value is None or value != value else int(value)  # NaN → NULL
        with self._transaction() as con:
            con.execute("delete from reliability where reading = ?", [reading])
            _pause_mid_import()
            self._insert(con, "reliability", pa.Table.from_pylist(records, schema=_RELIABILITY_SCHEMA))
        return len(records)

    # --- results ---------------------------------------------------------------------------------

    def save_results(self, name: str, data: pd.DataFrame | pa.Table | Sequence[Mapping[str, Any]] | Mapping[str, Any],
                     *, params: Mapping[str, Any] | None = None) -> int:
        """Save a computed result under ``name`` (lower-case letters, digits, ``_``), replacing one saved
        before under that name; returns the number of rows.

        A DataFrame or Arrow table (e.g. the dyad-year table) becomes the table ``result_<name>``, typed
        as given; a mapping or a list of mappings (e.g. status outcomes) becomes JSON rows in
        ``results`` with ``name``. ``params`` (JSON-able: the date, the reading…) is kept in
        ``result_sets`` with the set.
        """
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise FoedusError(f"result name {name!r}", expected="lower-case letters, digits and _, "
                              "starting with a letter (at most 63 characters)")
        table_name = f"result_{name}"
        frame: pa.Table | None = None
        rows: list[str] = []
        pandas = sys.modules.get("pandas")  # a DataFrame means pandas is loaded already
        if pandas is not None and isinstance(data, pandas.DataFrame):
            frame = pa.Table.from_pandas(data, preserve_index=False)
        elif isinstance(data, pa.Table):
            frame = data
        elif isinstance(data, Mapping):
            rows = [_dumps(dict(data))]
        elif isinstance(data, Sequence) and not isinstance(data, str | bytes):
            for i, row in enumerate(data):
                if not isinstance(row, Mapping):
                    raise FoedusError(f"result row {i} is a {type(row).__name__}",
                                      expected="a mapping (a JSON object) per row")
                rows.append(_dumps(dict(row)))
        else:
            raise FoedusError(f"cannot save a {type(data).__name__} as a result",
                              expected="a DataFrame, an Arrow table, a mapping or a list of mappings")
        params_json = _dumps(dict(params)) if params is not None else None
        count = frame.num_rows if frame is not None else len(rows)
        with self._transaction() as con:
            con.execute("delete from results where name = ?", [name])
            con.execute("delete from result_sets where name = ?", [name])
            con.execute(f'drop table if exists "{table_name}"')
            _pause_mid_import()
            if frame is not None:
                view = "_incoming_result"
                con.register(view, frame)
                try:
                    con.execute(f'create table "{table_name}" as select * from {view}')
                finally:
                    con.unregister(view)
            else:
                self._insert(con, "results", pa.table({
                    "name": pa.array([name] * len(rows), pa.string()),
                    "seq": pa.array(range(len(rows)), pa.int32()),
                    "data": pa.array(rows, pa.string()),
                }))  # fmt: skip
            con.execute("insert into result_sets values (?, ?, ?, ?, ?)",
                        [name, "table" if frame is not None else "json", count, params_json,
                         table_name if frame is not None else None])
        return count

    def results(self, name: str) -> pd.DataFrame | list[Any]:
        """A saved result: the table as a DataFrame, or the JSON rows as Python values, in saved order."""
        con = self._connection()
        found = con.execute("select kind, table_name from result_sets where name = ?", [name]).fetchall()
        if not found:
            saved = ", ".join(r[0] for r in con.execute("select name from result_sets order by name").fetchall())
            raise FoedusError(f"no result named {name!r}", where=Location(self.path),
                              expected=f"one of: {saved}" if saved else "a name saved with save_results")
        kind, table_name = found[0]
        if kind == "table":
            return self.sql(f'select * from "{table_name}"')
        return [json.loads(text) for (text,) in con.execute(
            "select data from results where name = ? order by seq", [name]).fetchall()]

    # --- reading ---------------------------------------------------------------------------------

    def sql(self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a SQL query; the result as a pandas DataFrame."""
        return self._run(query, params).to_pandas()  # pyarrow imports pandas here

    def arrow(self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> pa.Table:
        """Run a SQL query; the result as an Arrow table."""
        return self._run(query, params)

    def _run(self, query: str, params: Sequence[Any] | Mapping[str, Any] | None) -> pa.Table:
        if not isinstance(query, str) or not query.strip():
            raise FoedusError("empty query", expected="a SQL statement")
        con = self._connection()
        try:
            relation = con.sql(query) if params is None else con.sql(query, params=params)
            if relation is None:  # a statement without a result (DuckDB before 1.4)
                return pa.table({})
            table: pa.Table = arrow_table(relation)
        except duckdb.Error as exc:
            raise FoedusError(f"SQL error: {_one_line(exc)}", where=Location(self.path),
                              expected="a valid query over the store's tables") from None
        return table

    def models(self, *, source: str | None = None, version: str | None = None,
               ids: Iterable[str] | None = None) -> list[Treaty]:
        """The stored models (optionally of one import, optionally only those with the given ``ids``), read
        back from ``model_json``, sorted by id."""
        return read.models(self._connection(), source, version, ids)

    def imports(self) -> list[tuple[str, str, int]]:
        """Every import in the store: ``(source, version, number of treaties)``, sorted."""
        return read.imports(self._connection())

    def pick_import(self, source: str | None = None, version: str | None = None) -> tuple[str, str]:
        """The import named by ``source`` and ``version`` (either may be left out when only one import
        fits), or the store's only import."""
        return read.pick_import(self._connection(), self.path, source, version)

    def world(self, source: str | None = None, version: str | None = None, *,
              exclude: Iterable[str] = ()) -> StoredWorld:
        """One import read for the world commands (see :class:`StoredWorld`), by a few SQL queries."""
        return read.read_world(self._connection(), self.path, source, version, exclude=exclude)

    def counts(self) -> dict[str, int]:
        """Rows per store table, for a quick look."""
        con = self._connection()
        out: dict[str, int] = {}
        for table in (*_TABLES[1:], "reliability"):
            out[table] = int(con.execute(f"select count(*) from {table}").fetchall()[0][0])
        return out
