"""What the engine found, in the words historians use: states by name, events by title, duties by article
and party, terms counted from one, conditions as sentences. Every text output (the terminal report,
``explain``, the HTML page, the explorer, the world commands) takes its words from here, so that one
thing is always said one way.

Nothing here decides anything: each phrase renders a value the evaluation recorded (a condition's parts
with the values behind them, :class:`foedus.compile.conditions.Part`; what a relation rests on,
:class:`~foedus.compile.conditions.Cite`). Condition code, ids and line numbers stay in the JSON and in
``--verbose``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from foedus.compile.conditions import Cite, Part
from foedus.compile.states import StateRegistry
from foedus.evaluate.results import ordinal, term_words
from foedus.model.events import Event, Vocabulary, vocabulary
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

__all__ = [
    "Names",
    "NotInForce",
    "Words",
    "change_words",
    "duty_label",
    "event_title",
    "not_in_force",
    "ordinal",
    "term_words",
    "type_words",
    "value_words",
]

# --- small words ----------------------------------------------------------------------------------------

def type_words(kind: str) -> str:
    """An event type in words: ``armed_attack`` → ``armed attack``."""
    return kind.replace("_", " ")


def listing(items: Sequence[str], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return items[0] if items else ""
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def value_words(value: Any, names: Names | None = None) -> str:
    """A recorded value in words: yes / no, not recorded, dates, lists, states by name."""
    if value is None:
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return listing([value_words(v, names) for v in value]) or "none"
    if isinstance(value, str) and names is not None and names.knows(value):
        return names.short(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def shown(value: Any, names: Names | None = None) -> str:
    """A value as a comparison shows it: none as a dash, anything else as :func:`value_words` says it."""
    return "—" if value is None else value_words(value, names)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- states ---------------------------------------------------------------------------------------------

# Names that take "the" in a sentence: "the United Kingdom", "the People's Republic of China".
_THE = ("United ", "Republic ", "Federal ", "Union ", "People's ", "Democratic ", "Kingdom ", "Islamic ",
        "Socialist ", "Soviet ", "Netherlands", "Philippines", "Central ", "Northeast ", "Royal ", "Holy ", "State of ",
        "Grand ", "Commonwealth ")


def _initialism(code: str, name: str) -> bool:
    """Whether ``code`` abbreviates ``name`` by its words' initials (USSR, PRC, ROC, FRG), as historians
    write those states; a code that does not (JPN, UKG) is not how people name a state."""
    if not (2 <= len(code) <= 6 and code.isalpha() and code.isupper()):
        return False
    initials = [w[0].upper() for w in name.replace("-", " ").split() if w[:1].isalpha()]
    if not initials or initials[0] != code[0]:
        return False
    i = 0
    for letter in code:
        while i < len(initials) and initials[i] != letter:
            i += 1
        if i == len(initials):
            return False
        i += 1
    return True


class Names:
    """States as people name them, from a registry (a treaty's parties and the timeline's states) and,
    optionally, further names (``{id: name}``, e.g. from the COW state system)."""

    def __init__(self, registry: StateRegistry | None = None, extra: Mapping[str, str] | None = None):
        self.registry = registry
        self.extra = dict(extra or {})
        self._short: dict[tuple[str, bool], str] = {}  # a report names the same few states many times

    def knows(self, sid: str) -> bool:
        return sid in self.extra or (self.registry is not None and self.registry.state(sid) is not None)

    def name(self, sid: str) -> str:
        """The state's full name ("People's Republic of China"); its id when nothing names it."""
        if sid in self.extra:
            return self.extra[sid]
        state = self.registry.state(sid) if self.registry is not None else None
        return state.name if state is not None else sid

    def code(self, sid: str) -> str:
        state = self.registry.state(sid) if self.registry is not None else None
        return state.id if state is not None else sid

    def short(self, sid: str, article: bool = True) -> str:
        """The state as a sentence names it: its initials where historians use them ("the USSR", "the PRC"),
        else its name ("Japan", "the United Kingdom"). ``article``: with "the" where English wants it."""
        said = self._short.get((sid, article))
        if said is None:
            name, code = self.name(sid), self.code(sid)
            if name != code and _initialism(code, name):
                said = f"the {code}" if article else code
            elif article and name.startswith(_THE):
                said = f"the {name}"
            else:
                said = name
            self._short[(sid, article)] = said
        return said

    def label(self, sid: str) -> str:
        """Name and code: "People's Republic of China (PRC)"."""
        name, code = self.name(sid), self.code(sid)
        return name if name == code else f"{name} ({code})"

    def many(self, sids: Iterable[str], conjunction: str = "and", article: bool = True) -> str:
        return listing([self.short(s, article) for s in sids], conjunction)

    def bearer(self, sid: str) -> str:
        """A party heading a list of duties, without an article: "USSR", "Japan"; several: "USSR, PRC"."""
        if "," in sid:
            return ", ".join(self.bearer(s.strip()) for s in sid.split(",") if s.strip())
        return self.short(sid, article=False) if self.knows(sid) else sid

    def sentence(self, text: str) -> str:
        """A party list as the engine writes it ("USSR, PRC", "the other parties") in words."""
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if parts and all(self.knows(p) for p in parts):
            return self.many(parts)
        return text


