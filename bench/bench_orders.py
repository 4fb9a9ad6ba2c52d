"""Orders at volume: generation, the late-orders queue and a big customer's order history.

Sizes (times ``--scale``): 100,000 synthetic customers (as ``bench_customers``; topped up if it
ran first) and 1,000,000 synthetic orders (``orders.synthetic.make_orders``: 1-3 lines each,
their deliveries, stories and returns). Timed as officer Mary, 100 times each after warm-up:

- the selectors, a page of 50 fully evaluated with their joins and prefetches (the customer,
  each line's product): ``late_orders(user)[:50]`` and ``customer_orders(user, customer)[:50]``
  for the customer with the most orders, and the queue's tab counts (``order_counts``);
- the pages, through Django's test client, when they exist: ``/orders/?show=late`` and
  ``/orders/?show=all&customer=<pk>``.

Query counts are taken for pages of 10, 50 and 200 and for a customer with one order, and must
not change. The plans of the two list queries are printed (EXPLAIN ANALYZE on PostgreSQL,
EXPLAIN QUERY PLAN on SQLite) so a slow figure can be read against them.
"""

from __future__ import annotations

import os
import time

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import datagen
from bench.support import Context, figure, percentile, timed

MODULE = "orders"
SEED = 20_26
SIZES = {"customers": 100_000, "orders": 1_000_000}
DATAGEN_SECONDS = 600
P95_MS = 100
SAMPLES = 100
PAGE = 50
PAGE_SIZES = (10, 50, 200)
OFFICER = "mary"  # a customer service officer in the demo

ENTRIES = ("orders_datagen", "late_orders", "customer_orders", "order_counts", "orders_pages")


def run(ctx: Context) -> list[dict]:
    wanted = [entry for entry in ENTRIES if ctx.wants(entry, MODULE)]
    rows: list[dict] = []
    datagen.seed_demo()

    from charter.accounts.models import User

    rows += _generate(ctx, "orders_datagen" in wanted)
    officer = User.objects.get(username=OFFICER)
    busiest, quietest = _customers()
    ctx.say(f"busiest customer has {busiest[1]:,} orders")
    load = os.getloadavg()[0]
    rows.append(figure(MODULE, f"load average before timing ({os.cpu_count()} CPUs)", load, ""))
    if "late_orders" in wanted:
        ctx.say("timing the late-orders queue")
        rows += _late_rows(ctx, officer)
    if "customer_orders" in wanted:
        ctx.say("timing a customer's order history")
        rows += _history_rows(ctx, officer, busiest, quietest)
    if "order_counts" in wanted:
        rows += _count_rows(officer)
    if "orders_pages" in wanted:
        ctx.say("timing the order pages")
        rows += _page_rows(ctx, officer, busiest[0])
    rows.append(figure(MODULE, "load average at the end", os.getloadavg()[0], ""))
    return rows


# --- Generation -----------------------------------------------------------------------------
def _generate(ctx: Context, report: bool) -> list[dict]:
    from charter.customers import synthetic as customers
    from charter.customers.models import Customer
    from charter.orders import synthetic
    from charter.orders.models import DeliveredLine, Order, OrderEvent, OrderLine, Return

    have = Customer.objects.filter(reference__startswith=customers.REFERENCE_PREFIX).count()
    wanted = ctx.size(SIZES["customers"])
    customer_seconds = 0.0
    if have < wanted:
        ctx.say(f"generating {wanted - have:,} customers")
        start = time.perf_counter()
        customers.make_customers(n=wanted - have, seed=SEED)
        customer_seconds = time.perf_counter() - start

    have = Order.objects.filter(reference__startswith=synthetic.REFERENCE_PREFIX).count()
    n = max(0, ctx.size(SIZES["orders"]) - have)
    ctx.say(f"generating {n:,} orders")

    def progress(done, total):
        if done == total or done % 100_000 == 0:
            ctx.say(f"{done:,} / {total:,} orders")

    start = time.perf_counter()
    made = synthetic.make_orders(n, seed=SEED, progress=progress)
    seconds = time.perf_counter() - start
    analyze = _analyze()
    if not report:
        return []
    rows = [
        figure("orders_datagen", f"make_orders (+{made:,})", seconds, "s", below=DATAGEN_SECONDS),
        figure("orders_datagen", "rate", made / seconds if seconds else 0, "orders/s"),
        figure("orders_datagen", "orders", Order.objects.count(), "rows"),
        figure("orders_datagen", "order lines", OrderLine.objects.count(), "rows"),
        figure("orders_datagen", "delivered lines", DeliveredLine.objects.count(), "rows"),
        figure("orders_datagen", "order events", OrderEvent.objects.count(), "rows"),
        figure("orders_datagen", "returns", Return.objects.count(), "rows"),
    ]
    if customer_seconds:
        rows.append(figure("orders_datagen", "make_customers (top-up)", customer_seconds, "s"))
    if analyze:
        rows.append(figure("orders_datagen", "VACUUM ANALYZE", analyze, "s"))
    return rows


