"""The terminal report: the treaty's life, then article by article what the record implies."""

from __future__ import annotations

from io import StringIO
from typing import Any

from rich.console import Console
from rich.table import Table

from foedus.compile.compiler import CompiledTreaty
from foedus.evaluate.results import Outcome

_STYLE = {"fulfilled": "green", "honoured": "green", "exercised": "cyan", "violated": "bold red",
          "breached": "bold red", "undetermined": "yellow", "discharged": "blue", "expired": "dim",
          "active": "bold", "held": "bold", "late": "red", "timely": "green", "invalid": "red"}


def _s(word: str) -> str:
    style = _STYLE.get(word)
    return f"[{style}]{word}[/{style}]" if style else word


def _console(width: int = 110) -> tuple[Console, StringIO]:
    buf = StringIO()
    return Console(file=buf, width=width, force_terminal=False, color_system=None, highlight=False), buf


def render_status(d: dict[str, Any]) -> str:
    console, buf = _console()
    console.print(f"[bold]{d['title']}[/bold] — as of {d['as_of']} (reading: {d['reading']})")
    term = d["current_term"]
    console.print(f"state: {d['state']}; in force: {'yes' if d['in_force'] else 'no'}")
    console.print(f"signed {d['signed_on']}; in force from {d['entry_into_force']}")
    if term:
        console.print(f"current term #{term['number']}: {term['start']} → {term['end']} "
                      f"(notice by {term['notice_deadline']}{', inclusive' if d['notice_deadline_inclusive'] else ''})")
    console.print(f"expires on {d['expires_on']}" + (f" — certain: {d['end_reason']}" if d["ends_on"] else
                                                      " unless extended"))
    if d.get("next_deadline"):
        console.print(f"next deadline: {d['next_deadline']}")
    parties = Table("party", "state", "bound from", "until", "why")
    for p in d.get("parties", []):
        parties.add_row(f"{p['name']} ({p['party']})", p["state"], p["bound_from"] or "", p["bound_until"] or "",
                        p["reason"])
    console.print(parties)
    table = Table("norm instance", "article", "bearer → counterparty", "state", "since", "deadline")
    for n in d["norms"]:
        table.add_row(n["id"], n["article"] or "", f"{n['bearer']} → {n['counterparty']}", _s(n["state"]),
                      n.get("since") or "", n["deadline"] or "")
    console.print(table)
    for a in d["invalid_acts"]:
        console.print(f"[red]invalid act[/red] {a['date']} {a['type']} by {a['actor']}: {a['reason']}")
    return buf.getvalue()


def render_run(ct: CompiledTreaty, o: Outcome, d: dict[str, Any]) -> str:
    console, buf = _console()
    lc = o.lifecycle
    console.print(f"[bold]{ct.treaty.title}[/bold]")
    console.print(f"timeline: {o.timeline} — {o.events_used} events up to {o.as_of}; reading: {o.reading}")
    console.print("choices: " + ", ".join(f"{k}={v}" for k, v in o.choices.items()))
    console.print()
    console.print("[bold]Lifecycle[/bold]")
    if lc.ratifications:
        console.print("ratified: " + ", ".join(f"{p} {day}" for p, day in sorted(lc.ratifications.items())))
    if lc.exchange_on:
        console.print(f"instruments exchanged at {lc.exchange_at} on {lc.exchange_on} (recorded; entry into force "
                      f"follows the rule '{ct.lifecycle.entry_into_force}')")
    for t in lc.terms:
        label = "initial term" if t.number == 0 else f"extension {t.number}"
        console.print(f"  {label}: {t.start} → {t.end}; notice deadline {t.notice_deadline}")
    for n in lc.notices:
        console.print(f"  notice {n.date} by {n.party}: {_s(n.verdict)} — {n.effect}")
    console.print(f"in force on {o.as_of}: {'yes' if lc.in_force else 'no'}; "
                  + (f"ends on {lc.ends_on} ({lc.end_reason})" if lc.ends_on else f"expires on {lc.expires_on} "
                     "unless extended"))
    console.print()
    console.print("[bold]State changes[/bold]")
    table = Table("date", "subject", "change", "because")
    for c in d["changes"]:
        table.add_row(c["date"], c["subject"], f"{c['before']} → {_s(c['after'])}", c["because"])
    console.print(table)
    console.print()
    console.print("[bold]Article by article[/bold]")
    for art in ct.treaty.articles:
        norms = [n for n in ct.norms if n.norm.article == art.id]
        if not norms:
            continue
        console.print(f"[bold]{art.heading}[/bold]")
        for cn in norms:
            insts = [i for i in o.instances if i.norm == cn.id]
            checks = [c for c in o.trigger_checks if c.norm == cn.id]
            console.print(f"  {cn.id} ({cn.norm.kind}): {cn.norm.summary}")
            if not cn.exists:
                console.print("    removed under this reading")
            for i in insts:
                console.print(f"    {i.id}: {_s(i.state)}" + (f" (deadline {i.deadline})" if i.deadline else ""))
                for f in i.findings:
                    console.print(f"      {f.date} {_s(f.verdict)}: {f.says} [{f.event}]")
            for c in checks:
                why = "; ".join([f"false: {p}" for p in c.false_parts] + [f"unknown: {p}" for p in c.unknown_parts])
                console.print(f"    {c.date} {c.event}: {_s(c.verdict)}" + (f" — {why}" if why else ""))
            if cn.trigger_on and not insts and not checks:
                console.print("    not triggered: no " + " / ".join(cn.trigger_on) + " on record")
            if not cn.trigger_on and insts and all(not i.findings for i in insts):
                console.print("    no act on record honours or breaches it")
    if o.invalid_acts:
        console.print()
        console.print("[bold]Invalid acts[/bold]")
        for a in o.invalid_acts:
            console.print(f"  {a.date} {a.type} by {a.actor}: {a.reason} (Art. {a.article})")
    return buf.getvalue()