# --- events ---------------------------------------------------------------------------------------------

# How an event's targets stand to its actors, by type ("armed attack by Japan on the PRC").
_TARGET_WORD = {
    "armed_attack": "on", "armed_clash": "with", "state_of_war": "with", "end_of_war": "with",
    "military_intervention": "against", "assistance_requested": "from", "assistance_rendered": "to",
    "assistance_withdrawn": "from", "consultation_requested": "with", "consultation_held": "on",
    "coalition_joined": "against", "measure_taken": "against", "peace_settlement": "with",
    "forces_stationed": "in", "invitation": "to", "notice_of_denunciation": "to", "withdrawal": "to",
    "succession_notified": "succeeding", "state_succession": "succeeding", "war_joined": "against",
    "dispute_joined": "against", "depositary_notification": "to", "statement": "on", "declaration": "on",
    "abrogation": "toward", "suspension": "toward",
}
# Acts of several states together: "economic agreement between the USSR and the PRC".
_BETWEEN = frozenset({"economic_agreement", "cultural_agreement", "joint_statement", "consultation_held",
                      "treaty_signed", "treaty_in_force", "treaty_ended", "alliance_concluded",
                      "exchange_of_instruments", "termination_by_agreement"})


def event_title(e: Event, names: Names | None = None, with_date: bool = True) -> str:
    """What people call the event: its ``title`` where the timeline gives one, else one made from its type,
    its states and its date ("Ratification by the USSR, 1950-04-11", "Armed attack by Japan on the PRC,
    1955-06-01")."""
    when = f", {e.date.isoformat()}" if with_date else ""
    return f"{e.title or event_description(e, names)}{when}"


def event_description(e: Event, names: Names | None = None) -> str:
    """The event's type and states in words, whatever its title: "Armed attack by Japan on the PRC"."""
    names = names or Names()
    words = capital(type_words(e.type))
    if e.actors:
        joined = names.many(e.actors)
        words += f" between {joined}" if e.type in _BETWEEN and len(e.actors) > 1 else f" by {joined}"
    if e.targets:
        words += f" {_TARGET_WORD.get(e.type, 'concerning')} {names.many(e.targets)}"
    return words


# --- duties ---------------------------------------------------------------------------------------------

_CATEGORY_LABEL = {
    "defence": "assistance if attacked", "offence": "joining its wars", "neutrality": "neutrality",
    "non_aggression": "non-aggression", "consultation": "consultation", "no_other_alliance": "no hostile alliance",
    "joint_measures": "joint measures", "peace_action": "peace actions", "peace_settlement": "peace settlement",
    "economic": "economic co-operation", "cultural": "cultural co-operation", "notice": "notice of denunciation",
    "withdrawal": "withdrawal",
}


