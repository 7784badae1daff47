"""Real Chromium (Debian's package) driven by Playwright, against the app served by uvicorn."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.browser.support import Link, ServerThread, enrolled_token, tablet
from tests.support import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium reaches for Google's services at start, which this closed network refuses.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    assert CHROMIUM.exists(), "the browser tests need Debian's chromium: `make test` installs it as root"
    args = [*CHROMIUM_ARGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    tab = await context.new_page()
    yield tab
    await context.close()


@pytest.fixture
def live_server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """The app on the test's database, served by uvicorn in a thread (see ``ServerThread``)."""
    server = ServerThread(database_url, tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def context(
    browser: Browser, live_server: LiveServer, database_url: str
) -> AsyncIterator[BrowserContext]:
    """A tablet enrolled as a kiosk at the demo's first site, running the demo survey."""
    context = await tablet(browser, live_server, await enrolled_token(database_url))
    yield context
    await context.close()


@pytest.fixture
async def link(live_server: LiveServer) -> AsyncIterator[Link]:
    """The tablet's network to the live server, which a test can cut and restore."""
    relay = Link(int(live_server.base_url.rsplit(":", 1)[1]))
    await relay.start()
    yield relay
    await relay.close()
