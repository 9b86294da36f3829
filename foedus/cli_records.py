"""`foedus records …`: the record of wars (COW) and militarized disputes (MID) as a foedus timeline."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from foedus.cli_common import Command, Group, guarded
from foedus.errors import FoedusError, Location

records_app = typer.Typer(cls=Group, no_args_is_help=True,
                          help="Import COW inter-state wars and MID disputes as a timeline of dated events.")

_DATA = "../shared/data"
StatesOpt = Annotated[Path | None, typer.Option("--states", metavar="CSV", help=(
    "The COW state-system file (states2016.csv): names and membership of the system."))]
OutOpt = Annotated[Path, typer.Option("--out", "-o", metavar="FILE", help=(
    "The timeline to write: .csv, or .yaml (with a table of the states)."))]
UnknownDayOpt = Annotated[str, typer.Option("--unknown-day", metavar="RULE", help=(
    "first: date an unknown day on the first possible day; interval: also give date_latest, the last."))]
RelationsOpt = Annotated[bool, typer.Option(
    "--relations/--no-relations", help="Also derive armed_attack, state_of_war and end_of_war events.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="List every warning with its file and line.")]

# Kinds of warning, told apart by their wording, for the summary.
_KINDS = (
    ("annual row not in the dyad file", "is not a dyad of the dyad file"),
    ("annual date outside the dyad file's years", "the date is not used"),
    ("resumed war with no break in the annual file", "as resumed in"),
    ("participant not a member of the state system", "is not a member of the state system"),
    ("code is another state's name", "the name of COW code"),
    ("contradictory allies or adversaries", "is listed"),
    ("exit before entry", "before it"),
    ("state on both sides at once", "on both sides"),
    ("overlapping spells of one participant", "overlaps the spell"),
    ("abbreviation not the state system's", "abbreviation in"),
    ("participant outside its dispute's dates", "outside the dispute's dates"),
    ("side counts differ from numa/numb", "numa"),
    ("dispute without participants", "has no participant"),
    ("code not in the state system", "is not a state in"),
    ("columns not used", "column"),
)


def warning_kinds(warnings: tuple[str, ...] | list[str]) -> dict[str, int]:
    """How many warnings of each kind (by their wording); `other` for the rest."""
    counts: Counter[str] = Counter()
    for warning in warnings:
        text = warning.split(": ", 1)[-1]
        counts[next((kind for kind, words in _KINDS if words in text), "other")] += 1
    return dict(sorted(counts.items()))


def _rule(unknown_day: str) -> Any:
    if unknown_day not in ("first", "interval"):
        raise FoedusError(f"--unknown-day {unknown_day!r} is not a rule", where=Location("--unknown-day"),
                          expected="first or interval")
    return unknown_day


def _write(events: Any, states: Any, out: Path, description: str) -> Any:
    from foedus.importers.records import records_timeline, write_timeline
    timeline = records_timeline(events, states, timeline_id=out.stem, description=description)
    write_timeline(timeline, out)
    return timeline


def _report(data: dict[str, Any], warnings: tuple[str, ...], as_json: bool, verbose: bool, what: str) -> None:
    from foedus.report import json_report
    if as_json:
        sys.stdout.write(json_report.dumps({**data, "warnings": list(warnings)}))
        return
    counts = data["counts"]
    by_type = ", ".join(f"{n} {kind}" for kind, n in data["events_by_type"].items())
    print(f"wrote {data['out']}: {what}; {counts['events']} events ({by_type})")
    if warnings:
        kinds = "; ".join(f"{kind}: {n}" for kind, n in data["warning_kinds"].items())
        hint = "" if verbose else "; --verbose lists them"
        print(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} ({kinds}){hint}")
    for warning in warnings if verbose else ():
        print(f"warning: {warning}")


@records_app.command("wars", cls=Command, epilog=(
    f"Example: foedus records wars --dyads {_DATA}/wars/peacesciencer_cow_war_inter.csv --annual "
    f"{_DATA}/wars/interstate_war_annual_rev_armsallies.csv --states {_DATA}/states/states2016.csv -o wars.yaml"))
@guarded
def wars(dyads: Annotated[Path, typer.Option("--dyads", metavar="CSV", help=(
             "The COW inter-state war file of directed dyad-years."))],
         out: OutOpt,
         annual: Annotated[Path | None, typer.Option("--annual", metavar="CSV", help=(
             "The COW annual inter-state war file, which gives the days of entries and exits."))] = None,
         states: StatesOpt = None, unknown_day: UnknownDayOpt = "first", relations: RelationsOpt = True,
         as_json: JsonOpt = False, verbose: VerboseOpt = False) -> None:
    """COW inter-state wars as a timeline: entries, exits and (derived) attacks and states of war."""
    from foedus.importers.records import load_wars, war_relations
    record = load_wars(dyads, annual, states, unknown_day=_rule(unknown_day))
    events = [*record.events, *(war_relations(record) if relations else ())]
    timeline = _write(events, record.states, out, "COW inter-state wars")
    by_type = Counter(e.type for e in timeline.events)
    data: dict[str, Any] = {
        "out": str(out), "unknown_day": unknown_day, "relations": relations,
        "files": {"dyads": str(dyads), "annual": str(annual) if annual else None,
                  "states": str(states) if states else None},
        "counts": {"wars": len(record.wars), "participants": len(record.participants),
                   "states": len({p.ccode for p in record.participants}), "pairs": len(record.pairs),
                   "events": len(timeline.events), "warnings": len(record.warnings)},
        "events_by_type": dict(sorted(by_type.items())),
        "warning_kinds": warning_kinds(record.warnings),
    }
    _report(data, record.warnings, as_json, verbose,
            f"{len(record.wars)} wars, {len(record.participants)} participants")


@records_app.command("disputes", cls=Command, epilog=(
    f"Example: foedus records disputes --disputes {_DATA}/mid/MIDA_5.0.csv --participants "
    f"{_DATA}/mid/MIDB_5.0.csv --states {_DATA}/states/states2016.csv -o disputes.yaml"))
@guarded
def disputes(disputes: Annotated[Path, typer.Option("--disputes", metavar="CSV", help=(
                 "The MID dispute-level file (MIDA)."))],
             participants: Annotated[Path, typer.Option("--participants", metavar="CSV", help=(
                 "The MID participant-level file (MIDB)."))],
             out: OutOpt, states: StatesOpt = None, unknown_day: UnknownDayOpt = "first",
             relations: RelationsOpt = True, as_json: JsonOpt = False, verbose: VerboseOpt = False) -> None:
    """MID disputes as a timeline: participants' entries and exits and (derived) uses of force."""
    from foedus.importers.records import dispute_relations, load_disputes
    record = load_disputes(disputes, participants, states, unknown_day=_rule(unknown_day))
    events = [*record.events, *(dispute_relations(record) if relations else ())]
    timeline = _write(events, record.states, out, "Militarized interstate disputes (MID)")
    by_type = Counter(e.type for e in timeline.events)
    participant_count = len({(p.dispnum, p.ccode) for p in record.participants})
    data: dict[str, Any] = {
        "out": str(out), "unknown_day": unknown_day, "relations": relations,
        "files": {"disputes": str(disputes), "participants": str(participants),
                  "states": str(states) if states else None},
        "counts": {"disputes": len(record.disputes),
                   "participants": participant_count,
                   "participant_rows": len(record.participants),
                   "states": len({p.ccode for p in record.participants}), "events": len(timeline.events),
                   "warnings": len(record.warnings)},
        "events_by_type": dict(sorted(by_type.items())),
        "warning_kinds": warning_kinds(record.warnings),
    }
    _report(data, record.warnings, as_json, verbose,
            f"{len(record.disputes)} disputes, {participant_count} participants "
            f"({len(record.participants)} rows)")
