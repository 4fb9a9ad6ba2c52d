"""Pure rules of the charter: which promise applies, and the deadline it sets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from charter.core.calendar import BusinessCalendar


def specificity(promise) -> int:
    """Segment over customer type over all customers."""
    if promise.segment_id:
        return 2
    if promise.customer_type_id:
        return 1
    return 0


def applicable(promise, *, customer_type_id: int | None, segment_ids: set[int]) -> bool:
    if promise.segment_id:
        return promise.segment_id in segment_ids
    if promise.customer_type_id:
        return promise.customer_type_id == customer_type_id
    return True


def most_specific(promises: Iterable, *, customer_type_id: int | None, segment_ids: set[int]):
    """The promise that applies, or None. Among several segments' promises the strictest
    (shortest target) wins: the customer was promised at least that."""
    candidates = [
        p
        for p in promises
        if applicable(p, customer_type_id=customer_type_id, segment_ids=segment_ids)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (specificity(p), -p.target, -p.pk))


def deadline(calendar: BusinessCalendar, *, unit: str, target: Decimal, moment: datetime):
    """When a promise of ``target`` ``unit`` falls due, counted from ``moment``."""
    if unit == "business_hours":
        return calendar.add_business_hours(moment, float(target))
    if unit == "business_days":
        return calendar.add_business_days(moment, int(target))
    if unit == "calendar_days":
        return calendar.add_calendar_days(moment, int(target))
    raise ValueError(f"A promise in {unit} is a service level, not a deadline.")
