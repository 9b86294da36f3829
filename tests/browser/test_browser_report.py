"""The HTML report in a real browser: the marks are there and visible; markup in a model never runs."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from foedus.report.html import render_report

ROOT = Path(__file__).resolve().parents[2]
TREATY = ROOT / "treaties" / "sino_soviet_1950.md"
HISTORY = ROOT / "timelines" / "sino_soviet_1950_1980.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "html"


def open_report(page: Any, tmp_path: Path, name: str, html: str) -> None:
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    # Any request beyond the file itself would be a resource fetched from elsewhere.
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    assert requests == [path.as_uri()]


def test_1950_report_shows_the_key_dates(page: Any, tmp_path: Path, shot: Any) -> None:
    open_report(page, tmp_path, "report_1950", render_report(TREATY, HISTORY, "default", date(1990, 1, 1)))
    for kind, day in (("entry-into-force", "1950-04-11"), ("notice-deadline", "1979-04-11"),
                      ("expiry", "1980-04-11")):
        mark = page.locator(f'svg [data-mark="{kind}"]')
        assert mark.count() == 1
        assert mark.get_attribute("data-date") == day
        label = mark.locator("text", has_text=day)
        assert label.is_visible()
        assert label.bounding_box()["width"] > 20
    assert page.get_by_role("heading", name="Sino-Soviet Treaty of 1950").is_visible()
    assert page.locator('svg [data-mark="notice-window"]').get_attribute("data-to") == "1979-04-11"
    # The key dates are in a table too, for readers who cannot see the chart.
    row = page.locator('tr[data-key-date="notice-deadline"]')
    assert "1979-04-11" in row.inner_text()
    # A violated duty is shown with colour and with words.
    assert page.locator('.norm-row[data-instance="economic-cultural-ties/USSR"]').get_attribute(
        "data-state") == "violated"
    assert page.locator('tr[data-instance="economic-cultural-ties/USSR"] .badge').inner_text() == "violated"
    assert page.errors == [] and page.dialogs == []
    shot(page, "report_1950_top")
    page.locator(".chart").screenshot(path=str(ROOT / "artifacts" / "screenshots" / "report_1950_chart.png"))
    page.locator("#duties").scroll_into_view_if_needed()
    shot(page, "report_1950_duties")


def test_compare_report_shows_both_lifecycles(page: Any, tmp_path: Path, shot: Any) -> None:
    html = render_report(TREATY, HISTORY, "default", "1990-01-01", compare_with="from-signature")
    open_report(page, tmp_path, "report_1950_compare", html)
    assert page.locator('svg [data-mark="expiry"][data-reading="default"]').get_attribute("data-date") == "1980-04-11"
    assert page.locator('svg [data-mark="expiry"][data-reading="from-signature"]').get_attribute(
        "data-date") == "1985-02-14"
    div = page.locator('svg [data-mark="divergence"]')
    assert div.get_attribute("data-from") == "1980-02-14"
    assert div.locator("text").is_visible()
    page.locator(".chart").screenshot(path=str(ROOT / "artifacts" / "screenshots" / "report_1950_compare_chart.png"))
    page.locator("#compare").scroll_into_view_if_needed()
    shot(page, "report_1950_compare_table")


def test_markup_in_a_treaty_is_shown_and_never_run(page: Any, tmp_path: Path, shot: Any) -> None:
    html = render_report(FIXTURES / "xss_treaty.md", FIXTURES / "xss_timeline.yaml", None, "2005-01-01")
    open_report(page, tmp_path, "report_xss", html)
    page.wait_for_timeout(300)  # time for an onerror or onload to fire, if one had got through
    assert page.dialogs == []
    assert page.errors == []
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0
    assert page.locator("svg").count() == 1
    text = page.locator("#article-i").inner_text()
    assert "<script>alert(8)</script>" in text and "<img src=x onerror=alert(9)>" in text
    assert page.get_by_text("<script>alert(8)</script>", exact=False).first.is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "<img src=x onerror=alert(3)> Test Treaty"
    # Hovering what would be an onmouseover attribute does nothing.
    page.locator("#article-i").hover()
    page.wait_for_timeout(100)
    assert page.dialogs == []
    shot(page, "report_xss", full_page=True)
