"""The lifecycle rules: how each act or each passing of time moves the treaty and its parties.

Each rule is small and stands alone: on one kind of event (or one time-driven occasion), what the
treaty's clauses — or, where they are silent, general treaty law under a named reading — make of it.
The table ``RULES`` is what ``foedus rules`` prints and what the reference lists; the engine applies
the rules in date order and may do nothing else. Rules change the ledger only through its methods,
which move along the declared state machines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from foedus.compile.compiler import CompiledInstrument, WithdrawalRule
from foedus.dates import Duration, parse_iso
from foedus.evaluate import machines
from foedus.evaluate.ledger import (
    ONE_DAY,
    Ledger,
    OpenTerm,
    PendingNotice,
    TermInfo,
    Timer,
    _and_list,
    consent_met,
    required_count,
)
from foedus.evaluate.results import Notice, Term
from foedus.model.events import Event

Apply = Callable[[Ledger, Any], None]


@dataclass(frozen=True)
class Rule:
    id: str
    on: str  # an event type, or a time-driven occasion
    says: str  # the rule in plain words
    basis: str  # where it comes from: the treaty's clause, or general treaty law
    apply: Apply


RULES: list[Rule] = []


def rule(id: str, on: str | tuple[str, ...], says: str, basis: str) -> Callable[[Apply], Apply]:
    def register(fn: Apply) -> Apply:
        for kind in (on,) if isinstance(on, str) else on:
            RULES.append(Rule(id, kind, says, basis, fn))
        return fn
    return register


def apply_event(led: Ledger, e: Event) -> None:
    for r in _by_on().get(e.type, ()):
        r.apply(led, e)


# Timers whose rules move norm instances only, never the lifecycle.
NORMS_ONLY = frozenset({"deadline passes"})


def has_rule(kind: str) -> bool:
    """Whether some rule moves the lifecycle on this event type (or timer kind)."""
    return kind in _by_on()


def fire(led: Ledger, timer: Timer) -> None:
    for r in _by_on().get(timer.kind, ()):
        r.apply(led, timer)


_INDEX: dict[str, tuple[Rule, ...]] = {}


def _by_on() -> dict[str, tuple[Rule, ...]]:
    if not _INDEX:
        for r in RULES:
            _INDEX[r.on] = (*_INDEX.get(r.on, ()), r)
    return _INDEX


def start(led: Ledger, events: Sequence[Event]) -> None:
    """The dates the model itself records: its signature (unless the timeline records it), a fixed entry
    into force, members' recorded entries and exits, instruments with a recorded entry into force, a
    recorded end."""
    treaty, lc = led.ct.treaty, led.lc
    recorded = any(e.type == "signature" and e.treaty == led.ct.id and treaty.signed is not None
                   and e.date == treaty.signed.date for e in events)
    if treaty.signed is not None and not recorded:
        led.schedule(treaty.signed.date, "signature on record")
    if lc.entry_into_force == "fixed_date" and lc.entry_into_force_on is not None:
        led.schedule(lc.entry_into_force_on, "entry into force", ("in force from the recorded date", ()))
    for p in treaty.parties:
        for spell in p.recorded_spells():
            if spell.left is not None:
                led.schedule(spell.left, "party leaves", p.id)
    for ins in lc.instruments.values():
        if ins.instrument.in_force_on is not None:
            led.schedule(ins.instrument.in_force_on, "instrument in force", ins.id)
    if lc.ended_on is not None:
        led.schedule(lc.ended_on, "recorded end", ("ended on the recorded date", (), "recorded"))


# --- helpers ---------------------------------------------------------------------------------------------


def _name(led: Ledger, pid: str) -> str:
    return led.ct.registry.display(pid)


def _reading(led: Ledger, point: str) -> str:
    return led.ct.reading.as_dict().get(point, "")


def _as_date(value: Any, fallback: date) -> date:
    if isinstance(value, date):
        return value
    try:
        return parse_iso(str(value))
    except ValueError:
        return fallback


def _written(form: Any) -> bool:
    text = str(form).casefold()
    return any(word in text for word in ("writ", "note", "letter", "memorand", "telegra", "instrument"))


def _addressed(led: Ledger, to: Any, wanted: str) -> bool:
    got, want = str(to).casefold().strip(), wanted.casefold().strip()
    if want == "depositary":
        depositary = (led.lc.depositary or "").casefold()
        return "depositar" in got or (bool(depositary) and (got in depositary or depositary in got))
    if want in ("the other party", "the other parties", "parties"):
        return "part" in got or led.ct.registry.canonical(str(to)) in led.parties
    return got == want or got in want or want in got


def _regular(led: Ledger, e: Event, form: str, to: str | None, counts: str) -> tuple[date, tuple[str, ...], str | None]:
    """The date that counts for a notice, what the record leaves to presumption, and why it is not a
    valid notice (None when it is)."""
    assumed: list[str] = []
    counted = e.date
    if counts == "received":
        received = e.attributes.get("received_on")
        if received is None:
            assumed.append("received the day it was given (the record gives no date of receipt)")
        else:
            counted = _as_date(received, e.date)
    if form == "written":
        given = e.attributes.get("form")
        if given is None:
            assumed.append("given in writing (the record does not say)")
        elif not _written(given):
            return counted, tuple(assumed), f"not given in writing (the record says: {given}), as the clause requires"
    if to:
        addressed = e.attributes.get("to")
        if addressed is None:
            assumed.append(f"addressed to {to} (the record does not say)")
        elif not _addressed(led, addressed, to):
            return counted, tuple(assumed), f"addressed to {addressed}, not to {to} as the clause requires"
    return counted, tuple(assumed), None


def _not_bound_reason(led: Ledger, e: Event, what: str) -> str | None:
    """Why ``e``'s actor cannot perform ``what`` now (None when it can)."""
    p = led.party(e.actor)
    if p is None or (not p.history and not p.original):
        return f"{e.actor} is not a party"
    if led.eif is None or e.date < led.eif:
        return "the treaty was not in force"
    if not led.in_force:
        return "the treaty was no longer in force"
    if p.state == "notice given" and what in ("withdrawal", "notice"):
        return f"{e.actor} has already given notice"
    if not p.bound and p.state != "suspended":
        return f"{e.actor} is not bound by the treaty ({p.state})"
    return None


