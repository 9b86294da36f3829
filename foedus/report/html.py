"""The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched) that
shows a treaty as of a date.

It has the treaty's text article by article with each article's norms and their states beside it;
a timeline chart (signature, ratification, entry into force, terms and extensions, notice windows,
the end, the events, every norm instance as a bar coloured by its state); a table of every duty
triggered, fulfilled, violated or left undetermined with the chain that explains it (events →
rule → text); and, with a second reading, both lifecycles one above the other with the periods
where they differ marked.

Everything that comes from a model or a timeline file is escaped. The same inputs give the same
bytes: nothing depends on the clock, the machine or the order of a set.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from foedus.api import Session, as_date, open_sessions
from foedus.dates import AmbiguousDate, add, subtract
from foedus.evaluate.results import NormInstance, Outcome, TriggerCheck
from foedus.model.events import Event, Timeline
from foedus.model.treaty import Article, Norm, ReadingPoint, Treaty
from foedus.report.compare import Divergence, compare, divergences
from foedus.report.words import TreatyWords, capital, event_description, listing, term_words, type_words, value_words

__all__ = [
    "STATE_COLOURS",
    "Divergence",
    "Mark",
    "View",
    "article_paragraphs",
    "badge",
    "badge_css",
    "chart_svg",
    "divergences",
    "key_marks",
    "make_view",
    "render_report",
    "render_views",
]


def esc(value: object) -> str:
    """Text for HTML and SVG: every markup character escaped, quotes included."""
    return html.escape("" if value is None else str(value), quote=True)


# A state's colour, and the colour of text written on it. Every colour comes with a text label.
STATE_COLOURS: dict[str, tuple[str, str]] = {
    "active": ("#1f5f99", "#ffffff"),
    "held": ("#1f5f99", "#ffffff"),
    "fulfilled": ("#2e7d32", "#ffffff"),
    "exercised": ("#2e7d32", "#ffffff"),
    "violated": ("#c0392b", "#ffffff"),
    "undetermined": ("#f2c94c", "#222222"),
    "discharged": ("#7b4f9d", "#ffffff"),
    "expired": ("#9e9e9e", "#111111"),
    "not signed": ("#eeeeee", "#222222"),
    "signed": ("#d6d6d6", "#222222"),
    "ratified in part": ("#c4c4c4", "#222222"),
    "in force": ("#1f5f99", "#ffffff"),
    "in force (extended)": ("#237a71", "#ffffff"),
    "terminated": ("#5d4037", "#ffffff"),
}
_TERM = "#1f5f99"
_EXTENSION = "#237a71"
_NOTICE = "#f5a623"
_DIVERGENCE = "#e8590c"
_INK = "#222222"
_MUTED = "#5f5f5f"


def _colour(state: str) -> tuple[str, str]:
    return STATE_COLOURS.get(state, ("#757575", "#ffffff"))


def _slug(state: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", state.lower()).strip("-") or "none"


# ---------------------------------------------------------------------------------------------
# What the report is made of


@dataclass
class View:
    """One reading of a treaty, bound to one timeline, evaluated as of one date. Everything else is
    derived from the session and the outcome, the dated marks and extensions once per view."""

    session: Session
    outcome: Outcome

    @property
    def label(self) -> str:
        return self.outcome.reading

    @property
    def treaty(self) -> Treaty:
        return self.session.compiled.treaty

    @property
    def events(self) -> tuple[Event, ...]:
        return self.session.timeline.events

    @cached_property
    def event_by_id(self) -> dict[str, Event]:
        return {e.id: e for e in self.events}

    @property
    def words(self) -> TreatyWords:
        """The words for states, events, duties and reasons (foedus.report.words)."""
        return self.session.words

    @cached_property
    def marks(self) -> tuple[Mark, ...]:
        """``key_marks(self)``: drawn on the chart and listed in the key-date tables."""
        return tuple(key_marks(self))

    @cached_property
    def extensions(self) -> tuple[Extension, ...]:
        """``later_extensions(self)``: they widen the chart and are drawn on it."""
        return tuple(later_extensions(self))


def make_view(session: Session, as_of: date | str) -> View:
    return View(session, session.outcome(as_of))


@dataclass(frozen=True)
class Mark:
    """A dated point of the treaty's life, drawn on the chart and listed under it."""

    kind: str  # the data-mark name: signature, entry-into-force, notice-deadline, expiry, …
    name: str
    date: date
    detail: str
    certain: bool = True


def _termination(view: View) -> bool:
    """Whether the treaty's known end is a termination (withdrawal, agreement, a recorded end) rather
    than the expiry of a term."""
    lc = view.outcome.lifecycle
    if any(c.after == "terminated" for c in lc.changes):
        return True
    if any(c.after == "expired" for c in lc.changes):
        return False
    return lc.ends_on is not None and not any(t.end == lc.ends_on for t in lc.terms)


def key_marks(view: View) -> list[Mark]:
    """The dated points of the treaty's life as of the view's date, in date order."""
    lc = view.outcome.lifecycle
    marks: list[Mark] = []
    if lc.signed_on is not None:
        marks.append(Mark("signature", "signature", lc.signed_on,
                          f"signed at {lc.signed_at}" if lc.signed_at else "signed"))
    by_day: dict[date, list[str]] = {}
    for party, day in lc.ratifications.items():
        by_day.setdefault(day, []).append(party)
    order = [p.id for p in view.treaty.parties]
    for day in sorted(by_day):
        parties = sorted(by_day[day], key=lambda p: (order.index(p) if p in order else len(order), p))
        marks.append(Mark("ratification", "ratification", day, "ratified by " + ", ".join(parties)))
    if lc.exchange_on is not None:
        marks.append(Mark("exchange-of-instruments", "exchange of instruments", lc.exchange_on,
                          f"instruments of ratification exchanged at {lc.exchange_at}" if lc.exchange_at
                          else "instruments of ratification exchanged"))
    if lc.entry_into_force is not None:
        marks.append(Mark("entry-into-force", "entry into force", lc.entry_into_force, "the treaty enters into force"))
    inclusive = "the day itself included" if lc.notice_inclusive else "the day itself excluded"
    for term in lc.terms:
        if term.number > 0 and (lc.ends_on is None or term.start < lc.ends_on):
            marks.append(Mark("extension", term_words(term.number), term.start,
                              f"{term_words(term.number)} (tacit): in force until {term.end}"))
        if term.notice_deadline is not None and (lc.ends_on is None or term.notice_deadline < lc.ends_on):
            name = "notice deadline" if term.number == 0 else f"notice deadline ({term_words(term.number)})"
            marks.append(Mark("notice-deadline", name, term.notice_deadline,
                              f"last day for a timely notice against extension ({inclusive})"))
    for notice in lc.notices:
        if notice.verdict == "invalid":
            continue
        marks.append(Mark("notice", f"notice by {notice.party}", notice.date, f"{notice.verdict}: {notice.effect}"))
    if lc.ends_on is not None:
        if _termination(view):
            marks.append(Mark("termination", "termination", lc.ends_on, lc.end_reason or "terminated"))
        else:
            marks.append(Mark("expiry", "expiry", lc.ends_on,
                              f"first day out of force: {lc.end_reason}" if lc.end_reason else "the treaty expires"))
    elif lc.terms and (last_end := lc.terms[-1].end) is not None:
        marks.append(Mark("expiry", "term ends", last_end,
                          "the current term ends; the treaty is extended unless a party gives timely notice"
                          if view.session.compiled.lifecycle.extension is not None else "the term ends",
                          certain=view.session.compiled.lifecycle.extension is None))
    # Deduplicate (a notice event and the same notice counted for a later term).
    seen: set[tuple[str, str, date]] = set()
    out: list[Mark] = []
    for m in sorted(marks, key=lambda m: (m.date, _MARK_ORDER.get(m.kind, 50), m.name)):
        key = (m.kind, m.name, m.date)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


_MARK_ORDER = {"signature": 0, "ratification": 1, "exchange-of-instruments": 2, "entry-into-force": 3,
               "notice": 4, "notice-deadline": 5, "extension": 6, "expiry": 7, "termination": 8}


@dataclass(frozen=True)
class Extension:
    start: date
    end: date
    notice_deadline: date | None
    kind: str  # "possible" | "averted"


def later_extensions(view: View, count: int = 2) -> list[Extension]:
    """Extensions the treaty may still have (while its end is open), or the one a notice averted."""
    ct = view.session.compiled
    lc = view.outcome.lifecycle
    ext = ct.lifecycle.extension
    if ext is None or not lc.terms or lc.terms[-1].end is None:
        return []
    used = len(lc.terms) - 1
    limit = ct.lifecycle.extensions_limit
    out: list[Extension] = []
    rounding = ct.lifecycle.rounding
    try:
        if lc.ends_on is None:
            start = lc.terms[-1].end
            for _ in range(count):
                if limit is not None and used >= limit:
                    break
                end = add(start, ext, rounding)
                deadline = subtract(end, ct.lifecycle.notice_period, rounding) if ct.lifecycle.notice_period else None
                out.append(Extension(start, end, deadline, "possible"))
                start, used = end, used + 1
        elif not _termination(view) and any(n.verdict == "timely" for n in lc.notices) \
                and (limit is None or used < limit):
            start = lc.ends_on
            out.append(Extension(start, add(start, ext, rounding), None, "averted"))
    except AmbiguousDate:
        return out
    return out


# ---------------------------------------------------------------------------------------------
# Divergence between two readings (``divergences``, from report/compare.py): shaded periods


def _merge(divs: Sequence[Divergence]) -> list[tuple[date, date | None]]:
    periods: list[tuple[date, date | None]] = []
    for d in divs:
        if periods and periods[-1][1] == d.start:
            periods[-1] = (periods[-1][0], d.end)
        else:
            periods.append((d.start, d.end))
    return periods


