"""Browser tests: a real headless Chromium (Debian's package) driven by Playwright's sync API.

Nothing is installed here. Without /usr/bin/chromium (or the Playwright package) every test in this
folder is skipped with a message that says how to get it: `python3 tasks.py test` installs Debian's
Chromium where it can. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from foedus.serve import make_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("FOEDUS_CHROMIUM", "/usr/bin/chromium"))
SHOTS = ROOT / "artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright

    HAVE_PLAYWRIGHT = True
    # One time budget for waits and web-first assertions: `page` sets 15 s for actions and waits,
    # and `expect` would otherwise give up after its own 5 s.
    expect.set_options(timeout=15_000)
except ImportError:  # pragma: no cover - the dev extra brings it
    HAVE_PLAYWRIGHT = False


def _missing() -> str | None:
    if not HAVE_PLAYWRIGHT:
        return "browser tests need the `playwright` Python package (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return (f"browser tests need Chromium at {CHROMIUM}: `apt-get install chromium` "
                "(`python3 tasks.py test` installs it where it may)")
    return None


@pytest.fixture(autouse=True)
def _needs_chromium() -> None:
    reason = _missing()
    if reason is not None:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    reason = _missing()
    if reason is not None:
        pytest.skip(reason)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


class Dialogs(list[str]):
    """Every alert, confirm or prompt the page tried to show."""


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, 1280, 1000)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A page 390 px wide (a phone held upright), with the same checks as ``page``."""
    yield from _page(browser, 390, 844)


def _page(browser: Browser, width: int, height: int) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    pg = context.new_page()
    dialogs = Dialogs()
    errors: list[str] = []

    def on_dialog(d: Any) -> None:
        dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    pg.errors = errors  # type: ignore[attr-defined]
    pg.set_default_timeout(15_000)
    try:
        yield pg
    finally:
        context.close()


def _shot(page: Page, name: str, full_page: bool = False) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def shot() -> Any:
    """shot(page, name, full_page=False): a screenshot in artifacts/screenshots/<name>.png."""
    return _shot


def start_server(treaties: Path, timelines: Path, scenarios: Path | None = None) -> tuple[Any, str]:
    srv = make_server(treaties, timelines, host="127.0.0.1", port=0, scenarios_dir=scenarios)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    scenarios = tmp_path_factory.mktemp("scenarios")
    srv, url = start_server(ROOT / "treaties", ROOT / "timelines", scenarios)
    try:
        yield url
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("xss")
    for name in ("xss_treaty.md", "xss_timeline.yaml"):
        shutil.copy(ROOT / "tests" / "fixtures" / "html" / name, folder / name)
    srv, url = start_server(folder, folder)
    try:
        yield url
    finally:
        srv.shutdown()
        srv.server_close()
