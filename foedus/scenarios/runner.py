"""Run scenario files: a treaty, a reading, a timeline and what must hold on given dates.

A scenario file (YAML)::

    scenario: attack-by-japan-assistance-on-day-5
    description: Japan attacks the PRC; the USSR renders assistance five days later.
    treaty: ../../treaties/sino_soviet_1950.md      # relative to the scenario file
    timeline: ../../timelines/sino_soviet_1950_1980.yaml   # optional base timeline
    reading: strict-immediately                     # optional: a name, point=option, or a list
    states:                                         # optional, as in a timeline
      IND: {name: India, cow: 750}
    events:                                         # optional, as in a timeline
      - {date: 1955-06-01, type: armed_attack, actor: JPN, target: PRC, state_of_war: true}
    expect:
      - on: 1955-06-01
        in_force: true
        norms: {mutual-assistance/USSR/1955-06-01: active}
        trigger_checks: {mutual-assistance: triggered}

Each check in ``expect`` evaluates the treaty as of ``on`` and compares what it names:

- ``in_force`` (true/false) and ``state`` (the treaty's state);
- ``entry_into_force``, ``exchange_on``, ``expires_on``, ``notice_deadline``, ``ends_on``,
  ``extension_fixed_since``: dates, or null for none;
- ``end_reason``: words the reason of the (certain) end contains, or null for no end;
- ``term_set_by``: the instrument that set the current term, or null for the treaty's own clause;
- ``parties``: party id → its state, or → ``{state, bound_from, bound_until}``;
- ``norms``: instance id → its state, or → ``{state, deadline, since, ended_on, findings}``, where
  ``since`` is the date the instance entered its state and ``findings`` the verdicts on the acts
  weighed against it, in date order;
- ``absent``: instance ids, or norm ids of which no instance may exist;
- ``invalid_acts``: how many acts were rejected; ``invalid``: words each of which some rejected act's
  reason contains;
- ``notices``: notice date → its verdicts, term by term (timely / late / invalid; valid for a notice of
  withdrawal), or a list such as ``[late, timely]`` for a late notice that stops the next extension;
- ``trigger_checks``: norm id → the verdict on the latest event of the norm's trigger types dated on
  or before ``on``: triggered, not triggered, undetermined, or treaty not in force.

``expect_error: <text>`` says that running the scenario must fail with an input error whose one-line
message contains the text. The checks, in order, must hold until the error comes (a check on a date
whose evaluation fails is where it is expected); with no checks the scenario is evaluated as of its
latest event.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from foedus.api import Session
from foedus.compile import compile_treaty
from foedus.compile.readings import choose_reading
from foedus.dates import parse_iso
from foedus.errors import FoedusError, Location, quoted
from foedus.evaluate import bind_timeline, machines
from foedus.evaluate.results import NormInstance, Outcome
from foedus.files import read_text
from foedus.model.events import Event, State, Timeline, Vocabulary
from foedus.model.load import load_treaty
from foedus.model.treaty import Treaty
from foedus.parse.located_yaml import SourceMap, load
from foedus.parse.timeline import build_timeline, events_from_tree, read_timeline

SCENARIO_KEYS = ("scenario", "description", "treaty", "timeline", "reading", "states", "events", "expect",
                 "expect_error")
DATE_CHECKS = ("entry_into_force", "exchange_on", "expires_on", "notice_deadline", "ends_on",
               "extension_fixed_since")
CHECK_KEYS = ("on", "in_force", "state", *DATE_CHECKS, "end_reason", "term_set_by", "parties", "norms", "absent",
              "invalid_acts", "invalid", "notices", "trigger_checks")
INSTANCE_KEYS = ("state", "deadline", "since", "ended_on", "findings")
PARTY_KEYS = ("state", "bound_from", "bound_until")
FINDING_VERDICTS = ("fulfilled", "honoured", "breached", "discharged", "exercised", "late", "undetermined",
                    "invalid")
TRIGGER_VERDICTS = ("triggered", "not triggered", "undetermined", "treaty not in force")
NOTICE_VERDICTS = ("timely", "late", "invalid", "valid")
TREATY_STATES = tuple(machines.TREATY.states)
PARTY_STATES = tuple(machines.PARTY.states)
NORM_STATES = tuple(dict.fromkeys(s for m in machines.BY_KIND.values() for s in m.states))


@dataclass(frozen=True)
class Check:
    """One entry of ``expect``: what must hold as of ``on``."""

    on: date
    line: int | None
    expect: dict[str, Any]
    where: dict[str, Location]  # where each expectation is written, for errors about it


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    file: str
    treaty: str
    timeline: str | None
    reading: tuple[str, ...]
    checks: tuple[Check, ...]
    expect_error: str | None
    tree: dict[str, Any]
    smap: SourceMap

    def locate(self, *path: str | int) -> Location:
        return self.smap.locate(path)


@dataclass
class ScenarioResult:
    name: str
    file: str
    passed: bool
    failures: list[str] = field(default_factory=list)
    checks: int = 0
    error: str | None = None  # the input error the scenario raised, when it expected one

    def report(self) -> str:
        head = f"scenario {self.name} ({self.file}): " + ("passed" if self.passed else
                                                          f"{len(self.failures)} failure(s)")
        return "\n".join([head, *(f"  - {f}" for f in self.failures)])


# --- reading a scenario file ---------------------------------------------------------------------


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file's structure (the treaty and events are read when it runs)."""
    file = str(path)
    text = read_text(path, what="scenario file", expected="a path to a .yaml scenario")
    tree, smap = load(text, file)
    if not isinstance(tree, dict):
        raise FoedusError("a scenario must be a mapping", where=smap.locate(()),
                          expected="keys " + ", ".join(SCENARIO_KEYS))
    for key in tree:
        if key not in SCENARIO_KEYS:
            raise FoedusError(f"unknown key `{key}` in the scenario", where=smap.locate((key,)),
                              expected="one of " + ", ".join(SCENARIO_KEYS))
    name = tree.get("scenario")
    if not isinstance(name, str) or not name.strip():
        raise FoedusError("the scenario has no name", where=smap.locate(("scenario",)),
                          expected="`scenario: <name>`")
    description = tree.get("description")
    if description is not None and not isinstance(description, str):
        raise FoedusError("`description` must be text", where=smap.locate(("description",)), expected="a string")
    treaty = _relative_path(tree, smap, "treaty", file, required=True)
    assert treaty is not None
    timeline = _relative_path(tree, smap, "timeline", file, required=False)
    reading = _reading(tree.get("reading"), smap)
    expect_error = tree.get("expect_error")
    if expect_error is not None and (not isinstance(expect_error, str) or not expect_error.strip()):
        raise FoedusError("`expect_error` must be text", where=smap.locate(("expect_error",)),
                          expected="a part of the one-line error message the scenario must give")
    raw_checks = tree.get("expect")
    if raw_checks is None:
        raw_checks = []
    if not isinstance(raw_checks, list):
        raise FoedusError("`expect` must be a list", where=smap.locate(("expect",)),
                          expected="a YAML list of checks, each with `on: YYYY-MM-DD`")
    if not raw_checks and expect_error is None:
        raise FoedusError("the scenario checks nothing", where=smap.locate(("expect",)),
                          expected="`expect:` with at least one check, or `expect_error:`")
    checks = tuple(_check(item, i, smap) for i, item in enumerate(raw_checks))
    return Scenario(name=name.strip(), description=description or "", file=file, treaty=treaty,
                    timeline=timeline, reading=reading, checks=checks,
                    expect_error=expect_error.strip() if expect_error else None, tree=tree, smap=smap)


