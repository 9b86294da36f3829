"""The model language reference, generated from the code so that it cannot drift from it.

``python -m foedus.reference > docs/reference.md`` (or ``foedus reference --out docs/reference.md``)
writes it; a test fails when the file in the repository is stale. Everything below is read from the
pydantic models, the condition compiler, the event vocabulary, the general-law reading points, the rule
table, the state machines and the scenario runner; the examples are checked by the tests too.
"""

from __future__ import annotations

import types
import typing
from datetime import date
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from foedus.compile.conditions import EVENT_FIELDS, FUNCTIONS
from foedus.evaluate import machines
from foedus.evaluate.rules import RULES
from foedus.model import schema as schema_module
from foedus.model.events import ATTRIBUTE_TYPES, vocabulary
from foedus.model.general_law import general_points
from foedus.model.treaty import (
    ActPattern,
    Changes,
    DateAttribute,
    Deadline,
    Instrument,
    Lifecycle,
    NamedReading,
    Norm,
    Notice,
    Party,
    ReadingOption,
    ReadingPoint,
    ReadingRef,
    Signatory,
    Signed,
    SourceInfo,
    Spell,
    Trigger,
    Withdrawal,
)
from foedus.model.treaty import Fact as FactItem

# The models documented, in the order a reader meets them, each with a short example block.
SECTIONS: tuple[tuple[type[BaseModel], str, str], ...] = (
    (schema_module.TreatyHead, "treaty", """\
treaty:
  id: seato-1954
  title: Southeast Asia Collective Defense Treaty
  short_title: Manila Pact
  source: {verbatim: false, text: "Manila, 8 September 1954; 209 UNTS 28"}
"""),
    (Party, "parties", """\
parties:
  - {id: PAK, name: Pakistan, cow: 770, iso3: PAK}
  - {id: FRG, name: Federal Republic of Germany, cow: 260, iso3: DEU, original: false}
"""),
    (Spell, "parties[].spells", """\
parties:
  - id: YUG
    name: Yugoslavia
    cow: 345
    spells: [{joined: 1975-08-01, left: 1992-05-01}, {joined: 2000-11-27}]
"""),
    (Signatory, "signatories", """\
signatories:
  - {party: USSR, name: Andrei Vyshinsky, office: Minister of Foreign Affairs}
"""),
    (Signed, "signed", "signed: {date: 1954-09-08, place: Manila}\n"),
    (SourceInfo, "treaty.source", """\
treaty:
  id: us-japan-1951
  title: Security Treaty between the United States of America and Japan
  source: {verbatim: false, text: "San Francisco, 8 September 1951; 3 UST 3329"}
"""),
    (Lifecycle, "lifecycle", """\
lifecycle:
  article: X
  entry_into_force: deposit
  instruments_required: majority
  depositary: Government of the Philippines
  indefinite: true
  withdrawal: {notice: 1 year, to: depositary, form: written}
"""),
    (Notice, "lifecycle.notice", """\
lifecycle:
  entry_into_force: ratification_by_all
  term: 30 years
  extension: 5 years
  notice: {period: 1 year, last_day_included: true, opens: 2 years, form: written, late: next_term}
"""),
    (Withdrawal, "lifecycle.withdrawal", """\
lifecycle:
  entry_into_force: exchange_of_instruments
  term: 10 years
  after_term: continues
  withdrawal: {notice: 1 year, opens: term}
"""),
    (Instrument, "instruments", """\
instruments:
  - id: paris-protocol-1954
    title: Protocol modifying and completing the Brussels Treaty
    kind: protocol
    signed: {date: 1954-10-23, place: Paris}
    changes: {parties_added: [FRG, ITA]}
"""),
    (Changes, "instruments[].changes", """\
instruments:
  - id: prolongation-1985
    title: Protocol of prolongation
    kind: prolongation
    changes: {term: 20 years, term_from: instrument, extension: 10 years}
"""),
    (ReadingPoint, "readings", """\
readings:
  - id: immediately
    question: How many days does "immediately" allow?
    options:
      same-day: {value: 0 days, says: assistance on the day of the attack}
      within-a-week: {value: 7 days, says: assistance within seven days}
    default: within-a-week
"""),
    (ReadingOption, "readings[].options", """\
readings:
  - id: settlement
    question: What settles the duty?
    options:
      peace-treaty: {says: only a peace treaty}
      end-of-war: {says: any settlement that ends the state of war}
    default: peace-treaty
"""),
    (NamedReading, "named_readings", """\
named_readings:
  - {id: from-signature, says: The term counts from signature, choose: {term-start: signature}}
"""),
    (Norm, "norms", """\
norms:
  - id: mutual-assistance
    kind: obligation
    category: defence
    summary: If a party is attacked, the others assist it.
    trigger:
      on: armed_attack
      when: party(event.target) and not party(event.actor)
      bind: {party: event.target}
      says: a party is attacked by a state outside the treaty
    bearer: others(party)
    counterparty: party
    deadline: {within: 7 days, last_day_included: true}
    fulfilled_by:
      - {on: assistance_rendered, when: event.actor == bearer and counterparty in event.targets,
         says: assistance rendered to the attacked party}
"""),
    (Trigger, "norms[].trigger", """\
norms:
  - id: consultation
    kind: obligation
    category: consultation
    summary: The parties consult when one is threatened.
    trigger: {on: [armed_clash, military_intervention], when: any_party(event.targets),
              bind: {party: party_in(event.targets)}, says: a party is threatened}
    bearer: others(party)
    counterparty: party
    fulfilled_by: [{on: consultation_held}]
"""),
    (ActPattern, "norms[].fulfilled_by, honoured_by, violated_by, discharged_by, ends_with", """\
norms:
  - id: no-separate-peace
    kind: prohibition
    category: peace_settlement
    summary: No party makes a separate peace.
    bearer: each party
    counterparty: the other parties
    violated_by:
      - {on: peace_settlement, when: bearer in event.actors and not (counterparty in event.agreed_by)}
    ends_with:
      - {on: end_of_war, when: "'DEU' in event.targets", says: the war with Germany ended}
"""),
    (Deadline, "norms[].deadline", """\
norms:
  - id: reply
    kind: obligation
    category: consultation
    summary: A party replies to a request for consultation within a month.
    trigger: {on: consultation_requested, when: party(event.actor), bind: {party: event.actor}}
    bearer: others(party)
    counterparty: party
    deadline: {within: 1 month, last_day_included: true}
    fulfilled_by: [{on: consultation_held}]
"""),
    (DateAttribute, "norms[].deadline.until", """\
norms:
  - id: assist
    kind: obligation
    category: defence
    summary: When a party enters a war against the initiator, the others join it while it is at war.
    trigger: {on: war_joined, when: party(event.actor) and event.against_initiator, bind: {party: event.actor}}
    bearer: others(party)
    counterparty: party
    deadline:
      until: {attribute: left_on, latest: left_latest, says: the day the partner leaves the war}
      last_day_included: true
    fulfilled_by:
      - {on: war_joined, when: event.actor == bearer and event.war == trigger.war and event.side == trigger.side}
"""),
    (FactItem, "facts", "facts:\n  - {id: purpose, says: The parties mean to keep the peace in the area.}\n"),
)

