"""Innovative Widgets' service charter, version 1: its vision, mission and promises.

The three-day delivery guarantee is the one Mary defended to Yore Mine's buyer.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from charter.customers.models import CustomerType, Segment

from .models import CharterVersion, PromiseEvent, ServicePromise, VersionStatus

VISION = (
    "Australian businesses keep running because the widgets they rely on are safe, right and "
    "on time."
)
MISSION = "\n".join(
    [
        "Find better ways to make and test widgets.",
        "Give customers inside and outside the company consistently excellent service.",
        "Make buying Australian widgets the obvious choice through quality and service.",
        "Keep the best safety record in the industry.",
    ]
)
WELCOME = "Welcome to Innovative Widgets. These are our promises to you."

# event, target, unit, percent, scope (type name or segment name), wording
PROMISES = [
    (PromiseEvent.DELIVERY, 3, "business_days", None, None,
     "We deliver your order within 3 business days."),
    (PromiseEvent.COMPLAINT_ACKNOWLEDGE, 1, "business_days", None, None,
     "We acknowledge every complaint within 1 business day."),
    (PromiseEvent.COMPLAINT_ACKNOWLEDGE, 4, "business_hours", None, ("segment", "Key accounts"),
     "Key accounts hear from us within 4 business hours of a complaint."),
    (PromiseEvent.COMPLAINT_RESOLVE, 10, "business_days", None, None,
     "We resolve a complaint, or give our final answer, within 10 business days."),
    (PromiseEvent.COMPLAINT_RESOLVE, 5, "business_days", None,
     ("type", "Mining equipment supplier"),
     "Mining equipment suppliers get a resolution within 5 business days."),
    (PromiseEvent.CALL_ANSWER, 20, "seconds", Decimal("80"), None,
     "We answer 80% of calls within 20 seconds."),
    (PromiseEvent.FOLLOW_UP, 7, "calendar_days", None, None,
     "We check with you within 7 days that a resolution worked."),
    (PromiseEvent.REFUND, 5, "business_days", None, None,
     "An approved refund reaches you within 5 business days."),
]  # fmt: skip


def seed(ctx) -> None:
    if CharterVersion.objects.exists():
        return
    version = CharterVersion.objects.create(
        number=1,
        status=VersionStatus.APPROVED,
        vision=VISION,
        mission=MISSION,
        welcome=WELCOME,
        summary_of_changes="The first charter.",
        approved_at=timezone.now(),
        approved_by=ctx.created.get("staff", {}).get("grace"),
    )
    for event, target, unit, percent, scope, wording in PROMISES:
        fields = {}
        if scope and scope[0] == "segment":
            fields["segment"] = Segment.objects.get(name=scope[1])
        elif scope:
            fields["customer_type"] = CustomerType.objects.get(name=scope[1])
        ServicePromise.objects.create(
            version=version,
            event=event,
            target=Decimal(target),
            unit=unit,
            percent=percent,
            wording=wording,
            measure="From the time the event is logged, on the organisation's business calendar.",
            **fields,
        )
    ctx.say(f"Approved charter version 1 with {len(PROMISES)} promises.")
