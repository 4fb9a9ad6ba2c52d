"""Customers at volume: generation, quick search, segment evaluation, CSV import, list queries.

Sizes (times ``--scale``): 100,000 synthetic customers (``synthetic.make_customers``) and an
import file of 100,000 new customers with about 1% bad rows. Search runs ~200 varied queries
as officer Mary; segments are ten realistic rules evaluated over every customer twice (the
first run everyone enters, the second after a few customers changed); the list's query count
is taken at three page sizes, touching what a row shows, and must not grow with the page.
"""

from __future__ import annotations

import csv
import io
import os
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from django.core.paginator import Paginator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import datagen
from bench.support import Context, figure, percentile

MODULE = "customers"
SEED = 20_26
SIZES = {"customers": 100_000, "import_rows": 100_000}
DATAGEN_SECONDS = 60
SEARCH_P95_MS = 50
SEGMENTS_SECONDS = 5
IMPORT_SECONDS = 20
BAD_ROW_SHARE = 0.01
PAGE_SIZES = (10, 50, 200)
SEARCH_USER = "mary"  # a customer service officer in the demo

ENTRIES = (
    "customers_datagen",
    "customer_search",
    "segments_evaluate",
    "customer_import",
    "customer_list_queries",
)

# name, description, conditions (attribute, operator, value), codes of products offered
SEGMENTS = (
    ("Premier", "Balance of at least $250,000.", [("balance", "gte", "250000")], ["investment"]),
    ("Business", "Organisations.", [("kind", "in", ["organisation"])], []),
    ("Long-standing", "Customers for ten years or more.", [("tenure_years", "gte", 10)], []),
    ("Multi-product", "Three or more products held.", [("product_count", "gte", 3)], []),
    ("Dormant", "No activity for a year.", [("days_since_activity", "gte", 365)], []),
    ("Wealth", "Holds an investment product.", [("holds_category", "has", ["wealth"])], []),
    ("Digital", "Banks online.", [("holds_offering", "has", ["online-banking"])], []),
    ("High value", "Worth $100,000 a year.", [("annual_value", "gte", "100000")], []),
    ("New", "Joined this year.", [("tenure_years", "lt", 1)], ["online-banking"]),
    ("Internal", "Our own teams.", [("internal", "is", True)], []),
)


def run(ctx: Context) -> list[dict]:
    wanted = [entry for entry in ENTRIES if ctx.wants(entry, MODULE)]
    rows: list[dict] = []
    datagen.seed_demo()

    from charter.accounts.models import User
    from charter.customers import synthetic

    synthetic.standard_offerings()  # banking products too, for the segments below
    n = ctx.size(SIZES["customers"])
    ctx.say(f"generating {n:,} customers")
    start = time.perf_counter()
    made = synthetic.make_customers(n=n, seed=SEED)
    seconds = time.perf_counter() - start
    analyze = _analyze()
    if "customers_datagen" in wanted:
        rows += _datagen_rows(made, seconds, analyze)

    officer = User.objects.get(username=SEARCH_USER)
    # The machine may be shared (other work on its CPUs): say how busy it was.
    load = os.getloadavg()[0]
    rows.append(figure(MODULE, f"load average before timing ({os.cpu_count()} CPUs)", load, ""))
    if "customer_search" in wanted:
        ctx.say("timing customer search")
        rows += _search_rows(officer)
    if "segments_evaluate" in wanted:
        ctx.say("timing segment evaluation")
        rows += _segment_rows(ctx)
    _analyze()  # the memberships just written, as autovacuum soon would
    if "customer_list_queries" in wanted:
        ctx.say("counting the customer list's queries")
        rows += _list_rows(officer)
    if "customer_import" in wanted:
        ctx.say(f"timing an import of {ctx.size(SIZES['import_rows']):,} rows")
        rows += _import_rows(ctx)
    rows.append(figure(MODULE, "load average at the end", os.getloadavg()[0], ""))
    return rows


def _analyze() -> float:
    """PostgreSQL's autovacuum would analyse the new rows within a minute; do it now."""
    if connection.vendor != "postgresql":
        return 0.0
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - start


# --- Generation -----------------------------------------------------------------------------
def _datagen_rows(made: int, seconds: float, analyze: float) -> list[dict]:
    from charter.customers.models import ConsentRecord, Holding, SearchTerm

    rows = [
        figure(
            "customers_datagen",
            f"make_customers (+{made:,})",
            seconds,
            "s",
            below=DATAGEN_SECONDS,
        ),
        figure("customers_datagen", "rate", made / seconds, "customers/s"),
        figure("customers_datagen", "holdings", Holding.objects.count(), "rows"),
        figure("customers_datagen", "consent records", ConsentRecord.objects.count(), "rows"),
        figure("customers_datagen", "search terms", SearchTerm.objects.count(), "rows"),
    ]
    if analyze:
        rows.append(figure("customers_datagen", "ANALYZE", analyze, "s"))
    return rows


