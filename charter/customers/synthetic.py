"""Realistic synthetic customers in volume, for benchmarks and a full-looking demo.

``make_customers(n=100_000)`` writes people and organisations with Australian names, mobile and
landline numbers that pass ``rules.normalise_phone``, skewed money figures, holdings, contacts,
consents and account managers, in bulk inserts of ``CHUNK`` customers per transaction, and
fills their search terms. Every choice comes from one seeded ``random.Random``, so a seed and a
starting database give the same customers. Email addresses use the reserved ``.example``
domain: nothing sent to a synthetic customer can reach a real inbox.

``bulk_create`` sends no signals, so nothing here is written to the audit trail.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache

import phonenumbers
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from charter.core.bulk import insert_rows

from . import rules, selectors, services
from .models import (
    AccountManagerAssignment,
    Channel,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Contact,
    Customer,
    CustomerKind,
    CustomerType,
    Holding,
    HoldingStatus,
    Offering,
    OfferingCategory,
    OfferingKind,
)

CHUNK = 2000
REFERENCE_PREFIX = "S-"
REFERENCE_DIGITS = 7

# --- Word lists ------------------------------------------------------------------------------
GIVEN_NAMES = (  # noqa: SIM905
    "Abigail Adam Aiden Alana Alexander Alice Amara Amelia Amir Anh Annabelle Anthony Archer "
    "Ari Arlo Ashton Audrey Ayesha Bailey Beatrice Benjamin Bianca Billie Blake Bodhi Bridget "
    "Brodie Caleb Callum Cameron Carmen Charlie Chelsea Chloé Claire Connor Daisy Daniel Darcy "
    "Deepa Declan Delilah Dylan Eden Eleanor Elias Eliza Ella Elliot Emily Emma Eric Esther "
    "Evelyn Ezra Faith Felix Finn Fiona Florence Flynn Frances Gabriel Georgia Gemma Hamish "
    "Hannah Hayden Heidi Hugo Imogen Indi Isaac Isabella Jacob Jasmine Jasper Jayden Jessica "
    "Joel Jordan José Joshua Jude Kaitlyn Kate Kiara Kieran Kirra Lara Laura Leah Lena Levi "
    "Lily Logan Lucy Luka Madeleine Maddison Malik Marcus Maya Max Meera Michael Mitchell "
    "Molly Nadia Naomi Nathan Neve Nicholas Nina Oscar Paige Patrick Phoebe Quinn Rachel "
    "Rahul Reuben Riley Rohan Rosie Ryan Samuel Sana Sarah Scarlett Sean Sebastian Shreya "
    "Sophie Stella Summer Tahlia Tara Theo Tilly Tobias Tom Vivienne Wren Yasmin Yusuf Zac "
    "Zara Zoë Ngaio Renée Siobhan Dimitri Giulia Haruto Jun Mai Farah Hamza Chiara Nikos"
).split()

FAMILY_NAMES = (  # noqa: SIM905
    "Abbott Adams Ahmed Allen Archer Armstrong Atkinson Bailey Baker Barnes Bell Bennett Black "
    "Bond Bowen Boyd Bradley Brennan Brooks Burke Burns Butler Byrne Callaghan Cameron Carroll "
    "Carter Chan Chapman Cheng Choi Clark Cole Collins Connolly Cooper Costa Cox Crawford "
    "Cunningham Dang Davidson Dawson Dixon Do Doherty Donnelly Doyle Duncan Dunn Ellis Farrell "
    "Ferguson Fernandes Fitzgerald Fleming Flynn Ford Foster Fraser Fuller Gallagher Gardner "
    "Gibson Gilbert Gordon Graham Grant Gray Griffin Gupta Hamilton Hansen Harding Harper "
    "Harrington Hart Hayes Henderson Hill Ho Hoang Hogan Holmes Howard Hunt Hussain Iyer "
    "Jacobs James Jensen Kaur Kennedy Kerr Kim Knight Lam Lane Lawson Lim Lloyd Lynch "
    "Macdonald Mahoney Marshall Mason McCarthy McGregor McKenzie McLean Mehta Mills Mitchell "
    "Moore Morgan Murray Nair Nash Nolan O'Connor O'Neill Palmer Parker Pearce Perera Pham "
    "Phillips Pham Porter Quinn Reid Reilly Reynolds Richards Riley Rogers Russo Ryan Sanders "
    "Scott Sharma Shaw Simpson Sinclair Spencer Stone Sullivan Sutherland Tan Tanaka Turner "
    "Vo Vu Wallace Walsh Ward Watson Webb Wells West Whitfield Wong Wu Yang Young Zhou "
    "D'Souza Kowalski Novak Petrovic Andersen Lindqvist Da Silva Smith-Jones"
).split()

PLACES = (
    "Pilbara",
    "Hunter Valley",
    "Kalgoorlie",
    "Gippsland",
    "Riverina",
    "Bowen Basin",
    "Barossa",
    "Illawarra",
    "Mackay",
    "Geelong",
    "Ballarat",
    "Townsville",
    "Cairns",
    "Darwin",
    "Hobart",
    "Launceston",
    "Wollongong",
    "Newcastle",
    "Toowoomba",
    "Bendigo",
    "Mildura",
    "Broome",
    "Port Hedland",
    "Karratha",
    "Mount Isa",
    "Gladstone",
    "Bunbury",
    "Albany",
    "Dubbo",
    "Orange",
    "Wagga Wagga",
    "Bathurst",
    "Tamworth",
    "Lismore",
    "Coffs Harbour",
    "Alice Springs",
    "Southern Cross",
    "Eastern Suburbs",
    "Inner West",
    "Sunshine Coast",
    "Gold Coast",
    "Yarra",
    "Swan Valley",
    "Fremantle",
    "Parramatta",
)
INDUSTRIAL_WORDS = (
    "Mining",
    "Engineering",
    "Drilling",
    "Earthmoving",
    "Haulage",
    "Fabrication",
    "Hydraulics",
    "Electrical",
    "Construction",
    "Logistics",
    "Mechanical",
    "Welding",
    "Conveyor Systems",
    "Pumps",
    "Crushing & Screening",
    "Minerals",
    "Resources",
    "Civil",
    "Transport",
    "Irrigation",
    "Pastoral",
    "Timber",
    "Marine",
    "Machining",
    "Industrial Supplies",
)
BUSINESS_ENDINGS = (
    "Pty Ltd",
    "Pty Ltd",
    "Pty Ltd",
    "Services",
    "Group",
    "Holdings Pty Ltd",
    "Solutions",
    "Supplies",
    "& Co",
    "Industries",
    "Australia",
    "Contracting",
)
SHOP_WORDS = (
    "Bakery",
    "Café",
    "Dental",
    "Pharmacy",
    "Hardware",
    "Florist",
    "Physiotherapy",
    "Accounting",
    "Legal",
    "Motors",
    "Garden Centre",
    "Butchery",
    "Bookkeeping",
    "Hair Studio",
    "Veterinary Clinic",
    "Plumbing",
    "Joinery",
    "Surf Shop",
    "Print & Copy",
    "Electrical",
)
ADJECTIVES = (
    "Southern",
    "Northern",
    "Coastal",
    "Outback",
    "Red Earth",
    "Blue Gum",
    "Ironbark",
    "Wattle",
    "Golden",
    "Summit",
    "Granite",
    "Redback",
    "Kookaburra",
    "Harbour",
    "Desert",
    "Tasman",
    "Banksia",
    "Silver Creek",
)
INTERNAL_TEAMS = (
    "Production",
    "Warehouse",
    "Dispatch",
    "Finance",
    "Quality assurance",
    "Maintenance",
    "Procurement",
    "Field service",
    "Sales",
    "Research and development",
)
JOB_TITLES = (
    "Purchasing manager",
    "Production manager",
    "Accounts payable officer",
    "Operations manager",
    "Site supervisor",
    "Director",
    "Office manager",
    "Maintenance planner",
    "Procurement officer",
    "General manager",
    "Owner",
)
EMAIL_DOMAINS = (
    "wattlemail.example",
    "southernpost.example",
    "kookaburra.example",
    "outbackweb.example",
    "harbournet.example",
    "inbox.example",
)
BUSINESS_MAILBOXES = ("info", "accounts", "orders", "admin", "office", "enquiries")

# The standard offerings of a bank that also supplies widgets: code, name, kind, category.
STANDARD_OFFERINGS = (
    ("savings", "Savings account", OfferingKind.PRODUCT, OfferingCategory.DEPOSITS),
    ("everyday-account", "Everyday account", OfferingKind.PRODUCT, OfferingCategory.TRANSACTIONS),
    ("online-banking", "Online banking", OfferingKind.SERVICE, OfferingCategory.DIGITAL),
    ("term-deposit", "Term deposit", OfferingKind.PRODUCT, OfferingCategory.DEPOSITS),
    ("home-loan", "Home loan", OfferingKind.PRODUCT, OfferingCategory.LENDING),
    ("investment", "Investment portfolio", OfferingKind.PRODUCT, OfferingCategory.WEALTH),
    ("home-insurance", "Home insurance", OfferingKind.PRODUCT, OfferingCategory.INSURANCE),
    ("widget-supply", "Widget supply contract", OfferingKind.SERVICE, OfferingCategory.SUPPLY),
    ("priority-delivery", "Priority delivery", OfferingKind.SERVICE, OfferingCategory.SERVICE),
    ("extended-warranty", "Extended warranty", OfferingKind.OFFER, OfferingCategory.SERVICE),
)
STANDARD_TYPES = (  # name, slug, internal
    ("Mining equipment supplier", "mining-equipment-supplier", False),
    ("Small business", "small-business", False),
    ("Member of the public", "member-of-the-public", False),
    ("Production team", "production-team", True),
)
# How likely a person or an organisation is to hold a product of each category.
CATEGORY_WEIGHTS = {
    CustomerKind.PERSON: {
        OfferingCategory.TRANSACTIONS: 9,
        OfferingCategory.DIGITAL: 7,
        OfferingCategory.DEPOSITS: 6,
        OfferingCategory.INSURANCE: 3,
        OfferingCategory.LENDING: 2.5,
        OfferingCategory.WEALTH: 1.5,
        OfferingCategory.SERVICE: 1,
        OfferingCategory.SUPPLY: 0.2,
    },
    CustomerKind.ORGANISATION: {
        OfferingCategory.SUPPLY: 8,
        OfferingCategory.TRANSACTIONS: 6,
        OfferingCategory.SERVICE: 5,
        OfferingCategory.DIGITAL: 5,
        OfferingCategory.DEPOSITS: 3,
        OfferingCategory.INSURANCE: 3,
        OfferingCategory.LENDING: 2,
        OfferingCategory.WEALTH: 1,
    },
}
CHANNEL_WEIGHTS = {
    Channel.EMAIL: 55,
    Channel.TELEPHONE: 20,
    Channel.SMS: 10,
    Channel.WEB_FORM: 6,
    Channel.FACE_TO_FACE: 4,
    Channel.LETTER: 3,
    Channel.VIDEO: 2,
}
HOLDING_COUNT_WEIGHTS = (15, 25, 25, 18, 10, 7)  # 0..5 products
HOLDING_STATUS_WEIGHTS = {
    HoldingStatus.HELD: 82,
    HoldingStatus.CLOSED: 10,
    HoldingStatus.OFFERED: 5,
    HoldingStatus.DECLINED: 3,
}
CONSENT_METHODS = (
    ConsentMethod.WEB_FORM,
    ConsentMethod.TELEPHONE,
    ConsentMethod.IN_PERSON,
    ConsentMethod.PAPER,
    ConsentMethod.EMAIL,
)
PERSON_TYPE_WORDS = re.compile(r"public|member|individual|person|consumer|retail|household", re.I)
_PROVENANCE = "Synthetic data"


# --- Phone numbers ---------------------------------------------------------------------------
# Mobiles: 04xx; landlines: Sydney, Canberra, Newcastle (02), Melbourne, Hobart (03),
# Brisbane, Gold Coast (07), Adelaide, Perth (08).
_LANDLINE_BLOCKS = ("29", "28", "26", "24", "39", "38", "36", "73", "75", "88", "89")


@cache
def _valid_prefixes(blocks: tuple[str, ...]) -> tuple[str, ...]:
    """The 4-digit starts of 9-digit national numbers in ``blocks`` that are valid whatever
    follows: each is tried with every fifth digit (the rest random, but fixed)."""
    check = random.Random(0)
    found = []
    for block in blocks:
        for rest in range(10 ** (4 - len(block))):
            prefix = f"{block}{rest:0{4 - len(block)}d}"
            if all(
                phonenumbers.is_valid_number(
                    phonenumbers.parse(f"+61{prefix}{fifth}{check.randrange(10_000):04d}", None)
                )
                for fifth in range(10)
            ):
                found.append(prefix)
    return tuple(found)


def mobile_prefixes() -> tuple[str, ...]:
    return _valid_prefixes(tuple(f"4{d}" for d in range(10)))


def landline_prefixes() -> tuple[str, ...]:
    return _valid_prefixes(_LANDLINE_BLOCKS)


def _phone(rng: random.Random, prefixes: tuple[str, ...]) -> str:
    return f"+61{rng.choice(prefixes)}{rng.randrange(100_000):05d}"


# --- Names -----------------------------------------------------------------------------------
def _ascii(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", rules.fold(text))


def _person_email(rng: random.Random, given: str, family: str) -> str:
    g, f = _ascii(given), _ascii(family)
    local = rng.choice((f"{g}.{f}", f"{g}{f}", f"{g[0]}{f}", f"{g}_{f}", f"{f}.{g}"))
    if rng.random() < 0.45:
        local += str(rng.randint(1, 99))
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def _business_name(rng: random.Random) -> str:
    pattern = rng.random()
    if pattern < 0.3:
        return f"{rng.choice(FAMILY_NAMES)} {rng.choice(INDUSTRIAL_WORDS)} " + rng.choice(
            BUSINESS_ENDINGS
        )
    if pattern < 0.55:
        return f"{rng.choice(PLACES)} {rng.choice(INDUSTRIAL_WORDS)} {rng.choice(BUSINESS_ENDINGS)}"
    if pattern < 0.7:
        return f"{rng.choice(ADJECTIVES)} {rng.choice(INDUSTRIAL_WORDS)}"
    if pattern < 0.85:
        first, second = rng.sample(FAMILY_NAMES, 2)
        return f"{first} & {second} {rng.choice(SHOP_WORDS)}"
    return f"{rng.choice(PLACES)} {rng.choice(SHOP_WORDS)}"


def _business_domain(name: str) -> str:
    words = [_ascii(w) for w in name.split()]
    words = [w for w in words if w and w not in ("pty", "ltd", "co")]
    return "-".join(words[:2]) + ".example"


# --- Figures ---------------------------------------------------------------------------------
def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _at(day: date, rng: random.Random) -> datetime:
    """A moment during business hours (Australian east coast, in UTC) of ``day``."""
    return datetime.combine(day, time(rng.randint(0, 7), rng.randrange(60)), tzinfo=UTC)


def _weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """``k`` distinct items, likelier ones first (exponential keys: Efraimidis and Spirakis)."""
    keyed = sorted(
        ((rng.random() ** (1 / w), i) for i, w in enumerate(weights) if w > 0), reverse=True
    )
    return [items[i] for _, i in keyed[:k]]


# --- What exists already ---------------------------------------------------------------------
def _customer_types() -> list[CustomerType]:
    types = list(CustomerType.objects.filter(is_active=True).order_by("pk"))
    if types:
        return types
    for name, slug, internal in STANDARD_TYPES:
        CustomerType.objects.get_or_create(slug=slug, defaults={"name": name, "internal": internal})
    return list(CustomerType.objects.filter(is_active=True).order_by("pk"))


def _offerings() -> list[Offering]:
    offerings = list(Offering.objects.filter(is_active=True).order_by("pk"))
    return offerings or standard_offerings()


def standard_offerings() -> list[Offering]:
    """Make sure the standard bank-and-widgets products exist (by code); returns every active
    product, so that customers made next hold banking products as well as the demo's."""
    for code, name, kind, category in STANDARD_OFFERINGS:
        Offering.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "category": category}
        )
    return list(Offering.objects.filter(is_active=True).order_by("pk"))


