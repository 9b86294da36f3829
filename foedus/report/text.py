"""The terminal report: the treaty's life, then article by article what the record implies.

The words come from :mod:`foedus.report.words` (states by name, events by title, duties by article and
party, conditions as sentences); ``verbose`` adds the ids, the condition code and the file lines that
the JSON always has."""

from __future__ import annotations

from io import StringIO
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from foedus.compile.compiler import CompiledTreaty
from foedus.evaluate.results import Outcome
from foedus.model.events import Event
from foedus.report.words import (
    TreatyWords,
    capital,
    event_title,
    listing,
    rule_words,
    term_words,
    type_words,
)

_STYLE = {"fulfilled": "green", "honoured": "green", "exercised": "cyan", "violated": "bold red",
          "breached": "bold red", "undetermined": "yellow", "discharged": "blue", "expired": "dim",
          "active": "bold", "held": "bold", "late": "red", "timely": "green", "invalid": "red"}


def _s(word: str) -> str:
    style = _STYLE.get(word)
    return f"[{style}]{escape(word)}[/{style}]" if style else escape(word)


def _e(text: object) -> str:
    """Text from a model or a timeline, shown as written (never read as rich markup)."""
    return escape(str(text))


def _console(width: int = 110) -> tuple[Console, StringIO]:
    buf = StringIO()
    return Console(file=buf, width=width, force_terminal=False, color_system=None, highlight=False), buf


def _day(value: str | None) -> str:
    return value or ""


# --- status ---------------------------------------------------------------------------------------------


def render_status(d: dict[str, Any], verbose: bool = False) -> str:
    console, buf = _console()
    title = d.get("short_title") or d["title"]
    head = f"[bold]{_e(title)}[/bold]" + (f" ({_e(d['treaty'])})" if verbose else "")
    console.print(f"{head} — as of {d['as_of']} (reading: {_e(d['reading'])})")
    if verbose:
        console.print("choices: " + _e(", ".join(f"{k}={v}" for k, v in d["choices"].items())))
    missing = d.get("not_in_force")
    if missing:
        console.print(_e(missing["sentence"]))
    console.print(f"state: {_e(d['state'])}; in force: {'yes' if d['in_force'] else 'no'}")
    signed = f"signed {d['signed_on']}" if d["signed_on"] else "no signature on record"
    console.print(signed + (f"; in force from {d['entry_into_force']}" if d["entry_into_force"] else ""))
    term = d["current_term"]
    if term:
        notice = ""
        if term["notice_deadline"]:
            notice = f" (notice by {term['notice_deadline']}" + (", last day included)"
                                                                if d["notice_deadline_inclusive"] else ")")
        end = term["end"] or "no fixed end"
        console.print(f"current term: the {term_words(term['number'])}, {term['start']} to {end}{notice}")
    if d["expires_on"]:
        console.print(f"expires on {d['expires_on']}" + (f" — certain: {_e(d['end_reason'])}" if d["ends_on"]
                                                          else " unless extended"))
    elif d["ends_on"]:
        console.print(f"ends on {d['ends_on']}: {_e(d['end_reason'])}")
    if d.get("next_deadline"):
        console.print(f"next deadline: {d['next_deadline']}")
    parties = Table("party", "state", "bound from", "until", "why")
    for p in d.get("parties", []):
        parties.add_row(f"{_e(p['name'])} ({_e(p['party'])})", _e(p["state"]), _day(p["bound_from"]),
                        _day(p["bound_until"]), _e(p["reason"]))
    console.print(parties)
    columns = ["duty", "state", "since", "deadline"] + (["id"] if verbose else [])
    table = Table(*columns)
    for n in d["norms"]:
        label = n.get("label") or f"{n['id']} ({n['bearer']} → {n['counterparty']})"
        row = [_e(label), _s(n["state"]), _day(n.get("since")), _day(n["deadline"])]
        row += [_e(n["id"])] if verbose else []
        table.add_row(*row)
    if d["norms"]:
        console.print(table)
    else:
        console.print("no duty in effect as of this date")
    said = d.get("invalid_acts_said") or [f"{a['date']} {a['type']} by {a['actor']}: {a['reason']}"
                                          for a in d["invalid_acts"]]
    for line, a in zip(said, d["invalid_acts"], strict=False):
        console.print(f"[red]invalid act[/red] {_e(line)}" + (f" \\[{_e(a['event'])}]" if verbose else ""))
    return buf.getvalue()