def norm_label(norm: Any, siblings: Iterable[Any] = ()) -> str:
    """A norm's short name: its ``label``, else its category's ("consultation") when no other norm of the
    treaty shares the category, else its id in words."""
    if getattr(norm, "label", None):
        return str(norm.label)
    same = [n for n in siblings if n is not norm and getattr(n, "category", None) == norm.category]
    if norm.category in _CATEGORY_LABEL and not same:
        return _CATEGORY_LABEL[norm.category]
    return norm.id.removeprefix("atop-").replace("-", " ").replace("_", " ")


def article_ref(article: str | None) -> str:
    return f"Art. {article}" if article and article not in ("preamble", "final") else ""


def duty_label(article: str | None, bearer: str, label: str, names: Names | None = None,
               since: date | None = None) -> str:
    """"Art. V — USSR: economic assistance"; a duty an event set off adds its day: "… (1972-02-27)"."""
    who = names.bearer(bearer) if names is not None else bearer
    head = article_ref(article)
    text = f"{head} — {who}: {label}" if head else f"{who}: {label}"
    return text + (f" ({since.isoformat()})" if since is not None else "")


# --- conditions -----------------------------------------------------------------------------------------

# Boolean attributes of events as clauses: (true, false). Others are read from the vocabulary's "whether …".
_FLAGS: dict[str, tuple[str, str]] = {
    "state_of_war": ("the attack brought a state of war", "the attack brought no state of war"),
    "ends_state_of_war": ("it ended the state of war", "it did not end the state of war"),
    "common_interest": ("it affected the parties' common interests", "it did not affect the parties' common interests"),
    "against_initiator": ("the state entered on the side opposite the initiator",
                          "the state did not enter on the side opposite the initiator"),
    "initiator": ("the state began the fighting", "the state did not begin the fighting"),
    "joiner": ("the state joined a war already under way", "the state was in the war from its start"),
}
# The states of an event's roles, by type where the type gives them a name.
_ROLE: dict[tuple[str | None, str], str] = {
    ("armed_attack", "actor"): "the attacker", ("armed_attack", "actors"): "the attackers",
    ("armed_attack", "target"): "the state attacked", ("armed_attack", "targets"): "the states attacked",
    ("notice_of_denunciation", "actor"): "the state giving notice", ("withdrawal", "actor"): "the state withdrawing",
    ("assistance_rendered", "actor"): "the state assisting", ("assistance_rendered", "targets"): "the states assisted",
}
_ROLE_DEFAULT = {"actor": "the actor", "actors": "the actors", "target": "the target", "targets": "the targets",
                 "date": "the date", "type": "the kind of event", "treaty": "the treaty", "id": "the event",
                 "title": "the event's title"}
_BINDINGS = {"bearer": "the bearer", "counterparty": "the party owed", "party": "the party concerned",
             "attacker": "the attacker", "parties": "the parties"}
_OPPOSITE = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}
_COMPARE = {"==": "is", "!=": "is not", "<": "is before", "<=": "is on or before", ">": "is after",
            ">=": "is on or after"}


