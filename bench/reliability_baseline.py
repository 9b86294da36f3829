"""A straightforward pandas implementation of the reliability rules, as the baseline that
``bench/bench_reliability.py`` times and checks the engine's table against.

It does not use the engine. It takes the models' *data* — who is a member when (``member_spans``), when
each norm is in effect (``norm_spans``), what each norm's trigger asks (read off its condition text:
which side, outside states, named adversaries, conditions the record cannot check) — and the record's
joined and left events as DataFrames, and applies the rules the ATOP models state
(``foedus.importers.atop``, "Obligations judged against the record"):

* invocation: a member enters a war (a dispute the reading admits) and the trigger's conditions hold; each
  other member bound that day (or the norm's own bearer) owes it;
* defence and offence: fulfilled when the ally is already in the conflict on the partner's side on that
  day, or enters it on that side by the last day (the partner's exit or the war's end as the reading says,
  and a window of days); violated when the ally fights the partner, or when the last day passes; not
  determinable when an unknown day decides, or when the alliance, a membership or a phase ends first;
* neutrality: violated when the ally fights the partner, kept otherwise; consultation: not determinable;
* non-aggression: every entry of a member into a conflict in which it fights another member.

``baseline(models, record, choices)`` returns one tuple per row: (row_id, alliance, obligation, bearer,
partner, conflict, invoked_on, outcome, state), sorted — the same tuples ``engine_rows`` takes from the
engine's rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd

from foedus.model.treaty import Treaty
from foedus.world.world import lifecycle_of, member_spans, norm_spans

_JOINED = {"war": "war_joined", "dispute": "dispute_joined"}
_LEFT = {"war": "war_left", "dispute": "dispute_left"}
_WINDOW = {"war": None, "30-days": 30, "90-days": 90, "365-days": 365}
_OBLIGATIONS = ("defence", "offence", "neutrality", "non_aggression", "consultation")
_STATES = {  # (kind, state) -> outcome, as the engine's rows read them
    ("obligation", "fulfilled"): "honoured", ("obligation", "violated"): "violated",
    ("prohibition", "violated"): "violated", ("prohibition", "discharged"): "honoured",
    ("prohibition", "expired"): "honoured",
}


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return None


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def events_frame(record: Any) -> pd.DataFrame:
    """The record's joined and left events, one row each, in timeline order (``seq``)."""
    rows = []
    for seq, e in enumerate(record.events):
        if e.type not in ("war_joined", "dispute_joined", "war_left", "dispute_left"):
            continue
        a = e.attributes
        rows.append({
            "seq": seq, "id": e.id, "type": e.type, "date": e.date,
            "latest": max(_day(a.get("date_latest")) or e.date, e.date), "state": e.actor,
            "conflict": a.get("war") or a.get("dispute"), "record": "war" if e.type.startswith("war") else "dispute",
            "side": a.get("side"), "initiator": a.get("initiator"), "against": a.get("against_initiator"),
            "hostility": a.get("dispute_hostility"), "targets": list(e.targets), "allies": _list(a.get("allies")),
            "possible": _list(a.get("allies_possible")), "opponents": _list(a.get("opponents")),
            "left_on": _day(a.get("left_on")), "left_latest": _day(a.get("left_latest")),
            "ends_on": _day(a.get("ends_on")), "ends_latest": _day(a.get("ends_latest")),
        })
    return pd.DataFrame(rows, dtype=object)  # values as they are: no NaN for a missing code


