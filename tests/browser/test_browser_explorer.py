"""The explorer and the report in a real browser: switching treaty, a phone's width, the chart's event labels,
dates written YYYY-MM-DD."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from foedus.report.html import render_report

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect

ROOT = Path(__file__).resolve().parents[2]
TREATY = ROOT / "treaties" / "sino_soviet_1950.md"
HISTORY = ROOT / "timelines" / "sino_soviet_1950_1980.yaml"
Q = "treaty=sino_soviet_1950.md&timeline=sino_soviet_1950_1980.yaml&reading=default"
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Dates written otherwise than YYYY-MM-DD: 16/07/1960, 7/16/60, 16.07.1960, "16 July 1960", "July 16, 1960".
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
NOT_ISO = re.compile(rf"\b\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}\b|\b\d{{1,2}} (?:{MONTHS}) \d{{4}}\b|"
                     rf"\b(?:{MONTHS}) \d{{1,2}}, \d{{4}}\b")


def ready(page: Any, on: str | None = None) -> None:
    page.wait_for_selector("body[data-ready=true]")
    if on is not None:
        page.wait_for_selector(f'body[data-on="{on}"]')


def chart_ready(page: Any) -> None:
    page.wait_for_selector("#chart svg g.event")


def switch_treaty(page: Any, file: str) -> None:
    """Choose a treaty as a user would, then wait for the status and the chart of that treaty."""
    page.locator("#treaty").select_option(file)
    page.wait_for_selector(f'body[data-ready="true"][data-treaty="{file}"]')
    page.wait_for_selector(f'#chart[data-treaty="{file}"] svg')


def fits(page: Any) -> None:
    """Nothing wider than the screen: the page itself never scrolls sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page is {width} px wide in a {viewport} px window"
    assert page.evaluate("document.body.scrollWidth") <= viewport


def scrolls_inside(page: Any, selector: str) -> None:
    """The box is narrower than what it holds and scrolls sideways itself, leaving the page where it is."""
    box = page.locator(selector).first
    assert box.evaluate("b => getComputedStyle(b).overflowX") in ("auto", "scroll")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), f"{selector} holds nothing wider than itself"
    assert box.evaluate("b => b.getBoundingClientRect().right") <= page.evaluate("window.innerWidth")
    moved = box.evaluate("b => { b.scrollLeft = 200; return b.scrollLeft; }")
    assert moved > 0
    assert page.evaluate("window.scrollX") == 0
    box.evaluate("b => { b.scrollLeft = 0; }")


# --- switching treaty ------------------------------------------------------------------------------------


def test_switching_treaty_picks_a_timeline_that_names_it(page: Any, server: str, shot: Any) -> None:
    page.goto(f"{server}/?{Q}&on=1965-01-01")
    ready(page, "1965-01-01")
    chart_ready(page)
    note, error = page.locator("#timeline-note"), page.locator("#error")

    switch_treaty(page, "baghdad_pact_1955.md")
    assert page.locator("#timeline").input_value() == "baghdad_pact_1955.yaml"
    expect(note).to_be_hidden()
    expect(error).to_be_hidden()
    # The status and the chart are the Baghdad Pact's, from its own timeline.
    expect(page.locator("#chart svg title#chart-title")).to_contain_text("Baghdad Pact")
    assert page.locator("#chart svg g.event").count() > 0
    assert page.locator("#summary").get_attribute("data-state") in ("in force", "in force (extended)")

    # A treaty whose only timeline also records acts under another treaty: none, and a note that says why.
    switch_treaty(page, "us_japan_1951.md")
    assert page.locator("#timeline").input_value() == "none"
    expect(note).to_be_visible()
    expect(note).to_contain_text("sino_soviet_1950_1980.yaml names it")
    expect(note).to_contain_text("shown with no events")
    expect(error).to_be_hidden()
    assert page.locator("body").get_attribute("data-ready") == "true"
    shot(page, "serve_switch_no_timeline")

    # Two timelines name the 1945 treaty: the first is taken.
    switch_treaty(page, "sino_soviet_1945.md")
    assert page.locator("#timeline").input_value() == "sino_soviet_1945.yaml"
    expect(note).to_be_hidden()

    switch_treaty(page, "sino_soviet_1950.md")
    assert page.locator("#timeline").input_value() == "sino_soviet_1950_1980.yaml"
    expect(error).to_be_hidden()
    assert page.errors == [] and page.dialogs == []


def test_every_treaty_can_be_chosen(page: Any, server: str) -> None:
    page.goto(f"{server}/?{Q}")
    ready(page)
    files = page.locator("#treaty option").evaluate_all("os => os.map(o => o.value)")
    assert len(files) == len(list((ROOT / "treaties").glob("*.md")))
    for file in files:
        switch_treaty(page, file)
        expect(page.locator("#error")).to_be_hidden()
        timeline = page.locator("#timeline").input_value()
        assert timeline != "none" or page.locator("#timeline-note").is_visible(), file
    assert page.errors == []


