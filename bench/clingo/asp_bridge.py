"""The 1950 treaty's Art. I and Art. VI in Answer Set Programming, beside foedus.

This module turns a compiled foedus treaty and a bound timeline into facts for the encoding in this
folder (calendar.lp, lifecycle.lp, relations.lp, art1.lp), runs clingo on them, and reads the answer
back; it reads the same answer off a foedus Outcome, so that the two can be compared question by
question:

    as of D: is the treaty in force, when does it expire, what is the notice deadline, which Art. I
    duties exist (bearer, counterparty, attacker, day, last day, state), and which attacks leave the
    trigger undetermined.

Two ways to ask clingo: :class:`OneShot` grounds the program for each question (the as-of date is a
fact); :class:`Prepared` grounds it once for a set of dates (each an external atom) and solves per
date, by setting the externals or by assumptions.

Only what the encoding covers is accepted: :func:`check_covered` refuses, in one line, a model or a
timeline that needs a rule the encoding leaves out (see the README of the benchmark section).

The bridge computes no rule of the treaty. It passes the model's values as they are (durations as
months and days, the rounding rule, the readings chosen), every event the encoding reads with its
day as an ordinal (``date.toordinal()``), and two orderings the engine has and ASP lacks: each
event's place in the engine's order (date, then line), and, for each pair of states, the sequence of
war events between them in that order. Dates are computed in ASP (calendar.lp).
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import clingo

from foedus.compile.compiler import CompiledNorm, CompiledTreaty
from foedus.errors import FoedusError, Location
from foedus.evaluate import rules
from foedus.evaluate.results import Outcome
from foedus.model.events import Event, Timeline

HERE = Path(__file__).resolve().parent
ENCODING = ("calendar.lp", "lifecycle.lp", "relations.lp", "art1.lp")
NORM = "mutual-assistance"

LIFECYCLE_ACTS = ("signature", "ratification", "exchange_of_instruments", "notice_of_denunciation")
WAR_TYPES = ("armed_attack", "state_of_war", "end_of_war", "peace_settlement")
ALLIANCE_TYPES = ("treaty_in_force", "alliance_concluded", "treaty_ended")
READ_TYPES = frozenset((*LIFECYCLE_ACTS, *WAR_TYPES, *ALLIANCE_TYPES, "assistance_rendered", "forces_stationed"))
ALLIANCE_KINDS = ("alliance", "defence", "defense")

# The norm's conditions as the encoding states them (art1.lp): a model that says otherwise is refused.
TRIGGER = ("party(event.target) and (event.actor == 'JPN' or allied(event.actor, 'JPN') or "
           "(reading('allied-with') == 'united' and united_with(event.actor, 'JPN'))) and "
           "at_war(event.target, event.actor)")
FULFILLED = "event.actor == bearer and counterparty in event.targets and event.kind != 'economic'"
DISCHARGED = ("(counterparty in event.actors and attacker in event.targets) or (attacker in event.actors "
              "and counterparty in event.targets)")


class NotCovered(FoedusError):
    """The model or the timeline needs a rule the encoding does not have."""


def _flat(text: str | None) -> str:
    return " ".join((text or "").split())


# --- what the encoding covers ----------------------------------------------------------------------------


def _norm(ct: CompiledTreaty) -> CompiledNorm:
    found = [n for n in ct.norms if n.id == NORM and n.exists]
    if not found:
        raise NotCovered(f"{ct.id} has no norm {NORM!r}", where=Location(ct.file),
                         expected="the 1950 treaty's Art. I mutual-assistance norm")
    return found[0]


def check_covered(ct: CompiledTreaty, timeline: Timeline) -> None:
    """Refuse, in one line, what the encoding leaves out (the answer would otherwise be silently wrong)."""
    where = Location(ct.file)

    def refuse(what: str, expected: str, at: Location = where) -> None:
        raise NotCovered(f"not covered by the ASP encoding: {what}", where=at, expected=expected)

    lc, v = ct.lifecycle, ct.lifecycle.terms
    original = [p.id for p in ct.treaty.parties if p.original]
    if len(original) != 2 or len(ct.treaty.parties) != 2 or v.minimum_parties != 2:
        refuse("a treaty that is not bilateral", "two parties, both needed for the treaty to remain in force")
    if lc.entry_into_force not in ("ratification_by_all", "exchange_of_instruments") or lc.delay is not None:
        refuse(f"entry into force by {lc.entry_into_force}", "ratification_by_all or exchange_of_instruments")
    if v.term is None or v.extension is None or v.extensions_limit is not None or v.notice is None:
        refuse("a lifecycle without a fixed term, unlimited tacit extensions and a notice clause",
               "term, extension and notice, no extensions_limit")
    n = v.notice
    if n.opens is not None or n.form != "any" or n.to is not None or n.counts != "sent" \
            or n.late not in ("next_term", "lapses"):
        refuse("a notice window, form, addressee, date of receipt or late=withdrawal",
               "notice: {period, last_day_included, late: next_term | lapses}")
    if n.period.total_months > v.extension.total_months or n.period.days > v.extension.days:
        refuse("a notice period longer than an extension", "a period no longer than the extension")
    if v.term_from not in ("entry_into_force", "signature") or lc.in_force_on_expiry_date \
            or lc.continues_while is not None or lc.instruments or v.withdrawal is not None \
            or lc.ended_on is not None or v.ends_on is not None:
        refuse("term_from, in_force_on_expiry_date, continues_while, instruments, withdrawal or a recorded end",
               "the 1950 treaty's lifecycle block")
    if any(p.recorded_spells() for p in ct.treaty.parties):
        refuse("recorded memberships", "parties bound from the entry into force")
    cn = _norm(ct)
    norm = cn.norm
    ok = (cn.trigger_on == ("armed_attack",) and cn.trigger_when is not None
          and _flat(cn.trigger_when.text) == TRIGGER
          and [name for name, _ in cn.bind] == ["party", "attacker"]
          and cn.bearer == "other(party)" and cn.counterparty == "party"
          and cn.deadline is not None and cn.deadline_until is None
          and [p.on for p in cn.fulfilled_by] == ["assistance_rendered"]
          and _flat(cn.fulfilled_by[0].when.text if cn.fulfilled_by[0].when else "") == FULFILLED
          and [p.on for p in cn.discharged_by] == ["end_of_war"]
          and _flat(cn.discharged_by[0].when.text if cn.discharged_by[0].when else "") == DISCHARGED
          and not cn.violated_by and not cn.honoured_by and not cn.ends_with
          and norm.silence == "violation" and norm.introduced_by is None and not norm.ended_by)
    if not ok:
        refuse(f"norm {NORM} as the model now states it", "the trigger, bearer, deadline and acts art1.lp encodes")

    vocab = timeline.vocabulary or ct.vocabulary
    alliances: dict[str, dict[str, list[frozenset[str]]]] = defaultdict(lambda: defaultdict(list))
    covered_rules = {*LIFECYCLE_ACTS, "treaty_in_force"}
    for e in timeline.events:
        at = Location(e.file or timeline.file or timeline.id, e.line)
        mine = e.treaty == ct.id
        if rules.has_rule(e.type) and e.type not in covered_rules and (mine or vocab[e.type].scope == "world"):
            refuse(f"{e.type} ({e.id}), which moves the treaty's life", "signature, ratification, exchange of "
                   "instruments and notice of denunciation only", at)
        if "under_reading" in e.attributes and mine:
            refuse(f"{e.id} counts only under a reading", "events that count under every reading", at)
        if e.type in READ_TYPES and "date_latest" in e.attributes:
            refuse(f"{e.id} is dated only within a range", "events known to the day", at)
        replaces = e.attributes.get("replaces")
        if e.type == "treaty_in_force" and ct.id in (replaces if isinstance(replaces, list) else [replaces]):
            refuse(f"{e.id} supersedes the treaty", "no supersession", at)
        if e.type == "alliance_concluded" or (e.type == "treaty_in_force"
                                              and e.attributes.get("kind") in ALLIANCE_KINDS):
            alliances[e.treaty or e.id][e.type].append(frozenset(e.actors))
    for tid, kinds in alliances.items():
        members = {m for lists in kinds.values() for m in lists}
        if any(len(lists) > 1 for lists in kinds.values()) or len(members) > 1:
            refuse(f"alliance {tid} recorded twice, or with different members", "one treaty_in_force and at most "
                   "one alliance_concluded per alliance, naming the same states")


# --- facts -----------------------------------------------------------------------------------------------


def _q(text: str) -> str:
    """A clingo string."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dur(d: Any) -> str:
    return f"{d.total_months}, {d.days}"