def _enter(led: Ledger, on: date, because: str, events: tuple[str, ...], bound: list[str]) -> None:
    """The treaty enters into force: the parties in ``bound`` are bound, the first term opens."""
    if led.eif is not None:
        return
    led.eif = on
    led.eif_scheduled = None
    led.move(on, "entry into force", because, events, led.lc.article)
    led.bind(bound, on, "entry into force", "bound from the treaty's entry into force", events, led.lc.article)
    term_start = on
    if led.values.term_from == "signature" and led.signed_on is not None:
        term_start = led.signed_on
    led.open_term(term_start, term_start, None)
    if led.values.term is not None and led.current is not None:
        led.first_expiry = led.current.expiry
    for p in led.ct.treaty.parties:
        for spell in p.recorded_spells():
            if spell.joined > on and (spell.left is None or spell.joined < spell.left):
                led.schedule(spell.joined, "party bound", (p.id, "a party from the recorded date", ()))


def _bound_at_entry(led: Ledger, on: date, candidates: list[str]) -> list[str]:
    """Of ``candidates``, those bound from the entry into force on ``on``: a party whose membership the
    record dates is bound only if a recorded spell covers that day (a later one waits for its date)."""
    spells = {p.id: p.recorded_spells() for p in led.ct.treaty.parties}
    out = []
    for pid in candidates:
        recorded = spells.get(pid)
        if recorded and not any(s.joined <= on and (s.left is None or on < s.left) for s in recorded):
            continue
        out.append(pid)
    return out


def _later_party(led: Ledger, pid: str, on: date, events: tuple[str, ...]) -> None:
    """A state whose instrument takes effect after the entry into force: bound on its deposit, or after
    the delay the clause states."""
    delay = led.lc.later_parties
    if delay is None:
        because = ("bound from the treaty's entry into force" if on == led.eif
                   else "bound from its deposit, the treaty being in force")
        led.bind([pid], on, "entry into force", because, events, led.lc.article)
    else:
        led.schedule(led.shift(on, delay), "party bound",
                     (pid, f"bound {delay} after its deposit, the treaty being in force", events))


def _check_entry(led: Ledger, e: Event) -> None:
    """After an instrument takes effect: does the treaty now enter into force, or bind a later party?"""
    if led.eif is not None:
        if led.in_force and e.actor is not None:
            p = led.party(e.actor)
            if p is not None and p.state == "consented":
                _later_party(led, e.actor, e.date, (e.id,))
        return
    if led.eif_scheduled is not None:
        return
    rule = led.lc.entry_into_force
    original = led.original()
    if rule == "ratification_by_all" and original and all(pid in led.ratifications for pid in original):
        events = tuple(led.ratification_events[pid] for pid in original)
        consented = [pid for pid, p in led.parties.items() if p.state == "consented"]
        _enter(led, e.date, "in force upon ratification by every party", events,
               _bound_at_entry(led, e.date, consented))
    elif rule == "deposit":
        deposited = list(dict.fromkeys(pid for _, pid, _ in led.instruments_deposited))
        # No treaty is in force between fewer states than it needs to remain in force.
        need = max(required_count(led.lc.instruments_required, len(original)), led.values.minimum_parties)
        if len(deposited) >= need:
            events = tuple(ev for _, _, ev in led.instruments_deposited)
            because = f"in force upon the deposit of the {_ordinal(need)} instrument"
            if led.lc.delay is not None:
                when = led.shift(e.date, led.lc.delay)
                led.eif_scheduled = when
                led.schedule(when, "entry into force", (f"in force {led.lc.delay} after the deposit of the "
                                                        f"{_ordinal(need)} instrument", events))
            else:
                consented = [pid for pid, p in led.parties.items() if p.state == "consented"]
                _enter(led, e.date, because, events, _bound_at_entry(led, e.date, consented))


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


# --- signature, consent and entry into force -------------------------------------------------------------


@rule("signature-on-record", "signature on record",
      "The date of signature the model records makes every negotiating state a signatory, when the timeline "
      "records no signature of its own.", "the treaty's final clause (signed:)")
def _signature_on_record(led: Ledger, timer: Timer) -> None:
    if led.state != "not signed":
        return
    place = led.signed_at
    led.signed_on = timer.date
    led.move(timer.date, "signature", f"signed at {place}" if place else "signed")
    for pid in led.original():
        led.move_party(pid, timer.date, "signature", "signed the treaty")
        led.parties[pid].signed_on = timer.date
    if led.lc.entry_into_force == "signature":
        _enter(led, timer.date, "in force upon signature", (), _bound_at_entry(led, timer.date, led.original()))


@rule("signature", "signature",
      "A state that signs becomes a signatory; the first signature makes the treaty signed. Under entry into "
      "force on signature, a state signing later is bound on its signature.", "the treaty's final clause; VCLT "
      "Art. 12")
def _signature(led: Ledger, e: Event) -> None:
    first = led.state == "not signed"
    if first:
        led.signed_on = e.date
        led.move(e.date, "signature", f"signed at {led.signed_at}" if led.signed_at else "signed", (e.id,))
    for pid in e.actors:
        p = led.party(pid) or led.join(pid, _name(led, pid))
        if led.move_party(pid, e.date, "signature", "signed the treaty", (e.id,)):
            p.signed_on = e.date
    if led.lc.entry_into_force == "signature":
        if led.eif is None:
            _enter(led, e.date, "in force upon signature", (e.id,) if not first else (),
                   _bound_at_entry(led, e.date, [pid for pid, p in led.parties.items() if p.state == "signatory"]))
        elif led.in_force:
            for pid in e.actors:
                if led.parties[pid].state == "signatory":
                    led.bind([pid], e.date, "entry into force", "bound from its signature", (e.id,), led.lc.article)


