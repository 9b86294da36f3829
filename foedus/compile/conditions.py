"""Compile condition trees into closures over an evaluation context.

Truth has three values: True, False and None (unknown — the record does not say). ``and``/``or``
follow Kleene's rules, so "not determinable from these events" comes out of the logic itself.
Every name and function is checked here, before any timeline is read.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from foedus.compile.states import StateRegistry
from foedus.errors import FoedusError, Location
from foedus.model.events import Event
from foedus.parse.expressions import (
    And,
    Call,
    Compare,
    Expr,
    ListOf,
    Lit,
    Member,
    Name,
    Not,
    Or,
    names_in,
    parse_expression,
    unparse,
)


class Facts(Protocol):
    """Relations between states on a date, as the evaluation stage derives them. A source may also say what
    made a relation hold (or left it open): ``cite(relation, a, b, on)`` (``b`` is None for ``in_war``),
    a :class:`Cite` or None; explanations use it where a source has it."""

    def allied(self, a: str, b: str, on: date) -> bool | None: ...
    def united_with(self, a: str, b: str, on: date) -> bool | None: ...
    def at_war(self, a: str, b: str, on: date) -> bool | None: ...
    def in_war(self, a: str, on: date) -> bool | None: ...


@dataclass(frozen=True)
class Cite:
    """What made a relation between states hold on a day, or left it open: a treaty (its id) or an event
    (its id) of the record."""

    treaty: str | None = None
    event: str | None = None


@dataclass(frozen=True)
class Part:
    """One top-level part of a condition as evaluation found it on a day: its text, its truth (None: the
    record does not say), the value of each name, call and comparison in it (keyed by the sub-expression as
    :func:`foedus.parse.expressions.unparse` writes it), and what made each relation in it hold."""

    text: str
    value: bool | None
    values: dict[str, Any] = field(default_factory=dict, hash=False)
    cites: dict[str, Cite] = field(default_factory=dict, hash=False)


RELATIONS = ("allied", "united_with", "at_war", "in_war")


@dataclass
class Context:
    date: date
    facts: Facts
    parties: tuple[str, ...]
    reading: dict[str, str]
    event: Event | None = None
    trigger: Event | None = None
    bindings: dict[str, Any] = field(default_factory=dict)


Compiled = Callable[[Context], Any]

FUNCTIONS: dict[str, tuple[int, str]] = {
    "party": (1, "x is a party to this treaty"),
    "other": (1, "the other party of a bilateral treaty"),
    "others": (1, "the parties of this treaty other than x (a list)"),
    "allied": (2, "x and y are allied on the date (an alliance in force between them)"),
    "united_with": (2, "x unites with y: allied, or x's forces are stationed in y (or y's in x)"),
    "at_war": (2, "x and y are in a state of war on the date"),
    "in_war": (1, "x is in a state of war with some state on the date"),
    "reading": (1, "the option chosen at a reading point"),
    "any_party": (1, "some state in the list is a party to this treaty"),
    "party_in": (1, "the party of this treaty among the listed states (unknown if none)"),
    "directed_against": (1, "the event's instrument is directed against x (unknown if the record is silent)"),
    "claimed_directed_against": (1, "a party claimed the event's instrument is directed against x"),
    "has": (1, "the event records the attribute"),
    "includes_all": (2, "every state of ys is in xs (xs and ys: lists, or one state each)"),
}
EVENT_FIELDS = ("actor", "actors", "target", "targets", "date", "type", "treaty", "id")


def _and(a: Any, b: Any) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or(a: Any, b: Any) -> bool | None:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _event_value(event: Event | None, path: tuple[str, ...]) -> Any:
    if event is None:
        return None
    head = path[0]
    if head in EVENT_FIELDS:
        value = getattr(event, head)
        return list(value) if isinstance(value, tuple) else value
    return event.attributes.get(head)  # absent attribute: unknown


def _contains(collection: Any, item: Any) -> bool | None:
    if collection is None or item is None:
        return None
    if isinstance(collection, list | tuple | set):
        if isinstance(item, list):
            return any(i in collection for i in item)
        return item in collection
    return item == collection


# (sub-expression as written, its closure, the closures of a relation's arguments, the relation)
Operand = tuple[str, "Compiled", tuple["Compiled", ...] | None, str | None]


def plain_value(value: Any) -> Any:
    """A value as an explanation keeps it: text, numbers, flags, dates and lists of them; anything else as text."""
    if value is None or isinstance(value, str | bool | int | float | date):
        return value
    if isinstance(value, list | tuple | set):
        return [plain_value(v) for v in value]
    return str(value)


def explain_parts(parts: tuple[tuple[str, Compiled], ...], operands: list[tuple[Operand, ...]],
                  ctx: Context) -> tuple[Part, ...]:
    """The parts of a condition that are not true on ``ctx``, each with the values behind it (see :class:`Part`).
    Only values are read here (names, calls, comparisons): the verdict is the part's own."""
    out = []
    cite = getattr(ctx.facts, "cite", None)
    for (text, part), ops in zip(parts, operands, strict=True):
        value = part(ctx)
        truth = None if value is None else bool(value)
        if truth is True:
            continue
        values: dict[str, Any] = {}
        cites: dict[str, Cite] = {}
        for key, f, args, relation in ops:
            values[key] = plain_value(f(ctx))
            if args is not None and relation is not None and cite is not None:
                got = [g(ctx) for g in args]
                if all(isinstance(x, str) for x in got):
                    found = cite(relation, got[0], got[1] if len(got) > 1 else None, ctx.date)
                    if found is not None:
                        cites[key] = found
        out.append(Part(text, truth, values, cites))
    return tuple(out)


