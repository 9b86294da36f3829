"""The treaty's own life as of a date: signature, ratifications, entry into force, terms, tacit
extensions, notices and the end. Only events dated on or before the as-of date are used."""

from __future__ import annotations

from datetime import date, timedelta

from foedus.compile.compiler import CompiledTreaty
from foedus.dates import AmbiguousDate, Duration, add, subtract
from foedus.errors import FoedusError, Location
from foedus.evaluate import machines
from foedus.evaluate.results import Change, InvalidAct, LifecycleResult, Notice, Term
from foedus.model.events import Event

_NOTICE_TYPES = ("notice_of_denunciation",)
MAX_TERMS = 400  # a guard: 400 extensions of even one day would cover any real question


def evaluate_lifecycle(ct: CompiledTreaty, events: tuple[Event, ...], as_of: date
                       ) -> tuple[LifecycleResult, list[InvalidAct]]:
    lc = ct.lifecycle
    parties = ct.parties
    mine = [e for e in events if e.treaty == ct.id]
    invalid: list[InvalidAct] = []
    changes: list[Change] = []
    state = machines.TREATY.initial

    def move(on: date, when: str, because: str, ev: tuple[str, ...] = (), article: str | None = None) -> None:
        nonlocal state
        t = machines.TREATY.step(state, when)
        changes.append(Change(on, "treaty", state, t.target, because, ev, article))
        state = t.target

    def shift(d: date, dur: Duration, minus: bool = False) -> date:
        try:
            return subtract(d, dur, lc.rounding) if minus else add(d, dur, lc.rounding)
        except AmbiguousDate as exc:
            where = ct.smap.locate(("lifecycle",)) if ct.smap else Location(ct.file)
            raise FoedusError(f"{ct.id}: {exc}", where=where,
                              expected="lifecycle.date_rounding: up or down") from None
        except (OverflowError, ValueError):
            # Terms chained past the end of the calendar (year 9999) for a far as-of date.
            raise FoedusError(f"{ct.id}: the terms run past the year 9999 before {as_of}", where=Location(ct.file),
                              expected="an earlier as-of date") from None

    signed = next((e for e in mine if e.type == "signature"), None)
    model_signed = ct.treaty.signed
    signed_on = signed.date if signed else (model_signed.date if model_signed and model_signed.date <= as_of
                                            else None)
    signed_at = model_signed.place if model_signed else None
    if signed_on is not None:
        move(signed_on, "signature", f"signed at {signed_at}" if signed_at else "signed",
             (signed.id,) if signed else (), None)

    ratifications: dict[str, date] = {}
    rat_events: dict[str, str] = {}
    for e in mine:
        if e.type != "ratification":
            continue
        actor = e.actors[0]
        if actor not in parties:
            invalid.append(InvalidAct(e.id, e.date, e.type, actor, f"{actor} is not a party to {ct.id}", lc.article))
            continue
        ratifications.setdefault(actor, e.date)
        rat_events.setdefault(actor, e.id)
    exchange = next((e for e in mine if e.type == "exchange_of_instruments"), None)

    eif: date | None = None
    eif_because = ""
    eif_events: tuple[str, ...] = ()
    rule = lc.entry_into_force
    if rule == "ratification_by_all" and len(ratifications) == len(parties):
        eif = max(ratifications.values())
        eif_because = "in force upon ratification by every party"
        eif_events = tuple(rat_events[p] for p in parties)
    elif rule == "exchange_of_instruments" and exchange is not None:
        eif, eif_because, eif_events = exchange.date, "in force upon the exchange of instruments", (exchange.id,)
    elif rule == "signature" and signed_on is not None:
        eif, eif_because = signed_on, "in force upon signature"
    elif rule == "fixed_date" and lc.entry_into_force_on is not None and lc.entry_into_force_on <= as_of:
        eif, eif_because = lc.entry_into_force_on, "in force from the recorded date"

    # Ratification changes, then entry into force (same-day ratification and entry keep this order).
    for party in sorted(ratifications, key=lambda p: (ratifications[p], parties.index(p))):
        if state in ("signed", "ratified in part"):
            move(ratifications[party], "ratification", f"ratified by {party}", (rat_events[party],), lc.article)
    if eif is not None:
        if state == "not signed":
            state = "signed"
        move(eif, "entry into force", eif_because, eif_events, lc.article)

    # Notices: a power held only by a party, only while the treaty is in force.
    notices: list[Notice] = []
    valid_notices: list[Event] = []
    for e in mine:
        if e.type not in _NOTICE_TYPES:
            continue
        actor = e.actors[0]
        if actor not in parties:
            invalid.append(InvalidAct(e.id, e.date, e.type, actor,
                                      f"{actor} is not a party: only a party holds the power to give notice",
                                      lc.notice_article))
            notices.append(Notice(e.id, e.date, actor, "invalid", "rejected: not a party", None))
        elif eif is None or e.date < eif:
            invalid.append(InvalidAct(e.id, e.date, e.type, actor,
                                      "notice given before the treaty entered into force", lc.notice_article))
            notices.append(Notice(e.id, e.date, actor, "invalid", "rejected: the treaty was not in force", None))
        elif lc.notice_period is None:
            invalid.append(InvalidAct(e.id, e.date, e.type, actor, "the treaty provides for no such notice",
                                      lc.notice_article))
            notices.append(Notice(e.id, e.date, actor, "invalid", "rejected: no notice clause", None))
        else:
            valid_notices.append(e)

    terminations = [e for e in mine if e.type in ("termination_by_agreement", "withdrawal")]
    terminated_on: date | None = None
    termination_because = ""
    termination_events: tuple[str, ...] = ()
    for e in terminations:
        if e.type == "withdrawal" and e.actors[0] not in parties:
            invalid.append(InvalidAct(e.id, e.date, e.type, e.actors[0], f"{e.actors[0]} is not a party", lc.article))
            continue
        if eif is None or e.date < eif:
            invalid.append(InvalidAct(e.id, e.date, e.type, e.actors[0], "the treaty was not in force", lc.article))
            continue
        if e.type == "withdrawal" and lc.after_term == "continues" and lc.term is not None:
            # The treaty continues after its term: a withdrawal is open only once the term has run.
            term_start = eif if lc.term_from == "entry_into_force" or signed_on is None else signed_on
            term_end = shift(term_start, lc.term)
            if e.date < term_end:
                invalid.append(InvalidAct(e.id, e.date, e.type, e.actors[0],
                                          f"withdrawal before the term of {lc.term} ran out on {term_end}",
                                          lc.article))
                continue
        when = e.date
        if e.type == "withdrawal" and lc.withdrawal_notice is not None:
            when = shift(e.date, lc.withdrawal_notice)
        if len(parties) == 2 or e.type == "termination_by_agreement":
            terminated_on = when
            termination_because = ("terminated by agreement" if e.type == "termination_by_agreement"
                                   else f"{e.actors[0]} withdrew")
            termination_events = (e.id,)
            break
    if lc.ended_on is not None and terminated_on is None and lc.ended_on <= as_of:
        terminated_on, termination_because = lc.ended_on, "ended on the recorded date"

    terms: list[Term] = []
    ends_on: date | None = None
    end_reason: str | None = None
    end_events: tuple[str, ...] = ()
    if eif is not None:
        start = eif if lc.term_from == "entry_into_force" or signed_on is None else signed_on
        if lc.term is None:
            terms.append(Term(0, start, None, None))
        else:
            pending = list(valid_notices)
            number = 0
            # `expiry` is the term's expiry date; `end` the first day out of force, which is the day after
            # when the model keeps the treaty in force on its expiry date. Notices are weighed by `expiry`.
            one_more = timedelta(days=1) if lc.in_force_on_expiry_date else timedelta(0)
            expiry = shift(start, lc.term)
            while True:
                end = expiry + one_more
                deadline = shift(expiry, lc.notice_period, minus=True) if lc.notice_period else None
                terms.append(Term(number, start, end, deadline))
                effective: Event | None = None
                for n in list(pending):
                    if n.date >= expiry:
                        continue
                    timely = deadline is not None and (n.date <= deadline if lc.notice_inclusive else n.date < deadline)
                    if timely:
                        pending.remove(n)
                        if effective is None:
                            effective = n
                            notices.append(Notice(n.id, n.date, n.actors[0], "timely",
                                                  f"prevents extension: the treaty expires on {expiry}", number))
                        else:
                            notices.append(Notice(n.id, n.date, n.actors[0], "timely",
                                                  "a further notice; the treaty already ends", number))
                    elif lc.late_notice == "lapses" or lc.extension is None:
                        pending.remove(n)
                        notices.append(Notice(n.id, n.date, n.actors[0], "late",
                                              f"given after the deadline {deadline}: no effect", number))
                    else:
                        notices.append(Notice(n.id, n.date, n.actors[0], "late",
                                              f"given after the deadline {deadline}: the treaty is extended; "
                                              "the notice counts for the next term", number))
                limit_reached = lc.extensions_limit is not None and number >= lc.extensions_limit
                if effective is None and lc.extension is None and lc.after_term == "continues":
                    # The term has run; the treaty stays in force with no fixed end.
                    terms.append(Term(number + 1, end, None, None))
                    break
                if effective is not None or lc.extension is None or limit_reached:
                    ends_on = end
                    end_events = (effective.id,) if effective else ()
                    end_reason = (f"timely notice by {effective.actors[0]}" if effective
                                  else "the term ends and no extension is provided" if lc.extension is None
                                  else "the last permitted extension ends")
                    break
                if expiry > as_of and not pending:
                    break
                if len(terms) >= MAX_TERMS:
                    raise FoedusError(f"{ct.id}: more than {MAX_TERMS} terms before {as_of}", where=Location(ct.file),
                                      expected=f"an as-of date within {MAX_TERMS} terms of the first")
                number += 1
                start, expiry = end, shift(expiry, lc.extension)
        if terminated_on is not None and (ends_on is None or terminated_on < ends_on):
            ends_on, end_reason, end_events = terminated_on, termination_because, termination_events
            terms = [t for t in terms if t.start < terminated_on]

    # Time-driven changes up to the as-of date: extensions and the end.
    for term in terms[1:]:
        if term.end is None:  # after_term: continues — no extension, the treaty simply goes on
            continue
        if term.start <= as_of and (ends_on is None or term.start < ends_on):
            move(term.start, "tacit extension",
                 f"no timely notice before {terms[term.number - 1].notice_deadline}: extended to {term.end}",
                 (), lc.notice_article)
    if ends_on is not None and ends_on <= as_of:
        if ends_on == terminated_on and end_reason == termination_because:
            move(ends_on, "termination", end_reason or "terminated", end_events, lc.article)
        else:
            move(ends_on, "term ends", end_reason or "the term ends", end_events, lc.notice_article)

    in_force = eif is not None and eif <= as_of and (ends_on is None or as_of < ends_on)
    current = None
    for term in terms:
        if term.start <= as_of:
            current = term
    if current is None and terms:
        current = terms[0]
    expires_on = ends_on if ends_on is not None else (current.end if current else None)
    notice_deadline = current.notice_deadline if current is not None else None
    notices.sort(key=lambda n: (n.date, n.event))
    return LifecycleResult(
        state=state, signed_on=signed_on, signed_at=signed_at, ratifications=ratifications,
        exchange_on=exchange.date if exchange else None,
        exchange_at=str(exchange.attributes.get("place")) if exchange and exchange.attributes.get("place")
        else ct.treaty.lifecycle.exchange_of_instruments_at,
        entry_into_force=eif, terms=terms, ends_on=ends_on, end_reason=end_reason, notices=notices,
        changes=changes, in_force=in_force, current_term=current, notice_deadline=notice_deadline,
        notice_inclusive=lc.notice_inclusive, expires_on=expires_on,
    ), invalid