def _analyze() -> float:
    """PostgreSQL's autovacuum would vacuum and analyse the new rows within minutes; do it now,
    so that counts can read the indexes alone (the visibility map) as they would in use."""
    if connection.vendor != "postgresql":
        return 0.0
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("orders_order", "orders_orderline", "customers_customer"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("ANALYZE")
    return time.perf_counter() - start


def _customers() -> tuple[tuple[int, int], tuple[int, int]]:
    """(pk, orders) of the customer with the most orders, and of one with a single order."""
    from charter.orders.models import Order

    counts = Order.objects.values("customer").annotate(n=Count("pk"))
    busiest = counts.order_by("-n", "customer")[0]
    quietest = counts.filter(n=1).order_by("customer").first() or counts.order_by("n")[0]
    return (busiest["customer"], busiest["n"]), (quietest["customer"], quietest["n"])


# --- Selectors ------------------------------------------------------------------------------
def _shown(orders) -> int:
    """Evaluate a page as a template would: each order's customer and lines' products."""
    shown = 0
    for order in orders:
        _ = (order.reference, order.customer.name, order.promised_by, order.status)
        _ = [(line.product.name, line.quantity, line.amount) for line in order.lines.all()]
        shown += 1
    return shown


def _queries(make) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        shown = _shown(make())
    return len(queries), shown


def _timing_rows(entry: str, label: str, make) -> list[dict]:
    samples = timed(lambda: _shown(make()), times=SAMPLES)
    return [
        figure(entry, f"{label} p50 ({SAMPLES} runs)", percentile(samples, 50), "ms"),
        figure(entry, f"{label} p95", percentile(samples, 95), "ms", below=P95_MS),
    ]


def _count_figures(entry: str, makers: dict) -> list[dict]:
    """Query counts for each way of asking; all must equal the first."""
    rows, baseline = [], None
    for label, make in makers.items():
        count, shown = _queries(make)
        baseline = count if baseline is None else baseline
        rows.append(figure(entry, f"queries, {label} ({shown} shown)", count, "queries",
                           equals=baseline))  # fmt: skip
    return rows


def _late_rows(ctx: Context, officer) -> list[dict]:
    from charter.orders import selectors

    late = selectors.late_orders(officer).count()
    rows = [figure("late_orders", "late orders in the queue", late, "orders")]
    rows += _timing_rows("late_orders", f"late_orders()[:{PAGE}]",
                         lambda: selectors.late_orders(officer)[:PAGE])  # fmt: skip
    rows += _count_figures(
        "late_orders",
        {f"page of {size}": (lambda size=size: selectors.late_orders(officer)[:size])
         for size in PAGE_SIZES},
    )  # fmt: skip
    _explain(ctx, "late_orders", selectors.late_orders(officer)[:PAGE])
    return rows


def _history_rows(ctx: Context, officer, busiest, quietest) -> list[dict]:
    from charter.customers.models import Customer
    from charter.orders import selectors

    big = Customer.objects.get(pk=busiest[0])
    small = Customer.objects.get(pk=quietest[0])
    rows = [figure("customer_orders", "the customer's orders", busiest[1], "orders")]
    rows += _timing_rows("customer_orders", f"customer_orders()[:{PAGE}]",
                         lambda: selectors.customer_orders(officer, big)[:PAGE])  # fmt: skip
    makers = {
        f"page of {size}": (lambda size=size: selectors.customer_orders(officer, big)[:size])
        for size in PAGE_SIZES
    }
    makers[f"a customer with {quietest[1]} order"] = lambda: selectors.customer_orders(
        officer, small
    )[:PAGE]
    rows += _count_figures("customer_orders", makers)
    _explain(ctx, "customer_orders", selectors.customer_orders(officer, big)[:PAGE])
    return rows


def _count_rows(officer) -> list[dict]:
    from charter.orders import selectors

    samples = timed(lambda: selectors.order_counts(officer), times=SAMPLES)
    return [
        figure("order_counts", "late, due and wrong counts p50", percentile(samples, 50), "ms"),
        figure("order_counts", "late, due and wrong counts p95", percentile(samples, 95), "ms",
               below=P95_MS),
    ]  # fmt: skip


def _explain(ctx: Context, name: str, queryset) -> None:
    """Print the plan of the list query (not its prefetch) to stderr."""
    sql, params = queryset.query.sql_with_params()
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        plan = cursor.fetchall()
    ctx.say(f"plan of {name}:")
    for row in plan:
        ctx.say("    " + (row[0] if connection.vendor == "postgresql" else str(row[-1])))


# --- Pages ----------------------------------------------------------------------------------
def _page_rows(ctx: Context, officer, customer_pk: int) -> list[dict]:
    client = Client()
    client.force_login(officer)
    pages = {
        "late queue": "/orders/?show=late",
        "customer's orders": f"/orders/?show=all&customer={customer_pk}",
    }
    rows = []
    for label, url in pages.items():
        try:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
        except Exception as error:  # a page being written may not load: report, go on
            ctx.say(f"GET {url} failed: {error!r}")
            rows.append(figure("orders_pages", f"GET {url} failed ({type(error).__name__})",
                               0, ""))  # fmt: skip
            continue
        count = len(queries)
        if response.status_code != 200:
            rows.append(figure("orders_pages", f"GET {url} (not available yet)",
                               response.status_code, "status"))  # fmt: skip
            continue
        # The next page of the same list: the count must hold.
        again = url + "&page=2"
        with CaptureQueriesContext(connection) as later:
            client.get(again)
        count_later = len(later)  # now: the next request resets the connection's log
        samples = timed(lambda url=url: client.get(url), times=ctx.samples)
        rows += [
            figure("orders_pages", f"{label} {url} p50 ({ctx.samples} requests)",
                   percentile(samples, 50), "ms"),
            figure("orders_pages", f"{label} p95", percentile(samples, 95), "ms", below=P95_MS),
            figure("orders_pages", f"{label} queries", count, "queries"),
            figure("orders_pages", f"{label} queries, page 2", count_later, "queries",
                   equals=count),
        ]  # fmt: skip
    return rows