class Words:
    """Sentences for what evaluation found on one day about one event: the parts of a condition that were
    false or that the record leaves open (see the module docstring). ``titles`` names an event by id (for
    what a relation rests on); ``treaty_title`` a treaty by id."""

    def __init__(self, names: Names, vocab: Vocabulary | None = None,
                 events: Mapping[str, Event] | None = None,
                 treaty_title: Callable[[str], str | None] | None = None):
        self.names = names
        self.vocab = vocab if vocab is not None else vocabulary()
        self.events = events or {}
        self.treaty_title = treaty_title

    # -- the parts of a condition --------------------------------------------------------------------

    def part(self, p: Part, on: date, event: Event | None = None) -> str:
        """One part as a sentence: what was the case (a false part), or what the record does not say."""
        try:
            tree = parse_expression(p.text)
        except Exception:  # a part the compiler read is always readable; never fail an explanation on it
            return p.text
        ctx = _Ctx(self, p, on, event)
        if p.value is None:
            return "the record does not say whether " + ctx.unknown(tree)
        return ctx.false(tree) if p.value is False else ctx.true(tree)

    def parts(self, parts: Iterable[Part], on: date, event: Event | None = None, value: bool | str | None = "any"
              ) -> list[str]:
        return [self.part(p, on, event) for p in parts if value == "any" or p.value is value]

    def cite(self, c: Cite, value: bool | None) -> str:
        """What a relation rests on: the event that put the treaty in force or began the war (its title), or
        the treaty (its short title)."""
        e = self.events.get(c.event) if c.event else None
        if e is not None:
            if value is False:
                return f"{event_title(e, self.names, with_date=False)} came only on {e.date.isoformat()}"
            return event_title(e, self.names)
        if c.treaty:
            title = self.treaty_title(c.treaty) if self.treaty_title is not None else None
            return title or c.treaty
        return ""

    # -- findings and checks --------------------------------------------------------------------------

    def finding(self, f: Any, event: Event | None = None) -> str:
        """A finding (an act weighed against a duty) as a sentence: the act as its pattern names it (else
        the event's title), what the record leaves open, and any detail of its verdict."""
        head = f.act or (event_title(event, self.names, with_date=False) if event is not None else f.says)
        if f.verdict == "undetermined" and f.unknown:
            return f"{head}: " + "; ".join(self.part(p, f.date, event) for p in f.unknown)
        if event is not None and not f.act:
            fallback = f"{event.type} ({event.id})"
            return head + f.says[len(fallback):] if f.says.startswith(fallback) else f.says
        return f.says

    def check(self, c: Any, event: Event | None = None) -> str:
        """Why an event did not set off a duty (or may have): the false parts, then those left open."""
        if c.verdict == "treaty not in force":
            return "the treaty was not in force that day"
        parts = c.parts or ()
        said = [self.part(p, c.date, event) for p in parts if p.value is False]
        said += [self.part(p, c.date, event) for p in parts if p.value is None]
        if said:
            return "; ".join(said)
        return "; ".join([*c.false_parts, *c.unknown_parts])

    # -- noun phrases ---------------------------------------------------------------------------------

    def field_noun(self, path: tuple[str, ...], event: Event | None) -> str:
        """What ``event.x`` (or ``trigger.x``) stands for, whatever its value."""
        head, field = path[0], path[1] if len(path) > 1 else ""
        kind = event.type if event is not None else None
        if head == "trigger":
            return "in the event that set off the duty, " + self.field_noun(("event", *path[1:]), None)
        if (kind, field) in _ROLE:
            return _ROLE[(kind, field)]
        if field in _ROLE_DEFAULT:
            return _ROLE_DEFAULT[field]
        attribute = self._attribute(kind, field)
        if attribute is not None and attribute.type != "bool" and attribute.says.startswith("the "):
            # the vocabulary's description where it is a noun ("the state that began the fighting")
            return attribute.says.split(" (")[0].split(": ")[0].split(", ")[0]
        return f"the {type_words(field)}"

    def flag(self, field: str, kind: str | None, truth: bool) -> str:
        """A boolean attribute as a clause (``state_of_war`` true: "the attack brought a state of war")."""
        if field in _FLAGS:
            return _FLAGS[field][0 if truth else 1]
        attribute = self._attribute(kind, field)
        said = attribute.says if attribute is not None else f"{type_words(field)}"
        clause = said.removeprefix("whether ").strip()
        return clause if truth else f"not so: {clause}"

    def _attribute(self, kind: str | None, field: str) -> Any:
        if kind is not None and kind in self.vocab:
            found = self.vocab[kind].attributes.get(field)
            if found is not None:
                return found
        for t in self.vocab.values():  # a field the event lacks: the first type that declares it
            if field in t.attributes:
                return t.attributes[field]
        return None