def _relative_path(tree: dict[str, Any], smap: SourceMap, key: str, file: str, required: bool) -> str | None:
    value = tree.get(key)
    if value is None:
        if required:
            raise FoedusError(f"the scenario names no {key}", where=smap.locate(()),
                              expected=f"`{key}: <path relative to the scenario file>`")
        return None
    if not isinstance(value, str) or not value.strip():
        raise FoedusError(f"`{key}` must be a path", where=smap.locate((key,)),
                          expected="a path relative to the scenario file")
    resolved = os.path.normpath(os.path.join(os.path.dirname(file), value.strip()))
    if not Path(resolved).is_file():
        raise FoedusError(f"no such {key} file {value.strip()!r} (looked for {resolved})",
                          where=smap.locate((key,)), expected="a path relative to the scenario file")
    return resolved


def _reading(value: Any, smap: SourceMap) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            path: tuple[str | int, ...] = ("reading", i) if isinstance(value, list) else ("reading",)
            raise FoedusError("a reading must be a name", where=smap.locate(path),
                              expected="a named reading, `point=option`, or a list of them")
    return tuple(str(i).strip() for i in items)


def _check(item: Any, i: int, smap: SourceMap) -> Check:
    base: tuple[str | int, ...] = ("expect", i)
    where = smap.locate(base)
    if not isinstance(item, dict):
        raise FoedusError("a check must be a mapping", where=where,
                          expected="`on: YYYY-MM-DD` and what must hold on that date")
    for key in item:
        if key not in CHECK_KEYS:
            raise FoedusError(f"unknown check `{key}`", where=smap.locate((*base, key)),
                              expected="one of " + ", ".join(CHECK_KEYS))
    if "on" not in item:
        raise FoedusError("a check has no date", where=where, expected="`on: YYYY-MM-DD`")
    if len(item) == 1:
        raise FoedusError(f"the check on {item['on']} checks nothing", where=where,
                          expected="one of " + ", ".join(CHECK_KEYS[1:]))

    def loc(*path: str | int) -> Location:
        return smap.locate((*base, *path))

    def a_date(value: Any, *path: str | int, nullable: bool = False) -> date | None:
        if value is None and nullable:
            return None
        try:
            return parse_iso(str(value))
        except ValueError as exc:
            raise FoedusError(str(exc), where=loc(*path),
                              expected="a real calendar date YYYY-MM-DD" + (" or null" if nullable else "")) \
                from None

    def one_of(value: Any, allowed: tuple[str, ...], what: str, *path: str | int) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise FoedusError(f"{quoted(value)} is not a {what}", where=loc(*path),
                              expected="one of " + ", ".join(allowed))
        return value

    on = a_date(item["on"], "on")
    assert on is not None
    expect: dict[str, Any] = {}
    places: dict[str, Location] = {}
    for key, value in item.items():
        places[key] = loc(key)
        if key == "on":
            continue
        if key == "in_force":
            if not isinstance(value, bool):
                raise FoedusError("`in_force` must be true or false", where=loc(key), expected="true or false")
            expect[key] = value
        elif key == "state":
            expect[key] = one_of(value, TREATY_STATES, "state of a treaty", key)
        elif key in DATE_CHECKS:
            expect[key] = a_date(value, key, nullable=True)
        elif key == "invalid_acts":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise FoedusError("`invalid_acts` must be a count", where=loc(key), expected="a whole number ≥ 0")
            expect[key] = value
        elif key == "absent":
            items = value if isinstance(value, list) else [value]
            if not items or not all(isinstance(v, str) and v for v in items):
                raise FoedusError("`absent` must list instance or norm ids", where=loc(key),
                                  expected="e.g. [mutual-assistance] or [mutual-assistance/USSR/1955-06-01]")
            expect[key] = tuple(items)
            for j, _ in enumerate(items):
                places[f"absent.{j}"] = loc(key, j) if isinstance(value, list) else loc(key)
        elif key == "norms":
            expect[key] = _norm_expectations(value, loc, a_date, one_of, places)
        elif key == "parties":
            expect[key] = _party_expectations(value, loc, a_date, one_of)
        elif key in ("end_reason", "term_set_by"):
            if value is not None and not isinstance(value, str):
                raise FoedusError(f"`{key}` must be a text or null", where=loc(key),
                                  expected="words the end reason contains" if key == "end_reason"
                                  else "the id of an instrument, or null for the treaty's own clause")
            expect[key] = value
        elif key == "invalid":
            items = value if isinstance(value, list) else [value]
            if not items or not all(isinstance(v, str) and v for v in items):
                raise FoedusError("`invalid` must list words of the invalid acts' reasons", where=loc(key),
                                  expected="e.g. [not in writing]")
            expect[key] = tuple(items)
        elif key == "notices":
            if not isinstance(value, dict) or not value:
                raise FoedusError("`notices` must map notice dates to verdicts", where=loc(key),
                                  expected="e.g. {1979-04-03: timely}")
            notices: dict[date | None, list[str]] = {}
            for d, v in value.items():
                verdicts = v if isinstance(v, list) else [v]
                notices[a_date(d, key, d)] = [one_of(x, NOTICE_VERDICTS, "notice verdict", key, d) for x in verdicts]
            expect[key] = notices
        elif key == "trigger_checks":
            if not isinstance(value, dict) or not value:
                raise FoedusError("`trigger_checks` must map norm ids to verdicts", where=loc(key),
                                  expected="e.g. {mutual-assistance: triggered}")
            expect[key] = {str(n): one_of(v, TRIGGER_VERDICTS, "trigger verdict", key, n) for n, v in value.items()}
            for n in value:
                places[f"trigger_checks.{n}"] = loc(key, n)
    return Check(on=on, line=where.line, expect=expect, where=places)


