"""`foedus atop …` and `foedus world …`: the alliance system as a whole.

Only typer is imported here at start; each command imports what it needs (the world stage, DuckDB,
pyarrow) when it runs, so `foedus --help` and the single-treaty commands start fast.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from foedus.cli_common import Command, Group, JsonOpt, VerboseOpt, dumps, guarded, plain_table
from foedus.errors import FoedusError, Location

if TYPE_CHECKING:
    from foedus.model.events import Timeline
    from foedus.world.view import Assistance, WorldView

atop_app = typer.Typer(cls=Group, no_args_is_help=True,
                       help="Import ATOP alliances as treaty models; derive ATOP codes from a model.")
world_app = typer.Typer(cls=Group, no_args_is_help=True, help=(
    "Questions across many treaties: which are in force, a state's allies, who must assist whom, the "
    "dyad-year table. Give the treaty files (-t), the timelines that date them (-e), and optionally a body "
    "of alliances (--atop, or --store prepared once with `foedus atop import --store`)."))

_D = "../shared/data"
_FILES = "-t treaties/sino_soviet_1950.md -t treaties/us_japan_1951.md -t treaties/us_japan_1960.md"
_EVENTS = "-e timelines/sino_soviet_1950_1980.yaml"

TreatiesOpt = Annotated[list[Path] | None, typer.Option(
    "--treaty", "-t", metavar="FILE", help="A literate treaty file; repeat for several.")]
EventsOpt = Annotated[list[Path] | None, typer.Option(
    "--events", "-e", metavar="TIMELINE", help="A timeline (.yaml or .csv) of the treaties' events; its "
    "ratifications date their entry into force. Repeat to merge several timelines.")]
AddEventOpt = Annotated[list[str] | None, typer.Option(
    "--add-event", metavar="EVENT", help="An event added to the timeline, written like a "
    "timeline line, e.g. '1955-06-01 armed_attack actor=JPN target=PRC state_of_war=true'. Repeatable.")]
AtopOpt = Annotated[Path | None, typer.Option(
    "--atop", metavar="CSV", help="ATOP alliance-level file: every alliance in it is a treaty model.")]
MembersOpt = Annotated[Path | None, typer.Option(
    "--members", metavar="CSV", help="ATOP member-level file: membership dates and member-specific obligations.")]
StatesOpt = Annotated[Path | None, typer.Option(
    "--states", metavar="CSV", help="COW state-system file (states2016.csv): state names and abbreviations.")]
StoreOpt = Annotated[Path | None, typer.Option(
    "--store", metavar="DUCKDB", help="A store written by `foedus atop import --store`: its alliances instead "
    "of --atop, read by SQL instead of re-importing the file.")]
StoreImportOpt = Annotated[str | None, typer.Option(
    "--store-import", metavar="SOURCE:VERSION", help="Which import of the store, when it holds several "
    "(e.g. ATOP:5.0).")]
OnOpt = Annotated[str, typer.Option("--on", metavar="YYYY-MM-DD", help="The date of the question.")]
ReadingOpt = Annotated[list[str] | None, typer.Option(
    "--reading", "-r", metavar="NAME", help="A named reading or point=option of the treaty; repeatable.")]


def _progress(enabled: bool, what: str) -> Any:
    """A spinner for slow steps, shown only on a terminal and never with --json."""
    from contextlib import nullcontext

    if not enabled or not sys.stderr.isatty():
        return nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(what)


def _day(on: str) -> date:
    from foedus.dates import parse_iso

    try:
        return parse_iso(on)
    except ValueError as exc:
        raise FoedusError(str(exc), where=Location("--on"), expected="a date YYYY-MM-DD") from None


def _timeline(events: list[Path] | None, added: list[str] | None, treaty: list[Path] | None = None
              ) -> Timeline | None:
    from foedus.what_if import read_timelines

    vocab = None
    if treaty and (events or added):  # the timelines may use the event types the treaty files declare
        from foedus.compile import vocabulary_of
        from foedus.model.load import load_treaty

        loaded = {str(path): load_treaty(str(path)) for path in treaty}
        vocab = vocabulary_of([model for model, _ in loaded.values()],
                              {model.id: (path, smap) for path, (model, smap) in loaded.items()})
    return read_timelines(events or [], added or [], vocab=vocab)


def _view(treaty: list[Path] | None, events: list[Path] | None, added: list[str] | None, atop: Path | None,
          members: Path | None, states: Path | None, store: Path | None, store_import: str | None,
          quiet: bool) -> WorldView:
    from foedus.world.view import open_world

    return open_world(treaty or [], _timeline(events, added, treaty), atop=atop, members=members, states=states,
                      store=store, store_import=store_import, step=lambda what: _progress(not quiet, what))


def _dumps(data: Any) -> None:
    sys.stdout.write(dumps(data))


def _footer(view: WorldView, verbose: bool) -> list[str]:
    """What the answer leaves out and why: treaties in force on no date of the record, world notes."""
    lines = [f"warning: {n.sentence(verbose)}" for n in view.not_in_force]
    lines += [f"note: {n}" for n in view.notes]
    return lines


def _common(view: WorldView) -> dict[str, Any]:
    return {"not_in_force": [n.record() for n in view.not_in_force], "notes": list(view.notes)}


def _treaty_words(view: WorldView, treaty: str, verbose: bool, article: str | None = None) -> str:
    text = view.title(treaty)
    if article:
        text += f", Art. {article}"
    return f"{text} [{treaty}]" if verbose else text


def _categories(values: list[str]) -> str:
    return ", ".join(v.replace("_", "-") for v in values) or "—"


def _print(title: str, table: str | None, footer: list[str]) -> None:
    out = [title]
    if table is not None:
        out.append(table)
    out += footer
    sys.stdout.write("\n".join(out).rstrip("\n") + "\n")


# --- atop ----------------------------------------------------------------------------------------------


@atop_app.command("import", cls=Command, epilog=(
    f"Example: foedus atop import {_D}/atop/atop5_0_alliance_level.csv --states {_D}/states/states2016.csv "
    "--store world.duckdb"))
@guarded
def atop_import(alliances: Annotated[Path, typer.Argument(metavar="ALLIANCES_CSV",
                                                          help="ATOP alliance-level file.")],
                members: MembersOpt = None, states: StatesOpt = None,
                store: Annotated[Path | None, typer.Option(
                    "--store", metavar="DUCKDB", help="Store the models in this DuckDB file (created when "
                    "missing; an earlier import of the same version is replaced), for the world commands' "
                    "--store.")] = None,
                as_json: JsonOpt = False) -> None:
    """Turn every ATOP alliance into a treaty model; report warnings and unknown columns; optionally store."""
    from foedus.importers.atop import import_atop
    from foedus.report import json_report

    with _progress(not as_json, f"importing {alliances.name}"):
        result = import_atop(alliances, members, states)
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
        print(f"stored in {store} as import ATOP:{result.version}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@atop_app.command("codes", cls=Command, epilog=(
    f"Example: foedus atop codes treaties/sino_soviet_1950.md {_EVENTS} --states {_D}/states/states2016.csv"))
@guarded
def atop_codes(treaty: Annotated[Path, typer.Argument(metavar="TREATY", help="A literate treaty file.")],
               reading: ReadingOpt = None, events: EventsOpt = None, added: AddEventOpt = None,
               states: StatesOpt = None, as_json: JsonOpt = False) -> None:
    """Derive ATOP-style provision codes from a treaty model (dates from its timeline)."""
    from foedus.compile import compile_treaty
    from foedus.evaluate import bind_timeline
    from foedus.importers.atop_codes import derive_codes
    from foedus.importers.cow_states import read_states
    from foedus.model.load import load_treaty
    from foedus.report import json_report
    from foedus.what_if import read_timelines

    model, smap = load_treaty(str(treaty))
    ct = compile_treaty(model, reading, smap=smap, file=str(treaty))
    timeline = read_timelines(events or [], added or [], model.id, ct.vocabulary)
    bound = bind_timeline(ct, timeline) if timeline is not None else None
    codes = derive_codes(ct, bound, states=read_states(states) if states else None)
    data = {"treaty": codes.treaty, "codes": codes.codes, "notes": codes.notes}
    if as_json:
        sys.stdout.write(json_report.dumps(data))
        return
    for k, v in codes.codes.items():
        note = codes.notes.get(k)
        print(f"{k:10} {'' if v is None else v}" + (f"   # {note}" if note else ""))


# --- world -------------------------------------------------------------------------------------------


@world_app.command("in-force", cls=Command, epilog=f"Example: foedus world in-force --on 1960-01-01 {_FILES} {_EVENTS}")
@guarded
def in_force(on: OnOpt, treaty: TreatiesOpt = None, events: EventsOpt = None, added: AddEventOpt = None,
             atop: AtopOpt = None, members: MembersOpt = None, states: StatesOpt = None, store: StoreOpt = None,
             store_import: StoreImportOpt = None, as_json: JsonOpt = False, verbose: VerboseOpt = False) -> None:
    """The treaties in force on a date, with their members and obligations."""
    day = _day(on)
    view = _view(treaty, events, added, atop, members, states, store, store_import, as_json)
    rows = view.in_force(day)
    if as_json:
        _dumps({"on": day.isoformat(), "treaties": [
            {**row, "members": [view.names.record(c) for c in row["members"]]} for row in rows], **_common(view)})
        return

    def members_text(codes: list[int]) -> str:
        shown = [view.names.label(c) if verbose else view.names.name(c) for c in codes]
        if not verbose and len(shown) > 6:
            shown = [*shown[:6], f"and {len(shown) - 6} more"]
        return ", ".join(shown)

    table = plain_table(["treaty", "in force", "members", "obligations"],
                        [[_treaty_words(view, r["treaty"], verbose),
                          f"{r['entry_into_force']} to {r['ended_on'] or 'open'}",
                          members_text(r["members"]), _categories(r["categories"])] for r in rows])
    _print(f"Treaties in force on {day}: {len(rows)}", table if rows else None, _footer(view, verbose))


@world_app.command("allies", cls=Command, epilog=(
    f"Examples: foedus world allies PRC --on 1960-01-01 {_FILES} {_EVENTS}  ·  "
    f"foedus world allies CHN --on 1960-01-01 --store world.duckdb --states {_D}/states/states2016.csv"))
@guarded
def allies(state: Annotated[str, typer.Argument(metavar="STATE", help=(
               "A COW code (710), COW abbreviation (CHN), ISO3 code, or the party id a treaty gives it (PRC)."))],
           on: OnOpt, treaty: TreatiesOpt = None, events: EventsOpt = None, added: AddEventOpt = None,
           atop: AtopOpt = None, members: MembersOpt = None, states: StatesOpt = None, store: StoreOpt = None,
           store_import: StoreImportOpt = None, as_json: JsonOpt = False, verbose: VerboseOpt = False) -> None:
    """A state's allies on a date: who shares a treaty in force with it, and what each owes the other."""
    day = _day(on)
    view = _view(treaty, events, added, atop, members, states, store, store_import, as_json)
    code = view.state(state)
    rows = view.allies(code, day)
    if as_json:
        _dumps({"state": view.names.record(code), "on": day.isoformat(), "allies": [
            {**row, "ally": view.names.record(row["ally"]), "title": view.title(row["treaty"])} for row in rows],
            **_common(view)})
        return
    short = view.names.code(code) or view.names.name(code)
    table = plain_table(["ally", "treaty", f"{short} owes the ally", f"the ally owes {short}"],
                        [[view.names.label(r["ally"]), _treaty_words(view, r["treaty"], verbose),
                          _categories(r["owes"]), _categories(r["owed"])] for r in rows])
    head = f"Allies of {view.names.label(code)} on {day}: " + (str(len({r['ally'] for r in rows})) if rows else "none")
    _print(head, table if rows else None, _footer(view, verbose))