def model_facts(ct: CompiledTreaty) -> list[str]:
    """The model's values the encoding reads (after :func:`check_covered`)."""
    lc, v = ct.lifecycle, ct.lifecycle.terms
    assert v.term is not None and v.extension is not None and v.notice is not None
    out = [f"party({_q(p.id)})." for p in ct.treaty.parties if p.original]
    out += [f"eif_rule({lc.entry_into_force}).", f"term_len({_dur(v.term)}).", f"ext_len({_dur(v.extension)}).",
            f"notice_len({_dur(v.notice.period)}).", f"term_from({v.term_from}).", f"late({v.notice.late}).",
            f"rounding({lc.rounding.value})."]
    if v.notice.inclusive:
        out.append("notice_inclusive.")
    if ct.treaty.signed is not None:
        out.append(f"signed_on_record({ct.treaty.signed.date.toordinal()}).")
    cn = _norm(ct)
    assert cn.deadline is not None
    out.append(f"assist_len({_dur(cn.deadline)}).")
    if cn.deadline_inclusive:
        out.append("assist_inclusive.")
    # 'JPN' in the condition names whatever state the registry knows by that name (foedus resolves it so).
    out.append(f"threat({_q(ct.registry.canonical('JPN') or 'JPN')}).")
    if ct.reading.as_dict().get("allied-with") == "united":
        out.append("reading_united.")
    return out


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


