"""`foedus serve` in a real browser: the date slider, markup shown as text, errors, what-if events."""

from __future__ import annotations

import json
import urllib.request
from datetime import date
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect

Q = "treaty=sino_soviet_1950.md&timeline=sino_soviet_1950_1980.yaml&reading=default"


def ready(page: Any, on: str | None = None) -> None:
    page.wait_for_selector("body[data-ready=true]")
    if on is not None:
        page.wait_for_selector(f'body[data-on="{on}"]')


def slide_to(page: Any, day: str) -> None:
    """Move the slider as a user would set it: the range input's value, with its input event."""
    slider = page.locator("#slider")
    start = date.fromisoformat(slider.get_attribute("data-start"))
    offset = (date.fromisoformat(day) - start).days
    assert 0 <= offset <= int(slider.get_attribute("max"))
    slider.fill(str(offset))
    ready(page, day)
    expect(page.locator(".on-date").first).to_have_text(day)


def applied(page: Any, added: int) -> None:
    """Wait until the page has applied its what-if events, ``added`` of them: the status with them is
    shown and then the chart, which the page asks for only after it has shown that status.

    Neither the list of added events (it changes before the status is even asked for) nor
    ``ready()`` (body[data-ready] stays "true" from the first load) says that."""
    if added:
        page.wait_for_selector(f'#chart svg [data-event="what-if-{added}"]')
    else:
        page.wait_for_selector("#chart svg")
        page.wait_for_function("() => !document.querySelector('#chart [data-event^=\"what-if-\"]')")


def instance_state(page: Any, iid: str) -> str:
    return page.locator(f'#norms tr[data-instance="{iid}"]').get_attribute("data-state")


def test_slider_changes_the_states(page: Any, server: str, shot: Any) -> None:
    page.goto(f"{server}/?{Q}")
    ready(page, "1950-04-11")  # the default date: entry into force
    page.wait_for_selector("#chart svg")
    shot(page, "serve_start")

    slide_to(page, "1955-01-01")
    row = page.locator('#norms tr[data-norm="mutual-assistance"]')
    assert row.get_attribute("data-state") == "absent"
    assert "not present" in row.inner_text()
    assert instance_state(page, "economic-cultural-ties/USSR") == "active"
    assert page.locator("#summary .badge").inner_text() == "in force"
    assert "1955-01-01" in page.locator("#date-label").inner_text()
    shot(page, "serve_1955")

    slide_to(page, "1965-01-01")
    assert instance_state(page, "economic-cultural-ties/USSR") == "violated"
    assert page.locator('#norms tr[data-instance="economic-cultural-ties/USSR"] .badge').inner_text() == "violated"
    # The article's aside shows the same state.
    aside = page.locator('[data-article="V"] [data-instance="economic-cultural-ties/USSR"]')
    assert "violated" in aside.inner_text()
    page.locator("#chart-sec").scroll_into_view_if_needed()
    shot(page, "serve_1965_chart")

    slide_to(page, "1981-01-01")
    assert page.locator("#summary").get_attribute("data-state") == "expired"
    assert page.locator("#summary .badge").inner_text() == "expired"
    assert instance_state(page, "joint-measures/USSR") == "expired"
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "serve_1981")

    # The keyboard moves the slider one day at a time.
    page.locator("#slider").focus()
    page.keyboard.press("ArrowRight")
    ready(page, "1981-01-02")
    # The key-date buttons jump.
    page.locator('#jumps button[data-kind="notice-deadline"]').click()
    ready(page, "1979-04-11")
    assert page.locator("#summary").get_attribute("data-state") == "in force"
    assert page.errors == [] and page.dialogs == []


