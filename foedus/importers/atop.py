"""ATOP alliances as treaty models, in the same model language as the hand-written treaties.

``import_atop(alliance_csv, member_csv=None, states_csv=None)`` reads the files with
:mod:`foedus.importers.atop_csv` and :mod:`foedus.importers.cow_states` and turns each alliance row
into a :class:`~foedus.model.treaty.Treaty` with id ``atop-<atopid>``. No treaty text is imported
(``articles: []``, ``source.verbatim: false``): the model states what ATOP codes, nothing more.
Every model compiles with ``compile_treaty``.

Parties
-------
The members of the alliance file's ``mem<N>`` columns, in column order, with their COW code. With
the COW states file the id is the COW abbreviation (``RUS``), the name the COW name, and the ISO3
code the one country_converter derives from that name, unless several COW states share that code
(Czechoslovakia and the Czech Republic) or the name matches several countries: such ISO3 codes are
left out, because a shared alias would merge two states. Without the states file the id is
``COW<code>`` and the name ``COW state <code>``. With the member file, ``joined`` and ``left`` come
from the members' entry and exit dates (all phases together: the earliest entry, the latest exit),
set only when they differ from the alliance's own begin and end. ``left`` is, like ``ended_on``, the
first day out of the alliance.

Dates (``lifecycle``)
---------------------
``entry_into_force: fixed_date`` at the ATOP begin date and ``ended_on`` at the ATOP end date (none
for 0/0/0: still in force at the end of the data). A date with an unknown day (or month) is read as
its first possible day (``PartialDate.earliest()``); a fact on the model says so. The ATOP end date
is read as the first day out of force. Evidence: ATOP 3200 (the 1950 Sino-Soviet treaty) ends on
1980-04-11, exactly 30 years after its entry into force on 1950-04-11, and foedus's lifecycle of the
hand-written model gives 1980-04-11 as the first day out of force.

Term and renewal (speclgth, length, proren, renewlgt)
-----------------------------------------------------
The notes mark these codes UNVERIFIED; the readings below are inferred from the data and from
treaties whose duration clauses are well known, and each is stated with its evidence:

* ``length`` is in **months**, and ``speclgth == 1`` means a stated fixed term of ``length`` months.
  Evidence: ATOP 3200 has speclgth 1, length 360 and the treaty runs 30 years; NATO (3180) has 240
  and runs 20 years before withdrawal is open; in v5.0 every row with speclgth 1 has length > 0 and
  every row with speclgth 0 has length 0.
* ``speclgth == 0``: no stated duration (term: none). Evidence: length and proren are 0 in all 203
  such rows of v5.0.
* ``speclgth == 3``: the text says the alliance remains in force indefinitely (``indefinite``).
  Evidence: ANZUS (3215), the US–Philippines (3210) and US–Korea (3240) treaties, which state that
  they remain in force indefinitely, are coded 3; no speclgth-3 row has a renewal code.
* ``speclgth == 2``: in force until an event or condition (``until``). Evidence: both US–Japan
  security treaties (3220, 3375), which last until UN arrangements for the Japan area are in force,
  and wartime alliances that last until the end of a war (2015, 2045) are coded 2.
* ``proren == 2`` with ``renewlgt > 0``: tacit renewal for ``renewlgt`` months at a time
  (``extension``, no limit). Evidence: ATOP 3200 has proren 2, renewlgt 60, and the treaty is
  extended by five years at a time unless notice is given. ATOP does not code the notice period, so
  the model has no ``notice``.
* ``proren == 2`` with ``renewlgt == 0``: after its term the alliance continues with no fixed end
  (``after_term: continues``). Evidence: NATO (3180; after twenty years any party may withdraw on
  one year's notice) and the 1978 China–Japan treaty (3815; ten years, then in force until one
  year after a notice) are coded so, and both are still in force in the data.
* ``proren == 0``: no renewal provision (renewlgt is 0 in all such rows).
* Anything else (``proren == 1``, a renewal without a stated term, a blank cell, a length next to
  speclgth 0, 2 or 3) is not understood: it is listed in the model's ``unknown_codes`` and mapped to
  nothing.

When the record outlives the stated term — a term with no renewal in the model, but ATOP records a
later end or the alliance still in force — the model says ``after_term: continues`` so that its
lifecycle agrees with the record, and a warning and a fact (``atop-prolonged``) say so. In v5.0
this concerns 19 alliances (some end days after their term, when the term probably ran from a later
ratification; others were prolonged by means the codes do not record).

Obligations judged against the record
-------------------------------------
Each coded obligation becomes norms that speak the record of wars and disputes
(:mod:`foedus.importers.records`): one for the COW wars (``atop-<variable>``) and one for the MID
disputes below the level of war (``atop-<variable>-mid``, existing only when the reading point
``conflicts`` admits disputes: ``force`` for those in which force was used, hostility level 4, or
``disputes`` for levels 2-4; level 5 is war, counted once, in the wars). A triggered norm is borne by
any other member (``others(party)``) toward the member concerned (``party``, the event's actor); a
standing one by each member toward the others.

* ``defense`` → obligation, category defence. Invoked when a member enters a war (dispute) on the side
  opposite the initiator (``event.against_initiator == true``), fighting some state outside the alliance
  (``not includes_all(parties, event.targets)``: a war between members is a matter of non-aggression, and
  an alliance does not oblige its members against one of them). Fulfilled when the ally is already in it on
  the member's side on that day (``allies``; ``allies_possible``: the record cannot tell) or enters it on
  that side before the deadline; violated when the ally fights the member in it (``opponents``), or, by
  silence, when the deadline passes: the deadline runs ``within`` the reading point ``join-window``
  (any time, 30, 90 or 365 days) and ``until`` the day the member leaves the war (reading point
  ``late-entry``: ``not-counted``) or the war ends (``counted``). Under ``adversaries=all`` the ally must
  be at war with every state the member fought on entering.
* ``offense`` → the same, invoked when a member enters as an initiator (COW's code; for disputes an
  originator on side A) against some state outside the alliance.
* ``neutral`` → triggered prohibition, category neutrality: invoked when a member enters a war against
  some state outside the alliance,
  violated when the ally fights it there, discharged (kept) when the member leaves the war.
* ``nonagg`` → standing prohibition, category non_aggression: violated when a member enters a war in
  which it fights another member (reading point ``nonagg-fighting``: ``any`` fighting, or only on the
  initiator's side, ``aggressor``).
* ``consul`` → obligation, category consultation, ``crisis_specific: true`` (ATOP codes consultation
  only for crises that could become militarised), invoked as defence is (attacked or threatened), with a
  deadline at the member's exit and ``silence: undetermined``: the record has no consultations, so the
  outcome is not determinable.
* ``noothall`` → standing prohibition, category no_other_alliance; ``ecaid > 0`` → standing
  obligation, category economic.

Conditions
----------
The member file codes, per member and phase, the conditions on each obligation (``defcoadv`` …
``concoreq``: adversary, location, conflict, number, demands, provocation, attacked, request). A
condition the record can check becomes a part of the trigger: a specific adversary named by ATOP
(``statthr1``/``statthr2``, COW codes) must be among the states the member fights on entering
(``event.targets``); ``neucoatt`` (neutrality only if attacked) asks the side opposite the initiator. A
condition it cannot check — an adversary ATOP does not name, a location (neither ATOP nor the COW and
MID files read here say where), a conflict, a number of adversaries, demands, provocation, a request —
becomes ``(reading('<kind>-condition') == 'met' or unknown)`` with a reading point whose default leaves
the trigger undetermined and whose option ``met`` lets it fire. Without member rows (or with member
files that lack the flag columns) the alliance row decides: ``defcon`` (``offcon``, ``neucon``,
``concon``) = 1 with named threat states is an adversary condition; with none, the reading point
``<category>-condition``. Threat states are listed in every military and consultation norm's
``threat`` as ``cow:<code>``, whatever the condition flags.

Member-specific obligations
---------------------------
When the alliance file codes an obligation 1 and the member rows code it (and its condition flags) 0/1
for every member, the norm follows the rows: one norm per run of consecutive phases in which every
member present bears it under the same conditions (id ``atop-<variable>[-mid]``, with ``-p<N>`` when
it does not cover every phase, ``introduced_by`` / ``ended_by`` the phase instruments), or, when
members differ in whether they bear it or on which conditions, one per member and run (id
``atop-<variable>[-mid]-<party id>[-p<N>]``, that party as ``bearer``; a triggered copy does not fire
for its own bearer: its trigger adds ``party != 'cow:<code>'``). With v5.0 and the v4.01 member file
this concerns 69 alliances: 64 coded ``asymm`` 1, and five whose members differ only in conditions
(in SEATO, 3260, the United States alone limits its defence to communist aggression). Evidence that the
rows code each member's own obligations: in the US–Japan treaty of 1951 (3220) the United States has
defense 1 and Japan 0, as in the treaty.

A member file that disagrees with the alliance file (an obligation coded 1 for no member, or for some
members against an alliance code that is not 1) gets a warning, and the alliance file's code is used;
a blank or other code in the rows leaves the obligation as the alliance row codes it.

Nothing is lost: every provision code that is not 0 (and every blank one) is a fact
``atop-<variable>`` saying ``<variable>=<value>``, one fact lists the variables coded 0, and the
alliance fields (cowid, ineffect, bilat, maxphase, wartime, source…) and the columns the reader
does not know (``new5``, ``rev5``) are facts too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from foedus.dates import Duration, Rounding, add
from foedus.errors import FoedusError, Location
from foedus.importers import warning_line
from foedus.importers.atop_csv import (
    PROVISION_COLUMNS,
    AtopAlliance,
    AtopFile,
    AtopMemberPhase,
    read_alliances,
    read_members,
)
from foedus.importers.cow_states import StateSystem, read_states
from foedus.model.treaty import (
    ActPattern,
    Deadline,
    Fact,
    Instrument,
    Lifecycle,
    Norm,
    Party,
    ReadingOption,
    ReadingPoint,
    SourceInfo,
    Spell,
    Treaty,
    Trigger,
)

__all__ = ["AtopImport", "alliance_model", "import_atop", "reliability_points"]

# The plain trigger of a defence obligation on the record of wars: a member enters a war on the side opposite
# the initiator.
ATTACKED = "party(event.actor) and event.against_initiator == true and not includes_all(parties, event.targets)"
# An obligation toward a member concerns its conflicts with states outside the alliance (some state it fights
# on entering is not a member); fighting between members is a matter of non-aggression.
OUTSIDE = "not includes_all(parties, event.targets)"

# The obligations ATOP also codes per member (member file), and the flags that make them conditional.
_OBLIGATIONS = ("defense", "offense", "neutral", "nonagg", "consul")
_CONDITION_FLAGS = ("defcon", "offcon", "neucon", "concon")
# 0/1 codes the importer turns into model structure; the other codes are kept only as facts.
_BINARY = (*_OBLIGATIONS, *_CONDITION_FLAGS, "conditio", "noothall")
# Titles name this many members, then "and N more".
_TITLE_MEMBERS = 6

Warn = Callable[[str], None]


@dataclass(frozen=True)
class AtopImport:
    """The models of one import, in alliance-file order, and what the import found out.

    ``warnings``: one-line ``file:line: message`` strings from the readers and the importer.
    ``unknown_codes``: per model id, the codes it could not interpret (``"proren=1: …"``); they are
    also a fact ``atop-unknown-codes`` on the model. ``unknown_columns``: per file, the columns the
    reader does not know (kept as facts). ``version`` / ``member_version``: the files' version stamps.
    """

    models: tuple[Treaty, ...]
    warnings: tuple[str, ...]
    unknown_codes: dict[str, tuple[str, ...]]
    unknown_columns: dict[str, tuple[str, ...]]
    version: str | None
    member_version: str | None

    def __len__(self) -> int:
        return len(self.models)

    def unknown_variables(self, model_id: str) -> set[str]:
        """The variables whose codes the model does not interpret (each message starts ``name=``)."""
        return {message.split("=", 1)[0] for message in self.unknown_codes.get(model_id, ())}

    def model(self, atopid: int | str) -> Treaty:
        """The model of one alliance, by ATOP id (``3200``) or model id (``atop-3200``)."""
        wanted = atopid if isinstance(atopid, str) and atopid.startswith("atop-") else f"atop-{atopid}"
        for model in self.models:
            if model.id == wanted:
                return model
        raise FoedusError(f"no ATOP alliance {atopid} in this import", expected="an atopid of the alliance file")


def import_atop(alliance_csv: str | Path, member_csv: str | Path | None = None,
                states_csv: str | Path | None = None, *, iso3: bool = True) -> AtopImport:
    """Read the ATOP alliance file (and optionally the member file and the COW states file) into models.
    ``iso3=False`` leaves the parties' ISO3 codes out (they are aliases, and deriving them loads
    country_converter and pandas): for runs that name states by their COW ids only."""
    states = read_states(states_csv) if states_csv is not None else None
    alliances = read_alliances(alliance_csv, states=states)
    _require_model_columns(alliances)
    members = read_members(member_csv, states=states) if member_csv is not None else None
    warnings: list[str] = []
    if states is not None:
        warnings += states.warnings
    warnings += alliances.warnings
    unknown_columns: dict[str, tuple[str, ...]] = {alliances.path: alliances.unknown}
    by_alliance: dict[int, list[AtopMemberPhase]] = defaultdict(list)
    if members is not None:
        warnings += members.warnings
        unknown_columns[members.path] = members.unknown
        for row in members:
            by_alliance[row.atopid].append(row)
        warnings += _member_file_warnings(alliances, members, by_alliance)
    iso3_codes = _iso3_table(states) if iso3 else {}
    models: list[Treaty] = []
    unknown: dict[str, tuple[str, ...]] = {}
    for alliance in alliances:
        rows = by_alliance.get(alliance.atopid)
        if members is not None and rows is None:
            warnings.append(warning_line(alliances.path, alliance.line,
                                         f"alliance {alliance.atopid} has no rows in {members.path}: "
                                         "membership dates are the alliance's own"))
        model, codes, notes = alliance_model(alliance, rows, states, alliances.version, alliances.path,
                                             iso3=iso3_codes, member_file=members.path if members else None)
        warnings += notes
        models.append(model)
        if codes:
            unknown[model.id] = codes
    return AtopImport(tuple(models), tuple(warnings), unknown, unknown_columns, alliances.version,
                      members.version if members is not None else None)


# The alliance file's provision columns that become norms, conditions, threats and terms. Without one,
# every model would silently lack what it drives, so such a file is refused.
_MODEL_COLUMNS: dict[str, str] = {
    "defense": "defence obligations", "offense": "offence obligations", "neutral": "neutrality duties",
    "nonagg": "non-aggression prohibitions", "consul": "consultation obligations",
    "noothall": "no-other-alliance prohibitions", "ecaid": "economic obligations",
    "conditio": "conditions on obligations", "defcon": "conditions on defence", "offcon": "conditions on offence",
    "neucon": "conditions on neutrality", "concon": "conditions on consultation", "specthrt": "threat states",
    "statthr1": "threat states", "statthr2": "threat states", "speclgth": "terms", "length": "terms",
    "proren": "renewals", "renewlgt": "renewals",
}
# Obligations the member file may also code per member: a member file without the column leaves that
# obligation as the alliance file codes it, the same for every member (a warning says so).
_MEMBER_OBLIGATIONS: dict[str, str] = {
    "defense": "defence obligations", "offense": "offence obligations", "neutral": "neutrality duties",
    "nonagg": "non-aggression prohibitions", "consul": "consultation obligations",
}


def _require_model_columns(alliances: AtopFile[AtopAlliance]) -> None:
    missing = [name for name in _MODEL_COLUMNS if name not in alliances.known]
    if missing:
        lost = list(dict.fromkeys(_MODEL_COLUMNS[name] for name in missing))
        names = ", ".join(missing) if len(missing) <= 4 else ", ".join(missing[:3]) + f" and {len(missing) - 3} more"
        what = ", ".join(lost) if len(lost) <= 3 else ", ".join(lost[:2]) + " and more"
        raise FoedusError(f"missing provision column{'s' if len(missing) > 1 else ''} {names}: the models would "
                          f"lack their {what}", where=Location(alliances.path, 1),
                          expected="every alliance-level provision column that becomes norms, conditions, threats "
                          "or terms")


def _member_columns_warning(members: AtopFile[AtopMemberPhase]) -> list[str]:
    missing = [name for name in _MEMBER_OBLIGATIONS if name not in members.known]
    if not missing:
        return []
    kinds = ", ".join(_MEMBER_OBLIGATIONS[name] for name in missing)
    return [warning_line(members.path, 1, f"no column {', '.join(missing)} in the member file: {kinds} are "
                         "modelled as the alliance file codes them, the same for every member")]


def _iso3_table(states: StateSystem | None) -> dict[int, str]:
    """COW code → ISO3, only for codes that no other COW state shares (see the module docstring)."""
    if states is None:
        return {}
    shared = {code for codes in states.iso3_shared.values() for code in codes}
    out: dict[int, str] = {}
    for state in states:
        code = states.iso3(state.ccode)
        if code is not None and state.ccode not in shared:
            out[state.ccode] = code
    return out


def _member_file_warnings(alliances: AtopFile[AtopAlliance], members: AtopFile[AtopMemberPhase],
                          by_alliance: dict[int, list[AtopMemberPhase]]) -> list[str]:
    out: list[str] = _member_columns_warning(members)
    if alliances.version != members.version:
        out.append(warning_line(members.path, 1, f"the member file is ATOP version {members.version}, the alliance "
                                f"file {alliances.version}: membership dates come from another version"))
    out.append(warning_line(members.path, 1, "member-level provision codes (per member and phase) only tell "
                            "which members bear defense, offense, neutral, nonagg and consul where members differ; "
                            "the other member-level codes are not modelled"))
    known = {a.atopid for a in alliances}
    for atopid in sorted(set(by_alliance) - known):
        out.append(warning_line(members.path, by_alliance[atopid][0].line,
                                f"alliance {atopid} is not in {alliances.path}; its member rows are not used"))
    return out


# --- one alliance ---------------------------------------------------------------------------------------


def _months(n: int) -> str:
    if n % 12 == 0:
        return "1 year" if n == 12 else f"{n // 12} years"
    return "1 month" if n == 1 else f"{n} months"


def _party_id(code: int, states: StateSystem | None) -> str:
    return states.abb(code) if states is not None and code in states else f"COW{code}"


def _party_name(code: int, states: StateSystem | None) -> str:
    return states.name(code) if states is not None and code in states else f"COW state {code}"


def alliance_model(alliance: AtopAlliance, member_rows: Sequence[AtopMemberPhase] | None = None,
                   states: StateSystem | None = None, version: str | None = None, file: str = "ATOP",
                   *, iso3: dict[int, str] | None = None, member_file: str | None = None
                   ) -> tuple[Treaty, tuple[str, ...], list[str]]:
    """One alliance as a model: ``(model, unknown codes, warnings)`` (see the module docstring)."""
    warnings: list[str] = []
    unknown: list[str] = []
    facts: list[Fact] = []
    aid = alliance.atopid
    prov = alliance.provisions

    def warn(message: str) -> None:
        warnings.append(warning_line(file, alliance.line, message))

    def fact(fid: str, says: str) -> None:
        facts.append(Fact(id=f"atop-{fid}", says=says))

    begin = alliance.begin.earliest()
    end = alliance.end.earliest() if alliance.end is not None else None
    for what, partial in (("begin", alliance.begin), ("end", alliance.end)):
        if partial is not None and not partial.is_complete:
            fact(f"{what}-date", f"ATOP {what} date {partial} (day or month unknown): the model uses its first "
                 f"possible day, {partial.earliest()}")

    by_member: dict[int, list[AtopMemberPhase]] = defaultdict(list)
    for row in member_rows or ():
        by_member[row.member].append(row)
    parties = _parties(alliance, by_member, states, iso3 or {}, begin, end, warn, member_file)
    if alliance.bilat is not None and (alliance.bilat == 1) != (len(parties) == 2):
        warn(f"alliance {aid}: bilat is {alliance.bilat} but it has {len(parties)} members")

    for name in (*_BINARY, "ecaid", "length", "renewlgt"):
        value = prov.get(name)
        if value is None and name in prov:
            unknown.append(f"{name}=blank: not coded, nothing is mapped from it")
        elif value is not None and name in _BINARY and value not in (0, 1):
            unknown.append(f"{name}={value}: not a 0/1 code")
    lifecycle = _lifecycle(alliance, begin, end, unknown, warn, fact)
    threats = _threats(prov, unknown)
    readings: list[ReadingPoint] = []
    phases = _phases(member_rows or (), begin)
    instruments = [Instrument(id=_phase_id(ph), title=f"ATOP phase {ph.number}", kind="amendment",
                              in_force_on=ph.start, says=f"the alliance's obligations as ATOP codes them in phase "
                              f"{ph.number}, from {ph.start}") for ph in phases[1:]]
    runs = _member_obligations(alliance, parties, phases, threats, warn)
    norms = _norms(prov, threats, len(parties) == 2, readings, unknown, runs, parties, phases, states)
    _code_facts(alliance, unknown, fact)

    names = [p.name for p in parties]
    title = f"ATOP alliance {aid} ({alliance.begin.year}): " + ", ".join(names[:_TITLE_MEMBERS]) + (
        f" and {len(names) - _TITLE_MEMBERS} more" if len(names) > _TITLE_MEMBERS else "")
    try:
        model = Treaty(
            id=f"atop-{aid}", title=title, short_title=f"ATOP {aid}",
            source=SourceInfo(dataset="ATOP", dataset_id=str(aid), dataset_version=version, verbatim=False,
                              note=f"Imported from {Path(file).name}, line {alliance.line}; no treaty text."),
            parties=parties, readings=readings, lifecycle=lifecycle, instruments=instruments, norms=norms,
            facts=facts, articles=[])
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise FoedusError(f"alliance {aid} cannot be modelled: {str(exc).splitlines()[-1].strip()}",
                          where=Location(file, alliance.line), expected="at least two distinct members") from None
    return model, tuple(unknown), warnings


def _shown(value: int | None) -> str:
    """A code as messages and facts show it: a blank cell is ``blank``."""
    return "blank" if value is None else str(value)


def _code_facts(alliance: AtopAlliance, unknown: list[str], fact: Callable[[str, str], None]) -> None:
    """Every code and field of the row that the model does not show as structure (see the module docstring)."""
    zeros = []
    for name in PROVISION_COLUMNS:
        if name not in alliance.provisions:
            continue
        value = alliance.provisions[name]
        if value == 0:
            zeros.append(name)
        else:
            fact(name, f"{name}={_shown(value)}")
    if zeros:
        fact("zero-codes", "coded 0: " + ", ".join(zeros))
    fields: tuple[tuple[str, int | str | None], ...] = (
        ("cowid", alliance.cowid), ("cow4id", alliance.cow4id), ("ineffect", alliance.ineffect),
        ("bilat", alliance.bilat), ("maxphase", alliance.maxphase), ("wartime", alliance.wartime),
        ("source", alliance.source))
    for name, field_value in fields:
        if field_value is not None:
            fact(name, f"{name}={field_value}")
    for name, text in sorted(alliance.extra.items()):
        if text.strip():
            fact(f"column-{name}", f"{name}={text.strip()}")
    if unknown:
        fact("unknown-codes", "codes the import does not interpret: " + "; ".join(unknown))


def _parties(alliance: AtopAlliance, by_member: dict[int, list[AtopMemberPhase]], states: StateSystem | None,
             iso3: dict[int, str], begin: date, end: date | None, warn: Warn, member_file: str | None) -> list[Party]:
    parties: list[Party] = []
    seen: set[int] = set()
    for code in alliance.members:
        if code in seen:
            continue  # the reader warned about the repeated member
        seen.add(code)
        joined = left = None
        recorded: list[Spell] = []
        rows = by_member.get(code, [])
        if by_member and not rows:
            warn(f"member {code} of alliance {alliance.atopid} has no rows in {member_file}")
        spells = _member_spells(rows)
        if len(spells) == 1:
            first, last = spells[0]
            if first > begin:
                joined = first
            if last is not None and (end is None or last < end):
                left = last
        elif len(spells) > 1:
            recorded = [Spell(joined=start, left=stop) for start, stop in spells]
        parties.append(Party(id=_party_id(code, states), name=_party_name(code, states), cow=code,
                             iso3=iso3.get(code), joined=joined, left=left, spells=recorded))
    if by_member:
        for code in sorted(set(by_member) - seen):
            warn(f"member {code} of alliance {alliance.atopid} is in {member_file} but not in the alliance file's "
                 "member columns; it is not a party of the model")
    return parties


def _lifecycle(alliance: AtopAlliance, begin: date, end: date | None, unknown: list[str], warn: Warn,
               fact: Callable[[str, str], None]) -> Lifecycle:
    prov = alliance.provisions
    spec, length, proren, renewlgt = (prov.get(k) for k in ("speclgth", "length", "proren", "renewlgt"))
    term: str | None = None
    extension: str | None = None
    after_term = "expires"
    indefinite = False
    until: str | None = None
    if spec == 1 and length:
        term = _months(length)
    elif spec == 1:
        unknown.append(f"speclgth=1: a fixed term, but length is {_shown(length)}")
    elif spec == 2:
        until = "an event or condition that the ATOP alliance file does not name (speclgth=2)"
    elif spec == 3:
        indefinite = True
    elif spec != 0 and "speclgth" in prov:
        unknown.append(f"speclgth={_shown(spec)}: not a known duration code")
    if length and term is None:
        unknown.append(f"length={length}: a length with speclgth={spec}, not a fixed term")
    if proren == 2 and term is not None and renewlgt is not None and renewlgt > 0:
        extension = _months(renewlgt)
    elif proren == 2 and term is not None and renewlgt == 0:
        after_term = "continues"
    elif proren == 2:
        unknown.append(f"proren=2: renewal with renewlgt={_shown(renewlgt)}"
                       + ("" if term is not None else " and no fixed term") + " is not understood")
    elif proren == 0 or "proren" not in prov:
        if renewlgt:
            unknown.append(f"renewlgt={renewlgt}: a renewal length with proren=0 (no renewal)")
    else:
        unknown.append(f"proren={_shown(proren)}: not a known renewal code")
        if renewlgt:
            unknown.append(f"renewlgt={renewlgt}: not used, because proren is not understood")
    rounding = Rounding.REFUSE
    if term is not None and begin.day > 28:
        rounding = Rounding.DOWN
        fact("date-rounding", f"the term runs from day {begin.day}: a month without that day ends it on its last "
             "day (date_rounding: down, chosen by the import)")
    if term is not None and extension is None and after_term == "expires":
        expiry = add(begin, Duration.parse(term), rounding)  # never ambiguous: rounding is set above when it must be
        if end is None or end > expiry:
            after_term = "continues"
            recorded = f"ends on {end}" if end is not None else "is still in force at the end of the data"
            warn(f"alliance {alliance.atopid}: its term of {term} from {begin} ran out on {expiry}, but ATOP records "
                 f"that it {recorded}; modelled as continuing after its term")
            fact("prolonged", f"the stated term of {term} ran out on {expiry}; ATOP records that the alliance "
                 f"{recorded}, so the model lets it continue after its term (how is not coded; proren={proren})")
    return Lifecycle(entry_into_force="fixed_date", entry_into_force_on=begin, term=term, extension=extension,
                     after_term=after_term, indefinite=indefinite, until=until, ended_on=end,
                     date_rounding=rounding)


def _threats(prov: dict[str, int | None], unknown: list[str]) -> list[int]:
    threats: list[int] = []
    for name in ("statthr1", "statthr2"):
        value = prov.get(name)
        if value is None:
            if name in prov:
                unknown.append(f"{name}=blank: not coded")
        elif value > 0 and value not in threats:
            threats.append(value)
        elif value < 0:
            unknown.append(f"{name}={value}: not a COW code")
    specthrt = prov.get("specthrt")
    if specthrt is not None and specthrt not in (0, 1):
        unknown.append(f"specthrt={specthrt}: only 0 (no threat named) and 1 (a state named) are understood")
    elif specthrt is None and "specthrt" in prov:
        unknown.append("specthrt=blank: not coded")
    elif specthrt == 1 and not threats:
        unknown.append("specthrt=1: no threat state is coded")
    return threats


# --- obligations as the record of wars and disputes judges them ---------------------------------------

# The condition flags ATOP codes per member for each obligation, and the kind of condition each names.
_CONDITIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "defense": (("defcoadv", "adversary"), ("defcoloc", "location"), ("defcocon", "conflict"),
                ("defconum", "number"), ("defcodem", "demands"), ("defconpr", "provocation")),
    "offense": (("offcoadv", "adversary"), ("offcoloc", "location"), ("offcocon", "conflict"),
                ("offconum", "number"), ("offcodem", "demands")),
    "neutral": (("neucoadv", "adversary"), ("neucoloc", "location"), ("neucocon", "conflict"),
                ("neuconum", "number"), ("neucodem", "demands"), ("neuconpr", "provocation"),
                ("neucoatt", "attacked")),
    "consul": (("concoadv", "adversary"), ("concoloc", "location"), ("concocon", "conflict"),
               ("concoreq", "request")),
    "nonagg": (),
}
_FLAG_OF = {"defense": "defcon", "offense": "offcon", "neutral": "neucon", "consul": "concon"}
_CATEGORY = {"defense": "defence", "offense": "offence", "neutral": "neutrality", "consul": "consultation",
             "nonagg": "non_aggression"}

# What each condition kind means, and whether the record of wars and disputes can check it.
_CONDITION_WORDS = {
    "adversary": "only against a specific adversary",
    "location": "only if the war is fought in a specific place",
    "conflict": "only in a specific conflict",
    "number": "only against a certain number of adversaries",
    "demands": "only if the adversary did not comply with demands",
    "provocation": "only if the member did not provoke the attack",
    "attacked": "only if the member is attacked (on the side opposite the initiator)",
    "request": "consultation only if a member requests it",
}
_UNCHECKED = {
    "adversary": "ATOP names no adversary (statthr1/statthr2) for it",
    "location": "ATOP does not code which place, and the COW and MID files read here give none",
    "conflict": "ATOP does not code which conflict",
    "number": "ATOP does not code how many adversaries",
    "demands": "the record has no demands",
    "provocation": "the record does not say who provoked a war beyond who initiated it",
    "request": "the record has no requests for consultation",
}

@dataclass(frozen=True)
class _Record:
    """A kind of record a norm can speak: its joined and left event types, the attribute naming the conflict,
    the suffix of the norm id, the word for the conflict, and the part of a trigger that keeps it in scope."""

    joined: str
    left: str
    key: str
    suffix: str
    what: str
    scope: str | None


# COW wars, and MID disputes below the level of war (the disputes at level 5 are the wars, counted once).
_RECORDS = {
    "war": _Record("war_joined", "war_left", "war", "", "war", None),
    "dispute": _Record("dispute_joined", "dispute_left", "dispute", "-mid", "dispute",
                       "event.dispute_hostility <= 4 and (reading('conflicts') == 'disputes' or "
                       "event.dispute_hostility == 4)"),
}


@dataclass(frozen=True)
class _Terms:
    """The conditions on one obligation as a member row (or the alliance row) codes them: the kinds coded 1,
    and ``generic`` when the alliance row's flag (defcon …) says it is conditional without saying on what."""

    conditions: tuple[str, ...] = ()
    generic: bool = False


