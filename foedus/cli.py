"""The `foedus` command line. Every command has --json; bad input gives one line and exit code 2.

Start-up matters for a command typed many times: this module imports only typer (and the small
modules the options need). Each command imports the stages it uses when it runs; the world stage,
DuckDB, pandas, pyarrow, country_converter and the HTML report are never loaded by the commands on one
treaty. A test checks that `foedus --help` and `foedus status …` leave them unloaded.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from foedus.cli_common import Command, Group, JsonOpt, VerboseOpt, dumps, guarded
from foedus.errors import FoedusError, Location

if TYPE_CHECKING:
    from foedus.api import Session
    from foedus.model.events import Timeline

app = typer.Typer(cls=Group, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, help=(
    "Executable treaties: run a treaty model against dated events and ask, as of any date, whether it is in "
    "force, who owes what to whom, and why. Start with `foedus readings TREATY` and `foedus status`; "
    "`foedus world …` asks across many treaties."))

_T = "treaties/sino_soviet_1950.md"
_E = "timelines/sino_soviet_1950_1980.yaml"

TreatyArg = Annotated[Path, typer.Argument(metavar="TREATY", help="A literate treaty file (.md).")]
EventsOpt = Annotated[list[Path] | None, typer.Option(
    "--events", "-e", metavar="TIMELINE", help="A timeline of dated events (.yaml, .csv or .parquet). Repeat to merge "
    "several timelines into one.")]
AddEventOpt = Annotated[list[str] | None, typer.Option(
    "--add-event", metavar="EVENT", help="A what-if event added to the timeline, written like "
    "a timeline line: '1955-06-01 armed_attack actor=JPN target=PRC state_of_war=true'. actor(s)/target(s) "
    "take states separated by commas; other keys are the event type's attributes. Repeatable.")]
OnOpt = Annotated[str, typer.Option("--on", metavar="YYYY-MM-DD", help="The as-of date: only events on or "
                                    "before it count.")]
ReadingOpt = Annotated[list[str] | None, typer.Option(
    "--reading", "-r", metavar="NAME", help="A named reading or POINT=OPTION where the text is ambiguous; "
    "repeat to combine. `foedus readings TREATY` lists them.")]


# --- shared steps --------------------------------------------------------------------------------------


def _text() -> Any:
    """The terminal report (it draws its tables with rich: loaded only when text is printed)."""
    from foedus.report import text

    return text


def _emit(data: Any, as_json: bool, render: Callable[[], str]) -> None:
    sys.stdout.write(dumps(data) if as_json else render())


def _day(value: str, what: str = "--on") -> date:
    from foedus.dates import parse_iso

    try:
        return parse_iso(value)
    except ValueError as exc:
        raise FoedusError(str(exc), where=Location(what), expected="a date YYYY-MM-DD") from None


def _sessions(treaty: Path, events: list[Path] | None, added: list[str] | None,
              readings: list[list[str] | None]) -> list[Session]:
    """The treaty compiled under each reading, bound to the timelines and the added events (read once)."""
    from foedus.api import Session, empty_timeline
    from foedus.compile import compile_treaty, treaty_vocabulary
    from foedus.evaluate import bind_timeline
    from foedus.model.load import load_treaty
    from foedus.what_if import read_timelines

    model, smap = load_treaty(str(treaty))
    vocab = treaty_vocabulary(model, smap, str(treaty))  # the timeline may use the types the treaty declares
    timeline = read_timelines(events or [], added or [], model.id, vocab) or empty_timeline()
    out = []
    for reading in readings:
        compiled = compile_treaty(model, reading, smap=smap, file=str(treaty))
        out.append(Session(compiled=compiled, timeline=bind_timeline(compiled, timeline)))
    return out


def _timeline_arg(events: list[Path] | None, added: list[str] | None, treaty: Path) -> Path | Timeline | None:
    """What the report stage takes for the timelines: the one file, or the merged timeline."""
    if not added and events is not None and len(events) == 1:
        return events[0]
    if not added and not events:
        return None
    from foedus.compile import treaty_vocabulary
    from foedus.model.load import load_treaty
    from foedus.what_if import read_timelines

    model, smap = load_treaty(str(treaty))
    return read_timelines(events or [], added or [], model.id, treaty_vocabulary(model, smap, str(treaty)))


def _default_on(session: Session) -> date:
    """With no --on: the last recorded event, or the treaty's certain end if later."""
    last = max((e.date for e in session.timeline.events), default=None)
    if last is None:
        raise FoedusError("no --on date and no events to take one from", where=Location("--on"),
                          expected="--on YYYY-MM-DD")
    end = session.outcome(last).lifecycle.ends_on
    return max(last, end) if end else last