class _Ctx:
    """One part being put into words: its values, its day, its event."""

    def __init__(self, words: Words, part: Part, on: date, event: Event | None):
        self.w, self.p, self.on, self.event = words, part, on, event
        self.names = words.names

    def value(self, node: Expr) -> Any:
        if isinstance(node, Lit):
            return node.value
        if isinstance(node, ListOf):
            return [self.value(i) for i in node.items]
        return self.p.values.get(unparse(node))

    def known(self, node: Expr) -> bool:
        return isinstance(node, Lit | ListOf) or self.value(node) is not None

    def truth(self, node: Expr) -> bool | None:
        v = self.value(node)
        return None if v is None else bool(v)

    # -- nouns -----------------------------------------------------------------------------------------

    def describe(self, node: Expr) -> str:
        """What a node stands for, whatever its value."""
        if isinstance(node, Name):
            if node.path[0] in ("event", "trigger") and len(node.path) > 1:
                return self.w.field_noun(node.path, self.event)
            return _BINDINGS.get(node.path[0], node.path[0].replace("_", " "))
        if isinstance(node, Call):
            if node.func == "other":
                return "the other party"
            if node.func == "others":
                return "the other parties"
            if node.func == "party_in":
                return "the party among " + self.noun(node.args[0])
            if node.func == "reading" and node.args and isinstance(node.args[0], Lit):
                return f"the reading of {node.args[0].value}"
        return unparse(node)

    def noun(self, node: Expr) -> str:
        """A node as a noun: its value in words where known (states by name), else what it stands for."""
        if isinstance(node, Lit):
            v = node.value
            if isinstance(v, str):
                sid = self.names.registry.canonical(v) if self.names.registry is not None else None
                return self.names.short(sid) if sid else f"'{v}'"
            return value_words(v, self.names)
        if isinstance(node, ListOf):
            return listing([self.noun(i) for i in node.items], "or")
        v = self.value(node)
        if v is None:
            return self.describe(node)
        said = value_words(v, self.names)
        if isinstance(node, Name) and node.path[0] in ("event", "trigger"):
            return f"{self.describe(node)} ({said})"
        return said

    # -- clauses ---------------------------------------------------------------------------------------

    def atom(self, node: Expr, truth: bool) -> str:
        """A call, comparison or membership that is ``truth``, as a clause."""
        if isinstance(node, Call):
            return self.call(node, truth)
        if isinstance(node, Compare):
            return self.compare(node, truth)
        if isinstance(node, Member):
            return self.member(node, truth)
        if isinstance(node, Name):
            if node.path[0] in ("event", "trigger") and len(node.path) > 1:
                return self.w.flag(node.path[-1], self.event.type if self.event else None, truth)
            return f"{self.describe(node)} {'holds' if truth else 'does not hold'}"
        if isinstance(node, Lit):
            return "true" if truth else "false"
        return unparse(node)

    def call(self, node: Call, truth: bool) -> str:
        f, args = node.func, node.args
        day = self.on.isoformat()
        cited = self.p.cites.get(unparse(node))
        tail = ""
        if cited is not None:
            said = self.w.cite(cited, truth if self.p.value is not None else None)
            tail = f" ({said})" if said else ""
        if f == "party":
            return f"{self.noun(args[0])} {'is' if truth else 'is not'} a party"
        if f == "any_party":
            v = self.value(args[0])
            many = isinstance(v, list) and len(v) > 1
            if truth:
                return f"one of {self.noun(args[0])} is a party" if many else f"{self.noun(args[0])} is a party"
            return f"none of {self.noun(args[0])} is a party" if many else f"{self.noun(args[0])} is not a party"
        if f in ("allied", "united_with", "at_war"):
            a, b = self.noun(args[0]), self.noun(args[1])
            if f == "allied":
                clause = f"{a} {'was' if truth else 'was not'} allied with {b} on {day}"
            elif f == "united_with":
                clause = (f"{a} {'was' if truth else 'was not'} united with {b} on {day} (allied, or with forces "
                          "stationed there)")
            else:
                clause = f"{a} and {b} {'were' if truth else 'were not'} at war on {day}"
            return clause + tail
        if f == "in_war":
            return f"{self.noun(args[0])} {'was' if truth else 'was not'} at war on {day}" + tail
        if f == "has" and args and isinstance(args[0], Lit):
            what = self.w.field_noun(("event", str(args[0].value)), self.event)
            return f"the record gives {what}" if truth else f"the record does not give {what}"
        if f in ("directed_against", "claimed_directed_against") and args:
            who = self.noun(args[0])
            if f == "directed_against":
                return f"it {'was' if truth else 'was not'} directed against {who}"
            return f"a party {'claimed' if truth else 'did not claim'} it was directed against {who}"
        if f == "includes_all" and len(args) == 2:
            return f"{self.noun(args[0])} {'include' if truth else 'do not include'} all of {self.noun(args[1])}"
        if f == "reading" and args:
            return f"{self.describe(node)} {'holds' if truth else 'does not hold'}"
        return f"{unparse(node)} is {'true' if truth else 'false'}"

    def compare(self, node: Compare, truth: bool) -> str:
        left, right, op = node.left, node.right, node.op
        if not truth:
            op = _OPPOSITE[op]
        # reading('point') == 'option': the choice of reading, not a fact of the record
        for x, y in ((left, right), (right, left)):
            if isinstance(x, Call) and x.func == "reading" and x.args and isinstance(y, Lit):
                point, chosen = x.args[0], self.value(x)
                if isinstance(point, Lit):
                    if op == "==" or chosen is None:
                        return f"the reading {point.value}={y.value} is chosen"
                    return f"the reading {point.value}={chosen} is chosen, not {y.value}"
        # event.flag == true/false: the flag as a clause
        for x, y in ((left, right), (right, left)):
            if isinstance(x, Name) and x.path[0] in ("event", "trigger") and isinstance(y, Lit) \
                    and isinstance(y.value, bool) and op in ("==", "!="):
                holds = (y.value is True) == (op == "==")
                return self.w.flag(x.path[-1], self.event.type if self.event else None, holds)
        # event.x == 'literal': what the record gives, against what the rule asks
        for x, y in ((left, right), (right, left)):
            if isinstance(x, Name) and x.path[0] in ("event", "trigger") and isinstance(y, Lit) and op in ("==", "!="):
                have = self.value(x)
                if op == "!=" and have is not None and have != y.value:
                    return f"{self.describe(x)} is {self.noun_of(have)}, not {self.noun(y)}"
                return f"{self.describe(x)} {_COMPARE[op]} {self.noun(y)}"
        return f"{self.noun(left)} {_COMPARE[op]} {self.noun(right)}"

    def noun_of(self, value: Any) -> str:
        if isinstance(value, str) and not self.names.knows(value):
            return f"'{value}'"
        return value_words(value, self.names)

    def member(self, node: Member, truth: bool) -> str:
        inside = truth != node.negated
        coll = node.collection
        whole = self.describe(coll) if isinstance(coll, Name) else self.noun(coll)
        shown = self.value(coll)
        tail = ""
        if isinstance(coll, Name) and shown not in (None, []):
            tail = f" ({value_words(shown, self.names)})"
        elif isinstance(coll, Name) and shown == []:
            tail = " (none)"
        return f"{self.noun(node.item)} {'is' if inside else 'is not'} among {whole}{tail}"

    # -- the three ways a part can come out -------------------------------------------------------------

    def false(self, node: Expr) -> str:
        """``node`` is false: what was the case instead."""
        if isinstance(node, And):
            xs = [x for x in _flat(node, And) if self.truth(x) is False] or list(_flat(node, And))
            return " and ".join(self.false(x) for x in xs)
        if isinstance(node, Or):
            xs = list(_flat(node, Or))
            # `not has('f') or event.f …`: once the second part is false the record gives f; say only that part
            xs = [x for x in xs if not any(_guards(x, y) for y in xs if y is not x)] or xs
            return " and ".join(self.false(x) for x in xs)
        if isinstance(node, Not):
            return self.true(node.operand)
        return self.atom(node, False)

    def true(self, node: Expr) -> str:
        """``node`` is true: what it rests on."""
        if isinstance(node, And):
            return " and ".join(self.true(x) for x in _flat(node, And))
        if isinstance(node, Or):
            xs = [x for x in _flat(node, Or) if self.truth(x) is True] or list(_flat(node, Or))
            return self.true(xs[0])
        if isinstance(node, Not):
            return self.false(node.operand)
        return self.atom(node, True)

    def unknown(self, node: Expr) -> str:
        """``node`` is unknown: the clause the record cannot settle (said as the fact it would need)."""
        if isinstance(node, And):
            xs = [x for x in _flat(node, And) if self.truth(x) is None] or list(_flat(node, And))
            return " and ".join(self.unknown(x) for x in xs)
        if isinstance(node, Or):
            xs = [x for x in _flat(node, Or) if self.truth(x) is None] or list(_flat(node, Or))
            return " or ".join(self.unknown(x) for x in xs)
        if isinstance(node, Not):
            return self.unknown(node.operand)
        return self.atom(node, True)


