"""Database constraints speak to people in sentences: never their names, never a 500."""

from datetime import date

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import CheckConstraint, UniqueConstraint
from rest_framework.test import APIClient

from charter.catalog.models import Product, ProductPrice
from charter.core.constraints import constraint_sentence, integrity_sentence
from charter.customers.models import Customer, CustomerType


def _our_constraints():
    for model in apps.get_models():
        if model.__module__.startswith("charter."):
            for constraint in model._meta.constraints:
                if isinstance(constraint, CheckConstraint | UniqueConstraint):
                    yield model, constraint


def test_every_constraint_of_ours_has_a_sentence_without_its_name():
    found = list(_our_constraints())
    assert len(found) > 30
    for _model, constraint in found:
        sentence = constraint_sentence(constraint.name)
        assert sentence, constraint.name
        assert constraint.name not in sentence
        assert "constraint" not in sentence.lower(), sentence
        assert sentence.endswith("."), sentence
        assert sentence[0].isupper(), sentence


def _violation(write) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        write()
    return caught.value


@pytest.fixture
def widget(db):
    return Product.objects.create(sku="widget-7mm", name="Mining widget 7 mm")


def test_a_broken_check_or_unique_constraint_reads_as_its_sentence(widget):
    check = _violation(lambda: ProductPrice.objects.create(product=widget, price=-1))
    assert integrity_sentence(check) == ("23514", "A price cannot be negative.")

    ProductPrice.objects.create(product=widget, price=1, effective_from=date(2025, 1, 1))
    unique = _violation(
        lambda: ProductPrice.objects.create(
            product=widget, price=2, effective_from=date(2025, 1, 1)
        )
    )
    assert integrity_sentence(unique) == (
        "23505",
        "This product already has a price from that day.",
    )

    # A unique field (unique=True) says which value is taken.
    duplicate = _violation(lambda: Product.objects.create(sku="widget-7mm", name="Again"))
    assert integrity_sentence(duplicate)[1] == "There is already a product with this product code."


def test_references_that_differ_only_in_case_are_refused_by_the_database_too(db):
    kind = CustomerType.objects.create(name="Mining", slug="mining")
    Customer.objects.create(
        reference="IW-0001", name="Yore Mine", kind="organisation", customer_type=kind
    )
    clash = _violation(
        lambda: Customer.objects.create(
            reference="iw-0001", name="Yore Again", kind="organisation", customer_type=kind
        )
    )
    code, sentence = integrity_sentence(clash)
    assert code == "23505"
    assert sentence.startswith("Another customer already has this reference")


@pytest.mark.urls("tests.core.constraint_urls")
@pytest.mark.parametrize(
    ("kind", "status", "sentence"),
    [
        ("check", 400, "A price cannot be negative."),
        ("unique", 409, "This product already has a price from that day."),
    ],
)
def test_a_page_or_api_write_that_breaks_a_constraint_answers_with_its_sentence(
    client, admin_user, widget, kind, status, sentence
):
    client.force_login(admin_user)
    page = client.get(f"/test/page/{kind}/", HTTP_REFERER="http://testserver/customers/")
    assert page.status_code == status
    body = page.content.decode()
    assert sentence in body and "Nothing was changed" in body
    assert 'href="http://testserver/customers/"' in body
    assert "price_not_negative" not in body and "one_price_per_product_per_day" not in body

    api = APIClient()
    api.force_login(admin_user)
    response = api.post(f"/test/api/{kind}/", {}, format="json")
    assert response.status_code == status
    assert response.json() == {"detail": sentence}
    assert not ProductPrice.objects.filter(price__in=[-1, 2]).exists()
