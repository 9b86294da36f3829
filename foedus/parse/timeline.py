"""Timelines: one dated event per entry, in YAML or CSV.

YAML::

    timeline: sino-soviet-1950-1980
    description: …
    states:                       # states named by events that are not parties of a loaded treaty
      JPN: {name: Japan, cow: 740, iso3: JPN}
    events:
      - date: 1950-04-11
        type: ratification
        actor: PRC
        treaty: sino-soviet-1950
        source: …

CSV: columns ``date,type,actors,targets,treaty,source,note`` and one column per attribute; several
states in one cell are separated by ``;``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from foedus.dates import parse_iso
from foedus.errors import FoedusError, Location, expected_one_of
from foedus.model.events import Event, State, Timeline, vocabulary
from foedus.parse.located_yaml import SourceMap, load

# Attributes any event may carry: `under_reading: POINT=OPTION` makes it count only under that reading of
# the treaty it concerns (one act read two ways).
UNIVERSAL_ATTRIBUTES = ("under_reading",)
_EVENT_KEYS = {"id", "date", "type", "actor", "actors", "target", "targets", "treaty", "source", "note"}
_CSV_CORE = ["date", "type", "actors", "targets", "treaty", "source", "note"]


def read_timeline(path: str | Path) -> Timeline:
    p = Path(path)
    if not p.exists():
        raise FoedusError("no such timeline file", where=Location(str(path)),
                          expected="a path to a .yaml or .csv timeline")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FoedusError(f"not UTF-8 text ({exc.reason})", where=Location(str(path)),
                          expected="a UTF-8 file") from None
    if p.suffix.lower() == ".csv":
        return parse_csv_timeline(text, str(path))
    return parse_yaml_timeline(text, str(path))


def parse_yaml_timeline(text: str, file: str) -> Timeline:
    tree, smap = load(text, file)
    if not isinstance(tree, dict):
        raise FoedusError("a timeline must be a mapping", where=smap.locate(()),
                          expected="keys `timeline`, `events` (and `states`, `description`)")
    unknown = set(tree) - {"timeline", "description", "states", "events", "hypothetical", "scenario"}
    if unknown:
        key = sorted(unknown)[0]
        raise FoedusError(f"unknown key `{key}` in the timeline", where=smap.locate((key,)),
                          expected="timeline, description, hypothetical, states, events")
    if not isinstance(tree.get("events"), list):
        raise FoedusError("`events` must be a list", where=smap.locate(("events",)),
                          expected="a YAML list of events")
    events, states = events_from_tree(tree, smap, file)
    return _finish(str(tree.get("timeline") or Path(file).stem), str(tree.get("description") or ""),
                   events, states, file, bool(tree.get("hypothetical", False)))


def events_from_tree(tree: dict[str, Any], smap: SourceMap, file: str, id_prefix: str = "L"
                     ) -> tuple[list[Event], dict[str, State]]:
    """The `events:` and `states:` of a loaded YAML mapping (a timeline, or a file that embeds events
    in the timeline format). Events without an `id` are named ``<id_prefix><line>``."""
    events_raw = tree.get("events")
    if events_raw is None:
        events_raw = []
    if not isinstance(events_raw, list):
        raise FoedusError("`events` must be a list", where=smap.locate(("events",)),
                          expected="a YAML list of events")
    states = _states(tree.get("states") or {}, smap)
    events = [_event_from_yaml(item, i, smap, file, id_prefix) for i, item in enumerate(events_raw)]
    return events, states


def build_timeline(tid: str, description: str, events: list[Event], states: dict[str, State],
                   file: str | None = None, hypothetical: bool = False) -> Timeline:
    """A timeline from events parsed from one or more files: checked for duplicated and
    contradictory events, and put in date order."""
    return _finish(tid, description, events, states, file, hypothetical)


def _states(raw: Any, smap: SourceMap) -> dict[str, State]:
    if not isinstance(raw, dict):
        raise FoedusError("`states` must be a mapping of ids", where=smap.locate(("states",)),
                          expected="e.g. `JPN: {name: Japan, cow: 740}`")
    out: dict[str, State] = {}
    for sid, spec in raw.items():
        if not isinstance(spec, dict) or "name" not in spec:
            raise FoedusError(f"state {sid!r} needs a name", where=smap.locate(("states", sid)),
                              expected="{name: …, cow: <COW code>, iso3: <ISO alpha-3>}")
        extra = set(spec) - {"name", "cow", "iso3"}
        if extra:
            raise FoedusError(f"unknown field `{sorted(extra)[0]}` for state {sid!r}",
                              where=smap.locate(("states", sid, sorted(extra)[0])), expected="name, cow, iso3")
        cow = spec.get("cow")
        if cow is not None and not isinstance(cow, int):
            raise FoedusError(f"COW code of {sid!r} is not a number", where=smap.locate(("states", sid, "cow")),
                              expected="a whole number (COW state code)")
        out[str(sid)] = State(id=str(sid), name=str(spec["name"]), cow=cow, iso3=spec.get("iso3"))
    return out


def _as_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


def _event_from_yaml(item: Any, i: int, smap: SourceMap, file: str, id_prefix: str = "L") -> Event:
    where = smap.locate(("events", i))
    if not isinstance(item, dict):
        raise FoedusError("an event must be a mapping", where=where,
                          expected="date, type, actor(s), target(s), source, …")
    for single, plural in (("actor", "actors"), ("target", "targets")):
        if single in item and plural in item:
            raise FoedusError(f"both `{single}` and `{plural}` given", where=smap.locate(("events", i, single)),
                              expected="one of them")
    attributes = {k: v for k, v in item.items() if k not in _EVENT_KEYS}
    return _make_event(
        date_text=item.get("date"),
        type_=item.get("type"),
        actors=_as_list(item.get("actors", item.get("actor"))),
        targets=_as_list(item.get("targets", item.get("target"))),
        treaty=item.get("treaty"),
        source=item.get("source"),
        note=item.get("note"),
        attributes=attributes,
        event_id=item.get("id"),
        where=where,
        locate=lambda key: smap.locate(("events", i, key)),
        id_prefix=id_prefix,
    )


def _make_event(*, date_text: Any, type_: Any, actors: tuple[str, ...], targets: tuple[str, ...],
                treaty: Any, source: Any, note: Any, attributes: dict[str, Any], event_id: Any,
                where: Location, locate: Any, id_prefix: str = "L") -> Event:
    if date_text is None:
        raise FoedusError("event has no date", where=where, expected="date: YYYY-MM-DD")
    try:
        when = parse_iso(str(date_text))
    except ValueError as exc:
        raise FoedusError(str(exc), where=locate("date"), expected="a real calendar date YYYY-MM-DD") from None
    vocab = vocabulary()
    if type_ not in vocab:
        raise FoedusError(f"unknown event type {type_!r}", where=locate("type"),
                          expected=expected_one_of(type_, list(vocab), "an event type"))
    kind = vocab[str(type_)]
    for role, got, (lo, hi) in (("actors", actors, kind.actors), ("targets", targets, kind.targets)):
        if len(got) < lo or (hi is not None and len(got) > hi):
            want = f"{lo}" if lo == hi else f"{lo} to {hi if hi is not None else 'any number of'}"
            raise FoedusError(f"{type_} has {len(got)} {role}", where=locate(role[:-1]) if len(got) == 1
                              else where, expected=f"{want} {role} for a {type_}")
    if kind.treaty == "required" and not treaty:
        raise FoedusError(f"{type_} does not say which treaty", where=where, expected="treaty: <treaty id>")
    for key in attributes:
        if key not in kind.attributes and key not in UNIVERSAL_ATTRIBUTES:
            raise FoedusError(f"unknown attribute `{key}` for a {type_}", where=locate(key),
                              expected=("one of " + ", ".join(kind.attributes)) if kind.attributes
                              else "no attributes for this event type")
    line = where.line
    return Event(
        id=str(event_id) if event_id is not None else f"{id_prefix}{line}",
        date=when,
        type=str(type_),
        actors=actors,
        targets=targets,
        treaty=str(treaty) if treaty else None,
        attributes=attributes,
        source=str(source) if source else None,
        note=str(note) if note else None,
        line=line,
        file=where.file,
    )


def parse_csv_timeline(text: str, file: str) -> Timeline:
    reader = csv.reader(text.splitlines())
    try:
        header = next(reader)
    except StopIteration:
        raise FoedusError("empty CSV timeline", where=Location(file, 1), expected="a header row") from None
    header = [h.strip() for h in header]
    for col in ("date", "type"):
        if col not in header:
            raise FoedusError(f"missing column `{col}`", where=Location(file, 1),
                              expected="columns " + ",".join(_CSV_CORE) + " and attribute columns")
    events = []
    for lineno, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise FoedusError(f"row has {len(row)} cells", where=Location(file, lineno),
                              expected=f"{len(header)} cells as in the header")
        cells = {h: c.strip() for h, c in zip(header, row, strict=True)}

        def split(value: str) -> tuple[str, ...]:
            return tuple(v.strip() for v in value.split(";") if v.strip())

        attributes: dict[str, Any] = {}
        for key, value in cells.items():
            if key in _CSV_CORE or key == "id" or value == "":
                continue
            parts = split(value)
            attributes[key] = list(parts) if ";" in value else _csv_scalar(value)
        where = Location(file, lineno)
        events.append(_make_event(
            date_text=cells.get("date") or None, type_=cells.get("type") or None,
            actors=split(cells.get("actors", "")), targets=split(cells.get("targets", "")),
            treaty=cells.get("treaty") or None, source=cells.get("source") or None,
            note=cells.get("note") or None, attributes=attributes, event_id=cells.get("id") or None,
            where=where, locate=lambda key, where=where: where))
    return _finish(Path(file).stem, "", events, {}, file, False)


def _csv_scalar(value: str) -> Any:
    low = value.lower()
    if low in ("true", "false"):
        return low == "true"
    return value


def _finish(tid: str, description: str, events: list[Event], states: dict[str, State], file: str | None,
            hypothetical: bool) -> Timeline:
    _check_duplicates(events)
    ordered = tuple(sorted(events, key=lambda e: (e.date, e.line or 0)))
    return Timeline(id=tid, description=description, events=ordered, states=states, file=file,
                    hypothetical=hypothetical)


def _check_duplicates(events: list[Event]) -> None:
    seen: dict[tuple[Any, ...], Event] = {}
    ids: dict[str, Event] = {}
    once: dict[tuple[Any, ...], Event] = {}
    for e in events:
        if e.id in ids:
            raise FoedusError(f"event id {e.id!r} is used twice (also {_line_of(ids[e.id], e)})",
                              where=Location(e.file or "", e.line), expected="unique event ids")
        ids[e.id] = e
        key = (e.date, e.type, e.actors, e.targets, e.treaty, tuple(sorted(map(str, e.attributes.items()))))
        if key in seen:
            raise FoedusError(f"duplicated event: the same {e.type} as {_line_of(seen[key], e)}",
                              where=Location(e.file or "", e.line), expected="each event once")
        seen[key] = e
        # Acts that happen once per party and treaty: two different dates contradict each other.
        if e.type in ("ratification", "signature", "exchange_of_instruments"):
            for actor in e.actors if e.type != "exchange_of_instruments" else ("*",):
                okey = (e.type, e.treaty, actor)
                if okey in once and once[okey].date != e.date:
                    other = once[okey]
                    who = f" by {actor}" if actor != "*" else ""
                    raise FoedusError(
                        f"contradictory events: {e.type}{who} of {e.treaty} on {e.date} and on "
                        f"{other.date} ({_line_of(other, e)})",
                        where=Location(e.file or "", e.line), expected=f"one {e.type} date{who}")
                once.setdefault(okey, e)


def _line_of(other: Event, e: Event) -> str:
    """Where ``other`` stands, as seen from ``e``: its line, or its file and line if in another file."""
    return f"line {other.line}" if other.file == e.file else f"{other.file}:{other.line}"
