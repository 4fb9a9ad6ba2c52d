"""Products, orders, returns and warranties over the API: every write goes through the orders
and catalogue services; the delivery promise is the charter's, on the business calendar; a
refund or replacement above the caller's authority waits for approval (202); a refusal is a 4xx
with its message, never a 500; lists read in a fixed number of queries."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from charter.accounts import services as accounts_services
from charter.accounts.models import ApprovalRequest, Role, RoleCode
from charter.catalog import services as catalog_services
from charter.core.models import Organisation
from charter.customers import services as customer_services
from charter.customers.models import CustomerType
from charter.orders import services as order_services
from charter.orders.models import Order, Return
from charter.standards import services as standards_services

pytestmark = pytest.mark.django_db

SYDNEY = ZoneInfo("Australia/Sydney")
# Friday 13 November 2026, 10 am in Sydney. Three business days on (NSW has no public holiday
# that week): Monday 16, Tuesday 17, Wednesday 18 November, by the close of business at 5 pm.
FRIDAY = datetime(2026, 11, 13, 10, 0, tzinfo=SYDNEY)
PROMISED = datetime(2026, 11, 18, 17, 0, tzinfo=SYDNEY)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _ok(response, code=200) -> dict:
    assert response.status_code == code, response.content
    return response.json() if response.content else {}


def _refused(response, code) -> dict:
    assert response.status_code == code, response.content
    body = response.json()
    assert body, body
    return body


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


# --- Fixtures: a charter that promises delivery in 3 business days, two widgets, a customer ---
@pytest.fixture
def clock(monkeypatch):
    """The time the services and selectors read (``timezone.now``), set by the test."""

    class Clock:
        def set(self, moment: datetime) -> None:
            monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))

    clock = Clock()
    clock.set(FRIDAY)
    return clock


@pytest.fixture
def manager(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace")


@pytest.fixture
def make_customer(manager):
    small = CustomerType.objects.create(name="Small business", slug="small")

    def make(name: str, **fields):
        fields.setdefault("customer_type", small)
        return customer_services.customer_create(
            actor=manager, name=name, kind="organisation", customer_since=date(2020, 1, 1), **fields
        )

    return make


@pytest.fixture
def charter(db, manager):
    Organisation.objects.create(
        name="Innovative Widgets", state="NSW", time_zone="Australia/Sydney"
    )
    draft = standards_services.charter_version_draft(actor=manager)
    standards_services.promise_save(
        actor=manager,
        version=draft,
        event="delivery",
        target=Decimal(3),
        unit="business_days",
        wording="We deliver your order within 3 business days.",
        measure="From the order's placed time to delivery.",
    )
    return standards_services.charter_version_approve(actor=manager, version=draft)


@pytest.fixture
def widgets(manager):
    made = {}
    for size, price in ((6, "2.50"), (7, "3.00")):
        product = catalog_services.product_save(
            actor=manager,
            sku=f"widget-{size}mm",
            name=f"{size} mm widget",
            family="Mining widget",
            dimensions=f"{size} mm x 40 mm",
            tolerances="± 0.05 mm",
            material="Hardened steel",
            safety_requirements="Rated load marked on each widget\nNo sharp edges",
            warranty_months=12,
            warranty_terms="Defects in material and workmanship",
        )
        catalog_services.price_set(
            actor=manager, product=product, price=Decimal(price), effective_from=date(2026, 1, 1)
        )
        made[size] = product
    catalog_services.price_set(
        actor=manager, product=made[7], price=Decimal("3.20"), effective_from=date(2026, 7, 1)
    )
    made["manual"] = catalog_services.product_save(
        actor=manager, sku="widget-manual", name="Widget fitting manual", warranty_months=0
    )
    catalog_services.price_set(
        actor=manager,
        product=made["manual"],
        price=Decimal("15.00"),
        effective_from=date(2026, 1, 1),
    )
    return made


@pytest.fixture
def yore(make_customer):
    mining = CustomerType.objects.create(name="Mining equipment supplier", slug="mining")
    return make_customer("Yore Mine", customer_type=mining)


@pytest.fixture
def mary(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")


@pytest.fixture
def john(make_user):
    return make_user(RoleCode.SUPERVISOR, username="john")


def _place(client, customer, *lines, **fields) -> dict:
    body = {
        "customer": customer.pk,
        "channel": "telephone",
        "lines": [{"product": product.pk, "quantity": quantity} for product, quantity in lines],
        **fields,
    }
    return _ok(client.post("/api/v1/orders/", body, format="json"), 201)


def _ids(response) -> list[int]:
    return [row["id"] for row in _ok(response)["results"]]


# --- Products -----------------------------------------------------------------------------------
def test_products_show_their_standards_current_price_and_price_history(widgets, mary):
    client = _client(mary)
    rows = _ok(client.get("/api/v1/products/"))["results"]
    # By family, then name: the manual has no family.
    assert [row["sku"] for row in rows] == ["widget-manual", "widget-6mm", "widget-7mm"]
    seven = rows[2]
    assert seven["current_price"] == "3.20"
    assert seven["current_currency"] == "AUD"
    assert seven["dimensions"] == "7 mm x 40 mm"
    assert seven["tolerances"] == "± 0.05 mm"
    assert seven["safety_lines"] == ["Rated load marked on each widget", "No sharp edges"]
    assert seven["warranty_months"] == 12

    detail = _ok(client.get(f"/api/v1/products/{seven['id']}/"))
    assert [(p["price"], p["effective_from"]) for p in detail["prices"]] == [
        ("3.20", "2026-07-01"),
        ("3.00", "2026-01-01"),
    ]
    _refused(client.get("/api/v1/products/999999999999999999/"), 404)


def test_a_manager_adds_and_changes_a_product_and_sets_its_price(widgets, manager, mary):
    client = _client(manager)
    created = _ok(
        client.post(
            "/api/v1/products/",
            {"sku": "widget-8mm", "name": "8 mm widget", "family": "Mining widget"},
            format="json",
        ),
        201,
    )
    assert created["current_price"] is None and created["prices"] == []
    changed = _ok(
        client.patch(
            f"/api/v1/products/{created['id']}/",
            {"tolerances": "± 0.08 mm", "warranty_months": 24},
            format="json",
        )
    )
    assert (changed["tolerances"], changed["warranty_months"]) == ("± 0.08 mm", 24)
    assert changed["name"] == "8 mm widget"  # what was not sent stays
    price = _ok(
        client.post(
            f"/api/v1/products/{created['id']}/prices/",
            {"price": "4.10", "effective_from": "2026-11-01"},
            format="json",
        ),
        201,
    )
    assert (price["price"], price["currency"]) == ("4.10", "AUD")
    assert _ok(client.get(f"/api/v1/products/{created['id']}/"))["current_price"] == "4.10"

    # The service's refusals, with the field to fix.
    taken = _refused(
        client.post("/api/v1/products/", {"sku": "widget-6mm", "name": "Again"}, format="json"),
        400,
    )
    assert taken["field"] == "sku" and "already has the code" in taken["detail"]
    unnamed = _refused(client.post("/api/v1/products/", {"sku": "x"}, format="json"), 400)
    assert unnamed["field"] == "name"
    negative = _refused(
        client.post(f"/api/v1/products/{created['id']}/prices/", {"price": "-1"}, format="json"),
        400,
    )
    assert negative["field"] == "price"
    unknown = _refused(
        client.patch(
            f"/api/v1/products/{created['id']}/", {"current_price": "1.00"}, format="json"
        ),
        400,
    )
    assert unknown["current_price"] == ["This field cannot be set here."]

    # An officer reads the catalogue but does not change it.
    officer = _client(mary)
    _refused(officer.post("/api/v1/products/", {"sku": "a", "name": "A"}, format="json"), 403)
    _refused(officer.patch(f"/api/v1/products/{created['id']}/", {"name": "B"}), 403)
    _refused(
        officer.post(f"/api/v1/products/{created['id']}/prices/", {"price": "1"}, format="json"),
        403,
    )


# --- Orders -------------------------------------------------------------------------------------
def test_an_order_is_promised_by_the_charter_on_the_business_calendar(
    clock, charter, widgets, yore, mary
):
    order = _place(
        _client(mary),
        yore,
        (widgets[6], 1000),
        customer_reference="PO-7781",
    )
    assert _when(order["promised_by"]) == PROMISED
    assert order["promise"] == charter.promises.get().pk
    assert order["promise_wording"] == "We deliver your order within 3 business days."
    assert order["status"] == "received" and order["is_late"] is False
    assert order["customer"] == {"id": yore.pk, "reference": yore.reference, "name": "Yore Mine"}
    assert order["customer_reference"] == "PO-7781"
    assert order["placed_by"] == "mary"
    assert [
        (line["product"]["sku"], line["quantity"], line["unit_price"]) for line in order["lines"]
    ] == [("widget-6mm", 1000, "2.50")]
    assert order["total"] == "2500.00"
    assert [event["status"] for event in order["events"]] == ["received"]
    assert "Wednesday 18 November 2026, 17:00" in order["events"][0]["text"]


def test_an_order_price_can_be_agreed_and_the_list_price_is_the_default(
    clock, charter, widgets, yore, mary
):
    body = {
        "customer": yore.pk,
        "channel": "email",
        "lines": [
            {"product": widgets[7].pk, "quantity": 10},
            {"product": widgets[6].pk, "quantity": 100, "unit_price": "2.00"},
        ],
    }
    order = _ok(_client(mary).post("/api/v1/orders/", body, format="json"), 201)
    assert [line["unit_price"] for line in order["lines"]] == ["3.20", "2.00"]
    assert order["total"] == "232.00"


def test_bad_orders_are_refused_with_what_to_fix(clock, charter, widgets, yore, mary, manager):
    client = _client(mary)

    def post(**change):
        body = {
            "customer": yore.pk,
            "channel": "telephone",
            "lines": [{"product": widgets[6].pk, "quantity": 1}],
            **change,
        }
        return client.post("/api/v1/orders/", body, format="json")

    assert _refused(post(lines=[]), 400)["field"] == "lines"
    assert _refused(post(customer=999999), 400)["customer"] == ["There is no customer 999999."]
    assert _refused(post(customer=10**30), 400)["customer"]
    assert _refused(post(channel="pigeon"), 400)["channel"]
    zero = _refused(post(lines=[{"product": widgets[6].pk, "quantity": 0}]), 400)
    assert zero["lines"]["0"]["quantity"]
    extra = _refused(post(lines=[{"product": widgets[6].pk, "quantity": 1, "colour": "red"}]), 400)
    assert extra["lines"]["0"]["colour"] == ["This field cannot be set here."]
    assert _refused(post(total="1.00"), 400)["total"] == ["This field cannot be set here."]
    catalog_services.product_save(actor=manager, product=widgets[7], is_active=False)
    gone = _refused(post(lines=[{"product": widgets[7].pk, "quantity": 1}]), 400)
    assert gone["lines"]["0"]["product"] == [f"There is no product on sale {widgets[7].pk}."]
    assert Order.objects.count() == 0


def test_without_a_delivery_promise_no_order_is_taken(clock, widgets, yore, mary):
    refused = _refused(
        _client(mary).post(
            "/api/v1/orders/",
            {
                "customer": yore.pk,
                "channel": "telephone",
                "lines": [{"product": widgets[6].pk, "quantity": 1}],
            },
            format="json",
        ),
        400,
    )
    assert "No delivery date can be promised" in refused["detail"]


def test_late_lists_only_orders_past_their_promise_and_not_delivered(
    clock, charter, widgets, yore, mary
):
    client = _client(mary)
    waiting = _place(client, yore, (widgets[6], 10))
    delivered = _place(client, yore, (widgets[6], 20))
    dispatched = _place(client, yore, (widgets[7], 5))
    cancelled = _place(client, yore, (widgets[7], 6))
    _ok(client.post(f"/api/v1/orders/{delivered['id']}/confirm/"))
    _ok(client.post(f"/api/v1/orders/{delivered['id']}/deliver/", {}, format="json"))
    _ok(client.post(f"/api/v1/orders/{dispatched['id']}/confirm/"))
    _ok(
        client.post(
            f"/api/v1/orders/{dispatched['id']}/dispatch/",
            {"carrier": "Our fleet"},
            format="json",
        )
    )
    _ok(
        client.post(
            f"/api/v1/orders/{cancelled['id']}/cancel/",
            {"reason": "Ordered twice"},
            format="json",
        )
    )
    clock.set(datetime(2026, 11, 17, 9, 0, tzinfo=SYDNEY))  # Tuesday: due Friday 20 November
    later = _place(client, yore, (widgets[6], 30))
    assert _when(later["promised_by"]) == datetime(2026, 11, 20, 17, 0, tzinfo=SYDNEY)

    clock.set(PROMISED)  # at the promised moment the promise is still kept
    assert _ids(client.get("/api/v1/orders/?late=true")) == []

    clock.set(datetime(2026, 11, 19, 9, 0, tzinfo=SYDNEY))  # Thursday morning
    late = _ok(client.get("/api/v1/orders/?late=true"))["results"]
    assert [row["id"] for row in late] == [waiting["id"], dispatched["id"]]
    assert all(row["is_late"] for row in late)
    on_time = _ids(client.get("/api/v1/orders/?late=false"))
    assert set(on_time) == {delivered["id"], cancelled["id"], later["id"]}
    assert _ok(client.get(f"/api/v1/orders/{waiting['id']}/"))["is_late"] is True
    assert _ok(client.get(f"/api/v1/orders/{delivered['id']}/"))["is_late"] is False
    # Filters combine.
    assert _ids(client.get("/api/v1/orders/?late=true&status=dispatched")) == [dispatched["id"]]
    assert _ids(client.get(f"/api/v1/orders/?late=true&customer={yore.pk}")) == [
        waiting["id"],
        dispatched["id"],
    ]
    # An empty filter is no filter; a bad one says so.
    assert len(_ids(client.get("/api/v1/orders/?late=&status="))) == 5
    assert _refused(client.get("/api/v1/orders/?late=maybe"), 400)["late"]
    assert _refused(client.get("/api/v1/orders/?status=lost"), 400)["status"]
    assert _refused(client.get("/api/v1/orders/?customer=999"), 400)["customer"]


def test_delivering_the_wrong_product_marks_a_wrong_delivery(
    clock, charter, widgets, yore, make_customer, mary
):
    client = _client(mary)
    other = make_customer("Coastal Conveyors")
    wrong = _place(client, yore, (widgets[6], 1000))
    right = _place(client, other, (widgets[6], 500))
    for order in (wrong, right):
        _ok(client.post(f"/api/v1/orders/{order['id']}/confirm/"))
    dispatched = _ok(
        client.post(
            f"/api/v1/orders/{wrong['id']}/dispatch/",
            {"carrier": "Coastal Freight", "tracking_reference": "CF-123", "outsourced": True},
            format="json",
        )
    )
    assert dispatched["status"] == "dispatched"
    assert (dispatched["carrier"], dispatched["carrier_is_outsourced"]) == ("Coastal Freight", True)
    assert dispatched["tracking_reference"] == "CF-123"

    clock.set(datetime(2026, 11, 17, 11, 0, tzinfo=SYDNEY))
    delivered = _ok(
        client.post(
            f"/api/v1/orders/{wrong['id']}/deliver/",
            {"delivered": [{"product": widgets[7].pk, "quantity": 1000}]},
            format="json",
        )
    )
    assert delivered["status"] == "delivered"
    assert delivered["wrong_delivery"] is True
    assert "1000 x 7 mm widget arrived but were not ordered" in delivered["delivery_difference"]
    assert [line["product"]["sku"] for line in delivered["delivered_lines"]] == ["widget-7mm"]
    assert delivered["delivered_late"] is False
    assert "not what was ordered" in delivered["events"][-1]["text"]
    fine = _ok(client.post(f"/api/v1/orders/{right['id']}/deliver/", {}, format="json"))
    assert fine["wrong_delivery"] is False
    assert [line["quantity"] for line in fine["delivered_lines"]] == [500]

    assert _ids(client.get("/api/v1/orders/?wrong_delivery=true")) == [wrong["id"]]
    assert _ids(client.get("/api/v1/orders/?wrong_delivery=false")) == [right["id"]]
    assert _ids(client.get(f"/api/v1/orders/?customer={other.pk}")) == [right["id"]]


def test_steps_out_of_order_are_409_and_missing_details_400(clock, charter, widgets, yore, mary):
    client = _client(mary)
    order = _place(client, yore, (widgets[6], 10))
    url = f"/api/v1/orders/{order['id']}"
    dispatch = client.post(f"{url}/dispatch/", {"carrier": "Our fleet"}, format="json")
    assert "is received; it cannot be marked dispatched" in _refused(dispatch, 409)["detail"]
    _ok(client.post(f"{url}/confirm/"))
    assert _refused(client.post(f"{url}/confirm/"), 409)["detail"]
    blank = _refused(client.post(f"{url}/dispatch/", {"carrier": "  "}, format="json"), 400)
    assert blank["field"] == "carrier"
    assert (
        _refused(client.post(f"{url}/cancel/", {"reason": ""}, format="json"), 400)["field"]
        == "reason"
    )
    nothing = _refused(client.post(f"{url}/deliver/", {"delivered": []}, format="json"), 400)
    assert nothing["field"] == "delivered"
    cancelled = _ok(client.post(f"{url}/cancel/", {"reason": "Not needed"}, format="json"))
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancellation_fee"] == "0.00"
    assert _refused(client.post(f"{url}/deliver/", {}, format="json"), 409)["detail"]
    _refused(client.post("/api/v1/orders/999999999999999999/confirm/"), 404)
    assert client.get("/api/v1/orders/9999999999999999999/").status_code == 404


def test_what_the_customer_was_told_is_on_the_order(clock, charter, widgets, yore, mary):
    client = _client(mary)
    order = _place(client, yore, (widgets[6], 10))
    told = _ok(
        client.post(
            f"/api/v1/orders/{order['id']}/tell/",
            {"channel": "telephone", "text": "Your widgets leave on Monday."},
            format="json",
        ),
        201,
    )
    assert (told["kind"], told["channel"], told["by"]) == ("told", "telephone", "mary")
    events = _ok(client.get(f"/api/v1/orders/{order['id']}/"))["events"]
    assert [e["kind"] for e in events] == ["status", "told"]
    empty = client.post(f"/api/v1/orders/{order['id']}/tell/", {"channel": "email", "text": ""})
    assert _refused(empty, 400)["field"] == "text"


def test_reorder_and_replace_place_new_orders_or_wait_for_approval(
    clock, charter, widgets, yore, mary, admin_user, demo_limits
):
    client = _client(mary)
    order = _place(client, yore, (widgets[6], 100))
    reorder = _ok(
        client.post(f"/api/v1/orders/{order['id']}/reorder/", {"expedite": True}, format="json"),
        201,
    )
    assert (reorder["kind"], reorder["original"]["id"]) == ("reorder", order["id"])
    assert (reorder["total"], reorder["expedite"]) == ("250.00", True)

    # Replacements are within every officer's authority in the demo's limits: placed now, free.
    replacement = _ok(
        client.post(
            f"/api/v1/orders/{order['id']}/replace/", {"reason": "Lost in transit"}, format="json"
        ),
        201,
    )
    assert (replacement["kind"], replacement["total"]) == ("replacement", "0.00")
    follow_ups = _ok(client.get(f"/api/v1/orders/{order['id']}/"))["follow_ups"]
    assert {o["id"] for o in follow_ups} == {reorder["id"], replacement["id"]}

    # Above the officer's authority it waits for approval: with complaints procedure step 6
    # read on its own, the officer's "Replace a product" limit decides.
    accounts_services.authority_limit_set(
        actor=admin_user,
        role=Role.objects.get(code=RoleCode.CUSTOMER_SERVICE_OFFICER),
        action="replace",
        allowed=False,
    )
    accounts_services.authority_settings_set(
        actor=admin_user, replacement_within_everyones_authority=False
    )
    waiting = _ok(client.post(f"/api/v1/orders/{order['id']}/replace/", {}, format="json"), 202)
    approval = ApprovalRequest.objects.get(pk=waiting["approval"])
    assert waiting["status"] == "waiting for approval"
    assert waiting["required_role"] == approval.required_role.code
    assert (approval.action, approval.requested_by) == ("replace", mary)
    assert Order.objects.filter(kind="replacement").count() == 1


# --- Returns ------------------------------------------------------------------------------------
def _return(client, customer, product, **fields) -> dict:
    body = {
        "customer": customer.pk,
        "product": product.pk,
        "reason": "faulty",
        "failure": "major",
        "condition": "used",
        "proof_of_purchase": "receipt",
        "item_value": "120.00",
        "purchased_on": "2026-10-01",
        **fields,
    }
    return _ok(client.post("/api/v1/returns/", body, format="json"), 201)


def test_a_refund_above_an_officers_authority_waits_for_approval(
    clock, widgets, yore, mary, john, demo_limits, admin_user, django_capture_on_commit_callbacks
):
    # An organisation that caps its officers' refunds at $100, whatever is due.
    accounts_services.authority_limit_set(
        actor=admin_user,
        role=Role.objects.get(code=RoleCode.CUSTOMER_SERVICE_OFFICER),
        action="refund",
        allowed=True,
        percent_of_value="100",
        max_amount="100",
    )
    client = _client(mary)
    item = _return(client, yore, widgets[6], description="Cracked on first use.")
    assert item["eligible_remedies"] == ["full_refund", "replacement"]
    assert item["chosen_by"] == "customer"
    assert "major failure" in item["eligibility_reason"]
    assert (item["status"], item["received_by"]) == ("received", "mary")

    # $120 back is above the officer's $100: it waits for a supervisor.
    waiting = _ok(
        client.post(
            f"/api/v1/returns/{item['id']}/resolve/",
            {"outcome": "full_refund", "refund_method": "card"},
            format="json",
        ),
        202,
    )
    assert waiting["status"] == "awaiting_approval"
    assert waiting["approval"]["required_role"] == "supervisor"
    assert waiting["refund_amount"] == "120.00"
    listed = _ok(client.get("/api/v1/returns/?status=awaiting_approval"))["results"]
    assert [row["id"] for row in listed] == [item["id"]]
    again = client.post(
        f"/api/v1/returns/{item['id']}/resolve/", {"outcome": "replacement"}, format="json"
    )
    assert "waiting for approval" in _refused(again, 409)["detail"].lower()

    # The supervisor's approval completes it.
    with django_capture_on_commit_callbacks(execute=True):
        _ok(
            _client(john).post(
                f"/api/v1/approvals/{waiting['approval']['id']}/approve/",
                {"note": "Faulty batch"},
                format="json",
            )
        )
    done = _ok(client.get(f"/api/v1/returns/{item['id']}/"))
    assert (done["status"], done["outcome"]) == ("completed", "full_refund")


def test_a_refund_within_authority_is_done_at_once(clock, widgets, yore, mary, demo_limits):
    client = _client(mary)
    item = _return(client, yore, widgets[6], item_value="100.00")
    done = _ok(
        client.post(
            f"/api/v1/returns/{item['id']}/resolve/",
            {"outcome": "full_refund", "refund_method": "card", "refund_amount": "100.00"},
            format="json",
        )
    )
    # The refund due (what was paid) is the officer's own to give.
    assert (done["status"], done["refund_amount"], done["approval"]) == (
        "completed",
        "100.00",
        None,
    )
    assert done["decided_by"] == "mary"


def test_a_remedy_the_policy_does_not_allow_is_refused(clock, widgets, yore, mary, demo_limits):
    client = _client(mary)
    item = _return(client, yore, widgets[6])
    repair = _refused(
        client.post(f"/api/v1/returns/{item['id']}/resolve/", {"outcome": "repair"}), 400
    )
    assert repair["field"] == "outcome" and "the policy allows" in repair["detail"]
    no_method = _refused(
        client.post(f"/api/v1/returns/{item['id']}/resolve/", {"outcome": "full_refund"}), 400
    )
    assert no_method["field"] == "refund_method"
    # Without proof of purchase nothing is due yet; the officer declines for now.
    unproven = _return(client, yore, widgets[6], reason="change_of_mind", failure="none",
                       condition="as_new", proof_of_purchase="none")  # fmt: skip
    assert unproven["eligible_remedies"] == []
    declined = _ok(
        client.post(f"/api/v1/returns/{unproven['id']}/resolve/", {"outcome": "declined"})
    )
    assert declined["status"] == "declined"
    bad = client.post(
        "/api/v1/returns/",
        {"customer": yore.pk, "product": widgets[6].pk, "reason": "bored", "condition": "used",
         "proof_of_purchase": "receipt", "item_value": "1.00"},
        format="json",
    )  # fmt: skip
    assert _refused(bad, 400)["reason"]
    assert Return.objects.count() == 2


# --- Warranties ---------------------------------------------------------------------------------
def test_warranties_registered_checked_and_claimed(clock, widgets, yore, mary):
    client = _client(mary)
    late_in_life = _ok(
        client.post(
            "/api/v1/warranties/",
            {"customer": yore.pk, "product": widgets[6].pk, "serial_or_batch": "B-2025-11",
             "purchased_on": "2025-12-01"},
            format="json",
        ),
        201,
    )  # fmt: skip
    assert late_in_life["expires_on"] == "2026-11-30"
    newer = _ok(
        client.post(
            "/api/v1/warranties/",
            {"customer": yore.pk, "product": widgets[7].pk, "serial_or_batch": "B-2026-01",
             "purchased_on": "2026-01-10"},
            format="json",
        ),
        201,
    )  # fmt: skip
    assert newer["expires_on"] == "2027-01-09"
    assert newer["terms"] == "Defects in material and workmanship" and newer["claims"] == []

    # Today is Friday 13 November 2026: the first ends in 17 days, the second in 57.
    assert _ids(client.get("/api/v1/warranties/?expiring_within_days=30")) == [late_in_life["id"]]
    assert _ids(client.get("/api/v1/warranties/?expiring_within_days=60")) == [
        late_in_life["id"],
        newer["id"],
    ]
    assert len(_ids(client.get("/api/v1/warranties/"))) == 2
    assert _refused(client.get("/api/v1/warranties/?expiring_within_days=-1"), 400)

    url = f"/api/v1/warranties/{newer['id']}"
    covered = _ok(client.get(f"{url}/coverage/?fault_on=2026-11-10"))
    assert covered["covered"] is True and "09 January 2027" in covered["reason"]
    ended = _ok(client.get(f"{url}/coverage/?fault_on=2027-02-01"))
    assert ended["covered"] is False and "ended on 09 January 2027" in ended["reason"]
    assert _refused(client.get(f"{url}/coverage/"), 400)["fault_on"]
    assert _refused(client.get(f"{url}/coverage/?fault_on=13/11/2026"), 400)["fault_on"]

    claim = _ok(
        client.post(
            f"{url}/claims/",
            {"fault": "Thread stripped", "fault_on": "2026-11-10"},
            format="json",
        ),
        201,
    )
    assert (claim["covered"], claim["outcome"], claim["claimed_by"]) == (True, "pending", "mary")
    assert [c["id"] for c in _ok(client.get(f"{url}/"))["claims"]] == [claim["id"]]
    blank = _refused(client.post(f"{url}/claims/", {"fault": " ", "fault_on": "2026-11-10"}), 400)
    assert blank["field"] == "fault"


def test_a_warranty_needs_a_product_that_carries_one_and_a_past_purchase(
    clock, widgets, yore, mary
):
    client = _client(mary)

    def register(**change):
        body = {"customer": yore.pk, "product": widgets[6].pk, "serial_or_batch": "B-1",
                "purchased_on": "2026-10-01", **change}  # fmt: skip
        return client.post("/api/v1/warranties/", body, format="json")

    assert _refused(register(product=widgets["manual"].pk), 400)["field"] == "product"
    assert _refused(register(purchased_on="2026-11-14"), 400)["field"] == "purchased_on"
    _ok(register(), 201)
    assert _refused(register(), 400)["field"] == "serial_or_batch"


# --- Who may ------------------------------------------------------------------------------------
def test_the_administrator_configures_but_does_not_see_orders(
    clock, charter, widgets, yore, mary, admin_user
):
    order = _place(_client(mary), yore, (widgets[6], 1))
    omar = _client(admin_user)
    for url in ("/api/v1/orders/", "/api/v1/returns/", "/api/v1/warranties/"):
        _refused(omar.get(url), 403)
    _refused(omar.get(f"/api/v1/orders/{order['id']}/"), 403)
    _refused(omar.post(f"/api/v1/orders/{order['id']}/confirm/"), 403)
    body = {"customer": yore.pk, "channel": "telephone",
            "lines": [{"product": widgets[6].pk, "quantity": 1}]}  # fmt: skip
    _refused(omar.post("/api/v1/orders/", body, format="json"), 403)
    _refused(omar.post("/api/v1/returns/", {}, format="json"), 403)
    _refused(omar.post("/api/v1/warranties/", {}, format="json"), 403)
    # The catalogue is part of the configuration.
    _ok(omar.get("/api/v1/products/"))
    assert Order.objects.get().status == "received"
    assert APIClient().get("/api/v1/orders/").status_code == 401


def test_account_managers_supervisors_and_managers_serve_orders(
    clock, charter, widgets, yore, make_user
):
    for role in (RoleCode.ACCOUNT_MANAGER, RoleCode.SUPERVISOR, RoleCode.CUSTOMER_SERVICE_MANAGER):
        client = _client(make_user(role))
        order = _place(client, yore, (widgets[6], 1))
        _ok(client.post(f"/api/v1/orders/{order['id']}/confirm/"))
        _ok(client.get("/api/v1/orders/"))


def test_an_auditor_reads_orders_but_changes_nothing(
    clock, charter, widgets, yore, mary, make_user
):
    order = _place(_client(mary), yore, (widgets[6], 1))
    auditor = _client(make_user(RoleCode.AUDITOR))
    _ok(auditor.get(f"/api/v1/orders/{order['id']}/"))
    _refused(auditor.post(f"/api/v1/orders/{order['id']}/cancel/", {"reason": "x"}), 403)


def test_the_browsable_pages_render_for_a_browser(clock, charter, widgets, yore, mary, client):
    order = _place(_client(mary), yore, (widgets[6], 1))
    client.force_login(mary)
    for url in (
        "/api/v1/",
        "/api/v1/products/",
        f"/api/v1/products/{widgets[6].pk}/",
        "/api/v1/orders/?late=true",
        f"/api/v1/orders/{order['id']}/",
        "/api/v1/returns/",
        "/api/v1/warranties/",
    ):
        assert client.get(url, HTTP_ACCEPT="text/html").status_code == 200, url


# --- Fixed query counts -------------------------------------------------------------------------
def _query_counts(client, urls) -> dict[str, int]:
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            _ok(client.get(url))
        counts[url] = len(queries)
    return counts


def test_lists_read_in_a_fixed_number_of_queries(
    clock, charter, widgets, yore, make_customer, mary, manager, demo_limits, admin_user
):
    # Officers' refunds capped at $100, so every $120 return waits with its approval.
    accounts_services.authority_limit_set(
        actor=admin_user,
        role=Role.objects.get(code=RoleCode.CUSTOMER_SERVICE_OFFICER),
        action="refund",
        allowed=True,
        percent_of_value="100",
        max_amount="100",
    )
    client = _client(mary)
    urls = (
        "/api/v1/orders/",
        "/api/v1/orders/?late=true",
        "/api/v1/orders/?wrong_delivery=true",
        f"/api/v1/orders/?customer={yore.pk}",
        "/api/v1/returns/",
        "/api/v1/warranties/",
        "/api/v1/products/",
    )

    def add(n: int, customer) -> None:
        for i in range(n):
            order = order_services.order_place(
                actor=mary, customer=customer, channel="telephone",
                lines=[(widgets[6], 10 + i), (widgets[7], 1)],
            )  # fmt: skip
            order_services.order_confirm(actor=mary, order=order)
            order_services.order_deliver(actor=mary, order=order, delivered=[(widgets[7], 1)])
            item = order_services.return_record(
                actor=mary, customer=customer, product=widgets[7], order=order,
                reason="wrong_item", condition="as_new", proof_of_purchase="order",
                item_value=Decimal("120.00"),
            )  # fmt: skip
            order_services.return_resolve(
                actor=mary, item=item, outcome="full_refund", refund_method="card"
            )
            order_services.warranty_register(
                actor=mary, customer=customer, product=widgets[6], order=order,
                serial_or_batch=f"B-{order.pk}", purchased_on=date(2026, 11, 1),
            )  # fmt: skip
            # And one that is late by the time the lists are read.
            order_services.order_place(
                actor=mary, customer=customer, channel="email", lines=[(widgets[6], 1)]
            )

    add(1, yore)
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=SYDNEY))
    for url in urls:
        client.get(url)  # permissions loaded
    before = _query_counts(client, urls)
    clock.set(FRIDAY)
    add(19, yore)
    add(1, make_customer("Coastal Conveyors"))
    catalog_services.product_save(actor=manager, sku="widget-9mm", name="9 mm widget")
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=SYDNEY))
    assert _ok(client.get("/api/v1/orders/?late=true"))["count"] == 21
    assert _ok(client.get("/api/v1/returns/"))["count"] == 21
    assert ApprovalRequest.objects.count() == 21
    assert _query_counts(client, urls) == before


# --- The schema ---------------------------------------------------------------------------------
def test_the_schema_has_the_orders_endpoints_and_no_warnings():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "schema generation warned: see the captured output"
    for path in (
        "/api/v1/products/{id}/prices/",
        "/api/v1/orders/{id}/confirm/",
        "/api/v1/orders/{id}/dispatch/",
        "/api/v1/orders/{id}/deliver/",
        "/api/v1/orders/{id}/cancel/",
        "/api/v1/orders/{id}/tell/",
        "/api/v1/orders/{id}/reorder/",
        "/api/v1/orders/{id}/replace/",
        "/api/v1/returns/{id}/resolve/",
        "/api/v1/warranties/{id}/coverage/",
        "/api/v1/warranties/{id}/claims/",
    ):
        assert path in schema["paths"], path
    assert set(schema["paths"]["/api/v1/products/{id}/"]) == {"get", "patch"}
    assert set(schema["paths"]["/api/v1/orders/"]) == {"get", "post"}
    assert set(schema["paths"]["/api/v1/orders/{id}/replace/"]["post"]["responses"]) == {
        "201",
        "202",
    }
    assert set(schema["paths"]["/api/v1/returns/{id}/resolve/"]["post"]["responses"]) == {
        "200",
        "202",
    }
