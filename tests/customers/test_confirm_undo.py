"""One-click changes on a customer's page: a product declined can be undone for a few minutes;
removing a contact or an address asks first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from charter.accounts.models import RoleCode
from charter.customers import services


@pytest.fixture
def officer(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")


@pytest.fixture
def offered(make_customer, manager, offerings):
    customer = make_customer(name="Yore Mine Co.")
    holding = services.holding_add(
        actor=manager, customer=customer, offering=offerings["insurance"], status="offered"
    )
    return customer, holding


def _decline(client, customer, holding):
    url = reverse("customers:holding-end", args=[customer.pk, holding.pk])
    return client.post(url, {"status": "declined"}, follow=True)


def _undo_token(page: str) -> str:
    return page.split('name="undo" value="')[1].split('"')[0]


def test_a_declined_product_can_be_undone_by_who_declined_it(client, officer, offered):
    customer, holding = offered
    client.force_login(officer)
    page = _decline(client, customer, holding).content.decode()
    holding.refresh_from_db()
    assert holding.status == "declined" and holding.ended_on
    assert "Home insurance: declined." in page and ">Undo</button>" in page

    undo = reverse("customers:holding-undo", args=[customer.pk, holding.pk])
    response = client.post(undo, {"undo": _undo_token(page)}, follow=True)
    assert "Undone: Home insurance is offered again." in response.content.decode()
    holding.refresh_from_db()
    assert holding.status == "offered" and holding.ended_on is None
    # Once only.
    again = client.post(undo, {"undo": _undo_token(page)}, follow=True).content.decode()
    assert "nothing of yours to undo" in again


def test_a_forged_undo_token_is_refused_in_words(client, officer, offered):
    customer, holding = offered
    client.force_login(officer)
    _decline(client, customer, holding)
    undo = reverse("customers:holding-undo", args=[customer.pk, holding.pk])
    for forged in ("é" * 20, "x" * 5000, ""):
        page = client.post(undo, {"undo": forged}, follow=True)
        assert page.status_code == 200
        assert "nothing of yours to undo" in page.content.decode()
    holding.refresh_from_db()
    assert holding.status == "declined"


def test_undo_is_refused_to_another_user_and_after_a_few_minutes(
    client, officer, make_user, offered
):
    customer, holding = offered
    client.force_login(officer)
    token = _undo_token(_decline(client, customer, holding).content.decode())
    undo = reverse("customers:holding-undo", args=[customer.pk, holding.pk])

    client.force_login(make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="taya"))
    refused = client.post(undo, {"undo": token}, follow=True).content.decode()
    assert "nothing of yours to undo" in refused
    holding.refresh_from_db()
    assert holding.status == "declined"

    client.force_login(officer)  # a fresh session: her offer went with the old one
    token = _undo_token(_decline_again(client, customer, holding, manager_status="offered"))
    with freeze_time(timezone.now() + timedelta(minutes=6)):
        assert (
            ">Undo</button>"
            not in client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
        )
        late = client.post(undo, {"undo": token}, follow=True).content.decode()
    assert "too late to undo" in late
    holding.refresh_from_db()
    assert holding.status == "declined"


def _decline_again(client, customer, holding, manager_status):
    holding.status = manager_status
    holding.ended_on = None
    holding.save()
    return _decline(client, customer, holding).content.decode()


def test_undo_needs_the_same_permission_as_declining(client, make_user, offered):
    customer, holding = offered
    auditor = make_user(RoleCode.AUDITOR, username="audrey")
    client.force_login(auditor)
    undo = reverse("customers:holding-undo", args=[customer.pk, holding.pk])
    assert client.post(undo, {"undo": "x"}).status_code == 403


def test_undo_refuses_when_the_product_changed_since(client, officer, manager, offered):
    customer, holding = offered
    client.force_login(officer)
    token = _undo_token(_decline(client, customer, holding).content.decode())
    services.holding_add(
        actor=manager, customer=customer, offering=holding.offering, status="held"
    )  # taken up again in the meantime: a new holding; the declined one stays declined
    holding.status = "closed"
    holding.save()
    undo = reverse("customers:holding-undo", args=[customer.pk, holding.pk])
    page = client.post(undo, {"undo": token}, follow=True).content.decode()
    assert "has changed since (Closed): nothing was undone" in page


def test_removing_a_contact_or_an_address_asks_first(client, officer, manager, make_customer):
    customer = make_customer(name="Yore Mine Co.")
    contact = services.contact_save(actor=manager, customer=customer, name="Dan Pryor")
    address = services.address_save(
        actor=manager,
        customer=customer,
        kind="street",
        line1="1 Hay St",
        locality="Perth",
        state="WA",
        postcode="6000",
    )
    client.force_login(officer)
    url = reverse("customers:contact-remove", args=[customer.pk, contact.pk])
    asked = client.post(url).content.decode()
    assert "Remove Dan Pryor from Yore Mine Co." in asked and "Remove the contact" in asked
    assert customer.contacts.exists()
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert not customer.contacts.exists()

    url = reverse("customers:address-remove", args=[customer.pk, address.pk])
    asked = client.post(url).content.decode()
    assert "1 Hay St, Perth 6000 is removed" in asked and customer.addresses.exists()
    client.post(url, {"confirmed": "1"})
    assert not customer.addresses.exists()