# ---------------------------------------------------------------------------------------------
# The chart


_W = 1000
_LEFT = 200
_RIGHT = _W - 24
_CHAR = 6.3  # estimated width of one character at 11px


def _text_width(text: str, size: float = 11) -> float:
    return len(text) * _CHAR * size / 11


def _halo(extra: str = "") -> str:
    return f'stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"{extra}'


class _Scale:
    def __init__(self, start: date, end: date):
        self.start, self.end = start, end
        self.days = max((end - start).days, 1)

    def x(self, d: date) -> float:
        d = min(max(d, self.start), self.end)
        return _LEFT + (d - self.start).days / self.days * (_RIGHT - _LEFT)

    def fx(self, d: date) -> str:
        return f"{self.x(d):.1f}"


def _stack(extents: Sequence[tuple[float, float]], gap: float = 6) -> list[int]:
    """Greedy rows: each extent goes into the first row where it does not overlap."""
    ends: list[float] = []
    rows = []
    for left, right in extents:
        for r, end in enumerate(ends):
            if left > end + gap:
                ends[r] = right
                rows.append(r)
                break
        else:
            ends.append(right)
            rows.append(len(ends) - 1)
    return rows


def _chart_range(views: Sequence[View], as_of: date) -> tuple[date, date]:
    firsts: list[date] = []
    lasts: list[date] = []
    for v in views:
        lc = v.outcome.lifecycle
        firsts += [d for d in (lc.signed_on, lc.entry_into_force) if d is not None]
        if v.treaty.signed is not None:
            firsts.append(v.treaty.signed.date)
        firsts += [t.start for t in lc.terms]
        lasts += [d for d in (lc.ends_on, lc.entry_into_force, lc.signed_on) if d is not None]
        lasts += [t.end for t in lc.terms if t.end is not None]
        lasts += [x.end for x in v.extensions]
        lasts += [i.created_on for i in v.outcome.instances]
    if not firsts:
        firsts = [e.date for v in views for e in v.events if e.date <= as_of] or [as_of]
    start = min(firsts)
    start = date(start.year - 1, 1, 1)
    last = max(lasts) if lasts else as_of
    if as_of > last and (as_of - last).days <= 366 * 10:
        last = as_of
    end = date(last.year + 2, 1, 1)
    return start, end


def _year_step(px_per_year: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if step * px_per_year >= 48:
            return step
    return 200


def chart_svg(views: Sequence[View], as_of: date, *, cursor: bool = False, title: str | None = None,
              divs: Sequence[Divergence] | None = None, first: tuple[date, str] | None = None) -> str:
    """The timeline as an inline SVG. The first view's norms get one row each; with two views, the
    periods where their states differ are shaded (``divs``: their divergences, when the caller has them
    already) and the first day they diverge is marked (``first``: that day and what happens on it; worked
    out here when not given). ``cursor`` adds a movable date line (for the web app)."""
    primary = views[0]
    start, end = _chart_range(views, as_of)
    sc = _Scale(start, end)
    back: list[str] = []  # drawn first: grid, bands
    front: list[str] = []
    y = 8.0

    # Axis with year labels.
    px_year = (_RIGHT - _LEFT) / (sc.days / 365.25)
    step = _year_step(px_year)
    axis_y = y + 14
    front.append(f'<g class="axis" aria-hidden="true"><line x1="{_LEFT}" y1="{axis_y + 4:.1f}" x2="{_RIGHT}" '
                 f'y2="{axis_y + 4:.1f}" stroke="{_MUTED}" stroke-width="1"/>')
    ticks: list[int] = []
    year = start.year + (-start.year % step)
    while date(year, 1, 1) <= end:
        ticks.append(year)
        year += step
    for yr in ticks:
        x = sc.fx(date(yr, 1, 1))
        front.append(f'<text x="{x}" y="{axis_y:.1f}" font-size="11" fill="{_MUTED}" text-anchor="middle">{yr}</text>')
    front.append("</g>")
    y = axis_y + 14

    # One block per view: its marks, its terms, its notice windows.
    lane_top = y
    for v in views:
        y = _treaty_block(front, back, v, sc, y, len(views) > 1)
    lane_bottom = y
    if len(views) > 1:
        y += 16  # room for the label of the periods where the states differ

        if divs is None:
            divs = divergences(views[0].outcome, views[1].outcome)
        for a, b in _merge(divs):
            x1 = sc.x(a)
            x2 = sc.x(b) if b is not None else sc.x(min(as_of, end))
            last = (b - timedelta(days=1)) if b is not None else as_of
            label = f"states differ {a.isoformat()} – {last.isoformat()}"
            back.append(
                f'<g data-mark="divergence" data-from="{a.isoformat()}" data-to="{last.isoformat()}">'
                f'<title>{esc(label)}</title>'
                f'<rect x="{x1:.1f}" y="{lane_top - 4:.1f}" width="{max(x2 - x1, 2):.1f}" '
                f'height="{lane_bottom - lane_top + 20:.1f}" fill="{_DIVERGENCE}" fill-opacity="0.13" '
                f'stroke="{_DIVERGENCE}" stroke-dasharray="4 3"/>'
                f'<text x="{x1 + 3:.1f}" y="{lane_bottom + 11:.1f}" font-size="10.5" fill="{_DIVERGENCE}" '
                f'{_halo()}>{esc(label)}</text></g>')
        if first is None:
            found = compare(views[0].outcome, views[1].outcome, views[0].words,
                            timeline_given=views[0].session.timeline_given)
            if found["first_divergence"]:
                first = (date.fromisoformat(found["first_divergence"]), _divergence_words(found, views))
        if first is not None and sc.start <= first[0] <= sc.end:
            fx = sc.x(first[0])
            label = f"first divergence {first[0].isoformat()}"
            anchor = "end" if fx + _text_width(label, 10.5) + 6 > _W - 2 else "start"
            tx = fx - 3 if anchor == "end" else fx + 3
            front.append(
                f'<g data-mark="first-divergence" data-date="{first[0].isoformat()}">'
                f'<title>{esc(label + ": " + first[1])}</title>'
                f'<line x1="{fx:.1f}" y1="{lane_top - 4:.1f}" x2="{fx:.1f}" y2="{lane_bottom + 16:.1f}" '
                f'stroke="{_DIVERGENCE}" stroke-width="2"/>'
                f'<text x="{tx:.1f}" y="{lane_top + 6:.1f}" font-size="10.5" font-weight="600" fill="{_DIVERGENCE}" '
                f'text-anchor="{anchor}" {_halo()}>{esc(label)}</text></g>')

    y = _events_block(front, primary, sc, y + 6, as_of)
    y = _norms_block(front, primary, sc, y + 6, as_of)
    y = _legend(front, y + 10, len(views) > 1)
    height = y + 6

    # Grid lines and the report date over the full height.
    for yr in ticks:
        x = sc.fx(date(yr, 1, 1))
        back.insert(0, f'<line x1="{x}" y1="{axis_y + 4:.1f}" x2="{x}" y2="{height - 40:.1f}" stroke="#e6e6e6" '
                       'stroke-width="1" aria-hidden="true"/>')
    if as_of <= end and not cursor:
        x = sc.fx(as_of)
        front.append(f'<g data-mark="report-date" data-date="{as_of.isoformat()}">'
                     f'<title>report date {as_of.isoformat()}: states are shown as of this day</title>'
                     f'<line x1="{x}" y1="{axis_y + 4:.1f}" x2="{x}" y2="{height - 40:.1f}" stroke="{_INK}" '
                     f'stroke-width="1.2" stroke-dasharray="2 3"/>'
                     f'<text x="{x}" y="{axis_y - 12:.1f}" font-size="10.5" fill="{_INK}" text-anchor="middle" '
                     f'{_halo()}>as of {as_of.isoformat()}</text></g>')
    if cursor:
        front.append(f'<g id="chart-cursor" data-mark="cursor"><line x1="{_LEFT}" y1="{axis_y + 4:.1f}" x2="{_LEFT}" '
                     f'y2="{height - 40:.1f}" stroke="#d81b60" stroke-width="2"/></g>')
    name = title or f"Timeline of {primary.treaty.short_title or primary.treaty.title}"
    desc = (f"Chart from {start.isoformat()} to {end.isoformat()}: the treaty's key dates, terms and notice "
            "windows, the events of the timeline and every norm instance coloured by its state. "
            "The same facts are listed in the tables below the chart.")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline-chart" viewBox="0 0 {_W} {height:.0f}" '
        f'width="100%" role="group" aria-labelledby="chart-title chart-desc" font-family="system-ui, -apple-system, '
        f'Segoe UI, Roboto, Helvetica, Arial, sans-serif" data-start="{start.isoformat()}" '
        f'data-end="{end.isoformat()}" data-x0="{_LEFT}" data-x1="{_RIGHT}" data-width="{_W}">'
        f'<title id="chart-title">{esc(name)}</title><desc id="chart-desc">{esc(desc)}</desc>'
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f2c94c"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#8a6d00" stroke-width="2"/></pattern></defs>'
        + "".join(back) + "".join(front) + "</svg>"
    )


