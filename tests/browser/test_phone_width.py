"""Charter on a phone (390 px wide): staff reach every page through the menu, the case queue and
the customer list read as cards, nothing pushes the page sideways, and a customer answers the
0 to 10 question on one line. A screenshot of each page is kept in var/screenshots/ to look at."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.phone import fits_the_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _fits(page, name: str) -> None:
    fits_the_phone(page, name, SHOTS)


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    _fits(page, "sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def _open_menu(page):
    """The main navigation on a phone: folded under "Menu" in the header until opened."""
    page.locator("summary", has_text="Menu").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    return nav


@pytest.mark.parametrize("username", ["mary", "grace"])
def test_staff_pages_fit_a_phone(phone, live_server, demo, username):
    from charter.cases.demo import YORE_SUBJECT
    from charter.cases.models import Case
    from charter.customers.models import Customer

    base = live_server.url
    _sign_in(phone, base, username)
    _fits(phone, f"{username}-home")
    # The navigation is folded away until asked for; the keyboard opens it too.
    expect(phone.get_by_role("navigation", name="Main")).to_be_hidden()
    phone.locator("summary", has_text="Menu").focus()
    phone.keyboard.press("Enter")
    nav = phone.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    _fits(phone, f"{username}-menu")
    nav.get_by_role("link", name="Cases").click()
    phone.wait_for_url(f"{base}/cases/")
    _fits(phone, f"{username}-cases")

    phone.goto(f"{base}/cases/?show=open")
    rows = phone.locator("#case-queue table tbody tr")
    assert rows.count() >= 1
    first = rows.first
    # Each case is a card with its key fields: reference, owner and the worst deadline.
    for label in ("Case", "Owner", "Due"):
        expect(first.locator(f'td[data-label="{label}"]')).to_be_visible()
    _fits(phone, f"{username}-cases-all")

    case = Case.objects.get(subject=YORE_SUBJECT)
    phone.goto(f"{base}/cases/{case.pk}/")
    _fits(phone, f"{username}-case")

    _open_menu(phone).get_by_role("link", name="Customers", exact=True).click()
    phone.wait_for_url(f"{base}/customers/")
    rows = phone.locator("#customer-rows table tbody tr")
    assert rows.count() >= 1
    for label in ("Customer", "Reference", "Account manager"):
        expect(rows.first.locator(f'td[data-label="{label}"]')).to_be_visible()
    # The type and segments are left for a wider screen.
    for label in ("Type", "Segments"):
        expect(rows.first.locator(f'td[data-label="{label}"]')).to_be_hidden()
    _fits(phone, f"{username}-customers")

    yore = Customer.objects.get(reference="IW-0001")
    phone.goto(f"{base}/customers/{yore.pk}/")
    _fits(phone, f"{username}-customer")

    # Signing out is in the menu as well.
    _open_menu(phone)
    phone.get_by_role("button", name="Sign out").click()
    phone.wait_for_url(f"{base}/login/**")
    assert phone.errors == []


def test_desktop_keeps_its_side_navigation(page, live_server, demo):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("mary")
    page.get_by_label("Password").fill("demo-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    page.wait_for_url(f"{live_server.url}/cases/")
    page.goto(f"{live_server.url}/cases/?show=open")
    header = page.locator("#case-queue table thead")
    expect(header).to_be_visible()


def test_the_public_charter_and_the_0_to_10_question_fit_a_phone(phone, live_server, demo):
    from charter.feedback import services
    from charter.feedback.models import Survey

    phone.goto(f"{live_server.url}/charter/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("our promises to you")
    _fits(phone, "public-charter")

    survey = Survey.objects.get(status="open", questionnaire__code="nps")
    invitation = survey.invitations.filter(responded_at__isnull=True).first()
    token = services.invitation_link(invitation).rstrip("/").rsplit("/", 1)[1]
    phone.goto(f"{live_server.url}/f/{token}/")
    choices = phone.get_by_role("group", name="How likely are you to recommend").get_by_role(
        "radio"
    )
    expect(choices).to_have_count(11)
    tops = {round(box["y"]) for box in (c.bounding_box() for c in choices.all())}
    assert len(tops) == 1, f"the 0 to 10 choices sit on {len(tops)} lines"
    choices.nth(9).check()
    _fits(phone, "public-survey")
    phone.goto(f"{live_server.url}/f/feedback/")
    _fits(phone, "public-feedback")
    assert phone.errors == []