@world_app.command("assist", cls=Command, epilog=(
    f"Example: foedus world assist USA PRC --on 1953-06-01 {_FILES} {_EVENTS}"))
@guarded
def assist(attacker: Annotated[str, typer.Argument(metavar="ATTACKER", help="The state that attacks (as for allies).")],
           target: Annotated[str, typer.Argument(metavar="TARGET", help="The state attacked.")],
           on: OnOpt, treaty: TreatiesOpt = None, events: EventsOpt = None, added: AddEventOpt = None,
           atop: AtopOpt = None, members: MembersOpt = None, states: StatesOpt = None, store: StoreOpt = None,
           store_import: StoreImportOpt = None,
           depth: Annotated[int | None, typer.Option("--depth", metavar="N", min=1, help=(
               "Stop the cascade after N rounds (1: the duties toward the two first belligerents)."))] = None,
           as_json: JsonOpt = False, verbose: VerboseOpt = False) -> None:
    """If ATTACKER attacked TARGET on the date: who would have to assist whom, and whether each condition holds.

    For each duty toward the two first belligerents, the treaty itself is evaluated with the attack added to
    the timeline; then the cascade follows the alliances of the states that join the war."""
    day = _day(on)
    view = _view(treaty, events, added, atop, members, states, store, store_import, as_json)
    a, b = view.state(attacker, "attacker"), view.state(target, "target")
    if a == b:
        raise FoedusError(f"attacker and target are both {view.names.label(a)}", where=Location("command line"),
                          expected="two different states")
    result = view.assist(a, b, day, depth)
    if as_json:
        _dumps(_assist_json(view, result))
        return
    sys.stdout.write(_assist_text(view, result, verbose))


