"""The HTML report: marks, escaping, determinism, no network, compare mode, errors."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from foedus.errors import FoedusError
from foedus.report.html import render_report

ROOT = Path(__file__).resolve().parent.parent
TREATY = ROOT / "treaties" / "sino_soviet_1950.md"
HISTORY = ROOT / "timelines" / "sino_soviet_1950_1980.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "html"
XSS_TREATY = FIXTURES / "xss_treaty.md"
XSS_TIMELINE = FIXTURES / "xss_timeline.yaml"


class Page(HTMLParser):
    """Every element with its attributes, and the page's text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all_text(self) -> str:
        return "".join(self.text)

    def marks(self, kind: str, **attrs: str) -> list[dict[str, str | None]]:
        out = []
        for _, a in self.elements:
            if a.get("data-mark") == kind and all(a.get(f"data-{k}") == v for k, v in attrs.items()):
                out.append(a)
        return out


@pytest.fixture(scope="module")
def report_1990() -> str:
    return render_report(TREATY, HISTORY, "default", date(1990, 1, 1))


@pytest.fixture(scope="module")
def compare_1990() -> str:
    return render_report(TREATY, HISTORY, "default", date(1990, 1, 1), compare_with="from-signature")


def test_key_marks_of_the_1950_treaty(report_1990: str) -> None:
    page = Page(report_1990)
    assert [m["data-date"] for m in page.marks("entry-into-force")] == ["1950-04-11"]
    assert [m["data-date"] for m in page.marks("notice-deadline")] == ["1979-04-11"]
    assert [m["data-date"] for m in page.marks("expiry")] == ["1980-04-11"]
    assert [m["data-date"] for m in page.marks("signature")] == ["1950-02-14"]
    assert page.marks("notice-window", **{"from": "1950-04-11", "to": "1979-04-11"})
    assert page.marks("term", term="0")
    # The extension the notice averted is drawn, not counted as a term.
    assert page.marks("averted-extension", **{"from": "1980-04-11", "to": "1985-04-11"})
    text = page.all_text()
    for label in ("entry into force", "notice deadline", "expiry", "1950-04-11", "1979-04-11", "1980-04-11"):
        assert label in text


def test_events_are_marks_with_tooltips(report_1990: str) -> None:
    page = Page(report_1990)
    events = [a for _, a in page.elements if a.get("class") == "event"]
    assert len(events) == 21
    assert {"data-date": "1960-07-16"}.items() <= next(e for e in events if e["data-type"] == "assistance_withdrawn"
                                                        ).items()
    # The tooltip and the accessible label name the event in words (its type, the states, its date); the
    # tooltip gives its source too.
    withdrawn = next(e for e in events if e["data-type"] == "assistance_withdrawn")
    assert withdrawn["aria-label"] == "Assistance withdrawn by the USSR from the PRC, 1960-07-16"
    assert "<title>Assistance withdrawn by the USSR from the PRC, 1960-07-16\nsource:" in report_1990
    assert "source: Soviet note of 16 July 1960 recalling all Soviet experts" in report_1990


def test_every_duty_has_a_bar_and_an_explanation(report_1990: str) -> None:
    page = Page(report_1990)
    rows = {a["data-instance"]: a["data-state"] for t, a in page.elements if t == "tr" and "data-instance" in a}
    assert rows["economic-cultural-ties/USSR"] == "violated"
    assert rows["peace-treaty-with-japan/PRC"] == "fulfilled"
    assert rows["notice-of-denunciation/PRC"] == "exercised"
    bars = {a["data-instance"]: a["data-state"] for t, a in page.elements if a.get("class") == "norm-row"
            and "data-instance" in a}
    assert bars["economic-cultural-ties/USSR"] == "violated"
    assert bars["joint-measures/USSR"] == "expired"
    # The chain: event with date and source → rule → text of the article.
    section = report_1990[report_1990.index('id="duties"'):report_1990.index('id="text"')]
    assert "Soviet note of 16 July 1960" in section
    assert "withdrawal of economic assistance" in section
    assert "art5-force=binding" in section
    assert "render each other every possible economic assistance" in section


def test_articles_show_norm_states_as_of_the_date() -> None:
    page = Page(render_report(TREATY, HISTORY, None, "1965-06-01"))
    items = {a["data-instance"]: None for t, a in page.elements if t == "li" and "data-instance" in a}
    assert "economic-cultural-ties/USSR" in items
    states = [a.get("data-state") for t, a in page.elements
              if t == "span" and (a.get("class") or "").startswith("badge")]
    assert "violated" in states and "active" in states
    text = page.all_text()
    assert "Both High Contracting Parties undertake jointly" in text  # Article I, verbatim
    assert "no instance as of 1965-06-01: set off by an armed attack by Japan" in text  # mutual assistance
    # While the end is open, the expiry is the current term's end, marked as not certain.
    (expiry,) = page.marks("expiry")
    assert expiry["data-date"] == "1980-04-11" and expiry["data-certain"] == "false"
    assert page.marks("possible-extension", **{"from": "1980-04-11"})