# A complete multilateral treaty: checked by the tests (it must load, compile and pass its scenario).
MULTILATERAL_TREATY = """\
## Treaty of Mutual Defence of Aland, Borea and Cyrene (an example)

```foedus
treaty:
  id: example-pact
  title: Treaty of Mutual Defence of Aland, Borea and Cyrene
  source: {verbatim: false, text: "an invented treaty, written to show the model language"}
parties:
  - {id: ALA, name: Aland}
  - {id: BOR, name: Borea}
  - {id: CYR, name: Cyrene}
  - {id: DOR, name: Doria, original: false}
signed: {date: 2000-01-10, place: Aland}
```

**Article 1.** *Summary, not the text:* if a party is attacked, the others assist it within thirty days.

```foedus
norms:
  - id: assistance
    kind: obligation
    category: defence
    summary: If a party is attacked by a state outside the treaty, the others assist it within thirty days.
    trigger:
      on: armed_attack
      when: party(event.target) and not party(event.actor)
      bind: {party: event.target}
      says: a party is attacked by an outsider
    bearer: others(party)
    counterparty: party
    deadline: {within: 30 days, last_day_included: true}
    fulfilled_by:
      - {on: assistance_rendered, when: event.actor == bearer and counterparty in event.targets,
         says: assistance rendered to the attacked party}
```

**Article 2.** *Summary, not the text:* the parties consult one another on their common defence.

```foedus
norms:
  - id: consult
    kind: obligation
    category: consultation
    summary: The parties consult one another on their common defence.
    bearer: each party
    counterparty: the other parties
    honoured_by:
      - {on: consultation_held, when: bearer in event.actors, says: the parties consulted}
```

**Article 3.** *Summary, not the text:* the treaty enters into force when two instruments of
ratification are deposited with Aland, and for a later party on its deposit; any state may accede; it
lasts ten years and is then extended by five years at a time for the parties that have not denounced it
a year before; a party may withdraw on six months' notice; it ends when fewer than two parties remain.

```foedus
lifecycle:
  entry_into_force: deposit
  instruments_required: 2
  depositary: Government of Aland
  accession: any_state
  term: 10 years
  extension: 5 years
  notice: {period: 1 year, last_day_included: true, to: depositary, effect: party_leaves}
  withdrawal: {notice: 6 months, to: depositary}
```
"""