def _guards(guard: Expr, other: Expr) -> bool:
    """Whether ``guard`` is `not has('f')` and ``other`` reads the event's f (a guard for a field the record
    may lack)."""
    if not (isinstance(guard, Not) and isinstance(guard.operand, Call) and guard.operand.func == "has"
            and guard.operand.args and isinstance(guard.operand.args[0], Lit)):
        return False
    field = str(guard.operand.args[0].value)
    return any(isinstance(n, Name) and n.path[:2] == ("event", field) for n in names_in(other))


def _flat(node: Expr, kind: type) -> list[Expr]:
    """``a and b and c`` as [a, b, c] (the same for ``or``)."""
    if isinstance(node, kind):
        return [*_flat(node.left, kind), *_flat(node.right, kind)]  # type: ignore[attr-defined]
    return [node]


# --- changes --------------------------------------------------------------------------------------------


def change_words(because: str, event_ids: Sequence[str], events: Mapping[str, Event], names: Names) -> str:
    """A recorded reason in words: an act the rule names by type and id ("triggered by peace_settlement
    (1956-10-19-…)") is named by its title instead."""
    said = because
    for eid in event_ids:
        e = events.get(eid)
        if e is None:
            continue
        for written in (f"{e.type} ({e.id})", f"({e.id})"):
            if written in said:
                title = event_title(e, names)
                said = said.replace(written, title if written.startswith(e.type) else f"({title})")
    return said


