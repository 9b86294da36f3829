"""Norm instances as evaluation proceeds: standing duties from the day a party is bound, triggered
duties from the events that trigger them, each moved along its declared state machine by acts and by
time. A norm binds a party only while the treaty binds it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from foedus.compile.compiler import CompiledNorm, CompiledPattern, CompiledTreaty
from foedus.compile.conditions import Context, Facts, Part
from foedus.dates import AmbiguousDate, add, day_or_none
from foedus.errors import FoedusError, Location
from foedus.evaluate import machines
from foedus.evaluate.results import Change, Finding, NormInstance, PartsLater, TriggerCheck
from foedus.model.events import Event, Vocabulary

if TYPE_CHECKING:
    from foedus.evaluate.ledger import Ledger

_OPEN = ("active", "held")
_GENERIC = ("the other parties", "the other party", "each party", "all parties")
_LIVE = ("active", "held", "suspended")
_SETTLED = frozenset({"fulfilled", "discharged", "expired"})

# Which acts an instance still weighs, by its state. A duty met, discharged, expired or left undecided
# by a silent record is settled: later acts are about other duties. A breached duty still weighs
# further breaches and the performance of a standing duty, and records its first late performance.
WEIGHS: dict[str, frozenset[str]] = {
    "active": frozenset({"fulfil", "breach", "honour", "discharge"}),
    "held": frozenset({"fulfil"}),  # a power: its exercise
    "violated": frozenset({"fulfil-late", "breach", "honour"}),
    "undetermined": frozenset({"fulfil-late"}),
}
# Powers exercised by the acts the lifecycle judges: one rule for both, so they never disagree.
_POWER_ACTS = {"notice": "notice_of_denunciation", "withdrawal": "withdrawal"}


class _Instance:
    """An instance with what evaluation needs beside its public record."""

    __slots__ = ("cnorm", "counterparty", "late_seen", "machine", "maybe_fulfilled", "record", "trigger")

    def __init__(self, cnorm: CompiledNorm, record: NormInstance, trigger: Event | None):
        self.cnorm = cnorm
        self.record = record
        self.trigger = trigger
        self.late_seen = False  # a late performance is on record (the first one is reported)
        self.machine = machines.BY_KIND[cnorm.norm.kind]
        # The counterparty as conditions see it; None: "the other parties", whoever is bound on the day.
        dynamic = cnorm.counterparty in ("the other parties", "each party", "all parties") and trigger is None
        names = _names(record.counterparty)
        self.counterparty: object = None if dynamic else (names[0] if len(names) == 1 else names)
        # An act on record may have fulfilled the duty in time, but the record cannot tell: a deadline that
        # passes then leaves the duty undetermined, never violated.
        self.maybe_fulfilled = False

    def settled(self) -> bool:
        """Whether nothing can change this instance any more: met, discharged or expired (no transition
        leaves these states), or undecided by a silent record with its late performance on record."""
        state = self.record.state
        return state in _SETTLED or (state == "undetermined" and self.late_seen)

    def move(self, on: date, when: str, because: str, events: tuple[str, ...] = ()) -> None:
        t = self.machine.step(self.record.state, when)
        self.record.history.append(Change(on, self.record.id, self.record.state, t.target, because, events,
                                          self.cnorm.norm.article))
        self.record.state = t.target
        if t.target in self.machine.final and self.record.ended_on is None and t.target != "violated":
            self.record.ended_on = on


@dataclass(frozen=True)
class _Plan:
    """What a compiled treaty's norms look at, worked out once per compiled treaty: the norms that exist
    under its reading, and by event type the norms it can trigger or end and what each norm weighs."""

    norms: list[CompiledNorm]
    triggered: list[CompiledNorm]
    weighed: dict[str, set[str]]
    triggering: dict[str, list[CompiledNorm]]
    ending: dict[str, list[CompiledNorm]]


def _plan(ct: CompiledTreaty) -> _Plan:
    cached = getattr(ct, "_norm_plan", None)
    if cached is not None:
        return cached
    norms = [n for n in ct.norms if n.exists]
    triggered = [n for n in norms if n.trigger_on]
    weighed = {n.id: {p.on for p in (*n.fulfilled_by, *n.violated_by, *n.honoured_by, *n.discharged_by)}
               | NormBook._power_acts(n) for n in norms}
    triggering: dict[str, list[CompiledNorm]] = {}
    for n in triggered:
        for on in n.trigger_on:
            triggering.setdefault(on, []).append(n)
    ending: dict[str, list[CompiledNorm]] = {}
    for n in norms:
        for on in {p.on for p in n.ends_with}:
            ending.setdefault(on, []).append(n)
    plan = _Plan(norms, triggered, weighed, triggering, ending)
    object.__setattr__(ct, "_norm_plan", plan)
    return plan


class NormBook:
    """Every norm instance of one evaluation, and the trigger checks."""

    def __init__(self, ct: CompiledTreaty, led: Ledger, facts: Facts, vocab: Vocabulary | None = None):
        self.ct = ct
        self.led = led
        self.facts = facts
        self.reading = ct.reading.as_dict()
        plan = _plan(ct)
        self.norms, self.triggered = plan.norms, plan.triggered
        self.weighed, self.triggering, self.ending = plan.weighed, plan.triggering, plan.ending
        self.instances: list[_Instance] = []
        self.taken: set[str] = set()
        self.checks: list[TriggerCheck] = []
        self.over = False
        self.ended: dict[str, date] = {}  # norms that an act ended for good (ends_with)
        self.in_force_today = False
        self.parties_today: tuple[str, ...] = ()
        self.vocab = vocab if vocab is not None else ct.vocabulary
        self.weighing: dict[str, list[_Instance]] = {}  # event type -> the instances that weigh it
        self._effect_key: tuple[int, int] = (-1, -1)
        self._effect: dict[str, bool] = {}

    # --- which norms are in effect --------------------------------------------------------------------

    @staticmethod
    def _power_acts(n: CompiledNorm) -> set[str]:
        if n.norm.kind == "power" and not n.fulfilled_by and n.norm.category in _POWER_ACTS:
            return {_POWER_ACTS[n.norm.category]}
        return set()

    def _in_effect(self, cnorm: CompiledNorm) -> bool:
        """Introduced by an instrument not (yet) in force, or ended by one that is: not in effect (cached
        until an instrument enters into force or an act ends a norm)."""
        key = (len(self.led.instruments_in_force), len(self.ended))
        if key != self._effect_key:
            self._effect_key, self._effect = key, {}
        known = self._effect.get(cnorm.id)
        if known is None:
            known = self._effect[cnorm.id] = self._compute_in_effect(cnorm)
        return known

    def _compute_in_effect(self, cnorm: CompiledNorm) -> bool:
        norm = cnorm.norm
        in_force = self.led.instruments_in_force
        if norm.introduced_by and norm.introduced_by not in in_force:
            return False
        if cnorm.id in self.ended:
            return False
        return not any(ref in in_force for ref in norm.ended_by)

    # --- contexts and names ---------------------------------------------------------------------------

    def ctx(self, on: date, event: Event | None, inst: _Instance | None = None,
            bindings: dict[str, object] | None = None) -> Context:
        b = dict(bindings or {})
        if inst is not None:
            b.update(inst.record.bindings)
            b["bearer"] = inst.record.bearer
            b["counterparty"] = self._counterparty_value(inst)
        return Context(date=on, facts=self.facts, parties=self.parties_today or tuple(self.led.bound()),
                       reading=self.reading, event=event, trigger=inst.trigger if inst else None, bindings=b)

    def _counterparty_value(self, inst: _Instance) -> object:
        if inst.counterparty is not None:
            return inst.counterparty
        others = [p for p in (self.parties_today or tuple(self.led.bound())) if p != inst.record.bearer]
        return others[0] if len(others) == 1 else others

    def resolve(self, value: str, expr: object, c: Context, bearer: str | None = None) -> list[str] | None:
        parties = list(c.parties)
        if value in ("each party", "all parties"):
            return parties
        if value in ("the other party", "the other parties"):
            if bearer is None:
                return None
            return [p for p in parties if p != bearer]
        if value in self.led.parties:
            return [value]
        result = expr(c) if callable(expr) else None
        if result is None:
            return None
        return list(result) if isinstance(result, list) else [str(result)]

    # --- instances ------------------------------------------------------------------------------------

    def new(self, cnorm: CompiledNorm, bearer: str, counterparty: str, on: date, trigger: Event | None,
            bindings: dict[str, str], because: str | None = None) -> _Instance:
        norm = cnorm.norm
        suffix = f"/{trigger.date.isoformat()}" if trigger else ""
        iid = f"{norm.id}/{bearer}{suffix}"
        n = 2
        while iid in self.taken:
            iid, n = f"{norm.id}/{bearer}{suffix}#{n}", n + 1
        self.taken.add(iid)
        deadline, latest = self._deadline(cnorm, trigger, iid) if trigger is not None else (None, None)
        record = NormInstance(
            id=iid, norm=norm.id, kind=norm.kind, article=norm.article, paragraph=norm.paragraph,
            category=norm.category, summary=norm.summary, bearer=bearer, counterparty=counterparty,
            state=machines.BY_KIND[norm.kind].initial, created_on=on,
            trigger_event=trigger.id if trigger else None, deadline=deadline, bindings=bindings,
            deadline_latest=latest if latest != deadline else None)
        if because is None:
            because = (f"triggered by {trigger.type} ({trigger.id})" if trigger
                       else "in effect from the treaty's entry into force")
        record.history.append(Change(on, iid, "—", record.state, because, (trigger.id,) if trigger else (),
                                     norm.article))
        inst = _Instance(cnorm, record, trigger)
        self.instances.append(inst)
        for kind in self.weighed[cnorm.id]:
            self.weighing.setdefault(kind, []).append(inst)
        if deadline is not None:
            # Settled once the last possible last day has passed: an act up to then may still count.
            self.led.schedule((latest or deadline) + timedelta(days=1), "deadline passes", inst)
        return inst

    def _deadline(self, cnorm: CompiledNorm, trigger: Event, iid: str) -> tuple[date | None, date | None]:
        """The duty's last day counted from its trigger, and its last possible last day: the trigger's day may
        be known only within a range (``date_latest``), and so may the day the trigger records in
        ``deadline.until``. The last day is the earlier of the two bounds; None: no deadline."""
        first, last = trigger.date, day_latest(trigger)
        bounds: list[tuple[date, date]] = []
        if cnorm.deadline is not None:
            try:
                ends = [add(day, cnorm.deadline, self.ct.lifecycle.rounding) for day in (first, last)]
            except AmbiguousDate as exc:
                i = next(j for j, other in enumerate(self.ct.treaty.norms) if other.id == cnorm.id)
                where = self.ct.smap.locate(("norms", i, "deadline")) if self.ct.smap else Location(self.ct.file)
                raise FoedusError(f"{self.ct.id}: the deadline of {iid}: {exc}", where=where,
                                  expected="lifecycle.date_rounding: up or down") from None
            if not cnorm.deadline_inclusive:
                ends = [end - timedelta(days=1) for end in ends]
            bounds.append((max(ends[0], first), max(ends[1], last)))
        until = cnorm.deadline_until
        if until is not None:
            day = _attribute_day(trigger, until.attribute)
            if day is not None:
                upto = _attribute_day(trigger, until.latest) if until.latest else None
                bounds.append((max(day, first), max(upto or day, day, last)))
        if not bounds:
            return None, None
        return min(b[0] for b in bounds), min(b[1] for b in bounds)

    def _standing(self, norms: list[CompiledNorm], parties: list[str], on: date, because: str | None) -> None:
        """Standing instances for the bearers among ``parties``, norm by norm in model order."""
        bound = tuple(self.led.bound())
        for cnorm in norms:
            if cnorm.trigger_on or not self._in_effect(cnorm):
                continue
            c = Context(date=on, facts=self.facts, parties=bound, reading=self.reading)
            for bearer in self.resolve(cnorm.bearer, cnorm.bearer_expr, c) or []:
                if bearer not in parties:
                    continue
                counter = self.resolve(cnorm.counterparty, cnorm.counterparty_expr, c, bearer) or []
                # Toward "the other parties" of a multilateral treaty: whoever is bound on the day, not a list
                # frozen when the duty arose.
                generic = len(counter) > 1 and cnorm.counterparty in _GENERIC
                shown = cnorm.counterparty if generic else ", ".join(counter)
                self.new(cnorm, bearer, shown, on, None, {}, because)

    def parties_bound(self, parties: list[str], on: date, because: str) -> None:
        if self.led.eif == on:
            self._standing(self.norms, parties, on, None)
        else:
            self._standing(self.norms, parties, on, f"in effect for {', '.join(parties)} from {on}: {because}")

    def instrument_in_force(self, instrument: str, on: date, title: str) -> None:
        introduced = [n for n in self.norms if n.norm.introduced_by == instrument]
        self._standing(introduced, self.led.bound(), on, f"in effect from {on}, under {title}")
        for inst in self.instances:
            if instrument in inst.cnorm.norm.ended_by and inst.record.state in _LIVE:
                self._end_duty(inst, on, f"ended by {title} on {on}")

    def _end_duty(self, inst: _Instance, on: date, because: str) -> None:
        if inst.machine.can(inst.record.state, "term of duty ends"):
            inst.move(on, "term of duty ends", because)

    # --- parties and the treaty -----------------------------------------------------------------------

    def party_leaves(self, pid: str, on: date, because: str) -> None:
        """A party ceases to be bound while the treaty goes on: its standing duties end; an open triggered
        duty it bears or is owed is discharged, or carried to its deadline, as the model says."""
        for inst in self.instances:
            rec = inst.record
            if rec.state not in _LIVE:
                continue
            concerned = rec.bearer == pid or (inst.trigger is not None and pid in _names(rec.counterparty))
            if not concerned:
                continue
            if inst.trigger is None:
                if rec.bearer == pid:
                    self._end_duty(inst, on, f"{because} on {on}")
                continue
            policy = inst.cnorm.norm.on_leaving or self.ct.lifecycle.on_leaving
            if policy == "discharged" and inst.machine.can(rec.state, "party leaves"):
                inst.move(on, "party leaves", f"{because} on {on}")
            elif policy == "discharged":
                self._end_duty(inst, on, f"{because} on {on}")

    def party_suspended(self, pid: str, on: date, because: str, events: tuple[str, ...]) -> None:
        for inst in self.instances:
            if inst.record.bearer == pid and inst.record.state in _OPEN and inst.machine.can(inst.record.state,
                                                                                            "suspension"):
                inst.move(on, "suspension", because, events)

    def party_resumed(self, pid: str, on: date, events: tuple[str, ...]) -> None:
        for inst in self.instances:
            if inst.record.bearer == pid and inst.record.state == "suspended":
                inst.move(on, "resumption", "the participation of its bearer resumed", events)

    def treaty_ends(self, on: date) -> None:
        if self.over:
            return
        self.over = True
        for inst in self.instances:
            state = inst.record.state
            standing = inst.trigger is None
            if state in _LIVE:
                when = "term of duty ends" if standing else "treaty ends"
                if inst.machine.can(state, when):
                    inst.move(on, when, f"the treaty ended on {on}")
                elif inst.machine.can(state, "term of duty ends"):
                    inst.move(on, "term of duty ends", f"the treaty ended on {on}")

    def deadline_passes(self, inst: _Instance, on: date) -> None:
        if inst.record.state != "active":
            return
        rec = inst.record
        last = f"{rec.deadline}" + (f" (or as late as {rec.deadline_latest})" if rec.deadline_latest else "")
        if inst.maybe_fulfilled:
            inst.move(on, "deadline passes, record silent",
                      f"no act on record that surely fulfils it by {last}; one that may have is recorded "
                      "(the record cannot tell)")
            return
        silent = inst.cnorm.norm.silence == "undetermined"
        inst.move(on, "deadline passes, record silent" if silent else "deadline passes",
                  f"no fulfilling act on record by {last}"
                  + (" (the record is not complete on this point)" if silent else ""))

    def breach_before(self, accused: list[str], before: date) -> str | None:
        """A breach by one of ``accused`` recorded before ``before``, in words (None: none on record)."""
        for inst in self.instances:
            if inst.record.bearer not in accused:
                continue
            for f in inst.record.findings:
                if f.verdict == "breached" and f.date < before:
                    return f"{inst.record.bearer}: {f.says}, {f.date}"
            for ch in inst.record.history:
                if ch.after == "violated" and ch.date < before:
                    return f"{inst.record.bearer}: {inst.record.summary.rstrip('.')}, violated {ch.date}"
        return None

    # --- acts -----------------------------------------------------------------------------------------

    def begin_day(self, in_force: bool, parties: tuple[str, ...]) -> None:
        self.in_force_today = in_force
        self.parties_today = parties

    def event(self, e: Event) -> None:
        if e.treaty is not None and e.treaty != self.ct.id and self.vocab[e.type].scope == "act":
            return
        in_force = self.in_force_today
        if in_force:
            if e.type in self.ending:
                self._ends(e)
            weighing = self.weighing.get(e.type)
            if weighing:
                settled = False
                for inst in list(weighing):
                    if inst.record.bearer in self.parties_today and inst.record.state in WEIGHS \
                            and self._in_effect(inst.cnorm):
                        self.weigh(inst, e)
                    settled = settled or not _weighs(inst)
                if settled:  # drop the settled ones: each is dropped once, so weighing stays linear
                    self.weighing[e.type] = [i for i in weighing if _weighs(i)]
        for cnorm in self.triggering.get(e.type, ()):
            if not in_force:
                self.checks.append(TriggerCheck(cnorm.id, e.id, e.date, "treaty not in force", (), ()))
                continue
            if not self._in_effect(cnorm):
                continue
            base = self.ctx(e.date, e)
            bindings = {name: f(base) for name, f in cnorm.bind}
            c = self.ctx(e.date, e, bindings=bindings)
            verdict = cnorm.trigger_when(c) if cnorm.trigger_when else True
            if verdict is not True:
                when = cnorm.trigger_when
                false, unknown = when.failing(c) if when else ([], [])
                self.checks.append(TriggerCheck(cnorm.id, e.id, e.date,
                                                "not triggered" if verdict is False else "undetermined",
                                                tuple(false), tuple(unknown),
                                                PartsLater(partial(when.explain, c)) if when else ()))
                continue
            str_bind = {k: str(v) for k, v in bindings.items() if v is not None}
            for bearer in self.resolve(cnorm.bearer, cnorm.bearer_expr, c) or []:
                if bearer not in self.parties_today:
                    continue
                counter = self.resolve(cnorm.counterparty, cnorm.counterparty_expr, c, bearer) or []
                inst = self.new(cnorm, bearer, ", ".join(counter), e.date, e, str_bind)
                # The act that triggers a duty may itself bear on it: the partner's entry into a war can show
                # the ally already fighting beside it (or against it).
                self.weigh(inst, e)

    def _ends(self, e: Event) -> None:
        """An act that ends a norm for good (``ends_with``): its live instances end with it."""
        for cnorm in self.ending.get(e.type, ()):
            if cnorm.id in self.ended:
                continue
            c = self.ctx(e.date, e)
            for p in cnorm.ends_with:
                if p.on == e.type and _match(p, c) is True:
                    self.ended[cnorm.id] = e.date
                    says = p.says or f"{e.type} ({e.id})"
                    for inst in self.instances:
                        if inst.cnorm.id == cnorm.id and inst.record.state in _LIVE:
                            if inst.trigger is not None and inst.machine.can(inst.record.state, "discharging act"):
                                inst.move(e.date, "discharging act", f"the norm ended: {says}", (e.id,))
                            elif inst.machine.can(inst.record.state, "term of duty ends"):
                                inst.move(e.date, "term of duty ends", f"the norm ended: {says}", (e.id,))
                    break

    def weigh(self, inst: _Instance, e: Event) -> None:
        cn = inst.cnorm
        if e.type not in self.weighed[cn.id]:
            return
        weighs = WEIGHS[inst.record.state]
        c = self.ctx(e.date, e, inst)
        if e.type in self._power_acts(cn):
            if e.actor == inst.record.bearer:
                word = "notice of denunciation" if cn.norm.category == "notice" else "notice of withdrawal"
                self._apply(inst, "fulfil", e, word, word)
            return
        for kind, p in _acts_of(cn).get(e.type, ()):
            if kind not in weighs and not (kind == "fulfil" and "fulfil-late" in weighs and not inst.late_seen):
                continue
            verdict = _match(p, c)
            if verdict is False:
                continue
            says = p.says or f"{e.type} ({e.id})"
            if verdict is None:
                open_parts = PartsLater(partial(_open_parts, p.when, c)) if p.when is not None else ()
                inst.record.findings.append(Finding(e.date, e.id, "undetermined",
                                                    f"{says}: cannot tell from the record whether "
                                                    + _unknown_text(p, c), p.says, open_parts))
                if kind == "fulfil" and inst.record.state == "active":
                    inst.maybe_fulfilled = True
                continue
            self._apply(inst, kind, e, says, p.says)

    def _apply(self, inst: _Instance, kind: str, e: Event, says: str, act: str | None = None) -> None:
        rec = inst.record
        state = rec.state
        if kind == "fulfil":
            if rec.kind == "power":
                verdicts = [n for n in self.led.notices if n.event == e.id]
                if verdicts and not any(n.verdict in ("timely", "valid") for n in verdicts):
                    invalid = next((n for n in verdicts if n.verdict == "invalid"), None)
                    if invalid is not None:
                        rec.findings.append(Finding(e.date, e.id, "invalid",
                                                    f"{says} — {invalid.effect}, without effect", act))
                        return
                    # The lifecycle gave this notice no effect (late, and it lapses): no valid exercise.
                    rec.findings.append(Finding(e.date, e.id, "late", f"{says} — given late, without effect", act))
                    return
                rec.findings.append(Finding(e.date, e.id, "exercised", says, act))
                if inst.machine.can(state, "valid exercise"):
                    inst.move(e.date, "valid exercise", says, (e.id,))
            elif state == "active" and (rec.deadline is None or day_latest(e) <= rec.deadline):
                rec.findings.append(Finding(e.date, e.id, "fulfilled", says, act))
                inst.move(e.date, "fulfilling act", says, (e.id,))
            elif state == "active" and rec.deadline is not None and e.date <= (rec.deadline_latest or rec.deadline):
                # Its day, or the last day, is known only within a range, and the ranges overlap.
                shown = f"{rec.deadline}" + (f"–{rec.deadline_latest}" if rec.deadline_latest else "")
                rec.findings.append(Finding(e.date, e.id, "undetermined",
                                            f"{says} — on a day between {e.date} and {day_latest(e)}; the last "
                                            f"day is {shown}: the record cannot tell whether it came in time", act))
                inst.maybe_fulfilled = True
            else:
                rec.findings.append(Finding(e.date, e.id, "late", f"{says} — after the deadline {rec.deadline}", act))
                inst.late_seen = True
        elif kind == "breach":
            rec.findings.append(Finding(e.date, e.id, "breached", says, act))
            if inst.machine.can(state, "breaching act"):
                inst.move(e.date, "breaching act", says, (e.id,))
        elif kind == "honour":
            rec.findings.append(Finding(e.date, e.id, "honoured", says, act))
        elif kind == "discharge":
            rec.findings.append(Finding(e.date, e.id, "discharged", says, act))
            if inst.machine.can(state, "discharging act"):
                inst.move(e.date, "discharging act", says, (e.id,))

    def records(self) -> list[NormInstance]:
        return [i.record for i in self.instances]


def _weighs(inst: _Instance) -> bool:
    """Whether an instance may still weigh an act (see WEIGHS); suspended ones may again on resumption."""
    state = inst.record.state
    if state == "suspended":
        return True
    weighs = WEIGHS.get(state)
    return weighs is not None and (weighs != WEIGHS["undetermined"] or not inst.late_seen)


def _acts_of(cn: CompiledNorm) -> dict[str, list[tuple[str, CompiledPattern]]]:
    """A norm's act patterns by event type, in the order they are weighed (worked out once)."""
    cached = getattr(cn, "_acts", None)
    if cached is None:
        cached = {}
        for kind, patterns in (("fulfil", cn.fulfilled_by), ("breach", cn.violated_by),
                               ("honour", cn.honoured_by), ("discharge", cn.discharged_by)):
            for p in patterns:
                cached.setdefault(p.on, []).append((kind, p))
        object.__setattr__(cn, "_acts", cached)
    return cached


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def _attribute_day(e: Event, name: str) -> date | None:
    """A day the event records as an attribute (a date or ``YYYY-MM-DD``); None when absent or not a day."""
    return day_or_none(e.attributes.get(name))


def day_latest(e: Event) -> date:
    """The last possible day of an event: its ``date_latest`` when the record knows the day only within a range
    (the event is dated on the first possible day), else its date."""
    latest = _attribute_day(e, "date_latest")
    return latest if latest is not None and latest > e.date else e.date


def _match(p: CompiledPattern, c: Context) -> bool | None:
    if p.when is None:
        return True
    return p.when(c)


def _unknown_text(p: CompiledPattern, c: Context) -> str:
    if p.when is None:
        return "it applies"
    _, unknown = p.when.failing(c)
    return " and ".join(unknown) if unknown else p.when.text


def _open_parts(when: Any, c: Context) -> tuple[Part, ...]:
    """The parts of an act's condition that the record leaves open on ``c``, with the values behind them."""
    return tuple(x for x in when.explain(c) if x.value is None)