_VERDICT_ORDER = {"holds": 0, "cannot tell": 1, "does not hold": 2, "in the cascade": 3}


def _assist_json(view: WorldView, result: Assistance) -> dict[str, Any]:
    names = view.names
    graph = result.graph.to_dict()
    return {
        "attacker": names.record(result.attacker), "target": names.record(result.target), "on": result.on.isoformat(),
        "max_depth": graph["max_depth"],
        "duties": [{"obligor": names.record(d.obligor), "beneficiary": names.record(d.beneficiary),
                    "treaty": d.treaty, "title": view.title(d.treaty), "norm": d.norm, "article": d.article,
                    "category": d.category, "effect": d.effect, "depth": d.depth, "side": d.side,
                    "verdict": d.verdict, "why": d.why} for d in result.duties],
        "consultations": [{"treaty": c.treaty, "title": view.title(c.treaty), "depth": c.depth,
                           "obligors": [names.record(x) for x in c.obligors],
                           "beneficiaries": [names.record(x) for x in c.beneficiaries]} for c in result.consultations],
        "nodes": [{**n, "name": names.name(n["state"])} for n in graph["nodes"]],
        "edges": graph["edges"],
        **_common(view),
    }


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _some(items: list[str], verbose: bool, at_most: int = 6) -> str:
    """A list of names for a sentence, the long ones cut short unless --verbose."""
    if not verbose and len(items) > at_most:
        items = [*items[:at_most], f"{len(items) - at_most} more"]
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _assist_text(view: WorldView, result: Assistance, verbose: bool) -> str:
    names = view.names
    who = names.label if verbose else names.name
    lines = [f"If {names.label(result.attacker)} attacked {names.label(result.target)} on {result.on}:"]
    # A state already at war on the beneficiary's side owes it nothing more: such duties stay in the JSON.
    at_war = {n.state: (n.side, n.depth) for n in result.graph.nodes if n.side is not None}

    def redundant(d: Any) -> bool:
        side, depth = at_war.get(d.obligor, (None, None))
        return d.effect == "join" and side == d.side and depth is not None and depth < d.depth

    def row(d: Any) -> list[str]:
        must = {"join": f"join the war on the side of {who(d.beneficiary)} ({d.category})",
                "stay neutral": f"stay neutral toward {who(d.beneficiary)}"}.get(d.effect, d.effect)
        return [names.label(d.obligor), must, _treaty_words(view, d.treaty, verbose, d.article),
                f"{d.verdict}: {d.why}"]

    order = sorted(result.duties, key=lambda d: (d.depth, _VERDICT_ORDER.get(d.verdict, 9), d.side != "target",
                                                 names.name(d.obligor), d.treaty, d.norm))
    direct = [d for d in order if d.depth == 1]
    later = [d for d in order if d.depth > 1 and not redundant(d)]
    shown_later = [d for d in later if d.verdict != "does not hold"]
    if direct:
        lines.append(plain_table(["who", "would have to", "under", "condition"], [row(d) for d in direct]))
    else:
        lines.append("No treaty in force that day obliges any state to join the war or stay neutral.")
    if shown_later:
        lines.append("Then, as states join the war:")
        lines.append(plain_table(["who", "would have to", "under", "round"],
                                 [[*row(d)[:3], str(d.depth)] for d in shown_later]))
    if len(later) > len(shown_later):
        lines.append(f"{_count(len(later) - len(shown_later), 'further duty', 'further duties')} in the cascade "
                     "do not apply against this war (their treaties name other threats); --json lists them.")
    joined = [n for n in result.graph.nodes if n.side is not None and n.depth]
    if joined:
        lines.append("Would join the war: " + "; ".join(
            f"{who(n.state)} on the side of {names.name(result.target if n.side == 'target' else result.attacker)}"
            + (" (also bound to the other side)" if n.conflicted else "") for n in joined) + ".")
    else:
        lines.append("No state would be bound to join the war.")
    first = [c for c in result.consultations if c.depth == 1]
    for c in first:
        lines.append(f"Consultation under {_treaty_words(view, c.treaty, verbose)}: "
                     f"{_some([who(x) for x in c.obligors], verbose)} must consult "
                     f"{_some([who(x) for x in c.beneficiaries], verbose)}.")
    more = {c.treaty for c in result.consultations if c.depth > 1}
    if more:
        lines.append(f"{_count(len(more), 'treaty calls', 'treaties call')} for consultation as the war spreads; "
                     "--json lists them.")
    lines += _footer(view, verbose)
    return "\n".join(lines) + "\n"


