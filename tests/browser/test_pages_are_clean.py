"""Every staff page loads in a real browser with no console errors (no CSP violation, no 404)
and, narrowed to a phone's width, is no wider than the screen."""

import pytest

from tests.browser.phone import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 860}

PAGES = [
    "/",
    "/approvals/",
    "/approvals/new/",
    "/authority/",
    "/staff/",
    "/audit/",
    "/settings/hours/",
    "/api/docs/",
    "/customers/types/",
    "/charter/",
    "/standards/",
    "/standards/charter/1/",
    "/standards/charter/compare/?a=1&b=1",
    "/standards/policies/complaints/1/",
    "/orders/products/",
    "/orders/products/{product}/",
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
    "/customers/to-call/",
    "/customers/to-call/?show=done",
    "/standards/acknowledgements/",
    "/standards/policies/new/",
    # Orders, returns and warranty are for those who serve customers, too.
    "/orders/",
    "/orders/?show=wrong",
    "/orders/?show=all&customer={yore}",
    "/orders/{order}/",
    "/orders/{wrong}/",
    "/orders/new/",
    "/orders/new/?customer={yore}",
    "/orders/returns/",
    "/orders/returns/new/?customer={yore}",
    "/orders/returns/{return}/",
    "/orders/warranties/",
    "/orders/warranties/new/?customer={yore}",
    "/orders/warranties/{warranty}/?check-fault_on=2026-01-01",
    "/orders/quality/",
    # Cases.
    "/cases/",
    "/cases/?show=open",
    "/cases/log/",
    "/cases/log/?kind=complaint&directed_at=distributor",
    "/cases/contacts/new/",
    "/cases/contacts/new/?q=yore",
    "/cases/contacts/new/?customer={yore}",
    "/cases/contacts/new/?public=1",
    "/cases/{case}/",
    "/cases/mail/",
    "/cases/wording/",
    # Feedback and surveys.
    "/feedback/",
    "/feedback/?show=all",
    "/feedback/new/",
    "/feedback/summary/",
    "/feedback/topics/",
    "/feedback/form/",
    "/feedback/categoriser/",
    "/feedback/surveys/",
    "/feedback/surveys/new/",
    "/feedback/surveys/{survey}/",
    "/feedback/scores/",
    "/feedback/scores/?score=nps&group=month",
    "/feedback/questionnaires/{servqual}/",
    "/f/feedback/",
    "/f/{token}/",
]


def _order_records(customer, grace) -> dict:
    """A late order, a wrong delivery, a return and a warranty, made through the services
    (whatever orders the demo holds), for the pages to show."""
    from datetime import date, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from charter.catalog import services as catalog
    from charter.orders import services

    products = []
    for size in (6, 7):
        product = catalog.product_save(
            actor=grace, sku=f"browser-check-{size}mm", name=f"Browser check {size} mm widget",
            warranty_months=12, safety_requirements="No sharp edges",
        )  # fmt: skip
        catalog.price_set(
            actor=grace, product=product, price=Decimal("2.50"), effective_from=date(2026, 1, 1)
        )
        products.append(product)
    placed = timezone.now() - timedelta(days=10)
    late = services.order_place(actor=grace, customer=customer, lines=[(products[1], 1000)],
                                channel="telephone", placed_at=placed)  # fmt: skip
    wrong = services.order_place(actor=grace, customer=customer, lines=[(products[1], 1000)],
                                 channel="email", placed_at=placed)  # fmt: skip
    services.order_confirm(actor=grace, order=wrong)
    services.order_deliver(actor=grace, order=wrong, delivered=[(products[0], 1000)])
    item = services.return_record(
        actor=grace, customer=customer, product=products[1], order=late, reason="faulty",
        failure="minor", condition="used", proof_of_purchase="order", item_value=Decimal("25"),
    )  # fmt: skip
    warranty = services.warranty_register(
        actor=grace, customer=customer, product=products[1], serial_or_batch="BC-1",
        purchased_on=timezone.localdate() - timedelta(days=20),
    )  # fmt: skip
    return {
        "product": products[1].pk,
        "order": late.pk,
        "wrong": wrong.pk,
        "return": item.pk,
        "warranty": warranty.pk,
    }


def _survey_records() -> dict:
    from charter.feedback import services
    from charter.feedback.models import Questionnaire, Survey

    survey = Survey.objects.get(status="open")
    link = services.invitation_link(survey.invitations.first())
    return {
        "survey": survey.pk,
        "servqual": Questionnaire.objects.get(code="rater-servqual").pk,
        "token": link.rstrip("/").rsplit("/", 1)[1],
    }


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
    from charter.accounts.models import User
    from charter.cases.demo import YORE_SUBJECT
    from charter.cases.models import Case
    from charter.customers.models import Customer, Segment

    yore = Customer.objects.get(reference="IW-0001")
    ids = {
        "case": Case.objects.get(subject=YORE_SUBJECT).pk,
        "yore": yore.pk,
        "key_accounts": Segment.objects.get(name="Key accounts").pk,
        **_survey_records(),
        **_order_records(yore, User.objects.get(username="grace")),
    }
    for path in PAGES + (CUSTOMER_PAGES if username == "grace" else []):
        path = path.format(**ids)
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        # The same page on a phone: nothing pushes it wider than the screen.
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width} px wide on a phone"
        page.set_viewport_size(DESKTOP)
    assert errors == []
