"""The demo organisations' customers.

Innovative Widgets: Yore Mine Co. (the state's largest mining equipment supplier), smaller
Australian businesses, members of the public, and the teams inside the organisation.
Southern Cross Community Bank (``seed_demo --organisation bank``): personal banking customers,
small businesses, a community club, and its own branch, lending and board teams.

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
                (
                    "Kerry Ng",
                    "Purchasing officer",
                    "kerry@pilbaradrill.example",
                    "0412 555 202",
                    True,
                )
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
            "customer_since": today - timedelta(days=400),  # before her warranty's kit
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
            "customer_since": today - timedelta(days=78),  # a new customer
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


BANK_TYPES = [
    (
        "Personal banking",
        False,
        "People with everyday, savings, home loan and card accounts, in branches and online.",
    ),
    (
        "Small business",
        False,
        "Sole traders and small companies: business accounts, loans and payment terminals.",
    ),
    (
        "Community organisation",
        False,
        "Clubs, charities and associations banking with us, often run by volunteers.",
    ),
    ("Branch network", True, "Our branches: need products, procedures and answers quickly."),
    ("Lending operations", True, "Assess and manage loans: need complete applications."),
    ("The board", True, "Needs reports on complaints, outcomes and systemic issues."),
]

BANK_OFFERINGS = [
    ("everyday-account", "Everyday account", "product", "transactions"),
    ("savings", "Savings account", "product", "deposits"),
    ("online-banking", "Online banking", "service", "digital"),
    ("term-deposit", "Term deposit", "product", "deposits"),
    ("home-loan", "Home loan", "product", "lending"),
    ("credit-card", "Credit card", "product", "lending"),
    ("business-account", "Business transaction account", "product", "transactions"),
    ("business-loan", "Business loan", "product", "lending"),
    ("merchant-terminal", "Payment terminal (merchant facility)", "service", "transactions"),
    ("home-insurance", "Home insurance", "product", "insurance"),
]


def _bank_customers(today: date) -> list[dict]:
    return [
        {
            "reference": "SCB-0001",
            "kind": "person",
            "type": "Personal banking",
            "given_name": "Aisha",
            "family_name": "Rahman",
            "email": "aisha.rahman@example.net",
            "phone": "0412 555 211",
            "preferred_channel": "email",
            "customer_since": date(2016, 5, 9),
            "annual_value": D("3400"),
            "balance": D("18250"),
            "last_activity_on": today - timedelta(days=2),
            "surveys": True,
            "address": ("14 Church Street", "Parramatta", "NSW", "2150"),
            "holds": ["everyday-account", "savings", "online-banking", "home-loan"],
        },
        {
            "reference": "SCB-0002",
            "kind": "person",
            "type": "Personal banking",
            "given_name": "Bill",
            "family_name": "Thornton",
            "email": "",
            "phone": "02 6882 4410",
            "preferred_channel": "letter",
            "customer_since": date(1994, 8, 1),
            "annual_value": D("650"),
            "balance": D("312000"),
            "last_activity_on": today - timedelta(days=45),
            "address": ("9 Talbragar Street", "Dubbo", "NSW", "2830"),
            "holds": ["everyday-account", "term-deposit"],
        },
        {
            "reference": "SCB-0003",
            "kind": "person",
            "type": "Personal banking",
            "given_name": "Lena",
            "family_name": "Kowalski",
            "email": "lena.k@example.net",
            "phone": "0423 555 312",
            "preferred_channel": "telephone",
            "customer_since": date(2019, 2, 18),
            "annual_value": D("2900"),
            "balance": D("1240"),
            "last_activity_on": today - timedelta(days=6),
            "address": ("22 Crown Street", "Wollongong", "NSW", "2500"),
            "holds": ["everyday-account", "home-loan", "credit-card"],
        },
        {
            "reference": "SCB-0004",
            "kind": "organisation",
            "type": "Small business",
            "name": "Harbourside Plumbing Pty Ltd",
            "email": "accounts@harbourside-plumbing.example",
            "phone": "02 4926 3300",
            "preferred_channel": "telephone",
            "customer_since": date(2012, 10, 2),
            "annual_value": D("8200"),
            "balance": D("46500"),
            "last_activity_on": today - timedelta(days=1),
            "manager": "alex",
            "manager_reason": "Business banking",
            "contacts": [
                ("Jo Petrakis", "Director", "jo@harbourside-plumbing.example", "0431 555 404", True)
            ],
            "address": ("5 Hunter Street", "Newcastle", "NSW", "2300"),
            "holds": ["business-account", "business-loan", "merchant-terminal", "online-banking"],
        },
        {
            "reference": "SCB-0005",
            "kind": "organisation",
            "type": "Small business",
            "name": "Blue Mountains Bakehouse",
            "email": "hello@bmbakehouse.example",
            "phone": "02 4782 1150",
            "preferred_channel": "video",
            "customer_since": date(2023, 3, 27),
            "annual_value": D("2100"),
            "balance": D("9800"),
            "last_activity_on": today - timedelta(days=12),
            "manager": "alex",
            "manager_reason": "Business banking",
            "contacts": [("Priti Das", "Owner", "priti@bmbakehouse.example", "", True)],
            "address": ("88 Katoomba Street", "Katoomba", "NSW", "2780"),
            "holds": ["business-account", "merchant-terminal"],
        },
        {
            "reference": "SCB-0006",
            "kind": "organisation",
            "type": "Community organisation",
            "name": "Riverina Junior Football Club Inc.",
            "email": "treasurer@riverinajfc.example",
            "phone": "",
            "preferred_channel": "email",
            "customer_since": date(2008, 2, 11),
            "annual_value": D("150"),
            "balance": D("12400"),
            "last_activity_on": today - timedelta(days=390),
            "contacts": [("Greg Moore", "Treasurer", "treasurer@riverinajfc.example", "", True)],
            "address": ("Bolton Park, Fitzmaurice Street", "Wagga Wagga", "NSW", "2650"),
            "holds": ["business-account", "savings"],
        },
        {
            "reference": "SCB-INT-BRANCH",
            "kind": "organisation",
            "type": "Branch network",
            "name": "Branch network",
            "email": "branches@southerncrossbank.example",
            "preferred_channel": "face_to_face",
            "customer_since": date(1988, 7, 1),
            "holds": [],
        },
        {
            "reference": "SCB-INT-LENDING",
            "kind": "organisation",
            "type": "Lending operations",
            "name": "Lending operations",
            "email": "lending@southerncrossbank.example",
            "preferred_channel": "email",
            "customer_since": date(1988, 7, 1),
            "holds": [],
        },
        {
            "reference": "SCB-INT-BOARD",
            "kind": "organisation",
            "type": "The board",
            "name": "The board of Southern Cross Community Bank",
            "email": "board@southerncrossbank.example",
            "preferred_channel": "email",
            "customer_since": date(1988, 7, 1),
            "holds": [],
        },
    ]


BANK_SEGMENTS = [
    (
        "Business banking",
        "Small businesses and community organisations: a named relationship manager.",
        [
            {"attribute": "kind", "operator": "in", "value": ["organisation"]},
            {"attribute": "internal", "operator": "is", "value": False},
        ],
        [],
        10,
    ),
    (
        "Long-standing members",
        "Customers for twenty years or more.",
        [
            {"attribute": "tenure_years", "operator": "gte", "value": 20},
            {"attribute": "internal", "operator": "is", "value": False},
        ],
        [],
        20,
    ),
]


def seed(ctx) -> None:
    if ctx.organisation == "bank":
        _seed(
            ctx,
            type_specs=BANK_TYPES,
            offering_specs=BANK_OFFERINGS,
            customer_specs=_bank_customers(timezone.localdate()),
            segment_specs=BANK_SEGMENTS,
            made_message="Created {made} Southern Cross Community Bank customers.",
        )
    else:
        _seed(
            ctx,
            type_specs=TYPES,
            offering_specs=OFFERINGS,
            customer_specs=_customers(timezone.localdate()),
            segment_specs=SEGMENTS,
            made_message="Created {made} Innovative Widgets customers, including Yore Mine Co.",
        )


def _seed(ctx, *, type_specs, offering_specs, customer_specs, segment_specs, made_message):
    types = {}
    for name, internal, description in type_specs:
        existing = CustomerType.objects.filter(name=name).first()
        types[name] = existing or services.customer_type_save(
            actor=None, name=name, internal=internal, description=description
        )
    offerings = {}
    for code, name, kind, category in offering_specs:
        offerings[code], _ = Offering.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "category": category}
        )

    made = 0
    for spec in customer_specs:
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
                actor=None,
                customers=[customer],
                manager=manager,
                reason=spec.get("manager_reason", "Key account"),
            )
    if made:
        ctx.say(made_message.format(made=made))

    for name, description, conditions, offer_codes, position in segment_specs:
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