def _treaty_block(front: list[str], back: list[str], v: View, sc: _Scale, y: float, named: bool) -> float:
    lc = v.outcome.lifecycle
    reading = esc(v.label)
    marks = [m for m in v.marks if sc.start <= m.date <= sc.end]
    # Labels: two lines each, stacked in rows so that none overlap.
    extents: list[tuple[float, float]] = []
    anchors: list[str] = []
    for m in marks:
        x = sc.x(m.date)
        w = max(_text_width(m.name), _text_width(m.date.isoformat())) + 8
        if x + w > _W - 2:
            extents.append((x - w, x))
            anchors.append("end")
        else:
            extents.append((x, x + w))
            anchors.append("start")
    rows = _stack(extents)
    nrows = max(rows) + 1 if rows else 0
    row_h = 27.0
    title_h = 16.0
    top = y
    front.append(f'<text x="8" y="{top + 12:.1f}" font-size="12" font-weight="600" fill="{_INK}">'
                 f'{"Treaty — reading " + reading if named else "Treaty"}</text>')
    labels_top = top + title_h
    bar_y = labels_top + nrows * row_h + 4
    bar_h = 18.0
    notice_y = bar_y + bar_h + 4
    notice_h = 12.0
    bottom = notice_y + notice_h

    # Bars: before entry into force, the terms, later extensions.
    if lc.signed_on is not None and sc.start <= lc.signed_on:
        pre_end = lc.entry_into_force or min(v.outcome.as_of, sc.end)
        x1, x2 = sc.x(lc.signed_on), sc.x(pre_end)
        if x2 > x1:
            colour, _ = _colour("signed")
            front.append(f'<rect x="{x1:.1f}" y="{bar_y + 5:.1f}" width="{x2 - x1:.1f}" height="{bar_h - 10:.1f}" '
                         f'fill="{colour}"><title>signed, not yet in force: {lc.signed_on} – {pre_end}</title></rect>')
    front.append(f'<text x="8" y="{bar_y + 13:.1f}" font-size="11" fill="{_MUTED}">terms</text>')
    for term in lc.terms:
        t_end = term.end if term.end is not None else min(v.outcome.as_of, sc.end)
        if lc.ends_on is not None:
            t_end = min(t_end, lc.ends_on)
        x1, x2 = sc.x(term.start), sc.x(t_end)
        fill = _TERM if term.number == 0 else _EXTENSION
        name = term_words(term.number)
        tip = f"{name}: {term.start} – {t_end}" + (" (first day out of force)" if term.end is not None else "")
        label = f"{name} {term.start.year}–{t_end.year}"
        front.append(f'<g data-mark="term" data-term="{term.number}" data-from="{term.start.isoformat()}" '
                     f'data-to="{t_end.isoformat()}" data-reading="{reading}"><title>{esc(tip)}</title>'
                     f'<rect x="{x1:.1f}" y="{bar_y:.1f}" width="{max(x2 - x1, 1):.1f}" height="{bar_h:.1f}" '
                     f'fill="{fill}"/>' + _bar_text(label, x1, x2, bar_y + 13, "#ffffff") + "</g>")
        if term.notice_deadline is not None and (lc.ends_on is None or term.start < lc.ends_on):
            n1, n2 = sc.x(term.start), sc.x(term.notice_deadline)
            tip = (f"notice window of the {name}: {term.start} – {term.notice_deadline} "
                   "(a notice in this window stops the next extension)")
            front.append(f'<g data-mark="notice-window" data-term="{term.number}" data-from="{term.start.isoformat()}" '
                         f'data-to="{term.notice_deadline.isoformat()}" data-reading="{reading}">'
                         f'<title>{esc(tip)}</title><rect x="{n1:.1f}" y="{notice_y:.1f}" '
                         f'width="{max(n2 - n1, 1):.1f}" height="{notice_h:.1f}" fill="{_NOTICE}" fill-opacity="0.55"/>'
                         + _bar_text(f"notice window to {term.notice_deadline.isoformat()}", n1, n2, notice_y + 9.5,
                                     _INK, size=9.5) + "</g>")
    front.append(f'<text x="8" y="{notice_y + 10:.1f}" font-size="11" fill="{_MUTED}">notice windows</text>')
    extensions = [x for x in v.extensions if x.start <= sc.end]
    for ext in extensions:
        x1, x2 = sc.x(ext.start), sc.x(ext.end)
        if ext.kind == "possible":
            tip = (f"possible extension {ext.start} – {ext.end}: follows unless a party gives timely notice"
                   + (f" by {ext.notice_deadline}" if ext.notice_deadline else ""))
        else:
            tip = f"the extension {ext.start} – {ext.end} that the timely notice averted"
        kind = "possible-extension" if ext.kind == "possible" else "averted-extension"
        stroke = _EXTENSION if ext.kind == "possible" else _MUTED
        front.append(f'<g data-mark="{kind}" data-from="{ext.start.isoformat()}" data-to="{ext.end.isoformat()}" '
                     f'data-reading="{reading}"><title>{esc(tip)}</title><rect x="{x1:.1f}" y="{bar_y + 1:.1f}" '
                     f'width="{max(x2 - x1, 1):.1f}" height="{bar_h - 2:.1f}" fill="#ffffff" stroke="{stroke}" '
                     'stroke-width="1.5" stroke-dasharray="5 3"/>')
        if ext.notice_deadline is not None:
            n2 = sc.x(ext.notice_deadline)
            front.append(f'<rect x="{x1:.1f}" y="{notice_y:.1f}" width="{max(n2 - x1, 1):.1f}" height="{notice_h:.1f}" '
                         f'fill="{_NOTICE}" fill-opacity="0.2" stroke="{_NOTICE}" stroke-dasharray="3 2">'
                         f"<title>{esc(f'notice window of the possible extension: {ext.start} – ')}"
                         f"{esc(ext.notice_deadline)}</title></rect>")
        front.append("</g>")
    if extensions:
        first, last = extensions[0], extensions[-1]
        if first.kind == "possible":
            name = "possible extension" + ("s" if len(extensions) > 1 else "")
        else:
            name = "averted extension"
        front.append(_bar_text(name, sc.x(first.start), sc.x(last.end), bar_y + 13, _INK, spill=True))

    # Marks: a guide from the label down through the bars.
    for m, row, anchor in zip(marks, rows, anchors, strict=True):
        x = sc.x(m.date)
        ly = labels_top + (nrows - 1 - row) * row_h
        tx = x + 3 if anchor == "start" else x - 3
        colour = _DIVERGENCE if m.kind in ("expiry", "termination") else _INK
        dash = "" if m.certain else ' stroke-dasharray="3 2"'
        certain = "" if m.certain else " (not yet certain)"
        front.append(
            f'<g class="mark" data-mark="{esc(m.kind)}" data-date="{m.date.isoformat()}" data-reading="{reading}" '
            f'data-certain="{"true" if m.certain else "false"}">'
            f'<title>{esc(f"{m.name} {m.date.isoformat()}: {m.detail}{certain}")}</title>'
            f'<line x1="{x:.1f}" y1="{ly + 2:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{colour}" '
            f'stroke-width="1"{dash}/>'
            f'<text x="{tx:.1f}" y="{ly + 11:.1f}" font-size="11" font-weight="600" fill="{colour}" '
            f'text-anchor="{anchor}" {_halo()}>{esc(m.name)}</text>'
            f'<text x="{tx:.1f}" y="{ly + 23:.1f}" font-size="11" fill="{colour}" text-anchor="{anchor}" '
            f'{_halo()}>{m.date.isoformat()}</text></g>')
    back.append(f'<line x1="0" y1="{bottom + 6:.1f}" x2="{_W}" y2="{bottom + 6:.1f}" stroke="#dddddd" '
                'aria-hidden="true"/>')
    return bottom + 10


def _bar_text(text: str, x1: float, x2: float, y: float, fill: str, size: float = 11, spill: bool = False) -> str:
    """A label inside a bar when it fits; else after the bar (``spill``), shortened, or none (the bar's
    tooltip and the tables carry it)."""
    if spill and _text_width(text, size) + 12 > x2 - x1:
        w = _text_width(text, size)
        if x2 + 4 + w <= _W - 2:
            return (f'<text x="{x2 + 4:.1f}" y="{y:.1f}" font-size="{size}" fill="{_INK}" {_halo()} '
                    f'pointer-events="none">{esc(text)}</text>')
    if _text_width(text, size) + 12 > x2 - x1:
        short = text.split(" ")[0]
        if _text_width(short, size) + 8 > x2 - x1:
            return ""
        text = short
    return (f'<text x="{x1 + 6:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" '
            f'pointer-events="none">{esc(text)}</text>')


def _event_tip(v: View, e: Event, as_of: date) -> str:
    parts = [v.words.event(e.id)]
    if e.title:  # a title of its own: say also what kind of event it is, and who took part
        parts.append(event_description(e, v.words.names))
    if e.source:
        parts.append(f"source: {e.source}")
    if e.note:
        parts.append(f"note: {e.note}")
    if e.date > as_of:
        parts.append("after the report date: not used")
    return "\n".join(parts)