def _party_expectations(value: Any, loc: Callable[..., Location], a_date: Callable[..., date | None],
                        one_of: Callable[..., str]) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict) or not value:
        raise FoedusError("`parties` must map party ids to states", where=loc("parties"),
                          expected="e.g. {PAK: withdrawn} or {PAK: {state: withdrawn, bound_until: 1973-11-08}}")
    out: dict[str, dict[str, Any]] = {}
    for pid, spec in value.items():
        pid = str(pid)
        if isinstance(spec, str):
            out[pid] = {"state": one_of(spec, PARTY_STATES, "state of a party", "parties", pid)}
            continue
        if not isinstance(spec, dict) or not spec:
            raise FoedusError(f"the expectation for {pid} must be a state or a mapping", where=loc("parties", pid),
                              expected="a state, or {" + ", ".join(PARTY_KEYS) + "}")
        want: dict[str, Any] = {}
        for key, v in spec.items():
            if key not in PARTY_KEYS:
                raise FoedusError(f"unknown field `{key}` for a party", where=loc("parties", pid, key),
                                  expected="one of " + ", ".join(PARTY_KEYS))
            want[key] = (one_of(v, PARTY_STATES, "state of a party", "parties", pid, key) if key == "state"
                         else a_date(v, "parties", pid, key, nullable=True))
        out[pid] = want
    return out


