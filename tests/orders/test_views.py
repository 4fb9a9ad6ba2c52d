"""The order, return, warranty, quality and product pages: who may open them, what they show,
that every action goes through its service and shows the service's refusal, and that lists
read in a fixed number of queries."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from charter.accounts.models import ApprovalRequest, RoleCode
from charter.catalog import services as catalog_services
from charter.core.calendar import BusinessCalendar
from charter.core.selectors import business_calendar
from charter.orders import services
from charter.orders.models import Order, Return, ReturnStatus, Warranty, WarrantyClaim
from charter.orders.rules import overdue_words
from charter.standards import services as standards_services

D = Decimal
SYD = ZoneInfo("Australia/Sydney")


@pytest.fixture
def mary(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")


@pytest.fixture
def charter_v1(manager, types):
    """An approved charter that promises delivery within 3 business days to everyone."""
    draft = standards_services.charter_version_draft(actor=manager)
    standards_services.promise_save(
        actor=manager,
        version=draft,
        event="delivery",
        target=D(3),
        unit="business_days",
        wording="We deliver within 3 business days.",
        measure="From the order's placed time to delivery.",
    )
    return standards_services.charter_version_approve(actor=manager, version=draft)


@pytest.fixture
def catalogue(manager):
    """The 6 mm and 7 mm widgets and a kit, priced through the catalogue's services."""
    made = {}
    for key, sku, name, price, months in [
        (6, "widget-6mm", "6 mm widget", "2.40", 12),
        (7, "widget-7mm", "7 mm widget", "2.50", 12),
        ("kit", "fitting-kit", "Fitting kit", "40.00", 0),
    ]:
        product = catalog_services.product_save(
            actor=manager,
            sku=sku,
            name=name,
            family="Mining widget",
            dimensions="7 mm x 40 mm",
            tolerances="± 0.05 mm",
            material="Hardened steel",
            safety_requirements="No sharp edges\nRated to 2 tonnes",
            warranty_months=months,
            warranty_terms="Defects in material and workmanship" if months else "",
        )
        catalog_services.price_set(
            actor=manager, product=product, price=D(price), effective_from=date(2026, 1, 1)
        )
        made[key] = product
    return made


@pytest.fixture
def yore(make_customer, types):
    return make_customer(name="Yore Mine Co.", customer_type=types["mining"])


def _place(mary, customer, product, *, quantity=1000, days_ago=10):
    return services.order_place(
        actor=mary,
        customer=customer,
        lines=[(product, quantity)],
        channel="telephone",
        placed_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def late_order(charter_v1, catalogue, mary, yore):
    return _place(mary, yore, catalogue[7])


@pytest.fixture
def a_return(late_order, mary, yore, catalogue):
    return services.return_record(
        actor=mary,
        customer=yore,
        product=catalogue[7],
        order=late_order,
        reason="faulty",
        failure="major",
        condition="used",
        proof_of_purchase="order",
        item_value=D("200.00"),
        quantity=80,
    )


@pytest.fixture
def warranty(mary, yore, catalogue):
    return services.warranty_register(
        actor=mary,
        customer=yore,
        product=catalogue[7],
        serial_or_batch="B-2026-11",
        purchased_on=timezone.localdate() - timedelta(days=30),
    )


def _pages(order, item, warranty, product, customer):
    return [
        "/orders/",
        "/orders/?show=due",
        "/orders/?show=wrong",
        f"/orders/?show=all&customer={customer.pk}",
        f"/orders/{order.pk}/",
        "/orders/new/",
        f"/orders/new/?customer={customer.pk}",
        "/orders/returns/",
        f"/orders/returns/new/?customer={customer.pk}",
        f"/orders/returns/{item.pk}/",
        "/orders/warranties/",
        "/orders/warranties/?expiring=on",
        f"/orders/warranties/new/?customer={customer.pk}",
        f"/orders/warranties/{warranty.pk}/",
        f"/orders/warranties/{warranty.pk}/?check-fault_on=2026-01-01",
        "/orders/quality/",
        "/orders/products/",
        f"/orders/products/{product.pk}/",
    ]


def test_every_page_opens_for_an_officer_and_none_for_the_administrator(
    client, mary, make_user, late_order, a_return, warranty, catalogue, yore
):
    pages = _pages(late_order, a_return, warranty, catalogue[7], yore)
    client.force_login(mary)
    for url in pages:
        assert client.get(url).status_code == 200, url
    # The administrator configures Charter and sees no orders, returns or warranties...
    client.force_login(make_user(RoleCode.ADMINISTRATOR, username="omar"))
    for url in pages:
        expected = 200 if url.startswith("/orders/products/") else 403
        assert client.get(url).status_code == expected, url
    # ...and nobody without a role sees the products either.
    client.force_login(make_user(None, username="nobody"))
    for url in pages:
        assert client.get(url).status_code == 403, url


def test_writes_are_refused_to_a_reader(client, make_user, late_order, a_return, warranty):
    auditor = make_user(RoleCode.AUDITOR, username="priya")
    client.force_login(auditor)
    assert client.get(f"/orders/{late_order.pk}/").status_code == 200
    for step in ("confirm", "dispatch", "deliver", "cancel", "tell", "reorder", "replace"):
        assert client.post(f"/orders/{late_order.pk}/{step}/").status_code == 403, step
    assert client.post(f"/orders/returns/{a_return.pk}/", {"outcome": "x"}).status_code == 403
    assert client.post(f"/orders/warranties/{warranty.pk}/").status_code == 403
    assert client.get("/orders/new/").status_code == 403
    page = client.get(f"/orders/{late_order.pk}/").content.decode()
    assert "Next steps" not in page
    late_order.refresh_from_db()
    assert late_order.status == "received"


def _queue_queries(client, show) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("orders:queue"), {"show": show})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_queue_reads_in_the_same_number_of_queries_for_1_or_30_orders(
    client, mary, charter_v1, catalogue, make_customer
):
    _place(mary, make_customer(name="First"), catalogue[7])
    client.force_login(mary)
    one = {show: _queue_queries(client, show)[0] for show in ("late", "all", "wrong", "due")}
    for n in range(29):
        order = _place(mary, make_customer(name=f"Buyer {n}"), catalogue[n % 2 + 6], days_ago=12)
        services.order_tell_customer(actor=mary, order=order, channel="email", text="Soon.")
    many = {show: _queue_queries(client, show)[0] for show in ("late", "all", "wrong", "due")}
    assert one == many
    _count, page = _queue_queries(client, "late")
    assert page.count("business days late") == 30


