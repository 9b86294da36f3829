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

A YAML timeline may declare event types of its own under ``event_types:`` (in the form of the built-in
vocabulary; see "Declaring event types"); a timeline read for a treaty may use the types the treaty
declares.

CSV: columns ``date,type,actors,targets,treaty,source,note`` (and optionally ``id`` and ``title``) and one
column per attribute; several states in one cell are separated by ``;``. Parquet: the same columns; ``date`` may
be a date column, ``actors``/``targets`` lists of strings, attributes of their own type.

Every value is checked for its kind and range before use: the date is a real calendar date, the type
one of the vocabulary's, the roles names, and each attribute a value of its declared type (see
:mod:`foedus.model.events`), stored typed. ``vocabulary=`` takes another :class:`Vocabulary` (e.g. the
built-in one extended by types a file declares); the default is the built-in one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import math
import re
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from foedus.dates import parse_iso
from foedus.errors import FoedusError, Location, expected_one_of, quoted
from foedus.files import checked_file, csv_records, read_text
from foedus.limits import (
    MAX_CSV_FIELD_CHARS,
    MAX_LIST_ITEMS,
    MAX_PARQUET_BYTES,
    MAX_SCALAR_CHARS,
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
    default_event_id,
    has_default_id,
    is_name,
    vocabulary,
)
from foedus.parse.located_yaml import SourceMap, load

_EVENT_KEYS = EVENT_KEYS  # the name other modules imported
_PARQUET_SLICE = 10_000

# Attributes any event may carry: `under_reading: POINT=OPTION` makes it count only under that reading of
# the treaty it concerns (one act read two ways).
UNIVERSAL_ATTRIBUTES = ("under_reading",)
_CSV_CORE = ["date", "type", "actors", "targets", "treaty", "source", "note"]
_TIMELINE_KEYS = ("timeline", "description", "hypothetical", "states", "event_types", "events")
# A timeline that may declare event types is read whole before its events are checked (a declaration
# may stand anywhere in the file); others are checked event by event as they are read.
_DECLARES = re.compile(r"(?m)^[\s{,]*[\"']?event_types[\"']?\s*:")
_SUFFIXES = "a .yaml, .csv or .parquet timeline"


def read_timeline(path: str | Path, vocabulary: Vocabulary | None = None) -> Timeline:
    """Read a timeline file: ``.csv``, ``.parquet``, or YAML (any other name)."""
    suffix = Path(path).suffix.lower()
    with _bulk():
        if suffix == ".parquet":
            return read_parquet_timeline(path, vocabulary)
        text = read_text(path, what="timeline file", expected=f"a path to {_SUFFIXES}")
        if suffix == ".csv":
            return parse_csv_timeline(text, str(path), vocabulary)
        return parse_yaml_timeline(text, str(path), vocabulary)


_gc_lock = threading.Lock()
_gc_readers = 0
_gc_was_enabled = True


@contextlib.contextmanager
def _bulk() -> Iterator[None]:
    """The cyclic garbage collector paused while a timeline is read: reading builds hundreds of thousands of
    objects without cycles, and the collector's passes over them cost as much as the reading itself. Safe
    across threads: the collector resumes when the last reader is done."""
    global _gc_readers, _gc_was_enabled
    with _gc_lock:
        if _gc_readers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_readers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_readers -= 1
            if _gc_readers == 0 and _gc_was_enabled:
                gc.enable()


# --- YAML ------------------------------------------------------------------------------------------


def parse_yaml_timeline(text: str, file: str, vocabulary: Vocabulary | None = None) -> Timeline:
    """A YAML timeline. Event types it declares under `event_types:` (as in the built-in vocabulary) are
    added to ``vocabulary`` for its events; the timeline keeps the vocabulary it was read with."""
    if _DECLARES.search(text):
        return _declaring_timeline(text, file, _vocab(vocabulary), vocabulary is not None)
    vocab = _vocab(vocabulary)
    count = [0]

    def event(i: int, item: Any, smap: SourceMap) -> Event:
        count[0] += 1
        if count[0] > MAX_TIMELINE_EVENTS:
            raise refusal(f"more than {MAX_TIMELINE_EVENTS:,} events", "MAX_TIMELINE_EVENTS", MAX_TIMELINE_EVENTS,
                          smap.locate(("events", i)))
        return _event_from_yaml(item, i, smap, file, vocab, rows)

    rows = _Rows(file, vocab, textual=False)
    # Each event is checked and built as soon as its entry is read: no position is kept for every
    # value of a long timeline, only the events.
    tree, smap = load(text, file, hooks={("events",): event})
    _timeline_mapping(tree, smap, "`states`, `description`")
    states = _states(tree.get("states") or {}, smap)
    return _finish(*_heading(tree, smap, file), list(tree["events"]), states, file, _hypothetical(tree, smap),
                   vocab if vocabulary is not None else None)