def _alliance_terms(variable: str, prov: dict[str, int | None], threats: list[int]) -> _Terms:
    """The alliance row's word on the conditions: a specific adversary when it names threat states,
    otherwise conditional on something the alliance file does not name."""
    if _FLAG_OF.get(variable) is None or prov.get(_FLAG_OF[variable]) != 1:
        return _Terms()
    return _Terms(("adversary",)) if threats else _Terms(generic=True)


def _row_terms(variable: str, row: AtopMemberPhase, fallback: _Terms) -> _Terms | None:
    """A member row's conditions on ``variable``: ``fallback`` (the alliance row's) when the member file has none
    of the flag columns; None when a flag is blank or not 0/1 (the row cannot tell)."""
    flags = _CONDITIONS[variable]
    if not any(flag in row.provisions for flag, _ in flags):
        return fallback
    values = [row.provisions.get(flag) for flag, _ in flags]
    if any(v not in (0, 1) for v in values):
        return None
    kinds = tuple(sorted(kind for (_, kind), v in zip(flags, values, strict=True) if v == 1))
    flag = _FLAG_OF.get(variable)
    return _Terms(kinds, generic=not kinds and flag is not None and row.provisions.get(flag) == 1)


def _reading_point(readings: list[ReadingPoint], point: ReadingPoint) -> None:
    if all(r.id != point.id for r in readings):
        readings.append(point)


