"""Events given on the command line, and several timelines read as one.

An event on the command line (``--add-event``) is written like one line of a timeline::

    DATE TYPE [key=value ...]
    1955-06-01 armed_attack actor=JPN target=PRC state_of_war=true
    1960-07-16 assistance_withdrawn actor=USSR target=PRC note="experts recalled"

``actor``/``actors`` and ``target``/``targets`` take one state or several separated by commas;
``treaty``, ``source``, ``note`` and ``id`` are the event's own fields; every other key is an attribute
of the event type, its value read as in a YAML timeline (``true``, ``12``, ``[USSR, PRC]``, text).
Quote a value that holds spaces. The event is then checked exactly as a timeline entry is (date, type,
roles, attributes), and a treaty act with no ``treaty`` is taken to concern the treaty at hand.
"""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from foedus.errors import FoedusError, Location
from foedus.model.events import Event, State, Timeline, Vocabulary, has_default_id

__all__ = ["ADDED_SOURCE", "merge_timelines", "parse_added_event", "read_timelines"]

ADDED_SOURCE = "what-if given on the command line"
_OWN_FIELDS = ("id", "treaty", "title", "source", "note")
_ROLES = {"actor": "actors", "actors": "actors", "target": "targets", "targets": "targets"}


def _value(text: str) -> Any:
    """An attribute value as a timeline file would read it: true, 12, [a, b], or the text itself."""
    from foedus.parse.located_yaml import load

    try:
        tree, _ = load(text, "value")
    except FoedusError:
        return text
    if isinstance(tree, bool | int | float | str):
        return tree
    if isinstance(tree, list) and all(isinstance(v, bool | int | float | str) for v in tree):
        return tree
    return text


def parse_added_event(text: str, number: int = 1, treaty: str | None = None,
                      vocab: Vocabulary | None = None) -> Event:
    """One ``--add-event`` text as an event (see the module docstring); ``number`` names it in errors and
    in its id (``added-N``); ``treaty`` is the treaty an act concerns when the text names none; ``vocab``
    the event types it may use (default: the built-in ones)."""
    from foedus.model.events import vocabulary
    from foedus.parse.located_yaml import SourceMap
    from foedus.parse.timeline import events_from_tree

    where = f"--add-event {number}"
    usage = "DATE TYPE key=value …, e.g. '1955-06-01 armed_attack actor=JPN target=PRC state_of_war=true'"
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise FoedusError(f"cannot read {text!r} ({exc})", where=Location(where), expected=usage) from None
    if len(words) < 2:
        raise FoedusError(f"{text!r} has no event type", where=Location(where), expected=usage)
    entry: dict[str, Any] = {"id": f"added-{number}", "date": words[0], "type": words[1], "source": ADDED_SOURCE}
    for word in words[2:]:
        key, sep, value = word.partition("=")
        key = key.strip()
        if not sep or not key:
            raise FoedusError(f"{word!r} is not key=value", where=Location(where), expected=usage)
        if key in _ROLES:
            entry[_ROLES[key]] = [v.strip() for v in value.split(",") if v.strip()]
        elif key in _OWN_FIELDS:
            entry[key] = value
        else:
            entry[key] = _value(value)
    vocab = vocab if vocab is not None else vocabulary()
    kind = vocab.get(str(entry["type"]))
    if treaty is not None and "treaty" not in entry and kind is not None and kind.treaty == "required":
        entry["treaty"] = treaty
    try:
        events, _ = events_from_tree({"events": [entry]}, SourceMap(where), where, vocabulary=vocab)
    except FoedusError as exc:
        raise FoedusError(f"{text!r}: {exc.message}", where=Location(where), expected=exc.expected) from None
    return dataclasses.replace(events[0], line=None, file=where)


def merge_timelines(timelines: Sequence[Timeline], added: Sequence[Event] = (),
                    vocab: Vocabulary | None = None) -> Timeline:
    """Several timelines and added events as one timeline, checked as one (no duplicated or contradictory
    events). A state declared in two files must be declared alike. An event id that an earlier file
    already uses is prefixed with its own timeline's id (``other-timeline:treaty-1951``); a default id
(``1950-04-11-ratification-USSR``) another file already uses gets a suffix (``…-USSR-2``)."""
    from foedus.parse.timeline import build_timeline

    if len(timelines) == 1 and not added:
        return timelines[0]
    states: dict[str, State] = {}
    declared: dict[str, str] = {}
    events: list[Event] = []
    ids: set[str] = set()
    for timeline in timelines:
        for sid, state in timeline.states.items():
            if sid in states and states[sid] != state:
                raise FoedusError(f"state {sid!r} is declared differently in {declared[sid]}",
                                  where=Location(timeline.file or timeline.id), expected="the same name and codes")
            states.setdefault(sid, state)
            declared.setdefault(sid, timeline.file or timeline.id)
        for event in timeline.events:
            if event.id in ids and has_default_id(event):
                event = dataclasses.replace(event, id="")  # the merged timeline gives it a suffix
            elif event.id in ids:
                event = dataclasses.replace(event, id=f"{timeline.id}:{event.id}")
            ids.add(event.id)
            events.append(event)
    events += added
    for timeline in timelines:  # the event types each declared, declared alike where two declare one
        if timeline.vocabulary is not None:
            vocab = timeline.vocabulary if vocab is None else vocab.merged(
                timeline.vocabulary, Location(timeline.file or timeline.id))
    names = [t.id for t in timelines] + (["what-if"] if added else [])
    description = "; ".join(t.description for t in timelines if t.description)
    if added:
        description = (description + "; " if description else "") + f"{len(added)} event(s) added on the command line"
    file = timelines[0].file if len(timelines) == 1 else None
    return build_timeline(" + ".join(names), description, events, states, file,
                          hypothetical=bool(added) or any(t.hypothetical for t in timelines), vocabulary=vocab)


def read_timelines(paths: Sequence[str | Path], added: Sequence[str] = (), treaty: str | None = None,
                   vocab: Vocabulary | None = None) -> Timeline | None:
    """The timelines in ``paths`` and the ``--add-event`` texts ``added`` as one timeline (None: neither).
    ``vocab``: the event types they may use besides those a file declares (the treaties' own)."""
    from foedus.parse.timeline import read_timeline

    timelines = [read_timeline(path, vocab) for path in paths]
    events = [parse_added_event(text, i, treaty, vocab) for i, text in enumerate(added, start=1)]
    if not timelines and not events:
        return None
    if not timelines:
        from foedus.parse.timeline import build_timeline

        return build_timeline("what-if", f"{len(events)} event(s) added on the command line", events, {},
                              None, hypothetical=True, vocabulary=vocab)
    return merge_timelines(timelines, events, vocab)
