"""Reads of the catalogue."""

from __future__ import annotations

from datetime import date

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from .models import Product, ProductPrice


def price_on(product: Product, day: date) -> ProductPrice | None:
    """The list price in force on ``day``: the latest dated on or before it."""
    return product.prices.filter(effective_from__lte=day).order_by("-effective_from").first()


def products(*, active_only: bool = True):
    """Products with today's list price annotated (``current_price``), in one query; a price
    dated in the future is not current yet."""
    current = ProductPrice.objects.filter(
        product=OuterRef("pk"), effective_from__lte=timezone.localdate()
    ).order_by("-effective_from")
    found = Product.objects.annotate(
        current_price=Subquery(current.values("price")[:1]),
        current_currency=Subquery(current.values("currency")[:1]),
    )
    return found.filter(is_active=True) if active_only else found
