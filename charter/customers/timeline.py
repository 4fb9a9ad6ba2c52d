"""The customers app's own events on a customer's timeline (one query per kind of event)."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from charter.core.timeline import TimelineEvent

from .models import (
    AccountManagerAssignment,
    ConsentRecord,
    Customer,
    Holding,
    SegmentFeedback,
    SegmentMembership,
    SegmentNotice,
)


def _day(d) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(9)))


def customer_events(customer_id: int, limit: int) -> list[TimelineEvent]:
    events = []
    customer = Customer.objects.only("created_at", "customer_since").get(pk=customer_id)
    events.append(TimelineEvent(customer.created_at, "Record", "Customer record created"))
    for c in ConsentRecord.objects.filter(customer_id=customer_id).select_related("recorded_by")[
        :limit
    ]:
        verb = "given" if c.given else "withdrawn"
        by = f" (recorded by {c.recorded_by})" if c.recorded_by else ""
        events.append(
            TimelineEvent(
                c.at, "Consent", f"{c.get_purpose_display()} {verb}", c.get_method_display() + by
            )
        )
    for m in SegmentMembership.objects.filter(customer_id=customer_id).select_related("segment")[
        :limit
    ]:
        events.append(TimelineEvent(m.entered_at, "Segment", f"Entered {m.segment.name}"))
        if m.left_at:
            events.append(TimelineEvent(m.left_at, "Segment", f"Left {m.segment.name}"))
    for a in AccountManagerAssignment.objects.filter(customer_id=customer_id).select_related(
        "manager", "assigned_by"
    )[:limit]:
        who = str(a.manager) if a.manager else "nobody"
        detail = a.reason or ""
        events.append(TimelineEvent(a.started_at, "Account manager", f"Managed by {who}", detail))
    for n in SegmentNotice.objects.filter(customer_id=customer_id).select_related("segment")[
        :limit
    ]:
        events.append(
            TimelineEvent(
                n.sent_at or n.created_at,
                "Segment notice",
                f"Told of {n.segment.name} ({n.get_channel_display().lower()})",
                n.get_status_display(),
            )
        )
    for f in SegmentFeedback.objects.filter(customer_id=customer_id).select_related("segment")[
        :limit
    ]:
        events.append(
            TimelineEvent(
                f.received_at, "Feedback", f"Rated {f.segment.name} {f.rating} of 5", f.comment
            )
        )
    for h in Holding.objects.filter(customer_id=customer_id).select_related("offering")[:limit]:
        events.append(
            TimelineEvent(
                _day(h.started_on), "Product", f"{h.offering.name}: {h.get_status_display()}"
            )
        )
    return events