MULTILATERAL_TIMELINE = """\
timeline: example-pact-record
description: An invented record for the example treaty.
hypothetical: true
states:
  ZED: {name: Zedland}
events:
  - {date: 2000-03-01, type: ratification, actor: ALA, treaty: example-pact, source: invented}
  - {date: 2000-04-01, type: ratification, actor: BOR, treaty: example-pact, source: invented}
  - {date: 2000-06-01, type: ratification, actor: CYR, treaty: example-pact, source: invented}
  - {date: 2003-02-01, type: accession, actor: DOR, treaty: example-pact, source: invented}
  - {date: 2005-05-01, type: armed_attack, actor: ZED, target: BOR, source: invented}
  - {date: 2005-05-20, type: assistance_rendered, actor: ALA, target: BOR, source: invented}
  - {date: 2008-07-01, type: withdrawal, actor: CYR, treaty: example-pact, to: depositary, source: invented}
  - {date: 2009-01-15, type: notice_of_denunciation, actor: DOR, treaty: example-pact, source: invented}
"""

MULTILATERAL_SCENARIO = """\
scenario: example-pact
description: The example treaty against its invented record.
treaty: example_pact.md
timeline: example_pact.yaml
expect:
  - on: 2000-04-01
    in_force: true
    entry_into_force: 2000-04-01
    parties: {ALA: bound, BOR: bound, CYR: signatory}
  - on: 2000-06-01
    parties: {CYR: {state: bound, bound_from: 2000-06-01}}
  - on: 2003-02-01
    parties: {DOR: bound}
  - on: 2005-05-25
    norms:
      assistance/ALA/2005-05-01: fulfilled
      assistance/CYR/2005-05-01: {state: active, deadline: 2005-05-31}
      assistance/DOR/2005-05-01: active
  - on: 2005-06-01
    norms: {assistance/CYR/2005-05-01: violated, assistance/DOR/2005-05-01: violated}
  - on: 2009-01-01
    parties: {CYR: {state: withdrawn, bound_until: 2009-01-01}}
  - on: 2010-04-01
    state: in force (extended)
    parties: {DOR: withdrawn, ALA: bound, BOR: bound}
    expires_on: 2015-04-01
"""