def norms_frame(models: Sequence[Treaty], choices: dict[str, str], states: dict[int, str]) -> pd.DataFrame:
    """What each alliance norm asks and when it is in effect (read from the model's data and condition text)."""
    rows = []
    for model in models:
        lifecycle = lifecycle_of(model)
        if lifecycle.entry_into_force is None:
            continue
        spans = {span.norm.id: span for span in norm_spans(model.norms, lifecycle)}
        for norm in model.norms:
            if norm.category not in _OBLIGATIONS or norm.id not in spans:
                continue
            record = "dispute" if re.match(r"atop-[a-z]+-mid", norm.id) else "war"
            if record == "dispute" and choices["conflicts"] == "wars":
                continue  # the norm's applies_when: the reading admits no dispute
            when = norm.trigger.when if norm.trigger is not None and norm.trigger.when else ""
            threats = re.search(r"\[([^\]]*)\] in event\.targets", when)
            excluded = re.search(r"party != 'cow:(\d+)'", when)
            rows.append({
                "alliance": model.id, "norm": norm.id, "category": norm.category, "kind": norm.kind,
                "standing": norm.trigger is None, "record": record,
                "bearer": norm.bearer if norm.bearer not in ("others(party)", "each party") else None,
                "excluded": states.get(int(excluded[1])) if excluded else None,
                "against": "event.against_initiator == true" in when, "initiator": "event.initiator == true" in when,
                "outside": "not includes_all(parties, event.targets)" in when,
                "threats": [states.get(int(t.strip(" '").split(":")[1]), t) for t in threats[1].split(",")]
                if threats else None,
                "unchecked": [p for p in re.findall(r"reading\('([^']+)'\) == 'met'", when)],
                "start": spans[norm.id].start or lifecycle.entry_into_force, "end": spans[norm.id].end,
            })
    return pd.DataFrame(rows, dtype=object)


def _bound(spans: dict[str, list[tuple[date, date | None]]], state: str, day: date) -> bool:
    return any(s <= day and (e is None or day < e) for s, e in spans.get(state, []))


def _spell_end(spans: dict[str, list[tuple[date, date | None]]], state: str, day: date) -> date | None:
    return next((e for s, e in spans.get(state, []) if s <= day and (e is None or day < e)), None)


def _spell_number(spans: dict[str, list[tuple[date, date | None]]], state: str, day: date, start: date) -> int:
    """Which of the member's memberships (within the norm's time) holds ``day``: 1, 2, …"""
    spells = [(s, e) for s, e in spans.get(state, []) if e is None or e > start]
    return next(i for i, (s, e) in enumerate(spells, 1) if s <= day and (e is None or day < e))


def _trigger(n: Any, e: Any, bound: set[str], choices: dict[str, str]) -> bool | None:
    """Kleene AND of the trigger's parts on the event: True, False, or None (the record cannot tell)."""
    values: list[bool | None] = []
    if n.against:
        values.append(None if e.against is None else e.against is True)
    if n.initiator:
        values.append(None if e.initiator is None else e.initiator is True)
    if n.outside:
        values.append(not all(t in bound for t in e.targets))
    if n.record == "dispute":
        level = e.hostility
        values.append(None if level is None else level <= 4 and (choices["conflicts"] == "disputes" or level == 4))
    if n.threats is not None:
        values.append(any(t in e.targets for t in n.threats))
    if n.excluded is not None:
        values.append(e.state != n.excluded)
    for point in n.unchecked:
        values.append(True if choices.get(point) == "met" else None)
    if False in values:
        return False
    return None if None in values else True


def _deadline(e: Any, choices: dict[str, str], category: str) -> tuple[date | None, date | None]:
    if category not in ("defence", "offence", "consultation"):
        return None, None  # neutrality has no last day: the partner's exit discharges it
    bounds = []
    days = _WINDOW[choices.get("join-window", "war")] if category in ("defence", "offence") else None
    if days is not None:
        bounds.append((max(e.date + timedelta(days=days), e.date), max(e.latest + timedelta(days=days), e.latest)))
    counted = category in ("defence", "offence") and choices.get("late-entry") == "counted"
    first, last = (e.ends_on, e.ends_latest) if counted else (e.left_on, e.left_latest)
    if first is not None:
        bounds.append((max(first, e.date), max(last or first, first, e.latest)))
    if not bounds:
        return None, None
    return min(b[0] for b in bounds), min(b[1] for b in bounds)