def _norm_expectations(value: Any, loc: Callable[..., Location], a_date: Callable[..., date | None],
                       one_of: Callable[..., str], places: dict[str, Location]) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict) or not value:
        raise FoedusError("`norms` must map instance ids to states", where=loc("norms"),
                          expected="e.g. {mutual-assistance/USSR/1955-06-01: fulfilled}")
    out: dict[str, dict[str, Any]] = {}
    for iid, spec in value.items():
        iid = str(iid)
        places[f"norms.{iid}"] = loc("norms", iid)
        if isinstance(spec, str):
            out[iid] = {"state": one_of(spec, NORM_STATES, "state of a norm instance", "norms", iid)}
            continue
        if not isinstance(spec, dict) or not spec:
            raise FoedusError(f"the expectation for {iid} must be a state or a mapping", where=loc("norms", iid),
                              expected="a state, or {" + ", ".join(INSTANCE_KEYS) + "}")
        want: dict[str, Any] = {}
        for key, v in spec.items():
            if key not in INSTANCE_KEYS:
                raise FoedusError(f"unknown field `{key}` for a norm instance", where=loc("norms", iid, key),
                                  expected="one of " + ", ".join(INSTANCE_KEYS))
            if key == "state":
                want[key] = one_of(v, NORM_STATES, "state of a norm instance", "norms", iid, key)
            elif key == "findings":
                if not isinstance(v, list):
                    raise FoedusError("`findings` must be a list", where=loc("norms", iid, key),
                                      expected="verdicts in date order, e.g. [honoured, breached], or []")
                want[key] = [one_of(f, FINDING_VERDICTS, "finding", "norms", iid, key, j) for j, f in enumerate(v)]
            else:
                want[key] = a_date(v, "norms", iid, key, nullable=True)
        out[iid] = want
    return out


# --- running it ----------------------------------------------------------------------------------


def run_scenario_file(path: str | Path) -> ScenarioResult:
    """Run a scenario file. A malformed scenario raises :class:`FoedusError` (file:line); so does a bad
    treaty, timeline or event unless the scenario says ``expect_error``."""
    return run_scenario(load_scenario(path))


