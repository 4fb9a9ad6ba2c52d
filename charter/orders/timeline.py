"""Orders, returns and warranty claims on a customer's timeline, and in access reports."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from charter.core.timeline import TimelineEvent

from .models import Order, Return, WarrantyClaim


def customer_events(customer_id: int, limit: int) -> list[TimelineEvent]:
    events = []
    for order in Order.objects.filter(customer_id=customer_id).order_by("-placed_at")[:limit]:
        flags = []
        if order.is_late():
            flags.append("late")
        if order.wrong_delivery:
            flags.append("wrong delivery")
        promised = timezone.localtime(order.promised_by)
        detail = f"{order.get_status_display()}; promised by {promised:%d %b %Y}"
        if flags:
            detail += " (" + ", ".join(flags) + ")"
        events.append(
            TimelineEvent(
                order.placed_at,
                "Order",
                f"{order.get_kind_display()} {order.reference}",
                detail,
                reverse("orders:detail", args=[order.pk]),
            )
        )
    for item in Return.objects.filter(customer_id=customer_id).select_related("product")[:limit]:
        events.append(
            TimelineEvent(
                item.received_at,
                "Return",
                f"{item.reference}: {item.product}",
                f"{item.get_reason_display()}; {item.get_status_display().lower()}",
                reverse("orders:return", args=[item.pk]),
            )
        )
    claims = WarrantyClaim.objects.filter(warranty__customer_id=customer_id).select_related(
        "warranty__product"
    )[:limit]
    for claim in claims:
        events.append(
            TimelineEvent(
                claim.claimed_at,
                "Warranty",
                f"Claim on {claim.warranty.product}",
                f"{'Covered' if claim.covered else 'Not covered'}; {claim.get_outcome_display()}",
            )
        )
    return events


def access_orders(customer) -> list[dict]:
    return [
        {
            "reference": o.reference, "placed_at": o.placed_at, "status": o.status,
            "promised_by": o.promised_by, "delivered_at": o.delivered_at, "total": o.total,
            "lines": "; ".join(f"{line.quantity} x {line.product}" for line in o.lines.all()),
        }
        for o in Order.objects.filter(customer=customer).prefetch_related("lines__product")
    ]  # fmt: skip


def access_returns(customer) -> list[dict]:
    return [
        {
            "reference": r.reference, "received_at": r.received_at, "product": str(r.product),
            "reason": r.reason, "outcome": r.outcome, "refund_amount": r.refund_amount,
        }
        for r in Return.objects.filter(customer=customer).select_related("product")
    ]  # fmt: skip