# --- run ------------------------------------------------------------------------------------------------


def render_run(ct: CompiledTreaty, o: Outcome, d: dict[str, Any], tw: TreatyWords | None = None,
               verbose: bool = False) -> str:
    tw = tw or TreatyWords(ct)
    names = tw.names
    console, buf = _console()
    lc = o.lifecycle
    console.print(f"[bold]{_e(ct.treaty.title)}[/bold]" + (f" ({_e(ct.id)})" if verbose else ""))
    console.print(f"timeline: {_e(o.timeline)} — {o.events_used} events up to {o.as_of}; reading: {_e(o.reading)}")
    if verbose:
        console.print("choices: " + _e(", ".join(f"{k}={v}" for k, v in o.choices.items())))
    missing = d.get("not_in_force")
    if missing:
        console.print(_e(missing["sentence"]))
    console.print()
    console.print("[bold]Lifecycle[/bold]")
    if lc.ratifications:
        console.print("ratified: " + ", ".join(f"{_e(names.bearer(p))} {day}"
                                               for p, day in sorted(lc.ratifications.items())))
    if lc.exchange_on:
        console.print(f"instruments exchanged at {_e(lc.exchange_at)} on {lc.exchange_on} (recorded; the treaty "
                      f"enters into force {rule_words(ct.lifecycle.entry_into_force)})")
    for t in lc.terms:
        notice = f"; notice deadline {t.notice_deadline}" if t.notice_deadline else ""
        console.print(f"  {term_words(t.number)}: {t.start} → {t.end or 'no fixed end'}{notice}")
    for n in lc.notices:
        console.print(f"  notice {n.date} by {_e(names.bearer(n.party))}: {_s(n.verdict)} — {_e(n.effect)}"
                      + (f" \\[{_e(n.event)}]" if verbose else ""))
    if lc.ends_on:
        ending = f"ends on {lc.ends_on} ({_e(lc.end_reason)})"
    elif lc.expires_on:
        ending = f"expires on {lc.expires_on} unless extended"
    else:
        ending = "no end on record"
    console.print(f"in force on {o.as_of}: {'yes' if lc.in_force else 'no'}; " + ending)
    console.print()
    console.print("[bold]State changes[/bold]")
    columns = ["date", "subject", "change", "because"] + (["events"] if verbose else [])
    table = Table(*columns)
    instances = {i.id: i for i in o.instances}
    for c in sorted(o.changes(), key=lambda c: (c.date, c.subject != "treaty", c.subject)):
        subject = tw.subject(c.subject, instances) + (f"\n{c.subject}" if verbose and c.subject != "treaty" else "")
        row = [c.date.isoformat(), _e(subject), f"{_e(c.before)} → {_s(c.after)}", _e(tw.because(c))]
        table.add_row(*row, *([_e(", ".join(c.events))] if verbose else []))
    console.print(table)
    console.print()
    console.print("[bold]Article by article[/bold]")
    for art in ct.treaty.articles:
        norms = [n for n in ct.norms if n.norm.article == art.id]
        if not norms:
            continue
        console.print(f"[bold]{_e(art.heading)}[/bold]")
        for cn in norms:
            insts = [i for i in o.instances if i.norm == cn.id]
            checks = [c for c in o.trigger_checks if c.norm == cn.id]
            label = capital(tw.labels.get(cn.id, cn.id))
            console.print(f"  {_e(label)} ({cn.norm.kind}): {_e(cn.norm.summary)}"
                          + (f" \\[{_e(cn.id)}]" if verbose else ""))
            if verbose and cn.trigger_when is not None:
                console.print(f"    trigger: {_e(cn.trigger_when.text)}")
            if not cn.exists:
                console.print("    removed under this reading")
            for i in insts:
                console.print(f"    {_e(tw.instance(i))}: {_s(i.state)}" + (f" (deadline {i.deadline})" if i.deadline
                                                                             else "")
                              + (f" \\[{_e(i.id)}]" if verbose else ""))
                for f in i.findings:
                    console.print(f"      {f.date} {_s(f.verdict)}: {_e(tw.finding(f))} — {_e(tw.event(f.event))}"
                                  + (f" \\[{_e(f.event)}]" if verbose else ""))
                    if verbose and f.verdict == "undetermined":
                        console.print(f"        {_e(f.says)}")
            for check in checks:
                why = tw.check(check)
                console.print(f"    {_e(tw.event(check.event))}: {_s(check.verdict)}" + (f" — {_e(why)}" if why else "")
                              + (f" \\[{_e(check.event)}]" if verbose else ""))
                if verbose and (check.false_parts or check.unknown_parts):
                    code = [f"false: {p}" for p in check.false_parts] + [f"unknown: {p}" for p in check.unknown_parts]
                    console.print(f"      {_e('; '.join(code))}")
            if cn.trigger_on and not insts and not checks:
                kinds = listing([type_words(t) for t in cn.trigger_on], "or")
                console.print(f"    not triggered: no {_e(kinds)} on record")
            if not cn.trigger_on and insts and all(not i.findings for i in insts):
                console.print("    no act on record honours or breaches it")
    if o.invalid_acts:
        console.print()
        console.print("[bold]Invalid acts[/bold]")
        for a in o.invalid_acts:
            where = f" (Art. {_e(a.article)})" if a.article else ""
            console.print(f"  {_e(tw.event(a.event))}: {_e(a.reason)}{where}"
                          + (f" \\[{_e(a.event)}]" if verbose else ""))
    return buf.getvalue()