def _declaring_timeline(text: str, file: str, vocab: Vocabulary, given: bool) -> Timeline:
    tree, smap = load(text, file)
    _timeline_mapping(tree, smap, "`states`, `description`, `event_types`")
    declared = tree.get("event_types")
    if declared is not None:
        vocab = vocab.extended(declared, where=Location(file), smap=smap, path=("event_types",))
    events, states = events_from_tree(tree, smap, file, vocabulary=vocab)
    return _finish(*_heading(tree, smap, file), events, states, file, _hypothetical(tree, smap),
                   vocab if declared is not None or given else None)


def _timeline_mapping(tree: Any, smap: SourceMap, optional: str) -> None:
    """A YAML timeline is a mapping of the known keys (``optional``: those it may have besides)."""
    if not isinstance(tree, dict):
        raise FoedusError("a timeline must be a mapping", where=smap.locate(()),
                          expected=f"keys `timeline`, `events` (and {optional})")
    _check_keys(tree, smap)


def _heading(tree: dict[str, Any], smap: SourceMap, file: str) -> tuple[str, str]:
    """The timeline's name (default: the file's stem) and description."""
    return (_optional_text(tree, smap, "timeline") or Path(file).stem,
            _optional_text(tree, smap, "description") or "")


def _hypothetical(tree: dict[str, Any], smap: SourceMap) -> bool:
    hypothetical = tree.get("hypothetical", False)
    if not isinstance(hypothetical, bool):
        raise FoedusError("`hypothetical` must be true or false", where=smap.locate(("hypothetical",)),
                          expected="true or false")
    return hypothetical


def _check_keys(tree: dict[str, Any], smap: SourceMap) -> None:
    unknown = set(tree) - {*_TIMELINE_KEYS, "scenario"}
    if unknown:
        key = sorted(unknown)[0]
        raise FoedusError(f"unknown key `{key}` in the timeline", where=smap.locate((key,)),
                          expected=", ".join(_TIMELINE_KEYS))
    if not isinstance(tree.get("events"), list):
        raise FoedusError("`events` must be a list", where=smap.locate(("events",)),
                          expected="a YAML list of events")


def _optional_text(tree: dict[str, Any], smap: SourceMap, key: str) -> str | None:
    value = tree.get(key)
    if value is None:
        return None
    try:
        return check_text(value, f"`{key}`")
    except BadValue as exc:
        raise FoedusError(exc.message, where=smap.locate((key,)), expected=exc.expected) from None


def events_from_tree(tree: dict[str, Any], smap: SourceMap, file: str,
                     vocabulary: Vocabulary | None = None) -> tuple[list[Event], dict[str, State]]:
    """The `events:` and `states:` of a loaded YAML mapping (a timeline, or a file that embeds events
    in the timeline format). Events without an `id` get their default one (:func:`assign_ids`)."""
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
    events = [_event_from_yaml(item, i, smap, file, vocab) for i, item in enumerate(events_raw)]
    assign_ids(events)
    return events, states


def build_timeline(tid: str, description: str, events: list[Event], states: dict[str, State],
                   file: str | None = None, hypothetical: bool = False,
                   vocabulary: Vocabulary | None = None) -> Timeline:
    """A timeline from events parsed from one or more files: checked for duplicated and
    contradictory events, and put in date order. ``vocabulary``: the event types they were checked
    against, when other than the built-in ones."""
    return _finish(tid, description, events, states, file, hypothetical, vocabulary)


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


