"""`foedus atop …` and `foedus world …`: the alliance system as a whole."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from foedus.errors import FoedusError, Location
from foedus.report import json_report

atop_app = typer.Typer(no_args_is_help=True, help="Import ATOP alliances as models; derive ATOP codes from a model.")
world_app = typer.Typer(no_args_is_help=True, help="Questions across many treaties: in force, allies, who must assist.")

AtopOpt = Annotated[Path | None, typer.Option("--atop", help="ATOP alliance-level CSV")]
MembersOpt = Annotated[Path | None, typer.Option("--members", help="ATOP member-level CSV")]
StatesOpt = Annotated[Path | None, typer.Option("--states", help="COW state-system CSV (states2016.csv)")]
TreatiesOpt = Annotated[list[Path] | None, typer.Option("--treaty", "-t", help="literate treaty file (repeatable)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON")]


def _progress(enabled: bool, what: str) -> Any:
    """A spinner for slow steps, shown only on a terminal and never with --json."""
    from contextlib import nullcontext

    from rich.console import Console
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        return nullcontext()
    return console.status(what)


def _import(atop: Path, members: Path | None, states: Path | None, quiet: bool) -> Any:
    from foedus.importers.atop import import_atop
    with _progress(not quiet, f"importing {atop.name}"):
        return import_atop(atop, members, states)


def _models(atop: Path | None, members: Path | None, states: Path | None, treaties: list[Path] | None,
            quiet: bool) -> list[Any]:
    from foedus.model.load import load_treaty
    models: list[Any] = [load_treaty(str(t))[0] for t in treaties or []]
    if atop is not None:
        models += list(_import(atop, members, states, quiet).models)
    if not models:
        raise FoedusError("no treaties given", where=Location("command line"),
                          expected="--atop FILE and/or --treaty FILE")
    return models


def _frame(df: Any, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json_report.dumps(json_report.plain(df.to_dict(orient="records"))))
    else:
        sys.stdout.write(df.to_string(index=False) + "\n" if len(df) else "(none)\n")


def _guard(fn: Any) -> Any:
    from foedus.cli import guarded
    return guarded(fn)


@atop_app.command("import")
@_guard
def atop_import(alliances: Annotated[Path, typer.Argument(help="ATOP alliance-level CSV")],
                members: MembersOpt = None, states: StatesOpt = None,
                store: Annotated[Path | None, typer.Option("--store", help="DuckDB file to import into")] = None,
                as_json: JsonOpt = False) -> None:
    """Turn every ATOP alliance into a treaty model; report warnings and unknown columns; optionally store."""
    result = _import(alliances, members, states, as_json)
    counts: dict[str, int] = {}
    if store is not None:
        from foedus.store import Store
        with _progress(not as_json, f"writing {store}"), Store.open(store) as db:
            counts = db.import_models(result.models, source="ATOP", version=str(result.version))
    data = {"file": str(alliances), "version": result.version, "models": len(result.models),
            "warnings": list(result.warnings),
            "unknown_columns": {k: list(v) for k, v in result.unknown_columns.items()},
            "unknown_codes": {k: list(v) for k, v in sorted(result.unknown_codes.items())}, "stored": counts}
    if as_json:
        sys.stdout.write(json_report.dumps(data))
        return
    print(f"{alliances}: {len(result.models)} alliances (ATOP {result.version}) as models")
    for path, cols in result.unknown_columns.items():
        if cols:
            print(f"unknown columns in {path}: {', '.join(cols)}")
    print(f"{len(result.unknown_codes)} models carry codes foedus does not interpret (kept as facts)")
    for w in result.warnings:
        print(f"warning: {w}")
    if counts:
        print("stored: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@atop_app.command("codes")
@_guard
def atop_codes(treaty: Annotated[Path, typer.Argument(help="literate treaty file")],
               reading: Annotated[list[str] | None, typer.Option("--reading", "-r")] = None,
               events: Annotated[Path | None, typer.Option("--events", "-e", help="timeline (end date)")] = None,
               states: StatesOpt = None, as_json: JsonOpt = False) -> None:
    """Derive ATOP-style provision codes from a treaty model."""
    from foedus.importers.atop_codes import derive_codes
    from foedus.model.load import load_treaty
    model, smap = load_treaty(str(treaty))
    from foedus.compile import compile_treaty
    from foedus.evaluate import bind_timeline
    from foedus.importers.cow_states import read_states
    from foedus.parse.timeline import read_timeline
    ct = compile_treaty(model, reading, smap=smap, file=str(treaty))
    timeline = bind_timeline(ct, read_timeline(events)) if events else None
    codes = derive_codes(ct, timeline, states=read_states(states) if states else None)
    data = {"treaty": codes.treaty, "codes": codes.codes, "notes": codes.notes}
    if as_json:
        sys.stdout.write(json_report.dumps(data))
        return
    for k, v in codes.codes.items():
        note = codes.notes.get(k)
        print(f"{k:10} {'' if v is None else v}" + (f"   # {note}" if note else ""))


@world_app.command("in-force")
@_guard
def in_force(on: Annotated[str, typer.Option("--on")], atop: AtopOpt = None, members: MembersOpt = None,
             states: StatesOpt = None, treaty: TreatiesOpt = None, as_json: JsonOpt = False) -> None:
    """The treaties in force on a date."""
    from foedus.world.queries import treaties_in_force
    _frame(treaties_in_force(_models(atop, members, states, treaty, as_json), _day(on)), as_json)


@world_app.command("allies")
@_guard
def allies(state: Annotated[str, typer.Argument(help="COW code, COW abbreviation or party id")],
           on: Annotated[str, typer.Option("--on")], atop: AtopOpt = None, members: MembersOpt = None,
           states: StatesOpt = None, treaty: TreatiesOpt = None, as_json: JsonOpt = False) -> None:
    """A state's allies on a date, with the kind of obligation."""
    from foedus.world.queries import allies as q
    _frame(q(_models(atop, members, states, treaty, as_json), _state(state, states), _day(on)), as_json)


