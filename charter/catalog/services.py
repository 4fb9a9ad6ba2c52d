"""Every write to the catalogue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from charter.core.errors import DomainError
from charter.core.guards import require

from .models import Product, ProductPrice

PRODUCT_FIELDS = (
    "sku", "name", "family", "description", "safety_requirements", "dimensions", "tolerances",
    "material", "delivery_terms", "warranty_months", "warranty_terms", "unit", "is_active",
)  # fmt: skip


@transaction.atomic
def product_save(*, actor, product: Product | None = None, **fields) -> Product:
    """Add a product or change its standards."""
    require(
        actor,
        "catalog.change_product" if product else "catalog.add_product",
        "change the catalogue",
    )
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise DomainError(f"These cannot be set on a product: {', '.join(sorted(unknown))}.")
    product = product or Product()
    for name, value in fields.items():
        setattr(product, name, value.strip() if isinstance(value, str) else value)
    if not product.sku:
        raise DomainError("Give the product a code.", field="sku")
    if not product.name:
        raise DomainError("Give the product a name.", field="name")
    clash = Product.objects.filter(sku=product.sku).exclude(pk=product.pk)
    if clash.exists():
        raise DomainError(f"Another product already has the code {product.sku}.", field="sku")
    product.save()
    return product


@transaction.atomic
def price_set(
    *, actor, product: Product, price: Decimal, effective_from: date, currency: str = "AUD",
    note: str = "",
) -> ProductPrice:  # fmt: skip
    """Dated price change: the list keeps every earlier price."""
    require(actor, "catalog.add_productprice", "change prices")
    if price is None or price < 0:
        raise DomainError("A price cannot be negative.", field="price")
    entry, _created = ProductPrice.objects.update_or_create(
        product=product,
        effective_from=effective_from,
        defaults={"price": price, "currency": currency, "note": note},
    )
    return entry