@dataclass
class Facts:
    """A treaty and a timeline as facts: the text clingo reads, and what the answer refers back to."""

    ct: CompiledTreaty
    events: Sequence[Event]  # the bound timeline's events; an event's index is its place here
    text: str
    days: dict[int, int]  # index -> day ordinal, of the events passed
    count: int  # facts written
    seconds: float  # time to write them

    def questions(self, days: Iterable[date]) -> str:
        """Facts for :class:`Prepared`: the dates asked, chained, and each event's bucket (the first date
        asked on or after its day)."""
        qs = sorted({d.toordinal() for d in days})
        out = [f"qdate({q})." for q in qs]
        out += [f"qnext({a}, {b})." for a, b in pairwise(qs)]
        for i, o in self.days.items():
            k = bisect_left(qs, o)
            if k < len(qs):
                out.append(f"bucket({i}, {qs[k]}).")
        return "\n".join(out) + "\n"


def timeline_facts(ct: CompiledTreaty, timeline: Timeline) -> Facts:
    """The facts of ``timeline`` (bound to ``ct``) that the encoding reads, after :func:`check_covered`."""
    t0 = time.perf_counter()
    check_covered(ct, timeline)
    out = model_facts(ct)
    days: dict[int, int] = {}
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, e in enumerate(timeline.events):
        if e.type not in READ_TYPES:
            continue
        o = e.date.toordinal()
        days[i] = o
        out.append(f"ev({i}, {e.type}, {o}).")
        if e.treaty == ct.id:
            out.append(f"own({i}).")
        if e.actors:
            out.append(f"first_actor({i}, {_q(e.actors[0])}).")
        if e.targets:
            out.append(f"first_target({i}, {_q(e.targets[0])}).")
        out += [f"actor({i}, {_q(a)})." for a in dict.fromkeys(e.actors)]
        out += [f"target({i}, {_q(t)})." for t in dict.fromkeys(e.targets)]
        if e.type in ALLIANCE_TYPES:
            out.append(f"treaty_of({i}, {_q(e.treaty or e.id)}).")
        a = e.attributes
        for name in ("state_of_war", "ends_state_of_war"):
            if isinstance(a.get(name), bool):
                out.append(f"attr({i}, {name}, {'true' if a[name] else 'false'}).")
        if "kind" in a:
            out.append(f"attr({i}, kind, {_q(a['kind'])}).")
        replaces = a.get("replaces")
        for old in replaces if isinstance(replaces, list) else [replaces] if replaces else []:
            out.append(f"attr({i}, replaces, {_q(old)}).")
        if isinstance(a.get("until"), date):
            out.append(f"attr({i}, until, {a['until'].toordinal()}).")
        if e.type in WAR_TYPES:
            for p in dict.fromkeys(_pair(x, y) for x in e.actors for y in e.targets if x != y):
                pairs[p].append(i)
    for (x, y), seq in pairs.items():
        p = f"pair({_q(x)}, {_q(y)})"
        out += [f"pair_of({_q(x)}, {_q(y)}, {p}).", f"pair_of({_q(y)}, {_q(x)}, {p})."]
        out += [f"pairseq({p}, {pos}, {i})." for pos, i in enumerate(seq)]
    return Facts(ct, timeline.events, "\n".join(out) + "\n", days, len(out), time.perf_counter() - t0)