# --- Search ---------------------------------------------------------------------------------
def search_queries(count: int = 200, seed: int = SEED) -> list[tuple[str, str]]:
    """(kind, text) of what officers type: names, business words, emails, phones, references.

    Drawn from the customers in the database, so each is a real lookup.
    """
    from charter.customers import synthetic
    from charter.customers.models import Customer

    rng = random.Random(seed)
    customers = Customer.objects.filter(reference__startswith=synthetic.REFERENCE_PREFIX)
    last = customers.order_by("-pk").values_list("pk", flat=True).first() or 0
    first = customers.order_by("pk").values_list("pk", flat=True).first() or 0
    picked = rng.sample(range(first, last + 1), min(count * 3, last - first + 1))
    sample = list(
        customers.filter(pk__in=picked).values(
            "kind", "name", "given_name", "family_name", "email", "phone", "reference"
        )
    )
    rng.shuffle(sample)
    people = [c for c in sample if c["kind"] == "person"]
    with_email = [c for c in sample if c["email"]]
    with_phone = [c for c in sample if c["phone"]]
    words = [
        *synthetic.INDUSTRIAL_WORDS,
        *synthetic.SHOP_WORDS,
        *synthetic.PLACES,
        "Pty Ltd",
        "Holdings",
    ]

    def national(phone: str) -> str:
        digits = "0" + phone.removeprefix("+61")
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}" if digits[1] == "4" else digits

    def international(phone: str) -> str:
        digits = phone.removeprefix("+61")
        return f"+61 {digits[:3]} {digits[3:6]} {digits[6:]}"

    makers = (  # kind, how many, make one
        ("family name", 35, lambda i: people[i]["family_name"]),
        ("given and family", 20, lambda i: f"{people[i]['given_name']} {people[i]['family_name']}"),
        ("name being typed", 15, lambda i: people[i]["family_name"][:3]),
        ("business words", 25, lambda i: rng.choice(words)),
        ("whole email", 15, lambda i: with_email[i]["email"]),
        ("email prefix", 15, lambda i: with_email[i]["email"].split("@")[0] + "@"),
        ("phone 04..", 25, lambda i: national(with_phone[i]["phone"])),
        ("phone +61", 25, lambda i: international(with_phone[i]["phone"])),
        ("reference", 25, lambda i: sample[i]["reference"]),
    )
    queries = []
    for kind, many, make in makers:
        queries += [(kind, make(i)) for i in range(many)]
    return queries[:count] if len(queries) > count else queries


def _search_rows(officer) -> list[dict]:
    from charter.customers import selectors

    queries = search_queries()
    for _, text in queries[:10]:  # warm the caches as a running server's would be
        selectors.customer_search(officer, text)
    samples, by_kind, found = [], {}, 0
    slowest = (0.0, "")
    for kind, text in queries:
        start = time.perf_counter()
        results = selectors.customer_search(officer, text)
        ms = (time.perf_counter() - start) * 1000
        samples.append(ms)
        by_kind.setdefault(kind, []).append(ms)
        found += bool(results)
        slowest = max(slowest, (ms, f"{kind}: {text!r}"))
    rows = [
        figure("customer_search", f"p50 ({len(queries)} queries)", percentile(samples, 50), "ms"),
        figure("customer_search", "p95", percentile(samples, 95), "ms", below=SEARCH_P95_MS),
        figure("customer_search", "queries with a result", found, "queries"),
        figure("customer_search", f"slowest ({slowest[1]})", slowest[0], "ms"),
    ]
    rows += [
        figure("customer_search", f"p95 {kind}", percentile(times, 95), "ms")
        for kind, times in by_kind.items()
    ]
    return rows


# --- Segments -------------------------------------------------------------------------------
def define_segments() -> list:
    """The ten benchmark segments (kept if they exist, their rules set to these)."""
    from charter.customers import services
    from charter.customers.models import Offering, Segment

    offerings = {o.code: o for o in Offering.objects.all()}
    segments = []
    for position, (name, description, conditions, offered) in enumerate(SEGMENTS, start=1):
        rules = []
        for attribute, operator, value in conditions:
            if attribute == "holds_offering" and value[0] not in offerings:
                attribute, value = "holds_category", ["digital"]  # any product of its kind
            rules.append({"attribute": attribute, "operator": operator, "value": value})
        segments.append(
            services.segment_save(
                actor=None,
                name=name,
                description=description,
                conditions=rules,
                offerings=[offerings[code] for code in offered if code in offerings],
                position=position,
                segment=Segment.objects.filter(name__iexact=name).first(),
            )
        )
    return segments