def _account_managers() -> list[int]:
    """Active staff who may own customers (by their role, their own permission, or superuser)."""
    return sorted(selectors.account_managers().values_list("pk", flat=True))


def _last_reference_number() -> int:
    """The number of the last S- reference: an index range, as references are zero-padded."""
    last = Customer.objects.filter(
        reference__gte=f"{REFERENCE_PREFIX}0", reference__lt=f"{REFERENCE_PREFIX}:"
    ).aggregate(last=Max("reference"))["last"]
    if last is None:
        return 0
    if re.fullmatch(rf"{REFERENCE_PREFIX}[0-9]{{{REFERENCE_DIGITS}}}", last):
        return int(last.removeprefix(REFERENCE_PREFIX))
    numbers = Customer.objects.filter(
        reference__regex=rf"^{REFERENCE_PREFIX}[0-9]{{{REFERENCE_DIGITS}}}$"
    ).values_list("reference", flat=True)
    return max((int(r.removeprefix(REFERENCE_PREFIX)) for r in numbers), default=0)


# --- The generator ---------------------------------------------------------------------------
class _Maker:
    """Builds one customer at a time from the shared random stream, with what goes with it."""

    def __init__(self, rng: random.Random, *, types, offerings, managers):
        self.rng = rng
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.mobiles, self.landlines = mobile_prefixes(), landline_prefixes()
        external = [t for t in types if not t.internal]
        people = [t for t in external if PERSON_TYPE_WORDS.search(t.name)]
        business = [t for t in external if t not in people]
        self.person_types = people or external or types
        self.business_types = business or external or types
        self.internal_types = [t for t in types if t.internal]
        self.offerings = offerings
        self.offering_weights = {
            kind: [weights.get(o.category, 1) for o in offerings]
            for kind, weights in CATEGORY_WEIGHTS.items()
        }
        self.managers = managers
        self.channels, self.channel_weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
        self.statuses = list(HOLDING_STATUS_WEIGHTS)
        self.status_weights = list(HOLDING_STATUS_WEIGHTS.values())

    def customer(self, number: int) -> tuple[Customer, dict]:
        rng = self.rng
        pick = rng.random()
        if self.internal_types and pick < 0.005:
            fields = self._internal()
        elif pick < 0.26:
            fields = self._organisation()
        else:
            fields = self._person()
        organisation = fields["kind"] == CustomerKind.ORGANISATION
        channel = rng.choices(self.channels, self.channel_weights)[0]
        if channel in (Channel.TELEPHONE, Channel.SMS) and not fields["phone"]:
            fields["phone"] = _phone(rng, self.mobiles)
        # Newer customers are commoner: tenure skews short, over at most 15 years.
        tenure_days = int(15 * 365 * rng.random() ** 1.3)
        if rng.random() < 0.06:
            last_active = None  # never active
        elif rng.random() < 0.75:
            last_active = self.today - timedelta(
                days=min(tenure_days, int(rng.expovariate(1 / 45)))
            )
        else:
            last_active = self.today - timedelta(days=rng.randint(0, tenure_days))
        # Lognormal: a long tail of a few very valuable customers.
        annual_value = (
            rng.lognormvariate(10.3, 1.3) if organisation else rng.lognormvariate(7.2, 1.1)
        )
        balance = (
            0.0 if rng.random() < 0.05 else rng.lognormvariate(10.5 if organisation else 9, 1.5)
        )
        # Every field is given, so that no default is worked out per instance.
        customer = Customer(
            reference=f"{REFERENCE_PREFIX}{number:0{REFERENCE_DIGITS}d}",
            preferred_channel=channel,
            customer_since=self.today - timedelta(days=tenure_days),
            last_activity_on=last_active,
            annual_value=_money(annual_value),
            balance=_money(balance),
            consent_service=rng.random() < 0.97,
            consent_surveys=rng.random() < 0.55,
            consent_marketing=rng.random() < 0.3,
            account_manager_id=None,
            team_id=None,
            is_active=True,
            erased_at=None,
            created_at=self.now,
            updated_at=self.now,
            **fields,
        )
        extras = {
            "holdings": self._holdings(customer),
            "consents": self._consents(customer),
            "contacts": self._contacts(customer) if organisation else [],
            "manager": self._manager(customer),
        }
        return customer, extras

    def _person(self) -> dict:
        rng = self.rng
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        age_days = rng.randint(18 * 365, 90 * 365)
        return {
            "kind": CustomerKind.PERSON,
            "customer_type_id": rng.choice(self.person_types).pk,
            "name": f"{given} {family}",
            "given_name": given,
            "family_name": family,
            "date_of_birth": self.today - timedelta(days=age_days),
            "email": _person_email(rng, given, family) if rng.random() < 0.92 else "",
            "phone": _phone(rng, self.mobiles) if rng.random() < 0.85 else "",
        }

    def _organisation(self) -> dict:
        rng = self.rng
        name = _business_name(rng)
        if rng.random() < 0.6:
            phone = _phone(rng, self.landlines)
        else:
            phone = _phone(rng, self.mobiles) if rng.random() < 0.8 else ""
        return {
            "kind": CustomerKind.ORGANISATION,
            "customer_type_id": rng.choice(self.business_types).pk,
            "name": name,
            "given_name": "",
            "family_name": "",
            "date_of_birth": None,
            "email": f"{rng.choice(BUSINESS_MAILBOXES)}@{_business_domain(name)}",
            "phone": phone,
        }

    def _internal(self) -> dict:
        rng = self.rng
        team = rng.choice(INTERNAL_TEAMS)
        return {
            "kind": CustomerKind.ORGANISATION,
            "customer_type_id": rng.choice(self.internal_types).pk,
            "name": f"{team} team, {rng.choice(PLACES)} site",
            "given_name": "",
            "family_name": "",
            "date_of_birth": None,
            "email": f"{_ascii(team)}@innovative-widgets.example",
            "phone": _phone(rng, self.landlines),
        }

    def _holdings(self, customer: Customer) -> list[tuple]:
        """(offering_id, status, started_on, ended_on) of 0 to 5 distinct products."""
        rng = self.rng
        if not self.offerings:
            return []
        count = rng.choices(range(len(HOLDING_COUNT_WEIGHTS)), HOLDING_COUNT_WEIGHTS)[0]
        chosen = _weighted_sample(rng, self.offerings, self.offering_weights[customer.kind], count)
        span = (self.today - customer.customer_since).days
        holdings = []
        for offering in chosen:
            status = rng.choices(self.statuses, self.status_weights)[0]
            started = customer.customer_since + timedelta(days=rng.randint(0, span))
            ended = None
            if status in (HoldingStatus.CLOSED, HoldingStatus.DECLINED):
                ended = started + timedelta(days=rng.randint(0, (self.today - started).days))
            holdings.append((offering.pk, status.value, started, ended))
        return holdings

    def _consents(self, customer: Customer) -> list[tuple]:
        """(purpose, given, method, at, note): the ledger behind the current consent, that is
        each consent given at sign-up and any later withdrawal of service contact."""
        rng = self.rng
        signed_up = _at(customer.customer_since, rng)
        records = [
            (purpose.value, True, rng.choice(CONSENT_METHODS).value, signed_up, "")
            for purpose, given in (
                (ConsentPurpose.SERVICE, True),
                (ConsentPurpose.SURVEYS, customer.consent_surveys),
                (ConsentPurpose.MARKETING, customer.consent_marketing),
            )
            if given
        ]
        if not customer.consent_service:
            later = customer.customer_since + timedelta(
                days=rng.randint(0, (self.today - customer.customer_since).days)
            )
            records.append(
                (
                    ConsentPurpose.SERVICE.value,
                    False,
                    rng.choice(CONSENT_METHODS).value,
                    _at(later, rng),
                    "Asked not to be contacted.",
                )
            )
        return records

    def _contacts(self, customer: Customer) -> list[Contact]:
        rng = self.rng
        if rng.random() >= 0.5:
            return []
        domain = customer.email.partition("@")[2] or "mail.example"
        contacts = []
        for position in range(rng.choice((1, 1, 2))):
            given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
            contacts.append(
                Contact(
                    name=f"{given} {family}",
                    job_title=rng.choice(JOB_TITLES),
                    email=f"{_ascii(given)}.{_ascii(family)}@{domain}",
                    phone=_phone(rng, self.mobiles) if rng.random() < 0.8 else "",
                    preferred_channel=rng.choices(self.channels, self.channel_weights)[0],
                    is_primary=position == 0,
                )
            )
        return contacts

    def _manager(self, customer: Customer) -> int | None:
        """Organisations mostly have an account manager, people seldom: about 30% in all."""
        if not self.managers:
            return None
        share = 0.65 if customer.kind == CustomerKind.ORGANISATION else 0.2
        if self.rng.random() >= share:
            return None
        return self.rng.choice(self.managers)