# --- the answer ------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Duty:
    trigger: str  # the attack's event id
    bearer: str
    counterparty: str
    attacker: str
    created_on: date
    deadline: date | None
    state: str


@dataclass(frozen=True)
class Answer:
    as_of: date
    in_force: bool
    expires_on: date | None
    notice_deadline: date | None
    duties: tuple[Duty, ...]
    undetermined: tuple[str, ...]  # attacks on which the trigger cannot be decided from the record

    def differences(self, other: Answer) -> list[str]:
        """What differs from ``other``, one line each (empty: they agree)."""
        out = []
        for name in ("in_force", "expires_on", "notice_deadline"):
            a, b = getattr(self, name), getattr(other, name)
            if a != b:
                out.append(f"{name}: {a} / {b}")
        mine, theirs = set(self.duties), set(other.duties)
        out += [f"duty only in the first: {d}" for d in sorted(mine - theirs)]
        out += [f"duty only in the second: {d}" for d in sorted(theirs - mine)]
        if self.undetermined != other.undetermined:
            out.append(f"undetermined triggers: {list(self.undetermined)} / {list(other.undetermined)}")
        return out


def foedus_answer(outcome: Outcome) -> Answer:
    lc = outcome.lifecycle
    duties = tuple(sorted(
        Duty(i.trigger_event or "", i.bearer, i.counterparty, i.bindings.get("attacker", ""), i.created_on,
             i.deadline, i.state)
        for i in outcome.instances if i.norm == NORM))
    undetermined = tuple(sorted(c.event for c in outcome.trigger_checks
                                if c.norm == NORM and c.verdict == "undetermined"))
    return Answer(outcome.as_of, lc.in_force, lc.expires_on, lc.notice_deadline, duties, undetermined)


def read_answer(facts: Facts, as_of: date, symbols: Iterable[clingo.Symbol]) -> Answer:
    in_force = False
    expires: list[date] = []
    deadlines: list[date] = []
    duties: list[Duty] = []
    undetermined: list[str] = []
    for s in symbols:
        args = s.arguments
        if s.name == "in_force":
            in_force = True
        elif s.name == "expires":
            expires.append(date.fromordinal(args[0].number))
        elif s.name == "notice_deadline":
            deadlines.append(date.fromordinal(args[0].number))
        elif s.name == "undetermined_trigger":
            undetermined.append(facts.events[args[0].number].id)
        elif s.name == "duty":
            i, bearer, counter, attacker, created, last, state = args
            duties.append(Duty(facts.events[i.number].id, bearer.string, counter.string, attacker.string,
                               date.fromordinal(created.number), date.fromordinal(last.number), state.name))
        elif s.name == "ambiguous":
            day, months = date.fromordinal(args[0].number), args[1].number
            raise FoedusError(f"{facts.ct.id}: {day.isoformat()} shifted by {months} month(s) lands on a day that "
                              "does not exist and no rounding rule is stated", where=Location(facts.ct.file),
                              expected="lifecycle.date_rounding: up or down")
    if len(expires) > 1 or len(deadlines) > 1:
        raise RuntimeError(f"the encoding gave several dates as of {as_of}: {expires} {deadlines}")
    return Answer(as_of, in_force, expires[0] if expires else None, deadlines[0] if deadlines else None,
                  tuple(sorted(duties)), tuple(sorted(undetermined)))


