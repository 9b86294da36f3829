"""Model + reading → compiled treaty: every reading resolved, durations parsed, conditions compiled,
every reference checked. Evaluation never looks at the raw model again."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from foedus.compile.conditions import Compiled, ConditionCompiler, Context, Operand, Part, explain_parts
from foedus.compile.readings import Reading, choose_reading
from foedus.compile.states import StateRegistry
from foedus.dates import Duration, Rounding
from foedus.errors import FoedusError, Location, expected_one_of
from foedus.immutable import Immutable
from foedus.model.events import State, Vocabulary, vocabulary
from foedus.model.general_law import general_points, reading_points
from foedus.model.treaty import ActPattern, DateAttribute, Instrument, Norm, Notice, ReadingRef, Treaty, Withdrawal
from foedus.parse.located_yaml import SourceMap


@dataclass(frozen=True)
class Condition:
    text: str
    test: Compiled
    parts: tuple[tuple[str, Compiled], ...]  # top-level `and` parts, for explanations
    # compiles the names, calls and comparisons of one part on their own (for explain); done on first use
    operands_of: Callable[[str], tuple[Operand, ...]] | None = field(default=None, compare=False, repr=False)
    _operands: list[tuple[Operand, ...]] = field(default_factory=list, compare=False, repr=False)

    def __call__(self, ctx: Context) -> bool | None:
        value = self.test(ctx)
        return None if value is None else bool(value)

    def explain(self, ctx: Context) -> tuple[Part, ...]:
        """The parts that are false or unknown on ``ctx``, with the values and the facts behind each."""
        if not self._operands and self.operands_of is not None:
            self._operands.extend(self.operands_of(text) for text, _ in self.parts)
        operands = self._operands or [() for _ in self.parts]
        return explain_parts(self.parts, operands, ctx)

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
    ends_with: tuple[CompiledPattern, ...]
    exists: bool  # false when the chosen reading removes the norm (applies_when)
    deadline_until: DateAttribute | None = None  # the day the trigger records that bounds the deadline

    @property
    def id(self) -> str:
        return self.norm.id


@dataclass(frozen=True)
class NoticeRule(Immutable):
    """A notice that stops a tacit extension (``Notice`` compiled)."""

    period: Duration
    inclusive: bool
    opens: Duration | None
    late: str  # next_term | lapses
    effect: str  # party_leaves | treaty_ends
    form: str
    to: str | None
    counts: str
    article: str | None


@dataclass(frozen=True)
class WithdrawalRule:
    """A party's power to leave by notice (``Withdrawal`` compiled)."""

    notice: Duration
    opens: str | Duration  # "entry_into_force", "term", or a duration after entry into force
    form: str
    to: str | None
    counts: str
    article: str | None


@dataclass(frozen=True)
class Terms(Immutable):
    """The lifecycle values that later instruments may change. The treaty's lifecycle is a dated series
    of these: the original values from entry into force, then one version per instrument in force."""

    term: Duration | None
    term_from: str | date  # entry_into_force | signature | instrument | a date
    extension: Duration | None
    extensions_limit: int | None
    after_term: str
    notice: NoticeRule | None
    withdrawal: WithdrawalRule | None
    minimum_parties: int
    accession: str | tuple[str, ...]
    ends_on: date | None = None


@dataclass(frozen=True)
class CompiledInstrument:
    instrument: Instrument
    consent: str | int
    changes: dict[str, Any]  # Terms field -> new value
    parties_added: tuple[str, ...]
    parties_removed: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.instrument.id