def make_customers(
    *, n: int, seed: int = 1, progress: Callable[[int, int], object] | None = None
) -> int:
    """Create ``n`` synthetic customers with references S-0000001... after any existing ones.

    Existing active customer types and offerings are used; when there are none the standard
    ones are created. Account managers are drawn from active staff allowed to manage accounts.
    Each chunk of ``CHUNK`` customers is one transaction. Returns how many were created;
    ``progress(done, total)`` is called after each chunk.
    """
    if n <= 0:
        return 0
    start = _last_reference_number()
    # The same seed on a fresh database gives the same customers; a second run differs.
    rng = random.Random(seed if start == 0 else f"{seed}:{start}")
    maker = _Maker(
        rng, types=_customer_types(), offerings=_offerings(), managers=_account_managers()
    )
    made = 0
    while made < n:
        size = min(CHUNK, n - made)
        _make_chunk(maker, first=start + made + 1, size=size)
        made += size
        if progress is not None:
            progress(made, n)
    return made


def unsaved_customers(*, n: int, seed: int = 1) -> Iterator[tuple[Customer, dict]]:
    """``n`` customers as ``make_customers`` makes them on an empty database, not saved (e.g.
    to write an import file): each with a dict of ``holdings`` (offering id, status, started,
    ended), ``consents``, ``contacts`` (unsaved) and ``manager`` (a user id or None)."""
    maker = _Maker(
        random.Random(seed),
        types=_customer_types(),
        offerings=_offerings(),
        managers=_account_managers(),
    )
    for number in range(1, n + 1):
        customer, extras = maker.customer(number)
        customer.account_manager_id = extras["manager"]
        yield customer, extras