def render_compare(d: dict[str, Any]) -> str:
    console, buf = _console()
    a, b = d["a"]["reading"], d["b"]["reading"]
    console.print(f"[bold]{d.get('title') or d['treaty']}[/bold] as of {d['as_of']}: reading A = {a}, reading B = {b}")
    if d["same"]:
        console.print("no difference")
        return buf.getvalue()
    if d["first_divergence"]:
        what = "; ".join(f"{x['label']}: {x['aspect']} — {_s(x['a_shown'])} under A, {_s(x['b_shown'])} under B"
                         for x in d.get("first_divergence_detail", []))
        console.print(f"The readings first diverge on {d['first_divergence']}" + (f": {what}" if what else "."))
    else:
        console.print("Nothing happens differently under the two readings; they differ only in what they foresee.")
    dated = [x for x in d["differences"] if x.get("on")]
    foreseen = [x for x in d["differences"] if not x.get("on")]

    def line(x: dict[str, Any]) -> str:
        return (f"{x['label']} — {x['aspect']}: A {_s(str(x['a_shown']))}, B {_s(str(x['b_shown']))}")

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


def render_explain(d: dict[str, Any]) -> str:
    console, buf = _console()
    console.print(f"[bold]{d['item']}[/bold] as of {d['as_of']} (reading {d['reading']['name']})")

    def events(evs: list[dict[str, Any]]) -> None:
        for e in evs:
            who = ", ".join(e["actors"]) + (" → " + ", ".join(e["targets"]) if e["targets"] else "")
            console.print(f"  event {e['id']} {e['date']} {e['type']} ({who}) — source: {e['source'] or 'none'}")

    def article(a: dict[str, Any] | None) -> None:
        if a and a.get("text"):
            console.print(f"  article {a['id']}: {a['text']}")

    if "instances" in d:
        for x in d["instances"]:
            i = x["instance"]
            console.print(f"[bold]{i['id']}[/bold]: {_s(i['state'])} — {i['bearer']} owes {i['counterparty']}")
            console.print("events:")
            events(x["events"])
            console.print("rule:")
            for k, v in x["rule"].items():
                if v:
                    console.print(f"  {k}: {v}")
            console.print("history:")
            for c in i["history"]:
                console.print(f"  {c['date']}: {c['before']} → {c['after']} — {c['because']}")
            console.print("text:")
            article(x["article"])
        for c in d.get("trigger_checks", []):
            why = "; ".join([f"false: {p}" for p in c["false_parts"]] + [f"unknown: {p}" for p in c["unknown_parts"]])
            console.print(f"  {c['date']} {c['event']}: {c['verdict']} — {why}")
        if d.get("answer"):
            console.print(d["answer"])
            article(d.get("article"))
    elif "party" in d:
        p = d["party"]
        until = f" until {p['bound_until']}" if p["bound_until"] else ""
        console.print(f"{p['name']} ({p['party']}): {p['state']}"
                      + (f", bound from {p['bound_from']}{until}" if p["bound_from"] else "") + f" — {p['reason']}")
        console.print("history:")
        for c in p["history"]:
            console.print(f"  {c['date']}: {c['before']} → {c['after']} — {c['because']}")
        for n in d["notices"]:
            console.print(f"  notice {n['date']}: {n['verdict']} — {n['effect']}")
        for a in d["invalid"]:
            console.print(f"  [red]invalid act[/red] {a['date']} {a['type']}: {a['reason']}")
        console.print("events:")
        events(d["events"])
        article(d.get("article"))
    elif d["item"] == "treaty":
        console.print(f"answer: {d['answer']}")
        term = d.get("term_set_by")
        if term:
            console.print(f"current term set by {term['title']}"
                          + (f" (in force {term['in_force_on']})" if term.get("in_force_on") else ""))
        for p in d.get("parties", []):
            until = f" until {p['bound_until']}" if p["bound_until"] else ""
            console.print(f"  party {p['party']}: {p['state']}"
                          + (f", bound from {p['bound_from']}{until}" if p["bound_from"] else "") + f" — {p['reason']}")
        console.print("events:")
        events(d["events"])
        console.print("changes:")
        for c in d["changes"]:
            console.print(f"  {c['date']}: {c['before']} → {c['after']} — {c['because']}")
        console.print("text:")
        article(d["article"])
    else:
        events([d["event"]])
        for k in ("triggered", "findings", "trigger_checks", "invalid", "lifecycle"):
            if d.get(k):
                console.print(f"{k}: {d[k]}")
    return buf.getvalue()
