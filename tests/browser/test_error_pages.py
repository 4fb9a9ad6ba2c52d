"""The error pages in a real browser: Charter's header and style, what happened and where to go,
no console errors (the stylesheet and scripts load under the content security policy)."""

from pathlib import Path

import pytest

from tests.browser.phone import fits_the_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _watch(page) -> list:
    """Console errors, except the browser's note that the page itself came with its error status:
    any stylesheet, script or image that failed, any script error, any policy violation."""
    errors = []

    def console(message):
        about_the_page = message.location.get("url") == page.url and "status of" in message.text
        if message.type == "error" and not about_the_page:
            errors.append((page.url, message.text))

    page.on("console", console)
    page.on("pageerror", lambda e: errors.append((page.url, str(e))))
    return errors


def _styled(page) -> None:
    """The stylesheet applied: the header bar is Charter's, not the browser's default."""
    colour = page.eval_on_selector(".topbar", "el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")


def test_a_missing_page_in_the_browser(page, live_server, demo):
    errors = _watch(page)
    response = page.goto(f"{live_server.url}/cases/no-such-case/")
    assert response.status == 404
    assert page.title() == "Page not found · Charter"
    assert page.get_by_role("heading", level=1).inner_text() == "We could not find that page"
    _styled(page)
    page.get_by_role("link", name="Sign in").wait_for()
    page.get_by_role("link", name="Our customer service charter").wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "error-404.png"), full_page=True)
    page.get_by_role("link", name="Our customer service charter").click()
    page.wait_for_url(f"{live_server.url}/charter/")
    assert errors == []


def test_a_signed_in_officer_meets_403_and_404_with_her_navigation(page, live_server, demo):
    errors = _watch(page)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("mary")
    page.get_by_label("Password").fill("demo-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    response = page.goto(f"{live_server.url}/audit/")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "You may not open this page"
    _styled(page)
    page.screenshot(path=str(SHOTS / "error-403.png"), full_page=True)
    response = page.goto(f"{live_server.url}/customers/999999/")
    assert response.status == 404
    assert page.get_by_text("No such customer.").is_visible()
    page.get_by_role("navigation", name="Main").wait_for()
    page.get_by_role("link", name="Your home page").click()
    page.wait_for_url(f"{live_server.url}/")
    assert errors == []


@pytest.mark.urls("tests.core.error_urls")
def test_a_server_error_in_the_browser(page, live_server, db):
    errors = _watch(page)
    response = page.goto(f"{live_server.url}/fails/")
    assert response.status == 500
    assert page.get_by_role("heading", level=1).inner_text() == "Something went wrong on our side"
    _styled(page)
    page.screenshot(path=str(SHOTS / "error-500.png"), full_page=True)
    assert errors == []


@pytest.mark.urls("tests.core.error_urls")
def test_the_error_pages_fit_a_phone(phone, live_server, demo):
    """403, 404, 429 and 500 at 390 px: nothing wider than the screen, the way on in reach (the
    signed-in officer's menu works on her 403 page)."""
    errors = _watch(phone)
    base = live_server.url
    for path, status, name in [
        ("/cases/no-such-case/", 404, "error-404"),
        ("/too-often/", 429, "error-429"),
        ("/fails/", 500, "error-500"),
    ]:
        response = phone.goto(f"{base}{path}")
        assert response.status == status
        _styled(phone)
        phone.get_by_role("link", name="Our customer service charter").wait_for()
        fits_the_phone(phone, name, SHOTS)
    phone.goto(f"{base}/login/")
    phone.get_by_label("Username").fill("mary")
    phone.get_by_label("Password").fill("demo-pass-123")
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url(f"{base}/")
    response = phone.goto(f"{base}/audit/")
    assert response.status == 403
    fits_the_phone(phone, "error-403", SHOTS)
    phone.locator("summary", has_text="Menu").click()
    fits_the_phone(phone, "error-403-menu", SHOTS)
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    phone.wait_for_url(f"{base}/cases/")
    assert errors == []