@dataclass(frozen=True)
class CompiledLifecycle(Immutable):
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
    ended_on: Any
    rounding: Rounding
    article: str | None
    notice_article: str | None
    after_term: str = "expires"
    base: Terms | None = None
    instruments_required: str | int | None = None
    delay: Duration | None = None
    later_parties: Duration | None = None  # None: bound on deposit
    depositary: str | None = None
    amendment_consent: str | int = "all"
    on_leaving: str = "discharged"
    supersedes: tuple[str, ...] = ()
    instruments: dict[str, CompiledInstrument] = field(default_factory=dict)
    accession_condition: Condition | None = None
    continues_while: Condition | None = None

    @property
    def terms(self) -> Terms:
        assert self.base is not None
        return self.base


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
    vocabulary: Vocabulary = field(default_factory=vocabulary)  # built-in event types and those it declares

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
    values = {p.id: p.options[chosen.option(p.id)].value for p in reading_points(treaty)}

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

    lc = _resolved(treaty.lifecycle, values, ("lifecycle",), locate)

    def choice(value: Any, path: tuple[str | int, ...], allowed: tuple[str, ...]) -> str:
        got = str(resolve(value, path))
        if got not in allowed:
            raise FoedusError(f"the reading gives {path[-1]} the value {got!r}", where=locate(path),
                              expected="one of " + ", ".join(allowed))
        return got

    def notice_rule(n: Notice | None, path: tuple[str | int, ...]) -> NoticeRule | None:
        if n is None:
            return None
        period = duration(n.period, (*path, "period"))
        assert period is not None
        return NoticeRule(period=period, inclusive=bool(known(n.last_day_included)),
                          opens=duration(n.opens, (*path, "opens")),
                          late=choice(n.late, (*path, "late"), ("next_term", "lapses", "withdrawal")),
                          effect=choice(n.effect, (*path, "effect"), ("party_leaves", "treaty_ends")),
                          form=str(known(n.form)), to=known(n.to), counts=str(known(n.counts)),
                          article=n.article or lc.article)

    def withdrawal_rule(w: Withdrawal | None, path: tuple[str | int, ...]) -> WithdrawalRule | None:
        if w is None:
            return None
        notice = duration(w.notice, (*path, "notice"))
        assert notice is not None
        raw = str(known(w.opens))
        opens: str | Duration = raw if raw in ("entry_into_force", "term") else Duration.parse(raw)
        return WithdrawalRule(notice=notice, opens=opens, form=str(known(w.form)), to=known(w.to),
                              counts=str(known(w.counts)), article=w.article or lc.article)

    party_ids = tuple(p.id for p in treaty.parties)

    def minimum(value: int, path: tuple[str | int, ...]) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise FoedusError(f"minimum_parties is {value!r}", where=locate(path), expected="a whole number ≥ 0")
        return value

    def accession(value: Any, path: tuple[str | int, ...]) -> str | tuple[str, ...]:
        if isinstance(value, list):
            for i, name in enumerate(value):
                if registry.canonical(str(name)) is None:
                    raise FoedusError(f"accession names an unknown state {name!r}", where=locate((*path, i)),
                                      expected="a party id of this model (declare it with original: false)")
            return tuple(str(v) for v in value)
        return str(value)

    limit = resolve(lc.extensions_limit, ("lifecycle", "extensions_limit"))
    if limit is not None and not isinstance(limit, int):
        raise FoedusError(f"the reading gives extensions_limit the value {limit!r}",
                          where=locate(("lifecycle", "extensions_limit")), expected="a whole number or null")
    base = Terms(
        term=duration(lc.term, ("lifecycle", "term")),
        term_from=choice(lc.term_from, ("lifecycle", "term_from"), ("entry_into_force", "signature")),
        extension=duration(lc.extension, ("lifecycle", "extension")),
        extensions_limit=limit,
        after_term=str(known(lc.after_term)),
        notice=notice_rule(lc.notice, ("lifecycle", "notice")),
        withdrawal=withdrawal_rule(lc.withdrawal, ("lifecycle", "withdrawal")),
        minimum_parties=minimum(known(lc.minimum_parties), ("lifecycle", "minimum_parties")),
        accession=accession(lc.accession, ("lifecycle", "accession")),
    )
    instruments: dict[str, CompiledInstrument] = {}
    for i, ins in enumerate(treaty.instruments):
        path: tuple[str | int, ...] = ("instruments", i)
        if ins.id in instruments:
            raise FoedusError(f"instrument id {ins.id!r} is used twice", where=locate((*path, "id")),
                              expected="unique instrument ids")
        ch = _resolved(ins.changes, values, (*path, "changes"), locate)
        changes: dict[str, Any] = {}
        for key in ("term", "extension"):
            value = getattr(ch, key)
            if value is not None:
                changes[key] = None if value == "none" else Duration.parse(str(known(value)))
        for key in ("term_from", "extensions_limit", "after_term", "ends_on", "minimum_parties"):
            if getattr(ch, key) is not None:
                changes[key] = getattr(ch, key)
        if ch.notice is not None:
            changes["notice"] = None if ch.notice == "none" else notice_rule(ch.notice, (*path, "changes", "notice"))
        if ch.withdrawal is not None:
            changes["withdrawal"] = (None if ch.withdrawal == "none"
                                     else withdrawal_rule(ch.withdrawal, (*path, "changes", "withdrawal")))
        if ch.accession is not None:
            changes["accession"] = accession(ch.accession, (*path, "changes", "accession"))
        for key in ("parties_added", "parties_removed"):
            for j, pid in enumerate(getattr(ch, key)):
                if pid not in party_ids:
                    raise FoedusError(f"instrument {ins.id!r} names unknown party {pid!r}",
                                      where=locate((*path, "changes", key, j)),
                                      expected="a party id of this model (one of " + ", ".join(party_ids) + ")")
        instruments[ins.id] = CompiledInstrument(
            instrument=ins, consent=_consent(ins.consent if ins.consent is not None else lc.amendment_consent),
            changes=changes, parties_added=tuple(ch.parties_added), parties_removed=tuple(ch.parties_removed))
    for j, tid in enumerate(lc.supersedes):
        if tid == treaty.id:
            raise FoedusError("a treaty cannot supersede itself", where=locate(("lifecycle", "supersedes", j)),
                              expected="the id of an earlier treaty")
    later = None if lc.later_parties == "on_deposit" else Duration.parse(str(known(lc.later_parties)))
    points_of = {p.id: set(p.options) for p in reading_points(treaty)}
    accession_condition = None
    if lc.accession_condition:
        cc0 = ConditionCompiler(treaty.id, party_ids, registry, points_of, Location(file))
        accession_condition = _condition(cc0, lc.accession_condition.when, set(),
                                         locate(("lifecycle", "accession_condition", "when")))
    continues_while = None
    if lc.continues_while:
        cc1 = ConditionCompiler(treaty.id, party_ids, registry, points_of, Location(file))
        continues_while = _condition(cc1, lc.continues_while.when, set(),
                                     locate(("lifecycle", "continues_while", "when")))
    lifecycle = CompiledLifecycle(
        entry_into_force=choice(lc.entry_into_force, ("lifecycle", "entry_into_force"),
                                ("ratification_by_all", "exchange_of_instruments", "signature", "fixed_date",
                                 "deposit")),
        entry_into_force_on=lc.entry_into_force_on,
        term=base.term,
        term_from=str(base.term_from),
        in_force_on_expiry_date=bool(known(lc.in_force_on_expiry_date)),
        extension=base.extension,
        extensions_limit=base.extensions_limit,
        notice_period=base.notice.period if base.notice else None,
        notice_inclusive=base.notice.inclusive if base.notice else True,
        late_notice=base.notice.late if base.notice else "lapses",
        ended_on=lc.ended_on,
        rounding=lc.date_rounding,
        article=lc.article,
        notice_article=(base.notice.article or lc.article) if base.notice else lc.article,
        after_term=base.after_term,
        base=base,
        instruments_required=known(lc.instruments_required),
        delay=duration(lc.delay, ("lifecycle", "delay")),
        later_parties=later,
        depositary=lc.depositary,
        amendment_consent=_consent(lc.amendment_consent),
        on_leaving=str(known(lc.on_leaving)),
        supersedes=tuple(lc.supersedes),
        instruments=instruments,
        accession_condition=accession_condition,
        continues_while=continues_while,
    )
    if lifecycle.entry_into_force == "fixed_date" and lc.entry_into_force_on is None:
        raise FoedusError("entry_into_force: fixed_date needs entry_into_force_on", where=locate(("lifecycle",)),
                          expected="lifecycle.entry_into_force_on: YYYY-MM-DD")
    if lifecycle.entry_into_force == "deposit" and lc.instruments_required is None:
        raise FoedusError("entry_into_force: deposit needs instruments_required", where=locate(("lifecycle",)),
                          expected="lifecycle.instruments_required: a number, majority or two_thirds")


    for i, s in enumerate(treaty.signatories):
        if s.party not in party_ids:
            raise FoedusError(f"signatory {s.name!r} signs for unknown party {s.party!r}",
                              where=locate(("signatories", i, "party")), expected="one of " + ", ".join(party_ids))
    articles = {a.id for a in treaty.articles}
    points = {p.id: set(p.options) for p in reading_points(treaty)}
    cc = ConditionCompiler(treaty.id, party_ids, registry, points, Location(file))
    norms = []
    vocab = treaty_vocabulary(treaty, smap, file)
    seen: dict[str, int] = {}
    for i, norm in enumerate(treaty.norms):
        if norm.id in seen:
            raise FoedusError(f"norm id {norm.id!r} is used twice", where=locate(("norms", i, "id")),
                              expected="unique norm ids")
        seen[norm.id] = i
        if articles and norm.article and norm.article not in articles:
            raise FoedusError(f"norm {norm.id!r} names article {norm.article!r}, which the text does not have",
                              where=locate(("norms", i, "article")), expected="one of " + ", ".join(sorted(articles)))
        for key, refs in (("introduced_by", [norm.introduced_by] if norm.introduced_by else []),
                          ("ended_by", norm.ended_by)):
            for ref in refs:
                if ref not in instruments:
                    raise FoedusError(f"norm {norm.id!r} names instrument {ref!r}, which the model does not declare",
                                      where=locate(("norms", i, key)),
                                      expected="the id of an instrument under `instruments:`")
        until = norm.deadline.until if norm.deadline is not None else None
        if isinstance(until, ReadingRef):
            until = _date_attribute(resolve(until, ("norms", i, "deadline", "until")),
                                    locate(("norms", i, "deadline", "until")))
        norms.append(_compile_norm(norm, i, cc, locate, duration, party_ids, chosen.as_dict(), vocab, until))
    return CompiledTreaty(treaty=treaty, reading=chosen, lifecycle=lifecycle, norms=tuple(norms),
                          registry=registry, file=file, smap=smap, vocabulary=vocab)


