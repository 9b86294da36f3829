"""`foedus reliability …`: were alliances honoured? Every ATOP alliance against the wars and disputes.

Only typer and the option types are imported here; each command imports what it uses when it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from foedus.cli_common import Command, Group
from foedus.errors import FoedusError, Location

if TYPE_CHECKING:
    from foedus.reliability import Reliability
    from foedus.reliability.record import RecordFiles

reliability_app = typer.Typer(
    cls=Group, no_args_is_help=True,
    help="Were alliances honoured? Every ATOP alliance obligation invoked in a war or dispute, and what the "
         "allies did, judged by the engine under a reading.")

DataOpt = Annotated[Path | None, typer.Option(
    "--data", metavar="DIR", help="A folder in the shared data layout (atop/, wars/, mid/, states/); the options "
                                  "below override single files.")]
AtopOpt = Annotated[Path | None, typer.Option("--atop", metavar="CSV", help="The ATOP alliance-level file.")]
MembersOpt = Annotated[Path | None, typer.Option("--members", metavar="CSV", help="The ATOP member-level file.")]
StatesOpt = Annotated[Path | None, typer.Option("--states", metavar="CSV", help=(
    "The COW state-system file (states2016.csv)."))]
WarsOpt = Annotated[Path | None, typer.Option("--wars", metavar="CSV", help=(
    "The COW inter-state war file of directed dyad-years."))]
AnnualOpt = Annotated[Path | None, typer.Option("--wars-annual", metavar="CSV", help=(
    "The COW annual inter-state war file, which gives the days of entries and exits."))]
MidaOpt = Annotated[Path | None, typer.Option("--mida", metavar="CSV", help="The MID dispute-level file (MIDA).")]
MidbOpt = Annotated[Path | None, typer.Option("--midb", metavar="CSV", help=(
    "The MID participant-level file (MIDB)."))]
ReadingOpt = Annotated[list[str] | None, typer.Option(
    "--reading", "-r", metavar="NAME", help="A named reading (`foedus reliability readings`) or POINT=OPTION; "
                                            "repeat to combine.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="List every warning of the readers.")]
_D = "--data ../shared/data"


def _guard(fn: Any) -> Any:
    """One-line errors (the CLI's rule), and Python's cyclic garbage collector off for the command: it builds
    many small objects, none garbage before it ends, that the collector would scan again and again."""
    import functools

    from foedus.cli import guarded

    @functools.wraps(fn)
    def quiet(*args: Any, **kwargs: Any) -> Any:
        import gc

        was = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was:
                gc.enable()
    return guarded(quiet)


def _files(data: Path | None, atop: Path | None, members: Path | None, states: Path | None, wars: Path | None,
           annual: Path | None, mida: Path | None, midb: Path | None) -> RecordFiles:
    import dataclasses

    from foedus.reliability.record import RecordFiles

    given = {"atop": atop, "members": members, "states": states, "war_dyads": wars, "war_years": annual,
             "mida": mida, "midb": midb}
    for key, path in given.items():
        if path is not None and not path.is_file():
            raise FoedusError("no such file", where=Location(str(path)), expected=f"a CSV file for --{key}")
    if data is not None:
        base = RecordFiles.in_folder(data)
        return dataclasses.replace(base, **{k: v for k, v in given.items() if v is not None})
    if atop is None or wars is None:
        raise FoedusError("no data given", where=Location("command line"),
                          expected="--data FOLDER, or --atop and --wars (with --members, --states, --wars-annual, "
                                   "--mida, --midb)")
    return RecordFiles(**{k: v for k, v in given.items() if v is not None})


def _dumps(data: Any) -> None:
    from foedus.report import json_report
    sys.stdout.write(json_report.dumps(json_report.plain(data)))


def _load_and_run(files: RecordFiles, reading: list[str] | None, other: list[str] | None) -> Reliability:
    """Load once (the dispute events only when one of the readings admits disputes), then judge."""
    from foedus import reliability

    atop, record = reliability.load(
        files, dispute_events=reliability.admits_disputes(reading) or reliability.admits_disputes(other))
    result = reliability.run(reading=reading, models=atop.models, record=record)
    result.atop = atop
    return result


def _plain(records: Any) -> Any:
    from foedus.report import json_report
    return json_report.plain(records)


def _rate(value: Any) -> str:
    import math
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{100 * value:.1f}%"



def _render_summary(result: Reliability) -> str:
    s = result.summary_records
    j = result.judgement
    chosen = f" ({', '.join(j.choices)})" if j.choices else ""
    lines = [f"Reading: {result.reading}{chosen}",
             f"{j.evaluated} alliances evaluated ({j.skipped} had no member in a conflict the reading admits while "
             f"in force), {j.events_used} events; {len(j.rows)} invoked obligations, {len(j.uncertain)} events that "
             "may invoke one but the record cannot tell.", "",
             f"{'':28}{'invoked':>8}{'honoured':>9}{'violated':>9}{'n.d.':>6}{'rate':>8}  {'95% Wilson':<14}"
             f"{'naive':>8}  {'95% Wilson':<13}"]
    for name, key in (("overall", None), ("obligation", "obligation"), ("period", "period"), ("era", "era"),
                      ("kind", "kind")):
        for row in s[name]:
            label = "all" if key is None else str(row[key]).replace("_", "-")
            lines.append(f"{label:28}{_int(row['n']):>8}{_int(row['honoured']):>9}{_int(row['violated']):>9}"
                         f"{_int(row['not_determinable']):>6}{_rate(row['rate']):>8}  "
                         f"{_ci(row['low'], row['high']):<14}{_rate(row.get('naive_rate')):>8}  "
                         f"{_ci(row.get('naive_low'), row.get('naive_high')):<13}")
        lines.append("")
    lines.append("rate: honoured of the determinable (honoured + violated); naive: the ally joined the partner's "
                 "side in that conflict, whatever the treaty said.")
    return "\n".join(lines) + "\n"


def _int(value: Any) -> str:
    import math
    return "0" if value is None or (isinstance(value, float) and math.isnan(value)) else str(int(value))


def _ci(low: Any, high: Any) -> str:
    import math
    if low is None or (isinstance(low, float) and math.isnan(low)):
        return "—"
    return f"{100 * low:.1f}–{100 * high:.1f}%"


def write_outputs(result: Reliability, out: Path, other: Reliability | None = None) -> dict[str, str]:
    """The tables (CSV, and Parquet for the rows), the summaries (one CSV, the table named in a column) and the
    page. Written without pandas: the tables are plain records."""
    import dataclasses

    from foedus.reliability.html import render_page
    from foedus.reliability.judge import Uncertain
    from foedus.reliability.tables import (
        NAIVE_COLUMNS,
        ROW_COLUMNS,
        ROW_TYPES,
        SUMMARIES,
        summary_columns,
        write_csv,
        write_parquet,
    )

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FoedusError(f"cannot create the output folder ({exc.strerror})", where=Location(str(out)),
                          expected="a writable folder") from None
    written: dict[str, str] = {}

    def put(name: str) -> Path:
        written[name] = str(out / name)
        return out / name

    write_csv(result.row_records, ROW_COLUMNS, put("rows.csv"))
    write_parquet(out / "rows.csv", ROW_TYPES, put("rows.parquet"))
    write_csv(result.naive_records, NAIVE_COLUMNS, put("naive.csv"))
    write_csv(result.uncertain_records, [f.name for f in dataclasses.fields(Uncertain)], put("uncertain.csv"))
    stacked = [{"table": name, **item} for name, _ in SUMMARIES for item in result.summary_records[name]]
    columns = ["table", "obligation", "period", "era", "kind", *summary_columns(())]
    write_csv(stacked, columns, put("summaries.csv"))
    page = render_page(result, other)
    try:
        put("reliability.html").write_text(page, encoding="utf-8")
    except OSError as exc:
        raise FoedusError(f"cannot write the page ({exc.strerror})", where=Location(str(out / "reliability.html")),
                          expected="a writable folder") from None
    return written


@reliability_app.command("run", cls=Command, epilog=(
    f"Examples: foedus reliability run {_D} --out reliability-out  ·  foedus reliability run {_D} "
    "-r uses-of-force -w default"))
@_guard
def run(data: DataOpt = None, atop: AtopOpt = None, members: MembersOpt = None, states: StatesOpt = None,
        wars: WarsOpt = None, wars_annual: AnnualOpt = None, mida: MidaOpt = None, midb: MidbOpt = None,
        reading: ReadingOpt = None,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="folder for the tables (CSV, Parquet) and the "
                                                                     "page (reliability.html)")] = None,
        store: Annotated[Path | None, typer.Option("--store", help="DuckDB file: the rows go to its `reliability` "
                                                                   "table")] = None,
        compare_with: Annotated[list[str] | None, typer.Option(
            "--with", "-w", help="a second reading: the page and the JSON compare the two")] = None,
        as_json: JsonOpt = False, verbose: VerboseOpt = False) -> None:
    """Judge every alliance on the record; print the rates; write the tables and the page with --out."""
    from foedus import reliability
    from foedus.reliability.tables import compare_records

    files = _files(data, atop, members, states, wars, wars_annual, mida, midb)
    result = _load_and_run(files, reading, compare_with)
    other = reliability.run(reading=compare_with, like=result) if compare_with else None
    written = write_outputs(result, out, other) if out is not None else {}
    stored = {}
    if store is not None:
        from foedus.store import Store
        with Store.open(store) as db:
            stored = {"reliability": db.import_reliability(result.row_records, reading=result.reading)}
    if as_json:
        payload: dict[str, Any] = {
            "reading": result.reading, "choices": list(result.judgement.choices),
            "evaluated": result.judgement.evaluated, "skipped": result.judgement.skipped,
            "events_used": result.judgement.events_used, "rows": len(result.judgement.rows),
            "uncertain": len(result.judgement.uncertain),
            "summaries": _plain(result.summary_records),
            "written": written, "stored": stored, "warnings": list(result.warnings)}
        if other is not None:
            changed = sum(1 for r in compare_records(result.judgement, other.judgement) if r["changed"])
            payload["compare"] = {"with": other.reading, "changed": changed,
                                  "summaries": {"obligation": _plain(other.summary_records["obligation"])}}
        _dumps(payload)
        return
    sys.stdout.write(_render_summary(result))
    if other is not None:
        changed = sum(1 for r in compare_records(result.judgement, other.judgement) if r["changed"])
        sys.stdout.write(f"\nWith {other.reading}: {changed} rows change outcome.\n")
        sys.stdout.write(_render_summary(other))
    for name, path in written.items():
        print(f"wrote {path}" if name != "reliability.html" else f"wrote {path} (open it in a browser)")
    if stored:
        print(f"stored {stored['reliability']} rows in {store} (table reliability)")
    warnings = result.warnings
    if warnings:
        print(f"{len(warnings)} warnings from the readers" + ("" if verbose else "; --verbose lists them"))
    for warning in warnings if verbose else ():
        print(f"warning: {warning}")


@reliability_app.command("compare", cls=Command, epilog=(
    f"Example: foedus reliability compare {_D} -r default -w conditions-met"))
@_guard
def compare(reading: Annotated[list[str], typer.Option("--reading", "-r", help="reading A (repeatable)")],
            other: Annotated[list[str], typer.Option("--with", "-w", help="reading B (repeatable)")],
            data: DataOpt = None, atop: AtopOpt = None, members: MembersOpt = None, states: StatesOpt = None,
            wars: WarsOpt = None, wars_annual: AnnualOpt = None, mida: MidaOpt = None, midb: MidbOpt = None,
            out: Annotated[Path | None, typer.Option("--out", "-o", help="CSV of every row under both")] = None,
            as_json: JsonOpt = False) -> None:
    """Two readings side by side: the rates under each and the rows whose outcome changes."""
    from foedus import reliability
    from foedus.reliability.tables import COMPARE_COLUMNS, compare_records, summarize, write_csv

    a = _load_and_run(_files(data, atop, members, states, wars, wars_annual, mida, midb), reading, other)
    b = reliability.run(reading=other, like=a)
    rows = compare_records(a.judgement, b.judgement)
    if out is not None:
        write_csv(rows, COMPARE_COLUMNS, out)
    changed = [r for r in rows if r["changed"]]
    moves: dict[tuple[str, str], int] = {}
    for r in changed:
        moves[(r["outcome_a"], r["outcome_b"])] = moves.get((r["outcome_a"], r["outcome_b"]), 0) + 1
    first = {r["obligation"]: r for r in summarize(a.row_records, ["obligation"])}
    second = {r["obligation"]: r for r in summarize(b.row_records, ["obligation"])}
    rates = [{"obligation": o, "n_a": first.get(o, {}).get("n", 0), "rate_a": first.get(o, {}).get("rate"),
              "low_a": first.get(o, {}).get("low"), "high_a": first.get(o, {}).get("high"),
              "n_b": second.get(o, {}).get("n", 0), "rate_b": second.get(o, {}).get("rate"),
              "low_b": second.get(o, {}).get("low"), "high_b": second.get(o, {}).get("high")}
             for o in sorted(set(first) | set(second))]
    if as_json:
        _dumps({"a": a.reading, "b": b.reading, "rows": len(rows), "changed": len(changed),
                "moves": [{"outcome_a": x, "outcome_b": y, "rows": n} for (x, y), n in sorted(moves.items())],
                "by_obligation": _plain(rates), "changed_rows": _plain(changed)})
        return
    print(f"A: {a.reading}   B: {b.reading}")
    print(f"{'':18}{'invoked A':>10}{'rate A':>9}{'invoked B':>11}{'rate B':>9}")
    for row in rates:
        print(f"{str(row['obligation']).replace('_', '-'):18}{_int(row['n_a']):>10}{_rate(row['rate_a']):>9}"
              f"{_int(row['n_b']):>11}{_rate(row['rate_b']):>9}")
    print(f"\n{len(changed)} of {len(rows)} rows change outcome:")
    for (x, y), n in sorted(moves.items()):
        print(f"  {x} -> {y}: {n}")
    if out is not None:
        print(f"wrote {out}")


def _find_row(result: Reliability, row_id: str) -> Any:
    row = next((r for r in result.judgement.rows if r.row_id == row_id), None)
    if row is None:
        alliance = row_id.split(":", 1)[0]
        near = [r.row_id for r in result.judgement.rows if r.alliance == alliance][:3]
        raise FoedusError(f"no row {row_id!r} under this reading", where=Location(row_id),
                          expected="a row_id of rows.csv" + (f", e.g. {near[0]}" if near else ""))
    return row


@reliability_app.command("explain", cls=Command, epilog=(
    f"Example: foedus reliability explain ROW_ID {_D} (ROW_ID from rows.csv of `foedus reliability run`)"))
@_guard
def explain(row_id: Annotated[str, typer.Argument(help="a row_id of the rows table")],
            data: DataOpt = None, atop: AtopOpt = None, members: MembersOpt = None, states: StatesOpt = None,
            wars: WarsOpt = None, wars_annual: AnnualOpt = None, mida: MidaOpt = None, midb: MidbOpt = None,
            reading: ReadingOpt = None, as_json: JsonOpt = False) -> None:
    """One row, from the war or dispute events to the coded provision and member phase, the rule and the reading."""
    from foedus import reliability
    from foedus.reliability.explain import explain_row, render_explanation

    files = _files(data, atop, members, states, wars, wars_annual, mida, midb)
    atop_import, record = reliability.load(files)
    alliance = row_id.split(":", 1)[0]
    model = next((m for m in atop_import.models if m.id == alliance), None)
    if model is None:
        raise FoedusError(f"no alliance {alliance!r}", where=Location(row_id),
                          expected="a row id that starts with an alliance id, e.g. atop-2440:…")
    result = reliability.run(reading=reading, models=[model], record=record)
    row = _find_row(result, row_id)
    info = explain_row(result.judgement.outcomes, result.judgement.compiled, record, row)
    if as_json:
        _dumps(info)
    else:
        sys.stdout.write(render_explanation(info))


@reliability_app.command("treaty", cls=Command, epilog=(
    f"Examples: foedus reliability treaty atop-3200 {_D}  ·  foedus reliability treaty treaties/sino_soviet_1950.md "
    f"-e timelines/sino_soviet_1950_1980.yaml {_D}"))
@_guard
def treaty(treaty: Annotated[str, typer.Argument(help="a treaty file (.md) or an ATOP alliance id (atop-3200)")],
           events: Annotated[Path | None, typer.Option("--events", "-e", help="the treaty's own timeline (its "
                                                                               "ratifications, notices…)")] = None,
           also: Annotated[list[Path] | None, typer.Option("--with", help="other treaty files whose alliances the "
                                                                           "conditions see (repeatable)")] = None,
           data: DataOpt = None, atop: AtopOpt = None, members: MembersOpt = None, states: StatesOpt = None,
           wars: WarsOpt = None, wars_annual: AnnualOpt = None, mida: MidaOpt = None, midb: MidbOpt = None,
           reading: ReadingOpt = None, as_json: JsonOpt = False) -> None:
    """One treaty against the record: the wars and disputes of its parties, and why each did or did not invoke
    its obligations."""
    from foedus.reliability.examine import examine_atop, examine_file
    from foedus.reliability.explain import render_examination

    files = _files(data, atop, members, states, wars, wars_annual, mida, midb)
    if treaty.startswith("atop-") or treaty.isdigit():
        info = examine_atop(files, treaty if treaty.startswith("atop-") else f"atop-{treaty}", reading)
    else:
        info = examine_file(files, Path(treaty), events, list(also or []), reading)
    if as_json:
        _dumps(info)
    else:
        sys.stdout.write(render_examination(info))


@reliability_app.command("readings", cls=Command, epilog="Example: foedus reliability readings")
@_guard
def readings(as_json: JsonOpt = False) -> None:
    """The reading points of the alliance models (what counts as honouring, which conditions are taken as met)
    and the named readings."""
    from foedus.importers.atop import reliability_points
    from foedus.reliability.judge import READINGS

    points = reliability_points()
    if as_json:
        _dumps({"points": [p.model_dump() for p in points], "named": {k: list(v) for k, v in READINGS.items()}})
        return
    for p in points:
        print(f"{p.id}: {p.question}")
        for oid, option in p.options.items():
            print(f"  {'*' if oid == p.default else ' '} {oid}: {option.says}")
    print()
    for name, choices in READINGS.items():
        print(f"named {name}: {', '.join(choices) or 'every point at its default'}")