@dataclass
class ConditionCompiler:
    treaty_id: str
    parties: tuple[str, ...]
    registry: StateRegistry
    points: dict[str, set[str]]  # reading point -> options
    where: Location

    def compile(self, text: str, names: set[str], where: Location | None = None) -> Compiled:
        loc = where or self.where
        tree = parse_expression(text, loc)
        return self._compile(tree, names, loc)

    def operands(self, text: str, names: set[str], where: Location | None = None) -> tuple[Operand, ...]:
        """Every name, call and comparison in ``text`` compiled on its own, for explanations (the text was
        compiled whole before: nothing here can fail that did not fail then)."""
        loc = where or self.where
        out: dict[str, Operand] = {}
        for node in names_in(parse_expression(text, loc)):
            if isinstance(node, Lit | ListOf):
                continue
            key = unparse(node)
            if key in out:
                continue
            args = relation = None
            if isinstance(node, Call) and node.func in RELATIONS:
                args = tuple(self._compile(a, names, loc) for a in node.args)
                relation = node.func
            out[key] = (key, self._compile(node, names, loc), args, relation)
        return tuple(out.values())

    def _err(self, node: Expr, loc: Location, message: str, expected: str) -> FoedusError:
        col = (loc.col or 1) + node.col - 1 if node.line == 1 else node.col
        return FoedusError(message, where=Location(loc.file, (loc.line or 1) + node.line - 1, col),
                           expected=expected)

    def _compile(self, node: Expr, names: set[str], loc: Location) -> Compiled:
        if isinstance(node, Lit):
            if isinstance(node.value, str):
                return _text(self.registry, node.value)
            return _const(node.value)
        if isinstance(node, ListOf):
            items = [self._compile(i, names, loc) for i in node.items]
            return lambda ctx: [f(ctx) for f in items]
        if isinstance(node, Not):
            inner = self._compile(node.operand, names, loc)
            return lambda ctx: None if (v := inner(ctx)) is None else not v
        if isinstance(node, And):
            left, right = self._compile(node.left, names, loc), self._compile(node.right, names, loc)
            # false and anything is false: the right side is not needed (three-valued logic agrees)
            return lambda ctx: False if (a := left(ctx)) is False else _and(a, right(ctx))
        if isinstance(node, Or):
            left, right = self._compile(node.left, names, loc), self._compile(node.right, names, loc)
            return lambda ctx: True if (a := left(ctx)) is True else _or(a, right(ctx))
        if isinstance(node, Compare):
            self._check_reading_compare(node, loc)
            left, right = self._compile(node.left, names, loc), self._compile(node.right, names, loc)
            return _comparison(node.op, left, right)
        if isinstance(node, Member):
            item, coll = self._compile(node.item, names, loc), self._compile(node.collection, names, loc)
            if node.negated:
                return lambda ctx: None if (v := _contains(coll(ctx), item(ctx))) is None else not v
            return lambda ctx: _contains(coll(ctx), item(ctx))
        if isinstance(node, Name):
            return self._name(node, names, loc)
        if isinstance(node, Call):
            return self._call(node, names, loc)
        raise self._err(node, loc, "unsupported expression", "a condition")

    def _check_reading_compare(self, node: Compare, loc: Location) -> None:
        for a, b in ((node.left, node.right), (node.right, node.left)):
            if isinstance(a, Call) and a.func == "reading" and a.args and isinstance(a.args[0], Lit) \
                    and isinstance(b, Lit) and isinstance(b.value, str):
                point = str(a.args[0].value)
                if point in self.points and b.value not in self.points[point]:
                    raise self._err(b, loc, f"{b.value!r} is not an option of reading point {point!r}",
                                    "one of " + ", ".join(sorted(self.points[point])))

    def _name(self, node: Name, names: set[str], loc: Location) -> Compiled:
        head, rest = node.path[0], node.path[1:]
        if head in ("event", "trigger"):
            if not rest:
                raise self._err(node, loc, f"`{head}` needs a field", f"{head}.actor, {head}.target, "
                                f"{head}.date or {head}.<attribute>")
            if head == "event":
                return _field(rest, trigger=False)
            return _field(rest, trigger=True)
        if head == "parties" and not rest:
            return lambda ctx: list(ctx.parties)
        if head in names and not rest:
            return _binding(head)
        if not rest and self.registry.canonical(head):
            state = self.registry.canonical(head)
            return _const(state)
        raise self._err(node, loc, f"unknown name `{'.'.join(node.path)}`",
                        "one of event.<field>, trigger.<field>, parties, "
                        + ", ".join(sorted(names)) + (", or a state id in quotes" if names else ""))

    def _call(self, node: Call, names: set[str], loc: Location) -> Compiled:
        if node.func not in FUNCTIONS:
            raise self._err(node, loc, f"unknown function `{node.func}`", "one of " + ", ".join(FUNCTIONS))
        arity, _ = FUNCTIONS[node.func]
        if len(node.args) != arity:
            raise self._err(node, loc, f"`{node.func}` takes {arity} argument(s), got {len(node.args)}",
                            f"{node.func}({', '.join('x' for _ in range(arity))})")
        if node.func == "reading":
            arg = node.args[0]
            if not isinstance(arg, Lit) or arg.value not in self.points:
                raise self._err(arg, loc, "reading() names an unknown reading point",
                                "one of " + ", ".join(repr(p) for p in self.points) if self.points
                                else "a reading point declared in the model")
            return _reading(str(arg.value))
        if node.func == "has":
            arg = node.args[0]
            if not isinstance(arg, Lit) or not isinstance(arg.value, str):
                raise self._err(arg, loc, "has() takes an attribute name in quotes", "has('directed_against')")
            return _has(arg.value)
        args = [self._compile(a, names, loc) for a in node.args]
        if node.func == "party":
            return lambda ctx: None if (x := args[0](ctx)) is None else x in ctx.parties
        if node.func == "any_party":
            return lambda ctx: None if (xs := args[0](ctx)) is None else any(
                x in ctx.parties for x in (xs if isinstance(xs, list) else [xs]))
        if node.func == "party_in":
            return lambda ctx: None if (xs := args[0](ctx)) is None else next(
                (x for x in (xs if isinstance(xs, list) else [xs]) if x in ctx.parties), None)
        if node.func == "others":
            return lambda ctx: None if (x := args[0](ctx)) is None else [p for p in ctx.parties if p != x]
        if node.func == "other":
            if len(self.parties) != 2:
                raise self._err(node, loc, "other() needs a bilateral treaty", "a treaty with two parties")

            def other(ctx: Context) -> Any:
                x = args[0](ctx)
                if x not in ctx.parties:
                    return None
                return next(p for p in ctx.parties if p != x)
            return other
        if node.func in ("allied", "united_with", "at_war"):
            fname = node.func

            def relation(ctx: Context) -> bool | None:
                a, b = args[0](ctx), args[1](ctx)
                if a is None or b is None:
                    return None
                return bool_or_none(getattr(ctx.facts, fname)(a, b, ctx.date))
            return relation
        if node.func == "in_war":
            def in_war(ctx: Context) -> bool | None:
                x = args[0](ctx)
                return None if x is None else bool_or_none(ctx.facts.in_war(x, ctx.date))
            return in_war
        if node.func == "includes_all":
            def includes_all(ctx: Context) -> bool | None:
                xs, ys = args[0](ctx), args[1](ctx)
                if xs is None or ys is None:
                    return None
                have = set(xs) if isinstance(xs, list | tuple | set) else {xs}
                return all(y in have for y in (ys if isinstance(ys, list | tuple | set) else [ys]))
            return includes_all
        if node.func in ("directed_against", "claimed_directed_against"):
            attr = node.func

            def directed(ctx: Context) -> bool | None:
                x = args[0](ctx)
                if ctx.event is None or x is None:
                    return None
                if attr in ctx.event.attributes:
                    value = ctx.event.attributes[attr]
                    return _contains(value if isinstance(value, list) else [value], x)
                # A claim is recorded when it is made: no claim on record means none was made.
                return False if attr == "claimed_directed_against" else None
            return directed
        raise self._err(node, loc, f"function `{node.func}` is not available here", "another function")


