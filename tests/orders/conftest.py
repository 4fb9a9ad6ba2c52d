"""Innovative Widgets' charter (3-business-day delivery), in Victoria, and two widgets."""

from datetime import date
from decimal import Decimal

import pytest

from charter.catalog.models import Product, ProductPrice
from charter.core.models import Organisation
from charter.standards import services as standards_services
from tests.customers.conftest import make_customer, manager, offerings, types  # noqa: F401


@pytest.fixture
def widgets_charter(db, manager):  # noqa: F811
    Organisation.objects.get_or_create(
        name="Innovative Widgets", defaults={"state": "VIC", "time_zone": "Australia/Melbourne"}
    )
    draft = standards_services.charter_version_draft(actor=manager)
    standards_services.promise_save(
        actor=manager, version=draft, event="delivery", target=Decimal(3),
        unit="business_days", wording="We deliver your order within 3 business days.",
        measure="From the order's placed time to delivery.",
    )  # fmt: skip
    return standards_services.charter_version_approve(actor=manager, version=draft)


@pytest.fixture
def widgets(db):
    made = {}
    for size in (6, 7):
        product = Product.objects.create(
            sku=f"widget-{size}mm", name=f"{size} mm widget", family="Mining widget",
            dimensions=f"{size} mm x 40 mm", tolerances="± 0.05 mm", material="Hardened steel",
            warranty_months=12, warranty_terms="Defects in material and workmanship",
        )  # fmt: skip
        ProductPrice.objects.create(
            product=product, price=Decimal("2.50"), effective_from=date(2026, 1, 1)
        )
        made[size] = product
    return made