@world_app.command("dyads", cls=Command, epilog=(
    f"Example: foedus world dyads --out dyads.csv --from 1950 --to 1981 {_FILES} {_EVENTS} --store world.duckdb"))
@guarded
def dyads(out: Annotated[Path, typer.Option("--out", "-o", metavar="FILE", help=(
              "The table to write: .csv or .parquet."))],
          treaty: TreatiesOpt = None, events: EventsOpt = None, added: AddEventOpt = None, atop: AtopOpt = None,
          members: MembersOpt = None, states: StatesOpt = None, store: StoreOpt = None,
          store_import: StoreImportOpt = None,
          first_year: Annotated[int, typer.Option("--from", metavar="YEAR", help="First year of the table.")] = 1816,
          last_year: Annotated[int | None, typer.Option("--to", metavar="YEAR", help=(
              "Last year of the table (default: the latest year the treaties name)."))] = None,
          as_json: JsonOpt = False, verbose: VerboseOpt = False) -> None:
    """The directed dyad-year table of obligations, in the shape of ATOP's directed dyad-year file."""
    if out.suffix not in (".csv", ".parquet"):
        raise FoedusError("unknown output format", where=Location(str(out)), expected="a .csv or .parquet file")
    view = _view(treaty, events, added, atop, members, states, store, store_import, as_json)
    with _progress(not as_json, "building the dyad-year table"):
        table = view.dyads(first_year, last_year)
    _write_table(table, out)
    data = {"out": str(out), "rows": table.num_rows, **_common(view)}
    if as_json:
        _dumps(data)
        return
    _print(f"{out}: {table.num_rows} directed dyad-years", None, _footer(view, verbose))