@world_app.command("assist")
@_guard
def assist(attacker: Annotated[str, typer.Argument()], target: Annotated[str, typer.Argument()],
           on: Annotated[str, typer.Option("--on")], atop: AtopOpt = None, members: MembersOpt = None,
           states: StatesOpt = None, treaty: TreatiesOpt = None,
           depth: Annotated[int | None, typer.Option("--depth", help="stop the cascade at this depth")] = None,
           as_json: JsonOpt = False) -> None:
    """If ATTACKER attacked TARGET on the date: who would be obliged to do what for whom, and the cascade."""
    from foedus.world.queries import who_must_assist
    graph = who_must_assist(_models(atop, members, states, treaty, as_json), _state(attacker, states),
                            _state(target, states), _day(on),
                            max_depth=depth)
    if as_json:
        sys.stdout.write(json_report.dumps(json_report.plain(graph.to_dict())))
    else:
        _frame(graph.to_frame(), False)


@world_app.command("dyads")
@_guard
def dyads(out: Annotated[Path, typer.Option("--out", help="output .csv or .parquet")], atop: AtopOpt = None,
          members: MembersOpt = None, states: StatesOpt = None, treaty: TreatiesOpt = None,
          first_year: Annotated[int, typer.Option("--from")] = 1816,
          last_year: Annotated[int | None, typer.Option("--to")] = None, as_json: JsonOpt = False) -> None:
    """The directed dyad-year table of obligations, in the shape of ATOP's directed dyad-year file."""
    from foedus.world.dyads import dyad_years
    models = _models(atop, members, states, treaty, as_json)
    with _progress(not as_json, "building the dyad-year table"):
        table = dyad_years(models, first_year=first_year, last_year=last_year)
    if out.suffix == ".parquet":
        table.to_parquet(out, index=False)
    elif out.suffix == ".csv":
        table.to_csv(out, index=False)
    else:
        raise FoedusError("unknown output format", where=Location(str(out)), expected="a .csv or .parquet file")
    data = {"out": str(out), "rows": len(table), "skipped": list(table.attrs.get("skipped", []))}
    if as_json:
        sys.stdout.write(json_report.dumps(data))
    else:
        print(f"{out}: {len(table)} directed dyad-years")


@world_app.command("status")
@_guard
def world_status(treaty_id: Annotated[str, typer.Argument(help="id of the treaty to evaluate")],
                 on: Annotated[str, typer.Option("--on")],
                 treaty: TreatiesOpt = None, events: Annotated[Path | None, typer.Option("--events", "-e")] = None,
                 atop: AtopOpt = None, members: MembersOpt = None, states: StatesOpt = None,
                 reading: Annotated[list[str] | None, typer.Option("--reading", "-r")] = None,
                 as_json: JsonOpt = False) -> None:
    """Status of one treaty evaluated in a world: its conditions see the other treaties in force."""
    from foedus import api
    from foedus.report import text
    from foedus.world import World
    extra = list(_import(atop, members, states, as_json).models) if atop else []
    world = World.load([str(t) for t in treaty or []], str(events) if events else None,
                       {treaty_id: reading} if reading else None, models=extra)
    data = json_report.status_dict(world.evaluate(treaty_id, api.as_date(on)))
    if as_json:
        sys.stdout.write(json_report.dumps(data))
    else:
        sys.stdout.write(text.render_status(data))


def _day(on: str) -> Any:
    from foedus import api
    return api.as_date(on)


def _state(value: str, states: Path | None) -> int:
    """A state on the command line: a COW code, or a COW abbreviation when --states is given."""
    if value.strip().isdigit():
        return int(value)
    if states is not None:
        from foedus.importers.cow_states import read_states
        return read_states(states).by_abb(value)
    raise FoedusError(f"state {value!r} is not a COW code", where=Location("command line"),
                      expected="a COW state code such as 365, or a COW abbreviation with --states FILE")