def _event_from_yaml(item: Any, i: int, smap: SourceMap, file: str, vocab: Vocabulary,
                     rows: _Rows | None = None) -> Event:
    if rows is not None and type(item) is dict and not ("actor" in item and "actors" in item) \
            and not ("target" in item and "targets" in item):
        position = smap.positions.get(("events", i))
        if position is not None:
            get = item.get
            event = rows.fast(position[0], get("date"), get("type"), get("actors", get("actor")),
                              get("targets", get("target")), get("treaty"), get("source"), get("note"), get("id"),
                              {k: v for k, v in item.items() if k not in EVENT_KEYS}, get("title"))
            if event is not None:
                return event
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
        title=item.get("title"),
        file=where.file,
        line=where.line,
        where=where,
        locate=locate,
        vocab=vocab,
        textual=False,
    )


def _make_event(*, date_value: Any, type_: Any, actors: tuple[str, ...], targets: tuple[str, ...],
                treaty: Any, source: Any, note: Any, attributes: dict[str, Any], event_id: Any,
                file: str, line: int | None, where: Location | None = None,
                locate: Callable[[str], Location] | None = None, title: Any = None,
                vocab: Vocabulary, textual: bool) -> Event:
    """One event, every field checked. ``where`` (the event's position) and ``locate`` (a key's) are
    only needed for errors: without them, errors point at ``file:line`` (a CSV row, a Parquet row)."""
    # Runs once per event of a timeline (100,000 in the benchmark): the common case takes the short path.
    if where is None:
        row = _Row(file, line)
        where, locate = row, locate or row.at
    elif locate is None:
        locate = _Row(where.file, where.line, where.col).at
    if type(date_value) is str:
        try:
            when = parse_iso(date_value)
        except ValueError as exc:
            raise FoedusError(str(exc), where=locate("date"), expected="a real calendar date YYYY-MM-DD") from None
    elif isinstance(date_value, date) and not isinstance(date_value, datetime):
        when = date_value
    elif date_value is None:
        raise FoedusError("event has no date", where=where, expected="date: YYYY-MM-DD")
    elif isinstance(date_value, int) and not isinstance(date_value, bool):
        try:
            when = parse_iso(str(date_value))
        except ValueError as exc:
            raise FoedusError(str(exc), where=locate("date"), expected="a real calendar date YYYY-MM-DD") from None
    else:
        raise FoedusError(f"the date is {_what(date_value)}", where=locate("date"),
                          expected="a real calendar date YYYY-MM-DD")
    kind: EventType | None = vocab.get(type_) if type(type_) is str else None
    if kind is None:
        if type_ is None:
            raise FoedusError("event has no type", where=where, expected="type: <an event type of the vocabulary>")
        if not isinstance(type_, str):
            raise FoedusError(f"the event type is {_what(type_)}", where=locate("type"),
                              expected="one word: an event type of the vocabulary")
        raise FoedusError(f"unknown event type {quoted(type_)}", where=locate("type"),
                          expected=expected_one_of(type_, list(vocab), "an event type"))
    for role, got, (lo, hi) in (("actors", actors, kind.actors), ("targets", targets, kind.targets)):
        if len(got) < lo or (hi is not None and len(got) > hi):
            want = f"{lo}" if lo == hi else f"{lo} to {hi if hi is not None else 'any number of'}"
            raise FoedusError(f"{type_} has {len(got)} {role}", where=locate(role[:-1]) if len(got) == 1
                              else where, expected=f"{want} {role} for a {type_}")
    treaty_id = _field(check_name, treaty, "treaty", locate)
    texts = (_field(check_name, event_id, "id", locate), _field(check_text, source, "source", locate),
             _field(check_text, note, "note", locate), _field(check_text, title, "title", locate))
    if kind.treaty == "required" and not treaty_id:
        raise FoedusError(f"{type_} does not say which treaty", where=where, expected="treaty: <treaty id>")
    typed: dict[str, Any] = {}
    if attributes:
        declared = kind.attributes
        for key, raw in attributes.items():
            attribute = declared.get(key)
            if attribute is None and key in UNIVERSAL_ATTRIBUTES:
                if not isinstance(raw, str) or "=" not in raw:
                    raise FoedusError(f"`{key}` is {quoted(raw)}", where=locate(key), expected="POINT=OPTION")
                typed[key] = raw
                continue
            if attribute is None:
                raise FoedusError(f"unknown attribute `{key}` for a {type_}", where=locate(key),
                                  expected=("one of " + ", ".join(declared)) if declared
                                  else "no attributes for this event type")
            try:
                value = attribute.text_value(raw) if textual and isinstance(raw, str) else attribute.value(raw)
            except BadValue as exc:
                raise FoedusError(exc.message, where=locate(key), expected=exc.expected) from None
            if isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
                raise refusal(f"{len(value):,} values in `{key}`", "MAX_LIST_ITEMS", MAX_LIST_ITEMS, locate(key))
            typed[key] = value
    # No id given: "" until the timeline gives it its default one (assign_ids), which needs the other events.
    return Event(texts[0] if texts[0] is not None else "", when, type_, actors, targets, treaty_id,
                 typed, texts[1], texts[2], line, file, texts[3])