def _events_block(front: list[str], v: View, sc: _Scale, y: float, as_of: date) -> float:
    events = list(v.events)
    front.append(f'<text x="8" y="{y + 12:.1f}" font-size="12" font-weight="600" fill="{_INK}">Events</text>')
    if not events:
        front.append(f'<text x="{_LEFT}" y="{y + 12:.1f}" font-size="11" fill="{_MUTED}">no events</text>')
        return y + 24
    extents = []
    for e in events:
        x = sc.x(e.date)
        label = _chart_label(v, e)
        extents.append((x - 5, x + 5 + _text_width(label, 10)))
    rows = _stack(extents, gap=2)
    row_h = 18.0
    top = y + 4
    for e, row in zip(events, rows, strict=True):
        x = sc.x(e.date)
        cy = top + row * row_h + 9
        used = e.date <= as_of
        own = e.treaty == v.treaty.id
        colour = _TERM if own else "#444444"
        fill = colour if used else "#ffffff"
        if e.date < sc.start:
            shape = (f'<path d="M{x - 5:.1f},{cy:.1f} L{x + 3:.1f},{cy - 5:.1f} L{x + 3:.1f},{cy + 5:.1f} Z" '
                     f'fill="{fill}" stroke="{colour}" stroke-width="1.5"/>')
        elif own:
            shape = (f'<path d="M{x:.1f},{cy - 6:.1f} L{x + 6:.1f},{cy:.1f} L{x:.1f},{cy + 6:.1f} '
                     f'L{x - 6:.1f},{cy:.1f} Z" '
                     f'fill="{fill}" stroke="{colour}" stroke-width="1.5"/>')
        else:
            shape = f'<circle cx="{x:.1f}" cy="{cy:.1f}" r="4.5" fill="{fill}" stroke="{colour}" stroke-width="1.5"/>'
        name = v.words.event(e.id) + ("" if used else " (after the report date: not used)")
        front.append(
            f'<g class="event" data-event="{esc(e.id)}" data-date="{e.date.isoformat()}" data-type="{esc(e.type)}" '
            f'data-used="{"true" if used else "false"}" role="img" aria-label="{esc(name)}" tabindex="0">'
            f'<title>{esc(_event_tip(v, e, as_of))}</title>{shape}'
            f'<text x="{x + 7:.1f}" y="{cy + 4:.1f}" font-size="10" fill="{_MUTED}">{esc(_chart_label(v, e))}'
            "</text></g>")
    return top + (max(rows) + 1) * row_h + 6


def _chart_label(v: View, e: Event) -> str:
    """An event's name on the chart: its title without the date (the axis gives it), cut short."""
    text = v.words.event(e.id, with_date=False)
    return text if len(text) <= 24 else text[:23].rstrip() + "…"


def _instance_segments(inst: NormInstance, until: date) -> list[tuple[date, date, str]]:
    """(from, to, state) pieces of an instance's life; the last piece reaches ``until`` while the
    state is open (or violated), and stops at the change into any other final state."""
    hist = [c for c in inst.history if c.after != "—"]
    out = []
    for i, c in enumerate(hist):
        nxt = hist[i + 1].date if i + 1 < len(hist) else None
        if nxt is None:
            if c.after in ("active", "held", "violated"):
                nxt = max(until, c.date)
            else:
                continue  # a final state: drawn as the cap at its date
        if nxt > c.date or c.after in ("active", "held"):
            out.append((c.date, nxt, c.after))
    return out


def _norms_block(front: list[str], v: View, sc: _Scale, y: float, as_of: date) -> float:
    o = v.outcome
    lc = o.lifecycle
    until = min(as_of, lc.ends_on) if lc.ends_on is not None else as_of
    front.append(f'<text x="8" y="{y + 12:.1f}" font-size="12" font-weight="600" fill="{_INK}">Norms</text>')
    y += 18
    row_h = 22.0
    if not o.instances and not any(c.verdict == "undetermined" for c in o.trigger_checks):
        front.append(f'<text x="{_LEFT}" y="{y + 12:.1f}" font-size="11" fill="{_MUTED}">no norm in effect '
                     f'as of {as_of.isoformat()}</text>')
        return y + row_h
    for inst in o.instances:
        final = inst.state
        fill, _ = _colour(final)
        duty = v.words.instance(inst)
        short = f"{v.words.names.bearer(inst.bearer)}: {v.words.labels.get(inst.norm, inst.norm)}"
        label = short if len(short) <= 30 else short[:29] + "…"
        last_change = inst.history[-1].date if inst.history else inst.created_on
        front.append(f'<g class="norm-row" data-instance="{esc(inst.id)}" data-state="{esc(final)}">'
                     f'<text x="8" y="{y + 14:.1f}" font-size="11" fill="{_INK}"><title>{esc(duty)}</title>'
                     f'{esc(label)}</text>')
        if inst.trigger_event is not None:
            # A triggered duty: one bar from the trigger to the outcome, coloured by its final state.
            stop = last_change if final not in ("active", "held", "violated") else max(until, inst.created_on)
            if final == "violated":
                stop = last_change
            x1, x2 = sc.x(inst.created_on), sc.x(stop)
            tip = f"{duty}: triggered {inst.created_on}" + (f", deadline {inst.deadline}" if inst.deadline else "")
            tip += f"; {final}" + (f" on {last_change}" if final not in ("active", "held") else "")
            pattern = "url(#hatch)" if final == "undetermined" else fill
            front.append(f'<g data-duty="{esc(inst.id)}" data-from="{inst.created_on.isoformat()}" '
                         f'data-to="{stop.isoformat()}" data-state="{esc(final)}"><title>{esc(tip)}</title>'
                         f'<rect x="{x1:.1f}" y="{y + 3:.1f}" width="{max(x2 - x1, 4):.1f}" height="15" '
                         f'fill="{pattern}" '
                         f'stroke="{fill}"/></g>')
            end_x = max(x2, x1 + 4)
        else:
            end_x = sc.x(inst.created_on)
            for a, b, state in _instance_segments(inst, until):
                f2, _ = _colour(state)
                x1, x2 = sc.x(a), sc.x(b)
                tip = f"{duty}: {state} {a} – {b}"
                front.append(f'<rect x="{x1:.1f}" y="{y + 3:.1f}" width="{max(x2 - x1, 1):.1f}" height="15" '
                             f'fill="{f2}" data-state="{esc(state)}"><title>{esc(tip)}</title></rect>')
                end_x = max(end_x, x2)
        for f in inst.findings:
            if f.verdict not in ("undetermined", "breached", "late"):
                continue
            fx = sc.x(f.date)
            sym, col = ("?", "#8a6d00") if f.verdict == "undetermined" else ("×", "#ffffff")
            bg = "#f2c94c" if f.verdict == "undetermined" else _colour("violated")[0]
            front.append(f'<g class="finding" data-verdict="{esc(f.verdict)}" data-date="{f.date.isoformat()}">'
                         f'<title>{esc(f"{f.date}: {f.verdict} — {v.words.finding(f)}")}</title>'
                         f'<circle cx="{fx:.1f}" cy="{y + 10.5:.1f}" r="6" fill="{bg}" stroke="#ffffff"/>'
                         f'<text x="{fx:.1f}" y="{y + 14.5:.1f}" font-size="10" font-weight="700" fill="{col}" '
                         f'text-anchor="middle">{sym}</text></g>')
        state_text = final if final in ("active", "held") else f"{final} {inst.since.isoformat()}"
        tw = _text_width(state_text, 10.5)
        if end_x + 6 + tw > _W - 2:
            tx, anchor = end_x - 6, "end"
        else:
            tx, anchor = end_x + 6, "start"
        swatch = "url(#hatch)" if final == "undetermined" else fill
        front.append(f'<rect x="{(tx if anchor == "start" else tx - tw - 12):.1f}" y="{y + 6:.1f}" width="9" '
                     f'height="9" fill="{swatch}" stroke="#ffffff"/>'
                     f'<text x="{(tx + 12 if anchor == "start" else tx - 0):.1f}" y="{y + 14.5:.1f}" font-size="10.5" '
                     f'fill="{_INK}" text-anchor="{anchor}" {_halo()}>{esc(state_text)}</text></g>')
        y += row_h
    # Possible triggers the record cannot settle.
    by_norm: dict[str, list[TriggerCheck]] = {}
    for c in o.trigger_checks:
        if c.verdict == "undetermined":
            by_norm.setdefault(c.norm, []).append(c)
    for norm_id in sorted(by_norm):
        label = f"{v.words.labels.get(norm_id, norm_id)}: trigger?"
        label = label if len(label) <= 30 else label[:29] + "…"
        front.append(f'<g class="norm-row" data-norm="{esc(norm_id)}" data-state="trigger-undetermined">'
                     f'<text x="8" y="{y + 14:.1f}" font-size="11" fill="{_INK}">{esc(label)}</text>')
        for c in by_norm[norm_id]:
            fx = sc.x(c.date)
            tip = (f"{c.date}: {v.words.event(c.event)} may have set off {v.words.norm(c.norm)}; "
                   + v.words.check(c))
            front.append(f'<g class="finding" data-verdict="trigger-undetermined" data-date="{c.date.isoformat()}">'
                         f'<title>{esc(tip)}</title><rect x="{fx - 6:.1f}" y="{y + 4.5:.1f}" width="12" height="12" '
                         f'fill="url(#hatch)" stroke="#8a6d00"/><text x="{fx:.1f}" y="{y + 14.5:.1f}" font-size="10" '
                         f'font-weight="700" fill="#222222" text-anchor="middle">?</text></g>')
        front.append("</g>")
        y += row_h
    return y


def _legend(front: list[str], y: float, compare: bool) -> float:
    items: list[tuple[str, str]] = []  # (swatch svg at 0,0, label)

    def box(fill: str, extra: str = "") -> str:
        return f'<rect x="0" y="-9" width="14" height="10" fill="{fill}"{extra}/>'

    for state, label in (("active", "active / held"), ("fulfilled", "fulfilled / exercised"),
                         ("violated", "violated"), ("discharged", "discharged"), ("expired", "expired")):
        items.append((box(_colour(state)[0]), label))
    items.append((box("url(#hatch)"), "undetermined"))
    items.append((box(_TERM), "first term"))
    items.append((box(_EXTENSION), "extension"))
    items.append((box("#ffffff", f' stroke="{_EXTENSION}" stroke-dasharray="4 2"'), "possible / averted extension"))
    items.append((box(_NOTICE, ' fill-opacity="0.55"'), "notice window"))
    items.append((f'<path d="M7,-10 L13,-4 L7,2 L1,-4 Z" fill="{_TERM}"/>', "act under the treaty"))
    items.append(('<circle cx="7" cy="-4" r="4.5" fill="#444444"/>', "other event"))
    items.append(('<circle cx="7" cy="-4" r="4.5" fill="#ffffff" stroke="#444444" stroke-width="1.5"/>',
                  "after the report date"))
    items.append((f'<circle cx="7" cy="-4" r="6" fill="{_colour("violated")[0]}"/>', "breach"))
    if compare:
        items.append((box(_DIVERGENCE, f' fill-opacity="0.2" stroke="{_DIVERGENCE}" stroke-dasharray="3 2"'),
                      "states differ"))
        items.append((f'<line x1="7" y1="-11" x2="7" y2="3" stroke="{_DIVERGENCE}" stroke-width="2"/>',
                      "first divergence"))
    front.append(f'<g class="legend"><text x="8" y="{y + 12:.1f}" font-size="12" font-weight="600" '
                 f'fill="{_INK}">Legend</text>')
    x, row_y = float(_LEFT), y + 12
    for swatch, label in items:
        w = 20 + _text_width(label, 11) + 14
        if x + w > _W - 4:
            x, row_y = float(_LEFT), row_y + 18
        front.append(f'<g transform="translate({x:.1f},{row_y:.1f})">{swatch}'
                     f'<text x="19" y="0" font-size="11" fill="{_INK}">{esc(label)}</text></g>')
        x += w
    front.append("</g>")
    return row_y + 10


