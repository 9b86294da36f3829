"""Reading a store for the world commands: DuckDB and plain Python only.

The world commands read a store on every run, so this path loads neither pyarrow nor pandas (the
``Store`` class, which writes stores and returns tables, does); :class:`foedus.store.Store` reads
through these same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from foedus.errors import FoedusError, Location
from foedus.world.dyads import BINDING_KINDS, Duty, Membership, Obligations, TreatyWindow, _who

if TYPE_CHECKING:
    import duckdb

    from foedus.model.treaty import Treaty

__all__ = ["SCHEMA_VERSION", "StoredParty", "StoredWorld", "imports", "models", "opened", "pick_import",
           "read_world"]

SCHEMA_VERSION = "4"


@dataclass(frozen=True)
class StoredParty:
    """A party of a stored treaty, as its model names it."""

    treaty: str
    id: str
    name: str
    cow: int | None
    iso3: str | None


@dataclass(frozen=True)
class StoredWorld:
    """One import of a store, read for the world commands without rebuilding its models.

    ``obligations``: the stored treaties flattened as :func:`foedus.world.dyads.flatten` flattens their
    models (same dates, memberships, duties, aliases and categories), sorted by treaty id, then party
    id or the norm's place in its model; it leaves out the treaties in ``exclude`` and those in
    ``need_models``. ``need_models``: the treaties whose dates only their model can give (no fixed entry
    into force): read them with ``Store.models(ids=…)`` and evaluate them. Norms are those of each
    model's default reading. ``parties``:
    every party of every stored treaty; ``titles``: each treaty's short title (else its title)."""

    source: str
    version: str
    obligations: Obligations
    need_models: tuple[str, ...]
    parties: tuple[StoredParty, ...]
    titles: dict[str, str]


_MODEL_JSON = ('{"short_title": "VARCHAR", "signed": {"date": "DATE"}, '
               '"parties": [{"id": "VARCHAR", "name": "VARCHAR", "cow": "INTEGER", "iso3": "VARCHAR", '
               '"joined": "DATE", "left": "DATE", "spells": [{"joined": "DATE", "left": "DATE"}]}]}')