# --- not in force ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotInForce:
    """A treaty that is not in force because its entry into force needs acts the record does not give (or
    gives in part): what is missing, and what would supply it."""

    treaty: str
    title: str
    reason: str
    hint: str

    def sentence(self, verbose: bool = False) -> str:
        """``Sino-Soviet Treaty of 1950: not in force — no ratification on record (give --events …)``."""
        who = f"{self.title} ({self.treaty})" if verbose else self.title
        return f"{who}: not in force — {self.reason}" + (f" ({self.hint})" if self.hint else "")

    def record(self) -> dict[str, str]:
        return {"treaty": self.treaty, "title": self.title, "reason": self.reason, "hint": self.hint,
                "sentence": self.sentence()}


def not_in_force(treaty: str, title: str, rule: str, lc: Any, names: Names | None = None, *,
                 timeline_given: bool, as_of: date | None = None, later: date | None = None) -> NotInForce | None:
    """Why a treaty is not in force when its entry into force waits for acts the record lacks (``lc``: its
    :class:`~foedus.evaluate.results.LifecycleResult`; ``rule``: its rule of entry into force). None when it
    is in force, has ended, or its entry into force is simply later. ``later``: the day the record brings it
    into force after ``as_of``, if it does."""
    if lc.in_force or lc.entry_into_force is not None or lc.entry_pending is None:
        return None
    missing: list[str] = list(getattr(lc, "entry_missing", ()) or ())
    shown = names.many(missing) if names is not None and missing else ", ".join(missing)
    if rule == "ratification_by_all":
        some = missing and len(missing) < len(lc.parties or missing)
        reason = f"no ratification by {shown} on record" if some else "no ratification on record"
    elif rule == "exchange_of_instruments":
        reason = "no exchange of instruments of ratification on record"
    elif rule == "signature":
        reason = "no signature on record"
    elif rule == "deposit":
        reason = f"it waits for {lc.entry_pending}"
    elif rule == "fixed_date":
        reason = f"it enters into force on a date of its own ({lc.entry_pending.removeprefix('its date, ')})"
    else:
        reason = f"it waits for {lc.entry_pending}"
    if as_of is not None:
        reason = reason.replace(" on record", f" on record by {as_of.isoformat()}")
    if later is not None:
        hint = f"the record brings it into force on {later.isoformat()}"
    elif rule == "fixed_date":
        hint = ""
    elif (lc.record_silent and not timeline_given) or not timeline_given:
        hint = "give --events with a timeline that records it"
    else:
        hint = "the timelines given record none" if lc.record_silent else "the timelines given do not record it"
    return NotInForce(treaty, title, reason, hint)