# ---------------------------------------------------------------------------------------------
# The page


# On a phone (the report and the explorer alike): the summary wraps, the chart and wide tables scroll in
# their boxes, and a table marked `stack` shows each row as a card, its cells named by data-label.
_PHONE = """
  .summary { grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); }
  .chart svg { min-width: 760px; }
  .table-box > table:not(.stack) { width: max-content; min-width: 100%; max-width: 760px; }
  table.stack, table.stack tbody, table.stack tr, table.stack td, table.stack caption { display: block; }
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stack tr { border: 1px solid var(--line); border-radius: 6px; margin-bottom: 0.6rem; }
  table.stack td { border: none; border-top: 1px solid var(--line); }
  table.stack td:first-child { border-top: none; }
  table.stack td[data-label]::before { content: attr(data-label); display: block; font-size: 0.78rem;
    color: var(--muted); }
"""

_CSS = """
:root { --ink: #222; --muted: #5f5f5f; --line: #d9d9d9; --bg: #fff; --soft: #f6f7f9; --accent: #1f5f99; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: var(--ink); background: var(--bg); }
main { max-width: 1240px; margin: 0 auto; padding: 1.2rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: 0.2rem 0 0.3rem; line-height: 1.25; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 0 0 0.4rem; }
.subtitle { color: var(--muted); margin: 0 0 0.8rem; }
nav.toc { font-size: 0.9rem; margin: 0.6rem 0 0; }
nav.toc a { margin-right: 1rem; }
a { color: var(--accent); }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.15rem 1rem; margin: 0.4rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 0.6rem; margin: 0.6rem 0; }
.summary div { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 0.45rem 0.7rem; }
.summary .k { display: block; font-size: 0.8rem; color: var(--muted); }
.summary .v { font-weight: 600; }
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 0.8rem; font-size: 0.82rem;
  font-weight: 600; white-space: nowrap; border: 1px solid rgba(0,0,0,0.15); }
.chart { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 0.4rem; background: #fff;
  max-width: 100%; }
.chart .event:focus { outline: 2px solid var(--accent); }
.table-box { overflow-x: auto; max-width: 100%; }
.chart svg { min-width: 900px; display: block; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid var(--line); padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
td { overflow-wrap: break-word; }
thead th { background: var(--soft); }
td.date, th.date { white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.differs td { background: #fff3e6; }
.why ol { margin: 0; padding-left: 1.1rem; }
.why li { margin-bottom: 0.25rem; }
.src { color: var(--muted); font-size: 0.85em; }
code { font-size: 0.86em; background: var(--soft); padding: 0 0.2rem; border-radius: 3px; overflow-wrap: anywhere; }
blockquote { margin: 0; padding: 0.3rem 0.7rem; border-left: 3px solid var(--line); color: #333;
  background: var(--soft); }
.article { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.2rem;
  padding: 1rem 0; border-bottom: 1px solid var(--line); }
.article .text p { margin: 0 0 0.7rem; }
.article aside { font-size: 0.9rem; }
.norm { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 0.7rem; margin-bottom: 0.6rem;
  background: var(--soft); }
.norm h4 { margin: 0 0 0.25rem; font-size: 0.95rem; }
.norm ul { margin: 0.3rem 0 0; padding-left: 1.1rem; }
.norm p { margin: 0.2rem 0; }
.muted { color: var(--muted); }
.readings li { margin-bottom: 0.3rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.85rem; }
@media (max-width: 820px) { .article { grid-template-columns: 1fr; } }
/* A phone: nothing is wider than the screen; the chart and the wide tables scroll inside their own boxes. */
@media (max-width: 600px) {
  main { padding: 0.8rem 0.7rem 2rem; }
  dl.facts { grid-template-columns: minmax(0, 1fr); }
  dl.facts dt { margin-top: 0.3rem; }
{phone}  nav.toc a { display: inline-block; margin: 0 0.8rem 0.2rem 0; }
}
@media print { .chart { overflow: visible; } .chart svg { min-width: 0; } }
""".replace("{phone}", _PHONE.lstrip("\n"))


def phone_css() -> str:
    """The rules a page needs on a phone's screen that the explorer shares with the report."""
    return "@media (max-width: 600px) {\n" + _PHONE.lstrip("\n") + "}"


def badge_css() -> str:
    rules = []
    for state, (bg, ink) in STATE_COLOURS.items():
        rules.append(f".st-{_slug(state)} {{ background: {bg}; color: {ink}; }}")
    rules.append(".st-absent { background: #ffffff; color: #5f5f5f; border-style: dashed; }")
    rules.append(".st-differs { background: #fff3e6; color: #8a3b00; border-color: #e8590c; }")
    rules.append(".st-undetermined { background-image: repeating-linear-gradient(45deg, transparent 0 4px, "
                 "rgba(138,109,0,0.25) 4px 6px); }")
    return "\n".join(rules)


def badge(state: str, text: str | None = None) -> str:
    return f'<span class="badge st-{_slug(state)}" data-state="{esc(state)}">{esc(text or state)}</span>'


def _event_line(v: View, eid: str) -> str:
    e = v.event_by_id.get(eid)
    if e is None:
        return f"<code>{esc(eid)}</code>"
    out = (f'<span class="date">{e.date.isoformat()}</span> <strong data-event="{esc(e.id)}">'
           f"{esc(v.words.event(e.id, with_date=False))}</strong>")
    if e.source:
        out += f' <span class="src">— source: {esc(e.source)}</span>'
    return out


def _trigger_words(norm: Norm) -> str:
    """What sets a norm off, in words: its trigger's ``says``, else its event types."""
    if norm.trigger is None:
        return ""
    on = norm.trigger.on if isinstance(norm.trigger.on, list) else [norm.trigger.on]
    return norm.trigger.says or "a " + listing([type_words(t) for t in on], "or")


def _rule_words(name: str, said: str, when: str | None) -> str:
    """A rule as words; its condition as written rides along as the tooltip (never the main text)."""
    tip = f' title="{esc(" ".join(when.split()))}"' if when else ""
    return f'{esc(name)}: <span class="rule"{tip}>{esc(said)}</span>'


def _norm_by_id(t: Treaty) -> dict[str, Norm]:
    return {n.id: n for n in t.norms}


_READING_CALL = re.compile(r"reading\(\s*['\"]([\w.-]+)['\"]\s*\)")
_READING_REF = re.compile(r'"reading"\s*:\s*"([\w.-]+)"')


def _choice(v: View, p: ReadingPoint) -> tuple[str, str]:
    """The option the view's reading chooses at a reading point, and what it says."""
    chosen = v.outcome.choices.get(p.id, p.default)
    opt = p.options.get(chosen)
    return chosen, opt.says if opt else ""


def _reading_points(v: View, norm: Norm | None, article: str | None) -> list[tuple[str, str, str]]:
    """(point, chosen option, what it says) for the reading points a norm or article depends on."""
    names: set[str] = set()
    if norm is not None:
        dump = norm.model_dump_json(by_alias=True)
        names |= set(_READING_CALL.findall(dump)) | set(_READING_REF.findall(dump))
    return [(p.id, *_choice(v, p)) for p in v.treaty.readings
            if p.id in names or (article is not None and p.article == article and norm is None)]


def _pattern_for(norm: Norm, event: Event | None, says: str) -> tuple[str, str | None] | None:
    """The rule (list name, condition) of a norm that an act was weighed by."""
    groups = (("fulfilled_by", norm.fulfilled_by), ("violated_by", norm.violated_by),
              ("honoured_by", norm.honoured_by), ("discharged_by", norm.discharged_by))
    for name, patterns in groups:
        for p in patterns:
            if event is not None and p.on != event.type:
                continue
            if p.says and not says.startswith(p.says):
                continue
            return name, p.when
    return None


def article_paragraphs(a: Article) -> list[str]:
    """The article's paragraphs, without the Markdown article marker."""
    text = re.sub(r"^\s*\*\*\s*Article\s+[IVXLC\d]+\s*\.?\s*\*\*\s*", "", a.text)
    text = re.sub(r"^#{1,6}\s+Article\s+[IVXLC\d]+\b[^\n]*\n", "", text)
    paras: list[str] = []
    for p in (p.strip() for p in re.split(r"\n\s*\n", text)):
        if not p:
            continue
        # A paragraph break inside a sentence (a break in the source's layout) is joined again.
        if paras and not re.search(r"[.;:!?\"\u201d)\]]\s*$", paras[-1]) and not p.startswith(("#", "-", "*", ">")):
            paras[-1] = f"{paras[-1]} {p}"
        else:
            paras.append(p)
    return paras