def _condition_part(kind: str, category: str, names: list[str], threat_role: str,
                    readings: list[ReadingPoint], labels: dict[str, str] | None = None) -> tuple[str, str]:
    """The trigger part for one condition and its words (``labels``: a threat's name by ``cow:N``). A condition
    the record can check becomes a test on the event; one it cannot becomes a reading point (default
    ``unknown``: the trigger stays undetermined)."""
    if kind == "adversary" and names:
        listed = "[" + ", ".join(f"'{n}'" for n in names) + "]"
        shown = [(labels or {}).get(n, n) for n in names]
        return f"{listed} in event.{threat_role}", f"only against {' or '.join(shown)}"
    if kind == "attacked":
        return "event.against_initiator == true", _CONDITION_WORDS[kind]
    part = _unchecked_condition(readings, f"{kind}-condition",
                                f"ATOP codes an obligation as conditional {_CONDITION_WORDS[kind]}; "
                                f"{_UNCHECKED[kind]}. Is the condition met?",
                                "the condition is taken as met whenever the rest of the trigger holds")
    return part, f"{_CONDITION_WORDS[kind]} ({_UNCHECKED[kind]})"


def _condition_reading(category: str, readings: list[ReadingPoint]) -> str:
    """The trigger part of a conditional obligation whose condition ATOP does not name, with its reading point."""
    return _unchecked_condition(readings, f"{category}-condition",
                                f"ATOP codes the {category} obligation as conditional but the alliance file does "
                                "not say on what; is the condition met?",
                                "the condition is taken as met: the obligation applies to every attack")