@rule("ratification", "ratification",
      "A signatory's instrument of ratification takes effect (deposited or exchanged): it has consented to be "
      "bound. The treaty enters into force when its rule is met; a state ratifying once it is in force is bound "
      "on its deposit, or as the clause on later parties says.", "the treaty's clause on entry into force; VCLT "
      "Arts 14, 16, 24")
def _ratification(led: Ledger, e: Event) -> None:
    actor = e.actors[0]
    p = led.party(actor)
    if p is None:
        led.invalid_act(e, f"{actor} is not a party to {led.ct.id}")
        return
    led.ratifications.setdefault(actor, e.date)
    led.ratification_events.setdefault(actor, e.id)
    led.instruments_deposited.append((e.date, actor, e.id))
    if led.move_party(actor, e.date, "ratification", "ratified the treaty", (e.id,), led.lc.article):
        p.consented_on, p.consent_event = e.date, e.id
    if led.state == "signed":
        led.move(e.date, "ratification", f"ratified by {actor}", (e.id,), led.lc.article)
    _check_entry(led, e)


@rule("accession", "accession",
      "A state accedes where the treaty is open to it (to any state, to named states, or on the invitation of "
      "all the parties); it is bound once the treaty is in force, on its deposit or as the clause says.",
      "the treaty's accession clause (lifecycle.accession); VCLT Art. 15")
def _accession(led: Ledger, e: Event) -> None:
    actor = e.actors[0]
    p = led.party(actor)
    if p is not None and (p.bound or p.state == "consented"):
        led.invalid_act(e, f"{actor} is already a party")
        return
    open_to = led.values.accession
    if open_to == "closed":
        led.invalid_act(e, "the treaty is not open to accession")
        return
    if isinstance(open_to, tuple):
        allowed = {led.ct.registry.canonical(x) or x for x in open_to}
        if actor not in allowed:
            led.invalid_act(e, "the treaty is open to accession only by " + _and_list(list(open_to)))
            return
    if open_to == "invited":
        agreed = set(led.invitations.get(actor, set()))
        agreed.update(str(x) for x in (e.attributes.get("agreed_by") or []))
        # Parties bound only since today (an accession the same day) need not have invited it.
        missing = [pid for pid in led.bound() if pid not in agreed
                   and (led.parties[pid].bound_from or e.date) < e.date]
        if missing:
            led.invalid_act(e, f"{actor} was not invited by all the parties (not by {_and_list(missing)})")
            return
    condition = led.lc.accession_condition
    if condition is not None:
        from foedus.compile.conditions import Context

        verdict = condition(Context(date=e.date, facts=led.facts, parties=tuple(led.bound()),
                                    reading=led.ct.reading.as_dict(), event=e))
        if verdict is not True:
            said = led.ct.treaty.lifecycle.accession_condition
            led.invalid_act(e, f"{actor}'s accession is not admitted: "
                            + (f"the record cannot tell whether it is {said.says}" if verdict is None and said
                               else (said.says if said else "it does not meet the condition")))
            return
    p = p or led.join(actor, _name(led, actor))
    led.instruments_deposited.append((e.date, actor, e.id))
    if led.move_party(actor, e.date, "accession", "acceded to the treaty", (e.id,), led.lc.article):
        p.consented_on, p.consent_event = e.date, e.id
    if led.state == "signed":
        led.move(e.date, "ratification", f"acceded to by {actor}", (e.id,), led.lc.article)
    _check_entry(led, e)


@rule("invitation", "invitation", "Parties invite a state to accede; the invitation is recorded for the "
      "accession rule.", "the treaty's accession clause")
def _invitation(led: Ledger, e: Event) -> None:
    for target in e.targets:
        led.invitations.setdefault(target, set()).update(e.actors)


@rule("exchange", "exchange_of_instruments",
      "The exchange of instruments of ratification is recorded; where the treaty enters into force on the "
      "exchange, it does so then, for the states that exchange them.", "the treaty's clause on entry into force")
def _exchange(led: Ledger, e: Event) -> None:
    if led.exchange is None:
        led.exchange = e
    if led.lc.entry_into_force == "exchange_of_instruments" and led.eif is None:
        parties = [pid for pid in e.actors if pid in led.parties]
        consented = [pid for pid, p in led.parties.items() if p.state == "consented"]
        _enter(led, e.date, "in force upon the exchange of instruments", (e.id,),
               _bound_at_entry(led, e.date, list(dict.fromkeys([*parties, *consented]))))


@rule("entry-into-force-on-its-date", "entry into force",
      "A treaty whose entry into force falls on a date (a fixed date, or a delay after the rule is met) enters "
      "into force that day, for the states then consenting.", "the treaty's clause on entry into force")
def _entry_timer(led: Ledger, timer: Timer) -> None:
    because, events = timer.payload
    if led.lc.entry_into_force == "fixed_date":
        candidates = [pid for pid in led.original() if led.parties[pid].state in ("not a party", "signatory",
                                                                                  "consented")]
    else:
        candidates = [pid for pid, p in led.parties.items() if p.state == "consented"]
    _enter(led, timer.date, because, events, _bound_at_entry(led, timer.date, candidates))


@rule("later-party-bound", "party bound",
      "A party whose entry is recorded later, or who is bound some time after its deposit, becomes bound on "
      "that day, the treaty being in force.", "the treaty's clause on later parties; the record")
def _party_bound(led: Ledger, timer: Timer) -> None:
    pid, because, events = timer.payload
    if not led.in_force:
        return
    when = "rejoining" if led.parties[pid].state == "withdrawn" else "entry into force"
    led.bind([pid], timer.date, when, because, events, led.lc.article)


# --- terms, extensions and notices -----------------------------------------------------------------------