# --- commands on one treaty ------------------------------------------------------------------------------


@app.command(cls=Command, epilog=f"Examples: foedus validate {_T}  ·  foedus validate {_T} --text "
             "../shared/data/texts/sino_soviet_1950_en.md")
@guarded
def validate(treaty: TreatyArg, text_file: Annotated[Path | None, typer.Option(
        "--text", metavar="PUBLISHED.md", help="The published text: say whether the file's text is that text "
        "verbatim, or in which article and at which words it differs (exit code 1).")] = None,
        as_json: JsonOpt = False) -> None:
    """Check a treaty file: its model, every reference and condition, under every reading."""
    from foedus.compile import compile_treaty, reading_names
    from foedus.model.load import load_treaty

    model, smap = load_treaty(str(treaty))
    names = reading_names(model)
    for name in names:
        compile_treaty(model, name, smap=smap, file=str(treaty))
    result: dict[str, Any] = {
        "file": str(treaty), "treaty": model.id, "ok": True, "parties": [p.id for p in model.parties],
        "articles": [a.id for a in model.articles], "norms": [n.id for n in model.norms],
        "readings": names, "verbatim": model.source.verbatim,
    }
    lines = [f"{treaty}: the model is valid — {model.short_title or model.title}: {len(model.articles)} "
             f"sections, {len(model.norms)} norms, {len(names)} readings"]
    differences: list[dict[str, Any]] = []
    if text_file is not None:
        from foedus.files import read_text
        from foedus.text_compare import compare_texts

        published = read_text(text_file, what="published text", expected="a readable UTF-8 text file")
        differences = compare_texts(read_text(treaty, what="treaty file"), published, str(treaty), str(text_file))
        result["text_matches"] = not differences
        result["text_differences"] = differences
        if not differences:
            lines.append(f"the text is the published text of {text_file} verbatim")
        else:
            first = differences[0]
            at = f", at word {first['word']}" if first["word"] else ""
            lines.append(f"the text differs from {text_file} in {len(differences)} section(s); first in "
                         f"{first['section']} ({treaty}:{first['line']}){at}:")
            lines.append(f"  the file has:      {first['file_has'] or '(nothing)'}")
            lines.append(f"  the published has: {first['published_has'] or '(nothing)'}")
            lines += [f"also differs: {d['section']} ({treaty}:{d['line']})" for d in differences[1:]]
    _emit(result, as_json, lambda: "\n".join(lines) + "\n")
    if differences:
        raise typer.Exit(1)


@app.command(cls=Command, epilog=f"Example: foedus status {_T} -e {_E} --on 1979-06-01")
@guarded
def status(treaty: TreatyArg, on: OnOpt, events: EventsOpt = None, added: AddEventOpt = None,
           reading: ReadingOpt = None, as_json: JsonOpt = False, verbose: VerboseOpt = False) -> None:
    """Status as of a date: in force or not, current term, next deadline, every duty per party."""
    day = _day(on)
    session = _sessions(treaty, events, added, [reading])[0]
    data = session.status(day)
    _emit(data, as_json, lambda: _text().render_status(data, verbose))