def _const(value: Any) -> Compiled:
    return lambda ctx: value


def _text(registry: StateRegistry, text: str) -> Compiled:
    """A quoted text; a state's name is resolved when the condition is evaluated, because a
    timeline bound after compilation may give the state another canonical id ('JAP' for 'JPN')."""
    return lambda ctx: registry.canonical(text) or text


def _field(path: tuple[str, ...], trigger: bool) -> Compiled:
    """``event.x`` (or ``trigger.x``): a field of the event, or an attribute (absent: unknown); the
    roles as lists. Specialised by field when compiled, as conditions are evaluated on every event."""
    head = path[0]
    which = "trigger" if trigger else "event"
    if head in ("actors", "targets"):
        return lambda ctx: None if (e := getattr(ctx, which)) is None else list(getattr(e, head))
    if head in EVENT_FIELDS:
        return lambda ctx: None if (e := getattr(ctx, which)) is None else getattr(e, head)
    return lambda ctx: None if (e := getattr(ctx, which)) is None else e.attributes.get(head)


def _binding(name: str) -> Compiled:
    return lambda ctx: ctx.bindings.get(name)


def _reading(point: str) -> Compiled:
    return lambda ctx: ctx.reading.get(point)


def _has(attribute: str) -> Compiled:
    return lambda ctx: ctx.event is not None and attribute in ctx.event.attributes


def bool_or_none(value: Any) -> bool | None:
    return None if value is None else bool(value)


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


def _comparison(op: str, left: Compiled, right: Compiled) -> Compiled:
    compare = _OPERATORS[op]

    def cmp(ctx: Context) -> bool | None:
        a, b = left(ctx), right(ctx)
        if a is None or b is None:
            return None
        try:
            return bool(compare(a, b))
        except TypeError:
            return None
    return cmp