@rule("notice-deadline-passes", "notice deadline passes",
      "When the notice deadline of a term passes with no timely notice that stops the extension, the next "
      "extension is certain from that day.", "the treaty's notice clause (lifecycle.notice)")
def _deadline_passes(led: Ledger, timer: Timer) -> None:
    cur = led.current
    if cur is None or timer.payload != cur.token or not led.in_force:
        return
    projected = led.projected_end()
    if projected is not None and cur.term.end is not None and projected[0] <= cur.term.end:
        return
    led.fix_extension(timer.date)


@rule("term-ends", "term ends",
      "At the end of a term: parties whose timely notice counts for it leave; if that leaves fewer parties than "
      "the treaty needs (or the notice ends it for all), or no extension is provided or permitted, the treaty "
      "expires; after a term with `after_term: continues` it goes on with no fixed end; otherwise it is "
      "extended for the parties that remain. Each is a change of term (first term → first extension → second …); "
      "the first extension also moves the treaty from in force to in force (extended).",
      "the treaty's clauses on term, extension and notice")
def _term_ends(led: Ledger, timer: Timer) -> None:
    cur = led.current
    if cur is None or timer.payload != cur.token or not led.in_force:
        return
    v = led.values
    term = cur.term
    on = term.end or timer.date
    article = v.notice.article if v.notice else led.lc.notice_article
    leaving = sorted((p.notice for p in led.parties.values() if p.notice is not None
                      and p.notice.kind == "denunciation" and p.notice.term == term.number),
                     key=lambda n: (n.event.date, n.event.id))
    stays = [pid for pid in led.bound_or_suspended() if pid not in {n.party for n in leaving}]
    if leaving and ((v.notice is not None and v.notice.effect == "treaty_ends") or len(stays) < v.minimum_parties):
        first = leaving[0]
        led.end_of_term(on, f"timely notice by {first.party}", (first.event.id,), "notice", article)
        return
    for n in leaving:
        led.unbind(n.party, on, "leaving", "its notice of denunciation took effect at the end of the term",
                   (n.event.id,), article)
    if not led.in_force:
        return
    if not led.can_extend(term.number):
        if v.after_term == "continues" and v.extension is None:
            token = next(led.tokens)
            open_term = Term(term.number + 1, on, None, None)
            led.terms.append(open_term)
            led.term_info.append(TermInfo(open_term.number, None, None, None))
            led.current = OpenTerm(open_term, None, token, led.term_info[-1])
            led.change_term(on, term.number, "the term ends; the treaty goes on with no fixed end", (), article)
            return
        reason = ("the term ends and no extension is provided" if v.extension is None
                  else "the last permitted extension ends")
        led.end_of_term(on, reason, (), "expiry", article)
        return
    assert cur.expiry is not None and v.extension is not None
    expiry = led.shift(cur.expiry, v.extension)
    end = expiry + ONE_DAY if led.lc.in_force_on_expiry_date else expiry
    because = f"no timely notice before {term.notice_deadline}: extended to {end}"
    # The first extension changes the treaty's state (in force → in force (extended)); every extension
    # changes its term. A further extension leaves the state as it is: only the term changes.
    if machines.TREATY.can(led.state, "tacit extension"):
        led.move(on, "tacit extension", because, (), article)
    fixed = led.extension_fixed_since
    led._open_with_expiry(term.number + 1, on, expiry, None, fixed, next(led.tokens))
    led.change_term(on, term.number, because, (), article)
    for pid, notice in list(led.carried.items()):
        if notice.term == term.number + 1:
            led.parties[pid].notice = notice
            del led.carried[pid]


@rule("notice-of-denunciation", "notice_of_denunciation",
      "A party bound by the treaty may give notice, in the form and to the addressee the clause states, within "
      "its window before the end of the current term: a timely notice takes it out at the end of the term (the "
      "treaty ends if too few parties remain, or if the clause says the notice ends it for all); a late notice "
      "has no effect, or counts for the next term, as the clause (or its reading) says.",
      "the treaty's notice clause (lifecycle.notice)")
