"""The directed dyad-year table of alliance obligations, in the shape of ATOP's directed dyad-year file.

One row per (stateA, stateB, year) for every ordered pair of distinct COW states that are members of
the same treaty model, at the same time, on at least one day of that year while the treaty is in force.
Columns: ``stateA, stateB, year, atopally, defense, offense, neutral, nonagg, consul``.

Rules
-----
Models come as a list of ``Treaty`` objects or as a ``foedus.world.World`` (models plus a timeline: then
each model's dates are those of its lifecycle evaluated against the timeline, and its norms those of
its chosen reading).

In force
    A model is in force from its entry into force to its end. The entry date is
    ``lifecycle.entry_into_force_on`` for ``fixed_date`` models (every imported model), or the signature
    date for ``signature`` models. A model whose entry into force depends on events (ratification,
    exchange of instruments) has no date without a timeline: it is left out and named in ``skipped``.
    The end is ``lifecycle.ended_on``; without one, a fixed ``term`` with no tacit extension that does
    not continue after it (``after_term: expires``) ends the model (``start + term``, one day later
    when ``in_force_on_expiry_date``); otherwise it is open.
    As in the lifecycle evaluator, an end date (``ended_on``, a party's ``left``) is the first day *out*:
    the intervals are ``[start, end)``.
Membership
    A party with a COW code is a member from ``joined`` (default: the treaty's entry into force) until
    ``left`` (default: the treaty's end), clipped to the treaty's interval. Parties without a COW code
    cannot appear in a COW-coded table and are left out.
Year
    A pair counts in year Y when the two memberships overlap on at least one day of Y (**any day counts**:
    partial years are included, so a treaty ending on 11 April 1980 gives a row for 1980). Whether ATOP
    counts partial years is not documented in the notes available; this is the rule chosen here. Years
    run from ``first_year`` (default 1816) to ``last_year`` (default: the latest year named by any date
    in the models, derived term ends included, so an open treaty runs to the end of the data it came
    from, never to "today").
Direction
    A norm binds its bearer toward its counterparty, so the row (A, B) carries the obligations A owes B.
    A bearer or counterparty that is a party id names that party; any other value ("each party", "the
    other party", "the other parties", or a name bound by a trigger such as ``other(party)``) stands for
    any member, so the norm gives every ordered pair its category. ``import_atop`` writes an
    obligation for every member (``others(party)`` toward ``party``, or ``each party`` toward ``the
    other party``) unless the member file shows members' obligations differ; then it writes one norm
    per bearing member with that member's party id as bearer, and those rows are directed.
Obligations
    ``defense``/``offense``/``neutral``/``nonagg``/``consul`` are 1 when a norm of kind obligation or
    prohibition with category ``defence``/``offence``/``neutrality``/``non_aggression``/``consultation``
    binds A toward B in force on some day of that year; each is the maximum over all treaties that bind
    the pair that year. Norms that the model's default reading removes (``applies_when``) do not count.
    ``atopally`` is 1 on every row: a row exists only for pairs that share a treaty in force, which may
    carry no obligation at all (as in ATOP, where ``atopally`` can be 1 with all five dummies 0).
    Trigger conditions and named threats do not matter for the table: ATOP codes a conditional
    obligation as an obligation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from foedus.errors import FoedusError
from foedus.evaluate.results import LifecycleResult
from foedus.model.treaty import ReadingRef, Treaty
from foedus.world.world import (
    World,
    checked_models,
    existing_norms,
    in_force_window,
    lifecycle_of,
    member_spans,
    named_dates,
    norm_spans,
)

if TYPE_CHECKING:  # DuckDB, pyarrow and pandas are imported where they are used: point queries need none
    import duckdb
    import pandas as pd
    import pyarrow as pa

__all__ = [
    "CATEGORY_COLUMNS",
    "DYAD_COLUMNS",
    "DYAD_DTYPES",
    "FIRST_YEAR",
    "Duty",
    "Membership",
    "Obligations",
    "TreatyWindow",
    "default_last_year",
    "duty_edge_rows",
    "duty_edges",
    "dyad_years",
    "flatten",
    "flatten_world",
    "in_force_interval",
    "merge",
]

FIRST_YEAR = 1816

# Norm category -> column of the dyad-year table (ATOP's names).
CATEGORY_COLUMNS: dict[str, str] = {
    "defence": "defense",
    "offence": "offense",
    "neutrality": "neutral",
    "non_aggression": "nonagg",
    "consultation": "consul",
}
OBLIGATION_COLUMNS: tuple[str, ...] = ("defense", "offense", "neutral", "nonagg", "consul")
DYAD_COLUMNS: tuple[str, ...] = ("stateA", "stateB", "year", "atopally", *OBLIGATION_COLUMNS)
DYAD_DTYPES: dict[str, str] = {
    "stateA": "int32", "stateB": "int32", "year": "int32",
    **{name: "int8" for name in ("atopally", *OBLIGATION_COLUMNS)},
}  # fmt: skip

BINDING_KINDS = ("obligation", "prohibition")
_ANY = ("each party", "all parties", "the other party", "the other parties", "each other party")


@dataclass(frozen=True, slots=True)
class TreatyWindow:
    """When one model is in force: ``[start, end)``, ``end`` None for open-ended."""

    treaty: str
    title: str
    start: date
    end: date | None


@dataclass(frozen=True, slots=True)
class Membership:
    """One party's membership of one model, clipped to the model's window: ``[start, end)``."""

    treaty: str
    party: str
    state: int
    start: date
    end: date | None


@dataclass(frozen=True, slots=True)
class Duty:
    """A binding norm: ``bearer`` owes ``counterparty`` (None: any member) a commitment of ``category``."""

    treaty: str
    norm: str
    kind: str
    category: str
    article: str | None
    bearer: str | None
    counterparty: str | None
    threat: tuple[str, ...]
    start: date | None = None  # in effect from (None: the treaty's start): an instrument introduced it
    end: date | None = None  # first day no longer in effect (None: the treaty's end): an instrument ended it


@dataclass(frozen=True)
class Obligations:
    """Models flattened into windows, memberships and duties; ``skipped`` says which models had no dates.
    ``categories`` maps a treaty with a window to the categories of all its norms that exist under its
    reading (every kind, permissions included: what makes two members allies in a world)."""

    windows: tuple[TreatyWindow, ...]
    memberships: tuple[Membership, ...]
    duties: tuple[Duty, ...]
    skipped: tuple[str, ...]
    latest_year: int | None
    aliases: dict[int, frozenset[str]]
    categories: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def treaty_ids(self) -> tuple[str, ...]:
        return tuple(w.treaty for w in self.windows)


def _lifecycle_reads(model: Treaty) -> bool:
    lc = model.lifecycle
    return any(isinstance(v, ReadingRef) for v in (lc.entry_into_force, lc.term, lc.term_from, lc.extension))


def _compiled(model: Treaty) -> Any:
    """The model compiled under its default reading when a reading decides its dates or removes one of
    its norms (None otherwise: readings that only shape trigger conditions do not matter here)."""
    if not _lifecycle_reads(model) and not any(n.applies_when for n in model.norms):
        return None
    from foedus.compile import compile_treaty

    return compile_treaty(model)


_WAITS_FOR_EVENTS = ("ratification_by_all", "exchange_of_instruments", "deposit")


def _lifecycle(model: Treaty, compiled: Any = None) -> LifecycleResult:
    return lifecycle_of(model, compiled)


def _why_not(model: Treaty, lifecycle: LifecycleResult, compiled: Any = None) -> str | None:
    """Why the model has no time in force (None when it has one)."""
    window = in_force_window(lifecycle.entry_into_force, lifecycle.ends_on)
    if not isinstance(window, str):
        return None
    rule = compiled.lifecycle.entry_into_force if compiled is not None else model.lifecycle.entry_into_force
    if lifecycle.entry_into_force is None and (rule in _WAITS_FOR_EVENTS or (rule == "signature"
                                                                            and model.signed is None)):
        return f"its entry into force ({rule}) depends on events; no date without a timeline"
    return window


def in_force_interval(model: Treaty, compiled: Any = None) -> tuple[date, date | None] | str:
    """``(start, end)`` with ``end`` the first day out of force (None: open), or why there is none: the
    model's lifecycle evaluated with no events (a fixed date or the signature; a recorded end, or the end
    of a fixed term that is neither extended nor continued)."""
    lifecycle = _lifecycle(model, compiled if compiled is not None else _compiled(model))
    why = _why_not(model, lifecycle, compiled)
    if why is not None:
        return why
    window = in_force_window(lifecycle.entry_into_force, lifecycle.ends_on)
    assert not isinstance(window, str)
    return window


def _who(value: str, party_ids: set[str]) -> str | None:
    """A bearer or counterparty: a party id, or None for "any member" (see the module docstring)."""
    text = value.strip()
    if text in party_ids:
        return text
    return None


def flatten(models: Iterable[Treaty], *, lifecycles: Mapping[str, LifecycleResult] | None = None,
            compiled: Mapping[str, Any] | None = None) -> Obligations:
    """Windows, memberships and duties of ``models``; two models with the same id are an error.

    Each model's dates are its lifecycle's: ``lifecycles`` (treaty id -> lifecycle, e.g. evaluated against
    a timeline) for the models it names, else the lifecycle the model's own dates settle. Members are
    bound as the lifecycle's per-party intervals say; a norm binds while an instrument keeps it in effect.
    ``compiled`` (treaty id -> ``CompiledTreaty``) says which norms exist under the chosen reading.
    ``flatten_world`` passes both.
    """
    windows: list[TreatyWindow] = []
    memberships: list[Membership] = []
    duties: list[Duty] = []
    skipped: list[str] = []
    latest: int | None = None
    aliases: dict[int, set[str]] = {}
    categories: dict[str, tuple[str, ...]] = {}
    for model in checked_models(models):
        for when in named_dates(model):
            if latest is None or when.year > latest:
                latest = when.year
        cows = {party.id: party.cow for party in model.parties}
        for party in model.parties:
            if party.cow is not None:
                names = aliases.setdefault(party.cow, set())
                names.update(x for x in (party.id, party.iso3, str(party.cow), f"cow:{party.cow}") if x)
        ct = compiled[model.id] if compiled is not None and model.id in compiled else _compiled(model)
        lifecycle = (lifecycles[model.id] if lifecycles is not None and model.id in lifecycles
                     else _lifecycle(model, ct))
        why = _why_not(model, lifecycle, ct)
        if why is not None:
            skipped.append(f"{model.id}: {why}")
            continue
        start, end = lifecycle.entry_into_force, lifecycle.ends_on
        assert start is not None
        if end is not None and (latest is None or end.year > latest):
            latest = end.year  # a derived end (a fixed term) counts as a named date
        windows.append(TreatyWindow(model.id, model.title, start, end))
        registry = ct.registry if ct is not None else None
        for span in member_spans(lifecycle):
            cow = cows.get(span.party)
            if cow is None and registry is not None:
                state = registry.state(span.party)
                cow = state.cow if state is not None else None
            if cow is not None:
                memberships.append(Membership(model.id, span.party, cow, span.start, span.end))
        party_ids = {p.party for p in lifecycle.parties} | set(cows)
        norms = existing_norms(ct) if ct is not None else model.norms
        categories[model.id] = tuple(sorted({norm.category for norm in norms}))
        for ns in norm_spans(norms, lifecycle):
            norm = ns.norm
            if norm.kind not in BINDING_KINDS:
                continue
            duties.append(Duty(model.id, norm.id, norm.kind, norm.category, norm.article,
                               _who(norm.bearer, party_ids), _who(norm.counterparty, party_ids),
                               tuple(norm.threat), ns.start, ns.end))
    return Obligations(tuple(windows), tuple(memberships), tuple(duties), tuple(skipped), latest,
                       {cow: frozenset(names) for cow, names in aliases.items()}, categories)


def merge(*parts: Obligations) -> Obligations:
    """Several flattenings as one (e.g. a world's treaty files and the alliances of a store); a treaty id
    in two parts is an error."""
    seen: dict[str, int] = {}
    for i, part in enumerate(parts):
        for tid in (*part.treaty_ids, *(s.split(": ", 1)[0] for s in part.skipped)):
            if seen.setdefault(tid, i) != i:
                raise FoedusError(f"treaty id {tid!r} appears twice", expected="one model per treaty id")
    years = [part.latest_year for part in parts if part.latest_year is not None]
    aliases: dict[int, set[str]] = {}
    for part in parts:
        for cow, names in part.aliases.items():
            aliases.setdefault(cow, set()).update(names)
    return Obligations(
        tuple(w for part in parts for w in part.windows), tuple(m for part in parts for m in part.memberships),
        tuple(d for part in parts for d in part.duties), tuple(s for part in parts for s in part.skipped),
        max(years) if years else None, {cow: frozenset(names) for cow, names in aliases.items()},
        {tid: cats for part in parts for tid, cats in part.categories.items()})


def flatten_world(world: World) -> Obligations:
    """The models of a ``foedus.world.World``, dated by their lifecycles as evaluated against the world's
    timeline (so a treaty that enters into force by ratification gets its dates) and with the norms
    that exist under each model's chosen reading."""
    return flatten(world.models, lifecycles=world.lifecycles, compiled=world.compiled)


def default_last_year(flat: Obligations) -> int:
    """The latest year that any date in the models names (FIRST_YEAR when there is none)."""
    return flat.latest_year if flat.latest_year is not None else FIRST_YEAR


def arrow_table(result: Any) -> pa.Table:
    """A DuckDB relation as an Arrow table (the method's name changed across DuckDB versions)."""
    fetch = getattr(result, "to_arrow_table", None) or result.arrow
    return fetch()


Source = Sequence[Treaty] | Obligations | World


def _as_flat(models: Source) -> Obligations:
    if isinstance(models, Obligations):
        return models
    if isinstance(models, World):
        return flatten_world(models)
    if isinstance(models, Treaty) or not isinstance(models, Iterable):
        raise FoedusError(f"{type(models).__name__} is not a list of treaty models",
                          expected="a list of foedus.model.treaty.Treaty, or a World")
    return flatten(models)


def _mask(category: str) -> int:
    column = CATEGORY_COLUMNS.get(category)
    return 0 if column is None else 1 << OBLIGATION_COLUMNS.index(column)


def _register(con: duckdb.DuckDBPyConnection, flat: Obligations) -> list[Duty]:
    """Register ``spells`` (the memberships; ``t`` is the window's position in ``flat.windows``) and
    ``duties`` (``d`` is the position in the list returned: the duties of models with a window)."""
    import pyarrow as pa

    index = {w.treaty: i for i, w in enumerate(flat.windows)}
    spells = pa.table({
        "t": pa.array([index[m.treaty] for m in flat.memberships], pa.int32()),
        "party": pa.array([m.party for m in flat.memberships], pa.string()),
        "state": pa.array([m.state for m in flat.memberships], pa.int32()),
        "start": pa.array([m.start for m in flat.memberships], pa.date32()),
        "stop": pa.array([m.end for m in flat.memberships], pa.date32()),
    })  # fmt: skip
    duties = [d for d in flat.duties if d.treaty in index]
    duty_table = pa.table({
        "t": pa.array([index[d.treaty] for d in duties], pa.int32()),
        "d": pa.array(range(len(duties)), pa.int32()),
        "bearer": pa.array([d.bearer for d in duties], pa.string()),
        "cp": pa.array([d.counterparty for d in duties], pa.string()),
        "mask": pa.array([_mask(d.category) for d in duties], pa.int32()),
        "dstart": pa.array([d.start for d in duties], pa.date32()),
        "dstop": pa.array([d.end for d in duties], pa.date32()),
    })  # fmt: skip
    con.register("spells", spells)
    con.register("duties", duty_table)
    return duties


def _run(flat: Obligations, query: str, cap: str) -> tuple[pa.Table, list[Duty]]:
    """``query`` over the tables of ``flat`` (see ``_register``), with ``cap`` (a SQL date) for ``$cap``;
    also the duties that ``d`` numbers."""
    import duckdb

    con = duckdb.connect()
    try:
        duties = _register(con, flat)
        return arrow_table(con.sql(query.replace("$cap", cap))), duties
    finally:
        con.close()


_PAIRS = """
with pairs as (
    select a.t, a.party as pa, b.party as pb, a.state as stateA, b.state as stateB,
           greatest(a.start, b.start) as lo,
           least(coalesce(a.stop, $cap), coalesce(b.stop, $cap)) as hi
    from spells a join spells b on a.t = b.t and a.state <> b.state
)
"""
# A duty (d) binds the pair's first member toward its second (bearer or counterparty null: any member).
_BINDS = "d.t = p.t and (d.bearer is null or d.bearer = p.pa) and (d.cp is null or d.cp = p.pb)"
_NO_END = "DATE '9999-12-31'"


def _edge_table(flat: Obligations, order: str) -> tuple[pa.Table, list[Duty]]:
    """Every duty binding one member state toward another while both are members: columns ``obligor,
    beneficiary, t, d, start, end`` (``t``, ``d``: see ``_register``; ``end`` null when open), sorted by
    ``order`` (SQL). The shared source of ``duty_edges`` and the point queries' index."""
    return _run(flat, _PAIRS + f"""
        , bound as (
            select p.stateA, p.stateB, p.t, d.d, greatest(p.lo, coalesce(d.dstart, p.lo)) as lo,
                   least(p.hi, coalesce(d.dstop, p.hi)) as hi
            from pairs p join duties d on {_BINDS}
        )
        select stateA::INTEGER as obligor, stateB::INTEGER as beneficiary, t, d, lo as start,
               case when hi = $cap then null else hi end as "end"
        from bound
        where lo < hi
        order by {order}
    """, _NO_END)


EdgeRow = tuple[int, int, int, int, date, "date | None"]


def duty_edge_rows(flat: Obligations) -> tuple[list[EdgeRow], list[Duty]]:
    """The rows of ``_edge_table`` computed in plain Python: ``(obligor, beneficiary, t, d, start, end)``,
    sorted by beneficiary, obligor, ``t``, ``d`` and start (``t``, ``d``: as in ``_register``; ``end`` None
    when open). The point queries index these, so that a query loads neither DuckDB nor pyarrow (nor,
    through them, pandas); a test checks that they equal the SQL's rows."""
    index = {w.treaty: i for i, w in enumerate(flat.windows)}
    duties = [d for d in flat.duties if d.treaty in index]
    by_treaty: dict[int, list[tuple[int, str | None, str | None, date | None, date | None]]] = {}
    for number, duty in enumerate(duties):
        by_treaty.setdefault(index[duty.treaty], []).append(
            (number, duty.bearer, duty.counterparty, duty.start, duty.end))
    members: dict[int, list[Membership]] = {}
    for m in flat.memberships:
        members.setdefault(index[m.treaty], []).append(m)
    cap = date(9999, 12, 31)  # the SQL's stand-in for an open end
    rows: list[EdgeRow] = []
    for t, spells in members.items():
        binding = by_treaty.get(t)
        if not binding:
            continue
        for a in spells:
            for b in spells:
                if a.state == b.state:
                    continue
                lo = max(a.start, b.start)
                hi = min(a.end or cap, b.end or cap)
                if lo >= hi:
                    continue
                for d, bearer, counterparty, d_start, d_end in binding:
                    if (bearer is None or bearer == a.party) and (counterparty is None or counterparty == b.party):
                        # a duty binds only within its own window (the instruments that bring and end it)
                        start = lo if d_start is None else max(lo, d_start)
                        end = hi if d_end is None else min(hi, d_end)
                        if start < end:
                            rows.append((a.state, b.state, t, d, start, None if end == cap else end))
    rows.sort(key=lambda r: (r[1], r[0], r[2], r[3], r[4], r[5] or cap))
    return rows, duties


def dyad_years(
    models: Source,
    *,
    first_year: int = FIRST_YEAR,
    last_year: int | None = None,
    arrow: bool = False,
) -> Any:
    """The directed dyad-year table (a DataFrame, or an Arrow table with ``arrow=True``), sorted by
    (stateA, stateB, year). ``df.attrs["skipped"]`` lists models left out for want of dates."""
    flat = _as_flat(models)
    if last_year is None:
        last_year = default_last_year(flat)
    for name, value in (("first_year", first_year), ("last_year", last_year)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9998:
            raise FoedusError(f"{name} {value!r} is not a year", expected="a year such as 1816")
    bits = ", ".join(
        f"(bit_or(mask) & {1 << i} <> 0)::TINYINT as {name}" for i, name in enumerate(OBLIGATION_COLUMNS)
    )
    query = _PAIRS + f"""
    , bound as (
        -- every pair span (the row exists: atopally) and every duty binding the pair while in effect
        select stateA, stateB, lo, hi, 0 as mask from pairs where lo < hi
        union all
        select p.stateA, p.stateB, greatest(p.lo, coalesce(d.dstart, p.lo)) as lo,
               least(p.hi, coalesce(d.dstop, p.hi)) as hi, d.mask
        from pairs p join duties d on {_BINDS}
    ), years as (
        select stateA, stateB, mask,
               unnest(range(greatest(year(lo), $first)::INTEGER, least(year(hi - 1), $last)::INTEGER + 1))
                 as year
        from bound
        where lo < hi
    )
    select stateA::INTEGER as stateA, stateB::INTEGER as stateB, year::INTEGER as year,
           1::TINYINT as atopally, {bits}
    from years
    group by stateA, stateB, year
    order by stateA, stateB, year
    """
    table, _ = _run(flat, query.replace("$first", str(first_year)).replace("$last", str(last_year)),
                    f"DATE '{last_year + 1:04d}-01-01'")
    if arrow:
        return table.replace_schema_metadata({"skipped": "\n".join(flat.skipped)})
    frame = table.to_pandas().astype(DYAD_DTYPES)  # pyarrow imports pandas here
    frame.attrs["skipped"] = list(flat.skipped)
    return frame


def duty_edges(models: Source) -> pd.DataFrame:
    """Every directed obligation between two member states with the dates it binds them.

    Columns: ``obligor, beneficiary, treaty, norm, kind, category, article, start, end`` (``end`` the
    first day it no longer binds, NaT/None when open); one row per duty and ordered pair of states,
    sorted. The point queries index the same edges (``_edge_table``); the rules are those of the module
    docstring.
    """
    flat = _as_flat(models)
    table, duties = _edge_table(flat, "obligor, beneficiary, t, d, start")
    frame = table.to_pandas()
    frame["treaty"] = [flat.windows[t].treaty for t in frame.pop("t")]
    picked = [duties[i] for i in frame.pop("d")]
    frame["norm"] = [d.norm for d in picked]
    frame["kind"] = [d.kind for d in picked]
    frame["category"] = [d.category for d in picked]
    frame["article"] = [d.article for d in picked]
    return frame[["obligor", "beneficiary", "treaty", "norm", "kind", "category", "article", "start", "end"]]
