"""Change lists are honest: a change is recorded only when a state (or a term) changes, on every treaty of
`treaties/` and every scenario; a tacit extension is a change of term; the explorer and the command line
date a breach on the same day."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pytest
from typer.testing import CliRunner

from foedus.api import Session, open_sessions
from foedus.cli import app as cli_app
from foedus.compile import treaty_vocabulary
from foedus.errors import FoedusError
from foedus.evaluate import machines
from foedus.evaluate.results import Change, Outcome
from foedus.model.load import load_treaty
from foedus.parse.timeline import read_timeline
from foedus.report.html import render_report
from foedus.scenarios.runner import _last_date, load_scenario, open_scenario
from foedus.serve import App

ROOT = Path(__file__).resolve().parents[1]
TREATIES = ROOT / "treaties"
TIMELINES = ROOT / "timelines"
FAR = date(2100, 1, 1)


def pairs() -> Iterator[tuple[Path, Path]]:
    """Every treaty of `treaties/` with every timeline whose events name it and that can be read for it alone."""
    for treaty in sorted(TREATIES.glob("*.md")):
        model, smap = load_treaty(str(treaty))
        for timeline in sorted(TIMELINES.glob("*.yaml")):
            try:
                events = read_timeline(timeline, treaty_vocabulary(model, smap, str(treaty))).events
                if any(e.treaty == model.id for e in events):
                    open_sessions(treaty, timeline, [None])
            except FoedusError:
                continue
            if any(e.treaty == model.id for e in events):
                yield treaty, timeline


PAIRS = list(pairs())


def every_change(o: Outcome) -> list[Change]:
    return [*o.changes(), *(c for p in o.lifecycle.parties for c in p.history)]


def test_every_treaty_of_the_repository_has_a_timeline_here() -> None:
    named = {t.stem for t, _ in PAIRS}
    # The two US–Japan treaties are dated only by the 1950 treaty's timeline, which names that treaty too.
    assert named == {t.stem for t in TREATIES.glob("*.md")} - {"us_japan_1951", "us_japan_1960"}


def test_no_state_machine_row_leaves_a_state_as_it_is() -> None:
    for machine in machines.ALL:
        assert all(t.source != t.target for t in machine.transitions), machine.name
    with pytest.raises(RuntimeError, match="leaves the state as it is"):
        machines.StateMachine("x", "a", ("a",), (machines.Transition("a", "again", "a", "nothing happens"),))


@pytest.mark.parametrize(("treaty", "timeline"), PAIRS, ids=lambda p: p.stem)
def test_no_change_from_a_state_to_itself_in_any_treaty(treaty: Path, timeline: Path) -> None:
    model, _ = load_treaty(str(treaty))
    readings = [None, *(r.id for r in model.named_readings)]
    for session in open_sessions(treaty, timeline, readings):
        o = session.outcome(FAR)
        same = [c for c in every_change(o) if c.before == c.after]
        assert same == [], (session.compiled.reading.name, same[:3])
        # Each subject's changes chain: every change starts where the one before it ended.
        by_subject: dict[str, list[Change]] = {}
        for c in every_change(o):
            by_subject.setdefault(c.subject, []).append(c)
        for subject, changes in by_subject.items():
            if subject == "term":
                continue
            for x, y in itertools.pairwise(changes):
                assert x.after == y.before, (subject, x, y)


def test_no_change_from_a_state_to_itself_in_any_scenario() -> None:
    checked = 0
    for path in sorted((ROOT / "tests" / "scenarios").rglob("*.yaml")):
        sc = load_scenario(path)
        if sc.expect_error:
            continue
        session = open_scenario(sc)
        on = max([c.on for c in sc.checks] + [_last_date(session)])
        o = session.outcome(on)
        assert [c for c in every_change(o) if c.before == c.after] == [], path.name
        checked += 1
    assert checked > 150


def test_a_tacit_extension_is_a_change_of_term() -> None:
    (session,) = open_sessions(TREATIES / "baghdad_pact_1955.md", TIMELINES / "baghdad_pact_1955.yaml", [None])
    o = session.outcome(date(1990, 1, 1))
    terms = [(c.date.isoformat(), c.before, c.after) for c in o.lifecycle.changes if c.subject == "term"]
    assert terms == [("1960-04-15", "first term", "first extension"),
                     ("1965-04-15", "first extension", "second extension"),
                     ("1970-04-15", "second extension", "third extension"),
                     ("1975-04-15", "third extension", "fourth extension")]
    states = [(c.before, c.after) for c in o.lifecycle.changes if c.subject == "treaty"]
    # One change into the extended state; further extensions change the term only.
    assert states.count(("in force", "in force (extended)")) == 1
    assert ("in force (extended)", "in force (extended)") not in states
    assert states[-1] == ("in force (extended)", "terminated")
    # The command line lists them as such.
    done = CliRunner().invoke(cli_app, ["run", str(TREATIES / "baghdad_pact_1955.md"), "-e",
                                        str(TIMELINES / "baghdad_pact_1955.yaml"), "--on", "1990-01-01", "--json"])
    assert done.exit_code == 0, done.output
    listed = [(c["date"], c["subject"], c["before"], c["after"]) for c in json.loads(done.output)["changes"]
              if c["subject"] in ("treaty", "term") and c["date"] == "1965-04-15"]
    assert listed == [("1965-04-15", "term", "first extension", "second extension")]


def test_a_further_breach_is_a_finding_not_a_change() -> None:
    (session,) = open_sessions(TREATIES / "sino_soviet_1950.md", TIMELINES / "sino_soviet_1950_1980.yaml", [None])
    o = session.outcome(date(1990, 1, 1))
    inst = next(i for i in o.instances if i.id == "economic-cultural-ties/USSR")
    assert [(c.date.isoformat(), c.before, c.after) for c in inst.history] == [
        ("1950-04-11", "—", "active"), ("1960-07-16", "active", "violated")]
    assert [(f.date.isoformat(), f.verdict) for f in inst.findings] == [("1960-07-16", "breached"),
                                                                       ("1960-07-28", "breached")]
    assert inst.since == date(1960, 7, 16)


# --- the explorer and the command line date a breach alike -----------------------------------------------


def cli_status(treaty: Path, timeline: Path, on: date, added: Sequence[str] = ()) -> dict[str, dict[str, str]]:
    args = ["status", str(treaty), "-e", str(timeline), "--on", on.isoformat(), "--json"]
    for line in added:
        args += ["--add-event", line]
    done = CliRunner().invoke(cli_app, args)
    assert done.exit_code == 0, done.output
    return {n["id"]: n for n in json.loads(done.output)["norms"]}


def explorer_status(app: App, treaty: Path, timeline: Path, on: date, events: Sequence[dict[str, object]] = ()
                    ) -> dict[str, dict[str, str]]:
    query = {"treaty": treaty.name, "timeline": timeline.name, "on": on.isoformat()}
    if events:
        query["events"] = json.dumps(list(events))
    r = app.handle("GET", "/api/status?" + urlencode(query))
    assert r.status == 200, r.body
    return {n["id"]: n for n in json.loads(r.body)["status"]["norms"]}


@pytest.fixture(scope="module")
def app() -> App:
    return App(TREATIES, TIMELINES)


def days_around_changes(session: Session) -> list[date]:
    """The day each duty entered a state other than its first, and the day before it."""
    o = session.outcome(FAR)
    days = {c.date for i in o.instances for c in i.history[1:]}
    return sorted(days | {date.fromordinal(d.toordinal() - 1) for d in days})


@pytest.mark.parametrize(("treaty", "timeline"), PAIRS, ids=lambda p: p.stem)
def test_explorer_and_command_line_date_every_change_alike(app: App, treaty: Path, timeline: Path) -> None:
    (session,) = open_sessions(treaty, timeline, [None])
    for day in days_around_changes(session)[:12]:
        cli = cli_status(treaty, timeline, day)
        web = explorer_status(app, treaty, timeline, day)
        assert {k: (n["state"], n["since"]) for k, n in cli.items()} == \
            {k: (n["state"], n["since"]) for k, n in web.items()}, day


def test_a_breach_by_silence_is_dated_alike() -> None:
    """Japan attacks the PRC on 1962-05-01; the USSR's duty of assistance within a week has its last day on
    05-08 and is violated from 05-09 — in the explorer and on the command line."""
    treaty, timeline = TREATIES / "sino_soviet_1950.md", TIMELINES / "sino_soviet_1950_1980.yaml"
    added = ["1962-05-01 armed_attack actor=JPN target=PRC state_of_war=true"]
    events = [{"date": "1962-05-01", "type": "armed_attack", "actors": "JPN", "targets": "PRC",
               "attributes": {"state_of_war": "true"}}]
    app = App(TREATIES, TIMELINES)
    iid_cli = "mutual-assistance/USSR/1962-05-01"
    for day, state, since in ((date(1962, 5, 8), "active", "1962-05-01"), (date(1962, 5, 9), "violated", "1962-05-09"),
                              (date(1965, 1, 1), "violated", "1962-05-09")):
        cli = cli_status(treaty, timeline, day, added)[iid_cli]
        web = explorer_status(app, treaty, timeline, day, events)[iid_cli]
        assert (cli["state"], cli["since"]) == (web["state"], web["since"]) == (state, since)
        assert cli["deadline"] == web["deadline"] == "1962-05-08"


def test_a_repeated_breach_leaves_the_day_of_the_breach_alone(app: App) -> None:
    treaty, timeline = TREATIES / "sino_soviet_1950.md", TIMELINES / "sino_soviet_1950_1980.yaml"
    for day in (date(1960, 7, 16), date(1960, 7, 28), date(1965, 1, 1)):
        cli = cli_status(treaty, timeline, day)["economic-cultural-ties/USSR"]
        web = explorer_status(app, treaty, timeline, day)["economic-cultural-ties/USSR"]
        assert (cli["state"], cli["since"]) == (web["state"], web["since"]) == ("violated", "1960-07-16")


# --- every surface: the command line (text and JSON), the HTML report, the explorer ----------------------



def text_changes(output: str) -> list[tuple[str, str]]:
    """(before, after) of each row of `run`'s table of changes, "│ date │ subject │ before → after │ because │";
    a cell that wraps goes on in the same column of the lines below, whose date cell is blank."""
    rows: list[list[str]] = []
    for line in output.splitlines():
        cells = line.split("│")[1:-1]
        if len(cells) != 4:
            continue
        if re.fullmatch(r" \d{4}-\d{2}-\d{2} ", cells[0]):
            rows.append([cell.strip() for cell in cells])
        elif rows and not cells[0].strip():
            rows[-1] = [f"{a} {b.strip()}".strip() for a, b in zip(rows[-1], cells, strict=True)]
    return [(b.strip(), a.strip()) for b, _, a in (row[2].partition(" → ") for row in rows)]


# A step in the report's history of a duty: "<span class="date">…</span> before → <strong>after</strong>".
HTML_STEP = re.compile(r'<span class="date">[^<]*</span> ([^<]*?) → <strong>([^<]*)</strong>')


@pytest.mark.parametrize(("treaty", "timeline"), PAIRS, ids=lambda p: p.stem)
def test_no_change_from_a_state_to_itself_on_any_surface(app: App, treaty: Path, timeline: Path) -> None:
    run = ["run", str(treaty), "-e", str(timeline), "--on", FAR.isoformat()]
    done = CliRunner().invoke(cli_app, [*run, "--json"])
    assert done.exit_code == 0, done.output
    changes = json.loads(done.output)["changes"]
    assert changes and [c for c in changes if c["before"] == c["after"]] == []

    done = CliRunner().invoke(cli_app, run)
    assert done.exit_code == 0, done.output
    rows = text_changes(done.output)
    assert len(rows) == len(changes) and [r for r in rows if r[0] == r[1]] == []

    steps = HTML_STEP.findall(render_report(treaty, timeline, None, FAR))
    assert [s for s in steps if s[0] == s[1]] == []

    # The explorer lists, on each day, the changes the command line lists for that day.
    for day in sorted({c["date"] for c in changes})[:15]:
        query = {"treaty": treaty.name, "timeline": timeline.name, "on": day}
        r = app.handle("GET", "/api/status?" + urlencode(query))
        assert r.status == 200, r.body
        on_day = json.loads(r.body)["changes_on_day"]
        assert [c for c in on_day if c["before"] == c["after"]] == [], day
        assert sorted((c["subject"], c["before"], c["after"]) for c in on_day) == \
            sorted((c["subject"], c["before"], c["after"]) for c in changes if c["date"] == day), day