def _denunciation(led: Ledger, e: Event) -> None:
    actor = e.actors[0]
    v = led.values
    article = v.notice.article if v.notice else led.lc.notice_article

    def reject(reason: str, effect: str) -> None:
        led.invalid_act(e, reason, article)
        led.notices.append(Notice(e.id, e.date, actor, "invalid", effect, None))

    p = led.party(actor)
    if p is None or (not p.history and not p.original):
        reject(f"{actor} is not a party: only a party holds the power to give notice", "rejected: not a party")
        return
    if led.eif is None or e.date < led.eif:
        reject("notice given before the treaty entered into force", "rejected: the treaty was not in force")
        return
    if not led.in_force:
        reject("notice given after the treaty ended", "rejected: the treaty was no longer in force")
        return
    if v.notice is None:
        reject("the treaty provides for no such notice", "rejected: no notice clause")
        return
    if not p.bound and p.state != "suspended":
        reject(f"{actor} is not bound by the treaty ({p.state})", "rejected: not bound")
        return
    counted, assumed, bad = _regular(led, e, v.notice.form, v.notice.to, v.notice.counts)
    if bad is not None:
        reject(bad, f"rejected: {bad}")
        return
    cur = led.current
    if cur is None or cur.expiry is None or cur.term.notice_deadline is None:
        reject("the current term has no fixed end: no notice of denunciation is due", "rejected: no fixed term")
        return
    term, deadline = cur.term, cur.term.notice_deadline
    if counted >= cur.expiry and led.can_extend(term.number):
        # In force on its expiry date: a notice given that day counts for the next term.
        led.fix_extension(counted)
        nxt = led.next_term
        if nxt is not None and nxt.end is not None and nxt.notice_deadline is not None:
            next_expiry = nxt.end - ONE_DAY if led.lc.in_force_on_expiry_date else nxt.end
            if counted <= nxt.notice_deadline if v.notice.inclusive else counted < nxt.notice_deadline:
                led.carried[actor] = PendingNotice(e, actor, "denunciation", nxt.number)
                led.move_party(actor, e.date, "notice", "gave timely notice of denunciation for the next term",
                               (e.id,), article)
                led.notices.append(Notice(e.id, e.date, actor, "timely", "prevents extension: the treaty expires "
                                          f"on {next_expiry}", nxt.number, "denunciation", assumed))
            else:
                led.notices.append(Notice(e.id, e.date, actor, "late", f"given after the deadline "
                                          f"{nxt.notice_deadline}: no effect", nxt.number, "denunciation", assumed))
            return
    opens = cur.info.notice_opens
    if opens is not None and counted < opens:
        reject(f"notice given before its window opens on {opens}", f"rejected: too early; the window opens on {opens}")
        return
    timely = counted <= deadline if v.notice.inclusive else counted < deadline
    if timely:
        pending = [n for n in led.pending_notices() if n.kind == "denunciation" and n.term == term.number]
        ends_already = bool(pending) and led.projected_end() is not None
        p.notice = PendingNotice(e, actor, "denunciation", term.number)
        stays = [pid for pid in led.bound_or_suspended() if pid != actor and pid not in {n.party for n in pending}]
        if ends_already:
            effect = "a further notice; the treaty already ends"
        elif v.notice.effect == "treaty_ends" or len(stays) < v.minimum_parties:
            effect = f"prevents extension: the treaty expires on {cur.expiry}"
        else:
            effect = f"{actor} leaves the treaty at the end of the term, on {term.end}"
        led.move_party(actor, e.date, "notice", "gave timely notice of denunciation", (e.id,), article)
        led.notices.append(Notice(e.id, e.date, actor, "timely", effect, term.number, "denunciation", assumed))
        return
    if v.notice.late == "withdrawal" and v.withdrawal is not None and term.end is not None:
        # A late notice takes effect as a withdrawal: the clause's time after the notice, never before the
        # term ends.
        effective = max(led.shift(counted, v.withdrawal.notice), term.end)
        p.notice = PendingNotice(e, actor, "withdrawal", effective=effective)
        led.move_party(actor, e.date, "notice", f"gave notice after the deadline {deadline}: it takes effect as a "
                       f"withdrawal on {effective}", (e.id,), article)
        led.notices.append(Notice(e.id, e.date, actor, "late", f"given after the deadline {deadline}: {actor} "
                                  f"ceases to be bound on {effective}", term.number, "denunciation", assumed))
        led.schedule(effective, "withdrawal takes effect", (actor, e.id))
        return
    if v.notice.late in ("lapses", "withdrawal") or not led.can_extend(term.number):
        led.notices.append(Notice(e.id, e.date, actor, "late", f"given after the deadline {deadline}: no effect",
                                  term.number, "denunciation", assumed))
        return
    led.notices.append(Notice(e.id, e.date, actor, "late", f"given after the deadline {deadline}: the treaty is "
                              "extended; the notice counts for the next term", term.number, "denunciation", assumed))
    led.fix_extension(deadline + ONE_DAY if v.notice.inclusive else deadline)
    nxt = led.next_term
    if nxt is None or nxt.end is None or nxt.notice_deadline is None:
        return
    # The notice counts for the first later term whose deadline it meets (a notice period longer than an
    # extension can let it miss several): late for each term before that one.
    number, expiry, next_deadline = nxt.number, nxt.end - ONE_DAY if led.lc.in_force_on_expiry_date else nxt.end, \
        nxt.notice_deadline
    while not (counted <= next_deadline if v.notice.inclusive else counted < next_deadline):
        if not led.can_extend(number) or number - term.number > 400:
            return  # no later term it can stop: the notice stays late, without effect
        led.notices.append(Notice(e.id, e.date, actor, "late", f"given after the deadline {next_deadline}: the "
                                  "treaty is extended again; the notice counts for a later term", number,
                                  "denunciation", assumed))
        assert v.extension is not None
        expiry = led.shift(expiry, v.extension)
        next_deadline = led.shift(expiry, v.notice.period, minus=True)
        number += 1
    end = expiry + ONE_DAY if led.lc.in_force_on_expiry_date else expiry
    led.carried[actor] = PendingNotice(e, actor, "denunciation", number, effective=end)
    led.move_party(actor, e.date, "notice", "gave notice of denunciation, late for this term", (e.id,), article)
    led.notices.append(Notice(e.id, e.date, actor, "timely", f"prevents extension: the treaty expires on {expiry}",
                              number, "denunciation", assumed))


# --- leaving ---------------------------------------------------------------------------------------------


def _implied_withdrawal(led: Ledger) -> WithdrawalRule | None:
    if _reading(led, "implied-withdrawal") != "twelve-months":
        return None
    return WithdrawalRule(notice=Duration(months=12), opens="entry_into_force", form="any", to=None,
                          counts="sent", article=led.lc.article)


@rule("withdrawal", "withdrawal",
      "A party bound by the treaty may withdraw by notice where the treaty allows it, from the date its clause "
      "opens withdrawal; it ceases to be bound the stated time after the notice (the treaty ends if too few "
      "parties remain). With no withdrawal clause, general law decides (reading implied-withdrawal).",
      "the treaty's withdrawal clause (lifecycle.withdrawal); VCLT Arts 54, 56")
