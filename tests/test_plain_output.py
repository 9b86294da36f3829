"""Every command's text output is for people: without ``--verbose`` it has no condition code, no Python
repr, no line-number ids and no "term 0"; with ``--verbose`` the detail is there. Run on the seed treaty
(with and without its timeline, with a what-if attack), on a corpus treaty and on imported ATOP models."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from foedus.cli import app

SEED = str(ROOT / "treaties" / "sino_soviet_1950.md")
SEED_EVENTS = str(ROOT / "timelines" / "sino_soviet_1950_1980.yaml")
ATTACK = "1955-06-01 armed_attack actor=JPN target=PRC state_of_war=true"
CORPUS = str(ROOT / "treaties" / "brussels_1948.md")
CORPUS_EVENTS = str(ROOT / "timelines" / "brussels_1948.yaml")

# What must never be the main text: condition code, Python reprs, ids made of line numbers, terms from zero.
FORBIDDEN = [
    ("condition code", re.compile(r"\bevent\.\w|\btrigger\.\w|\bparty\(|\ballied\(|\bat_war\(|==|!=| in \[")),
    ("Python repr", re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\{'|\['")),
    ("a line-number id", re.compile(r"\bL\d+\b|\bE\d+\b|yaml:\d+")),
    ("a term counted from zero", re.compile(r"\bterm 0\b")),
]

ATOP_HEADER = ("atopid,begyr,begmo,begday,endyr,endmo,endday,ineffect,bilat,defense,offense,neutral,nonagg,consul,"
               "conditio,defcon,offcon,neucon,concon,speclgth,length,proren,renewlgt,specthrt,statthr1,statthr2,"
               "noothall,ecaid,mem1,mem2,mem3,version,new5")
ATOP_ROWS = [
    # a conditional defence pact against one threat, a neutrality pact, a consultation pact of three states
    "9001,1950,1,1,0,0,0,1,1,1,0,0,0,0,1,1,0,0,0,1,120,2,60,0,0,0,0,0,200,220,,5,1",
    "9003,1950,1,1,0,0,0,1,0,1,0,0,1,1,1,0,0,0,1,3,0,0,0,1,365,0,1,3,200,220,230,5,0",
    "9005,1949,4,4,0,0,0,1,1,0,0,1,0,0,1,0,0,1,0,1,240,2,0,0,0,0,0,0,2,20,,5,0",
]


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


def offences(text: str) -> list[str]:
    """Each forbidden thing found, with the line it is on."""
    found = []
    for line in text.splitlines():
        for what, pattern in FORBIDDEN:
            m = pattern.search(line)
            if m:
                found.append(f"{what} ({m.group(0)!r}) in: {line.strip()}")
    return found


def page_text(page: str) -> str:
    """What a reader sees of an HTML page: the text outside tags, scripts and styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", "\n", page)
    return html.unescape(page)


