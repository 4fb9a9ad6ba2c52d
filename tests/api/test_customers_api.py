"""Customers and segments over the REST API: the same services and selectors as the pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from charter.accounts.models import RoleCode
from charter.core.models import AuditEntry
from charter.customers import services
from charter.customers.models import ConsentRecord, Customer, CustomerType, Offering, Segment

pytestmark = pytest.mark.django_db

PREMIER = [{"attribute": "balance", "operator": "gte", "value": "250000"}]


def _client(user) -> APIClient:
    # A session login, as the browser's: the audit middleware then knows who is calling.
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def types(db):
    return {
        "mining": CustomerType.objects.create(name="Mining equipment supplier", slug="mining"),
        "public": CustomerType.objects.create(name="Member of the public", slug="public"),
        "production": CustomerType.objects.create(
            name="Production team", slug="production", internal=True
        ),
    }


@pytest.fixture
def offerings(db):
    return {
        "savings": Offering.objects.create(code="savings", name="Savings", category="deposits"),
        "insurance": Offering.objects.create(
            code="insurance", name="Home insurance", category="insurance"
        ),
    }


@pytest.fixture
def csm(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_MANAGER, username="grace")


@pytest.fixture
def cso(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")


@pytest.fixture
def analyst(make_user):
    return make_user(RoleCode.ANALYST, username="ana")


@pytest.fixture
def arjun(make_user):
    return make_user(
        RoleCode.ACCOUNT_MANAGER, username="arjun", first_name="Arjun", last_name="Rao"
    )


@pytest.fixture
def make_customer(csm, types):
    def make(name: str, **fields) -> Customer:
        fields.setdefault("kind", "organisation")
        fields.setdefault("customer_type", types["mining"])
        return services.customer_create(actor=csm, name=name, **fields)

    return make


@pytest.fixture
def book(make_customer, types, csm, arjun):
    """A small customer book: a premier miner managed by Arjun, a member of the public, a team."""
    ridgeline = make_customer(
        "Ridgeline Mining", balance="300000", email="accounts@ridgeline.example"
    )
    services.account_manager_assign(actor=csm, customers=[ridgeline], manager=arjun)
    zoe = make_customer(
        "Zoë Kent", kind="person", customer_type=types["public"], phone="0412 345 678"
    )
    production = make_customer("Production", customer_type=types["production"])
    premier = services.segment_save(actor=csm, name="Premier", conditions=PREMIER)
    services.segment_evaluate(segment=premier, actor=csm)
    return {"ridgeline": ridgeline, "zoe": zoe, "production": production, "premier": premier}


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


# --- Customers ----------------------------------------------------------------------------------
def test_the_customer_list_is_paginated_and_filtered(cso, book):
    client = _client(cso)
    body = client.get("/api/v1/customers/?page_size=2").json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]
    assert _names(client.get("/api/v1/customers/?type=public")) == ["Zoë Kent"]
    assert len(_names(client.get("/api/v1/customers/?type=&segment=&internal="))) == 3
    assert _names(client.get("/api/v1/customers/?internal=true")) == ["Production"]
    assert _names(client.get("/api/v1/customers/?internal=false")) == [
        "Ridgeline Mining",
        "Zoë Kent",
    ]
    assert _names(client.get("/api/v1/customers/?manager=arjun")) == ["Ridgeline Mining"]
    premier = book["premier"]
    assert _names(client.get("/api/v1/customers/?segment=premier")) == ["Ridgeline Mining"]
    assert _names(client.get(f"/api/v1/customers/?segment={premier.pk}")) == ["Ridgeline Mining"]
    row = client.get("/api/v1/customers/?segment=premier").json()["results"][0]
    assert row["customer_type"] == {
        "slug": "mining",
        "name": "Mining equipment supplier",
        "internal": False,
    }
    assert row["account_manager"] == "arjun"
    assert [s["slug"] for s in row["segments"]] == ["premier"]
    assert row["balance"] == "300000.00"


def test_search_finds_customers_by_name_email_and_phone(cso, book):
    client = _client(cso)
    assert _names(client.get("/api/v1/customers/?search=ridge")) == ["Ridgeline Mining"]
    assert _names(client.get("/api/v1/customers/?search=zoe")) == ["Zoë Kent"]
    assert _names(client.get("/api/v1/customers/?search=0412 345")) == ["Zoë Kent"]
    assert _names(client.get("/api/v1/customers/?search=accounts@ridgeline")) == [
        "Ridgeline Mining"
    ]
    assert _names(client.get("/api/v1/customers/?search=nobody")) == []
    assert _names(client.get("/api/v1/customers/?search=ridge&type=public")) == []


def test_unknown_filter_values_are_a_400_naming_the_filter(cso, book):
    client = _client(cso)
    for query, field, words in [
        ("type=quarry", "type", "no customer type 'quarry'"),
        ("segment=gold", "segment", "no segment 'gold'"),
        ("manager=nobody", "manager", "no member of staff 'nobody'"),
        ("internal=perhaps", "internal", "valid boolean"),
    ]:
        response = client.get(f"/api/v1/customers/?{query}")
        assert response.status_code == 400, query
        assert words in response.json()[field][0], query


def test_a_cso_creates_a_customer(cso, types):
    response = _client(cso).post(
        "/api/v1/customers/",
        {
            "kind": "person",
            "customer_type": "public",
            "given_name": "Sam",
            "family_name": "Lee",
            "phone": "0412 345 678",
            "email": "sam@Example.COM",
            "customer_since": "2021-03-04",
            "consent_surveys": True,
            "consent_method": "telephone",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Sam Lee"
    assert body["phone"] == "+61412345678"
    assert body["email"] == "sam@example.com"
    assert body["customer_type"]["slug"] == "public"
    assert body["customer_since"] == "2021-03-04"
    assert {"purpose": "surveys", "label": "Surveys and feedback", "given": True} in body[
        "consents"
    ]
    record = ConsentRecord.objects.get(customer_id=body["id"])
    assert (record.purpose, record.given, record.method) == ("surveys", True, "telephone")
    assert record.recorded_by == cso


def test_bad_input_is_a_400_with_a_message_never_a_500(cso, types):
    client = _client(cso)
    new = {"kind": "person", "customer_type": "public", "given_name": "Sam"}
    bad_phone = client.post("/api/v1/customers/", {**new, "phone": "12ab"}, format="json")
    assert bad_phone.status_code == 400
    assert bad_phone.json()["field"] == "phone"
    assert "'12ab' is not a phone number" in bad_phone.json()["detail"]
    bad_type = client.post("/api/v1/customers/", {**new, "customer_type": "quarry"}, format="json")
    assert bad_type.status_code == 400
    assert bad_type.json()["customer_type"] == ["There is no customer type 'quarry'."]
    bad_email = client.post("/api/v1/customers/", {**new, "email": "sam@"}, format="json")
    assert bad_email.status_code == 400
    assert bad_email.json()["field"] == "email"
    no_kind = client.post("/api/v1/customers/", {"customer_type": "public"}, format="json")
    assert no_kind.status_code == 400
    assert "kind" in no_kind.json()
    assert Customer.objects.count() == 0


def test_a_cso_updates_a_customer_and_the_trail_records_it(cso, book):
    zoe = book["zoe"]
    client = _client(cso)
    response = client.patch(
        f"/api/v1/customers/{zoe.pk}/",
        {"phone": "(02) 6361 0000", "preferred_channel": "telephone"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "+61263610000"
    assert response.json()["preferred_channel"] == "telephone"
    assert response.json()["name"] == "Zoë Kent"  # left out, so unchanged
    change = AuditEntry.objects.filter(
        action=AuditEntry.Action.UPDATE,
        content_type__model="customer",
        object_pk=str(zoe.pk),
        actor=cso,
    ).latest("timestamp")
    assert "phone" in change.changes
    assert "0263610000" not in str(change.changes)  # personal values are masked


def test_an_update_refuses_what_it_cannot_change(cso, book):
    client = _client(cso)
    url = f"/api/v1/customers/{book['zoe'].pk}/"
    consent = client.patch(url, {"consent_marketing": True}, format="json")
    assert consent.status_code == 400
    assert consent.json()["consent_marketing"] == ["This field cannot be set here."]
    bad_phone = client.patch(url, {"phone": "000"}, format="json")
    assert bad_phone.status_code == 400
    assert bad_phone.json()["field"] == "phone"
    assert client.patch(url, {"customer_type": "quarry"}, format="json").status_code == 400
    assert client.put(url, {"name": "X"}, format="json").status_code == 405
    assert client.patch("/api/v1/customers/999999/", {}, format="json").status_code == 404


def test_changing_a_customer_needs_the_permission(make_user, book):
    auditor = make_user(RoleCode.AUDITOR)
    response = _client(auditor).patch(
        f"/api/v1/customers/{book['zoe'].pk}/", {"name": "Zed"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role does not allow you to change customers."
    created = _client(auditor).post(
        "/api/v1/customers/", {"kind": "person", "customer_type": "public"}, format="json"
    )
    assert created.status_code == 403


def test_the_full_record_is_returned_and_the_view_is_logged(cso, csm, arjun, book, offerings):
    ridgeline = book["ridgeline"]
    services.contact_save(
        actor=csm, customer=ridgeline, name="Dana Lee", phone="0298765432", is_primary=True
    )
    services.address_save(
        actor=csm, customer=ridgeline, kind="postal", line1="PO Box 12", locality="Orange"
    )
    services.consent_record(
        actor=csm, customer=ridgeline, purpose="marketing", given=True, method="email"
    )
    services.holding_add(actor=csm, customer=ridgeline, offering=offerings["savings"])

    response = _client(cso).get(f"/api/v1/customers/{ridgeline.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == ridgeline.reference
    assert [c["name"] for c in body["contacts"]] == ["Dana Lee"]
    assert body["contacts"][0]["phone"] == "+61298765432"
    assert body["addresses"][0]["kind"] == "postal"
    assert {"purpose": "marketing", "label": "Marketing", "given": True} in body["consents"]
    assert [(h["offering"], h["status"]) for h in body["holdings"]] == [("savings", "held")]
    assert [s["slug"] for s in body["segments"]] == ["premier"]
    assert body["account_manager"] == {"id": arjun.pk, "username": "arjun", "name": "Arjun Rao"}
    assert [h["manager"]["username"] for h in body["account_manager_history"]] == ["arjun"]

    viewed = AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS,
        content_type__app_label="customers",
        content_type__model="customer",
        object_pk=str(ridgeline.pk),
    )
    assert viewed.count() == 1
    assert viewed.get().actor == cso
    assert _client(cso).get("/api/v1/customers/999999/").status_code == 404
    assert viewed.count() == 1  # a list does not count as opening the record
    _client(cso).get("/api/v1/customers/")
    assert viewed.count() == 1


def test_a_record_opened_with_a_token_is_logged_with_the_caller(cso, book):
    token, _ = Token.objects.get_or_create(user=cso)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(f"/api/v1/customers/{book['zoe'].pk}/").status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS, object_pk=str(book["zoe"].pk))
    assert (entry.actor, entry.interface) == (cso, "api")


def test_an_analyst_cannot_see_customers_but_reads_segments(analyst, book):
    client = _client(analyst)
    assert client.get("/api/v1/customers/").status_code == 403
    assert client.get(f"/api/v1/customers/{book['zoe'].pk}/").status_code == 403
    assert client.post("/api/v1/customers/", {"kind": "person"}, format="json").status_code == 403
    segments = client.get("/api/v1/segments/")
    assert segments.status_code == 200
    assert [s["slug"] for s in segments.json()["results"]] == ["premier"]
    premier = book["premier"]
    assert client.get(f"/api/v1/segments/{premier.pk}/").status_code == 200
    assert client.get(f"/api/v1/segments/{premier.pk}/members/").status_code == 403
    created = client.post(
        "/api/v1/segments/", {"name": "Loyal", "conditions": PREMIER}, format="json"
    )
    assert created.status_code == 403
    assert created.json()["detail"] == "Your role does not allow you to define segments."


def test_without_a_login_the_api_answers_401(book):
    assert APIClient().get("/api/v1/customers/").status_code == 401
    assert APIClient().get("/api/v1/segments/").status_code == 401


# --- Segments -----------------------------------------------------------------------------------
def test_segments_list_their_rules_in_words_and_their_members(cso, book):
    body = _client(cso).get("/api/v1/segments/").json()
    [premier] = body["results"]
    assert premier["name"] == "Premier"
    assert premier["conditions"] == [
        {
            "attribute": "balance",
            "operator": "gte",
            "value": "250000",
            "description": "Balance at least $250,000.00",
        }
    ]
    assert premier["member_count"] == 1
    assert premier["last_evaluated_at"]


def test_a_manager_defines_and_changes_a_segment(csm, types, offerings):
    client = _client(csm)
    created = client.post(
        "/api/v1/segments/",
        {
            "name": "Miners",
            "description": "Mining suppliers",
            "conditions": [{"attribute": "customer_type", "operator": "in", "value": ["mining"]}],
            "offerings": ["insurance"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["slug"] == "miners"
    assert body["offerings"] == ["insurance"]
    assert body["conditions"][0]["description"] == "Customer type is Mining equipment supplier"
    assert body["member_count"] == 0

    changed = client.patch(
        f"/api/v1/segments/{body['id']}/", {"description": "Our miners"}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["description"] == "Our miners"
    assert changed.json()["conditions"] == body["conditions"]  # left as it was
    assert changed.json()["offerings"] == ["insurance"]


def test_bad_segment_conditions_are_a_400_saying_what_to_fix(csm, types):
    client = _client(csm)
    for conditions, words in [
        ([{"attribute": "shoe_size", "operator": "gte", "value": 9}], "unknown attribute"),
        ([{"attribute": "balance", "operator": "has", "value": 9}], "'has' does not apply"),
        ([{"attribute": "balance", "operator": "gte", "value": "lots"}], "not an amount"),
        ([{"attribute": "customer_type", "operator": "in", "value": ["quarry"]}], "quarry"),
        ([], "at least one condition"),
        ("balance > 5", "must be a list"),
    ]:
        response = client.post(
            "/api/v1/segments/", {"name": "Bad", "conditions": conditions}, format="json"
        )
        assert response.status_code == 400, conditions
        assert response.json()["field"] == "conditions"
        assert words in response.json()["detail"], conditions
    assert not Segment.objects.filter(name="Bad").exists()
    clash = client.post("/api/v1/segments/", {"name": "Bad", "conditions": PREMIER}, format="json")
    assert clash.status_code == 201
    again = client.post("/api/v1/segments/", {"name": "bad", "conditions": PREMIER}, format="json")
    assert again.status_code == 409
    assert "already a segment called bad" in again.json()["detail"]


def test_evaluating_a_segment_returns_its_counts_and_fills_its_members(
    csm, cso, make_customer, offerings
):
    make_customer("Big One", balance="500000")
    make_customer("Big Two", balance="260000")
    make_customer("Small", balance="100")
    segment = services.segment_save(
        actor=csm, name="Premier", conditions=PREMIER, offerings=[offerings["insurance"]]
    )
    client = _client(csm)
    first = client.post(f"/api/v1/segments/{segment.pk}/evaluate/")
    assert first.status_code == 200, first.content
    assert {k: first.json()[k] for k in ("matched", "entered", "left", "offers_made")} == {
        "matched": 2,
        "entered": 2,
        "left": 0,
        "offers_made": 2,
    }
    assert first.json()["evaluated_by"] == "grace"
    members = _client(cso).get(f"/api/v1/segments/{segment.pk}/members/")
    assert members.status_code == 200
    assert _names(members) == ["Big One", "Big Two"]

    services.customer_update(actor=csm, customer=Customer.objects.get(name="Big Two"), balance="10")
    second = client.post(f"/api/v1/segments/{segment.pk}/evaluate/").json()
    assert (second["matched"], second["entered"], second["left"]) == (1, 0, 1)
    assert _names(client.get(f"/api/v1/segments/{segment.pk}/members/")) == ["Big One"]
    assert client.get(f"/api/v1/segments/{segment.pk}/").json()["member_count"] == 1


def test_a_cso_may_not_evaluate_a_segment(cso, book):
    response = _client(cso).post(f"/api/v1/segments/{book['premier'].pk}/evaluate/")
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role does not allow you to evaluate segments."
    assert _client(cso).post("/api/v1/segments/999999/evaluate/").status_code == 404


# --- Query counts -------------------------------------------------------------------------------
def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def test_lists_read_in_the_same_number_of_queries_whatever_the_page_size(
    csm, cso, types, arjun, make_customer
):
    customers = [
        make_customer(f"Customer {n:02d}", balance="300000" if n % 2 else "0") for n in range(60)
    ]
    services.account_manager_assign(actor=csm, customers=customers[:30], manager=arjun)
    for name in ("Premier", "Premier again"):
        segment = services.segment_save(actor=csm, name=name, conditions=PREMIER)
        services.segment_evaluate(segment=segment, actor=csm)
    client = _client(cso)
    for url in (
        "/api/v1/customers/",
        "/api/v1/customers/?search=customer&type=mining&manager=arjun",
        f"/api/v1/segments/{segment.pk}/members/",
        "/api/v1/segments/",
    ):
        join = "&" if "?" in url else "?"
        _count_queries(client, url)  # the first request also reads the caller's permissions
        small = _count_queries(client, f"{url}{join}page_size=5")
        large = _count_queries(client, f"{url}{join}page_size=50")
        assert small == large, url
        assert large <= 12, url