def _type_name(annotation: Any) -> str:
    """A field's type in words a reader of YAML understands."""
    origin = get_origin(annotation)
    if annotation is type(None):
        return "null"
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in get_args(annotation))
    if origin is typing.Annotated:
        base = get_args(annotation)[0]
        if base is str:
            return "duration (e.g. `1 year`)"
        return _type_name(base)
    if origin in (list, tuple):
        args = get_args(annotation)
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        key, value = get_args(annotation)
        return f"map of {_type_name(key)} to {_type_name(value)}"
    if annotation is ReadingRef:
        return "`{reading: POINT}`"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    if annotation is date:
        return "date (YYYY-MM-DD)"
    if annotation is str:
        return "text"
    if annotation is bool:
        return "true/false"
    if annotation is int:
        return "whole number"
    if annotation is Any:
        return "any"
    return getattr(annotation, "__name__", str(annotation))


def _default(field: Any) -> str:
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        value = field.default_factory()
        return "empty" if not value else f"`{value}`"
    if field.default is PydanticUndefined or field.default is None:
        return "—"
    value = field.default
    return f"`{getattr(value, 'value', value)}`"


def _model_section(model: type[BaseModel], where: str, example: str) -> list[str]:
    doc = (model.__doc__ or "").strip().replace("\n", " ")
    lines = [f"### {model.__name__}", "", f"Written at `{where}`." + (f" {' '.join(doc.split())}" if doc else ""), "",
             "| field | type | default | meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        shown = field.alias or name
        meaning = " ".join((field.description or "").split())
        lines.append(f"| `{shown}` | {_type_name(field.annotation)} | {_default(field)} | {meaning} |")
    lines += ["", "```yaml", example.rstrip("\n"), "```", ""]
    return lines


def generate() -> str:
    out: list[str] = [
        "# The foedus model language: reference",
        "",
        "Generated from the code by `foedus reference` (`python -m foedus.reference`); do not edit by hand —",
        "a test fails when this file is stale. The README tells how to run foedus; ARCHITECTURE.md how it is",
        "built.",
        "",
        "A treaty is a Markdown file: the text as published (or, where the verbatim text is not at hand, a",
        "marked summary of each article with the treaty's citation), article by article, and after any",
        "section a fenced ` ```foedus ` block in YAML with the model of that section. A norm, reading or fact",
        "written beside Article IV belongs to Article IV. `foedus schema` prints the JSON Schema of a block;",
        "`foedus validate FILE` checks a file.",
        "",
        "## Contents",
        "",
        "1. [Model blocks](#model-blocks)",
        "2. [Conditions](#conditions)",
        "3. [General treaty law](#general-treaty-law)",
        "4. [Event types](#event-types)",
        "5. [Lifecycle rules](#lifecycle-rules)",
        "6. [State machines](#state-machines)",
        "7. [Timelines](#timelines)",
        "8. [Scenario files](#scenario-files)",
        "9. [Writing a multilateral treaty](#writing-a-multilateral-treaty)",
        "",
        "## Model blocks",
        "",
        "A block may hold any of these keys; the blocks of a file together make one model (`treaty`,",
        "`lifecycle` and `signed` once per file; lists are merged in file order).",
        "",
        "| key | what it holds |",
        "|---|---|",
    ]
    for name, field in schema_module.ModelBlock.model_fields.items():
        meaning = " ".join((field.description or "").split())
        out.append(f"| `{name}` | {_type_name(field.annotation).replace(' or null', '')}"
                   + (f" — {meaning}" if meaning else "") + " |")
    out.append("")
    for model, where, example in SECTIONS:
        out += _model_section(model, where, example)
    out += [
        "## Conditions",
        "",
        "Conditions (`trigger.when`, an act's `when`, `applies_when`, a computed `bearer`) are written in",
        "foedus's own small language (the lark grammar `foedus/parse/expressions.lark`); nothing in them is",
        "ever executed as Python. Truth has three values: true, false and *unknown* (the record does not say);",
        "`and`, `or` and `not` follow Kleene's rules, so an undetermined trigger or act comes out of the logic.",
        "",
        "- operators: `and`, `or`, `not`, `in`, `not in`, `==`, `!=`, `<`, `<=`, `>`, `>=`; brackets; lists",
        "  `[a, b]`; quoted texts `'JPN'` (a state's name is resolved to the state); numbers; `true`, `false`,",
        "  `unknown`;",
        "- `event.<field>` and `trigger.<field>` (the event weighed, and the event that triggered the norm):",
        "  " + ", ".join(f"`{f}`" for f in EVENT_FIELDS) + ", or any attribute of the event (absent:",
        "  unknown);",
        "- `bearer`, `counterparty` (in acts), `parties` (the parties bound on the date) and the names a",
        "  trigger binds (`bind:`);",
        "",
        "| function | arguments | meaning |",
        "|---|---|---|",
    ]
    for name, (arity, says) in FUNCTIONS.items():
        out.append(f"| `{name}` | {arity} | {says} |")
    out += ["", "## General treaty law", "",
            "Every model has these reading points besides its own: they decide what the treaty's clauses leave",
            "to the law of treaties. A model sets its own default under `general_law:`; a run chooses with",
            "`--reading POINT=OPTION`.", ""]
    for point in general_points():
        out.append(f"- **`{point.id}`** — {point.question}")
        for oid, option in point.options.items():
            mark = " (default)" if oid == point.default else ""
            out.append(f"  - `{oid}`{mark}: {option.says}")
    out += ["", "## Event types", "",
            "A timeline records events of these types (a treaty file or a timeline may declare more under",
            "`event_types:`, checked like these). `act` events are acts under a treaty (`treaty:` names it; they",
            "cannot precede its signature); `world` events are facts about the world. Roles give how many states",
            "each takes (min–max).", "",
            "| type | scope | actors | targets | attributes | meaning |", "|---|---|---|---|---|---|"]
    for name, kind in sorted(vocabulary().items()):
        def role(bounds: tuple[int, int | None]) -> str:
            lo, hi = bounds
            return f"{lo}" if lo == hi else f"{lo}–{hi if hi is not None else 'any'}"
        attributes = ", ".join(f"`{a}`" for a in kind.attributes) or "—"
        out.append(f"| `{name}` | {kind.scope} | {role(kind.actors)} | {role(kind.targets)} | {attributes} | "
                   f"{kind.says} |")
    out += ["", "### Declaring event types", "",
            "A treaty whose clauses turn on acts or facts the table lacks declares them in a model block, in the",
            "same form as the built-in ones; its norms may then be triggered, fulfilled or broken by them, and",
            "every timeline read for the treaty (YAML, CSV, Parquet, `--add-event`, the explorer) may record them.",
            "A YAML timeline may declare types of its own the same way, for events it records. A declared type",
            "is checked like a built-in one: its roles' numbers of states, its `treaty:` (`required` for acts",
            "under a treaty), every attribute's type. A built-in name cannot be redefined; a name two files",
            "declare must be declared alike.", "", "```yaml",
            "event_types:",
            "  organ_of_consultation_met:",
            "    says: the Organ of Consultation meets and agrees on measures",
            "    scope: act            # act: an act under a treaty; world: a fact about the world",
            "    actors: [1, null]     # at least one state, no upper limit",
            "    targets: [0, 0]",
            "    treaty: required",
            "    attributes:",
            "      measures: {type: text, says: the measures agreed}",
            "      convoked_by: {type: state, says: the party that asked for the meeting}",
            "      session: {type: choice, options: [ordinary, extraordinary], says: the kind of session}",
            "```", "",
            "Attribute types: " + ", ".join(f"`{t}`" for t in ATTRIBUTE_TYPES) + ". A `state` or `states` value",
            "is checked against the states the treaties and the timeline know; a `choice` takes one of its",
            "`options`."]
    out += ["", "## Lifecycle rules", "",
            "The evaluator settles each day in date order: what time brings at the start of the day, the acts of",
            "the day through these rules, then every event against the norms in effect, then the effects that",
            "take place at the day's end. Each rule moves the treaty or a party only along the state machines",
            "below.", "", "| rule | on | what it does | basis |", "|---|---|---|---|"]
    for r in RULES:
        out.append(f"| `{r.id}` | {r.on} | {r.says} | {r.basis} |")
    out += ["", "## State machines", "",
            "Every row leads to another state, and every change a run lists is one of these rows (subject `treaty`,",
            "a party or a norm instance) or a change of term (subject `term`: the first term gives way to the first",
            "extension, an extension to the next, or to a term an instrument sets). What leaves a state as it is",
            "— a further breach of a duty already violated, a further tacit extension — is recorded as a finding",
            "or a change of term, never as a change from a state to itself.", ""]
    for machine in machines.ALL:
        out += [f"### {machine.name}", "", f"Starts as *{machine.initial}*; final: "
                + ", ".join(f"*{s}*" for s in machine.final) + ".", "",
                "| from | on | to | meaning |", "|---|---|---|---|"]
        out += [f"| {t.source} | {t.when} | {t.target} | {t.says} |" for t in machine.transitions]
        out.append("")
    from foedus.parse import timeline as timeline_module
    from foedus.scenarios import runner

    out += ["## Timelines", "", _docstring(timeline_module.__doc__), "",
            "Every event should cite its `source`; an event may carry an `id` (stable, used everywhere), a",
            "`title` (what historians call it, e.g. `Sino-Japanese Treaty of Peace and Friendship`) and a `note`.",
            "Without a `title`, an event is named from its type, its states and its date (`Ratification by the",
            "USSR, 1950-04-11`). Without an `id`, its id is made of its date, its type and its first actor",
            "(`1950-04-11-ratification-USSR`), with a suffix (`-2`) where two events would share one; never of",
            "its line, so that it stays the same when the file is edited elsewhere. The line stays in the JSON",
            "(`file`, `line`) and in `--verbose`.", "", "## Scenario files", "", _docstring(runner.__doc__), "",
            "## Writing a multilateral treaty", "",
            "A complete example (an invented treaty, so that nothing in it is mistaken for a record): three",
            "negotiating states and one that accedes later, entry into force on the deposit of the second",
            "instrument, tacit extension for the parties that have not denounced, withdrawal on notice. The",
            "treaty file:", "", "````markdown", MULTILATERAL_TREATY.rstrip("\n"), "````", "",
            "Its record (`example_pact.yaml`):", "", "```yaml", MULTILATERAL_TIMELINE.rstrip("\n"), "```", "",
            "What must hold (`example_pact.scenario.yaml`, run by `foedus scenario`):", "", "```yaml",
            MULTILATERAL_SCENARIO.rstrip("\n"), "```", "",
            "Each party has its own lifecycle: Cyrene is bound on its deposit after the entry into force, Doria",
            "on its accession; Cyrene's withdrawal takes effect six months after its notice, and Doria's timely",
            "denunciation takes it out at the end of the first term, while the treaty is extended for Aland and",
            "Borea. A treaty that is not bilateral writes `the other parties` where a bilateral one writes `the",
            "other party`, and `others(party)` for the parties other than the one a trigger binds.", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _docstring(text: str | None) -> str:
    """A module docstring as Markdown: its ``::`` literal blocks become fenced code."""
    lines = (text or "").strip("\n").split("\n")
    out: list[str] = []
    in_code = False
    for line in lines:
        if in_code and line and not line.startswith("    "):
            out.append("```")
            in_code = False
        if line.rstrip().endswith("::"):
            out.append(line.rstrip()[:-1])
            out.append("")
            out.append("```yaml")
            in_code = True
            continue
        out.append(line[4:] if in_code and line.startswith("    ") else line.replace("``", "`"))
    if in_code:
        out.append("```")
    return "\n".join(out)


def main() -> None:
    import sys

    sys.stdout.write(generate())


if __name__ == "__main__":
    main()