def test_a_tab_opened_in_place_gets_only_its_rows(client, mary, late_order):
    client.force_login(mary)
    rows = client.get("/orders/", {"show": "all"}, HTTP_HX_REQUEST="true")
    assert late_order.reference in rows.content.decode()
    assert b"<html" not in rows.content and "HX-Request" in rows["Vary"]
    restored = client.get(
        "/orders/", {"show": "all"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert b"<html" in restored.content


def test_the_late_tab_is_the_default_longest_overdue_first_in_business_days(
    client, mary, charter_v1, catalogue, yore, make_customer
):
    older = _place(mary, yore, catalogue[7], days_ago=20)
    newer = _place(mary, make_customer(name="Newer Pty"), catalogue[7], days_ago=10)
    on_time = _place(mary, make_customer(name="On Time Pty"), catalogue[7], days_ago=0)
    client.force_login(mary)
    page = client.get("/orders/").content.decode()
    assert page.index(older.reference) < page.index(newer.reference)
    assert on_time.reference not in page
    calendar = business_calendar()
    expected = overdue_words(older.promised_by, timezone.now(), calendar)
    assert expected.endswith("business days late") and expected in page
    tabs = page[page.index('aria-label="Order lists"') :]
    current = tabs[tabs.index('aria-current="page"') :].split("</a>")[0]
    assert current == 'aria-current="page">Late <span class="badge badge--bad">2</span>'


def test_placing_an_order_on_the_page_sets_the_charters_promised_date(
    client, mary, charter_v1, catalogue, yore
):
    client.force_login(mary)
    url = f"/orders/new/?customer={yore.pk}"
    form = client.get(url).content.decode()
    assert "We deliver within 3 business days." in form
    assert "7 mm widget ($2.50)" in form
    data = {
        "channel": "telephone",
        "customer_reference": "PO-7781",
        "lines-TOTAL_FORMS": "6",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": str(catalogue[7].pk),
        "lines-0-quantity": "1000",
        "lines-1-product": str(catalogue["kit"].pk),
        "lines-1-quantity": "2",
        "lines-1-unit_price": "35.00",
    }
    before = timezone.now()
    response = client.post(url, data, follow=True)
    order = Order.objects.get()
    assert response.redirect_chain[-1][0] == f"/orders/{order.pk}/"
    assert before <= order.placed_at <= timezone.now()
    assert order.promised_by == business_calendar().add_business_days(order.placed_at, 3)
    assert order.promise.wording == "We deliver within 3 business days."
    assert order.total == D("2570.00")  # 1000 at the list's $2.50, 2 kits at an agreed $35
    assert order.customer_reference == "PO-7781"
    page = response.content.decode()
    promised = f"{timezone.localtime(order.promised_by):%A %d %B %Y, %H:%M}"
    assert f"Delivery is promised by {promised}" in page
    assert "We deliver within 3 business days." in page


def test_bad_lines_come_back_as_form_errors(client, mary, charter_v1, catalogue, yore):
    client.force_login(mary)
    url = f"/orders/new/?customer={yore.pk}"
    base = {"channel": "telephone", "lines-TOTAL_FORMS": "6", "lines-INITIAL_FORMS": "0"}
    nothing = client.post(url, base)
    assert nothing.status_code == 200
    assert "An order needs at least one line." in nothing.content.decode()
    no_product = client.post(url, {**base, "lines-0-quantity": "5"})
    assert "Choose the product, or clear the line." in no_product.content.decode()
    no_quantity = client.post(url, {**base, "lines-0-product": str(catalogue[7].pk)})
    assert "How many?" in no_quantity.content.decode()
    nonsense = client.post(
        url, {**base, "lines-0-product": "99999", "lines-0-quantity": "abc", "channel": "?"}
    )
    assert nonsense.status_code == 200
    assert Order.objects.count() == 0


def test_a_customer_without_a_delivery_promise_gets_the_services_message(
    client, mary, catalogue, yore
):
    client.force_login(mary)  # no charter has been approved
    url = f"/orders/new/?customer={yore.pk}"
    assert "No delivery date can be promised" in client.get(url).content.decode()
    data = {
        "channel": "email",
        "lines-TOTAL_FORMS": "6",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": str(catalogue[7].pk),
        "lines-0-quantity": "10",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "No delivery date can be promised: There is no approved charter yet" in (
        response.content.decode()
    )
    assert not Order.objects.exists()


def test_the_order_page_shows_the_promise_the_lines_and_late(client, mary, late_order, yore):
    client.force_login(mary)
    page = client.get(f"/orders/{late_order.pk}/").content.decode()
    assert ">Late</span>" in page and "business days late.</strong>" in page
    assert "“We deliver within 3 business days.”" in page
    assert f'href="/customers/{yore.pk}/"' in page
    assert "$2,500.00" in page  # 1000 at $2.50
    assert "Confirm the order" in page
    assert "History" in page  # the audit trail's panel


def test_dispatch_without_a_carrier_shows_the_services_message(client, mary, late_order):
    client.force_login(mary)
    url = f"/orders/{late_order.pk}/"
    client.post(f"{url}confirm/")
    response = client.post(f"{url}dispatch/", {"dispatch-carrier": "  "}, follow=True)
    assert "Say who carries it (our fleet or the distribution company)." in (
        response.content.decode()
    )
    late_order.refresh_from_db()
    assert late_order.status == "confirmed"
    response = client.post(
        f"{url}dispatch/",
        {
            "dispatch-carrier": "Outback Freight",
            "dispatch-outsourced": "on",
            "dispatch-tracking_reference": "OF123",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Dispatched with Outback Freight." in page
    assert "outsourced distributor" in page and "OF123" in page


def test_a_step_out_of_order_is_refused_with_the_reason(client, mary, late_order):
    client.force_login(mary)
    response = client.post(f"/orders/{late_order.pk}/dispatch/", {"dispatch-carrier": "Fleet"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "is received; it cannot be marked dispatched now" in page
    assert client.post(f"/orders/{late_order.pk}/teleport/").status_code == 404


def _deliver(client, order, rows):
    data = {"delivered-TOTAL_FORMS": str(len(rows)), "delivered-INITIAL_FORMS": "0"}
    for i, (product, quantity) in enumerate(rows):
        data[f"delivered-{i}-product"] = str(product.pk) if product else ""
        data[f"delivered-{i}-quantity"] = str(quantity) if quantity is not None else ""
    return client.post(f"/orders/{order.pk}/deliver/", data, follow=True)


def test_six_mm_instead_of_seven_is_a_wrong_delivery_on_its_tab(
    client, mary, late_order, catalogue
):
    client.force_login(mary)
    client.post(f"/orders/{late_order.pk}/confirm/")
    form = client.get(f"/orders/{late_order.pk}/").content.decode()
    assert 'name="delivered-0-quantity" value="1000"' in form  # defaults to what was ordered
    response = _deliver(client, late_order, [(catalogue[6], 1000), (None, None)])
    page = response.content.decode()
    assert "Recorded as a wrong delivery" in page
    assert ">Wrong delivery<" in page
    assert "1000 x 6 mm widget arrived but were not ordered" in page
    late_order.refresh_from_db()
    assert late_order.wrong_delivery and late_order.status == "delivered"
    tab = client.get("/orders/", {"show": "wrong"}).content.decode()
    assert late_order.reference in tab and "1000 x 7 mm widget ordered but none arrived" in tab
    assert late_order.reference not in client.get("/orders/").content.decode()  # not late now


def test_a_right_delivery_is_not_wrong(client, mary, late_order, catalogue):
    client.force_login(mary)
    client.post(f"/orders/{late_order.pk}/confirm/")
    page = _deliver(client, late_order, [(catalogue[7], 600), (catalogue[7], 400)])
    assert "Delivery recorded (late)." in page.content.decode()
    late_order.refresh_from_db()
    assert not late_order.wrong_delivery


def test_cancel_tell_reorder_and_replace(client, mary, late_order, demo_limits):
    client.force_login(mary)
    url = f"/orders/{late_order.pk}/"
    page = client.get(url).content.decode()
    assert "The refunds policy allows a fee of <strong>$0.00</strong>" in page
    told = client.post(
        f"{url}tell/", {"tell-channel": "telephone", "tell-text": "It ships Monday."}, follow=True
    ).content.decode()
    assert "“It ships Monday.”" in told and "Customer told: telephone" in told
    assert "Write what the customer was told." in (
        client.post(f"{url}tell/", {"tell-channel": "email"}, follow=True).content.decode()
    )
    assert "Say why the order is cancelled." in (
        client.post(f"{url}cancel/", {"cancel-reason": ""}, follow=True).content.decode()
    )
    # Replace at our cost is within every officer's authority: a new free order.
    response = client.post(f"{url}replace/", {"replace-expedite": "on"})
    replacement = Order.objects.get(kind="replacement")
    assert response.url == f"/orders/{replacement.pk}/"
    assert replacement.total == 0 and replacement.original == late_order
    reorder = client.post(f"{url}reorder/", {})
    again = Order.objects.get(kind="reorder")
    assert reorder.url == f"/orders/{again.pk}/" and again.total == late_order.total
    cancelled = client.post(f"{url}cancel/", {"cancel-reason": "Customer found stock"})
    assert "Order cancelled" in client.get(cancelled.url).content.decode()
    page = client.get(url).content.decode()
    assert replacement.reference in page and again.reference in page
    assert "Replace at our cost" not in page  # a cancelled order is reordered, not replaced


def test_a_replacement_above_the_limit_waits_for_approval(
    client, make_user, late_order, demo_limits
):
    from charter.accounts.models import AuthorityAction, AuthorityLimit, AuthoritySettings

    AuthorityLimit.objects.filter(
        role__code=RoleCode.CUSTOMER_SERVICE_OFFICER, action=AuthorityAction.REPLACE
    ).update(allowed=True, percent_of_value=None, max_amount=D("100"))
    # Complaints procedure step 6 read on its own: the role's limit decides.
    AuthoritySettings.objects.update(replacement_within_everyones_authority=False)
    mia = make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mia")
    client.force_login(mia)
    response = client.post(f"/orders/{late_order.pk}/replace/", {"replace-reason": "Lost"})
    assert response.url == f"/orders/{late_order.pk}/"
    page = client.get(response.url).content.decode()
    approval = ApprovalRequest.objects.get()
    assert f"waits for approval by the {approval.required_role} role" in page
    assert f'href="/approvals/{approval.pk}/"' in page
    assert not Order.objects.filter(kind="replacement").exists()


def test_a_return_shows_the_policys_decision_and_the_refund_due_is_the_officers(
    client, mary, late_order, yore, catalogue, demo_limits
):
    client.force_login(mary)
    url = f"/orders/returns/new/?customer={yore.pk}"
    form = client.get(url).content.decode()
    assert "major failure" in form.lower() and late_order.reference in form
    response = client.post(
        url,
        {
            "order": str(late_order.pk),
            "product": str(catalogue[7].pk),
            "quantity": "80",
            "item_value": "200.00",
            "reason": "faulty",
            "failure": "major",
            "condition": "used",
            "proof_of_purchase": "order",
            "description": "Threads stripped on first use.",
        },
        follow=True,
    )
    item = Return.objects.get()
    page = response.content.decode()
    assert "Full refund, Replacement" in page
    assert "The customer chooses the remedy." in page
    assert "the customer chooses a refund or a replacement" in page
    resolved = client.post(
        f"/orders/returns/{item.pk}/",
        {"outcome": "full_refund", "refund_method": "card", "credit_note_number": "CN-1"},
        follow=True,
    ).content.decode()
    item.refresh_from_db()
    # A major failure: the refund is due, and refunding it is within her authority.
    assert item.status == ReturnStatus.COMPLETED and item.approval_id is None
    assert "waits for approval by the" not in resolved


def test_a_remedy_the_policy_does_not_allow_is_a_form_error(client, mary, a_return, demo_limits):
    client.force_login(mary)
    page = client.get(f"/orders/returns/{a_return.pk}/").content.decode()
    assert 'value="repair"' not in page  # a major failure: refund or replacement only
    response = client.post(f"/orders/returns/{a_return.pk}/", {"outcome": "repair"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = client.post(f"/orders/returns/{a_return.pk}/", {"outcome": "full_refund"})
    assert "Choose how the money goes back." in response.content.decode()
    response = client.post(
        f"/orders/returns/{a_return.pk}/",
        {"outcome": "full_refund", "refund_method": "card", "refund_amount": "900"},
    )
    assert "at most what was paid" in response.content.decode()
    # A replacement is within the officer's authority: done, with its order.
    done = client.post(f"/orders/returns/{a_return.pk}/", {"outcome": "replacement"}, follow=True)
    a_return.refresh_from_db()
    assert a_return.status == "completed" and a_return.replacement_order
    assert a_return.replacement_order.reference in done.content.decode()


def test_a_return_without_proof_of_purchase_has_no_remedy_yet(client, mary, yore, catalogue):
    client.force_login(mary)
    response = client.post(
        f"/orders/returns/new/?customer={yore.pk}",
        {
            "product": str(catalogue["kit"].pk),
            "quantity": "1",
            "item_value": "",
            "reason": "change_of_mind",
            "failure": "none",
            "condition": "as_new",
            "proof_of_purchase": "none",
        },
    )
    assert "Give the item&#x27;s value (what was paid for it)." in response.content.decode()
    response = client.post(
        f"/orders/returns/new/?customer={yore.pk}",
        {
            "product": str(catalogue["kit"].pk),
            "quantity": "1",
            "item_value": "40",
            "reason": "change_of_mind",
            "failure": "none",
            "condition": "as_new",
            "proof_of_purchase": "none",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "No remedy is due as things stand." in page and "Ask for proof of purchase" in page
    assert 'value="declined"' in page


def test_warranty_register_check_claim_and_decide(client, make_user, mary, yore, catalogue):
    client.force_login(mary)
    bought = timezone.localdate() - timedelta(days=340)
    response = client.post(
        f"/orders/warranties/new/?customer={yore.pk}",
        {"product": str(catalogue[7].pk), "serial_or_batch": "B-77", "purchased_on": bought},
        follow=True,
    )
    warranty = Warranty.objects.get()
    assert "Registered; covered up to" in response.content.decode()
    form = client.get(f"/orders/warranties/new/?customer={yore.pk}").content.decode()
    assert "7 mm widget" in form and "Fitting kit" not in form  # the kit has no warranty
    expiring = client.get("/orders/warranties/", {"expiring": "on"}).content.decode()
    assert "B-77" in expiring and "expires in" in expiring
    url = f"/orders/warranties/{warranty.pk}/"
    late = warranty.expires_on + timedelta(days=3)
    check = client.get(url, {"check-fault_on": late.isoformat()}).content.decode()
    assert "<strong>No.</strong> The warranty ended on" in check
    assert not WarrantyClaim.objects.exists()  # a check writes nothing
    covered = client.get(url, {"check-fault_on": timezone.localdate()}).content.decode()
    assert "<strong>Yes.</strong> Covered by" in covered
    blank = client.post(url, {"claim-fault": " ", "claim-fault_on": timezone.localdate()})
    assert "Describe the fault." in blank.content.decode()
    client.post(url, {"claim-fault": "Cracked", "claim-fault_on": timezone.localdate()})
    claim = WarrantyClaim.objects.get()
    assert claim.covered and claim.outcome == "pending"
    # The officer may claim but not decide; the returns and warranty officer decides.
    assert client.post(f"/orders/warranties/claims/{claim.pk}/decide/").status_code == 403
    client.force_login(make_user(RoleCode.RETURNS_WARRANTY_OFFICER, username="rosa"))
    page = client.post(
        f"/orders/warranties/claims/{claim.pk}/decide/",
        {"decide-outcome": "replacement", "decide-note": "New one sent"},
        follow=True,
    ).content.decode()
    assert "Claim decided: replaced." in page
    again = client.post(
        f"/orders/warranties/claims/{claim.pk}/decide/", {"decide-outcome": "repair"}, follow=True
    )
    assert "This claim is already decided." in again.content.decode()


def test_quality_flags_a_product_returned_too_often(client, mary, late_order, yore, catalogue):
    for _n in range(3):
        services.return_record(
            actor=mary, customer=yore, product=catalogue[7], reason="faulty", failure="minor",
            condition="used", proof_of_purchase="order", item_value=D("2.50"), quantity=10,
        )  # fmt: skip
    client.force_login(mary)
    page = client.get("/orders/quality/").content.decode()
    assert "7 mm widget" in page and "flagged" in page
    assert "<meter" in page and 'value="3.00"' in page  # 30 back of 1000 sold
    bad = client.get("/orders/quality/", {"start": "2026-05-01", "end": "2026-04-01"})
    assert bad.status_code == 200 and "The end is before the start." in bad.content.decode()


def test_products_show_their_standards_and_price_history(client, mary, catalogue, manager):
    catalog_services.price_set(
        actor=manager, product=catalogue[7], price=D("2.75"), effective_from=date(2099, 1, 1)
    )
    client.force_login(mary)
    listing = client.get("/orders/products/").content.decode()
    assert "7 mm widget" in listing and "widget-7mm" in listing
    page = client.get(f"/orders/products/{catalogue[7].pk}/").content.decode()
    for text in ("Rated to 2 tonnes", "± 0.05 mm", "Hardened steel", "12 months", "$2.75"):
        assert text in page
    assert "in force</span>" in page and "planned</span>" in page
    assert client.get("/orders/products/99999/").status_code == 404


def test_the_customer_page_shows_recent_orders_with_their_flags(
    client, mary, late_order, catalogue, yore
):
    services.order_confirm(actor=mary, order=late_order)
    services.order_deliver(actor=mary, order=late_order, delivered=[(catalogue[6], 1000)])
    other = _place(mary, yore, catalogue[7], days_ago=9)
    client.force_login(mary)
    page = client.get(f"/customers/{yore.pk}/").content.decode()
    section = page[page.index("Recent orders") : page.index("timeline-title")]
    assert late_order.reference in section and other.reference in section
    assert "Wrong delivery" in section and ">Late<" in section
    assert f"/orders/new/?customer={yore.pk}" in section


def test_the_home_panel_lists_the_most_overdue(client, mary, make_user, late_order):
    client.force_login(mary)
    page = client.get("/").content.decode()
    assert "Late orders" in page and late_order.reference in page
    assert "business days late" in page
    client.force_login(make_user(RoleCode.ADMINISTRATOR, username="omar"))
    page = client.get("/").content.decode()
    assert "Late orders" not in page and ">Orders<" not in page


@pytest.mark.parametrize(
    "promised, now, words",
    [
        # Wednesday 18 November 2026 at 5 pm.
        (datetime(2026, 11, 18, 17), datetime(2026, 11, 18, 16, 59), ""),
        (datetime(2026, 11, 18, 17), datetime(2026, 11, 18, 17, 30), "less than an hour late"),
        (datetime(2026, 11, 18, 12), datetime(2026, 11, 18, 17, 30), "5 hours late"),
        (datetime(2026, 11, 18, 17), datetime(2026, 11, 19, 9), "1 business day late"),
        (datetime(2026, 11, 18, 17), datetime(2026, 11, 20, 9), "2 business days late"),
        # Friday's promise over the weekend: no business day has passed yet.
        (
            datetime(2026, 11, 20, 17),
            datetime(2026, 11, 22, 10),
            "late since Friday (no business day has passed)",
        ),
        (datetime(2026, 11, 20, 17), datetime(2026, 11, 23, 10), "1 business day late"),
        # Boxing Day (observed Monday 28 December) is not a business day.
        (datetime(2026, 12, 24, 17), datetime(2026, 12, 29, 10), "1 business day late"),
    ],
)
def test_how_late_reads_in_business_days(promised, now, words):
    calendar = BusinessCalendar(state="NSW", time_zone="Australia/Sydney")
    assert overdue_words(promised.replace(tzinfo=SYD), now.replace(tzinfo=SYD), calendar) == words
