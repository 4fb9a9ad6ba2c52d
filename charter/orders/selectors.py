"""Reads of orders, returns and warranties. Lists join what they show, so their query count
does not grow with the page (tests assert it)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from charter.catalog.models import Product

from . import rules
from .models import (
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Return,
    Warranty,
    WarrantyClaim,
)

# Open orders, exactly as the late-queue index's condition says: not delivered, not cancelled.
# (The status is kept in step with these times by a constraint; leaving it out lets
# PostgreSQL count late and due orders from the index alone.)
OPEN = Q(delivered_at__isnull=True, cancelled_at__isnull=True)


def orders_visible_to(user) -> QuerySet[Order]:
    """Orders a member of staff may see: anyone who serves customers sees all orders."""
    if not user.has_perm("orders.view_order"):
        return Order.objects.none()
    return Order.objects.all()


def _listed(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.select_related("customer").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product"))
    )


def recent_orders(user) -> QuerySet[Order]:
    """Every order the user may see with what a list shows, newest first."""
    return _listed(orders_visible_to(user)).order_by("-placed_at", "-pk")


def late_orders(user, *, now: datetime | None = None) -> QuerySet[Order]:
    """Open orders past their promised delivery, the longest overdue first. Uses the partial
    index on open orders by promise."""
    now = now or timezone.now()
    found = orders_visible_to(user).filter(OPEN, promised_by__lt=now)
    return _listed(found).order_by("promised_by", "pk")


def due_soon(user, *, now: datetime | None = None, within: timedelta = timedelta(days=1)):
    """Open orders whose promise falls in the next ``within``: act before they are late."""
    now = now or timezone.now()
    found = orders_visible_to(user).filter(OPEN, promised_by__gte=now, promised_by__lt=now + within)
    return _listed(found).order_by("promised_by", "pk")


def wrong_deliveries(user) -> QuerySet[Order]:
    """Deliveries that were not what was ordered, newest first."""
    found = orders_visible_to(user).filter(wrong_delivery=True)
    return _listed(found).order_by("-delivered_at", "-pk")


def customer_orders(user, customer) -> QuerySet[Order]:
    """A customer's order history, newest first (index on customer and placed time)."""
    found = orders_visible_to(user).filter(customer=customer)
    return _listed(found).order_by("-placed_at", "-pk")


def order_detail(user, pk: int) -> Order | None:
    return (
        orders_visible_to(user)
        .select_related("customer", "promise", "original", "placed_by")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product")),
            "delivered_lines__product",
            Prefetch("events", queryset=OrderEvent.objects.select_related("by")),
            "follow_ups",
            "returns",
        )
        .filter(pk=pk)
        .first()
    )


def order_counts(
    user, *, now: datetime | None = None, within: timedelta = timedelta(days=1)
) -> dict:
    """How many orders are late, due within ``within`` and wrongly delivered, for the queue's
    tabs. Late and due are one pass over the open-orders index (promises before now + within),
    wrong deliveries one over their own partial index."""
    now = now or timezone.now()
    visible = orders_visible_to(user)
    open_counts = visible.filter(OPEN, promised_by__lt=now + within).aggregate(
        late=Count("pk", filter=Q(promised_by__lt=now)),
        due=Count("pk", filter=Q(promised_by__gte=now)),
    )
    wrong = visible.filter(wrong_delivery=True).count()
    return {"late": open_counts["late"], "due": open_counts["due"], "wrong": wrong}


def returns_visible_to(user) -> QuerySet[Return]:
    if not user.has_perm("orders.view_return"):
        return Return.objects.none()
    return Return.objects.select_related("customer", "product", "order", "approval__required_role")


def warranties_visible_to(user) -> QuerySet[Warranty]:
    if not user.has_perm("orders.view_warranty"):
        return Warranty.objects.none()
    return Warranty.objects.select_related("customer", "product")


def expiring_warranties(user, *, today: date | None = None, within_days: int = 30):
    """Warranties whose last covered day falls in the coming ``within_days``."""
    today = today or timezone.localdate()
    return warranties_visible_to(user).filter(
        expires_on__gte=today, expires_on__lte=today + timedelta(days=within_days)
    )


def claims_for(warranty: Warranty) -> QuerySet[WarrantyClaim]:
    return warranty.claims.select_related("claimed_by")


# --- Quality --------------------------------------------------------------------------------


def quality_signals(
    *,
    start: date,
    end: date,
    threshold_percent: Decimal = Decimal("2"),
    minimum_returns: int = 3,
) -> list[tuple[Product, rules.QualitySignal]]:
    """Each product's returns and warranty claims per 100 units sold in [start, end), against
    the period of the same length before it, flagged above the threshold. Four aggregate
    queries and one for the products, whatever the volume."""
    length = end - start
    periods = {"now": (start, end), "before": (start - length, start)}
    counts: dict[str, dict[int, list[int]]] = {}
    for name, (first, last) in periods.items():
        lo = timezone.make_aware(datetime.combine(first, datetime.min.time()))
        hi = timezone.make_aware(datetime.combine(last, datetime.min.time()))
        totals: dict[int, list[int]] = {}
        sold = (
            OrderLine.objects.filter(order__placed_at__gte=lo, order__placed_at__lt=hi)
            .exclude(order__status=OrderStatus.CANCELLED)
            .exclude(order__kind="replacement")
            .values("product_id")
            .annotate(units=Sum("quantity"))
        )
        for row in sold:
            totals.setdefault(row["product_id"], [0, 0])[1] = row["units"] or 0
        returned = (
            Return.objects.filter(received_at__gte=lo, received_at__lt=hi)
            .exclude(reason="change_of_mind")
            .values("product_id")
            .annotate(n=Sum("quantity"))
        )
        for row in returned:
            totals.setdefault(row["product_id"], [0, 0])[0] += row["n"] or 0
        claimed = (
            WarrantyClaim.objects.filter(fault_on__gte=first, fault_on__lt=last)
            .values("warranty__product_id")
            .annotate(n=Count("pk"))
        )
        for row in claimed:
            totals.setdefault(row["warranty__product_id"], [0, 0])[0] += row["n"]
        counts[name] = totals
    product_ids = {pid for totals in counts.values() for pid, (r, _s) in totals.items() if r}
    products = Product.objects.in_bulk(product_ids)
    signals = []
    for pid, product in products.items():
        returned, sold = counts["now"].get(pid, [0, 0])
        before_returned, before_sold = counts["before"].get(pid, [0, 0])
        signal = rules.quality_signal(
            product_id=pid, returned=returned, sold=sold, previous_returned=before_returned,
            previous_sold=before_sold, threshold_percent=threshold_percent,
            minimum_returns=minimum_returns,
        )  # fmt: skip
        signals.append((product, signal))
    signals.sort(key=lambda pair: (not pair[1].flagged, -pair[1].rate, pair[0].name))
    return signals


def timeline_orders(customer, *, limit: int = 20) -> list[Order]:
    """For the customer's timeline: their latest orders with their flags."""
    return list(Order.objects.filter(customer=customer).order_by("-placed_at", "-pk")[:limit])


def late_filter(now: datetime | None = None) -> Q:
    now = now or timezone.now()
    return OPEN & Q(promised_by__lt=now)