@pytest.fixture(scope="module")
def atop_csv(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("atop") / "alliances.csv"
    path.write_text("\n".join([ATOP_HEADER, *ATOP_ROWS]) + "\n", encoding="utf-8")
    return str(path)


def _single_treaty(treaty: str, events: list[str], on: str, extra: list[str]) -> dict[str, list[str]]:
    """The commands of one treaty, each as its arguments (without --verbose)."""
    e = [a for ev in events for a in ("-e", ev)] + [a for x in extra for a in ("--add-event", x)]
    return {
        "validate": ["validate", treaty],
        "readings": ["readings", treaty],
        "status": ["status", treaty, *e, "--on", on],
        "run": ["run", treaty, *e, "--on", on],
        "explain treaty": ["explain", treaty, "treaty", *e, "--on", on],
    }


def _cases(atop: str) -> dict[str, list[str]]:
    cases: dict[str, list[str]] = {}
    for name, args in _single_treaty(SEED, [SEED_EVENTS], "1990-01-01", []).items():
        cases[f"seed {name}"] = args
    for name, args in _single_treaty(SEED, [SEED_EVENTS], "1955-06-10", [ATTACK]).items():
        cases[f"seed attacked {name}"] = args
    for name, args in _single_treaty(SEED, [], "1955-06-10", []).items():
        cases[f"seed without events {name}"] = args
    for name, args in _single_treaty(CORPUS, [CORPUS_EVENTS], "1960-01-01", []).items():
        cases[f"corpus {name}"] = args
    e, on = ["-e", SEED_EVENTS], ["--on", "1955-06-10"]
    attack = ["--add-event", ATTACK]
    cases.update({
        "seed explain duty": ["explain", SEED, "joint-measures/USSR", *e, *attack, *on],
        "seed explain triggered duty": ["explain", SEED, "mutual-assistance/USSR/1955-06-01", *e, *attack, *on],
        "seed explain norm": ["explain", SEED, "consultation", *e, "--on", "1990-01-01"],
        "seed explain event": ["explain", SEED, "1956-10-19-peace-settlement-USSR", *e, "--on", "1990-01-01"],
        "seed compare": ["compare", SEED, *e, "--on", "1990-01-01", "-r", "art5-force=binding",
                         "-w", "art5-force=programmatic"],
        "seed compare without events": ["compare", SEED, *on, "-r", "term-start=entry-into-force",
                                        "-w", "term-start=signature"],
        "world in-force": ["world", "in-force", "-t", SEED, "-t", CORPUS, *e, "-e", CORPUS_EVENTS, *on],
        "world in-force without events": ["world", "in-force", "-t", SEED, *on],
        "world allies": ["world", "allies", "USSR", "-t", SEED, *e, *on],
        "world assist": ["world", "assist", "JPN", "PRC", "-t", SEED, *e, *on],
        "world status": ["world", "status", "sino-soviet-1950", "-t", SEED, *e, *attack, *on],
        "atop world status": ["world", "status", "atop-9001", "--atop", atop, "--on", "1960-01-01"],
        "atop in-force": ["world", "in-force", "--atop", atop, "--on", "1960-01-01"],
        "atop allies": ["world", "allies", "200", "--atop", atop, "--on", "1960-01-01"],
        "atop assist": ["world", "assist", "230", "220", "--atop", atop, "--on", "1960-01-01"],
    })
    return cases


CASE_NAMES = sorted(_cases("ATOP").keys())


@pytest.mark.parametrize("case", CASE_NAMES)
def test_text_output_speaks_in_words(case: str, atop_csv: str) -> None:
    args = _cases(atop_csv)[case]
    text = cli(*args)
    assert text.strip()
    assert offences(text) == []


@pytest.mark.parametrize(("treaty", "events", "on"), [
    (SEED, [SEED_EVENTS], "1990-01-01"), (SEED, [], "1955-06-10"), (CORPUS, [CORPUS_EVENTS], "1960-01-01")])
def test_the_html_page_speaks_in_words(tmp_path: Path, treaty: str, events: list[str], on: str) -> None:
    out = tmp_path / "page.html"
    cli("report", treaty, *[a for ev in events for a in ("-e", ev)], "--on", on, "--out", str(out))
    assert offences(page_text(out.read_text(encoding="utf-8"))) == []


def test_verbose_shows_the_detail() -> None:
    """With --verbose the ids, the condition code and the file lines are there."""
    args = ["-e", SEED_EVENTS, "--add-event", ATTACK, "--on", "1955-06-10"]
    plain = cli("run", SEED, *args)
    verbose = cli("run", SEED, *args, "--verbose")
    assert "mutual-assistance/USSR/1955-06-01" in verbose and "mutual-assistance/USSR/1955-06-01" not in plain
    assert re.search(r"event\.\w|party\(|==", verbose)
    event = cli("explain", SEED, "1956-10-19-peace-settlement-USSR", "-e", SEED_EVENTS, "--on", "1990-01-01",
                "--verbose")
    assert re.search(r"sino_soviet_1950_1980\.yaml:\d+", event)
    explained = cli("explain", SEED, "mutual-assistance/USSR/1955-06-01", *args, "--verbose")
    assert re.search(r"event\.\w|party\(|==", explained)
    assert offences(cli("explain", SEED, "mutual-assistance/USSR/1955-06-01", *args)) == []