def _unchecked_condition(readings: list[ReadingPoint], point: str, question: str, met: str) -> str:
    """A trigger part for a condition the record cannot check, and the reading point that decides it:
    undetermined by default, or taken as met."""
    _reading_point(readings, ReadingPoint(
        id=point, question=question,
        options={
            "unknown": ReadingOption(says="the record cannot tell: the trigger stays undetermined"),
            "met": ReadingOption(says=met),
        },
        default="unknown",
    ))
    return f"(reading('{point}') == 'met' or unknown)"


def _judging_points(readings: list[ReadingPoint], variables: set[str]) -> None:
    """The reading points that say what counts as honouring an obligation in a war or a dispute."""
    _reading_point(readings, ReadingPoint(
        id="conflicts",
        question="Which conflicts of the record invoke the alliance's obligations?",
        options={
            "wars": ReadingOption(says="inter-state wars (COW) only"),
            "force": ReadingOption(says="wars, and militarized disputes (MID) in which force was used short of war "
                                        "(highest hostility level 4)"),
            "disputes": ReadingOption(says="wars, and every militarized dispute short of war (threats, displays and "
                                           "uses of force: hostility levels 2-4)"),
        },
        default="wars",
    ))
    if variables & {"defense", "offense"}:
        _reading_point(readings, ReadingPoint(
            id="join-window",
            question="How long after the partner enters a war may the ally join it and still honour the obligation?",
            options={
                "war": ReadingOption(value=None, says="at any time while the obligation lasts (see late-entry)"),
                "30-days": ReadingOption(value="30 days", says="within 30 days of the partner's entry"),
                "90-days": ReadingOption(value="90 days", says="within 90 days of the partner's entry"),
                # Days, not "1 year": a year added to 29 February would need a rounding rule.
                "365-days": ReadingOption(value="365 days", says="within 365 days of the partner's entry"),
            },
            default="war",
        ))
        _reading_point(readings, ReadingPoint(
            id="late-entry",
            question="Does an ally that enters the war after the partner has left it (surrendered, made peace) "
                     "honour the obligation?",
            options={
                "not-counted": ReadingOption(
                    value={"attribute": "left_on", "latest": "left_latest",
                           "says": "the day the partner leaves the war"},
                    says="no: the ally must enter while the partner is at war"),
                "counted": ReadingOption(
                    value={"attribute": "ends_on", "latest": "ends_latest", "says": "the day the war ends"},
                    says="yes: entering the same war on the partner's side at any time before it ends counts"),
            },
            default="not-counted",
        ))
        _reading_point(readings, ReadingPoint(
            id="adversaries",
            question="Does an ally that joins the partner's side at war with some, but not all, of the partner's "
                     "adversaries honour the obligation?",
            options={
                "some": ReadingOption(says="yes: joining the partner's side against any of its adversaries counts"),
                "all": ReadingOption(says="no: the ally must be at war with every state the partner fought on "
                                          "entering the war"),
            },
            default="some",
        ))
    if "nonagg" in variables:
        _reading_point(readings, ReadingPoint(
            id="nonagg-fighting",
            question="Does a member that fights another member break its promise of non-aggression when it is "
                     "on the side opposite the initiator (it defends itself)?",
            options={
                "any": ReadingOption(says="yes: any fighting between members breaks it"),
                "aggressor": ReadingOption(says="no: only the member on the initiator's side breaks it"),
            },
            default="any",
        ))


