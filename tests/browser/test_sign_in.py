"""A customer service officer signs in with the keyboard and sees their home page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_the_demo_officer_signs_in_and_sees_her_home_page(page, live_server, demo):
    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/login/?next=/")
    # Keyboard only: the username field has focus, Tab moves to the password, Enter submits.
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("mary")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-pass-123")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Hello, Mary"
    assert page.get_by_text("Customer service officer.").is_visible()
    authority = page.get_by_role("region", name="Your authority")
    assert "Up to 10% of the item's value, at most $25.00" in authority.inner_text()
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Approvals").is_visible()
    assert nav.get_by_role("link", name="Audit trail").count() == 0  # not an officer's page
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "home-mary.png"), full_page=True)


def test_the_may_i_check_answers_as_the_officer_types(page, live_server, demo):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("mary")
    page.get_by_label("Password").fill("demo-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/authority/")
    page.get_by_label("Action").select_option("goodwill")
    page.get_by_label("Item's value ($)").fill("120")
    page.get_by_label("Amount ($)").fill("30")
    decision = page.locator("#decision")
    decision.get_by_text("Not on your own.").wait_for()
    assert "for an item worth $120.00 that is $12.00" in decision.inner_text()
    page.screenshot(path=str(SHOTS / "authority-check.png"), full_page=True)
    decision.get_by_role("link", name="Ask for approval").click()
    page.wait_for_url("**/approvals/new/**")
    assert page.get_by_label("Amount ($)").input_value() == "30"
