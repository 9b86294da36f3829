"""Model + reading → compiled treaty: every reading resolved, durations parsed, conditions compiled,
every reference checked. Evaluation never looks at the raw model again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from foedus.compile.conditions import Compiled, ConditionCompiler, Context
from foedus.compile.readings import Reading, choose_reading
from foedus.compile.states import StateRegistry
from foedus.dates import Duration, Rounding
from foedus.errors import FoedusError, Location
from foedus.model.events import State, vocabulary
from foedus.model.treaty import ActPattern, Norm, ReadingRef, Treaty
from foedus.parse.located_yaml import SourceMap


@dataclass(frozen=True)
class Condition:
    text: str
    test: Compiled
    parts: tuple[tuple[str, Compiled], ...]  # top-level `and` parts, for explanations

    def __call__(self, ctx: Context) -> bool | None:
        value = self.test(ctx)
        return None if value is None else bool(value)

    def failing(self, ctx: Context) -> tuple[list[str], list[str]]:
        """The parts that are false, and those that are unknown."""
        false, unknown = [], []
        for text, part in self.parts:
            value = part(ctx)
            if value is None:
                unknown.append(text)
            elif not value:
                false.append(text)
        return false, unknown


@dataclass(frozen=True)
class CompiledPattern:
    on: str
    when: Condition | None
    says: str | None


@dataclass(frozen=True)
class CompiledNorm:
    norm: Norm
    bearer: str  # "each party", a party id, or a binding/expression
    bearer_expr: Compiled | None
    counterparty: str
    counterparty_expr: Compiled | None
    trigger_on: tuple[str, ...]
    trigger_when: Condition | None
    bind: tuple[tuple[str, Compiled], ...]
    deadline: Duration | None
    deadline_inclusive: bool
    fulfilled_by: tuple[CompiledPattern, ...]
    honoured_by: tuple[CompiledPattern, ...]
    violated_by: tuple[CompiledPattern, ...]
    discharged_by: tuple[CompiledPattern, ...]
    exists: bool  # false when the chosen reading removes the norm (applies_when)

    @property
    def id(self) -> str:
        return self.norm.id


@dataclass(frozen=True)
class CompiledLifecycle:
    entry_into_force: str
    entry_into_force_on: Any
    term: Duration | None
    term_from: str
    in_force_on_expiry_date: bool
    extension: Duration | None
    extensions_limit: int | None
    notice_period: Duration | None
    notice_inclusive: bool
    late_notice: str
    withdrawal_notice: Duration | None
    ended_on: Any
    rounding: Rounding
    article: str | None
    notice_article: str | None
    after_term: str = "expires"


@dataclass
class CompiledTreaty:
    treaty: Treaty
    reading: Reading
    lifecycle: CompiledLifecycle
    norms: tuple[CompiledNorm, ...]
    registry: StateRegistry
    file: str
    smap: SourceMap | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.treaty.id

    @property
    def parties(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.treaty.parties)


def party_states(treaty: Treaty) -> list[State]:
    return [State(id=p.id, name=p.name, cow=p.cow, iso3=p.iso3) for p in treaty.parties]


def compile_treaty(treaty: Treaty, reading: list[str] | str | None = None, *, smap: SourceMap | None = None,
                   file: str | None = None, registry: StateRegistry | None = None) -> CompiledTreaty:
    file = file or (smap.file if smap else treaty.id)
    _check_named_readings(treaty, smap, file)
    chosen = choose_reading(treaty, reading, file)
    values = {p.id: p.options[chosen.option(p.id)].value for p in treaty.readings}

    def locate(path: tuple[str | int, ...]) -> Location:
        return smap.locate(path) if smap else Location(file)

    if registry is None:
        registry = StateRegistry()
        for state in party_states(treaty):
            registry.add(state)

    def resolve(value: Any, path: tuple[str | int, ...]) -> Any:
        if isinstance(value, ReadingRef):
            if value.reading not in values:
                raise FoedusError(f"unknown reading point {value.reading!r}", where=locate(path),
                                  expected="a point declared under `readings:`")
            return values[value.reading]
        return value

    def duration(value: Any, path: tuple[str | int, ...]) -> Duration | None:
        value = resolve(value, path)
        if value is None:
            return None
        try:
            return Duration.parse(str(value))
        except ValueError:
            raise FoedusError(f"not a duration: {value!r}", where=locate(path),
                              expected="e.g. '30 years' or '7 days'") from None

    lc = treaty.lifecycle
    notice = lc.notice
    lifecycle = CompiledLifecycle(
        entry_into_force=str(resolve(lc.entry_into_force, ("lifecycle", "entry_into_force"))),
        entry_into_force_on=lc.entry_into_force_on,
        term=duration(lc.term, ("lifecycle", "term")),
        term_from=str(resolve(lc.term_from, ("lifecycle", "term_from"))),
        in_force_on_expiry_date=lc.in_force_on_expiry_date,
        extension=duration(lc.extension, ("lifecycle", "extension")),
        extensions_limit=lc.extensions_limit,
        notice_period=duration(notice.period, ("lifecycle", "notice", "period")) if notice else None,
        notice_inclusive=notice.last_day_included if notice else True,
        late_notice=str(resolve(notice.late, ("lifecycle", "notice", "late"))) if notice else "lapses",
        withdrawal_notice=duration(lc.withdrawal_notice, ("lifecycle", "withdrawal_notice")),
        ended_on=lc.ended_on,
        rounding=lc.date_rounding,
        article=lc.article,
        notice_article=(notice.article or lc.article) if notice else lc.article,
        after_term=lc.after_term,
    )
    for key, allowed in (("entry_into_force", ("ratification_by_all", "exchange_of_instruments", "signature",
                                              "fixed_date")),
                         ("term_from", ("entry_into_force", "signature")),
                         ("late_notice", ("next_term", "lapses"))):
        if getattr(lifecycle, key) not in allowed:
            raise FoedusError(f"the reading gives {key} the value {getattr(lifecycle, key)!r}",
                              where=locate(("lifecycle",)), expected="one of " + ", ".join(allowed))

    party_ids = tuple(p.id for p in treaty.parties)
    for i, s in enumerate(treaty.signatories):
        if s.party not in party_ids:
            raise FoedusError(f"signatory {s.name!r} signs for unknown party {s.party!r}",
                              where=locate(("signatories", i, "party")), expected="one of " + ", ".join(party_ids))
    articles = {a.id for a in treaty.articles}
    points = {p.id: set(p.options) for p in treaty.readings}
    cc = ConditionCompiler(treaty.id, party_ids, registry, points, Location(file))
    norms = []
    seen: dict[str, int] = {}
    for i, norm in enumerate(treaty.norms):
        if norm.id in seen:
            raise FoedusError(f"norm id {norm.id!r} is used twice", where=locate(("norms", i, "id")),
                              expected="unique norm ids")
        seen[norm.id] = i
        if articles and norm.article and norm.article not in articles:
            raise FoedusError(f"norm {norm.id!r} names article {norm.article!r}, which the text does not have",
                              where=locate(("norms", i, "article")), expected="one of " + ", ".join(sorted(articles)))
        norms.append(_compile_norm(norm, i, cc, locate, duration, party_ids, chosen.as_dict()))
    return CompiledTreaty(treaty=treaty, reading=chosen, lifecycle=lifecycle, norms=tuple(norms),
                          registry=registry, file=file, smap=smap)


def _check_named_readings(treaty: Treaty, smap: SourceMap | None, file: str) -> None:
    """Every named reading must choose declared options, whichever reading is compiled."""
    options = {p.id: list(p.options) for p in treaty.readings}
    for i, named in enumerate(treaty.named_readings):
        for point, option in named.choose.items():
            where = smap.locate(("named_readings", i, "choose", point)) if smap else Location(file)
            if point not in options:
                raise FoedusError(f"named reading {named.id!r} names an unknown reading point {point!r}",
                                  where=where, expected="one of " + ", ".join(options) if options
                                  else "a point declared under `readings:`")
            if option not in options[point]:
                raise FoedusError(f"named reading {named.id!r}: {option!r} is not an option of {point!r}",
                                  where=where, expected="one of " + ", ".join(options[point]))


def split_and(text: str) -> list[str]:
    """Top-level ``and`` parts of a condition (outside brackets and quotes)."""
    parts, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(text):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and text[i:i + 5] == " and " :
            parts.append(text[start:i].strip())
            start = i + 5
            i += 4
        i += 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def trigger_types(norm: Norm) -> tuple[str, ...]:
    if norm.trigger is None:
        return ()
    on = norm.trigger.on
    return tuple(on) if isinstance(on, list) else (on,)


def _condition(cc: ConditionCompiler, text: str, names: set[str], where: Location) -> Condition:
    whole = cc.compile(text, names, where)
    parts = tuple((p, cc.compile(p, names, where)) for p in split_and(text))
    return Condition(text=text, test=whole, parts=parts)


def _compile_norm(norm: Norm, i: int, cc: ConditionCompiler, locate: Any, duration: Any,
                  party_ids: tuple[str, ...], options: dict[str, str]) -> CompiledNorm:
    base: tuple[str | int, ...] = ("norms", i)
    vocab = vocabulary()
    names = {"bearer", "counterparty"}
    bind: list[tuple[str, Compiled]] = []
    trigger_when = None
    if norm.trigger is not None:
        for on in trigger_types(norm):
            if on not in vocab:
                raise FoedusError(f"norm {norm.id!r} is triggered by unknown event type {on!r}",
                                  where=locate((*base, "trigger", "on")), expected="one of " + ", ".join(sorted(vocab)))
        for name, expr in norm.trigger.bind.items():
            bind.append((name, cc.compile(expr, set(), locate((*base, "trigger", "bind", name)))))
            names.add(name)
        if norm.trigger.when:
            trigger_when = _condition(cc, norm.trigger.when, names - {"bearer", "counterparty"},
                                      locate((*base, "trigger", "when")))

    def who(value: str, key: str) -> tuple[str, Compiled | None]:
        if value in ("each party", "the other party", "the other parties", "all parties") or value in party_ids:
            if value == "the other party" and len(party_ids) != 2 and norm.trigger is None:
                raise FoedusError("'the other party' needs a bilateral treaty", where=locate((*base, key)),
                                  expected="'the other parties' for a multilateral treaty")
            return value, None
        return value, cc.compile(value, names - {"bearer", "counterparty"}, locate((*base, key)))

    bearer, bearer_expr = who(norm.bearer, "bearer")
    counterparty, counter_expr = who(norm.counterparty, "counterparty")

    def patterns(key: str, items: list[ActPattern]) -> tuple[CompiledPattern, ...]:
        out = []
        for j, p in enumerate(items):
            if p.on not in vocab:
                raise FoedusError(f"unknown event type {p.on!r} in {key} of norm {norm.id!r}",
                                  where=locate((*base, key, j, "on")), expected="one of " + ", ".join(sorted(vocab)))
            when = _condition(cc, p.when, names, locate((*base, key, j, "when"))) if p.when else None
            out.append(CompiledPattern(on=p.on, when=when, says=p.says))
        return tuple(out)

    deadline = None
    inclusive = True
    if norm.deadline is not None:
        deadline = duration(norm.deadline.within, (*base, "deadline", "within"))
        inclusive = norm.deadline.last_day_included
    exists = True
    if norm.applies_when:
        test = cc.compile(norm.applies_when, set(), locate((*base, "applies_when")))
        ctx = Context(date=date.min, facts=_NoFacts(), parties=party_ids, reading=options)
        exists = bool(test(ctx))
    if norm.kind == "obligation" and norm.trigger is not None and deadline is None and not norm.fulfilled_by:
        raise FoedusError(f"triggered obligation {norm.id!r} has neither a deadline nor acts that fulfil it",
                          where=locate(base), expected="`deadline:` and/or `fulfilled_by:`")
    return CompiledNorm(
        norm=norm, bearer=bearer, bearer_expr=bearer_expr, counterparty=counterparty,
        counterparty_expr=counter_expr, trigger_on=trigger_types(norm),
        trigger_when=trigger_when, bind=tuple(bind), deadline=deadline, deadline_inclusive=inclusive,
        fulfilled_by=patterns("fulfilled_by", norm.fulfilled_by),
        honoured_by=patterns("honoured_by", norm.honoured_by),
        violated_by=patterns("violated_by", norm.violated_by),
        discharged_by=patterns("discharged_by", norm.discharged_by),
        exists=exists,
    )


class _NoFacts:
    def allied(self, a: str, b: str, on: Any) -> None:
        return None

    def united_with(self, a: str, b: str, on: Any) -> None:
        return None

    def at_war(self, a: str, b: str, on: Any) -> None:
        return None