# --- compare --------------------------------------------------------------------------------------------


def render_compare(d: dict[str, Any], verbose: bool = False) -> str:
    console, buf = _console()
    title = d.get("short_title") or d.get("title") or d["treaty"]
    console.print(f"[bold]{_e(title)}[/bold] as of {d['as_of']}: reading A = {_e(d['a']['reading'])}, "
                  f"reading B = {_e(d['b']['reading'])}")
    if d.get("not_in_force"):
        console.print(_e(d["not_in_force"]["sentence"]))
    if d["same"]:
        console.print("no difference")
        return buf.getvalue()
    if d["first_divergence"]:
        what = "; ".join(f"{x['label']}: {x['aspect']} — {x['a_shown']} under A, {x['b_shown']} under B"
                         for x in d.get("first_divergence_detail", []))
        console.print(f"The readings first diverge on {d['first_divergence']}" + (f": {_e(what)}" if what else "."))
    else:
        console.print("Nothing happens differently under the two readings; they differ only in what they foresee.")
    dated = [x for x in d["differences"] if x.get("on")]
    foreseen = [x for x in d["differences"] if not x.get("on")]

    def line(x: dict[str, Any]) -> str:
        text = _e(f"{x['label']} — {x['aspect']}: A {x['a_shown']}, B {x['b_shown']}")
        return text + (_e(f" [{x['subject']} / {x['what']}]") if verbose else "")

    if dated:
        console.print()
        console.print("[bold]What happens differently, from the day it arises[/bold]")
        for x in dated:
            console.print(f"  {x['on']}  {line(x)}")
    if foreseen:
        console.print()
        console.print(f"[bold]Dates foreseen differently, as of {d['as_of']}[/bold]")
        for x in foreseen:
            console.print(f"  {line(x)}")
    return buf.getvalue()


# --- explain --------------------------------------------------------------------------------------------


def _event_lines(console: Console, evs: list[dict[str, Any]], verbose: bool) -> None:
    for e in evs:
        console.print(f"  {_e(e.get('title') or e['id'])} — source: {_e(e['source'] or 'none')}"
                      + (f" \\[{_e(e['id'])}; {_e(e['where'])}]" if verbose else ""))


def _article(console: Console, a: dict[str, Any] | None) -> None:
    if a and a.get("text"):
        console.print(f"  {_e(a['text'])}")