def vocabulary_of(treaties: Iterable[Treaty], sources: Mapping[str, tuple[str, SourceMap]] | None = None
                  ) -> Vocabulary:
    """The event types a timeline read for ``treaties`` may use: the built-in ones and every treaty's own
    (``sources``: each treaty's file and source map, to locate errors)."""
    vocab = vocabulary()
    for treaty in treaties:
        if treaty.event_types:
            file, smap = (sources or {}).get(treaty.id, (treaty.id, None))
            vocab = vocab.merged(treaty_vocabulary(treaty, smap, file), Location(file))
    return vocab


def treaty_vocabulary(treaty: Treaty, smap: SourceMap | None = None, file: str | None = None) -> Vocabulary:
    """The built-in event types and those ``treaty`` declares under `event_types:`, checked like them."""
    if not treaty.event_types:
        return vocabulary()
    return vocabulary().extended(treaty.event_types, where=Location(file or treaty.id), smap=smap,
                                 path=("event_types",))


M = TypeVar("M", bound=BaseModel)
V = TypeVar("V")


def _consent(value: object) -> str | int:
    assert isinstance(value, str | int)
    return value


def known(value: V | ReadingRef) -> V:
    """A value after the readings were resolved (``_resolved``): never a ``{reading: …}`` any more."""
    assert not isinstance(value, ReadingRef)
    return value


