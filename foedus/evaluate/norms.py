"""Norm instances as of a date: standing duties from entry into force, triggered duties from the
events that trigger them, each moved along its declared state machine by acts and by time."""

from __future__ import annotations

from datetime import date, timedelta

from foedus.compile.compiler import CompiledNorm, CompiledPattern, CompiledTreaty
from foedus.compile.conditions import Context, Facts
from foedus.dates import AmbiguousDate, add
from foedus.errors import FoedusError, Location
from foedus.evaluate import machines
from foedus.evaluate.results import Change, Finding, LifecycleResult, NormInstance, TriggerCheck
from foedus.model.events import Event, vocabulary

_OPEN = ("active", "held")


class _Instance:
    """An instance with what evaluation needs beside its public record."""

    __slots__ = ("cnorm", "machine", "record", "trigger")

    def __init__(self, cnorm: CompiledNorm, record: NormInstance, trigger: Event | None):
        self.cnorm = cnorm
        self.record = record
        self.trigger = trigger
        self.machine = machines.BY_KIND[cnorm.norm.kind]

    def move(self, on: date, when: str, because: str, events: tuple[str, ...] = ()) -> None:
        t = self.machine.step(self.record.state, when)
        self.record.history.append(Change(on, self.record.id, self.record.state, t.target, because, events,
                                          self.cnorm.norm.article))
        self.record.state = t.target
        if t.target in self.machine.final and self.record.ended_on is None and t.target != "violated":
            self.record.ended_on = on


def _others(parties: tuple[str, ...], who: str) -> list[str]:
    return [p for p in parties if p != who]


