"""The customer pages: who may see and do what, and what they show, in fixed queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from charter.accounts.models import RoleCode
from charter.core.models import AuditEntry
from charter.customers import services
from charter.customers.models import Customer, SegmentMembership


@pytest.fixture
def officer(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")


@pytest.fixture
def yore(make_customer, manager, types):
    customer = make_customer(
        name="Yore Mine Co.",
        reference="IW-0001",
        customer_type=types["mining"],
        email="orders@yoremine.example",
        phone="08 9200 1000",
        annual_value=1250000,
    )
    services.contact_save(
        actor=manager, customer=customer, name="Dan Pryor", job_title="Buyer", is_primary=True
    )
    return customer


def test_an_officer_finds_a_customer_by_name_phone_and_email(client, officer, yore):
    client.force_login(officer)
    for query in ("yore mi", "08 9200 1000", "+61892001000", "orders@yoremine", "pryor", "IW-0001"):
        response = client.get(reverse("customers:list"), {"q": query})
        assert response.status_code == 200
        assert "Yore Mine Co." in response.content.decode(), query
    response = client.get(reverse("customers:list"), {"q": "nobody-by-this-name"})
    assert "No customers match" in response.content.decode()


def test_the_quick_search_answers_as_the_officer_types(client, officer, yore):
    client.force_login(officer)
    response = client.get(reverse("customers:search"), {"q": "yore"}, HTTP_HX_REQUEST="true")
    assert "Yore Mine Co." in response.content.decode()
    short = client.get(reverse("customers:search"), {"q": "y"})
    assert "at least two" in short.content.decode()


def test_opening_a_customer_is_logged_for_auditors(client, officer, yore, make_user):
    client.force_login(officer)
    response = client.get(reverse("customers:detail", args=[yore.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dan Pryor" in body and "(08) 9200 1000" in body
    view = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS, object_pk=str(yore.pk))
    assert view.actor == officer and view.interface == "web"

    auditor = make_user(RoleCode.AUDITOR, username="priya")
    client.force_login(auditor)
    page = client.get(reverse("customers:detail", args=[yore.pk])).content.decode()
    assert "Who opened this record" in page and "Mary" in page
    # The auditor reads; no edit, erase or export buttons.
    assert "Edit details" not in page and "Erase personal data" not in page


def test_staff_without_customer_access_see_nothing(client, make_user, yore):
    analyst = make_user(RoleCode.ANALYST, username="sofia")
    client.force_login(analyst)
    assert client.get(reverse("customers:list")).status_code == 403
    assert client.get(reverse("customers:detail", args=[yore.pk])).status_code == 403
    # ...but may read segments, without their members' names.
    assert client.get(reverse("customers:segments")).status_code == 200


def test_an_officer_corrects_a_phone_number_and_a_bad_one_is_explained(client, officer, yore):
    client.force_login(officer)
    url = reverse("customers:edit", args=[yore.pk])
    form = {
        "kind": "organisation",
        "customer_type": yore.customer_type_id,
        "reference": "IW-0001",
        "name": "Yore Mine Co.",
        "email": "orders@yoremine.example",
        "phone": "08 9200 12",
        "preferred_channel": "email",
        "customer_since": "2011-03-01",
        "annual_value": "1250000",
        "balance": "0",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "is not a valid phone number" in response.content.decode()
    form["phone"] = "(08) 9200 1234"
    assert client.post(url, form).status_code == 302
    yore.refresh_from_db()
    assert yore.phone == "+61892001234"
    change = AuditEntry.objects.filter(object_pk=str(yore.pk), action=1).latest("timestamp")
    assert change.actor == officer and "phone" in change.changes_dict
    assert "1234" not in str(change.changes)  # the value stays out of the trail


def test_a_cso_cannot_erase_a_manager_can_through_the_page(client, officer, manager, yore):
    client.force_login(officer)
    url = reverse("customers:erase", args=[yore.pk])
    assert client.post(url, {"reason": "asked", "confirm": "on"}).status_code == 403
    client.force_login(manager)
    assert client.post(url, {"reason": "asked", "confirm": "on"}).status_code == 302
    yore.refresh_from_db()
    assert yore.erased_at and yore.email == ""


def test_manager_reassignment_keeps_the_history(client, manager, make_user, yore):
    alex = make_user(RoleCode.ACCOUNT_MANAGER, username="alex")
    other = make_user(RoleCode.ACCOUNT_MANAGER, username="kim")
    client.force_login(manager)
    url = reverse("customers:manager", args=[yore.pk])
    client.post(url, {"manager": alex.pk, "reason": "Key account"})
    client.post(url, {"manager": other.pk, "reason": "Alex on leave"})
    yore.refresh_from_db()
    assert yore.account_manager == other
    history = list(yore.manager_assignments.order_by("started_at"))
    assert [a.manager for a in history] == [alex, other]
    assert history[0].ended_at == history[1].started_at

    client.force_login(other)
    mine = client.get(reverse("customers:mine")).content.decode()
    assert "Yore Mine Co." in mine
    client.force_login(alex)
    assert "Yore Mine Co." not in client.get(reverse("customers:mine")).content.decode()


def test_a_cso_cannot_assign_managers(client, officer, yore, make_user):
    alex = make_user(RoleCode.ACCOUNT_MANAGER, username="alex")
    client.force_login(officer)
    response = client.post(reverse("customers:manager", args=[yore.pk]), {"manager": alex.pk})
    assert response.status_code == 403


def test_consent_is_recorded_with_how(client, officer, yore):
    client.force_login(officer)
    client.post(
        reverse("customers:consent", args=[yore.pk]),
        {"purpose": "marketing", "given": "1", "method": "telephone", "note": "on the call"},
    )
    yore.refresh_from_db()
    assert yore.consent_marketing is True
    record = yore.consents.get(purpose="marketing")
    assert record.method == "telephone" and record.recorded_by == officer


def _list_queries(client, size) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("customers:list"), {"per_page": size})
    assert response.status_code == 200
    return len(queries)


def test_the_list_reads_in_the_same_number_of_queries_whatever_the_page_size(
    client, officer, make_customer, manager
):
    for n in range(60):
        make_customer(name=f"Customer {n:03d}", annual_value=300000 if n % 2 else 10)
    premier = services.segment_save(
        actor=manager,
        name="Premier",
        conditions=[{"attribute": "annual_value", "operator": "gte", "value": "250000"}],
    )
    services.segment_evaluate(segment=premier, actor=manager)
    assert SegmentMembership.objects.count() == 30
    client.force_login(officer)
    _list_queries(client, 25)  # the first request also reads the officer's permissions
    assert _list_queries(client, 25) == _list_queries(client, 50)


def test_the_customer_page_reads_in_fixed_queries(client, officer, yore, manager, offerings):
    client.force_login(officer)
    url = reverse("customers:detail", args=[yore.pk])
    client.get(url)  # the first request also reads the officer's permissions
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for code in ("savings", "investment", "insurance"):
        services.holding_add(actor=manager, customer=yore, offering=offerings[code])
    for n in range(3):
        services.contact_save(actor=manager, customer=yore, name=f"Extra {n}")
        services.consent_record(
            actor=manager, customer=yore, purpose="surveys", given=bool(n % 2), method="email"
        )
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_segments_are_defined_evaluated_and_members_told(client, manager, yore, make_customer):
    make_customer(name="Small one", annual_value=10)
    client.force_login(manager)
    response = client.post(
        reverse("customers:segment-new"),
        {
            "name": "Key accounts",
            "description": "Customers whose business keeps us running.",
            "position": 10,
            "is_active": "on",
            "condition-TOTAL_FORMS": 2,
            "condition-INITIAL_FORMS": 0,
            "condition-0-attribute": "annual_value",
            "condition-0-operator": "gte",
            "condition-0-value": "250000",
            "condition-1-attribute": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    segment_url = response.headers["Location"]
    pk = int(segment_url.rstrip("/").split("/")[-1])
    client.post(reverse("customers:segment-evaluate", args=[pk]))
    page = client.get(segment_url).content.decode()
    assert "Annual" not in page and "Value a year at least $250,000.00" in page
    assert "Yore Mine Co." in page and "Small one" not in page

    asked = client.post(reverse("customers:segment-inform", args=[pk]))
    assert "1 email is sent now" in asked.content.decode()
    assert not yore.segment_notices.exists()  # nothing until confirmed
    client.post(reverse("customers:segment-inform", args=[pk]), {"confirmed": "1"})
    notice = yore.segment_notices.get()
    assert notice.channel == "email" and notice.status == "queued"


def test_a_bad_segment_rule_is_explained_not_saved(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("customers:segment-new"),
        {
            "name": "Broken",
            "position": 10,
            "condition-TOTAL_FORMS": 1,
            "condition-INITIAL_FORMS": 0,
            "condition-0-attribute": "balance",
            "condition-0-operator": "gte",
            "condition-0-value": "lots",
        },
    )
    assert response.status_code == 200
    assert "is not an amount" in response.content.decode()


def test_a_new_person_is_added_with_a_generated_reference(client, officer, types):
    client.force_login(officer)
    response = client.post(
        reverse("customers:new"),
        {
            "kind": "person",
            "customer_type": types["public"].pk,
            "given_name": "Margaret",
            "family_name": "Chen",
            "phone": "0431 555 505",
            "preferred_channel": "telephone",
            "customer_since": "2026-11-02",
        },
    )
    assert response.status_code == 302
    customer = Customer.objects.get(family_name="Chen")
    assert customer.name == "Margaret Chen" and customer.reference.startswith("C-")
    assert customer.phone == "+61431555505"


def test_an_access_request_downloads_a_zip_for_managers_only(client, officer, manager, yore):
    import io
    import zipfile

    url = reverse("customers:access-request", args=[yore.pk])
    client.force_login(officer)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "customer-IW-0001.json" in names and "contacts.csv" in names
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS, object_pk=str(yore.pk), actor=manager
    ).exists()


def test_a_group_of_customers_is_given_to_one_account_manager(
    client, manager, make_user, make_customer, types, officer
):
    alex = make_user(RoleCode.ACCOUNT_MANAGER, username="alex")
    miners = [make_customer(name=f"Mine {n}", customer_type=types["mining"]) for n in range(3)]
    other = make_customer(name="Corner shop", customer_type=types["small"])
    client.force_login(officer)
    url = reverse("customers:assign")
    form = {
        "type": types["mining"].pk,
        "assign-manager": alex.pk,
        "assign-reason": "Mining portfolio",
    }
    assert client.post(url, form).status_code == 403
    client.force_login(manager)
    asked = client.post(url, form)
    assert asked.status_code == 200 and "Give 3 customers to" in asked.content.decode()
    assert not alex.managed_customers.exists()  # nothing until confirmed
    response = client.post(url, {**form, "confirmed": "1"})
    assert response.status_code == 302
    assert set(alex.managed_customers.all()) == set(miners)
    other.refresh_from_db()
    assert other.account_manager is None
    assert all(m.manager_assignments.get().reason == "Mining portfolio" for m in miners)


def test_managers_edit_customer_types_and_officers_only_read_them(client, officer, manager, types):
    client.force_login(officer)
    page = client.get(reverse("customers:types")).content.decode()
    assert "Mining equipment supplier" in page and "New type" not in page
    assert client.post(reverse("customers:type-new"), {"name": "Farm"}).status_code == 403
    client.force_login(manager)
    response = client.post(
        reverse("customers:type-new"), {"name": "Farm supplier", "is_active": "on"}
    )
    assert response.status_code == 302
    duplicate = client.post(reverse("customers:type-new"), {"name": "farm supplier"})
    assert "already a customer type called" in duplicate.content.decode()


def test_an_offer_is_taken_up_on_the_customer_page(client, officer, manager, yore, offerings):
    holding = services.holding_add(
        actor=manager, customer=yore, offering=offerings["insurance"], status="offered"
    )
    client.force_login(officer)
    url = reverse("customers:holding-end", args=[yore.pk, holding.pk])
    client.post(url, {"status": "held"})
    holding.refresh_from_db()
    assert holding.status == "held" and holding.ended_on is None
    response = client.post(url, {"status": "stolen"}, follow=True)
    assert "taken up, declined or closed" in response.content.decode()


def test_an_address_with_a_bad_postcode_is_explained_not_saved(client, officer, yore):
    client.force_login(officer)
    url = reverse("customers:address-new", args=[yore.pk])
    form = {"kind": "street", "line1": "1 Hay St", "locality": "Perth", "state": "WA"}
    response = client.post(url, {**form, "postcode": "60"})
    assert "is not an Australian postcode" in response.content.decode()
    assert not yore.addresses.exists()
    assert client.post(url, {**form, "postcode": "6000"}).status_code == 302
    assert yore.addresses.get().postcode == "6000"