class _Rows:
    """Events from the rows of a CSV or Parquet file, fast: a row whose every field passes the checks
    becomes an Event here, with what repeats (dates, role cells, names) checked once per distinct value;
    any other row goes through :func:`_make_event`, which says exactly what is wrong with it. This path
    accepts nothing that one refuses."""

    def __init__(self, file: str, vocab: Vocabulary, *, textual: bool = True):
        self.file = file
        self.vocab = vocab
        self.textual = textual  # cells are text (CSV, Parquet strings), not YAML values
        # per type, what a row is checked against: (type, actors min/max, targets min/max, treaty required)
        self.kinds: dict[str, tuple[EventType, int, float, int, float, bool]] = {
            name: (k, k.actors[0], math.inf if k.actors[1] is None else k.actors[1], k.targets[0],
                   math.inf if k.targets[1] is None else k.targets[1], k.treaty == "required")
            for name, k in vocab.items()}
        self.dates: dict[Any, date] = {}
        self.roles: dict[Any, tuple[str, ...]] = {}

    def event(self, line: int, date_value: Any, type_: Any, actors: Any, targets: Any, treaty: Any, source: Any,
              note: Any, event_id: Any, attributes: dict[str, Any], title: Any = None) -> Event:
        fast = self.fast(line, date_value, type_, actors, targets, treaty, source, note, event_id, attributes, title)
        if fast is not None:
            return fast
        file = self.file
        return _make_event(date_value=date_value if date_value != "" else None, type_=type_ if type_ != "" else None,
                           actors=_roles(actors, "actors", file, line), targets=_roles(targets, "targets", file, line),
                           treaty=treaty, source=source, note=note, attributes=attributes, event_id=event_id,
                           file=file, line=line, title=title, vocab=self.vocab, textual=True)

    def fast(self, line: int, date_value: Any, type_: Any, actors: Any, targets: Any, treaty: Any, source: Any,
             note: Any, event_id: Any, attributes: dict[str, Any], title: Any = None) -> Event | None:
        checks = self.kinds.get(type_) if type(type_) is str else None
        if checks is None:
            return None
        kind, actors_min, actors_max, targets_min, targets_max, treaty_required = checks
        when = self.dates.get(date_value) if type(date_value) is str or type(date_value) is date else None
        if when is None:
            if type(date_value) is date:
                when = date_value
            elif type(date_value) is str:
                try:
                    when = parse_iso(date_value)
                except ValueError:
                    return None
            else:
                return None
            if len(self.dates) < 100_000:
                self.dates[date_value] = when
        actor_names = self._names(actors)
        target_names = self._names(targets)
        if actor_names is None or target_names is None:
            return None
        if not (actors_min <= len(actor_names) <= actors_max and targets_min <= len(target_names) <= targets_max):
            return None
        if treaty == "" or treaty is None:
            if treaty_required:
                return None
            treaty = None
        elif type(treaty) is not str or not is_name(treaty):
            return None
        if event_id == "" or event_id is None:
            event_id = ""  # the default id comes with the timeline (assign_ids)
        elif type(event_id) is not str or not is_name(event_id):
            return None
        if source is not None and (type(source) is not str or len(source) > MAX_SCALAR_CHARS):
            return None
        if note is not None and (type(note) is not str or len(note) > MAX_SCALAR_CHARS):
            return None
        if title == "":
            title = None
        elif title is not None and (type(title) is not str or len(title) > MAX_SCALAR_CHARS):
            return None
        typed: dict[str, Any] = {}
        if attributes:
            declared = kind.attributes
            try:
                for key, raw in attributes.items():
                    attribute = declared.get(key)
                    if attribute is None:
                        return None
                    value = attribute.text_value(raw) if self.textual and type(raw) is str else attribute.value(raw)
                    if type(value) is list and len(value) > MAX_LIST_ITEMS:
                        return None
                    typed[key] = value
            except BadValue:
                return None
        return Event(event_id, when, type_, actor_names, target_names, treaty, typed, source or None, note or None,
                     line, self.file, title)

    def _names(self, cell: Any) -> tuple[str, ...] | None:
        """A role as names, or None when it needs the careful path."""
        if cell is None or cell == "":
            return ()
        if type(cell) is str:
            key: Any = cell
        elif type(cell) is list:
            key = tuple(cell)
        else:
            return None
        try:
            names = self.roles.get(key)  # only checked roles are kept, so a hit is a valid role
        except TypeError:  # a list inside the list
            return None
        if names is None:
            parts: tuple[Any, ...]
            if isinstance(key, str):  # a CSV cell lists names separated by ";"; a YAML text is one name
                parts = tuple(p.strip() for p in key.split(";") if p.strip()) if self.textual else (key,)
            else:
                parts = key
            if len(parts) > MAX_LIST_ITEMS or not all(type(p) is str and is_name(p) for p in parts):
                return None
            names = parts
            if len(self.roles) < 10_000:
                self.roles[key] = names
        return names


