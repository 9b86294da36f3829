"""Two readings, one timeline: exactly where the outcomes differ.

``compare`` lists every difference as of the date and the first day on which the recorded changes
differ; ``divergences`` gives the periods in which the treaty or a norm instance is in a different
state. They start on the same day unless the first recorded difference changes no state by the end
of that day (a further breach of a duty already violated, say)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from foedus.evaluate.results import Outcome
from foedus.report.json_report import plain
from foedus.report.words import term_words, type_words, value_words

if TYPE_CHECKING:
    from foedus.report.words import TreatyWords

_FIELD_WORDS = {"state": "state", "in_force": "in force", "entry_into_force": "entry into force",
                "expires_on": "expires on", "ends_on": "ends on", "end_reason": "why it ends",
                "notice_deadline": "notice deadline"}


def compare(a: Outcome, b: Outcome, tw: TreatyWords | None = None, *, timeline_given: bool = True) -> dict[str, Any]:
    """Every difference as of the date (see the module docstring). With ``tw`` (the treaty's words), each
    difference also in words (``said``), and ``not_in_force`` when neither reading has it in force for want of
    acts on record."""
    data = _compare(a, b)
    if tw is not None:
        instances = {i.id: i for i in (*a.instances, *b.instances)}
        for d in data["differences"]:
            d["said"] = _said(d, tw, instances)
        data["short_title"] = tw.title
        found = tw.not_in_force(a.lifecycle, timeline_given) or tw.not_in_force(b.lifecycle, timeline_given)
        data["not_in_force"] = found.record() if found is not None else None
    return data


def _said(d: dict[str, Any], tw: TreatyWords, instances: dict[str, Any]) -> dict[str, str]:
    """One difference in words: its subject, what differs, and the two values."""
    subject = tw.subject(d["subject"], instances)
    what = str(d["what"])
    a, b = d["a"], d["b"]

    def term(value: Any) -> str:
        if not isinstance(value, dict):
            return value_words(value, tw.names) if value is not None else "none"
        notice = f", notice by {value['notice_deadline']}" if value.get("notice_deadline") else ""
        return f"{value['start']} to {value.get('end') or 'no fixed end'}{notice}"

    def findings(value: Any) -> str:
        if not value:
            return "none"
        return "; ".join(f"{day} {verdict} ({tw.event(eid, with_date=False)})" for day, eid, verdict in value)

    if what in _FIELD_WORDS:
        return {"subject": subject, "what": _FIELD_WORDS[what], "a": value_words(a, tw.names),
                "b": value_words(b, tw.names)}
    if what.startswith("term "):
        number = int(what.split()[1])
        return {"subject": subject, "what": term_words(number), "a": term(a), "b": term(b)}
    if what.startswith("notice "):
        _, eid, _, _, term_number = what.split(" ", 4)
        return {"subject": subject, "what": f"{tw.event(eid)}, as notice for the {term_words(int(term_number))}",
                "a": value_words(a) if a is not None else "no such term", "b": value_words(b) if b is not None
                else "no such term"}
    if what == "findings":
        return {"subject": subject, "what": "acts weighed", "a": findings(a), "b": findings(b)}
    if what.startswith("trigger by "):
        eid = what.removeprefix("trigger by ")
        return {"subject": subject if subject != d["subject"] else tw.norm(d["subject"]).capitalize(),
                "what": f"set off by {tw.event(eid)}", "a": str(a), "b": str(b)}
    if what == "exists":
        return {"subject": subject, "what": "exists", "a": f"yes ({d.get('state_a')})" if a else "no",
                "b": f"yes ({d.get('state_b')})" if b else "no"}
    return {"subject": subject, "what": type_words(what), "a": value_words(a, tw.names), "b": value_words(b, tw.names)}


def _compare(a: Outcome, b: Outcome) -> dict[str, Any]:
    diffs: list[dict[str, Any]] = []
    la, lb = a.lifecycle, b.lifecycle
    for field in ("state", "in_force", "entry_into_force", "expires_on", "ends_on", "end_reason", "notice_deadline"):
        va, vb = getattr(la, field), getattr(lb, field)
        if va != vb:
            diffs.append({"subject": "treaty", "what": field, "a": plain(va), "b": plain(vb)})
    ta = {t.number: t for t in la.terms}
    tb = {t.number: t for t in lb.terms}
    for n in sorted(set(ta) | set(tb)):
        if ta.get(n) != tb.get(n):
            diffs.append({"subject": "treaty", "what": f"term {n}", "a": plain(ta.get(n)), "b": plain(tb.get(n))})
    na = {(n.event, n.term): n for n in la.notices}
    nb = {(n.event, n.term): n for n in lb.notices}
    for nkey in sorted(set(na) | set(nb), key=str):
        n1, n2 = na.get(nkey), nb.get(nkey)
        if (n1.verdict if n1 else None) != (n2.verdict if n2 else None):
            diffs.append({"subject": "treaty", "what": f"notice {nkey[0]} for term {nkey[1]}",
                          "a": n1.verdict if n1 else None, "b": n2.verdict if n2 else None})
    ia = {i.id: i for i in a.instances}
    ib = {i.id: i for i in b.instances}
    for iid in sorted(set(ia) | set(ib)):
        x, y = ia.get(iid), ib.get(iid)
        if x is None or y is None:
            diffs.append({"subject": iid, "what": "exists", "a": x is not None, "b": y is not None,
                          "state_a": x.state if x else None, "state_b": y.state if y else None})
            continue
        if x.state != y.state:
            diffs.append({"subject": iid, "what": "state", "a": x.state, "b": y.state,
                          "since_a": plain(x.history[-1].date), "since_b": plain(y.history[-1].date)})
        elif x.history[-1].date != y.history[-1].date:
            diffs.append({"subject": iid, "what": f"{x.state} since", "a": plain(x.history[-1].date),
                          "b": plain(y.history[-1].date)})
        fa = [(f.date, f.event, f.verdict) for f in x.findings]
        fb = [(f.date, f.event, f.verdict) for f in y.findings]
        if fa != fb:
            diffs.append({"subject": iid, "what": "findings", "a": plain(fa), "b": plain(fb)})
    ca = {(c.norm, c.event): c.verdict for c in a.trigger_checks}
    cb = {(c.norm, c.event): c.verdict for c in b.trigger_checks}
    for key in sorted(set(ca) | set(cb)):
        if ca.get(key) != cb.get(key):
            diffs.append({"subject": key[0], "what": f"trigger by {key[1]}", "a": ca.get(key) or "triggered",
                          "b": cb.get(key) or "triggered"})
    first = _first_divergence(a, b)
    return {"treaty": a.treaty, "as_of": a.as_of.isoformat(),
            "a": {"reading": a.reading, "choices": a.choices}, "b": {"reading": b.reading, "choices": b.choices},
            "same": not diffs, "first_divergence": first, "differences": diffs}


def _first_divergence(a: Outcome, b: Outcome) -> str | None:
    def changes(o: Outcome) -> list[tuple[str, str, str]]:
        return sorted((c.date.isoformat(), c.subject, c.after) for c in o.changes())
    xa, xb = changes(a), changes(b)
    for x, y in zip(xa, xb, strict=False):
        if x != y:
            return min(x[0], y[0])
    if len(xa) != len(xb):
        longer = xa if len(xa) > len(xb) else xb
        return longer[min(len(xa), len(xb))][0]
    return None


@dataclass(frozen=True)
class Divergence:
    start: date
    end: date | None  # first day on which they agree again; None: they still differ on the as-of date
    differences: tuple[tuple[str, str, str], ...]  # (subject, state under a, state under b)


def divergences(a: Outcome, b: Outcome) -> list[Divergence]:
    """The periods (up to the earlier as-of date) in which the treaty or a norm instance is in a
    different state under the two outcomes, each split where the differences change."""
    as_of = min(a.as_of, b.as_of)
    sa, sb = _state_series(a), _state_series(b)
    subjects = ["treaty", *sorted((set(sa) | set(sb)) - {"treaty"})]
    points = sorted({d for s in (sa, sb) for seq in s.values() for d, _ in seq if d <= as_of})
    out: list[Divergence] = []
    for i, start in enumerate(points):
        end = points[i + 1] if i + 1 < len(points) else None
        diffs = []
        for subject in subjects:
            x, y = _state_at(sa.get(subject, []), start), _state_at(sb.get(subject, []), start)
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