@contextmanager
def opened(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the store file at ``path`` (never created here), checked to be a store."""
    import duckdb

    text = str(path)
    if not Path(text).is_file():
        raise FoedusError("no such store file", where=Location(text),
                          expected="a store written by `foedus atop import --store`")
    try:
        con = duckdb.connect(text, read_only=True)
    except duckdb.Error as exc:
        message = " ".join(str(exc).split())
        if "lock" in message.lower():
            raise FoedusError("the store is open in another process", where=Location(text),
                              expected="one process at a time") from None
        raise FoedusError(f"cannot open the store ({message})", where=Location(text),
                          expected="a DuckDB store file written by foedus") from None
    try:
        tables = {row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'").fetchall()}
        found = None
        if "store_meta" in tables:
            rows = con.execute("select value from store_meta where key = 'schema_version'").fetchall()
            found = rows[0][0] if rows else None
        if found != SCHEMA_VERSION or not {"treaties", "memberships", "norms"} <= tables:
            raise FoedusError("not a foedus store of this version", where=Location(text),
                              expected=f"a store written by foedus (schema version {SCHEMA_VERSION})")
        yield con
    finally:
        con.close()


def models(con: duckdb.DuckDBPyConnection, source: str | None = None, version: str | None = None,
           ids: Iterable[str] | None = None) -> list[Treaty]:
    """The stored models (optionally of one import, optionally only those with ``ids``), sorted by id."""
    from foedus.model.treaty import Treaty

    query = "select model_json from treaties where (? is null or source = ?) and (? is null or version = ?)" \
            " and (? is null or list_contains(?, id)) order by id, source, version"
    wanted = None if ids is None else sorted(set(ids))
    rows = con.execute(query, [source, source, version, version, wanted, wanted]).fetchall()
    return [Treaty.model_validate_json(text) for (text,) in rows]


def imports(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    """Every import in the store: ``(source, version, number of treaties)``, sorted."""
    return [(str(a), str(b), int(n)) for a, b, n in con.execute(
        "select source, version, count(*) from treaties group by source, version order by source, version"
    ).fetchall()]


def pick_import(con: duckdb.DuckDBPyConnection, path: str, source: str | None = None,
                version: str | None = None) -> tuple[str, str]:
    """The import named by ``source`` and ``version`` (either may be left out when only one import fits),
    or the store's only import."""
    held_imports = imports(con)
    found = [(a, b) for a, b, _ in held_imports
             if (source is None or a == source) and (version is None or b == version)]
    if len(found) == 1:
        return found[0]
    held = ", ".join(f"{a}:{b}" for a, b, _ in held_imports)
    if not found:
        wanted = f"{source or '*'}:{version or '*'}"
        raise FoedusError(f"the store holds no import {wanted}" if held else "the store holds no treaties",
                          where=Location(path),
                          expected=f"one of {held}" if held else "a store written by `foedus atop import --store`")
    raise FoedusError(f"the store holds several imports ({held})", where=Location(path),
                      expected="the one to use, as SOURCE:VERSION")


def read_world(con: duckdb.DuckDBPyConnection, path: str, source: str | None = None,
               version: str | None = None, *, exclude: Iterable[str] = ()) -> StoredWorld:
    """One import read for the world commands (see :class:`StoredWorld`), by a few SQL queries."""
    source, version = pick_import(con, path, source, version)
    key = [source, version]
    left_out = set(exclude)
    # One pass over each model's JSON for what the tables do not hold (short title, signature, parties'
    # names, codes and recorded dates).
    treaties = con.execute(f"""
        select id, title, coalesce(m.short_title, title), entry_into_force, ended_on, m.signed.date, m.parties
        from (select *, from_json(model_json, '{_MODEL_JSON}') as m from treaties where source = ? and version = ?)
        order by id""", key).fetchall()
    party_rows = sorted(((str(tid), party) for tid, *_, listed in treaties for party in listed or ()),
                        key=lambda row: (row[0], row[1]["id"]))
    parties = [StoredParty(tid, str(p["id"]), str(p["name"]), p["cow"], p["iso3"]) for tid, p in party_rows]
    party_dates = [(tid, day.year) for tid, p in party_rows
                   for day in (p["joined"], p["left"], *(s[k] for s in p["spells"] or () for k in ("joined", "left")))
                   if day is not None]
    titles = {str(tid): str(short) for tid, _, short, *_ in treaties}
    need = tuple(str(tid) for tid, _, _, start, *_ in treaties if tid not in left_out and start is None)
    keep = {str(tid) for tid, *_ in treaties} - left_out - set(need)
    windows = tuple(TreatyWindow(str(tid), str(title), start, end)
                    for tid, title, _, start, end, _, _ in treaties if tid in keep)
    memberships = tuple(Membership(str(t), str(p), int(c), joined, left) for t, p, c, joined, left in con.execute(
        """select treaty_id, party_id, state, joined, "left" from memberships
           where source = ? and version = ? and state is not null and ("left" is null or joined < "left")
           order by treaty_id, party_id, joined""", key).fetchall() if t in keep)
    ids: dict[str, set[str]] = {}
    for party in parties:
        ids.setdefault(party.treaty, set()).add(party.id)
    categories: dict[str, set[str]] = {tid: set() for tid in keep}
    duties: list[Duty] = []
    for tid, norm, kind, category, article, threat, bearer, counterparty, start, end, in_effect in con.execute(
            """select treaty_id, norm_id, kind, category, article, threat, bearer, counterparty, valid_from,
                      valid_until, in_effect from norms
               where source = ? and version = ? and by_default order by treaty_id, position""", key).fetchall():
        if tid not in keep:
            continue
        categories[tid].add(category)
        if kind in BINDING_KINDS and in_effect:
            party_ids = ids.get(tid, set())
            duties.append(Duty(tid, norm, kind, category, article, _who(bearer, party_ids),
                               _who(counterparty, party_ids), tuple(threat or ()), start, end))
    years = [d.year for tid, _, _, start, end, signed, _ in treaties if tid in keep
             for d in (start, end, signed) if d is not None]
    years += [y for tid, y in party_dates if tid in keep]
    aliases: dict[int, set[str]] = {}
    for party in parties:
        if party.cow is not None and party.treaty in keep:
            aliases.setdefault(party.cow, set()).update(
                x for x in (party.id, party.iso3, str(party.cow), f"cow:{party.cow}") if x)
    flat = Obligations(windows, memberships, tuple(duties), (), max(years) if years else None,
                       {cow: frozenset(names) for cow, names in aliases.items()},
                       {tid: tuple(sorted(found)) for tid, found in categories.items()})
    return StoredWorld(source, version, flat, need, tuple(parties), titles)
