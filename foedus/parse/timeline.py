"""Timelines: one dated event per entry, in YAML, CSV or Parquet.

YAML::

    timeline: sino-soviet-1950-1980
    description: …
    states:                       # states named by events that are not parties of a loaded treaty
      JPN: {name: Japan, cow: 740, iso3: JPN}
    events:
      - date: 1950-04-11
        type: ratification
        actor: USSR
        treaty: sino-soviet-1950
        source: …

CSV: columns ``date,type,actors,targets,treaty,source,note`` (and optionally ``id``) and one column per
attribute; several states in one cell are separated by ``;``. Parquet: the same columns; ``date`` may
be a date column, ``actors``/``targets`` lists of strings, attributes of their own type.

Every value is checked for its kind and range before use: the date is a real calendar date, the type
one of the vocabulary's, the roles names, and each attribute a value of its declared type (see
:mod:`foedus.model.events`), stored typed. ``vocabulary=`` takes another :class:`Vocabulary` (e.g. the
built-in one extended by types a file declares); the default is the built-in one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from foedus.dates import parse_iso
from foedus.errors import FoedusError, Location, quoted
from foedus.files import checked_file, csv_records, read_text
from foedus.limits import (
    MAX_CSV_FIELD_CHARS,
    MAX_LIST_ITEMS,
    MAX_PARQUET_BYTES,
    MAX_TIMELINE_EVENTS,
    refusal,
)
from foedus.model.events import (
    EVENT_KEYS,
    BadValue,
    Event,
    EventType,
    State,
    Timeline,
    Vocabulary,
    check_name,
    check_text,
    vocabulary,
)
from foedus.parse.located_yaml import SourceMap, load

_EVENT_KEYS = EVENT_KEYS  # the name other modules imported
_CSV_CORE = ["date", "type", "actors", "targets", "treaty", "source", "note"]
_TIMELINE_KEYS = ("timeline", "description", "hypothetical", "states", "events")
_SUFFIXES = "a .yaml, .csv or .parquet timeline"


def read_timeline(path: str | Path, vocabulary: Vocabulary | None = None) -> Timeline:
    """Read a timeline file: ``.csv``, ``.parquet``, or YAML (any other name)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".parquet":
        return read_parquet_timeline(path, vocabulary)
    text = read_text(path, what="timeline file", expected=f"a path to {_SUFFIXES}")
    if suffix == ".csv":
        return parse_csv_timeline(text, str(path), vocabulary)
    return parse_yaml_timeline(text, str(path), vocabulary)


# --- YAML ------------------------------------------------------------------------------------------


def parse_yaml_timeline(text: str, file: str, vocabulary: Vocabulary | None = None) -> Timeline:
    vocab = _vocab(vocabulary)
    count = [0]

    def event(i: int, item: Any, smap: SourceMap) -> Event:
        count[0] += 1
        if count[0] > MAX_TIMELINE_EVENTS:
            raise refusal(f"more than {MAX_TIMELINE_EVENTS:,} events", "MAX_TIMELINE_EVENTS", MAX_TIMELINE_EVENTS,
                          smap.locate(("events", i)))
        return _event_from_yaml(item, i, smap, file, "L", vocab)

    # Each event is checked and built as soon as its entry is read: no position is kept for every
    # value of a long timeline, only the events.
    tree, smap = load(text, file, hooks={("events",): event})
    if not isinstance(tree, dict):
        raise FoedusError("a timeline must be a mapping", where=smap.locate(()),
                          expected="keys `timeline`, `events` (and `states`, `description`)")
    unknown = set(tree) - {*_TIMELINE_KEYS, "scenario"}
    if unknown:
        key = sorted(unknown)[0]
        raise FoedusError(f"unknown key `{key}` in the timeline", where=smap.locate((key,)),
                          expected="timeline, description, hypothetical, states, events")
    if not isinstance(tree.get("events"), list):
        raise FoedusError("`events` must be a list", where=smap.locate(("events",)),
                          expected="a YAML list of events")
    states = _states(tree.get("states") or {}, smap)
    name = _optional_text(tree, smap, "timeline") or Path(file).stem
    description = _optional_text(tree, smap, "description") or ""
    hypothetical = tree.get("hypothetical", False)
    if not isinstance(hypothetical, bool):
        raise FoedusError("`hypothetical` must be true or false", where=smap.locate(("hypothetical",)),
                          expected="true or false")
    return _finish(name, description, list(tree["events"]), states, file, hypothetical)