@app.command(cls=Command, epilog=f"Example: foedus run {_T} -e {_E}")
@guarded
def run(treaty: TreatyArg, events: EventsOpt = None, added: AddEventOpt = None,
        on: Annotated[str | None, typer.Option("--on", metavar="YYYY-MM-DD", help=(
            "The as-of date (default: the last event, or the treaty's certain end when later)."))] = None,
        reading: ReadingOpt = None, as_json: JsonOpt = False, verbose: VerboseOpt = False) -> None:
    """Run a timeline: every state change, every triggered duty and its outcome, article by article."""
    session = _sessions(treaty, events, added, [reading])[0]
    when = _day(on) if on else _default_on(session)
    outcome = session.outcome(when)
    data = session.run_dict(outcome)
    _emit(data, as_json, lambda: _text().render_run(session.compiled, outcome, data, session.words, verbose))


@app.command(cls=Command, epilog=(
    f"Examples: foedus explain {_T} treaty -e {_E} --on 1990-01-01  ·  "
    f"foedus explain {_T} economic-cultural-ties/USSR -e {_E} --on 1990-01-01"))
@guarded
def explain(treaty: TreatyArg, item: Annotated[str, typer.Argument(metavar="ITEM", help=(
        "What to explain: `treaty`, a norm id, a norm instance id (as `status` lists them) or an event id."))],
        on: OnOpt, events: EventsOpt = None, added: AddEventOpt = None, reading: ReadingOpt = None,
        as_json: JsonOpt = False, verbose: VerboseOpt = False) -> None:
    """Explain one result: the events, the rule and the article text behind it."""
    from foedus.report.explain import explain as do_explain

    day = _day(on)
    session = _sessions(treaty, events, added, [reading])[0]
    outcome = session.outcome(day)
    data = do_explain(session.compiled, session.timeline, outcome, item, session.words,
                      timeline_given=session.timeline_given, later=session.entry_later(outcome))
    _emit(data, as_json, lambda: _text().render_explain(data, verbose))


@app.command(cls=Command, epilog=f"Example: foedus compare {_T} -e {_E} --on 1990-01-01 -r default -w from-signature")
@guarded
def compare(treaty: TreatyArg, on: OnOpt,
            reading: Annotated[list[str], typer.Option("--reading", "-r", metavar="NAME", help=(
                "Reading A: a named reading or POINT=OPTION; repeat to combine."))],
            other: Annotated[list[str], typer.Option("--with", "-w", metavar="NAME", help=(
                "Reading B, given the same way."))],
            events: EventsOpt = None, added: AddEventOpt = None, as_json: JsonOpt = False,
            verbose: VerboseOpt = False) -> None:
    """Run one timeline under two readings and show exactly where the outcomes differ, and from when."""
    from foedus.report.compare import compare as do_compare

    when = _day(on)
    first, second = _sessions(treaty, events, added, [reading, other])
    data = do_compare(first.outcome(when), second.outcome(when), first.words, timeline_given=first.timeline_given)
    _emit(data, as_json, lambda: _text().render_compare(data, verbose))


@app.command(cls=Command, epilog=f"Example: foedus readings {_T}")
@guarded
def readings(treaty: TreatyArg, as_json: JsonOpt = False) -> None:
    """The readings of a treaty: where its text is ambiguous, the options, and the words `--reading` takes."""
    from foedus.model.general_law import GENERAL_IDS, reading_points
    from foedus.model.load import load_treaty

    model, _ = load_treaty(str(treaty))
    # the treaty's own points, then the points of general treaty law every model has
    points = reading_points(model)
    # The words of foedus.compile.reading_names, spelled out here so that listing them loads no compiler
    # (nor lark); a test checks that the two agree.
    names = ["default", *(r.id for r in model.named_readings),
             *(f"{p.id}={option}" for p in points for option in p.options)]
    data = {"points": [p.model_dump() for p in points], "named": [r.model_dump() for r in model.named_readings],
            "names": names}

    def render() -> str:
        lines = [f"{model.short_title or model.title}: {len(points)} reading points"]
        for p in points:
            if p.id in GENERAL_IDS and p not in model.readings:
                where = " (general treaty law)"
            else:
                where = f" (Art. {p.article})" if p.article else ""
            lines.append(f"{p.id}{where}: {p.question}")
            for oid, o in p.options.items():
                mark = "*" if oid == p.default else " "
                lines.append(f"  {mark} --reading {p.id}={oid}: {o.says}")
        if not model.readings:
            return lines[0] + ": the model reads its text one way; --reading takes only `default`\n"
        lines.append("* the default option")
        if model.named_readings:
            lines.append("Named readings:")
            for r in model.named_readings:
                lines.append(f"  --reading {r.id}: {r.says} ({', '.join(f'{k}={v}' for k, v in r.choose.items())})")
        lines.append("Every --reading word: " + ", ".join(names))
        return "\n".join(lines) + "\n"
    _emit(data, as_json, render)