def _resolved(model: M, values: dict[str, Any], path: tuple[str | int, ...], locate: Any) -> M:
    """``model`` with every ``{reading: POINT}`` replaced by the chosen option's value, checked again by the
    model's own rules (so an option's value of the wrong kind is an error at the reading's place)."""
    substituted: list[tuple[tuple[str | int, ...], str]] = []

    def walk(value: Any, where: tuple[str | int, ...]) -> Any:
        if isinstance(value, dict):
            if set(value) == {"reading"} and isinstance(value["reading"], str):
                point = value["reading"]
                if point not in values:
                    raise FoedusError(f"unknown reading point {point!r}", where=locate((*path, *where)),
                                      expected="a point declared under `readings:`")
                substituted.append((where, point))
                return values[point]
            return {k: walk(v, (*where, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, (*where, i)) for i, v in enumerate(value)]
        return value

    raw = model.model_dump(by_alias=True, exclude_unset=True)
    resolved = walk(raw, ())
    if not substituted:
        return model
    try:
        return type(model).model_validate(resolved)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if isinstance(p, int) or not str(p).startswith(("function-", "union[")))
        at = next(((w, pt) for w, pt in substituted if tuple(loc[:len(w)]) == w), substituted[0])
        raise FoedusError(f"the reading's option at {at[1]!r} gives {'.'.join(map(str, at[0]))} a value it cannot "
                          f"take ({err['msg']})", where=locate((*path, *at[0])),
                          expected="an option value of the field's kind") from None