def _optional_text(tree: dict[str, Any], smap: SourceMap, key: str) -> str | None:
    value = tree.get(key)
    if value is None:
        return None
    try:
        return check_text(value, f"`{key}`")
    except BadValue as exc:
        raise FoedusError(exc.message, where=smap.locate((key,)), expected=exc.expected) from None


def events_from_tree(tree: dict[str, Any], smap: SourceMap, file: str, id_prefix: str = "L",
                     vocabulary: Vocabulary | None = None) -> tuple[list[Event], dict[str, State]]:
    """The `events:` and `states:` of a loaded YAML mapping (a timeline, or a file that embeds events
    in the timeline format). Events without an `id` are named ``<id_prefix><line>``."""
    vocab = _vocab(vocabulary)
    events_raw = tree.get("events")
    if events_raw is None:
        events_raw = []
    if not isinstance(events_raw, list):
        raise FoedusError("`events` must be a list", where=smap.locate(("events",)),
                          expected="a YAML list of events")
    if len(events_raw) > MAX_TIMELINE_EVENTS:
        raise refusal(f"{len(events_raw):,} events", "MAX_TIMELINE_EVENTS", MAX_TIMELINE_EVENTS,
                      smap.locate(("events",)))
    states = _states(tree.get("states") or {}, smap)
    events = [_event_from_yaml(item, i, smap, file, id_prefix, vocab) for i, item in enumerate(events_raw)]
    return events, states


def build_timeline(tid: str, description: str, events: list[Event], states: dict[str, State],
                   file: str | None = None, hypothetical: bool = False) -> Timeline:
    """A timeline from events parsed from one or more files: checked for duplicated and
    contradictory events, and put in date order."""
    return _finish(tid, description, events, states, file, hypothetical)


def _vocab(vocabulary_: Vocabulary | None) -> Vocabulary:
    return vocabulary_ if vocabulary_ is not None else vocabulary()


def _states(raw: Any, smap: SourceMap) -> dict[str, State]:
    if not isinstance(raw, dict):
        raise FoedusError("`states` must be a mapping of ids", where=smap.locate(("states",)),
                          expected="e.g. `JPN: {name: Japan, cow: 740}`")
    out: dict[str, State] = {}
    for sid, spec in raw.items():
        where = smap.locate(("states", sid))
        try:
            check_name(sid, "a state id")
        except BadValue as exc:
            raise FoedusError(exc.message, where=where, expected=exc.expected) from None
        if not isinstance(spec, dict) or "name" not in spec:
            raise FoedusError(f"state {quoted(sid)} needs a name", where=where,
                              expected="{name: …, cow: <COW code>, iso3: <ISO alpha-3>}")
        extra = set(spec) - {"name", "cow", "iso3"}
        if extra:
            raise FoedusError(f"unknown field `{sorted(extra)[0]}` for state {sid!r}",
                              where=smap.locate(("states", sid, sorted(extra)[0])), expected="name, cow, iso3")
        try:
            name = check_text(spec["name"], f"the name of {sid!r}")
        except BadValue as exc:
            raise FoedusError(exc.message, where=smap.locate(("states", sid, "name")), expected=exc.expected) from None
        cow = spec.get("cow")
        if cow is not None and (isinstance(cow, bool) or not isinstance(cow, int) or not 0 < cow < 100_000):
            raise FoedusError(f"COW code of {sid!r} is not a number", where=smap.locate(("states", sid, "cow")),
                              expected="a whole number (COW state code)")
        iso3 = spec.get("iso3")
        if iso3 is not None and not (isinstance(iso3, str) and len(iso3) == 3 and iso3.isascii() and iso3.isalpha()):
            raise FoedusError(f"ISO code of {sid!r} is {quoted(iso3)}", where=smap.locate(("states", sid, "iso3")),
                              expected="three letters (ISO 3166-1 alpha-3), e.g. JPN")
        out[str(sid)] = State(id=str(sid), name=name, cow=cow, iso3=iso3)
    return out