@app.command(cls=Command, epilog=("Examples: foedus scenario tests/scenarios/history/*.yaml  ·  "
                                  "foedus scenario tests/scenarios/history/history_default.yaml --show"))
@guarded
def scenario(files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Scenario files (.yaml).")],
             show: Annotated[bool, typer.Option("--show", help=(
                 "Also print the outcome on each date the scenario checks (the status as `status` gives it)."
             ))] = False,
             as_json: JsonOpt = False) -> None:
    """Run scenario files (events and the states expected on dates); exit code 1 if any expectation fails."""
    from foedus.scenarios import run_scenario_file

    results = [run_scenario_file(f) for f in files]
    data: list[dict[str, Any]] = [{"file": str(f), "name": r.name, "passed": r.passed, "failures": r.failures}
                                  for f, r in zip(files, results, strict=True)]
    shown: list[list[dict[str, Any]]] = []
    if show:
        for item, f, r in zip(data, files, results, strict=True):
            outcomes = _scenario_outcomes(f) if r.error is None else []
            item["outcomes"] = outcomes
            shown.append(outcomes)

    def render() -> str:
        from foedus.report import text

        out = []
        for i, d in enumerate(data):
            out.append(f"{'PASS' if d['passed'] else 'FAIL'} {d['file']} — {d['name']}")
            out.extend(f"  {x}" for x in d["failures"])
            if show and results[i].error is not None:
                out.append(f"  (ends with the expected error: {results[i].error})")
            for status_data in shown[i] if show else []:
                out.extend("  " + line if line else "" for line in text.render_status(status_data).splitlines())
        return "\n".join(out) + "\n"
    _emit(data, as_json, render)
    if not all(r.passed for r in results):
        raise typer.Exit(1)


def _scenario_outcomes(path: Path) -> list[dict[str, Any]]:
    """The status on each date a scenario checks (its last event's date when it checks none)."""
    from foedus.scenarios.runner import _last_date, load_scenario, open_scenario

    sc = load_scenario(path)
    session = open_scenario(sc)
    days = sorted({c.on for c in sc.checks}) or [_last_date(session)]
    return [session.status(day) for day in days]


@app.command(cls=Command, epilog="Example: foedus schema --out foedus.schema.json")
@guarded
def schema(out: Annotated[Path | None, typer.Option("--out", "-o", metavar="FILE", help=(
        "Write the schema to this file instead of printing it."))] = None) -> None:
    """Print (or write) the JSON Schema of the treaty model, for editors."""
    from foedus.model.schema import schema_json
    data = schema_json()
    if out is None:
        sys.stdout.write(data)
    else:
        from foedus.files import write_text

        write_text(out, data)


@app.command(cls=Command, epilog="Example: foedus reference --out docs/reference.md")
@guarded
def reference(out: Annotated[Path | None, typer.Option("--out", "-o", metavar="FILE", help=(
        "Write the reference to this file instead of printing it."))] = None) -> None:
    """Print the model language reference (every block and field, condition function, event type, lifecycle
    rule, state machine, the timeline and scenario formats), generated from the code."""
    from foedus.reference import generate

    text = generate()
    if out is None:
        sys.stdout.write(text)
    else:
        from foedus.files import write_text

        write_text(out, text)


