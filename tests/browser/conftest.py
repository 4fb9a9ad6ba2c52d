"""Browser tests: Playwright driving Debian's Chromium, headless, against a live server."""

import os
import shutil

import pytest

from tests.browser.phone import PHONE

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CHARTER_REQUIRE_BROWSER"):
            pytest.fail(f"CHARTER_REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}")
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's chromium package "
            "(`apt-get install chromium`) or set CHROMIUM_PATH to run browser tests"
        )
    # Playwright's sync API runs an event loop; Django's ORM calls in the test are still
    # synchronous, on the test's own thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A page on a phone's screen (390 by 844 CSS pixels, touch), its console errors kept in
    ``page.errors``."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append((page.url, m.text)) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append((page.url, str(e))))
    page.errors = errors
    yield page
    context.close()