class _Row(Location):
    """The position of a CSV or Parquet row: every key of the row stands there."""

    def at(self, key: str) -> Location:
        return self


def _field(check: Callable[[Any, str], str], value: Any, key: str, locate: Callable[[str], Location]) -> str | None:
    """A role of the event (treaty, id, source, note) checked for its kind; None when not given."""
    if value is None or value == "":
        return None
    try:
        return check(value, f"`{key}`")
    except BadValue as exc:
        raise FoedusError(exc.message, where=locate(key), expected=exc.expected) from None


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
    width = len(header)
    position = {h: i for i, h in enumerate(header)}
    # A column the file lacks is read from an empty cell appended to every row (index `width`).
    pick = itemgetter(*(position.get(k, width) for k in ("date", "type", "actors", "targets", "treaty", "source",
                                                         "note", "id", "title")))
    extra = [(i, h) for i, h in enumerate(header) if h not in EVENT_KEYS and h]
    events: list[Event] = []
    rows = _Rows(file, vocab)
    for lineno, row in records:
        if len(events) >= MAX_TIMELINE_EVENTS:
            raise refusal(f"more than {MAX_TIMELINE_EVENTS:,} events", "MAX_TIMELINE_EVENTS", MAX_TIMELINE_EVENTS,
                          Location(file, lineno))
        if len(row) != width:
            if not any(c.strip() for c in row):
                continue
            raise FoedusError(f"row has {len(row)} cells", where=Location(file, lineno),
                              expected=f"{width} cells as in the header")
        row.append("")
        when, type_, actors, targets, treaty, source, note, event_id, title = map(str.strip, pick(row))
        if not (when or type_ or any(c.strip() for c in row)):
            continue
        attributes = {h: v for i, h in extra if (v := row[i].strip())}
        events.append(rows.event(lineno, when, type_, actors, targets, treaty, source or None, note or None, event_id,
                                 attributes, title or None))
    return _finish(Path(file).stem, "", events, {}, file, False, vocabulary)


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
    extra = [h for h in header if h not in EVENT_KEYS]
    events: list[Event] = []
    builder = _Rows(file, vocab)
    # Rows become Python values a slice at a time, so that the values of the whole file never sit in
    # memory beside the events made from them.
    for start in range(0, table.num_rows, _PARQUET_SLICE):
        part = table.slice(start, _PARQUET_SLICE)
        rows = part.num_rows
        columns = {name: part.column(name).to_pylist() for name in header}
        none = [None] * rows
        get = columns.get
        dates, types = columns["date"], columns["type"]
        actors_col, targets_col = get("actors", none), get("targets", none)
        treaty_col, source_col, note_col, id_col = get("treaty", none), get("source", none), get("note", none), \
            get("id", none)
        title_col = get("title", none)
        extra_columns = [(h, columns[h]) for h in extra]
        for r in range(rows):
            attributes = {h: v for h, col in extra_columns if (v := col[r]) is not None and v != ""}
            events.append(builder.event(start + r + 1, dates[r], types[r], actors_col[r], targets_col[r],
                                        treaty_col[r], source_col[r], note_col[r], id_col[r], attributes, title_col[r]))
        del columns
    return _finish(Path(file).stem, "", events, {}, file, False, vocabulary)