def _names(value: Any, what: str, where: Location) -> tuple[str, ...]:
    """Roles: a name or a list of names."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if len(items) > MAX_LIST_ITEMS:
        raise refusal(f"{len(items):,} {what}", "MAX_LIST_ITEMS", MAX_LIST_ITEMS, where)
    try:
        return tuple(check_name(v, what) for v in items)
    except BadValue as exc:
        raise FoedusError(exc.message, where=where, expected=exc.expected) from None


def _event_from_yaml(item: Any, i: int, smap: SourceMap, file: str, id_prefix: str, vocab: Vocabulary) -> Event:
    where = smap.locate(("events", i))
    if not isinstance(item, dict):
        raise FoedusError("an event must be a mapping", where=where,
                          expected="date, type, actor(s), target(s), source, …")

    def locate(key: str) -> Location:
        return smap.locate(("events", i, key))

    for single, plural in (("actor", "actors"), ("target", "targets")):
        if single in item and plural in item:
            raise FoedusError(f"both `{single}` and `{plural}` given", where=locate(single), expected="one of them")
    attributes = {k: v for k, v in item.items() if k not in EVENT_KEYS}
    actor_key = "actors" if "actors" in item else "actor"
    target_key = "targets" if "targets" in item else "target"
    return _make_event(
        date_value=item.get("date"),
        type_=item.get("type"),
        actors=_names(item.get(actor_key), "actors", locate(actor_key)),
        targets=_names(item.get(target_key), "targets", locate(target_key)),
        treaty=item.get("treaty"),
        source=item.get("source"),
        note=item.get("note"),
        attributes=attributes,
        event_id=item.get("id"),
        where=where,
        locate=locate,
        id_prefix=id_prefix,
        vocab=vocab,
        textual=False,
    )


def _make_event(*, date_value: Any, type_: Any, actors: tuple[str, ...], targets: tuple[str, ...],
                treaty: Any, source: Any, note: Any, attributes: dict[str, Any], event_id: Any,
                where: Location, locate: Callable[[str], Location], id_prefix: str = "L",
                vocab: Vocabulary, textual: bool) -> Event:
    if date_value is None:
        raise FoedusError("event has no date", where=where, expected="date: YYYY-MM-DD")
    if isinstance(date_value, date):
        when = date_value
    elif isinstance(date_value, str | int) and not isinstance(date_value, bool):
        try:
            when = parse_iso(str(date_value))
        except ValueError as exc:
            raise FoedusError(str(exc), where=locate("date"), expected="a real calendar date YYYY-MM-DD") from None
    else:
        raise FoedusError(f"the date is {_what(date_value)}", where=locate("date"),
                          expected="a real calendar date YYYY-MM-DD")
    if type_ is None:
        raise FoedusError("event has no type", where=where, expected="type: <an event type of the vocabulary>")
    if not isinstance(type_, str):
        raise FoedusError(f"the event type is {_what(type_)}", where=locate("type"),
                          expected="one word: an event type of the vocabulary")
    kind: EventType | None = vocab.get(type_)
    if kind is None:
        raise FoedusError(f"unknown event type {quoted(type_)}", where=locate("type"),
                          expected="one of " + ", ".join(sorted(vocab)))
    for role, got, (lo, hi) in (("actors", actors, kind.actors), ("targets", targets, kind.targets)):
        if len(got) < lo or (hi is not None and len(got) > hi):
            want = f"{lo}" if lo == hi else f"{lo} to {hi if hi is not None else 'any number of'}"
            raise FoedusError(f"{type_} has {len(got)} {role}", where=locate(role[:-1]) if len(got) == 1
                              else where, expected=f"{want} {role} for a {type_}")
    try:
        treaty_id = check_name(treaty, "`treaty`") if treaty not in (None, "") else None
    except BadValue as exc:
        raise FoedusError(exc.message, where=locate("treaty"), expected=exc.expected) from None
    if kind.treaty == "required" and not treaty_id:
        raise FoedusError(f"{type_} does not say which treaty", where=where, expected="treaty: <treaty id>")
    typed: dict[str, Any] = {}
    for key, raw in attributes.items():
        attribute = kind.attributes.get(key)
        if attribute is None:
            raise FoedusError(f"unknown attribute `{key}` for a {type_}", where=locate(key),
                              expected=("one of " + ", ".join(kind.attributes)) if kind.attributes
                              else "no attributes for this event type")
        try:
            value = attribute.text_value(raw) if textual and isinstance(raw, str) else attribute.value(raw)
        except BadValue as exc:
            raise FoedusError(exc.message, where=locate(key), expected=exc.expected) from None
        if isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
            raise refusal(f"{len(value):,} values in `{key}`", "MAX_LIST_ITEMS", MAX_LIST_ITEMS, locate(key))
        typed[key] = value
    texts: list[str | None] = []
    for key, value in (("id", event_id), ("source", source), ("note", note)):
        try:
            if value in (None, ""):
                texts.append(None)
            elif key == "id":
                texts.append(check_name(value, "`id`"))
            else:
                texts.append(check_text(value, f"`{key}`"))
        except BadValue as exc:
            raise FoedusError(exc.message, where=locate(key), expected=exc.expected) from None
    line = where.line
    return Event(
        id=texts[0] if texts[0] is not None else f"{id_prefix}{line}",
        date=when,
        type=type_,
        actors=actors,
        targets=targets,
        treaty=treaty_id,
        attributes=typed,
        source=texts[1],
        note=texts[2],
        line=line,
        file=where.file,
    )


def _what(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the flag {str(value).lower()}"
    return quoted(value)


# --- CSV -------------------------------------------------------------------------------------------


def parse_csv_timeline(text: str, file: str, vocabulary: Vocabulary | None = None) -> Timeline:
    vocab = _vocab(vocabulary)
    records = csv_records(text, file)
    first = next(records, None)
    if first is None:
        raise FoedusError("empty CSV timeline", where=Location(file, 1), expected="a header row")
    header = [h.strip() for h in first[1]]
    for col in ("date", "type"):
        if col not in header:
            raise FoedusError(f"missing column `{col}`", where=Location(file, 1),
                              expected="columns " + ",".join(_CSV_CORE) + " and attribute columns")
    seen: set[str] = set()
    for col in header:
        if col in seen:
            raise FoedusError(f"column `{col}` appears twice in the header", where=Location(file, 1),
                              expected="each column once")
        seen.add(col)
    for alias in ("actor", "target"):
        if alias in seen:
            raise FoedusError(f"column `{alias}`", where=Location(file, 1), expected=f"`{alias}s` (several "
                              "separated by ;)")
    core = [(i, h) for i, h in enumerate(header) if h in EVENT_KEYS]
    extra = [(i, h) for i, h in enumerate(header) if h not in EVENT_KEYS and h]
    width = len(header)
    events: list[Event] = []
    for lineno, row in records:
        if len(events) >= MAX_TIMELINE_EVENTS:
            raise refusal(f"more than {MAX_TIMELINE_EVENTS:,} events", "MAX_TIMELINE_EVENTS", MAX_TIMELINE_EVENTS,
                          Location(file, lineno))
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            raise FoedusError(f"row has {len(row)} cells", where=Location(file, lineno),
                              expected=f"{width} cells as in the header")
        cells = {h: row[i].strip() for i, h in core}
        attributes = {h: row[i].strip() for i, h in extra if row[i].strip()}
        where = Location(file, lineno)
        events.append(_make_event(
            date_value=cells.get("date") or None, type_=cells.get("type") or None,
            actors=_split(cells.get("actors", ""), "actors", where),
            targets=_split(cells.get("targets", ""), "targets", where),
            treaty=cells.get("treaty") or None, source=cells.get("source") or None,
            note=cells.get("note") or None, attributes=attributes, event_id=cells.get("id") or None,
            where=where, locate=_fixed(where), vocab=vocab, textual=True))
    return _finish(Path(file).stem, "", events, {}, file, False)


def _fixed(where: Location) -> Callable[[str], Location]:
    """Every key of a row stands at the row (CSV and Parquet have no column positions)."""
    return lambda key: where


def _split(value: str, what: str, where: Location) -> tuple[str, ...]:
    if not value:
        return ()
    return _names([v.strip() for v in value.split(";") if v.strip()], what, where)


# --- Parquet ---------------------------------------------------------------------------------------


def read_parquet_timeline(path: str | Path, vocabulary: Vocabulary | None = None) -> Timeline:
    """A timeline from a Parquet file with the CSV timeline's columns; a row's number stands for its line."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    vocab = _vocab(vocabulary)
    file = str(path)
    p = checked_file(path, what="timeline file", expected=f"a path to {_SUFFIXES}")
    try:
        pf = pq.ParquetFile(p)
        meta = pf.metadata
        uncompressed = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if meta.num_rows > MAX_TIMELINE_EVENTS:
            raise refusal(f"{meta.num_rows:,} rows", "MAX_TIMELINE_EVENTS", MAX_TIMELINE_EVENTS, Location(file))
        if uncompressed > MAX_PARQUET_BYTES:
            raise refusal(f"{uncompressed:,} bytes of data", "MAX_PARQUET_BYTES", MAX_PARQUET_BYTES, Location(file),
                          unit=" bytes")
        table = pf.read()
    except FoedusError:
        raise
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise FoedusError(f"not a readable Parquet file ({' '.join(str(exc).split())})", where=Location(file),
                          expected="a Parquet file with the columns of a CSV timeline") from None
    header = table.column_names
    for col in ("date", "type"):
        if col not in header:
            raise FoedusError(f"missing column `{col}`", where=Location(file),
                              expected="columns " + ",".join(_CSV_CORE) + " and attribute columns")
    columns: dict[str, list[Any]] = {}
    for name in header:
        if name not in EVENT_KEYS and name in ("actor", "target"):
            raise FoedusError(f"column `{name}`", where=Location(file), expected=f"`{name}s`")
        column = table.column(name)
        kind = column.type
        # Bound what a compressed file can unpack into: long texts and long lists.
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            longest = pc.max(pc.utf8_length(column)).as_py() if len(column) else 0
            if longest and longest > MAX_CSV_FIELD_CHARS:
                raise refusal(f"a text of {longest:,} characters in column `{name}`", "MAX_CSV_FIELD_CHARS",
                              MAX_CSV_FIELD_CHARS, Location(file))
        elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
            longest = pc.max(pc.list_value_length(column)).as_py() if len(column) else 0
            if longest and longest > MAX_LIST_ITEMS:
                raise refusal(f"a list of {longest:,} values in column `{name}`", "MAX_LIST_ITEMS", MAX_LIST_ITEMS,
                              Location(file))
        elif not (pa.types.is_date(kind) or pa.types.is_integer(kind) or pa.types.is_floating(kind)
                  or pa.types.is_boolean(kind) or pa.types.is_null(kind) or pa.types.is_dictionary(kind)):
            raise FoedusError(f"column `{name}` holds {kind}", where=Location(file),
                              expected="text, dates, numbers, true/false or lists of text")
        columns[name] = column.to_pylist()
    rows = table.num_rows
    extra = [h for h in header if h not in EVENT_KEYS]
    get = columns.get
    none = [None] * rows
    dates, types = columns["date"], columns["type"]
    actors_col, targets_col = get("actors", none), get("targets", none)
    treaty_col, source_col, note_col, id_col = get("treaty", none), get("source", none), get("note", none), \
        get("id", none)
    events: list[Event] = []
    for r in range(rows):
        where = Location(file, r + 1)
        attributes = {h: columns[h][r] for h in extra if columns[h][r] is not None and columns[h][r] != ""}
        events.append(_make_event(
            date_value=dates[r], type_=types[r],
            actors=_roles(actors_col[r], "actors", where), targets=_roles(targets_col[r], "targets", where),
            treaty=treaty_col[r], source=source_col[r], note=note_col[r], attributes=attributes,
            event_id=id_col[r], where=where, locate=_fixed(where), vocab=vocab, textual=True))
    return _finish(Path(file).stem, "", events, {}, file, False)


def _roles(value: Any, what: str, where: Location) -> tuple[str, ...]:
    if isinstance(value, str):
        return _split(value.strip(), what, where)
    return _names(value, what, where)


# --- checks on the whole timeline ------------------------------------------------------------------


def _finish(tid: str, description: str, events: list[Event], states: dict[str, State], file: str | None,
            hypothetical: bool) -> Timeline:
    _check_duplicates(events)
    ordered = tuple(sorted(events, key=lambda e: (e.date, e.line or 0)))
    return Timeline(id=tid, description=description, events=ordered, states=states, file=file,
                    hypothetical=hypothetical)


def _attribute_key(attributes: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in attributes.items())) \
        if attributes else ()


def _check_duplicates(events: list[Event]) -> None:
    seen: dict[tuple[Any, ...], Event] = {}
    ids: dict[str, Event] = {}
    once: dict[tuple[Any, ...], Event] = {}
    for e in events:
        if e.id in ids:
            raise FoedusError(f"event id {e.id!r} is used twice (also {_line_of(ids[e.id], e)})",
                              where=Location(e.file or "", e.line), expected="unique event ids")
        ids[e.id] = e
        key = (e.date, e.type, e.actors, e.targets, e.treaty, _attribute_key(e.attributes))
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
