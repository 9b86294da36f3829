"""The condition language: three truth values (Kleene's logic) and errors that point into the file."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foedus.compile.conditions import ConditionCompiler, Context
from foedus.compile.states import StateRegistry
from foedus.errors import FoedusError, Location
from foedus.model.events import Event, State
from foedus.parse.expressions import And, Compare, Lit, Member, Name, Not, Or, parse_expression

PARTIES = ("USSR", "PRC")
DAY = date(1955, 6, 1)


class Facts:
    """USSR–PRC allied; JPN–USA allied; PRC–JPN at war; USSR–JPN unknown."""

    def allied(self, a: str, b: str, on: date) -> bool | None:
        return {a, b} in ({"USSR", "PRC"}, {"JPN", "USA"})

    def united_with(self, a: str, b: str, on: date) -> bool | None:
        return self.allied(a, b, on)

    def at_war(self, a: str, b: str, on: date) -> bool | None:
        if {a, b} == {"PRC", "JPN"}:
            return True
        if {a, b} == {"USSR", "JPN"}:
            return None
        return False


def compiler() -> ConditionCompiler:
    registry = StateRegistry()
    for pid, cow in (("USSR", 365), ("PRC", 710), ("JPN", 740), ("USA", 2)):
        registry.add(State(id=pid, name=pid, cow=cow, iso3=None))
    return ConditionCompiler("t", PARTIES, registry, {"immediately": {"same-day", "within-a-week"}},
                             Location("t.md", 20, 13))


CC = compiler()


def evaluate(text: str, event: Event | None = None, **bindings: Any) -> Any:
    test = CC.compile(text, set(bindings) | {"bearer", "counterparty"})
    ctx = Context(date=DAY, facts=Facts(), parties=PARTIES, reading={"immediately": "within-a-week"},
                  event=event, bindings=bindings)
    return test(ctx)


ATTACK = Event(id="e1", date=DAY, type="armed_attack", actors=("JPN",), targets=("PRC",),
               attributes={"state_of_war": True, "directed_against": ["PRC"], "forces": []})

# --- three-valued logic ----------------------------------------------------------------------------

T, F, U = True, False, None
WORD = {T: "true", F: "false", U: "unknown"}


@pytest.mark.parametrize(("a", "b", "conj", "disj"), [
    (T, T, T, T), (T, F, F, T), (T, U, U, T),
    (F, T, F, T), (F, F, F, F), (F, U, F, U),
    (U, T, U, T), (U, F, F, U), (U, U, U, U),
])
def test_kleene_tables(a: bool | None, b: bool | None, conj: bool | None, disj: bool | None) -> None:
    assert evaluate(f"{WORD[a]} and {WORD[b]}") is conj
    assert evaluate(f"{WORD[a]} or {WORD[b]}") is disj


@pytest.mark.parametrize(("a", "neg"), [(T, F), (F, T), (U, U)])
def test_not(a: bool | None, neg: bool | None) -> None:
    assert evaluate(f"not {WORD[a]}") is neg


def kleene(tree: Any) -> bool | None:
    kind = tree[0]
    if kind == "lit":
        return tree[1]  # type: ignore[no-any-return]
    if kind == "not":
        v = kleene(tree[1])
        return None if v is None else not v
    a, b = kleene(tree[1]), kleene(tree[2])
    if kind == "and":
        return False if F in (a, b) else None if U in (a, b) else True
    return True if T in (a, b) else None if U in (a, b) else False


def render(tree: Any) -> str:
    kind = tree[0]
    if kind == "lit":
        return WORD[tree[1]]
    if kind == "not":
        return f"not ({render(tree[1])})"
    return f"({render(tree[1])} {kind} {render(tree[2])})"


def fill(tree: Any, value: bool) -> Any:
    """The same tree with every unknown replaced by ``value``."""
    if tree[0] == "lit":
        return ("lit", value if tree[1] is None else tree[1])
    return (tree[0], *(fill(t, value) for t in tree[1:]))


trees = st.recursive(
    st.sampled_from([T, F, U]).map(lambda v: ("lit", v)),
    lambda inner: st.one_of(st.tuples(st.just("not"), inner),
                            st.tuples(st.sampled_from(["and", "or"]), inner, inner)),
    max_leaves=12)


@given(trees)
def test_conditions_follow_kleene(tree: Any) -> None:
    assert evaluate(render(tree)) is kleene(tree)


@given(trees)
def test_a_known_value_stays_when_unknowns_become_known(tree: Any) -> None:
    """Unknown means 'the record does not say': learning more can settle it, never reverse a verdict."""
    value = evaluate(render(tree))
    settled = {evaluate(render(fill(tree, True))), evaluate(render(fill(tree, False)))}
    assert None not in settled
    if value is not None:
        assert settled == {value}


def test_precedence() -> None:
    assert parse_expression("not a and b") == And(1, 1, Not(1, 1, Name(1, 5, ("a",))), Name(1, 11, ("b",)))
    tree = parse_expression("a or b and c")
    assert isinstance(tree, Or) and isinstance(tree.right, And)
    tree = parse_expression("a == 'x' or b in [1, 2] and c not in d")
    assert isinstance(tree, Or) and isinstance(tree.left, Compare)
    assert isinstance(tree.right, And) and isinstance(tree.right.left, Member) and tree.right.right.negated
    assert parse_expression("x == 1950-02-14") == Compare(1, 1, "==", Name(1, 1, ("x",)), Lit(1, 6, date(1950, 2, 14)))


# --- unknown from the record -----------------------------------------------------------------------


def test_absent_attributes_are_unknown() -> None:
    assert evaluate("event.state_of_war == true", ATTACK) is True
    assert evaluate("event.place == 'Manchuria'", ATTACK) is None
    assert evaluate("event.place != 'Manchuria'", ATTACK) is None
    assert evaluate("'PRC' in event.claimed_directed_against", ATTACK) is None
    assert evaluate("'PRC' not in event.claimed_directed_against", ATTACK) is None
    assert evaluate("has('place')", ATTACK) is False and evaluate("has('forces')", ATTACK) is True
    assert evaluate("event.place == 'Manchuria' or event.actor == 'JPN'", ATTACK) is True
    assert evaluate("event.place == 'Manchuria' and event.actor == 'USA'", ATTACK) is False
    assert evaluate("event.actor == 'JPN'") is None  # no event at all


def test_functions() -> None:
    assert evaluate("party(event.target) and not party(event.actor)", ATTACK) is True
    assert evaluate("other('PRC') == 'USSR' and other('JPN') == unknown", ATTACK) is None
    assert evaluate("other('JPN')", ATTACK) is None
    assert evaluate("any_party(event.actors)", ATTACK) is False
    assert evaluate("party_in(['USA', 'PRC'])") == "PRC"
    assert evaluate("party_in(['USA', 'JPN'])") is None
    assert evaluate("at_war(event.target, event.actor)", ATTACK) is True
    assert evaluate("at_war('USSR', 'JPN')") is None
    assert evaluate("allied(event.actor, 'USA') and not allied('PRC', 'USA')", ATTACK) is True
    assert evaluate("reading('immediately') == 'within-a-week'") is True
    assert evaluate("directed_against('PRC')", ATTACK) is True
    assert evaluate("directed_against('USSR')", ATTACK) is False
    no_record = Event(id="e2", date=DAY, type="alliance_concluded", actors=("JPN", "USA"))
    assert evaluate("directed_against('PRC')", no_record) is None  # silent record: unknown
    assert evaluate("claimed_directed_against('PRC')", no_record) is False  # claims are recorded when made
    assert evaluate("bearer == 'USSR' and counterparty in event.targets", ATTACK, bearer="USSR",
                    counterparty="PRC") is True


def test_state_names_are_canonical() -> None:
    """A quoted state id, ISO code or cow:N names the same state."""
    registry = StateRegistry()
    registry.add(State(id="USSR", name="USSR", cow=365))
    registry.add(State(id="JAP", name="Japan", cow=740, iso3="JPN"))
    cc = ConditionCompiler("t", PARTIES, registry, {}, Location("t.md"))
    test = cc.compile("event.actor == 'JPN' and event.actor == 'cow:740' and 'USSR' in event.targets", set())
    ctx = Context(date=DAY, facts=Facts(), parties=PARTIES, reading={},
                  event=Event(id="e", date=DAY, type="armed_attack", actors=("JAP",), targets=("USSR",)))
    assert test(ctx) is True


# --- errors point into the file --------------------------------------------------------------------

AT = Location("t.md", 20, 13)  # the condition's text starts at line 20, column 13


@pytest.mark.parametrize(("text", "message"), [
    ("a and", "t.md:20:15: cannot read condition near 'and'"),
    ("a and and b", "t.md:20:19: cannot read condition near 'and b'"),
    ("a ==", "t.md:20:15: cannot read condition near '=='"),
    ("(a", "t.md:20:14: cannot read condition near 'a'; expected or, ')'"),
    ("a b", "t.md:20:15: cannot read condition near 'b'"),
    ("f(a,)", "t.md:20:17: cannot read condition near ')'"),
    ("'open", "t.md:20:13: cannot read condition near \"'open\""),
    ("x == 1950-02-30", "t.md:20:18: impossible date 1950-02-30; expected a real calendar date"),
    ("a and\nb and and c", "t.md:21:7: cannot read condition near 'and c'"),
])
def test_parse_errors_have_line_and_column(text: str, message: str) -> None:
    with pytest.raises(FoedusError) as info:
        parse_expression(text, AT)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("text", "message"), [
    ("party(event.target) and at_peace(event.actor)",
     "t.md:20:37: unknown function `at_peace`; expected one of party, other, "),
    ("party(event.target, event.actor)", "t.md:20:13: `party` takes 1 argument(s), got 2; expected party(x)"),
    ("event.actor == bearrer", "t.md:20:28: unknown name `bearrer`; expected one of event.<field>, "),
    ("event", "t.md:20:13: `event` needs a field; expected event.actor, "),
    ("reading('immediately') == 'at-once'",
     "t.md:20:39: 'at-once' is not an option of reading point 'immediately'; expected one of same-day, within-a-week"),
    ("reading('x') == 'y'", "t.md:20:21: reading() names an unknown reading point; expected one of 'immediately'"),
    ("has(event.place)", "t.md:20:17: has() takes an attribute name in quotes; expected has('directed_against')"),
])
def test_compile_errors_have_line_and_column(text: str, message: str) -> None:
    with pytest.raises(FoedusError) as info:
        CC.compile(text, {"bearer", "counterparty"}, AT)
    assert str(info.value).startswith(message), str(info.value)


def test_keywords_are_not_names() -> None:
    for word in ("and", "or", "not", "in"):
        with pytest.raises(FoedusError):
            parse_expression(f"event.actor == {word}")
    assert parse_expression("android or notary or inside or true_name") is not None
