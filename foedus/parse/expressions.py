"""Parse condition strings into a small syntax tree. Nothing here is ever executed as Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, Tree, UnexpectedInput, v_args
from lark.exceptions import VisitError

from foedus.errors import FoedusError, Location
from foedus.limits import MAX_CONDITION_CHARS, MAX_DEPTH, MAX_LITERAL_CHARS, MAX_NUMBER_DIGITS, refusal

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "unknown"})


@dataclass(frozen=True)
class Expr:
    line: int
    col: int


@dataclass(frozen=True)
class Lit(Expr):
    value: Any


@dataclass(frozen=True)
class Name(Expr):
    path: tuple[str, ...]


@dataclass(frozen=True)
class Call(Expr):
    func: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Not(Expr):
    operand: Expr


@dataclass(frozen=True)
class And(Expr):
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Or(Expr):
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Compare(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Member(Expr):
    item: Expr
    collection: Expr
    negated: bool


@dataclass(frozen=True)
class ListOf(Expr):
    items: tuple[Expr, ...]


@lru_cache(maxsize=1)
def _parser() -> Lark:
    from foedus.cache import cached_lark  # the LALR tables are kept on disk between runs

    grammar = resources.files("foedus.parse").joinpath("expressions.lark").read_text(encoding="utf-8")
    return cached_lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def _pos(meta: Any) -> tuple[int, int]:
    return (getattr(meta, "line", 1), getattr(meta, "column", 1))


@v_args(meta=True)
class _ToAst(Transformer[Token, Expr]):
    def or_op(self, meta: Any, c: list[Expr]) -> Expr:
        return Or(*_pos(meta), c[0], c[1])

    def and_op(self, meta: Any, c: list[Expr]) -> Expr:
        return And(*_pos(meta), c[0], c[1])

    def not_op(self, meta: Any, c: list[Expr]) -> Expr:
        return Not(*_pos(meta), c[0])

    def compare(self, meta: Any, c: list[Any]) -> Expr:
        return Compare(*_pos(meta), str(c[1]), c[0], c[2])

    def in_op(self, meta: Any, c: list[Expr]) -> Expr:
        return Member(*_pos(meta), c[0], c[1], False)

    def not_in_op(self, meta: Any, c: list[Expr]) -> Expr:
        return Member(*_pos(meta), c[0], c[1], True)

    def string(self, meta: Any, c: list[Token]) -> Expr:
        text = str(c[0])[1:-1]
        if len(text) > MAX_LITERAL_CHARS:
            raise _BadLiteral(f"a quoted text of {len(text):,} characters, beyond the limit MAX_LITERAL_CHARS = "
                              f"{MAX_LITERAL_CHARS:,}", c[0].line or 1, c[0].column or 1, "a shorter text")
        return Lit(*_pos(meta), text)

    def number(self, meta: Any, c: list[Token]) -> Expr:
        text = str(c[0])
        digits = sum(ch.isdigit() for ch in text)
        if digits > MAX_NUMBER_DIGITS:  # Python cannot even read 4,301 digits; no model needs 19
            raise _BadLiteral(f"a number of {digits:,} digits, beyond the limit MAX_NUMBER_DIGITS = "
                              f"{MAX_NUMBER_DIGITS}", c[0].line or 1, c[0].column or 1, "a shorter number")
        return Lit(*_pos(meta), float(text) if "." in text else int(text))

    def date(self, meta: Any, c: list[Token]) -> Expr:
        try:
            return Lit(*_pos(meta), date.fromisoformat(str(c[0])))
        except ValueError:
            raise _BadLiteral(f"impossible date {c[0]}", c[0].line or 1, c[0].column or 1,
                              "a real calendar date") from None

    def true(self, meta: Any, c: list[Any]) -> Expr:
        return Lit(*_pos(meta), True)

    def false(self, meta: Any, c: list[Any]) -> Expr:
        return Lit(*_pos(meta), False)

    def unknown(self, meta: Any, c: list[Any]) -> Expr:
        return Lit(*_pos(meta), None)

    def list(self, meta: Any, c: Any) -> Expr:
        return ListOf(*_pos(meta), tuple(c))

    def call(self, meta: Any, c: Any) -> Expr:
        return Call(*_pos(meta), str(c[0]), tuple(c[1:]))

    def path(self, meta: Any, c: Any) -> Expr:
        return Name(*_pos(meta), tuple(str(t) for t in c))


class _BadLiteral(Exception):
    def __init__(self, message: str, line: int, col: int, expected: str):
        super().__init__(message)
        self.message, self.line, self.col, self.expected = message, line, col, expected


def _depth(tree: Tree[Token]) -> int:
    """How deeply the parse tree nests, counted without recursion (it is checked before anything recurses)."""
    deepest = 0
    stack: list[tuple[Tree[Token], int]] = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node.children if isinstance(child, Tree))
    return deepest


def parse_expression(text: str, where: Location | None = None) -> Expr:
    """Parse ``text``; errors point into the file when ``where`` says where the text starts."""

    def at(line: int, col: int) -> Location | None:
        if where is None or where.line is None:
            return where
        # Conditions are written on one line in practice; columns are offset by the value's start.
        return Location(where.file, where.line + line - 1, (where.col or 1) + col - 1 if line == 1 else col)

    if len(text) > MAX_CONDITION_CHARS:
        raise refusal(f"a condition of {len(text):,} characters", "MAX_CONDITION_CHARS", MAX_CONDITION_CHARS, where)
    try:
        tree = _parsed(text)
        if isinstance(tree, _TooDeep):
            # each and, or, not, comparison and list adds a level; evaluating it would recurse that deep
            raise refusal("a condition nested deeper than that (each and, or, not, comparison and list adds a "
                          "level)", "MAX_DEPTH", MAX_DEPTH, where)
        return tree
    except UnexpectedInput as exc:
        line, col = getattr(exc, "line", 1) or 1, getattr(exc, "column", 1) or 1
        expected = sorted(getattr(exc, "expected", None) or getattr(exc, "allowed", None) or [])
        shown = ", ".join(_readable(t) for t in expected[:8]) or "a condition"
        near = text.splitlines()[line - 1][max(0, col - 1): col + 11] if text else ""
        raise FoedusError(f"cannot read condition near {near!r}", where=at(line, col),
                          expected=shown) from None
    except _BadLiteral as exc:
        raise FoedusError(exc.message, where=at(exc.line, exc.col), expected=exc.expected) from None
    except VisitError as exc:  # lark wraps transformer errors
        inner = exc.orig_exc
        if isinstance(inner, _BadLiteral):
            raise FoedusError(inner.message, where=at(inner.line, inner.col), expected=inner.expected) from None
        raise


class _TooDeep:
    """A condition nested beyond MAX_DEPTH (the refusal needs the caller's location)."""


_TOO_DEEP = _TooDeep()


@lru_cache(maxsize=8192)
def _parsed(text: str) -> Expr | _TooDeep:
    """The tree of ``text`` (immutable, so one parse serves every model that repeats a condition, as
    imported ATOP models do thousands of times). Errors are not cached: they are raised each time."""
    tree = _parser().parse(text)
    if _depth(tree) > MAX_DEPTH:
        return _TOO_DEEP
    return _ToAst().transform(tree)


_TOKEN_NAMES = {"NAME": "a name", "STRING": "a quoted text", "NUMBER": "a number", "DATE": "a date",
                "LPAR": "'('", "RPAR": "')'", "LSQB": "'['", "RSQB": "']'", "CMP": "a comparison",
                "COMMA": "','", "DOT": "'.'", "$END": "end of condition"}


def _readable(token: str) -> str:
    if token in _TOKEN_NAMES:
        return _TOKEN_NAMES[token]
    if token.startswith("__ANON"):
        return "an operator"
    return token.lower().strip('"')


def names_in(expr: Expr) -> list[Expr]:
    """Every node of ``expr``, depth first (for checks at compile time)."""
    out: list[Expr] = [expr]
    for child in _children(expr):
        out.extend(names_in(child))
    return out


def _children(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, Not):
        return (expr.operand,)
    if isinstance(expr, And | Or | Compare):
        return (expr.left, expr.right)
    if isinstance(expr, Member):
        return (expr.item, expr.collection)
    if isinstance(expr, ListOf):
        return expr.items
    if isinstance(expr, Call):
        return expr.args
    return ()


def unparse(expr: Expr) -> str:
    """``expr`` written out again in the condition language, one way for each tree: the key by which an
    explanation names a part of a condition and the value it had."""
    if isinstance(expr, Lit):
        value = expr.value
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None:
            return "unknown"
        if isinstance(value, str):
            return f"'{value}'" if "'" not in value else f'"{value}"'
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(expr, Name):
        return ".".join(expr.path)
    if isinstance(expr, Call):
        return f"{expr.func}({', '.join(unparse(a) for a in expr.args)})"
    if isinstance(expr, ListOf):
        return "[" + ", ".join(unparse(i) for i in expr.items) + "]"
    if isinstance(expr, Not):
        return "not " + _grouped(expr.operand, (And, Or, Compare, Member))
    if isinstance(expr, And):
        return f"{_grouped(expr.left, (Or,))} and {_grouped(expr.right, (Or, And))}"
    if isinstance(expr, Or):
        return f"{unparse(expr.left)} or {_grouped(expr.right, (Or,))}"
    if isinstance(expr, Compare):
        return f"{_grouped(expr.left, (And, Or, Not, Compare, Member))} {expr.op} " \
               f"{_grouped(expr.right, (And, Or, Not, Compare, Member))}"
    if isinstance(expr, Member):
        word = "not in" if expr.negated else "in"
        return f"{_grouped(expr.item, (And, Or, Not, Compare, Member))} {word} " \
               f"{_grouped(expr.collection, (And, Or, Not, Compare, Member))}"
    raise TypeError(f"not a condition node: {expr!r}")


def _grouped(expr: Expr, kinds: tuple[type, ...]) -> str:
    text = unparse(expr)
    return f"({text})" if isinstance(expr, kinds) else text
