"""Synthetic orders: realistic, consistent with the charter's promise, written in batches."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from charter.accounts.models import User
from charter.core.selectors import business_calendar
from charter.orders import rules, selectors, synthetic
from charter.orders.models import DeliveredLine, Order, OrderEvent, OrderLine, Return
from charter.standards import rules as standards_rules
from charter.standards.selectors import promise_for

pytestmark = pytest.mark.django_db
N = 500
BATCH = 100


@pytest.fixture
def made(demo):
    per_batch = []
    with CaptureQueriesContext(connection) as queries:

        def progress(done, total):
            per_batch.append(len(queries.captured_queries))

        count = synthetic.make_orders(N, seed=3, batch_size=BATCH, progress=progress)
    return count, [b - a for a, b in zip([0, *per_batch], per_batch, strict=False)]


def synthetic_orders():
    return Order.objects.filter(reference__startswith=synthetic.REFERENCE_PREFIX)


def test_it_makes_the_orders_asked_for_each_with_one_to_three_lines(made):
    count, _ = made
    assert count == N
    orders = synthetic_orders()
    assert orders.count() == N
    references = sorted(orders.values_list("reference", flat=True))
    assert references == [f"SYN-{number:07d}" for number in range(1, N + 1)]
    per_order = Counter(OrderLine.objects.filter(order__in=orders).values_list("order", flat=True))
    assert set(per_order.values()) <= {1, 2, 3} and len(per_order) == N
    assert orders.filter(total__lte=0).count() == 0
    assert OrderEvent.objects.filter(order__in=orders, status="received").count() == N


def test_statuses_are_spread_with_late_orders_and_wrong_deliveries(made):
    orders = synthetic_orders()
    statuses = dict(orders.values_list("status").annotate(n=Count("pk")).order_by())
    assert statuses["delivered"] > 0.85 * N
    assert statuses.get("cancelled", 0) > 0
    mary = User.objects.get(username="mary")
    late = selectors.late_orders(mary).filter(reference__startswith="SYN-")
    assert 0 < late.count() < 0.1 * N
    wrong = orders.filter(wrong_delivery=True)
    assert 0 < wrong.count() < 0.1 * N
    for order in wrong:
        arrived = [(d.product.name, d.quantity) for d in order.delivered_lines.all()]
        ordered = [(line.product.name, line.quantity) for line in order.lines.all()]
        assert order.delivery_difference == "; ".join(rules.delivery_differences(ordered, arrived))
    right = orders.filter(status="delivered", wrong_delivery=False)
    assert (
        DeliveredLine.objects.filter(order__in=right).count()
        == OrderLine.objects.filter(order__in=right).count()
    )
    assert orders.filter(delivered_at__gt=F("promised_by")).exists()  # some arrived late
    returns = Return.objects.filter(order__in=orders)
    assert returns.exists()
    assert returns.filter(reason="wrong_item").exists()
    for item in returns.filter(status="completed"):
        assert item.outcome in item.eligible_remedies


def test_every_promise_is_the_charters_and_after_the_order(made):
    assert synthetic_orders().filter(promised_by__lte=F("placed_at")).count() == 0
    calendar = business_calendar()
    for order in synthetic_orders().select_related("customer", "promise")[:60]:
        promise = promise_for(order.customer, "delivery")
        assert order.promise == promise
        expected = standards_rules.deadline(
            calendar, unit=promise.unit, target=promise.target, moment=order.placed_at
        )
        assert order.promised_by == expected
        steps = [order.placed_at, order.confirmed_at, order.dispatched_at, order.delivered_at]
        happened = [moment for moment in steps if moment is not None]
        assert happened == sorted(happened)


def test_it_takes_a_fixed_number_of_queries_per_batch(made):
    _, per_batch = made
    assert len(per_batch) == N // BATCH
    # The first batch also reads the customers, products, staff and charter.
    assert max(per_batch[1:]) <= synthetic.QUERIES_PER_BATCH
    # One batch five times the size takes as many queries as the first batch of the run.
    with CaptureQueriesContext(connection) as queries:
        synthetic.make_orders(BATCH * 5, seed=4, batch_size=BATCH * 5)
    assert len(queries) == per_batch[0]


def test_a_second_run_continues_the_references(made):
    synthetic.make_orders(10, seed=3)
    last = synthetic_orders().order_by("-reference").values_list("reference", flat=True)[0]
    assert last == f"SYN-{N + 10:07d}"


def test_seed_demo_makes_synthetic_orders(demo):
    call_command("seed_demo", orders=25, verbosity=0, history=False)
    assert synthetic_orders().count() == 25