def test_markup_in_a_treaty_is_text_in_the_app(page: Any, xss_server: str, shot: Any) -> None:
    page.goto(f"{xss_server}/?treaty=xss_treaty.md&timeline=xss_timeline.yaml&on=2004-01-01")
    ready(page, "2004-01-01")
    page.wait_for_selector("#chart svg")
    page.wait_for_timeout(300)
    assert page.dialogs == [] and page.errors == []
    assert page.locator("main script, main img, #chart svg foreignObject").count() == 0
    article = page.locator('[data-article="I"]')
    assert "<script>alert(8)</script>" in article.inner_text()
    assert page.get_by_text("<img src=x onerror=alert(9)>", exact=False).first.is_visible()
    assert "Treaty of <script>alert(1)</script>" in page.locator("#treaty").inner_text() or \
        "<img src=x onerror=alert(3)>" in page.locator("#treaty").inner_text()
    row = page.locator('#norms tr[data-instance="evil\\"onmouseover=\\"alert(13)/ALPHA"]')
    assert row.get_attribute("data-state") == "violated"
    row.hover()
    page.locator("#chart svg").hover()
    page.wait_for_timeout(100)
    assert page.dialogs == []
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "serve_xss", full_page=True)


def test_unknown_reading_shows_an_error_and_the_server_keeps_answering(page: Any, server: str, shot: Any) -> None:
    page.goto(f"{server}/?{Q}&on=1965-01-01")
    ready(page, "1965-01-01")
    page.locator("#reading").fill("no-such-reading")
    page.locator("#reading").press("Enter")
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert "unknown reading 'no-such-reading'" in error.inner_text()
    assert page.locator("body").get_attribute("data-ready") == "error"
    shot(page, "serve_error")
    with urllib.request.urlopen(f"{server}/api/status?{Q}&on=1981-01-01", timeout=10) as r:
        assert r.status == 200 and json.loads(r.read())["status"]["state"] == "expired"
    page.locator("#reading").fill("from-signature")
    page.locator("#reading").press("Enter")
    error.wait_for(state="hidden")
    ready(page, "1965-01-01")
    assert instance_state(page, "economic-cultural-ties/USSR") == "violated"
    assert "from-signature" in page.locator("#summary").inner_text()


def test_unknown_treaty_in_the_address_is_an_error(page: Any, server: str) -> None:
    page.goto(f"{server}/?treaty=../pyproject.toml")
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert "unknown treaty" in error.inner_text()


def test_what_if_event_shows_what_changes(page: Any, server: str, shot: Any) -> None:
    page.goto(f"{server}/?{Q}&on=1962-06-01")
    ready(page, "1962-06-01")
    applied(page, 0)
    for n, etype in enumerate(("armed_attack", "state_of_war"), start=1):
        page.locator("#ev-date").fill("1962-05-01")
        page.locator("#ev-type").select_option(etype)
        page.locator("#ev-actors").fill("JPN")
        page.locator("#ev-targets").fill("PRC")
        page.locator("#ev-add").click()
        page.wait_for_selector(f'#added li[data-added="{n}"]')
        applied(page, n)
    page.wait_for_selector('#diff tr[data-instance="mutual-assistance/USSR/1962-05-01"]')
    ready(page, "1962-06-01")
    assert instance_state(page, "mutual-assistance/USSR/1962-05-01") == "violated"
    assert "only with the added events" in page.locator("#diff").inner_text()
    page.locator("#whatif").scroll_into_view_if_needed()
    shot(page, "serve_what_if")
    # A bad event is refused with a message and not kept.
    page.locator("#ev-type").select_option("armed_attack")
    page.locator("#ev-actors").fill("NOWHERE")
    page.locator("#ev-add").click()
    expect(page.locator("#error")).to_contain_text("unknown state 'NOWHERE'")
    expect(page.locator("#added li")).to_have_count(2)
    # Saving writes a scenario the timeline list then offers.
    page.locator("#save-name").fill("attack 1962")
    page.locator("#save").click()
    expect(page.locator("#save-msg")).to_contain_text("attack-1962.yaml")
    expect(page.locator('#timeline option[value="scenario:attack-1962.yaml"]')).to_have_count(1)
    page.locator("#ev-clear").click()
    page.wait_for_selector("#added li.muted")
    applied(page, 0)
    expect(page.locator('#norms tr[data-norm="mutual-assistance"]')).to_have_attribute("data-state", "absent")
    expect(page.locator("#diff")).to_be_empty()