def run_scenario(sc: Scenario) -> ScenarioResult:
    if sc.expect_error is None:
        session = open_scenario(sc)
        failures: list[str] = []
        for check in sc.checks:
            failures += check_outcome(sc, check, session.outcome(check.on))
        return ScenarioResult(sc.name, sc.file, not failures, failures, len(sc.checks))
    # The checks before the error must hold; the error must come, and say what the scenario expects.
    failures = []
    try:
        session = open_scenario(sc)
        for check in sc.checks or (Check(_last_date(session), None, {}, {}),):
            failures += check_outcome(sc, check, session.outcome(check.on))
    except FoedusError as exc:
        message = exc.one_line()
        if sc.expect_error not in message:
            failures.append(f"{sc.locate('expect_error')}: expected an error containing {sc.expect_error!r}, "
                            f"got: {message}")
        return ScenarioResult(sc.name, sc.file, not failures, failures, len(sc.checks), error=message)
    failures.append(f"{sc.locate('expect_error')}: expected an error containing {sc.expect_error!r}, "
                    "but the scenario ran without error")
    return ScenarioResult(sc.name, sc.file, False, failures, len(sc.checks))


def _last_date(session: Session) -> date:
    events = session.timeline.events
    if events:
        return events[-1].date
    signed = session.compiled.treaty.signed
    return signed.date if signed else date(2000, 1, 1)


def open_scenario(sc: Scenario) -> Session:
    """The scenario's treaty compiled under its reading, bound to its timeline."""
    treaty, tsmap = load_treaty(sc.treaty)
    try:
        choose_reading(treaty, list(sc.reading), sc.treaty)
    except FoedusError as exc:
        # The reading is the scenario's choice: point at the scenario line that makes it.
        raise FoedusError(exc.message, where=sc.locate("reading"), expected=exc.expected) from None
    compiled = compile_treaty(treaty, list(sc.reading), smap=tsmap, file=sc.treaty)
    _check_references(sc, treaty)
    timeline = scenario_timeline(sc, compiled.vocabulary)
    return Session(compiled=compiled, timeline=bind_timeline(compiled, timeline))


def scenario_timeline(sc: Scenario, vocab: Vocabulary | None = None) -> Timeline:
    """The base timeline's events and states, with the scenario's own added. ``vocab``: the event types
    they may use (the built-in ones and the treaty's own); the base timeline may declare more."""
    base = read_timeline(sc.timeline, vocab) if sc.timeline else None
    if base is not None and base.vocabulary is not None:
        vocab = base.vocabulary
    events, states = events_from_tree(sc.tree, sc.smap, sc.file, vocabulary=vocab)
    merged: dict[str, State] = dict(base.states) if base else {}
    for sid, state in states.items():
        if sid in merged and merged[sid] != state:
            raise FoedusError(f"state {sid!r} is declared differently in the base timeline",
                              where=sc.locate("states", sid), expected="the same name and codes, or another id")
        merged[sid] = state
    all_events: list[Event] = [*(base.events if base else ()), *events]
    return build_timeline(sc.name, sc.description, all_events, merged, sc.file,
                          hypothetical=bool(events) or bool(base and base.hypothetical), vocabulary=vocab)


def _check_references(sc: Scenario, treaty: Treaty) -> None:
    """Every norm a check names must be one of the treaty's norms (a typo would fail silently)."""
    norms = [n.id for n in treaty.norms]

    def known(ref: str, where: Location) -> None:
        if ref.split("/", 1)[0] not in norms:
            raise FoedusError(f"{treaty.id} has no norm {ref.split('/', 1)[0]!r}", where=where,
                              expected="one of " + ", ".join(norms))

    for check in sc.checks:
        for iid in check.expect.get("norms", {}):
            known(iid, check.where[f"norms.{iid}"])
        for j, ref in enumerate(check.expect.get("absent", ())):
            known(ref, check.where[f"absent.{j}"])
        for nid in check.expect.get("trigger_checks", {}):
            if "/" in nid:
                raise FoedusError(f"trigger_checks names an instance {nid!r}",
                                  where=check.where[f"trigger_checks.{nid}"], expected="a norm id")
            known(nid, check.where[f"trigger_checks.{nid}"])


# --- comparing ------------------------------------------------------------------------------------


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def since(inst: NormInstance) -> date:
    """The date the instance entered its present state (a repeated breach is a finding: it does not move it)."""
    return inst.since


