"""Innovative Widgets' catalogue: the widgets Yore Mine Co. and the other demo customers buy,
with the standards each must meet and a dated price list.

The 6 mm, 7 mm and 8 mm mining widgets are variants of one family (the 6 mm ones are what
arrived instead of Yore Mine's 7 mm order), beside a heavy-duty widget and two mounting kits.
Prices start well before the demo's orders, and the mining widgets went up once, on the first
day of the month before last: orders placed either side of that date carry different prices.
The bank (``seed_demo --organisation bank``) sells no goods, so it has no catalogue.

Running it twice changes nothing: products are found by their code, and a product's prices
are set only when it has none.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from . import services
from .models import Product

D = Decimal

WIDGET_SAFETY = "\n".join(
    [
        "Proof-load tested in every batch to 1.5 times the rated working load.",
        "Deburred: no sharp edges or burrs that could cut a fitter's hands.",
        "Each carton carries the batch number, rated load and a handling warning.",
        "Supplied with a safety data sheet for the plating.",
    ]
)
WIDGET_WARRANTY = "\n".join(
    [
        "Covers defects in material and manufacture when fitted and loaded as specified.",
        "Excludes wear, corrosion from unprotected storage, and loads above the rating.",
        "Remedy: replacement of the faulty widgets, or a refund of their price.",
    ]
)
KIT_WARRANTY = "\n".join(
    [
        "Covers defects in the brackets and fasteners for normal use.",
        "Excludes damage in fitting and parts of other makes.",
    ]
)
BULK_DELIVERY = (
    "Cartons of 500 on pallets; minimum order 500; delivered anywhere in Australia within "
    "3 business days by our fleet or our distribution partner."
)
PARCEL_DELIVERY = "Single kits by parcel post; delivered within 3 business days."

# sku, fields, first price, price after the change (None: unchanged)
PRODUCTS = [
    (
        "mw-6",
        {
            "name": "Mining widget 6 mm",
            "family": "Mining widget",
            "description": "General-purpose widget for conveyor and screen assemblies.",
            "safety_requirements": WIDGET_SAFETY,
            "dimensions": "6 mm diameter x 40 mm",
            "tolerances": "± 0.05 mm on diameter, ± 0.2 mm on length",
            "material": "High-tensile steel, zinc plated",
            "delivery_terms": BULK_DELIVERY,
            "warranty_months": 12,
            "warranty_terms": WIDGET_WARRANTY,
        },
        D("1.60"),
        D("1.72"),
    ),
    (
        "mw-7",
        {
            "name": "Mining widget 7 mm",
            "family": "Mining widget",
            "description": "The mining equipment standard: drill rigs, crushers and conveyors.",
            "safety_requirements": WIDGET_SAFETY,
            "dimensions": "7 mm diameter x 45 mm",
            "tolerances": "± 0.05 mm on diameter, ± 0.2 mm on length",
            "material": "High-tensile steel, zinc plated",
            "delivery_terms": BULK_DELIVERY,
            "warranty_months": 12,
            "warranty_terms": WIDGET_WARRANTY,
        },
        D("1.85"),
        D("1.98"),
    ),
    (
        "mw-8",
        {
            "name": "Mining widget 8 mm",
            "family": "Mining widget",
            "description": "For heavier frames and vibrating screens.",
            "safety_requirements": WIDGET_SAFETY,
            "dimensions": "8 mm diameter x 50 mm",
            "tolerances": "± 0.05 mm on diameter, ± 0.2 mm on length",
            "material": "High-tensile steel, zinc plated",
            "delivery_terms": BULK_DELIVERY,
            "warranty_months": 12,
            "warranty_terms": WIDGET_WARRANTY,
        },
        D("2.10"),
        D("2.25"),
    ),
    (
        "hd-10",
        {
            "name": "Heavy-duty widget 10 mm",
            "family": "Heavy-duty widget",
            "description": "For shock loads: haul truck bodies, crusher mounts and draglines.",
            "safety_requirements": WIDGET_SAFETY
            + "\nImpact tested at -20 °C; certificate of conformance with each batch.",
            "dimensions": "10 mm diameter x 60 mm",
            "tolerances": "± 0.03 mm on diameter, ± 0.1 mm on length",
            "material": "Quenched and tempered alloy steel, hot-dip galvanised",
            "delivery_terms": BULK_DELIVERY.replace("500", "200"),
            "warranty_months": 24,
            "warranty_terms": WIDGET_WARRANTY,
        },
        D("6.40"),
        None,
    ),
    (
        "mk-std",
        {
            "name": "Widget mounting kit",
            "family": "Mounting kit",
            "description": "Brackets, washers and a fitting guide for 6 to 8 mm widgets.",
            "safety_requirements": "Fitting guide includes the torque for each widget size.\n"
            "No sharp edges on brackets.",
            "dimensions": "Brackets 60 mm x 40 mm x 3 mm",
            "tolerances": "± 0.5 mm on hole centres",
            "material": "Galvanised mild steel brackets; stainless washers",
            "delivery_terms": PARCEL_DELIVERY,
            "warranty_months": 12,
            "warranty_terms": KIT_WARRANTY,
            "unit": "kit",
        },
        D("24.50"),
        None,
    ),
    (
        "mk-hd",
        {
            "name": "Heavy-duty mounting kit",
            "family": "Mounting kit",
            "description": "Brackets and lock nuts for heavy-duty widgets.",
            "safety_requirements": "Lock nuts hold under vibration (tested on a shaker table).\n"
            "Fitting guide includes the torque and the inspection interval.",
            "dimensions": "Brackets 90 mm x 60 mm x 5 mm",
            "tolerances": "± 0.3 mm on hole centres",
            "material": "Hot-dip galvanised steel brackets; nylon-insert lock nuts",
            "delivery_terms": PARCEL_DELIVERY,
            "warranty_months": 24,
            "warranty_terms": KIT_WARRANTY,
            "unit": "kit",
        },
        D("58.00"),
        None,
    ),
]

PRICE_CHANGE_NOTE = "Steel price rise passed on to mining widgets"


def price_dates(today: date) -> tuple[date, date]:
    """When the list starts (two years back, on the first of a month) and when the mining
    widgets' price went up (the first day of the month before last)."""
    return _first_of_month(today, -24), _first_of_month(today, -2)


def _first_of_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def seed(ctx) -> None:
    if ctx.organisation != "widgets":
        return  # the bank sells no goods
    start, change = price_dates(timezone.localdate())
    made = 0
    products = {}
    for sku, fields, price, later in PRODUCTS:
        product = Product.objects.filter(sku=sku).first()
        if product is None:
            product = services.product_save(actor=None, sku=sku, **fields)
            made += 1
        products[sku] = product
        if product.prices.exists():
            continue
        services.price_set(actor=None, product=product, price=price, effective_from=start,
                           note="List price")  # fmt: skip
        if later is not None:
            services.price_set(actor=None, product=product, price=later, effective_from=change,
                               note=PRICE_CHANGE_NOTE)  # fmt: skip
    ctx.created["products"] = products
    if made:
        ctx.say(f"Created {made} products with their standards and prices.")
