"""Products and the standards each must meet: safety, dimensions, tolerances, material,
delivery terms, warranty, and a dated price list."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Product(models.Model):
    """Something we sell. Variants that differ by a dimension are distinct products (the 6 mm
    and the 7 mm widget), grouped by ``family``."""

    sku = models.SlugField(max_length=40, unique=True, verbose_name="product code")
    name = models.CharField(max_length=160)
    family = models.CharField(
        max_length=120, blank=True, help_text="Variants share a family, e.g. Mining widget."
    )
    description = models.TextField(blank=True)
    safety_requirements = models.TextField(
        blank=True, help_text="The minimum safety requirements it meets (one per line)."
    )
    dimensions = models.CharField(max_length=200, blank=True, help_text="e.g. 7 mm x 40 mm")
    tolerances = models.CharField(max_length=200, blank=True, help_text="e.g. ± 0.05 mm")
    material = models.CharField(max_length=200, blank=True)
    delivery_terms = models.CharField(
        max_length=255, blank=True, help_text="How and where it is delivered, and minimums."
    )
    warranty_months = models.PositiveSmallIntegerField(
        default=0, help_text="How long the manufacturer's warranty runs from purchase (0: none)."
    )
    warranty_terms = models.TextField(
        blank=True, help_text="What the warranty covers and excludes (one line each)."
    )
    unit = models.CharField(max_length=20, default="each")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["family", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def safety_lines(self) -> list[str]:
        return [line.strip() for line in self.safety_requirements.splitlines() if line.strip()]


class ProductPrice(models.Model):
    """A price from a date: the price list keeps its history, so an order's price can be
    checked against the list on the day it was placed."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="AUD")
    effective_from = models.DateField(default=timezone.localdate)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["product", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "effective_from"], name="one_price_per_product_per_day"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.price} {self.currency} from {self.effective_from}"
