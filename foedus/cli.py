"""The `foedus` command line. Every command has --json; bad input gives one line and exit code 2."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from foedus import api
from foedus.compile import compile_treaty, reading_names
from foedus.errors import FoedusError, Location
from foedus.model.load import load_treaty
from foedus.report import json_report, text

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Executable treaties: run a treaty model against dated events, as of any date.")

F = TypeVar("F", bound=Callable[..., Any])

TreatyArg = Annotated[Path, typer.Argument(help="literate treaty file (.md)")]
EventsOpt = Annotated[Path | None, typer.Option("--events", "-e", help="timeline file (.yaml or .csv)")]
OnOpt = Annotated[str, typer.Option("--on", help="as-of date YYYY-MM-DD")]
ReadingOpt = Annotated[list[str] | None, typer.Option("--reading", "-r",
                                                      help="named reading or point=option (repeatable)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON")]


def guarded(fn: F) -> F:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FoedusError as exc:
            typer.echo(f"error: {exc.one_line()}", err=True)
            raise typer.Exit(2) from None
    return wrapper  # type: ignore[return-value]


def _emit(data: Any, as_json: bool, render: Callable[[], str]) -> None:
    if as_json:
        sys.stdout.write(json_report.dumps(data))
    else:
        sys.stdout.write(render())


def _session(treaty: Path, events: Path | None, reading: list[str] | None) -> api.Session:
    return api.open_session(treaty, events, reading)


def _default_on(session: api.Session) -> date:
    """With no --on: the last recorded event, or the treaty's certain end if later."""
    last = max((e.date for e in session.timeline.events), default=None)
    if last is None:
        raise FoedusError("no --on date and no events to take one from", where=Location("--on"),
                          expected="--on YYYY-MM-DD")
    end = session.outcome(last).lifecycle.ends_on
    return max(last, end) if end else last


@app.command()
@guarded
def validate(treaty: TreatyArg, text_file: Annotated[Path | None, typer.Option(
        "--text", help="published text to compare with the file's text")] = None, as_json: JsonOpt = False) -> None:
    """Check a treaty file: model, references, conditions, and every reading."""
    model, smap = load_treaty(str(treaty))
    names = reading_names(model)
    for name in names:
        compile_treaty(model, name, smap=smap, file=str(treaty))
    result: dict[str, Any] = {
        "file": str(treaty), "treaty": model.id, "ok": True, "parties": [p.id for p in model.parties],
        "articles": [a.id for a in model.articles], "norms": [n.id for n in model.norms],
        "readings": names, "verbatim": model.source.verbatim,
    }
    if text_file is not None:
        from foedus.text import fold_blank_lines, strip_models
        try:
            published = text_file.read_text(encoding="utf-8")
        except OSError:
            raise FoedusError("cannot read the published text", where=Location(str(text_file)),
                              expected="a readable text file") from None
        same = strip_models(treaty.read_text(encoding="utf-8")) == fold_blank_lines(published)
        result["text_matches"] = same
        if not same:
            raise FoedusError("the treaty text differs from the published text", where=Location(str(treaty)),
                              expected=f"the text of {text_file} verbatim")
    _emit(result, as_json, lambda: f"{treaty}: ok — {model.id}, {len(model.articles)} sections, "
          f"{len(model.norms)} norms, {len(names)} readings\n")


@app.command()
@guarded
def status(treaty: TreatyArg, on: OnOpt, events: EventsOpt = None, reading: ReadingOpt = None,
           as_json: JsonOpt = False) -> None:
    """Status as of a date: in force or not, current term, next deadline, norms per party."""
    session = _session(treaty, events, reading)
    data = session.status(api.as_date(on))
    _emit(data, as_json, lambda: text.render_status(data))


@app.command()
@guarded
def run(treaty: TreatyArg, events: EventsOpt = None,
        on: Annotated[str | None, typer.Option("--on", help="as-of date (default: the last event or the end)")] = None,
        reading: ReadingOpt = None, as_json: JsonOpt = False) -> None:
    """Run a timeline: every state change, every triggered duty and its outcome, article by article."""
    session = _session(treaty, events, reading)
    when = api.as_date(on) if on else _default_on(session)
    outcome = session.outcome(when)
    data = json_report.run_dict(outcome)
    _emit(data, as_json, lambda: text.render_run(session.compiled, outcome, data))


@app.command()
@guarded
def explain(treaty: TreatyArg, item: Annotated[str, typer.Argument(
        help="`treaty`, a norm id, a norm instance id or an event id")], on: OnOpt, events: EventsOpt = None,
        reading: ReadingOpt = None, as_json: JsonOpt = False) -> None:
    """Explain one result: the events, the rule and the article text behind it."""
    from foedus.report.explain import explain as do_explain
    session = _session(treaty, events, reading)
    outcome = session.outcome(api.as_date(on))
    data = do_explain(session.compiled, session.timeline, outcome, item)
    _emit(data, as_json, lambda: text.render_explain(data))