def reliability_points() -> list[ReadingPoint]:
    """Every reading point an imported model may declare about the record: what counts as honouring (the
    judging points) and the conditions the record cannot check (``<kind>-condition``, ``<category>-condition``).
    A model declares those its norms use."""
    points: list[ReadingPoint] = []
    _judging_points(points, {"defense", "nonagg"})
    for kind in _UNCHECKED:
        _condition_part(kind, "defence", [], "targets", points)
    for category in ("defence", "offence", "neutrality", "consultation"):
        _condition_reading(category, points)
    return points


def _triggered(variable: str, record: str, terms: _Terms, names: list[str], readings: list[ReadingPoint],
               labels: dict[str, str] | None = None) -> Norm:
    """The norm for a triggered obligation (defence, offence, neutrality, consultation), as one record speaks it
    (wars or disputes). See the module docstring, "Obligations judged against the record"."""
    r = _RECORDS[record]
    category = _CATEGORY[variable]
    joined, key, what = r.joined, r.key, r.what
    plain = ["party(event.actor)"]
    if variable in ("defense", "consul"):
        plain.append("event.against_initiator == true")
    elif variable == "offense":
        plain.append("event.initiator == true")
    plain.append(OUTSIDE)
    if r.scope:
        plain.append(r.scope)
    role = "targets"
    words: list[str] = []
    parts: list[str] = []
    for kind in terms.conditions:
        part, said = _condition_part(kind, category, names, role, readings, labels)
        if part not in parts:
            parts.append(part)
            words.append(said)
    if terms.generic:
        parts.append(_condition_reading(category, readings))
        words.append("conditional; the alliance file does not say on what")
    when = " and ".join([*plain, *parts])
    conditional = f" Conditional (ATOP): {'; '.join(words)}." if words else ""
    same = f"event.{key} == trigger.{key}"
    norm: dict[str, Any] = {}
    if variable in ("defense", "offense"):
        summary = ({"defense": f"If a member is attacked — it enters a {what} on the side opposite the initiator — "
                               "the other members join it (ATOP defense=1).",
                    "offense": f"When a member initiates a {what}, the other members join it (ATOP offense=1)."}
                   [variable])
        norm = {
            "kind": "obligation", "silence": "violation",
            "content": "joining the member's side in the same " + what,
            "deadline": Deadline.model_validate({"within": {"reading": "join-window"},
                                                 "until": {"reading": "late-entry"}, "last_day_included": True}),
            "fulfilled_by": [
                ActPattern(on=joined, when=f"event.actor == counterparty and {same} and (bearer in event.allies or "
                                          "(bearer in event.allies_possible and unknown))",
                           says=f"the ally is already in the {what} on the partner's side when the partner enters it"),
                ActPattern(on=joined, when=f"event.actor == bearer and {same} and event.side == trigger.side and "
                                          "not (bearer in trigger.allies) and (reading('adversaries') == 'some' or "
                                          "includes_all(event.opponents, trigger.targets))",
                           says=f"the ally enters the {what} on the partner's side"),
            ],
            "violated_by": [
                ActPattern(on=joined, when=f"event.actor == counterparty and {same} and bearer in event.opponents",
                           says=f"the ally fights the partner in this {what}"),
            ],
        }
    elif variable == "neutral":
        summary = (f"When a member is in a {what}, the other members stay neutral: they do not fight it "
                   "(ATOP neutral=1).")
        norm = {
            "kind": "prohibition",
            "violated_by": [
                ActPattern(on=joined, when=f"event.actor == counterparty and {same} and bearer in event.opponents",
                           says=f"the ally fights the partner in this {what}"),
            ],
            "discharged_by": [
                ActPattern(on=r.left, when=f"event.actor == counterparty and {same}",
                           says=f"the partner leaves the {what}"),
            ],
        }
    else:
        summary = (f"When a member is attacked or threatened — it enters a {what} on the side opposite the "
                   "initiator — the members consult one another (ATOP consul=1: crisis-specific consultation).")
        norm = {
            "kind": "obligation", "silence": "undetermined", "crisis_specific": True,
            "content": "consultation with the member concerned",
            "deadline": Deadline.model_validate({"until": {"attribute": "left_on", "latest": "left_latest",
                                                           "says": "the day the partner leaves the " + what},
                                                 "last_day_included": True}),
            "fulfilled_by": [ActPattern(on="consultation_held", when="bearer in event.actors and counterparty in "
                                        "event.actors", says="the members consulted")],
        }
    in_disputes = " in disputes" if record == "dispute" else ""
    label = {"defense": "defence", "offense": "joining a member's offensive", "neutral": "neutrality",
             "consul": "consultation"}[variable] + in_disputes
    said = {"defense": f"a member enters a {what} on the side opposite the initiator",
            "offense": f"a member initiates a {what}",
            "neutral": f"a member enters a {what} against a state outside the alliance",
            "consul": f"a member enters a {what} on the side opposite the initiator"}[variable]
    if words:
        said += " (" + "; ".join(words) + ")"
    return Norm(id=f"atop-{variable}{r.suffix}", category=category, threat=names, summary=summary + conditional,
                label=label, trigger=Trigger(on=joined, when=when, bind={"party": "event.actor"}, says=said),
                bearer="others(party)",
                counterparty="party", applies_when="reading('conflicts') != 'wars'" if record == "dispute" else None,
                **norm)


