"""Mary takes the Yore Mine Co. call in a real browser: she logs the complaint with the late
order it concerns, sees on the case that the order is late, and escalates it to the customer
service manager, all from the keyboard-usable pages with HTMX."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_logs_the_yore_mine_complaint_finds_the_late_order_and_escalates_it(
    page, live_server, demo
):
    from charter.cases.models import Case
    from charter.orders.models import Order

    late = Order.objects.get(customer_reference="YM-PO-4471")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("mary")
    page.get_by_label("Password").fill("demo-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("link", name="Cases").first.click()
    page.get_by_role("link", name="Log a contact").click()
    page.get_by_role("searchbox", name="Customer").fill("Yore")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Yore Mine Co.").click()

    page.get_by_label("Channel").select_option("telephone")
    page.get_by_label("Summary").fill(
        "Buyer rang: 1,000 x 7 mm widgets promised within three days, a week ago, not here."
    )
    page.get_by_label("This contact opens").select_option("complaint")
    page.get_by_label("Subject").fill("7 mm widgets a week late")
    page.get_by_label("Complaint directed at").select_option("distributor")
    page.get_by_label("Threatens to go to a competitor").check()
    page.get_by_label(f"{late.reference}", exact=False).check()
    page.get_by_role("button", name="Log it").click()

    page.wait_for_url(f"{live_server.url}/cases/*/")
    case = Case.objects.get(subject="7 mm widgets a week late")
    assert list(case.orders.all()) == [late]
    linked = page.get_by_role("region", name="Orders, returns and warranty")
    assert linked.get_by_text("Late", exact=True).is_visible()
    assert "account manager told" in page.content()

    page.locator("summary", has_text="Escalate").click()
    page.get_by_label("Escalate to").select_option("csm")
    page.get_by_label("Reason").fill("Threatens to buy from China; the order is a week late.")
    page.get_by_role("button", name="Escalate").click()
    page.get_by_text("Escalated to Grace").first.wait_for()

    case.refresh_from_db()
    assert case.escalation == "csm" and case.owner.username == "grace"
    assert errors == []