def baseline(models: Sequence[Treaty], record: Any, choices: Sequence[str] = ()) -> list[tuple[Any, ...]]:
    """The rows by the rules above (module docstring)."""
    chosen = {"conflicts": "wars", "join-window": "war", "late-entry": "not-counted", "adversaries": "some",
              "nonagg-fighting": "any", **dict(c.split("=", 1) for c in choices)}
    states = {s.cow: sid for sid, s in record.states.items() if s.cow is not None}
    events = events_frame(record)
    norms = norms_frame(models, chosen, states)
    admitted = {"war"} | ({"dispute"} if chosen["conflicts"] != "wars" else set())
    joined = events[events["type"].isin([_JOINED[k] for k in admitted])]
    by_conflict = {key: part for key, part in events.groupby("conflict")}
    out: list[tuple[Any, ...]] = []
    for alliance, alliance_norms in norms.groupby("alliance", sort=False):
        model = next(m for m in models if m.id == alliance)
        lifecycle = lifecycle_of(model)
        spans: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
        for span in member_spans(lifecycle):
            spans[span.party].append((span.start, span.end))
        entry, ends = lifecycle.entry_into_force, lifecycle.ends_on
        assert entry is not None
        mine = joined[joined["state"].isin(list(spans)) & (joined["date"] >= entry)
                      & ((joined["date"] < ends) if ends is not None else True)]
        taken: dict[str, int] = defaultdict(int)
        for e in mine.itertuples(index=False):
            bound = {s for s in spans if _bound(spans, s, e.date)}
            if e.state not in bound:
                continue
            for n in alliance_norms.itertuples(index=False):
                if n.record != e.record or not (n.start <= e.date and (n.end is None or e.date < n.end)):
                    continue
                if n.standing:
                    out += _nonaggression(alliance, n, e, bound, spans, chosen)
                    continue
                if _trigger(n, e, bound, chosen) is not True:
                    continue
                bearers = [n.bearer] if n.bearer is not None else [s for s in sorted(bound, key=_order(model))
                                                                   if s != e.state]
                for b in bearers:
                    if b not in bound:
                        continue
                    base = f"{n.norm}/{b}/{e.date.isoformat()}"
                    taken[base] += 1
                    row_id = f"{alliance}:{base}" + (f"#{taken[base]}" if taken[base] > 1 else "")
                    state = _judge(n, e, b, by_conflict[e.conflict], spans, entry, ends, chosen, record.as_of)
                    out.append((row_id, alliance, n.category, b, e.state, e.conflict, e.date,
                                _STATES.get((n.kind, state), "not determinable"), state))
    return sorted(out)


def _order(model: Treaty) -> Any:
    ids = [p.id for p in model.parties]
    return lambda s: ids.index(s) if s in ids else len(ids)


def _nonaggression(alliance: str, n: Any, e: Any, bound: set[str], spans: dict[str, list[tuple[date, date | None]]],
                   chosen: dict[str, str]) -> list[tuple[Any, ...]]:
    """A member's entry into a conflict in which it fights other members: one row per member it fights."""
    partners = [p for p in e.opponents if p in bound and p != e.state]
    if not partners or (n.bearer is not None and n.bearer != e.state):
        return []
    in_scope: bool | None = True
    if n.record == "dispute":  # a dispute the reading admits, below war
        level = e.hostility
        in_scope = None if level is None else level <= 4 and (chosen["conflicts"] == "disputes" or level == 4)
    if in_scope is False:
        return []
    if in_scope is None:
        verdict = "undetermined"
    elif chosen["nonagg-fighting"] == "any" or e.against is False:
        verdict = "breached"
    elif e.against is True:
        verdict = "honoured"
    else:
        verdict = "undetermined"
    outcome = {"breached": "violated", "honoured": "honoured", "undetermined": "not determinable"}[verdict]
    number = _spell_number(spans, e.state, e.date, n.start)
    instance = f"{n.norm}/{e.state}" + (f"#{number}" if number > 1 else "")
    return [(f"{alliance}:{instance}:{e.id}:{p}", alliance, n.category, e.state, p, e.conflict, e.date, outcome,
             verdict) for p in partners]


