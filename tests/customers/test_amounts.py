"""A customer's value a year and balance are never negative: the form, the import and the API
each refuse one with a sentence (never a constraint's name, never a 500)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from charter.accounts.models import RoleCode
from charter.core.errors import DomainError
from charter.customers import imports, services
from charter.customers.models import Customer

CONSTRAINT_NAMES = ("customer_balance_not_negative", "customer_annual_value_not_negative")


@pytest.fixture
def officer(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER, username="mary")


def _says_it_plainly(text: str, words: str) -> None:
    assert words in text
    for name in CONSTRAINT_NAMES:
        assert name not in text


def test_the_form_refuses_a_negative_balance_with_a_sentence(client, officer, types):
    client.force_login(officer)
    form = {
        "kind": "organisation",
        "customer_type": types["small"].pk,
        "reference": "IW-0100",
        "name": "Negative Pty Ltd",
        "preferred_channel": "email",
        "customer_since": "2020-01-01",
        "annual_value": "-1",
        "balance": "-250.00",
    }
    response = client.post(reverse("customers:new"), form)
    assert response.status_code == 200
    body = response.content.decode()
    _says_it_plainly(body, "The balance cannot be negative: enter 0 or more.")
    _says_it_plainly(body, "The value a year cannot be negative: enter 0 or more.")
    assert not Customer.objects.filter(reference="IW-0100").exists()


def test_the_service_refuses_a_negative_amount_whoever_calls_it(manager, make_customer):
    customer = make_customer(reference="IW-0101", balance="10")
    with pytest.raises(DomainError, match="Balance cannot be negative") as refused:
        services.customer_update(actor=manager, customer=customer, balance="-0.01")
    assert refused.value.field == "balance"
    with pytest.raises(DomainError, match="Value a year cannot be negative"):
        make_customer(reference="IW-0102", annual_value="-5")


def test_the_import_reports_a_negative_balance_on_its_line_and_keeps_the_good_rows(types):
    content = (
        b"reference,type,name,annual_value,balance\n"
        b"IW-0200,small,Good Pty Ltd,100,5\n"
        b"IW-0201,small,Owing Pty Ltd,100,-12.30\n"
        b'IW-0202,small,Odd Pty Ltd,"-$1,200.00",0\n'
    )
    job = imports.customer_import_create(
        actor=None, file_name="customers.csv", content=content, queue=False
    )
    job = imports.customer_import_run(import_id=job.pk)
    reasons = {row["line"]: row["reason"] for row in job.bad_rows}
    assert job.created_count == 1
    assert set(reasons) == {3, 4}
    _says_it_plainly(reasons[3], "Balance cannot be negative ('-12.30'): enter 0 or more.")
    assert "Value a year" in reasons[4] and "negative" in reasons[4]
    assert list(Customer.objects.values_list("reference", flat=True)) == ["IW-0200"]


def test_the_api_refuses_a_negative_balance_with_a_sentence(officer, make_customer, types):
    client = APIClient()
    client.force_login(officer)
    new = {"kind": "organisation", "customer_type": "small", "name": "Api Pty Ltd"}
    created = client.post("/api/v1/customers/", {**new, "balance": "-1.00"}, format="json")
    assert created.status_code == 400
    _says_it_plainly(str(created.json()), "The balance cannot be negative: enter 0 or more.")

    customer = make_customer(reference="IW-0300")
    url = f"/api/v1/customers/{customer.pk}/"
    changed = client.patch(url, {"annual_value": "-100"}, format="json")
    assert changed.status_code == 400
    _says_it_plainly(str(changed.json()), "The value a year cannot be negative")
    customer.refresh_from_db()
    assert customer.annual_value == 0