def _excerpt(t: Treaty, article: str | None, paragraph: int | None, limit: int = 420) -> str:
    if article is None:
        return ""
    a = t.article(article)
    if a is None:
        return ""
    paras = article_paragraphs(a)
    text = paras[paragraph - 1] if paragraph and 0 < paragraph <= len(paras) else " ".join(paras)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return text


def _inline(text: str) -> str:
    """Escaped text with Markdown bold and italics as markup (applied after escaping)."""
    out = esc(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", out)
    return out


def _article_label(a: Article | None, aid: str | None) -> str:
    if aid is None:
        return ""
    if aid == "preamble":
        return "Preamble"
    if aid == "final":
        return "Final clause"
    return a.heading if a is not None else f"Article {aid}"


def _explain_rows(v: View) -> list[str]:
    """Rows of the duties table: every duty triggered, fulfilled, violated or undetermined."""
    o = v.outcome
    t = v.treaty
    norms = _norm_by_id(t)
    rows: list[str] = []
    notable = ("fulfilled", "violated", "undetermined", "exercised", "discharged")
    for inst in o.instances:
        verdicts = {f.verdict for f in inst.findings}
        if inst.trigger_event is None and inst.state not in notable and not verdicts & {
                "breached", "undetermined", "fulfilled", "late", "exercised", "discharged"}:
            continue
        norm = norms.get(inst.norm)
        steps: list[tuple[date, str]] = []
        rules: list[str] = []
        for c in inst.history:
            if c.before == "—" and not c.events:
                steps.append((c.date, f'<li><span class="date">{c.date.isoformat()}</span> in effect: '
                                      f"{esc(v.words.because(c))}</li>"))
                continue
            evs = "; ".join(_event_line(v, e) for e in c.events)
            steps.append((c.date, f'<li><span class="date">{c.date.isoformat()}</span> {esc(c.before)} → '
                                  f'<strong>{esc(c.after)}</strong>: {esc(v.words.because(c))}'
                                  + (f"<br>{evs}" if evs else "") + "</li>"))
        for f in inst.findings:
            if f.verdict in ("undetermined", "late"):
                steps.append((f.date, f'<li><span class="date">{f.date.isoformat()}</span> {badge(f.verdict)} '
                                      f"{esc(v.words.finding(f))}<br>{_event_line(v, f.event)}</li>"))
        steps.sort(key=lambda s: s[0])  # stable: on one day, changes before findings
        if norm is not None:
            if inst.trigger_event and norm.trigger is not None and norm.trigger.when:
                rules.append(_rule_words("triggered by", _trigger_words(norm), norm.trigger.when))
            seen_rules: set[str] = set()
            for f in inst.findings:
                found = _pattern_for(norm, v.event_by_id.get(f.event), f.says)
                if found is None:
                    continue
                name, when = found
                act = f.act or (type_words(v.event_by_id[f.event].type) if f.event in v.event_by_id else "an act")
                text = _rule_words(name.replace("_", " "), act, when)
                if text not in seen_rules:
                    seen_rules.add(text)
                    rules.append(text)
            if inst.deadline is not None:
                rules.append(f"deadline: {inst.deadline.isoformat()} (last day)")
        points = _reading_points(v, norm, inst.article)
        if points:
            rules.append("reading: " + "; ".join(f"<code>{esc(p)}={esc(c)}</code> ({esc(s)})" for p, c, s in points))
        last = inst.since  # the day it entered its present state
        a = t.article(inst.article) if inst.article else None
        where = _article_label(a, inst.article) + (f", paragraph {inst.paragraph}" if inst.paragraph else "")
        rows.append(
            f'<tr data-instance="{esc(inst.id)}" data-state="{esc(inst.state)}">'
            f'<td><strong>{esc(v.words.instance(inst))}</strong><br><span class="muted">{esc(inst.kind)}; '
            f"{esc(v.words.names.sentence(inst.bearer))} → {esc(v.words.names.sentence(inst.counterparty))}</span></td>"
            f'<td>{badge(inst.state)}<br><span class="date">{last.isoformat()}</span></td>'
            f'<td class="why"><ol>{"".join(h for _, h in steps)}</ol></td>'
            f'<td><strong>{esc(capital(v.words.labels.get(inst.norm, inst.norm)))}</strong>: {esc(inst.summary)}'
            + "".join(f"<br>{r}" for r in rules) + "</td>"
            f"<td><strong>{esc(where)}</strong><blockquote>{esc(_excerpt(t, inst.article, inst.paragraph))}"
            "</blockquote></td></tr>")
    for check in o.trigger_checks:
        if check.verdict != "undetermined":
            continue
        rows.append(_trigger_row(v, check, norms.get(check.norm)))
    return rows


def _trigger_row(v: View, c: TriggerCheck, norm: Norm | None) -> str:
    """A row for an event that may have triggered a norm, when the record cannot say."""
    t = v.treaty
    rule = ""
    if norm is not None and norm.trigger is not None and norm.trigger.when:
        rule = "<br>" + _rule_words("triggered by", _trigger_words(norm), norm.trigger.when)
    points = _reading_points(v, norm, norm.article if norm else None)
    if points:
        rule += "<br>reading: " + "; ".join(f"<code>{esc(p)}={esc(ch)}</code>" for p, ch, _ in points)
    aid = norm.article if norm else None
    a = t.article(aid) if aid else None
    label = capital(v.words.norm(c.norm, aid))
    return (
        f'<tr data-norm="{esc(c.norm)}" data-state="trigger-undetermined">'
        f'<td><strong>{esc(label)}</strong><br><span class="muted">possible trigger</span></td>'
        f'<td>{badge("undetermined", "undetermined trigger")}<br><span class="date">{c.date.isoformat()}</span></td>'
        f'<td class="why"><ol><li>{_event_line(v, c.event)}<br>{esc(v.words.check(c))}'
        "</li></ol></td>"
        f'<td><strong>{esc(capital(v.words.labels.get(c.norm, c.norm)))}</strong>: '
        f'{esc(norm.summary if norm else "")}{rule}</td>'
        f"<td><strong>{esc(_article_label(a, aid))}</strong><blockquote>"
        f"{esc(_excerpt(t, aid, norm.paragraph if norm else None))}</blockquote></td></tr>")


def _norm_card(v: View, norm: Norm) -> str:
    o = v.outcome
    insts = [i for i in o.instances if i.norm == norm.id]
    cnorm = next((c for c in v.session.compiled.norms if c.id == norm.id), None)
    parts = [f'<div class="norm" data-norm="{esc(norm.id)}"><h4>{esc(capital(v.words.labels.get(norm.id, norm.id)))} '
             f'<span class="muted">({esc(norm.kind)}, {esc(norm.category.replace("_", " "))})</span></h4>'
             f"<p>{esc(norm.summary)}</p>"]
    if cnorm is not None and not cnorm.exists:
        parts.append(f'<p>{badge("absent", "does not apply under this reading")}</p>')
    elif insts:
        parts.append("<ul>")
        for i in insts:
            since = i.since
            parts.append(f'<li data-instance="{esc(i.id)}">{esc(v.words.instance(i))}: {badge(i.state)} '
                         f'<span class="muted">since {since.isoformat()}</span></li>')
        parts.append("</ul>")
    else:
        if norm.trigger is not None:
            checks = [c for c in o.trigger_checks if c.norm == norm.id]
            undetermined = sum(1 for c in checks if c.verdict == "undetermined")
            text = f"no instance as of {o.as_of.isoformat()}: set off by " + _trigger_words(norm)
            if undetermined:
                text += f"; {undetermined} possible trigger(s) undetermined"
            elif checks:
                text += f"; {len(checks)} event(s) of that type did not trigger it"
            parts.append(f'<p>{badge("absent", "not present")} <span class="muted">{esc(text)}</span></p>')
        else:
            parts.append(f'<p>{badge("absent", "not in effect")} <span class="muted">'
                         f'{esc("the treaty is not in force as of " + o.as_of.isoformat())}</span></p>')
    parts.append("</div>")
    return "".join(parts)


def _articles_section(v: View) -> str:
    t = v.treaty
    lc_article = v.session.compiled.lifecycle.article
    notice_article = v.session.compiled.lifecycle.notice_article
    out = []
    for a in t.articles:
        paras = "".join(f"<p>{_inline(p)}</p>" for p in article_paragraphs(a))
        aside: list[str] = []
        for norm in t.norms:
            if norm.article == a.id:
                aside.append(_norm_card(v, norm))
        if a.id in (lc_article, notice_article):
            lc = v.outcome.lifecycle
            term = lc.current_term
            bits = [f"<p>The treaty: {badge(lc.state)}</p><ul>"]
            if lc.entry_into_force:
                bits.append(f"<li>entry into force {lc.entry_into_force.isoformat()}</li>")
            if term is not None:
                bits.append(f"<li>{term_words(term.number)}: {term.start.isoformat()} – "
                            f"{term.end.isoformat() if term.end else 'open'}</li>")
            if lc.notice_deadline and (lc.ends_on is None or lc.notice_deadline < lc.ends_on):
                bits.append(f"<li>notice deadline {lc.notice_deadline.isoformat()}</li>")
            if lc.ends_on:
                bits.append(f"<li>ends {lc.ends_on.isoformat()}: {esc(lc.end_reason)}</li>")
            bits.append("</ul>")
            aside.insert(0, '<div class="norm" data-lifecycle="treaty"><h4>Lifecycle</h4>' + "".join(bits) + "</div>")
        points = [p for p in t.readings if p.article == a.id]
        if points:
            items = []
            for p in points:
                chosen, says = _choice(v, p)
                items.append(f"<li><strong>{esc(p.question)}</strong><br>reading <code>{esc(p.id)}={esc(chosen)}"
                             f"</code>: {esc(says)}</li>")
            aside.append('<div class="norm readings"><h4>Readings of this article</h4><ul>' + "".join(items)
                         + "</ul></div>")
        if not aside:
            aside.append('<p class="muted">No norm is modelled in this part of the text.</p>')
        heading = _article_label(a, a.id)
        out.append(f'<section class="article" id="article-{esc(_slug(a.id))}" data-article="{esc(a.id)}">'
                   f'<div class="text"><h3>{esc(heading)}</h3>{paras}</div><aside aria-label="{esc(heading)}: norms">'
                   + "".join(aside) + "</aside></section>")
    if not t.articles:
        out.append('<p class="muted">The model has no text.</p>')
    return "".join(out)


def _events_table(v: View, as_of: date) -> str:
    if not v.events:
        return '<p class="muted">The timeline has no events.</p>'
    rows = []
    for e in v.events:
        attrs = "; ".join(f"{type_words(k)}: {value_words(val, v.words.names)}" for k, val in e.attributes.items())
        note = f'<br><span class="src">note: {esc(e.note)}</span>' if e.note else ""
        used = e.date <= as_of
        rows.append(
            f'<tr data-event="{esc(e.id)}"><td>{esc(v.words.event(e.id, with_date=False))}</td>'
            f'<td class="date">{e.date.isoformat()}</td>'
            f"<td>{esc(type_words(e.type))}</td><td>{esc(v.words.names.many(e.actors, article=False))}</td>"
            f"<td>{esc(v.words.names.many(e.targets, article=False))}</td>"
            f"<td>{esc(attrs)}{note}</td>"
            f"<td>{esc(e.source or '')}</td><td>{'yes' if used else 'no (after the report date)'}</td></tr>")
    return _wrap('<table><caption class="muted">Every event of the timeline; the names match the chart.</caption>'
                 '<thead><tr><th scope="col">Event</th><th scope="col" class="date">Date</th><th scope="col">Type</th>'
                 '<th scope="col">Actors</th><th scope="col">Targets</th><th scope="col">Details</th>'
                 '<th scope="col">Source</th><th scope="col">Used</th></tr></thead><tbody>' + "".join(rows)
                 + "</tbody></table>", stack=True)


def _key_dates_table(views: Sequence[View]) -> str:
    if len(views) == 1:
        rows = []
        for m in views[0].marks:
            rows.append(f'<tr data-key-date="{esc(m.kind)}"><td>{esc(m.name)}</td><td class="date">'
                        f'{m.date.isoformat()}</td><td>{esc(m.detail)}{"" if m.certain else " (not yet certain)"}'
                        "</td></tr>")
        return _wrap('<table><thead><tr><th scope="col">Key date</th><th scope="col" class="date">Date</th>'
                     '<th scope="col">What</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")
    a, b = views[0], views[1]
    ma, mb = a.marks, b.marks
    names: list[tuple[str, str]] = []
    for m in ma + mb:
        if (m.kind, m.name) not in names:
            names.append((m.kind, m.name))

    def dates(ms: Sequence[Mark], key: tuple[str, str]) -> str:
        return ", ".join(m.date.isoformat() for m in ms if (m.kind, m.name) == key) or "—"

    rows = []
    for key in names:
        da, db = dates(ma, key), dates(mb, key)
        differs = da != db
        cls = ' class="differs"' if differs else ""
        rows.append(f'<tr data-key-date="{esc(key[0])}"{cls}>'
                    f'<td>{esc(key[1])}</td><td class="date">{esc(da)}</td><td class="date">{esc(db)}</td>'
                    f'<td>{badge("differs", "differs") if differs else "same"}</td></tr>')
    return _wrap(f'<table><thead><tr><th scope="col">Key date</th><th scope="col" class="date">reading '
                 f'{esc(a.label)}</th><th scope="col" class="date">reading {esc(b.label)}</th>'
                 '<th scope="col">Same?</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")


def _divergence_words(found: dict[str, Any], views: Sequence[View]) -> str:
    """What happens differently on the first day of divergence, in words."""
    a, b = views[0].label, views[1].label
    return "; ".join(f"{d['label']}, {d['aspect']}: {d['a_shown']} under {a}, {d['b_shown']} under {b}"
                     for d in found["first_divergence_detail"])


def _compare_section(views: Sequence[View], divs: Sequence[Divergence], found: dict[str, Any]) -> str:
    a, b = views[0], views[1]
    t = a.treaty
    instances = {i.id: i for i in (*a.outcome.instances, *b.outcome.instances)}
    choices = []
    for p in t.readings:
        ca, cb = a.outcome.choices.get(p.id), b.outcome.choices.get(p.id)
        if ca != cb:
            choices.append(f"<li><strong>{esc(p.question)}</strong> <code>{esc(p.id)}</code>: "
                           f"{esc(ca)} under {esc(a.label)}, {esc(cb)} under {esc(b.label)}</li>")
    out = [f"<p>Reading <strong>{esc(a.label)}</strong> compared with reading <strong>{esc(b.label)}</strong>, "
           f"as of {a.outcome.as_of.isoformat()}.</p>"]
    first = found["first_divergence"]
    if first:
        out.append(f'<p class="first-divergence" data-first-divergence="{esc(first)}">The readings first diverge on '
                   f'<strong class="date">{esc(first)}</strong>: {esc(_divergence_words(found, views))}.</p>')
    elif not found["same"]:
        out.append('<p class="first-divergence" data-first-divergence="none">Nothing happens differently under the '
                   "two readings as of the report date; they differ only in the dates they foresee.</p>")
    out.append("<h3>Where the readings choose differently</h3>")
    out.append("<ul>" + "".join(choices) + "</ul>" if choices else '<p class="muted">Both readings make the same '
               "choices.</p>")
    out.append("<h3>Notices under each reading</h3>")
    out.append(_notices_table(views))
    out.append("<h3>Key dates under each reading</h3>")
    out.append(_key_dates_table(views))
    out.append(f"<h3>What differs as of {a.outcome.as_of.isoformat()}</h3>")
    if found["same"]:
        out.append('<p class="muted" data-difference="none">Nothing differs.</p>')
    else:
        rows = []
        for d in found["differences"]:
            rows.append(f'<tr data-difference="{esc(d["subject"])}" data-what="{esc(d["what"])}">'
                        f'<td class="date">{esc(d["on"] or "—")}</td><td>{esc(d["label"])}</td>'
                        f'<td>{esc(d["aspect"])}</td><td>{_shown_cell(d["a_shown"])}</td>'
                        f'<td>{_shown_cell(d["b_shown"])}</td></tr>')
        out.append(_wrap(f'<table><caption class="muted">A date is the day the difference arises; a dash: a date '
                         "the readings foresee differently.</caption><thead><tr>"
                         '<th scope="col" class="date">From</th><th scope="col">Subject</th><th scope="col">What</th>'
                         f'<th scope="col">Under {esc(a.label)}</th><th scope="col">Under {esc(b.label)}</th></tr>'
                         "</thead><tbody>" + "".join(rows) + "</tbody></table>", stack=True))
    out.append("<h3>Periods in which the states differ</h3>")
    if not divs:
        out.append('<p class="muted" data-divergence="none">The treaty and every norm are in the same state under both '
                   "readings on every day up to the report date.</p>")
    else:
        rows = []
        for d in divs:
            last = (d.end - timedelta(days=1)).isoformat() if d.end else f"{a.outcome.as_of.isoformat()} (report date)"
            for subject, x, y in d.differences:
                rows.append(f'<tr data-divergence="{esc(subject)}" data-from="{d.start.isoformat()}">'
                            f'<td class="date">{d.start.isoformat()}</td><td class="date">{esc(last)}</td>'
                            f"<td>{esc(a.words.subject(subject, instances))}</td><td>{_shown_cell(x)}</td>"
                            f"<td>{_shown_cell(y)}</td></tr>")
        out.append(_wrap(f'<table><thead><tr><th scope="col" class="date">From</th><th scope="col" class="date">To</th>'
                         f'<th scope="col">Treaty, term or duty</th><th scope="col">Under {esc(a.label)}</th>'
                         f'<th scope="col">Under {esc(b.label)}</th></tr></thead><tbody>' + "".join(rows)
                         + "</tbody></table>", stack=True))
    return "".join(out)


def _shown_cell(value: str) -> str:
    """A state or a verdict as a badge (coloured and in words); anything else as text."""
    if value in STATE_COLOURS or value in ("timely", "late", "invalid", "valid"):
        return badge(value)
    return esc(value)


def _notices_table(views: Sequence[View]) -> str:
    """Every notice on record and what each reading makes of it, term by term: timely, late or invalid."""
    keys: list[tuple[str, int | None]] = []
    by: list[dict[tuple[str, int | None], Any]] = []
    for v in views:
        found = {}
        for n in v.outcome.lifecycle.notices:
            found[(n.event, n.term)] = n
            if (n.event, n.term) not in keys:
                keys.append((n.event, n.term))
        by.append(found)
    if not keys:
        return '<p class="muted" data-notices="none">No notice on record up to the report date.</p>'
    keys.sort(key=lambda k: (min(f[k].date for f in by if k in f), k[0], -1 if k[1] is None else k[1]))
    rows = []
    for key in keys:
        n = next(f[key] for f in by if key in f)
        e = views[0].event_by_id.get(n.event)
        what = views[0].words.event(e.id) if e else n.event
        term = "" if key[1] is None else term_words(key[1])
        cells = []
        for f in by:
            x = f.get(key)
            cells.append(f'<td data-verdict="{esc(x.verdict) if x else "none"}">'
                         + (f"{badge(x.verdict)} {esc(x.effect)}" if x else '<span class="muted">not counted for this '
                            "term</span>") + "</td>")
        differs = len({(f[key].verdict if key in f else None) for f in by}) > 1
        cls = ' class="differs"' if differs else ""
        rows.append(f'<tr data-notice="{esc(n.event)}" data-term="{"" if key[1] is None else key[1]}"{cls}>'
                    f"<td>{esc(what)}</td><td>{esc(term)}</td>" + "".join(cells) + "</tr>")
    heads = "".join(f'<th scope="col">Under {esc(v.label)}</th>' for v in views)
    return _wrap('<table><thead><tr><th scope="col">Notice</th><th scope="col">For the term</th>' + heads
                 + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>", stack=True)


def _wrap(table: str, stack: bool = False) -> str:
    """A table in a box of its own that scrolls sideways on a narrow screen, not the page. ``stack``: on a
    narrow screen each row becomes a card, each cell under the name of its column (its ``data-label``)."""
    if stack:
        table = _stacked(table)
    return f'<div class="table-box">{table}</div>'


def _stacked(table: str) -> str:
    """The table with each cell labelled by its column's heading (our own markup: every value in it escaped)."""
    head = re.search(r"<thead>(.*?)</thead>", table, re.S)
    if head is None:
        return table
    labels = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", head.group(1), re.S)]

    def row(m: re.Match[str]) -> str:
        names = iter(labels)
        return re.sub(r"<td(?=[\s>])", lambda _: f'<td data-label="{next(names, "")}"', m.group(0))

    body = re.sub(r"<tr[\s>].*?</tr>", row, table[head.end():], flags=re.S)
    return table[:head.end()].replace("<table", '<table class="stack"', 1) + body


def _readings_section(v: View) -> str:
    t = v.treaty
    if not t.readings:
        return '<p class="muted">The model records no point where the text admits more than one reading.</p>'
    items = []
    for p in t.readings:
        chosen, _ = _choice(v, p)
        opts = []
        for oid, opt in p.options.items():
            mark = " <strong>(chosen)</strong>" if oid == chosen else ""
            default = " <span class=\"muted\">(default)</span>" if oid == p.default else ""
            opts.append(f"<li><code>{esc(oid)}</code>{mark}{default}: {esc(opt.says)}</li>")
        where = f" — {esc(_article_label(t.article(p.article), p.article))}" if p.article else ""
        items.append(f'<li data-reading-point="{esc(p.id)}"><strong>{esc(p.question)}</strong> '
                     f"<code>{esc(p.id)}</code>{where}<ul>{''.join(opts)}</ul></li>")
    return '<ul class="readings">' + "".join(items) + "</ul>"


def _summary(v: View) -> str:
    o = v.outcome
    lc = o.lifecycle
    term = lc.current_term

    def cell(k: str, val: str, raw: bool = False) -> str:
        return f'<div><span class="k">{esc(k)}</span><span class="v">{val if raw else esc(val)}</span></div>'

    cells = [cell("state", badge(lc.state), raw=True), cell("in force", "yes" if lc.in_force else "no")]
    cells.append(cell("signed", lc.signed_on.isoformat() if lc.signed_on else "—"))
    cells.append(cell("entry into force", lc.entry_into_force.isoformat() if lc.entry_into_force else "—"))
    if term is not None:
        cells.append(cell(term_words(term.number), f"{term.start.isoformat()} – "
                          f"{term.end.isoformat() if term.end else 'open'}"))
    if lc.notice_deadline is not None:
        cells.append(cell("notice deadline", lc.notice_deadline.isoformat()
                          + (" (inclusive)" if lc.notice_inclusive else " (exclusive)")))
    if lc.ends_on is not None:
        cells.append(cell("ends", f"{lc.ends_on.isoformat()} — {lc.end_reason or ''}"))
    elif lc.expires_on is not None:
        cells.append(cell("term ends", f"{lc.expires_on.isoformat()} unless extended"))
    counts: dict[str, int] = {}
    for i in o.instances:
        counts[i.state] = counts.get(i.state, 0) + 1
    cells.append(cell("norm instances", ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none"))
    return '<div class="summary">' + "".join(cells) + "</div>" + _not_in_force(v)


def _not_in_force(v: View) -> str:
    """Why the treaty is not in force when the record lacks the acts that would bring it into force (the
    sentence every command says, foedus.report.words.not_in_force)."""
    found = v.words.not_in_force(v.outcome.lifecycle, v.session.timeline_given, v.session.entry_later(v.outcome))
    return f'<p class="not-in-force"><strong>{esc(found.sentence())}</strong></p>' if found is not None else ""


def render_views(views: Sequence[View], as_of: date, *, treaty_file: str | Path | None = None,
                 events_file: str | Path | Timeline | None = None) -> str:
    """The report page for one view (or two, to compare readings)."""
    v = views[0]
    t = v.treaty
    o = v.outcome
    title = t.short_title or t.title
    choices = ", ".join(f"{k}={val}" for k, val in o.choices.items()) or "none"
    parties = "; ".join(f"{p.name} ({p.id})" for p in t.parties)
    signed = f"{t.signed.date.isoformat()} at {t.signed.place}" if t.signed else "—"
    files = []
    if treaty_file is not None:
        files.append(f"treaty file {Path(treaty_file).name}")
    if isinstance(events_file, Timeline):
        files.append(f"timeline {events_file.id}")
    elif events_file is not None:
        files.append(f"timeline file {Path(events_file).name}")
    meta = [("Treaty", f"{t.title} ({t.id})"), ("Parties", parties), ("Signed", signed),
            ("Reading", f"{o.reading} — {choices}"), ("As of", o.as_of.isoformat()),
            ("Timeline", f"{o.timeline or '—'} ({o.events_used} of {len(v.events)} events dated on or before the "
                         "report date)")]
    if len(views) > 1:
        meta.insert(4, ("Compared with", f"reading {views[1].label}"))
    if t.source.text:
        meta.append(("Text", t.source.text + ("" if t.source.verbatim else " (not verbatim)")))
    if t.source.note:
        meta.append(("Note", t.source.note))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(val)}</dd>" for k, val in meta)
    rows = _explain_rows(v)
    duties = _wrap("<table><caption class=\"muted\">Each row explains an outcome: the events (with their sources) "
                   "→ the rule of the model and the reading it uses → the text of the treaty.</caption>"
                   '<thead><tr><th scope="col">Duty</th><th scope="col">Outcome</th><th scope="col">Events and steps'
                   '</th><th scope="col">Rule and reading</th><th scope="col">Text</th></tr></thead><tbody>'
                   + "".join(rows) + "</tbody></table>", stack=True) if rows else (
              f'<p class="muted">No duty was triggered, fulfilled, violated or left undetermined as of '
              f"{as_of.isoformat()}.</p>")
    toc = [("status", "Status"), ("timeline", "Timeline")]
    if len(views) > 1:
        toc.append(("compare", "Readings compared"))
    toc += [("duties", "Duties"), ("text", "Text and norms"), ("events", "Events"), ("readings", "Readings")]
    nav = "".join(f'<a href="#{k}">{esc(label)}</a>' for k, label in toc)
    divs = divergences(views[0].outcome, views[1].outcome) if len(views) > 1 else []
    found = (compare(views[0].outcome, views[1].outcome, v.words, timeline_given=v.session.timeline_given)
             if len(views) > 1 else None)
    first = (date.fromisoformat(found["first_divergence"]), _divergence_words(found, views)) \
        if found is not None and found["first_divergence"] else None
    comparison = (f'<section id="compare"><h2>Readings compared: {esc(views[0].label)} and {esc(views[1].label)}'
                  f"</h2>{_compare_section(views, divs, found)}</section>") if found is not None else ""
    body = (
        f'<header><p class="subtitle">foedus report · as of {as_of.isoformat()}</p><h1>{esc(title)}</h1>'
        f'<p class="subtitle">{esc(t.title)}</p><dl class="facts">{dl}</dl><nav class="toc" aria-label="Contents">'
        f"{nav}</nav></header>"
        f'<section id="status"><h2>Status on {as_of.isoformat()}</h2>{_summary(v)}</section>'
        f'<section id="timeline"><h2>Timeline</h2>'
        f'<div class="chart">{chart_svg(views, as_of, divs=divs, first=first)}</div>'
        f"<h3>Key dates</h3>{_key_dates_table(views[:1])}</section>"
        f"{comparison}"
        f'<section id="duties"><h2>Duties triggered, fulfilled, violated or undetermined</h2>{duties}</section>'
        f'<section id="text"><h2>The treaty, article by article, with its norms as of {as_of.isoformat()}</h2>'
        f"{_articles_section(v)}</section>"
        f'<section id="events"><h2>Events</h2>{_events_table(v, as_of)}</section>'
        f'<section id="readings"><h2>Readings</h2>{_readings_section(v)}</section>'
        f"<footer>Generated by foedus from {esc(', '.join(files) or t.id)}, reading {esc(o.reading)}, as of "
        f"{as_of.isoformat()}. The same inputs give the same report.</footer>"
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, '
        f'initial-scale=1"><meta name="generator" content="foedus"><title>{esc(title)} — as of '
        f"{as_of.isoformat()}</title><style>{_CSS}{badge_css()}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def render_report(treaty_file: str | Path, events_file: str | Path | Timeline | None, reading: list[str] | str | None,
                  as_of: date | str, compare_with: list[str] | str | None = None) -> str:
    """One self-contained HTML page showing the treaty as of ``as_of`` under ``reading``; with
    ``compare_with``, a second reading's lifecycle beside it and the periods where they differ."""
    day = as_date(as_of)
    readings = [reading, compare_with] if compare_with else [reading]
    views = [make_view(session, day) for session in open_sessions(treaty_file, events_file, readings)]
    return render_views(views, day, treaty_file=treaty_file, events_file=events_file)