SHOW = ("#show in_force/0. #show expires/1. #show notice_deadline/1. #show duty/7. "
        "#show undetermined_trigger/1. #show ambiguous/2.\n")


def encoding_text(*extra: str) -> str:
    return "\n".join((HERE / name).read_text(encoding="utf-8") for name in (*ENCODING, *extra)) + SHOW


def _solve(ctl: clingo.Control, assumptions: Sequence[int] = ()) -> list[clingo.Symbol]:
    models: list[list[clingo.Symbol]] = []
    ctl.solve(assumptions=list(assumptions), on_model=lambda m: models.append(m.symbols(shown=True)))
    if len(models) != 1:  # the program is stratified: exactly one answer set
        raise RuntimeError(f"{len(models)} answer sets, expected one")
    return models[0]


class OneShot:
    """The program grounded for each question: the as-of date is a fact."""

    def __init__(self, facts: Facts):
        self.facts = facts
        self.program = encoding_text("asof_one.lp") + facts.text

    def ask(self, day: date) -> tuple[Answer, float, float]:
        """The answer as of ``day``, the seconds spent parsing and grounding, and solving."""
        t0 = time.perf_counter()
        ctl = clingo.Control(["--warn=none"])
        ctl.add("base", [], self.program + f"asof({day.toordinal()}).\n")
        ctl.ground([("base", [])])
        t1 = time.perf_counter()
        symbols = _solve(ctl)
        t2 = time.perf_counter()
        return read_answer(self.facts, day, symbols), t1 - t0, t2 - t1


class Prepared:
    """The program grounded once for the dates ``days`` (each an external atom asof(D)), then solved per
    date: ``ask(day)`` sets the externals (the one asked true, the others false); ``ask(day, "assumptions")``
    leaves them open and passes the same values as assumptions of that one solve."""

    def __init__(self, facts: Facts, days: Iterable[date]):
        self.facts = facts
        self.days = sorted(set(days))
        t0 = time.perf_counter()
        self.ctl = clingo.Control(["--warn=none"])
        self.ctl.add("base", [], encoding_text("asof_many.lp") + facts.text + facts.questions(self.days))
        self.ctl.ground([("base", [])])
        self.ground_seconds = time.perf_counter() - t0
        self.atoms = {d: clingo.Function("asof", [clingo.Number(d.toordinal())]) for d in self.days}
        self.literals = {d: self.ctl.symbolic_atoms[a].literal for d, a in self.atoms.items()}
        self.true: date | None = None
        self.mode = "externals"

    def _use(self, mode: str) -> None:
        if mode == self.mode:
            return
        for atom in self.atoms.values():
            self.ctl.assign_external(atom, False if mode == "externals" else None)
        self.mode, self.true = mode, None

    def ask(self, day: date, mode: str = "externals") -> tuple[Answer, float]:
        """The answer as of ``day`` (one of the dates prepared) and the seconds spent solving."""
        t0 = time.perf_counter()
        self._use(mode)
        if mode == "externals":
            if self.true is not None:
                self.ctl.assign_external(self.atoms[self.true], False)
            self.ctl.assign_external(self.atoms[day], True)
            self.true = day
            symbols = _solve(self.ctl)
        else:
            symbols = _solve(self.ctl, [lit if d == day else -lit for d, lit in self.literals.items()])
        seconds = time.perf_counter() - t0
        return read_answer(self.facts, day, symbols), seconds