def test_markup_in_model_and_timeline_is_text() -> None:
    out = render_report(XSS_TREATY, XSS_TIMELINE, None, "2005-01-01")
    page = Page(out)
    tags = {t for t, _ in page.elements}
    assert "script" not in tags and "img" not in tags and "b" not in tags
    svg_tags = [a for t, a in page.elements if t == "svg"]
    assert len(svg_tags) == 1  # the chart; the party name's <svg onload> is text
    for tag, attrs in page.elements:
        for name in attrs:
            assert not name.startswith("on"), (tag, name)
    text = page.all_text()
    for needle in ("<script>alert(1)</script>", "<img src=x onerror=alert(9)>", "<b onclick=alert(10)>this</b>",
                   'Kingdom of Beta "><svg onload=alert(7)>', "<img src=x onerror=alert(24)> An alliance",
                   "Is <script>alert(11)</script> a question?"):
        assert needle in text, needle
    # ids are no text of the page, but attributes, where markup in them stays a value
    assert 'evil"onmouseover="alert(13)/ALPHA' in {a.get("data-instance") for _, a in page.elements}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_same_inputs_same_bytes() -> None:
    a = render_report(TREATY, HISTORY, "default", "1990-01-01", compare_with="from-signature")
    b = render_report(str(TREATY), str(HISTORY), ["default"], date(1990, 1, 1), compare_with=["from-signature"])
    assert a == b
    assert render_report(XSS_TREATY, XSS_TIMELINE, None, "2005-01-01") == render_report(
        XSS_TREATY, XSS_TIMELINE, None, "2005-01-01")


def test_self_contained_and_offline(report_1990: str, compare_1990: str) -> None:
    for out in (report_1990, compare_1990):
        assert out.startswith("<!DOCTYPE html>")
        assert "<script" not in out.lower()
        assert "<link" not in out.lower()
        assert "@import" not in out
        assert not re.search(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", out, re.I)
        assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", out, re.I)
        hrefs = [a["href"] for _, a in Page(out).elements if "href" in a]
        assert hrefs and all(h is not None and h.startswith("#") for h in hrefs)


def test_compare_marks_the_divergence(compare_1990: str) -> None:
    page = Page(compare_1990)
    assert [m["data-date"] for m in page.marks("expiry", reading="default")] == ["1980-04-11"]
    assert [m["data-date"] for m in page.marks("expiry", reading="from-signature")] == ["1985-02-14"]
    assert [m["data-date"] for m in page.marks("notice-deadline", reading="from-signature")] == [
        "1979-02-14", "1984-02-14"]
    (div,) = page.marks("divergence")
    assert (div["data-from"], div["data-to"]) == ("1980-02-14", "1985-02-13")
    rows = [a for t, a in page.elements if t == "tr" and a.get("data-key-date") == "expiry"]
    assert any(r.get("class") == "differs" for r in rows)
    section = compare_1990[compare_1990.index('id="compare"'):compare_1990.index('id="duties"')]
    assert "1980-04-11" in section and "1985-02-14" in section
    assert 'data-divergence="treaty"' in section
    assert "term-start" in section


def test_compare_dates_the_first_divergence_on_the_day_of_the_notice(compare_1990: str) -> None:
    page = Page(compare_1990)
    (first,) = [a for t, a in page.elements if t == "p" and a.get("class") == "first-divergence"]
    assert first["data-first-divergence"] == "1979-04-03"
    (mark,) = page.marks("first-divergence")
    assert mark["data-date"] == "1979-04-03"
    text = " ".join(page.all_text().split())
    assert ("The readings first diverge on 1979-04-03: Sino-Soviet Treaty of 1950, notice by the PRC of 1979-04-03 "
            "(for the first term): timely under default, late under from-signature") in text
    # The notice judged under each reading, in words.
    verdicts = [(a.get("data-label"), a.get("data-verdict")) for t, a in page.elements
                if t == "td" and a.get("data-verdict")]
    assert verdicts[:2] == [("Under default", "timely"), ("Under from-signature", "late")]
    section = compare_1990[compare_1990.index('id="compare"'):compare_1990.index('id="duties"')]
    # Subjects in words: the treaty by its title, a duty by its article and bearer, never a machine id.
    assert 'data-difference="economic-cultural-ties/PRC"' in section
    assert "Art. V — PRC: economic assistance" in section
    assert ">economic-cultural-ties/PRC<" not in section


def test_compare_with_the_same_reading_finds_no_divergence() -> None:
    out = render_report(TREATY, HISTORY, "default", "1990-01-01", compare_with="term-start=entry-into-force")
    page = Page(out)
    assert not page.marks("divergence")
    assert 'data-divergence="none"' in out


def test_report_without_events_and_before_signature() -> None:
    out = render_report(TREATY, None, None, "1949-06-01")
    page = Page(out)
    assert not page.marks("signature") and not page.marks("entry-into-force")  # not yet, as of the date
    assert 'data-state="not signed"' in out
    assert "The timeline has no events." in page.all_text()


@pytest.mark.parametrize("treaty", sorted((ROOT / "treaties").glob("*.md")), ids=lambda p: p.stem)
def test_every_treaty_in_the_repository_renders(treaty: Path) -> None:
    for on in ("1950-01-01", "1975-06-30", "2030-01-01"):
        out = render_report(treaty, None, None, on)
        assert out.startswith("<!DOCTYPE html>") and "</html>" in out


@pytest.mark.parametrize(("args", "message"), [
    ((TREATY, HISTORY, "no-such-reading", "1990-01-01"), "unknown reading 'no-such-reading'"),
    ((ROOT / "treaties" / "missing.md", None, None, "1990-01-01"), "no such treaty file"),
    ((TREATY, HISTORY, None, "1990-02-30"), "impossible date"),
    ((TREATY, ROOT / "timelines" / "missing.yaml", None, "1990-01-01"), "no such timeline file"),
])
def test_bad_input_is_one_line_error(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(FoedusError) as info:
        render_report(*args)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_bad_compare_reading_is_an_error() -> None:
    with pytest.raises(FoedusError, match="unknown reading 'nope'"):
        render_report(TREATY, HISTORY, None, "1990-01-01", compare_with="nope")
