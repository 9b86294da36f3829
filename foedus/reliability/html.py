"""The reliability page: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched) with
the rates a paper would report and the charts that show them.

It has the headline counts; a chart of the rates by obligation type, treaty-specific beside naive, with
their Wilson intervals; a chart of the rates by period and era; the invocations on a time axis, one
mark per invoked obligation coloured by its outcome; the summary tables; with a second reading, the
rates under both and the rows whose outcome changes; what the record cannot tell (the invocations left
undetermined, by the condition the record cannot check); the reading's choices; and the rows. The
project's page style (``foedus.report.html``) is used. The same inputs give the same bytes.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

from foedus.report.html import _CSS

if TYPE_CHECKING:
    from foedus.reliability import Reliability

__all__ = ["render_page"]

_COLOURS = {"honoured": "#2e7d32", "violated": "#c62828", "not determinable": "#9e9e9e"}
_NAIVE = "#1f5f99"
_TREATY = "#6a3d9a"
_ROW_LIMIT = 1500
_EXTRA_CSS = """
.legend span { display: inline-block; margin-right: 1rem; font-size: 0.85rem; }
.legend i { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 2px; margin-right: 0.3rem;
  vertical-align: -0.1rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
details summary { cursor: pointer; }
.outcome-honoured { color: #2e7d32; font-weight: 600; }
.outcome-violated { color: #c62828; font-weight: 600; }
.outcome-not { color: #5f5f5f; }
"""


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _pct(value: object) -> str:
    return "—" if not isinstance(value, int | float) or math.isnan(float(value)) else f"{100 * float(value):.1f}%"


def _interval(low: object, high: object) -> str:
    if not isinstance(low, int | float) or math.isnan(float(low)):
        return "—"
    return f"{100 * float(low):.1f}–{100 * float(high):.1f}%"  # type: ignore[arg-type]


def _count(value: object) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "0"
    return str(int(value)) if isinstance(value, int | float) else esc(value)


# --- charts -------------------------------------------------------------------------------------------------


def _rate_chart(table: list[dict[str, Any]], label: str, title: str, naive: bool = True) -> str:
    """Horizontal bars: the treaty-specific rate (and the naive one beside it) per group, with 95% intervals."""
    groups = [str(item[label]).replace("_", "-") for item in table]
    width, left, right, band = 900, 190, 40, 46
    height = 40 + band * len(groups) + 30
    plot = width - left - right

    def x(v: float) -> float:
        return left + plot * v

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
           f'font-family="system-ui, sans-serif" font-size="12"><title>{esc(title)}</title>']
    for tick in (0, 0.25, 0.5, 0.75, 1):
        at = x(tick)
        out.append(f'<line x1="{at:.1f}" y1="30" x2="{at:.1f}" y2="{height - 25}" stroke="#ddd"/><text x="{at:.1f}" '
                   f'y="{height - 10}" text-anchor="middle" fill="#555">{int(tick * 100)}%</text>')
    for i, row in enumerate(table):
        y = 34 + band * i
        out.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{esc(groups[i])}</text>')
        series = [("rate", "low", "high", _TREATY, "treaty", "n")]
        if naive and "naive_rate" in row:
            series.append(("naive_rate", "naive_low", "naive_high", _NAIVE, "naive", "naive_n"))
        for j, (rate, low, high, colour, name, n) in enumerate(series):
            value = row.get(rate)
            top = y + j * 18
            if value is None or (isinstance(value, float) and math.isnan(value)):
                out.append(f'<text x="{x(0) + 4}" y="{top + 12}" fill="#777">{name}: no determinable case</text>')
                continue
            count = row.get("honoured", 0) + row.get("violated", 0) if name == "treaty" else row.get(n, 0)
            interval = _interval(row.get(low), row.get(high))
            tip = f"{groups[i]}, {name}: {_pct(value)} (95% {interval}; n={_count(count)})"
            out.append(f'<rect x="{x(0):.1f}" y="{top}" width="{plot * float(value):.1f}" height="14" '
                       f'fill="{colour}" opacity="0.8"><title>{esc(tip)}</title></rect>')
            lo, hi = row.get(low), row.get(high)
            if isinstance(lo, float) and isinstance(hi, float) and not math.isnan(lo):
                a, b = x(lo), x(hi)
                out.append(f'<line x1="{a:.1f}" y1="{top + 7}" x2="{b:.1f}" y2="{top + 7}" stroke="#111" '
                           f'stroke-width="1.5"/><line x1="{a:.1f}" y1="{top + 2}" x2="{a:.1f}" y2="{top + 12}" '
                           f'stroke="#111"/><line x1="{b:.1f}" y1="{top + 2}" x2="{b:.1f}" y2="{top + 12}" '
                           f'stroke="#111"/>')
            # The value beside the bar, clear of its interval; inside the plot at the right edge.
            end = max(x(float(value)), x(hi) if isinstance(hi, float) and not math.isnan(hi) else 0.0)
            if end + 50 < width:
                out.append(f'<text x="{end + 6:.1f}" y="{top + 11}" fill="#222">{_pct(value)}</text>')
            else:
                out.append(f'<text x="{x(float(value)) - 4:.1f}" y="{top + 11}" fill="#fff" text-anchor="end">'
                           f'{_pct(value)}</text>')
    out.append("</svg>")
    return "".join(out)


def _timeline_chart(rows: list[dict[str, Any]]) -> str:
    """Every invoked obligation as a mark at its year, one lane per obligation type, coloured by outcome."""
    if not rows:
        return '<p class="muted">No obligation was invoked under this reading.</p>'
    present = {r["obligation"] for r in rows}
    lanes = [o for o in ("defence", "offence", "neutrality", "non_aggression", "consultation") if o in present]
    first, last = 1816, max(2015, max(r["year"] for r in rows) + 1)
    width, left, right, lane = 900, 130, 20, 56
    height = 30 + lane * len(lanes) + 30
    plot = width - left - right

    def x(year: float) -> float:
        return left + plot * (year - first) / (last - first)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
           'font-family="system-ui, sans-serif" font-size="12"><title>Invoked obligations by year</title>']
    for year in range(1820, last, 20):
        out.append(f'<line x1="{x(year):.1f}" y1="20" x2="{x(year):.1f}" y2="{height - 25}" stroke="#eee"/>'
                   f'<text x="{x(year):.1f}" y="{height - 10}" text-anchor="middle" fill="#555">{year}</text>')
    divide = x(1945.5)
    out.append(f'<line x1="{divide:.1f}" y1="14" x2="{divide:.1f}" y2="{height - 25}" stroke="#999" '
               f'stroke-dasharray="4 3"/><text x="{divide + 3:.1f}" y="12" fill="#777">1945</text>')
    for i, obligation in enumerate(lanes):
        top = 26 + lane * i
        out.append(f'<text x="{left - 8}" y="{top + lane / 2:.1f}" text-anchor="end">'
                   f'{esc(obligation.replace("_", "-"))}</text>')
        counts = Counter((r["year"], r["outcome"]) for r in rows if r["obligation"] == obligation)
        stacks: Counter[int] = Counter()
        for (year, outcome), n in sorted(counts.items(), key=lambda kv: (kv[0][0], _order(kv[0][1]))):
            base = stacks[year]
            stacks[year] += n
            h = min(lane - 8, 4 * math.log2(1 + n) + 2)
            y0 = top + lane - 6 - min(lane - 8, 4 * math.log2(1 + base)) - h
            tip = f"{year}: {n} {outcome} ({obligation})"
            out.append(f'<rect x="{x(year) - 1.5:.1f}" y="{max(top, y0):.1f}" width="3.5" height="{h:.1f}" '
                       f'fill="{_COLOURS[outcome]}"><title>{esc(tip)}</title></rect>')
    out.append("</svg>")
    return "".join(out)


def _order(outcome: str) -> int:
    return {"honoured": 0, "violated": 1, "not determinable": 2}[outcome]


def _legend() -> str:
    items = "".join(f'<span><i style="background:{c}"></i>{esc(k)}</span>' for k, c in _COLOURS.items())
    return f'<p class="legend">{items}</p>'


def _rates_legend() -> str:
    return (f'<p class="legend"><span><i style="background:{_TREATY}"></i>treaty-specific: honoured of the '
            f'determinable</span><span><i style="background:{_NAIVE}"></i>naive: the ally joined the partner\'s '
            "side</span><span>— 95% Wilson interval</span></p>")


def _figure(title: str, svg: str) -> str:
    return f'<h3>{esc(title)}</h3><div class="chart">{svg}</div>'


# --- tables ---------------------------------------------------------------------------------------------------


def _summary_table(table: list[dict[str, Any]], keys: list[str]) -> str:
    head = "".join(f"<th>{esc(k)}</th>" for k in keys)
    head += ('<th class="num">invoked</th><th class="num">honoured</th><th class="num">violated</th>'
             '<th class="num">not determinable</th><th class="num">rate</th><th class="num">95% (Wilson)</th>')
    naive = bool(table) and "naive_rate" in table[0]
    if naive:
        head += '<th class="num">naive pairs</th><th class="num">naive rate</th><th class="num">95% (Wilson)</th>'
    body = []
    for row in table:
        cells = "".join(f"<td>{esc(str(row[k]).replace('_', '-'))}</td>" for k in keys)
        cells += "".join(f'<td class="num">{_count(row.get(c, 0))}</td>'
                         for c in ("n", "honoured", "violated", "not_determinable"))
        cells += (f'<td class="num">{_pct(row.get("rate"))}</td>'
                  f'<td class="num">{_interval(row.get("low"), row.get("high"))}</td>')
        if naive:
            cells += (f'<td class="num">{_count(row.get("naive_n", 0))}</td>'
                      f'<td class="num">{_pct(row.get("naive_rate"))}</td>'
                      f'<td class="num">{_interval(row.get("naive_low"), row.get("naive_high"))}</td>')
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _rows_table(rows: list[dict[str, Any]]) -> str:
    body = []
    for r in rows[:_ROW_LIMIT]:
        cls = "outcome-not" if r["outcome"] == "not determinable" else f"outcome-{r['outcome']}"
        body.append(
            f'<tr><td class="date">{esc(r["invoked_on"])}</td><td>{esc(r["alliance"])}</td>'
            f"<td>{esc(r['obligation'].replace('_', '-'))}</td><td>{esc(r['bearer_name'])}</td>"
            f"<td>{esc(r['partner_name'])}</td><td>{esc(r['conflict_name'])}</td>"
            f'<td class="{cls}">{esc(r["outcome"])}</td>'
            f'<td>{esc(r["explanation"])}<br><span class="src">{esc(r["row_id"])}</span></td></tr>')
    note = "" if len(rows) <= _ROW_LIMIT else (f'<p class="muted">The first {_ROW_LIMIT} of {len(rows)} rows; the CSV '
                                               "and Parquet files hold them all.</p>")
    return (f"{note}<table><thead><tr><th class=\"date\">invoked</th><th>alliance</th><th>obligation</th><th>ally</th>"
            f"<th>partner</th><th>conflict</th><th>outcome</th><th>why</th></tr></thead><tbody>{''.join(body)}"
            "</tbody></table>")


def _comparison(result: Reliability, other: Reliability, changed: list[dict[str, Any]]) -> str:
    from foedus.reliability.tables import summarize

    a = {r["obligation"]: r for r in summarize(result.row_records, ["obligation"])}
    b = {r["obligation"]: r for r in summarize(other.row_records, ["obligation"])}
    body = []
    for obligation in sorted(set(a) | set(b)):
        x, y = a.get(obligation, {}), b.get(obligation, {})
        body.append(f"<tr><td>{esc(obligation.replace('_', '-'))}</td>"
                    f'<td class="num">{_count(x.get("n", 0))}</td><td class="num">{_pct(x.get("rate"))}</td>'
                    f'<td class="num">{_interval(x.get("low"), x.get("high"))}</td>'
                    f'<td class="num">{_count(y.get("n", 0))}</td><td class="num">{_pct(y.get("rate"))}</td>'
                    f'<td class="num">{_interval(y.get("low"), y.get("high"))}</td></tr>')
    moves = Counter((r["outcome_a"], r["outcome_b"]) for r in changed)
    items = "".join(f"<li>{esc(a_)} → {esc(b_)}: {n}</li>" for (a_, b_), n in sorted(moves.items()))
    rows = "".join(f'<tr><td class="date">{esc(r["invoked_on"])}</td><td>{esc(r["alliance"])}</td>'
                   f'<td>{esc(r["obligation"])}</td><td>{esc(r["bearer"])}</td><td>{esc(r["partner"])}</td>'
                   f'<td>{esc(r["conflict_name"])}</td><td>{esc(r["outcome_a"])}</td><td>{esc(r["outcome_b"])}</td></tr>'
                   for r in changed[:400])
    ra, rb = esc(result.reading), esc(other.reading)
    return (f'<h2 id="compare">Two readings: {ra} and {rb}</h2>'
            f'<table><thead><tr><th>obligation</th><th class="num">invoked ({ra})</th><th class="num">rate</th>'
            f'<th class="num">95%</th><th class="num">invoked ({rb})</th><th class="num">rate</th>'
            f'<th class="num">95%</th></tr></thead><tbody>{"".join(body)}</tbody></table>'
            f"<p>{len(changed)} rows change outcome:</p><ul>{items}</ul>"
            "<details><summary>The rows that change (first 400)</summary><table><thead><tr><th>invoked</th>"
            "<th>alliance</th><th>obligation</th><th>ally</th><th>partner</th><th>conflict</th>"
            f"<th>{ra}</th><th>{rb}</th></tr></thead><tbody>{rows}</tbody></table></details>")


# --- the page ---------------------------------------------------------------------------------------------------


def render_page(result: Reliability, other: Reliability | None = None) -> str:
    """The page for one run (and, with ``other``, the comparison with a second reading)."""
    from foedus.reliability.tables import compare_records

    rows, s = result.row_records, result.summary_records
    overall = s["overall"][0]
    first = min((r["invoked_on"] for r in rows), default=date(1816, 1, 1))
    rate = f"{_pct(overall['rate'])} ({_interval(overall['low'], overall['high'])})"
    naive = f"{_pct(overall.get('naive_rate'))} ({_interval(overall.get('naive_low'), overall.get('naive_high'))})"
    cards = [("invoked obligations", _count(overall["n"])), ("honoured", _count(overall["honoured"])),
             ("violated", _count(overall["violated"])), ("not determinable", _count(overall["not_determinable"])),
             ("honoured, of those determinable", rate), ("naive: ally joined the partner's war", naive),
             ("invocations the record cannot tell", str(len(result.judgement.uncertain)))]
    summary = "".join(f'<div><span class="k">{esc(k)}</span><span class="v">{esc(v)}</span></div>' for k, v in cards)
    choices = "".join(f"<li><code>{esc(c)}</code></li>" for c in result.judgement.choices) or \
        "<li>every reading point at its default</li>"
    uncertain = Counter(u.unknown for u in result.judgement.uncertain)
    uncertain_items = "".join(f"<li>{esc(k)}: {n}</li>" for k, n in uncertain.most_common())
    admitted = any(c.startswith("conflicts=") and c != "conflicts=wars" for c in result.judgement.choices)
    disputes = (" and MID 5.0 disputes" if admitted else
                " (the MID 5.0 disputes were read and checked; this reading admits wars only)"
                if result.record.has_disputes else "")
    nav = ['<a href="#rates">Rates</a>', '<a href="#time">Time</a>', '<a href="#tables">Tables</a>',
           *(['<a href="#compare">Two readings</a>'] if other is not None else []),
           '<a href="#uncertain">What the record cannot tell</a>', '<a href="#method">Method</a>',
           '<a href="#rows">Rows</a>']
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Alliance reliability — {esc(result.reading)}</title><style>{_CSS}{_EXTRA_CSS}</style></head>"
        "<body><main>",
        "<h1>Were alliances honoured?</h1>",
        f'<p class="subtitle">Every ATOP alliance as an executable model, judged by the foedus engine against the '
        f"COW inter-state wars{disputes}; reading <code>{esc(result.reading)}</code>. Invocations from "
        f"{esc(first)}.</p>",
        f'<nav class="toc">{"".join(nav)}</nav>',
        f'<div class="summary">{summary}</div>',
        '<h2 id="rates">Rates by obligation</h2>',
        "<p>The treaty-specific rate: of the invoked obligations whose outcome the record determines, the share "
        "honoured (purple). The naive rate: of the allied pairs in which one member entered a conflict, the share in "
        "which the other joined its side, whatever the treaty said (blue). Bars show 95% Wilson intervals.</p>",
        _rates_legend(),
        _figure("Rates by obligation type", _rate_chart(s["obligation"], "obligation", "Rates by obligation type")),
        '<h2 id="periods">Rates by period and era</h2>', _rates_legend(),
        _figure("Before and after 1945", _rate_chart(s["period"], "period", "Rates before and after 1945")),
        _figure("By era", _rate_chart(s["era"], "era", "Rates by era")),
        _figure("Bilateral and multilateral alliances",
                _rate_chart(s["kind"], "kind", "Bilateral and multilateral alliances")),
        '<h2 id="time">Invocations on a time axis</h2>', _legend(),
        f'<div class="chart">{_timeline_chart(rows)}</div>',
        '<h2 id="tables">Tables</h2>',
        "<h3>By obligation</h3>", _summary_table(s["obligation"], ["obligation"]),
        "<h3>By obligation and period</h3>", _summary_table(s["obligation_period"], ["obligation", "period"]),
        "<h3>By era</h3>", _summary_table(s["era"], ["era"]),
        "<h3>Bilateral and multilateral</h3>", _summary_table(s["obligation_kind"], ["obligation", "kind"]),
    ]
    if other is not None:
        changed = [r for r in compare_records(result.judgement, other.judgement) if r["changed"]]
        parts.append(_comparison(result, other, changed))
    parts += [
        '<h2 id="uncertain">What the record cannot tell</h2>',
        f"<p>{len(result.judgement.uncertain)} events may invoke an obligation, but a condition ATOP codes cannot be "
        "checked on the record (no place of fighting, no demands, no requests for consultation…). They are not "
        "rows; the reading <code>conditions-met</code> takes every such condition as met.</p>",
        f"<ul>{uncertain_items}</ul>",
        '<h2 id="method">Method</h2>',
        "<p>Each ATOP alliance is a treaty model whose obligations speak the record's events: a member's entry into "
        "a war on the side opposite the initiator invokes its allies' defence obligations (the initiator's side "
        "their offence obligations), the allies' own entries on its side fulfil them, their fighting it breaks them, "
        "and a deadline (the partner's exit, the war's end, or a number of days) closes them. Neutrality is kept "
        "when the ally does not fight the partner; non-aggression is broken when members fight each other; "
        "consultation is not determinable from war data. Membership dates and ATOP phases count. Days known only "
        "to the month or year decide nothing they cannot: such cases are not determinable.</p>",
        f"<p>The reading's choices:</p><ul>{choices}</ul>",
        f"<p>{result.judgement.evaluated} alliances evaluated on {result.judgement.events_used} events that concern "
        f"them; {result.judgement.skipped} had no member in a conflict the reading admits while in force.</p>",
        '<p class="src">Data: ATOP (Leeds, Ritter, Mitchell &amp; Long 2002, <i>International Interactions</i> '
        "28: 237–260); COW Inter-State War data v4.0; MID 5.0 (Palmer et al. 2022); COW State System "
        "Membership v2016.</p>",
        '<h2 id="rows">Rows</h2>', _rows_table(rows),
        "<footer>Made by foedus; every number on this page comes from the rows above.</footer></main></body></html>",
    ]
    return "\n".join(parts) + "\n"