def _segment_rows(ctx: Context) -> list[dict]:
    from charter.customers import services
    from charter.customers.models import Customer, Segment

    define_segments()
    count = Segment.objects.count()

    start = time.perf_counter()
    first = services.segments_evaluate_all()
    first_seconds = time.perf_counter() - start

    # A few changes, as a day brings: some customers active again, some richer.
    rng = random.Random(SEED)
    pks = list(Customer.objects.values_list("pk", flat=True))
    changed = max(1, len(pks) // 200)
    today = timezone.localdate()
    Customer.objects.filter(pk__in=rng.sample(pks, changed)).update(last_activity_on=today)
    Customer.objects.filter(pk__in=rng.sample(pks, changed)).update(balance=Decimal("300000"))
    start = time.perf_counter()
    second = services.segments_evaluate_all()
    second_seconds = time.perf_counter() - start

    def slowest(evaluations) -> tuple[float, str]:
        return max(
            ((e.finished_at - e.started_at).total_seconds(), e.segment.name) for e in evaluations
        )

    worst_seconds, worst_name = slowest(first)
    return [
        figure(
            "segments_evaluate",
            f"first run, {count} segments ({sum(e.entered for e in first):,} entered)",
            first_seconds,
            "s",
            below=SEGMENTS_SECONDS,
        ),
        figure(
            "segments_evaluate",
            f"second run, {2 * changed:,} customers changed "
            f"({sum(e.entered for e in second):,} entered, {sum(e.left for e in second):,} left)",
            second_seconds,
            "s",
            below=SEGMENTS_SECONDS,
        ),
        figure(
            "segments_evaluate", f"slowest segment, first run ({worst_name})", worst_seconds, "s"
        ),
        figure(
            "segments_evaluate",
            "offers made, first run",
            sum(e.offers_made for e in first),
            "holdings",
        ),
    ]


# --- Import ---------------------------------------------------------------------------------
# column -> what a careless hand puts there; each bad row gets one of these
FAULTS = (
    ("phone", "0412 34"),
    ("email", "someone@@example"),
    ("type", "Unknown customer type"),
    ("customer_since", "31/02/2024"),
    ("annual_value", "twelve thousand"),
    ("products", "savings;no-such-product"),
    ("account_manager", "nobody.here"),
    ("preferred_channel", "carrier pigeon"),
    ("consent_marketing", "maybe"),
    ("last_activity_on", "yesterday"),
)


def import_file(rows: int, *, seed: int = SEED, prefix: str = "N-") -> tuple[bytes, int]:
    """A customers CSV of ``rows`` new customers (references ``prefix``...), about 1% of them
    with one bad cell. Returns the file's bytes and how many rows were made bad."""
    from charter.accounts.models import User
    from charter.customers import synthetic
    from charter.customers.imports import COLUMNS
    from charter.customers.models import CustomerType, HoldingStatus, Offering

    rng = random.Random(f"{seed}:import")
    slugs = dict(CustomerType.objects.values_list("pk", "slug"))
    names = dict(CustomerType.objects.values_list("pk", "name"))
    codes = dict(Offering.objects.values_list("pk", "code"))
    usernames = dict(User.objects.values_list("pk", "username"))
    yes_no = {True: "yes", False: "no"}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    bad = 0
    for number, (customer, extras) in enumerate(
        synthetic.unsaved_customers(n=rows, seed=seed), start=1
    ):
        held = [codes[o] for o, status, _, _ in extras["holdings"] if status == HoldingStatus.HELD]
        type_id = customer.customer_type_id
        row = {
            "reference": f"{prefix}{number:07d}",
            "kind": customer.kind,
            # People write a type's name or its short name: both are accepted.
            "type": names[type_id] if rng.random() < 0.5 else slugs[type_id],
            "name": customer.name,
            "given_name": customer.given_name,
            "family_name": customer.family_name,
            "email": customer.email,
            # Phones as people type them: national with spaces, or international.
            "phone": _typed_phone(rng, customer.phone),
            "preferred_channel": customer.preferred_channel,
            "customer_since": _typed_date(rng, customer.customer_since),
            "annual_value": f"{customer.annual_value}",
            "balance": f"${customer.balance:,}" if rng.random() < 0.2 else f"{customer.balance}",
            "last_activity_on": _typed_date(rng, customer.last_activity_on),
            "account_manager": usernames.get(customer.account_manager_id, ""),
            "consent_service": yes_no[customer.consent_service],
            "consent_surveys": yes_no[customer.consent_surveys],
            "consent_marketing": yes_no[customer.consent_marketing],
            "products": ";".join(held),
        }
        if rng.random() < BAD_ROW_SHARE:
            column, value = rng.choice(FAULTS)
            row[column] = value
            bad += 1
        writer.writerow([row[c] for c in COLUMNS])
    return out.getvalue().encode("utf-8"), bad


def _typed_phone(rng: random.Random, e164: str) -> str:
    if not e164 or rng.random() < 0.3:
        return e164
    national = "0" + e164.removeprefix("+61")
    if national[1] == "4":
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"({national[:2]}) {national[2:6]} {national[6:]}"


def _typed_date(rng: random.Random, day) -> str:
    if day is None:
        return ""
    return day.isoformat() if rng.random() < 0.7 else day.strftime("%d/%m/%Y")


def _import_rows(ctx: Context) -> list[dict]:
    from charter.customers.models import Customer, CustomerImport

    try:
        from charter.customers.imports import customer_import_run
    except ImportError as error:
        ctx.say(f"not run: {error}")
        return [figure("customer_import", "not run (charter.customers.imports missing)", 0, "")]

    rows = ctx.size(SIZES["import_rows"])
    start = time.perf_counter()
    content, bad = import_file(rows)
    make_seconds = time.perf_counter() - start
    # Through a file on disk, as an upload would arrive.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "customers.csv"
        path.write_bytes(content)
        job = CustomerImport.objects.create(file_name=path.name, content=path.read_bytes())
    before = Customer.objects.count()
    start = time.perf_counter()
    job = customer_import_run(import_id=job.pk)
    seconds = time.perf_counter() - start
    created = Customer.objects.count() - before
    result = [
        figure(
            "customer_import",
            f"{rows:,} rows, {bad:,} bad ({job.status})",
            seconds,
            "s",
            below=IMPORT_SECONDS,
        ),
        figure("customer_import", "rate", rows / seconds, "rows/s"),
        figure("customer_import", "customers created", created, "customers", equals=rows - bad),
        figure("customer_import", "bad rows reported", job.bad_count, "rows", equals=bad),
        figure("customer_import", "making the file", make_seconds, "s"),
        figure("customer_import", "file size", len(content) / 1024 / 1024, "MiB"),
    ]
    if job.failure:
        ctx.say(f"import failed: {job.failure}")
    return result


# --- The customer list ----------------------------------------------------------------------
def _list_page_queries(officer, per_page: int) -> tuple[int, int]:
    """Queries to show one page of the list, touching what each row shows; and rows shown."""
    from charter.customers import selectors

    with CaptureQueriesContext(connection) as queries:
        customers = selectors.customer_list(officer).order_by("name", "pk")
        page = Paginator(customers, per_page).page(1)
        shown = 0
        for customer in page.object_list:
            _ = customer.customer_type.name
            _ = customer.account_manager and customer.account_manager.get_full_name()
            _ = [m.segment.name for m in customer.current_memberships]
            shown += 1
        _ = page.paginator.num_pages
    return len(queries), shown


def _list_rows(officer) -> list[dict]:
    rows = []
    counts = {}
    for per_page in PAGE_SIZES:
        counts[per_page], shown = _list_page_queries(officer, per_page)
        rows.append(
            figure(
                "customer_list_queries",
                f"selector, page of {shown} (same as page of {PAGE_SIZES[0]})",
                counts[per_page],
                "queries",
                equals=counts[PAGE_SIZES[0]],
            )
        )
    rows += _list_page_rows(officer)
    return rows


def _list_page_rows(officer) -> list[dict]:
    """The /customers/ page itself at each page size: its query count and time."""
    client = Client()
    client.force_login(officer)
    rows, baseline = [], None
    for per_page in PAGE_SIZES:
        url = f"/customers/?per_page={per_page}"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        count = len(queries)  # now: a request's end may reset the connection's log
        if response.status_code != 200:
            rows.append(
                figure(
                    "customer_list_queries",
                    f"GET {url}",
                    response.status_code,
                    "status",
                    equals=200,
                )
            )
            return rows
        baseline = count if baseline is None else baseline
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
        rows += [
            figure(
                "customer_list_queries",
                f"page ?per_page={per_page} (same as {PAGE_SIZES[0]})",
                count,
                "queries",
                equals=baseline,
            ),
            figure(
                "customer_list_queries",
                f"page ?per_page={per_page} p50",
                percentile(samples, 50),
                "ms",
            ),
        ]
    return rows
