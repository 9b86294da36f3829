"""Point queries over treaty models: what is in force, who is allied with whom, who must assist whom.

The functions take a plain list of models (imported ATOP models, hand-written ones, or both), or a
``foedus.world.World`` (models dated by a timeline; see :func:`foedus.world.dyads.flatten_world`). The
first call with a list builds an index of it (``WorldIndex``: each obligation between two states as a
date interval, sorted by state, in numpy arrays) and keeps it for later calls with the same model
objects, so a query costs a few array slices. Build the index yourself with ``WorldIndex(models)`` to
hold on to it. States are COW codes; dates are ``datetime.date`` or ``YYYY-MM-DD``.

The dates, memberships and directions follow the rules of :mod:`foedus.world.dyads`: a treaty is in
force on ``on`` when ``start <= on < end``, a party is a member from ``joined`` until the day before
``left``, and a norm binds its bearer toward its counterparty.

The cascade rule of ``who_must_assist``
--------------------------------------
The war has two sides: the attacker's and the target's. Starting from the two states (depth 0), each
round looks at the obligations in force on ``on`` toward every state that joined a side in the round
before:

* a **defence** obligation toward a member of the *target's* side brings the obligor into the war on
  that side (effect ``join``);
* an **offence** obligation toward a member of the *attacker's* side brings the obligor in on the
  attacker's side (``join``). Defence obligations toward the attacker's side and offence obligations
  toward the target's side are not triggered: the attacker's side started the war;
* a **neutrality** obligation toward any belligerent is listed (``stay neutral``), as is a
  **consultation** obligation (``consult``); neither brings the obligor into the war, so the cascade
  does not go on from it. Non-aggression and the other categories are not assistance and are left out.

An obligation under a treaty to which the first belligerent of the other side also belongs (on
``on``) is not triggered: an alliance does not act against its own member (imported ATOP models say
so in their triggers, ``not party(event.actor)``). So if Turkey attacks Greece, NATO obliges no one.

A state that joins in round *n* has depth *n*; the next round looks at the obligations toward it. Each
state joins at most once, on the side of the first obligation that reaches it (at equal depth, the
target's side, as defence obligations are examined first); an obligation that would pull it to the other
side is still listed and marks it ``conflicted`` (so does the attacker's own pledge to defend the
target). There are no cycles: a state that has joined is never expanded again, so the cascade ends after
at most as many rounds as there are states; ``max_depth`` stops it earlier (1: direct obligations only).

A norm that names threats (``Norm.threat``) applies only against them: when none of the named threats
is a state of the other side (matched by COW code, or by a party id or ISO3 code that some model gives
that state), the obligation is listed with the condition ``only against …`` and does not bring the
obligor in. Other trigger conditions are not evaluated here: the graph says who is bound to act, not
whether each clause's conditions are met (evaluate the treaty with a timeline for that).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from foedus.dates import parse_iso
from foedus.errors import FoedusError
from foedus.model.treaty import Treaty
from foedus.world.dyads import Obligations, _as_flat, duty_edge_rows
from foedus.world.world import World

if TYPE_CHECKING:
    import pandas as pd  # imported where a DataFrame is made: the command line needs none


def _frame(rows: Any, columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=list(columns))

__all__ = [
    "AssistanceEdge",
    "AssistanceGraph",
    "AssistanceNode",
    "WorldIndex",
    "allies",
    "treaties_in_force",
    "who_must_assist",
]

Verdicts = Mapping[tuple[int, str, str], tuple[bool | None, str]]
_EPOCH = date(1970, 1, 1)
_OPEN = np.iinfo(np.int32).max
_EFFECTS = {"defence": "join", "offence": "join", "neutrality": "stay neutral", "consultation": "consult"}
_SIDE_ORDER = {"target": 0, "attacker": 1}


def _day(on: date) -> int:
    return (on - _EPOCH).days


def _objects(values: Iterable[Any]) -> np.ndarray:
    """The values as a 1-D object array."""
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def as_day(on: date | str) -> date:
    """A query date: a ``date`` or a ``YYYY-MM-DD`` text."""
    if isinstance(on, datetime):
        return on.date()
    if isinstance(on, date):
        return on
    if isinstance(on, str):
        try:
            return parse_iso(on)
        except ValueError as exc:
            raise FoedusError(str(exc), expected="a date YYYY-MM-DD") from None
    raise FoedusError(f"{on!r} is not a date", expected="a date or a YYYY-MM-DD text")


def as_state(value: int | str, what: str = "state") -> int:
    """A COW state code given as an int or as digits."""
    if isinstance(value, bool):
        raise FoedusError(f"{what} {value!r} is not a COW code", expected="a COW state code such as 365")
    if isinstance(value, int | np.integer):
        code = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        code = int(value.strip())
    else:
        raise FoedusError(f"{what} {value!r} is not a COW code", expected="a COW state code such as 365")
    if code <= 0:
        raise FoedusError(f"{what} {code} is not a COW code", expected="a positive COW state code")
    return code


@dataclass(frozen=True, slots=True)
class AssistanceEdge:
    """``obligor`` is bound toward ``beneficiary`` by ``norm`` of ``treaty`` (see the module docstring)."""

    obligor: int
    beneficiary: int
    treaty: str
    norm: str
    category: str
    depth: int
    effect: str
    side: str
    condition: str | None


@dataclass(frozen=True, slots=True)
class AssistanceNode:
    state: int
    role: str  # "attacker" | "target" | "joins attacker" | "joins target" | "bound"
    side: str | None  # "attacker" | "target" | None (bound, not a belligerent)
    depth: int | None  # the round it joined (0 for the two first belligerents)
    conflicted: bool


_EDGE_COLUMNS = ("obligor", "beneficiary", "treaty", "norm", "category", "depth", "effect", "side", "condition")
_IN_FORCE_COLUMNS = ("treaty", "title", "entry_into_force", "ended_on", "members", "categories")
_ALLY_COLUMNS = ("ally", "treaty", "obligations", "owes", "owed")
_NODE_COLUMNS = ("state", "role", "side", "depth", "conflicted")


class _EdgeColumns:
    """The edges of a graph as index arrays into a ``WorldIndex``, turned into values on demand."""

    def __init__(self, index: WorldIndex, arrays: dict[str, np.ndarray], conditions: dict[int, str]):
        self.index = index
        self.arrays = arrays
        self.conditions = conditions  # edge position -> condition; the other edges have none
        self.size = len(arrays["obligor"])
        self._lists: dict[str, list[Any]] | None = None

    def arrays_by_column(self) -> dict[str, np.ndarray]:
        """The edge columns as numpy arrays (names looked up in one step per column)."""
        ix, arr = self.index, self.arrays
        duties = arr["duty"]
        return {
            "obligor": arr["obligor"].astype(np.int64),
            "beneficiary": arr["beneficiary"].astype(np.int64),
            "treaty": ix._treaty_name_array[arr["treaty"]],
            "norm": ix._duty_norm_array[duties],
            "category": ix._duty_category_array[duties],
            "depth": arr["depth"].astype(np.int64),
            "effect": ix._duty_effect_name_array[duties],
            "side": np.where(arr["side"] == 0, "target", "attacker").astype(object),
            "condition": self._condition_column(),
        }

    def _condition_column(self) -> np.ndarray:
        column = np.full(self.size, None, dtype=object)
        for position, text in self.conditions.items():
            column[position] = text
        return column

    def lists(self) -> dict[str, list[Any]]:
        if self._lists is None:
            self._lists = {name: column.tolist() for name, column in self.arrays_by_column().items()}
        return self._lists


class AssistanceGraph:
    """Who must assist whom if ``attacker`` attacks ``target`` on ``on``: nodes are states, edges are
    obligations (obligor → beneficiary) in the order the cascade found them (round by round; within a
    round by beneficiary, target's side first, then obligor, treaty and norm).

    The edges are kept as columns (a cascade through large pacts has thousands); ``edges`` makes
    ``AssistanceEdge`` records of them, ``to_frame()`` a DataFrame, ``to_dict()`` plain data.
    """

    def __init__(self, attacker: int, target: int, on: date, max_depth: int | None,
                 nodes: tuple[AssistanceNode, ...], found: _EdgeColumns):
        self.attacker = attacker
        self.target = target
        self.on = on
        self.max_depth = max_depth
        self.nodes = nodes
        self._found = found
        self._edges: tuple[AssistanceEdge, ...] | None = None

    def __len__(self) -> int:
        return self._found.size

    @property
    def _columns(self) -> dict[str, list[Any]]:
        return self._found.lists()

    @property
    def edges(self) -> tuple[AssistanceEdge, ...]:
        if self._edges is None:
            self._edges = tuple(AssistanceEdge(*row) for row in zip(*(self._columns[c] for c in _EDGE_COLUMNS),
                                                                     strict=True))
        return self._edges

    def to_frame(self) -> pd.DataFrame:
        """The edges, one row each: ``obligor, beneficiary, treaty, norm, category, depth, effect, side,
        condition``."""
        return _frame(self._found.arrays_by_column(), _EDGE_COLUMNS)

    def nodes_frame(self) -> pd.DataFrame:
        """The nodes, one row each: ``state, role, side, depth, conflicted``."""
        frame = _frame([asdict(n) for n in self.nodes], _NODE_COLUMNS)
        frame["depth"] = frame["depth"].astype("Int64")
        return frame

    def edge_rows(self) -> list[dict[str, Any]]:
        """The edges as plain records (the columns of ``to_frame``), in cascade order."""
        return [dict(zip(_EDGE_COLUMNS, row, strict=True))
                for row in zip(*(self._columns[c] for c in _EDGE_COLUMNS), strict=True)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "attacker": self.attacker,
            "target": self.target,
            "on": self.on.isoformat(),
            "max_depth": self.max_depth,
            "nodes": [asdict(n) for n in self.nodes],
            "edges": self.edge_rows(),
        }

    def side(self, name: str) -> list[int]:
        """The states on one side (``attacker`` or ``target``), the first belligerent included."""
        return sorted(n.state for n in self.nodes if n.side == name)

    def obliged(self) -> list[int]:
        """The states that some obligation brings into the war, on either side."""
        return sorted(n.state for n in self.nodes if n.side is not None and n.depth)

    def __repr__(self) -> str:
        return (f"AssistanceGraph(attacker={self.attacker}, target={self.target}, on={self.on.isoformat()}, "
                f"nodes={len(self.nodes)}, edges={len(self)})")


class WorldIndex:
    """The obligations of a list of models, indexed by state and date for point queries."""

    def __init__(self, models: Sequence[Treaty] | Obligations | World):
        flat = _as_flat(models)
        self.flat = flat
        self.windows = {w.treaty: w for w in flat.windows}
        index = {w.treaty: i for i, w in enumerate(flat.windows)}
        self._treaty_names = [w.treaty for w in flat.windows]
        self._w_start = np.array([_day(w.start) for w in flat.windows], np.int32)
        self._w_end = np.array([_OPEN if w.end is None else _day(w.end) for w in flat.windows], np.int32)

        # memberships, by state and by treaty
        members = sorted(flat.memberships, key=lambda m: (m.state, index[m.treaty], m.party))
        self._m_state = np.array([m.state for m in members], np.int32)
        self._m_treaty = np.array([index[m.treaty] for m in members], np.int32)
        self._m_start = np.array([_day(m.start) for m in members], np.int32)
        self._m_end = np.array([_OPEN if m.end is None else _day(m.end) for m in members], np.int32)
        self._by_treaty: dict[int, list[int]] = {}
        for row, m in enumerate(members):
            self._by_treaty.setdefault(index[m.treaty], []).append(row)

        # directed duty edges between states, sorted by beneficiary (and a second order by obligor);
        # dates as days since 1970-01-01, an open end as _OPEN
        edges, self.duties = duty_edge_rows(flat)
        self._e_obligor = np.array([e[0] for e in edges], np.int32)
        self._e_beneficiary = np.array([e[1] for e in edges], np.int32)
        self._e_treaty = np.array([e[2] for e in edges], np.int32)
        self._e_duty = np.array([e[3] for e in edges], np.int32)
        self._e_start = np.array([_day(e[4]) for e in edges], np.int32)
        self._e_end = np.array([_OPEN if e[5] is None else _day(e[5]) for e in edges], np.int32)
        self._by_obligor = np.lexsort((self._e_duty, self._e_treaty, self._e_beneficiary, self._e_obligor))
        self._ob_keys = self._e_obligor[self._by_obligor]
        self._duty_category = [d.category for d in self.duties]
        self._treaty_name_array = _objects(self._treaty_names)
        self._duty_norm_array = _objects(d.norm for d in self.duties)
        self._duty_category_array = _objects(self._duty_category)
        self._duty_effect_name_array = _objects(_EFFECTS.get(c, "") for c in self._duty_category)
        grouped: dict[str, set[str]] = {}
        for duty in self.duties:
            grouped.setdefault(duty.treaty, set()).add(duty.category)
        self._categories = {name: tuple(sorted(found)) for name, found in grouped.items()}
        self._duty_threat = [frozenset(t.strip().casefold() for t in d.threat) for d in self.duties]
        self._duty_has_threat = np.array([bool(d.threat) for d in self.duties], bool)
        # effect codes: 0 defence, 1 offence, 2 neutrality, 3 consultation (the order of _EFFECTS), -1 none
        codes = {category: i for i, category in enumerate(_EFFECTS)}
        self._duty_effect = np.array([codes.get(d.category, -1) for d in self.duties], np.int8)
        self._aliases: dict[int, frozenset[str]] = {}

    # --- slices ----------------------------------------------------------------------------------

    def _memberships_of(self, state: int, day: int) -> np.ndarray:
        lo, hi = np.searchsorted(self._m_state, [state, state + 1])
        rows = np.arange(lo, hi)
        keep = (self._m_start[lo:hi] <= day) & (self._m_end[lo:hi] > day)
        return rows[keep]

    def _edges_toward(self, state: int, day: int) -> np.ndarray:
        lo, hi = np.searchsorted(self._e_beneficiary, [state, state + 1])
        keep = (self._e_start[lo:hi] <= day) & (self._e_end[lo:hi] > day)
        return np.nonzero(keep)[0] + lo

    def _edges_from(self, state: int, day: int) -> np.ndarray:
        lo, hi = np.searchsorted(self._ob_keys, [state, state + 1])
        rows = self._by_obligor[lo:hi]
        keep = (self._e_start[rows] <= day) & (self._e_end[rows] > day)
        return rows[keep]

    # --- queries ---------------------------------------------------------------------------------

    def treaties_in_force(self, on: date | str) -> pd.DataFrame:
        """Models in force on ``on``: ``treaty, title, entry_into_force, ended_on, members, categories``
        (members: COW codes that are members that day; categories: of the binding norms), by treaty id."""
        return _frame(self.in_force_rows(on), _IN_FORCE_COLUMNS)

    def in_force_rows(self, on: date | str) -> list[dict[str, Any]]:
        """The rows of ``treaties_in_force`` as plain records."""
        day = as_day(on)
        d = _day(day)
        rows = []
        for t in np.nonzero((self._w_start <= d) & (self._w_end > d))[0]:
            name = self._treaty_names[t]
            window = self.windows[name]
            members = sorted({int(self._m_state[r]) for r in self._by_treaty.get(int(t), [])
                              if self._m_start[r] <= d < self._m_end[r]})
            rows.append({"treaty": name, "title": window.title, "entry_into_force": window.start,
                         "ended_on": window.end, "members": members,
                         "categories": list(self._categories.get(name, ()))})
        rows.sort(key=lambda r: str(r["treaty"]))
        return rows

    def allies(self, state: int | str, on: date | str) -> pd.DataFrame:
        """Who shares a treaty in force with ``state`` on ``on``: one row per (ally, treaty) with
        ``obligations`` (categories binding either way), ``owes`` (what ``state`` owes the ally) and
        ``owed`` (what the ally owes ``state``), sorted by ally and treaty."""
        return _frame(self.allies_rows(state, on), _ALLY_COLUMNS)

    def allies_rows(self, state: int | str, on: date | str) -> list[dict[str, Any]]:
        """The rows of ``allies`` as plain records."""
        code = as_state(state)
        d = _day(as_day(on))
        owes: dict[tuple[int, int], set[str]] = {}
        owed: dict[tuple[int, int], set[str]] = {}
        for e in self._edges_from(code, d):
            key = (int(self._e_beneficiary[e]), int(self._e_treaty[e]))
            owes.setdefault(key, set()).add(self._duty_category[self._e_duty[e]])
        for e in self._edges_toward(code, d):
            key = (int(self._e_obligor[e]), int(self._e_treaty[e]))
            owed.setdefault(key, set()).add(self._duty_category[self._e_duty[e]])
        pairs: set[tuple[int, int]] = set()
        for row in self._memberships_of(code, d):
            t = int(self._m_treaty[row])
            for other in self._by_treaty.get(t, []):
                ally = int(self._m_state[other])
                if ally != code and self._m_start[other] <= d < self._m_end[other]:
                    pairs.add((ally, t))
        rows = []
        for ally, t in sorted(pairs, key=lambda p: (p[0], self._treaty_names[p[1]])):
            mine, theirs = owes.get((ally, t), set()), owed.get((ally, t), set())
            rows.append({"ally": ally, "treaty": self._treaty_names[t], "obligations": sorted(mine | theirs),
                         "owes": sorted(mine), "owed": sorted(theirs)})
        return rows

    def who_must_assist(self, attacker: int | str, target: int | str, on: date | str, *,
                        max_depth: int | None = None, verdicts: Verdicts | None = None) -> AssistanceGraph:
        """The obligations that an attack by ``attacker`` on ``target`` on ``on`` sets off, with the
        cascade through further alliances (the rule is in the module docstring).

        ``verdicts`` replaces the named-threat test for the direct obligations (round 1) that it names:
        ``(obligor, treaty, norm) -> (holds, why)``, where ``holds`` is whether the norm's trigger
        condition holds against this attack (True, False, or None when the record cannot tell), as the
        treaty's own evaluation found (:func:`foedus.world.view.assess`). Only True brings the
        obligor in; otherwise ``why`` is the edge's condition."""
        a = as_state(attacker, "attacker")
        b = as_state(target, "target")
        if a == b:
            raise FoedusError(f"attacker and target are both {a}", expected="two different states")
        if max_depth is not None and (isinstance(max_depth, bool) or not isinstance(max_depth, int)
                                      or max_depth < 1):
            raise FoedusError(f"max_depth {max_depth!r}", expected="a whole number of rounds, at least 1, or None")
        when = as_day(on)
        d = _day(when)
        side: dict[int, str] = {b: "target", a: "attacker"}
        depth: dict[int, int] = {b: 0, a: 0}
        conflicted: set[int] = set()
        bound: dict[int, int] = {}
        parts: list[tuple[int, np.ndarray, np.ndarray, dict[int, str]]] = []
        # treaties of each first belligerent on the day: they do not act against their own member
        shared = (np.unique(self._m_treaty[self._memberships_of(a, d)]),
                  np.unique(self._m_treaty[self._memberships_of(b, d)]))
        frontier = [b, a]
        level = 0
        while frontier and (max_depth is None or level < max_depth):
            level += 1
            frontier.sort(key=lambda s: (_SIDE_ORDER[side[s]], s))
            keys = np.array(frontier, np.int32)
            los = np.searchsorted(self._e_beneficiary, keys)
            his = np.searchsorted(self._e_beneficiary, keys + 1)
            counts = his - los
            # the rows lo..hi-1 of every frontier state, in frontier order, without a Python loop
            rows = np.arange(int(counts.sum())) + np.repeat(los - np.concatenate(([0], np.cumsum(counts)[:-1])),
                                                            counts)
            ben_side = np.repeat(np.array([_SIDE_ORDER[side[s]] for s in frontier], np.int8), counts)
            live = (self._e_start[rows] <= d) & (self._e_end[rows] > d)
            rows, ben_side = rows[live], ben_side[live]
            treaty = self._e_treaty[rows]
            inside = np.where(ben_side == 0, np.isin(treaty, shared[0]), np.isin(treaty, shared[1]))
            rows, ben_side = rows[~inside], ben_side[~inside]
            effect = self._duty_effect[self._e_duty[rows]]
            # defence toward the target's side, offence toward the attacker's side, neutrality, consultation
            keep = ((effect == 0) & (ben_side == 0)) | ((effect == 1) & (ben_side == 1)) | (effect >= 2)
            rows, effect, ben_side = rows[keep], effect[keep], ben_side[keep]
            conditions: dict[int, str] = {}
            unconditional = np.ones(len(rows), bool)
            duties = self._e_duty[rows]
            threatened = np.nonzero(self._duty_has_threat[duties])[0]
            for code in (0, 1):
                at = threatened[ben_side[threatened] == code]
                if not len(at):
                    continue
                # the states of the other side, by every name a threat may use; one test per norm
                enemy_side = "attacker" if code == 0 else "target"
                enemies = {n for s, sd in side.items() if sd == enemy_side for n in self._names(s)}
                for duty in np.unique(duties[at]).tolist():
                    if enemies.isdisjoint(self._duty_threat[duty]):
                        text = "only against " + ", ".join(self.duties[duty].threat)
                        hits = at[duties[at] == duty]
                        unconditional[hits] = False
                        conditions.update(dict.fromkeys(hits.tolist(), text))
            if level == 1 and verdicts:
                obligors_now, treaties_now = self._e_obligor[rows], self._e_treaty[rows]
                for i in range(len(rows)):
                    key = (int(obligors_now[i]), self._treaty_names[int(treaties_now[i])],
                           self.duties[int(duties[i])].norm)
                    given = verdicts.get(key)
                    if given is not None:
                        holds, why = given
                        unconditional[i] = holds is True
                        if holds is True:
                            conditions.pop(i, None)
                        else:
                            conditions[i] = why
            parts.append((level, rows, ben_side, conditions))
            obligors = self._e_obligor[rows]
            joining = (effect <= 1) & unconditional
            to_target = set(np.unique(obligors[joining & (ben_side == 0)]).tolist())
            to_attacker = set(np.unique(obligors[joining & (ben_side == 1)]).tolist())
            for x in to_target & to_attacker:
                conflicted.add(x)
            joins: list[int] = []
            for x in sorted(to_target | to_attacker):
                wanted = "target" if x in to_target else "attacker"
                if x in side:
                    if side[x] != wanted or (x in to_target and x in to_attacker):
                        conflicted.add(x)
                    continue
                side[x] = wanted
                depth[x] = level
                joins.append(x)
            for x in np.unique(obligors[~joining]).tolist():
                if x not in side:
                    bound.setdefault(x, level)
            frontier = joins
        all_conditions: dict[int, str] = {}
        if parts:
            found = np.concatenate([p[1] for p in parts])
            columns = {
                "obligor": self._e_obligor[found],
                "beneficiary": self._e_beneficiary[found],
                "treaty": self._e_treaty[found],
                "duty": self._e_duty[found],
                "depth": np.concatenate([np.full(len(p[1]), p[0], np.int32) for p in parts]),
                "side": np.concatenate([p[2] for p in parts]),
            }
            offset = 0
            for p in parts:
                all_conditions.update((offset + i, text) for i, text in p[3].items())
                offset += len(p[1])
        else:
            columns = {name: np.zeros(0, np.int32) for name in ("obligor", "beneficiary", "treaty", "duty",
                                                               "depth", "side")}
        nodes: list[AssistanceNode] = []
        for s in sorted(set(side) | set(bound), key=lambda s: (depth.get(s, bound.get(s, 0)), s)):
            if s in side:
                role = side[s] if depth[s] == 0 else f"joins {side[s]}"
                nodes.append(AssistanceNode(s, role, side[s], depth[s], s in conflicted))
            else:
                nodes.append(AssistanceNode(s, "bound", None, None, False))
        return AssistanceGraph(a, b, when, max_depth, tuple(nodes), _EdgeColumns(self, columns, all_conditions))

    def _names(self, state: int) -> frozenset[str]:
        """How a named threat can refer to ``state``: its COW code, and the ids and ISO3 codes models give it."""
        names = self._aliases.get(state)
        if names is None:
            names = frozenset({str(state), f"cow:{state}"} | {x.casefold() for x in self.flat.aliases.get(state, ())})
            self._aliases[state] = names
        return names


# --- module-level functions over plain model lists -------------------------------------------------

Models = Sequence[Treaty] | World | WorldIndex
_CACHE: OrderedDict[tuple[int, ...], tuple[object, WorldIndex]] = OrderedDict()
_CACHE_SIZE = 4


def index_for(models: Models) -> WorldIndex:
    """The index of ``models``: built on first use and kept for the same model objects (models are
    immutable, and the cache holds them, so the key cannot be reused by other objects). A ``World``
    is indexed once per world object."""
    if isinstance(models, WorldIndex):
        return models
    if isinstance(models, World):
        key: tuple[int, ...] = (-1, id(models))
        held: object = models
    elif isinstance(models, Treaty) or not isinstance(models, Sequence):
        raise FoedusError(f"{type(models).__name__} is not a list of treaty models",
                          expected="a list of foedus.model.treaty.Treaty, or a World")
    else:
        key = tuple(id(m) for m in models)
        held = tuple(models)
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit[1]
    index = WorldIndex(models)
    _CACHE[key] = (held, index)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return index


def treaties_in_force(models: Models, on: date | str) -> pd.DataFrame:
    """Models in force on ``on`` (see ``WorldIndex.treaties_in_force``)."""
    return index_for(models).treaties_in_force(on)


def allies(models: Models, state: int | str, on: date | str) -> pd.DataFrame:
    """Allies of ``state`` on ``on``: ``ally, treaty, obligations, owes, owed`` (see ``WorldIndex.allies``)."""
    return index_for(models).allies(state, on)


def who_must_assist(models: Models, attacker: int | str, target: int | str,
                    on: date | str, *, max_depth: int | None = None,
                    verdicts: Verdicts | None = None) -> AssistanceGraph:
    """Who must assist whom if ``attacker`` attacks ``target`` on ``on``, as a graph (see the module
    docstring for the cascade rule, and ``WorldIndex.who_must_assist`` for ``verdicts``)."""
    return index_for(models).who_must_assist(attacker, target, on, max_depth=max_depth, verdicts=verdicts)
