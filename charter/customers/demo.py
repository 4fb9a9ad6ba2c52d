"""Innovative Widgets' customers: Yore Mine Co. (the state's largest mining equipment supplier),
smaller Australian businesses, members of the public, and the teams inside the organisation.

``seed_demo --customers N`` adds N synthetic customers on top (for benchmarks).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from charter.accounts.models import User

from . import services
from .models import Customer, CustomerType, Offering, Segment

TYPES = [
    (
        "Mining equipment supplier",
        False,
        "Large Australian suppliers of mining equipment; widgets go into their own products, "
        "so a late or wrong delivery stops their production.",
    ),
    (
        "Australian business",
        False,
        "Smaller manufacturers, workshops and engineering firms across Australia.",
    ),
    ("Member of the public", False, "People who buy widgets for their own use."),
    ("Production", True, "Our production team: needs accurate orders and forecasts from sales."),
    ("Sales", True, "Our sales team: needs stock, lead times and product information."),
    ("The board", True, "Needs monthly reports on service performance and its causes."),
]

OFFERINGS = [
    ("widget-supply", "Widget supply contract", "product", "supply"),
    ("priority-delivery", "Priority delivery", "service", "service"),
    ("extended-warranty", "Extended warranty", "service", "service"),
    ("technical-support", "Technical support plan", "service", "service"),
    ("trade-account", "Trade account (30-day terms)", "product", "transactions"),
]

D = Decimal


def _customers(today: date) -> list[dict]:
    return [
        {
            "reference": "IW-0001",
            "kind": "organisation",
            "type": "Mining equipment supplier",
            "name": "Yore Mine Co.",
            "email": "orders@yoremine.example",
            "phone": "08 9200 1000",
            "preferred_channel": "email",
            "customer_since": date(2011, 3, 1),
            "annual_value": D("1250000"),
            "balance": D("84000"),
            "last_activity_on": today - timedelta(days=8),
            "manager": "alex",
            "contacts": [
                ("Dan Pryor", "Buyer", "dan.pryor@yoremine.example", "0412 555 101", True),
                ("Leo Marsh", "Production manager", "leo.marsh@yoremine.example", "", False),
            ],
            "address": ("Level 4, 100 St Georges Terrace", "Perth", "WA", "6000"),
            "holds": ["widget-supply", "trade-account", "technical-support"],
        },
        {
            "reference": "IW-0002",
            "kind": "organisation",
            "type": "Mining equipment supplier",
            "name": "Pilbara Drill Services",
            "email": "purchasing@pilbaradrill.example",
            "phone": "08 9140 2200",
            "preferred_channel": "telephone",
            "customer_since": date(2017, 8, 14),
            "annual_value": D("310000"),
            "last_activity_on": today - timedelta(days=30),
            "manager": "alex",
            "contacts": [
                ("Kerry Ng", "Purchasing officer", "kerry@pilbaradrill.example", "", True)
            ],
            "address": ("12 Warambie Road", "Karratha", "WA", "6714"),
            "holds": ["widget-supply", "trade-account"],
        },
        {
            "reference": "IW-0003",
            "kind": "organisation",
            "type": "Australian business",
            "name": "Bendigo Bolt & Fastener",
            "email": "office@bendigobolt.example",
            "phone": "03 5441 3300",
            "preferred_channel": "email",
            "customer_since": date(2014, 2, 3),
            "annual_value": D("42000"),
            "last_activity_on": today - timedelta(days=400),
            "contacts": [("Sam Doyle", "Owner", "sam@bendigobolt.example", "0423 555 303", True)],
            "address": ("7 Hargreaves Street", "Bendigo", "VIC", "3550"),
            "holds": ["trade-account"],
        },
        {
            "reference": "IW-0004",
            "kind": "organisation",
            "type": "Australian business",
            "name": "Coastal Conveyors Pty Ltd",
            "email": "hello@coastalconveyors.example",
            "phone": "07 5500 4400",
            "preferred_channel": "video",
            "customer_since": date(2024, 6, 17),
            "annual_value": D("68000"),
            "last_activity_on": today - timedelta(days=20),
            "contacts": [],
            "address": ("3/21 Industry Drive", "Tweed Heads South", "NSW", "2486"),
            "holds": ["widget-supply"],
        },
        {
            "reference": "IW-0005",
            "kind": "person",
            "type": "Member of the public",
            "given_name": "Margaret",
            "family_name": "Chen",
            "email": "margaret.chen@example.net",
            "phone": "0431 555 505",
            "preferred_channel": "telephone",
            "customer_since": date(2025, 11, 2),
            "annual_value": D("180"),
            "last_activity_on": today - timedelta(days=60),
            "surveys": True,
            "address": ("5 Wattle Street", "Geelong", "VIC", "3220"),
            "holds": ["extended-warranty"],
        },
        {
            "reference": "IW-0006",
            "kind": "person",
            "type": "Member of the public",
            "given_name": "Tom",
            "family_name": "Walsh",
            "email": "tom.walsh@example.net",
            "phone": "",
            "preferred_channel": "letter",
            "customer_since": date(2026, 9, 20),
            "annual_value": D("45"),
            "last_activity_on": today - timedelta(days=35),
            "address": ("PO Box 88", "Ballarat", "VIC", "3353"),
            "holds": [],
        },
        {
            "reference": "IW-INT-PROD",
            "kind": "organisation",
            "type": "Production",
            "name": "Production team",
            "email": "production@innovative-widgets.example",
            "preferred_channel": "face_to_face",
            "customer_since": date(2009, 1, 1),
            "holds": [],
        },
        {
            "reference": "IW-INT-SALES",
            "kind": "organisation",
            "type": "Sales",
            "name": "Sales team",
            "email": "sales@innovative-widgets.example",
            "preferred_channel": "email",
            "customer_since": date(2009, 1, 1),
            "holds": [],
        },
        {
            "reference": "IW-INT-BOARD",
            "kind": "organisation",
            "type": "The board",
            "name": "The board of Innovative Widgets",
            "email": "board@innovative-widgets.example",
            "preferred_channel": "email",
            "customer_since": date(2009, 1, 1),
            "holds": [],
        },
    ]


SEGMENTS = [
    (
        "Key accounts",
        "Customers whose business keeps us running: a named account manager, priority "
        "delivery and a direct line.",
        [{"attribute": "annual_value", "operator": "gte", "value": "250000"}],
        ["priority-delivery"],
        10,
    ),
    (
        "Growing businesses",
        "Australian businesses buying regularly: trade terms and a technical support plan.",
        [
            {"attribute": "kind", "operator": "in", "value": ["organisation"]},
            {"attribute": "internal", "operator": "is", "value": False},
            {"attribute": "annual_value", "operator": "gte", "value": "20000"},
            {"attribute": "annual_value", "operator": "lt", "value": "250000"},
        ],
        ["technical-support"],
        20,
    ),
    (
        "Quiet for a year",
        "Customers we have not heard from in a year: worth a call.",
        [
            {"attribute": "days_since_activity", "operator": "gte", "value": 365},
            {"attribute": "internal", "operator": "is", "value": False},
        ],
        [],
        30,
    ),
    (
        "Long-standing",
        "Customers for ten years or more.",
        [
            {"attribute": "tenure_years", "operator": "gte", "value": 10},
            {"attribute": "internal", "operator": "is", "value": False},
        ],
        [],
        40,
    ),
]


def seed(ctx) -> None:
    today = timezone.localdate()
    types = {}
    for name, internal, description in TYPES:
        existing = CustomerType.objects.filter(name=name).first()
        types[name] = existing or services.customer_type_save(
            actor=None, name=name, internal=internal, description=description
        )
    offerings = {}
    for code, name, kind, category in OFFERINGS:
        offerings[code], _ = Offering.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "category": category}
        )

    made = 0
    for spec in _customers(today):
        if Customer.objects.filter(reference=spec["reference"]).exists():
            continue
        made += 1
        customer = services.customer_create(
            actor=None,
            customer_type=types[spec["type"]],
            kind=spec["kind"],
            reference=spec["reference"],
            name=spec.get("name", ""),
            given_name=spec.get("given_name", ""),
            family_name=spec.get("family_name", ""),
            email=spec.get("email", ""),
            phone=spec.get("phone", ""),
            preferred_channel=spec["preferred_channel"],
            customer_since=spec["customer_since"],
            annual_value=spec.get("annual_value", 0),
            balance=spec.get("balance", 0),
            last_activity_on=spec.get("last_activity_on"),
            consent_surveys=spec.get("surveys", spec["kind"] == "organisation"),
            consent_method="web_form",
        )
        for name, title, email, phone, primary in spec.get("contacts", []):
            services.contact_save(
                actor=None,
                customer=customer,
                name=name,
                job_title=title,
                email=email,
                phone=phone,
                is_primary=primary,
            )
        if spec.get("address"):
            line1, locality, state, postcode = spec["address"]
            services.address_save(
                actor=None,
                customer=customer,
                kind="street",
                line1=line1,
                locality=locality,
                state=state,
                postcode=postcode,
            )
        for code in spec.get("holds", []):
            services.holding_add(actor=None, customer=customer, offering=offerings[code])
        manager = User.objects.filter(username=spec.get("manager", "")).first()
        if manager:
            services.account_manager_assign(
                actor=None, customers=[customer], manager=manager, reason="Key account"
            )
    if made:
        ctx.say(f"Created {made} Innovative Widgets customers, including Yore Mine Co.")

    for name, description, conditions, offer_codes, position in SEGMENTS:
        if Segment.objects.filter(name=name).exists():
            continue
        segment = services.segment_save(
            actor=None,
            name=name,
            description=description,
            conditions=conditions,
            offerings=[offerings[c] for c in offer_codes],
            position=position,
        )
        services.segment_evaluate(segment=segment)

    synthetic = (ctx.options or {}).get("customers") or 0
    if synthetic:
        from .synthetic import make_customers

        def progress(done, total):
            if done == total or done % 20000 == 0:
                ctx.say(f"  {done:,} / {total:,} synthetic customers")

        made = make_customers(n=synthetic, seed=1, progress=progress)
        ctx.say(f"Created {made:,} synthetic customers.")
