"""ATOP-style codes derived from any treaty model: the reverse of :mod:`foedus.importers.atop`.

``derive_codes(model)`` reads what a model *says* — its norms, their triggers and threats, its
lifecycle and parties — and codes it the way ATOP codes an alliance row. It never reads the
``atop-*`` facts an imported model carries: a hand-written model and an imported one are coded by
the same rules, so a round trip (import, then derive) tests the import's mapping, not a copy.

The rules (norms count only when they exist under the chosen reading; see the importer's docstring
for the evidence behind the duration codes):

* ``defense`` / ``offense`` / ``neutral``: 1 when a norm of category defence / offence / neutrality
  exists (any kind: ATOP codes the US–Japan treaty of 1951, where the United States has a right and
  no duty to defend Japan, as defense 1).
* ``nonagg``: 1 when a norm of category non_aggression exists, or when a standing prohibition is
  violated by an ``armed_attack`` or ``armed_clash`` of its bearer — a promise not to use force,
  whatever the model calls it.
* ``consul``: 1 only for a consultation norm with ``crisis_specific: true`` (ATOP's rule: a general
  promise to consult on important international problems does not count).
* ``defcon`` / ``offcon`` / ``neucon`` / ``concon``: 1 when a triggered norm of that category has a
  trigger condition with a part beyond the plain case (for defence and neutrality ``party(event.target)``,
  ``not party(event.actor)``, ``at_war(event.target, event.actor)``, or on the record of wars
  ``party(event.actor)``, ``event.against_initiator == true`` for defence; for offence the same with
  actor and target swapped, or ``event.initiator == true``; for consultation ``any_party(...)`` /
  ``party(...)`` of the event's states; the parts that keep a trigger to conflicts with states outside the
  alliance, or to the disputes a reading admits, are no condition):
  a named attacker, a place, a reading-dependent condition… A part ``party != 'cow:2'`` that only keeps a
  member-specific norm (bearer a party id, here the state with COW code 2) from firing for its own bearer
  is not a condition: no member owes itself. ``conditio``: 1 when any of the four is 1.
* ``specthrt``: 1 when a norm names a threat (``Norm.threat``); ``statthr1`` / ``statthr2``: the COW
  codes of the first two threat states in norm order (0 when none). A threat is resolved as
  ``cow:N``, through the state registry (the compiled model's, which knows the timeline's states), or
  as a COW abbreviation in the states file; an unresolved threat gives None and a note.
* ``noothall``: 1 when a norm of category no_other_alliance exists.
* ``ecaid``: 1 when a norm of category economic exists. ATOP's values 1–3 tell kinds of economic
  provision that a model does not distinguish, so a derived 1 matches any ATOP value above 0.
* ``speclgth`` / ``length`` / ``proren`` / ``renewlgt``: ``lifecycle.until`` → 2, 0, 0, 0; a
  ``term`` → 1, its length in months, then proren 2 with renewlgt = the extension in months (tacit
  extensions) or 0 (``after_term: continues``), else 0, 0; ``indefinite`` → 3, 0, 0, 0; none of them
  → 0, 0, 0, 0. A term or extension with days is rounded to whole months (noted).
* ``bilat``: 1 for two parties, else 0.
* ``begyr`` / ``begmo`` / ``begday``: the signature date, or without one the fixed entry-into-force
  date, or the entry into force the events give (ATOP's begin date is the signature: 3200 begins
  1950-02-14, 3375 1960-01-19, 3220 1951-09-08).
* ``endyr`` / ``endmo`` / ``endday``: the first day out of force from the lifecycle (with the
  timeline's events when given), 0/0/0 when the treaty has no end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from foedus.compile.compiler import CompiledNorm, CompiledTreaty, compile_treaty, split_and
from foedus.compile.states import StateRegistry
from foedus.dates import Duration
from foedus.errors import FoedusError
from foedus.evaluate.run import bind_timeline, evaluate_lifecycle
from foedus.importers.atop_csv import AtopAlliance
from foedus.importers.cow_states import StateSystem
from foedus.model.events import Timeline
from foedus.model.treaty import Treaty

__all__ = ["DERIVED_VARIABLES", "AtopCodes", "CodeDifference", "compare_codes", "derive_codes"]

DERIVED_VARIABLES: tuple[str, ...] = (
    "defense", "offense", "neutral", "nonagg", "consul",
    "conditio", "defcon", "offcon", "neucon", "concon",
    "specthrt", "statthr1", "statthr2", "noothall", "ecaid",
    "speclgth", "length", "proren", "renewlgt", "bilat",
    "begyr", "begmo", "begday", "endyr", "endmo", "endday",
)  # fmt: skip

# The parts that keep a record-speaking trigger to the conflicts a reading admits (imported ATOP models): no
# condition of the obligation itself.
_SCOPE = frozenset({"event.dispute_hostility <= 4",
                    "(reading('conflicts') == 'disputes' or event.dispute_hostility == 4)",
                    "not includes_all(parties, event.targets)"})
_ATTACKED = frozenset({"party(event.target)", "not party(event.actor)", "at_war(event.target, event.actor)",
                       "party(event.actor)", "event.against_initiator == true"}) | _SCOPE
_NEUTRAL = frozenset({"party(event.target)", "not party(event.actor)", "at_war(event.target, event.actor)",
                      "party(event.actor)"}) | _SCOPE
_ATTACKING = frozenset({"party(event.actor)", "not party(event.target)", "at_war(event.actor, event.target)",
                        "event.initiator == true"}) | _SCOPE
_INVOLVED = frozenset({"any_party(event.targets)", "any_party(event.actors)", "party(event.target)",
                       "party(event.actor)", "event.against_initiator == true"}) | _SCOPE
_PLAIN = {"defence": _ATTACKED, "neutrality": _NEUTRAL, "offence": _ATTACKING, "consultation": _INVOLVED}
_FLAGS = {"defence": "defcon", "offence": "offcon", "neutrality": "neucon", "consultation": "concon"}
_FORCE = ("armed_attack", "armed_clash")
_NOT_STATE = re.compile(r"(\w+) != '([^']+)'")
_DAYS_PER_MONTH = 365.25 / 12  # the mean Gregorian month, for terms stated in days
_FIRST_DAY = date(1816, 1, 1)  # the COW state system's first day: the horizon of a model with no date


@dataclass(frozen=True)
class AtopCodes:
    """Codes derived from one model: ``codes`` (variable → value, None when it cannot be derived) and
    ``notes`` (variable → why, for the codes that need a word)."""

    treaty: str
    codes: dict[str, int | None]
    notes: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, variable: str) -> int | None:
        return self.codes[variable]


@dataclass(frozen=True)
class CodeDifference:
    variable: str
    derived: int | None
    atop: int | None
    note: str | None = None


def _norm_text(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).replace("( ", "(").replace(" )", ")")


def _conditional(cn: CompiledNorm, registry: StateRegistry) -> bool:
    """A triggered norm whose condition has a part beyond the plain case of its category."""
    if cn.trigger_when is None:
        return False
    plain = _PLAIN.get(cn.norm.category, frozenset())
    parts = (_norm_text(part) for part in split_and(cn.trigger_when.text))
    return any(part not in plain and not _spares_bearer(part, cn, registry) for part in parts)


def _spares_bearer(part: str, cn: CompiledNorm, registry: StateRegistry) -> bool:
    """``x != 'S'`` with ``x`` a name the trigger binds and ``S`` the norm's own bearer: a member-specific
    norm that does not fire for its bearer (no member owes itself), which is no condition."""
    match = _NOT_STATE.fullmatch(part)
    if match is None or match[1] not in {name for name, _ in cn.bind}:
        return False
    bearer = registry.canonical(cn.bearer)
    return bearer is not None and registry.canonical(match[2]) == bearer


def _renounces_force(cn: CompiledNorm) -> bool:
    return cn.norm.kind == "prohibition" and not cn.trigger_on and any(p.on in _FORCE for p in cn.violated_by)


def _months(duration: Duration, what: str, notes: dict[str, str]) -> int:
    if duration.days:
        notes[what] = f"{duration} rounded to whole months"
    return duration.total_months + round(duration.days / _DAYS_PER_MONTH)


def _threat_code(name: str, ct: CompiledTreaty, states: StateSystem | None) -> int | None:
    head, _, tail = name.partition(":")
    if head == "cow" and tail.isdigit():
        return int(tail)
    state = ct.registry.state(name)
    if state is not None and state.cow is not None:
        return state.cow
    if states is not None:
        try:
            return states.by_abb(name)
        except FoedusError:
            return None
    return None


def derive_codes(model: Treaty | CompiledTreaty, timeline: Timeline | None = None, *,
                 reading: list[str] | str | None = None, states: StateSystem | None = None) -> AtopCodes:
    """ATOP-style codes for ``model`` (compiled under ``reading`` unless already compiled). The end
    date uses ``timeline``'s acts under the treaty when given; ``states`` resolves threats named by
    COW abbreviation."""
    ct = model if isinstance(model, CompiledTreaty) else compile_treaty(model, reading)
    treaty = ct.treaty
    notes: dict[str, str] = {}
    codes: dict[str, int | None] = {}
    norms = [cn for cn in ct.norms if cn.exists]
    categories = {cn.norm.category for cn in norms}

    codes["defense"] = int("defence" in categories)
    codes["offense"] = int("offence" in categories)
    codes["neutral"] = int("neutrality" in categories)
    force = [cn.id for cn in norms if cn.norm.category != "non_aggression" and _renounces_force(cn)]
    codes["nonagg"] = int("non_aggression" in categories or bool(force))
    if force and "non_aggression" not in categories:
        notes["nonagg"] = "from standing prohibitions broken by the bearer's use of force: " + ", ".join(force)
    crisis = [cn for cn in norms if cn.norm.category == "consultation" and cn.norm.crisis_specific]
    codes["consul"] = int(bool(crisis))
    if not crisis and "consultation" in categories:
        notes["consul"] = "consultation that is not crisis-specific does not count"
    for category, flag in _FLAGS.items():
        relevant = crisis if category == "consultation" else [cn for cn in norms if cn.norm.category == category]
        codes[flag] = int(any(_conditional(cn, ct.registry) for cn in relevant))
    codes["conditio"] = int(any(codes[flag] for flag in _FLAGS.values()))

    events = bind_timeline(ct, timeline).events if timeline is not None else ()  # registers its states
    threats: list[str] = []
    for cn in norms:
        for name in cn.norm.threat:
            if name not in threats:
                threats.append(name)
    codes["specthrt"] = int(bool(threats))
    resolved = [_threat_code(name, ct, states) for name in threats[:2]]
    for i, variable in enumerate(("statthr1", "statthr2")):
        codes[variable] = resolved[i] if i < len(resolved) else 0
        if i < len(resolved) and resolved[i] is None:
            notes[variable] = f"threat {threats[i]!r} has no COW code known here"
    codes["noothall"] = int("no_other_alliance" in categories)
    codes["ecaid"] = int("economic" in categories)

    lc, model_lc = ct.lifecycle, treaty.lifecycle
    if model_lc.until is not None:
        duration = (2, 0, 0, 0)
    elif lc.term is not None:
        renewal = _months(lc.extension, "renewlgt", notes) if lc.extension is not None else 0
        proren = 2 if lc.extension is not None or lc.after_term == "continues" else 0
        duration = (1, _months(lc.term, "length", notes), proren, renewal)
    elif model_lc.indefinite:
        duration = (3, 0, 0, 0)
    else:
        duration = (0, 0, 0, 0)
    codes.update(zip(("speclgth", "length", "proren", "renewlgt"), duration, strict=True))
    codes["bilat"] = int(len(treaty.parties) == 2)

    horizon = _horizon(treaty, [e.date for e in events])
    life, _ = evaluate_lifecycle(ct, events, horizon)
    begin = treaty.signed.date if treaty.signed else (
        ct.lifecycle.entry_into_force_on if lc.entry_into_force == "fixed_date" else life.entry_into_force)
    if begin is None:
        notes["begyr"] = "no signature and no entry into force on record"
    codes.update(zip(("begyr", "begmo", "begday"), _ymd(begin), strict=True))
    codes.update(zip(("endyr", "endmo", "endday"), _ymd(life.ends_on, none=(0, 0, 0)), strict=True))
    return AtopCodes(treaty.id, {v: codes[v] for v in DERIVED_VARIABLES}, dict(sorted(notes.items())))


def _horizon(treaty: Treaty, event_dates: Iterable[date]) -> date:
    lc = treaty.lifecycle
    dates = [*event_dates, *(d for d in (lc.entry_into_force_on, lc.ended_on,
                                         treaty.signed.date if treaty.signed else None) if isinstance(d, date))]
    return max(dates, default=_FIRST_DAY)


def _ymd(when: date | None, none: tuple[int | None, int | None, int | None] = (None, None, None)
         ) -> tuple[int | None, int | None, int | None]:
    return none if when is None else (when.year, when.month, when.day)


_BEGIN = ("begyr", "begmo", "begday")
_END = ("endyr", "endmo", "endday")


def _atop_value(alliance: AtopAlliance, variable: str) -> int | None:
    if variable in _BEGIN:
        return (alliance.begin.year, alliance.begin.month, alliance.begin.day)[_BEGIN.index(variable)]
    if variable in _END:
        if alliance.end is None:
            return 0
        return (alliance.end.year, alliance.end.month, alliance.end.day)[_END.index(variable)]
    if variable == "bilat":
        return alliance.bilat
    return alliance.provisions.get(variable)


def compare_codes(derived: AtopCodes, alliance: AtopAlliance,
                  variables: Iterable[str] = DERIVED_VARIABLES) -> list[CodeDifference]:
    """The variables on which ``derived`` and the ATOP row differ, in ``DERIVED_VARIABLES`` order.

    A blank ATOP cell (or an unknown day or month) is not compared: ATOP did not code it.
    ``ecaid`` matches when both are 0 or both are above 0 (see the module docstring)."""
    out: list[CodeDifference] = []
    for variable in variables:
        mine, theirs = derived.codes[variable], _atop_value(alliance, variable)
        if theirs is None:
            continue
        same = (mine > 0) == (theirs > 0) if variable == "ecaid" and mine is not None else mine == theirs
        if not same:
            out.append(CodeDifference(variable, mine, theirs, derived.notes.get(variable)))
    return out
