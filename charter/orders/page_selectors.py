"""Reads the order, return and warranty pages need beyond ``selectors``: each list joins what
it shows, so its query count does not grow with the page. (Kept apart from ``selectors`` while
that module is being worked on; they may move there.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timesince import timeuntil

from charter.accounts.models import ApprovalRequest, ApprovalStatus
from charter.catalog.models import Product, ProductPrice
from charter.catalog.selectors import products
from charter.core.money import format_money
from charter.core.selectors import business_calendar

from . import selectors
from .models import Order, Return, ReturnsPolicy, Warranty
from .rules import overdue_words


@dataclass(frozen=True)
class QueueRow:
    """One order as the queue shows it, its cells built once in Python (escaped by
    ``format_html``): the queue shows 50 rows, and the template engine resolving each
    attribute, URL, date and amount per row cost more than the query did."""

    order: Order
    order_cell: str
    customer_cell: str
    lines_cell: str
    when_cell: str
    state_cell: str
    total: str


TIMES = "\N{MULTIPLICATION SIGN}"
STATUS_BADGE = {"delivered": "badge badge--ok", "cancelled": "badge"}


def _url_pattern(name: str) -> str:
    # reverse() once per page with a placeholder, then fill each row's id in.
    return reverse(name, args=[999_999_999]).replace("999999999", "{}")


def _time(moment: datetime, with_clock: bool) -> str:
    clock = f"{moment:, %H:%M}" if with_clock else ""
    text = f"{moment:%a} {moment.day} {moment:%b %Y}{clock}"
    return format_html('<time datetime="{}">{}</time>', moment.isoformat(), text)


def _state(order: Order, *, due_in: str, overdue: str) -> str:
    parts = []
    if due_in:
        parts.append(format_html("{} ", due_in))
    if overdue:
        parts.append(format_html('<strong class="error">{}</strong><br>', overdue))
    badge = STATUS_BADGE.get(order.status, "badge badge--warn")
    parts.append(format_html('<span class="{}">{}</span>', badge, order.get_status_display()))
    if order.wrong_delivery:
        parts.append(mark_safe(' <span class="badge badge--bad">Wrong delivery</span>'))
    if order.kind != "order":
        parts.append(format_html(' <span class="badge">{}</span>', order.get_kind_display()))
    if order.expedite:
        parts.append(mark_safe(' <span class="badge">Expedited</span>'))
    return mark_safe("".join(parts))


def queue_rows(orders, *, now: datetime, show: str, may_see_customers: bool) -> list[QueueRow]:
    """The queue's rows: for wrong deliveries, when it arrived and what differs; otherwise
    the promise and the order's state (how late, or how long until due)."""
    calendar = business_calendar()
    order_url = _url_pattern("orders:detail")
    customer_url = _url_pattern("customers:detail") if may_see_customers else ""
    rows = []
    for order in orders:
        order_cell = format_html('<a href="{}">{}</a>', order_url.format(order.pk), order.reference)
        if order.customer_reference:
            order_cell += format_html(
                '<br><span class="small muted">their ref. {}</span>', order.customer_reference
            )
        name = order.customer.name
        customer_cell = (
            format_html('<a href="{}">{}</a>', customer_url.format(order.customer_id), name)
            if customer_url
            else name
        )
        lines_cell = format_html_join(
            mark_safe("<br>"),
            "{} {} {}",
            ((f"{ln.quantity:,}", TIMES, ln.product.name) for ln in order.lines.all()),
        )
        if show == "wrong":
            delivered = calendar.local(order.delivered_at) if order.delivered_at else None
            when_cell = _time(delivered, False) if delivered else ""
            state_cell = order.delivery_difference
        else:
            when_cell = _time(calendar.local(order.promised_by), True)
            late = order.is_late(now)
            state_cell = _state(
                order,
                due_in=timeuntil(order.promised_by, now) if show == "due" else "",
                overdue=overdue_words(order.promised_by, now, calendar) if late else "",
            )
        rows.append(
            QueueRow(
                order=order,
                order_cell=order_cell,
                customer_cell=customer_cell,
                lines_cell=lines_cell,
                when_cell=when_cell,
                state_cell=state_cell,
                total=format_money(order.total, order.currency),
            )
        )
    return rows


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