def _withdrawal(led: Ledger, e: Event) -> None:
    actor = e.actors[0]
    w = led.values.withdrawal
    article = w.article if w else led.lc.article

    def reject(reason: str) -> None:
        led.invalid_act(e, reason, article)
        led.notices.append(Notice(e.id, e.date, actor, "invalid", f"rejected: {reason}", None, "withdrawal"))

    why = _not_bound_reason(led, e, "withdrawal")
    if why is not None:
        reject(why)
        return
    general = False
    if w is None:
        w = _implied_withdrawal(led)
        general = True
        if w is None:
            reject("the treaty has no withdrawal clause: a withdrawal is not admitted "
                   "(reading implied-withdrawal=refused)")
            return
    counted, assumed, bad = _regular(led, e, w.form, w.to, w.counts)
    if bad is not None:
        reject(bad)
        return
    assert led.eif is not None
    if w.opens == "term" and led.first_expiry is not None and counted < led.first_expiry:
        reject(f"withdrawal before the term of {led.lc.terms.term} ran out on {led.first_expiry}")
        return
    if isinstance(w.opens, Duration):
        opens = led.shift(led.eif, w.opens)
        if counted < opens:
            reject(f"withdrawal before {opens}, when the clause first allows it")
            return
    effective = led.shift(counted, w.notice)
    stated = e.attributes.get("effective_on")
    if stated is not None:
        # A notice may set a later date of effect than the clause's minimum, never an earlier one.
        effective = max(effective, _as_date(stated, effective))
    p = led.parties[actor]
    p.notice = PendingNotice(e, actor, "withdrawal", effective=effective)
    basis = " under general law (reading implied-withdrawal=twelve-months)" if general else ""
    led.move_party(actor, e.date, "notice", f"gave notice of withdrawal{basis}, effective {effective}", (e.id,),
                   article)
    led.notices.append(Notice(e.id, e.date, actor, "valid", f"{actor} ceases to be bound on {effective}", None,
                              "withdrawal", assumed))
    led.schedule(effective, "withdrawal takes effect", (actor, e.id))


@rule("withdrawal-takes-effect", "withdrawal takes effect",
      "On the day a withdrawal takes effect the party ceases to be bound; the treaty ends if fewer parties "
      "remain than it needs.", "the treaty's withdrawal clause; VCLT Art. 55")
def _withdrawal_effect(led: Ledger, timer: Timer) -> None:
    actor, event_id = timer.payload
    p = led.parties[actor]
    if p.notice is None or p.notice.kind != "withdrawal" or p.notice.event.id != event_id:
        return
    w = led.values.withdrawal
    led.unbind(actor, timer.date, "leaving", f"{actor} withdrew", (event_id,), w.article if w else led.lc.article,
               kind="withdrawal")


@rule("recorded-exit", "party leaves",
      "A member whose exit the record dates ceases to be bound that day.", "the record (imported models)")
def _recorded_exit(led: Ledger, timer: Timer) -> None:
    pid = timer.payload
    if pid in led.parties and led.parties[pid].bound:
        led.unbind(pid, timer.date, "leaving", f"{pid} left on the recorded date", (), led.lc.article,
                   kind="recorded")


def _breach_on_record(led: Ledger, e: Event) -> str | None:
    """A breach of the treaty by the party accused (the targets; else any other party) before ``e``."""
    if led.book is None:
        return None
    accused = list(e.targets) or [pid for pid in led.parties if pid != e.actor]
    return led.book.breach_before(accused, e.date)


@rule("abrogation", "abrogation",
      "A party's unilateral abrogation is an act outside the treaty's clauses. For material breach by another "
      "party, on record before the act, it ends a bilateral treaty or takes the party out of a multilateral one "
      "(reading material-breach). Otherwise whether it ends the treaty is a reading (unilateral-abrogation): "
      "effective, as happened, or invalid in law.", "general treaty law: VCLT Arts 42, 60, 65-67")
def _abrogation(led: Ledger, e: Event) -> None:
    actor = e.actors[0]
    why = _not_bound_reason(led, e, "abrogation")
    if why is not None:
        led.invalid_act(e, why)
        return
    breach = None
    if e.attributes.get("ground") == "material_breach" and _reading(led, "material-breach") == "ground":
        breach = _breach_on_record(led, e)
    if breach is not None:
        because, kind, outside = f"terminated by {actor} for material breach ({breach})", "material breach", False
    elif _reading(led, "unilateral-abrogation") == "invalid":
        led.invalid_act(e, f"{actor}'s abrogation has no basis in the treaty's clauses: under the reading "
                        "unilateral-abrogation=invalid it has no effect in law")
        return
    else:
        because, kind, outside = f"abrogated by {actor}, outside the treaty's clauses", "abrogation", True
    stays = [pid for pid in led.bound_or_suspended() if pid != actor]
    if len(stays) < led.values.minimum_parties:
        led.day_end.append(lambda: led.end(e.date, "termination", because, (e.id,), kind, led.lc.article, outside))
    else:
        led.day_end.append(lambda: led.unbind(actor, e.date, "leaving", because, (e.id,), led.lc.article,
                                              kind=kind))


@rule("termination-by-agreement", "termination_by_agreement",
      "The treaty ends at any time by the consent of all the parties bound by it; the agreement of fewer is an "
      "invalid act.", "VCLT Art. 54")
def _termination(led: Ledger, e: Event) -> None:
    if led.eif is None or e.date < led.eif or not led.in_force:
        led.invalid_act(e, "the treaty was not in force")
        return
    missing = [pid for pid in led.bound_or_suspended() if pid not in e.actors]
    if missing:
        led.invalid_act(e, f"termination agreed by {_and_list(list(e.actors))} only: it needs the consent of every "
                        f"party (also {_and_list(missing)})")
        return
    stated = e.attributes.get("effective_on")
    effective = _as_date(stated, e.date) if stated is not None else e.date
    if effective > e.date:
        # Agreed now, to take effect on a later day: the end is certain from today.
        because = f"terminated by agreement (agreed on {e.date})"
        led.scheduled_end = (effective, because, (e.id,), "agreement")
        led.schedule(effective, "recorded end", (because, (e.id,), "agreement"))
        return
    led.day_end.append(lambda: led.end(e.date, "termination", "terminated by agreement", (e.id,), "agreement",
                                       led.lc.article))


@rule("supersession", ("supersession", "treaty_in_force"),
      "A later treaty between all the parties that replaces this one ends it on its own entry into force; one "
      "that does not bind every party cannot.", "VCLT Art. 59; the later treaty's model (supersedes:)")