def _nonaggression(record: str, bilateral: bool) -> Norm:
    """Members do not fight one another: a standing prohibition, broken when a member enters a war (or
    dispute) in which it fights another member (see the reading point ``nonagg-fighting``)."""
    r = _RECORDS[record]
    joined, what = r.joined, r.what
    scope = f" and {r.scope}" if r.scope else ""
    fights = f"event.actor == bearer and any_party(event.opponents){scope}"
    return Norm(
        id=f"atop-nonagg{r.suffix}", category="non_aggression", kind="prohibition",
        label="non-aggression" + (" in disputes" if record == "dispute" else ""),
        summary=f"Members do not attack one another (ATOP nonagg=1), judged on the {what}s of the record.",
        bearer="each party", counterparty="the other party" if bilateral else "the other parties",
        applies_when="reading('conflicts') != 'wars'" if record == "dispute" else None,
        violated_by=[ActPattern(
            on=joined, when=f"{fights} and (reading('nonagg-fighting') == 'any' or event.against_initiator == false)",
            says=f"the member fights another member in this {what}")],
        honoured_by=[ActPattern(
            on=joined, when=f"{fights} and reading('nonagg-fighting') == 'aggressor' and "
                            "event.against_initiator == true",
            says=f"the member fights another member in this {what} on the side opposite the initiator: it defends "
                 "itself")])