# --- one treaty and its timeline ------------------------------------------------------------------------

_RULE_WORDS = {
    "ratification_by_all": "upon ratification by every party", "exchange_of_instruments":
    "on the exchange of instruments of ratification", "signature": "on signature",
    "deposit": "on the deposit of the instruments it requires", "fixed_date": "on a date of its own",
}


def rule_words(rule: str) -> str:
    """A rule of entry into force in words."""
    return _RULE_WORDS.get(rule, type_words(rule))


class TreatyWords:
    """The words for one compiled treaty bound to one timeline: its states, events, duties and reasons."""

    def __init__(self, ct: Any, timeline: Any = None, treaty_title: Callable[[str], str | None] | None = None,
                 names: Names | None = None):
        self.ct = ct
        self.names = names or Names(ct.registry)
        self.events: dict[str, Event] = {e.id: e for e in (timeline.events if timeline is not None else ())}
        vocab = getattr(timeline, "vocabulary", None) or ct.vocabulary
        self.words = Words(self.names, vocab, self.events, treaty_title)
        norms = list(ct.treaty.norms)
        self.labels = {n.id: norm_label(n, norms) for n in norms}
        self.title = ct.treaty.short_title or ct.treaty.title

    def instance(self, inst: Any) -> str:
        """A norm instance as its duty: "Art. V — USSR: economic assistance"."""
        since = inst.created_on if inst.trigger_event else None
        return duty_label(inst.article, inst.bearer, self.labels.get(inst.norm, inst.norm), self.names, since)

    def norm(self, norm_id: str, article: str | None = None) -> str:
        """A norm (all its instances): "Art. I: mutual assistance"."""
        head = article_ref(article)
        label = self.labels.get(norm_id, norm_id)
        return f"{head}: {label}" if head else label

    def event(self, eid: str, with_date: bool = True) -> str:
        e = self.events.get(eid)
        return event_title(e, self.names, with_date) if e is not None else eid

    def because(self, c: Any) -> str:
        return change_words(c.because, c.events, self.events, self.names)

    def finding(self, f: Any) -> str:
        return self.words.finding(f, self.events.get(f.event))

    def check(self, c: Any) -> str:
        return self.words.check(c, self.events.get(c.event))

    def subject(self, subject: str, instances: Mapping[str, Any]) -> str:
        """The subject of a change or a difference: the treaty, its term, the duty of a norm instance, a
        norm (its trigger checks), or a party."""
        if subject == "treaty":
            return self.title
        if subject == "term":
            return f"{self.title}: its term"
        inst = instances.get(subject)
        if inst is not None:
            return self.instance(inst)
        if subject in self.labels:
            norm = next((n for n in self.ct.treaty.norms if n.id == subject), None)
            return self.norm(subject, norm.article if norm is not None else None)
        return self.names.label(subject) if self.names.knows(subject) else subject

    def not_in_force(self, lc: Any, timeline_given: bool, later: date | None = None) -> NotInForce | None:
        rule = self.ct.lifecycle.entry_into_force
        return not_in_force(self.ct.id, self.title, rule if isinstance(rule, str) else str(rule), lc, self.names,
                            timeline_given=timeline_given, later=later)