def _supersession(led: Ledger, e: Event) -> None:
    if e.type == "treaty_in_force":
        replaced = e.attributes.get("replaces")
        names = replaced if isinstance(replaced, list) else [replaced] if replaced else []
        if led.ct.id not in [str(n) for n in names]:
            return
        by = e.treaty or e.id
    else:
        by = str(e.attributes.get("by") or "a later treaty")
    if not led.in_force:
        if e.type == "supersession":
            led.invalid_act(e, "the treaty was not in force")
        return
    missing = [pid for pid in led.bound_or_suspended() if pid not in e.actors]
    if missing:
        led.invalid_act(e, f"{by} does not bind every party (not {_and_list(missing)}): it cannot supersede the "
                        "treaty between them")
        return
    led.day_end.append(lambda: led.end(e.date, "termination", f"superseded by {by}", (e.id,), "supersession",
                                       led.lc.article))


@rule("suspension", "suspension",
      "All the parties may suspend the treaty's operation; a party may suspend its own participation for "
      "material breach on record, otherwise only as an act outside the clauses (reading unilateral-abrogation).",
      "VCLT Arts 57, 60")
def _suspension(led: Ledger, e: Event) -> None:
    if not led.in_force or led.eif is None or e.date < led.eif:
        led.invalid_act(e, "the treaty was not in force")
        return
    bound = led.bound()
    if bound and all(pid in e.actors for pid in bound) and led.state != "suspended":
        def suspend_all() -> None:
            led.move(e.date, "suspension", "suspended by all the parties", (e.id,), led.lc.article)
            for pid in bound:
                _suspend_party(led, pid, e, "the treaty is suspended")
        led.day_end.append(suspend_all)
        return
    actors = [pid for pid in e.actors if pid in bound]
    if not actors:
        led.invalid_act(e, "no party bound by the treaty suspends it")
        return
    breach = None
    if e.attributes.get("ground") == "material_breach" and _reading(led, "material-breach") == "ground":
        breach = _breach_on_record(led, e)
    if breach is None and _reading(led, "unilateral-abrogation") == "invalid":
        led.invalid_act(e, "a unilateral suspension has no basis in the treaty's clauses: under the reading "
                        "unilateral-abrogation=invalid it has no effect in law")
        return
    because = f"suspended its participation for material breach ({breach})" if breach else \
        "suspended its participation, outside the treaty's clauses"
    def suspend_own() -> None:
        for pid in actors:
            _suspend_party(led, pid, e, because)
    led.day_end.append(suspend_own)


def _suspend_party(led: Ledger, pid: str, e: Event, because: str) -> None:
    if led.move_party(pid, e.date, "suspension", because, (e.id,), led.lc.article):
        led.parties[pid].suspended_since = e.date
        if led.book is not None:
            led.book.party_suspended(pid, e.date, because, (e.id,))


@rule("resumption", "resumption",
      "Parties resume the operation of a suspended treaty, or their own participation.", "VCLT Art. 72")
def _resumption(led: Ledger, e: Event) -> None:
    if led.state == "suspended":
        suspended = [pid for pid, p in led.parties.items() if p.state == "suspended"]
        if any(pid not in e.actors for pid in suspended):
            led.invalid_act(e, "the treaty's operation resumes only by all the parties")
            return
        led.move(e.date, "resumption", "the parties resumed the treaty's operation", (e.id,), led.lc.article)
        targets = suspended
    else:
        targets = [pid for pid in e.actors if pid in led.parties and led.parties[pid].state == "suspended"]
        if not targets:
            led.invalid_act(e, "nothing is suspended")
            return
    for pid in targets:
        if led.move_party(pid, e.date, "resumption", "its participation resumed", (e.id,), led.lc.article):
            led.parties[pid].suspended_since = None
            if led.book is not None:
                led.book.party_resumed(pid, e.date, (e.id,))


# --- states that change ----------------------------------------------------------------------------------


@rule("extinction", "state_extinction",
      "A party that ceases to exist is no longer bound; the treaty ends if too few parties remain.",
      "general international law; Vienna Convention on Succession of States in respect of Treaties (1978)")
def _extinction(led: Ledger, e: Event) -> None:
    pid = e.actors[0]
    p = led.party(pid)
    if p is None or p.state in ("ceased to exist", "succeeded", "withdrawn", "no longer bound"):
        return
    led.day_end.append(lambda: led.unbind(pid, e.date, "extinction", f"{_name(led, pid)} ceased to exist", (e.id,),
                                          led.lc.article, kind="extinction"))


@rule("succession", "state_succession",
      "A continuing state (as Russia for the USSR) takes its predecessor's place as a party from that day; "
      "another successor becomes bound only when it notifies its succession.",
      "Vienna Convention on Succession of States in respect of Treaties (1978), Art. 34; practice")
def _succession(led: Ledger, e: Event) -> None:
    successor, predecessor = e.actors[0], e.targets[0]
    p = led.party(predecessor)
    if p is None or not (p.bound or p.state == "suspended"):
        return
    if e.attributes.get("continuing") is True:
        def continue_() -> None:
            led.unbind(predecessor, e.date, "succeeded", f"{_name(led, successor)} continues its participation",
                       (e.id,), led.lc.article, kind="succession")
            led.join(successor, _name(led, successor))
            led.bind([successor], e.date, "succession", f"continues the participation of {_name(led, predecessor)}",
                     (e.id,), led.lc.article)
        led.day_end.append(continue_)
    else:
        led.successors[successor] = predecessor


@rule("succession-notified", "succession_notified",
      "A successor state that notifies its succession to a treaty its predecessor was bound by is bound from "
      "the notification.", "Vienna Convention on Succession of States in respect of Treaties (1978), Arts 17, 34")