def test_a_treaty_in_the_address_without_a_timeline_gets_its_own(page: Any, server: str) -> None:
    page.goto(f"{server}/?treaty=seato_1954.md")
    ready(page)
    assert page.locator("#timeline").input_value() == "seato_1954.yaml"
    expect(page.locator("#error")).to_be_hidden()


# --- the chart's events ----------------------------------------------------------------------------------


def test_chart_events_have_labels_and_tooltips(page: Any, server: str) -> None:
    page.goto(f"{server}/?{Q}&on=1965-01-01")
    ready(page, "1965-01-01")
    chart_ready(page)
    events = page.locator("#chart svg g.event")
    assert events.count() == 21
    for i in range(events.count()):
        ev = events.nth(i)
        day, etype = ev.get_attribute("data-date"), ev.get_attribute("data-type")
        label = ev.get_attribute("aria-label")
        tip = ev.locator("title").text_content()
        # The type in words, the actors, the date; the tooltip begins with the label.
        assert day in label and ISO.match(day), label
        assert tip.split("\n")[0] == label
        # the type in words: in the label, or (an event with a title of its own) in the tooltip's next line
        assert etype.replace("_", " ") in " ".join(tip.split("\n")[:2]).lower(), tip
        assert "_" not in label
    # Named for assistive technology, and reachable by keyboard.
    withdrawal = page.get_by_role("img", name="Assistance withdrawn by the USSR from the PRC, 1960-07-16")
    expect(withdrawal).to_have_count(1)
    withdrawal.focus()
    assert withdrawal.evaluate("e => document.activeElement === e")
    assert "source: Soviet note of 16 July 1960" in withdrawal.locator("title").text_content()


