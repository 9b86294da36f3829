"""Two readings, one timeline: exactly where the outcomes differ, and from when.

``compare`` lists every difference as of the date — each with its subject in words (the treaty, its term,
a notice, a duty with its article) and, where it arises on a day, that day — and the first day the two
readings diverge: the first day on which something happens differently under them (a state or a term
changes, a notice is judged, an act is weighed, a duty arises). A notice timely under one reading and late
under the other diverges on the day of the notice, not when the term ends. Dates the readings merely
foresee differently (a term's end, a notice deadline) are differences without a day.

``divergences`` gives the periods in which the treaty, its term or a norm instance is in a different state;
they start on the first day of divergence or later (a late notice changes no state until its term ends)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from foedus.evaluate import machines
from foedus.evaluate.results import Notice, Outcome, Term
from foedus.report.json_report import plain
from foedus.report.words import shown, term_words

if TYPE_CHECKING:
    from foedus.report.words import TreatyWords

_FIELDS = {"state": "state", "in_force": "in force", "entry_into_force": "entry into force",
           "expires_on": "expires on", "ends_on": "ends on", "end_reason": "why it ends",
           "notice_deadline": "notice deadline"}


def _term_text(t: Term | None) -> str:
    if t is None:
        return "none"
    span = f"{t.start.isoformat()} – {t.end.isoformat() if t.end else 'no fixed end'}"
    return span + (f"; notice by {t.notice_deadline.isoformat()}" if t.notice_deadline else "")


def _notice_text(n: Notice | None) -> str:
    return "not counted for this term" if n is None else n.verdict


class _Labels:
    """Subjects and events in words (with the treaty's words, when the caller has them; else by id)."""

    def __init__(self, a: Outcome, b: Outcome, tw: TreatyWords | None):
        self.tw = tw
        self.instances = {i.id: i for i in (*a.instances, *b.instances)}
        self.title = tw.title if tw is not None else a.title

    def __call__(self, subject: str) -> str:
        if self.tw is None:
            return self.title if subject == "treaty" else subject
        return self.tw.subject(subject, self.instances)

    def event(self, eid: str) -> str:
        return self.tw.event(eid) if self.tw is not None else eid

    def notice(self, n: Notice) -> str:
        kind = "notice of withdrawal" if n.kind == "withdrawal" else "notice"
        party = self.tw.names.short(n.party) if self.tw is not None else n.party
        return f"{kind} by {party} of {n.date.isoformat()}"


def compare(a: Outcome, b: Outcome, tw: TreatyWords | None = None, *, timeline_given: bool = True) -> dict[str, Any]:
    """Every difference between two outcomes of one treaty as of one date (see the module docstring). With
    ``tw`` (the treaty's words) subjects are named in words, and ``not_in_force`` says when neither reading
    has the treaty in force for want of acts on record; without it, subjects are named by id."""
    label = _Labels(a, b, tw)
    names = tw.names if tw is not None else None
    diffs: list[dict[str, Any]] = []

    def add(subject: str, what: str, aspect: str, va: Any, vb: Any, on: date | None,
            shown_a: str | None = None, shown_b: str | None = None, **extra: Any) -> None:
        diffs.append({"subject": subject, "label": label(subject), "what": what, "aspect": aspect,
                      "a": plain(va), "b": plain(vb),
                      "a_shown": shown_a if shown_a is not None else shown(va, names),
                      "b_shown": shown_b if shown_b is not None else shown(vb, names),
                      "on": plain(on), **extra})

    la, lb = a.lifecycle, b.lifecycle
    for field, words in _FIELDS.items():
        va, vb = getattr(la, field), getattr(lb, field)
        if va != vb:
            add("treaty", field, words, va, vb, None)
    ta = {t.number: t for t in la.terms}
    tb = {t.number: t for t in lb.terms}
    for n in sorted(set(ta) | set(tb)):
        if ta.get(n) != tb.get(n):
            add("term", f"term {n}", term_words(n), ta.get(n), tb.get(n), None,
                _term_text(ta.get(n)), _term_text(tb.get(n)))
    na = {(n.event, n.term): n for n in la.notices}
    nb = {(n.event, n.term): n for n in lb.notices}
    for nkey in sorted(set(na) | set(nb), key=str):
        n1, n2 = na.get(nkey), nb.get(nkey)
        if (n1.verdict if n1 else None) != (n2.verdict if n2 else None):
            notice = n1 or n2
            assert notice is not None
            term = "" if nkey[1] is None else f" (for the {term_words(nkey[1])})"
            add("treaty", f"notice {nkey[0]} for term {nkey[1]}", label.notice(notice) + term,
                n1.verdict if n1 else None, n2.verdict if n2 else None, notice.date,
                _notice_text(n1), _notice_text(n2), notice=nkey[0], notice_date=notice.date.isoformat())
    ia = {i.id: i for i in a.instances}
    ib = {i.id: i for i in b.instances}
    for iid in sorted(set(ia) | set(ib)):
        x, y = ia.get(iid), ib.get(iid)
        if x is None or y is None:
            z = x or y
            assert z is not None
            add(iid, "exists", "exists", x is not None, y is not None, z.created_on,
                x.state if x else "does not arise", y.state if y else "does not arise",
                state_a=x.state if x else None, state_b=y.state if y else None)
            continue
        parted = _first_difference([(c.date, c.after) for c in x.history], [(c.date, c.after) for c in y.history])
        if x.state != y.state:
            add(iid, "state", "state", x.state, y.state, parted, f"{x.state} since {x.since.isoformat()}",
                f"{y.state} since {y.since.isoformat()}", since_a=plain(x.since), since_b=plain(y.since))
        elif x.since != y.since:
            add(iid, f"{x.state} since", f"{x.state} since", x.since, y.since, parted)
        fa = [(f.date, f.event, f.verdict) for f in x.findings]
        fb = [(f.date, f.event, f.verdict) for f in y.findings]
        if fa != fb:
            add(iid, "findings", "acts weighed", fa, fb, _first_difference(fa, fb),
                "; ".join(f"{d.isoformat()} {v}" for d, _, v in fa) or "none",
                "; ".join(f"{d.isoformat()} {v}" for d, _, v in fb) or "none")
    ca = {(c.norm, c.event): c for c in a.trigger_checks}
    cb = {(c.norm, c.event): c for c in b.trigger_checks}
    for key in sorted(set(ca) | set(cb)):
        c1, c2 = ca.get(key), cb.get(key)
        if (c1.verdict if c1 else None) != (c2.verdict if c2 else None):
            c = c1 or c2
            assert c is not None
            add(key[0], f"trigger by {key[1]}", f"whether {label.event(key[1])} triggers it",
                c1.verdict if c1 else "triggered", c2.verdict if c2 else "triggered", c.date)
    first, what = first_divergence(a, b)
    detail = [d for d in diffs if d["on"] == plain(first)] if first else []
    if first is not None and not detail:
        # The records part on a day no difference as of the date names (a state that came and went).
        detail = [{"subject": s, "label": label(s), "what": "change", "aspect": "change",
                   "a": x, "b": y, "a_shown": x, "b_shown": y, "on": first.isoformat()} for s, x, y in what]
    found = None
    if tw is not None:
        found = tw.not_in_force(a.lifecycle, timeline_given) or tw.not_in_force(b.lifecycle, timeline_given)
    return {"treaty": a.treaty, "title": label.title, "short_title": label.title, "as_of": a.as_of.isoformat(),
            "not_in_force": found.record() if found is not None else None,
            "a": {"reading": a.reading, "choices": a.choices}, "b": {"reading": b.reading, "choices": b.choices},
            "same": not diffs, "first_divergence": plain(first), "first_divergence_detail": detail,
            "differences": sorted(diffs, key=lambda d: (d["on"] is None, d["on"] or "", _rank(d["subject"])))}


def _rank(subject: str) -> int:
    return {"treaty": 0, "term": 1}.get(subject, 2)


def _first_difference(xs: list[Any], ys: list[Any]) -> date | None:
    """The date of the first item in which two dated lists part (the earlier of the two items' dates)."""
    for x, y in zip(xs, ys, strict=False):
        if x != y:
            return min(x[0], y[0])
    if len(xs) != len(ys):
        longer = xs if len(xs) > len(ys) else ys
        return longer[min(len(xs), len(ys))][0]
    return None


def _happenings(o: Outcome) -> set[tuple[date, str, str, str]]:
    """Everything that happens in an outcome, each as (day, subject, what, how): changes of state and of
    term, parties' changes, notices judged, acts weighed, triggers checked, acts refused."""
    out: set[tuple[date, str, str, str]] = set()
    lc = o.lifecycle
    for c in o.changes():
        out.add((c.date, c.subject, "change", f"{c.before} → {c.after}"))
    for p in lc.parties:
        for c in p.history:
            out.add((c.date, p.party, "change", f"{c.before} → {c.after}"))
    for n in lc.notices:
        out.add((n.date, "treaty", f"notice {n.event} for term {n.term}", n.verdict))
    for i in o.instances:
        for f in i.findings:
            out.add((f.date, i.id, f"act {f.event}", f.verdict))
    for t in o.trigger_checks:
        out.add((t.date, t.norm, f"trigger by {t.event}", t.verdict))
    for a in o.invalid_acts:
        out.add((a.date, "treaty", f"act {a.event}", "invalid"))
    return out


def first_divergence(a: Outcome, b: Outcome) -> tuple[date | None, list[tuple[str, str, str]]]:
    """The first day on which something happens differently under the two outcomes, and what: (subject,
    under a, under b) — a dash where it does not happen under one of them."""
    ha, hb = _happenings(a), _happenings(b)
    apart = ha ^ hb
    if not apart:
        return None, []
    first = min(h[0] for h in apart)
    what: dict[tuple[str, str], list[str]] = {}
    for day, subject, kind, how in sorted(apart):
        if day != first:
            continue
        pair = what.setdefault((subject, kind), ["—", "—"])
        pair[0 if (day, subject, kind, how) in ha else 1] = how
    return first, [(s, x, y) for (s, _), (x, y) in what.items()]


@dataclass(frozen=True)
class Divergence:
    start: date
    end: date | None  # first day on which they agree again; None: they still differ on the as-of date
    differences: tuple[tuple[str, str, str], ...]  # (subject, state under a, state under b)


def divergences(a: Outcome, b: Outcome) -> list[Divergence]:
    """The periods (up to the earlier as-of date) in which the treaty, its term or a norm instance is in
    a different state under the two outcomes, each split where the differences change."""
    as_of = min(a.as_of, b.as_of)
    sa, sb = _state_series(a), _state_series(b)
    subjects = ["treaty", *(["term"] if "term" in sa or "term" in sb else []),
                *sorted((set(sa) | set(sb)) - {"treaty", "term"})]
    points = sorted({d for s in (sa, sb) for seq in s.values() for d, _ in seq if d <= as_of})
    out: list[Divergence] = []
    for i, start in enumerate(points):
        end = points[i + 1] if i + 1 < len(points) else None
        diffs = []
        ended = all(_state_at(s.get("treaty", []), start) in machines.TREATY.final for s in (sa, sb))
        for subject in subjects:
            x, y = _state_at(sa.get(subject, []), start), _state_at(sb.get(subject, []), start)
            if subject == "term":
                if ended:
                    continue  # once the treaty has ended under both, the term it ended in is no state
                # the term is named only once it changes: before that, both are in the first term
                x, y = (x if x != "—" else term_words(0)), (y if y != "—" else term_words(0))
            if x != y:
                diffs.append((subject, x, y))
        if diffs:
            out.append(Divergence(start, end, tuple(diffs)))
    return out


def _state_series(o: Outcome) -> dict[str, list[tuple[date, str]]]:
    """Each subject's (date, state entered) in record order."""
    out: dict[str, list[tuple[date, str]]] = {}
    for c in o.changes():
        out.setdefault(c.subject, []).append((c.date, c.after))
    return out


def _state_at(seq: list[tuple[date, str]], d: date) -> str:
    state = "—"
    for day, after in seq:
        if day <= d:
            state = after
        else:
            break
    return state