def _judge(n: Any, trigger: Any, b: str, conflict: pd.DataFrame, spans: dict[str, list[tuple[date, date | None]]],
           entry: date, ends: date | None, chosen: dict[str, str], as_of: date) -> str:
    """The duty's state: the trigger, then the conflict's later events and the days that end it, in order."""
    p = trigger.state
    deadline, latest = _deadline(trigger, chosen, n.category)
    last = latest or deadline
    # The days that end the duty before its last day: a phase (expired), a membership or the alliance.
    endings = [d for d in (n.end,) if d is not None]
    leaving = [d for d in (_spell_end(spans, b, trigger.date), _spell_end(spans, p, trigger.date), ends)
               if d is not None]
    state, maybe = "active", False

    def fulfil(e: Any) -> None:
        nonlocal state, maybe
        if deadline is None or e.latest <= deadline:
            state = "fulfilled"
        elif e.date <= (latest or deadline):
            maybe = True

    def weigh(e: Any, is_trigger: bool) -> None:
        nonlocal state, maybe
        defence = n.category in ("defence", "offence")
        if e.state == p and e.type == trigger.type and defence:
            if b in e.allies:
                fulfil(e)
            elif b in e.possible:
                maybe = True
        if state == "active" and e.state == b and e.type == trigger.type and defence and not is_trigger \
                and e.side == trigger.side and b not in trigger.allies \
                and (chosen["adversaries"] == "some" or all(t in e.opponents for t in trigger.targets)):
            fulfil(e)
        if state == "active" and e.state == p and e.type == trigger.type and b in e.opponents \
                and n.category in ("defence", "offence", "neutrality"):
            state = "violated"
        if state == "active" and n.category == "neutrality" and e.state == p and e.type == _LEFT[n.record]:
            state = "discharged"

    weigh(trigger, True)
    for e in conflict.itertuples(index=False):
        if state != "active":
            break
        if e.seq <= trigger.seq:
            continue
        day = e.date
        # What time brings at the start of that day comes first: a phase that ends, a member or the alliance
        # that leaves, the last day that passes.
        stop = _time(day, endings, leaving, last, as_of)
        if stop is not None:
            return _ended(stop, n, maybe)
        if not (_bound(spans, b, day) and (ends is None or day < ends)):
            continue
        weigh(e, False)
    if state != "active":
        return state
    stop = _time(date.max, endings, leaving, last, as_of)
    return _ended(stop, n, maybe) if stop is not None else "active"


def _time(day: date, endings: list[date], leaving: list[date], last: date | None, as_of: date) -> str | None:
    """Which end comes first up to ``day`` (inclusive, before that day's events), as of ``as_of``."""
    candidates = [(d, 3, "phase") for d in endings] + [(d, 7, "leaves") for d in leaving]
    if last is not None:
        candidates.append((last + timedelta(days=1), 9, "deadline"))
    due = [c for c in candidates if c[0] <= day and c[0] <= as_of]
    return min(due)[2] if due else None


def _ended(how: str, n: Any, maybe: bool) -> str:
    if n.kind == "prohibition":
        return "expired"
    if how == "phase":
        return "expired"
    if how == "leaves":
        return "discharged"
    if n.category == "consultation" or maybe:
        return "undetermined"
    return "violated"


def engine_rows(rows: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The engine's rows as the baseline's tuples."""
    return sorted((r.row_id, r.alliance, r.obligation, r.bearer, r.partner, r.conflict, r.invoked_on, r.outcome,
                   r.state) for r in rows)