def _norms(prov: dict[str, int | None], threats: list[int], bilateral: bool, readings: list[ReadingPoint],
           unknown: list[str], runs: dict[str, list[_Run]] | None = None, parties: list[Party] | None = None,
           phases: list[_Phase] | None = None, states: StateSystem | None = None) -> list[Norm]:
    """The alliance's norms: each obligation coded 1, as the wars and the disputes of the record speak it —
    one norm per run of phases when the member rows code it (``runs``, under each run's conditions), else one
    under the alliance row's conditions. Then the standing provisions that do not speak the record (noothall,
    ecaid)."""
    names = [f"cow:{code}" for code in threats]
    labels = {f"cow:{code}": _party_name(code, states) for code in threats} if states is not None else {}
    norms: list[Norm] = []
    coded = {v for v in _OBLIGATIONS if prov.get(v) == 1}
    if coded:
        _judging_points(readings, coded)

    def made(variable: str, terms: _Terms) -> list[Norm]:
        if variable == "nonagg":
            return [_nonaggression(record, bilateral) for record in _RECORDS]
        return [_triggered(variable, record, terms, names, readings, labels) for record in _RECORDS]

    for variable in ("defense", "offense", "neutral", "nonagg", "consul"):
        if variable not in coded:
            continue
        if runs and variable in runs:
            assert parties is not None and phases is not None
            for run in runs[variable]:
                norms += [copy for norm in made(variable, run.terms)
                          if (copy := _phase_norms(norm, run, parties, phases)) is not None]
        else:
            norms += made(variable, _alliance_terms(variable, prov, threats))
    if prov.get("noothall") == 1:
        norms.append(Norm(
            id="atop-noothall", category="no_other_alliance", kind="prohibition", bearer="each party",
            label="no competing alliance",
            counterparty="the other party" if bilateral else "the other parties",
            summary="Members do not form alliances that compete with this one (ATOP noothall=1).",
            violated_by=[ActPattern(on=on, when="bearer in event.actors and any_party(event.directed_against)",
                                    says="an alliance directed against a member")
                         for on in ("alliance_concluded", "treaty_signed")]))
    ecaid = prov.get("ecaid")
    if ecaid is not None and ecaid > 0:
        norms.append(Norm(
            id="atop-ecaid", category="economic", kind="obligation", bearer="each party", label="economic aid",
            counterparty="the other party" if bilateral else "the other parties",
            summary=f"Members give economic aid or trade advantages to one another (ATOP ecaid={ecaid}).",
            honoured_by=[ActPattern(on="economic_agreement", when="bearer in event.actors",
                                    says="an economic agreement of the member")]))
    if prov.get("conditio") == 1 and not any(prov.get(f) == 1 for f in _CONDITION_FLAGS):
        unknown.append("conditio=1: no obligation is coded as conditional (defcon, offcon, neucon, concon all 0)")
    if threats and not any(n.threat for n in norms):
        for i, code in enumerate(threats):
            unknown.append(f"statthr{i + 1}={code}: a threat state with no obligation to attach it to")
    return norms


# --- member-specific obligations ----------------------------------------------------------------------



@dataclass(frozen=True)
class _Phase:
    """One ATOP phase: its number, the first day of its rows, and its rows."""

    number: int
    start: date
    rows: tuple[AtopMemberPhase, ...]


def _phases(rows: Sequence[AtopMemberPhase], begin: date) -> list[_Phase]:
    """The alliance's phases in date order (a phase starts on the earliest entry among its rows)."""
    by_number: dict[int, list[AtopMemberPhase]] = defaultdict(list)
    for row in rows:
        by_number[row.phase].append(row)
    phases = [_Phase(n, max(begin, min(r.entry.earliest() for r in rs)), tuple(rs)) for n, rs in by_number.items()]
    return sorted(phases, key=lambda ph: (ph.start, ph.number))


def _phase_id(phase: _Phase) -> str:
    return f"atop-phase-{phase.number}"


