"""Synthetic customers: valid, unique, findable, repeatable."""

from collections import Counter

import pytest

from charter.accounts.models import RoleCode
from charter.customers import rules, selectors, synthetic
from charter.customers.models import (
    AccountManagerAssignment,
    ConsentRecord,
    Contact,
    Customer,
    CustomerKind,
    CustomerType,
    Holding,
    HoldingStatus,
    Offering,
    SearchTerm,
)

N = 300


@pytest.fixture
def officer(make_user):
    return make_user(RoleCode.CUSTOMER_SERVICE_OFFICER)


@pytest.fixture
def account_managers(make_user):
    return [make_user(RoleCode.ACCOUNT_MANAGER) for _ in range(3)]


@pytest.fixture
def made(db, account_managers):
    return synthetic.make_customers(n=N, seed=7)


def test_it_makes_the_customers_asked_for_with_what_goes_with_them(made, account_managers):
    assert made == N
    assert Customer.objects.count() == N
    kinds = Counter(Customer.objects.values_list("kind", flat=True))
    assert kinds[CustomerKind.PERSON] > kinds[CustomerKind.ORGANISATION] > 0
    # With no types or products in the database, the standard ones were created.
    assert CustomerType.objects.filter(internal=True).exists()
    assert Offering.objects.count() == len(synthetic.STANDARD_OFFERINGS)
    per_customer = Counter(Holding.objects.values_list("customer_id", flat=True))
    assert max(per_customer.values()) <= 5
    assert Holding.objects.filter(status=HoldingStatus.HELD).count() > N
    assert Contact.objects.exclude(customer__kind=CustomerKind.ORGANISATION).count() == 0
    assert Contact.objects.exists()
    managed = Customer.objects.filter(account_manager__isnull=False)
    assert 0.15 * N < managed.count() < 0.45 * N
    assert set(managed.values_list("account_manager", flat=True)) <= {
        u.pk for u in account_managers
    }
    current = AccountManagerAssignment.objects.filter(ended_at__isnull=True)
    assert set(current.values_list("customer_id", "manager_id")) == set(
        managed.values_list("pk", "account_manager_id")
    )
    # Everyone with service consent has it in the ledger.
    assert ConsentRecord.objects.filter(purpose="service", given=True).count() == N
    assert Customer.objects.filter(last_activity_on__isnull=True).exists()
    assert SearchTerm.objects.values("customer_id").distinct().count() == N


def test_every_phone_is_valid_e164(made):
    phones = [
        *Customer.objects.exclude(phone="").values_list("phone", flat=True),
        *Contact.objects.exclude(phone="").values_list("phone", flat=True),
    ]
    assert len(phones) > N / 2
    for phone in phones:
        assert phone.startswith("+61")
        assert rules.normalise_phone(phone) == phone
    assert any(phone.startswith("+614") for phone in phones)


def test_references_are_unique_and_a_second_run_continues_after_them(made):
    first = set(Customer.objects.values_list("reference", flat=True))
    assert len(first) == N
    assert min(first) == "S-0000001" and max(first) == f"S-{N:07d}"

    assert synthetic.make_customers(n=50, seed=7) == 50
    references = list(Customer.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == N + 50
    assert max(references) == f"S-{N + 50:07d}"
    # Not the same people again.
    names = Customer.objects.filter(reference__gt=f"S-{N:07d}").values_list("name", flat=True)
    assert list(names) != list(
        Customer.objects.filter(reference__lte="S-0000050")
        .order_by("reference")
        .values_list("name", flat=True)
    )


def test_the_same_seed_on_an_empty_database_makes_the_same_customers(db):
    synthetic.make_customers(n=40, seed=3)
    first = list(Customer.objects.order_by("reference").values_list("name", "phone", "balance"))
    Customer.objects.all().delete()
    synthetic.make_customers(n=40, seed=3)
    again = list(Customer.objects.order_by("reference").values_list("name", "phone", "balance"))
    assert again == first


def test_search_finds_a_generated_customer_by_family_name_and_by_phone(made, officer):
    person = (
        Customer.objects.filter(kind=CustomerKind.PERSON)
        .exclude(phone="")
        .order_by("reference")
        .first()
    )
    found = selectors.customer_search(officer, person.family_name, limit=N)
    assert person in found

    national = "0" + person.phone.removeprefix("+61")
    spaced = f"{national[:4]} {national[4:7]} {national[7:]}"
    assert selectors.customer_search(officer, spaced) == [person]
    assert selectors.customer_search(officer, f"+61 {national[1:]}") == [person]
    assert selectors.customer_search(officer, person.reference) == [person]


def test_seed_demo_makes_synthetic_customers_on_request(db, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("seed_demo", customers=25, verbosity=0)
    synthetic_customers = Customer.objects.filter(reference__startswith="S-")
    assert synthetic_customers.count() == 25
    # The demo's own types and products are used: no standard ones were added.
    assert not CustomerType.objects.filter(slug="small-business").exists()
    assert not Offering.objects.filter(code="home-loan").exists()