def _check_named_readings(treaty: Treaty, smap: SourceMap | None, file: str) -> None:
    """Every named reading must choose declared options, whichever reading is compiled."""
    general = {p.id: p for p in general_points()}
    for point, option in treaty.general_law.items():
        where = smap.locate(("general_law", point)) if smap else Location(file)
        if point not in general:
            raise FoedusError(f"general_law names an unknown reading point {point!r}", where=where,
                              expected="one of " + ", ".join(general))
        if option not in general[point].options:
            raise FoedusError(f"general_law: {option!r} is not an option of {point!r}", where=where,
                              expected="one of " + ", ".join(general[point].options))
    own = {p.id: list(p.options) for p in treaty.readings}
    options = {**{k: list(v.options) for k, v in general.items()}, **own}
    for i, named in enumerate(treaty.named_readings):
        for point, option in named.choose.items():
            where = smap.locate(("named_readings", i, "choose", point)) if smap else Location(file)
            if point not in options:
                raise FoedusError(f"named reading {named.id!r} names an unknown reading point {point!r}",
                                  where=where, expected="one of " + ", ".join(own) if own
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
    return Condition(text=text, test=whole, parts=parts,
                     operands_of=lambda part: cc.operands(part, names, where))


def _date_attribute(value: Any, where: Location) -> DateAttribute | None:
    """A reading's value for ``deadline.until``: null, or ``{attribute: …, latest: …}``."""
    if value is None or isinstance(value, DateAttribute):
        return value
    try:
        return DateAttribute.model_validate(value)
    except ValidationError:
        raise FoedusError(f"the reading gives deadline.until the value {value!r}", where=where,
                          expected="null or {attribute: NAME, latest: NAME}") from None


def _compile_norm(norm: Norm, i: int, cc: ConditionCompiler, locate: Any, duration: Any,
                  party_ids: tuple[str, ...], options: dict[str, str], vocab: Vocabulary,
                  until: DateAttribute | None = None) -> CompiledNorm:
    base: tuple[str | int, ...] = ("norms", i)
    names = {"bearer", "counterparty"}
    bind: list[tuple[str, Compiled]] = []
    trigger_when = None
    if norm.trigger is not None:
        for on in trigger_types(norm):
            if on not in vocab:
                raise FoedusError(f"norm {norm.id!r} is triggered by unknown event type {on!r}",
                                  where=locate((*base, "trigger", "on")),
                                  expected=expected_one_of(on, list(vocab), "an event type"))
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

    def patterns(key: str, items: list[ActPattern], scope: set[str] | None = None) -> tuple[CompiledPattern, ...]:
        out = []
        for j, p in enumerate(items):
            if p.on not in vocab:
                raise FoedusError(f"unknown event type {p.on!r} in {key} of norm {norm.id!r}",
                                  where=locate((*base, key, j, "on")),
                                  expected=expected_one_of(p.on, list(vocab), "an event type"))
            when = _condition(cc, p.when, names if scope is None else scope,
                              locate((*base, key, j, "when"))) if p.when else None
            out.append(CompiledPattern(on=p.on, when=when, says=p.says))
        return tuple(out)

    deadline = None
    inclusive = True
    if norm.deadline is not None:
        deadline = duration(norm.deadline.within, (*base, "deadline", "within"))
        inclusive = norm.deadline.last_day_included
    if norm.deadline is not None and isinstance(norm.deadline.until, DateAttribute):
        until = norm.deadline.until
    exists = True
    if norm.applies_when:
        test = cc.compile(norm.applies_when, set(), locate((*base, "applies_when")))
        ctx = Context(date=date.min, facts=_NoFacts(), parties=party_ids, reading=options)
        exists = bool(test(ctx))
    if norm.kind == "obligation" and norm.trigger is not None and deadline is None and until is None \
            and not norm.fulfilled_by:
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
        ends_with=patterns("ends_with", norm.ends_with, scope=set()),  # the norm ends for every party at once
        exists=exists, deadline_until=until,
    )


class _NoFacts:
    def allied(self, a: str, b: str, on: Any) -> None:
        return None

    def united_with(self, a: str, b: str, on: Any) -> None:
        return None

    def at_war(self, a: str, b: str, on: Any) -> None:
        return None

    def in_war(self, a: str, on: Any) -> None:
        return None