@app.command(cls=Command, epilog="Example: foedus machines")
@guarded
def machines(as_json: JsonOpt = False) -> None:
    """Print the declared state machines of the treaty and of norms."""
    from foedus.evaluate import machines as m
    data = [{"name": sm.name, "initial": sm.initial, "final": list(sm.final),
             "transitions": [{"from": t.source, "when": t.when, "to": t.target, "says": t.says}
                             for t in sm.transitions]} for sm in m.ALL]

    def render() -> str:
        out = []
        for sm in m.ALL:
            out.append(f"{sm.name} (starts {sm.initial}; ends {', '.join(sm.final)})")
            out.extend(f"  {t.source} --[{t.when}]--> {t.target}: {t.says}" for t in sm.transitions)
        return "\n".join(out) + "\n"
    _emit(data, as_json, render)


@app.command(cls=Command, epilog=(
    f"Example: foedus report {_T} -e {_E} --on 1990-01-01 --out page.html -w from-signature"))
@guarded
def report(treaty: TreatyArg, on: OnOpt,
           out: Annotated[Path, typer.Option("--out", "-o", metavar="FILE.html", help="The HTML file to write.")],
           events: EventsOpt = None, added: AddEventOpt = None, reading: ReadingOpt = None,
           other: Annotated[list[str] | None, typer.Option("--with", "-w", metavar="NAME", help=(
               "A second reading to compare with, shown beside the first."))] = None,
           as_json: JsonOpt = False) -> None:
    """Write one self-contained HTML page: text beside norms, timeline chart, duties, explanations."""
    from foedus.files import write_text
    from foedus.report.html import render_report

    page = render_report(treaty, _timeline_arg(events, added, treaty), reading, _day(on), compare_with=other)
    write_text(out, page)
    _emit({"out": str(out), "bytes": len(page.encode("utf-8"))}, as_json, lambda: f"wrote {out}\n")


@app.command(cls=Command, epilog="Example: foedus serve --treaties treaties --timelines timelines")
@guarded
def serve(treaties: Annotated[Path, typer.Option("--treaties", metavar="DIR", help=(
              "The folder of treaty files to offer."))] = Path("treaties"),
          timelines: Annotated[Path, typer.Option("--timelines", metavar="DIR", help=(
              "The folder of timelines to offer."))] = Path("timelines"),
          host: Annotated[str, typer.Option("--host", metavar="ADDRESS", help=(
              "The address to listen on (127.0.0.1: this machine only)."))] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port", metavar="PORT", help="The port to listen on.")] = 8000,
          scenarios: Annotated[Path | None, typer.Option("--scenarios", metavar="DIR", help=(
              "A folder where what-ifs may be saved as scenario files."))] = None,
          allow_host: Annotated[list[str] | None, typer.Option("--allow-host", metavar="NAME", help=(
              "A further host name the explorer answers to (repeatable)."))] = None) -> None:
    """Start the local explorer: pick a treaty, a timeline and a reading, move through time, try a what-if."""
    from foedus.serve.app import serve as run_server
    run_server(treaties, timelines, host, port, scenarios, tuple(allow_host or ()))


def _register_subcommands() -> None:
    from foedus.cli_world import atop_app, world_app
    app.add_typer(atop_app, name="atop")
    app.add_typer(world_app, name="world")
    from foedus.cli_records import records_app
    app.add_typer(records_app, name="records")
    from foedus.cli_reliability import reliability_app
    app.add_typer(reliability_app, name="reliability")


_register_subcommands()


def main() -> None:
    try:
        app()
    except FoedusError as exc:  # errors raised while typer parses arguments
        typer.echo(f"error: {exc.one_line()}", err=True)
        sys.exit(2)


__all__ = ["VerboseOpt", "app", "guarded", "main"]

if __name__ == "__main__":
    main()