HOLDING_COLUMNS = ("customer", "offering", "status", "started_on", "ended_on")
CONSENT_COLUMNS = ("customer", "purpose", "given", "method", "at", "note")


@transaction.atomic
def _make_chunk(maker: _Maker, *, first: int, size: int) -> None:
    built = [maker.customer(number) for number in range(first, first + size)]
    for customer, extras in built:
        customer.account_manager_id = extras["manager"]
    customers = Customer.objects.bulk_create([c for c, _ in built], batch_size=CHUNK)
    if any(c.pk is None for c in customers):  # a database that cannot return new keys
        pks = dict(
            Customer.objects.filter(reference__in=[c.reference for c in customers]).values_list(
                "reference", "pk"
            )
        )
        for customer in customers:
            customer.pk = pks[customer.reference]
    day, moment = connection.ops.adapt_datefield_value, connection.ops.adapt_datetimefield_value
    holdings, consents, contacts, assignments = [], [], [], []
    for customer, extras in built:
        pk = customer.pk
        holdings += [
            (pk, offering, status, day(started), day(ended))
            for offering, status, started, ended in extras["holdings"]
        ]
        consents += [
            (pk, purpose, given, method, moment(at), note)
            for purpose, given, method, at, note in extras["consents"]
        ]
        for contact in extras["contacts"]:
            contact.customer_id = pk
            contacts.append(contact)
        if customer.account_manager_id:
            since = customer.customer_since + timedelta(
                days=int((maker.today - customer.customer_since).days * maker.rng.random())
            )
            assignments.append(
                AccountManagerAssignment(
                    customer_id=pk,
                    manager_id=customer.account_manager_id,
                    started_at=_at(since, maker.rng),
                    reason=_PROVENANCE,
                )
            )
    insert_rows(Holding, HOLDING_COLUMNS, holdings)
    insert_rows(ConsentRecord, CONSENT_COLUMNS, consents)
    Contact.objects.bulk_create(contacts, batch_size=CHUNK)
    AccountManagerAssignment.objects.bulk_create(assignments, batch_size=CHUNK)
    services.refresh_search_terms([c.pk for c in customers])
