"""Every staff page loads in a real browser with no console errors: no CSP violation, no 404."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/approvals/",
    "/approvals/new/",
    "/authority/",
    "/staff/",
    "/audit/",
    "/api/docs/",
    "/customers/types/",
    "/charter/",
    "/standards/",
    "/standards/charter/1/",
    "/standards/charter/compare/?a=1&b=1",
    "/standards/policies/complaints/1/",
]
# Customers and their segments are for those who serve customers, not the administrator.
CUSTOMER_PAGES = [
    "/customers/",
    "/customers/?q=yore",
    "/customers/{yore}/",
    "/customers/{yore}/edit/",
    "/customers/segments/",
    "/customers/segments/{key_accounts}/",
    "/customers/segments/new/",
    "/customers/import/",
    "/standards/acknowledgements/",
    "/standards/policies/new/",
]


@pytest.mark.parametrize("username", ["grace", "omar"])
def test_pages_load_without_console_errors(page, live_server, demo, username):
    errors = []
    page.on("console", lambda m: errors.append((page.url, m.text)) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append((page.url, str(e))))
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    from charter.customers.models import Customer, Segment

    ids = {
        "yore": Customer.objects.get(reference="IW-0001").pk,
        "key_accounts": Segment.objects.get(name="Key accounts").pk,
    }
    for path in PAGES + (CUSTOMER_PAGES if username == "grace" else []):
        path = path.format(**ids)
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert errors == []
