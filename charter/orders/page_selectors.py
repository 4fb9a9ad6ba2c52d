"""Reads the order, return and warranty pages need beyond ``selectors``: each list joins what
it shows, so its query count does not grow with the page. (Kept apart from ``selectors`` while
that module is being worked on; they may move there.)"""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from charter.accounts.models import ApprovalRequest, ApprovalStatus
from charter.catalog.models import Product, ProductPrice
from charter.catalog.selectors import products
from charter.core.selectors import business_calendar

from . import selectors
from .models import Order, Return, ReturnsPolicy, Warranty
from .rules import overdue_words


def due_soon_count(user, *, now: datetime | None = None) -> int:
    return selectors.due_soon(user, now=now).prefetch_related(None).count()


def late_orders_panel(user, *, now: datetime | None = None, limit: int = 5) -> dict:
    """The home panel: how many orders are late, and the longest overdue with how late each
    is in business days, in three queries."""
    now = now or timezone.now()
    late = selectors.late_orders(user, now=now).prefetch_related(None)
    items = list(late[:limit])
    calendar = business_calendar() if items else None
    return {
        "count": late.count() if len(items) == limit else len(items),
        "items": [(order, overdue_words(order.promised_by, now, calendar)) for order in items],
    }


def customer_recent_orders(user, customer, *, limit: int = 5) -> list[Order]:
    """The customer page's section: their latest orders (flags are fields; no lines)."""
    return list(selectors.customer_orders(user, customer).prefetch_related(None)[:limit])


def customer_order_choices(user, customer, *, limit: int = 100) -> list[Order]:
    """A customer's recent orders, for choosing the one a return or warranty belongs to."""
    found = selectors.customer_orders(user, customer).prefetch_related(None)
    return list(found.only("pk", "reference", "placed_at", "customer_id")[:limit])


def order_approvals(order: Order) -> list[ApprovalRequest]:
    """Approval requests about this order that still wait (a replacement above a limit)."""
    kind = ContentType.objects.get_for_model(Order)
    return list(
        ApprovalRequest.objects.filter(
            subject_type=kind, subject_id=str(order.pk), status=ApprovalStatus.PENDING
        ).select_related("required_role")
    )


def returns_policy_figures() -> ReturnsPolicy:
    """The refunds policy's figures, without creating the row on a read (the services create
    it with these defaults the first time they need it)."""
    policy = ReturnsPolicy.objects.order_by("pk").first()
    return policy or ReturnsPolicy(change_of_mind_remedies=["exchange", "credit"])


def return_list(user, *, status: str = "") -> QuerySet[Return]:
    found = selectors.returns_visible_to(user)
    if status:
        found = found.filter(status=status)
    return found.order_by("-received_at", "-pk")


def return_detail(user, pk: int) -> Return | None:
    return (
        selectors.returns_visible_to(user)
        .select_related("replacement_order", "decided_by", "received_by")
        .filter(pk=pk)
        .first()
    )


def warranty_list(user, *, expiring: bool = False) -> QuerySet[Warranty]:
    if expiring:
        return selectors.expiring_warranties(user).order_by("expires_on", "pk")
    return selectors.warranties_visible_to(user).order_by("expires_on", "pk")


def warranty_detail(user, pk: int) -> Warranty | None:
    return (
        selectors.warranties_visible_to(user)
        .select_related("order", "registered_by")
        .filter(pk=pk)
        .first()
    )


def product_choices(
    *, warranty_only: bool = False, active_only: bool = True
) -> list[tuple[int, str, object, str]]:
    """Products with their current list price, for the order and return forms:
    (pk, label, price, currency), in one query."""
    found = products(active_only=active_only)
    if warranty_only:
        found = found.filter(warranty_months__gt=0)
    return [
        (p.pk, str(p), p.current_price, p.current_currency or "AUD")
        for p in found.order_by("family", "name", "pk")
    ]


def products_in(pks) -> dict[int, Product]:
    return Product.objects.in_bulk(list(pks))


def product_list():
    return products(active_only=False).order_by("-is_active", "family", "name", "pk")


def product_detail(pk: int) -> Product | None:
    prices = ProductPrice.objects.order_by("-effective_from")
    return (
        products(active_only=False)
        .prefetch_related(Prefetch("prices", queryset=prices))
        .filter(pk=pk)
        .first()
    )


def customer_orders_section(request, customer, limit: int = 5) -> dict:
    """The customer page's orders section: the latest orders with their late and
    wrong-delivery flags, in one query."""
    from django.utils import timezone

    now = timezone.now()
    orders = customer_recent_orders(request.user, customer, limit=limit)
    return {
        "shown": True,
        "customer": customer,
        "rows": [(order, order.is_late(now)) for order in orders],
        "limit": limit,
    }
