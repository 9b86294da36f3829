"""What the reports call the things they speak of: a treaty, a party, a duty with its article, a notice, an
event, a term — in words, never by a machine id.

Every name a change list or a comparison shows comes from here, built from what the model and the timeline
already say (titles, party names, norm ids, articles, event types), so that one place decides it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from foedus.evaluate.results import NormInstance, Notice
from foedus.model.events import Event, State
from foedus.model.treaty import Treaty

__all__ = [
    "article_label",
    "duty_label",
    "event_label",
    "event_type_words",
    "notice_label",
    "party_label",
    "state_name",
    "subject_label",
    "treaty_label",
]

_SPECIAL_ARTICLES = {"preamble": "Preamble", "final": "Final clause"}


def treaty_label(treaty: Treaty) -> str:
    return treaty.short_title or treaty.title


def article_label(article: str | None) -> str:
    """``V`` → ``Art. V``; the preamble and the final clause by their names; none → empty."""
    if not article:
        return ""
    return _SPECIAL_ARTICLES.get(article, f"Art. {article}")


def state_name(sid: str, treaty: Treaty | None = None, states: Mapping[str, State] | None = None) -> str:
    """A state's short name as the model or the timeline writes it (the party id is what historians read:
    USSR, PRC); a state neither names is shown by its id."""
    if treaty is not None and any(p.id == sid for p in treaty.parties):
        return sid
    if states is not None and sid in states:
        return states[sid].name
    return sid


def party_label(sid: str, treaty: Treaty | None = None, states: Mapping[str, State] | None = None) -> str:
    """A party by its full name and its short name: "People's Republic of China (PRC)"."""
    if treaty is not None:
        party = next((p for p in treaty.parties if p.id == sid), None)
        if party is not None:
            return f"{party.name} ({party.id})"
    if states is not None and sid in states and states[sid].name != sid:
        return f"{states[sid].name} ({sid})"
    return sid


def _norm_words(norm_id: str) -> str:
    return norm_id.replace("-", " ").replace("_", " ")


def duty_label(inst: NormInstance) -> str:
    """A duty with its article and bearer: "Art. V — USSR: economic cultural ties"; a triggered one with the
    day it arose."""
    head = article_label(inst.article)
    text = f"{inst.bearer}: {_norm_words(inst.norm)}"
    m = re.search(r"/(\d{4}-\d{2}-\d{2})(#\d+)?$", inst.id)
    if inst.trigger_event is not None and m:
        text += f" (arose {m.group(1)})"
    return f"{head} — {text}" if head else text


def notice_label(n: Notice) -> str:
    kind = "notice of withdrawal" if n.kind == "withdrawal" else "notice"
    return f"{kind} by {n.party} of {n.date.isoformat()}"


def event_type_words(etype: str) -> str:
    """An event type in words: ``notice_of_denunciation`` → "notice of denunciation"."""
    return etype.replace("_", " ")


def event_label(e: Event, treaty: Treaty | None = None, states: Mapping[str, State] | None = None) -> str:
    """An event as a reader meets it on a chart: its type in words, who acted toward whom, and its date —
    "assistance withdrawn — USSR → PRC, 1960-07-16"."""
    actors = ", ".join(state_name(a, treaty, states) for a in e.actors)
    targets = ", ".join(state_name(t, treaty, states) for t in e.targets)
    who = actors + (f" → {targets}" if targets else "")
    return f"{event_type_words(e.type)}{' — ' + who if who else ''}, {e.date.isoformat()}"


def subject_label(subject: str, treaty: Treaty, instances: Iterable[NormInstance] = (),
                  states: Mapping[str, State] | None = None) -> str:
    """The subject of a change in words: the treaty by its title, its term, a party by its name, a duty with
    its article."""
    if subject == "treaty":
        return treaty_label(treaty)
    if subject == "term":
        return f"{treaty_label(treaty)} — its term"
    for inst in instances:
        if inst.id == subject:
            return duty_label(inst)
    if any(p.id == subject for p in treaty.parties) or (states is not None and subject in states):
        return party_label(subject, treaty, states)
    norm = next((n for n in treaty.norms if n.id == subject), None)
    if norm is not None:
        head = article_label(norm.article)
        return f"{head} — {_norm_words(norm.id)}" if head else _norm_words(norm.id)
    return subject


def shown(value: Any) -> str:
    """A value of a comparison in words: dates ISO, none as a dash, truth as yes / no."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