def _roles(value: Any, what: str, file: str, line: int) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return _split(value.strip(), what, Location(file, line))
    if type(value) is list and all(type(v) is str for v in value) and len(value) <= MAX_LIST_ITEMS:
        names = tuple(value)
        if all(map(is_name, names)):
            return names
    return _names(value, what, Location(file, line))


# --- checks on the whole timeline ------------------------------------------------------------------


def _finish(tid: str, description: str, events: list[Event], states: dict[str, State], file: str | None,
            hypothetical: bool, vocab: Vocabulary | None = None) -> Timeline:
    assign_ids(events)
    _check_duplicates(events)
    ordered = tuple(sorted(events, key=lambda e: (e.date, e.line or 0)))
    return Timeline(id=tid, description=description, events=ordered, states=states, file=file,
                    hypothetical=hypothetical, vocabulary=vocab)


def assign_ids(events: list[Event]) -> None:
    """Give every event without an id its default one (``1950-04-11-ratification-USSR``: see
    :func:`foedus.model.events.default_event_id`), unique among ``events``: the second event with the
    same default gets ``-2``, in the order of ``events``. Ids given in a file are kept as given (two
    equal ones are refused by the duplicate check)."""
    seen: set[str] = set()
    settled = True
    for e in events:
        if not e.id or e.id in seen:
            settled = False
            break
        seen.add(e.id)
    if settled:  # the common case: every id given or already assigned, and unique
        return
    given = {e.id for e in events if e.id and not has_default_id(e)}
    taken = set(given)
    for e in events:
        if e.id and e.id in given:
            continue
        base = default_event_id(e)
        new, n = base, 2
        while new in taken:
            new, n = f"{base}-{n}", n + 1
        taken.add(new)
        if new != e.id:
            # Events are frozen for everyone downstream; the id is settled here, before any of them sees it.
            object.__setattr__(e, "id", new)


def _attribute_key(attributes: dict[str, Any]) -> frozenset[tuple[str, Any]]:
    """The attributes as a hashable value that ignores their order."""
    try:
        return frozenset(attributes.items())
    except TypeError:  # a list value
        return frozenset((k, tuple(v) if isinstance(v, list) else v) for k, v in attributes.items())


def with_changes(timeline: Timeline, added: list[Event], removed: set[str]) -> Timeline:
    """``timeline`` with ``added`` events put in place and the events whose ids are in ``removed`` taken out,
    checked as :func:`build_timeline` checks a whole timeline (ids, duplicates, contradictory acts) but
    reading only the events the change can clash with: a what-if on a long record costs little."""
    kept = [e for e in timeline.events if e.id not in removed] if removed else list(timeline.events)
    dates = {e.date for e in added}
    ids = {e.id for e in added}
    acts = {(e.type, e.treaty) for e in added}
    _check_duplicates([e for e in kept if e.date in dates or e.id in ids or (e.type, e.treaty) in acts] + added)
    ordered = tuple(sorted([*kept, *added], key=lambda e: (e.date, e.line or 0)))
    return dataclasses.replace(timeline, events=ordered, hypothetical=True)


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
    if other.line is None:  # an event given on the command line or in a request
        return f"event {other.id!r}" + (f" of {other.file}" if other.file and other.file != e.file else "")
    return f"line {other.line}" if other.file == e.file else f"{other.file}:{other.line}"