def test_report_chart_events_have_labels(page: Any, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(render_report(TREATY, HISTORY, "default", "1990-01-01"), encoding="utf-8")
    page.goto(path.as_uri())
    notice = page.get_by_role("img", name="Notice of denunciation by the PRC, 1979-04-03")
    expect(notice).to_have_count(1)
    assert notice.get_attribute("data-type") == "notice_of_denunciation"


# --- dates -----------------------------------------------------------------------------------------------


def test_dates_are_written_yyyy_mm_dd(page: Any, server: str) -> None:
    page.goto(f"{server}/?{Q}&on=1960-07-16")
    ready(page, "1960-07-16")
    chart_ready(page)
    # No browser date picker, whose display follows the machine's locale (16/07/1960 here): a text field.
    assert page.locator('input[type="date"]').count() == 0
    assert page.locator("#date-input").input_value() == "1960-07-16"
    assert page.locator("#date-label").inner_text() == "1960-07-16"
    for sel in ("#summary .v", "#norms td.date", "#jumps button"):
        for text in page.locator(sel).all_inner_texts():
            for day in re.findall(r"\d{4}-\d{2}-\d{2}", text):
                assert ISO.match(day)
    since = page.locator('#norms tr[data-instance="economic-cultural-ties/USSR"] td.date').inner_text()
    assert since == "1960-07-16"
    outside_the_text = page.evaluate(
        "() => [...document.querySelectorAll('header, #state-sec, #norms-sec, #whatif')]"
        ".map(e => e.innerText).join('\\n')")
    assert NOT_ISO.search(outside_the_text) is None, NOT_ISO.search(outside_the_text)
    # The day a breach is dated, and the changes of the day, as the command line says them.
    expect(page.locator("#changes-on-day")).to_contain_text("active → violated")

    # A date typed otherwise is refused with a message, and the page stays where it was.
    page.locator("#date-input").fill("16/07/1960")
    page.locator("#date-input").press("Enter")
    page.locator("#date-input").blur()
    expect(page.locator("#error")).to_contain_text("write it YYYY-MM-DD")
    assert page.locator("body").get_attribute("data-on") == "1960-07-16"
    page.locator("#date-input").fill("1960-07-28")
    page.locator("#date-input").blur()
    ready(page, "1960-07-28")
    expect(page.locator("#error")).to_be_hidden()
    # A further breach on that day is a finding: the duty stays violated since 1960-07-16, and no change of
    # the duty is listed for the day.
    assert page.locator('#norms tr[data-instance="economic-cultural-ties/USSR"] td.date').inner_text() == "1960-07-16"
    expect(page.locator('#changes-on-day li[data-subject="economic-cultural-ties/USSR"]')).to_have_count(0)
    # The what-if form's date too.
    page.locator("#ev-date").fill("1 May 1962")
    page.locator("#ev-add").click()
    expect(page.locator("#error")).to_contain_text("write it YYYY-MM-DD")
    expect(page.locator("#added li.muted")).to_have_count(1)
    assert page.errors == []


def test_report_dates_are_written_yyyy_mm_dd(page: Any, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(render_report(TREATY, HISTORY, "default", "1990-01-01", compare_with="from-signature"),
                    encoding="utf-8")
    page.goto(path.as_uri())
    for text in page.locator(".date, [data-date]").evaluate_all(
            "es => es.map(e => e.getAttribute('data-date') || e.textContent)"):
        for day in re.findall(r"\d{4}-\d{2}-\d{2}", text):
            assert ISO.match(day)
    ours = page.evaluate("() => [...document.querySelectorAll('#status, #compare, #duties .badge, .chart text')]"
                         ".map(e => e.textContent).join('\\n')")
    assert NOT_ISO.search(ours) is None


# --- a phone's width -------------------------------------------------------------------------------------


def test_explorer_fits_a_phone(phone: Any, server: str, shot: Any) -> None:
    phone.goto(f"{server}/?{Q}&on=1965-01-01")
    ready(phone, "1965-01-01")
    chart_ready(phone)
    fits(phone)
    scrolls_inside(phone, "#chart")
    # The norms table: each row a card within the screen.
    row = phone.locator('#norms tr[data-instance="economic-cultural-ties/USSR"]')
    assert row.evaluate("r => r.getBoundingClientRect().right") <= 390
    # Each cell says what it is (its column's name, drawn before it), the date included.
    since = row.locator("td.date")
    assert since.inner_text() == "1960-07-16"
    assert since.evaluate("td => getComputedStyle(td, '::before').content") == '"Since"'
    # The controls are all within reach: nothing sticks out.
    for sel in ("#treaty", "#timeline", "#reading", "#slider", "#date-input", "#ev-add"):
        box = phone.locator(sel).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, sel
    shot(phone, "serve_phone_top")
    phone.locator("#chart-sec").scroll_into_view_if_needed()
    shot(phone, "serve_phone_chart")
    # Still so after moving in time, after a what-if event, and after switching treaty.
    phone.locator("#date-input").fill("1981-01-01")
    phone.locator("#date-input").blur()
    ready(phone, "1981-01-01")
    fits(phone)
    phone.locator("#ev-date").fill("1962-05-01")
    phone.locator("#ev-type").select_option("armed_attack")
    phone.locator("#ev-actors").fill("JPN")
    phone.locator("#ev-targets").fill("PRC")
    phone.locator("#ev-add").click()
    phone.wait_for_selector('#added li[data-added="1"]')
    phone.wait_for_selector('#chart svg [data-event="what-if-1"]')
    fits(phone)
    phone.locator("#whatif").scroll_into_view_if_needed()
    shot(phone, "serve_phone_what_if")
    switch_treaty(phone, "seato_1954.md")
    chart_ready(phone)
    fits(phone)
    scrolls_inside(phone, "#chart")
    assert phone.errors == [] and phone.dialogs == []


def test_report_fits_a_phone(phone: Any, tmp_path: Path, shot: Any) -> None:
    path = tmp_path / "report.html"
    path.write_text(render_report(TREATY, HISTORY, "default", "1990-01-01", compare_with="from-signature"),
                    encoding="utf-8")
    phone.goto(path.as_uri())
    fits(phone)
    scrolls_inside(phone, ".chart")
    # Every table keeps within the screen: its rows are cards, or it scrolls inside its own box.
    for box in phone.locator(".table-box").all():
        assert box.evaluate("b => b.getBoundingClientRect().right") <= 390
    duty = phone.locator('#duties tr[data-instance="economic-cultural-ties/USSR"]')
    assert duty.evaluate("r => r.getBoundingClientRect().right") <= 390
    assert duty.locator('td[data-label="Outcome"]').inner_text().startswith("violated")
    shot(phone, "report_phone_top")
    phone.locator("#compare").scroll_into_view_if_needed()
    shot(phone, "report_phone_compare")
    for file in sorted((ROOT / "treaties").glob("*.md")):
        path.write_text(render_report(file, None, None, "1980-01-01"), encoding="utf-8")
        phone.goto(path.as_uri())
        fits(phone)
    assert phone.errors == []


def test_report_comparison_says_timely_and_late(page: Any, tmp_path: Path, shot: Any) -> None:
    path = tmp_path / "report.html"
    path.write_text(render_report(TREATY, HISTORY, "default", "1990-01-01", compare_with="from-signature"),
                    encoding="utf-8")
    page.goto(path.as_uri())
    first = page.locator("#compare .first-divergence")
    expect(first).to_contain_text("The readings first diverge on 1979-04-03")
    expect(first).to_contain_text("timely under default, late under from-signature")
    row = page.locator('#compare tr[data-notice="1979-04-03-notice-of-denunciation-PRC"][data-term="0"]')
    expect(row.locator("td").nth(2)).to_contain_text("timely")
    expect(row.locator("td").nth(3)).to_contain_text("late")
    mark = page.locator('svg [data-mark="first-divergence"]')
    assert mark.get_attribute("data-date") == "1979-04-03"
    assert mark.locator("text").is_visible()
    # Subjects in words, not ids.
    expect(page.locator('#compare tr[data-difference="economic-cultural-ties/PRC"]')).to_contain_text(
        "Art. V — PRC: economic assistance")
    page.locator("#compare").scroll_into_view_if_needed()
    shot(page, "report_compare_first_divergence")