def _member_spells(rows: Sequence[AtopMemberPhase]) -> list[tuple[date, date | None]]:
    """A member's memberships: its rows in date order, joined where one ends the day before (or the day)
    the next begins — a phase boundary, not a gap. ``None``: not left by the end of the data."""
    spells: list[tuple[date, date | None]] = []
    for row in sorted(rows, key=lambda r: (r.entry.earliest(), r.phase, r.line)):
        start, stop = row.entry.earliest(), (row.exit.earliest() if row.exit is not None else None)
        if spells:
            last_start, last_stop = spells[-1]
            if last_stop is None or last_stop + timedelta(days=1) >= start:
                spells[-1] = (last_start, None if last_stop is None or stop is None else max(last_stop, stop))
                continue
        spells.append((start, stop))
    return spells


@dataclass(frozen=True)
class _Run:
    """Consecutive phases (indices ``first``..``last``) in which ``bearer`` bears an obligation under the
    conditions ``terms``; ``bearer`` None: every member present in those phases bears it so."""

    first: int
    last: int
    bearer: int | None
    exempt: tuple[int, ...] = ()  # members present in those phases that bear it in none of them
    terms: _Terms = _Terms()


_Code = tuple[int | None, "_Terms | None"]  # a member row's code for an obligation, and its conditions


def _phase_codes(phases: list[_Phase], variable: str, fallback: _Terms) -> list[dict[int, _Code]]:
    """Per phase, the code (and conditions) of each member present: its own row in the phase, or its latest
    earlier row when that membership is still open at the phase's start."""
    out: list[dict[int, _Code]] = []
    latest: dict[int, AtopMemberPhase] = {}
    terms: dict[int, _Terms | None] = {}  # by row line: a row's conditions, read once

    def code(row: AtopMemberPhase) -> _Code:
        if row.line not in terms:
            terms[row.line] = _row_terms(variable, row, fallback)
        return row.provisions.get(variable), terms[row.line]

    for ph in phases:
        codes = {m: code(row) for m, row in latest.items() if row.exit is None or row.exit.earliest() > ph.start}
        for row in sorted(ph.rows, key=lambda r: (r.entry.earliest(), r.line)):
            codes[row.member] = code(row)
            latest[row.member] = row
        out.append(codes)
    return out


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive indices as (first, last) runs."""
    out: list[tuple[int, int]] = []
    for i in indices:
        if out and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _member_obligations(alliance: AtopAlliance, parties: list[Party], phases: list[_Phase], threats: list[int],
                        warn: Warn) -> dict[str, list[_Run]]:
    """Per obligation variable, the runs of phases in which members bear it and under which conditions, for each
    of ``_OBLIGATIONS`` that the alliance codes 1 and whose member rows code it (and its condition flags) 0/1
    (see the module docstring). An obligation every member bears in every phase under the same conditions gives
    one run with no bearer."""
    out: dict[str, list[_Run]] = {}
    if not phases:
        return out
    for variable in _OBLIGATIONS:
        codes = _phase_codes(phases, variable, _alliance_terms(variable, alliance.provisions, threats))
        if not all(code in (0, 1) and (code == 0 or terms is not None) for c in codes for code, terms in c.values()):
            continue  # a blank or unknown code or condition flag: the rows cannot tell
        bearers = [{m: terms for m, (code, terms) in c.items() if code == 1} for c in codes]
        coded = alliance.provisions.get(variable)
        if coded != 1:
            ids = {p.cow: p.id for p in parties}
            bearing = [ids.get(m, f"COW{m}") for m in sorted(set().union(*bearers))]
            if bearing:
                warn(f"alliance {alliance.atopid}: the member rows code {variable}=1 for "
                     f"{', '.join(bearing)} but the alliance file codes {variable}={_shown(coded)}: no norm")
            continue
        if not any(bearers):
            warn(f"alliance {alliance.atopid}: the alliance file codes {variable}=1 but the member rows give it to "
                 "no member; every member bears it")
            continue
        alike = all(not b or (set(b) == set(c) and len(set(b.values())) == 1)
                    for b, c in zip(bearers, codes, strict=True))
        if alike:
            # Every member present bears it, under the same conditions, in each phase where anyone does.
            runs: list[_Run] = []
            for i, b in enumerate(bearers):
                if not b:
                    continue
                terms = next(iter(b.values()))
                assert terms is not None
                if runs and runs[-1].last == i - 1 and runs[-1].terms == terms:
                    runs[-1] = _Run(runs[-1].first, i, None, terms=terms)
                else:
                    runs.append(_Run(i, i, None, terms=terms))
            out[variable] = runs
            continue
        runs = []
        for member in sorted(set().union(*bearers)):
            held = [i for i, b in enumerate(bearers) if member in b]
            for first, last in _runs(held):
                start = first
                for i in range(first, last + 1):
                    if i == last or bearers[i + 1][member] != bearers[i][member]:
                        present = set().union(*(codes[j] for j in range(start, i + 1)))
                        anyone = set().union(*(bearers[j] for j in range(start, i + 1)))
                        terms = bearers[i][member]
                        assert terms is not None
                        runs.append(_Run(start, i, member, tuple(sorted(present - anyone)), terms))
                        start = i + 1
        out[variable] = runs
    return out


def _phase_norms(norm: Norm, run: _Run, parties: list[Party], phases: list[_Phase]) -> Norm | None:
    """``norm`` (made under the run's conditions) for one run of phases: in effect from the run's first phase
    (``introduced_by`` its instrument, none for the first phase) to the next phase that codes it otherwise
    (``ended_by``); borne by one member when the run names it (bearer its party id: a triggered copy does not
    fire for its own bearer, ``party != 'cow:<code>'``, as ``others(party)`` never names the member concerned).
    A run over every phase keeps the id without a phase suffix. None: a member the model does not have."""
    by_cow = {p.cow: p for p in parties}
    whole = run.first == 0 and run.last == len(phases) - 1
    span = "" if whole else (f" In ATOP phase {phases[run.first].number}" + (
        f" to {phases[run.last].number}" if run.last > run.first else "") + ".")
    timing: dict[str, Any] = {
        "introduced_by": _phase_id(phases[run.first]) if run.first > 0 else None,
        "ended_by": [_phase_id(phases[run.last + 1])] if run.last + 1 < len(phases) else []}
    suffix = "" if whole else f"-p{phases[run.first].number}"
    if not whole and norm.label:
        timing["label"] = f"{norm.label}, phase {phases[run.first].number}" + (
            f" to {phases[run.last].number}" if run.last > run.first else "")
    if run.bearer is None:
        return norm.model_copy(update={"id": f"{norm.id}{suffix}", "summary": norm.summary + span, **timing})
    party = by_cow.get(run.bearer)
    if party is None:
        return None  # warned about in _parties
    exempt = [by_cow[c].name for c in run.exempt if c in by_cow]
    update: dict[str, Any] = {
        "id": f"{norm.id}-{party.id}{suffix}", "bearer": party.id,
        "summary": f"{norm.summary}{span} ATOP member level: borne by {party.name}"
                   + (f", not by {', '.join(exempt)}" if exempt else "") + ".",
        **timing}
    if norm.trigger is not None:
        update["trigger"] = norm.trigger.model_copy(
            update={"when": f"{norm.trigger.when} and party != 'cow:{party.cow}'"})
    return norm.model_copy(update=update)