def _succession_notified(led: Ledger, e: Event) -> None:
    successor, predecessor = e.actors[0], e.targets[0]
    p = led.party(predecessor)
    if p is None or not p.intervals:
        led.invalid_act(e, f"{predecessor} was never bound by the treaty")
        return
    if not led.in_force:
        led.invalid_act(e, "the treaty was not in force")
        return
    led.join(successor, _name(led, successor))
    led.bind([successor], e.date, "succession", f"notified its succession to {_name(led, predecessor)}", (e.id,),
             led.lc.article)


# --- instruments that change the treaty ------------------------------------------------------------------


@rule("instrument-in-force", ("instrument_in_force", "instrument in force"),
      "An instrument changing the treaty (a protocol, an amendment, an exchange of notes, a prolongation) takes "
      "effect from its own entry into force, with the consent the treaty requires of the parties bound (all, "
      "unless it says otherwise); one without that consent is an invalid act. From then the lifecycle's values "
      "are the instrument's: a new term counts from the date it states, and the parties it names join or leave.",
      "the instrument; VCLT Arts 39-41")
def _instrument(led: Ledger, occasion: Event | Timer) -> None:
    if isinstance(occasion, Event):
        e = occasion
        ins = led.lc.instruments[str(e.attributes.get("instrument"))]
        led.day_end.append(lambda: _instrument_in_force(led, ins, e.date, (e.id,), list(e.actors), e))
    else:
        ins = led.lc.instruments[occasion.payload]
        _instrument_in_force(led, ins, occasion.date, (), None, None)


def _instrument_in_force(led: Ledger, ins: CompiledInstrument, on: date, events: tuple[str, ...],
                         consenting: list[str] | None, e: Event | None) -> None:
    title = ins.instrument.title
    if ins.id in led.instruments_in_force:
        if e is not None:
            led.invalid_act(e, f"{title} is already in force (since {led.instruments_in_force[ins.id]})")
        return
    if not led.in_force:
        if e is not None:
            led.invalid_act(e, "the treaty was not in force")
        return
    bound = [pid for pid in led.bound_or_suspended() if pid not in ins.parties_added]
    if consenting is not None:
        missing = [pid for pid in bound if pid not in consenting]
        if not consent_met(ins.consent, len(bound) - len(missing), len(bound)):
            need = {"all": "the consent of every party", "majority": "a majority of the parties",
                    "two_thirds": "two thirds of the parties"}.get(str(ins.consent), f"{ins.consent} parties")
            assert e is not None
            led.invalid_act(e, f"{title} lacks the consent of {_and_list(missing)}: it needs {need}")
            return
    led.instruments_in_force[ins.id] = on
    said = led.apply_version(ins, on)
    changes = ins.changes
    if "term" in changes or "term_from" in changes or "notice" in changes or "extension" in changes \
            or "extensions_limit" in changes:
        _reset_term(led, ins, on, consenting, f"{title}: " + "; ".join(said), events)
    if "ends_on" in changes:
        ends = changes["ends_on"]
        because = f"ends on the date set by {title}"
        led.scheduled_end = (ends, because, events, "instrument")
        led.schedule(ends, "recorded end", (because, events, "instrument"))
    for pid in ins.parties_added:
        if consenting is None or pid in consenting:
            led.bind([pid], on, "admission", f"a party under {title}", events, led.lc.article)
    if led.book is not None:
        led.book.instrument_in_force(ins.id, on, title)
    for pid in ins.parties_removed:
        if led.parties[pid].bound:
            led.unbind(pid, on, "leaving", f"removed by {title}", events, led.lc.article, kind="instrument")
    if "minimum_parties" in changes:
        led.check_minimum(on, f"fewer than {led.values.minimum_parties} parties remain under {title}", events)


def _reset_term(led: Ledger, ins: CompiledInstrument, on: date, consenting: list[str] | None, because: str,
                events: tuple[str, ...]) -> None:
    """The instrument sets the current term anew: pending notices of the parties that consented lapse."""
    title = ins.instrument.title
    for pid, p in led.parties.items():
        if p.notice is not None and p.notice.kind == "denunciation" and (consenting is None or pid in consenting):
            p.notice = None
            led.move_party(pid, on, "notice lapses", f"its notice lapsed: {title} set the term anew", (), None)
        if pid in led.carried and (consenting is None or pid in consenting):
            del led.carried[pid]
            led.move_party(pid, on, "notice lapses", f"its notice lapsed: {title} set the term anew", (), None)
    cur = led.current
    term_from = ins.changes.get("term_from", "instrument" if "term" in ins.changes else None)
    if term_from is None and cur is not None and cur.expiry is not None:
        # Only the notice or extension rules changed: the same term, with its deadline as now stated.
        led.terms.pop()
        led.term_info.pop()
        led._open_with_expiry(cur.term.number, cur.term.start, cur.expiry, ins.id, cur.info.fixed_since,
                              next(led.tokens))
        return
    if isinstance(term_from, date):
        start = term_from
    elif term_from == "entry_into_force":
        start = led.eif or on
    elif term_from == "signature":
        start = led.signed_on or led.eif or on
    else:
        start = on
    before = cur.term.number if cur is not None else None
    led.replace_term_end(on)
    led.open_term(on, start, ins.id)
    if before is not None:
        led.change_term(on, before, because, events, ins.instrument.article)
    if led.current is not None and led.current.expiry is not None:
        led.first_expiry = led.current.expiry  # withdrawal "after the term" now counts from this term


@rule("recorded-end", "recorded end",
      "A treaty whose end the record (or an instrument in force) dates ends that day.",
      "the record (imported models: ended_on); the instrument")
def _recorded_end(led: Ledger, timer: Timer) -> None:
    because, events, kind = timer.payload
    if led.in_force:
        led.end(timer.date, "termination", because, events, kind, led.lc.article)


@rule("duty-deadline-passes", "deadline passes",
      "A triggered duty whose deadline passes with no fulfilling act on record is violated (or undetermined, "
      "where the model says the record is not complete on the point).", "the norm's deadline")
def _duty_deadline(led: Ledger, timer: Timer) -> None:
    if led.book is not None:
        led.book.deadline_passes(timer.payload, timer.date)