def render_explain(d: dict[str, Any], verbose: bool = False) -> str:
    console, buf = _console()
    subject = d.get("subject") or d["item"]
    console.print(f"[bold]{_e(subject)}[/bold] as of {d['as_of']} (reading: {_e(d['reading']['name'])})"
                  + (f" \\[{_e(d['item'])}]" if verbose and subject != d["item"] else ""))
    if d.get("not_in_force"):
        console.print(_e(d["not_in_force"]["sentence"]))

    if "instances" in d:
        for x in d["instances"]:
            i = x["instance"]
            owes = f"{i.get('bearer_name') or i['bearer']} owes {i.get('counterparty_name') or i['counterparty']}"
            console.print(f"[bold]{_e(i.get('label') or i['id'])}[/bold]: {_s(i['state'])} — {_e(owes)}"
                          + (f" \\[{_e(i['id'])}]" if verbose else ""))
            if x.get("says"):
                console.print(f"  {_e(x['says'])}")
            console.print("events:")
            _event_lines(console, x["events"], verbose)
            console.print("rule:")
            rule = x.get("rule_said") or {}
            for k, v in rule.items():
                if v:
                    console.print(f"  {k}: {_e(v)}")
            if verbose:
                for k, v in x["rule"].items():
                    if v:
                        console.print(f"  [{k}] {_e(v)}")
            console.print("history:")
            for c in x.get("history_said") or i["history"]:
                console.print(f"  {c['date']}: {_e(c['before'])} → {_e(c['after'])} — {_e(c['because'])}")
            if i["findings"]:
                console.print("acts weighed:")
                for f in i["findings"]:
                    console.print(f"  {f['date']} {_s(f['verdict'])}: {_e(f.get('sentence') or f['says'])}"
                                  + (f" — {_e(f['event_title'])}" if f.get("event_title") else "")
                                  + (f" \\[{_e(f['event'])}]" if verbose else ""))
            console.print("text:")
            _article(console, x["article"])
        for c in d.get("trigger_checks", []):
            _check_line(console, c, verbose)
        if d.get("answer"):
            console.print(_e(d.get("answer_said") or d["answer"]))
            _article(console, d.get("article"))
    elif "party" in d:
        p = d["party"]
        until = f" until {p['bound_until']}" if p["bound_until"] else ""
        console.print(f"{_e(p['name'])} ({_e(p['party'])}): {_e(p['state'])}"
                      + (f", bound from {p['bound_from']}{until}" if p["bound_from"] else "") + f" — {_e(p['reason'])}")
        console.print("history:")
        for c in d.get("history_said") or p["history"]:
            console.print(f"  {c['date']}: {_e(c['before'])} → {_e(c['after'])} — {_e(c['because'])}")
        for n in d["notices"]:
            console.print(f"  notice {n['date']}: {_e(n['verdict'])} — {_e(n['effect'])}")
        for a in d.get("invalid_said") or [f"{a['date']} {a['type']}: {a['reason']}" for a in d["invalid"]]:
            console.print(f"  [red]invalid act[/red] {_e(a)}")
        console.print("events:")
        _event_lines(console, d["events"], verbose)
        _article(console, d.get("article"))
    elif d["item"] == "treaty":
        console.print(f"answer: {_e(d.get('answer_said') or d['answer'])}")
        term = d.get("term_set_by")
        if term:
            console.print(f"current term ({term_words(term['term'])}) set by {_e(term['title'])}"
                          + (f" (in force {term['in_force_on']})" if term.get("in_force_on") else ""))
        for p in d.get("parties", []):
            until = f" until {p['bound_until']}" if p["bound_until"] else ""
            console.print(f"  {_e(p['name'])}: {_e(p['state'])}"
                          + (f", bound from {p['bound_from']}{until}" if p["bound_from"] else "")
                          + f" — {_e(p['reason'])}" + (f" \\[{_e(p['party'])}]" if verbose else ""))
        console.print("events:")
        _event_lines(console, d["events"], verbose)
        console.print("changes:")
        for c in d.get("changes_said") or d["changes"]:
            console.print(f"  {c['date']}: {_e(c['before'])} → {_e(c['after'])} — {_e(c['because'])}")
        console.print("text:")
        _article(console, d["article"])
    else:
        _event_lines(console, [d["event"]], verbose)
        said = d.get("said") or {}
        for line in said.get("lines", []):
            console.print(f"  {_e(line)}")
        if not said.get("lines"):
            console.print("  nothing in this treaty turns on this event as of this date")
        if verbose:
            for k in ("triggered", "findings", "trigger_checks", "invalid", "lifecycle"):
                if d.get(k):
                    console.print(f"[{k}] {_e(d[k])}")
    return buf.getvalue()


def _check_line(console: Console, c: dict[str, Any], verbose: bool) -> None:
    said = c.get("said") or {}
    console.print(f"  {_e(said.get('event') or c['event'])}: {_s(c['verdict'])}"
                  + (f" — {_e(said['why'])}" if said.get("why") else "")
                  + (f" \\[{_e(c['event'])}]" if verbose else ""))
    if verbose and (c["false_parts"] or c["unknown_parts"]):
        code = [f"false: {p}" for p in c["false_parts"]] + [f"unknown: {p}" for p in c["unknown_parts"]]
        console.print(f"    {_e('; '.join(code))}")


def event_line(e: Event, tw: TreatyWords) -> str:
    """An event as one line: its title and source."""
    return f"{event_title(e, tw.names)} — source: {e.source or 'none'}"