@app.command()
@guarded
def compare(treaty: TreatyArg, on: OnOpt, reading: Annotated[list[str], typer.Option(
        "--reading", "-r", help="reading A (repeatable to combine)")],
        other: Annotated[list[str], typer.Option("--with", "-w", help="reading B (repeatable to combine)")],
        events: EventsOpt = None, as_json: JsonOpt = False) -> None:
    """Run one timeline under two readings and show exactly where the outcomes differ."""
    from foedus.report.compare import compare as do_compare
    when = api.as_date(on)
    a, b = (s.outcome(when) for s in api.open_sessions(treaty, events, [reading, other]))
    data = do_compare(a, b)
    _emit(data, as_json, lambda: text.render_compare(data))


@app.command()
@guarded
def readings(treaty: TreatyArg, as_json: JsonOpt = False) -> None:
    """List the reading points of a treaty, their options and defaults, and the named readings."""
    from foedus.model.general_law import GENERAL_IDS, reading_points

    model, _ = load_treaty(str(treaty))
    points = reading_points(model)
    data = {"points": [p.model_dump() for p in points], "named": [r.model_dump() for r in model.named_readings]}

    def render() -> str:
        lines = []
        for p in points:
            where = "general treaty law" if p.id in GENERAL_IDS and p not in model.readings else f"Art. {p.article}"
            lines.append(f"{p.id} ({where}): {p.question}")
            for oid, o in p.options.items():
                lines.append(f"  {'*' if oid == p.default else ' '} {oid}: {o.says}")
        for r in model.named_readings:
            lines.append(f"named {r.id}: {r.says} ({', '.join(f'{k}={v}' for k, v in r.choose.items())})")
        return "\n".join(lines) + "\n"
    _emit(data, as_json, render)


@app.command()
@guarded
def scenario(files: Annotated[list[Path], typer.Argument(help="scenario files (.yaml)")],
             as_json: JsonOpt = False) -> None:
    """Run scenario files (events + expected states on dates); exit 1 if any expectation fails."""
    from foedus.scenarios import run_scenario_file
    results = [run_scenario_file(f) for f in files]
    data: list[dict[str, Any]] = [{"file": str(f), "name": r.name, "passed": r.passed, "failures": r.failures}
                                  for f, r in zip(files, results, strict=True)]

    def render() -> str:
        out = []
        for d in data:
            out.append(f"{'PASS' if d['passed'] else 'FAIL'} {d['file']} — {d['name']}")
            out.extend(f"  {x}" for x in d["failures"])
        return "\n".join(out) + "\n"
    _emit(data, as_json, render)
    if not all(r.passed for r in results):
        raise typer.Exit(1)


@app.command()
@guarded
def schema(out: Annotated[Path | None, typer.Option("--out", help="write to this file")] = None) -> None:
    """Print (or write) the JSON Schema of the treaty model, for editors."""
    from foedus.model.schema import schema_json
    data = schema_json()
    if out is None:
        sys.stdout.write(data)
    else:
        out.write_text(data, encoding="utf-8")


@app.command()
@guarded
def reference(out: Annotated[Path | None, typer.Option("--out", help="write to this file")] = None) -> None:
    """Print the model language reference (every block and field, condition function, event type, lifecycle
    rule, state machine, the timeline and scenario formats), generated from the code."""
    from foedus.reference import generate

    text = generate()
    if out is not None:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@app.command()
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


def main() -> None:
    try:
        app()
    except FoedusError as exc:  # errors raised while typer parses arguments
        typer.echo(f"error: {exc.one_line()}", err=True)
        sys.exit(2)


def _register_subcommands() -> None:
    from foedus.cli_world import atop_app, world_app
    app.add_typer(atop_app, name="atop")
    app.add_typer(world_app, name="world")
    from foedus.cli_records import records_app
    app.add_typer(records_app, name="records")
    from foedus.cli_reliability import reliability_app
    app.add_typer(reliability_app, name="reliability")


_register_subcommands()


@app.command()
@guarded
def report(treaty: TreatyArg, on: OnOpt, out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write")],
           events: EventsOpt = None, reading: ReadingOpt = None,
           other: Annotated[list[str] | None, typer.Option("--with", "-w", help="a second reading to compare")] = None,
           as_json: JsonOpt = False) -> None:
    """Write one self-contained HTML report (text beside its norms, timeline chart, duties, comparison)."""
    from foedus.report.html import render_report
    page = render_report(treaty, events, reading, on, compare_with=other)
    out.write_text(page, encoding="utf-8")
    _emit({"out": str(out), "bytes": len(page.encode("utf-8"))}, as_json, lambda: f"wrote {out}\n")


@app.command()
@guarded
def serve(treaties: Annotated[Path, typer.Option("--treaties", help="folder of treaty files")] = Path("treaties"),
          timelines: Annotated[Path, typer.Option("--timelines", help="folder of timelines")] = Path("timelines"),
          host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port")] = 8000,
          scenarios: Annotated[Path | None, typer.Option("--scenarios", help="folder where what-ifs may be saved")]
          = None) -> None:
    """Start the local explorer (127.0.0.1 unless --host says otherwise)."""
    from foedus.serve.app import serve as run_server
    run_server(treaties, timelines, host, port, scenarios)


if __name__ == "__main__":
    main()