def trigger_verdicts(outcome: Outcome, norm: str) -> tuple[date | None, list[str]]:
    """The verdicts on the latest event(s) of a norm's trigger types: the events that created an
    instance (triggered) and the trigger checks that did not."""
    seen: list[tuple[date, str, str]] = []
    for inst in outcome.instances:
        if inst.norm == norm and inst.trigger_event is not None:
            seen.append((inst.created_on, inst.trigger_event, "triggered"))
    for tc in outcome.trigger_checks:
        if tc.norm == norm:
            seen.append((tc.date, tc.event, tc.verdict))
    if not seen:
        return None, []
    last = max(d for d, _, _ in seen)
    return last, sorted({v for d, _, v in seen if d == last})


def check_outcome(sc: Scenario, check: Check, o: Outcome) -> list[str]:
    """The failures of one check against the outcome as of its date."""
    lc = o.lifecycle
    failures: list[str] = []
    head = f"{sc.file}:{check.line}: on {check.on}" if check.line else f"{sc.file}: on {check.on}"

    def fail(what: str, expected: Any, got: Any) -> None:
        failures.append(f"{head}: {what}: expected {_show(expected)}, got {_show(got)}")

    by_id = {i.id: i for i in o.instances}
    for key, want in check.expect.items():
        if key == "in_force" and lc.in_force != want:
            fail(key, want, lc.in_force)
        elif key == "state" and lc.state != want:
            fail(key, want, lc.state)
        elif key in DATE_CHECKS:
            got = lc.exchange_on if key == "exchange_on" else getattr(lc, key)
            if got != want:
                fail(key, want, got)
        elif key == "invalid_acts" and len(o.invalid_acts) != want:
            fail(key, want, f"{len(o.invalid_acts)}" + (" (" + "; ".join(
                f"{a.event} {a.date}: {a.reason}" for a in o.invalid_acts) + ")" if o.invalid_acts else ""))
        elif key == "absent":
            for ref in want:
                present = [i.id for i in o.instances if i.id == ref or ("/" not in ref and i.norm == ref)]
                if present:
                    fail(f"absent {ref}", "no instance", ", ".join(f"{p} ({by_id[p].state})" for p in present))
        elif key == "norms":
            for iid, spec in want.items():
                inst = by_id.get(iid)
                if inst is None:
                    same = sorted(i.id for i in o.instances if i.norm == iid.split("/", 1)[0])
                    fail(f"norms[{iid}]", spec.get("state", "an instance"),
                         "no such instance" + (f" (instances of the norm: {', '.join(same)})" if same else ""))
                    continue
                got_values = {"state": inst.state, "deadline": inst.deadline, "since": since(inst),
                              "ended_on": inst.ended_on, "findings": [f.verdict for f in inst.findings]}
                for field_, value in spec.items():
                    if got_values[field_] != value:
                        label = f"norms[{iid}]" if field_ == "state" else f"norms[{iid}].{field_}"
                        fail(label, value, got_values[field_])
        elif key == "end_reason":
            if (want is None) != (lc.end_reason is None) or (want is not None and want not in (lc.end_reason or "")):
                fail(key, want, lc.end_reason)
        elif key == "term_set_by":
            info = next((t for t in lc.term_info if lc.current_term and t.number == lc.current_term.number), None)
            got_by = info.set_by if info else None
            if got_by != want:
                fail(key, want, got_by)
        elif key == "invalid":
            for words in want:
                if not any(words in a.reason for a in o.invalid_acts):
                    fail("invalid", words, "; ".join(a.reason for a in o.invalid_acts) or "no invalid act")
        elif key == "parties":
            for pid, spec in want.items():
                party = lc.party(pid)
                if party is None:
                    fail(f"parties[{pid}]", spec.get("state", "a party"), "no such party")
                    continue
                got_p = {"state": party.state, "bound_from": party.bound_from, "bound_until": party.bound_until}
                for field_, value in spec.items():
                    if got_p[field_] != value:
                        label = f"parties[{pid}]" if field_ == "state" else f"parties[{pid}].{field_}"
                        fail(label, value, got_p[field_])
        elif key == "notices":
            for day, verdict in want.items():
                got_v = [n.verdict for n in lc.notices if n.date == day]
                if got_v != verdict:
                    fail(f"notices[{day}]", verdict, got_v or "no notice on that date")
        elif key == "trigger_checks":
            for nid, verdict in want.items():
                last, verdicts = trigger_verdicts(o, nid)
                if verdicts != [verdict]:
                    got = f"{', '.join(verdicts)} (on {last})" if last else "no event of its trigger types"
                    fail(f"trigger_checks[{nid}]", verdict, got)
    return failures