def _write_table(table: Any, out: Path) -> None:
    try:
        if out.suffix == ".parquet":
            import pyarrow.parquet as pq

            pq.write_table(table, out)
            return
        import pyarrow.csv as pcsv

        with out.open("wb") as handle:
            handle.write((",".join(table.column_names) + "\n").encode("utf-8"))
            pcsv.write_csv(table, handle, pcsv.WriteOptions(include_header=False, quoting_style="none"))
    except OSError as exc:
        raise FoedusError(f"cannot write the table ({exc.strerror})", where=Location(str(out)),
                          expected="a writable path") from None


@world_app.command("status", cls=Command, epilog=(
    f"Example: foedus world status sino-soviet-1950 --on 1979-06-01 {_FILES} {_EVENTS}"))
@guarded
def world_status(treaty_id: Annotated[str, typer.Argument(metavar="TREATY_ID", help="Id of the treaty to evaluate.")],
                 on: OnOpt, treaty: TreatiesOpt = None, events: EventsOpt = None, added: AddEventOpt = None,
                 atop: AtopOpt = None, members: MembersOpt = None, states: StatesOpt = None, store: StoreOpt = None,
                 store_import: StoreImportOpt = None, reading: ReadingOpt = None, as_json: JsonOpt = False,
                 verbose: VerboseOpt = False) -> None:
    """Status of one treaty evaluated in a world: its conditions see the other treaties in force."""
    from foedus.report import json_report, text
    from foedus.world import World

    day = _day(on)
    if atop is not None and store is not None:
        raise FoedusError("both --atop and --store given", where=Location("command line"),
                          expected="one body of alliances")
    extra: list[Any] = []
    if atop is not None:
        from foedus.importers.atop import import_atop

        with _progress(not as_json, f"importing {atop.name}"):
            extra = list(import_atop(atop, members, states).models)
    elif store is not None:
        from foedus.store import Store

        if not store.is_file():  # opening would create an empty store
            raise FoedusError("no such store file", where=Location(str(store)),
                              expected="a store written by `foedus atop import --store`")
        source, _, version = (store_import or "").partition(":")
        with _progress(not as_json, f"reading {store.name}"), Store.open(store) as db:
            picked = db.pick_import(source or None, version or None)
            extra = db.models(source=picked[0], version=picked[1])
    from foedus.world.view import why_not_in_force

    timeline = _timeline(events, added, treaty)
    with _progress(not as_json, "evaluating the world"):
        world = World.load([str(t) for t in treaty or []], timeline, {treaty_id: reading} if reading else None,
                           models=extra)
        outcome = world.evaluate(treaty_id, day)
    given = timeline is not None and bool(timeline.events)
    # The other treaties give this one its facts (who is allied with whom): say which never count.
    missing = [found for tid in world.treaty_ids
               if tid != treaty_id and (found := why_not_in_force(world, tid, given)) is not None]
    from foedus.report.words import Names, TreatyWords

    def title_of(tid: str) -> str | None:
        model = world.compiled.get(tid)
        return (model.treaty.short_title or model.treaty.title) if model is not None else None

    words = TreatyWords(world.compiled[treaty_id], world.timeline, title_of, Names(world.registry))
    data = json_report.status_dict(outcome, words, timeline_given=given)
    data["world_not_in_force"] = [n.record() for n in missing]
    if as_json:
        sys.stdout.write(json_report.dumps(data))
    else:
        sys.stdout.write(text.render_status(data, verbose))
        for n in missing:
            print(f"warning: {n.sentence(verbose)}")