def evaluate_norms(ct: CompiledTreaty, events: tuple[Event, ...], lifecycle: LifecycleResult, facts: Facts,
                   as_of: date) -> tuple[list[NormInstance], list[TriggerCheck]]:
    parties = ct.parties
    reading = ct.reading.as_dict()
    instances: list[_Instance] = []
    checks: list[TriggerCheck] = []
    eif, ends = lifecycle.entry_into_force, lifecycle.ends_on
    norms = [n for n in ct.norms if n.exists]

    def ctx(on: date, event: Event | None, inst: _Instance | None = None,
            bindings: dict[str, object] | None = None) -> Context:
        b = dict(bindings or {})
        if inst is not None:
            b.update(inst.record.bindings)
            b["bearer"], b["counterparty"] = inst.record.bearer, inst.record.counterparty
        return Context(date=on, facts=facts, parties=parties, reading=reading, event=event,
                       trigger=inst.trigger if inst else None, bindings=b)

    def new(cnorm: CompiledNorm, bearer: str, counterparty: str, on: date, trigger: Event | None,
            bindings: dict[str, str]) -> _Instance:
        norm = cnorm.norm
        suffix = f"/{trigger.date.isoformat()}" if trigger else ""
        iid = f"{norm.id}/{bearer}{suffix}"
        taken = {i.record.id for i in instances}
        n = 2
        while iid in taken:
            iid, n = f"{norm.id}/{bearer}{suffix}#{n}", n + 1
        deadline = None
        if cnorm.deadline is not None and trigger is not None:
            try:
                last = add(trigger.date, cnorm.deadline, ct.lifecycle.rounding)
            except AmbiguousDate as exc:
                i = next(j for j, other in enumerate(ct.treaty.norms) if other.id == norm.id)
                where = ct.smap.locate(("norms", i, "deadline")) if ct.smap else Location(ct.file)
                raise FoedusError(f"{ct.id}: the deadline of {iid}: {exc}", where=where,
                                  expected="lifecycle.date_rounding: up or down") from None
            deadline = last if cnorm.deadline_inclusive else last - timedelta(days=1)
            deadline = max(deadline, trigger.date)
        record = NormInstance(
            id=iid, norm=norm.id, kind=norm.kind, article=norm.article, paragraph=norm.paragraph,
            category=norm.category, summary=norm.summary, bearer=bearer, counterparty=counterparty,
            state=machines.BY_KIND[norm.kind].initial, created_on=on,
            trigger_event=trigger.id if trigger else None, deadline=deadline, bindings=bindings)
        because = (f"triggered by {trigger.type} ({trigger.id})" if trigger
                   else "in effect from the treaty's entry into force")
        record.history.append(Change(on, iid, "—", record.state, because, (trigger.id,) if trigger else (),
                                     norm.article))
        inst = _Instance(cnorm, record, trigger)
        instances.append(inst)
        return inst

    def resolve(value: str, expr: object, c: Context, bearer: str | None = None) -> list[str] | None:
        if value == "each party" or value == "all parties":
            return list(parties)
        if value in ("the other party", "the other parties"):
            if bearer is None:
                return None
            return _others(parties, bearer)
        if value in parties:
            return [value]
        result = expr(c) if callable(expr) else None
        if result is None:
            return None
        return list(result) if isinstance(result, list) else [str(result)]

    # Standing norms come into effect with the treaty.
    if eif is not None and eif <= as_of:
        for cnorm in norms:
            if cnorm.trigger_on:
                continue
            c = ctx(eif, None)
            for bearer in resolve(cnorm.bearer, cnorm.bearer_expr, c) or []:
                counter = resolve(cnorm.counterparty, cnorm.counterparty_expr, c, bearer) or []
                new(cnorm, bearer, ", ".join(counter), eif, None, {})

    def advance(until: date) -> None:
        """Fire every time-driven transition dated on or before ``until``, in date order."""
        pending: list[tuple[date, int, _Instance | None]] = []
        for inst in instances:
            d = inst.record.deadline
            if inst.record.state == "active" and d is not None:
                pending.append((d + timedelta(days=1), 0, inst))
        if ends is not None:
            pending.append((ends, 1, None))
        for on, _, due in sorted(pending, key=lambda p: (p[0], p[1], p[2].record.id if p[2] else "")):
            if on > until:
                break
            if due is not None:
                inst = due
                if inst.record.state != "active" or (ends is not None and on >= ends):
                    continue
                silent = inst.cnorm.norm.silence == "undetermined"
                inst.move(on, "deadline passes, record silent" if silent else "deadline passes",
                          f"no fulfilling act on record by {inst.record.deadline}"
                          + (" (the record is not complete on this point)" if silent else ""))
            else:
                end_of_treaty(on)

    ended = False

    def end_of_treaty(on: date) -> None:
        nonlocal ended
        if ended:
            return
        ended = True
        for inst in instances:
            state = inst.record.state
            standing = inst.trigger is None
            if state in _OPEN:
                when = "term of duty ends" if standing else "treaty ends"
                if inst.machine.can(state, when):
                    inst.move(on, when, f"the treaty ended on {on}")
                elif inst.machine.can(state, "term of duty ends"):
                    inst.move(on, "term of duty ends", f"the treaty ended on {on}")

    # The event types each norm weighs, so that other events skip it without building a context.
    weighed = {n.id: {p.on for p in (*n.fulfilled_by, *n.violated_by, *n.honoured_by, *n.discharged_by)}
               for n in norms}

    def weigh(inst: _Instance, e: Event) -> None:
        cn = inst.cnorm
        if e.type not in weighed[cn.id]:
            return
        rec = inst.record
        c = ctx(e.date, e, inst)
        for kind, patterns in (("fulfil", cn.fulfilled_by), ("breach", cn.violated_by),
                               ("honour", cn.honoured_by), ("discharge", cn.discharged_by)):
            for p in patterns:
                if p.on != e.type:
                    continue
                verdict = _match(p, c)
                if verdict is False:
                    continue
                says = p.says or f"{e.type} ({e.id})"
                if verdict is None:
                    rec.findings.append(Finding(e.date, e.id, "undetermined",
                                                f"{says}: cannot tell from the record whether "
                                                + _unknown_text(p, c)))
                    continue
                _apply(inst, kind, e, says)

    def _apply(inst: _Instance, kind: str, e: Event, says: str) -> None:
        rec = inst.record
        state = rec.state
        if kind == "fulfil":
            if rec.kind == "power":
                verdicts = [n.verdict for n in lifecycle.notices if n.event == e.id]
                if verdicts and "timely" not in verdicts:
                    # The lifecycle gave this notice no effect (late, and it lapses): no valid exercise.
                    rec.findings.append(Finding(e.date, e.id, "late", f"{says} — given late, without effect"))
                    return
                rec.findings.append(Finding(e.date, e.id, "exercised", says))
                if inst.machine.can(state, "valid exercise"):
                    inst.move(e.date, "valid exercise", says, (e.id,))
            elif state == "active" and (rec.deadline is None or e.date <= rec.deadline):
                rec.findings.append(Finding(e.date, e.id, "fulfilled", says))
                inst.move(e.date, "fulfilling act", says, (e.id,))
            else:
                rec.findings.append(Finding(e.date, e.id, "late", f"{says} — after the deadline {rec.deadline}"))
        elif kind == "breach":
            rec.findings.append(Finding(e.date, e.id, "breached", says))
            if inst.machine.can(state, "breaching act"):
                inst.move(e.date, "breaching act", says, (e.id,))
        elif kind == "honour":
            rec.findings.append(Finding(e.date, e.id, "honoured", says))
        elif kind == "discharge":
            rec.findings.append(Finding(e.date, e.id, "discharged", says))
            if inst.machine.can(state, "discharging act"):
                inst.move(e.date, "discharging act", says, (e.id,))

    triggered = [n for n in norms if n.trigger_on]
    vocab = vocabulary()
    for e in events:
        if e.treaty is not None and e.treaty != ct.id and vocab[e.type].scope == "act":
            continue
        advance(e.date)
        in_force = lifecycle.in_force_on(e.date)
        if in_force:
            for inst in list(instances):
                weigh(inst, e)
        for cnorm in triggered:
            if e.type not in cnorm.trigger_on:
                continue
            if not in_force:
                checks.append(TriggerCheck(cnorm.id, e.id, e.date, "treaty not in force", (), ()))
                continue
            base = ctx(e.date, e)
            bindings = {name: f(base) for name, f in cnorm.bind}
            c = ctx(e.date, e, bindings=bindings)
            verdict = cnorm.trigger_when(c) if cnorm.trigger_when else True
            if verdict is not True:
                false, unknown = cnorm.trigger_when.failing(c) if cnorm.trigger_when else ([], [])
                checks.append(TriggerCheck(cnorm.id, e.id, e.date,
                                           "not triggered" if verdict is False else "undetermined",
                                           tuple(false), tuple(unknown)))
                continue
            str_bind = {k: str(v) for k, v in bindings.items() if v is not None}
            for bearer in resolve(cnorm.bearer, cnorm.bearer_expr, c) or []:
                counter = resolve(cnorm.counterparty, cnorm.counterparty_expr, c, bearer) or []
                new(cnorm, bearer, ", ".join(counter), e.date, e, str_bind)
    advance(as_of)
    return [i.record for i in instances], checks


def _match(p: CompiledPattern, c: Context) -> bool | None:
    if p.when is None:
        return True
    return p.when(c)


def _unknown_text(p: CompiledPattern, c: Context) -> str:
    if p.when is None:
        return "it applies"
    _, unknown = p.when.failing(c)
    return " and ".join(unknown) if unknown else p.when.text
